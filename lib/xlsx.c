/* xlsx: workbooks with libxlsxwriter (see xlsx.h). */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <xlsxwriter/third_party/zip.h>

#include "err.h"
#include "format_report.h"
#include "ptime.h"
#include "utf8.h"
#include "xalloc.h"
#include "xlsx.h"

/* Excel counts days from 1899-12-30; preg from 1970-01-01. */
#define EXCEL_EPOCH 25569
#define DATE_FMT "yyyy-mm-dd"

/*
 * libxlsxwriter (1.1.4, as Debian builds it against the system's minizip)
 * adds each part of a workbook with zipOpenNewFileInZip4_64 at zlib's
 * default level (6) and has no setting for it. At 100,000 clients the
 * Register sheet is 55 MB of XML, and deflating it at level 6 was 40% of
 * `report --format xlsx` (0.9 of 2.3 s CPU); at level 1 (Z_BEST_SPEED) it
 * is 0.27 s, and the workbook 8.9 MB instead of 7.0 MB. So this
 * definition, which the dynamic linker prefers to minizip's own for
 * libxlsxwriter's call (as register.c does for mbedtls_x509_crt_parse_file),
 * hands the call on to the next definition (minizip's) with level 1 in
 * place of the default, and changes nothing else: a part asked for at
 * another level or method keeps it. A libxlsxwriter with minizip built in
 * calls either this (and dlsym finds its copy next) or its own copy (the
 * default level, the same workbook). Nothing else in preg makes a zip.
 */
int zipOpenNewFileInZip4_64(zipFile file, const char *filename, const zip_fileinfo *zipfi,
			    const void *extrafield_local, uInt size_extrafield_local, const void *extrafield_global,
			    uInt size_extrafield_global, const char *comment, int method, int level, int raw,
			    int windowBits, int memLevel, int strategy, const char *password, uLong crcForCrypting,
			    uLong versionMadeBy, uLong flagBase, int zip64)
{
	static int (*next)(zipFile, const char *, const zip_fileinfo *, const void *, uInt, const void *, uInt,
			   const char *, int, int, int, int, int, int, const char *, uLong, uLong, uLong, int);

	if (!next)
		*(void **)&next = dlsym(RTLD_NEXT, "zipOpenNewFileInZip4_64");
	if (!next)
		return ZIP_INTERNALERROR;
	if (method == Z_DEFLATED && level == Z_DEFAULT_COMPRESSION)
		level = Z_BEST_SPEED;
	return next(file, filename, zipfi, extrafield_local, size_extrafield_local, extrafield_global,
		    size_extrafield_global, comment, method, level, raw, windowBits, memLevel, strategy, password,
		    crcForCrypting, versionMadeBy, flagBase, zip64);
}

struct xlsx {
	char *path;
	int fd; /* the workbook's file without a name (O_TMPFILE), or -1 */
	lxw_workbook *wb;
	lxw_format *head, *text, *date, *wrap;
	/* the export */
	lxw_worksheet *ws;
	const struct export_cols *cols;
	bool *is_date;
	lxw_row_t row;
	int err;
	bool lent; /* row_buf is one of this workbook's */
};

/*
 * In constant_memory mode libxlsxwriter writes a sheet's rows to a
 * temporary file through stdio's buffer (4 KB here), then reads it back
 * into the workbook: at 100,000 clients 13,000 writes and as many reads,
 * 0.1 s of system time. One larger buffer for the file of the one large
 * sheet of a workbook (Register or Clients; given before its first row,
 * as setvbuf asks) makes them 200 each. It is never freed, and lent to one
 * open file at a time: closing the workbook reads the sheet's file back
 * and closes it (the sheet has at least its header row); a workbook that
 * is not closed keeps it, and any later one in the process goes without.
 */
static char row_buf[256 << 10];
static bool row_buf_lent;

static lxw_worksheet *add_large_sheet(struct xlsx *x, const char *name)
{
	lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);

	if (ws && ws->optimize_tmpfile && !row_buf_lent &&
	    !setvbuf(ws->optimize_tmpfile, row_buf, _IOFBF, sizeof(row_buf)))
		row_buf_lent = x->lent = true;
	return ws;
}

