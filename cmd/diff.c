/* diff: what changed between two states of the register, record by
 * record, in words (preg diff). */
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "history.h"
#include "log.h"

static int cmd_diff(int argc, char **argv, struct ctx *ctx);

static const struct opt diff_opts[] = {
	OPERAND("REV", VAL_REV, OPT_OPTIONAL, "a git revision; one: from REV to now; none: the last commit"),
	OPERAND("REV", VAL_REV, OPT_OPTIONAL, NULL),
	OPT_VALUE('s', "since", VAL_DATE, "DATE", 0, "what the changes made on DATE (YYYY-MM-DD) or later did"),
	OPT_VALUE('u', "until", VAL_DATE, "DATE", 0, "only changes made on DATE or earlier (when a change was made, as preg log, not when it reached this clone)"),
	OPT_END,
};

const struct cmd diff_cmd = {
	.name = "diff",
	.fn = cmd_diff,
	.flags = NEED_REGISTER,
	.summary = "what changed between two states, record by record, in words",
	.opts = diff_opts,
};

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

	/* A state that does not parse is named, not explained. */
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
	const char *arg;
	int c, rc;

	memset(&g, 0, sizeof(g));
	while ((c = opt_next(ctx, &arg)) != -1) {
		switch (c) {
		case 's':
			if ((rc = date_opt(ctx, "--since", arg, &g.since)))
				return rc;
			since = arg;
			break;
		case 'u':
			if ((rc = date_opt(ctx, "--until", arg, &g.until)))
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
	if (since && until && g.until < g.since)
		return usage_error(ctx, "--until %s is before --since %s", until, since);
	g.has_since = since != NULL;
	g.has_until = until != NULL;
	g.from = argc >= 1 ? argv[0] : NULL;
	g.to = argc == 2 ? argv[1] : NULL;
	d.ph = reg_phases(ctx->reg);
	if (log_diff(ctx->reg, &g, diff_cb, &d)) {
		buf_release(&out);
		return fail();
	}
	flush_out(&out);
	buf_release(&out);
	return EXIT_OK;
}
