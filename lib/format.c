/* format: table, tsv and json writers (see format.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "err.h"
#include "format.h"
#include "name.h"
#include "record.h"
#include "utf8.h"
#include "xalloc.h"

#define WIDE_MAX 40

int fmt_parse(enum fmt *out, const char *s)
{
	if (!strcmp(s, "table"))
		*out = FMT_TABLE;
	else if (!strcmp(s, "tsv"))
		*out = FMT_TSV;
	else if (!strcmp(s, "csv"))
		*out = FMT_CSV;
	else if (!strcmp(s, "json"))
		*out = FMT_JSON;
	else if (!strcmp(s, "html"))
		*out = FMT_HTML;
	else
		return preg_error_set(PREG_EINVAL, "unknown format '%s' (table, tsv, csv, json or html)", s);
	return 0;
}

size_t fmt_width(const char *s)
{
	return utf8_width(s);
}

/* s cut to at most max columns, with an ellipsis when cut; caller frees. */
static char *cut(const char *s, size_t max)
{
	if (utf8_width(s) <= max)
		return xstrdup(s);
	return xasprintf("%.*s…", (int)utf8_fit(s, max - 1, NULL), s);
}

/* The control character at p (of n bytes), or 0 when there is none
 * there; *len is set to its length, or to the length of what is there. */
static uint32_t control_at(const unsigned char *p, size_t n, size_t *len, bool *bad)
{
	uint32_t c;

	*bad = false;
	if (*p < 0x80) {
		*len = 1;
		return *p < 0x20 || *p == 0x7f ? *p : 0;
	}
	if (!(*len = utf8_decode(p, n, &c))) {
		*len = 1;
		*bad = true;
		return 0;
	}
	return c >= 0x80 && c <= 0x9f ? c : 0;
}

void fmt_visible(struct buf *out, const char *s, bool lines)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, len;
	bool bad;

	while (i < n) {
		uint32_t c = control_at(p + i, n - i, &len, &bad);

		if (bad) {
			buf_adds(out, "\xef\xbf\xbd"); /* U+FFFD */
		} else if (!c || (lines && (c == '\n' || c == '\t'))) {
			buf_add(out, p + i, len);
		} else if (c == 0x7f) {
			buf_adds(out, "^?");
		} else if (c < 0x20) {
			buf_addc(out, '^');
			buf_addc(out, (char)(c + 0x40));
		} else {
			/* C1: its 7-bit form is ESC and c - 0x40. */
			buf_adds(out, "^[");
			buf_addc(out, (char)(c - 0x40));
		}
		i += len;
	}
}

void fmt_addf(struct buf *out, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	fmt_visible(out, s, true);
	free(s);
}

void fmt_cell(struct buf *out, const char *raw, size_t width, bool right)
{
	struct buf v = BUF_INIT;
	const char *s;
	size_t w;
	char *c;

	if (!width)
		return;
	/* What a terminal would act on is made visible first. */
	fmt_visible(&v, raw, false);
	s = buf_str(&v);
	w = fmt_width(s);
	if (w > width) {
		/* Cut: the ellipsis ends the text, the blanks follow it. */
		c = cut(s, width);
		buf_adds(out, c);
		for (w = fmt_width(c); w < width; w++)
			buf_addc(out, ' ');
		free(c);
		buf_release(&v);
		return;
	}
	if (right)
		for (size_t k = w; k < width; k++)
			buf_addc(out, ' ');
	buf_adds(out, s);
	if (!right)
		for (size_t k = w; k < width; k++)
			buf_addc(out, ' ');
	buf_release(&v);
}


/* One line of a table cell for a terminal: line breaks and tabs would
 * break the layout, other control characters are made visible. */
