/* init: create a register (preg init). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "remote.h"
#include "sync.h"

/* The directory url names when it is local: a path (no "scheme://", no
 * "host:" before the first '/') or a file:// URL with an absolute path;
 * else NULL. Lent from url. */
static const char *local_path(const char *url)
{
	const char *colon = strchr(url, ':'), *slash = strchr(url, '/');

	if (!strncmp(url, "file:///", 8))
		return url + 7;
	if (strstr(url, "://") || (colon && (!slash || colon < slash)))
		return NULL;
	return url;
}

/* url as git will read it from the new register's config: a local path
 * made absolute, since git resolves a relative one from the register, not
 * from where the user typed it, as git clone does. Anything else (a file://
 * URL among it), or a path that does not exist, as given. */
static char *remote_url(const char *url)
{
	char *abs;

	if (local_path(url) != url || !(abs = realpath(url, NULL)))
		return strdup(url);
	return abs;
}

static int cmd_init(int argc, char **argv, struct ctx *ctx);

static const struct opt opts[] = {
	OPT_CHOICE('t', "template", VAL_CHOICE, "T", "freight|sales|blank", OPT_SHORT,
		   "the phases to start with: freight (default), sales or blank"),
	OPT_VALUE('r', "remote", VAL_URL, "URL", OPT_SHORT,
		  "share it: push it to URL, an empty repository or a new directory made a guarded remote"),
	OPERAND("DIR", VAL_DIR, OPT_OPTIONAL, "where; default: -C, $PREG_DIR, else ~/.local/share/preg"),
	OPT_END,
};

const struct cmd init_cmd = { .name = "init", .fn = cmd_init, .summary = "create a register", .opts = opts };

/* A new local remote: the guarded bare repository preg remote init makes,
 * the acting user its admin (who made the register answers for it). */
static int make_remote(struct reg *r, const char *path)
{
	char self[PATH_MAX], *abs;
	const char *user;

	if (reg_user(r, &user) || remote_self(self, sizeof(self)) || remote_init(path, user, self))
		return preg_error_prefix("cannot make the remote '%s'", path);
	abs = realpath(path, NULL);
	print_visible(stdout, "guarded remote in %s (admin %s)\n", abs ? abs : path, user);
	free(abs);
	return 0;
}

static bool has_origin(struct reg *r)
{
	char *url = NULL;
	bool has = !reg_config_get(r, "remote.origin.url", &url);

	preg_error_clear();
	free(url);
	return has;
}

/* After the first push into an existing local remote: a hint when it is
 * not guarded. */
static void hint_unguarded(const char *path)
{
	struct buf cmd = BUF_INIT;
	char **w = NULL;
	size_t n;
	int problems = 0;

	if (remote_check(path, &problems))
		preg_error_clear();
	preg_warnings_free(w, (n = preg_warnings_take(&w)));
	/* The command on a line of its own, its path quoted as the shell
	 * needs it, so that it can be pasted whole. */
	if (problems) {
		buf_add_shell(&cmd, path);
		print_visible(stderr, "hint: '%s' is not a guarded remote; to see what it lacks, run\n"
				      "hint:   preg remote check %s\n", path, buf_str(&cmd));
	}
	buf_release(&cmd);
}

/* Share the new register at dir: given (a URL or a path) becomes its
 * remote, made first when it is a local directory that does not exist,
 * and the first sync pushes it. The register stays when the remote cannot
 * be made or reached. */
static int init_remote(char *dir, const char *given)
{
	const char *path = local_path(given);
	struct reg *r = NULL;
	char *url = NULL;
	bool made = false;
	int rc = EXIT_FAIL;

	if (reg_open(&r, dir))
		goto fail;
	/* Nothing made for a repository that has a remote already: refused
	 * below, by sync_set_remote. */
	if (path && remote_absent(path) && !has_origin(r)) {
		if (make_remote(r, path)) {
			rc = fail();
			fprintf(stderr, "preg: the register is made, not shared\n");
			goto out;
		}
		made = true;
	}
	url = remote_url(given);
	if (sync_set_remote(r, url) || remote_setup_pull(r, false))
		goto fail;
	rc = sync_and_report(r, NULL);
	if (rc)
		fprintf(stderr, "preg: the register is made, with '%s' as its remote; run 'preg sync' to push it\n",
			url);
	else if (path && !made)
		hint_unguarded(path);
	goto out;
fail:
	rc = fail();
out:
	free(url);
	free(dir);
	reg_free(r);
	return rc;
}

static int cmd_init(int argc, char **argv, struct ctx *ctx)
{
	const char *tmpl = "freight", *remote = NULL, *arg;
	char *dir = NULL;
	int c;

	while ((c = opt_next(ctx, &arg)) != -1) {
		if (c == 't')
			tmpl = arg;
		else if (c == 'r')
			remote = arg;
	}
	if (argc > 1)
		return usage_error(ctx, "too many arguments");
	if (remote && !*remote)
		return usage_error(ctx, "empty --remote URL");
	if (argc && !(dir = realpath(argv[0], NULL)))
		dir = strdup(argv[0]); /* a new directory: the name as given */
	if (!dir && reg_locate(&dir, ctx->dir_opt, true))
		return fail();
	if (reg_init(dir, tmpl)) {
		free(dir);
		return fail();
	}
	{
		/* Name it as it is now that it exists: absolute. */
		char *abs = realpath(dir, NULL);

		printf("created a register in %s (template %s)\n", abs ? abs : dir, tmpl);
		free(abs);
	}
	if (remote)
		return init_remote(dir, remote);
	free(dir);
	return EXIT_OK;
}
