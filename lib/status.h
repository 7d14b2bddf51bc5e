/*
 * status: where a client stands on a day. Decided here, once, for every
 * output: client show and client list, every report and the HTML page,
 * remind, review. The rules, also in preg-register(5):
 *
 *   ended     its phase ends the collaboration (an ending phase)
 *   on hold   hold_until is a day after the day
 *   stale     longer in its phase than the phase's stale_after, and not
 *             on hold. An ending phase counts too: its stale_after is how
 *             the step after the end is prompted (the freight template's
 *             11 ended reminds after 14 days, for 12, the analysis of the
 *             causes); a phase without stale_after is never stale.
 *   overdue   next_contact is before the day, and the client has not ended
 *   due       next_contact is the day, and the client has not ended
 *
 * Days in the phase are whole calendar days from phase_since (in its own
 * offset) to the day; a phase_since after the day counts as 0.
 */
#ifndef PREG_STATUS_H
#define PREG_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "asof.h"
#include "buf.h"
#include "phases.h"
#include "record.h"

struct status {
	bool ended, on_hold, stale, overdue, due;
	int days_in_phase;
	int stale_after;  /* the phase's limit in days, -1: none (or no such phase) */
	int32_t next;     /* next_contact as a day; INT32_MIN: none, or the client ended */
};

/* The status of client r on day (days since the epoch), standing as a
 * (lib/asof: its phase, phase_since, manager and hold on that day; NULL:
 * as it is now). */
void status_of(struct status *out, const struct record *r, const struct asof *a, const struct phases *ph,
	       int32_t day);

/* Whether any of the five holds. */
bool status_any(const struct status *s);

/* Append the words of what holds, in one order for every output:
 * "overdue", "due", "stale", "on hold", "ended", joined by ", ". Nothing
 * when none holds. */
void status_words(struct buf *out, const struct status *s);

#endif
