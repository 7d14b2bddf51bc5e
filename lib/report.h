/*
 * report: the figures behind preg report (SPEC §6), computed from the
 * records alone, as they stood on a day (the history events rebuild a past
 * day: --as-of). Pure: records go in one at a time; cmd/ prints the result.
 *
 * The rules, also in preg-report(1):
 * - A client's stints: each history event with a phase starts one; the
 *   last runs to the day. Days are calendar days between the events' own
 *   dates. A record without phase events has one stint from phase_since.
 * - Reached (register): the date of the latest entry into each phase up to
 *   the current one; a phase left by going back is blank.
 * - Reached (funnel): a phase that does not end the collaboration is
 *   reached by the clients whose furthest such phase is at or after it; an
 *   ending phase by the clients that entered it. Conversion: reached here
 *   over reached in the phase before, none for an ending phase after one
 *   that is not.
 * - Days in a phase: the sum of a client's stints in it, for the clients
 *   that had one. Median and 90th percentile by nearest rank.
 * - Managers: the clients by their manager on the day; moves are the phase
 *   events in [since, day], counted for the manager of the client at the
 *   time of the move; conversion is the share of the manager's clients that
 *   reached the won phase.
 * - The period (--since/--until, o.period): the history events whose day is
 *   in [since, day], next to the snapshot of the day. A phase is entered
 *   by a client added in it or by a move into it (moved_in); a move out of
 *   it is moved_out; ended counts the moves from a phase that does not end
 *   the collaboration into one that does (per phase: the phase ended from).
 *   A manager's entered and ended are counted for the manager of the
 *   client at the time; a reason's ended for the reason given then.
 */
#ifndef PREG_REPORT_H
#define PREG_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter.h"
#include "phases.h"
#include "record.h"
#include "status.h"

enum report_kind { REPORT_REGISTER, REPORT_FUNNEL, REPORT_MANAGERS, REPORT_DURATIONS, REPORT_REASONS,
		   REPORT_ACTIVITY };

/* "register", ...; the kinds in order for usage and completion. */
extern const char *const report_kinds[];
int report_kind_parse(enum report_kind *out, const char *s);

struct report_opts {
	int32_t day;             /* the day: today or --as-of */
	bool as_of;              /* rebuild each client as of day */
	const struct filter *f;  /* or NULL */
	int32_t since;           /* managers, the period: its first day */
	bool period;             /* count the events of [since, day] */
	int won;                 /* managers: the won phase (0: report_won_phase) */
	int top;                 /* durations: slowest clients per phase */
	bool by_client;          /* activity: a row per client, not per person */
	const char *by;          /* funnel, managers, register: group by kind, tag, manager
				  * or fields.X (a client with two tags is in both) */
	const char *sum;         /* the free field X of --sum fields.X, or NULL */
};

/* One client of the register report. */
struct rrow {
	char *id, *name, *manager;
	int phase;
	int32_t since;   /* the day the current phase was entered */
	int days;        /* days in phase */
	int32_t next;    /* next_contact as a day, or INT32_MIN (none, or ended) */
	struct status st; /* where the client stands on the day (lib/status) */
	int32_t *reached; /* [nphases]: the day phase i + 1 was reached, or -1 */
};

struct slow {
	char *id;
	int days;
	bool now; /* still in the phase */
};

struct pstat {
	size_t now;      /* clients in the phase on the day */
	size_t reached;  /* clients that reached it (funnel rule) */
	int *days;       /* days spent, one per client that had a stint; sorted by finish */
	size_t ndays, cap;
	struct slow *slow; /* the slowest, longest first */
	size_t nslow;
	int64_t *amt;    /* --sum: the amounts of the clients in it on the day, sorted */
	size_t namt, amtcap;
	/* the period */
	size_t entered, moved_in, moved_out, ended;
	size_t reopened; /* the period: clients taken out of this (ending) phase by a reopening */
	int *out_days;   /* the stints that finished by a move out in the period */
	size_t nout, outcap;
};

struct mstat {
	char *handle;
	size_t clients, open, ended, stale, overdue, due, on_hold, won;
	size_t moves, forward, back;
	size_t entered, ends; /* the period: clients added, collaborations ended */
	size_t *now;     /* [nphases] clients per phase */
	int64_t *amt;    /* --sum: the amounts of the manager's clients, sorted */
	size_t namt, amtcap;
};

