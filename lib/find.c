/*
 * find: finding clients and resolving a name to an id (see find.h).
 *
 * Every text of a record is folded, spelt in Latin and written once into
 * the record's index (find_index): lines of "KIND[INDEX] FOLDED\tLATIN".
 * The record cache keeps the index, so that a search over 100,000 records
 * only compares bytes; a record read whole is indexed on the fly. A
 * search allocates only for the records that match.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "find.h"
#include "find_index.h"
#include "name.h"
#include "phone.h"
#include "slug.h"
#include "utf8.h"
#include "xalloc.h"

#define NEAR_MAX 5   /* suggestions kept for "did you mean" */
#define LIST_MAX 5   /* clients named in one message */
#define WHY_COLS 60  /* columns of a matched value shown */
#define PART_MIN 3   /* letters of a query matched inside a word */
#define NEAR_LEN 64  /* longest text compared letter by letter */

struct near {
	char *id, *name;
	int dist;
};

struct find {
	char *raw;      /* the query, as given */
	char *lower;    /* raw in ASCII lower case, for ids and e-mails */
	char *fold;     /* the folded core of the query */
	char *lat;      /* its Latin spelling; "" when it has none */
	char *phone;    /* its phone key when it reads as a number, else NULL */
	bool form;      /* it is nothing but a legal form: names are compared whole */
	bool no_notes;  /* leave notes and remarks out: the cache has none, and
			 * a search must not answer otherwise when it is cold */
	size_t letters; /* characters in fold */
	struct find_hit *v;
	size_t n, cap;
	bool sorted;
	struct near near[NEAR_MAX];
	size_t nnear;
	struct buf idx, s1, s2; /* scratch: an index made on the fly, and for making it */
	struct buf iwb;         /* scratch: an id read as words */
	struct buf whole;       /* scratch: the line of a whole name */
};

/* ---- text ---- */

/* s for a message or a listing: control characters as '?', line breaks as
 * spaces, at most max columns (then an ellipsis). Caller frees. */
static char *shown(const char *s, size_t max)
{
	struct buf b = BUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	size_t fit;

	for (; *p; p++) {
		if (*p == '\n' || *p == '\t')
			buf_addc(&b, ' ');
		else if (*p < 0x20 || *p == 0x7f)
			buf_addc(&b, '?');
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			buf_addc(&b, '?');
			p++;
		} else
			buf_addc(&b, (char)*p);
	}
	if (utf8_width(buf_str(&b)) > max) {
		fit = utf8_fit(buf_str(&b), max - 1, NULL);
		b.len = fit;
		buf_adds(&b, "…");
	}
	return buf_detach(&b);
}

/* A stretch of an index line. */
struct seg {
	const char *p;
	size_t n;
};

/* Whether some word of t (words are separated by one space) starts with
 * w[0..wl). */
static bool starts_word(struct seg t, const char *w, size_t wl)
{
	const char *p = t.p, *end = t.p + t.n;

	while (p < end) {
		if ((size_t)(end - p) >= wl && !memcmp(p, w, wl))
			return true;
		if (!(p = memchr(p, ' ', (size_t)(end - p))))
			break;
		p++;
	}
	return false;
}

/* Whether each word of q starts a word of t. */
static bool words_in(const char *q, struct seg t)
{
	if (!*q || !t.n)
		return false;
	for (const char *w = q; *w;) {
		size_t wl = strcspn(w, " ");

		if (!starts_word(t, w, wl))
			return false;
		w += wl;
		w += *w == ' ';
	}
	return true;
}

static bool seg_is(struct seg t, const char *s)
{
	return strlen(s) == t.n && !memcmp(t.p, s, t.n);
}

static bool seg_has(struct seg t, const char *s)
{
	return *s && memmem(t.p, t.n, s, strlen(s));
}

/* ---- the query ---- */

