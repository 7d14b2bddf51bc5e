/* status: where a client stands on a day (see status.h). */
#include <stdint.h>

#include "ptime.h"
#include "status.h"

void status_of(struct status *out, const struct record *r, const struct asof *a, const struct phases *ph,
	       int32_t day)
{
	struct asof now;
	const struct phase *p;
	int32_t hold, since;

	if (!a) {
		asof_now(&now, r);
		a = &now;
	}
	p = phases_get(ph, a->phase);
	out->ended = p && p->ending;
	out->on_hold = a->hold_until && !date_parse(&hold, a->hold_until) && hold > day;
	since = a->phase_since ? ptime_date_of(a->phase_since) : INT32_MIN;
	out->days_in_phase = since != INT32_MIN && day > since ? (int)(day - since) : 0;
	out->stale_after = p ? p->stale_days : -1;
	out->stale = out->stale_after >= 0 && !out->on_hold && out->days_in_phase > out->stale_after;
	/* Nothing is due of a client that ended: a next_contact left from
	 * before the end would be overdue for ever. */
	if (out->ended || !r->next_contact || date_parse(&out->next, r->next_contact))
		out->next = INT32_MIN;
	out->overdue = out->next != INT32_MIN && out->next < day;
	out->due = out->next == day;
}

bool status_any(const struct status *s)
{
	return s->ended || s->on_hold || s->stale || s->overdue || s->due;
}

void status_words(struct buf *out, const struct status *s)
{
	const struct {
		bool on;
		const char *word;
	} w[] = {
		{ s->overdue, "overdue" }, { s->due, "due" },	  { s->stale, "stale" },
		{ s->on_hold, "on hold" }, { s->ended, "ended" },
	};
	bool first = true;

	for (size_t i = 0; i < sizeof(w) / sizeof(*w); i++) {
		if (!w[i].on)
			continue;
		buf_adds(out, first ? "" : ", ");
		buf_adds(out, w[i].word);
		first = false;
	}
}
