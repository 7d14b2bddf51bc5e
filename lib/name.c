/*
 * name: client names as people read them (see name.h).
 *
 * The legal forms are matched on the name as written, one form at a time
 * from either end, so that "Acme Co., Ltd." loses both and "ИПОТЕКА" is not
 * taken for ИП: a form must end at a space, a comma, a quote or the end.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "legalform.h"
#include "name.h"
#include "utf8.h"
#include "xalloc.h"

/* The character at s (n bytes left), its length in *len (0: not UTF-8). */
static uint32_t char_at(const char *s, size_t n, size_t *len)
{
	uint32_t c = 0;

	*len = utf8_decode((const unsigned char *)s, n, &c);
	return c;
}

/* Lower case, with a fast path for ASCII and Russian. */
static uint32_t lower(uint32_t c)
{
	if (c < 0x80)
		return c >= 'A' && c <= 'Z' ? c + 32 : c;
	if (c >= 0x410 && c <= 0x42f)
		return c + 0x20;
	if (c >= 0x430 && c <= 0x44f)
		return c;
	return (uint32_t)utf8proc_tolower((utf8proc_int32_t)c);
}

static bool is_quote(uint32_t c)
{
	return c == '"' || c == '\'' || c == 0xab || c == 0xbb || c == 0x201c || c == 0x201d || c == 0x201e ||
	       c == 0x2018 || c == 0x2019;
}

/* Whether a form may end before s[0..n): at the end, a space, a comma or a
 * quote. */
static bool boundary(const char *s, size_t n)
{
	size_t len;

	return !n || *s == ' ' || *s == ',' || is_quote(char_at(s, n, &len));
}

/* The first letter of a form (ASCII or two bytes of UTF-8). */
static uint32_t first_letter(const char *f)
{
	const unsigned char *u = (const unsigned char *)f;

	return u[0] < 0x80 ? u[0] : (uint32_t)(u[0] & 0x1f) << 6 | (u[1] & 0x3f);
}

/* The length of form f at the start of s[0..n): its letters in any case
 * (in its own case with LF_CASE), spaces, dots or commas where it has a
 * space ("Co., Ltd.", "GmbH & Co. KG"), an optional dot after it and a boundary after that; 0 when it is
 * not there. */
static size_t form_at(const char *s, size_t n, const struct legal_form *f)
{
	const char *w = f->words;
	size_t i = 0, len, flen;

	while (*w) {
		uint32_t c, d;

		if (*w == ' ') {
			size_t j = i;

			while (j < n && (s[j] == ' ' || s[j] == '.' || s[j] == ',' || s[j] == '&' || s[j] == '/'))
				j++;
			if (j == i)
				return 0;
			i = j;
			w++;
			continue;
		}
		c = char_at(w, strnlen(w, 4), &flen);
		if (i >= n || !(d = char_at(s + i, n - i, &len)) || !len)
			return 0;
		if (f->flags & LF_CASE ? d != c : lower(d) != lower(c))
			return 0;
		i += len;
		w += flen;
	}
	if (i < n && s[i] == '.')
		i++;
	return boundary(s + i, n - i) ? i : 0;
}

/* The longest form that may stand where (LF_LEAD, LF_TRAIL) at the start
 * of s[0..n), or 0; *abbr (may be NULL) gets the abbreviation of a long
 * form, NULL for the others. */
static size_t any_form_at(const char *s, size_t n, unsigned where, const char **abbr)
{
	size_t best = 0, m, len;
	uint32_t c;

	if (abbr)
		*abbr = NULL;
	/* Most names start with no form at all: compare first letters before
	 * trying a form letter by letter. Every form starts with a letter of
	 * one or two bytes. */
	c = lower(char_at(s, n, &len));
	if (!len || c >= 0x800)
		return 0;
	for (size_t k = 0; k < legal_forms_n; k++) {
		const struct legal_form *f = &legal_forms[k];

		if (!(f->flags & where) || lower(first_letter(f->words)) != c)
			continue;
		if ((m = form_at(s, n, f)) > best) {
			best = m;
			if (abbr)
				*abbr = f->abbr;
		}
	}
	return best;
}

