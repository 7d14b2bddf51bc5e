/*
 * report: preg report register|funnel|managers|durations|reasons (SPEC §6).
 * lib/report computes, lib/format_report writes; this file parses the
 * options and prints.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "err.h"
#include "format_report.h"
#include "ptime.h"
#include "record.h"
#include "report.h"
#include "xlsx.h"
#include "when.h"
#include "xalloc.h"

static int cmd_report(int argc, char **argv, struct ctx *ctx);

/* What every report ends with: the day it is of and the format. */
#define AS_OF_OPT                                                                                      \
	OPT_VALUE('a', "as-of", VAL_DATE, "DATE", 0,                                                   \
		  "the register as it stood on DATE (YYYY-MM-DD), rebuilt from the history in the "    \
		  "records; default: today")
#define REPORT_OPTS                                                                                    \
	AS_OF_OPT,                                                                                     \
	OPT_CHOICE('f', "format", VAL_FORMAT, "F", "table|tsv|csv|json|html", OPT_SHORT,               \
		   "table (default on a terminal), tsv (default otherwise), csv, json or html (a page)"), \
	OPT_END

/* Groups and amounts: funnel, managers, register. */
#define GROUP_OPTS                                                                                     \
	OPT_VALUE('B', "by", VAL_GROUP, "KEY", 0,                                                      \
		  "a group per kind, tag, manager or value of the free field X (fields.X); a client "  \
		  "with two tags is in both"),                                                         \
	OPT_VALUE('u', "sum", VAL_TEXT, "fields.X", 0,                                                 \
		  "the total and median of the numbers in the free field X (1 250 000,50 or "          \
		  "1250000.50)")

static const struct opt register_opts[] = {
	FILTER_OPTS,
	GROUP_OPTS,
	OPT_FLAG('W', "wide", 0,
		 "every date, and the phases by their keys; without it the table fits 80 columns and marks "
		 "the phases reached"),
	OPT_FLAG('A', "all", 0,
		 "with --format html: the register and every report with its chart, one page; with --format "
		 "xlsx: a sheet each"),
	OPT_VALUE('S', "since", VAL_DATE, "DATE", 0,
		  "with --all: the period of the reports and the activity from DATE (default: 30 days)"),
	OPT_VALUE('U', "until", VAL_DATE, "DATE", 0,
		  "with --all: the last day of the period, and the register as it stood then (default: today)"),
	AS_OF_OPT,
	OPT_CHOICE('f', "format", VAL_FORMAT, "F", "table|tsv|csv|json|html|xlsx", OPT_SHORT,
		   "table (default on a terminal), tsv (default otherwise), csv, json, html (a page) or xlsx "
		   "(a workbook, to a file)"),
	OPT_END,
};

/* The period: what happened from --since to --until, next to the
 * register as it stood on --until. */
#define PERIOD_OPTS                                                                                    \
	OPT_VALUE('S', "since", VAL_DATE, "DATE", 0,                                                   \
		  "count what entered, moved and ended from DATE (2026-10-01, 01.10.2026, -30d) to the " \
		  "day; default: 30 days"),                                                            \
	OPT_VALUE('U', "until", VAL_DATE, "DATE", 0,                                                   \
		  "the last day of the period, and the register as it stood then; default: today")

static const struct opt plain_opts[] = { FILTER_OPTS, PERIOD_OPTS, REPORT_OPTS };

static const struct opt funnel_opts[] = { FILTER_OPTS, PERIOD_OPTS, GROUP_OPTS, REPORT_OPTS };

static const struct opt managers_opts[] = {
	FILTER_OPTS,
	PERIOD_OPTS,
	GROUP_OPTS,
	OPT_VALUE('w', "won", VAL_PHASE, "PHASE", 0,
		  "the phase that counts as won; default: the first one after the reversible ones "
		  "(first-order in freight)"),
	OPT_FLAG('W', "wide", 0,
		 "the table with every column (default on a terminal: it fits the width, the columns per "
		 "phase left out first)"),
	REPORT_OPTS,
};

static const struct opt durations_opts[] = {
	FILTER_OPTS,
	PERIOD_OPTS,
	OPT_VALUE('T', "top", VAL_NUMBER, "N", 0, "the N slowest clients of each phase (1 to 100; default 3)"),
	REPORT_OPTS,
};

static const struct opt activity_opts[] = {
	FILTER_OPTS,
	PERIOD_OPTS,
	OPT_CHOICE('B', "by", VAL_CHOICE, "KEY", "manager|client", 0,
		   "a row per manager (who wrote the note or made the move; default) or per client"),
	REPORT_OPTS,
};

