/* remote: the team's guarded bare repository (preg remote). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "err.h"
#include "remote.h"

static int remote_init_cmd(int argc, char **argv, struct ctx *ctx);
static int remote_check_cmd(int argc, char **argv, struct ctx *ctx);
static int remote_hook_cmd(int argc, char **argv, struct ctx *ctx);

static const struct option init_opts[] = {
	{ "admin", required_argument, NULL, 'a' },
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const init_usage[] = {
	"preg remote init DIR [--admin M]",
	"",
	"    --admin M        the manager who may change preg.yaml besides the heads",
	NULL,
};

static const struct option plain_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const check_usage[] = {
	"preg remote check DIR",
	NULL,
};

static const char *const hook_usage[] = {
	"preg remote hook",
	NULL,
};

const struct cmd remote_cmds[] = {
	{ "init", remote_init_cmd, 0, "make a guarded bare repository to share a register through", init_opts,
	  init_usage, NULL },
	{ "check", remote_check_cmd, 0, "say what a bare repository lacks to be a guarded remote", plain_opts,
	  check_usage, NULL },
	{ "hook", remote_hook_cmd, 0, "the pre-receive hook: check a push (git runs it)", plain_opts, hook_usage,
	  NULL },
	{ 0 },
};

/* One operand, DIR. -1 to go on, else the exit code. */
static int one_dir(struct ctx *ctx, int argc, int code)
{
	if (code >= 0)
		return code;
	if (optind + 1 != argc)
		return usage_error(ctx, optind == argc ? "which directory?" : "too many arguments");
	return -1;
}

static int remote_init_cmd(int argc, char **argv, struct ctx *ctx)
{
	const char *admin = NULL;
	char self[PATH_MAX];
	ssize_t n;
	int c, code;

	while ((c = next_opt(argc, argv, "h", ctx, &code)) != -1)
		if (c == 'a')
			admin = optarg;
	if ((code = one_dir(ctx, argc, code)) >= 0)
		return code;
	if (admin && !handle_valid(admin))
		return usage_error(ctx, "invalid manager '%s'", admin);
	/* The hook runs this very preg, whatever PATH git gives hooks. */
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0) {
		preg_error_set(PREG_ERR, "cannot find the preg binary (/proc/self/exe)");
		return fail();
	}
	self[n] = 0;
	if (remote_init(argv[optind], admin, self))
		return fail();
	print_visible(stdout, "guarded remote in %s\n", argv[optind]);
	return EXIT_OK;
}

static int remote_check_cmd(int argc, char **argv, struct ctx *ctx)
{
	char **w;
	size_t n;
	int c, code, problems;

	while ((c = next_opt(argc, argv, "h", ctx, &code)) != -1)
		;
	if ((code = one_dir(ctx, argc, code)) >= 0)
		return code;
	if (remote_check(argv[optind], &problems))
		return fail();
	n = preg_warnings_take(&w);
	for (size_t i = 0; i < n; i++)
		print_visible(stdout, "%s\n", w[i]);
	preg_warnings_free(w, n);
	if (!problems)
		printf("ok: a guarded remote\n");
	return problems ? EXIT_FAIL : EXIT_OK;
}

static int remote_hook_cmd(int argc, char **argv, struct ctx *ctx)
{
	struct buf in = BUF_INIT;
	char **w;
	size_t n;
	int c, code, refused = 0, rc;

	while ((c = next_opt(argc, argv, "h", ctx, &code)) != -1)
		;
	if (code >= 0)
		return code;
	if (optind < argc)
		return usage_error(ctx, "too many arguments");
	if (buf_read_file(&in, "-", 1 << 20, NULL))
		return fail();
	/* git runs the hook in the bare repository. */
	rc = remote_hook(".", buf_str(&in), &refused);
	buf_release(&in);
	if (rc)
		return fail();
	/* git shows the hook's standard error to the pusher as "remote:" lines. */
	n = preg_warnings_take(&w);
	for (size_t i = 0; i < n; i++)
		print_visible(stderr, "preg: %s\n", w[i]);
	preg_warnings_free(w, n);
	return refused ? EXIT_FAIL : EXIT_OK;
}
