/* remote: the team's guarded bare repository (preg remote). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "err.h"
#include "format.h"
#include "remote.h"

static int remote_init_cmd(int argc, char **argv, struct ctx *ctx);
static int remote_check_cmd(int argc, char **argv, struct ctx *ctx);
static int remote_hook_cmd(int argc, char **argv, struct ctx *ctx);
static int remote_serve_cmd(int argc, char **argv, struct ctx *ctx);

static const struct opt init_opts[] = {
	OPERAND("DIR", VAL_DIR, 0, "the bare repository, made or guarded in place"),
	OPT_VALUE('a', "admin", VAL_MANAGER, "M", 0, "the manager who may change preg.yaml besides the heads"),
	OPT_END,
};

static const struct opt check_opts[] = {
	OPERAND("DIR", VAL_DIR, 0, "the bare repository"),
	OPT_END,
};

static const struct opt hook_opts[] = {
	OPT_END,
};

static const struct opt serve_opts[] = {
	OPERAND("DIR", VAL_DIR, OPT_OPTIONAL, "the one repository this key reaches; default: any guarded remote"),
	OPT_VALUE('u', "user", VAL_MANAGER, "M", OPT_REQUIRED, "the manager this ssh key belongs to"),
	OPT_END,
};

const struct cmd remote_cmds[] = {
	{ .name = "init", .fn = remote_init_cmd,
	  .summary = "make a guarded bare repository to share a register through", .opts = init_opts },
	{ .name = "check", .fn = remote_check_cmd,
	  .summary = "say what a bare repository lacks to be a guarded remote", .opts = check_opts },
	{ .name = "hook", .fn = remote_hook_cmd, .summary = "the pre-receive hook: check a push (git runs it)",
	  .opts = hook_opts },
	{ .name = "serve", .fn = remote_serve_cmd,
	  .summary = "serve git push and fetch for one ssh key's manager (authorized_keys command=)",
	  .opts = serve_opts },
	{ 0 },
};

/* One operand, DIR. -1 to go on, else the exit code. */
static int one_dir(struct ctx *ctx, int argc)
{
	if (argc != 1)
		return usage_error(ctx, argc ? "too many arguments" : "which directory?");
	return -1;
}

int remote_self(char *self, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", self, size - 1);

	if (n <= 0)
		return preg_error_set(PREG_ERR, "cannot find the preg binary (/proc/self/exe)");
	self[n] = 0;
	return 0;
}

static int remote_init_cmd(int argc, char **argv, struct ctx *ctx)
{
	const char *admin = NULL, *arg;
	char self[PATH_MAX];
	int code;

	while (opt_next(ctx, &arg) == 'a')
		admin = arg;
	if ((code = one_dir(ctx, argc)) >= 0)
		return code;
	if (admin && !handle_valid(admin))
		return usage_error(ctx, "invalid manager '%s'", admin);
	if (remote_self(self, sizeof(self)) || remote_init(argv[0], admin, self))
		return fail();
	print_visible(stdout, "guarded remote in %s\n", argv[0]);
	return EXIT_OK;
}

static int remote_check_cmd(int argc, char **argv, struct ctx *ctx)
{
	char **w;
	size_t n;
	int code, problems;

	if ((code = one_dir(ctx, argc)) >= 0)
		return code;
	if (remote_check(argv[0], &problems))
		return fail();
	n = preg_warnings_take(&w);
	for (size_t i = 0; i < n; i++)
		print_visible(stdout, "%s\n", w[i]);
	preg_warnings_free(w, n);
	if (!problems)
		printf("ok: a guarded remote\n");
	return problems ? EXIT_FAIL : EXIT_OK;
}

/* Who pushes, as the server running the hook says: preg remote serve,
 * gitolite, gitea or forgejo, a web server's authentication. NULL: a
 * push nobody names (a file server, plain ssh without serve). */
static const char *pusher(void)
{
	const char *v[] = { getenv("PREG_PUSHER"), getenv("GL_USER"), getenv("GITEA_PUSHER_NAME"),
			    getenv("REMOTE_USER") };

	for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++)
		if (v[i] && *v[i])
			return v[i];
	return NULL;
}

static int remote_hook_cmd(int argc, char **argv, struct ctx *ctx)
{
	struct buf in = BUF_INIT;
	char **w;
	size_t n;
	int refused = 0, rc;

	if ((rc = no_operands(ctx, argc, argv)) >= 0)
		return rc;
	if (buf_read_file(&in, "-", 1 << 20, NULL))
		return fail();
	/* git runs the hook in the bare repository. */
	rc = remote_hook(".", buf_str(&in), pusher(), &refused);
	buf_release(&in);
	if (rc)
		return fail();
	/* git shows the hook's standard error to the pusher as "remote:" lines;
	 * a line break in a pushed file's name is shown too (^J), so that no
	 * line can pass for one of preg's. */
	n = preg_warnings_take(&w);
	for (size_t i = 0; i < n; i++) {
		struct buf b = BUF_INIT;

		fmt_visible(&b, w[i], false);
		fprintf(stderr, "preg: %s\n", buf_str(&b));
		buf_release(&b);
	}
	preg_warnings_free(w, n);
	return refused ? EXIT_FAIL : EXIT_OK;
}

static int remote_serve_cmd(int argc, char **argv, struct ctx *ctx)
{
	const char *user = NULL, *arg;
	char *service = NULL, *path = NULL;

	while (opt_next(ctx, &arg) == 'u')
		user = arg;
	if (argc > 1)
		return usage_error(ctx, "too many arguments");
	if (!user)
		return usage_error(ctx, "whose key? (--user M)");
	if (!handle_valid(user))
		return usage_error(ctx, "invalid manager '%s'", user);
	if (remote_serve_parse(getenv("SSH_ORIGINAL_COMMAND"), argc ? argv[0] : NULL, &service, &path))
		return fail();
	/* The hook learns who pushes from here: ssh has proven the key. */
	if (setenv("PREG_PUSHER", user, 1)) {
		preg_error_set(PREG_ERR, "cannot set PREG_PUSHER");
	} else {
		fflush(NULL);
		execlp("git", "git", service, path, (char *)NULL);
		preg_error_set(PREG_ERR, "cannot run 'git %s': %s", service, strerror(errno));
	}
	free(service);
	free(path);
	return fail();
}
