/* test_format: the format layer's pieces that the commands lean on: a
 * cell padded or cut to its columns, a file read whole into a buffer with
 * a limit, the HTML frame and the ink on a phase's colour. */
#include "unit.h"
#include "buf.h"
#include "format.h"
#include "format_html.h"
#include "phases.h"

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
}

static void test_read_file(void **state)
{
	struct buf b = BUF_INIT;
	char path[PATH_MAX + 32], missing[PATH_MAX + 32];
	FILE *f;

	(void)state;
	assert_int_equal(unit_home_setup("format"), 0);
	snprintf(path, sizeof(path), "%s/f.txt", unit_root());
	snprintf(missing, sizeof(missing), "%s/none.txt", unit_root());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("ООО «Ромашка»\n", f);
	fclose(f);

	buf_adds(&b, "> ");
	assert_int_equal(buf_read_file(&b, path, 0), 0);
	assert_string_equal(buf_str(&b), "> ООО «Ромашка»\n");
	buf_reset(&b);
	/* The limit counts what this file adds: 26 bytes fit in 26. */
	assert_int_equal(buf_read_file(&b, path, 26), 0);
	buf_reset(&b);
	preg_error_clear();
	assert_int_equal(buf_read_file(&b, path, 25), PREG_EINVAL);
	assert_non_null(strstr(preg_error_msg(), "' is larger than 25 bytes"));
	buf_reset(&b);
	preg_error_clear();
	assert_int_equal(buf_read_file(&b, missing, 0), PREG_ENOTFOUND);
	assert_non_null(strstr(preg_error_msg(), "cannot read '"));
	assert_non_null(strstr(preg_error_msg(), "none.txt': No such file or directory"));
	buf_release(&b);
	unit_home_teardown();
}

static void test_html(void **state)
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
	assert_true(strlen(buf_str(&out)) > 7);
	assert_string_equal(buf_str(&out) + out.len - 8, "</html>\n");
	buf_release(&out);
	phases_free(ph);

	assert_string_equal(html_ink_on("#ffca28"), "#000"); /* on amber, black */
	assert_string_equal(html_ink_on("#1976d2"), "#fff"); /* on blue, white */
	assert_string_equal(html_ink_on(NULL), "#000");
	assert_string_equal(html_ink_on("red"), "#000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cell),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_html),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
