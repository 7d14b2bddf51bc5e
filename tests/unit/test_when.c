/* test_when: dates and times as people type them. Weekdays of the
 * reference days were taken from date(1). */
#include "unit.h"
#include "when.h"

#include <time.h>

/* A now of wall-clock "YYYY-MM-DDTHH:MM:SS+HH:MM" with its own offset. */
static struct when_now at(const char *rfc)
{
	struct ptime t;

	assert_int_equal(ptime_parse(&t, rfc), 0);
	return when_at(t);
}

/* The day s names at now, as YYYY-MM-DD (s must be valid). */
static const char *day(const char *now, const char *s)
{
	static char out[DATE_LEN];
	struct when_now n = at(now);

	preg_error_clear();
	if (when_date_str(out, s, &n))
		fail_msg("'%s' at %s: %s", s, now, preg_error_msg());
	return out;
}

static const char *tm(const char *now, const char *s)
{
	static char out[PTIME_LEN];
	struct when_now n = at(now);

	preg_error_clear();
	if (when_time_str(out, s, &n))
		fail_msg("'%s' at %s: %s", s, now, preg_error_msg());
	return out;
}

/* The message for a refused date or time. */
static const char *bad_date(const char *now, const char *s)
{
	struct when_now n = at(now);
	int32_t d = -1;

	assert_int_equal(when_date(&d, s, &n), PREG_EINVAL);
	assert_int_equal(d, -1);
	return preg_error_msg();
}

static const char *bad_time(const char *now, const char *s)
{
	struct when_now n = at(now);
	struct ptime t = { 42, 7 };

	assert_int_equal(when_time(&t, s, &n), PREG_EINVAL);
	assert_int_equal(t.t, 42);
	return preg_error_msg();
}

#define MON "2026-11-02T10:15:00+05:00" /* a Monday in Chelyabinsk */

static void test_words(void **state)
{
	(void)state;
	assert_string_equal(day(MON, "today"), "2026-11-02");
	assert_string_equal(day(MON, "tomorrow"), "2026-11-03");
	assert_string_equal(day(MON, "yesterday"), "2026-11-01");
	assert_string_equal(day(MON, "Tomorrow"), "2026-11-03");
	assert_string_equal(day(MON, "  today "), "2026-11-02");
	assert_string_equal(day(MON, "сегодня"), "2026-11-02");
	assert_string_equal(day(MON, "Завтра"), "2026-11-03");
	assert_string_equal(day(MON, "вчера"), "2026-11-01");
}

static void test_today_is_in_nows_offset(void **state)
{
	(void)state;
	/* 23:30 UTC on the 2nd is already the 3rd at +05:00 and still the 2nd
	 * at -03:00: "today" is the day on the user's wall clock. */
	assert_string_equal(day("2026-11-03T04:30:00+05:00", "today"), "2026-11-03");
	assert_string_equal(day("2026-11-02T20:30:00-03:00", "today"), "2026-11-02");
	assert_string_equal(day("2026-11-02T20:30:00-03:00", "tomorrow"), "2026-11-03");
}

static void test_relative(void **state)
{
	(void)state;
	assert_string_equal(day(MON, "+3d"), "2026-11-05");
	assert_string_equal(day(MON, "+2w"), "2026-11-16");
	assert_string_equal(day(MON, "-1d"), "2026-11-01");
	assert_string_equal(day(MON, "-1w"), "2026-10-26");
	assert_string_equal(day(MON, "+0d"), "2026-11-02");
	/* Over a month end, a year end, a leap day. */
	assert_string_equal(day("2026-12-30T09:00:00+05:00", "+3d"), "2027-01-02");
	assert_string_equal(day("2028-02-27T09:00:00+05:00", "+2d"), "2028-02-29");
	assert_string_equal(day("2026-02-27T09:00:00+05:00", "+2d"), "2026-03-01");
	assert_string_equal(day("2027-01-01T09:00:00+05:00", "-1d"), "2026-12-31");
	assert_string_equal(day(MON, "+36500d"), "2126-10-09");
	assert_string_equal(day(MON, "+52w"), "2027-11-01");
}

