/* test_report: the rules of lib/report: nearest-rank percentiles, the won
 * phase, stints and the days spent in each phase, reached by the funnel
 * rule, the end reason, the day's view (--as-of) and the filters; and the
 * reports written out by format_report (a buffer, no terminal). */
#include "unit.h"
#include "filter.h"
#include "format_report.h"
#include "ptime.h"
#include "record.h"
#include "report.h"

static struct phases *freight;

static int group_setup(void **state)
{
	(void)state;
	return (freight = unit_phases("freight")) ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	phases_free(freight);
	return 0;
}

static int32_t day(const char *s)
{
	return unit_day(s);
}

/* A record with the phase events given as "DATE PHASE [reason]" lines;
 * its phase and phase_since are the last event's. */
static struct record *rec(const char *id, const char *manager, const char *events)
{
	char text[4096], hist[3000] = "", last_at[40] = "", first_at[40] = "";
	int last = 1;
	struct record *r = NULL;
	const char *p = events;

	while (*p) {
		char date[16], reason[64] = "";
		int ph, n = 0;
		size_t len = strlen(hist);

		if (sscanf(p, "%15s %d%n", date, &ph, &n) < 2)
			fail_msg("bad event at %s", p);
		p += n;
		if (*p == ' ') {
			size_t k = strcspn(p + 1, ";");

			snprintf(reason, sizeof(reason), ", reason: %.*s", (int)k, p + 1);
			p += 1 + k;
		}
		if (*p == ';')
			p++;
		while (*p == ' ')
			p++;
		snprintf(last_at, sizeof(last_at), "%sT10:00:00+03:00", date);
		if (!*first_at)
			snprintf(first_at, sizeof(first_at), "%s", last_at);
		snprintf(hist + len, sizeof(hist) - len, "  - {at: %s, by: x, phase: %d%s%s}\n", last_at, ph,
			 len ? "" : ", manager: ", len ? "" : manager);
		if (reason[0])
			snprintf(hist + strlen(hist) - 2, sizeof(hist) - strlen(hist) + 2, "%s}\n", reason);
		last = ph;
	}
	snprintf(text, sizeof(text),
		 "id: %s\nname: %s\nmanager: %s\nphase: %d\nphase_since: %s\ncreated: %s\nhistory:\n%s", id,
		 id, manager, last, last_at, first_at, hist);
	if (record_parse(&r, text, strlen(text), "x.yaml", NULL))
		fail_msg("record_parse: %s\n%s", preg_error_msg(), text);
	return r;
}

static void run(struct report *rep, enum report_kind kind, const char *d, bool as_of, const struct filter *f,
		struct record **recs, size_t n)
{
	struct report_opts o;

	memset(&o, 0, sizeof(o));
	o.day = day(d);
	o.as_of = as_of;
	o.f = f;
	o.since = o.day - 29;
	report_init(rep, freight, kind, &o);
	for (size_t i = 0; i < n; i++)
		report_add(rep, recs[i]);
	report_finish(rep);
}

static void test_percentile(void **state)
{
	int v[] = { 4, 4, 5, 9, 17, 22 };

	(void)state;
	assert_int_equal(report_percentile(v, 6, 50), 5);  /* 3rd */
	assert_int_equal(report_percentile(v, 6, 90), 22); /* ceil(5.4) = 6th */
	assert_int_equal(report_percentile(v, 5, 50), 5);  /* ceil(2.5) = 3rd */
	assert_int_equal(report_percentile(v, 1, 90), 4);
	assert_int_equal(report_percentile(v, 0, 50), -1);
	assert_int_equal(report_percentile(v, 6, 100), 22);
}

static void test_won_phase(void **state)
{
	struct phases *p = NULL;
	const char *sales = phases_template("sales"), *blank = phases_template("blank");

	(void)state;
	assert_int_equal(report_won_phase(freight), 8); /* first-order, after 4-7 */
	assert_int_equal(phases_load(&p, sales, strlen(sales), "preg.yaml"), 0);
	assert_int_equal(report_won_phase(p), 5); /* customer */
	phases_free(p);
	assert_int_equal(phases_load(&p, blank, strlen(blank), "preg.yaml"), 0);
	assert_int_equal(report_won_phase(p), 1); /* no such phase: the last that does not end */
	phases_free(p);
}

