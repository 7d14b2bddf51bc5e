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

/* --since and --until of log, review and diff. */
#define PERIOD_OPTS                                                                              \
	OPT_VALUE('s', "since", VAL_DATE, "DATE", 0, "changes made on DATE (YYYY-MM-DD) or later"), \
	OPT_VALUE('u', "until", VAL_DATE, "DATE", 0, "changes made on DATE or earlier")

static const struct opt log_opts[] = {
	OPERAND("ID", VAL_CLIENT, OPT_OPTIONAL, "the trail of one client"),
	OPT_VALUE('M', "manager", VAL_MANAGER, "M", 0, "changes to clients M managed before or after the change"),
	OPT_VALUE('A', "author", VAL_MANAGER, "A", 0, "changes made by A: a preg user, or a git author name or email"),
	PERIOD_OPTS,
	OPT_CHOICE('f', "format", VAL_FORMAT, "F", "table|tsv|json", OPT_SHORT,
		   "table (default on a terminal), tsv (default otherwise) or json"),
	OPT_END,
};

const struct cmd log_cmd = {
	.name = "log",
	.fn = cmd_log,
	.flags = NEED_REGISTER,
	.summary = "the audit trail: who changed what, commit by commit",
	.opts = log_opts,
};

static const struct opt review_opts[] = {
	OPERAND("MANAGER", VAL_MANAGER, 0, NULL),
	PERIOD_OPTS,
	OPT_CHOICE('f', "format", VAL_FORMAT, "F", "table|tsv|json", OPT_SHORT,
		   "table (default on a terminal), tsv (default otherwise) or json"),
	OPT_END,
};

const struct cmd review_cmd = {
	.name = "review",
	.fn = cmd_review,
	.flags = NEED_REGISTER,
	.summary = "every client a manager has or had, where each stands, what they did",
	.opts = review_opts,
};

static const struct opt diff_opts[] = {
	OPERAND("REV", VAL_REV, OPT_OPTIONAL, "a git revision; one: from REV to now; none: the last commit"),
	OPERAND("REV", VAL_REV, OPT_OPTIONAL, NULL),
	OPT_VALUE('s', "since", VAL_DATE, "DATE", 0, "from the state before DATE (the last commit before that day)"),
	OPT_VALUE('u', "until", VAL_DATE, "DATE", 0, "to the state at the end of DATE; default: now"),
	OPT_END,
};

const struct cmd diff_cmd = {
	.name = "diff",
	.fn = cmd_diff,
	.flags = NEED_REGISTER,
	.summary = "what changed between two states, record by record, in words",
	.opts = diff_opts,
};

const struct cmd verify_cmd = {
	.name = "verify",
	.fn = cmd_verify,
	.flags = NEED_REGISTER,
	.summary = "prove that each record's history only grew, commit by commit",
};

const struct cmd undo_cmd = {
	.name = "undo",
	.fn = cmd_undo,
	.flags = NEED_REGISTER | WRITES,
	.summary = "revert your last change with a new commit",
};

/* ---- shared ---- */

static int parse_day(struct ctx *ctx, const char *opt, const char *s, int32_t *out)
{
	if (date_parse(out, s))
		return usage_error(ctx, "%s: %s", opt, preg_error_msg());
	return 0;
}

/* A command of no options and no operands: -1 to go on, else the exit code. */
static int no_operands(int argc, char **argv, struct ctx *ctx)
{
	if (argc)
		return usage_error(ctx, "unexpected argument '%s'", argv[0]);
	return -1;
}

/* The options of log and review into o and *fmt; 0 or the usage error's
 * exit code. */
static int log_options(struct ctx *ctx, struct log_opts *o, enum fmt *fmt)
{
	const char *arg;
	int c, rc = 0;

	while (!rc && (c = opt_next(ctx, &arg)) != -1) {
		switch (c) {
		case 'M': o->manager = arg; break;
		case 'A': o->author = arg; break;
		case 'f': fmt_parse(fmt, arg); break;
		case 's':
			o->has_since = true;
			rc = parse_day(ctx, "--since", arg, &o->since);
			break;
		case 'u':
			o->has_until = true;
			rc = parse_day(ctx, "--until", arg, &o->until);
			break;
		}
	}
	return rc;
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
	char hex[GIT_OID_HEXSZ + 1];
	const char *cells[6];

	changes_text(&ch, row->ch);
	snprintf(hex, sizeof(hex), "%.*s", w->fmt == FMT_TABLE ? 7 : GIT_OID_HEXSZ, row->c->hex);
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
	enum fmt fmt = stdout_tty() ? FMT_TABLE : FMT_TSV;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&s, 0, sizeof(s));
	if ((rc = log_options(ctx, &o, &fmt)))
		return rc;
	if (argc > 1)
		return usage_error(ctx, "unexpected argument '%s'", argv[1]);
	if (argc == 1) {
		o.id = argv[0];
		if (!slug_valid(o.id)) {
			preg_error_set(PREG_EINVAL, "invalid id '%s'", o.id);
			return fail();
		}
	}
	if (o.manager && !handle_valid(o.manager))
		return usage_error(ctx, "invalid manager '%s'", o.manager);
	fmt_start(&s.w, &s.out, fmt, log_cols, sizeof(log_cols) / sizeof(*log_cols), false, -1);
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
	};
	struct fmt_writer w;

	fmt_start(&w, out, fmt, cols, sizeof(cols) / sizeof(*cols), false, -1);
	for (size_t i = 0; i < rv->n; i++) {
		const struct review_item *it = &rv->v[i];
		const struct phase *p = phases_get(ph, it->rec->phase);
		char phase[16], days[16], over[16], taken[DATE_LEN + 1] = "";
		const char *cells[12];

		snprintf(phase, sizeof(phase), "%d", it->rec->phase);
		snprintf(days, sizeof(days), "%d", it->days_in_phase);
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
		cells[9] = it->stale ? "true" : "false";
		cells[10] = it->taken ? taken : NULL;
		cells[11] = it->changed;
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
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&s, 0, sizeof(s));
	if ((rc = log_options(ctx, &o, &fmt)))
		return rc;
	if (argc != 1)
		return usage_error(ctx, argc < 1 ? "review needs a MANAGER" : "too many arguments");
	o.author = argv[0];
	if (!handle_valid(o.author))
		return usage_error(ctx, "invalid manager '%s'", o.author);
	if (today(&day))
		return fail();
	if (review_collect(ctx->reg, o.author, day, &rv)) {
		review_release(&rv);
		return fail();
	}
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

		fmt_start(&s.w, &s.out, fmt, log_cols, sizeof(log_cols) / sizeof(*log_cols), false, -1);
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

		buf_addf(out, "%-8s %s (%s)", old ? "removed" : "added", id, r->name);
		if (new)
			buf_addf(out, ": phase %d (%s), manager %s", r->phase, p ? p->key : "?", r->manager);
		buf_addc(out, '\n');
		return;
	}
	buf_addf(out, "%-8s %s (%s)\n", "changed", id, r->name);
	for (size_t i = 0; i < ch->n; i++) {
		buf_adds(out, "  ");
		change_text(out, &ch->v[i]);
		buf_addc(out, '\n');
	}
}

