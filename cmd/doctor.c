/* doctor: find and repair what crashes left (preg doctor). */
#include "cmd.h"
#include "err.h"
#include "remote.h"

static int cmd_doctor(int argc, char **argv, struct ctx *ctx);

static const struct option opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const usage[] = {
	"preg doctor",
	NULL,
};

const struct cmd doctor_cmd = { "doctor", cmd_doctor, NEED_REGISTER, "find and repair what crashes left",
				opts, usage, NULL };

static int cmd_doctor(int argc, char **argv, struct ctx *ctx)
{
	char **w;
	size_t n;
	int c, code, problems;

	while ((c = next_opt(argc, argv, "h", ctx, &code)) != -1)
		;
	if (code >= 0)
		return code;
	if (optind < argc)
		return usage_error(ctx, "too many arguments");
	if (reg_doctor(ctx->reg, &problems) || reg_doctor_driver(ctx->reg, &problems) ||
	    remote_setup_pull(ctx->reg, true))
		return fail();
	n = preg_warnings_take(&w);
	for (size_t i = 0; i < n; i++)
		print_visible(stdout, "%s\n", w[i]);
	preg_warnings_free(w, n);
	if (!n)
		printf("ok: nothing to repair\n");
	return problems ? EXIT_FAIL : EXIT_OK;
}
