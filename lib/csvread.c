/* csvread: reading CSV with libcsv, rows numbered by line (see csv.h). */
#include <csv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "err.h"
#include "utf8.h"
#include "xalloc.h"

struct reader {
	struct csv_table *t;
	const char *name;
	int line;        /* the line being fed to the parser */
	int last_end;    /* the line the last row ended on */
	struct csv_row cur;
	size_t cap;
	int err;         /* set by a callback: stop */
};

static int no_space(unsigned char c)
{
	(void)c;
	return 0; /* keep spaces: a cell is what the spreadsheet held */
}

/* The length of s[0..n) up to and with its first line break: LF, CRLF, or
 * a CR alone (as a spreadsheet saved for the old Mac OS writes them, and
 * libcsv ends a row there too); n when there is none. */
static size_t line_len(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			return i + 1;
		if (s[i] == '\r')
			return i + 1 < n && s[i + 1] == '\n' ? i + 2 : i + 1;
	}
	return n;
}

/* How many line breaks s[0..n) holds (CRLF is one). */
static size_t count_breaks(const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0, l; i < n; i += l) {
		l = line_len(s + i, n - i);
		k += s[i + l - 1] == '\n' || s[i + l - 1] == '\r';
	}
	return k;
}

static void on_cell(void *field, size_t len, void *data)
{
	struct reader *r = data;
	const char *s = field ? field : "";
	char *cell;

	if (r->err)
		return;
	if (!field)
		len = 0;
	if (r->cur.ncells == 0)
		r->cur.line = r->line - (int)count_breaks(s, len);
	if (memchr(s, '\0', len)) {
		r->err = preg_error_set(PREG_EINVAL, "%s:%d: a cell holds a NUL byte; is this a CSV file?",
					r->name, r->line);
		return;
	}
	if (r->cur.ncells == CSV_MAX_COLUMNS) {
		r->err = preg_error_set(PREG_EINVAL, "%s:%d: more than %d cells in a row; a spreadsheet has at most %d columns",
					r->name, r->cur.line, CSV_MAX_COLUMNS, CSV_MAX_COLUMNS);
		return;
	}
	cell = xstrndup(s, len);
	if (!utf8_valid(cell)) {
		free(cell);
		r->err = preg_error_set(PREG_EINVAL, "%s:%d: not UTF-8 text (save the spreadsheet as \"CSV UTF-8\")",
					r->name, r->line);
		return;
	}
	/* What a CSV writer of preg guarded reads back as it was. */
	if (cell[0] == '\'' && csv_guarded(cell + 1))
		memmove(cell, cell + 1, strlen(cell));
	r->cur.cells = xgrow(r->cur.cells, &r->cap, r->cur.ncells + 1, sizeof(char *));
	r->cur.cells[r->cur.ncells++] = cell;
}

static void drop_row(struct csv_row *row)
{
	for (size_t i = 0; i < row->ncells; i++)
		free(row->cells[i]);
	free(row->cells);
	memset(row, 0, sizeof(*row));
}

static void on_row(int c, void *data)
{
	struct reader *r = data;
	struct csv_table *t = r->t;
	bool empty = true;

	(void)c;
	r->last_end = r->line;
	if (r->err) {
		drop_row(&r->cur);
		r->cap = 0;
		return;
	}
	for (size_t i = 0; i < r->cur.ncells && empty; i++)
		empty = !r->cur.cells[i][0];
	/* A row of empty cells is what a spreadsheet leaves below its data;
	 * the header is kept whatever it holds. */
	if (empty && t->nrows) {
		drop_row(&r->cur);
		r->cap = 0;
		return;
	}
	if (t->nrows == CSV_MAX_ROWS) {
		r->err = preg_error_set(PREG_EINVAL, "%s:%d: more than %d rows; a spreadsheet has at most %d",
					r->name, r->cur.line, CSV_MAX_ROWS, CSV_MAX_ROWS);
		drop_row(&r->cur);
		r->cap = 0;
		return;
	}
	t->rows = xgrow(t->rows, &t->cap, t->nrows + 1, sizeof(*t->rows));
	t->rows[t->nrows++] = r->cur;
	memset(&r->cur, 0, sizeof(r->cur));
	r->cap = 0;
}

char csv_detect(const char *buf, size_t len)
{
	size_t commas = 0, semis = 0, tabs = 0;
	bool quoted = false;

	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) {
		buf += 3;
		len -= 3;
	}
	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		if (c == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (c == '\n' || c == '\r')
			break;
		else if (c == ',')
			commas++;
		else if (c == ';')
			semis++;
		else if (c == '\t')
			tabs++;
	}
	if (semis > commas)
		return ';';
	if (tabs && !commas && !semis)
		return '\t';
	return ',';
}

static const char *parse_problem(struct csv_parser *p)
{
	return csv_error(p) == CSV_EPARSE
		       ? "malformed CSV: a quote inside a cell that does not start with one, or text after a closing quote"
		       : csv_strerror(csv_error(p));
}

int csv_read(struct csv_table **out, const char *buf, size_t len, char sep, const char *name)
{
	struct csv_parser p;
	struct reader r;
	const char *s = buf, *end = buf + len;
	int rc = 0;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	r.t = xcalloc(1, sizeof(*r.t));
	r.name = name;
	r.line = 1;
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		s += 3;
	r.t->sep = sep ? sep : csv_detect(buf, len);
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		csv_table_free(r.t);
		return preg_error_set(PREG_ERR, "%s: cannot start the CSV parser", name);
	}
	csv_set_delim(&p, (unsigned char)r.t->sep);
	csv_set_space_func(&p, no_space);
	/* Fed a line at a time, so that the callbacks know the line. */
	while (s < end && !r.err) {
		size_t n = line_len(s, (size_t)(end - s));
		bool broken = s[n - 1] == '\n' || s[n - 1] == '\r';

		if (csv_parse(&p, s, n, on_cell, on_row, &r) != n && !r.err)
			r.err = preg_error_set(PREG_EINVAL, "%s:%d: %s", name, r.line, parse_problem(&p));
		s += n;
		if (broken)
			r.line++;
	}
	if (!r.err && csv_fini(&p, on_cell, on_row, &r) != 0 && !r.err)
		r.err = preg_error_set(PREG_EINVAL, "%s:%d: a quoted cell is not closed before the end of the file",
				       name, r.last_end + 1);
	csv_free(&p);
	drop_row(&r.cur);
	if ((rc = r.err)) {
		csv_table_free(r.t);
		return rc;
	}
	*out = r.t;
	return 0;
}

bool csv_guarded(const char *s)
{
	/* Any run of "'" before a formula's first character: each writer's
	 * "'" comes off once on reading. */
	s += strspn(s, "'");
	return *s && strchr("=+-@\t\r", *s);
}

void csv_table_free(struct csv_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows; i++)
		drop_row(&t->rows[i]);
	free(t->rows);
	free(t);
}