static void test_stints_and_funnel(void **state)
{
	struct record *r[] = {
		/* 1:4 2:5 3:10 4:11 7:20 8:11 (now) */
		rec("alpha", "ivanov", "2026-09-01 1; 2026-09-05 2; 2026-09-10 3; 2026-09-20 4; 2026-10-01 7; 2026-10-21 8"),
		/* 1:5 4:20 6:5+7 5:10 */
		rec("bravo", "ivanov", "2026-09-15 1; 2026-09-20 4; 2026-10-10 6; 2026-10-15 5; 2026-10-25 6"),
		/* 4:19 11:12 */
		rec("charlie", "petrov", "2026-10-01 4; 2026-10-20 11 price"),
	};
	struct report rep;

	(void)state;
	run(&rep, REPORT_DURATIONS, "2026-11-01", false, NULL, r, 3);
	assert_int_equal(rep.clients, 3);
	/* Phase 6: bravo's two stints add up. */
	assert_int_equal(rep.ps[5].ndays, 1);
	assert_int_equal(rep.ps[5].days[0], 12);
	/* Phase 4: 11, 19, 20. */
	assert_int_equal(rep.ps[3].ndays, 3);
	assert_int_equal(rep.ps[3].days[0], 11);
	assert_int_equal(rep.ps[3].days[2], 20);
	assert_string_equal(rep.ps[3].slow[0].id, "bravo");
	assert_false(rep.ps[3].slow[0].now);
	assert_string_equal(rep.ps[10].slow[0].id, "charlie");
	assert_true(rep.ps[10].slow[0].now);
	/* Reached, funnel rule: phase 2 by all three (charlie was added in 4);
	 * phase 5 by alpha (furthest 8) and bravo; 11 only by charlie. */
	assert_int_equal(rep.ps[1].reached, 3);
	assert_int_equal(rep.ps[4].reached, 2);
	assert_int_equal(rep.ps[7].reached, 1);
	assert_int_equal(rep.ps[10].reached, 1);
	assert_int_equal(rep.ps[11].reached, 0);
	/* Phase 5 was never a stint of alpha's: no days for it. */
	assert_int_equal(rep.ps[4].ndays, 1);
	report_release(&rep);

	/* On 10-12: alpha in 7 for 11 days, bravo in 6 for 2, charlie in 4. */
	run(&rep, REPORT_REGISTER, "2026-10-12", true, NULL, r, 3);
	assert_int_equal(rep.nrows, 3);
	assert_int_equal(rep.rows[0].phase, 7);
	assert_int_equal(rep.rows[0].days, 11);
	assert_int_equal(rep.rows[1].phase, 6);
	assert_int_equal(rep.rows[1].days, 2);
	assert_int_equal(rep.rows[2].phase, 4);
	assert_int_equal(rep.rows[1].reached[4], -1); /* 5 not yet */
	assert_int_equal(rep.rows[0].reached[7], -1); /* 8 not yet */
	report_release(&rep);
	/* Before anyone existed. */
	run(&rep, REPORT_REGISTER, "2026-08-31", true, NULL, r, 3);
	assert_int_equal(rep.nrows, 0);
	report_release(&rep);
	for (size_t i = 0; i < 3; i++)
		record_free(r[i]);
}

static void test_register_going_back_clears(void **state)
{
	/* 7 then back to 6: 7 is blank, 6 is the later entry. */
	struct record *r = rec("delta", "ivanov", "2026-09-01 6; 2026-09-10 7; 2026-09-20 6");
	struct report rep;

	(void)state;
	run(&rep, REPORT_REGISTER, "2026-10-01", false, NULL, &r, 1);
	assert_int_equal(rep.rows[0].reached[6], -1);
	assert_int_equal(rep.rows[0].reached[5], day("2026-09-20"));
	assert_int_equal(rep.rows[0].since, day("2026-09-20"));
	assert_int_equal(rep.rows[0].days, 11);
	report_release(&rep);
	record_free(r);
}

