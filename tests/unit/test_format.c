/* test_format: the writers behind every listing, and what they make of
 * control characters (issue 10: nothing from the register reaches a
 * terminal raw): caret notation for a terminal (table, text, csv, html),
 * \xHH in tsv and \u00HH in json, which read back byte for byte; a cell
 * padded or cut to its columns; the HTML frame and the ink on a phase's
 * colour. */
#include "unit.h"
#include "format.h"
#include "format_html.h"
#include "phases.h"
#include "record.h"

/* ESC ] 0 ; title BEL, ESC [ 2 J, a CSI (U+009B) in UTF-8, DEL, a CR. */
#define EVIL "Evil\033]0;PWNED\007\033[2J\xc2\x9b" "31m\x7f\r"

static char *visible(const char *s, bool lines)
{
	struct buf b = BUF_INIT;

	fmt_visible(&b, s, lines);
	return buf_detach(&b);
}

static void test_visible(void **state)
{
	char *v;

	(void)state;
	assert_string_equal(v = visible(EVIL, true), "Evil^[]0;PWNED^G^[[2J^[[31m^?^M");
	free(v);
	/* Text and its layout pass: Cyrillic, «», tabs and line feeds. */
	assert_string_equal(v = visible("ООО «Ромашка»\tзвонок\nвторая строка", true),
			    "ООО «Ромашка»\tзвонок\nвторая строка");
	free(v);
	/* Without lines, a tab and a line feed are shown too. */
	assert_string_equal(v = visible("a\tb\nc", false), "a^Ib^Jc");
	free(v);
	/* NUL cannot be in a C string; the other C0 ends: ^A and ^_. */
	assert_string_equal(v = visible("\001\037", true), "^A^_");
	free(v);
	/* U+0085 (NEL) and U+009F: the last C1; U+00A0 is text. */
	assert_string_equal(v = visible("\xc2\x85\xc2\x9f\xc2\xa0", true), "^[E^[_\xc2\xa0");
	free(v);
	/* A byte that is not UTF-8 (a lone 0x9b would be a CSI on an 8-bit
	 * terminal) becomes U+FFFD. */
	assert_string_equal(v = visible("a\x9b" "b\xff", true), "a\xef\xbf\xbd" "b\xef\xbf\xbd");
	free(v);
}

static void test_addf(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	fmt_addf(&b, "%s by %s\n", "note", EVIL);
	assert_string_equal(buf_str(&b), "note by Evil^[]0;PWNED^G^[[2J^[[31m^?^M\n");
	buf_release(&b);
}

static const struct fmt_col cols[] = { { "author", COL_TEXT }, { "action", COL_TEXT } };

/* The output of one writer with the header and one row. */
static char *write_one(enum fmt fmt, const char *a, const char *b)
{
	struct fmt_writer w;
	struct buf out = BUF_INIT;
	const char *cells[] = { a, b };

	fmt_start(&w, &out, fmt, cols, 2, false, -1);
	fmt_row(&w, &out, cells, NULL);
	fmt_end(&w, &out);
	return buf_detach(&out);
}

