/* test_remind: what is due on a day (remind), the client as of a past day
 * (asof), and the iCalendar writer (ics): folding at 75 octets without
 * splitting UTF-8, escaping, stable UIDs. */
#include "unit.h"
#include "asof.h"
#include "ics.h"
#include "ptime.h"
#include "record.h"
#include "remind.h"
#include "status.h"

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

/* A record in phase 1 research (stale_after 14d) since 2026-10-01, with
 * the extra lines given (top-level keys, then history events). */
static struct record *rec(const char *id, const char *top, const char *events)
{
	struct record *r = NULL;
	char text[4096];

	snprintf(text, sizeof(text),
		 "id: %s\nname: Name of %s\nmanager: ivanov\nphase: 1\n"
		 "phase_since: 2026-10-01T09:12:00+05:00\n%s"
		 "created: 2026-10-01T09:12:00+05:00\n"
		 "history:\n  - {at: 2026-10-01T09:12:00+05:00, by: ivanov, phase: 1, manager: ivanov}\n%s",
		 id, id, top, events);
	if (record_parse(&r, text, strlen(text), "x.yaml", NULL))
		fail_msg("record_parse: %s\n%s", preg_error_msg(), text);
	return r;
}

/* Days in the phase of r standing as a on day (lib/status). */
static int days_in_phase(const struct record *r, const struct asof *a, int32_t d)
{
	struct status st;

	status_of(&st, r, a, freight, d);
	return st.days_in_phase;
}

static void collect(struct remind_list *l, struct record *r, const char *d, int within, bool as_of)
{
	struct remind_opts o = { day(d), within, as_of, NULL, NULL };

	remind_add(l, r, freight, &o);
	record_free(r);
}

/* ---- remind ---- */

static void test_kinds(void **state)
{
	struct remind_list l = { 0 };

	(void)state;
	/* On 2026-11-02: 32 days in research (limit 14d: ran out 10-15, 18
	 * days ago) and a next contact 3 days ago: two items. */
	collect(&l, rec("a", "next_contact: 2026-10-30\nnext_action: call\n", ""), "2026-11-02", -1, false);
	assert_int_equal(l.n, 2);
	assert_string_equal(remind_kind_name(l.v[0].kind), "overdue");
	assert_int_equal(l.v[0].date, day("2026-10-30"));
	assert_int_equal(l.v[0].days_overdue, 3);
	assert_string_equal(l.v[0].next_action, "call");
	assert_string_equal(remind_kind_name(l.v[1].kind), "stale");
	assert_int_equal(l.v[1].date, day("2026-10-15"));
	assert_int_equal(l.v[1].days_overdue, 18);
	assert_int_equal(l.v[1].days_in_phase, 32);
	assert_int_equal(l.v[1].stale_after, 14);
	assert_string_equal(l.v[1].phase_key, "research");
	remind_list_release(&l);

	/* Day 14 in the phase: not stale; day 15: stale, 1 day over. */
	collect(&l, rec("b", "", ""), "2026-10-15", -1, false);
	assert_int_equal(l.n, 0);
	collect(&l, rec("b", "", ""), "2026-10-16", -1, false);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].days_overdue, 1);
	remind_list_release(&l);

	/* Due today; upcoming only within the window, inclusive. */
	collect(&l, rec("c", "next_contact: 2026-10-05\n", ""), "2026-10-05", -1, false);
	assert_int_equal(l.n, 1);
	assert_string_equal(remind_kind_name(l.v[0].kind), "due");
	assert_int_equal(l.v[0].days_overdue, 0);
	remind_list_release(&l);
	collect(&l, rec("c", "next_contact: 2026-10-08\n", ""), "2026-10-05", 2, false);
	assert_int_equal(l.n, 0);
	collect(&l, rec("c", "next_contact: 2026-10-08\n", ""), "2026-10-05", 3, false);
	assert_int_equal(l.n, 1);
	assert_string_equal(remind_kind_name(l.v[0].kind), "upcoming");
	assert_int_equal(l.v[0].days_overdue, -3);
	assert_null(l.v[0].next_action);
	remind_list_release(&l);
	collect(&l, rec("c", "next_contact: 2026-10-08\n", ""), "2026-10-05", -1, false);
	assert_int_equal(l.n, 0);
}

