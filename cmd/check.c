/* check: what is wrong in the register, for a person or a pre-commit hook (preg check). */
#include <string.h>

#include "check.h"
#include "cmd.h"

static int cmd_check(int argc, char **argv, struct ctx *ctx);

static const struct opt opts[] = {
	OPT_FLAG('s', "staged", 0, "check the records as the git index holds them (a pre-commit hook)"),
	OPT_END,
};

const struct cmd check_cmd = {
	.name = "check",
	.fn = cmd_check,
	.flags = NEED_REGISTER,
	.summary = "validate every record, find duplicates and incomplete records",
	.opts = opts,
};

static int cmd_check(int argc, char **argv, struct ctx *ctx)
{
	struct check_result res;
	struct buf out = BUF_INIT;
	bool staged = false;
	const char *arg;
	int code;

	while (opt_next(ctx, &arg) == 's')
		staged = true;
	if ((code = no_operands(ctx, argc, argv)) >= 0)
		return code;
	if (check_register(ctx->reg, staged, &res))
		return fail();
	for (size_t i = 0; i < res.n; i++) {
		fmt_addf(&out, "%s\n", res.lines[i]);
		if (out.len > 65536)
			flush_out(&out);
	}
	flush_out(&out);
	buf_release(&out);
	code = res.n ? EXIT_FAIL : EXIT_OK;
	check_result_release(&res);
	return code;
}
