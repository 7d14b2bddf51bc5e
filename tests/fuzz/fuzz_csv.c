/*
 * Fuzz the CSV reader (lib/csvread.c, over libcsv) on arbitrary bytes; the
 * first byte picks the separator (detected, ',', ';' or tab), the rest is
 * the file. Checks:
 *  (a) a failure leaves "NAME:LINE: message", LINE >= 1, with no control
 *      character, in valid UTF-8, and no table;
 *  (b) a success gives a header row and rows in strictly increasing line
 *      order from line 1, no row but the header with only empty cells, at
 *      most CSV_MAX_COLUMNS cells a row and CSV_MAX_ROWS rows, every cell
 *      valid UTF-8, and no row starting after the file's last line;
 *  (c) the detected separator is one of the three, and reading again with
 *      it given gives the same table.
 * The import's reading of the header (import_header_is_key) and of dates
 * (import_date) runs on every cell, for crashes and leaks.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "err.h"
#include "import.h"
#include "utf8.h"
#include "fuzz_common.h"

static const char NAME[] = "f.csv";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_table(const struct csv_table *a, const struct csv_table *b)
{
	if (a->nrows != b->nrows)
		return false;
	for (size_t i = 0; i < a->nrows; i++) {
		if (a->rows[i].line != b->rows[i].line || a->rows[i].ncells != b->rows[i].ncells)
			return false;
		for (size_t j = 0; j < a->rows[i].ncells; j++)
			if (strcmp(a->rows[i].cells[j], b->rows[i].cells[j]))
				return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char seps[] = { 0, ',', ';', '\t' };
	struct csv_table *t = (struct csv_table *)1, *again = NULL;
	const char *text = (const char *)data + 1;
	size_t n, lines = 1;
	char sep;
	int rc;

	if (size < 1)
		return 0;
	sep = seps[data[0] % 4];
	n = size - 1;
	/* Lines end in LF, CRLF or a CR alone, as csv_read counts them. */
	for (size_t i = 0; i < n; i++)
		lines += text[i] == '\n' || (text[i] == '\r' && (i + 1 == n || text[i + 1] != '\n'));
	preg_error_clear();
	rc = csv_read(&t, text, n, sep, NAME);
	if (rc) {
		if (t)
			fuzz_violation("api", "csv_read failed (%d) but set *out", rc);
		if (rc != PREG_EINVAL)
			fuzz_violation("api", "csv_read returned %d, not PREG_EINVAL", rc);
		fuzz_check_msg_at(NAME, "csv_read", false); /* (a) */
		return 0;
	}
	if (!t || t->nrows > CSV_MAX_ROWS)
		fuzz_violation("table", "no table, or %zu rows", t ? t->nrows : 0);
	if (t->sep != ',' && t->sep != ';' && t->sep != '\t')
		fuzz_violation("table", "separator 0x%02x", (unsigned char)t->sep);
	for (size_t r = 0; r < t->nrows; r++) {
		const struct csv_row *row = &t->rows[r];
		bool empty = true;

		if (row->line < 1 || (size_t)row->line > lines || (r && row->line <= t->rows[r - 1].line))
			fuzz_violation("table", "row %zu at line %d (previous %d, %zu lines)", r, row->line,
				       r ? t->rows[r - 1].line : 0, lines);
		if (row->ncells > CSV_MAX_COLUMNS)
			fuzz_violation("table", "row %zu has %zu cells", r, row->ncells);
		for (size_t c = 0; c < row->ncells; c++) {
			const char *cell = row->cells[c];
			int32_t day;

			if (!cell || !utf8_valid(cell))
				fuzz_violation("table", "row %zu cell %zu is not UTF-8 text", r, c);
			empty &= !cell[0];
			if (r == 0)
				(void)import_header_is_key(cell);
			else
				(void)import_date(cell, &day);
		}
		if (r && empty)
			fuzz_violation("table", "row %zu (line %d) is empty and kept", r, row->line);
	}
	/* (c) */
	preg_error_clear();
	if (csv_read(&again, text, n, t->sep, NAME) || !same_table(t, again))
		fuzz_violation("resep", "reading again with separator 0x%02x gave another result: %s",
			       (unsigned char)t->sep, preg_error_msg());
	csv_table_free(again);
	csv_table_free(t);
	preg_error_clear();
	fuzz_drop_warnings();
	return 0;
}
