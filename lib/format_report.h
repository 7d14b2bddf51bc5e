/*
 * format_report: the reports of lib/report written out: the register as
 * the paper's table (a column per phase, fitted to the terminal), as rows
 * for files (a reached_KEY column per phase), or as an HTML page grouped by
 * manager; the funnel, the managers (an in_KEY column per phase),
 * durations and reasons through the format writers. From a finished
 * report to a buffer; knows no git and no command.
 */
#ifndef PREG_FORMAT_REPORT_H
#define PREG_FORMAT_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "format.h"
#include "report.h"

/* A report's table cell by cell, for a writer that is not one of
 * lib/format (a workbook's sheet): begin with the columns (color_col: the
 * one painted in a row's colour, or -1), then each row, cells[ncols] (NULL
 * for no value) and its colour "#rrggbb" or NULL. */
struct report_sink {
	void (*begin)(void *arg, const struct fmt_col *cols, size_t ncols, int color_col);
	void (*row)(void *arg, const char *const *cells, const char *color);
	void *arg;
};

/* How a report is written. */
struct report_out {
	enum fmt fmt;   /* FMT_HTML: a page of its own */
	bool wide;      /* the register's table: every date, the phases by key */
	bool color;     /* a table: ANSI colours */
	size_t width;   /* a table: the columns it fits (the register's) */
	size_t fit;     /* the other tables: what fmt_fit takes (0: none) */
	/* When set, a long output (the register's rows) is handed to flush
	 * as it grows, which empties out; else all of it stays in out. */
	void (*flush)(void *arg, struct buf *out);
	void *arg;
	/* When set, the table goes to it, not to out (the names and values of
	 * tsv); fmt is FMT_TSV then. */
	const struct report_sink *sink;
};

/* Append report rep (finished: report_finish) to out, as o says. In
 * html, the funnel, managers and durations carry their chart (chart.h)
 * beside the table. */
void report_write(struct buf *out, const struct report *rep, const struct report_out *o);

/* The table of report rep (not the register; finished) to sink, as
 * tsv names and writes it. */
void report_each_row(const struct report *rep, const struct report_sink *sink);

/* One HTML page (--all): the register reps[0], then reps[1..n) under
 * their titles, each with its chart. */
void report_write_all(struct buf *out, const struct report *reps, size_t n);

#endif
