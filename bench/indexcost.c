/*
 * indexcost.c: what the index costs a write through libgit2, step by step
 * (bench/README.md, "Where the time of a write goes").
 *
 * Usage: indexcost REG PATH [REPS]
 * REG: a register (its .git/index is read and written; nothing else changes
 * but that entry's stat data). PATH: a tracked file, whose index entry is
 * set again from its own blob id, as preg's write sets the entry of the
 * record it changed.
 *
 * Prints the median CPU time in ms (user + system: the machine may be
 * shared) of each step over REPS rounds (default 9): libgit2's global
 * initialisation (TLS included), opening the repository, reading the index,
 * setting the entry, writing the index, freeing it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <git2.h>

#include "cputime.h"

enum { INIT, OPEN, READ, SET, WRITE, FREE, NSTEPS };

static const char *const step_names[NSTEPS] = {
	"libgit2 init", "open", "index read", "index set entry",
	"index write", "index free",
};

static void check(int rc, const char *what)
{
	const git_error *e;

	if (rc >= 0)
		return;
	e = git_error_last();
	fprintf(stderr, "indexcost: %s: %s\n", what, e ? e->message : "failed");
	exit(1);
}

int main(int argc, char **argv)
{
	int reps = argc > 3 ? atoi(argv[3]) : 9;
	double (*t)[NSTEPS];
	struct stat st;
	char ipath[4096];

	if (argc < 3 || argc > 4 || reps < 1) {
		fprintf(stderr, "usage: indexcost REG PATH [REPS]\n");
		return 2;
	}
	t = calloc((size_t)reps, sizeof(*t));
	if (!t)
		return 1;
	for (int r = 0; r < reps; r++) {
		git_repository *repo;
		git_index *idx;
		git_index_entry e;
		const git_index_entry *old;
		double t0 = cpu_ms(), t1;

		git_libgit2_init();
		/* As preg sets it: every write reaches the disk. */
		git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
		t1 = cpu_ms();
		t[r][INIT] = t1 - t0;
		check(git_repository_open(&repo, argv[1]), argv[1]);
		t0 = cpu_ms();
		t[r][OPEN] = t0 - t1;
		check(git_repository_index(&idx, repo), "index");
		t1 = cpu_ms();
		t[r][READ] = t1 - t0;
		old = git_index_get_bypath(idx, argv[2], 0);
		if (!old) {
			fprintf(stderr, "indexcost: '%s' is not in the index\n", argv[2]);
			return 1;
		}
		e = *old;
		e.mtime.seconds = (int32_t)time(NULL);
		check(git_index_add(idx, &e), "add");
		t0 = cpu_ms();
		t[r][SET] = t0 - t1;
		check(git_index_write(idx), "write");
		t1 = cpu_ms();
		t[r][WRITE] = t1 - t0;
		git_index_free(idx);
		git_repository_free(repo);
		t0 = cpu_ms();
		t[r][FREE] = t0 - t1;
		git_libgit2_shutdown();
	}
	snprintf(ipath, sizeof(ipath), "%s/.git/index", argv[1]);
	if (stat(ipath, &st) == 0)
		printf("index: %.1f MB\n", st.st_size / 1048576.0);
	for (int s = 0; s < NSTEPS; s++) {
		double v[reps];

		for (int r = 0; r < reps; r++)
			v[r] = t[r][s];
		printf("%-16s %7.1f ms\n", step_names[s], median(v, (size_t)reps));
	}
	free(t);
	return 0;
}