int find_new(struct find **out, const char *query)
{
	struct find *f;
	struct name_parts p;
	struct buf b = BUF_INIT, lat = BUF_INIT;
	char *raw;

	*out = NULL;
	if (!utf8_valid(query))
		return preg_error_set(PREG_EINVAL, "the text to find is not valid UTF-8");
	raw = xstrtrim(query);
	name_split(&p, raw);
	name_fold(&b, p.core, p.core_len);
	if (!b.len) {
		char *s = shown(raw, WHY_COLS);
		int rc = preg_error_set(PREG_EINVAL, "nothing to find in '%s': give a name, an id, a phone or a word", s);

		free(s);
		free(raw);
		buf_release(&b);
		return rc;
	}
	f = xcalloc(1, sizeof(*f));
	f->raw = raw;
	f->lower = xstrdup(raw);
	for (char *c = f->lower; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	f->fold = buf_detach(&b);
	if (slug_translit(&lat, f->fold))
		find_loose(&b, buf_str(&lat));
	buf_release(&lat);
	f->lat = buf_detach(&b);
	f->letters = utf8_width(f->fold);
	f->phone = phone_like(raw) ? phone_key(raw) : NULL;
	f->form = p.only_form;
	*out = f;
	return 0;
}

static void hit_release(struct find_hit *h)
{
	free(h->id);
	free(h->name);
	free(h->why);
	free(h->key);
}

void find_free(struct find *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		hit_release(&f->v[i]);
	for (size_t i = 0; i < f->nnear; i++) {
		free(f->near[i].id);
		free(f->near[i].name);
	}
	free(f->v);
	free(f->raw);
	free(f->lower);
	free(f->fold);
	free(f->lat);
	free(f->phone);
	buf_release(&f->idx);
	buf_release(&f->s1);
	buf_release(&f->s2);
	buf_release(&f->iwb);
	buf_release(&f->whole);
	free(f);
}

/* ---- one record ---- */

/* One line of an index, taken apart. */
struct ixline {
	char kind;
	size_t i;
	struct seg fold, lat;
};

/* The line at *p (advancing *p); false at the end or at a line that is
 * not well formed (an index is made by find_index: never, but the cache
 * is a file). */
static bool next_line(const char **p, struct ixline *l)
{
	const char *s = *p, *tab, *nl;

	if (!*s || !(nl = strchr(s, '\n')))
		return false;
	l->kind = *s++;
	l->i = 0;
	while (*s >= '0' && *s <= '9' && s < nl)
		l->i = l->i * 10 + (size_t)(*s++ - '0');
	if (*s != ' ' || !(tab = memchr(s, '\t', (size_t)(nl - s))))
		return false;
	l->fold.p = s + 1;
	l->fold.n = (size_t)(tab - s - 1);
	l->lat.p = tab + 1;
	l->lat.n = (size_t)(nl - tab - 1);
	*p = nl + 1;
	return true;
}

/* Whether the words of the query start words of the line. */
static bool line_matches(const struct find *f, const struct ixline *l)
{
	return words_in(f->fold, l->fold) || (*f->lat && words_in(f->lat, l->lat));
}

/* The rank of a name line ('n', or 'N' for a query that is only a form). */
static enum find_rank name_line_rank(const struct find *f, const struct ixline *l)
{
	if (seg_is(l->fold, f->fold) || (*f->lat && seg_is(l->lat, f->lat)))
		return FIND_NAME;
	if (line_matches(f, l))
		return FIND_NAME_WORDS;
	/* Letters as typed: "аш" is two, though "ash" in Latin. */
	if (f->letters >= PART_MIN && (seg_has(l->fold, f->fold) || (*f->lat && seg_has(l->lat, f->lat))))
		return FIND_NAME_PART;
	return FIND_NONE;
}

/* The id read as words, loosely spelt (in f->iwb). */
static struct seg id_words(struct find *f, const char *id)
{
	struct seg s;

	buf_reset(&f->iwb);
	find_loose(&f->iwb, id);
	for (size_t i = 0; i < f->iwb.len; i++)
		if (f->iwb.p[i] == '-')
			f->iwb.p[i] = ' ';
	s.p = buf_str(&f->iwb);
	s.n = f->iwb.len;
	return s;
}

static enum find_rank id_rank(const struct find *f, struct seg iw)
{
	if (!*f->lat)
		return FIND_NONE;
	if (seg_is(iw, f->lat))
		return FIND_NAME;
	if (words_in(f->lat, iw))
		return FIND_NAME_WORDS;
	if (f->letters >= PART_MIN && seg_has(iw, f->lat))
		return FIND_NAME_PART;
	return FIND_NONE;
}

/* Edit distance of a and b (single letters added, removed, changed), or
 * max + 1 when it is more than max. */
static int distance(struct seg a, const char *b, int max)
{
	int la = (int)a.n, lb = (int)strlen(b), row[NEAR_LEN + 1];

	if (la > NEAR_LEN || lb > NEAR_LEN || abs(la - lb) > max)
		return max + 1;
	for (int j = 0; j <= lb; j++)
		row[j] = j;
	for (int i = 1; i <= la; i++) {
		int diag = row[0], low;

		row[0] = low = i;
		for (int j = 1; j <= lb; j++) {
			int up = row[j], v = diag + (a.p[i - 1] != b[j - 1]);

			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < low)
				low = v;
		}
		if (low > max)
			return max + 1;
	}
	return row[lb];
}

