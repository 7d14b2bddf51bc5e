/* clone: a shared register, with the merge driver set up (preg clone). */
#include <stdlib.h>

#include "cmd.h"
#include "err.h"
#include "sync.h"
#include "xalloc.h"

static int cmd_clone(int argc, char **argv, struct ctx *ctx);

static const struct opt clone_opts[] = {
	OPERAND("URL", VAL_URL, 0, "the shared register: a path, file://, ssh:// or any URL git takes"),
	OPERAND("DIR", VAL_DIR, OPT_OPTIONAL, "where; default: -C, $PREG_DIR, else ~/.local/share/preg"),
	OPT_END,
};

const struct cmd clone_cmd = {
	.name = "clone",
	.fn = cmd_clone,
	.summary = "clone a shared register and set up the merge driver",
	.opts = clone_opts,
};

static int cmd_clone(int argc, char **argv, struct ctx *ctx)
{
	char *dir = NULL, *abs;

	if (argc < 1)
		return usage_error(ctx, "clone needs the URL of a shared register");
	if (argc > 2)
		return usage_error(ctx, "too many arguments");
	if (!argv[0][0])
		return usage_error(ctx, "empty URL");
	if (argc > 1)
		dir = xstrdup(argv[1]);
	else if (reg_locate(&dir, ctx->dir_opt, true))
		return fail();
	if (sync_clone(argv[0], dir)) {
		free(dir);
		return fail();
	}
	abs = realpath(dir, NULL);
	printf("cloned %s into %s\n", argv[0], abs ? abs : dir);
	free(abs);
	free(dir);
	return EXIT_OK;
}
