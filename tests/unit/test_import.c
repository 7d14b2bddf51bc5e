/* test_import: CSV rows into records, all or nothing, on real registers. */
#include "unit.h"
#include "csvread.h"
#include "import.h"
#include "register.h"

#define NOW "2026-11-02T10:15:00+05:00"

static int group_setup(void **state)
{
	(void)state;
	return unit_home_setup("import");
}

static int group_teardown(void **state)
{
	(void)state;
	unit_home_teardown();
	return 0;
}

static struct reg *new_reg(void)
{
	static int serial;
	char dir[PATH_MAX + 32];
	struct reg *r = NULL;

	setenv("PREG_NOW", NOW, 1);
	setenv("PREG_USER", "ivanov", 1);
	snprintf(dir, sizeof(dir), "%s/reg-%d", unit_root(), ++serial);
	if (reg_init(dir, "freight") || reg_open(&r, dir))
		fail_msg("register: %s", preg_error_msg());
	return r;
}

static struct csv_table *table(const char *text)
{
	struct csv_table *t = NULL;

	if (csv_read(&t, text, strlen(text), 0, "f.csv"))
		fail_msg("csv: %s", preg_error_msg());
	return t;
}

static void test_date(void **state)
{
	int32_t d;

	(void)state;
	assert_int_equal(import_date("2026-10-01", &d), 0);
	assert_int_equal(d, 20727); /* 56 years with 14 leap days, then 273 days */
	assert_int_equal(import_date("01.10.2026", &d), 0);
	assert_int_equal(d, 20727); /* 56 years with 14 leap days, then 273 days */
	assert_int_equal(import_date("1.10.2026", &d), 0);
	assert_int_equal(d, 20727); /* 56 years with 14 leap days, then 273 days */
	assert_error(import_date("31.02.2026", &d), PREG_EINVAL,
		     "invalid date '31.02.2026' (YYYY-MM-DD or DD.MM.YYYY)");
	assert_error(import_date("10/01/2026", &d), PREG_EINVAL,
		     "invalid date '10/01/2026' (YYYY-MM-DD or DD.MM.YYYY)");
	assert_error(import_date("01.10.26", &d), PREG_EINVAL,
		     "invalid date '01.10.26' (YYYY-MM-DD or DD.MM.YYYY)");
}

static void test_header_keys(void **state)
{
	(void)state;
	assert_true(import_header_is_key("Client"));
	assert_true(import_header_is_key("PHASE 12"));
	assert_true(import_header_is_key("Фаза 3"));
	assert_true(import_header_is_key("tags"));
	assert_true(import_header_is_key("fields.kind"));
	assert_false(import_header_is_key("direction"));
	assert_false(import_header_is_key("Phase"  " x"));
}

static void test_dry_run_and_write(void **state)
{
	struct reg *r = new_reg();
	struct csv_table *t = table("Client,Phase 1,Phase 2,Manager\n"
				    "Alpha,2026-10-01,x,Петров\n"
				    "Beta,,,\n");
	struct import_opts o;
	struct import_result res;
	struct record *rec = NULL;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.file = "f.csv";
	o.dry_run = true;
	assert_int_equal(import_csv(r, t, &o, &res), 0);
	assert_int_equal(res.nrecs, 2);
	assert_int_equal(res.nproblems, 0);
	assert_int_equal(res.nnotes, 1);
	assert_string_equal(res.notes[0], "manager 'Петров' imported as 'petrov'");
	assert_string_equal(res.recs[0]->id, "alpha");
	assert_int_equal(res.recs[0]->phase, 2);
	/* Phase 2 has a mark, not a date: the date of phase 1. */
	assert_string_equal(res.recs[0]->phase_since, "2026-10-01T00:00:00+05:00");
	assert_string_equal(res.recs[1]->phase_since, NOW);
	assert_false(reg_exists(r, "alpha"));
	import_result_release(&res);

	o.dry_run = false;
	assert_int_equal(import_csv(r, t, &o, &res), 0);
	import_result_release(&res);
	assert_int_equal(reg_read(r, "alpha", &rec), 0);
	assert_string_equal(rec->manager, "petrov");
	assert_int_equal(rec->nhistory, 2);
	record_free(rec);
	csv_table_free(t);
	reg_free(r);
}

static void test_all_or_nothing(void **state)
{
	struct reg *r = new_reg();
	struct csv_table *t = table("Client,Phase 2,kind\n"
				    "Good,,\n"
				    " ,,\n"
				    "Odd,,partner\n");
	struct import_opts o;
	struct import_result res;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.file = "f.csv";
	assert_error(import_csv(r, t, &o, &res), PREG_EINVAL, "2 problems in f.csv; nothing imported");
	assert_int_equal(res.nproblems, 2);
	assert_string_equal(res.problems[0], "f.csv:3: empty client name");
	assert_string_equal(res.problems[1], "f.csv:4: invalid kind 'partner' (external or internal)");
	assert_int_equal(res.nrecs, 1);
	assert_false(reg_exists(r, "good"));
	import_result_release(&res);
	/* A --manager that preg.yaml would refuse. */
	o.manager = "Not A Handle";
	assert_int_equal(import_csv(r, t, &o, &res), PREG_EINVAL);
	assert_int_equal(res.nproblems, 0);
	import_result_release(&res);
	csv_table_free(t);
	reg_free(r);
}

/* Columns that hold the same thing: each repeat named with the first of
 * its kind, whatever stands between; unnamed columns are problems only
 * when they hold values (found in one pass over the cells). */
static void test_same_columns(void **state)
{
	struct reg *r = new_reg();
	struct csv_table *t = table("Client,Phase 1,ИНН,tags,Phase 1,inn,,tags,Этап 1,,Client\n"
				    "ООО «Ромашка»,2026-10-01,7701,a,,,,b,,x,\n");
	struct import_opts o;
	struct import_result res;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.file = "f.csv";
	assert_error(import_csv(r, t, &o, &res), PREG_EINVAL, "5 problems in f.csv; nothing imported");
	assert_string_equal(res.problems[0], "f.csv:1: column 10 has no name but holds values; name it or --map it");
	assert_string_equal(res.problems[1], "f.csv:1: columns 2 and 5 ('Phase 1', 'Phase 1') hold the same thing");
	assert_string_equal(res.problems[2], "f.csv:1: columns 3 and 6 ('ИНН', 'inn') hold the same thing");
	assert_string_equal(res.problems[3], "f.csv:1: columns 2 and 9 ('Phase 1', 'Этап 1') hold the same thing");
	assert_string_equal(res.problems[4], "f.csv:1: columns 1 and 11 ('Client', 'Client') hold the same thing");
	import_result_release(&res);
	csv_table_free(t);
	reg_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_header_keys),
		cmocka_unit_test(test_dry_run_and_write),
		cmocka_unit_test(test_all_or_nothing),
		cmocka_unit_test(test_same_columns),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
