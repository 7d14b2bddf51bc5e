/*
 * merge: the three-way merge of one client record (SPEC §8).
 *
 * History events and notes of both sides are all kept (a union in time
 * order; an entry found on both sides is kept once). phase, phase_since and
 * manager follow the merged history. Every other field (the free fields one
 * by one, the tags as a set) takes the change of the side that changed it;
 * a field changed differently on both sides is a conflict: merge_record
 * takes theirs (the commit being replayed) and lists the conflict, and
 * merge_text (the git merge driver) marks that field alone with conflict
 * markers.
 */
#ifndef PREG_MERGE_H
#define PREG_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "record.h"

/* A field changed differently on both sides. Values are as a person reads
 * them ("(none)" when the field was removed). */
struct merge_conflict {
	char *id;     /* the client */
	char *field;  /* "next_contact", "fields.cargo", "contacts" */
	char *ours;   /* the value that was replaced */
	char *theirs; /* the value taken */
};

struct merge_report {
	struct merge_conflict *v;
	size_t n, cap;
};

void merge_report_release(struct merge_report *rep);

/* Merge ours and theirs, which both descend from base (NULL when the
 * record is new on both sides: then every field that differs is a
 * conflict). Conflicts are appended to rep (may be NULL). *out is the
 * caller's (record_free). Always succeeds. */
void merge_record(struct record **out, const struct record *base, const struct record *ours,
		  const struct record *theirs, struct merge_report *rep);

/* Beyond this many conflicting fields, merge_text marks the whole file:
 * one by one, each would cost a walk of the record. */
#define MERGE_MARK_MAX 100

/* The merge driver: merge three texts of one record file (path names it in
 * messages). out receives the merged canonical text, with each conflicting
 * field marked alone ("<<<<<<< ours" ... "=======" ... ">>>>>>> theirs"),
 * or, past MERGE_MARK_MAX of them, ours and theirs whole between markers;
 * *conflicts counts the conflicts. An empty base text means the record was
 * added on both sides: unless both texts are equal, the whole file is one
 * conflict (nothing tells two new clients apart from one). Returns 0, or
 * PREG_EINVAL when a text does not parse (out is then empty). */
int merge_text(struct buf *out, int *conflicts, const char *base, size_t blen, const char *ours,
	       size_t olen, const char *theirs, size_t tlen, const char *path);

/* The merge driver's three files (git's %O %A %B: base, ours, theirs),
 * each read whole into text[0..2] (released by the caller). A file larger
 * than a record may be (YAML_MAX_DOC) is refused before it is read in
 * full: the driver must never merge a part of a file and write that back
 * over ours. Returns 0; PREG_EINVAL with the message "PATH: not merged:
 * ..." giving the three sizes; or the error of a file that cannot be read.
 * path names the record in messages. */
int merge_read_inputs(struct buf text[3], const char *const files[3], const char *path);

/* Whole-file conflict markers around ours and theirs. */
void merge_mark_whole(struct buf *out, const char *ours, size_t olen, const char *theirs, size_t tlen);

#endif
