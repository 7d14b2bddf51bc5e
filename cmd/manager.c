/* manager: the managers of preg.yaml, away and back (preg manager). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "team.h"
#include "when.h"

static int manager_list(int argc, char **argv, struct ctx *ctx);
static int manager_away(int argc, char **argv, struct ctx *ctx);
static int manager_back(int argc, char **argv, struct ctx *ctx);

static const struct opt list_opts[] = {
	OPT_CHOICE('f', "format", VAL_FORMAT, "F", "table|tsv|csv|json", OPT_SHORT,
		   "table (default on a terminal), tsv (default otherwise), csv or json"),
	OPT_END,
};

static const struct opt away_opts[] = {
	OPERAND("M", VAL_MANAGER, 0, "the manager away"),
	OPT_VALUE('u', "until", VAL_DATE, "DATE", OPT_REQUIRED, "the last day away (2026-12-20, 20.12.2026, fri, +7d)"),
	OPT_VALUE('s', "standin", VAL_MANAGER, "N", OPT_REQUIRED, "the manager who gets M's reminders meanwhile"),
	OPT_END,
};

static const struct opt back_opts[] = {
	OPERAND("M", VAL_MANAGER, 0, "the manager back"),
	OPT_END,
};

const struct cmd manager_cmds[] = {
	{ .name = "list", .fn = manager_list, .flags = NEED_REGISTER,
	  .summary = "the managers: name, e-mail, role, away", .opts = list_opts },
	{ .name = "away", .fn = manager_away, .flags = NEED_REGISTER | WRITES,
	  .summary = "send a manager's reminders to a stand-in until a day", .opts = away_opts },
	{ .name = "back", .fn = manager_back, .flags = NEED_REGISTER | WRITES,
	  .summary = "a manager back before the day", .opts = back_opts },
	{ 0 },
};

static int manager_list(int argc, char **argv, struct ctx *ctx)
{
	static const struct fmt_col cols[] = {
		{ "handle", COL_TEXT }, { "name", COL_TEXT },       { "email", COL_TEXT },
		{ "role", COL_TEXT },   { "away_until", COL_TEXT }, { "standin", COL_TEXT },
	};
	const struct phases *ph;
	struct fmt_writer w;
	struct buf out = BUF_INIT;
	enum fmt fmt = stdout_tty() ? FMT_TABLE : FMT_TSV;
	const char *arg;
	int32_t day;
	int rc;

	while (opt_next(ctx, &arg) == 'f')
		fmt_parse(&fmt, arg);
	if ((rc = no_operands(ctx, argc, argv)) >= 0)
		return rc;
	if (today(&day))
		return fail();
	ph = reg_phases(ctx->reg);
	fmt_start(&w, &out, fmt, cols, sizeof(cols) / sizeof(*cols), false, -1);
	for (size_t i = 0; i < ph->nmanagers; i++) {
		const struct manager *m = &ph->managers[i];
		/* An absence that is over is not shown: it no longer routes. */
		bool away = m->standin && m->away_until >= day;
		char until[DATE_LEN];
		const char *cells[6];

		date_format(until, m->away_until);
		cells[0] = m->handle;
		cells[1] = m->name;
		cells[2] = m->email;
		cells[3] = m->head ? "head" : "manager";
		cells[4] = away ? until : NULL;
		cells[5] = away ? m->standin : NULL;
		fmt_row(&w, &out, cells, NULL);
	}
	fmt_end(&w, &out);
	flush_out(&out);
	buf_release(&out);
	return EXIT_OK;
}

static int manager_away(int argc, char **argv, struct ctx *ctx)
{
	const char *until = NULL, *standin = NULL, *arg;
	struct when_now now;
	int32_t day;
	int c;

	while ((c = opt_next(ctx, &arg)) != -1) {
		if (c == 'u')
			until = arg;
		else if (c == 's')
			standin = arg;
	}
	if (argc != 1)
		return usage_error(ctx, argc ? "too many arguments" : "which manager?");
	if (!until || !standin)
		return usage_error(ctx, "%s is required", until ? "--standin" : "--until");
	if (when_now(&now) || when_date(&day, until, &now) ||
	    team_away(ctx->reg, argv[0], standin, day, ptime_day(now.now)))
		return fail();
	return EXIT_OK;
}

static int manager_back(int argc, char **argv, struct ctx *ctx)
{
	if (argc != 1)
		return usage_error(ctx, argc ? "too many arguments" : "which manager?");
	if (team_away(ctx->reg, argv[0], NULL, 0, 0))
		return fail();
	return EXIT_OK;
}
