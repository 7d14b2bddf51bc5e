/* err: the error slot and the warning queue (see err.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "utf8.h"
#include "xalloc.h"

/* Each thread its own: the threads that read records ahead of a report
 * (register_read.c) parse on their own, and what they meet stays theirs. */
static _Thread_local char slot[4096];
static _Thread_local int slot_code;
static _Thread_local char **warnings;
static _Thread_local size_t nwarnings;

/* A message is one line of valid UTF-8 for a terminal, whatever the
 * values it quotes: control characters and bytes that are not UTF-8 (a
 * value cut by a buffer, a name in another encoding) become '?'. */
static void clean(char *s)
{
	unsigned char *p = (unsigned char *)s;
	size_t n = strlen(s);

	for (size_t i = 0, len; i < n; i += len) {
		uint32_t c;

		len = utf8_decode(p + i, n - i, &c);
		if (!len) {
			p[i] = '?';
			len = 1;
		} else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
			memset(p + i, '?', len);
		}
	}
}

int preg_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(slot, sizeof(slot), fmt, ap);
	va_end(ap);
	clean(slot);
	slot_code = code;
	return code;
}

int preg_error_prefix(const char *fmt, ...)
{
	char pre[1024], old[sizeof(slot)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	memcpy(old, slot, sizeof(old));
	/* Bounded by hand: the prefix and the message may not both fit. */
	size_t n = strlen(pre);
	if (n > sizeof(slot) - 3)
		n = sizeof(slot) - 3;
	memcpy(slot, pre, n);
	memcpy(slot + n, ": ", 2);
	size_t m = strlen(old);
	if (m > sizeof(slot) - n - 3)
		m = sizeof(slot) - n - 3;
	memcpy(slot + n + 2, old, m);
	slot[n + 2 + m] = '\0';
	clean(slot);
	return slot_code ? slot_code : PREG_ERR;
}

const char *preg_error_msg(void)
{
	return slot;
}

int preg_error_code(void)
{
	return slot_code;
}

void preg_error_clear(void)
{
	slot[0] = '\0';
	slot_code = 0;
}

void preg_warn(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	warnings = xrealloc(warnings, (nwarnings + 1) * sizeof(*warnings));
	warnings[nwarnings++] = s;
}

size_t preg_warnings_take(char ***out)
{
	size_t n = nwarnings;

	*out = warnings;
	warnings = NULL;
	nwarnings = 0;
	return n;
}

void preg_warnings_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