/*
 * Activity over the period [since, day] (report activity), a row per
 * person, or per client with by_client:
 * - notes: the notes written in the period, by the one who wrote them (by);
 *   channel[i] those of ops_channels[i]; a note without a channel counts in
 *   notes alone.
 * - moves: phase changes made in the period, by the one who made them;
 *   added: clients added (the first phase event), by the one who added.
 * - Next contacts: the ones a record knows are the `next` of each note
 *   that set one (preg note --next), set at the note's time, and the
 *   record's next_contact when no note set it (set before any activity
 *   after the last note that set one). One falls due in the period when
 *   its day is in [since, day] and the client had not ended by then; it
 *   counts for the client's manager on that day. It was kept when a note
 *   or phase move came after it was set and on or before its day, late
 *   when the first came after its day and by the day of the report,
 *   missed when none came by then.
 */
#define REPORT_NCHANNELS 6
struct astat {
	char *key;            /* the person's handle, or the client's id */
	char *name, *manager; /* by client: the client's name and manager on the day */
	size_t notes, channel[REPORT_NCHANNELS], moves, added;
	size_t due, kept, late, missed;
};

struct reason {
	char *text;
	size_t n;        /* ended clients on the day */
	size_t period;   /* ends in the period */
	size_t reopened; /* reopenings (phase set --reopen) by the day of clients that had ended for it */
};

struct numfmt {
	char group;   /* ' ', ',', '.', or 0: none */
	char mark;    /* ',' or '.': the decimal mark (0: none seen) */
	int decimals; /* written */
};

struct report {
	const struct phases *ph;
	enum report_kind kind;
	struct report_opts o;
	size_t clients;          /* that passed the filters */
	struct rrow *rows;       /* register, in id order */
	size_t nrows, rcap;
	struct pstat *ps;        /* [nphases] */
	struct mstat *ms;        /* managers, by handle after finish */
	size_t nms, mcap;
	struct reason *rs;       /* reasons, most frequent first after finish */
	size_t nrs, rscap;
	size_t ended;            /* reasons: ended clients, with or without a reason */
	struct astat *as;        /* activity: by key after finish */
	size_t nas, ascap;
	struct rgroup *groups;   /* --by: a report per group, by key after finish */
	size_t ngroups, gcap;
	bool sub;                /* a group's report */
	/* --sum: how the values are written (votes), and those that are not numbers */
	size_t vote_group[4], vote_mark[2];
	int decimals;
	struct numfmt amt_fmt;   /* after finish: the form most values use */
	size_t nbad;
	char *bad[3], *bad_val[3]; /* the first clients whose value is not a number */
	/* scratch for one record */
	int32_t *entry, *spent;
	bool *ever;
};

struct rgroup {
	char *key;
	struct report *rep;
};

/* The default won phase: the first phase that is neither reversible nor
 * ending and follows a reversible one; else the last that does not end. */
int report_won_phase(const struct phases *ph);

void report_init(struct report *r, const struct phases *ph, enum report_kind kind, const struct report_opts *o);
void report_add(struct report *r, const struct record *rec);
void report_finish(struct report *r);
void report_release(struct report *r);

/*
 * Amounts (--sum fields.X): a free field's values read as numbers the way
 * people write them: "1 250 000,50", "1 250 000.50", "1250000.50",
 * "1.250.000,50", "1,250,000", "-300". Digits are grouped by threes with
 * spaces (also no-break and thin spaces), commas or points; a comma or
 * point that appears once is the decimal mark (so "1,250" is 1.25), one
 * that appears more often groups. At most 4 decimals. Totals and medians
 * are written the way most values are (their grouping and mark, the most
 * decimals any has).
 */

/* Read s into *out, in units of 1/10000. false when s is not a number
 * (an empty s neither). *f (may be NULL) receives how it was written. */
bool report_number_parse(const char *s, int64_t *out, struct numfmt *f);

/* Append v (1/10000 units) written as f says. */
struct buf;
void report_number_write(struct buf *out, int64_t v, const struct numfmt *f);

/* The note channels of report activity, in column order (ops_channels). */
extern const char *const *const report_channels;

/* The median (nearest rank) of sorted v[n]; 0 when n is 0. */
int64_t report_amount_median(const int64_t *v, size_t n);

/* The sum of v[n]. */
int64_t report_amount_total(const int64_t *v, size_t n);

/* Nearest-rank percentile (pct 1..100) of sorted v[n]; -1 when n is 0. */
int report_percentile(const int *v, size_t n, int pct);

#endif