/* Keep id among the suggestions when its name (line n) or its id (iw) is a
 * letter or two from the query. */
static void consider_near(struct find *f, const char *id, const struct record *r, const struct ixline *n,
			  struct seg iw)
{
	const char *q = *f->lat ? f->lat : f->fold;
	int len = (int)strlen(q), max = len <= 4 ? 1 : len <= 8 ? 2 : 3, d = max + 1, worst = 0;
	size_t slot = f->nnear;

	if (n)
		d = distance(*f->lat ? n->lat : n->fold, q, max);
	if (*f->lat) {
		int di = distance(iw, q, max);

		d = di < d ? di : d;
	}
	if (d > max)
		return;
	if (f->nnear == NEAR_MAX) {
		for (size_t i = 0; i < NEAR_MAX; i++)
			if (f->near[i].dist > f->near[worst].dist)
				worst = (int)i;
		if (f->near[worst].dist <= d)
			return;
		slot = (size_t)worst;
		free(f->near[slot].id);
		free(f->near[slot].name);
	} else {
		f->nnear++;
	}
	f->near[slot].id = xstrdup(id);
	f->near[slot].name = r && r->name ? xstrdup(r->name) : NULL;
	f->near[slot].dist = d;
}

/* The rank of a line below the names, and what it shows as *why. */
static enum find_rank other_rank(const struct find *f, const struct record *r, const struct ixline *l,
				 char **why)
{
	const char *label, *value, *at = NULL;
	enum find_rank rank;
	char *v;

	switch (l->kind) {
	case 'c':
	case 'r':
	case 'p':
	case 'e':
		if (l->i >= r->ncontacts)
			return FIND_NONE;
		rank = FIND_CONTACT;
		label = l->kind == 'c' ? "contact" : l->kind == 'r' ? "role" : l->kind == 'p' ? "phone" : "e-mail";
		value = kv_get(&r->contacts[l->i],
			       l->kind == 'c' ? "name" : l->kind == 'r' ? "role" : l->kind == 'p' ? "phone" : "email");
		if (l->kind == 'p' && f->phone) {
			char *key = xstrndup(l->fold.p, l->fold.n);
			bool same = phone_key_match(f->phone, key);

			free(key);
			if (!same)
				return FIND_NONE;
		} else if (l->kind == 'p' ? !words_in(f->fold, l->lat)
			   : l->kind == 'e' ? !seg_has(l->fold, f->lower) && !line_matches(f, l)
					    : !line_matches(f, l)) {
			return FIND_NONE;
		}
		break;
	case 'f':
		if (l->i >= r->fields.n || !line_matches(f, l))
			return FIND_NONE;
		rank = FIND_FIELD;
		label = r->fields.v[l->i].k;
		value = r->fields.v[l->i].v;
		break;
	case 't':
		if (l->i >= r->ntags || !line_matches(f, l))
			return FIND_NONE;
		rank = FIND_FIELD;
		label = "tag";
		value = r->tags[l->i];
		break;
	case 'a':
		if (!line_matches(f, l))
			return FIND_NONE;
		rank = FIND_FIELD;
		label = "next action:";
		value = r->next_action;
		break;
	case 'o':
		if (l->i >= r->nnotes || !line_matches(f, l))
			return FIND_NONE;
		rank = FIND_NOTE;
		label = "note";
		value = kv_get(&r->notes[l->i], "text");
		at = kv_get(&r->notes[l->i], "at");
		break;
	case 'm':
		if (!line_matches(f, l))
			return FIND_NONE;
		rank = FIND_NOTE;
		label = "remarks:";
		value = r->remarks;
		break;
	default:
		return FIND_NONE;
	}
	v = shown(value ? value : "", WHY_COLS);
	if (l->kind == 'f')
		*why = xasprintf("field %s: %s", label, v);
	else if (at)
		*why = xasprintf("%s %.10s: %s", label, at, v);
	else
		*why = xasprintf("%s %s", label, v);
	free(v);
	return rank;
}

