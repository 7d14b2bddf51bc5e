/* test_index: a write's index entries set in the index file itself
 * (register_index.c), checked against libgit2 reading the result: the
 * entries, the cached trees, the bytes libgit2 itself would write, racily
 * clean entries, and the indexes it leaves to libgit2 untouched. */
#include "unit.h"
#include "register.h"
#include "register_priv.h"
#include "xalloc.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/index.h>

static int serial;

static int group_setup(void **state)
{
	(void)state;
	if (unit_home_setup("index"))
		return -1;
	setenv("PREG_NOW", "2026-11-02T10:15:00+05:00", 1);
	setenv("PREG_USER", "ivanov", 1);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	unit_home_teardown();
	return 0;
}

static char *path_of(const char *dir, const char *rel)
{
	return xasprintf("%s/%s", dir, rel);
}

static void spew(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = xmalloc((size_t)n + 1);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return s;
}

static const char *const files[] = {
	"clients/0a/alfa.yaml", "clients/0a/bravo.yaml", "clients/5c/charlie.yaml",
	"clients/5c/delta.yaml", "clients/f1/echo.yaml", "preg-notes.txt",
};
#define NFILES (sizeof(files) / sizeof(*files))

/* A register whose work tree holds files[], each in the index (of the
 * given version, with its cached trees when trees): r is open on it. */
static struct reg *setup_reg(char **dir, unsigned version, bool trees)
{
	char *d = xasprintf("%s/reg-%d", unit_root(), ++serial);
	struct reg *r = NULL;
	git_repository *g = NULL;
	git_index *idx = NULL;
	git_oid tree;

	preg_error_clear();
	if (reg_init(d, "freight") || reg_open(&r, d))
		fail_msg("register: %s", preg_error_msg());
	for (size_t i = 0; i < NFILES; i++) {
		char *p = path_of(d, files[i]), *slash = strrchr(p, '/');
		char *text = xasprintf("id: %s\nname: Client %zu\n", files[i], i);

		/* Each directory on the way down. */
		for (char *q = p + strlen(d) + 1; q < slash; q++)
			if (*q == '/') {
				*q = '\0';
				mkdir(p, 0777);
				*q = '/';
			}
		*slash = '\0';
		mkdir(p, 0777);
		*slash = '/';
		spew(p, text);
		free(text);
		free(p);
	}
	assert_int_equal(git_repository_open(&g, d), 0);
	assert_int_equal(git_repository_index(&idx, g), 0);
	for (size_t i = 0; i < NFILES; i++)
		assert_int_equal(git_index_add_bypath(idx, files[i]), 0);
	if (version == 3) {
		/* libgit2 writes version 3 only for an entry with extended
		 * flags: one added with intent to add (git add -N). */
		git_index_entry e;

		memset(&e, 0, sizeof(e));
		e.path = "later.txt";
		e.mode = GIT_FILEMODE_BLOB;
		e.flags_extended = GIT_INDEX_ENTRY_INTENT_TO_ADD;
		assert_int_equal(git_blob_create_from_buffer(&e.id, g, "", 0), 0);
		assert_int_equal(git_index_add(idx, &e), 0);
	}
	assert_int_equal(git_index_set_version(idx, version), 0);
	if (trees)
		assert_int_equal(git_index_write_tree(&tree, idx), 0); /* fills the cached trees */
	assert_int_equal(git_index_write(idx), 0);
	git_index_free(idx);
	git_repository_free(g);
	*dir = d;
	return r;
}

/* The entry to set for rel: the file's blob id and stat data, after text
 * is written to it (NULL: as it is); the blob is written. */
static void change(const char *dir, const char *rel, const char *text, struct reg_ixset *s)
{
	char *p = path_of(dir, rel);

	if (text)
		spew(p, text);
	memset(s, 0, sizeof(*s));
	s->path = rel;
	{
		/* Into the repository, as a write's commit puts it. */
		git_repository *g = NULL;

		assert_int_equal(git_repository_open(&g, dir), 0);
		assert_int_equal(git_blob_create_from_disk(&s->oid, g, p), 0);
		git_repository_free(g);
	}
	assert_int_equal(lstat(p, &s->st), 0);
	s->has_st = true;
	free(p);
}

