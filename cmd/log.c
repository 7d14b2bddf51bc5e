/* log: the audit trail, who changed what, commit by commit (preg log);
 * its listing serves review too. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "history.h"
#include "log.h"
#include "slug.h"

static int cmd_log(int argc, char **argv, struct ctx *ctx);

/* --since and --until of log, review and diff. */
#define PERIOD_OPTS                                                                              \
	OPT_VALUE('s', "since", VAL_DATE, "DATE", 0, "changes made on DATE (YYYY-MM-DD) or later"), \
	OPT_VALUE('u', "until", VAL_DATE, "DATE", 0, "changes made on DATE or earlier (its commit's author time, not when it reached this clone)")

static const struct opt log_opts[] = {
	OPERAND("ID", VAL_CLIENT, OPT_OPTIONAL | OPT_PAST, "the trail of one client (removed ones too)"),
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

/* ---- the trail as a listing, for log and review ---- */

static const struct fmt_col log_cols[] = {
	{ "commit", COL_TEXT }, { "time", COL_TEXT },	{ "author", COL_TEXT },
	{ "client", COL_TEXT }, { "action", COL_TEXT }, { "changes", COL_TEXT },
};

int trail_options(struct ctx *ctx, struct log_opts *o, enum fmt *fmt)
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
			rc = date_opt(ctx, "--since", arg, &o->since);
			break;
		case 'u':
			o->has_until = true;
			rc = date_opt(ctx, "--until", arg, &o->until);
			break;
		}
	}
	return rc;
}

void trail_start(struct trail *t, enum fmt fmt, bool stream)
{
	t->rows = 0;
	t->stream = stream;
	fmt_start(&t->w, &t->out, fmt, log_cols, sizeof(log_cols) / sizeof(*log_cols), false, -1);
}

int trail_row(void *arg, const struct log_row *row)
{
	struct trail *t = arg;
	struct buf ch = BUF_INIT;
	char hex[REG_HEXSZ + 1];
	const char *cells[6];

	changes_text(&ch, row->ch);
	snprintf(hex, sizeof(hex), "%.*s", t->w.fmt == FMT_TABLE ? 7 : REG_HEXSZ, row->c->hex);
	cells[0] = hex;
	cells[1] = row->c->time;
	cells[2] = row->by;
	cells[3] = row->id;
	cells[4] = row->c->action ? row->c->action : "git";
	cells[5] = buf_str(&ch);
	fmt_row(&t->w, &t->out, cells, NULL);
	buf_release(&ch);
	t->rows++;
	/* A long trail streams out (tsv and json). */
	if (t->stream && t->w.fmt != FMT_TABLE && t->out.len > 65536)
		flush_out(&t->out);
	return 0;
}

/* ---- log ---- */

static int cmd_log(int argc, char **argv, struct ctx *ctx)
{
	struct log_opts o;
	struct trail s;
	enum fmt fmt = stdout_tty() ? FMT_TABLE : FMT_TSV;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&s, 0, sizeof(s));
	if ((rc = trail_options(ctx, &o, &fmt)))
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
	if (o.manager && (rc = past_manager_arg(ctx, &o.manager)))
		return rc;
	trail_start(&s, fmt, true);
	rc = log_walk(ctx->reg, &o, trail_row, &s);
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