int xlsx_begin(struct xlsx **out)
{
	const char *dir = getenv("TMPDIR");
	lxw_workbook_options o = { .constant_memory = LXW_TRUE };
	struct xlsx *x = xcalloc(1, sizeof(*x));
	int fd;

	*out = NULL;
	if (!dir || !*dir)
		dir = "/tmp";
	/* The workbook is written to a file that has no name, which a kill at
	 * any instant leaves nothing of; libxlsxwriter opens it by its
	 * /proc/self/fd path. A file system without O_TMPFILE (or no /proc)
	 * gets a named one, removed at the end. */
	x->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (x->fd >= 0) {
		x->path = xasprintf("/proc/self/fd/%d", x->fd);
		if (access(x->path, W_OK)) {
			close(x->fd);
			x->fd = -1;
			free(x->path);
		}
	}
	if (x->fd < 0) {
		x->path = xasprintf("%s/preg-XXXXXX.xlsx", dir);
		if ((fd = mkstemps(x->path, 5)) < 0) {
			int rc = preg_error_set(PREG_EIO, "cannot make a temporary file in '%s': %s", dir,
						strerror(errno));

			free(x->path);
			free(x);
			return rc;
		}
		close(fd);
	}
	/* Its own temporary files for the rows go where the workbook goes. */
	o.tmpdir = (char *)dir;
	if (!(x->wb = workbook_new_opt(x->path, &o))) {
		xlsx_free(x);
		return preg_error_set(PREG_EIO, "cannot start a workbook");
	}
	x->head = workbook_add_format(x->wb);
	format_set_bold(x->head);
	format_set_bg_color(x->head, 0xEEEEEE);
	format_set_text_wrap(x->head);
	format_set_align(x->head, LXW_ALIGN_VERTICAL_TOP);
	/* "@": a text cell stays text when someone edits it. */
	x->text = workbook_add_format(x->wb);
	format_set_num_format(x->text, "@");
	x->wrap = workbook_add_format(x->wb);
	format_set_num_format(x->wrap, "@");
	format_set_text_wrap(x->wrap);
	x->date = workbook_add_format(x->wb);
	format_set_num_format(x->date, DATE_FMT);
	*out = x;
	return 0;
}

void xlsx_free(struct xlsx *x)
{
	if (!x)
		return;
	if (x->wb)
		lxw_workbook_free(x->wb);
	if (x->fd >= 0)
		close(x->fd);
	else
		unlink(x->path);
	free(x->path);
	free(x->is_date);
	free(x);
}

/* Keep the first error of libxlsxwriter, named. */
static void check(struct xlsx *x, lxw_error e, const char *what)
{
	if (e && !x->err)
		x->err = preg_error_set(PREG_ERR, "cannot write the workbook (%s): %s", what, lxw_strerror(e));
}

static lxw_color_t color_of(const char *hex, lxw_color_t dflt)
{
	unsigned v;

	if (hex && strlen(hex) == 7 && sscanf(hex, "#%6x", &v) == 1)
		return v;
	return dflt;
}

/* Black or white text, whichever reads better on the colour. */
static lxw_color_t ink_on(lxw_color_t c)
{
	unsigned r = c >> 16 & 0xff, g = c >> 8 & 0xff, b = c & 0xff;

	return 299 * r + 587 * g + 114 * b > 140000 ? 0x000000 : 0xFFFFFF;
}

/* A text cell; longer than a cell holds, cut on a character with a
 * warning naming the client (who) and the column. */
static void text(struct xlsx *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s,
		 lxw_format *f, const char *who, const char *column)
{
	size_t n = 0, chars = 0, len = s ? strlen(s) : 0;
	uint32_t cp;

	if (!len)
		return;
	/* No more characters than bytes: a shorter text is not counted. */
	while (len > XLSX_CELL_MAX && n < len && chars < XLSX_CELL_MAX) {
		size_t k = utf8_decode((const unsigned char *)s + n, len - n, &cp);

		n += k ? k : 1;
		chars++;
	}
	if (len > XLSX_CELL_MAX && s[n]) {
		char *cut = xstrndup(s, n);

		preg_warn("client '%s': %s cut to %d characters, what a spreadsheet cell holds", who, column,
			  XLSX_CELL_MAX);
		check(x, worksheet_write_string(ws, row, col, cut, f), column);
		free(cut);
		return;
	}
	check(x, worksheet_write_string(ws, row, col, s, f), column);
}

