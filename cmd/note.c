/* note: log an interaction with a client (preg note). */
#include "cmd.h"
#include "ops.h"

static int cmd_note(int argc, char **argv, struct ctx *ctx);

static const struct option opts[] = {
	{ "channel", required_argument, NULL, 'c' },
	{ "next", required_argument, NULL, 'n' },
	{ "action", required_argument, NULL, 'a' },
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const usage[] = {
	"preg note ID TEXT [--channel call|email|meeting|letter|chat|other] [--next DATE] [--action TEXT]",
	"",
	"    -c, --channel C   how it happened: call, email, meeting, letter, chat or other",
	"    -n, --next DATE   when to contact the client next (YYYY-MM-DD)",
	"    -a, --action T    what to do then",
	NULL,
};

const struct cmd note_cmd = { "note", cmd_note, NEED_REGISTER | WRITES, "log an interaction with a client",
			      opts, usage, NULL };

static int cmd_note(int argc, char **argv, struct ctx *ctx)
{
	struct note_opts o = { 0 };
	int c, code;

	while ((c = next_opt(argc, argv, "hc:n:a:", ctx, &code)) != -1) {
		if (c == 'c')
			o.channel = optarg;
		else if (c == 'n')
			o.next = optarg;
		else if (c == 'a')
			o.action = optarg;
	}
	if (code >= 0)
		return code;
	if (argc - optind != 2)
		return usage_error(ctx, argc - optind < 2 ? "a note needs a client id and a text"
							  : "too many arguments (quote the text)");
	o.id = argv[optind];
	o.text = argv[optind + 1];
	if (ops_note(ctx->reg, &o))
		return fail();
	return EXIT_OK;
}