static void test_hold_and_ending(void **state)
{
	struct remind_list l = { 0 };
	struct record *r;

	(void)state;
	/* Held until a later day: not stale; on the day itself: stale. The
	 * next contact is still reminded of. */
	collect(&l, rec("a", "next_contact: 2026-11-01\nhold_until: 2026-11-03\nhold_reason: x\n", ""),
		"2026-11-02", -1, false);
	assert_int_equal(l.n, 1);
	assert_string_equal(remind_kind_name(l.v[0].kind), "overdue");
	remind_list_release(&l);
	collect(&l, rec("a", "hold_until: 2026-11-02\nhold_reason: x\n", ""), "2026-11-02", -1, false);
	assert_int_equal(l.n, 1);
	assert_string_equal(remind_kind_name(l.v[0].kind), "stale");
	remind_list_release(&l);
	/* An ended client: its next contact is never due; its ending phase's
	 * stale_after (11 ended: 14d) is the one reminder, for the next step
	 * (12, the analysis). As of the day before it ended, it was reminded
	 * of as any client. */
	r = rec("e", "next_contact: 2026-10-01\n",
		"  - {at: 2026-10-20T10:00:00+05:00, by: ivanov, phase: 11, reason: gone}\n");
	r->phase = 11;
	free(r->phase_since);
	r->phase_since = strdup("2026-10-20T10:00:00+05:00");
	collect(&l, record_dup(r), "2026-11-03", 30, false); /* 14 days: at the limit */
	assert_int_equal(l.n, 0);
	collect(&l, r, "2026-11-04", 30, false);
	assert_int_equal(l.n, 1);
	assert_string_equal(remind_kind_name(l.v[0].kind), "stale");
	assert_true(l.v[0].ended);
	assert_int_equal(l.v[0].days_in_phase, 15);
	assert_int_equal(l.v[0].date, day("2026-11-03"));
	remind_list_release(&l);
	collect(&l, rec("e", "next_contact: 2026-10-01\n",
			"  - {at: 2026-10-20T10:00:00+05:00, by: ivanov, phase: 11, reason: gone}\n"),
		"2026-11-02", 30, true);
	assert_int_equal(l.n, 0);
	collect(&l, rec("e", "next_contact: 2026-10-01\n",
			"  - {at: 2026-10-20T10:00:00+05:00, by: ivanov, phase: 11, reason: gone}\n"),
		"2026-10-19", 30, true);
	assert_int_equal(l.n, 2); /* overdue 18 days, stale 4 */
	remind_list_release(&l);
}

static void test_sort(void **state)
{
	struct remind_list l = { 0 };
	struct remind_opts o = { day("2026-11-02"), -1, false, NULL, NULL };
	struct record *r;
	const char *want[] = { "a/stale", "b/stale", "b/overdue", "c/due", "a/stale" };

	(void)state;
	r = rec("c", "next_contact: 2026-11-02\n", "");
	free(r->phase_since);
	r->phase_since = strdup("2026-11-01T10:00:00+05:00"); /* 1 day: not stale */
	remind_add(&l, r, freight, &o);
	record_free(r);
	collect(&l, rec("b", "next_contact: 2026-10-31\n", ""), "2026-11-02", -1, false);
	collect(&l, rec("a", "", ""), "2026-11-02", -1, false);
	r = rec("a", "", "");
	free(r->manager);
	r->manager = strdup("petrov");
	remind_add(&l, r, freight, &o);
	record_free(r);
	remind_sort(&l);
	assert_int_equal(l.n, 5);
	/* ivanov: a and b both 18 days (by id), b overdue 2, c due 0; then
	 * petrov. */
	for (size_t i = 0; i < l.n; i++) {
		char got[64];

		snprintf(got, sizeof(got), "%s/%s", l.v[i].id, remind_kind_name(l.v[i].kind));
		assert_string_equal(got, want[i]);
	}
	assert_string_equal(l.v[4].manager, "petrov");
	remind_list_release(&l);
}

/* Text: within one manager's list the ids are padded to the widest, so
 * that the names start in one column; another manager's list is padded
 * to its own widest. */
static void test_text_ids_padded(void **state)
{
	struct remind_list l = { 0 };
	struct buf b = BUF_INIT;
	struct record *r;
	size_t col[8], n = 0;
	const char *p;

	(void)state;
	collect(&l, rec("belaya-dacha", "next_contact: 2026-10-30\n", ""), "2026-11-02", -1, false);
	collect(&l, rec("kedr", "next_contact: 2026-11-02\n", ""), "2026-11-02", -1, false);
	r = rec("sever", "next_contact: 2026-11-01\n", "");
	free(r->manager);
	r->manager = strdup("petrov");
	collect(&l, r, "2026-11-02", -1, false);
	remind_sort(&l);
	remind_text(&b, &l, freight);
	/* Where each item's name starts, in the order of the lines. */
	for (p = buf_str(&b); (p = strstr(p, "Name of ")) && n < 8; p++) {
		const char *bol = p;

		while (bol > buf_str(&b) && bol[-1] != '\n')
			bol--;
		col[n++] = (size_t)(p - bol);
	}
	/* ivanov: belaya-dacha stale and overdue, kedr stale and due;
	 * petrov: sever stale and overdue. */
	assert_int_equal(n, 6);
	for (size_t i = 1; i < 4; i++)
		assert_int_equal(col[i], col[0]);
	assert_int_equal(col[5], col[4]);
	assert_int_equal(col[0] - col[4], strlen("belaya-dacha") - strlen("sever"));
	assert_non_null(strstr(buf_str(&b), "  kedr          Name of kedr: next contact\n"));
	assert_non_null(strstr(buf_str(&b), "  sever  Name of sever: next contact\n"));
	buf_release(&b);
	remind_list_release(&l);
}

