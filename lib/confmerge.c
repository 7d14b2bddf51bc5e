/* confmerge: preg.yaml merged by its top-level keys (confmerge.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "confmerge.h"
#include "xalloc.h"

/* One top-level key and its lines, the key's own included; the text is
 * lent from the file. */
struct block {
	const char *key, *p;
	size_t nkey, len;
};

struct blocks {
	struct block *v;
	size_t n, cap;
};

/* Split text into top-level blocks: a block starts at a line that begins
 * with a key and ':' at the left margin, and holds the indented, list and
 * empty lines after it. Comment lines at the margin just above a key (blank
 * lines between them aside) are the key's, and so are blank lines above
 * the first key; elsewhere comments are the lines' around them. False when any other line stands at the margin ("---", text
 * before the first key) or the text does not end in a newline: such a file
 * is not merged by keys. */
static bool split(const char *t, size_t n, struct blocks *b)
{
	const char *p = t, *end = t + n, *pend = NULL; /* comments not yet placed */

	if (n && t[n - 1] != '\n')
		return false;
	for (; p < end; p = memchr(p, '\n', (size_t)(end - p)) + 1) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *colon;

		if (*p == '#') {
			pend = pend ? pend : p;
			continue;
		}
		if (*p == '\n' && pend)
			continue;
		if (*p != ' ' && *p != '\n' && *p != '-') {
			colon = memchr(p, ':', (size_t)(eol - p));
			if (!colon || colon == p || memchr(p, ' ', (size_t)(colon - p)))
				return false;
			b->v = xgrow(b->v, &b->cap, b->n + 1, sizeof(*b->v));
			b->v[b->n++] = (struct block){ .key = p, .nkey = (size_t)(colon - p), .p = pend ? pend : p };
			pend = NULL;
		} else if (*p == '-' && (eol - p < 3 || memcmp(p, "- ", 2)) && eol - p != 1) {
			return false; /* "---", "..." or "-x" at the margin */
		} else if (!b->n) {
			if (*p != '\n')
				return false;
			pend = pend ? pend : p; /* blank lines above the first key are its */
			continue;
		}
		pend = NULL;
		b->v[b->n - 1].len = (size_t)(eol + 1 - b->v[b->n - 1].p);
	}
	/* Comments at the end are the last key's. */
	if (pend && !b->n)
		return false;
	if (pend)
		b->v[b->n - 1].len = (size_t)(end - b->v[b->n - 1].p);
	return true;
}

static const struct block *find(const struct blocks *b, const struct block *k)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->v[i].nkey == k->nkey && !memcmp(b->v[i].key, k->key, k->nkey))
			return &b->v[i];
	return NULL;
}

static bool same(const struct block *a, const struct block *b)
{
	if (!a || !b)
		return a == b;
	return a->len == b->len && !memcmp(a->p, b->p, a->len);
}

/* The block of key k after the merge (NULL: removed); a key both sides
 * changed differently takes theirs and is named in conflicts. */
static const struct block *pick(const struct block *b, const struct block *o, const struct block *t,
				const struct block *k, struct buf *conflicts)
{
	if (same(o, t) || same(b, t))
		return o;
	if (same(b, o))
		return t;
	buf_addf(conflicts, "%s%.*s", conflicts->len ? ", " : "", (int)k->nkey, k->key);
	return t;
}

int confmerge(const char *base, size_t nb, const char *ours, size_t no, const char *theirs, size_t nt,
	      struct buf *out, struct buf *conflicts)
{
	struct blocks b = { 0 }, o = { 0 }, t = { 0 };
	struct buf text = { 0 }, names = { 0 };
	int rc = -1;

	if (!split(base, nb, &b) || !split(ours, no, &o) || !split(theirs, nt, &t))
		goto out;
	/* The remote's order, then the keys only the local side has, in its. */
	for (size_t i = 0; i < o.n; i++) {
		const struct block *k = &o.v[i], *m = pick(find(&b, k), k, find(&t, k), k, &names);

		if (m)
			buf_add(&text, m->p, m->len);
	}
	for (size_t i = 0; i < t.n; i++) {
		const struct block *k = &t.v[i], *m;

		if (find(&o, k))
			continue;
		if ((m = pick(find(&b, k), NULL, k, k, &names)))
			buf_add(&text, m->p, m->len);
	}
	buf_add(out, text.p ? text.p : "", text.len);
	buf_add(conflicts, names.p ? names.p : "", names.len);
	rc = 0;
out:
	buf_release(&text);
	buf_release(&names);
	free(b.v);
	free(o.v);
	free(t.v);
	return rc;
}
