/* verify: prove that each record's history only grew, commit by commit
 * (preg verify). */
#include "cmd.h"
#include "err.h"
#include "verify.h"

static int cmd_verify(int argc, char **argv, struct ctx *ctx);

const struct cmd verify_cmd = {
	.name = "verify",
	.fn = cmd_verify,
	.flags = NEED_REGISTER,
	.summary = "prove that each record's history only grew, commit by commit",
};

static int cmd_verify(int argc, char **argv, struct ctx *ctx)
{
	struct verify_report v;
	int code = no_operands(ctx, argc, argv);

	if (code >= 0)
		return code;
	if (verify_run(ctx->reg, &v)) {
		verify_release(&v);
		return fail();
	}
	for (size_t i = 0; i < v.n; i++)
		print_visible(stdout, "%s\n", v.problems[i]);
	if (v.n) {
		preg_error_set(PREG_EINVAL, "%zu problem%s found in %zu commits", v.n, v.n == 1 ? "" : "s",
			       v.commits);
		verify_release(&v);
		return fail();
	}
	printf("verified %zu commit%s and %zu record%s: every history only grew by appending\n", v.commits,
	       v.commits == 1 ? "" : "s", v.records, v.records == 1 ? "" : "s");
	verify_release(&v);
	return EXIT_OK;
}
