/* diff: what changed between two states of the register, record by
 * record, in words (preg diff). */
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "history.h"

static int cmd_diff(int argc, char **argv, struct ctx *ctx);

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
			fmt_addf(out, "%-8s %s: %s\n", "changed", ids[i], preg_error_msg());
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
			if ((rc = date_opt(ctx, "--since", arg, &dsince)))
				return rc;
			since = arg;
			break;
		case 'u':
			if ((rc = date_opt(ctx, "--until", arg, &duntil)))
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