const struct cmd report_cmds[] = {
	{ .name = "register", .fn = cmd_report, .flags = NEED_REGISTER,
	  .summary = "the register: client x phase x manager", .opts = register_opts,
	  .doc = "The paper register: a row per client, a column per phase (the date it was reached), the "
		 "current phase in its colour, days in phase, manager. 'preg report' alone is 'preg report "
		 "register'. --format xlsx writes it as a workbook for a spreadsheet: redirect it to a file." },
	{ .name = "funnel", .fn = cmd_report, .flags = NEED_REGISTER,
	  .summary = "clients per phase, conversion, days spent", .opts = funnel_opts,
	  .doc = "Per phase: clients in it now, clients that reached it, conversion from the phase before, "
		 "median and 90th percentile days spent in it; with a period, what entered, moved and ended, "
		 "and the clients won back out of an ending phase (reopened: phase set --reopen)." },
	{ .name = "managers", .fn = cmd_report, .flags = NEED_REGISTER, .summary = "the managers compared",
	  .opts = managers_opts,
	  .doc = "Per manager: clients per phase, stale and overdue clients, moves in the period, conversion "
		 "to the won phase." },
	{ .name = "durations", .fn = cmd_report, .flags = NEED_REGISTER, .summary = "where clients stall",
	  .opts = durations_opts,
	  .doc = "Where time goes: per phase the days clients spent in it and the slowest." },
	{ .name = "reasons", .fn = cmd_report, .flags = NEED_REGISTER, .summary = "why collaborations ended",
	  .opts = plain_opts, .doc = "Why collaborations ended: the end reasons of ended clients, counted, and how often a "
		 "client that ended for each was won back (reopened: phase set --reopen)." },
	{ .name = "activity", .fn = cmd_report, .flags = NEED_REGISTER, .summary = "what the managers did",
	  .opts = activity_opts,
	  .doc = "Per manager over the period: notes by channel, phase moves, clients added, next contacts "
		 "that fell due and how many were kept on time, late or missed." },
	{ 0 },
};

/* A record that cannot be read: the records come in shard order, and
 * their errors are told in id order (the file's name up to its first dot,
 * as listings order such files), as a walk in id order told them. */
struct unreadable {
	char *key, *path, *msg;
};

struct state {
	const struct phases *ph;
	struct report rep[6]; /* the report; --all: the register, then the others */
	size_t nrep;
	struct filter f;
	bool seen; /* a client has or had --manager */
	int bad;
	struct unreadable *errs; /* the records that cannot be read, named after the walk */
	size_t cap;
};

static int collect(void *arg, const char *id, const char *path, struct record *r)
{
	struct state *s = arg;

	(void)id;
	if (!r) {
		const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		struct unreadable *u;

		if ((size_t)s->bad == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 8;
			s->errs = xrealloc(s->errs, s->cap * sizeof(*s->errs));
		}
		u = &s->errs[s->bad++];
		u->key = xstrndup(name, strcspn(name, "."));
		u->path = xstrdup(path);
		u->msg = xstrdup(preg_error_msg());
		return 0;
	}
	s->seen = s->seen || filter_manager_seen(&s->f, r);
	for (size_t k = 0; k < s->nrep; k++)
		report_add(&s->rep[k], r);
	return 0;
}

static int cmp_unreadable(const void *a, const void *b)
{
	const struct unreadable *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : strcmp(x->path, y->path);
}

/* Tell the errors of the records that cannot be read, in id order. */
static void tell_unreadable(struct state *s)
{
	if (s->bad > 1)
		qsort(s->errs, (size_t)s->bad, sizeof(*s->errs), cmp_unreadable);
	for (int i = 0; i < s->bad; i++) {
		print_error(s->errs[i].msg);
		free(s->errs[i].key);
		free(s->errs[i].path);
		free(s->errs[i].msg);
	}
	free(s->errs);
	s->errs = NULL;
}

/* The columns of the terminal, else 80. */
static size_t term_width(void)
{
	size_t cols = term_columns();

	return cols ? cols : 80;
}

/* Long rows go out as they come (report_out.flush). */
static void flush_cb(void *arg, struct buf *out)
{
	(void)arg;
	flush_out(out);
}

/* The workbook: the register reps[0], and with --all a sheet for each
 * of the other reports. */
