/* history: the commands that look back: log, review, diff, verify, undo. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "history.h"
#include "log.h"
#include "ops.h"
#include "ptime.h"
#include "review.h"
#include "slug.h"
#include "verify.h"

static int cmd_log(int argc, char **argv, struct ctx *ctx);
static int cmd_review(int argc, char **argv, struct ctx *ctx);
static int cmd_diff(int argc, char **argv, struct ctx *ctx);
static int cmd_verify(int argc, char **argv, struct ctx *ctx);
static int cmd_undo(int argc, char **argv, struct ctx *ctx);

static const struct option log_opts[] = {
	{ "manager", required_argument, NULL, 'M' },
	{ "author", required_argument, NULL, 'A' },
	{ "since", required_argument, NULL, 's' },
	{ "until", required_argument, NULL, 'u' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const log_usage[] = {
	"preg log [ID] [--manager M] [--author A] [--since DATE] [--until DATE] [--format table|tsv|json]",
	"",
	"    ID               the trail of one client",
	"    --manager M      changes to clients M managed before or after the change",
	"    --author A       changes made by A: a preg user, or a git author name or email",
	"    --since DATE     changes made on DATE (YYYY-MM-DD) or later",
	"    --until DATE     changes made on DATE or earlier (the day a change was made:",
	"                     its commit's author time, not when it reached this clone)",
	"    -f, --format F   table (default on a terminal), tsv (default otherwise) or json",
	NULL,
};

const struct cmd log_cmd = { "log", cmd_log, NEED_REGISTER, "the audit trail: who changed what, commit by commit",
			     log_opts, log_usage, NULL };

static const struct option review_opts[] = {
	{ "since", required_argument, NULL, 's' },
	{ "until", required_argument, NULL, 'u' },
	{ "format", required_argument, NULL, 'f' },
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const review_usage[] = {
	"preg review MANAGER [--since DATE] [--until DATE] [--format table|tsv|json]",
	"",
	"    --since DATE     the manager's changes made on DATE (YYYY-MM-DD) or later",
	"    --until DATE     the manager's changes made on DATE or earlier (as preg log)",
	"    -f, --format F   table (default on a terminal), tsv (default otherwise) or json",
	NULL,
};

const struct cmd review_cmd = { "review", cmd_review, NEED_REGISTER,
				"every client a manager has or had, where each stands, what they did",
				review_opts, review_usage, NULL };

static const struct option diff_opts[] = {
	{ "since", required_argument, NULL, 's' },
	{ "until", required_argument, NULL, 'u' },
	{ "help", no_argument, NULL, 'h' },
	{ 0, 0, 0, 0 },
};

static const char *const diff_usage[] = {
	"preg diff [REV [REV]] [--since DATE] [--until DATE]",
	"",
	"    REV              a git revision; one: from REV to now; none: the last commit",
	"    --since DATE     what the changes made on DATE (YYYY-MM-DD) or later did",
	"    --until DATE     only changes made on DATE or earlier (a change's day: when",
	"                     it was made, its commit's author time, as preg log uses;",
	"                     not when it reached this clone)",
	NULL,
};

const struct cmd diff_cmd = { "diff", cmd_diff, NEED_REGISTER,
			      "what changed between two states, record by record, in words", diff_opts,
			      diff_usage, NULL };

static const char *const verify_usage[] = {
	"preg verify",
	NULL,
};

const struct cmd verify_cmd = { "verify", cmd_verify, NEED_REGISTER,
				"prove that each record's history only grew, commit by commit", NULL,
				verify_usage, NULL };

static const char *const undo_usage[] = {
	"preg undo",
	NULL,
};

const struct cmd undo_cmd = { "undo", cmd_undo, NEED_REGISTER | WRITES,
			      "revert your last change with a new commit", NULL, undo_usage, NULL };

/* ---- shared ---- */

/* --format table|tsv|json into *fmt; 0, or the usage error's exit code. */
static int parse_format(struct ctx *ctx, const char *s, enum fmt *fmt)
{
	if (fmt_parse(fmt, s) || *fmt == FMT_CSV)
		return usage_error(ctx, "unknown format '%s' (table, tsv or json)", s);
	return 0;
}

static int parse_day(struct ctx *ctx, const char *opt, const char *s, int32_t *out)
{
	if (date_parse(out, s))
		return usage_error(ctx, "%s: %s", opt, preg_error_msg());
	return 0;
}

