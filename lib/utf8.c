/* utf8: the one UTF-8 decoder and display width (see utf8.h). */
#include <string.h>

#include <utf8proc.h>

#include "utf8.h"

size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	} else if ((p[0] & 0xe0) == 0xc0) {
		c = p[0] & 0x1f;
		len = 2;
	} else if ((p[0] & 0xf0) == 0xe0) {
		c = p[0] & 0x0f;
		len = 3;
	} else if ((p[0] & 0xf8) == 0xf0) {
		c = p[0] & 0x07;
		len = 4;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

bool utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	uint32_t c;

	for (size_t i = 0, len; i < n; i += len)
		if (!(len = utf8_decode(p + i, n - i, &c)))
			return false;
	return true;
}

/* ---- display width ---- */

/* The character at p (NUL-terminated), its length in *len; a byte that is
 * not UTF-8 reads as U+FFFD of length 1. */
static uint32_t cp_at(const unsigned char *p, size_t *len)
{
	uint32_t c;

	*len = utf8_decode(p, strnlen((const char *)p, 4), &c);
	if (!*len) {
		*len = 1;
		return 0xfffd;
	}
	return c;
}

static bool regional_indicator(uint32_t c)
{
	return c >= 0x1f1e6 && c <= 0x1f1ff;
}

/*
 * The grapheme cluster at p: its length in bytes (returned) and its width
 * (*w). The width is that of its first character, except that a flag and
 * a cluster with U+FE0F take two columns and one with U+FE0E one.
 */
static size_t cluster(const unsigned char *p, size_t *w)
{
	utf8proc_int32_t state = 0;
	size_t len, n;
	uint32_t first = cp_at(p, &len), prev = first, c;
	int width = utf8proc_charwidth((utf8proc_int32_t)first), nri = regional_indicator(first);

	n = len;
	while (p[n]) {
		c = cp_at(p + n, &len);
		if (utf8proc_grapheme_break_stateful((utf8proc_int32_t)prev, (utf8proc_int32_t)c, &state))
			break;
		if (c == 0xfe0f)
			width = 2;
		else if (c == 0xfe0e && width == 2)
			width = 1;
		nri += regional_indicator(c);
		prev = c;
		n += len;
	}
	if (nri == 2)
		width = 2;
	/* utf8proc gives 0 to controls and format characters, never less. */
	*w = width > 0 ? (size_t)width : 0;
	return n;
}

size_t utf8_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t total = 0, w;

	while (*p) {
		p += cluster(p, &w);
		total += w;
	}
	return total;
}

size_t utf8_fit(const char *s, size_t max, size_t *width)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t total = 0, w, n;

	while (*p) {
		n = cluster(p, &w);
		if (total + w > max)
			break;
		total += w;
		p += n;
	}
	if (width)
		*width = total;
	return (size_t)(p - (const unsigned char *)s);
}
