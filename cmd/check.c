/* check: what is wrong in the register, for a person or a pre-commit hook (preg check). */
#include <string.h>

#include "check.h"
#include "cmd.h"

static int cmd_check(int argc, char **argv, struct ctx *ctx);

static const struct option opts[] = {
	{ "staged", no_argument, NULL, 's' },
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const usage[] = {
	"preg check [--staged]",
	"",
	"    --staged         check the records as the git index holds them (a pre-commit hook)",
	NULL,
};

const struct cmd check_cmd = { "check", cmd_check, NEED_REGISTER,
			       "validate every record, find duplicates and incomplete records", opts, usage,
			       NULL };

static int cmd_check(int argc, char **argv, struct ctx *ctx)
{
	struct check_result res;
	struct buf out = BUF_INIT;
	bool staged = false;
	int c, code;

	while ((c = next_opt(argc, argv, "h", ctx, &code)) != -1)
		if (c == 's')
			staged = true;
	if (code >= 0)
		return code;
	if (optind < argc)
		return usage_error(ctx, "unexpected argument '%s'", argv[optind]);
	if (check_register(ctx->reg, staged, &res))
		return fail();
	for (size_t i = 0; i < res.n; i++) {
		fmt_addf(&out, "%s\n", res.lines[i]);
		if (out.len > 65536)
			flush_out(&out);
	}
	flush_out(&out);
	buf_release(&out);
	code = res.nerrors ? EXIT_FAIL : EXIT_OK; /* warnings alone: 0 */
	check_result_release(&res);
	return code;
}
