/*
 * import: a spreadsheet register (CSV, read by csvread) into client records,
 * all or nothing, in one commit.
 *
 * The layout is the paper register's: a Client column; Phase 1 ... Phase N
 * columns whose non-empty cells mean "reached" (a date there is when); a
 * Manager column; columns named like record keys (id, kind, phase,
 * next_contact, next_action, end_reason, hold_until, hold_reason, remarks,
 * tags, contacts); every other column is a free field. --map COLUMN=FIELD
 * says what a column holds when its header does not. Every problem of every
 * row is collected as "FILE:LINE: message"; when there is one, nothing is
 * written.
 */
#ifndef PREG_IMPORT_H
#define PREG_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "csvread.h"
#include "register.h"

struct import_opts {
	const char *file;         /* the file's name in messages */
	const char *manager;      /* for rows without one; NULL: the acting user */
	const char *const *maps;  /* "COLUMN=FIELD" */
	size_t nmaps;
	bool dry_run;             /* build and check, write nothing */
	/* Called now and then while rows are read (may be NULL). */
	void (*progress)(void *arg, size_t done, size_t total);
	void *progress_arg;
};

struct import_result {
	struct record **recs;     /* what a dry run would create, in file order; after a
				   * write each is NULL (freed once staged), nrecs counts them */
	size_t nrecs;
	char **notes;             /* what was normalised: "manager 'Иванов' imported as 'ivanov'" */
	size_t nnotes;
	char **problems;          /* "FILE:LINE: message" */
	size_t nproblems;
};

/* The largest file an import reads. */
#define IMPORT_MAX_BYTES ((size_t)1 << 30)

/* Read the file named file ("-": the standard input) into out, refusing
 * one larger than IMPORT_MAX_BYTES before reading it whole. 0, or a
 * negative code with the message ("'FILE' is SIZE bytes, larger than the
 * 1 GiB an import reads"). */
int import_read(struct buf *out, const char *file);

/* Import the rows of t into r. 0 when done (or, with dry_run, when it
 * would be done); PREG_EINVAL with res->problems listing every problem and
 * the error slot saying how many; another code (the error slot says why)
 * when the register refused the write. res is the caller's, released with
 * import_result_release, whatever the outcome. */
int import_csv(struct reg *r, const struct csv_table *t, const struct import_opts *o,
	       struct import_result *res);

void import_result_release(struct import_result *res);

/* Whether a column headed name would be read as a record key (Client,
 * Manager, Phase 3, tags...) rather than a free field: export heads such a
 * field "fields.NAME" instead. */
bool import_header_is_key(const char *name);

/* The day s names, "YYYY-MM-DD" or "DD.MM.YYYY" (as a spreadsheet in a
 * Russian locale writes it), as days since the epoch. 0 or PREG_EINVAL. */
int import_date(const char *s, int32_t *day);

#endif
