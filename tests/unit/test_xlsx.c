/* test_xlsx: workbooks handed over whole (a zip with the sheets wanted),
 * no temporary file left behind, a text too long for a cell cut with a
 * warning, and a temporary directory that is not there named. The cells
 * themselves are read back by python3-openpyxl in tests/cli/1160-xlsx.bats. */
#include "unit.h"
#include "export.h"
#include "record.h"
#include "report.h"
#include "xlsx.h"

static struct phases *freight;
static char tmp[PATH_MAX + 8];

static int group_setup(void **state)
{
	(void)state;
	if (unit_home_setup("xlsx"))
		return -1;
	snprintf(tmp, sizeof(tmp), "%s/tmp", unit_root());
	mkdir(tmp, 0777);
	setenv("TMPDIR", tmp, 1);
	return (freight = unit_phases("freight")) ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	phases_free(freight);
	nftw(unit_root(), unit_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

static struct record *rec(const char *id, const char *name, const char *extra)
{
	char *text = NULL;
	struct record *r = NULL;

	assert_true(asprintf(&text,
			     "id: %s\nname: %s\nmanager: ivanov\nphase: 3\nphase_since: 2026-10-05T10:00:00+05:00\n"
			     "created: 2026-10-01T09:00:00+05:00\n%s"
			     "history:\n  - {at: 2026-10-01T09:00:00+05:00, by: ivanov, phase: 1, manager: ivanov}\n"
			     "  - {at: 2026-10-05T10:00:00+05:00, by: ivanov, phase: 3}\n",
			     id, name, extra) > 0);
	if (record_parse(&r, text, strlen(text), "x.yaml", NULL))
		fail_msg("record_parse: %s", preg_error_msg());
	free(text);
	return r;
}

/* Whether the zip holds a member of that name (local headers keep the
 * names uncompressed). */
static bool member(const struct buf *b, const char *name)
{
	return memmem(b->p, b->len, name, strlen(name)) != NULL;
}

static size_t files_in_tmp(void)
{
	char cmd[PATH_MAX + 32];
	FILE *f;
	size_t n = 0;
	int c;

	snprintf(cmd, sizeof(cmd), "ls -A '%s'", tmp);
	assert_non_null(f = popen(cmd, "r"));
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	pclose(f);
	return n;
}

static void test_register(void **state)
{
	struct record *r[2] = { rec("romashka", "ООО «Ромашка»", ""), rec("acme", "Acme", "") };
	struct report rep;
	struct report_opts o;
	struct xlsx *x;
	struct buf out = BUF_INIT;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.day = unit_day("2026-11-02");
	o.since = o.day - 29;
	report_init(&rep, freight, REPORT_REGISTER, &o);
	report_add(&rep, r[0]);
	report_add(&rep, r[1]);
	report_finish(&rep);
	assert_int_equal(xlsx_begin(&x), 0);
	/* The workbook is being written to a file without a name (O_TMPFILE):
	 * nothing a kill could leave. */
	assert_int_equal(files_in_tmp(), 0);
	assert_int_equal(xlsx_register(x, &rep), 0);
	assert_int_equal(xlsx_end(x, &out), 0);
	assert_true(out.len > 1000);
	assert_memory_equal(out.p, "PK\003\004", 4);
	assert_true(member(&out, "xl/worksheets/sheet1.xml"));
	assert_true(member(&out, "xl/worksheets/sheet2.xml"));
	assert_false(member(&out, "xl/worksheets/sheet3.xml"));
	/* Nothing left in the temporary directory. */
	assert_int_equal(files_in_tmp(), 0);
	buf_release(&out);
	report_release(&rep);
	record_free(r[0]);
	record_free(r[1]);
}

static void test_export_cut(void **state)
{
	struct buf extra = BUF_INIT;
	struct record *r;
	struct export_cols c;
	struct xlsx *x;
	struct buf out = BUF_INIT;
	const char **cells;
	char **owned, **warn;
	size_t nowned, nwarn;

	(void)state;
	/* 40,000 characters of remarks (60,000 bytes: the limit counts characters). */
	buf_adds(&extra, "remarks: \"");
	for (int i = 0; i < 40000 / 8; i++)
		buf_adds(&extra, "абвгabcd");
	buf_adds(&extra, "\"\nfields: {inn: '0274062111'}\n");
	r = rec("romashka", "ООО «Ромашка»", buf_str(&extra));
	export_cols_init(&c, freight);
	export_cols_add(&c, r);
	export_cols_done(&c);
	cells = calloc(c.ncols, sizeof(*cells));
	export_cells(&c, r, cells, &owned, &nowned);
	assert_int_equal(xlsx_begin(&x), 0);
	assert_int_equal(xlsx_export_begin(x, &c), 0);
	assert_int_equal(xlsx_export_row(x, r, cells), 0);
	assert_int_equal(xlsx_export_end(x), 0);
	assert_int_equal(xlsx_end(x, &out), 0);
	assert_memory_equal(out.p, "PK\003\004", 4);
	assert_true(member(&out, "xl/worksheets/sheet1.xml"));
	assert_false(member(&out, "xl/worksheets/sheet2.xml"));
	nwarn = preg_warnings_take(&warn);
	assert_int_equal(nwarn, 1);
	assert_string_equal(warn[0], "client 'romashka': remarks cut to 32767 characters, what a spreadsheet cell holds");
	preg_warnings_free(warn, nwarn);
	assert_int_equal(files_in_tmp(), 0);
	export_cells_free(owned, nowned);
	free(cells);
	export_cols_release(&c);
	record_free(r);
	buf_release(&out);
	buf_release(&extra);
}

static void test_no_tmpdir(void **state)
{
	struct xlsx *x = (struct xlsx *)1;
	char want[PATH_MAX + 120], missing[PATH_MAX + 16];

	(void)state;
	snprintf(missing, sizeof(missing), "%s/none", tmp);
	setenv("TMPDIR", missing, 1);
	snprintf(want, sizeof(want), "cannot make a temporary file in '%s': No such file or directory", missing);
	assert_error(xlsx_begin(&x), PREG_EIO, want);
	assert_null(x);
	setenv("TMPDIR", tmp, 1);
	xlsx_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register),
		cmocka_unit_test(test_export_cut),
		cmocka_unit_test(test_no_tmpdir),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
