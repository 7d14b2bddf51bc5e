/*
 * upgrade: move a register to the latest format version (preg upgrade).
 *
 * Version 1 kept a record at clients/<first two characters of the id>/,
 * which real names skew; version 2 at clients/<two hex digits of the id's
 * XXH64>/ (layout.h). The upgrade moves every record, unchanged, to its
 * path in the new layout and states the new version in preg.yaml: one
 * commit (Preg-Action: upgrade), atomic under the register lock like every
 * write. History readers (log, verify, diff, undo) find a record at its
 * older path in the commits before it.
 */
#ifndef PREG_UPGRADE_H
#define PREG_UPGRADE_H

#include <stddef.h>

#include "register.h"

struct upgrade_result {
	unsigned from, to; /* the versions; equal when there was nothing to do */
	size_t moved;      /* the records moved */
};

/* Upgrade r to LAYOUT_LATEST. 0 with *res filled (nothing done when the
 * register is at the latest version already), or an error with nothing
 * changed: a file under clients/ that is not a record of the register's
 * layout (preg check names it; repair it first), a record with
 * uncommitted changes, the write's own errors. */
int upgrade_run(struct reg *r, struct upgrade_result *res);

#endif
