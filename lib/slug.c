/*
 * slug: client ids (see slug.h).
 *
 * The transliteration tables are written out by hand rather than asking
 * iconv, whose //TRANSLIT result depends on the locale: the same name must
 * give the same id on every machine.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "legalform.h"
#include "slug.h"
#include "utf8.h"
#include "xalloc.h"

/* How far back from the cut slug_from_name looks for a '-' to cut at. */
#define SLUG_CUT_WINDOW 12

/* How much of a bad name the error message shows. */
#define NAME_SHOW_MAX 60

/*
 * Cyrillic, ICAO Doc 9303 (Russian passports since 2013), U+0430..U+044F
 * lower case; upper case is folded onto it first. "" means the letter
 * gives nothing (the soft sign).
 */
static const char *const cyr_lower[32] = {
	"a", "b", "v", "g", "d", "e", "zh", "z",	/* а б в г д е ж з */
	"i", "i", "k", "l", "m", "n", "o", "p",		/* и й к л м н о п */
	"r", "s", "t", "u", "f", "kh", "ts", "ch",	/* р с т у ф х ц ч */
	"sh", "shch", "ie", "y", "", "e", "iu", "ia",	/* ш щ ъ ы ь э ю я */
};

/*
 * Latin-1 Supplement letters, U+00C0..U+00FF. NULL for the two that are not
 * letters (× and ÷), which become '-' like any other symbol.
 */
static const char *const latin1[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c",	/* À Á Â Ã Ä Å Æ Ç */
	"e", "e", "e", "e", "i", "i", "i", "i",		/* È É Ê Ë Ì Í Î Ï */
	"d", "n", "o", "o", "o", "o", "o", NULL,	/* Ð Ñ Ò Ó Ô Õ Ö × */
	"o", "u", "u", "u", "u", "y", "th", "ss",	/* Ø Ù Ú Û Ü Ý Þ ß */
	"a", "a", "a", "a", "a", "a", "ae", "c",	/* à á â ã ä å æ ç */
	"e", "e", "e", "e", "i", "i", "i", "i",		/* è é ê ë ì í î ï */
	"d", "n", "o", "o", "o", "o", "o", NULL,	/* ð ñ ò ó ô õ ö ÷ */
	"o", "u", "u", "u", "u", "y", "th", "y",	/* ø ù ú û ü ý þ ÿ */
};

/* Latin Extended-A, U+0100..U+017F: every one of them is a letter. */
static const char *const latin_ext_a[128] = {
	"a", "a", "a", "a", "a", "a", "c", "c",		/* Ā ā Ă ă Ą ą Ć ć */
	"c", "c", "c", "c", "c", "c", "d", "d",		/* Ĉ ĉ Ċ ċ Č č Ď ď */
	"d", "d", "e", "e", "e", "e", "e", "e",		/* Đ đ Ē ē Ĕ ĕ Ė ė */
	"e", "e", "e", "e", "g", "g", "g", "g",		/* Ę ę Ě ě Ĝ ĝ Ğ ğ */
	"g", "g", "g", "g", "h", "h", "h", "h",		/* Ġ ġ Ģ ģ Ĥ ĥ Ħ ħ */
	"i", "i", "i", "i", "i", "i", "i", "i",		/* Ĩ ĩ Ī ī Ĭ ĭ Į į */
	"i", "i", "ij", "ij", "j", "j", "k", "k",	/* İ ı Ĳ ĳ Ĵ ĵ Ķ ķ */
	"k", "l", "l", "l", "l", "l", "l", "l",		/* ĸ Ĺ ĺ Ļ ļ Ľ ľ Ŀ */
	"l", "l", "l", "n", "n", "n", "n", "n",		/* ŀ Ł ł Ń ń Ņ ņ Ň */
	"n", "n", "n", "n", "o", "o", "o", "o",		/* ň ŉ Ŋ ŋ Ō ō Ŏ ŏ */
	"o", "o", "oe", "oe", "r", "r", "r", "r",	/* Ő ő Œ œ Ŕ ŕ Ŗ ŗ */
	"r", "r", "s", "s", "s", "s", "s", "s",		/* Ř ř Ś ś Ŝ ŝ Ş ş */
	"s", "s", "t", "t", "t", "t", "t", "t",		/* Š š Ţ ţ Ť ť Ŧ ŧ */
	"u", "u", "u", "u", "u", "u", "u", "u",		/* Ũ ũ Ū ū Ŭ ŭ Ů ů */
	"u", "u", "u", "u", "w", "w", "y", "y",		/* Ű ű Ų ų Ŵ ŵ Ŷ ŷ */
	"y", "z", "z", "z", "z", "z", "z", "s",		/* Ÿ Ź ź Ż ż Ž ž ſ */
};