static void test_reason_is_the_ending_one(void **state)
{
	struct record *r[] = {
		rec("echo", "sidorov", "2026-08-01 1; 2026-09-01 11 price; 2026-09-15 12 no budget"),
		rec("golf", "sidorov", "2026-10-01 1; 2026-10-05 11 went to a competitor"),
		rec("hotel", "sidorov", "2026-10-01 1; 2026-10-05 11 price"),
		rec("india", "sidorov", "2026-10-01 1"),
	};
	struct report rep;

	(void)state;
	run(&rep, REPORT_REASONS, "2026-11-01", false, NULL, r, 4);
	assert_int_equal(rep.ended, 3);
	assert_int_equal(rep.nrs, 2);
	assert_string_equal(rep.rs[0].text, "price");
	assert_int_equal(rep.rs[0].n, 2);
	assert_string_equal(rep.rs[1].text, "went to a competitor");
	report_release(&rep);
	for (size_t i = 0; i < 4; i++)
		record_free(r[i]);
}

static void test_managers_moves_and_filter(void **state)
{
	struct record *r[] = {
		rec("alpha", "ivanov", "2026-10-01 1; 2026-10-10 4; 2026-10-20 3; 2026-10-25 8"),
		rec("bravo", "petrov", "2026-10-01 1"),
	};
	struct filter f;
	struct report rep;

	(void)state;
	run(&rep, REPORT_MANAGERS, "2026-11-01", false, NULL, r, 2);
	assert_int_equal(rep.nms, 2);
	assert_string_equal(rep.ms[0].handle, "ivanov");
	assert_int_equal(rep.ms[0].moves, 3);
	assert_int_equal(rep.ms[0].forward, 2);
	assert_int_equal(rep.ms[0].back, 1);
	assert_int_equal(rep.ms[0].won, 1);
	assert_int_equal(rep.ms[0].stale, 0); /* 7 days in 8 is not > 7d */
	assert_int_equal(rep.ms[1].stale, 1); /* 31 days in research > 14d */
	report_release(&rep);

	memset(&f, 0, sizeof(f));
	f.phase = "4-8";
	assert_int_equal(filter_resolve(&f, freight), 0);
	run(&rep, REPORT_MANAGERS, "2026-11-01", false, &f, r, 2);
	assert_int_equal(rep.nms, 1);
	assert_int_equal(rep.clients, 1);
	report_release(&rep);
	f.phase = NULL;
	f.phase_lo = 0;
	f.ended = f.open = true;
	assert_error(filter_resolve(&f, freight), PREG_EINVAL, "--ended and --open exclude each other");
	filter_release(&f);
	for (size_t i = 0; i < 2; i++)
		record_free(r[i]);
}

/* The period [since, day]: entries, moves in and out, ends per phase; the
 * stints that a move out ended there; a manager's added and ended
 * clients; the reasons given in the period. An event on the first day
 * counts, one after the day does not. */
