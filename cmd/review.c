/* review: every client a manager has or had, where each stands, and
 * what the manager did (preg review). */
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "log.h"
#include "review.h"
#include "slug.h"

static int cmd_review(int argc, char **argv, struct ctx *ctx);

static const struct opt review_opts[] = {
	OPERAND("MANAGER", VAL_MANAGER, 0, NULL),
	OPT_VALUE('s', "since", VAL_DATE, "DATE", 0, "the manager's changes made on DATE (YYYY-MM-DD) or later"),
	OPT_VALUE('u', "until", VAL_DATE, "DATE", 0, "the manager's changes made on DATE or earlier (as preg log)"),
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
	struct trail s;
	struct review rv;
	enum fmt fmt = stdout_tty() ? FMT_TABLE : FMT_TSV;
	int32_t day;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&s, 0, sizeof(s));
	if ((rc = trail_options(ctx, &o, &fmt)))
		return rc;
	if (argc != 1)
		return usage_error(ctx, argc < 1 ? "review needs a MANAGER" : "too many arguments");
	o.author = argv[0];
	if ((rc = past_manager_arg(ctx, &o.author)))
		return rc;
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

		trail_start(&s, fmt, false);
		rc = log_walk(ctx->reg, &o, trail_row, &s);
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
