/*
 * ops: the changes commands make to a register. Each is one transaction
 * (one commit) through reg_write, and each holds the rules of SPEC §3 to §5
 * that decide whether the change is allowed: phases, reasons, requires,
 * managers, ids. Nothing is written when a rule refuses.
 */
#ifndef PREG_OPS_H
#define PREG_OPS_H

#include <stdbool.h>
#include <stddef.h>

#include "ptime.h"
#include "register.h"

struct add_opts {
	const char *name;     /* required */
	const char *id;       /* NULL: derived from the name */
	const char *manager;  /* NULL: the acting user */
	const char *phase;    /* NULL: the first phase */
	const char *kind;     /* NULL: external */
	const char *next, *action, *remarks;
	const char **tags;
	size_t ntags;
	const char **fields;  /* "KEY=VALUE" */
	size_t nfields;
	const char **contacts; /* "Name <email>; role; phone" */
	size_t ncontacts;
	bool allow_duplicate; /* else PREG_EEXISTS when an existing client has the
			       * same name, e-mail, phone or tax number
			       * (check.h's rules), naming it */
	char id_out[64];      /* the id the client got */
};

int ops_add(struct reg *r, struct add_opts *o);

/*
 * The next step a note or a move may set (closing the loop). next is a day
 * as people type it (lib/when.h), stored in the canonical form. An entry on
 * or after a due next_contact (due or overdue by lib/status on the entry's
 * day) settles it: without next, next_contact and next_action are cleared
 * (done says which day was settled) unless keep; a move into an ending
 * phase settles nothing. next replaces the day and
 * action the action, due or not (next alone keeps the action).
 */
struct next_step {
	const char *next, *action;
	bool keep;
	char done[11]; /* out: the next_contact settled and cleared, "" when none */
};

struct move_opts {
	const char *id;
	const char *phase;   /* number or key; NULL: the next phase */
	const char *message; /* -m: a note on the history event */
	const char *at;      /* when, as people type it (lib/when.h); NULL: now */
	const char *reason;
	bool force;
	bool reopen;         /* out of an ending phase: recorded as a reopening */
	struct next_step step;
	int from, to;        /* out: the move made */
	int now;             /* out: the phase after it (not to when a later move stands) */
	char when[32];       /* out: the time of the move (RFC 3339) */
};

int ops_move(struct reg *r, struct move_opts *o);

struct note_opts {
	const char *id, *text, *channel;
	const char *at; /* when it happened (lib/when.h); NULL: now */
	struct next_step step;
};

int ops_note(struct reg *r, struct note_opts *o);

/* Apply KEY=VALUE assignments (name, kind, manager, next_contact,
 * next_action, tags, remarks, fields.NAME; an empty value clears).
 * *changed tells whether anything changed (no commit when not). */
int ops_set(struct reg *r, const char *id, char *const *assign, size_t n, unsigned flags,
	    bool *changed);

/* A client's contacts, numbered from 1 in the order of the record (preg
 * contact). Each is one commit (action "contact") that adds no history
 * event: the record compare (history.h) tells what changed. add appends
 * spec ("Name <email>; role; phone") and gives its number in *n; set
 * applies KEY=VALUE (name, email, role, phone; an empty value clears)
 * to contact n, *changed false and no commit when nothing changed; rm
 * removes contact n (the later ones move up). PREG_ENOTFOUND for a
 * number the client has no contact for. */
int ops_contact_add(struct reg *r, const char *id, const char *spec, size_t *n);
int ops_contact_set(struct reg *r, const char *id, size_t n, char *const *assign, size_t nassign, bool *changed);
int ops_contact_rm(struct reg *r, const char *id, size_t n);

/* Replace a record with edited YAML (client edit). base is the record's
 * text when the edit began: if the record changed since, PREG_EMODIFIED.
 * name names the edited text in messages (NAME:LINE:COL). id, phase,
 * phase_since, created, history and notes may not change; a manager change
 * is recorded in history; a comment is refused unless flags has REG_FORCE.
 * *changed tells whether anything changed (no commit when not). */
int ops_replace(struct reg *r, const char *id, const char *base, const char *yaml, size_t len,
		const char *name, unsigned flags, bool *changed);

int ops_remove(struct reg *r, const char *id);

/* Put a client on hold until the day until (a day as people type it,
 * lib/when.h, after today) for a reason (one line): sets hold_until and
 * hold_reason and adds the event {at, by, hold_until: DATE, reason: TEXT}
 * at the time at (as --at takes it; NULL: now), in time order. A hold
 * replaces an earlier one; the same hold again is refused. */
int ops_hold(struct reg *r, const char *id, const char *until, const char *reason, const char *at);

/* Lift a client's hold: clears hold_until and hold_reason and adds the
 * event {at, by, hold_until: none} at the time at (NULL: now).
 * PREG_EINVAL when the client is not on hold. */
int ops_unhold(struct reg *r, const char *id, const char *at);

/* Hand the clients of manager from over to manager to, in one commit
 * (lib/ops_history.c): the ids given (each must be from's), or else all of
 * from's clients that have not ended. Each record gets manager: to and the
 * event {at, by, manager: to}. With dry_run nothing is written. On success
 * moved holds the records as they are after the move (the caller frees
 * them with reassign_release). */
struct reassign_opts {
	const char *from, *to;
	char *const *ids;
	size_t nids;
	bool dry_run;
	const char *at; /* when (as ops_entry_when takes it); NULL: now */
	struct record **moved;
	size_t nmoved;
};

int ops_reassign(struct reg *r, struct reassign_opts *o);
void reassign_release(struct reassign_opts *o);

/* Revert the acting user's last preg commit with a new commit that puts
 * the records it changed back as they were (lib/ops_history.c). The
 * user's commit is the last one with a Preg-Action whose Preg-User is the
 * acting user (for a commit of an older preg without it: whose added
 * events or notes are by the user, or, when it added none, whose author
 * is the identity preg commits with). Refused (PREG_EINVAL) when a later commit
 * changed one of those records, naming it. On success undone holds the
 * commit reverted and summary its summary line (the caller frees it). */
struct undo_opts {
	char undone[41];
	char *summary;
	char **ids;
	size_t nids;
};

int ops_undo(struct reg *r, struct undo_opts *o);
void undo_release(struct undo_opts *o);

/* The time rule (record.h) for a write that adds an event or a note to
 * rec at the write's time (txn_now): 0 when that time is not earlier than
 * rec's last event or note; else PREG_ERR, "the clock is behind: it
 * says NOW, but the last entry of client 'ID' is at THEN". Every such
 * writer asks it before it adds the entry. */
int ops_check_clock(struct txn *t, const struct record *rec);

/* When the entry a write adds to rec happens, into *when and out (RFC
 * 3339): now, which ops_check_clock must allow, when at is NULL; else at,
 * given on purpose (--at, as people type a time: lib/when.h; a calendar
 * date alone, 2026-10-20 or 20.10.2026, is the start of that day). at may
 * be earlier than rec's last entry (the entry is then placed in time
 * order, record_insert_entry), but not in the future, nor before the
 * client was created: PREG_EINVAL. */
int ops_entry_when(struct txn *t, const struct record *rec, const char *at, struct ptime *when,
		   char out[PTIME_LEN]);

/* Parse a contact as --contact takes it, "Name <email>; role; phone",
 * into out (name, email, role, phone; the caller releases it). 0 or
 * PREG_EINVAL. */
int ops_parse_contact(const char *spec, struct kvlist *out);

/* The notes channels. */
extern const char *const ops_channels[];

#endif
