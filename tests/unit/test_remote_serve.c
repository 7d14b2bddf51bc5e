/* test_remote_serve: what preg remote serve lets an ssh key run. */
#include <string.h>
#include <sys/stat.h>

#include "unit.h"
#include "err.h"
#include "remote.h"
#include "xalloc.h"

static int group_setup(void **state)
{
	(void)state;
	return unit_home_setup("remote-serve");
}

static int group_teardown(void **state)
{
	(void)state;
	unit_home_teardown();
	return 0;
}

/* A guarded remote at dir (remote_init), its hook running /bin/true. */
static char *guarded(const char *name)
{
	char *dir = xasprintf("%s/%s", unit_root(), name);

	if (remote_init(dir, NULL, "/bin/true"))
		fail_msg("remote init: %s", preg_error_msg());
	return dir;
}

static int serve(const char *cmd, const char *dir, char **service, char **path)
{
	int rc = remote_serve_parse(cmd, dir, service, path);

	if (rc)
		preg_error_clear();
	return rc;
}

static void test_serve(void **state)
{
	char *dir = guarded("sales.git"), *odd = guarded("it's!.git");
	char *plain = xasprintf("%s/plain.git", unit_root());
	char *cmd, *service = NULL, *path = NULL;

	(void)state;
	mkdir(plain, 0777);
	/* git's own quoting, as ssh hands it over. */
	cmd = xasprintf("git-receive-pack '%s'", dir);
	assert_int_equal(serve(cmd, dir, &service, &path), 0);
	assert_string_equal(service, "receive-pack");
	assert_string_equal(path, dir);
	free(service);
	free(path);
	free(cmd);
	cmd = xasprintf("git-upload-pack '%s/it'\\''s'\\!'.git'", unit_root());
	assert_int_equal(serve(cmd, NULL, &service, &path), 0);
	assert_string_equal(service, "upload-pack");
	assert_string_equal(path, odd);
	free(service);
	free(path);
	free(cmd);
	/* Another repository than the key's one, one not guarded, a spelling
	 * of the same one. */
	cmd = xasprintf("git-receive-pack '%s'", odd);
	assert_int_equal(serve(cmd, dir, &service, &path), PREG_EINVAL);
	assert_null(service);
	free(cmd);
	cmd = xasprintf("git-receive-pack '%s'", plain);
	assert_int_equal(serve(cmd, NULL, &service, &path), PREG_EINVAL);
	free(cmd);
	cmd = xasprintf("git-receive-pack '%s/../%s/sales.git/'", unit_root(), strrchr(unit_root(), '/') + 1);
	assert_int_equal(serve(cmd, dir, &service, &path), 0);
	free(service);
	free(path);
	free(cmd);
	/* Anything but the two commands, or more after the path. */
	assert_int_equal(serve(NULL, dir, &service, &path), PREG_EINVAL);
	assert_int_equal(serve("sh -c id", dir, &service, &path), PREG_EINVAL);
	assert_int_equal(serve("git-upload-archive '/x'", NULL, &service, &path), PREG_EINVAL);
	cmd = xasprintf("git-receive-pack '%s'; id", dir);
	assert_int_equal(serve(cmd, dir, &service, &path), PREG_EINVAL);
	free(cmd);
	cmd = xasprintf("git-receive-pack %s", dir);
	assert_int_equal(serve(cmd, dir, &service, &path), PREG_EINVAL);
	free(cmd);
	assert_int_equal(serve("git-receive-pack ''", NULL, &service, &path), PREG_EINVAL);
	assert_int_equal(serve("git-receive-pack 'x", NULL, &service, &path), PREG_EINVAL);
	free(plain);
	free(dir);
	free(odd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serve),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