static void test_writers(void **state)
{
	char *s;

	(void)state;
	/* table: caret notation, one line, aligned on what is shown. */
	s = write_one(FMT_TABLE, EVIL, "set");
	assert_string_equal(s, "author                           action\n"
			       "Evil^[]0;PWNED^G^[[2J^[[31m^?^M  set\n");
	free(s);
	s = write_one(FMT_TABLE, "two\nlines\tand a tab", "x");
	assert_string_equal(s, "author               action\ntwo lines and a tab  x\n");
	free(s);
	/* tsv: \xHH for every byte of a control character, \\ for a
	 * backslash, so that "\x1b" typed by someone stays apart. */
	s = write_one(FMT_TSV, EVIL, "a\\x1b\tb");
	assert_string_equal(s, "author\taction\n"
			       "Evil\\x1b]0;PWNED\\x07\\x1b[2J\\xc2\\x9b31m\\x7f\\r\ta\\\\x1b\\tb\n");
	free(s);
	s = write_one(FMT_TSV, "bad \xff byte", "ООО «Ромашка»");
	assert_string_equal(s, "author\taction\nbad \\xff byte\tООО «Ромашка»\n");
	free(s);
	/* json: \u00HH, C1 included; a byte that is not UTF-8 as \ufffd. */
	s = write_one(FMT_JSON, EVIL, "bad \xff");
	assert_string_equal(s, "[\n{\"author\":\"Evil\\u001b]0;PWNED\\u0007\\u001b[2J\\u009b31m\\u007f\\r\","
			       "\"action\":\"bad \\ufffd\"}\n]\n");
	free(s);
	/* csv: RFC 4180 has no escapes; controls made visible, line breaks
	 * quoted as before. */
	s = write_one(FMT_CSV, "Evil\033[2J", "two\nlines");
	assert_string_equal(s, "author,action\r\nEvil^[[2J,\"two\nlines\"\r\n");
	free(s);
	/* csv: what a spreadsheet would take as a formula gets a "'", inside
	 * the quotes when quoted; a "'" before one gets another. */
	s = write_one(FMT_CSV, "=HYPERLINK(\"http://x\",\"y\")", "+7 351 000-00-00");
	assert_string_equal(s, "author,action\r\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'+7 351 000-00-00\r\n");
	free(s);
	s = write_one(FMT_CSV, "-5", "@SUM(A1)");
	assert_string_equal(s, "author,action\r\n'-5,'@SUM(A1)\r\n");
	free(s);
	s = write_one(FMT_CSV, "\tx", "\rx");
	assert_string_equal(s, "author,action\r\n'\tx,\"'\rx\"\r\n");
	free(s);
	s = write_one(FMT_CSV, "'=x", "'abc");
	assert_string_equal(s, "author,action\r\n''=x,'abc\r\n");
	free(s);
	/* Only the first character counts. */
	s = write_one(FMT_CSV, "a=b", "ООО «Ромашка» -1");
	assert_string_equal(s, "author,action\r\na=b,ООО «Ромашка» -1\r\n");
	free(s);
	/* html: escaped and visible. */
	s = write_one(FMT_HTML, "<b>\033[2J</b>", "&");
	assert_non_null(strstr(s, "<td>&lt;b&gt;^[[2J&lt;/b&gt;</td><td>&amp;</td>"));
	free(s);
}

static void test_json_str(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	json_str(&b, "«Ромашка» \xc2\x9b\xc2\xa0\t");
	assert_string_equal(buf_str(&b), "\"«Ромашка» \\u009b\xc2\xa0\\t\"");
	buf_release(&b);
}

static char *cell(const char *s, size_t width, bool right)
{
	static struct buf out;

	buf_reset(&out);
	fmt_cell(&out, s, width, right);
	return (char *)buf_str(&out);
}

static void test_cell(void **state)
{
	(void)state;
	assert_string_equal(cell("ivanov", 8, false), "ivanov  ");
	assert_string_equal(cell("12", 4, true), "  12");
	/* Columns, not bytes: Cyrillic letters take one each. */
	assert_string_equal(cell("ООО «Ромашка»", 15, false), "ООО «Ромашка»  ");
	/* Too wide: cut, the ellipsis the last column. */
	assert_string_equal(cell("ООО «Ромашка»", 8, false), "ООО «Ро…");
	assert_int_equal(fmt_width(cell("ООО «Ромашка»", 8, true)), 8);
	assert_string_equal(cell("anything", 0, false), "");
	/* Made visible before it is measured: the escape counts as shown. */
	assert_string_equal(cell("a\033[2J", 7, false), "a^[[2J ");
	assert_string_equal(cell(EVIL, 6, false), "Evil^…");
}

static void test_html_page(void **state)
{
	const char *y = phases_template("sales");
	struct phases *ph = NULL;
	struct buf out = BUF_INIT;

	(void)state;
	assert_int_equal(phases_load(&ph, y, strlen(y), "preg.yaml"), 0);
	html_page_begin(&out, "Отчёт <1>", "a & b", ph);
	html_page_end(&out);
	assert_non_null(strstr(buf_str(&out), "<title>Отчёт &lt;1&gt;</title>"));
	assert_non_null(strstr(buf_str(&out), "<p class=\"sub\">a &amp; b</p>"));
	/* The legend: each phase in its colour. */
	assert_non_null(strstr(buf_str(&out), "background:#ef5350\"></span><b>6 lost</b> lost"));
	assert_true(out.len > 8);
	assert_string_equal(buf_str(&out) + out.len - 8, "</html>\n");
	buf_release(&out);
	phases_free(ph);

	assert_string_equal(html_ink_on("#ffca28"), "#000"); /* on amber, black */
	assert_string_equal(html_ink_on("#1976d2"), "#fff"); /* on blue, white */
	assert_string_equal(html_ink_on(NULL), "#000");
	assert_string_equal(html_ink_on("red"), "#000");
}