static void test_period(void **state)
{
	struct record *r[] = {
		/* before the period: added, 1 -> 3; in it: 3 -> 4 (24 days in 3),
		 * 4 -> 3 (back); after it: 3 -> 7 */
		rec("alpha", "ivanov", "2026-10-01 1; 2026-10-08 3; 2026-11-01 4; 2026-11-10 3; 2026-12-05 7"),
		/* added in the period, ended from 1 after 4 days */
		rec("bravo", "petrov", "2026-11-02 1; 2026-11-06 11 price"),
		/* ended before the period */
		rec("charlie", "petrov", "2026-09-01 1; 2026-09-10 11 late"),
	};
	struct report rep;
	struct report_opts o;
	enum report_kind kinds[] = { REPORT_FUNNEL, REPORT_MANAGERS, REPORT_REASONS };

	(void)state;
	for (size_t t = 0; t < 3; t++) {
		memset(&o, 0, sizeof(o));
		o.day = day("2026-11-30");
		o.as_of = true;
		o.period = true;
		o.since = day("2026-11-01");
		report_init(&rep, freight, kinds[t], &o);
		for (size_t i = 0; i < 3; i++)
			report_add(&rep, r[i]);
		report_finish(&rep);
		if (kinds[t] == REPORT_FUNNEL) {
			assert_int_equal(rep.ps[0].entered, 1); /* bravo added */
			assert_int_equal(rep.ps[0].moved_in, 0);
			assert_int_equal(rep.ps[0].moved_out, 1);
			assert_int_equal(rep.ps[0].ended, 1);
			assert_int_equal(rep.ps[2].entered, 1); /* alpha back in 3 */
			assert_int_equal(rep.ps[2].moved_in, 1);
			assert_int_equal(rep.ps[2].moved_out, 1);
			assert_int_equal(rep.ps[2].nout, 1);
			assert_int_equal(rep.ps[2].out_days[0], 24);
			assert_int_equal(rep.ps[3].entered, 1);
			assert_int_equal(rep.ps[3].moved_out, 1);
			assert_int_equal(rep.ps[6].entered, 0); /* 12-05: after the day */
			assert_int_equal(rep.ps[10].entered, 1); /* bravo; not charlie */
			assert_int_equal(rep.ps[10].now, 2);
		} else if (kinds[t] == REPORT_MANAGERS) {
			assert_int_equal(rep.nms, 2);
			assert_int_equal(rep.ms[0].moves, 2);
			assert_int_equal(rep.ms[0].entered, 0);
			assert_int_equal(rep.ms[1].moves, 1);
			assert_int_equal(rep.ms[1].entered, 1);
			assert_int_equal(rep.ms[1].ends, 1);
		} else {
			assert_int_equal(rep.nrs, 2);
			/* as many ended, the one of the period first */
			assert_string_equal(rep.rs[0].text, "price");
			assert_int_equal(rep.rs[0].n, 1);
			assert_int_equal(rep.rs[0].period, 1);
			assert_string_equal(rep.rs[1].text, "late");
			assert_int_equal(rep.rs[1].n, 1);
			assert_int_equal(rep.rs[1].period, 0);
		}
		report_release(&rep);
	}
	for (size_t i = 0; i < 3; i++)
		record_free(r[i]);
}

/* Activity: notes and moves by who made them, a client added; each next
 * contact judged kept (a note or move after it was set, by its day),
 * late (the first after its day, by the report's), missed (none), or not
 * counted (outside the period, or after the collaboration ended). */
static void test_activity(void **state)
{
	const char *text =
		"id: acme\nname: ООО «Акме»\nmanager: ivanov\nphase: 2\n"
		"phase_since: 2026-11-10T10:00:00+03:00\nnext_contact: 2026-11-28\n"
		"created: 2026-10-20T10:00:00+03:00\nhistory:\n"
		"  - {at: 2026-10-20T10:00:00+03:00, by: ivanov, phase: 1, manager: ivanov}\n"
		"  - {at: 2026-11-10T10:00:00+03:00, by: petrov, phase: 2}\n"
		"notes:\n"
		"  - {at: 2026-10-30T15:00:00+03:00, by: ivanov, channel: call, text: a, next: \"2026-11-05\"}\n"
		"  - {at: 2026-11-05T15:00:00+03:00, by: ivanov, channel: email, text: b, next: \"2026-11-08\"}\n"
		"  - {at: 2026-11-12T15:00:00+03:00, by: ivanov, text: c, next: \"2026-11-20\"}\n"
		"  - {at: 2026-11-12T16:00:00+03:00, by: ivanov, channel: meeting, text: d, next: \"2026-11-20\"}\n";
	struct record *r = NULL;
	struct report rep;
	struct report_opts o;

	(void)state;
	assert_int_equal(record_parse(&r, text, strlen(text), "x.yaml", NULL), 0);
	memset(&o, 0, sizeof(o));
	o.day = day("2026-11-30");
	o.since = day("2026-11-01");
	o.period = o.as_of = true;
	report_init(&rep, freight, REPORT_ACTIVITY, &o);
	report_add(&rep, r);
	report_finish(&rep);
	assert_int_equal(rep.nas, 2);
	assert_string_equal(rep.as[0].key, "ivanov");
	assert_int_equal(rep.as[0].notes, 3);    /* the 10-30 note is before the period */
	assert_int_equal(rep.as[0].channel[1], 1); /* email */
	assert_int_equal(rep.as[0].channel[2], 1); /* meeting; "c" has no channel */
	assert_int_equal(rep.as[0].added, 0);    /* 10-20: before the period */
	/* 11-05 kept by the note that day; 11-08 late (the move of 11-10);
	 * 11-20 (set twice: one contact) missed; 11-28, the record's own,
	 * set after the 11-12 notes: missed. */
	assert_int_equal(rep.as[0].due, 4);
	assert_int_equal(rep.as[0].kept, 1);
	assert_int_equal(rep.as[0].late, 1);
	assert_int_equal(rep.as[0].missed, 2);
	assert_string_equal(rep.as[1].key, "petrov");
	assert_int_equal(rep.as[1].moves, 1);
	assert_int_equal(rep.as[1].due, 0);
	report_release(&rep);

	/* Ended on 11-15: the contacts due after it are not counted. */
	kv_set(&r->history[1], "phase", "11");
	o.by_client = true;
	report_init(&rep, freight, REPORT_ACTIVITY, &o);
	report_add(&rep, r);
	report_finish(&rep);
	assert_int_equal(rep.nas, 1);
	assert_string_equal(rep.as[0].key, "acme");
	assert_string_equal(rep.as[0].name, "ООО «Акме»");
	assert_int_equal(rep.as[0].moves, 1);
	assert_int_equal(rep.as[0].due, 2);
	report_release(&rep);
	record_free(r);
}

