/* note: log an interaction with a client (preg note). */
#include "cmd.h"
#include "ops.h"

static int cmd_note(int argc, char **argv, struct ctx *ctx);

static const struct opt opts[] = {
	OPERAND("ID", VAL_CLIENT, 0, NULL),
	OPERAND("TEXT", VAL_TEXT, 0, NULL),
	OPT_CHOICE('c', "channel", VAL_CHOICE, "C", "call|email|meeting|letter|chat|other", OPT_SHORT,
		   "how it happened: call, email, meeting, letter, chat or other"),
	OPT_VALUE('n', "next", VAL_DATE, "DATE", OPT_SHORT, "when to contact the client next (YYYY-MM-DD)"),
	OPT_VALUE('a', "action", VAL_TEXT, "TEXT", OPT_SHORT, "what to do then"),
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
		else if (c == 'n')
			o.next = arg;
		else if (c == 'a')
			o.action = arg;
	}
	if (argc != 2)
		return usage_error(ctx, argc < 2 ? "a note needs a client id and a text"
						 : "too many arguments (quote the text)");
	o.id = argv[0];
	o.text = argv[1];
	if (ops_note(ctx->reg, &o))
		return fail();
	return EXIT_OK;
}