static void test_weekdays(void **state)
{
	(void)state;
	/* From a Monday: the next such day, never today. */
	assert_string_equal(day(MON, "tue"), "2026-11-03");
	assert_string_equal(day(MON, "fri"), "2026-11-06");
	assert_string_equal(day(MON, "sun"), "2026-11-08");
	assert_string_equal(day(MON, "mon"), "2026-11-09");
	assert_string_equal(day(MON, "Friday"), "2026-11-06");
	assert_string_equal(day(MON, "WEDNESDAY"), "2026-11-04");
	assert_string_equal(day(MON, "пт"), "2026-11-06");
	assert_string_equal(day(MON, "ПН"), "2026-11-09");
	assert_string_equal(day(MON, "пятницу"), "2026-11-06");
	assert_string_equal(day(MON, "среда"), "2026-11-04");
	assert_string_equal(day(MON, "воскресенье"), "2026-11-08");
	/* On a Sunday, "sun" is next Sunday and "mon" tomorrow. */
	assert_string_equal(day("2026-11-08T18:00:00+05:00", "sun"), "2026-11-15");
	assert_string_equal(day("2026-11-08T18:00:00+05:00", "mon"), "2026-11-09");
	assert_string_equal(day("2026-11-08T18:00:00+05:00", "sat"), "2026-11-14");
	/* Across a year end: Thursday 2026-12-31, "mon" is 2027-01-04. */
	assert_string_equal(day("2026-12-31T12:00:00+05:00", "mon"), "2027-01-04");
	assert_string_equal(day("2026-12-31T12:00:00+05:00", "thu"), "2027-01-07");
	/* Into a leap day: Monday 2028-02-28, "tue" is the 29th. */
	assert_string_equal(day("2028-02-28T12:00:00+05:00", "tue"), "2028-02-29");
	/* The weekday of the user's wall clock, not of UTC: it is already
	 * Friday 00:30 at +05:00 (Thursday in UTC). */
	assert_string_equal(day("2026-11-06T00:30:00+05:00", "fri"), "2026-11-13");
}

static void test_absolute(void **state)
{
	(void)state;
	assert_string_equal(day(MON, "25.11.2026"), "2026-11-25");
	assert_string_equal(day(MON, "5.3.2027"), "2027-03-05");
	assert_string_equal(day(MON, "05.03.2027"), "2027-03-05");
	assert_string_equal(day(MON, "2026-11-25"), "2026-11-25");
	assert_string_equal(day(MON, "29.02.2028"), "2028-02-29");
	assert_string_equal(day(MON, "2000-02-29"), "2000-02-29");
	assert_string_equal(day(MON, "31.12.2026"), "2026-12-31");
	assert_string_equal(day(MON, "01.01.1900"), "1900-01-01");
	assert_string_equal(day(MON, "9999-12-31"), "9999-12-31");
}

