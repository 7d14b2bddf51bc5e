/*
 * find_index: the index of a record that finding reads (find.h). Apart
 * from find because the record cache (rcache.h) keeps each record's index
 * with it, and the register reads through that cache, while find reads
 * through the register: the index stands below both.
 */
#ifndef PREG_FIND_INDEX_H
#define PREG_FIND_INDEX_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "record.h"

/* The first line of an index. Change it with the folding, the spelling or
 * the format (and the record cache's version with it, so that the cache is
 * written again): an index of another version is made anew at every
 * search, which is right but slow. */
#define FIND_INDEX_VERSION "find1"

/* Append the index of r to out: its name, contacts, fields, tags and next
 * action, with notes its notes and remarks too. */
void find_index(struct buf *out, const struct record *r, bool notes);

/* find_index with the caller's scratch buffers s1 and s2, reused record
 * after record. */
void find_index_into(struct buf *out, struct buf *s1, struct buf *s2, const struct record *r, bool notes);

/* Append one index line of kind for the text s (s1, s2 scratch). */
void find_index_line(struct buf *out, struct buf *s1, struct buf *s2, char kind, const char *s);

/* Append the Latin text s with the spellings people use for one Russian
 * sound made one (see find_index.c): the query goes through it as the
 * index does. */
void find_loose(struct buf *out, const char *s);

#endif
