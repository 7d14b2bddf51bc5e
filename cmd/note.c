/* note: log an interaction with a client (preg note). */
#include "cmd.h"
#include "ops.h"

static int cmd_note(int argc, char **argv, struct ctx *ctx);

static const struct opt opts[] = {
	OPERAND("ID", VAL_CLIENT, 0, NULL),
	OPERAND("TEXT", VAL_TEXT, 0, NULL),
	OPT_CHOICE('c', "channel", VAL_CHOICE, "C", "call|email|meeting|letter|chat|other", OPT_SHORT,
		   "how it happened: call, email, meeting, letter, chat or other"),
	NEXT_STEP_OPTS,
	OPT_VALUE('A', "at", VAL_TIME, "TIME", 0, AT_HELP),
	OPT_END,
};

const struct cmd note_cmd = {
	.name = "note",
	.fn = cmd_note,
	.flags = NEED_REGISTER | WRITES,
	.summary = "log an interaction with a client",
	.opts = opts,
};

static int cmd_note(int argc, char **argv, struct ctx *ctx)
{
	struct note_opts o = { 0 };
	const char *arg;
	int c;

	while ((c = opt_next(ctx, &arg)) != -1) {
		if (c == 'c')
			o.channel = arg;
		else if (c == 'A')
			o.at = arg;
		else
			next_step_opt(&o.step, c, arg);
	}
	if ((c = next_step_check(ctx, &o.step)) >= 0)
		return c;
	if (argc != 2)
		return usage_error(ctx, argc < 2 ? "a note needs a client id and a text"
						 : "too many arguments (quote the text)");
	o.id = argv[0];
	o.text = argv[1];
	if (ops_note(ctx->reg, &o))
		return fail();
	print_step(o.id, &o.step);
	return EXIT_OK;
}
