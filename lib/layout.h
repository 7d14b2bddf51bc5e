/*
 * layout: where a client's record lives in a register, by the register's
 * format version (the `version` of preg.yaml).
 *
 * Version 1: clients/<the first two characters of the id>/<id>.yaml, '_'
 * standing in for a missing second one (clients/ro/romashka.yaml,
 * clients/x_/x.yaml). Real names skew it: ids share their first letters.
 *
 * Version 2: clients/<the first two hex digits of the id's XXH64>/<id>.yaml,
 * seed 0, the hash in its canonical big-endian form (clients/40/romashka.yaml:
 * `printf %s romashka | xxhsum -H1` begins with 40).
 * 256 shards that no set of names can skew, as git spreads its objects;
 * chosen by measurement (bench/README.md, "Choosing the layout").
 *
 * In both, the file name is the id, so `clients/` + `*` + `/ID.yaml` finds a
 * record whatever the version.
 */
#ifndef PREG_LAYOUT_H
#define PREG_LAYOUT_H

#include <stdbool.h>

#define LAYOUT_V1 1u
#define LAYOUT_V2 2u
#define LAYOUT_LATEST LAYOUT_V2

/* A shard's name and its NUL: two characters in every version. */
#define LAYOUT_SHARD_SIZE 3

/* The shard of id in layout version into out. Returns 0, or PREG_EINVAL
 * with the error slot set when the version is unknown or the id invalid. */
int layout_shard(char out[LAYOUT_SHARD_SIZE], unsigned version, const char *id);

/* The path of id's record in layout version, "clients/<shard>/<id>.yaml";
 * caller frees. NULL when the version is unknown or the id invalid. */
char *layout_path(unsigned version, const char *id);

/* The id that path names in layout version, or NULL when path is not
 * clients/<shard>/<id>.yaml with a valid id in its own shard (version 2
 * hashes the id to know: about half a microsecond). Caller frees. */
char *layout_id(unsigned version, const char *path);

/* The id that path names in any version this preg knows (the latest tried
 * first), or NULL: for history, where a record's older commits may hold it
 * at the path of an older layout than the register's. Caller frees. */
char *layout_id_any(const char *path);

/* How a record's path looks in layout version, for messages:
 * "clients/<first two characters of the id>/<id>.yaml" (v1). */
const char *layout_pattern(unsigned version);

/* Whether name may be a shard directory of layout version: two characters
 * an id may start with (v1), two lowercase hex digits (v2). Cheap: a walk
 * over a tree can check each shard once, not each record. */
bool layout_shard_name(unsigned version, const char *name);

/* The layout versions that path fits, as a mask of 1u << version (0 when
 * none): a register whose record paths fit another version than the one its
 * preg.yaml states needs repair or an upgrade. */
unsigned layout_fits(const char *path);

/* The register's version from the text of preg.yaml's `version` value into
 * *out. Returns 0, or PREG_EINVAL with the error slot set when it is not a
 * version, or a newer one than this preg knows (which must then change
 * nothing). */
int layout_version(unsigned *out, const char *text);

#endif