static void test_dates_refused(void **state)
{
	(void)state;
	/* Forms nobody asked for: the message names the accepted ones. */
	assert_string_equal(bad_date(MON, "soon"),
			    "invalid date 'soon' (use today, tomorrow, yesterday, +3d, -1w, a weekday such as fri, "
			    "25.11.2026 or 2026-11-25)");
	assert_non_null(strstr(bad_date(MON, ""), "(use today"));
	assert_non_null(strstr(bad_date(MON, "fri day"), "(use today"));
	assert_non_null(strstr(bad_date(MON, "2026-1-5"), "(use today"));
	assert_non_null(strstr(bad_date(MON, "25.11.2026."), "(use today"));
	assert_non_null(strstr(bad_date(MON, "+d"), "(use today"));
	assert_non_null(strstr(bad_date(MON, "+1m"), "(use today"));
	assert_non_null(strstr(bad_date(MON, "3d"), "(use today"));
	assert_non_null(strstr(bad_date(MON, "friyay"), "(use today"));
	assert_non_null(strstr(bad_date(MON, "\xff"), "(use today"));
	/* Days the calendar lacks. */
	assert_string_equal(bad_date(MON, "31.02.2026"), "invalid date '31.02.2026' (February 2026 has 28 days)");
	assert_string_equal(bad_date(MON, "29.02.2026"), "invalid date '29.02.2026' (February 2026 has 28 days)");
	assert_string_equal(bad_date(MON, "29.02.2100"), "invalid date '29.02.2100' (February 2100 has 28 days)");
	assert_string_equal(bad_date(MON, "2026-04-31"), "invalid date '2026-04-31' (April 2026 has 30 days)");
	assert_string_equal(bad_date(MON, "00.11.2026"), "invalid date '00.11.2026' (November 2026 has 30 days)");
	assert_string_equal(bad_date(MON, "25.13.2026"), "invalid date '25.13.2026' (there is no month 13)");
	assert_string_equal(bad_date(MON, "25.11.1899"), "invalid date '25.11.1899' (years 1900 to 9999)");
	/* Ambiguous forms. */
	assert_string_equal(bad_date(MON, "25.11.26"),
			    "invalid date '25.11.26' (a year of 2 digits is ambiguous: write all four)");
	assert_string_equal(bad_date(MON, "25.11"), "invalid date '25.11' (give the year: 25.11.YYYY)");
	assert_string_equal(bad_date(MON, "11/25/2026"),
			    "invalid date '11/25/2026' (ambiguous order: write 25.11.2026 or 2026-11-25)");
	assert_string_equal(bad_date(MON, "next fri"),
			    "invalid date 'next fri' (ambiguous: a weekday alone such as fri is the next one)");
	assert_string_equal(bad_date(MON, "+3"), "invalid date '+3' (say d for days or w for weeks: +3d)");
	/* Too far, and a time where a date is wanted. */
	assert_string_equal(bad_date(MON, "+36501d"), "invalid date '+36501d' (at most 36500 days)");
	assert_string_equal(bad_date(MON, "+5215w"), "invalid date '+5215w' (at most 36500 days)");
	assert_string_equal(bad_date("1900-01-02T10:00:00+05:00", "-2d"), "invalid date '-2d' (years 1900 to 9999)");
	assert_string_equal(bad_date(MON, "tomorrow 10:00"),
			    "invalid date 'tomorrow 10:00' (a date takes no time of day)");
	assert_non_null(strstr(bad_date(MON, "2026-11-02T10:15:00+05:00"), "(use today"));
}

static void test_times(void **state)
{
	(void)state;
	assert_string_equal(tm(MON, "yesterday 16:30"), "2026-11-01T16:30:00+05:00");
	assert_string_equal(tm(MON, "вчера 16:30"), "2026-11-01T16:30:00+05:00");
	assert_string_equal(tm(MON, "25.11.2026 09:00"), "2026-11-25T09:00:00+05:00");
	assert_string_equal(tm(MON, "2026-11-25 9:05"), "2026-11-25T09:05:00+05:00");
	assert_string_equal(tm(MON, "fri  18:00"), "2026-11-06T18:00:00+05:00");
	assert_string_equal(tm(MON, "+1d 00:00"), "2026-11-03T00:00:00+05:00");
	assert_string_equal(tm(MON, "today 23:59"), "2026-11-02T23:59:00+05:00");
	/* HH:MM alone: today. */
	assert_string_equal(tm(MON, "16:30"), "2026-11-02T16:30:00+05:00");
	assert_string_equal(tm(MON, "8:00"), "2026-11-02T08:00:00+05:00");
	/* A day alone: that day at the present time of day. */
	assert_string_equal(tm(MON, "today"), "2026-11-02T10:15:00+05:00");
	assert_string_equal(tm(MON, "yesterday"), "2026-11-01T10:15:00+05:00");
	assert_string_equal(tm(MON, "31.12.2026"), "2026-12-31T10:15:00+05:00");
	/* The stored form, with its own offset. */
	assert_string_equal(tm(MON, "2026-10-30T08:00:00-03:00"), "2026-10-30T08:00:00-03:00");
	assert_string_equal(tm(MON, "2026-10-30T08:00:00Z"), "2026-10-30T08:00:00+00:00");
}