static int register_xlsx(struct buf *out, const struct report *reps, size_t n)
{
	static const char *const sheets[] = { "Register", "Funnel", "Managers", "Durations", "Reasons", "Activity" };
	struct xlsx *x;
	int rc;

	if ((rc = xlsx_begin(&x)))
		return rc;
	rc = xlsx_register(x, &reps[0]);
	for (size_t k = 1; k < n && !rc; k++)
		rc = xlsx_report(x, sheets[reps[k].kind], &reps[k]);
	if (rc) {
		xlsx_free(x);
		return rc;
	}
	return xlsx_end(x, out);
}

/* A day as people type it (lib/when: 2026-10-01, 01.10.2026, -30d) into
 * *out: 0, else the exit code of the usage error. */
static int day_opt(struct ctx *ctx, const char *opt, const char *s, int32_t *out)
{
	struct when_now n;

	if (when_now(&n))
		return fail();
	if (when_date(out, s, &n))
		return usage_error(ctx, "%s: %s", opt, preg_error_msg());
	return 0;
}

/* One warning line for the values --sum could not read: how many, and
 * the first few clients with their values. */
static void warn_not_numbers(const struct report *rep, const char *field)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < rep->nbad && i < 3; i++)
		buf_addf(&b, "%s%s ('%s')", i ? ", " : "", rep->bad[i], rep->bad_val[i]);
	if (rep->nbad > 3)
		buf_addf(&b, " and %zu more", rep->nbad - 3);
	preg_warn("%s is not a number for %zu client%s, not summed: %s", field, rep->nbad,
		  rep->nbad == 1 ? "" : "s", buf_str(&b));
	buf_release(&b);
	print_warnings();
}

/* ---- the command ---- */

