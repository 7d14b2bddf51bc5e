/*
 * sync: sharing a register through a git remote (SPEC §8).
 *
 * sync_run fetches with the user's git (so ssh config, agents and
 * credential helpers work as in git), replays the local commits onto the
 * remote branch under the register lock, merging each record they touch
 * three-way (lib/merge), moves the branch with a compare-and-swap, heals the
 * work tree, and pushes with the expected old value; when the remote moved
 * in between it starts again, at most three more times. History stays
 * linear. sync_clone and sync_set_remote set up a clone.
 */
#ifndef PREG_SYNC_H
#define PREG_SYNC_H

#include <stddef.h>

#include "merge.h"
#include "register.h"

/* Told what sync is doing ("fetching from origin"), for a progress line. */
typedef void (*sync_progress_fn)(void *arg, const char *what);

struct sync_opts {
	const char *remote;  /* NULL: the branch's remote, else origin */
	sync_progress_fn progress; /* may be NULL */
	void *arg;
};

struct sync_result {
	char *remote;           /* the remote synced with */
	size_t pushed;          /* local commits sent */
	size_t received;        /* commits of the remote taken in */
	struct merge_report rep; /* field conflicts, resolved for the local side */
	char **notes;           /* other things the user must hear: renamed clients... */
	size_t nnotes, cap;
};

/* Sync the register with its remote. 0, or a negative code with the error
 * slot set: the remote cannot be reached or refuses (PREG_ERR), the register
 * is busy (PREG_EBUSY), a path the sync must update has an uncommitted edit
 * (PREG_EDIRTY). Local commits are never lost: on failure they stay on the
 * branch (replayed or not). res is filled as far as the sync got; release it
 * with sync_result_release. */
int sync_run(struct reg *r, const struct sync_opts *o, struct sync_result *res);
void sync_result_release(struct sync_result *res);

/* Clone the register at url into dir (a new or empty directory) with git,
 * and set up the merge driver. Nothing is left behind on failure. */
int sync_clone(const char *url, const char *dir);

/* Make url the register's remote "origin", the branch's upstream. */
int sync_set_remote(struct reg *r, const char *url);

#endif
