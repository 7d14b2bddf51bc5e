/* remind: what is due, grouped by manager, for a person or cron (preg remind). */
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "cmd.h"
#include "err.h"
#include "ics.h"
#include "mail.h"
#include "ptime.h"
#include "remind.h"
#include "when.h"

#ifndef PREG_VERSION
#define PREG_VERSION "0.0.0"
#endif

static int cmd_remind(int argc, char **argv, struct ctx *ctx);

static const struct opt opts[] = {
	FILTER_OPTS,
	OPT_VALUE('a', "as-of", VAL_DATE, "DATE", 0, "what was due on DATE (YYYY-MM-DD); default: today"),
	OPT_VALUE('w', "within", VAL_DAYS, "Nd", 0,
		  "also the next contacts of the next N days (0d to 365d), or up to a day (fri, 25.12.2026)"),
	OPT_CHOICE('f', "format", VAL_FORMAT, "F", "text|tsv|json|ics", OPT_SHORT,
		   "text (default), tsv, json or ics (an iCalendar of to-dos)"),
	OPT_FLAG('m', "mail", 0,
		 "mail each manager their own list through sendmail ($PREG_SENDMAIL); a stand-in gets "
		 "the lists of whom they stand in for"),
	OPT_FLAG('n', "dry-run", 0, "with --mail: write the messages to stdout as an mbox instead"),
	OPT_FLAG('W', "wide", 0,
		 "every name and next action whole (default on a terminal: each line fits the width)"),
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
	struct filter who; /* --manager alone, for the check that it exists */
	bool seen;	   /* a client has or had --manager */
	int bad;
};

static int collect(void *arg, const char *id, const char *path, struct record *r)
{
	struct state *s = arg;

	(void)id;
	(void)path;
	if (!r)
		return skip_unreadable(&s->bad);
	s->seen = s->seen || filter_manager_seen(&s->who, r);
	remind_add(&s->l, r, s->ph, &s->o);
	return 0;
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

/* --within: N days (Nd, Nw), or up to a day as people type it (fri,
 * 25.12.2026, +3d), counted from *day (--as-of), else today. 0, or -1
 * when it is neither, or a day before. */
static int within_day(const char *s, const int32_t *day, int *out)
{
	struct when_now n;
	int32_t until, from;

	if (!days_parse(out, s))
		return 0;
	if (when_now(&n) || when_date(&until, s, &n)) {
		preg_error_clear();
		return -1;
	}
	from = day ? *day : ptime_day(n.now);
	if (until < from)
		return -1;
	*out = until - from > 366 ? 366 : (int)(until - from);
	return 0;
}

/* The operands and option values: -1 when good, else the exit code. */
static int check_args(struct ctx *ctx, int argc, char **argv, const char *within, const char *as_of,
		      struct state *s, struct filter *f)
{
	int rc = filter_args(ctx, argc, argv, f, &s->ph);

	if (rc >= 0)
		return rc;
	if (as_of && (rc = date_opt(ctx, "--as-of", as_of, &s->o.day)))
		return rc;
	if (within && (within_day(within, as_of ? &s->o.day : NULL, &s->o.within) || s->o.within > 365))
		return usage_error(ctx, "invalid --within '%s' (Nd, from 0d to 365d, or a day up to a year ahead: "
				   "fri, 25.12.2026)", within);
	return -1;
}

/* --mail: one message per recipient, sent or (dry_run) written as an
 * mbox; 1 when any could not be sent. */
static int send_mails(const struct remind_list *l, const struct phases *ph, int32_t day, struct ptime now,
		      bool dry_run)
{
	struct mail_out *v = NULL;
	struct buf mbox = BUF_INIT;
	char host[256] = "localhost";
	size_t n = 0;
	int bad = 0;

	if (gethostname(host, sizeof(host) - 1) || !*host)
		snprintf(host, sizeof(host), "localhost");
	mail_reminders(&v, &n, l, ph, day, now, host, PREG_VERSION);
	for (size_t i = 0; i < n; i++) {
		if (!v[i].addr) {
			print_visible(stderr, "preg: warning: %zu reminder%s for '%s' not sent: preg.yaml has no e-mail "
				      "address for them\n", v[i].items, v[i].items == 1 ? "" : "s", v[i].to);
			bad = 1;
		} else if (dry_run)
			mail_mbox(&mbox, v[i].from, now.t, v[i].msg.p, v[i].msg.len);
		else if (mail_send(mail_sendmail(), v[i].msg.p, v[i].msg.len)) {
			preg_error_prefix("reminders for '%s' not sent", v[i].to);
			print_error(preg_error_msg());
			bad = 1;
		}
	}
	flush_out(&mbox);
	buf_release(&mbox);
	mail_outs_free(v, n);
	return bad;
}

static int cmd_remind(int argc, char **argv, struct ctx *ctx)
{
	const char *as_of = NULL, *within = NULL, *arg;
	struct state s;
	struct filter f;
	struct buf out = BUF_INIT;
	struct ptime now;
	const char *only = NULL;
	bool mail = false, dry_run = false, wide = false;
	size_t width;
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
		case 'm': mail = true; break;
		case 'n': dry_run = true; break;
		case 'W': wide = true; break;
		case 'f':
			format = !strcmp(arg, "tsv")	? OUT_TSV
				 : !strcmp(arg, "json") ? OUT_JSON
				 : !strcmp(arg, "ics")	? OUT_ICS
							: OUT_TEXT;
			break;
		}
	}
	rc = check_args(ctx, argc, argv, within, as_of, &s, &f);
	if (rc < 0 && dry_run && !mail)
		rc = usage_error(ctx, "--dry-run goes with --mail");
	if (rc < 0 && mail && format != OUT_TEXT)
		rc = usage_error(ctx, "--mail sends text, HTML and ics together: no --format");
	if (rc >= 0) {
		filter_release(&f);
		return rc;
	}
	/* --manager M: what M receives, the lists M stands in for too. */
	only = f.manager;
	f.manager = NULL;
	s.who.manager = only;
	if (ptime_now(&now)) {
		filter_release(&f);
		return fail();
	}
	if (!as_of)
		s.o.day = ptime_day(now);
	s.o.as_of = as_of != NULL;
	rc = reg_each_summary(ctx->reg, collect, &s);
	if (rc >= 0)
		rc = filter_manager_check(&s.who, s.ph, s.seen);
	filter_release(&f);
	if (rc < 0) {
		remind_list_release(&s.l);
		return fail();
	}
	/* On a terminal each line of text fits it; piped, as it is. */
	width = table_fit(wide);
	if (width == FMT_WIDE)
		width = 0;
	remind_route(&s.l, s.ph, s.o.day);
	if (only)
		remind_keep_to(&s.l, only);
	remind_sort(&s.l);
	/* Nothing due: text and tsv print nothing, and --mail sends nothing,
	 * so that cron sends no mail; json and ics stay what they are, an
	 * empty list and an empty calendar, for the programs that read them. */
	if (s.l.n && mail) {
		if (send_mails(&s.l, s.ph, s.o.day, now, dry_run))
			s.bad++;
	} else if (!mail && (s.l.n || format == OUT_JSON || format == OUT_ICS)) {
		if (format == OUT_TEXT)
			remind_text_fit(&out, &s.l, s.ph, width);
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
