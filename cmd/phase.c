/* phase: list the phases and move clients through them (preg phase). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "ops.h"

static int phase_list(int argc, char **argv, struct ctx *ctx);
static int phase_set(int argc, char **argv, struct ctx *ctx);
static int phase_next(int argc, char **argv, struct ctx *ctx);

static const struct option list_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const list_usage[] = {
	"preg phase list [--format table|tsv|csv|json]",
	"",
	"    -f, --format F   table (default on a terminal), tsv (default otherwise), csv or json",
	NULL,
};

static const struct option set_opts[] = {
	{ "message", required_argument, NULL, 'm' },
	{ "at", required_argument, NULL, 'a' },
	{ "reason", required_argument, NULL, 'r' },
	{ "force", no_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const set_usage[] = {
	"preg phase set ID PHASE [-m TEXT] [--at TIME] [--reason TEXT] [--force]",
	"",
	"    PHASE             a phase number or key (see 'preg phase list')",
	"    -m, --message T   a note on the move, kept in the history",
	"    --at TIME         when it happened (RFC 3339 or YYYY-MM-DD); default: now",
	"    --reason T        why; required to enter an ending phase",
	"    -f, --force       go back from a phase that is not reversible; rewrite a",
	"                      record that holds comments",
	NULL,
};

static const struct option next_opts[] = {
	{ "message", required_argument, NULL, 'm' },
	{ "reason", required_argument, NULL, 'r' },
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const next_usage[] = {
	"preg phase next ID [-m TEXT] [--reason TEXT]",
	"",
	"    -m, --message T   a note on the move, kept in the history",
	"    --reason T        why; required when the next phase ends the collaboration",
	NULL,
};

const struct cmd phase_cmds[] = {
	{ "list", phase_list, NEED_REGISTER, "the phases with their colours and limits", list_opts,
	  list_usage, NULL },
	{ "set", phase_set, NEED_REGISTER | WRITES, "move a client to a phase", set_opts, set_usage, NULL },
	{ "next", phase_next, NEED_REGISTER | WRITES, "move a client to the following phase", next_opts,
	  next_usage, NULL },
	{ 0 },
};

static int phase_list(int argc, char **argv, struct ctx *ctx)
{
	static const struct fmt_col cols[] = {
		{ "id", COL_NUMBER }, { "key", COL_TEXT }, { "name", COL_TEXT }, { "color", COL_TEXT },
		{ "stale_after", COL_TEXT }, { "reversible", COL_BOOL }, { "ending", COL_BOOL },
		{ "requires", COL_LIST },
	};
	const struct phases *ph;
	struct fmt_writer w = { 0 };
	struct buf out = BUF_INIT;
	int c, code;

	w.fmt = stdout_tty() ? FMT_TABLE : FMT_TSV;
	while ((c = next_opt(argc, argv, "hf:", ctx, &code)) != -1)
		if (c == 'f' && fmt_parse(&w.fmt, optarg))
			return usage_error(ctx, "%s", preg_error_msg());
	if (code >= 0)
		return code;
	if (optind < argc)
		return usage_error(ctx, "too many arguments");
	ph = reg_phases(ctx->reg);
	w.cols = cols;
	w.ncols = sizeof(cols) / sizeof(*cols);
	w.color = w.fmt == FMT_TABLE && want_color(ctx);
	w.color_col = 1;
	fmt_begin(&w, &out);
	for (size_t i = 0; i < ph->n; i++) {
		const struct phase *p = &ph->v[i];
		char id[16], stale[16];
		struct buf req = BUF_INIT;
		const char *cells[8];

		snprintf(id, sizeof(id), "%d", p->id);
		snprintf(stale, sizeof(stale), "%dd", p->stale_days);
		for (size_t j = 0; j < p->nrequires; j++)
			buf_addf(&req, "%s%s", j ? "," : "", p->requires[j]);
		cells[0] = id;
		cells[1] = p->key;
		cells[2] = p->name;
		cells[3] = p->color;
		cells[4] = p->stale_days >= 0 ? stale : NULL;
		cells[5] = p->reversible ? "true" : "false";
		cells[6] = p->ending ? "true" : "false";
		cells[7] = req.len ? req.p : NULL;
		fmt_row(&w, &out, cells, p->color);
		buf_release(&req);
	}
	fmt_end(&w, &out);
	flush_out(&out);
	buf_release(&out);
	return EXIT_OK;
}

static int report_move(struct ctx *ctx, struct move_opts *o)
{
	const struct phases *ph;
	const struct phase *to;

	if (ops_move(ctx->reg, o))
		return fail();
	ph = reg_phases(ctx->reg);
	to = phases_get(ph, o->to);
	if (o->now != o->to) {
		const struct phase *now = phases_get(ph, o->now);

		/* Backdated before a later move: say what stands. */
		printf("%s: %d -> %d (%s) at %s; since a later move it is in %d (%s)\n", o->id, o->from, o->to,
		       to ? to->key : "?", o->when, o->now, now ? now->key : "?");
		return EXIT_OK;
	}
	printf("%s: %d -> %d (%s)\n", o->id, o->from, o->to, to ? to->key : "?");
	return EXIT_OK;
}

static int phase_set(int argc, char **argv, struct ctx *ctx)
{
	struct move_opts o = { 0 };
	int c, code;

	while ((c = next_opt(argc, argv, "hm:f", ctx, &code)) != -1) {
		if (c == 'm')
			o.message = optarg;
		else if (c == 'a')
			o.at = optarg;
		else if (c == 'r')
			o.reason = optarg;
		else if (c == 'f')
			o.force = true;
	}
	if (code >= 0)
		return code;
	if (argc - optind != 2)
		return usage_error(ctx, argc - optind < 2 ? "phase set needs a client id and a phase"
							  : "too many arguments");
	o.id = argv[optind];
	o.phase = argv[optind + 1];
	return report_move(ctx, &o);
}

static int phase_next(int argc, char **argv, struct ctx *ctx)
{
	struct move_opts o = { 0 };
	int c, code;

	while ((c = next_opt(argc, argv, "hm:", ctx, &code)) != -1) {
		if (c == 'm')
			o.message = optarg;
		else if (c == 'r')
			o.reason = optarg;
	}
	if (code >= 0)
		return code;
	if (argc - optind != 1)
		return usage_error(ctx, argc - optind < 1 ? "phase next needs a client id" : "too many arguments");
	o.id = argv[optind];
	return report_move(ctx, &o);
}