static const char *const reserved[] = {
	"con", "prn", "aux", "nul",
	"com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
	"lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
};

/* ASCII-only lower case: tolower() would consult the locale. */
static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool id_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    (!first && c == '-');
}

bool slug_reserved(const char *id)
{
	for (size_t i = 0; i < sizeof(reserved) / sizeof(*reserved); i++) {
		const char *r = reserved[i];
		size_t j;

		for (j = 0; r[j] && lower(id[j]) == r[j]; j++)
			;
		if (!r[j] && !id[j])
			return true;
	}
	return false;
}

bool slug_valid(const char *id)
{
	size_t i;

	if (!id)
		return false;
	for (i = 0; id[i]; i++)
		if (i >= SLUG_MAX || !id_char(id[i], i == 0))
			return false;
	return i > 0 && !slug_reserved(id);
}

/* What a code point becomes in an id; NULL for a separator. */
static const char *translit(uint32_t cp, char ascii[2])
{
	if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') ||
	    (cp >= 'A' && cp <= 'Z')) {
		ascii[0] = lower((char)cp);
		ascii[1] = '\0';
		return ascii;
	}
	if (cp >= 0xc0 && cp <= 0xff)
		return latin1[cp - 0xc0];
	if (cp >= 0x100 && cp <= 0x17f)
		return latin_ext_a[cp - 0x100];

	/* Cyrillic: fold upper case onto lower case. */
	if (cp >= 0x400 && cp <= 0x40f)
		cp += 0x50;	/* Ѐ..Џ -> ѐ..џ */
	else if (cp >= 0x410 && cp <= 0x42f)
		cp += 0x20;	/* А..Я -> а..я */
	else if (cp == 0x490)
		cp = 0x491;	/* Ґ -> ґ */
	if (cp >= 0x430 && cp <= 0x44f)
		return cyr_lower[cp - 0x430];
	switch (cp) {
	case 0x451:		/* ё */
		return "e";
	case 0x454:		/* є */
		return "ie";
	case 0x456:		/* і */
	case 0x457:		/* ї */
		return "i";
	case 0x45e:		/* ў */
		return "u";
	case 0x491:		/* ґ */
		return "g";
	}
	return NULL;
}

/*
 * The name as the error message shows it: control characters (C0, DEL and
 * C1, which a terminal may act on) as '?', and no more than NAME_SHOW_MAX
 * bytes, cut between characters. The name is valid UTF-8 by now.
 */
static char *name_shown(const char *name)
{
	const unsigned char *s = (const unsigned char *)name;
	struct buf b = BUF_INIT;
	size_t i = 0, len = strlen(name), end = len;

	if (len > NAME_SHOW_MAX) {
		end = NAME_SHOW_MAX;
		while (end > 0 && (s[end] & 0xc0) == 0x80)
			end--;
	}
	while (i < end) {
		if (s[i] < 0x20 || s[i] == 0x7f) {
			buf_addc(&b, '?');
			i++;
		} else if (s[i] == 0xc2 && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f) {
			buf_addc(&b, '?');
			i += 2;
		} else {
			buf_addc(&b, (char)s[i]);
			i++;
		}
	}
	if (end < len)
		buf_adds(&b, "...");
	return buf_detach(&b);
}

