/*
 * when: dates and times as people type them (see when.h).
 *
 * The input is lowered (Unicode, so that ПТ reads as пт) and trimmed once;
 * each form is then tried in turn. A form that is recognised but wrong (a
 * day the calendar lacks, a clock past 23:59, a two-digit year) says what is
 * wrong with it; anything else names the accepted forms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <utf8proc.h>

#include "buf.h"
#include "err.h"
#include "ptime.h"
#include "utf8.h"
#include "when.h"
#include "xalloc.h"

#define REL_MAX 36500 /* the largest +Nd, in days */

static const char DATE_FORMS[] =
	"use today, tomorrow, yesterday, +3d, -1w, a weekday such as fri, 25.11.2026 or 2026-11-25";
static const char TIME_FORMS[] =
	"use HH:MM, a date with an optional HH:MM such as 'yesterday 16:30' or '25.11.2026 09:00', "
	"or 2026-11-25T16:30:00+05:00";

static const char *const month_name[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
};

static const struct {
	const char *word;
	int delta;
} words[] = {
	{ "today", 0 }, { "tomorrow", 1 }, { "yesterday", -1 },
	{ "сегодня", 0 }, { "завтра", 1 }, { "вчера", -1 },
};

/* Weekday names; 0 is Monday. */
static const struct {
	const char *name;
	int wd;
} weekdays[] = {
	{ "mon", 0 }, { "tue", 1 }, { "wed", 2 }, { "thu", 3 }, { "fri", 4 }, { "sat", 5 }, { "sun", 6 },
	{ "monday", 0 }, { "tuesday", 1 }, { "wednesday", 2 }, { "thursday", 3 },
	{ "friday", 4 }, { "saturday", 5 }, { "sunday", 6 },
	{ "пн", 0 }, { "вт", 1 }, { "ср", 2 }, { "чт", 3 }, { "пт", 4 }, { "сб", 5 }, { "вс", 6 },
	{ "понедельник", 0 }, { "вторник", 1 }, { "среда", 2 }, { "среду", 2 },
	{ "четверг", 3 }, { "пятница", 4 }, { "пятницу", 4 }, { "суббота", 5 },
	{ "субботу", 5 }, { "воскресенье", 6 },
};

/* What parse_day found. */
enum { DAY_OK, DAY_UNKNOWN, DAY_WRONG };

struct when_now when_at(struct ptime now)
{
	struct when_now n = { now, false };

	return n;
}

int when_now(struct when_now *out)
{
	const char *env = getenv("PREG_NOW");
	int rc = ptime_now(&out->now);

	out->zone = !(env && *env);
	return rc;
}

/* s lowered (Unicode simple case mapping) and without the spaces around
 * it; NULL when s is not valid UTF-8. Caller frees. */
static char *lowered(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len;
	struct buf b = BUF_INIT;
	uint32_t c;

	for (size_t i = 0; i < n; i += len) {
		utf8proc_uint8_t enc[4];

		if (!(len = utf8_decode(p + i, n - i, &c))) {
			buf_release(&b);
			return NULL;
		}
		c = (uint32_t)utf8proc_tolower((utf8proc_int32_t)c);
		buf_add(&b, enc, (size_t)utf8proc_encode_char((utf8proc_int32_t)c, enc));
	}
	buf_addc(&b, '\0');
	b.len--;
	while (b.len && b.p[b.len - 1] == ' ')
		b.p[--b.len] = '\0';
	len = strspn(b.p, " ");
	memmove(b.p, b.p + len, b.len - len + 1);
	return buf_detach(&b);
}