static void test_manager_filter(void **state)
{
	struct remind_list l = { 0 };
	struct remind_opts o = { day("2026-11-02"), -1, false, "petrov", NULL };
	struct record *r = rec("a", "", "");

	(void)state;
	remind_add(&l, r, freight, &o);
	assert_int_equal(l.n, 0);
	o.manager = "ivanov";
	remind_add(&l, r, freight, &o);
	assert_int_equal(l.n, 1);
	record_free(r);
	remind_list_release(&l);
}

/* ---- asof ---- */

#define EVENTS                                                                           \
	"  - {at: 2026-10-20T10:00:00+05:00, by: ivanov, phase: 2}\n"                    \
	"  - {at: 2026-10-20T11:00:00+05:00, by: ivanov, hold_until: 2026-12-01, reason: x}\n" \
	"  - {at: 2026-10-25T10:00:00+05:00, by: ivanov, manager: petrov}\n"             \
	"  - {at: 2026-10-28T23:30:00-05:00, by: petrov, hold_until: none}\n"            \
	"  - {at: 2026-11-01T10:00:00+05:00, by: petrov, phase: 3}\n"

static void test_asof(void **state)
{
	struct record *r = rec("g", "", EVENTS);
	struct asof a;

	(void)state;
	/* Before it was created: no client. */
	assert_false(asof_day(&a, r, day("2026-09-30")));
	assert_true(asof_day(&a, r, day("2026-10-01")));
	assert_int_equal(a.phase, 1);
	assert_string_equal(a.manager, "ivanov");
	assert_null(a.hold_until);
	assert_int_equal(days_in_phase(r, &a, day("2026-10-19")), 18);
	/* The end of 10-20: phase 2 since that day, held. */
	assert_true(asof_day(&a, r, day("2026-10-20")));
	assert_int_equal(a.phase, 2);
	assert_string_equal(a.phase_since, "2026-10-20T10:00:00+05:00");
	assert_string_equal(a.hold_until, "2026-12-01");
	assert_true(asof_day(&a, r, day("2026-10-25")));
	assert_string_equal(a.manager, "petrov");
	/* The unhold is on 10-28 in its own offset (10-29 in UTC). */
	assert_true(asof_day(&a, r, day("2026-10-27")));
	assert_string_equal(a.hold_until, "2026-12-01");
	assert_true(asof_day(&a, r, day("2026-10-28")));
	assert_null(a.hold_until);
	assert_true(asof_day(&a, r, day("2026-11-02")));
	assert_int_equal(a.phase, 3);
	assert_int_equal(days_in_phase(r, &a, day("2026-11-02")), 1);
	record_free(r);

	/* Without hold events, a hold is taken as it is now (set by an edit). */
	r = rec("h", "hold_until: 2026-12-01\nhold_reason: x\n", "");
	assert_true(asof_day(&a, r, day("2026-10-05")));
	assert_string_equal(a.hold_until, "2026-12-01");
	asof_now(&a, r);
	assert_int_equal(a.phase, 1);
	record_free(r);
}

static void test_remind_as_of(void **state)
{
	struct remind_list l = { 0 };

	(void)state;
	/* As of 10-19: still in research, 18 days: stale; as of 10-21 the
	 * client is in phase 2 for 1 day and held: nothing. Today it is in 3
	 * for 1 day, no hold: nothing. */
	collect(&l, rec("g", "", EVENTS), "2026-10-19", -1, true);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].days_overdue, 4);
	assert_string_equal(l.v[0].manager, "ivanov");
	remind_list_release(&l);
	collect(&l, rec("g", "", EVENTS), "2026-10-21", -1, true);
	assert_int_equal(l.n, 0);
	collect(&l, rec("g", "", EVENTS), "2026-09-01", 365, true);
	assert_int_equal(l.n, 0);
}

/* ---- ics ---- */