/* Show what differs between trees a and b. */
static int diff_trees(struct ctx *ctx, git_tree *a, git_tree *b, struct buf *out)
{
	char **ids = NULL;
	size_t n = 0;
	int rc;

	if ((rc = hist_changed(ctx->reg, a, b, &ids, &n, NULL)))
		return rc;
	for (size_t i = 0; i < n && !rc; i++) {
		struct record *old = NULL, *new = NULL;
		struct changes ch;
		int ro = hist_record(ctx->reg, a, ids[i], &old), rn = hist_record(ctx->reg, b, ids[i], &new);

		memset(&ch, 0, sizeof(ch));
		if ((ro && ro != PREG_ENOTFOUND) || (rn && rn != PREG_ENOTFOUND)) {
			/* A state that does not parse is named, not explained. */
			buf_addf(out, "%-8s %s: %s\n", "changed", ids[i], preg_error_msg());
		} else {
			hist_compare(old, new, reg_phases(ctx->reg), &ch);
			if (ch.n)
				diff_record(out, ids[i], old, new, &ch, reg_phases(ctx->reg));
		}
		preg_error_clear();
		changes_release(&ch);
		record_free(old);
		record_free(new);
	}
	strv_free(ids, n);
	return rc;
}

static int cmd_diff(int argc, char **argv, struct ctx *ctx)
{
	const char *since = NULL, *until = NULL;
	int32_t dsince = 0, duntil = 0;
	git_oid a, b;
	bool has_a = false;
	git_tree *ta = NULL, *tb = NULL;
	struct buf out = BUF_INIT;
	const char *arg;
	int c, rc;

	while ((c = opt_next(ctx, &arg)) != -1) {
		switch (c) {
		case 's':
			if ((rc = parse_day(ctx, "--since", arg, &dsince)))
				return rc;
			since = arg;
			break;
		case 'u':
			if ((rc = parse_day(ctx, "--until", arg, &duntil)))
				return rc;
			until = arg;
			break;
		}
	}
	if (argc > 2)
		return usage_error(ctx, "too many arguments (at most two revisions)");
	if (argc && (since || until))
		return usage_error(ctx, "give revisions or --since/--until, not both");
	if (until && !since)
		return usage_error(ctx, "--until needs --since");
	if (since && until && duntil < dsince)
		return usage_error(ctx, "--until %s is before --since %s", until, since);
	rc = 0;
	if (until)
		rc = hist_at_day(ctx->reg, duntil, &b);
	else if (argc == 2)
		rc = hist_resolve(ctx->reg, argv[1], &b);
	else
		rc = hist_resolve(ctx->reg, "HEAD", &b);
	if (rc)
		return fail();
	if (since) {
		rc = hist_at_day(ctx->reg, dsince - 1, &a);
		has_a = !rc;
		if (rc == PREG_ENOTFOUND)
			rc = 0; /* before the register began: from nothing */
	} else if (argc >= 1) {
		rc = hist_resolve(ctx->reg, argv[0], &a);
		has_a = !rc;
	} else {
		git_commit *gc = NULL;

		if (git_commit_lookup(&gc, reg_repo(ctx->reg), &b)) {
			rc = preg_error_set(PREG_ERR, "cannot read commit %s", git_oid_tostr_s(&b));
		} else if (git_commit_parentcount(gc)) {
			git_oid_cpy(&a, git_commit_parent_id(gc, 0));
			has_a = true;
		}
		git_commit_free(gc);
	}
	if (!rc && !(rc = hist_tree(ctx->reg, &b, &tb)) && has_a)
		rc = hist_tree(ctx->reg, &a, &ta);
	if (!rc)
		rc = diff_trees(ctx, ta, tb, &out);
	git_tree_free(ta);
	git_tree_free(tb);
	if (rc) {
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
		printf("%s\n", v.problems[i]);
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
	printf("undid %.7s (%s)\n", o.undone, o.summary);
	undo_release(&o);
	return EXIT_OK;
}
