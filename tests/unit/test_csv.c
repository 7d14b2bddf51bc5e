/* test_csv: reading CSV as spreadsheets write it, rows numbered by line. */
#include "unit.h"
#include "buf.h"
#include "csvread.h"

static struct csv_table *read_ok(const char *text, char sep)
{
	struct csv_table *t = NULL;

	preg_error_clear();
	assert_int_equal(csv_read(&t, text, strlen(text), sep, "f.csv"), 0);
	assert_non_null(t);
	return t;
}

static void assert_row(const struct csv_row *r, int line, size_t n, const char *const *cells)
{
	assert_int_equal(r->line, line);
	assert_int_equal(r->ncells, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(r->cells[i], cells[i]);
}

static void test_rfc4180(void **state)
{
	/* Quotes, doubled quotes, a line break in a cell, CRLF, spaces kept. */
	struct csv_table *t = read_ok("Client,Phase 1,Manager\r\n"
				      "\"Acme, Inc\",2026-10-01, Ivanov \r\n"
				      "\"Say \"\"hi\"\"\",,\"two\r\nlines\"\r\n"
				      "Last,x,petrov\r\n", 0);

	(void)state;
	assert_int_equal(t->sep, ',');
	assert_int_equal(t->nrows, 4);
	assert_row(&t->rows[0], 1, 3, (const char *const[]){ "Client", "Phase 1", "Manager" });
	assert_row(&t->rows[1], 2, 3, (const char *const[]){ "Acme, Inc", "2026-10-01", " Ivanov " });
	assert_row(&t->rows[2], 3, 3, (const char *const[]){ "Say \"hi\"", "", "two\r\nlines" });
	assert_row(&t->rows[3], 5, 3, (const char *const[]){ "Last", "x", "petrov" });
	csv_table_free(t);
}

static void test_bom_semicolon_lf(void **state)
{
	/* Excel in a Russian locale: BOM, ';', no newline at the end. */
	struct csv_table *t = read_ok("\xef\xbb\xbf" "Клиент;Фаза 1\n\nООО «Ромашка»;01.10.2026\n;\n\"a;b\";", 0);

	(void)state;
	assert_int_equal(t->sep, ';');
	assert_int_equal(t->nrows, 3);
	assert_row(&t->rows[0], 1, 2, (const char *const[]){ "Клиент", "Фаза 1" });
	assert_row(&t->rows[1], 3, 2, (const char *const[]){ "ООО «Ромашка»", "01.10.2026" });
	assert_row(&t->rows[2], 5, 2, (const char *const[]){ "a;b", "" });
	csv_table_free(t);
}

static void test_detect(void **state)
{
	(void)state;
	assert_int_equal(csv_detect("a,b;c,d", 7), ',');
	assert_int_equal(csv_detect("\"a,b,c\";d;e\n1,2,3,4", 19), ';');
	assert_int_equal(csv_detect("a\tb\n", 4), '\t');
	assert_int_equal(csv_detect("", 0), ',');
	/* Given, it is used: ';' inside a comma file is then data. */
	struct csv_table *t = read_ok("a;b\n1;2\n", ',');
	assert_row(&t->rows[1], 2, 1, (const char *const[]){ "1;2" });
	csv_table_free(t);
}

static void test_errors(void **state)
{
	struct csv_table *t = (struct csv_table *)1;

	(void)state;
	assert_error(csv_read(&t, "a,b\n1,\"open\n2,3\n", 16, 0, "f.csv"), PREG_EINVAL,
		     "f.csv:2: a quoted cell is not closed before the end of the file");
	assert_null(t);
	assert_error(csv_read(&t, "a,b\n1,2\nx\"y,3\n", 14, 0, "f.csv"), PREG_EINVAL,
		     "f.csv:3: malformed CSV: a quote inside a cell that does not start with one, or text after a closing quote");
	assert_error(csv_read(&t, "a,b\n\"q\"z,3\n", 11, 0, "f.csv"), PREG_EINVAL,
		     "f.csv:2: malformed CSV: a quote inside a cell that does not start with one, or text after a closing quote");
	/* Windows-1251 "Клиент" is not UTF-8. */
	assert_error(csv_read(&t, "\xca\xeb\xe8\xe5\xed\xf2\n", 7, 0, "f.csv"), PREG_EINVAL,
		     "f.csv:1: not UTF-8 text (save the spreadsheet as \"CSV UTF-8\")");
	assert_error(csv_read(&t, "a,b\n1,\0\n", 8, 0, "f.csv"), PREG_EINVAL,
		     "f.csv:2: a cell holds a NUL byte; is this a CSV file?");
}

/* A spreadsheet holds 16,384 columns and 1,048,576 rows: exactly that is
 * read, one more is refused where it is. */
static void test_limits(void **state)
{
	struct buf b = BUF_INIT;
	struct csv_table *t = NULL;

	(void)state;
	buf_adds(&b, "Client");
	for (int i = 1; i < CSV_MAX_COLUMNS; i++)
		buf_adds(&b, ",");
	buf_adds(&b, "\nООО «Ромашка»\n");
	assert_int_equal(csv_read(&t, b.p, b.len, 0, "f.csv"), 0);
	assert_int_equal(t->rows[0].ncells, CSV_MAX_COLUMNS);
	csv_table_free(t);
	buf_reset(&b);
	buf_adds(&b, "Client\nООО «Ромашка»");
	for (int i = 0; i < CSV_MAX_COLUMNS; i++)
		buf_adds(&b, ",");
	buf_adds(&b, "\n");
	assert_error(csv_read(&t, b.p, b.len, 0, "f.csv"), PREG_EINVAL,
		     "f.csv:2: more than 16384 cells in a row; a spreadsheet has at most 16384 columns");
	assert_null(t);
	if (unit_quick()) { /* the million rows: in make check */
		buf_release(&b);
		return;
	}
	buf_reset(&b);
	buf_adds(&b, "Client\n");
	for (int i = 1; i < CSV_MAX_ROWS; i++)
		buf_addf(&b, "%d\n", i);
	assert_int_equal(csv_read(&t, b.p, b.len, 0, "f.csv"), 0);
	assert_int_equal(t->nrows, CSV_MAX_ROWS);
	csv_table_free(t);
	/* Empty rows are dropped before they count. */
	buf_adds(&b, ",\n\n");
	assert_int_equal(csv_read(&t, b.p, b.len, 0, "f.csv"), 0);
	csv_table_free(t);
	buf_adds(&b, "\"one\ntoo many\"\n");
	assert_error(csv_read(&t, b.p, b.len, 0, "f.csv"), PREG_EINVAL,
		     "f.csv:1048579: more than 1048576 rows; a spreadsheet has at most 1048576");
	buf_release(&b);
}

/* Line ends of the old Mac OS (a CR alone), as a spreadsheet saved for it
 * writes them: every row on its own line, a quoted break counted. */
static void test_cr_line_ends(void **state)
{
	struct csv_table *t = read_ok("Client,remarks\rООО «Ромашка»,\"две\rстроки\"\rAcme,x\r\n\rЛютик,\r\v", ',');

	(void)state;
	assert_int_equal(t->nrows, 5);
	assert_row(&t->rows[0], 1, 2, (const char *const[]){ "Client", "remarks" });
	assert_row(&t->rows[1], 2, 2, (const char *const[]){ "ООО «Ромашка»", "две\rстроки" });
	assert_row(&t->rows[2], 4, 2, (const char *const[]){ "Acme", "x" });
	assert_row(&t->rows[3], 6, 2, (const char *const[]){ "Лютик", "" });
	/* The fuzzer's: a row after the last CR is on a line of its own. */
	assert_row(&t->rows[4], 7, 1, (const char *const[]){ "\v" });
	csv_table_free(t);
}

/* The "'" a CSV writer of preg put before a formula comes off; any other
 * "'" stays. */
static void test_formula_guard(void **state)
{
	struct csv_table *t;

	(void)state;
	assert_true(csv_guarded("=1+1"));
	assert_true(csv_guarded("+7 351"));
	assert_true(csv_guarded("-5"));
	assert_true(csv_guarded("@SUM(A1)"));
	assert_true(csv_guarded("\tx"));
	assert_true(csv_guarded("\rx"));
	assert_true(csv_guarded("'=x"));
	assert_true(csv_guarded("''-x"));
	assert_false(csv_guarded("'abc"));
	assert_false(csv_guarded("'"));
	assert_false(csv_guarded(""));
	assert_false(csv_guarded("a=b"));
	assert_false(csv_guarded("ООО «Ромашка»"));
	t = read_ok("a,b,c,d,e,f\r\n\"'=HYPERLINK(\"\"x\"\")\",'-5,''=x,'abc,\"'\tx\",'\r\n", ',');
	assert_row(&t->rows[1], 2, 6, (const char *const[]){ "=HYPERLINK(\"x\")", "-5", "'=x", "'abc", "\tx", "'" });
	csv_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4180),
		cmocka_unit_test(test_bom_semicolon_lf),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_cr_line_ends),
		cmocka_unit_test(test_formula_guard),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
