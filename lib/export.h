/*
 * export: the register as a spreadsheet (SPEC §5): the paper's layout in
 * CSV that import reads back. Columns: Client, Phase 1 ... Phase N (the date
 * each phase up to the current one was last entered), Manager, id, kind,
 * next_contact, next_action, end_reason, hold_until, hold_reason, tags,
 * contacts (one "Name <email>; role; phone" per line), remarks, then every
 * free field any exported record has.
 */
#ifndef PREG_EXPORT_H
#define PREG_EXPORT_H

#include <stddef.h>

#include "format.h"
#include "phases.h"
#include "record.h"
#include "strmap.h"

struct export_cols {
	const struct phases *ph;
	struct fmt_col *cols; /* the header; names owned */
	size_t ncols;
	char **fields;        /* the free fields, in the order first seen */
	size_t nfields;
	struct strmap seen;
};

void export_cols_init(struct export_cols *c, const struct phases *ph);
/* Take r's free fields into the columns (before export_cols_done). */
void export_cols_add(struct export_cols *c, const struct record *r);
/* Make the header: after the last export_cols_add. */
void export_cols_done(struct export_cols *c);
void export_cols_release(struct export_cols *c);

/* The cells of r's row into cells[c->ncols]; *owned receives what the
 * caller frees (with export_cells_free). */
void export_cells(const struct export_cols *c, const struct record *r, const char **cells, char ***owned,
		  size_t *nowned);
void export_cells_free(char **owned, size_t n);

#endif