static size_t skip_space(const char *s, size_t i, size_t e)
{
	while (i < e && (s[i] == ' ' || s[i] == ','))
		i++;
	return i;
}

static size_t trim_end(const char *s, size_t b, size_t e)
{
	while (e > b && (s[e - 1] == ' ' || s[e - 1] == ','))
		e--;
	return e;
}

/* The start of the character that ends s[0..e). */
static size_t char_back(const char *s, size_t e)
{
	while (e > 0 && ((unsigned char)s[e - 1] & 0xc0) == 0x80)
		e--;
	return e ? e - 1 : 0;
}

void name_split(struct name_parts *out, const char *name)
{
	size_t n = strlen(name), b, e, m, len, sb = 0, se = 0, eb = 0, ee = 0;
	const char *abbr = NULL;

	b = skip_space(name, 0, n);
	e = trim_end(name, b, n);
	/* Forms at the start; two at most ("ООО ТД" is not one). */
	for (int k = 0; k < 2 && (m = any_form_at(name + b, e - b, LF_LEAD, k ? NULL : &abbr)); k++) {
		if (!se)
			sb = b;
		se = b + m;
		b = skip_space(name, b + m, e);
	}
	/* Forms at the end, two at most: each the longest that ends there,
	 * tried from its last word back over up to five ("Co., Ltd."). */
	for (int k = 0; k < 2 && e > b; k++) {
		size_t t = e, found = 0;

		for (int w = 0; w < 5 && t > b; w++) {
			while (t > b && name[t - 1] != ' ' && name[t - 1] != ',')
				t--;
			if (t > b && any_form_at(name + t, e - t, LF_TRAIL, NULL) == e - t)
				found = t;
			t = trim_end(name, b, t);
		}
		if (!found)
			break;
		if (!ee)
			ee = e;
		eb = found;
		e = trim_end(name, b, found);
	}
	/* Quotes around the core. */
	if (e > b && is_quote(char_at(name + b, e - b, &len))) {
		size_t last = char_back(name, e), l2;

		if (last > b && is_quote(char_at(name + last, e - last, &l2))) {
			b += len;
			e = last;
		}
	}
	out->only_form = e <= b && (se || ee);
	if (e <= b) {
		/* Nothing but a legal form: the name is its own core. */
		out->core = name;
		out->core_len = n;
		out->form = "";
		out->form_len = 0;
		out->abbr = NULL;
		return;
	}
	out->core = name + b;
	out->core_len = e - b;
	out->abbr = se ? abbr : NULL;
	if (se) {
		out->form = name + sb;
		out->form_len = trim_end(name, sb, se) - sb;
	} else if (ee) {
		out->form = name + eb;
		out->form_len = ee - eb;
	} else {
		out->form = "";
		out->form_len = 0;
	}
}

void name_fold(struct buf *out, const char *s, size_t len)
{
	/* Written through a small buffer: this runs for every text of every
	 * record a search reads. */
	char tmp[256];
	size_t i = 0, n, k = 0, start = out->len;
	bool space = true; /* no space at the start */

	while (i < len) {
		uint32_t c = (unsigned char)s[i];
		bool letter;

		if (k > sizeof(tmp) - 8) {
			buf_add(out, tmp, k);
			k = 0;
		}
		if (c < 0x80) {
			i++;
			c = c >= 'A' && c <= 'Z' ? c + 32 : c;
			letter = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		} else {
			c = char_at(s + i, len - i, &n);
			if (!n) {
				i++;
				continue;
			}
			i += n;
			c = lower(c);
			if (c == 0x451)
				c = 0x435; /* ё as е */
			if (c >= 0x430 && c <= 0x44f) {
				letter = true; /* а..я, the most of what is read */
			} else {
				int cat = utf8proc_category((utf8proc_int32_t)c);

				letter = cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO;
			}
		}
		if (letter) {
			if (c < 0x80)
				tmp[k++] = (char)c;
			else
				k += (size_t)utf8proc_encode_char((utf8proc_int32_t)c, (utf8proc_uint8_t *)tmp + k);
			space = false;
		} else if (!space) {
			tmp[k++] = ' ';
			space = true;
		}
	}
	if (k && tmp[k - 1] == ' ')
		k--;
	else if (!k && out->len > start && out->p[out->len - 1] == ' ')
		out->len--; /* the space was flushed with the last chunk */
	buf_add(out, tmp, k);
}

