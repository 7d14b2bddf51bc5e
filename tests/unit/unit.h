/*
 * unit.h: what every unit test includes: cmocka and a few helpers.
 * Unit tests link lib/ only (build/libpreg.a), never cmd/.
 */
#ifndef PREG_UNIT_H
#define PREG_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <git2.h>

#include "err.h"
#include "phases.h"
#include "ptime.h"

/* Assert that expr returns code and that the error slot holds msg exactly. */
#define assert_error(expr, code, msg) do { \
	preg_error_clear(); \
	assert_int_equal((expr), (code)); \
	assert_string_equal(preg_error_msg(), (msg)); \
} while (0)

/* PREG_UNIT_QUICK set (make check-valgrind sets it): the two tests that
 * read a million CSV rows or parse maps of every size up to 300 keys
 * take a sample of their sizes. Under valgrind they were half of its
 * time, and what it looks for (a bad read, a leak) the sample meets in
 * the same code; make check runs them whole, under AddressSanitizer. */
static inline int unit_quick(void)
{
	const char *q = getenv("PREG_UNIT_QUICK");

	return q && *q && strcmp(q, "0");
}

/* ---- a temporary home for tests that make real registers ---- */

/* The test's temporary directory (empty until unit_home_setup). */
static inline char *unit_root(void)
{
	static char root[PATH_MAX];

	return root;
}

static inline int unit_rm_cb(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

/* Make /tmp/preg-unit-NAME-XXXXXX with a home in it, and an environment
 * that no setting of the machine's user can reach: HOME and XDG there, the
 * PREG_ and GIT_ variables that would redirect a register unset, git gc
 * off, a fixed commit author. Returns 0, or -1 for cmocka's group setup. */
static inline int unit_home_setup(const char *name)
{
	char *root = unit_root(), p[PATH_MAX + 32];

	snprintf(root, PATH_MAX, "/tmp/preg-unit-%s-XXXXXX", name);
	if (!mkdtemp(root))
		return -1;
	snprintf(p, sizeof(p), "%s/home", root);
	mkdir(p, 0777);
	setenv("HOME", p, 1);
	snprintf(p, sizeof(p), "%s/home/.config", root);
	setenv("XDG_CONFIG_HOME", p, 1);
	unsetenv("XDG_DATA_HOME");
	unsetenv("PREG_DIR");
	unsetenv("PREG_LOCK_TIMEOUT");
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	unsetenv("GIT_INDEX_FILE");
	setenv("PREG_NO_GC", "1", 1);
	setenv("GIT_AUTHOR_NAME", "Ivan Ivanov", 1);
	setenv("GIT_AUTHOR_EMAIL", "ivanov@example.com", 1);
	git_libgit2_init();
	return 0;
}

/* Remove the temporary directory. */
static inline void unit_home_teardown(void)
{
	git_libgit2_shutdown();
	nftw(unit_root(), unit_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* Make the register just made by reg_init in dir one of layout version 1,
 * as a preg before version 2 made it: its first commit amended with
 * preg.yaml's version set back. For tests that name records by their
 * version 1 paths; the layouts themselves are test_layout's. */
static inline void unit_layout_v1(const char *dir)
{
	git_repository *g = NULL;
	git_index *idx = NULL;
	git_object *head = NULL;
	git_tree *tree = NULL;
	git_oid tid, cid;
	char path[PATH_MAX + 64], text[4096], *v;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/preg.yaml", dir);
	f = fopen(path, "r+");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	v = strstr(text, "version: 2\n");
	assert_non_null(v);
	v[9] = '1';
	rewind(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(git_repository_open(&g, dir), 0);
	assert_int_equal(git_repository_index(&idx, g), 0);
	assert_int_equal(git_index_add_bypath(idx, "preg.yaml"), 0);
	assert_int_equal(git_index_write(idx), 0);
	assert_int_equal(git_index_write_tree(&tid, idx), 0);
	assert_int_equal(git_tree_lookup(&tree, g, &tid), 0);
	assert_int_equal(git_revparse_single(&head, g, "HEAD"), 0);
	assert_int_equal(git_commit_amend(&cid, (git_commit *)head, "HEAD", NULL, NULL, NULL, NULL, tree), 0);
	git_tree_free(tree);
	git_object_free(head);
	git_index_free(idx);
	git_repository_free(g);
}

/* ---- the clock and the phases ---- */

/* "YYYY-MM-DD" as days since the epoch; a bad date fails the test. */
static inline int32_t unit_day(const char *s)
{
	int32_t d;

	if (date_parse(&d, s))
		fail_msg("bad date %s", s);
	return d;
}

/* The phases of a template ("freight"), loaded; NULL when they do not
 * load (for a group setup to fail on). The caller frees them. */
static inline struct phases *unit_phases(const char *template)
{
	struct phases *p = NULL;
	const char *y = phases_template(template);

	if (!y || phases_load(&p, y, strlen(y), "preg.yaml"))
		return NULL;
	return p;
}

#endif
