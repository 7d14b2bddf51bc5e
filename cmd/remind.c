/* remind: what is due, grouped by manager, for a person or cron (preg remind). */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "err.h"
#include "ics.h"
#include "ptime.h"
#include "remind.h"

#ifndef PREG_VERSION
#define PREG_VERSION "0.0.0"
#endif

static int cmd_remind(int argc, char **argv, struct ctx *ctx);

static const struct opt opts[] = {
	FILTER_OPTS,
	OPT_VALUE('a', "as-of", VAL_DATE, "DATE", 0, "what was due on DATE (YYYY-MM-DD); default: today"),
	OPT_VALUE('w', "within", VAL_DAYS, "Nd", 0, "also the next contacts of the next N days (0d to 365d)"),
	OPT_CHOICE('f', "format", VAL_FORMAT, "F", "text|tsv|json|ics", OPT_SHORT,
		   "text (default), tsv, json or ics (an iCalendar of to-dos)"),
	OPT_END,
};

const struct cmd remind_cmd = {
	.name = "remind",
	.fn = cmd_remind,
	.flags = NEED_REGISTER,
	.summary = "what is due: contacts due or overdue, clients that stall",
	.opts = opts,
};

enum { OUT_TEXT, OUT_TSV, OUT_JSON, OUT_ICS };

struct state {
	const struct phases *ph;
	struct remind_opts o;
	struct remind_list l;
	bool seen; /* a client has or had --manager */
	int bad;
};

static int collect(void *arg, const char *id, const char *path, struct record *r)
{
	struct state *s = arg;

	(void)id;
	(void)path;
	if (!r) {
		print_error(preg_error_msg());
		s->bad++;
		return 0;
	}
	s->seen = s->seen || filter_manager_seen(s->o.f, r);
	remind_add(&s->l, r, s->ph, &s->o);
	return 0;
}

/* "today", "3 days ago", "in 1 day". */
static void when(char *out, size_t n, int days_overdue)
{
	int d = abs(days_overdue);

	if (!days_overdue)
		snprintf(out, n, "today");
	else
		snprintf(out, n, "%s%d day%s%s", days_overdue < 0 ? "in " : "", d, d == 1 ? "" : "s",
			 days_overdue > 0 ? " ago" : "");
}

static void put_text(struct buf *out, const struct remind_list *l, const struct phases *ph)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct remind_item *it = &l->v[i];
		char date[DATE_LEN], rel[32];

		if (!i || strcmp(it->manager, l->v[i - 1].manager)) {
			const struct manager *m = NULL;

			for (size_t k = 0; k < ph->nmanagers; k++)
				if (!strcmp(ph->managers[k].handle, it->manager))
					m = &ph->managers[k];
			fmt_addf(out, "%s%s", i ? "\n" : "", it->manager);
			if (m && m->name)
				fmt_addf(out, ": %s", m->name);
			if (m && m->email)
				fmt_addf(out, "%s<%s>", m->name ? " " : ": ", m->email);
			buf_addc(out, '\n');
		}
		date_format(date, it->date);
		when(rel, sizeof(rel), it->days_overdue);
		fmt_addf(out, "  %-8s  %s  %-12s  %s  %s: ", remind_kind_name(it->kind), date, rel, it->id,
			 it->name);
		if (it->kind == REMIND_STALE) {
			const struct phase *next = it->ended ? phases_get(ph, it->phase + 1) : NULL;

			fmt_addf(out, "%d days in %d %s (limit %dd)", it->days_in_phase, it->phase,
				 it->phase_key ? it->phase_key : "?", it->stale_after);
			/* After the end, the reminder is for the step that follows
			 * (freight: 12, the analysis of the causes). */
			if (next)
				fmt_addf(out, ": next is %d %s", next->id, next->key);
			buf_addc(out, '\n');
		} else
			fmt_addf(out, "%s\n", it->next_action ? it->next_action : "next contact");
	}
}

