/*
 * strmap: a map from strings to pointers (open addressing, FNV-1a), for the
 * places where a list of 100,000 names must be searched without quadratic
 * cost: the files a write stages, the ids and names an import takes.
 */
#ifndef PREG_STRMAP_H
#define PREG_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

struct strmap {
	char **keys;  /* copies, owned */
	void **vals;
	size_t n, cap;
};

/* Set key to val (a copy of key is kept). */
void strmap_put(struct strmap *m, const char *key, void *val);
/* Whether key is there; its value in *val when val is not NULL. */
bool strmap_get(const struct strmap *m, const char *key, void **val);
/* Free the keys and the table (not the values); the map is empty after. */
void strmap_release(struct strmap *m);

#endif