static void day(struct xlsx *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, int32_t d, lxw_format *f)
{
	if (d >= 0 && d != INT32_MIN)
		check(x, worksheet_write_number(ws, row, col, (double)d + EXCEL_EPOCH, f), "a date");
	else if (f != x->date)
		check(x, worksheet_write_blank(ws, row, col, f), "a blank");
}

/* ---- the register ---- */

static void legend(struct xlsx *x, const struct phases *ph)
{
	static const char *const head[] = { "Phase", "Key", "Name", "Colour", "Stale after (days)", "Ends" };
	lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Legend");

	for (lxw_col_t c = 0; c < 6; c++)
		check(x, worksheet_write_string(ws, 0, c, head[c], x->head), "the legend");
	worksheet_set_column(ws, 0, 0, 7, NULL);
	worksheet_set_column(ws, 1, 1, 14, NULL);
	worksheet_set_column(ws, 2, 2, 40, NULL);
	worksheet_set_column(ws, 3, 5, 12, NULL);
	for (size_t k = 0; k < ph->n; k++) {
		const struct phase *p = &ph->v[k];
		lxw_row_t r = (lxw_row_t)k + 1;
		lxw_format *fill = workbook_add_format(x->wb);
		lxw_color_t c = color_of(p->color, 0xFFFFFF);

		format_set_bg_color(fill, c);
		format_set_font_color(fill, ink_on(c));
		check(x, worksheet_write_number(ws, r, 0, p->id, NULL), "the legend");
		text(x, ws, r, 1, p->key, x->text, p->key, "key");
		text(x, ws, r, 2, p->name, x->text, p->key, "name");
		check(x, worksheet_write_string(ws, r, 3, p->color ? p->color : "", fill), "the legend");
		if (p->stale_days >= 0)
			check(x, worksheet_write_number(ws, r, 4, p->stale_days, NULL), "the legend");
		if (p->ending)
			check(x, worksheet_write_string(ws, r, 5, "yes", NULL), "the legend");
	}
	worksheet_freeze_panes(ws, 1, 0);
}

int xlsx_register(struct xlsx *x, const struct report *rep)
{
	const struct phases *ph = rep->ph;
	lxw_worksheet *ws = add_large_sheet(x, "Register");
	lxw_format **cur = xcalloc(ph->n + 1, sizeof(*cur));
	const lxw_col_t first = 2, after = first + (lxw_col_t)ph->n;
	static const char *const tail[] = { "Manager", "Manager name", "Days in phase", "Next contact", "Marks" };
	char title[160];

	/* The current phase's cell: a date on the phase's colour. */
	for (size_t k = 0; k < ph->n; k++) {
		lxw_color_t c = color_of(ph->v[k].color, 0xFFEB3B);

		cur[k] = workbook_add_format(x->wb);
		format_set_num_format(cur[k], DATE_FMT);
		format_set_bg_color(cur[k], c);
		format_set_font_color(cur[k], ink_on(c));
		format_set_bold(cur[k]);
	}
	check(x, worksheet_write_string(ws, 0, 0, "Client", x->head), "the header");
	check(x, worksheet_write_string(ws, 0, 1, "id", x->head), "the header");
	for (size_t k = 0; k < ph->n; k++) {
		snprintf(title, sizeof(title), "%d %s", ph->v[k].id, ph->v[k].key);
		check(x, worksheet_write_string(ws, 0, first + (lxw_col_t)k, title, x->head), "the header");
	}
	for (lxw_col_t c = 0; c < 5; c++)
		check(x, worksheet_write_string(ws, 0, after + c, tail[c], x->head), "the header");
	worksheet_set_column(ws, 0, 0, 36, NULL);
	worksheet_set_column(ws, 1, 1, 16, NULL);
	worksheet_set_column(ws, first, after - 1, 11, NULL);
	worksheet_set_column(ws, after, after + 1, 16, NULL);
	worksheet_set_column(ws, after + 2, after + 3, 12, NULL);
	worksheet_set_column(ws, after + 4, after + 4, 20, NULL);
	for (size_t i = 0; i < rep->nrows && !x->err; i++) {
		const struct rrow *r = &rep->rows[i];
		lxw_row_t row = (lxw_row_t)i + 1;
		const struct manager *m = NULL;
		struct buf marks = BUF_INIT;

		for (size_t k = 0; k < ph->nmanagers; k++)
			if (!strcmp(ph->managers[k].handle, r->manager))
				m = &ph->managers[k];
		text(x, ws, row, 0, r->name, x->text, r->id, "name");
		text(x, ws, row, 1, r->id, x->text, r->id, "id");
		for (size_t k = 0; k < ph->n; k++)
			day(x, ws, row, first + (lxw_col_t)k, r->reached[k],
			    ph->v[k].id == r->phase ? cur[k] : x->date);
		text(x, ws, row, after, r->manager, x->text, r->id, "manager");
		text(x, ws, row, after + 1, m ? m->name : NULL, x->text, r->id, "manager name");
		check(x, worksheet_write_number(ws, row, after + 2, r->days, NULL), "days");
		day(x, ws, row, after + 3, r->next, x->date);
		status_words(&marks, &r->st);
		text(x, ws, row, after + 4, buf_str(&marks), x->text, r->id, "marks");
		buf_release(&marks);
	}
	worksheet_freeze_panes(ws, 1, 1);
	check(x, worksheet_autofilter(ws, 0, 0, (lxw_row_t)rep->nrows, after + 4), "the autofilter");
	free(cur);
	if (!x->err)
		legend(x, ph);
	return x->err;
}

