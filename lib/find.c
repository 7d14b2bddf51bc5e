/*
 * find: finding clients and resolving a name to an id (see find.h).
 *
 * Each text of a record is folded once into scratch buffers and compared
 * with the folded query; the Latin spelling is made only for text that is
 * not ASCII already. A search over 100,000 records allocates only for the
 * records that match.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "find.h"
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
	char *raw;   /* the query, as given */
	char *lower; /* raw in ASCII lower case, for ids and e-mails */
	char *fold;  /* the folded core of the query */
	char *lat;   /* its Latin spelling; "" when it has none */
	bool phone;  /* it reads as a phone number */
	bool form;   /* it is nothing but a legal form: names are compared whole */
	struct find_hit *v;
	size_t n, cap;
	bool sorted;
	struct near near[NEAR_MAX];
	size_t nnear;
	struct buf t, tl, idw; /* scratch: a folded text, its Latin spelling, an id as words */
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

static bool ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* Whether some word of t (words are separated by one space) starts with
 * w[0..wl). */
static bool starts_word(const char *t, const char *w, size_t wl)
{
	for (const char *p = t; p; p = strchr(p, ' ')) {
		p += *p == ' ';
		if (!strncmp(p, w, wl))
			return true;
	}
	return false;
}

/* Whether each word of q starts a word of t. */
static bool words_in(const char *q, const char *t)
{
	if (!*q)
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

/*
 * Append the Latin text s with the spellings people use for the same
 * Russian sound made one: the passport table writes Белая "belaia", Хабаровск
 * "khabarovsk", Цвет "tsvet", Щука "shchuka", and people type "belaya",
 * "habarovsk", "cvet", "schuka", "yandex" for Яндекс ("iandeks"). Both the
 * query and the text go through it, so it only widens what matches.
 */
static void loose(struct buf *out, const char *s)
{
	while (*s) {
		if (!strncmp(s, "shch", 4)) {
			buf_adds(out, "sch");
			s += 4;
		} else if (!strncmp(s, "kh", 2) || !strncmp(s, "ts", 2)) {
			buf_addc(out, *s == 'k' ? 'h' : 'c');
			s += 2;
		} else if (*s == 'x') {
			buf_adds(out, "ks");
			s++;
		} else {
			buf_addc(out, *s == 'y' ? 'i' : *s);
			s++;
		}
	}
}

/* Fold s[0..len) into f->t and spell it in Latin into f->tl. */
static void fold_text(struct find *f, const char *s, size_t len)
{
	char *lat;

	buf_reset(&f->t);
	name_fold(&f->t, s, len);
	buf_reset(&f->tl);
	if (!*f->lat)
		return;
	if (ascii(buf_str(&f->t))) {
		loose(&f->tl, buf_str(&f->t));
		return;
	}
	lat = slug_translit(buf_str(&f->t));
	loose(&f->tl, lat ? lat : "");
	free(lat);
}

/* Whether the words of the query start words of s (folded or in Latin). */
static bool text_matches(struct find *f, const char *s)
{
	if (!s || !*s)
		return false;
	fold_text(f, s, strlen(s));
	return words_in(f->fold, buf_str(&f->t)) || (*f->lat && words_in(f->lat, buf_str(&f->tl)));
}

/* ---- the query ---- */

int find_new(struct find **out, const char *query)
{
	struct find *f;
	struct name_parts p;
	struct buf b = BUF_INIT;
	char *raw, *lat;

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
	if ((lat = slug_translit(f->fold)))
		loose(&b, lat);
	free(lat);
	f->lat = buf_detach(&b);
	f->phone = phone_like(raw);
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
	buf_release(&f->t);
	buf_release(&f->tl);
	buf_release(&f->idw);
	free(f);
}

/* ---- one record ---- */

/* The rank of the name and the id (FIND_NONE below FIND_NAME_PART). */
static enum find_rank name_rank(struct find *f, const char *id, const struct record *r)
{
	struct name_parts p;
	const char *nf, *nl, *iw;

	if (!strcmp(f->lower, id))
		return FIND_ID;
	buf_reset(&f->idw);
	loose(&f->idw, id);
	for (size_t i = 0; i < f->idw.len; i++)
		if (f->idw.p[i] == '-')
			f->idw.p[i] = ' ';
	iw = buf_str(&f->idw);
	if (!r || !r->name) {
		nf = nl = "";
	} else {
		name_split(&p, r->name);
		if (f->form)
			fold_text(f, r->name, strlen(r->name));
		else
			fold_text(f, p.core, p.core_len);
		nf = buf_str(&f->t);
		nl = buf_str(&f->tl);
	}
	if (!strcmp(nf, f->fold) || (*f->lat && (!strcmp(nl, f->lat) || !strcmp(iw, f->lat))))
		return FIND_NAME;
	if (words_in(f->fold, nf) || (*f->lat && (words_in(f->lat, nl) || words_in(f->lat, iw))))
		return FIND_NAME_WORDS;
	/* Letters as typed: "аш" is two, though "ash" in Latin. */
	if (utf8_width(f->fold) >= PART_MIN &&
	    (strstr(nf, f->fold) || (*f->lat && (strstr(nl, f->lat) || strstr(iw, f->lat)))))
		return FIND_NAME_PART;
	return FIND_NONE;
}

/* The contact that matches, as *why; FIND_NONE when none does. */
static enum find_rank contact_rank(struct find *f, const struct record *r, char **why)
{
	for (size_t i = 0; i < r->ncontacts; i++) {
		const struct kvlist *c = &r->contacts[i];
		const char *name = kv_get(c, "name"), *role = kv_get(c, "role");
		const char *phone = kv_get(c, "phone"), *mail = kv_get(c, "email");
		const char *label = NULL, *value = NULL;

		if (f->phone && phone && phone_match(f->raw, phone))
			label = "phone", value = phone;
		else if (mail && (strstr(mail, f->lower) || text_matches(f, mail)))
			label = "e-mail", value = mail;
		else if (text_matches(f, name))
			label = "contact", value = name;
		else if (text_matches(f, role))
			label = "role", value = role;
		else if (!f->phone && text_matches(f, phone))
			label = "phone", value = phone;
		if (label) {
			char *v = shown(value, WHY_COLS);

			*why = xasprintf("%s %s", label, v);
			free(v);
			return FIND_CONTACT;
		}
	}
	return FIND_NONE;
}

static enum find_rank field_rank(struct find *f, const struct record *r, char **why)
{
	char *v = NULL;

	for (size_t i = 0; i < r->fields.n; i++)
		if (text_matches(f, r->fields.v[i].v)) {
			v = shown(r->fields.v[i].v, WHY_COLS);
			*why = xasprintf("field %s: %s", r->fields.v[i].k, v);
			goto out;
		}
	for (size_t i = 0; i < r->ntags; i++)
		if (text_matches(f, r->tags[i])) {
			v = shown(r->tags[i], WHY_COLS);
			*why = xasprintf("tag %s", v);
			goto out;
		}
	if (text_matches(f, r->next_action)) {
		v = shown(r->next_action, WHY_COLS);
		*why = xasprintf("next action: %s", v);
		goto out;
	}
	return FIND_NONE;
out:
	free(v);
	return FIND_FIELD;
}

static enum find_rank note_rank(struct find *f, const struct record *r, char **why)
{
	char *v;

	/* The latest note first: it is the one people remember. */
	for (size_t i = r->nnotes; i-- > 0;) {
		const char *text = kv_get(&r->notes[i], "text"), *at = kv_get(&r->notes[i], "at");

		if (text_matches(f, text)) {
			v = shown(text, WHY_COLS);
			*why = xasprintf("note %.10s: %s", at ? at : "", v);
			free(v);
			return FIND_NOTE;
		}
	}
	if (text_matches(f, r->remarks)) {
		v = shown(r->remarks, WHY_COLS);
		*why = xasprintf("remarks: %s", v);
		free(v);
		return FIND_NOTE;
	}
	return FIND_NONE;
}

/* Edit distance of a and b (single letters added, removed, changed), or
 * max + 1 when it is more than max. */
static int distance(const char *a, const char *b, int max)
{
	int la = (int)strlen(a), lb = (int)strlen(b), row[NEAR_LEN + 1];

	if (la > NEAR_LEN || lb > NEAR_LEN || abs(la - lb) > max)
		return max + 1;
	for (int j = 0; j <= lb; j++)
		row[j] = j;
	for (int i = 1; i <= la; i++) {
		int diag = row[0], low;

		row[0] = low = i;
		for (int j = 1; j <= lb; j++) {
			int up = row[j], v = diag + (a[i - 1] != b[j - 1]);

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

/* Keep id among the suggestions when its name or id is a letter or two
 * from the query (name_rank has left both spelt in f's scratch). */
static void consider_near(struct find *f, const char *id, const struct record *r)
{
	const char *q = *f->lat ? f->lat : f->fold;
	const char *n = *f->lat ? buf_str(&f->tl) : buf_str(&f->t);
	int len = (int)strlen(q), max = len <= 4 ? 1 : len <= 8 ? 2 : 3, d, worst = 0;
	size_t slot = f->nnear;

	if (!r || !r->name)
		n = "";
	d = distance(q, n, max);
	if (*f->lat) {
		int di = distance(q, buf_str(&f->idw), max);

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

enum find_rank find_record(struct find *f, const char *id, const struct record *r)
{
	enum find_rank rank = name_rank(f, id, r);
	struct find_hit *h;
	char *why = NULL;

	if (rank == FIND_NONE && r) {
		consider_near(f, id, r);
		if ((rank = contact_rank(f, r, &why)) == FIND_NONE && (rank = field_rank(f, r, &why)) == FIND_NONE)
			rank = note_rank(f, r, &why);
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

int find_resolve(struct find *f, char **out)
{
	const struct find_hit *v;
	struct buf b = BUF_INIT;
	size_t n, same = 0;
	char *q;
	int rc;

	*out = NULL;
	v = find_hits(f, &n);
	if (!n || v[0].rank < FIND_NAME_PART)
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
	int rc = notes ? reg_each(r, false, each, f) : reg_each_summary(r, each, f);

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
	if ((rc = find_new(&f, text)) || (rc = find_register(f, r, false)))
		goto out;
	rc = find_resolve(f, out);
out:
	find_free(f);
	return rc;
}