/* Amounts as people write them, and written back in a given form. */
static void test_numbers(void **state)
{
	static const struct {
		const char *s;
		int64_t v; /* 1/10000 */
		char group, mark;
		int decimals;
	} ok[] = {
		{ "1 250 000,50", 12500005000, ' ', ',', 2 },
		{ "1 250 000.50", 12500005000, ' ', '.', 2 },
		{ "1250000.50", 12500005000, 0, '.', 2 },
		{ "1.250.000,50", 12500005000, '.', ',', 2 },
		{ "1,250,000.50", 12500005000, ',', '.', 2 },
		{ "1,250,000", 12500000000, ',', 0, 0 },
		{ "1,250", 12500, 0, ',', 3 },              /* a lone comma is the mark */
		{ "300 000", 3000000000, ' ', 0, 0 },
		{ "  -42 ", -420000, 0, 0, 0 },
		{ "+7,5", 75000, 0, ',', 1 },
		{ "1\u00a0250\u00a0000,5", 12500005000, ' ', ',', 1 }, /* no-break spaces */
		{ "1\u202f250", 12500000, ' ', 0, 0 },                 /* narrow no-break */
		{ "0,0001", 1, 0, ',', 4 },
	};
	static const char *const bad[] = {
		"", " ", "-", "по запросу", "1 250 000 руб", "12 50", "1,25,000", "1 250,000,00", "1..5",
		"1,", ",5", "1 2", "1,234.567.8", "0,00001", "1e6", "١٢", "99999999999999999",
	};
	struct numfmt f;
	struct buf b = BUF_INIT;
	int64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
		memset(&f, 0x55, sizeof(f));
		if (!report_number_parse(ok[i].s, &v, &f))
			fail_msg("'%s' not read", ok[i].s);
		assert_int_equal(v, ok[i].v);
		assert_int_equal(f.group, ok[i].group);
		assert_int_equal(f.mark, ok[i].mark);
		assert_int_equal(f.decimals, ok[i].decimals);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		if (report_number_parse(bad[i], &v, NULL))
			fail_msg("'%s' read as %lld", bad[i], (long long)v);
	report_number_write(&b, 15500005000, &(struct numfmt){ ' ', ',', 2 });
	assert_string_equal(buf_str(&b), "1 550 000,50");
	b.len = 0;
	report_number_write(&b, -3000000000, &(struct numfmt){ ' ', ',', 2 });
	assert_string_equal(buf_str(&b), "-300 000,00");
	b.len = 0;
	report_number_write(&b, 12345, &(struct numfmt){ ',', '.', 0 }); /* 1.2345 rounds to 1 */
	assert_string_equal(buf_str(&b), "1");
	b.len = 0;
	report_number_write(&b, 9999999, &(struct numfmt){ '.', ',', 2 });
	assert_string_equal(buf_str(&b), "1.000,00");
	buf_release(&b);
}

/* --sum: totals and medians per phase, written the way most values are;
 * values that are not numbers kept aside, named. */
