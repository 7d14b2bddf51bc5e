/*
 * log: the audit trail (preg log) and its derived index.
 *
 * The index, .git/preg-cache/log-index, maps every commit of the branch to
 * the client records it changed, so that the trail of one client needs no
 * walk of the whole history. It is derived data: never committed, extended
 * by every preg write (logidx_append), checked by a checksum on every
 * read, brought up to date when the branch moved
 * (the new commits are appended, whoever made them), and rebuilt when it is
 * missing, corrupt, or the branch no longer contains the commit it was
 * built for (history rewritten: with a warning, and a record kept for
 * preg verify). A register that cannot be written to still gets a correct
 * index, in memory.
 *
 * The file itself is lib/logidx.c's.
 */
#ifndef PREG_LOG_H
#define PREG_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include "history.h"
#include "logidx.h"
#include "register.h"

struct logidx;

/* Load the index of the branch tip, updating or rebuilding it as needed
 * (see above); *out is the caller's (logidx_free). A corrupt file is
 * rebuilt with a warning. */
int log_index_open(struct reg *r, struct logidx **out);

/* A sync moved the branch from old to a line that shares base with it,
 * replaying old's commits after base: the index, when it knew nothing
 * beyond old, is cut back to base, so that the next reader extends it
 * instead of taking the replay for a rewrite of history. Never fails: the
 * index is a cache. */
void log_index_replayed(struct reg *r, const struct reg_oid *old, const struct reg_oid *base);

/* What differs, record by record (preg diff): between revisions from and
 * to (either NULL: to is the tip; from, to's first parent); or, with
 * has_since, what the changes made from day since to day until (has_until;
 * else to the end) did. A change's day is the day it was made: its
 * commit's author time in its own offset, as log --since selects it; not
 * when it reached this clone, which differs from clone to clone. For each
 * record those commits changed, the state before the first of them and the
 * state after the last, following the branch. */
struct log_range {
	const char *from, *to;
	bool has_since, has_until;
	int32_t since, until;
};

/* Called for each record that differs, in path order: old and new are its
 * states (NULL when absent), ch what changed in words; when a state does
 * not parse, old and new are NULL and error says why. */
typedef int (*log_diff_fn)(void *arg, const char *id, const struct record *old, const struct record *new,
			   const struct changes *ch, const char *error);
int log_diff(struct reg *r, const struct log_range *range, log_diff_fn cb, void *arg);

struct log_opts {
	const char *id;       /* one client, or NULL */
	const char *manager;  /* changes to clients M managed before or after */
	const char *author;   /* changes made by A: the acting user (Preg-User; for a commit
			       * of an older preg, the one named by the events and notes
			       * added); for a commit made without preg, the git author's
			       * name, e-mail address or the address's local part */
	bool has_since, has_until;
	int32_t since, until; /* days, inclusive: the day the change was made, its commit's
			       * author time in its own offset (not when it reached this
			       * clone: the same answer on every clone) */
};

/* One line of the trail: commit c changed record id; old and new are the
 * record before and after (either NULL when absent or unreadable). */
struct log_row {
	const struct hcommit *c;
	const char *id;
	const struct record *old, *new;
	const struct changes *ch;
	const char *by; /* the acting user (Preg-User, else from the events and notes added),
			 * else the git author */
};

typedef int (*log_fn)(void *arg, const struct log_row *row);

/* Walk the trail newest first, calling cb for every row that passes the
 * filters. A record that does not parse at some commit is shown as
 * changed without details. 0, cb's non-zero value, or a negative code. */
int log_walk(struct reg *r, const struct log_opts *o, log_fn cb, void *arg);

/* Whether some commit of the branch changed record id: the trail of a
 * client removed since (false also when the index cannot be read). */
bool log_knows(struct reg *r, const char *id);

#endif
