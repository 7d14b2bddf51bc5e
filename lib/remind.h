/*
 * remind: what is due on a day (preg remind, SPEC §6). Pure functions over
 * records and phases: they decide, they never print.
 *
 * On day D a client gives one item per reason, as lib/status decides:
 *   overdue   next_contact < D (a client that has not ended)
 *   due       next_contact == D (a client that has not ended)
 *   upcoming  D < next_contact <= D + within (only when within >= 0)
 *   stale     longer in its phase than the phase's stale_after, and not on
 *             hold until a day after D; an ending phase with a
 *             stale_after too, which prompts the step after the end
 * A client both due and stale gives two items, each with its own date.
 */
#ifndef PREG_REMIND_H
#define PREG_REMIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "filter.h"
#include "phases.h"
#include "record.h"

enum remind_kind { REMIND_OVERDUE, REMIND_DUE, REMIND_STALE, REMIND_UPCOMING };

struct remind_item {
	char *id, *name, *manager;
	enum remind_kind kind;
	int32_t date;      /* the day it is due: next_contact, or for stale the
			    * last day within stale_after */
	int days_overdue;  /* D - date: 0 for due, negative for upcoming */
	int phase;
	char *phase_key;   /* NULL when preg.yaml lacks the phase */
	int days_in_phase;
	int stale_after;   /* the phase's limit in days, -1: none */
	bool ended;        /* in an ending phase (then only stale is reminded) */
	char *next_action; /* or NULL */
	char *to;          /* who receives it when not the manager: the
			    * stand-in of a manager away (remind_route) */
};

struct remind_list {
	struct remind_item *v;
	size_t n, cap;
};

struct remind_opts {
	int32_t day;         /* D, days since the epoch */
	int within;          /* N of --within Nd; -1: no upcoming items */
	bool as_of;          /* rebuild the client as of D from its history */
	const char *manager; /* only this manager's clients, or NULL */
	const struct filter *f; /* the shared filters, or NULL */
};

/* Add the items of record r on day o->day to l (copies; r is not kept). */
void remind_add(struct remind_list *l, const struct record *r, const struct phases *ph,
		const struct remind_opts *o);

/* Sort l: recipient (the stand-in of a manager away), then the
 * recipient's own items before those of each manager stood in for, then
 * most overdue first, then id, then kind. */
void remind_sort(struct remind_list *l);

/* Route the items of managers away on day to their stand-ins
 * (team_recipient): sets each routed item's to. Sort afterwards. */
void remind_route(struct remind_list *l, const struct phases *ph, int32_t day);

/* Keep only the items that go to handle (after remind_route). */
void remind_keep_to(struct remind_list *l, const char *handle);

/* Who receives it: it->to or the manager. */
const char *remind_to(const struct remind_item *it);

/* Write days_overdue in words into out: "today", "3 days ago", "in 1 day". */
void remind_when(char *out, size_t n, int days_overdue);

/* The reminders as text, the lines of "preg remind": a heading per
 * recipient (handle: Name <email>), under it one line per item, the items
 * of a manager stood in for under "  for HANDLE (away until DATE):". l
 * sorted; a run of one recipient's items gives that recipient's text. */
void remind_text(struct buf *out, const struct remind_list *l, const struct phases *ph);

/* remind_text with each line in at most width columns (0: any), for a
 * terminal: the id stays whole, the client's name is shortened
 * (name_short), the next action or the stale detail cut. */
void remind_text_fit(struct buf *out, const struct remind_list *l, const struct phases *ph, size_t width);

void remind_list_release(struct remind_list *l);

/* "overdue", "due", "stale", "upcoming". */
const char *remind_kind_name(enum remind_kind k);

#endif
