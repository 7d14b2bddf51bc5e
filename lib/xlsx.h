/*
 * xlsx: workbooks for people with a spreadsheet (libxlsxwriter), where CSV
 * would let the spreadsheet guess: ids, INNs, phones and every other text
 * are written as text (leading zeros kept, nothing run as a formula),
 * dates as dates, counts as numbers.
 *
 * - xlsx_register: the paper's Table 1, sheet "Register": a row per client,
 *   a column per phase holding the day it was reached as a date, the
 *   current phase's cell filled in the phase's colour, the manager, days in
 *   phase, next contact and the status words (overdue, due, stale, on hold,
 *   ended); the header frozen with the client column, an autofilter; and
 *   sheet "Legend": the phases, their colours and limits.
 * - xlsx_report: a sheet with another report's table (report --all).
 * - xlsx_export_*: sheet "Clients", the columns of preg export (export.h),
 *   the phase days, next_contact and hold_until as dates.
 *
 * Rows go out as they come (libxlsxwriter's constant_memory mode), so that
 * memory does not grow with the clients. The workbook is made in a
 * temporary file and handed over whole by xlsx_end; nothing is printed.
 */
#ifndef PREG_XLSX_H
#define PREG_XLSX_H

#include "buf.h"
#include "export.h"
#include "report.h"

/* Excel's limit on the characters of a cell: a longer text is cut there,
 * with a warning naming the client and the column. */
#define XLSX_CELL_MAX 32767

struct xlsx;

/* A new, empty workbook. 0 or PREG_EIO (no temporary file). */
int xlsx_begin(struct xlsx **out);

/* The register report's sheets, from a finished report. */
int xlsx_register(struct xlsx *x, const struct report *rep);

/* A sheet named name with the table of a finished report of another
 * kind than the register (--all): its columns as tsv names them, counts
 * and percentages as numbers, the rest as text, the phase's cell in the
 * phase's colour. */
int xlsx_report(struct xlsx *x, const char *name, const struct report *rep);

/* The export's sheet: the header, then one row a client in order. */
int xlsx_export_begin(struct xlsx *x, const struct export_cols *c);
/* cells as export_cells made them for r (named in warnings). */
int xlsx_export_row(struct xlsx *x, const struct record *r, const char *const *cells);
int xlsx_export_end(struct xlsx *x);

/* Write the workbook and append its bytes to out; frees x either way.
 * 0 or PREG_EIO. */
int xlsx_end(struct xlsx *x, struct buf *out);
/* Drop the workbook unwritten (on an error path); x may be NULL. */
void xlsx_free(struct xlsx *x);

#endif