/* A command of no options and no operands: -1 to go on, else the exit code. */
static int no_operands(int argc, char **argv, struct ctx *ctx)
{
	int code;

	while (next_opt(argc, argv, "h", ctx, &code) != -1)
		;
	if (code >= 0)
		return code;
	if (optind < argc)
		return usage_error(ctx, "unexpected argument '%s'", argv[optind]);
	return -1;
}

/* --since and --until into o; 0 or the usage error's exit code. */
static int period_opt(struct ctx *ctx, int c, struct log_opts *o)
{
	if (c == 's') {
		o->has_since = true;
		return parse_day(ctx, "--since", optarg, &o->since);
	}
	o->has_until = true;
	return parse_day(ctx, "--until", optarg, &o->until);
}

/* ---- log ---- */

static const struct fmt_col log_cols[] = {
	{ "commit", COL_TEXT }, { "time", COL_TEXT },	{ "author", COL_TEXT },
	{ "client", COL_TEXT }, { "action", COL_TEXT }, { "changes", COL_TEXT },
};

struct log_state {
	struct fmt_writer w;
	struct buf out;
	size_t rows;
};

static void log_row_cells(const struct log_row *row, struct fmt_writer *w, struct buf *out)
{
	struct buf ch = BUF_INIT;
	char hex[REG_HEXSZ + 1];
	const char *cells[6];

	changes_text(&ch, row->ch);
	snprintf(hex, sizeof(hex), "%.*s", w->fmt == FMT_TABLE ? 7 : REG_HEXSZ, row->c->hex);
	cells[0] = hex;
	cells[1] = row->c->time;
	cells[2] = row->by;
	cells[3] = row->id;
	cells[4] = row->c->action ? row->c->action : "git";
	cells[5] = buf_str(&ch);
	fmt_row(w, out, cells, NULL);
	buf_release(&ch);
}

static int log_cb(void *arg, const struct log_row *row)
{
	struct log_state *s = arg;

	log_row_cells(row, &s->w, &s->out);
	s->rows++;
	/* A long trail streams out (tsv and json). */
	if (s->w.fmt != FMT_TABLE && s->out.len > 65536)
		flush_out(&s->out);
	return 0;
}

static int cmd_log(int argc, char **argv, struct ctx *ctx)
{
	struct log_opts o;
	struct log_state s;
	int c, code, rc;

	memset(&o, 0, sizeof(o));
	memset(&s, 0, sizeof(s));
	s.w.fmt = stdout_tty() ? FMT_TABLE : FMT_TSV;
	while ((c = next_opt(argc, argv, "hf:", ctx, &code)) != -1) {
		switch (c) {
		case 'M': o.manager = optarg; break;
		case 'A': o.author = optarg; break;
		case 's':
		case 'u':
			if ((rc = period_opt(ctx, c, &o)))
				return rc;
			break;
		case 'f':
			if ((rc = parse_format(ctx, optarg, &s.w.fmt)))
				return rc;
			break;
		}
	}
	if (code >= 0)
		return code;
	if (argc - optind > 1)
		return usage_error(ctx, "unexpected argument '%s'", argv[optind + 1]);
	if (argc - optind == 1) {
		o.id = argv[optind];
		if (!slug_valid(o.id)) {
			preg_error_set(PREG_EINVAL, "invalid id '%s'", o.id);
			return fail();
		}
	}
	if (o.manager && !handle_valid(o.manager))
		return usage_error(ctx, "invalid manager '%s'", o.manager);
	s.w.cols = log_cols;
	s.w.ncols = sizeof(log_cols) / sizeof(*log_cols);
	s.w.color_col = -1;
	fmt_begin(&s.w, &s.out);
	rc = log_walk(ctx->reg, &o, log_cb, &s);
	fmt_end(&s.w, &s.out);
	if (rc) {
		buf_release(&s.out);
		return fail();
	}
	if (o.id && !s.rows && !reg_exists(ctx->reg, o.id)) {
		buf_release(&s.out);
		preg_error_set(PREG_ENOTFOUND, "client '%s' not found in the register or its history", o.id);
		return fail();
	}
	/* Nothing found: nothing printed, not even a header. */
	if (s.rows || s.w.fmt == FMT_JSON)
		flush_out(&s.out);
	buf_release(&s.out);
	return EXIT_OK;
}

/* ---- review ---- */

static int review_commit(void *arg, const struct log_row *row)
{
	struct log_state *s = arg;

	log_row_cells(row, &s->w, &s->out);
	s->rows++;
	return 0;
}