static void test_times_in_other_offsets(void **state)
{
	struct when_now n = at("2026-11-02T20:30:00-03:00");
	struct ptime t;

	(void)state;
	/* The wall clock of now's offset, both sides of UTC. */
	assert_string_equal(tm("2026-11-02T20:30:00-03:00", "tomorrow 09:00"), "2026-11-03T09:00:00-03:00");
	assert_string_equal(tm("2026-11-02T20:30:00-03:00", "yesterday"), "2026-11-01T20:30:00-03:00");
	assert_string_equal(tm("2026-11-03T04:30:00+05:00", "00:10"), "2026-11-03T00:10:00+05:00");
	assert_int_equal(when_time(&t, "09:00", &n), 0);
	/* 09:00 at -03:00 is 12:00 UTC. */
	assert_int_equal(t.t % 86400, 12 * 3600);
	assert_int_equal(t.off, -180);
}

static void test_times_refused(void **state)
{
	(void)state;
	assert_string_equal(bad_time(MON, "soon"),
			    "invalid time 'soon' (use HH:MM, a date with an optional HH:MM such as 'yesterday 16:30' "
			    "or '25.11.2026 09:00', or 2026-11-25T16:30:00+05:00)");
	assert_string_equal(bad_time(MON, "24:00"), "invalid time '24:00' (hours 0 to 23, minutes 00 to 59)");
	assert_string_equal(bad_time(MON, "tomorrow 16:60"),
			    "invalid time 'tomorrow 16:60' (hours 0 to 23, minutes 00 to 59)");
	assert_string_equal(bad_time(MON, "31.02.2026 10:00"),
			    "invalid time '31.02.2026 10:00' (February 2026 has 28 days)");
	assert_non_null(strstr(bad_time(MON, "16:3"), "(use HH:MM"));
	assert_non_null(strstr(bad_time(MON, "16:30:00"), "(use HH:MM"));
	assert_non_null(strstr(bad_time(MON, "123:00"), "(use HH:MM"));
	assert_non_null(strstr(bad_time(MON, "soon 16:30"), "(use HH:MM"));
	assert_non_null(strstr(bad_time(MON, "2026-11-25T16:30"), "(use HH:MM"));
	assert_non_null(strstr(bad_time(MON, ""), "(use HH:MM"));
}

static void test_long_input_is_cut(void **state)
{
	char s[300];

	(void)state;
	memset(s, 'x', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	assert_non_null(strstr(bad_date(MON, s), "xxx...' (use today"));
	assert_true(strlen(preg_error_msg()) < 200);
}

static void test_local_zone(void **state)
{
	struct when_now n;
	char out[PTIME_LEN];
	struct ptime now;

	(void)state;
	/* With the clock's zone, a time on another day takes that day's
	 * offset: Berlin leaves summer time on 2026-10-25. */
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	assert_int_equal(ptime_parse(&now, "2026-10-24T12:00:00+02:00"), 0);
	n.now = now;
	n.zone = true;
	assert_int_equal(when_time_str(out, "tomorrow 10:00", &n), 0);
	assert_string_equal(out, "2026-10-25T10:00:00+01:00");
	assert_int_equal(when_time_str(out, "16:00", &n), 0);
	assert_string_equal(out, "2026-10-24T16:00:00+02:00");
	/* Without it (PREG_NOW), now's offset throughout. */
	n.zone = false;
	assert_int_equal(when_time_str(out, "tomorrow 10:00", &n), 0);
	assert_string_equal(out, "2026-10-25T10:00:00+02:00");
	unsetenv("TZ");
	tzset();
}

static void test_when_now(void **state)
{
	struct when_now n;

	(void)state;
	setenv("PREG_NOW", MON, 1);
	assert_int_equal(when_now(&n), 0);
	assert_false(n.zone);
	assert_int_equal(n.now.off, 300);
	setenv("PREG_NOW", "yesterday", 1);
	assert_int_equal(when_now(&n), PREG_EINVAL);
	unsetenv("PREG_NOW");
	assert_int_equal(when_now(&n), 0);
	assert_true(n.zone);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_today_is_in_nows_offset),
		cmocka_unit_test(test_relative),
		cmocka_unit_test(test_weekdays),
		cmocka_unit_test(test_absolute),
		cmocka_unit_test(test_dates_refused),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_times_in_other_offsets),
		cmocka_unit_test(test_times_refused),
		cmocka_unit_test(test_long_input_is_cut),
		cmocka_unit_test(test_local_zone),
		cmocka_unit_test(test_when_now),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