static int cmd_report(int argc, char **argv, struct ctx *ctx)
{
	const char *as_of = NULL, *since = NULL, *until = NULL, *won = NULL, *top = NULL, *by = NULL, *sum = NULL,
		   *arg;
	struct report_opts o;
	enum report_kind kind;
	struct state s;
	struct buf out = BUF_INIT;
	enum fmt fmt;
	struct report_out ro = { 0 };
	bool wide = false, all = false, xlsx = false;
	int c, rc;

	report_kind_parse(&kind, ctx->cmd->name);
	memset(&s, 0, sizeof(s));
	memset(&o, 0, sizeof(o));
	fmt = stdout_tty() ? FMT_TABLE : FMT_TSV;
	while ((c = opt_next(ctx, &arg)) != -1) {
		if (filter_opt(&s.f, c, arg))
			continue;
		switch (c) {
		case 'a': as_of = arg; break;
		case 'S': since = arg; break;
		case 'U': until = arg; break;
		case 'B': by = arg; break;
		case 'u': sum = arg; break;
		case 'w': won = arg; break;
		case 'T': top = arg; break;
		case 'W': wide = true; break;
		case 'A': all = true; break;
		case 'f':
			/* A workbook is no writer of lib/format: lib/xlsx. */
			xlsx = !strcmp(arg, "xlsx");
			if (!xlsx)
				fmt_parse(&fmt, arg);
			break;
		}
	}
	/* "preg report --as-of D funnel": the report must come first. */
	for (int k = 0; argc && report_kinds[k]; k++)
		if (!strcmp(report_kinds[k], argv[0])) {
			rc = usage_error(ctx, "the report comes before the options: preg report %s ...", argv[0]);
			goto out;
		}
	if ((rc = filter_args(ctx, argc, argv, &s.f, &s.ph)) >= 0)
		goto out;
	if (as_of && until) {
		rc = usage_error(ctx, "--as-of and --until both name the day of the report: give one");
		goto out;
	}
	if (all && fmt != FMT_HTML && !xlsx) {
		rc = usage_error(ctx, "--all makes one page or one workbook: --format html or xlsx");
		goto out;
	}
	/* The register itself is of one day; its period is for the reports of --all. */
	if (kind == REPORT_REGISTER && !all && (since || until)) {
		rc = usage_error(ctx, "--since and --until go with --all; the register alone is of one day: --as-of");
		goto out;
	}
	if ((all || xlsx) && (by || sum)) {
		rc = usage_error(ctx, "--by and --sum are not in %s: use --format html, csv or json",
				 all ? "the page of --all" : "the workbook");
		goto out;
	}
	if (xlsx && (rc = refuse_binary_tty("preg report --format xlsx > register.xlsx")) >= 0)
		goto out;
	if (until && (rc = day_opt(ctx, "--until", until, &o.day)))
		goto out;
	if (as_of && (rc = date_opt(ctx, "--as-of", as_of, &o.day)))
		goto out;
	if (!as_of && !until && today(&o.day)) {
		rc = fail();
		goto out;
	}
	o.as_of = as_of || until;
	o.period = since || until;
	o.since = o.day - 29;
	if (since && (rc = day_opt(ctx, "--since", since, &o.since)))
		goto out;
	if (since && o.since > o.day) {
		rc = usage_error(ctx, "--since %s is after the day of the report", since);
		goto out;
	}
	if (won) {
		const struct phase *p = phases_find(s.ph, won);

		if (!p) {
			rc = usage_error(ctx, "--won: %s", preg_error_msg());
			goto out;
		}
		o.won = p->id;
	}
	if (top) {
		char *end;
		long t = strtol(top, &end, 10);

		if (*end || end == top || t < 1 || t > 100) {
			rc = usage_error(ctx, "invalid --top '%s' (1 to 100)", top);
			goto out;
		}
		o.top = (int)t;
	}
	if (kind == REPORT_ACTIVITY && by && strcmp(by, "manager") && strcmp(by, "client")) {
		rc = usage_error(ctx, "invalid --by '%s' (manager or client)", by);
		goto out;
	}
	o.by_client = kind == REPORT_ACTIVITY && by && !strcmp(by, "client");
	if (kind != REPORT_ACTIVITY && by) {
		if (strcmp(by, "kind") && strcmp(by, "tag") && strcmp(by, "manager") &&
		    (strncmp(by, "fields.", 7) || !field_name_ok(by + 7))) {
			rc = usage_error(ctx, "invalid --by '%s' (kind, tag, manager or fields.NAME)", by);
			goto out;
		}
		o.by = by;
	}
	if (sum) {
		if (strncmp(sum, "fields.", 7) || !field_name_ok(sum + 7)) {
			rc = usage_error(ctx, "invalid --sum '%s' (fields.NAME)", sum);
			goto out;
		}
		o.sum = sum + 7;
		/* The register's amounts: per phase and manager unless grouped otherwise. */
		if (kind == REPORT_REGISTER && !o.by)
			o.by = "manager";
	}
	o.period = o.period || kind == REPORT_ACTIVITY;
	o.f = &s.f;
	if (all) {
		/* The register of the day; the reports with the period when one
		 * is given, and the activity over it (30 days by default). */
		struct report_opts day = o, act = o;

		day.period = false;
		act.period = true;
		report_init(&s.rep[s.nrep++], s.ph, kind, &day);
		for (int k = REPORT_FUNNEL; k <= REPORT_REASONS; k++)
			report_init(&s.rep[s.nrep++], s.ph, (enum report_kind)k, &o);
		report_init(&s.rep[s.nrep++], s.ph, REPORT_ACTIVITY, &act);
	} else {
		report_init(&s.rep[s.nrep++], s.ph, kind, &o);
	}
	/* Activity counts notes: the cache keeps what it needs of them. The
	 * reports sort what they gather: the records may come in any order. */
	rc = reg_each_summary_any(ctx->reg, kind == REPORT_ACTIVITY || all, collect, &s);
	tell_unreadable(&s);
	if (rc >= 0)
		rc = filter_manager_check(&s.f, s.ph, s.seen);
	for (size_t k = 0; k < s.nrep && rc >= 0; k++)
		report_finish(&s.rep[k]);
	if (rc >= 0 && s.rep[0].nbad)
		warn_not_numbers(&s.rep[0], sum);
	if (rc >= 0 && xlsx)
		rc = register_xlsx(&out, s.rep, s.nrep);
	if (rc < 0) {
		rc = fail();
		goto release;
	}
	ro.fmt = fmt;
	ro.wide = wide;
	ro.color = fmt == FMT_TABLE && want_color(ctx);
	ro.width = term_width();
	ro.fit = fmt == FMT_TABLE ? table_fit(wide) : 0;
	ro.flush = flush_cb;
	if (all && !xlsx)
		report_write_all(&out, s.rep, s.nrep);
	else if (!xlsx)
		report_write(&out, &s.rep[0], &ro);
	flush_out(&out);
	rc = s.bad ? EXIT_FAIL : EXIT_OK;
release:
	buf_release(&out);
	for (size_t k = 0; k < s.nrep; k++)
		report_release(&s.rep[k]);
out:
	filter_release(&s.f);
	return rc;
}
