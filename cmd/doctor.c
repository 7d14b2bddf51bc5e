/* doctor: find and repair what crashes left (preg doctor). */
#include "cmd.h"
#include "err.h"

static int cmd_doctor(int argc, char **argv, struct ctx *ctx);

const struct cmd doctor_cmd = {
	.name = "doctor",
	.fn = cmd_doctor,
	.flags = NEED_REGISTER,
	.summary = "find and repair what crashes left",
};

static int cmd_doctor(int argc, char **argv, struct ctx *ctx)
{
	char **w;
	size_t n;
	int problems;

	(void)argv;
	if (argc)
		return usage_error(ctx, "too many arguments");
	if (reg_doctor(ctx->reg, &problems) || reg_doctor_driver(ctx->reg, &problems))
		return fail();
	n = preg_warnings_take(&w);
	for (size_t i = 0; i < n; i++)
		print_visible(stdout, "%s\n", w[i]);
	preg_warnings_free(w, n);
	if (!n)
		printf("ok: nothing to repair\n");
	return problems ? EXIT_FAIL : EXIT_OK;
}