/* The tree of the index's entries, computed without its cached trees. */
static void tree_of_entries(git_repository *g, git_index *idx, git_oid *out)
{
	git_index *fresh = NULL;

	assert_int_equal(git_index_new(&fresh), 0);
	for (size_t i = 0; i < git_index_entrycount(idx); i++)
		assert_int_equal(git_index_add(fresh, git_index_get_byindex(idx, i)), 0);
	assert_int_equal(git_index_write_tree_to(out, fresh, g), 0);
	git_index_free(fresh);
}

static bool has_ext(const char *dir, const char *sig)
{
	char *p = path_of(dir, ".git/index");
	size_t n;
	char *s = slurp(p, &n);
	bool found = memmem(s, n, sig, 4) != NULL;

	free(s);
	free(p);
	return found;
}

/* Every index version, with and without cached trees: the entry set, the
 * others kept, the cached trees on its path invalidated (libgit2 builds
 * the same tree from them as from the entries), the version kept, and the
 * file byte for byte what libgit2 writes when it writes the same index. */
static void test_patch_each_version(void **state)
{
	(void)state;
	for (unsigned version = 2; version <= 4; version++) {
		for (int trees = 0; trees < 2; trees++) {
			char *dir, *ip, *copy, *a, *b;
			struct reg *r = setup_reg(&dir, version, trees);
			struct reg_ixset s[2];
			git_repository *g = NULL;
			git_index *idx = NULL, *again = NULL;
			const git_index_entry *e;
			git_oid cached, want, before;
			size_t na, nb, count;

			ip = path_of(dir, ".git/index");
			copy = path_of(dir, "index-copy");
			assert_int_equal(git_repository_open(&g, dir), 0);
			assert_int_equal(git_repository_index(&idx, g), 0);
			assert_int_equal(git_index_write_tree(&before, idx), 0);
			count = git_index_entrycount(idx);
			assert_true(count >= NFILES);
			git_index_free(idx);
			assert_true(has_ext(dir, "TREE") == (bool)trees);

			change(dir, "clients/5c/delta.yaml", "id: delta\nname: Delta, changed\n", &s[0]);
			change(dir, "clients/0a/alfa.yaml", "id: alfa\nname: Alfa, changed as well\n", &s[1]);
			assert_int_equal(reg_ix_check(r), 0);
			assert_int_equal(reg_ix_patch(r, s, 2), 0);
			assert_null(r->ix); /* dropped once written */

			assert_int_equal(git_repository_index(&idx, g), 0);
			assert_int_equal(git_index_read(idx, 1), 0);
			assert_int_equal(git_index_version(idx), version);
			assert_int_equal(git_index_entrycount(idx), count);
			for (size_t i = 0; i < 2; i++) {
				e = git_index_get_bypath(idx, s[i].path, 0);
				assert_non_null(e);
				assert_true(git_oid_equal(&e->id, &s[i].oid));
				assert_int_equal(e->file_size, (uint32_t)s[i].st.st_size);
				assert_int_equal(e->mtime.seconds, (int32_t)s[i].st.st_mtim.tv_sec);
				assert_int_equal(e->mtime.nanoseconds, (uint32_t)s[i].st.st_mtim.tv_nsec);
				assert_int_equal(e->ino, (uint32_t)s[i].st.st_ino);
				assert_int_equal(e->mode, 0100644);
			}
			e = git_index_get_bypath(idx, "clients/f1/echo.yaml", 0);
			assert_non_null(e);
			/* What git_index_write_tree makes of the cached trees is
			 * the tree of the entries: none stale was kept. */
			assert_int_equal(git_index_write_tree(&cached, idx), 0);
			tree_of_entries(g, idx, &want);
			assert_true(git_oid_equal(&cached, &want));
			assert_false(git_oid_equal(&cached, &before));
			git_index_free(idx);

			/* libgit2 writes the same index as the same bytes. */
			a = slurp(ip, &na);
			{
				FILE *f = fopen(copy, "wb");

				assert_int_equal(fwrite(a, 1, na, f), na);
				fclose(f);
			}
			assert_int_equal(git_index_open(&again, copy), 0);
			assert_int_equal(git_index_write(again), 0);
			git_index_free(again);
			b = slurp(copy, &nb);
			assert_int_equal(na, nb);
			assert_memory_equal(a, b, na);
			free(a);
			free(b);

			git_repository_free(g);
			reg_free(r);
			free(ip);
			free(copy);
			free(dir);
		}
	}
}

