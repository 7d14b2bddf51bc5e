/*
 * ptime: times and dates as preg writes them (see ptime.h).
 *
 * The calendar arithmetic is done here rather than with mktime/timegm so that
 * parsing and formatting never depend on TZ: days-from-civil and
 * civil-from-days below are the proleptic Gregorian algorithms of Howard
 * Hinnant's "chrono-Compatible Low-Level Date Algorithms". Only ptime_now asks
 * the C library, for the clock and the local offset.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "ptime.h"

#define YEAR_MIN 1900 /* the years accepted on input */
#define YEAR_MAX 9999
#define DAYS_MAX 36500 /* the largest N of a duration */
#define SHOW_MAX 64    /* bytes of bad input quoted in a message */

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };

	return m == 2 && is_leap(y) ? 29 : mdays[m - 1];
}

/* Days since 1970-01-01 of y-m-d; m and d must be valid. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* Division rounding toward minus infinity (C's rounds toward zero). */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/*
 * The range formatting can show: 0000-01-01 to 9999-12-31. Values beyond it
 * (only reachable from a struct built by hand) are clamped so that the output
 * keeps its fixed width instead of overflowing the caller's buffer.
 */
static int64_t clamp_days(int64_t days)
{
	int64_t lo = days_from_civil(0, 1, 1), hi = days_from_civil(9999, 12, 31);

	return days < lo ? lo : days > hi ? hi : days;
}