/* A run of 1..max ASCII digits at *p, advancing *p; -1 when none or more. */
static int number(const char **p, int max)
{
	int v = 0, n = 0;

	while (**p >= '0' && **p <= '9') {
		if (++n > max)
			return -1;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	return n ? v : -1;
}

/* The weekday of a day since the epoch; 0 is Monday (1970-01-01 was a
 * Thursday). */
static int weekday(int32_t day)
{
	return (int)(((int64_t)day % 7 + 7 + 3) % 7);
}

/* y-m-d as a day, or DAY_WRONG with the reason in why. */
static int civil(int32_t *out, int y, int m, int d, char *why, size_t n)
{
	if (ptime_civil_day(out, y, m, d))
		return DAY_OK;
	if (y < 1900 || y > 9999)
		snprintf(why, n, "years 1900 to 9999");
	else if (m < 1 || m > 12)
		snprintf(why, n, "there is no month %d", m);
	else
		snprintf(why, n, "%s %d has %d days", month_name[m - 1], y, ptime_month_days(y, m));
	return DAY_WRONG;
}

/* The dotted forms: D.M.YYYY; D.M.YY and D.M are recognised to be refused. */
static int dotted(int32_t *out, const char *s, char *why, size_t n)
{
	const char *p = s, *y0;
	int d, m, y;

	if ((d = number(&p, 2)) < 0 || *p++ != '.' || (m = number(&p, 2)) < 0)
		return DAY_UNKNOWN;
	if (!*p || (*p == '.' && !p[1])) {
		snprintf(why, n, "give the year: %02d.%02d.YYYY", d, m);
		return DAY_WRONG;
	}
	if (*p++ != '.')
		return DAY_UNKNOWN;
	y0 = p;
	if ((y = number(&p, 4)) < 0 || *p)
		return DAY_UNKNOWN;
	if (p - y0 != 4) {
		snprintf(why, n, "a year of %d digits is ambiguous: write all four", (int)(p - y0));
		return DAY_WRONG;
	}
	return civil(out, y, m, d, why, n);
}

/* YYYY-MM-DD, exactly. */
static int iso(int32_t *out, const char *s, char *why, size_t n)
{
	const char *p = s;
	int y, m, d;

	if ((y = number(&p, 4)) < 0 || p - s != 4 || *p++ != '-')
		return DAY_UNKNOWN;
	if ((m = number(&p, 2)) < 0 || p - s != 7 || *p++ != '-')
		return DAY_UNKNOWN;
	if ((d = number(&p, 2)) < 0 || p - s != 10 || *p)
		return DAY_UNKNOWN;
	return civil(out, y, m, d, why, n);
}

/* +Nd, -Nw... */
static int relative(int32_t *out, const char *s, int32_t today, char *why, size_t n)
{
	const char *p = s + 1;
	int v, sign = *s == '-' ? -1 : 1;
	int64_t days;

	if (*s != '+' && *s != '-')
		return DAY_UNKNOWN;
	if ((v = number(&p, 6)) < 0)
		return DAY_UNKNOWN;
	if (!*p) {
		snprintf(why, n, "say d for days or w for weeks: %c%dd", *s, v);
		return DAY_WRONG;
	}
	if ((*p != 'd' && *p != 'w') || p[1])
		return DAY_UNKNOWN;
	days = (int64_t)v * (*p == 'w' ? 7 : 1);
	if (days > REL_MAX) {
		snprintf(why, n, "at most %d days", REL_MAX);
		return DAY_WRONG;
	}
	days = today + sign * days;
	if (!ptime_day_in_range(days)) {
		snprintf(why, n, "years 1900 to 9999");
		return DAY_WRONG;
	}
	*out = (int32_t)days;
	return DAY_OK;
}

/* Every form of a day, in the lowered and trimmed s. */
static int parse_day(int32_t *out, const char *s, int32_t today, char *why, size_t n)
{
	int rc;

	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (!strcmp(s, words[i].word)) {
			*out = today + words[i].delta;
			return DAY_OK;
		}
	for (size_t i = 0; i < sizeof(weekdays) / sizeof(*weekdays); i++)
		if (!strcmp(s, weekdays[i].name)) {
			int ahead = (weekdays[i].wd - weekday(today) + 7) % 7;

			*out = today + (ahead ? ahead : 7);
			return DAY_OK;
		}
	if ((rc = relative(out, s, today, why, n)) != DAY_UNKNOWN || (rc = dotted(out, s, why, n)) != DAY_UNKNOWN ||
	    (rc = iso(out, s, why, n)) != DAY_UNKNOWN)
		return rc;
	if (!strncmp(s, "next ", 5) || !strncmp(s, "this ", 5)) {
		snprintf(why, n, "ambiguous: a weekday alone such as fri is the next one");
		return DAY_WRONG;
	}
	if (strchr(s, '/') && strspn(s, "0123456789/") == strlen(s)) {
		snprintf(why, n, "ambiguous order: write 25.11.2026 or 2026-11-25");
		return DAY_WRONG;
	}
	return DAY_UNKNOWN;
}

/* HH:MM or H:MM into minutes of the day; DAY_WRONG when out of range. */
static int clock_time(int *out, const char *s, char *why, size_t n)
{
	const char *p = s;
	int h, m;

	if ((h = number(&p, 2)) < 0 || *p++ != ':')
		return DAY_UNKNOWN;
	if ((m = number(&p, 2)) < 0 || p - s < 4 || p[-3] != ':' || *p)
		return DAY_UNKNOWN;
	if (h > 23 || m > 59) {
		snprintf(why, n, "hours 0 to 23, minutes 00 to 59");
		return DAY_WRONG;
	}
	*out = h * 60 + m;
	return DAY_OK;
}

int when_date(int32_t *out, const char *s, const struct when_now *n)
{
	char why[96], *low = lowered(s), *sp;
	int32_t day;
	int rc, min;

	rc = low ? parse_day(&day, low, ptime_day(n->now), why, sizeof(why)) : DAY_UNKNOWN;
	if (rc == DAY_UNKNOWN && low && (sp = strrchr(low, ' ')) &&
	    clock_time(&min, sp + 1, why, sizeof(why)) != DAY_UNKNOWN) {
		snprintf(why, sizeof(why), "a date takes no time of day");
		rc = DAY_WRONG;
	}
	free(low);
	if (rc != DAY_OK)
		return ptime_invalid("date", s, rc == DAY_WRONG ? why : DATE_FORMS);
	*out = day;
	return 0;
}

/* The offset of the local zone at wall-clock seconds wall (since the epoch
 * as if it were UTC); fallback when the C library cannot tell. */
static int local_offset(int64_t wall, int fallback)
{
	time_t w = (time_t)wall, t;
	struct tm tm;

	if (!gmtime_r(&w, &tm))
		return fallback;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1)
		return fallback;
	return (int)((wall - (int64_t)t) / 60);
}

