/* kvindex: sorted views of a record's lists (see kvindex.h). */
#include <stdlib.h>
#include <string.h>

#include "kvindex.h"
#include "xalloc.h"

struct kvindex_entry {
	const struct kvlist *e;
	const struct kv **pairs; /* e's pairs, sorted by key when any_order, else in order */
	size_t pos;              /* in the list */
};

static int cmp_pair(const void *a, const void *b)
{
	const struct kv *x = *(const struct kv *const *)a, *y = *(const struct kv *const *)b;
	int k = strcmp(x->k, y->k);

	return k ? k : strcmp(x->v, y->v);
}

static void entry_make(struct kvindex_entry *out, const struct kvlist *e, size_t pos, bool any_order)
{
	out->e = e;
	out->pos = pos;
	out->pairs = xmalloc((e->n + 1) * sizeof(*out->pairs));
	for (size_t i = 0; i < e->n; i++)
		out->pairs[i] = &e->v[i];
	if (any_order && e->n > 1)
		qsort(out->pairs, e->n, sizeof(*out->pairs), cmp_pair);
}

/* By content only. */
static int cmp_content(const struct kvindex_entry *x, const struct kvindex_entry *y)
{
	if (x->e->n != y->e->n)
		return x->e->n < y->e->n ? -1 : 1;
	for (size_t i = 0; i < x->e->n; i++) {
		int c = cmp_pair(&x->pairs[i], &y->pairs[i]);

		if (c)
			return c;
	}
	return 0;
}

/* By content, then place in the list: equal entries stay in list order. */
static int cmp_entry(const void *a, const void *b)
{
	const struct kvindex_entry *x = a, *y = b;
	int c = cmp_content(x, y);

	return c ? c : x->pos < y->pos ? -1 : x->pos > y->pos;
}

void kvindex_init(struct kvindex *ix, const struct kvlist *l, size_t n, bool any_order)
{
	ix->n = n;
	ix->any_order = any_order;
	ix->v = xmalloc((n + 1) * sizeof(*ix->v));
	ix->rank = xmalloc((n + 1) * sizeof(*ix->rank));
	for (size_t i = 0; i < n; i++)
		entry_make(&ix->v[i], &l[i], i, any_order);
	if (n > 1)
		qsort(ix->v, n, sizeof(*ix->v), cmp_entry);
	for (size_t i = 0; i < n; i++)
		ix->rank[ix->v[i].pos] = i && !cmp_content(&ix->v[i - 1], &ix->v[i]) ? ix->rank[ix->v[i - 1].pos] + 1 : 0;
}

/* The first index in the sorted entries whose content is not below e's
 * (upper: not below or equal). */
static size_t bound(const struct kvindex *ix, const struct kvindex_entry *e, bool upper)
{
	size_t lo = 0, hi = ix->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_content(&ix->v[mid], e);

		if (c < 0 || (upper && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t kvindex_count(const struct kvindex *ix, const struct kvlist *e)
{
	struct kvindex_entry probe;
	size_t n;

	entry_make(&probe, e, 0, ix->any_order);
	n = bound(ix, &probe, true) - bound(ix, &probe, false);
	free(probe.pairs);
	return n;
}

size_t kvindex_rank(const struct kvindex *ix, size_t i)
{
	return ix->rank[i];
}

void kvindex_release(struct kvindex *ix)
{
	for (size_t i = 0; i < ix->n; i++)
		free(ix->v[i].pairs);
	free(ix->v);
	free(ix->rank);
	memset(ix, 0, sizeof(*ix));
}

/* ---- by key ---- */

static int cmp_key(const void *a, const void *b)
{
	const struct keyindex_pair *x = a, *y = b;
	int k = strcmp(x->k, y->k);

	/* The first of a key first, as kv_get finds it. */
	return k ? k : x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void keyindex_sort(struct keyindex *ix)
{
	if (ix->n > 1)
		qsort(ix->v, ix->n, sizeof(*ix->v), cmp_key);
}

void keyindex_init(struct keyindex *ix, const struct kvlist *l)
{
	ix->n = l->n;
	ix->v = xmalloc((l->n + 1) * sizeof(*ix->v));
	for (size_t i = 0; i < l->n; i++)
		ix->v[i] = (struct keyindex_pair){ l->v[i].k, l->v[i].v, i };
	keyindex_sort(ix);
}

void keyindex_init_map(struct keyindex *ix, const struct ynode *map)
{
	size_t n = map && map->type == YN_MAP ? map->n / 2 : 0;

	ix->n = n;
	ix->v = xmalloc((n + 1) * sizeof(*ix->v));
	for (size_t i = 0; i < n; i++)
		ix->v[i] = (struct keyindex_pair){ map->v[2 * i]->s, map->v[2 * i + 1], i };
	keyindex_sort(ix);
}

const struct keyindex_pair *keyindex_find(const struct keyindex *ix, const char *k)
{
	size_t lo = 0, hi = ix->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(ix->v[mid].k, k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ix->n && !strcmp(ix->v[lo].k, k) ? &ix->v[lo] : NULL;
}

const char *keyindex_get(const struct keyindex *ix, const char *k)
{
	const struct keyindex_pair *p = keyindex_find(ix, k);

	return p ? p->v : NULL;
}

void keyindex_release(struct keyindex *ix)
{
	free(ix->v);
	memset(ix, 0, sizeof(*ix));
}
