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

/* How a table column gives way when the table must fit a width
 * (fmt_fit), in this order: a column with nothing in it is left out
 * (unless FIT_WHOLE); free text is cut to 20 columns and then left
 * out; lists likewise (to 12); names are shortened (name_short) to 16;
 * labels are cut to 10, then to their header; the extra columns are left
 * out, the rightmost first; last, names are shortened to 10. Within one
 * step the widest column gives first. FIT_WHOLE, the default, is never
 * cut: ids (a user types them), numbers, status words. */
enum col_fit {
	FIT_WHOLE,
	FIT_FREE,  /* free text (a next action) */
	FIT_LIST,  /* a list (tags) */
	FIT_NAME,  /* a client's name */
	FIT_LABEL, /* a label ("6 quotation", a manager's handle) */
	FIT_EXTRA, /* a column that may be left out whole (a date) */
};

struct fmt_col {
	const char *name;
	enum col_type type;
};

/* fmt_fit's width for a table that shows everything whole (--wide). */
#define FMT_WIDE ((size_t)-1)

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
	size_t fit;                 /* table: the width to fit, FMT_WIDE, or 0 (cut free text to 40) */
	const enum col_fit *fits;   /* fmt_fit: how each column gives way */
	bool sorted;                /* rows kept and written in the order of their keys */
	char **keep;                /* sorted: cells (ncols a row), */
	char **keys;                /* the row's key, */
	char **kcolors;             /* and its colour */
	size_t nkeep, kcap;
};

/* Parse "table", "tsv", "csv", "json" or "html" (a writer with FMT_HTML
 * writes a <table> element; format_html.h makes the page around it).
 * 0 or PREG_EINVAL. A command offers the formats it has (cmd.h). */
int fmt_parse(enum fmt *out, const char *s);

/* Set w up (color: table colours; color_col: the column painted in each
 * row's colour, or -1) and begin: the one way to start a writer. */
void fmt_start(struct fmt_writer *w, struct buf *out, enum fmt fmt, const struct fmt_col *cols, size_t ncols,
	       bool color, int color_col);
/*
 * A table that fits: fmt_end writes a table of at most cols columns of the
 * screen. When the cells are wider, the columns give way as fits[ncols]
 * says (enum col_fit; NULL: all FIT_WHOLE), the widest first among those of one kind; a cell wider
 * than its column is cut with an ellipsis (a name by name_short, keeping
 * its distinctive part). FMT_WIDE: every cell whole; 0 (the default):
 * every cell whole but free text (COL_WIDE) cut to 40. Other formats are
 * never cut. Call after fmt_start.
 */
void fmt_fit(struct fmt_writer *w, size_t cols, const enum col_fit *fits);

/* Keep the rows and write them, in any format, in the order of the keys
 * given with fmt_row_key (strcmp; rows of equal keys in the order they
 * came). Call after fmt_start. */
void fmt_sort(struct fmt_writer *w);

/* cells[ncols], NULL for no value; color "#rrggbb" or NULL. */
void fmt_row(struct fmt_writer *w, struct buf *out, const char *const *cells, const char *color);
/* fmt_row with the key the row sorts by (fmt_sort; NULL sorts first). */
void fmt_row_key(struct fmt_writer *w, struct buf *out, const char *const *cells, const char *color,
		 const char *key);
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
