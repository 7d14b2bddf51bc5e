/*
 * Fuzz the parsers of times and dates as people and files give them
 * (lib/ptime.c, and the DD.MM.YYYY of a spreadsheet in lib/import.c), on
 * one string: the input up to its first NUL. Checks:
 *  (a) a failure leaves "invalid time 'S'" or "invalid date 'S'" (S the
 *      input, perhaps cut) with no control character, in valid UTF-8;
 *  (b) a time that parses is written back (ptime_format) as RFC 3339 of 25
 *      characters that parses to the same instant and offset, and its day
 *      is the same by ptime_day and by ptime_date_of;
 *  (c) a date that parses is written back (date_format) as the same text,
 *      and parses to the same day; so does a DD.MM.YYYY one, through its
 *      YYYY-MM-DD form;
 *  (d) a duration that parses is N days or N weeks, N from 0 to 36,500,
 *      as ptime.h says (the first run took "0 to 36,500 days" for the
 *      rule: 35005w is 245,035 days, and allowed);
 *  (e) a date or time as people type it (lib/when: tomorrow, +3d, fri,
 *      25.11.2026, "yesterday 16:30"), read against a fixed now: a failure
 *      leaves a message as in (a); a day that reads is written back as
 *      YYYY-MM-DD that when_date and date_parse read as the same day; a
 *      time that reads is written back as RFC 3339 that when_time reads as
 *      the same instant.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "import.h"
#include "ptime.h"
#include "when.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Today's entry point for a date a person wrote. */
static int parse_date(const char *s, int32_t *day)
{
	return date_parse(day, s);
}

static void check_failure(const char *stage)
{
	const char *m = preg_error_msg();

	if (strncmp(m, "invalid ", 8) || !strchr(m, '\''))
		fuzz_violation("msgform", "%s: message '%s'", stage, m);
	fuzz_check_line(m, strlen(m), stage);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = strndup((const char *)data, size), out[PTIME_LEN], d[DATE_LEN];
	struct ptime t, t2;
	int32_t day, day2;
	int days;

	if (!s)
		abort();
	preg_error_clear();
	if (ptime_parse(&t, s)) {
		check_failure("ptime_parse"); /* (a) */
	} else {
		/* (b) */
		ptime_format(out, t);
		if (strlen(out) != 25 || ptime_parse(&t2, out) || t2.t != t.t || t2.off != t.off)
			fuzz_violation("timeback", "'%s' was written '%s', read back as %lld%+d", s, out,
				       (long long)t2.t, t2.off);
		if (ptime_date_of(out) != ptime_day(t) || ptime_date_of(s) != ptime_day(t))
			fuzz_violation("day", "'%s': ptime_day %d, ptime_date_of %d and %d", s, (int)ptime_day(t),
				       (int)ptime_date_of(out), (int)ptime_date_of(s));
	}
	preg_error_clear();
	if (parse_date(s, &day)) {
		check_failure("date_parse");
	} else {
		/* (c) */
		date_format(d, day);
		if (strcmp(d, s) || parse_date(d, &day2) || day2 != day)
			fuzz_violation("dateback", "'%s' was written '%s'", s, d);
	}
	preg_error_clear();
	if (!import_date(s, &day)) {
		date_format(d, day);
		if (parse_date(d, &day2) || day2 != day)
			fuzz_violation("dateback", "import_date '%s' was written '%s'", s, d);
	} else {
		check_failure("import_date");
	}
	/* (e) */
	{
		struct when_now n = { .zone = false };

		if (ptime_parse(&n.now, "2026-11-06T10:15:00+05:00"))
			abort();
		preg_error_clear();
		if (when_date(&day, s, &n)) {
			check_failure("when_date");
		} else {
			date_format(d, day);
			if (when_date(&day2, d, &n) || day2 != day || date_parse(&day2, d) || day2 != day)
				fuzz_violation("whenback", "when_date '%s' was written '%s'", s, d);
		}
		preg_error_clear();
		if (when_time(&t, s, &n)) {
			check_failure("when_time");
		} else {
			ptime_format(out, t);
			if (when_time(&t2, out, &n) || t2.t != t.t || t2.off != t.off)
				fuzz_violation("whentimeback", "when_time '%s' was written '%s'", s, out);
		}
	}
	preg_error_clear();
	if (!days_parse(&days, s) && (days < 0 || days > 36500 * 7 || (s[strlen(s) - 1] == 'd' && days > 36500)))
		fuzz_violation("duration", "'%s' is %d days", s, days);
	(void)ptime_looks_like(s);
	preg_error_clear();
	free(s);
	return 0;
}