static void test_ics_escape(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	ics_escape(&b, "a\\b;c,d\ne\r\nf: «g»");
	assert_string_equal(buf_str(&b), "a\\\\b\\;c\\,d\\ne\\nf: «g»");
	buf_release(&b);
}

/* The octets of each line of folded text, and the text unfolded. */
static void check_folded(const char *folded, const char *want, size_t nlines)
{
	struct buf un = BUF_INIT;
	const char *s = folded;
	size_t lines = 0;

	while (*s) {
		const char *e = strstr(s, "\r\n");

		assert_non_null(e);
		assert_true(e - s <= 75);
		if (lines) {
			assert_int_equal(*s, ' ');
			s++;
		}
		/* A continuation never starts inside a UTF-8 character. */
		assert_true((*(const unsigned char *)s & 0xc0) != 0x80);
		buf_add(&un, s, (size_t)(e - s));
		s = e + 2;
		lines++;
	}
	assert_int_equal(lines, nlines);
	assert_string_equal(buf_str(&un), want);
	buf_release(&un);
}

static void test_ics_fold(void **state)
{
	struct buf b = BUF_INIT;
	char line[512];

	(void)state;
	/* Short: one line with CRLF. */
	ics_line(&b, "VERSION:2.0");
	assert_string_equal(buf_str(&b), "VERSION:2.0\r\n");
	buf_reset(&b);
	/* Exactly 75 octets: not folded; 76: folded after 75. */
	memset(line, 'x', 76);
	line[75] = '\0';
	ics_line(&b, line);
	check_folded(buf_str(&b), line, 1);
	buf_reset(&b);
	line[75] = 'y';
	line[76] = '\0';
	ics_line(&b, line);
	check_folded(buf_str(&b), line, 2);
	assert_memory_equal(buf_str(&b) + 75, "\r\n y\r\n", 6);
	buf_reset(&b);
	/* Cyrillic takes 2 octets a letter: after "SUMMARY:x" (9 octets) 33
	 * letters fill 75 octets exactly; after "SUMMARY:" (8) the 34th would
	 * cross octet 75, so the line ends after 74. */
	snprintf(line, sizeof(line), "SUMMARY:x");
	for (int i = 0; i < 40; i++)
		strcat(line, "Ж");
	ics_line(&b, line);
	{
		const char *s = buf_str(&b);

		/* 9 + 2 * 33 = 75: the 33rd letter ends the line exactly. */
		assert_int_equal(strstr(s, "\r\n") - s, 75);
	}
	check_folded(buf_str(&b), line, 2);
	buf_reset(&b);
	snprintf(line, sizeof(line), "SUMMARY:");
	for (int i = 0; i < 100; i++)
		strcat(line, "Ж");
	ics_line(&b, line);
	{
		const char *s = buf_str(&b);

		/* 8 + 2 * 33 = 74: the 34th letter would cross 75. */
		assert_int_equal(strstr(s, "\r\n") - s, 74);
	}
	check_folded(buf_str(&b), line, 3);
	buf_release(&b);
}

static void test_ics_calendar(void **state)
{
	struct remind_list l = { 0 };
	struct buf b = BUF_INIT;
	struct ptime now;

	(void)state;
	collect(&l, rec("romashka", "next_contact: 2026-12-01\nnext_action: call, then write; \\ok\n", ""),
		"2026-12-01", -1, false);
	ptime_parse(&now, "2026-12-01T10:15:00+05:00");
	ics_calendar(&b, &l, "1.2.3", now.t);
	assert_non_null(strstr(buf_str(&b), "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//preg//preg 1.2.3//EN\r\n"));
	assert_non_null(strstr(buf_str(&b), "\r\nUID:romashka-due-20261201@preg\r\n"));
	assert_non_null(strstr(buf_str(&b), "\r\nUID:romashka-stale-20261015@preg\r\n"));
	assert_non_null(strstr(buf_str(&b), "\r\nDTSTAMP:20261201T051500Z\r\n"));
	assert_non_null(strstr(buf_str(&b), "\r\nDUE;VALUE=DATE:20261201\r\n"));
	assert_non_null(strstr(buf_str(&b), "\r\nSUMMARY:Name of romashka: call\\, then write\\; \\\\ok\r\n"));
	assert_int_equal(strcmp(buf_str(&b) + b.len - 15, "END:VCALENDAR\r\n"), 0);
	buf_release(&b);
	remind_list_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_hold_and_ending),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_manager_filter),
		cmocka_unit_test(test_text_ids_padded),
		cmocka_unit_test(test_asof),
		cmocka_unit_test(test_remind_as_of),
		cmocka_unit_test(test_ics_escape),
		cmocka_unit_test(test_ics_fold),
		cmocka_unit_test(test_ics_calendar),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