static void test_sums(void **state)
{
	const char *amounts[] = { "1250000.50", "300000", "2 000 000,00", "n/a" };
	struct record *r[4];
	struct report rep;
	struct report_opts o;

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		char id[8];

		snprintf(id, sizeof(id), "c%zu", i);
		r[i] = rec(id, i < 2 ? "ivanov" : "petrov", "2026-10-01 1");
		kv_set(&r[i]->fields, "amount", amounts[i]);
	}
	memset(&o, 0, sizeof(o));
	o.day = day("2026-11-01");
	o.sum = "amount";
	o.by = "manager";
	report_init(&rep, freight, REPORT_FUNNEL, &o);
	for (size_t i = 0; i < 4; i++)
		report_add(&rep, r[i]);
	report_finish(&rep);
	/* 2 values with 4 or more digits ungrouped against 1 grouped; a
	 * point once, a comma once: the point. */
	assert_int_equal(rep.amt_fmt.group, 0);
	assert_int_equal(rep.amt_fmt.mark, '.');
	assert_int_equal(rep.amt_fmt.decimals, 2);
	assert_int_equal(rep.nbad, 1);
	assert_string_equal(rep.bad[0], "c3");
	assert_string_equal(rep.bad_val[0], "n/a");
	assert_int_equal(rep.ngroups, 2);
	assert_string_equal(rep.groups[0].key, "ivanov");
	assert_int_equal(rep.groups[0].rep->ps[0].namt, 2);
	assert_int_equal(report_amount_total(rep.groups[0].rep->ps[0].amt, 2), 15500005000);
	assert_int_equal(report_amount_median(rep.groups[0].rep->ps[0].amt, 2), 3000000000);
	assert_int_equal(rep.groups[1].rep->ps[0].now, 2);
	assert_int_equal(rep.groups[1].rep->ps[0].namt, 1); /* n/a not summed */
	assert_int_equal(rep.groups[1].rep->nbad, 0);       /* named once, by the report */
	report_release(&rep);
	for (size_t i = 0; i < 4; i++)
		record_free(r[i]);
}

/* A report written out: the rows with a reached_KEY column per phase; the
 * table cut to the width; the page grouped by manager, escaped. */
static void test_written_out(void **state)
{
	struct record *r[] = {
		rec("romashka", "ivanov", "2026-09-01 1; 2026-09-10 4"),
		rec("vektor", "petrov", "2026-10-01 1"),
	};
	struct report_out o = { .fmt = FMT_CSV, .width = 80 };
	struct report rep;
	struct buf out = BUF_INIT;
	char *nl;

	(void)state;
	/* The record's name is free text: make one that needs escaping. */
	free(r[1]->name);
	r[1]->name = strdup("ООО «Вектор» <b>& Co</b>");
	run(&rep, REPORT_REGISTER, "2026-10-12", false, NULL, r, 2);
	report_write(&out, &rep, &o);
	/* CSV lines end in CRLF (RFC 4180). */
	nl = strstr(buf_str(&out), "\r\n");
	assert_non_null(nl);
	*nl++ = '\0';
	assert_string_equal(buf_str(&out), "id,name,manager,phase,phase_key,phase_since,days_in_phase,next_contact,"
			    "stale,due,overdue,reached_research,reached_decision-maker,reached_presentation,"
			    "reached_request,reached_processing,reached_quotation,reached_contract,"
			    "reached_first-order,reached_first-carriage,reached_next-request,reached_ended,"
			    "reached_analysis,on_hold,ended");
	assert_non_null(strstr(nl + 1, "romashka,romashka,ivanov,4,request,2026-09-10,32,"));

	/* The table fits the width: the long name is shortened (name_short:
	 * its distinctive part), no line is wider. */
	buf_reset(&out);
	o.fmt = FMT_TABLE;
	o.width = 72;
	report_write(&out, &rep, &o);
	assert_non_null(strstr(buf_str(&out), "Вектор"));
	assert_non_null(strstr(buf_str(&out), "…"));
	assert_null(strstr(buf_str(&out), "& Co"));
	for (char *line = out.p, *end; line && *line; line = end ? end + 1 : NULL) {
		end = strchr(line, '\n');
		if (end)
			*end = '\0';
		assert_true(fmt_width(line) <= 72);
	}

	buf_reset(&out);
	o.fmt = FMT_HTML;
	report_write(&out, &rep, &o);
	assert_non_null(strstr(buf_str(&out), "<!DOCTYPE html>"));
	assert_non_null(strstr(buf_str(&out), "ООО «Вектор» &lt;b&gt;&amp; Co&lt;/b&gt;"));
	assert_null(strstr(buf_str(&out), "<b>& Co"));
	/* ivanov's section before petrov's. */
	assert_true(strstr(buf_str(&out), "<h2>ivanov") < strstr(buf_str(&out), "<h2>petrov"));
	assert_non_null(strstr(buf_str(&out), "</html>\n"));
	report_release(&rep);

	/* The managers' table: a column per phase by number; files by key. */
	run(&rep, REPORT_MANAGERS, "2026-10-12", false, NULL, r, 2);
	buf_reset(&out);
	o.fmt = FMT_TSV;
	report_write(&out, &rep, &o);
	assert_non_null(strstr(buf_str(&out), "\tconversion\tin_research\tin_decision-maker\t"));
	buf_reset(&out);
	o.fmt = FMT_TABLE;
	report_write(&out, &rep, &o);
	assert_null(strstr(buf_str(&out), "in_research"));
	report_release(&rep);
	buf_release(&out);
	for (size_t i = 0; i < 2; i++)
		record_free(r[i]);
}

