/*
 * when: dates and times as people type them, resolved against "now" into
 * the forms a record stores (ptime.h: YYYY-MM-DD, RFC 3339 with offset).
 *
 * A day is one of:
 *   today, tomorrow, yesterday (and сегодня, завтра, вчера);
 *   +Nd, +Nw, -Nd, -Nw: N days or weeks from today (N up to 36500 days);
 *   a weekday: mon..sun, monday..sunday, пн..вс, понедельник..воскресенье
 *     (also the accusative среду, пятницу, субботу): the next such day,
 *     never today, so on a Friday "fri" is a week away;
 *   DD.MM.YYYY (a one-digit day or month too: 5.3.2026), YYYY-MM-DD.
 * A time is a day followed by a space and HH:MM (H:MM too), HH:MM alone
 * (today at that time), a day alone (that day at the present time of day:
 * "yesterday" is 24 hours ago), or a time in the stored RFC 3339 form.
 * Words are matched in any letter case; spaces around the input are ignored.
 *
 * Refused as ambiguous: DD.MM.YY (which century), DD/MM/YYYY and MM/DD/YYYY
 * (which order), DD.MM without a year (this year's or next year's), "next
 * fri" (this week's or the week after), +3 and +1m (days? minutes? months?).
 * Refused as invalid: a day the calendar does not have (31.02.2026), 24:00
 * and other clock times out of range, years outside 1900..9999.
 */
#ifndef PREG_WHEN_H
#define PREG_WHEN_H

#include <stdbool.h>
#include <stdint.h>

#include "ptime.h"

/* The "now" that inputs are read against. */
struct when_now {
	struct ptime now;
	/* true: a time on another day takes the local time zone's offset of
	 * that day (so "mon 10:00" is 10:00 on the wall clock across a
	 * daylight saving change); false: now.off throughout (PREG_NOW, which
	 * names its offset, and tests). */
	bool zone;
};

/* Now, as ptime_now gives it (PREG_NOW or the clock); zone is set when it
 * is the clock. 0, or PREG_EINVAL when PREG_NOW does not parse. */
int when_now(struct when_now *out);

/* A now at a given time, with its own offset throughout (for tests and
 * callers that already hold the time). */
struct when_now when_at(struct ptime now);

/* Read a day (see above) into days since the epoch, in the calendar of
 * now's offset. 0, or PREG_EINVAL with a message that names the accepted
 * forms ("invalid date 'S' (use ...)"), or the reason for a form that was
 * recognised (31.02.2026: "February 2026 has 28 days"). */
int when_date(int32_t *out, const char *s, const struct when_now *n);

/* Read a time (see above) into *out, to the minute when one is given. 0, or
 * PREG_EINVAL with a message as for when_date ("invalid time 'S' (...)"). */
int when_time(struct ptime *out, const char *s, const struct when_now *n);

/* when_date written as YYYY-MM-DD, when_time as RFC 3339: the stored forms. */
int when_date_str(char out[DATE_LEN], const char *s, const struct when_now *n);
int when_time_str(char out[PTIME_LEN], const char *s, const struct when_now *n);

#endif