/* The rank of the whole name, legal form and all, for a query that is
 * nothing but a form ("ООО"): rare, so not in the index. */
static enum find_rank whole_name_rank(struct find *f, const char *name)
{
	struct ixline l;
	const char *p;

	buf_reset(&f->whole);
	find_index_line(&f->whole, &f->s1, &f->s2, 'n', name);
	p = buf_str(&f->whole);
	return next_line(&p, &l) ? name_line_rank(f, &l) : FIND_NONE;
}

/* The index of r: the cache's when it is of this version, else made now. */
static const char *index_of(struct find *f, const struct record *r)
{
	if (r->find_text && !strncmp(r->find_text, FIND_INDEX_VERSION "\n", sizeof(FIND_INDEX_VERSION)))
		return r->find_text;
	buf_reset(&f->idx);
	find_index_into(&f->idx, &f->s1, &f->s2, r, !f->no_notes);
	return buf_str(&f->idx);
}

enum find_rank find_record(struct find *f, const char *id, const struct record *r)
{
	enum find_rank rank = FIND_NONE, lr, other = FIND_NONE;
	struct ixline l, name = { 0 };
	struct find_hit *h;
	const char *p;
	char *why = NULL, *w;
	bool named = false;
	struct seg iw;

	if (!strcmp(f->lower, id))
		rank = FIND_ID;
	iw = id_words(f, id);
	if (rank == FIND_NONE)
		rank = id_rank(f, iw);
	if (r && rank < FIND_NAME) {
		p = index_of(f, r);
		p += strcspn(p, "\n") + (*p != '\0');
		while (next_line(&p, &l)) {
			if (l.kind == 'n') {
				name = l;
				named = true;
			}
			if (l.kind == 'n') {
				if ((lr = name_line_rank(f, &l)) > rank)
					rank = lr;
				continue;
			}
			if (rank >= FIND_NAME_PART || other >= FIND_CONTACT)
				continue;
			w = NULL;
			if ((lr = other_rank(f, r, &l, &w)) > other) {
				other = lr;
				free(why);
				why = w;
			} else {
				free(w);
			}
		}
		if (f->form && r->name && (lr = whole_name_rank(f, r->name)) > rank)
			rank = lr;
		if (rank == FIND_NONE)
			consider_near(f, id, r, named ? &name : NULL, iw);
	}
	if (rank == FIND_NONE) {
		rank = other;
	} else {
		free(why);
		why = NULL;
	}
	if (rank == FIND_NONE)
		return rank;
	f->v = xgrow(f->v, &f->cap, f->n + 1, sizeof(*f->v));
	h = &f->v[f->n++];
	h->id = xstrdup(id);
	h->name = r && r->name ? xstrdup(r->name) : NULL;
	h->rank = rank;
	h->why = why;
	h->key = name_sort_key(h->name ? h->name : id);
	f->sorted = false;
	return rank;
}

static int by_rank(const void *pa, const void *pb)
{
	const struct find_hit *a = pa, *b = pb;
	int c;

	if (a->rank != b->rank)
		return a->rank > b->rank ? -1 : 1;
	if ((c = strcmp(a->key, b->key)))
		return c;
	return strcmp(a->id, b->id);
}

const struct find_hit *find_hits(struct find *f, size_t *n)
{
	if (!f->sorted && f->n)
		qsort(f->v, f->n, sizeof(*f->v), by_rank);
	f->sorted = true;
	*n = f->n;
	return f->v;
}

/* ---- resolving ---- */

/* Append "'id' (name)" to b. */
static void add_candidate(struct buf *b, const char *id, const char *name)
{
	char *s = name ? shown(name, WHY_COLS) : NULL;

	buf_addf(b, "'%s'", id);
	if (s)
		buf_addf(b, " (%s)", s);
	free(s);
}

static int by_dist(const void *pa, const void *pb)
{
	const struct near *a = pa, *b = pb;

	return a->dist != b->dist ? a->dist - b->dist : strcmp(a->id, b->id);
}