/* A client list of four columns fitted to width (FMT_WIDE: whole), rows
 * in the order of keys. */
static char *fit_table(size_t width)
{
	static const struct fmt_col fc[] = {
		{ "id", COL_TEXT }, { "name", COL_WIDE }, { "status", COL_TEXT }, { "next", COL_TEXT },
		{ "action", COL_WIDE },
	};
	static const enum col_fit fits[] = { FIT_WHOLE, FIT_NAME, FIT_WHOLE, FIT_EXTRA, FIT_FREE };
	const char *rows[][5] = {
		{ "yuzhnyi-ural", "ООО «Транспортная компания Южный Урал-Логистик»", "overdue, stale", "2026-10-10",
		  "send the contract and the price list to the chief accountant" },
		{ "almaz", "АО «Алмаз 💎 Трейд»", "due", NULL, "call" },
	};
	const char *keys[] = { "b", "a" };
	struct fmt_writer w;
	struct buf out = BUF_INIT;

	fmt_start(&w, &out, FMT_TABLE, fc, 5, false, -1);
	fmt_fit(&w, width, fits);
	fmt_sort(&w);
	for (size_t r = 0; r < 2; r++)
		fmt_row_key(&w, &out, rows[r], NULL, keys[r]);
	fmt_end(&w, &out);
	return buf_detach(&out);
}

static void test_fit(void **state)
{
	char *s;

	(void)state;
	/* Whole: as wide as the cells, sorted by key. */
	s = fit_table(FMT_WIDE);
	assert_string_equal(s, "id            name                                             status          next        action\n"
			       "almaz         АО «Алмаз 💎 Трейд»                              due                         call\n"
			       "yuzhnyi-ural  ООО «Транспортная компания Южный Урал-Логистик»  overdue, stale  2026-10-10  "
			       "send the contract and the price list to the chief accountant\n");
	free(s);
	/* 115: the action is cut (to 20, and given back what is left); the name
	 * whole. */
	s = fit_table(115);
	assert_string_equal(s, "id            name                                             status          next        action\n"
			       "almaz         АО «Алмаз 💎 Трейд»                              due                         call\n"
			       "yuzhnyi-ural  ООО «Транспортная компания Южный Урал-Логистик»  overdue, stale  2026-10-10  "
			       "send the contract and t…\n");
	free(s);
	/* 66: the action left out, the name to 16, and what is left goes
	 * back to the name: the generic words abbreviated. */
	s = fit_table(66);
	assert_string_equal(s, "id            name                    status          next\n"
			       "almaz         АО «Алмаз 💎 Трейд»     due\n"
			       "yuzhnyi-ural  ТК Южный Урал-Логистик  overdue, stale  2026-10-10\n");
	free(s);
	/* 50: the date left out too; the generic words go. */
	s = fit_table(50);
	assert_string_equal(s, "id            name                 status\n"
			       "almaz         АО «Алмаз 💎 Трейд»  due\n"
			       "yuzhnyi-ural  Южный Урал-Логистик  overdue, stale\n");
	free(s);
	/* Too narrow for the id and the status: they stay whole. */
	s = fit_table(20);
	assert_string_equal(s, "id            name        status\n"
			       "almaz         Алмаз 💎…   due\n"
			       "yuzhnyi-ural  Южный Ура…  overdue, stale\n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_visible),
		cmocka_unit_test(test_addf),
		cmocka_unit_test(test_writers),
		cmocka_unit_test(test_json_str),
		cmocka_unit_test(test_cell),
		cmocka_unit_test(test_html_page),
		cmocka_unit_test(test_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
