/* test_status: where a client stands on a day (lib/status), the one
 * function behind every output: days in phase, stale (with holds and
 * ending phases), due and overdue (never for an ended client), on hold,
 * ended, and the words in their one order. */
#include "unit.h"
#include "asof.h"
#include "phases.h"
#include "ptime.h"
#include "record.h"
#include "status.h"

/* Phase 7 (contract, stale after 30d) since 2026-11-02. */
#define MINIMAL                                        \
	"id: romashka\n"                               \
	"name: ООО «Ромашка»\n"                        \
	"manager: ivanov\n"                            \
	"phase: 7\n"                                   \
	"phase_since: 2026-11-02T10:15:00+05:00\n"     \
	"created: 2026-10-01T09:12:00+05:00\n"

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

static struct record *parse(const char *text)
{
	struct record *r = NULL;

	if (record_parse(&r, text, strlen(text), "clients/ro/romashka.yaml", NULL))
		fail_msg("record_parse: %s", preg_error_msg());
	return r;
}

static struct status at(const struct record *r, const char *d)
{
	struct status st;

	status_of(&st, r, NULL, freight, day(d));
	return st;
}

/* The words of r's status on day d (caller frees). */
static char *words(const struct record *r, const char *d)
{
	struct status st = at(r, d);
	struct buf b = BUF_INIT;

	status_words(&b, &st);
	return buf_detach(&b);
}

static void test_days_in_phase(void **state)
{
	struct record *r = parse(MINIMAL);

	(void)state;
	assert_int_equal(at(r, "2026-11-02").days_in_phase, 0);
	assert_int_equal(at(r, "2026-11-03").days_in_phase, 1);
	assert_int_equal(at(r, "2026-12-02").days_in_phase, 30);
	assert_int_equal(at(r, "2027-11-02").days_in_phase, 365);
	/* A phase_since after the day counts as 0. */
	assert_int_equal(at(r, "2026-10-01").days_in_phase, 0);
	/* The day is the calendar day in the time's own offset. */
	free(r->phase_since);
	r->phase_since = strdup("2026-11-02T01:00:00+05:00"); /* 2026-11-01 in UTC */
	assert_int_equal(at(r, "2026-11-03").days_in_phase, 1);
	free(r->phase_since);
	r->phase_since = strdup("2026-11-02T23:30:00-02:00"); /* 2026-11-03 in UTC */
	assert_int_equal(at(r, "2026-11-03").days_in_phase, 1);
	record_free(r);
}

static void test_stale_and_hold(void **state)
{
	struct record *r = parse(MINIMAL);

	(void)state;
	assert_false(at(r, "2026-11-02").stale);
	assert_false(at(r, "2026-12-02").stale); /* 30 days: at the limit */
	assert_true(at(r, "2026-12-03").stale);  /* 31 days */
	assert_int_equal(at(r, "2026-12-03").stale_after, 30);
	/* On hold until a later day: not stale; from the hold's last day on,
	 * stale again. */
	r->hold_until = strdup("2026-12-15");
	assert_false(at(r, "2026-12-03").stale);
	assert_true(at(r, "2026-12-03").on_hold);
	assert_true(at(r, "2026-12-14").on_hold);
	assert_false(at(r, "2026-12-15").on_hold);
	assert_true(at(r, "2026-12-15").stale);
	/* Phase 4 is 2d; an unknown phase is never stale. */
	free(r->hold_until);
	r->hold_until = NULL;
	r->phase = 4;
	assert_false(at(r, "2026-11-04").stale);
	assert_true(at(r, "2026-11-05").stale);
	r->phase = 13;
	assert_false(at(r, "2036-11-05").stale);
	assert_int_equal(at(r, "2036-11-05").stale_after, -1);
	record_free(r);
}

/* Why client show said stale where list, report and remind did not:
 * record_is_stale counted the stale_after of phase 11 and asof_is_stale
 * did not. Now one rule: an ending phase's stale_after counts (it prompts
 * phase 12, the analysis); 12 has none and is never stale. */
static void test_ending_phases(void **state)
{
	struct record *r = parse(MINIMAL "next_contact: 2026-11-05\nhold_until: 2026-11-10\n");

	(void)state;
	r->phase = 11;
	assert_true(at(r, "2026-11-05").ended);
	/* A next contact of an ended client is neither due nor overdue. */
	assert_false(at(r, "2026-11-05").due);
	assert_false(at(r, "2026-11-30").overdue);
	assert_int_equal(at(r, "2026-11-05").next, INT32_MIN);
	assert_true(at(r, "2026-11-05").on_hold);
	assert_false(at(r, "2026-11-16").stale); /* 14 days */
	assert_true(at(r, "2026-11-17").stale);  /* 15 days */
	r->phase = 12;
	assert_true(at(r, "2036-11-17").ended);
	assert_false(at(r, "2036-11-17").stale);
	record_free(r);
}

static void test_due_and_overdue(void **state)
{
	struct record *r = parse(MINIMAL);

	(void)state;
	assert_false(at(r, "2030-01-01").due);
	assert_false(at(r, "2030-01-01").overdue);
	assert_int_equal(at(r, "2030-01-01").next, INT32_MIN);
	r->next_contact = strdup("2026-11-25");
	assert_false(at(r, "2026-11-24").due);
	assert_true(at(r, "2026-11-25").due);
	assert_false(at(r, "2026-11-25").overdue);
	assert_false(at(r, "2026-11-26").due);
	assert_true(at(r, "2026-11-26").overdue);
	assert_int_equal(at(r, "2026-11-26").next, day("2026-11-25"));
	record_free(r);
}

/* A past day: the client as it stood then (lib/asof). */
static void test_as_of(void **state)
{
	struct record *r = parse(MINIMAL "history:\n"
					  "  - {at: 2026-10-01T09:12:00+05:00, by: ivanov, phase: 1, manager: ivanov}\n"
					  "  - {at: 2026-11-02T10:15:00+05:00, by: ivanov, phase: 7}\n");
	struct status st;
	struct asof a;

	(void)state;
	assert_true(asof_day(&a, r, day("2026-10-20")));
	status_of(&st, r, &a, freight, day("2026-10-20"));
	assert_int_equal(st.days_in_phase, 19);
	assert_true(st.stale); /* research: 14d */
	status_of(&st, r, NULL, freight, day("2026-10-20"));
	assert_false(st.stale); /* as it is now: 7 since 11-02 */
	record_free(r);
}

static void test_words(void **state)
{
	struct record *r = parse(MINIMAL "next_contact: 2026-11-01\n");
	char *w;

	(void)state;
	assert_string_equal(w = words(r, "2026-11-02"), "overdue");
	free(w);
	assert_string_equal(w = words(r, "2026-12-03"), "overdue, stale");
	free(w);
	assert_string_equal(w = words(r, "2026-11-01"), "due");
	free(w);
	assert_string_equal(w = words(r, "2026-10-31"), "");
	free(w);
	assert_false(status_any(&(struct status){ 0 }));
	r->hold_until = strdup("2026-12-31");
	r->phase = 11;
	assert_string_equal(w = words(r, "2026-12-03"), "on hold, ended"); /* held: not stale */
	free(w);
	free(r->hold_until);
	r->hold_until = NULL;
	assert_string_equal(w = words(r, "2026-12-03"), "stale, ended");
	free(w);
	record_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days_in_phase),
		cmocka_unit_test(test_stale_and_hold),
		cmocka_unit_test(test_ending_phases),
		cmocka_unit_test(test_due_and_overdue),
		cmocka_unit_test(test_as_of),
		cmocka_unit_test(test_words),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