static void review_clients(struct buf *out, enum fmt fmt, const struct review *rv, const struct phases *ph)
{
	static const struct fmt_col cols[] = {
		{ "id", COL_TEXT },	       { "name", COL_TEXT },	     { "holds", COL_BOOL },
		{ "manager", COL_TEXT },       { "phase", COL_NUMBER },	     { "phase_key", COL_TEXT },
		{ "days_in_phase", COL_NUMBER }, { "next_contact", COL_TEXT }, { "days_overdue", COL_NUMBER },
		{ "stale", COL_BOOL },	       { "taken", COL_TEXT },	     { "changed", COL_TEXT },
		{ "due", COL_BOOL },	       { "overdue", COL_BOOL },	     { "on_hold", COL_BOOL },
		{ "ended", COL_BOOL },
	};
	struct fmt_writer w;

	fmt_start(&w, out, fmt, cols, sizeof(cols) / sizeof(*cols), false, -1);
	for (size_t i = 0; i < rv->n; i++) {
		const struct review_item *it = &rv->v[i];
		const struct phase *p = phases_get(ph, it->rec->phase);
		char phase[16], days[16], over[16], taken[DATE_LEN + 1] = "";
		const char *cells[16];

		snprintf(phase, sizeof(phase), "%d", it->rec->phase);
		snprintf(days, sizeof(days), "%d", it->st.days_in_phase);
		snprintf(over, sizeof(over), "%d", it->days_overdue);
		if (it->taken)
			snprintf(taken, sizeof(taken), "%.10s", it->taken);
		cells[0] = it->rec->id;
		cells[1] = it->rec->name;
		cells[2] = it->holds ? "true" : "false";
		cells[3] = it->rec->manager;
		cells[4] = phase;
		cells[5] = p ? p->key : NULL;
		cells[6] = days;
		cells[7] = it->rec->next_contact;
		cells[8] = it->days_overdue >= 0 ? over : NULL;
		cells[9] = it->st.stale ? "true" : "false";
		cells[10] = it->taken ? taken : NULL;
		cells[11] = it->changed;
		cells[12] = it->st.due ? "true" : "false";
		cells[13] = it->st.overdue ? "true" : "false";
		cells[14] = it->st.on_hold ? "true" : "false";
		cells[15] = it->st.ended ? "true" : "false";
		fmt_row(&w, out, cells, NULL);
	}
	fmt_end(&w, out);
}

static int cmd_review(int argc, char **argv, struct ctx *ctx)
{
	struct log_opts o;
	struct log_state s;
	struct review rv;
	enum fmt fmt = stdout_tty() ? FMT_TABLE : FMT_TSV;
	int32_t day;
	int c, code, rc;

	memset(&o, 0, sizeof(o));
	memset(&s, 0, sizeof(s));
	while ((c = next_opt(argc, argv, "hf:", ctx, &code)) != -1) {
		switch (c) {
		case 's':
		case 'u':
			if ((rc = period_opt(ctx, c, &o)))
				return rc;
			break;
		case 'f':
			if ((rc = parse_format(ctx, optarg, &fmt)))
				return rc;
			break;
		}
	}
	if (code >= 0)
		return code;
	if (argc - optind != 1)
		return usage_error(ctx, argc - optind < 1 ? "review needs a MANAGER" : "too many arguments");
	o.author = argv[optind];
	if (!handle_valid(o.author))
		return usage_error(ctx, "invalid manager '%s'", o.author);
	if (today(&day))
		return fail();
	if (review_collect(ctx->reg, o.author, day, &rv)) {
		review_release(&rv);
		return fail();
	}
	s.w.fmt = fmt;
	s.w.cols = log_cols;
	s.w.ncols = sizeof(log_cols) / sizeof(*log_cols);
	s.w.color_col = -1;
	if (fmt == FMT_JSON) {
		buf_adds(&s.out, "{\"manager\":");
		json_str(&s.out, o.author);
		buf_adds(&s.out, ",\n\"clients\":");
	} else if (fmt == FMT_TABLE) {
		buf_addf(&s.out, "Clients %s has or had:\n", o.author);
	}
	if (rv.n || fmt != FMT_TABLE)
		review_clients(&s.out, fmt, &rv, reg_phases(ctx->reg));
	else
		buf_adds(&s.out, "(none)\n");
	if (fmt == FMT_JSON)
		buf_adds(&s.out, ",\"commits\":");
	else if (fmt == FMT_TABLE)
		buf_addf(&s.out, "\nChanges %s made:\n", o.author);
	else
		buf_addc(&s.out, '\n');
	{
		size_t mark = s.out.len;

		fmt_begin(&s.w, &s.out);
		rc = log_walk(ctx->reg, &o, review_commit, &s);
		fmt_end(&s.w, &s.out);
		if (!rc && !s.rows && fmt == FMT_TABLE) {
			s.out.len = mark;
			buf_adds(&s.out, "(none)\n");
		}
	}
	if (fmt == FMT_JSON)
		buf_adds(&s.out, "}\n");
	review_release(&rv);
	if (rc) {
		buf_release(&s.out);
		return fail();
	}
	flush_out(&s.out);
	buf_release(&s.out);
	return EXIT_OK;
}