/*
 * Append to b what the bytes [s, end) make in an id: letters transliterated,
 * runs of anything else as one '-', none leading or trailing, cut to
 * SLUG_MAX. The bytes are valid UTF-8.
 */
static void slug_build(struct buf *b, const unsigned char *s, const unsigned char *end)
{
	while (s < end) {
		char ascii[2];
		const char *t;
		uint32_t cp;

		s += utf8_decode(s, (size_t)(end - s), &cp);
		t = translit(cp, ascii);
		if (t)
			buf_adds(b, t);
		else if (b->len && b->p[b->len - 1] != '-')
			/* Collapses runs and drops leading separators. */
			buf_addc(b, '-');
	}
	if (b->len && b->p[b->len - 1] == '-')
		b->p[--b->len] = '\0';

	if (b->len > SLUG_MAX) {
		/* Prefer to cut between words when a '-' is near the end. */
		size_t cut = SLUG_MAX;

		for (size_t i = SLUG_MAX; i > SLUG_MAX - SLUG_CUT_WINDOW; i--) {
			if (b->p[i - 1] == '-') {
				cut = i - 1;
				break;
			}
		}
		b->len = cut;
		b->p[b->len] = '\0';
		/* Runs are collapsed, so at most one '-' can end it now. */
		if (b->len && b->p[b->len - 1] == '-')
			b->p[--b->len] = '\0';
	}
}

int slug_from_name(char **out, const char *name)
{
	struct buf b = BUF_INIT;

	*out = NULL;
	if (!utf8_valid(name))
		return preg_error_set(PREG_EINVAL, "name is not valid UTF-8");
	slug_build(&b, (const unsigned char *)name,
	    (const unsigned char *)name + strlen(name));

	if (!b.len) {
		char *shown = name_shown(name);
		int rc = preg_error_set(PREG_EINVAL,
		    "cannot derive an id from name '%s'; give one with --id",
		    shown);

		free(shown);
		buf_release(&b);
		return rc;
	}
	if (slug_reserved(b.p)) {
		int rc = preg_error_set(PREG_EINVAL,
		    "id '%s' is a reserved name; give another with --id", b.p);

		buf_release(&b);
		return rc;
	}
	*out = buf_detach(&b);
	return 0;
}

bool slug_translit(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char tmp[256], ascii[2];
	size_t k = 0, n;
	bool space = out->len && out->p[out->len - 1] == ' ', ok = true;
	const char *t;
	uint32_t cp;

	/* Through a small buffer: finding spells every text it reads. */
	while (*p) {
		if (k > sizeof(tmp) - 8) {
			buf_add(out, tmp, k);
			k = 0;
		}
		size_t len = utf8_decode(p, strlen((const char *)p), &cp);

		if (!len) {
			ok = false;
			break;
		}
		p += len;
		if ((t = translit(cp, ascii))) {
			for (n = 0; t[n]; n++)
				tmp[k++] = t[n];
			space = space && !n;
		} else if (!space && (k || out->len)) {
			tmp[k++] = ' ';
			space = true;
		}
	}
	if (k && tmp[k - 1] == ' ')
		k--;
	buf_add(out, tmp, k);
	return ok;
}

/* ---- legal forms ---- */

/* A word of a name: the bytes [s, e), letters and digits only. */
struct word {
	const unsigned char *s, *e;
};

/*
 * Case and ё do not matter when a word is compared with a legal form:
 * ASCII and Russian letters are folded to lower case, ё to е.
 */
static uint32_t form_fold(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp - 'A' + 'a';
	if (cp >= 0x410 && cp <= 0x42f)
		return cp + 0x20;
	if (cp == 0x401 || cp == 0x451)	/* Ё ё */
		return 0x435;		/* е */
	return cp;
}

