/*
 * filter: which clients a listing takes (SPEC §5): --manager, --phase
 * (a number, key or range), --tag (all of them), --kind, --field K=V (all
 * of them), --stale, --ended, --open. Shared by client list and export.
 */
#ifndef PREG_FILTER_H
#define PREG_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "phases.h"
#include "record.h"

struct filter {
	const char *manager, *kind, *phase;
	const char **tags;   /* all of them */
	size_t ntags;
	const char **fields; /* "K=V", all of them */
	size_t nfields;
	int phase_lo, phase_hi; /* from phase, by filter_ready */
	bool stale, ended, open;
};

/* Resolve f->phase against the phases (PREG_EINVAL when it names none).
 * 0 or PREG_EINVAL. */
int filter_ready(struct filter *f, const struct phases *ph);

/* Whether r passes f on day today (days since the epoch, for --stale). */
bool filter_match(const struct filter *f, const struct record *r, const struct phases *ph, int32_t today);

/* Whether f looks into the records (else ids alone will do). */
bool filter_active(const struct filter *f);

#endif