static void put_table(struct buf *out, const struct remind_list *l, enum fmt fmt)
{
	static const struct fmt_col cols[] = {
		{ "manager", COL_TEXT }, { "id", COL_TEXT }, { "name", COL_TEXT },
		{ "reason", COL_TEXT }, { "date", COL_TEXT }, { "days_overdue", COL_NUMBER },
		{ "phase", COL_NUMBER }, { "phase_key", COL_TEXT }, { "days_in_phase", COL_NUMBER },
		{ "next_action", COL_TEXT },
	};
	struct fmt_writer w;

	fmt_start(&w, out, fmt, cols, sizeof(cols) / sizeof(*cols), false, -1);
	for (size_t i = 0; i < l->n; i++) {
		const struct remind_item *it = &l->v[i];
		char date[DATE_LEN], over[16], phase[16], days[16];
		const char *cells[10];

		date_format(date, it->date);
		snprintf(over, sizeof(over), "%d", it->days_overdue);
		snprintf(phase, sizeof(phase), "%d", it->phase);
		snprintf(days, sizeof(days), "%d", it->days_in_phase);
		cells[0] = it->manager;
		cells[1] = it->id;
		cells[2] = it->name;
		cells[3] = remind_kind_name(it->kind);
		cells[4] = date;
		cells[5] = over;
		cells[6] = phase;
		cells[7] = it->phase_key;
		cells[8] = days;
		cells[9] = it->next_action;
		fmt_row(&w, out, cells, NULL);
	}
	fmt_end(&w, out);
}

/* The operands and option values: -1 when good, else the exit code. */
static int check_args(struct ctx *ctx, int argc, char **argv, const char *within, const char *as_of,
		      struct state *s, struct filter *f)
{
	int rc = filter_args(ctx, argc, argv, f, &s->ph);

	if (rc >= 0)
		return rc;
	if (within && (days_parse(&s->o.within, within) || s->o.within > 365))
		return usage_error(ctx, "invalid --within '%s' (Nd, from 0d to 365d)", within);
	if (as_of && (rc = date_opt(ctx, "--as-of", as_of, &s->o.day)))
		return rc;
	return -1;
}

static int cmd_remind(int argc, char **argv, struct ctx *ctx)
{
	const char *as_of = NULL, *within = NULL, *arg;
	struct state s;
	struct filter f;
	struct buf out = BUF_INIT;
	struct ptime now;
	int c, rc, format = OUT_TEXT;

	memset(&s, 0, sizeof(s));
	memset(&f, 0, sizeof(f));
	s.o.within = -1;
	s.o.f = &f;
	while ((c = opt_next(ctx, &arg)) != -1) {
		if (filter_opt(&f, c, arg))
			continue;
		switch (c) {
		case 'a': as_of = arg; break;
		case 'w': within = arg; break;
		case 'f':
			format = !strcmp(arg, "tsv")	? OUT_TSV
				 : !strcmp(arg, "json") ? OUT_JSON
				 : !strcmp(arg, "ics")	? OUT_ICS
							: OUT_TEXT;
			break;
		}
	}
	rc = check_args(ctx, argc, argv, within, as_of, &s, &f);
	if (rc >= 0) {
		filter_release(&f);
		return rc;
	}
	if (ptime_now(&now)) {
		filter_release(&f);
		return fail();
	}
	if (!as_of)
		s.o.day = ptime_day(now);
	s.o.as_of = as_of != NULL;
	rc = reg_each_summary(ctx->reg, collect, &s);
	if (rc >= 0)
		rc = filter_manager_check(&f, s.ph, s.seen);
	filter_release(&f);
	if (rc < 0) {
		remind_list_release(&s.l);
		return fail();
	}
	remind_sort(&s.l);
	/* Nothing due: text and tsv print nothing, so that cron sends no
	 * mail; json and ics stay what they are, an empty list and an empty
	 * calendar, for the programs that read them. */
	if (s.l.n || format == OUT_JSON || format == OUT_ICS) {
		if (format == OUT_TEXT)
			put_text(&out, &s.l, s.ph);
		else if (format == OUT_ICS)
			ics_calendar(&out, &s.l, PREG_VERSION, now.t);
		else
			put_table(&out, &s.l, format == OUT_TSV ? FMT_TSV : FMT_JSON);
	}
	flush_out(&out);
	buf_release(&out);
	remind_list_release(&s.l);
	return s.bad ? EXIT_FAIL : EXIT_OK;
}