/* Whether word w is spelt like the n bytes at f (exactly, or folded). */
static bool word_is(const struct word *w, const char *f, size_t n, bool exact)
{
	const unsigned char *p = w->s, *q = (const unsigned char *)f;
	const unsigned char *qe = q + n;

	while (p < w->e && q < qe) {
		uint32_t a, c;

		p += utf8_decode(p, (size_t)(w->e - p), &a);
		q += utf8_decode(q, (size_t)(qe - q), &c);
		if (exact ? a != c : form_fold(a) != form_fold(c))
			return false;
	}
	return p == w->e && q == qe;
}

/*
 * How many of the n words starting at w (going back from it when trail is
 * set: w is then the last word) spell form, whose words are separated by one
 * space; 0 when they do not.
 */
static size_t form_match(const struct legal_form *form, const struct word *w,
    size_t n, bool trail)
{
	const char *f = form->words;
	size_t k = 0, nf = 1;

	for (const char *c = f; *c; c++)
		nf += *c == ' ';
	if (nf > n)
		return 0;
	for (k = 0; k < nf; k++) {
		const char *sp = strchr(f, ' ');
		size_t len = sp ? (size_t)(sp - f) : strlen(f);
		const struct word *at = trail ? w - (nf - 1) + k : w + k;

		if (!word_is(at, f, len, form->flags & LF_CASE))
			return 0;
		f += len + (sp != NULL);
	}
	return nf;
}

/* The longest legal form at the start (or the end) of the n words at w. */
static size_t form_longest(const struct word *w, size_t n, bool trail)
{
	unsigned where = trail ? LF_TRAIL : LF_LEAD;
	size_t best = 0;

	for (size_t i = 0; i < legal_forms_n; i++) {
		size_t m;

		if (!(legal_forms[i].flags & where))
			continue;
		m = form_match(&legal_forms[i], trail ? w + n - 1 : w, n, trail);
		if (m > best)
			best = m;
	}
	return best;
}

/* The words of name, which is valid UTF-8, into *out (caller frees). */
static size_t name_words(struct word **out, const char *name)
{
	const unsigned char *s = (const unsigned char *)name;
	const unsigned char *end = s + strlen(name);
	struct word *w = NULL;
	size_t n = 0, cap = 0;
	bool in = false;

	while (s < end) {
		char ascii[2];
		uint32_t cp;
		size_t len = utf8_decode(s, (size_t)(end - s), &cp);

		if (translit(cp, ascii)) {
			if (!in) {
				if (n == cap) {
					cap = cap ? 2 * cap : 8;
					w = xrealloc(w, cap * sizeof(*w));
				}
				w[n++].s = s;
				in = true;
			}
			w[n - 1].e = s + len;
		} else {
			in = false;
		}
		s += len;
	}
	*out = w;
	return n;
}

int slug_client_id(char **out, const char *name)
{
	struct buf b = BUF_INIT;
	struct word *w = NULL;
	size_t n, first = 0, last;

	*out = NULL;
	if (!utf8_valid(name))
		return preg_error_set(PREG_EINVAL, "name is not valid UTF-8");
	last = n = name_words(&w, name);

	/* Each form goes only when a word is left without it. */
	if (n > 1) {
		size_t lead = form_longest(w, n, false);

		if (lead < n)
			first = lead;
	}
	if (last - first > 1) {
		size_t trail = form_longest(w + first, last - first, true);

		if (trail < last - first)
			last -= trail;
	}
	if (first > 0 || last < n) {
		slug_build(&b, w[first].s, w[last - 1].e);
		/* A word that gives no letters (ь), or a device name: the
		 * whole name decides, legal form and all. */
		if (b.len && !slug_reserved(b.p)) {
			*out = buf_detach(&b);
			free(w);
			return 0;
		}
		buf_release(&b);
	}
	free(w);
	return slug_from_name(out, name);
}

char *slug_with_suffix(const char *id, unsigned n)
{
	char suffix[16];
	size_t keep, len = strlen(id);
	int slen;

	slen = snprintf(suffix, sizeof(suffix), "-%u", n);
	keep = SLUG_MAX - (size_t)slen;
	if (len > keep)
		len = keep;
	while (len > 0 && id[len - 1] == '-')
		len--;
	return xasprintf("%.*s%s", (int)len, id, suffix);
}
