/* asof: a client as it stood on a past day, from its history (see asof.h). */
#include <string.h>

#include "asof.h"
#include "ptime.h"

void asof_now(struct asof *out, const struct record *r)
{
	out->phase = r->phase;
	out->phase_since = r->phase_since;
	out->manager = r->manager;
	out->hold_until = r->hold_until;
}

/* The calendar day of an RFC 3339 time in its own offset; -1 when bad. */
static int32_t day_of(const char *s, bool *ok)
{
	int32_t d = ptime_date_of(s);

	*ok = d != INT32_MIN;
	return *ok ? d : -1;
}

bool asof_day(struct asof *out, const struct record *r, int32_t day)
{
	bool ok, seen = false, holds = false;
	int32_t d;

	asof_now(out, r);
	d = day_of(r->created, &ok);
	if (ok && d > day)
		return false;
	if (!r->nhistory)
		return true; /* nothing to rebuild from: as it is now */
	out->hold_until = NULL;
	for (size_t i = 0; i < r->nhistory; i++) {
		const struct kvlist *e = &r->history[i];
		const char *at = kv_get(e, "at"), *v;

		if ((v = kv_get(e, "hold_until")))
			holds = true;
		d = day_of(at, &ok);
		if (!ok || d > day)
			continue;
		seen = true;
		if ((v = kv_get(e, "phase"))) {
			int n = 0;

			for (const char *p = v; *p >= '0' && *p <= '9' && n < 1000; p++)
				n = n * 10 + (*p - '0');
			out->phase = n;
			out->phase_since = at;
		}
		if ((v = kv_get(e, "manager")))
			out->manager = v;
		if ((v = kv_get(e, "hold_until")))
			out->hold_until = strcmp(v, "none") ? v : NULL;
	}
	/* A record without hold events was held (if at all) by an edit, which
	 * left no trace in the history: take its hold as it is now. */
	if (!holds)
		out->hold_until = r->hold_until;
	return seen;
}
