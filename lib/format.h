/*
 * format: the writers behind every listing: an aligned table for a
 * terminal, tab-separated values for scripts, CSV (RFC 4180), JSON. Rows go in one at a
 * time; tsv and json stream them out, the table keeps them to align the
 * columns. The writers append to a struct buf; cmd/ flushes it.
 */
#ifndef PREG_FORMAT_H
#define PREG_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

enum fmt { FMT_TABLE, FMT_TSV, FMT_CSV, FMT_JSON, FMT_HTML };

enum col_type {
	COL_TEXT,
	COL_NUMBER, /* written bare in JSON */
	COL_BOOL,   /* "true"/"false", bare in JSON */
	COL_WIDE,   /* text that the table cuts to 40 columns */
	COL_LIST,   /* comma-separated items: an array in JSON */
};

struct fmt_col {
	const char *name;
	enum col_type type;
};

struct fmt_writer {
	enum fmt fmt;
	bool color;                 /* table only: ANSI colours */
	const struct fmt_col *cols;
	size_t ncols;
	size_t nrows;
	char **cells;               /* table only: rows kept for alignment */
	char **colors;              /* table only: per-row colour of the colored column */
	size_t cap;
	int color_col;              /* the column painted in the row's colour, or -1 */
};

/* Parse "table", "tsv", "csv", "json" or "html" (a writer with FMT_HTML
 * writes a <table> element; format_html.h makes the page around it).
 * 0 or PREG_EINVAL. A command offers the formats it has (cmd.h). */
int fmt_parse(enum fmt *out, const char *s);

/* Set w up (color: table colours; color_col: the column painted in each
 * row's colour, or -1) and begin: the one way to start a writer. */
void fmt_start(struct fmt_writer *w, struct buf *out, enum fmt fmt, const struct fmt_col *cols, size_t ncols,
	       bool color, int color_col);
/* cells[ncols], NULL for no value; color "#rrggbb" or NULL. */
void fmt_row(struct fmt_writer *w, struct buf *out, const char *const *cells, const char *color);
/* Finish (the table is written here); frees what the writer kept. */
void fmt_end(struct fmt_writer *w, struct buf *out);

/*
 * Nothing from the register reaches a terminal raw: names, notes, authors,
 * trailers and messages may come from anyone who can push. fmt_visible
 * appends text for a terminal with every control character made visible
 * in caret notation, as git masks a remote's messages: C0 as ^@ to ^_
 * (ESC as ^[), DEL as ^?, a C1 character as the ^[ and the letter of its
 * seven-bit form (U+009B, CSI, as ^[[); a byte that is not UTF-8 as
 * U+FFFD. With lines, tab and line feed pass (text laid out in lines);
 * without, they are shown too. Every writer below and every text printer
 * of cmd/ goes through it; the machine formats keep their own escapes
 * (tsv \xHH, json \u00HH) so that nothing is lost there.
 */
void fmt_visible(struct buf *out, const char *s, bool lines);

/* Format like printf and append the result as fmt_visible does (lines
 * kept): for the text printers, whose own escapes (colours) are added
 * apart. */
void fmt_addf(struct buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append s with &, <, >, " and ' as HTML character references, and
 * control characters made visible. */
void html_escape(struct buf *out, const char *s);

/* Append s, made visible (fmt_visible, without lines), padded with blanks
 * to width columns (on the left when right), or cut to width with an
 * ellipsis when it is wider. */
void fmt_cell(struct buf *out, const char *s, size_t width, bool right);

/* Terminal columns that the UTF-8 string s takes. */
size_t fmt_width(const char *s);

/* Append the ANSI 24-bit colour escape for "#rrggbb" (nothing when NULL). */
void fmt_color_on(struct buf *out, const char *hex);
void fmt_color_off(struct buf *out);

#endif