/* Read n ASCII digits at s; -1 when one is not a digit. */
static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Write v as n digits at p (v >= 0, fits); returns the end. */
static char *put(char *p, int64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

/*
 * Fail with "invalid WHAT 'S'", quoting at most SHOW_MAX bytes of s (then
 * "...") so that a pasted paragraph does not become the message. The cut backs
 * off to a UTF-8 character boundary so that the message stays valid text.
 */
int ptime_invalid(const char *what, const char *s, const char *hint)
{
	size_t n = strlen(s);
	const char *more = "";

	if (n > SHOW_MAX) {
		n = SHOW_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		more = "...";
	}
	return preg_error_set(PREG_EINVAL, "invalid %s '%.*s%s'%s%s%s", what, (int)n,
	    s, more, hint ? " (" : "", hint ? hint : "", hint ? ")" : "");
}

static int bad(const char *what, const char *s)
{
	return ptime_invalid(what, s, NULL);
}

bool ptime_civil_day(int32_t *out, int y, int m, int d)
{
	if (y < YEAR_MIN || y > YEAR_MAX || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return false;
	*out = (int32_t)days_from_civil(y, m, d);
	return true;
}

int ptime_month_days(int y, int m)
{
	return m >= 1 && m <= 12 ? month_days(y, m) : 0;
}

bool ptime_day_in_range(int64_t days)
{
	return days >= days_from_civil(YEAR_MIN, 1, 1) && days <= days_from_civil(YEAR_MAX, 12, 31);
}

/* Parse "YYYY-MM-DD" at s (no terminator check) into days; false if bad. */
static bool parse_ymd(const char *s, int64_t *days)
{
	int y, m, d;

	y = digits(s, 4);
	if (y < YEAR_MIN || y > YEAR_MAX || s[4] != '-')
		return false;
	m = digits(s + 5, 2);
	if (m < 1 || m > 12 || s[7] != '-')
		return false;
	d = digits(s + 8, 2);
	if (d < 1 || d > month_days(y, m))
		return false;
	*days = days_from_civil(y, m, d);
	return true;
}

/* The whole of ptime_parse but the message. */
static bool parse_time(struct ptime *out, const char *s)
{
	int64_t days;
	int hh, mm, ss, oh, om, sign;
	const char *p;

	/* Every byte read below is checked before the next is read, so a short
	 * string stops at its NUL and never reads past it. */
	if (!parse_ymd(s, &days))
		return false;
	if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
		return false;
	hh = digits(s + 11, 2);
	if (hh < 0 || hh > 23 || s[13] != ':')
		return false;
	mm = digits(s + 14, 2);
	if (mm < 0 || mm > 59 || s[16] != ':')
		return false;
	ss = digits(s + 17, 2);
	if (ss < 0 || ss > 59)
		return false;
	p = s + 19;
	if (*p == '.') {
		int n = 0;

		while (p[1 + n] >= '0' && p[1 + n] <= '9')
			n++;
		if (n < 1 || n > 9)
			return false;
		p += 1 + n;
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		oh = om = 0;
		sign = 1;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		oh = digits(p + 1, 2);
		if (oh < 0 || oh > 23 || p[3] != ':')
			return false;
		om = digits(p + 4, 2);
		if (om < 0 || om > 59 || p[6] != '\0')
			return false;
	} else
		return false;
	out->off = sign * (oh * 60 + om);
	out->t = days * 86400 + hh * 3600 + mm * 60 + ss -
	    (int64_t)out->off * 60;
	return true;
}

int ptime_parse(struct ptime *out, const char *s)
{
	struct ptime t;

	if (!parse_time(&t, s))
		return bad("time", s);
	*out = t;
	return 0;
}

int date_parse(int32_t *out, const char *s)
{
	int64_t days;

	if (strlen(s) != 10 || !parse_ymd(s, &days))
		return bad("date", s);
	*out = (int32_t)days;
	return 0;
}

int ptime_now(struct ptime *out)
{
	const char *env = getenv("PREG_NOW");
	time_t now;
	struct tm tm;

	if (env && *env) {
		if (ptime_parse(out, env) < 0)
			return preg_error_prefix("PREG_NOW");
		return 0;
	}
	now = time(NULL);
	out->t = (int64_t)now;
	/* Without a zone we still have a correct instant: call it UTC. */
	out->off = localtime_r(&now, &tm) ? (int)(tm.tm_gmtoff / 60) : 0;
	return 0;
}

void ptime_format(char out[PTIME_LEN], struct ptime t)
{
	int64_t lo = clamp_days(INT64_MIN) * 86400, hi;
	int64_t wall, days, secs, y;
	int m, d, aoff;
	char *p = out;

	/* Offsets beyond +-99:59 cannot be written in 2 digits. Clamp the
	 * instant to the range widened by the largest offset, so neither the
	 * sum nor the day count can overflow, then the wall time: a time read
	 * as 9999-12-31T23:59:59-23:59 is a day past the range in UTC, and
	 * must still be written as it was read (the fuzzer found it written
	 * as 00:00:59 when the instant was clamped first). */
	hi = clamp_days(INT64_MAX) * 86400 + 86399;
	if (t.off > 5999)
		t.off = 5999;
	if (t.off < -5999)
		t.off = -5999;
	wall = t.t < lo - 5999 * 60 ? lo - 5999 * 60 : t.t > hi + 5999 * 60 ? hi + 5999 * 60 : t.t;
	wall += (int64_t)t.off * 60;
	wall = wall < lo ? lo : wall > hi ? hi : wall;
	days = floor_div(wall, 86400);
	secs = wall - days * 86400;
	civil_from_days(days, &y, &m, &d);
	p = put(p, y, 4);
	*p++ = '-';
	p = put(p, m, 2);
	*p++ = '-';
	p = put(p, d, 2);
	*p++ = 'T';
	p = put(p, secs / 3600, 2);
	*p++ = ':';
	p = put(p, secs / 60 % 60, 2);
	*p++ = ':';
	p = put(p, secs % 60, 2);
	*p++ = t.off < 0 ? '-' : '+';
	aoff = t.off < 0 ? -t.off : t.off;
	p = put(p, aoff / 60, 2);
	*p++ = ':';
	p = put(p, aoff % 60, 2);
	*p = '\0';
}

void date_format(char out[DATE_LEN], int32_t days)
{
	int64_t y;
	int m, d;
	char *p = out;

	civil_from_days(clamp_days(days), &y, &m, &d);
	p = put(p, y, 4);
	*p++ = '-';
	p = put(p, m, 2);
	*p++ = '-';
	p = put(p, d, 2);
	*p = '\0';
}

int32_t ptime_day(struct ptime t)
{
	int64_t days;

	/* Only a struct built by hand can be this far out; clamping it keeps
	 * t + off*60 from overflowing and still saturates the day below. */
	if (t.t > INT64_MAX / 2)
		t.t = INT64_MAX / 2;
	if (t.t < INT64_MIN / 2)
		t.t = INT64_MIN / 2;
	days = floor_div(t.t + (int64_t)t.off * 60, 86400);
	if (days > INT32_MAX)
		return INT32_MAX;
	if (days < INT32_MIN)
		return INT32_MIN;
	return (int32_t)days;
}

struct ptime ptime_from_day(int32_t days, int off)
{
	struct ptime t;

	t.t = (int64_t)days * 86400 - (int64_t)off * 60;
	t.off = off;
	return t;
}

int days_parse(int *out, const char *s)
{
	const char *p = s;
	int n = 0;

	while (*p >= '0' && *p <= '9') {
		n = n * 10 + (*p - '0');
		if (n > DAYS_MAX)
			goto bad;
		p++;
	}
	if (p == s || (*p != 'd' && *p != 'w') || p[1] != '\0')
		goto bad;
	*out = *p == 'w' ? n * 7 : n;
	return 0;
bad:
	return preg_error_set(PREG_EINVAL, "invalid duration '%s' (use Nd or Nw)",
	    s);
}

bool ptime_looks_like(const char *s)
{
	if (!s)
		return false;
	for (int i = 0; i < 4; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return s[4] == '-';
}

int32_t ptime_date_of(const char *s)
{
	int64_t days;

	if (!s || !parse_ymd(s, &days) || (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
		return INT32_MIN;
	return (int32_t)days;
}
