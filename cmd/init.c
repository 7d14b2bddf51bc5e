/* init: create a register (preg init). */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "remote.h"
#include "sync.h"

static int cmd_init(int argc, char **argv, struct ctx *ctx);

static const struct option opts[] = {
	{ "template", required_argument, NULL, 't' },
	{ "remote", required_argument, NULL, 'r' },
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const usage[] = {
	"preg init [--template freight|sales|blank] [--remote URL] [DIR]",
	"",
	"    -t, --template T   the phases to start with: freight (default), sales or blank",
	"    -r, --remote URL   share it: make URL (an empty repository) its remote and push to it",
	"    DIR                where; default: -C, $PREG_DIR, else ~/.local/share/preg",
	NULL,
};

const struct cmd init_cmd = { "init", cmd_init, 0, "create a register", opts, usage, NULL };

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
	const char *tmpl = "freight", *remote = NULL;
	char *dir = NULL;
	int c, code;

	while ((c = next_opt(argc, argv, "ht:r:", ctx, &code)) != -1) {
		if (c == 't')
			tmpl = optarg;
		else if (c == 'r')
			remote = optarg;
	}
	if (code >= 0)
		return code;
	if (argc - optind > 1)
		return usage_error(ctx, "too many arguments");
	if (remote && !*remote)
		return usage_error(ctx, "empty --remote URL");
	if (optind < argc && !(dir = realpath(argv[optind], NULL)))
		dir = strdup(argv[optind]); /* a new directory: the name as given */
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