/* An entry written in the same instant as the index (racily clean): when
 * its file has changed since, the new index gives it size 0, so that git
 * looks at the content, as libgit2 and git do; unchanged, it is kept. */
static void test_patch_racy(void **state)
{
	char *dir, *ip, *bp;
	struct reg *r = setup_reg(&dir, 4, true);
	struct reg_ixset s;
	git_repository *g = NULL;
	git_index *idx = NULL;
	const git_index_entry *e;
	struct timespec t[2];
	uint32_t size_b, size_c;

	(void)state;
	ip = path_of(dir, ".git/index");
	bp = path_of(dir, "clients/0a/bravo.yaml");
	assert_int_equal(git_repository_open(&g, dir), 0);
	assert_int_equal(git_repository_index(&idx, g), 0);
	e = git_index_get_bypath(idx, "clients/0a/bravo.yaml", 0);
	size_b = e->file_size;
	t[0].tv_sec = t[1].tv_sec = e->mtime.seconds;
	t[0].tv_nsec = t[1].tv_nsec = e->mtime.nanoseconds;
	size_c = git_index_get_bypath(idx, "clients/5c/charlie.yaml", 0)->file_size;
	git_index_free(idx);
	/* bravo changes, same size, its mtime put back: only its ctime says
	 * so, which git can be told to ignore (core.trustctime). */
	spew(bp, "id: clients/0a/bravo.yaml\nname: Client X\n");
	assert_int_equal(utimensat(AT_FDCWD, bp, t, 0), 0);
	/* The index written in bravo's instant: every entry is racy. */
	assert_int_equal(utimensat(AT_FDCWD, ip, t, 0), 0);

	change(dir, "clients/f1/echo.yaml", "id: echo\nname: Echo, changed\n", &s);
	assert_int_equal(reg_ix_check(r), 0);
	assert_int_equal(reg_ix_patch(r, &s, 1), 0);

	assert_int_equal(git_repository_index(&idx, g), 0);
	assert_int_equal(git_index_read(idx, 1), 0);
	assert_int_equal(git_index_get_bypath(idx, "clients/0a/bravo.yaml", 0)->file_size, 0);
	assert_true(size_b != 0);
	assert_int_equal(git_index_get_bypath(idx, "clients/5c/charlie.yaml", 0)->file_size, size_c);
	assert_true(git_oid_equal(&git_index_get_bypath(idx, "clients/f1/echo.yaml", 0)->id, &s.oid));
	git_index_free(idx);
	git_repository_free(g);
	reg_free(r);
	free(ip);
	free(bp);
	free(dir);
}

/* Whether the index file is still the one stat'ed in before, bytes and all. */
static void assert_index_unchanged(const char *dir, const struct stat *before, const char *bytes, size_t n)
{
	char *ip = path_of(dir, ".git/index");
	struct stat st;
	size_t m;
	char *now;

	assert_int_equal(lstat(ip, &st), 0);
	assert_int_equal(st.st_ino, before->st_ino);
	now = slurp(ip, &m);
	assert_int_equal(m, n);
	assert_memory_equal(now, bytes, n);
	free(now);
	free(ip);
	ip = path_of(dir, ".git/index.lock");
	assert_false(access(ip, F_OK) == 0);
	free(ip);
}

