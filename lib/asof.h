/*
 * asof: a client as it stood at the end of a past day (--as-of), rebuilt
 * from the history events of its record, without walking git history.
 *
 * What the events hold is rebuilt: the phase and phase_since (the last
 * event with a phase on or before the day), the manager (the last event
 * with a manager), and the hold (the last hold event, when the record has
 * any). What they do not hold is taken as it is now: the name,
 * next_contact and next_action, and a hold set by editing the record.
 * An event belongs to the calendar day of its own time and offset.
 */
#ifndef PREG_ASOF_H
#define PREG_ASOF_H

#include <stdbool.h>
#include <stdint.h>

#include "record.h"

struct asof {
	int phase;
	const char *phase_since; /* RFC 3339 */
	const char *manager;
	const char *hold_until;  /* YYYY-MM-DD, or NULL */
};

/* The client r as it is now: its own fields. Strings are lent from r. */
void asof_now(struct asof *out, const struct record *r);

/* The client r at the end of day (days since the epoch). Strings are lent
 * from r. Returns false when the client did not exist yet that day
 * (created later, or no event on or before it). */
bool asof_day(struct asof *out, const struct record *r, int32_t day);

#endif
