/*
 * verify: prove each record's history against git history (preg verify).
 *
 * Walks every commit of the branch, oldest first, and for each record a
 * commit changed checks that:
 *   - every history event and note of the parent's version is still there,
 *     unchanged (a sync's merge may place new ones between them, in time
 *     order; for a merge: every one of each parent);
 *   - a preg commit (one with Preg-Action) names every record it changed in
 *     its Preg-Client trailers;
 *   - events and notes no parent had were added by a preg commit, all by its
 *     acting user (Preg-User), none dated after the commit, and for a phase
 *     commit the last phase event added is the phase Preg-Phase names; a
 *     record that comes back after a removal (a sync keeps a client removed
 *     on the remote but changed here) adds only what its removed version
 *     lacked;
 *   - an undo (Preg-Undo: X) only puts back, exactly as they were before X,
 *     records X changed and nothing changed since, X being a change of the
 *     undo's own user;
 * and at the tip that phase, phase_since and manager agree with the last
 * events that set them. Then it reports a rewritten history where a copy of
 * the old one is at hand: the rewrites this clone's log index found (log.h)
 * and remote branches holding the same changes as other commits. A history
 * rewritten before this clone ever saw it cannot be told from the real one.
 */
#ifndef PREG_VERIFY_H
#define PREG_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "register.h"

struct verify_report {
	char **problems; /* "ID: commit HEX (summary): what is wrong" */
	size_t n, cap;
	size_t commits, records; /* how many were checked */
};

/* Run the checks; 0 when they could run (problems found or not), a
 * negative code when the history cannot be read. */
int verify_run(struct reg *r, struct verify_report *out);
void verify_release(struct verify_report *v);

/* The per-commit rules above, one commit at a time, for a pushed range
 * (the pre-receive hook, remote.h): commits given parents first, problems
 * appended to out (released with verify_release). What came before the
 * range is not walked: an undo of a commit before it is looked up (an
 * ancestor, and the record as that commit left it at the undo's parent);
 * a record that comes back after a removal before the range counts as
 * written anew. */
struct verify_walk;
struct verify_walk *verify_walk_new(struct reg *r, struct verify_report *out);
int verify_commit(struct verify_walk *w, const struct reg_oid *oid);
/* Whether the last commit verify_commit judged left record id in a
 * version that does not parse (named among its problems): the hook
 * names such a record once. */
bool verify_unparsed(const struct verify_walk *w, const char *id);
void verify_walk_free(struct verify_walk *w);

#endif
