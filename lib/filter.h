/*
 * filter: the filters that client list, report, remind and export share
 * (SPEC §5): --manager, --phase (a range too), --tag, --kind, --field,
 * --stale, --ended, --open. They look at a client as it stands on a day,
 * which may be a past one (--as-of): the phase and manager are those of the
 * asof view, the rest is the record's.
 */
#ifndef PREG_FILTER_H
#define PREG_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "asof.h"
#include "phases.h"
#include "record.h"

struct filter {
	const char *manager, *kind, *phase;
	const char **tags;   /* all of them */
	size_t ntags;
	const char **fields; /* "K=V", all of them */
	size_t nfields;
	int phase_lo, phase_hi; /* 0: any phase; set by filter_resolve */
	bool stale, ended, open;
};

/* Add a --tag or --field value (lent; the array is the filter's). */
void filter_add_tag(struct filter *f, const char *tag);
void filter_add_field(struct filter *f, const char *kv);

/* Check the filter against the register's settings (the --phase range, a
 * --manager preg.yaml does not list, --ended with --open, a --field
 * without '='); --manager given as a display name becomes its handle
 * (phases_resolve_manager). 0 or PREG_EINVAL. */
int filter_resolve(struct filter *f, const struct phases *ph);

/* Whether any filter is set. */
bool filter_any(const struct filter *f);

/* Whether client r, standing as a on day, passes. */
bool filter_match(const struct filter *f, const struct phases *ph, const struct record *r,
		  const struct asof *a, int32_t day);

/* Whether f has a --manager that client r has or had (its manager now,
 * or one of its history events'). */
bool filter_manager_seen(const struct filter *f, const struct record *r);

/* After every client was seen: PREG_EINVAL, "no client has or had manager
 * 'M'", when f has a --manager that none of them has or had (seen) and
 * preg.yaml lists no managers to check it against: a mistyped handle in a
 * crontab would otherwise be silent for ever. */
int filter_manager_check(const struct filter *f, const struct phases *ph, bool seen);

void filter_release(struct filter *f);

#endif
