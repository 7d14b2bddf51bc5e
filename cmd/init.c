/* init: create a register (preg init). */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "remote.h"
#include "sync.h"

/* url as git will read it from the new register's config: a local path
 * (no "scheme://", no "host:" before the first '/') made absolute, since
 * git resolves a relative one from the register, not from where the user
 * typed it, as git clone does. Anything else, or a path that does not
 * exist, as given. */
static char *remote_url(const char *url)
{
	const char *colon = strchr(url, ':'), *slash = strchr(url, '/');
	char *abs;

	if (strstr(url, "://") || (colon && (!slash || colon < slash)) || !(abs = realpath(url, NULL)))
		return strdup(url);
	return abs;
}

static int cmd_init(int argc, char **argv, struct ctx *ctx);

static const struct opt opts[] = {
	OPT_CHOICE('t', "template", VAL_CHOICE, "T", "freight|sales|blank", OPT_SHORT,
		   "the phases to start with: freight (default), sales or blank"),
	OPT_VALUE('r', "remote", VAL_URL, "URL", OPT_SHORT,
		  "share it: make URL (an empty repository) its remote and push to it"),
	OPERAND("DIR", VAL_DIR, OPT_OPTIONAL, "where; default: -C, $PREG_DIR, else ~/.local/share/preg"),
	OPT_END,
};

const struct cmd init_cmd = { .name = "init", .fn = cmd_init, .summary = "create a register", .opts = opts };

/* Share the new register at dir: url becomes its remote, and the first
 * sync pushes it. The register stays when the remote cannot be reached. */
static int init_remote(char *dir, const char *url)
{
	struct reg *r = NULL;
	int rc;

	if (reg_open(&r, dir) || sync_set_remote(r, url) || remote_setup_pull(r, false)) {
		free(dir);
		reg_free(r);
		return fail();
	}
	free(dir);
	rc = sync_and_report(r, NULL);
	if (rc)
		fprintf(stderr, "preg: the register is made, with '%s' as its remote; run 'preg sync' to push it\n",
			url);
	reg_free(r);
	return rc;
}

static int cmd_init(int argc, char **argv, struct ctx *ctx)
{
	const char *tmpl = "freight", *remote = NULL, *arg;
	char *dir = NULL;
	int c, rc;

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
	if (remote) {
		char *url = remote_url(remote);

		rc = init_remote(dir, url);
		free(url);
		return rc;
	}
	free(dir);
	return EXIT_OK;
}
