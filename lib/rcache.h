/*
 * rcache: the derived record cache in the git directory
 * (.git/preg-cache/records), so that a report over an unchanged register
 * does not parse YAML again.
 *
 * It holds, for each record blob of the HEAD tree, a compact encoding of
 * what listings, reports and finding read: every key of the record except
 * remarks, unknown keys and the notes' text (contacts are in it for finding a client
 * by a phone or an e-mail, see find.h). It is keyed by blob id (a record changed
 * by plain git has a new blob id, so it is read again) and, per shard
 * directory, by tree id (a shard with the same tree id is taken whole
 * without reading its tree). The file is never committed, is validated by
 * an xxHash checksum, and is rebuilt when missing, corrupt or of another
 * version. Writing it is best effort: a read-only register works without.
 */
#ifndef PREG_RCACHE_H
#define PREG_RCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "record.h"

#define RCACHE_OID 20

/* Append the encoding of r to out. */
void rcache_encode(struct buf *out, const struct record *r);

/* Memory for the arrays of a decoded record, reused record after record. */
struct rscratch {
	void *mem;
	size_t cap;
};

/* Decode p[0..len) into *r. The strings point into p (which must outlive
 * r), the arrays into s. remarks and extra are empty; notes too, unless
 * asked for, and then each holds only its at, by, channel and next.
 * 0, or -1 when the bytes are not a valid encoding. Never free r. */
int rcache_decode(struct record *r, struct rscratch *s, const unsigned char *p, size_t len, bool notes);

void rscratch_release(struct rscratch *s);

/* A loaded cache file: empty when the file is missing or not valid. */
struct rcache;

struct rcache *rcache_load(const char *path);

void rcache_free(struct rcache *c);

/* Whether the file was there and valid (for tests and the benchmark). */
bool rcache_valid(const struct rcache *c);

/* Whether the cache has a shard of that name (its data not checked). */
bool rcache_has_shard(const struct rcache *c, const char *name);

/* The shard named name: its records are [*first, *first + *n). Sets *same
 * when its tree id is oid. false: no such shard in the cache, or its data
 * fails its checksum (checked the first time it is asked for). */
bool rcache_shard(struct rcache *c, const char *name, const unsigned char *oid, size_t *first,
		  size_t *n, bool *same);

/* rcache_shard, for a reader of the shard's records one after the
 * other: the shard's data is read whole into w with pread(2) and checked
 * there, so that rcache_rec_read of its records reads nothing more and
 * the map is not touched. */
struct rwindow;
bool rcache_shard_read(struct rcache *c, const char *name, const unsigned char *oid, size_t *first,
		       size_t *n, bool *same, struct rwindow *w);

/* Record i: its blob id, its id, and its encoding. */
const unsigned char *rcache_rec(const struct rcache *c, size_t i, const char **id,
				const unsigned char **data, size_t *len);

/* A reader's window on the file's data, filled with pread(2). Many
 * readers side by side (a walk in id order reads 256 shards at once)
 * must not read through the map: Linux maps a whole folio of the page
 * cache on a fault, hundreds of KiB, so that 256 places read at once
 * held nearly the whole file (140 MB at 100,000 clients) in the process. */
struct rwindow {
	unsigned char *buf;
	size_t cap, off, len; /* buf holds data [off, off + len) */
};

/* rcache_rec, with *data (and *id) in w: valid until w's next use. */
const unsigned char *rcache_rec_read(const struct rcache *c, size_t i, struct rwindow *w,
				     const char **id, const unsigned char **data, size_t *len);
void rwindow_release(struct rwindow *w);

/* The next cache file, written during a walk: shards in tree order, each
 * either taken whole from the loaded cache or given record by record.
 * Nothing is written until something differs from the loaded cache; then
 * a temporary file next to path receives the data as the walk goes. */
struct rcache_plan;

struct rcache_plan *rcache_plan_new(struct rcache *from, const char *path);
void rcache_plan_shard(struct rcache_plan *p, const char *name, const unsigned char *oid);
/* The records [first, first + n) of the loaded cache, for the last shard. */
void rcache_plan_take(struct rcache_plan *p, size_t first, size_t n);
/* One record of the last shard: a record of the loaded cache (i), or a new
 * encoding (data, copied). */
void rcache_plan_keep(struct rcache_plan *p, size_t i);
void rcache_plan_add(struct rcache_plan *p, const unsigned char *oid, const char *id,
		     const void *data, size_t len);
/* Give the last shard another tree id (zero: never taken whole). */
void rcache_plan_shard_oid(struct rcache_plan *p, const unsigned char *oid);
/* Mark the plan as different from the loaded cache. */
void rcache_plan_touch(struct rcache_plan *p);
bool rcache_plan_changed(const struct rcache_plan *p);
/* Finish the file and rename it to path (nothing when unchanged). 0 or
 * -1 (errno set); nothing is left behind on failure. */
int rcache_plan_save(struct rcache_plan *p);
void rcache_plan_free(struct rcache_plan *p);

#endif