static int not_found(struct find *f)
{
	struct buf b = BUF_INIT;
	char *q = shown(f->raw, WHY_COLS);
	size_t listed = 0;
	int rc;

	buf_addf(&b, "client '%s' not found", q);
	/* What matched below the name first, then names spelt nearly so. */
	for (size_t i = 0; i < f->n && listed < LIST_MAX; i++, listed++) {
		buf_adds(&b, listed ? ", " : "; did you mean ");
		add_candidate(&b, f->v[i].id, f->v[i].name);
	}
	qsort(f->near, f->nnear, sizeof(*f->near), by_dist);
	for (size_t i = 0; i < f->nnear && listed < LIST_MAX; i++, listed++) {
		buf_adds(&b, listed ? ", " : "; did you mean ");
		add_candidate(&b, f->near[i].id, f->near[i].name);
	}
	if (listed)
		buf_addc(&b, '?');
	rc = preg_error_set(PREG_ENOTFOUND, "%s", buf_str(&b));
	buf_release(&b);
	free(q);
	return rc;
}

/* Whether query is id renamed by a sync: id with "-N" (N >= 2) as
 * slug_with_suffix makes it ("baikal-voda-2" of baikal-voda, and a long id
 * cut to make room). Such a query names the other client added under the
 * same id, which this clone may not have yet; it never means id itself,
 * however well its words start id's name ("2" starts "270"). */
static bool renamed_from(const char *query, const char *id)
{
	const char *dash = strrchr(query, '-');
	char *end, *made;
	unsigned long n;
	bool same;

	if (!dash || dash[1] < '1' || dash[1] > '9' || !slug_valid(query))
		return false;
	n = strtoul(dash + 1, &end, 10);
	if (*end || n < 2 || n > 1000000)
		return false;
	made = slug_with_suffix(id, (unsigned)n);
	same = !strcmp(made, query);
	free(made);
	return same;
}

int find_resolve(struct find *f, char **out)
{
	const struct find_hit *v;
	struct buf b = BUF_INIT;
	size_t n, same = 0;
	char *q;
	int rc;

	*out = NULL;
	v = find_hits(f, &n);
	if (!n || v[0].rank < FIND_NAME_PART || renamed_from(f->raw, v[0].id))
		return not_found(f);
	while (same < n && v[same].rank == v[0].rank)
		same++;
	if (same == 1) {
		*out = xstrdup(v[0].id);
		return 0;
	}
	q = shown(f->raw, WHY_COLS);
	buf_addf(&b, "'%s' matches %zu clients: ", q, same);
	for (size_t i = 0; i < same && i < LIST_MAX; i++) {
		if (i)
			buf_adds(&b, ", ");
		add_candidate(&b, v[i].id, v[i].name);
	}
	if (same > LIST_MAX)
		buf_addf(&b, " and %zu more", same - LIST_MAX);
	buf_adds(&b, "; give one of their ids");
	rc = preg_error_set(PREG_EINVAL, "%s", buf_str(&b));
	buf_release(&b);
	free(q);
	return rc;
}

/* ---- over the register ---- */

static int each(void *arg, const char *id, const char *path, struct record *rec)
{
	(void)path;
	if (id)
		find_record(arg, id, rec);
	return 0;
}

int find_register(struct find *f, struct reg *r, bool notes)
{
	int rc;

	f->no_notes = !notes;
	rc = notes ? reg_each(r, false, each, f) : reg_each_summary(r, each, f);
	return rc < 0 ? rc : 0;
}

int find_client(char **out, struct reg *r, const char *text)
{
	struct find *f = NULL;
	int rc;

	*out = NULL;
	if (slug_valid(text) && reg_exists(r, text)) {
		*out = xstrdup(text);
		return 0;
	}
	if ((rc = find_new(&f, text))) {
		/* Nothing to search for (".."): for a command, an id not found. */
		if (utf8_valid(text)) {
			char *s = shown(text, WHY_COLS);

			rc = preg_error_set(PREG_ENOTFOUND, "client '%s' not found", s);
			free(s);
		}
		goto out;
	}
	if ((rc = find_register(f, r, false)))
		goto out;
	rc = find_resolve(f, out);
out:
	find_free(f);
	return rc;
}
