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
