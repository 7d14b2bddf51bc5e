/*
 * verify: prove each record's history against git history (preg verify).
 *
 * Walks every commit of the branch, oldest first, and for each record a
 * commit changed checks that:
 *   - its history events and notes only grew by appending: every event and
 *     note of the parent's version is still there, unchanged and in place
 *     (for a merge: every event and note of each parent is kept);
 *   - events and notes were added by a preg commit (one with Preg-Action)
 *     whose Preg-Client trailers name the record, all by one acting user,
 *     none dated after the commit, and for a phase commit the last phase
 *     event is the phase its Preg-Phase trailer names;
 *   - an undo (Preg-Undo: X) put the record back exactly as it was before X;
 * and at the tip that phase, phase_since and manager agree with the last
 * events that set them. It cannot tell a history rewritten in git itself
 * (a rebase, a forced push) from the real one: that needs signed commits
 * or a remote to compare with.
 */
#ifndef PREG_VERIFY_H
#define PREG_VERIFY_H

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

#endif
