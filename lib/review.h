/*
 * review: everything about one manager's clients (preg review, SPEC §6):
 * the clients the manager has now and those the manager ever had (from the
 * records' history events, no git walk), where each stands today, what is
 * overdue, and what changed since the manager last took the client.
 */
#ifndef PREG_REVIEW_H
#define PREG_REVIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "register.h"
#include "status.h"

struct review_item {
	struct record *rec;  /* as it is now */
	bool holds;          /* the manager has the client now */
	const char *taken;   /* when the manager last took it (RFC 3339; lent from rec), or NULL */
	const char *left;    /* when it went to another manager after that, or NULL */
	const char *left_to; /* to whom */
	int phase_taken;     /* the phase at the end of the day taken (lib/asof; 0: unknown) */
	struct status st;    /* where the client stands today (lib/status) */
	int days_overdue;    /* next_contact: days overdue (0: due today), or -1 when neither */
	size_t notes_since;  /* notes added since taken */
	size_t moves_since;  /* phase events since taken */
	char *changed;       /* what changed since taken, in words */
};

struct review {
	struct review_item *v;
	size_t n, cap;
	size_t unreadable;   /* records that do not parse (skipped) */
};

/* Collect the clients manager ever had (in id order) as of day today.
 * 0 or a negative code. */
int review_collect(struct reg *r, const char *manager, int32_t today, struct review *out);
void review_release(struct review *rv);

#endif
