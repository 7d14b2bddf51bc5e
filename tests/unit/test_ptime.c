/* test_ptime: parsing and formatting of times, dates and durations. */
#include "unit.h"
#include "ptime.h"

#include <time.h>

/* Parse s (which must be valid) and return it formatted. */
static const char *roundtrip(const char *s)
{
	static char out[PTIME_LEN];
	struct ptime t;

	assert_int_equal(ptime_parse(&t, s), 0);
	ptime_format(out, t);
	return out;
}

static int64_t epoch(const char *s)
{
	struct ptime t;

	assert_int_equal(ptime_parse(&t, s), 0);
	return t.t;
}

static int32_t date(const char *s)
{
	int32_t d;

	assert_int_equal(date_parse(&d, s), 0);
	return d;
}

static void test_parse_epoch(void **state)
{
	struct ptime t;

	(void)state;
	/* Reference values from date(1) -d S +%s. */
	assert_int_equal(epoch("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(epoch("2026-11-02T10:15:00+05:00"), 1793596500);
	assert_int_equal(epoch("2026-11-02T05:15:00Z"), 1793596500);
	assert_int_equal(epoch("1969-12-31T23:59:59Z"), -1);
	assert_int_equal(epoch("1900-01-01T00:00:00Z"), -2208988800LL);
	assert_int_equal(epoch("2000-02-29T12:00:00Z"), 951825600);
	assert_int_equal(epoch("9999-12-31T23:59:59Z"), 253402300799LL);
	assert_int_equal(epoch("2024-02-29T00:00:00-03:30"), 1709177400);
	assert_int_equal(epoch("2026-11-02T23:30:00-02:00"), 1793669400);

	assert_int_equal(ptime_parse(&t, "2026-11-02T10:15:00+05:00"), 0);
	assert_int_equal(t.off, 300);
	assert_int_equal(ptime_parse(&t, "2026-11-02T10:15:00-03:30"), 0);
	assert_int_equal(t.off, -210);
	assert_int_equal(ptime_parse(&t, "2026-11-02T10:15:00Z"), 0);
	assert_int_equal(t.off, 0);
	assert_int_equal(ptime_parse(&t, "2026-11-02T10:15:00-00:00"), 0);
	assert_int_equal(t.off, 0);
	assert_int_equal(ptime_parse(&t, "2026-11-02T10:15:00+23:59"), 0);
	assert_int_equal(t.off, 23 * 60 + 59);
}

static void test_roundtrip(void **state)
{
	(void)state;
	assert_string_equal(roundtrip("2026-11-02T10:15:00+05:00"),
	    "2026-11-02T10:15:00+05:00");
	assert_string_equal(roundtrip("2026-11-02T10:15:00-03:30"),
	    "2026-11-02T10:15:00-03:30");
	assert_string_equal(roundtrip("2026-11-02T10:15:00Z"),
	    "2026-11-02T10:15:00+00:00");
	assert_string_equal(roundtrip("2026-11-02T10:15:00z"),
	    "2026-11-02T10:15:00+00:00");
	assert_string_equal(roundtrip("1900-01-01T00:00:00+00:00"),
	    "1900-01-01T00:00:00+00:00");
	assert_string_equal(roundtrip("1969-12-31T23:59:59-05:30"),
	    "1969-12-31T23:59:59-05:30");
	assert_string_equal(roundtrip("9999-12-31T23:59:59+23:59"),
	    "9999-12-31T23:59:59+23:59");
	/* A day past 9999 in UTC, and still written as read (fuzz_date). */
	assert_string_equal(roundtrip("9999-12-31T23:59:59-23:59"),
	    "9999-12-31T23:59:59-23:59");
	/* Fractions are dropped, never rounded. */
	assert_string_equal(roundtrip("2026-11-02T10:15:00.999999999+05:00"),
	    "2026-11-02T10:15:00+05:00");
	assert_string_equal(roundtrip("2026-11-02T10:15:59.5Z"),
	    "2026-11-02T10:15:59+00:00");
	/* 't' and ' ' stand for 'T'. */
	assert_string_equal(roundtrip("2026-11-02t10:15:00+05:00"),
	    "2026-11-02T10:15:00+05:00");
	assert_string_equal(roundtrip("2026-11-02 10:15:00+05:00"),
	    "2026-11-02T10:15:00+05:00");
}

static void test_format(void **state)
{
	char out[PTIME_LEN];
	struct ptime t = { 1793596500, 0 };

	(void)state;
	ptime_format(out, t);
	assert_string_equal(out, "2026-11-02T05:15:00+00:00");
	t.off = 300;
	ptime_format(out, t);
	assert_string_equal(out, "2026-11-02T10:15:00+05:00");
	t.off = -330;
	ptime_format(out, t);
	assert_string_equal(out, "2026-11-01T23:45:00-05:30");
	t.t = -1;
	t.off = 0;
	ptime_format(out, t);
	assert_string_equal(out, "1969-12-31T23:59:59+00:00");
	t.t = 0;
	t.off = -1;
	ptime_format(out, t);
	assert_string_equal(out, "1969-12-31T23:59:00-00:01");
	/* Out of range values built by hand keep the fixed width. */
	t.t = INT64_MAX;
	t.off = 100000;
	ptime_format(out, t);
	assert_int_equal(strlen(out), PTIME_LEN - 1);
	t.t = INT64_MIN;
	t.off = -100000;
	ptime_format(out, t);
	assert_int_equal(strlen(out), PTIME_LEN - 1);
}

static void test_parse_calendar(void **state)
{
	struct ptime t;

	(void)state;
	assert_int_equal(ptime_parse(&t, "2024-02-29T00:00:00Z"), 0);
	assert_int_equal(ptime_parse(&t, "2000-02-29T00:00:00Z"), 0);
	assert_int_equal(ptime_parse(&t, "2026-01-31T00:00:00Z"), 0);
	assert_int_equal(ptime_parse(&t, "2026-04-30T00:00:00Z"), 0);
	assert_int_equal(ptime_parse(&t, "2026-12-31T23:59:59Z"), 0);
	assert_error(ptime_parse(&t, "2026-02-29T00:00:00Z"), PREG_EINVAL,
	    "invalid time '2026-02-29T00:00:00Z'");
	assert_error(ptime_parse(&t, "1900-02-29T00:00:00Z"), PREG_EINVAL,
	    "invalid time '1900-02-29T00:00:00Z'");
	assert_error(ptime_parse(&t, "2026-04-31T00:00:00Z"), PREG_EINVAL,
	    "invalid time '2026-04-31T00:00:00Z'");
	assert_error(ptime_parse(&t, "2026-13-01T00:00:00Z"), PREG_EINVAL,
	    "invalid time '2026-13-01T00:00:00Z'");
	assert_error(ptime_parse(&t, "2026-00-01T00:00:00Z"), PREG_EINVAL,
	    "invalid time '2026-00-01T00:00:00Z'");
	assert_error(ptime_parse(&t, "2026-01-00T00:00:00Z"), PREG_EINVAL,
	    "invalid time '2026-01-00T00:00:00Z'");
	assert_error(ptime_parse(&t, "2026-01-32T00:00:00Z"), PREG_EINVAL,
	    "invalid time '2026-01-32T00:00:00Z'");
	assert_error(ptime_parse(&t, "1899-12-31T23:59:59Z"), PREG_EINVAL,
	    "invalid time '1899-12-31T23:59:59Z'");
}

static void test_parse_bad(void **state)
{
	static const char *bad[] = {
		"",
		"2026",
		"2026-11-02",
		"2026-11-02T10:15:00",	     /* no offset */
		"2026-11-02T10:15:00Zx",     /* trailing garbage */
		"2026-11-02T10:15:00+05:00 ",
		"2026-11-02T10:15:00+05:00x",
		"2026-11-02T24:00:00Z",
		"2026-11-02T10:60:00Z",
		"2026-11-02T10:15:60Z",	     /* no leap seconds */
		"2026-11-02T10:15:00+24:00",
		"2026-11-02T10:15:00+05:60",
		"2026-11-02T10:15:00+0500",
		"2026-11-02T10:15:00+5:00",
		"2026-11-02T10:15Z",
		"2026-11-02T10:15:00.Z",
		"2026-11-02T10:15:00.1234567890Z",
		"2026-11-02X10:15:00Z",
		"2026-11-02  10:15:00Z",
		"2026-1-02T10:15:00Z",
		"26-11-02T10:15:00Z",
		"+2026-11-02T10:15:00Z",
		" 2026-11-02T10:15:00Z",
		"2026-11-02T1a:15:00Z",
		"2026/11/02T10:15:00Z",
	};
	struct ptime t = { 42, 7 };
	char msg[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(msg, sizeof(msg), "invalid time '%s'", bad[i]);
		assert_error(ptime_parse(&t, bad[i]), PREG_EINVAL, msg);
	}
	/* A failed parse leaves the output alone. */
	assert_int_equal(t.t, 42);
	assert_int_equal(t.off, 7);
}

static void test_message_shortened(void **state)
{
	char s[200], want[256];
	struct ptime t;
	int32_t d;

	(void)state;
	/* 64 bytes are shown whole. */
	memset(s, 'x', 64);
	s[64] = '\0';
	snprintf(want, sizeof(want), "invalid time '%s'", s);
	assert_error(ptime_parse(&t, s), PREG_EINVAL, want);
	/* 65 are cut to 64 and "...". */
	strcpy(s, "2026-11-02T10:15:00+05:00");
	memset(s + 25, 'y', 40);
	s[65] = '\0';
	snprintf(want, sizeof(want), "invalid time '%.64s...'", s);
	assert_error(ptime_parse(&t, s), PREG_EINVAL, want);
	snprintf(want, sizeof(want), "invalid date '%.64s...'", s);
	assert_error(date_parse(&d, s), PREG_EINVAL, want);
	/* A cut never splits a UTF-8 character: "é" at bytes 63-64. */
	memset(s, 'x', 63);
	strcpy(s + 63, "\xc3\xa9zz");
	snprintf(want, sizeof(want), "invalid date '%.63s...'", s);
	assert_error(date_parse(&d, s), PREG_EINVAL, want);
}

static void test_date_parse(void **state)
{
	int32_t d = 42;

	(void)state;
	assert_int_equal(date("1970-01-01"), 0);
	assert_int_equal(date("1969-12-31"), -1);
	assert_int_equal(date("1969-12-25"), -7);
	assert_int_equal(date("1900-01-01"), -25567);
	assert_int_equal(date("2026-11-02"), 20759);
	assert_int_equal(date("2030-12-31"), 22279);
	assert_int_equal(date("9999-12-31"), 2932896);
	assert_int_equal(date("2024-02-29"), date("2024-03-01") - 1);
	assert_int_equal(date("2000-02-29"), date("2000-03-01") - 1);

	assert_error(date_parse(&d, "2026-02-29"), PREG_EINVAL,
	    "invalid date '2026-02-29'");
	assert_error(date_parse(&d, "1900-02-29"), PREG_EINVAL,
	    "invalid date '1900-02-29'");
	assert_error(date_parse(&d, "2026-02-30"), PREG_EINVAL,
	    "invalid date '2026-02-30'");
	assert_error(date_parse(&d, "2026-06-31"), PREG_EINVAL,
	    "invalid date '2026-06-31'");
	assert_error(date_parse(&d, "2026-13-01"), PREG_EINVAL,
	    "invalid date '2026-13-01'");
	assert_error(date_parse(&d, "2026-00-10"), PREG_EINVAL,
	    "invalid date '2026-00-10'");
	assert_error(date_parse(&d, "2026-01-00"), PREG_EINVAL,
	    "invalid date '2026-01-00'");
	assert_error(date_parse(&d, "1899-12-31"), PREG_EINVAL,
	    "invalid date '1899-12-31'");
	assert_error(date_parse(&d, "2026-11-2"), PREG_EINVAL,
	    "invalid date '2026-11-2'");
	assert_error(date_parse(&d, "2026-11-02 "), PREG_EINVAL,
	    "invalid date '2026-11-02 '");
	assert_error(date_parse(&d, "2026-11-02T10:15:00Z"), PREG_EINVAL,
	    "invalid date '2026-11-02T10:15:00Z'");
	assert_error(date_parse(&d, "2026/11/02"), PREG_EINVAL,
	    "invalid date '2026/11/02'");
	assert_error(date_parse(&d, "2026-1a-02"), PREG_EINVAL,
	    "invalid date '2026-1a-02'");
	assert_error(date_parse(&d, ""), PREG_EINVAL, "invalid date ''");
	assert_int_equal(d, 42);
}

/* Walk day by day with a counter of its own and compare both directions. */
static void test_date_walk(void **state)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };
	int y = 1969, m = 12, d = 25;
	char want[48], got[DATE_LEN];
	int32_t back;

	(void)state;
	for (int32_t days = -7; days <= 22279; days++) {
		int len = mdays[m - 1];

		snprintf(want, sizeof(want), "%04d-%02d-%02d", y, m, d);
		date_format(got, days);
		assert_string_equal(got, want);
		assert_int_equal(date_parse(&back, got), 0);
		assert_int_equal(back, days);
		if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
			len = 29;
		if (++d > len) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	assert_string_equal(want, "2030-12-31");
}

/* Against gmtime_r (UTC, so TZ does not matter) over the whole range. */
static void test_date_gmtime(void **state)
{
	char want[48], got[DATE_LEN];
	int32_t back;

	(void)state;
	for (int32_t days = -25567; days <= 2932896; days += 97) {
		time_t tt = (time_t)days * 86400;
		struct tm tm;

		assert_non_null(gmtime_r(&tt, &tm));
		snprintf(want, sizeof(want), "%04d-%02d-%02d",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		date_format(got, days);
		assert_string_equal(got, want);
		assert_int_equal(date_parse(&back, got), 0);
		assert_int_equal(back, days);
	}
}

static void test_date_format(void **state)
{
	char out[DATE_LEN];

	(void)state;
	date_format(out, 0);
	assert_string_equal(out, "1970-01-01");
	date_format(out, -1);
	assert_string_equal(out, "1969-12-31");
	date_format(out, 20759);
	assert_string_equal(out, "2026-11-02");
	date_format(out, -25567);
	assert_string_equal(out, "1900-01-01");
	date_format(out, 2932896);
	assert_string_equal(out, "9999-12-31");
	/* Beyond the four-digit years, clamped to keep the width. */
	date_format(out, INT32_MAX);
	assert_string_equal(out, "9999-12-31");
	date_format(out, INT32_MIN);
	assert_string_equal(out, "0000-01-01");
}

static void test_day(void **state)
{
	struct ptime t;

	(void)state;
	/* Late evening west of UTC: already the next day in UTC. */
	assert_int_equal(ptime_parse(&t, "2026-11-02T23:30:00-02:00"), 0);
	assert_int_equal(ptime_day(t), date("2026-11-02"));
	t.off = 0;
	assert_int_equal(ptime_day(t), date("2026-11-03"));
	/* Early morning east of UTC: still the previous day in UTC. */
	assert_int_equal(ptime_parse(&t, "2026-11-02T00:30:00+05:00"), 0);
	assert_int_equal(ptime_day(t), date("2026-11-02"));
	t.off = 0;
	assert_int_equal(ptime_day(t), date("2026-11-01"));
	/* Exactly at midnight and one second before. */
	assert_int_equal(ptime_parse(&t, "2026-11-02T00:00:00-03:30"), 0);
	assert_int_equal(ptime_day(t), date("2026-11-02"));
	t.t--;
	assert_int_equal(ptime_day(t), date("2026-11-01"));
	/* Before the epoch, days round down. */
	assert_int_equal(ptime_parse(&t, "1969-12-31T23:59:59Z"), 0);
	assert_int_equal(ptime_day(t), -1);
	assert_int_equal(ptime_parse(&t, "1969-12-31T00:00:00Z"), 0);
	assert_int_equal(ptime_day(t), -1);
	assert_int_equal(ptime_parse(&t, "1970-01-01T00:30:00+01:00"), 0);
	assert_int_equal(ptime_day(t), 0);
	assert_int_equal(t.t, -1800);
	/* Saturates instead of overflowing. */
	t.t = INT64_MAX;
	t.off = 1000;
	assert_int_equal(ptime_day(t), INT32_MAX);
	t.t = INT64_MIN;
	t.off = -1000;
	assert_int_equal(ptime_day(t), INT32_MIN);
}

static void test_from_day(void **state)
{
	char out[PTIME_LEN];
	struct ptime t;

	(void)state;
	t = ptime_from_day(date("2026-11-02"), 300);
	assert_int_equal(t.off, 300);
	assert_int_equal(t.t, epoch("2026-11-02T00:00:00+05:00"));
	ptime_format(out, t);
	assert_string_equal(out, "2026-11-02T00:00:00+05:00");
	assert_int_equal(ptime_day(t), date("2026-11-02"));

	t = ptime_from_day(date("2026-11-02"), -210);
	ptime_format(out, t);
	assert_string_equal(out, "2026-11-02T00:00:00-03:30");
	assert_int_equal(ptime_day(t), date("2026-11-02"));

	t = ptime_from_day(0, 0);
	assert_int_equal(t.t, 0);
	t = ptime_from_day(-1, 60);
	assert_int_equal(t.t, -86400 - 3600);
	ptime_format(out, t);
	assert_string_equal(out, "1969-12-31T00:00:00+01:00");
}

static void test_days_parse(void **state)
{
	static const char *bad[] = {
		"", "d", "w", "14", "-1d", "+1d", "14x", "1 d", " 1d", "1d ",
		"99999d", "36501d", "36501w", "14dd", "1.5d", "0x10d", "14D",
		"99999999999999999999d",
	};
	char msg[128];
	int n = -1;

	(void)state;
	assert_int_equal(days_parse(&n, "14d"), 0);
	assert_int_equal(n, 14);
	assert_int_equal(days_parse(&n, "2w"), 0);
	assert_int_equal(n, 14);
	assert_int_equal(days_parse(&n, "0d"), 0);
	assert_int_equal(n, 0);
	assert_int_equal(days_parse(&n, "0w"), 0);
	assert_int_equal(n, 0);
	assert_int_equal(days_parse(&n, "007d"), 0);
	assert_int_equal(n, 7);
	assert_int_equal(days_parse(&n, "36500d"), 0);
	assert_int_equal(n, 36500);
	assert_int_equal(days_parse(&n, "36500w"), 0);
	assert_int_equal(n, 36500 * 7);
	n = 42;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(msg, sizeof(msg),
		    "invalid duration '%s' (use Nd or Nw)", bad[i]);
		assert_error(days_parse(&n, bad[i]), PREG_EINVAL, msg);
	}
	assert_int_equal(n, 42);
}

static void test_now_env(void **state)
{
	struct ptime t;

	(void)state;
	assert_int_equal(setenv("PREG_NOW", "2026-11-02T10:15:00+05:00", 1), 0);
	assert_int_equal(ptime_now(&t), 0);
	assert_int_equal(t.t, 1793596500);
	assert_int_equal(t.off, 300);

	assert_int_equal(setenv("PREG_NOW", "2026-11-02T10:15:00.5Z", 1), 0);
	assert_int_equal(ptime_now(&t), 0);
	assert_int_equal(t.t, 1793614500);
	assert_int_equal(t.off, 0);

	assert_int_equal(setenv("PREG_NOW", "tomorrow", 1), 0);
	assert_error(ptime_now(&t), PREG_EINVAL,
	    "PREG_NOW: invalid time 'tomorrow'");
	assert_int_equal(setenv("PREG_NOW", "2026-11-02", 1), 0);
	assert_error(ptime_now(&t), PREG_EINVAL,
	    "PREG_NOW: invalid time '2026-11-02'");
	assert_int_equal(unsetenv("PREG_NOW"), 0);
}

static void test_now_clock(void **state)
{
	struct ptime t;
	time_t before, after;

	(void)state;
	/* Empty counts as unset. */
	assert_int_equal(setenv("PREG_NOW", "", 1), 0);
	before = time(NULL);
	assert_int_equal(ptime_now(&t), 0);
	after = time(NULL);
	assert_true(t.t >= (int64_t)before && t.t <= (int64_t)after);
	assert_true(t.off > -24 * 60 && t.off < 24 * 60);

	/* The offset follows TZ; the instant does not. */
	assert_int_equal(unsetenv("PREG_NOW"), 0);
	assert_int_equal(setenv("TZ", "UTC0", 1), 0);
	tzset();
	assert_int_equal(ptime_now(&t), 0);
	assert_int_equal(t.off, 0);
	assert_int_equal(setenv("TZ", "XXX-5:30", 1), 0);
	tzset();
	assert_int_equal(ptime_now(&t), 0);
	assert_int_equal(t.off, 330);
	assert_int_equal(unsetenv("TZ"), 0);
	tzset();
}

static void test_looks_like(void **state)
{
	(void)state;
	assert_true(ptime_looks_like("2026-11-02"));
	assert_true(ptime_looks_like("2026-11-02T10:15:00+05:00"));
	assert_true(ptime_looks_like("1234-"));
	assert_true(ptime_looks_like("0000-anything"));
	assert_false(ptime_looks_like(""));
	assert_false(ptime_looks_like("2026"));
	assert_false(ptime_looks_like("202-11-02"));
	assert_false(ptime_looks_like("20261-1-02"));
	assert_false(ptime_looks_like("2026/11/02"));
	assert_false(ptime_looks_like(" 2026-11-02"));
	assert_false(ptime_looks_like("abcd-"));
	assert_false(ptime_looks_like("hello"));
	assert_false(ptime_looks_like(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_epoch),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_parse_calendar),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_message_shortened),
		cmocka_unit_test(test_date_parse),
		cmocka_unit_test(test_date_walk),
		cmocka_unit_test(test_date_gmtime),
		cmocka_unit_test(test_date_format),
		cmocka_unit_test(test_day),
		cmocka_unit_test(test_from_day),
		cmocka_unit_test(test_days_parse),
		cmocka_unit_test(test_now_env),
		cmocka_unit_test(test_now_clock),
		cmocka_unit_test(test_looks_like),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
