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

static const struct {
	uint32_t c;
	const char *name;
} hidden[] = {
	{ 0x200b, "zero width space" },
	{ 0x200c, "zero width non-joiner" },
	{ 0x200d, "zero width joiner" },
	{ 0x202a, "left-to-right embedding" },
	{ 0x202b, "right-to-left embedding" },
	{ 0x202c, "pop directional formatting" },
	{ 0x202d, "left-to-right override" },
	{ 0x202e, "right-to-left override" },
	{ 0x2060, "word joiner" },
	{ 0x2066, "left-to-right isolate" },
	{ 0x2067, "right-to-left isolate" },
	{ 0x2068, "first strong isolate" },
	{ 0x2069, "pop directional isolate" },
	{ 0xfeff, "zero width no-break space" },
};

bool utf8_is_bidi_control(uint32_t c)
{
	return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

bool utf8_is_zero_width(uint32_t c)
{
	return (c >= 0x200b && c <= 0x200d) || c == 0x2060 || c == 0xfeff;
}

bool utf8_is_hidden(uint32_t c)
{
	return utf8_is_bidi_control(c) || utf8_is_zero_width(c);
}

const char *utf8_hidden_name(uint32_t c)
{
	for (size_t i = 0; i < sizeof(hidden) / sizeof(*hidden); i++)
		if (hidden[i].c == c)
			return hidden[i].name;
	return NULL;
}

void utf8_put_visible(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), done = 0;

	for (size_t i = 0, len; i < n; i += len) {
		uint32_t c;

		if (!(len = utf8_decode(p + i, n - i, &c))) {
			len = 1;
			continue;
		}
		if (!utf8_is_hidden(c))
			continue;
		buf_add(out, s + done, i - done);
		buf_addf(out, "<U+%04X>", (unsigned)c);
		done = i + len;
	}
	buf_add(out, s + done, n - done);
}
