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

static const struct opt list_opts[] = {
	OPT_CHOICE('f', "format", VAL_FORMAT, "F", "table|tsv|csv|json", OPT_SHORT,
		   "table (default on a terminal), tsv (default otherwise), csv or json"),
	OPT_END,
};

static const struct opt set_opts[] = {
	OPERAND("ID", VAL_CLIENT, 0, NULL),
	OPERAND("PHASE", VAL_PHASE, 0, "a phase number or key (see 'preg phase list')"),
	OPT_VALUE('m', "message", VAL_TEXT, "TEXT", OPT_SHORT | OPT_SYN_SHORT, "a note on the move, kept in the history"),
	OPT_VALUE('A', "at", VAL_TIME, "TIME", 0, AT_HELP),
	OPT_VALUE('r', "reason", VAL_TEXT, "TEXT", 0, "why; required to enter an ending phase"),
	NEXT_STEP_OPTS,
	OPT_FLAG('f', "force", OPT_SHORT,
		 "go back from a phase that is not reversible; rewrite a record that holds comments"),
	OPT_FLAG('R', "reopen", 0,
		 "take a client out of an ending phase (won back): recorded as a reopening, no --force needed"),
	OPT_END,
};

static const struct opt next_opts[] = {
	OPERAND("ID", VAL_CLIENT, 0, NULL),
	OPT_VALUE('m', "message", VAL_TEXT, "TEXT", OPT_SHORT | OPT_SYN_SHORT, "a note on the move, kept in the history"),
	OPT_VALUE('A', "at", VAL_TIME, "TIME", 0, AT_HELP),
	OPT_VALUE('r', "reason", VAL_TEXT, "TEXT", 0, "why; required when the next phase ends the collaboration"),
	NEXT_STEP_OPTS,
	OPT_END,
};

const struct cmd phase_cmds[] = {
	{ .name = "list", .fn = phase_list, .flags = NEED_REGISTER,
	  .summary = "the phases with their colours and limits", .opts = list_opts },
	{ .name = "set", .fn = phase_set, .flags = NEED_REGISTER | WRITES, .summary = "move a client to a phase",
	  .opts = set_opts },
	{ .name = "next", .fn = phase_next, .flags = NEED_REGISTER | WRITES,
	  .summary = "move a client to the following phase", .opts = next_opts },
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
	struct fmt_writer w;
	struct buf out = BUF_INIT;
	enum fmt fmt = stdout_tty() ? FMT_TABLE : FMT_TSV;
	const char *arg;

	(void)argv;
	while (opt_next(ctx, &arg) == 'f')
		fmt_parse(&fmt, arg);
	if (argc)
		return usage_error(ctx, "too many arguments");
	ph = reg_phases(ctx->reg);
	fmt_start(&w, &out, fmt, cols, sizeof(cols) / sizeof(*cols), fmt == FMT_TABLE && want_color(ctx), 1);
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
		print_step(o->id, &o->step);
		return EXIT_OK;
	}
	printf("%s: %d -> %d (%s)%s\n", o->id, o->from, o->to, to ? to->key : "?", o->reopen ? ", reopened" : "");
	print_step(o->id, &o->step);
	return EXIT_OK;
}

/* The options of set and next into o: -1 to go on, else the exit code
 * of a usage error. */
static int move_opts(struct ctx *ctx, struct move_opts *o)
{
	const char *arg;
	int c;

	while ((c = opt_next(ctx, &arg)) != -1) {
		switch (c) {
		case 'm': o->message = arg; break;
		case 'A': o->at = arg; break;
		case 'r': o->reason = arg; break;
		case 'f': o->force = true; break;
		case 'R': o->reopen = true; break;
		default: next_step_opt(&o->step, c, arg); break;
		}
	}
	return next_step_check(ctx, &o->step);
}

static int phase_set(int argc, char **argv, struct ctx *ctx)
{
	struct move_opts o = { 0 };
	int rc;

	if ((rc = move_opts(ctx, &o)) >= 0)
		return rc;
	if (argc != 2)
		return usage_error(ctx, argc < 2 ? "phase set needs a client id and a phase" : "too many arguments");
	o.id = argv[0];
	o.phase = argv[1];
	return report_move(ctx, &o);
}

static int phase_next(int argc, char **argv, struct ctx *ctx)
{
	struct move_opts o = { 0 };
	int rc;

	if ((rc = move_opts(ctx, &o)) >= 0)
		return rc;
	if (argc != 1)
		return usage_error(ctx, argc < 1 ? "phase next needs a client id" : "too many arguments");
	o.id = argv[0];
	return report_move(ctx, &o);
}
