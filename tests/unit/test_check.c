/* test_check: record validation and duplicate detection on real registers. */
#include "unit.h"
#include "check.h"
#include "layout.h"
#include "xalloc.h"
#include "ops.h"
#include "register.h"

#define T "2026-10-01T09:00:00+05:00"

static int group_setup(void **state)
{
	(void)state;
	return unit_home_setup("check");
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

	setenv("PREG_NOW", "2026-11-02T10:15:00+05:00", 1);
	setenv("PREG_USER", "ivanov", 1);
	snprintf(dir, sizeof(dir), "%s/reg-%d", unit_root(), ++serial);
	if (reg_init(dir, "freight"))
		fail_msg("register: %s", preg_error_msg());
	/* Layout version 1, for the paths of the tests below. */
	unit_layout_v1(dir);
	if (reg_open(&r, dir))
		fail_msg("register: %s", preg_error_msg());
	return r;
}

struct file {
	const char *path, *text;
};

static int put(struct txn *t, void *arg)
{
	const struct file *f = arg;

	txn_put_file(t, f->path, f->text, strlen(f->text));
	txn_message(t, "by hand", "test", NULL);
	return 0;
}

static int add_as(struct reg *r, const char *name, const char *contact, const char *field, bool allow)
{
	struct add_opts o;

	memset(&o, 0, sizeof(o));
	o.allow_duplicate = allow;
	o.name = name;
	o.contacts = &contact;
	o.ncontacts = contact != NULL;
	o.fields = &field;
	o.nfields = field != NULL;
	return ops_add(r, &o);
}

/* Add a client, duplicate or not (check is to find them). */
static void add(struct reg *r, const char *name, const char *contact, const char *field)
{
	if (add_as(r, name, contact, field, true))
		fail_msg("add: %s", preg_error_msg());
}

static void test_phone_key(void **state)
{
	char *k;

	(void)state;
	k = check_phone_key("+7 (351) 000-00-01");
	assert_string_equal(k, "+73510000001");
	free(k);
	/* The trunk prefix 8 is +7: one number, as preg find reads it. */
	k = check_phone_key("8 (351) 000 00 01");
	assert_string_equal(k, "+73510000001");
	free(k);
	k = check_phone_key("112");
	assert_string_equal(k, "");
	free(k);
}

static void test_sound_register(void **state)
{
	struct reg *r = new_reg();
	struct check_result res;

	(void)state;
	add(r, "Alpha", "A <a@example.com>", NULL);
	add(r, "Bravo", NULL, NULL);
	assert_int_equal(check_register(r, false, &res), 0);
	assert_int_equal(res.n, 0);
	assert_int_equal(res.nerrors, 0);
	check_result_release(&res);
	reg_free(r);
}

static void test_problems_and_duplicates(void **state)
{
	struct reg *r = new_reg();
	struct check_result res;
	struct file f = { "clients/ch/charlie.yaml",
			  "id: charlie\nname: ALPHA\nmanager: ivanov\nphase: 2\nphase_since: " T "\n"
			  "created: " T "\nhistory:\n  - {at: " T ", by: ivanov, phase: 1}\n" };

	(void)state;
	add(r, "Alpha", "A <a@example.com>", "vat=DE 123");
	add(r, "Bravo", "B <A@Example.com>", "VAT=de123");
	assert_int_equal(reg_write(r, 0, put, &f), 0);
	assert_int_equal(check_register(r, false, &res), 0);
	/* phase_since agrees with the event's time; the phase does not. */
	assert_int_equal(res.n, 4);
	/* One invalid record; the duplicates are warnings. */
	assert_int_equal(res.nerrors, 1);
	assert_string_equal(res.lines[0], "clients/ch/charlie.yaml: phase is 2, but the last phase event says 1");
	assert_string_equal(res.lines[1], "clients/br/bravo.yaml: warning: likely duplicate of 'alpha' (the same e-mail 'a@example.com')");
	assert_string_equal(res.lines[2], "clients/br/bravo.yaml: warning: likely duplicate of 'alpha' (the same vat 'DE123')");
	assert_string_equal(res.lines[3], "clients/ch/charlie.yaml: warning: likely duplicate of 'alpha' (the same name 'alpha')");
	check_result_release(&res);
	/* client add judges by the same rules: each one refused, naming the
	 * client it would duplicate. */
	assert_int_equal(add_as(r, "Delta", "D <a@EXAMPLE.com>", NULL, false), PREG_EEXISTS);
	assert_string_equal(preg_error_msg(), "likely duplicate of 'alpha' (Alpha): the same e-mail 'a@example.com'; "
					      "add it anyway with --allow-duplicate");
	assert_int_equal(add_as(r, "Delta", NULL, "vatin=de-123", false), 0 /* vatin: another field */);
	assert_int_equal(add_as(r, "Echo", NULL, "vat=DE 1 2 3", false), PREG_EEXISTS);
	assert_int_equal(add_as(r, "alpha", NULL, NULL, false), PREG_EEXISTS);
	reg_free(r);
}

/* One record as a pushed commit holds it (the pre-receive hook): check's
 * rules under a preg.yaml, errors and warnings told apart. */
static void test_one_record(void **state)
{
	struct reg *r = new_reg();
	const struct phases *ph = reg_phases(r);
	char *path = layout_path(ph->version, "romashka");
	const char *good = "id: romashka\nname: ООО «Ромашка»\nmanager: ivanov\nphase: 1\nphase_since: " T "\n"
			   "created: " T "\nhistory:\n  - {at: " T ", by: ivanov, phase: 1}\n";
	char *bad = xasprintf("%.*sphase: 99\n%s", (int)(strstr(good, "phase: 1") - good), good,
			      strstr(good, "phase_since"));
	char *odd = xasprintf("%scolour: red\n", good);
	struct check_result res = { 0 };

	(void)state;
	check_record_file(ph, path, good, strlen(good), &res);
	assert_int_equal(res.n, 0);
	check_record_file(ph, path, odd, strlen(odd), &res);
	assert_int_equal(res.n, 1);
	assert_int_equal(res.nerrors, 0);
	check_result_release(&res);
	check_record_file(ph, path, bad, strlen(bad), &res);
	assert_int_equal(res.nerrors, 2);
	assert_true(strstr(res.lines[0], ": phase 99 is not in preg.yaml") != NULL);
	assert_true(!strncmp(res.lines[0], path, strlen(path)));
	check_result_release(&res);
	check_record_file(ph, "clients/romashka.txt", good, strlen(good), &res);
	assert_int_equal(res.nerrors, 1);
	assert_true(!strncmp(res.lines[0], "clients/romashka.txt: not a client record (expected ",
			     strlen("clients/romashka.txt: not a client record (expected ")));
	check_result_release(&res);
	free(odd);
	free(bad);
	free(path);
	reg_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phone_key),
		cmocka_unit_test(test_sound_register),
		cmocka_unit_test(test_problems_and_duplicates),
		cmocka_unit_test(test_one_record),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