/* ---- diff ---- */

static void diff_record(struct buf *out, const char *id, const struct record *old, const struct record *new,
			const struct changes *ch, const struct phases *ph)
{
	const struct record *r = new ? new : old;

	if (!old || !new) {
		const struct phase *p = phases_get(ph, r->phase);

		fmt_addf(out, "%-8s %s (%s)", old ? "removed" : "added", id, r->name);
		if (new)
			fmt_addf(out, ": phase %d (%s), manager %s", r->phase, p ? p->key : "?", r->manager);
		buf_addc(out, '\n');
		return;
	}
	fmt_addf(out, "%-8s %s (%s)\n", "changed", id, r->name);
	for (size_t i = 0; i < ch->n; i++) {
		struct buf line = BUF_INIT;

		change_text(&line, &ch->v[i]);
		fmt_addf(out, "  %s\n", buf_str(&line));
		buf_release(&line);
	}
}

struct diff_out {
	struct buf *out;
	const struct phases *ph;
};

static int diff_cb(void *arg, const char *id, const struct record *old, const struct record *new,
		   const struct changes *ch, const char *error)
{
	struct diff_out *d = arg;

	if (error)
		fmt_addf(d->out, "%-8s %s: %s\n", "changed", id, error);
	else
		diff_record(d->out, id, old, new, ch, d->ph);
	return 0;
}

static int cmd_diff(int argc, char **argv, struct ctx *ctx)
{
	const char *since = NULL, *until = NULL;
	struct log_range g;
	struct buf out = BUF_INIT;
	struct diff_out d = { &out, NULL };
	int c, code, rc;

	memset(&g, 0, sizeof(g));
	while ((c = next_opt(argc, argv, "h", ctx, &code)) != -1) {
		switch (c) {
		case 's':
			if ((rc = parse_day(ctx, "--since", optarg, &g.since)))
				return rc;
			since = optarg;
			break;
		case 'u':
			if ((rc = parse_day(ctx, "--until", optarg, &g.until)))
				return rc;
			until = optarg;
			break;
		}
	}
	if (code >= 0)
		return code;
	if (argc - optind > 2)
		return usage_error(ctx, "too many arguments (at most two revisions)");
	if (argc - optind && (since || until))
		return usage_error(ctx, "give revisions or --since/--until, not both");
	if (until && !since)
		return usage_error(ctx, "--until needs --since");
	if (since && until && g.until < g.since)
		return usage_error(ctx, "--until %s is before --since %s", until, since);
	g.has_since = since != NULL;
	g.has_until = until != NULL;
	g.from = argc - optind >= 1 ? argv[optind] : NULL;
	g.to = argc - optind == 2 ? argv[optind + 1] : NULL;
	d.ph = reg_phases(ctx->reg);
	if (log_diff(ctx->reg, &g, diff_cb, &d)) {
		buf_release(&out);
		return fail();
	}
	flush_out(&out);
	buf_release(&out);
	return EXIT_OK;
}

/* ---- verify ---- */

static int cmd_verify(int argc, char **argv, struct ctx *ctx)
{
	struct verify_report v;
	int code = no_operands(argc, argv, ctx);

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
	printf("verified %zu commits and %zu records: every history only grew by appending\n", v.commits,
	       v.records);
	verify_release(&v);
	return EXIT_OK;
}

/* ---- undo ---- */

static int cmd_undo(int argc, char **argv, struct ctx *ctx)
{
	struct undo_opts o;
	int code = no_operands(argc, argv, ctx);

	if (code >= 0)
		return code;
	if (ops_undo(ctx->reg, &o)) {
		undo_release(&o);
		return fail();
	}
	print_visible(stdout, "undid %.7s (%s)\n", o.undone, o.summary);
	undo_release(&o);
	return EXIT_OK;
}