/* ---- a report's table (--all) ---- */

/* One sheet being written from format_report's sink. */
struct sheet {
	struct xlsx *x;
	lxw_worksheet *ws;
	enum col_type *types;
	size_t ncols;
	int color_col;
	lxw_row_t row;
	/* the fills of the colour column, one format a colour */
	char **fill_color;
	lxw_format **fill;
	size_t nfill;
};

static lxw_format *fill_of(struct sheet *s, const char *hex, bool number)
{
	lxw_format *f;
	lxw_color_t c;

	for (size_t i = 0; i < s->nfill; i++)
		if (!strcmp(s->fill_color[i], hex))
			return s->fill[2 * i + number];
	s->fill_color = xrealloc(s->fill_color, (s->nfill + 1) * sizeof(*s->fill_color));
	s->fill = xrealloc(s->fill, 2 * (s->nfill + 1) * sizeof(*s->fill));
	s->fill_color[s->nfill] = xstrdup(hex);
	c = color_of(hex, 0xFFFFFF);
	for (int k = 0; k < 2; k++) {
		f = s->fill[2 * s->nfill + k] = workbook_add_format(s->x->wb);
		if (!k)
			format_set_num_format(f, "@");
		format_set_bg_color(f, c);
		format_set_font_color(f, ink_on(c));
	}
	return s->fill[2 * s->nfill++ + number];
}

static void sheet_begin(void *arg, const struct fmt_col *cols, size_t n, int color_col)
{
	struct sheet *s = arg;

	s->types = xcalloc(n + 1, sizeof(*s->types));
	s->ncols = n;
	s->color_col = color_col;
	for (size_t i = 0; i < n; i++) {
		s->types[i] = cols[i].type;
		check(s->x, worksheet_write_string(s->ws, 0, (lxw_col_t)i, cols[i].name, s->x->head), "the header");
		worksheet_set_column(s->ws, (lxw_col_t)i, (lxw_col_t)i, cols[i].type == COL_NUMBER ? 11 : 20, NULL);
	}
	s->row = 1;
}

/* A count, a percentage, days: a number as tsv writes it ("60.0"). */
static bool plain_number(const char *c, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(c, &end);
	return !errno && end != c && !*end && strspn(c, "-0123456789.") == strlen(c);
}

