/* init: create a register (preg init). */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"

static int cmd_init(int argc, char **argv, struct ctx *ctx);

static const struct option opts[] = {
	{ "template", required_argument, NULL, 't' },
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const usage[] = {
	"preg init [--template freight|sales|blank] [DIR]",
	"",
	"    -t, --template T   the phases to start with: freight (default), sales or blank",
	"    DIR                where; default: -C, $PREG_DIR, else ~/.local/share/preg",
	NULL,
};

const struct cmd init_cmd = { "init", cmd_init, 0, "create a register", opts, usage, NULL };

static int cmd_init(int argc, char **argv, struct ctx *ctx)
{
	const char *tmpl = "freight";
	char *dir = NULL;
	int c, code;

	while ((c = next_opt(argc, argv, "ht:", ctx, &code)) != -1)
		if (c == 't')
			tmpl = optarg;
	if (code >= 0)
		return code;
	if (argc - optind > 1)
		return usage_error(ctx, "too many arguments");
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
	free(dir);
	return EXIT_OK;
}