/* A sink that writes each row as a tsv line, and keeps what it was told. */
struct tsv_sink {
	struct buf out;
	size_t ncols, nrows;
	int color_col;
	const char *first_color;
};

static void sink_begin(void *arg, const struct fmt_col *cols, size_t n, int color_col)
{
	struct tsv_sink *t = arg;

	t->ncols = n;
	t->color_col = color_col;
	for (size_t i = 0; i < n; i++)
		buf_addf(&t->out, "%s%s", i ? "\t" : "", cols[i].name);
	buf_addc(&t->out, '\n');
}

static void sink_row(void *arg, const char *const *cells, const char *color)
{
	struct tsv_sink *t = arg;

	if (!t->nrows++)
		t->first_color = color;
	for (size_t i = 0; i < t->ncols; i++)
		buf_addf(&t->out, "%s%s", i ? "\t" : "", cells[i] ? cells[i] : "");
	buf_addc(&t->out, '\n');
}

/* report_each_row hands a sink the cells that tsv writes (a workbook's
 * sheet of --all is made of them), with the phase's colour. */
static void test_each_row(void **state)
{
	struct record *r[] = {
		rec("romashka", "ivanov", "2026-09-01 1; 2026-09-10 4"),
		rec("vektor", "petrov", "2026-10-01 1; 2026-10-05 11"),
	};
	static const enum report_kind kinds[] = { REPORT_FUNNEL, REPORT_MANAGERS, REPORT_DURATIONS, REPORT_REASONS };
	struct report_out o = { .fmt = FMT_TSV };
	struct report rep;
	struct buf want = BUF_INIT;

	(void)state;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(*kinds); k++) {
		struct tsv_sink t = { .out = BUF_INIT };
		struct report_sink sink = { sink_begin, sink_row, &t };

		run(&rep, kinds[k], "2026-10-12", false, NULL, r, 2);
		buf_reset(&want);
		report_write(&want, &rep, &o);
		report_each_row(&rep, &sink);
		assert_string_equal(buf_str(&t.out), buf_str(&want));
		if (kinds[k] == REPORT_FUNNEL) {
			assert_int_equal(t.nrows, freight->n);
			assert_int_equal(t.color_col, 1); /* phase_key */
			assert_non_null(t.first_color);
			assert_string_equal(t.first_color, freight->v[0].color);
		}
		if (kinds[k] == REPORT_REASONS)
			assert_int_equal(t.nrows, 1); /* vektor's end, without a reason */
		buf_release(&t.out);
		report_release(&rep);
	}
	buf_release(&want);
	for (size_t i = 0; i < 2; i++)
		record_free(r[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentile),
		cmocka_unit_test(test_won_phase),
		cmocka_unit_test(test_stints_and_funnel),
		cmocka_unit_test(test_register_going_back_clears),
		cmocka_unit_test(test_reason_is_the_ending_one),
		cmocka_unit_test(test_managers_moves_and_filter),
		cmocka_unit_test(test_period),
		cmocka_unit_test(test_activity),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_sums),
		cmocka_unit_test(test_written_out),
		cmocka_unit_test(test_each_row),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