int when_time(struct ptime *out, const char *s, const struct when_now *n)
{
	char why[96], *low = NULL, *sp;
	int32_t day, today = ptime_day(n->now);
	int rc = DAY_UNKNOWN, min = -1;
	int64_t wall, secs;
	struct ptime t;

	/* The stored form as it is (its own offset). */
	if (!ptime_parse(&t, s)) {
		*out = t;
		return 0;
	}
	if (!(low = lowered(s)))
		goto out;
	sp = strrchr(low, ' ');
	if ((rc = clock_time(&min, sp ? sp + 1 : low, why, sizeof(why))) == DAY_OK) {
		if (sp) {
			*sp = '\0';
			while (sp > low && sp[-1] == ' ')
				*--sp = '\0';
			rc = parse_day(&day, low, today, why, sizeof(why));
		} else {
			day = today;
		}
	} else if (rc == DAY_UNKNOWN) {
		rc = parse_day(&day, low, today, why, sizeof(why));
	}
out:
	free(low);
	if (rc != DAY_OK)
		return ptime_invalid("time", s, rc == DAY_WRONG ? why : TIME_FORMS);
	/* Without a clock time: the present time of day on that day. */
	secs = min >= 0 ? (int64_t)min * 60 : n->now.t + (int64_t)n->now.off * 60 - (int64_t)today * 86400;
	wall = (int64_t)day * 86400 + secs;
	out->off = n->zone ? local_offset(wall, n->now.off) : n->now.off;
	out->t = wall - (int64_t)out->off * 60;
	return 0;
}

int when_date_str(char out[DATE_LEN], const char *s, const struct when_now *n)
{
	int32_t day;
	int rc = when_date(&day, s, n);

	if (!rc)
		date_format(out, day);
	return rc;
}

int when_time_str(char out[PTIME_LEN], const char *s, const struct when_now *n)
{
	struct ptime t;
	int rc = when_time(&t, s, n);

	if (!rc)
		ptime_format(out, t);
	return rc;
}