static char *flatten(const char *s)
{
	struct buf b = BUF_INIT;
	char *d = xstrdup(s);

	for (char *p = d; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	fmt_visible(&b, d, false);
	free(d);
	return buf_detach(&b);
}

void fmt_color_on(struct buf *out, const char *hex)
{
	unsigned r, g, b;

	if (hex && sscanf(hex, "#%02x%02x%02x", &r, &g, &b) == 3)
		buf_addf(out, "\033[38;2;%u;%u;%um", r, g, b);
}

void fmt_color_off(struct buf *out)
{
	buf_adds(out, "\033[0m");
}

/* Backslash escapes: \t \n \r \\, and \xHH for each byte of any other
 * control character or of what is not UTF-8, so that a script reads the
 * value back byte for byte and a terminal gets no control byte. */
static void tsv_cell(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = s ? strlen(s) : 0, i = 0, len;
	bool bad;

	while (i < n) {
		uint32_t c = control_at(p + i, n - i, &len, &bad);

		if (c == '\t')
			buf_adds(out, "\\t");
		else if (c == '\n')
			buf_adds(out, "\\n");
		else if (c == '\r')
			buf_adds(out, "\\r");
		else if (c || bad)
			for (size_t k = 0; k < len; k++)
				buf_addf(out, "\\x%02x", p[i + k]);
		else if (p[i] == '\\')
			buf_adds(out, "\\\\");
		else
			buf_add(out, p + i, len);
		i += len;
	}
}

/* RFC 4180: quoted when it holds a comma, a quote or a line break; CRLF
 * ends records. What a spreadsheet would run as a formula gets a "'"
 * (csvread.h). */
static void csv_cell(struct buf *out, const char *s)
{
	struct buf v = BUF_INIT;
	bool quote;

	if (!s)
		return;
	/* RFC 4180 has no escapes: control characters other than line
	 * breaks are made visible (none can be in a record's values). */
	for (const char *p = s; *p; p++)
		if (*p == '\r' || *p == '\n') {
			buf_addc(&v, *p);
		} else {
			size_t k = strcspn(p, "\r\n");
			char *part = xstrndup(p, k);

			fmt_visible(&v, part, true);
			free(part);
			p += k - 1;
		}
	s = buf_str(&v);
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		buf_addc(out, '"');
	if (csv_guarded(s))
		buf_addc(out, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_addc(out, '"');
		buf_addc(out, *s);
	}
	if (quote)
		buf_addc(out, '"');
	buf_release(&v);
}

static void csv_row(struct buf *out, const struct fmt_writer *w, const char *const *cells)
{
	for (size_t i = 0; i < w->ncols; i++) {
		if (i)
			buf_addc(out, ',');
		csv_cell(out, cells ? cells[i] : w->cols[i].name);
	}
	buf_adds(out, "\r\n");
}

/* "a,b" as ["a","b"]. */
static void json_list_cell(struct buf *out, const char *s)
{
	buf_addc(out, '[');
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, ",");
		char *item = xstrndup(p, n);

		if (p != s)
			buf_addc(out, ',');
		json_str(out, item);
		free(item);
		p += n + (p[n] == ',');
	}
	buf_addc(out, ']');
}

static void html_row(struct buf *out, const struct fmt_writer *w, const char *const *cells)
{
	buf_adds(out, "<tr>");
	for (size_t i = 0; i < w->ncols; i++) {
		bool num = w->cols[i].type == COL_NUMBER;

		buf_adds(out, cells ? (num ? "<td class=\"n\">" : "<td>") : (num ? "<th class=\"n\">" : "<th>"));
		html_escape(out, cells ? cells[i] : w->cols[i].name);
		buf_adds(out, cells ? "</td>" : "</th>");
	}
	buf_adds(out, "</tr>\n");
}

void html_escape(struct buf *out, const char *s)
{
	struct buf v = BUF_INIT;

	if (!s)
		return;
	fmt_visible(&v, s, true);
	for (s = buf_str(&v); *s; s++) {
		switch (*s) {
		case '&': buf_adds(out, "&amp;"); break;
		case '<': buf_adds(out, "&lt;"); break;
		case '>': buf_adds(out, "&gt;"); break;
		case '"': buf_adds(out, "&quot;"); break;
		case '\'': buf_adds(out, "&#39;"); break;
		default: buf_addc(out, *s);
		}
	}
	buf_release(&v);
}

/* The header: a line of names, "[", or a table head; the table is written
 * whole by fmt_end. */
static void fmt_begin(struct fmt_writer *w, struct buf *out)
{
	w->nrows = 0;
	w->cells = NULL;
	w->colors = NULL;
	w->cap = 0;
	if (w->fmt == FMT_TSV) {
		for (size_t i = 0; i < w->ncols; i++) {
			if (i)
				buf_addc(out, '\t');
			buf_adds(out, w->cols[i].name);
		}
		buf_addc(out, '\n');
	} else if (w->fmt == FMT_CSV) {
		csv_row(out, w, NULL);
	} else if (w->fmt == FMT_JSON) {
		buf_addc(out, '[');
	} else if (w->fmt == FMT_HTML) {
		buf_adds(out, "<table>\n<thead>");
		html_row(out, w, NULL);
		buf_adds(out, "</thead>\n<tbody>\n");
	}
}

