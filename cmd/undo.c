/* undo: revert the user's last change with a new commit (preg undo). */
#include "cmd.h"
#include "ops.h"

static int cmd_undo(int argc, char **argv, struct ctx *ctx);

const struct cmd undo_cmd = {
	.name = "undo",
	.fn = cmd_undo,
	.flags = NEED_REGISTER | WRITES,
	.summary = "revert your last change with a new commit",
};

static int cmd_undo(int argc, char **argv, struct ctx *ctx)
{
	struct undo_opts o;
	int code = no_operands(ctx, argc, argv);

	if (code >= 0)
		return code;
	if (ops_undo(ctx->reg, &o)) {
		undo_release(&o);
		return fail();
	}
	print_visible(stdout, "undid %.7s (%s)\n", o.undone, o.summary);
	undo_release(&o);
	return EXIT_OK;
}
