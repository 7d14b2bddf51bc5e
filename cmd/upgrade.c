/* upgrade: move a register to the latest format version (preg upgrade). */
#include "cmd.h"
#include "err.h"
#include "upgrade.h"

static int cmd_upgrade(int argc, char **argv, struct ctx *ctx);

const struct cmd upgrade_cmd = {
	.name = "upgrade",
	.fn = cmd_upgrade,
	.flags = NEED_REGISTER | WRITES,
	.summary = "move the register to the latest format, in one commit",
};

static int cmd_upgrade(int argc, char **argv, struct ctx *ctx)
{
	struct upgrade_result u;
	int code = no_operands(ctx, argc, argv);

	if (code >= 0)
		return code;
	if (upgrade_run(ctx->reg, &u))
		return fail();
	if (u.from == u.to)
		printf("the register is at version %u, the latest: nothing to do\n", u.to);
	else
		printf("upgraded the register from version %u to %u: %zu client%s moved\n", u.from, u.to, u.moved,
		       u.moved == 1 ? "" : "s");
	return EXIT_OK;
}
