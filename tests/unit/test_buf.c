/* test_buf: the growable string, and reading a file with a bound
 * (buf_read_file), which refuses a file too large before reading it; a
 * word quoted for the shell (buf_add_shell), read back by /bin/sh. */
#include "unit.h"
#include "buf.h"

#include <fcntl.h>
#include <unistd.h>

static char dir[] = "/tmp/preg-unit-buf-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return nftw(dir, unit_rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

static char *file(const char *name, const char *text, size_t len)
{
	char *p = NULL;
	FILE *f;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return p;
}

static void test_read_whole_file(void **state)
{
	char *p = file("record.yaml", "name: ООО «Ромашка»\n", strlen("name: ООО «Ромашка»\n"));
	struct buf b = BUF_INIT;
	size_t size = 0;

	(void)state;
	buf_adds(&b, "kept: ");
	assert_int_equal(buf_read_file(&b, p, 100, &size), 0);
	assert_int_equal(size, strlen("name: ООО «Ромашка»\n"));
	assert_string_equal(buf_str(&b), "kept: name: ООО «Ромашка»\n");
	/* Exactly at the bound is still whole. */
	buf_reset(&b);
	assert_int_equal(buf_read_file(&b, p, size, NULL), 0);
	assert_int_equal(b.len, size);
	buf_release(&b);
	free(p);
}

/* A sparse file of 4 GiB: refused by its size, without reading it (this
 * would take seconds and 4 GiB of memory otherwise). */
static void test_refuses_large_file_by_its_size(void **state)
{
	char *p = NULL, want[512];
	struct buf b = BUF_INIT;
	size_t size = 0;
	int fd;

	(void)state;
	assert_true(asprintf(&p, "%s/huge.csv", dir) > 0);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)4 << 30), 0);
	close(fd);
	buf_adds(&b, "before");
	preg_error_clear();
	assert_int_equal(buf_read_file(&b, p, 1 << 20, &size), PREG_EINVAL);
	assert_int_equal(size, (size_t)4 << 30);
	snprintf(want, sizeof(want), "'%s' is 4294967296 bytes, larger than 1048576", p);
	assert_string_equal(preg_error_msg(), want);
	/* Nothing of it was kept, and not much memory taken. */
	assert_string_equal(buf_str(&b), "before");
	assert_true(b.cap < 4096);
	buf_release(&b);
	/* One byte over the bound is over. */
	free(p);
	p = file("over", "12345", 5);
	assert_int_equal(buf_read_file(&b, p, 4, &size), PREG_EINVAL);
	assert_int_equal(size, 5);
	assert_int_equal(b.len, 0);
	buf_release(&b);
	free(p);
}

/* A pipe says no size: reading stops at the bound plus one byte. */
static void test_refuses_large_pipe_at_the_bound(void **state)
{
	int fds[2], saved;
	struct buf b = BUF_INIT;
	size_t size = 0;
	char chunk[4096];

	(void)state;
	memset(chunk, 'x', sizeof(chunk));
	assert_int_equal(pipe(fds), 0);
	/* 64 KiB fit in the pipe's buffer: no writer process needed. */
	for (int i = 0; i < 16; i++)
		assert_int_equal(write(fds[1], chunk, sizeof(chunk)), (ssize_t)sizeof(chunk));
	close(fds[1]);
	saved = dup(0);
	dup2(fds[0], 0);
	close(fds[0]);
	assert_error(buf_read_file(&b, "-", 10000, &size), PREG_EINVAL, "'-' is larger than 10000 bytes");
	assert_int_equal(size, SIZE_MAX);
	assert_int_equal(b.len, 0);
	assert_true(b.cap < 20000);
	/* What is left in the pipe was not read. */
	assert_true(read(0, chunk, sizeof(chunk)) > 0);
	dup2(saved, 0);
	close(saved);
	buf_release(&b);
}

static void test_missing_file(void **state)
{
	struct buf b = BUF_INIT;
	char want[512], *p = NULL;

	(void)state;
	assert_true(asprintf(&p, "%s/none.csv", dir) > 0);
	snprintf(want, sizeof(want), "cannot read '%s': No such file or directory", p);
	assert_error(buf_read_file(&b, p, 10, NULL), PREG_ENOTFOUND, want);
	snprintf(want, sizeof(want), "cannot read '%s': Is a directory", dir);
	assert_error(buf_read_file(&b, dir, 10, NULL), PREG_EIO, want);
	buf_release(&b);
	free(p);
}

/* s as buf_add_shell writes it. */
static char *shell_word(const char *s)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "[");
	buf_add_shell(&b, s);
	buf_adds(&b, "]");
	return buf_detach(&b);
}

/* What /bin/sh makes of the word: read back by a real shell. */
static void assert_shell_reads(const char *s)
{
	struct buf cmd = BUF_INIT;
	char got[256];
	size_t n;
	FILE *f;

	buf_adds(&cmd, "printf %s ");
	buf_add_shell(&cmd, s);
	f = popen(buf_str(&cmd), "r");
	assert_non_null(f);
	n = fread(got, 1, sizeof(got) - 1, f);
	got[n] = '\0';
	assert_int_equal(pclose(f), 0);
	assert_string_equal(got, s);
	buf_release(&cmd);
}

static void test_add_shell(void **state)
{
	static const char *const cases[][2] = {
		{ "/srv/git/sales.git", "[/srv/git/sales.git]" },
		{ "/srv/git/продажи.git", "[/srv/git/продажи.git]" },
		{ "host:sales.git", "[host:sales.git]" },
		{ "/srv/общий диск/sales.git", "['/srv/общий диск/sales.git']" },
		{ "/srv/it's.git", "['/srv/it'\\''s.git']" },
		{ "~/x", "['~/x']" },
		{ "$HOME;rm -rf *", "['$HOME;rm -rf *']" },
		{ "a\"b`c`\\d", "['a\"b`c`\\d']" },
		{ "", "['']" },
	};
	char *w;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		w = shell_word(cases[i][0]);
		assert_string_equal(w, cases[i][1]);
		free(w);
		if (*cases[i][0])
			assert_shell_reads(cases[i][0]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_whole_file),
		cmocka_unit_test(test_refuses_large_file_by_its_size),
		cmocka_unit_test(test_refuses_large_pipe_at_the_bound),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_add_shell),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