/* Words that begin many names and tell little apart ("Транспортная
 * компания Южный Урал"), with the abbreviation people write for them. */
static const struct {
	const char *words;
	const char *abbr;
} generic[] = {
	{ "транспортная компания", "ТК" },
	{ "транспортно-экспедиционная компания", "ТЭК" },
	{ "торговая компания", "ТК" },
	{ "торговый дом", "ТД" },
	{ "группа компаний", "ГК" },
	{ "строительная компания", "СК" },
	{ "управляющая компания", "УК" },
	{ "производственная компания", "ПК" },
	{ "научно-производственное предприятие", "НПП" },
	{ "научно-производственное объединение", "НПО" },
	{ "производственное объединение", "ПО" },
};

/* The length of the generic words that s[0..len) begins with (and their
 * abbreviation in *abbr), or 0 when it begins with none or is nothing
 * more. Lower and upper case Cyrillic letters have the same length. */
static size_t generic_len(const char *s, size_t len, const char **abbr)
{
	for (size_t k = 0; k < sizeof(generic) / sizeof(*generic); k++) {
		size_t n = strlen(generic[k].words);
		struct buf b = BUF_INIT, g = BUF_INIT;
		bool same;

		if (n + 1 >= len || s[n] != ' ')
			continue;
		name_fold(&b, s, n);
		name_fold(&g, generic[k].words, n);
		same = !strcmp(buf_str(&b), buf_str(&g));
		buf_release(&b);
		buf_release(&g);
		if (same) {
			*abbr = generic[k].abbr;
			return n;
		}
	}
	return 0;
}

char *name_short(const char *name, size_t max)
{
	struct name_parts p;
	const char *core, *abbr;
	char *s, *cut;
	size_t fit, core_len, gen;

	if (utf8_width(name) <= max)
		return xstrdup(name);
	name_split(&p, name);
	if (p.abbr) {
		s = xasprintf("%.*s (%s)", (int)p.core_len, p.core, p.abbr);
		if (utf8_width(s) <= max)
			return s;
		free(s);
	}
	core = p.core;
	core_len = p.core_len;
	/* "ТК Южный Урал-Логистик", else "Южный Урал-Логистик": the words
	 * after the generic ones are what tells the client apart. */
	if ((gen = generic_len(core, core_len, &abbr))) {
		s = xasprintf("%s %.*s", abbr, (int)(core_len - gen - 1), core + gen + 1);
		if (utf8_width(s) <= max)
			return s;
		free(s);
		core += gen + 1;
		core_len -= gen + 1;
	}
	s = xstrndup(core, core_len);
	if (utf8_width(s) <= max || !max)
		return s;
	fit = utf8_fit(s, max - 1, NULL);
	/* Cut at the end of a word when one ends in the last third. */
	for (size_t i = fit; i > fit * 2 / 3; i--)
		if (s[i - 1] == ' ') {
			fit = i - 1;
			break;
		}
	while (fit && (s[fit - 1] == ' ' || s[fit - 1] == ','))
		fit--;
	s[fit] = '\0';
	cut = xasprintf("%s…", s);

	free(s);
	return cut;
}

char *name_sort_key(const char *name)
{
	struct name_parts p;
	struct buf b = BUF_INIT;
	char *key;
	size_t n;

	name_split(&p, name);
	name_fold(&b, p.core, p.core_len);
	n = strxfrm(NULL, buf_str(&b), 0);
	key = xmalloc(n + 1);
	strxfrm(key, buf_str(&b), n + 1);
	buf_release(&b);
	return key;
}

int name_cmp(const char *a, const char *b)
{
	char *ka = name_sort_key(a), *kb = name_sort_key(b);
	int c = strcmp(ka, kb);

	free(ka);
	free(kb);
	return c ? c : strcmp(a, b);
}
