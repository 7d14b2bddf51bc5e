/*
 * confmerge: preg.yaml changed on both sides of a sync, merged by its
 * top-level keys (phases, managers, mail, requires...). Each key's block of
 * lines is taken from the side that changed it; a key both sides changed
 * differently takes the local block and is named. Text the blocks cannot
 * hold (a comment or a document marker at the left margin, a line that is
 * not "key:" there) is not merged: the caller keeps its old rule.
 */
#ifndef PREG_CONFMERGE_H
#define PREG_CONFMERGE_H

#include <stddef.h>

#include "buf.h"

/* Merge the remote's text (ours, the tip being built on) and the local
 * commit's (theirs), both changed from base, into out. The keys both sides
 * changed differently, where theirs was taken, are appended to *conflicts
 * (comma-separated, "" when none). 0, or -1 when the texts are not made of
 * top-level blocks (out and *conflicts untouched). */
int confmerge(const char *base, size_t nb, const char *ours, size_t no, const char *theirs, size_t nt,
	      struct buf *out, struct buf *conflicts);

#endif