/* What is left to libgit2 is left untouched: a path not in the index, an
 * index with a resolve-undo extension, one whose checksum is wrong, and
 * any index when PREG_INDEX_LIBGIT2 is set. */
static void test_patch_leaves_to_libgit2(void **state)
{
	char *dir, *ip, *bytes;
	struct reg *r = setup_reg(&dir, 4, true);
	struct reg_ixset s;
	struct stat st;
	size_t n;
	git_repository *g = NULL;
	git_index *idx = NULL;
	git_oid id;

	(void)state;
	ip = path_of(dir, ".git/index");
	assert_int_equal(lstat(ip, &st), 0);
	bytes = slurp(ip, &n);

	/* A new path. */
	{
		char *d77 = path_of(dir, "clients/77");

		mkdir(d77, 0777);
		free(d77);
	}
	change(dir, "clients/77/new.yaml", "id: new\n", &s);
	assert_int_equal(reg_ix_check(r), 0);
	assert_int_equal(reg_ix_patch(r, &s, 1), 1);
	assert_index_unchanged(dir, &st, bytes, n);

	/* PREG_INDEX_LIBGIT2. */
	change(dir, "clients/0a/alfa.yaml", "id: alfa\nname: A\n", &s);
	setenv("PREG_INDEX_LIBGIT2", "1", 1);
	assert_int_equal(reg_ix_check(r), 1);
	assert_int_equal(reg_ix_patch(r, &s, 1), 1);
	unsetenv("PREG_INDEX_LIBGIT2");
	assert_index_unchanged(dir, &st, bytes, n);

	/* A checksum that does not match (one bit of an entry's ctime). */
	{
		int fd = open(ip, O_RDWR);
		unsigned char c;

		assert_true(pread(fd, &c, 1, 13) == 1);
		c ^= 1;
		assert_true(pwrite(fd, &c, 1, 13) == 1);
		close(fd);
		free(bytes);
		assert_int_equal(lstat(ip, &st), 0);
		bytes = slurp(ip, &n);
	}
	assert_int_equal(reg_ix_check(r), 1);
	assert_int_equal(reg_ix_patch(r, &s, 1), 1);
	assert_index_unchanged(dir, &st, bytes, n);
	free(bytes);

	/* Resolve-undo (REUC), which libgit2 keeps and this does not. */
	unlink(ip); /* libgit2 refuses the bad checksum too: a new index */
	assert_int_equal(git_repository_open(&g, dir), 0);
	assert_int_equal(git_repository_index(&idx, g), 0);
	assert_int_equal(git_index_read(idx, 1), 0);
	assert_int_equal(git_index_add_bypath(idx, "clients/0a/alfa.yaml"), 0);
	assert_int_equal(git_odb_hash(&id, "x", 1, GIT_OBJECT_BLOB), 0);
	assert_int_equal(git_index_reuc_add(idx, "clients/0a/alfa.yaml", 0100644, &id, 0100644, &id, 0100644, &id), 0);
	assert_int_equal(git_index_write(idx), 0);
	git_index_free(idx);
	git_repository_free(g);
	assert_true(has_ext(dir, "REUC"));
	assert_int_equal(lstat(ip, &st), 0);
	bytes = slurp(ip, &n);
	change(dir, "clients/0a/alfa.yaml", "id: alfa\nname: B\n", &s);
	assert_int_equal(reg_ix_check(r), 1);
	assert_int_equal(reg_ix_patch(r, &s, 1), 1);
	assert_index_unchanged(dir, &st, bytes, n);
	free(bytes);

	reg_free(r);
	free(ip);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_patch_each_version),
		cmocka_unit_test(test_patch_racy),
		cmocka_unit_test(test_patch_leaves_to_libgit2),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
