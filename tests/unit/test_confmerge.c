/* test_confmerge: preg.yaml merged by its top-level keys in a sync. */
#include "unit.h"
#include "confmerge.h"

/* Merge base, ours and theirs; assert the result and the keys named. */
static void check(const char *base, const char *ours, const char *theirs, const char *want, const char *keys)
{
	struct buf out = BUF_INIT, conflicts = BUF_INIT;

	assert_int_equal(confmerge(base, strlen(base), ours, strlen(ours), theirs, strlen(theirs), &out, &conflicts), 0);
	assert_string_equal(buf_str(&out), want);
	assert_string_equal(buf_str(&conflicts), keys);
	buf_release(&out);
	buf_release(&conflicts);
}

/* Assert that the texts are not merged by keys, and nothing is written. */
static void refused(const char *base, const char *ours, const char *theirs)
{
	struct buf out = BUF_INIT, conflicts = BUF_INIT;

	assert_int_equal(confmerge(base, strlen(base), ours, strlen(ours), theirs, strlen(theirs), &out, &conflicts), -1);
	assert_int_equal(out.len, 0);
	assert_int_equal(conflicts.len, 0);
}

#define PH "version: 1\nphases:\n  - id: 1\n    key: research\n    stale_after: 14d\n"
#define PH21 "version: 1\nphases:\n  - id: 1\n    key: research\n    stale_after: 21d\n"
#define PH10 "version: 1\nphases:\n  - id: 1\n    key: research\n    stale_after: 10d\n"
#define MGR "managers:\n  ivanov: {name: Иван Иванов, email: ivanov@example.com}\n"
#define MAIL "mail: {from: sales@example.com}\n"

static void test_each_side_keeps_its_change(void **state)
{
	(void)state;
	/* The remote added managers; here a phase's limit changed. */
	check(PH, PH MGR, PH21, PH21 MGR, "");
	/* The other way round: the key added here comes after the remote's. */
	check(PH, PH21, PH MGR, PH21 MGR, "");
	/* Both added different keys. */
	check(PH, PH MGR, PH MAIL, PH MGR MAIL, "");
	/* The same change on both sides, and none at all. */
	check(PH, PH21 MGR, PH21 MGR, PH21 MGR, "");
	check(PH, PH, PH, PH, "");
}

static void test_a_key_removed_on_one_side(void **state)
{
	(void)state;
	/* Removed on the remote, untouched here: removed. */
	check(PH MAIL, PH, PH21 MAIL, PH21, "");
	/* Removed here, untouched on the remote: removed. */
	check(PH MAIL, PH MAIL MGR, PH, PH MGR, "");
	/* Removed here, changed on the remote: a conflict, the local side wins. */
	check(PH MAIL, PH "mail: {from: head@example.com}\n", PH, PH, "mail");
}

static void test_both_changed_a_key_takes_the_local_one_and_names_it(void **state)
{
	(void)state;
	check(PH, PH10 MGR, PH21, PH21 MGR, "phases");
	check(PH MAIL, PH10 "mail: {from: a@example.com}\n", PH21 "mail: {from: b@example.com}\n",
	      PH21 "mail: {from: b@example.com}\n", "phases, mail");
}

static void test_text_that_is_not_blocks_of_keys_is_not_merged(void **state)
{
	(void)state;
	/* A document marker, text before the first key, no final newline. */
	refused(PH, "---\n" PH MGR, PH21);
	refused(PH, PH, "  stray\n" PH21);
	refused(PH, PH MGR, "version: 1");
	/* A list at the margin under its key and blank lines belong to the key. */
	check("a: 1\nlist:\n- x\n\n", "a: 2\nlist:\n- x\n\n", "a: 1\nlist:\n- x\n- y\n\n",
	      "a: 2\nlist:\n- x\n- y\n\n", "");
}

static void test_comments_go_with_the_key_below(void **state)
{
	(void)state;
	/* A comment above a key, blank lines between them, is the key's. */
	check(PH, PH "# the team\n\n" MGR, PH21, PH21 "# the team\n\n" MGR, "");
	check("# the register\n\n" PH, "# the register\n\n" PH MGR, "# the register\n\n" PH21,
	      "# the register\n\n" PH21 MGR, "");
	/* Inside a key's lines, and at the end, it is that key's. */
	check("a: 1\nlist:\n  - x\n# inside\n  - y\n", "a: 2\nlist:\n  - x\n# inside\n  - y\n",
	      "a: 1\nlist:\n  - x\n# inside\n  - y\n# end\n", "a: 2\nlist:\n  - x\n# inside\n  - y\n# end\n", "");
	/* Comments alone are not blocks of keys. */
	refused("# only\n", "# only\n", "# only, changed\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_side_keeps_its_change),
		cmocka_unit_test(test_a_key_removed_on_one_side),
		cmocka_unit_test(test_both_changed_a_key_takes_the_local_one_and_names_it),
		cmocka_unit_test(test_text_that_is_not_blocks_of_keys_is_not_merged),
		cmocka_unit_test(test_comments_go_with_the_key_below),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
