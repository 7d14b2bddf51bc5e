/*
 * logidx: the file of the log index, .git/preg-cache/log-index.
 *
 * The index maps every commit of the branch to the client records it
 * changed (lib/log.c builds and reads it; see log.h). This module knows only
 * the file: a header line "preg-log-index 1", one line per commit, oldest
 * first, "HEX ID ID...", and a last line "end TIP COUNT FNV" where FNV is
 * the 64-bit FNV-1a hash of every byte before that line. Commits are named
 * by their hexadecimal ids, so that the register's write path can append to
 * the file without knowing anything of the history readers above it.
 */
#ifndef PREG_LOGIDX_H
#define PREG_LOGIDX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct logidx;

/* An empty index (no commit line, no tip); *out is the caller's. */
struct logidx *logidx_new(void);
void logidx_free(struct logidx *x);

/* Load the index file of a git directory (with a trailing '/'). 0 with *out
 * the caller's when it is whole; PREG_ENOTFOUND when there is none;
 * PREG_EINVAL when it fails its checks (a write appending at this instant
 * is given a second look first). */
int logidx_load(const char *gitdir, struct logidx **out);

/* Write x as the index file of gitdir, atomically; a failure leaves the old
 * file (or none): the index is a cache. */
void logidx_save(const char *gitdir, const struct logidx *x);

/* The commit the index was built up to (40 hex digits), "" when none. */
const char *logidx_tip(const struct logidx *x);

/* Add a commit line, hex then ids (" ID ID...", len bytes), at the end;
 * the tip becomes hex. */
void logidx_add(struct logidx *x, const char *hex, const char *ids, size_t len);

/* Cut the index back to commit hex (drop the lines after its line): 0, or
 * PREG_ENOTFOUND when hex is not listed. */
int logidx_truncate(struct logidx *x, const char *hex);

/* Called by the write path right after it moved the branch from parent
 * (NULL: the first commit) to commit, which changed the records in ids
 * (" ID ID..."): when the file was up to date with parent, the commit is
 * appended to it in place; otherwise nothing is done and the next reader
 * brings the file up to date. Never fails: it is a cache. */
void logidx_append(const char *gitdir, const char *parent, const char *commit, const char *ids);

/* The number of commits indexed. */
size_t logidx_count(const struct logidx *x);

/* Call cb for each commit that changed record id (every commit when id is
 * NULL), newest first. hex is the commit (40 digits, not terminated); ids
 * is its list of changed ids, separated by spaces, len bytes long; both
 * lent. cb returns 0 to go on. */
typedef int (*logidx_fn)(void *arg, const char *hex, const char *ids, size_t len);
int logidx_each(const struct logidx *x, const char *id, logidx_fn cb, void *arg);

/* The record of history rewrites, .git/preg-cache/rewrites: when the
 * index is rebuilt because the branch no longer holds the commit it was
 * built for, the reader appends a line "FIRST COUNT OLDTIP": the oldest of
 * the COUNT commits the index held that the branch lost, and that tip. It
 * outlives the rebuild, so that preg verify can report the rewrite later.
 * logidx_note_rewrite never fails (a register that cannot be written keeps
 * no record); logidx_rewrites appends the file to out: 0, or
 * PREG_ENOTFOUND when there is none. */
void logidx_note_rewrite(const char *gitdir, const char *first, size_t count, const char *oldtip);
int logidx_rewrites(const char *gitdir, struct buf *out);

/* The index file's path for a git directory; caller frees. */
char *logidx_path(const char *gitdir);

/* FNV-1a, 64 bits, continuing from h (start with LOGIDX_FNV_INIT). */
#define LOGIDX_FNV_INIT 0xcbf29ce484222325ULL
uint64_t logidx_fnv(uint64_t h, const void *p, size_t n);

#endif