void fmt_start(struct fmt_writer *w, struct buf *out, enum fmt fmt, const struct fmt_col *cols, size_t ncols,
	       bool color, int color_col)
{
	memset(w, 0, sizeof(*w));
	w->fmt = fmt;
	w->cols = cols;
	w->ncols = ncols;
	w->color = color;
	w->color_col = color_col;
	fmt_begin(w, out);
}

void fmt_fit(struct fmt_writer *w, size_t cols, const enum col_fit *fits)
{
	w->fit = cols;
	w->fits = fits;
}

static enum col_fit fit_of(const struct fmt_writer *w, size_t i)
{
	return w->fits ? w->fits[i] : FIT_WHOLE;
}

void fmt_sort(struct fmt_writer *w)
{
	w->sorted = true;
}

void fmt_row_key(struct fmt_writer *w, struct buf *out, const char *const *cells, const char *color,
		 const char *key)
{
	if (!w->sorted) {
		fmt_row(w, out, cells, color);
		return;
	}
	w->keep = xgrow(w->keep, &w->kcap, (w->nkeep + 1) * w->ncols, sizeof(*w->keep));
	for (size_t i = 0; i < w->ncols; i++)
		w->keep[w->nkeep * w->ncols + i] = cells[i] ? xstrdup(cells[i]) : NULL;
	w->keys = xrealloc(w->keys, (w->nkeep + 1) * sizeof(*w->keys));
	w->keys[w->nkeep] = xstrdup(key ? key : "");
	w->kcolors = xrealloc(w->kcolors, (w->nkeep + 1) * sizeof(*w->kcolors));
	w->kcolors[w->nkeep] = color ? xstrdup(color) : NULL;
	w->nkeep++;
}

/* qsort's context: the keys the row numbers point at. */
static char **sort_keys;

static int by_key(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(sort_keys[x], sort_keys[y]);

	return c ? c : x < y ? -1 : x > y;
}

/* The kept rows of a sorted writer, in the order of their keys, through
 * fmt_row (which writes them, or keeps them for the table). */
static void sorted_out(struct fmt_writer *w, struct buf *out)
{
	size_t *order = xcalloc(w->nkeep + 1, sizeof(*order));

	for (size_t r = 0; r < w->nkeep; r++)
		order[r] = r;
	sort_keys = w->keys;
	qsort(order, w->nkeep, sizeof(*order), by_key);
	sort_keys = NULL;
	w->sorted = false;
	for (size_t r = 0; r < w->nkeep; r++)
		fmt_row(w, out, (const char *const *)w->keep + order[r] * w->ncols, w->kcolors[order[r]]);
	for (size_t r = 0; r < w->nkeep; r++) {
		for (size_t i = 0; i < w->ncols; i++)
			free(w->keep[r * w->ncols + i]);
		free(w->keys[r]);
		free(w->kcolors[r]);
	}
	free(w->keep);
	free(w->keys);
	free(w->kcolors);
	free(order);
	w->keep = w->keys = w->kcolors = NULL;
	w->nkeep = w->kcap = 0;
}

/* The narrowest a column of this fit may become: soft, what can still be
 * read; else the last it gives before it is left out (or kept so). */
static size_t fit_floor(const struct fmt_writer *w, size_t i, bool soft)
{
	size_t head = fmt_width(w->cols[i].name), f;

	switch (fit_of(w, i)) {
	case FIT_FREE: f = 20; break;
	case FIT_LIST: f = 12; break;
	case FIT_NAME: f = soft ? 16 : 10; break;
	case FIT_LABEL: f = soft ? 10 : 4; break;
	default: return SIZE_MAX;
	}
	return f > head ? f : head;
}

/* The table's width with these column widths (0: left out). */
static size_t table_width(const size_t *width, size_t n)
{
	size_t total = 0, shown = 0;

	for (size_t i = 0; i < n; i++)
		if (width[i]) {
			total += width[i];
			shown++;
		}
	return total + (shown ? 2 * (shown - 1) : 0);
}

/* Narrow the columns of kind fit, the widest first, down to their floor
 * while the table is wider than w->fit. */
