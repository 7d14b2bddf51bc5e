/* test_remote: a guarded bare repository made, checked and repaired. */
#include "unit.h"
#include <unistd.h>

#include "remote.h"

/* The warnings queued, joined by newlines; the caller frees. */
static char *warnings(void)
{
	char **w, *all;
	size_t n = preg_warnings_take(&w), len = 1;

	for (size_t i = 0; i < n; i++)
		len += strlen(w[i]) + 1;
	all = calloc(1, len);
	for (size_t i = 0; i < n; i++) {
		strcat(all, w[i]);
		strcat(all, "\n");
	}
	preg_warnings_free(w, n);
	return all;
}

static void test_init_and_check(void **state)
{
	char dir[PATH_MAX + 16], hook[PATH_MAX + 64], *w;
	git_repository *repo;
	git_config *cfg;
	git_reference *head;
	int problems = -1, v;
	FILE *f;
	char line[512];

	(void)state;
	assert_int_equal(unit_home_setup("remote"), 0);
	snprintf(dir, sizeof(dir), "%s/srv/reg.git", unit_root());
	assert_int_equal(remote_init(dir, "petrov", "/usr/bin/pr'eg"), 0);
	assert_int_equal(git_repository_open_bare(&repo, dir), 0);
	assert_int_equal(git_reference_lookup(&head, repo, "HEAD"), 0);
	assert_string_equal(git_reference_symbolic_target(head), "refs/heads/main");
	git_reference_free(head);
	assert_int_equal(git_repository_config_snapshot(&cfg, repo), 0);
	assert_int_equal(git_config_get_bool(&v, cfg, "receive.denyNonFastForwards"), 0);
	assert_true(v);
	assert_int_equal(git_config_get_bool(&v, cfg, "receive.denyDeletes"), 0);
	assert_true(v);
	git_config_free(cfg);
	git_repository_free(repo);
	snprintf(hook, sizeof(hook), "%s/hooks/pre-receive", dir);
	assert_int_equal(access(hook, X_OK), 0);
	assert_non_null(f = fopen(hook, "r"));
	while (fgets(line, sizeof(line), f) && strncmp(line, "exec", 4))
		;
	fclose(f);
	assert_string_equal(line, "exec '/usr/bin/pr'\\''eg' remote hook\n");
	assert_int_equal(remote_check(dir, &problems), 0);
	assert_int_equal(problems, 0);
	w = warnings();
	assert_string_equal(w, "");
	free(w);
	/* The hook made not executable is found. */
	chmod(hook, 0644);
	assert_int_equal(remote_check(dir, &problems), 0);
	assert_int_equal(problems, 1);
	w = warnings();
	assert_string_equal(w, "hooks/pre-receive is not executable: git does not run it\n");
	free(w);
	unit_home_teardown();
}

/* What "git init --bare" makes: HEAD on master, pushes unguarded. */
static void test_plain_bare(void **state)
{
	char dir[PATH_MAX + 16], *w;
	git_repository *repo;
	int problems = 0;

	(void)state;
	assert_int_equal(unit_home_setup("remote"), 0);
	snprintf(dir, sizeof(dir), "%s/plain.git", unit_root());
	assert_int_equal(git_repository_init(&repo, dir, 1), 0);
	assert_int_equal(git_repository_set_head(repo, "refs/heads/master"), 0);
	git_repository_free(repo);
	assert_int_equal(remote_check(dir, &problems), 0);
	assert_int_equal(problems, 4);
	w = warnings();
	assert_string_equal(w, "HEAD names 'refs/heads/master', not 'refs/heads/main': a plain 'git clone' "
			       "checks out nothing\n"
			       "receive.denyNonFastForwards is not true: a forced push can rewrite the history\n"
			       "receive.denyDeletes is not true: the branch can be deleted by a push\n"
			       "hooks/pre-receive is missing: nothing checks what is pushed\n");
	free(w);
	/* remote init guards it in place. */
	assert_int_equal(remote_init(dir, NULL, "/usr/bin/preg"), 0);
	assert_int_equal(remote_check(dir, &problems), 0);
	assert_int_equal(problems, 0);
	unit_home_teardown();
}

static void test_refused(void **state)
{
	char dir[PATH_MAX + 16], msg[PATH_MAX + 64];
	int problems;
	FILE *f;

	(void)state;
	assert_int_equal(unit_home_setup("remote"), 0);
	snprintf(dir, sizeof(dir), "%s/notes", unit_root());
	mkdir(dir, 0777);
	snprintf(msg, sizeof(msg), "%s/notes/a.txt", unit_root());
	assert_non_null(f = fopen(msg, "w"));
	fclose(f);
	/* Where preg init --remote makes a new remote: nothing there, or an
	 * empty directory; not a directory of files, not a file. */
	assert_false(remote_absent(dir));
	assert_false(remote_absent(msg));
	snprintf(msg, sizeof(msg), "%s/new.git", unit_root());
	assert_true(remote_absent(msg));
	mkdir(msg, 0777);
	assert_true(remote_absent(msg));
	snprintf(msg, sizeof(msg), "'%s' exists and is not a bare git repository", dir);
	assert_error(remote_init(dir, NULL, "/usr/bin/preg"), PREG_EEXISTS, msg);
	snprintf(msg, sizeof(msg), "'%s' is not a bare git repository", dir);
	assert_error(remote_check(dir, &problems), PREG_ENOREG, msg);
	unit_home_teardown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_and_check),
		cmocka_unit_test(test_plain_bare),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