static void sheet_row(void *arg, const char *const *cells, const char *color)
{
	struct sheet *s = arg;
	struct xlsx *x = s->x;

	for (size_t i = 0; i < s->ncols && !x->err; i++) {
		const char *c = cells[i];
		bool painted = color && (int)i == s->color_col;
		lxw_col_t col = (lxw_col_t)i;
		double v;

		if (!c || !*c) {
			if (painted)
				check(x, worksheet_write_blank(s->ws, s->row, col, fill_of(s, color, true)), "a blank");
			continue;
		}
		if (s->types[i] == COL_NUMBER && plain_number(c, &v))
			check(x, worksheet_write_number(s->ws, s->row, col, v, painted ? fill_of(s, color, true) : NULL),
			      "a number");
		else if (s->types[i] == COL_BOOL)
			check(x, worksheet_write_boolean(s->ws, s->row, col, !strcmp(c, "true"), NULL), "a boolean");
		else
			text(x, s->ws, s->row, col, c, painted ? fill_of(s, color, false) : x->text,
			     cells[0] ? cells[0] : "", "a cell");
	}
	s->row++;
}

int xlsx_report(struct xlsx *x, const char *name, const struct report *rep)
{
	struct sheet s = { .x = x, .ws = workbook_add_worksheet(x->wb, name) };
	struct report_sink sink = { sheet_begin, sheet_row, &s };

	if (!s.ws)
		return preg_error_set(PREG_ERR, "cannot add the sheet '%s' to the workbook", name);
	report_each_row(rep, &sink);
	worksheet_freeze_panes(s.ws, 1, 0);
	if (s.ncols)
		check(x, worksheet_autofilter(s.ws, 0, 0, s.row - 1, (lxw_col_t)(s.ncols - 1)), "the autofilter");
	for (size_t i = 0; i < s.nfill; i++)
		free(s.fill_color[i]);
	free(s.fill_color);
	free(s.fill);
	free(s.types);
	return x->err;
}

/* ---- the export ---- */

int xlsx_export_begin(struct xlsx *x, const struct export_cols *c)
{
	x->ws = add_large_sheet(x, "Clients");
	x->cols = c;
	x->is_date = xcalloc(c->ncols + 1, sizeof(*x->is_date));
	for (size_t i = 0; i < c->ncols; i++) {
		const char *name = c->cols[i].name;

		/* The phase columns follow Client; the free fields are texts
		 * whatever they look like ("fields.X" when named like a key). */
		x->is_date[i] = (i >= 1 && i <= c->ph->n) || !strcmp(name, "next_contact") ||
				!strcmp(name, "hold_until");
		check(x, worksheet_write_string(x->ws, 0, (lxw_col_t)i, name, x->head), "the header");
		worksheet_set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i,
				     i == 0 ? 36 : x->is_date[i] ? 11 : 16, NULL);
	}
	x->row = 1;
	return x->err;
}

int xlsx_export_row(struct xlsx *x, const struct record *r, const char *const *cells)
{
	const struct export_cols *c = x->cols;

	for (size_t i = 0; i < c->ncols && !x->err; i++) {
		int32_t d;

		if (!cells[i] || !*cells[i])
			continue;
		if (x->is_date[i] && !date_parse(&d, cells[i])) {
			day(x, x->ws, x->row, (lxw_col_t)i, d, x->date);
			continue;
		}
		/* Not a day (a hand-edited record): the text as it is. */
		if (x->is_date[i])
			preg_error_clear();
		text(x, x->ws, x->row, (lxw_col_t)i, cells[i], strchr(cells[i], '\n') ? x->wrap : x->text, r->id,
		     c->cols[i].name);
	}
	x->row++;
	return x->err;
}

int xlsx_export_end(struct xlsx *x)
{
	worksheet_freeze_panes(x->ws, 1, 1);
	check(x, worksheet_autofilter(x->ws, 0, 0, x->row - 1, (lxw_col_t)(x->cols->ncols - 1)), "the autofilter");
	return x->err;
}

int xlsx_end(struct xlsx *x, struct buf *out)
{
	lxw_error e;
	int rc;

	if (x->err) {
		rc = x->err;
		xlsx_free(x);
		return rc;
	}
	e = workbook_close(x->wb);
	x->wb = NULL;
	if (!e && x->lent)
		row_buf_lent = false;
	if (e)
		rc = preg_error_set(PREG_EIO, "cannot write the workbook: %s", lxw_strerror(e));
	else
		rc = buf_read_file(out, x->path, (size_t)1 << 32, NULL);
	xlsx_free(x);
	return rc;
}
