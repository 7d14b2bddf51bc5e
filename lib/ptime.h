/*
 * ptime: times and dates as preg writes them.
 *
 * Times are RFC 3339 with a numeric offset, to the second
 * ("2026-11-02T10:15:00+05:00"; "Z" and fractions are accepted on input,
 * fractions dropped). Dates are "YYYY-MM-DD". PREG_NOW, when set, replaces the
 * clock for every command.
 */
#ifndef PREG_PTIME_H
#define PREG_PTIME_H

#include <stdbool.h>
#include <stdint.h>

struct ptime {
	int64_t t; /* seconds since the epoch, UTC */
	int off;   /* offset east of UTC, in minutes */
};

#define PTIME_LEN 26 /* "2026-11-02T10:15:00+05:00" plus NUL */
#define DATE_LEN 11  /* "2026-11-02" plus NUL */

/* Parse an RFC 3339 time; 0 or PREG_EINVAL (slot: "invalid time 'S'"). */
int ptime_parse(struct ptime *out, const char *s);

/* Parse "YYYY-MM-DD" into days since 1970-01-01; checks the calendar
 * (2026-02-30 is invalid). 0 or PREG_EINVAL (slot: "invalid date 'S'"). */
int date_parse(int32_t *out, const char *s);

/* Now: PREG_NOW when set (PREG_EINVAL when it does not parse), else the
 * system clock with the local offset. */
int ptime_now(struct ptime *out);

/* Write t as RFC 3339 with its offset ("+00:00" for UTC) into out. */
void ptime_format(char out[PTIME_LEN], struct ptime t);

/* Write days since the epoch as YYYY-MM-DD into out. */
void date_format(char out[DATE_LEN], int32_t days);

/* The calendar day of t in its own offset, as days since the epoch. */
int32_t ptime_day(struct ptime t);

/* A time at midnight of the day in the given offset. */
struct ptime ptime_from_day(int32_t days, int off);

/* Parse a duration "Nd" or "Nw" into days (N from 0 to 36500); 0 or PREG_EINVAL. */
int days_parse(int *out, const char *s);

/* Whether s looks like a date or a time (a string that starts with
 * four digits and '-'); used to decide quoting in text fields. */
bool ptime_looks_like(const char *s);

/* The calendar day of an RFC 3339 time in its own offset (the date it
 * starts with), without parsing the rest: for a time already checked, as
 * the record reader does. INT32_MIN when it does not start with a date. */
int32_t ptime_date_of(const char *s);

/* Fail with PREG_EINVAL and "invalid WHAT 'S' (HINT)" (no hint when NULL),
 * s cut to a readable length; returns PREG_EINVAL. */
int ptime_invalid(const char *what, const char *s, const char *hint);

/* Days since the epoch of y-m-d into *out; false when there is no such day
 * or the year is outside 1900..9999 (the years accepted on input). */
bool ptime_civil_day(int32_t *out, int y, int m, int d);

/* Days in month m of year y (0 for a month that does not exist). */
int ptime_month_days(int y, int m);

/* Whether days since the epoch fall in the years accepted on input. */
bool ptime_day_in_range(int64_t days);

#endif