static void narrow(const struct fmt_writer *w, size_t *width, enum col_fit fit, bool soft)
{
	size_t total = table_width(width, w->ncols);

	while (total > w->fit) {
		size_t best = w->ncols;

		for (size_t i = 0; i < w->ncols; i++)
			if (fit_of(w, i) == fit && width[i] && width[i] > fit_floor(w, i, soft) &&
			    (best == w->ncols || width[i] > width[best]))
				best = i;
		if (best == w->ncols)
			return;
		width[best]--;
		total--;
	}
}

/* Leave out the columns of kind fit, the rightmost first, while the table
 * is wider than w->fit. */
static void leave_out(const struct fmt_writer *w, size_t *width, enum col_fit fit)
{
	for (size_t i = w->ncols; i-- > 0 && table_width(width, w->ncols) > w->fit;)
		if (fit_of(w, i) == fit)
			width[i] = 0;
}

/* What is left of w->fit once the columns have given way goes back to
 * them: to the names first, then the labels, the free text, the lists. */
static void give_back(const struct fmt_writer *w, size_t *width, const size_t *natural)
{
	static const enum col_fit order[] = { FIT_NAME, FIT_LABEL, FIT_FREE, FIT_LIST };
	size_t total = table_width(width, w->ncols);

	for (size_t k = 0; k < sizeof(order) / sizeof(*order); k++)
		for (size_t i = 0; i < w->ncols && total < w->fit; i++)
			if (fit_of(w, i) == order[k] && width[i] && width[i] < natural[i]) {
				size_t more = natural[i] - width[i] < w->fit - total ? natural[i] - width[i]
										  : w->fit - total;

				width[i] += more;
				total += more;
			}
}

/* Leave out the columns that may give way and have nothing in them
 * (a next contact no client has), while the table is too wide. */
static void leave_out_empty(const struct fmt_writer *w, size_t *width)
{
	for (size_t i = w->ncols; i-- > 0 && table_width(width, w->ncols) > w->fit;) {
		bool empty = fit_of(w, i) != FIT_WHOLE;

		for (size_t r = 0; r < w->nrows && empty; r++)
			empty = !*w->cells[r * w->ncols + i];
		if (empty)
			width[i] = 0;
	}
}

/* The widths that fit w->fit, in the order of enum col_fit. */
static void fit_widths(const struct fmt_writer *w, size_t *width)
{
	size_t *natural = xcalloc(w->ncols, sizeof(*natural));

	memcpy(natural, width, w->ncols * sizeof(*natural));
	leave_out_empty(w, width);
	narrow(w, width, FIT_FREE, true);
	leave_out(w, width, FIT_FREE);
	narrow(w, width, FIT_LIST, true);
	leave_out(w, width, FIT_LIST);
	narrow(w, width, FIT_NAME, true);
	narrow(w, width, FIT_LABEL, true);
	narrow(w, width, FIT_LABEL, false);
	leave_out(w, width, FIT_EXTRA);
	narrow(w, width, FIT_NAME, false);
	give_back(w, width, natural);
	free(natural);
}

/* Cell s of column c in width columns: a name by name_short, else cut
 * with an ellipsis. */
static char *fitted(enum col_fit fit, const char *s, size_t width)
{
	if (fmt_width(s) <= width || !width)
		return xstrdup(s);
	return fit == FIT_NAME ? name_short(s, width) : cut(s, width);
}

void fmt_row(struct fmt_writer *w, struct buf *out, const char *const *cells, const char *color)
{
	if (w->sorted) {
		fmt_row_key(w, out, cells, color, NULL);
		return;
	}
	if (w->fmt == FMT_TSV) {
		for (size_t i = 0; i < w->ncols; i++) {
			if (i)
				buf_addc(out, '\t');
			tsv_cell(out, cells[i]);
		}
		buf_addc(out, '\n');
	} else if (w->fmt == FMT_CSV) {
		csv_row(out, w, cells);
	} else if (w->fmt == FMT_HTML) {
		html_row(out, w, cells);
	} else if (w->fmt == FMT_JSON) {
		buf_adds(out, w->nrows ? ",\n{" : "\n{");
		for (size_t i = 0; i < w->ncols; i++) {
			if (i)
				buf_addc(out, ',');
			json_str(out, w->cols[i].name);
			buf_addc(out, ':');
			if (!cells[i] && w->cols[i].type == COL_LIST)
				buf_adds(out, "[]");
			else if (!cells[i])
				buf_adds(out, "null");
			else if (w->cols[i].type == COL_NUMBER || w->cols[i].type == COL_BOOL)
				buf_adds(out, cells[i]);
			else if (w->cols[i].type == COL_LIST)
				json_list_cell(out, cells[i]);
			else
				json_str(out, cells[i]);
		}
		buf_addc(out, '}');
	} else {
		w->cells = xgrow(w->cells, &w->cap, (w->nrows + 1) * w->ncols, sizeof(*w->cells));
		for (size_t i = 0; i < w->ncols; i++) {
			char *flat = flatten(cells[i] ? cells[i] : "");

			w->cells[w->nrows * w->ncols + i] =
				w->cols[i].type == COL_WIDE && !w->fit ? cut(flat, WIDE_MAX) : xstrdup(flat);
			free(flat);
		}
		w->colors = xrealloc(w->colors, (w->nrows + 1) * sizeof(*w->colors));
		w->colors[w->nrows] = color ? xstrdup(color) : NULL;
	}
	w->nrows++;
}

