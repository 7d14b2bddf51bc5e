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

static const struct option list_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const list_usage[] = {
	"preg manager list [--format table|tsv|csv|json]",
	"",
	"    -f, --format F   table (default on a terminal), tsv (default otherwise), csv or json",
	NULL,
};

static const struct option away_opts[] = {
	{ "until", required_argument, NULL, 'u' },
	{ "standin", required_argument, NULL, 's' },
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const away_usage[] = {
	"preg manager away M --until DATE --standin N",
	"",
	"    --until DATE     the last day away (2026-12-20, 20.12.2026, fri, +7d)",
	"    --standin N      the manager who gets M's reminders meanwhile",
	NULL,
};

static const struct option back_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const back_usage[] = {
	"preg manager back M",
	NULL,
};

const struct cmd manager_cmds[] = {
	{ "list", manager_list, NEED_REGISTER, "the managers: name, e-mail, role, away", list_opts, list_usage,
	  NULL },
	{ "away", manager_away, NEED_REGISTER | WRITES, "send a manager's reminders to a stand-in until a day",
	  away_opts, away_usage, NULL },
	{ "back", manager_back, NEED_REGISTER | WRITES, "a manager back before the day", back_opts, back_usage,
	  NULL },
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
	int32_t day;
	int c, code;

	while ((c = next_opt(argc, argv, "hf:", ctx, &code)) != -1)
		if (c == 'f' && fmt_parse(&fmt, optarg))
			return usage_error(ctx, "%s", preg_error_msg());
	if (code >= 0)
		return code;
	if (optind < argc)
		return usage_error(ctx, "too many arguments");
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
	const char *until = NULL, *standin = NULL;
	struct when_now now;
	int32_t day;
	int c, code;

	while ((c = next_opt(argc, argv, "h", ctx, &code)) != -1) {
		if (c == 'u')
			until = optarg;
		else if (c == 's')
			standin = optarg;
	}
	if (code >= 0)
		return code;
	if (optind + 1 != argc)
		return usage_error(ctx, optind == argc ? "which manager?" : "too many arguments");
	if (!until || !standin)
		return usage_error(ctx, "%s is required", until ? "--standin" : "--until");
	if (when_now(&now) || when_date(&day, until, &now) ||
	    team_away(ctx->reg, argv[optind], standin, day, ptime_day(now.now)))
		return fail();
	return EXIT_OK;
}

static int manager_back(int argc, char **argv, struct ctx *ctx)
{
	int c, code;

	while ((c = next_opt(argc, argv, "h", ctx, &code)) != -1)
		;
	if (code >= 0)
		return code;
	if (optind + 1 != argc)
		return usage_error(ctx, optind == argc ? "which manager?" : "too many arguments");
	if (team_away(ctx->reg, argv[optind], NULL, 0, 0))
		return fail();
	return EXIT_OK;
}
