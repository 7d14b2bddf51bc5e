/* phone: telephone numbers in one comparable form (see phone.h). */
#include <stdlib.h>
#include <string.h>

#include "phone.h"
#include "ptime.h"
#include "xalloc.h"

/* Whether c ends the number proper: an extension follows. Any byte of a
 * letter (ASCII or not) counts, so "доб." and "ext" both end it. */
static bool ends_number(unsigned char c)
{
	return c == '#' || c == ',' || c == ';' || c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

char *phone_key(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0, len = strlen(s);
	char *d = xmalloc(len + 2), *key;
	bool plus = false;

	for (; *p && !ends_number(*p); p++) {
		if (*p >= '0' && *p <= '9')
			d[n++] = (char)*p;
		else if (*p == '+' && !n)
			plus = true;
	}
	d[n] = '\0';
	if (!n) {
		free(d);
		return NULL;
	}
	if (plus)
		key = xasprintf("+%s", d);
	else if (n >= 10 && !strncmp(d, "00", 2) && d[2] != '0')
		key = xasprintf("+%s", d + 2);
	else if (n > 11 && !strncmp(d, "810", 3))
		key = xasprintf("+%s", d + 3);
	else if (n == 11 && (d[0] == '8' || d[0] == '7'))
		key = xasprintf("+7%s", d + 1);
	else if (n == 10 && strchr("3489", d[0]))
		key = xasprintf("+7%s", d);
	else
		key = xstrdup(d);
	free(d);
	return key;
}

bool phone_key_match(const char *ka, const char *kb)
{
	const char *shorter, *longer, *dl;
	size_t ns, nl;

	if (!ka || !kb || !*ka || !*kb)
		return false;
	if (!strcmp(ka, kb))
		return true;
	shorter = strlen(ka) <= strlen(kb) ? ka : kb;
	longer = shorter == ka ? kb : ka;
	dl = longer + (*longer == '+');
	ns = strlen(shorter);
	nl = strlen(dl);
	return *shorter != '+' && ns >= PHONE_MATCH_MIN && nl >= ns && !strcmp(dl + nl - ns, shorter);
}

bool phone_match(const char *a, const char *b)
{
	char *ka = phone_key(a), *kb = phone_key(b);
	bool same = phone_key_match(ka, kb);

	free(ka);
	free(kb);
	return same;
}

bool phone_like(const char *s)
{
	size_t digits = 0;

	/* A date is not a number to call. */
	if (ptime_looks_like(s) && strlen(s) == 10)
		return false;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p == '+' && strspn(s, " ") != (size_t)(p - s))
			return false;
		else if (!strchr("+ -./()", *p))
			return false;
	}
	return digits >= PHONE_MATCH_MIN;
}