void fmt_end(struct fmt_writer *w, struct buf *out)
{
	size_t *width;

	if (w->sorted)
		sorted_out(w, out);
	if (w->fmt == FMT_JSON) {
		buf_adds(out, w->nrows ? "\n]\n" : "]\n");
		return;
	}
	if (w->fmt == FMT_HTML)
		buf_adds(out, "</tbody>\n</table>\n");
	if (w->fmt == FMT_TSV || w->fmt == FMT_CSV || w->fmt == FMT_HTML)
		return;
	width = xcalloc(w->ncols, sizeof(*width));
	for (size_t i = 0; i < w->ncols; i++)
		width[i] = fmt_width(w->cols[i].name);
	for (size_t r = 0; r < w->nrows; r++)
		for (size_t i = 0; i < w->ncols; i++) {
			size_t cw = fmt_width(w->cells[r * w->ncols + i]);

			if (cw > width[i])
				width[i] = cw;
		}
	if (w->fit && w->fit != FMT_WIDE) {
		fit_widths(w, width);
		for (size_t r = 0; r < w->nrows; r++)
			for (size_t i = 0; i < w->ncols; i++) {
				char **c = &w->cells[r * w->ncols + i];
				char *f = fitted(fit_of(w, i), *c, width[i]);

				free(*c);
				*c = f;
			}
		/* A shortened name may be narrower than its column. */
		for (size_t i = 0; i < w->ncols; i++) {
			size_t most = width[i] ? fmt_width(w->cols[i].name) : 0;

			for (size_t r = 0; r < w->nrows && width[i]; r++) {
				size_t cw = fmt_width(w->cells[r * w->ncols + i]);

				if (cw > most)
					most = cw;
			}
			if (most < width[i])
				width[i] = most;
		}
	}
	for (size_t r = 0; r <= w->nrows; r++) {
		struct buf line = BUF_INIT;
		bool first = true;

		for (size_t i = 0; i < w->ncols; i++) {
			const char *s = r ? w->cells[(r - 1) * w->ncols + i] : w->cols[i].name;
			bool paint = w->color && r && (int)i == w->color_col && w->colors[r - 1];
			size_t sw = fmt_width(s), pad = sw < width[i] ? width[i] - sw : 0;

			if (!width[i])
				continue; /* left out to fit */
			if (!first)
				buf_adds(&line, "  ");
			first = false;
			if (w->color && !r)
				buf_adds(&line, "\033[1m");
			if (paint)
				fmt_color_on(&line, w->colors[r - 1]);
			/* Numbers line up on the right. */
			if (w->cols[i].type == COL_NUMBER)
				for (size_t k = 0; k < pad; k++)
					buf_addc(&line, ' ');
			buf_adds(&line, s);
			if (paint || (w->color && !r))
				fmt_color_off(&line);
			if (w->cols[i].type != COL_NUMBER && i + 1 < w->ncols)
				for (size_t k = 0; k < pad; k++)
					buf_addc(&line, ' ');
		}
		/* No trailing blanks where the last columns are empty. */
		while (line.len && line.p[line.len - 1] == ' ')
			line.len--;
		buf_add(out, line.p, line.len);
		buf_addc(out, '\n');
		buf_release(&line);
	}
	for (size_t r = 0; r < w->nrows; r++) {
		for (size_t i = 0; i < w->ncols; i++)
			free(w->cells[r * w->ncols + i]);
		free(w->colors[r]);
	}
	free(w->cells);
	free(w->colors);
	free(width);
	w->cells = NULL;
	w->colors = NULL;
}
