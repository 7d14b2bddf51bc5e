/*
 * kvindex: sorted views of a record's lists, so that two states of a record
 * (the two sides of a merge, a commit and its parent) are compared in
 * O(n log n): a record of 1 MiB holds 10,000 notes or 100,000 fields, and
 * walking one list for each entry of the other took seconds to minutes.
 *
 * A view lends: the lists it indexes must outlive it and stay unchanged.
 */
#ifndef PREG_KVINDEX_H
#define PREG_KVINDEX_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"

struct kvindex_entry;

/* The entries of a list (history events, notes, contacts), sorted by
 * content. */
struct kvindex {
	struct kvindex_entry *v;
	size_t n;
	size_t *rank;   /* rank[i]: how many entries before entry i of the list equal it */
	bool any_order; /* two entries with the same pairs in another order are equal */
};

/* Index the n entries of l. With any_order, {at: 1, by: a} equals
 * {by: a, at: 1}; without, pairs are compared in their order. */
void kvindex_init(struct kvindex *ix, const struct kvlist *l, size_t n, bool any_order);

/* How many entries of the list equal e. */
size_t kvindex_count(const struct kvindex *ix, const struct kvlist *e);

/* How many entries before entry i (of the list indexed) equal it: 0 for
 * the first of its kind, 1 for the second... */
size_t kvindex_rank(const struct kvindex *ix, size_t i);

void kvindex_release(struct kvindex *ix);

/* The keys of one mapping (the free fields, the unknown top-level keys),
 * sorted, each with what it names. */
struct keyindex_pair {
	const char *k;
	const void *v;
	size_t pos;
};

struct keyindex {
	struct keyindex_pair *v;
	size_t n;
};

/* Index the pairs of l (values: const char *). */
void keyindex_init(struct keyindex *ix, const struct kvlist *l);

/* Index the keys of a YAML mapping (values: const struct ynode *); map may
 * be NULL. */
void keyindex_init_map(struct keyindex *ix, const struct ynode *map);

/* The pair of key k (pos: its place in the list or mapping), or NULL;
 * lent. The first pair of that key when it is there twice (a record read
 * from YAML never has it twice). */
const struct keyindex_pair *keyindex_find(const struct keyindex *ix, const char *k);

/* keyindex_find for an index of a kvlist: the value of k, or NULL. */
const char *keyindex_get(const struct keyindex *ix, const char *k);

void keyindex_release(struct keyindex *ix);

#endif
