/*
 * history: the register's git history, read through the register, for the
 * commands that look back (log, diff, review, verify, undo; SPEC §5 and §6).
 *
 * A commit is read into a struct hcommit: its time, author and the trailers
 * the write path leaves (Preg-Client, Preg-Action, Preg-Phase). Two states
 * of the register are compared record by record: which records differ
 * between two trees, and, for one record, what changed in words (phase 6 ->
 * 7, manager ivanov -> petrov, a note added, a field changed).
 */
#ifndef PREG_HISTORY_H
#define PREG_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "phases.h"
#include "ptime.h"
#include "record.h"
#include "register.h"

struct hcommit {
	struct reg_oid oid;
	char hex[REG_HEXSZ + 1];
	char *summary;             /* the first line of the message */
	char *author, *email;      /* the git author */
	char time[PTIME_LEN];      /* the author time, RFC 3339 in its own offset */
	int64_t t;                 /* the same, seconds since the epoch */
	int32_t day;               /* its calendar day in its own offset */
	char *action;              /* Preg-Action, or NULL for a commit made without preg */
	char *phase;               /* Preg-Phase, or NULL */
	char *user;                /* Preg-User, the acting user, or NULL (made without preg, or
				    * by a preg that did not record it) */
	char *undo;                /* Preg-Undo: the commit an undo takes back, or NULL */
	char **clients;            /* the Preg-Client trailers */
	size_t nclients;
	size_t nparents;
};

/* Read commit oid. 0, or a negative code with the error slot set. */
int hist_commit(struct reg *r, const struct reg_oid *oid, struct hcommit *out);
/* The same, from a commit already read. */
void hist_commit_from(const struct reg_commit *c, struct hcommit *out);
void hcommit_release(struct hcommit *c);

/* The trailers of a commit message: Preg-Client values into clients,
 * Preg-Action, Preg-Phase, Preg-User and Preg-Undo. Exposed for the unit
 * tests. */
void hist_parse_trailers(const char *msg, struct hcommit *c);

/* The ids of the records that differ between trees a and b (either may
 * be NULL: the empty tree), in id order, each once, appended to *ids (n
 * of them, each the caller's). Only clients/<shard>/<id>.yaml files count,
 * in any layout version (a commit may be older than an upgrade, or be
 * one); other paths under clients/ are counted in *others when it is not
 * NULL. */
int hist_changed(struct reg *r, const struct reg_tree *a, const struct reg_tree *b, char ***ids, size_t *n,
		 size_t *others);

/* The records a commit changed against its parents (for a merge: those
 * that differ from every parent), as hist_changed. */
int hist_commit_changed(struct reg *r, const struct reg_oid *oid, char ***ids, size_t *n);

/* What changed in one record, one item per change. */
enum change_kind {
	CH_ADDED,     /* new: the record's name */
	CH_REMOVED,   /* old: the record's name */
	CH_PHASE,     /* old -> new: "6 (quotation)" */
	CH_MANAGER,
	CH_FIELD,     /* key is the field: name, next_contact, fields.cargo, ... */
	CH_NOTE,      /* new: the note as "channel: text" or "text" */
	CH_EVENT,     /* a history event other than a phase or manager change */
};

struct change {
	enum change_kind kind;
	char *key, *old, *new;
};

struct changes {
	struct change *v;
	size_t n, cap;
	char *by;     /* who made them: the by of the first event or note added, or NULL */
};

/* Compare two states of a record (either NULL: absent) and append what
 * changed to out. ph names the phases (may be NULL). */
void hist_compare(const struct record *old, const struct record *new, const struct phases *ph,
		  struct changes *out);
void changes_release(struct changes *c);

/* Append one change in words ("phase 6 (quotation) -> 7 (contract)"). */
void change_text(struct buf *out, const struct change *c);
/* Append all changes, joined with "; ". */
void changes_text(struct buf *out, const struct changes *c);

/* Whether two events (or notes) are the same: the same keys and values
 * in the same order. */
bool hist_kv_equal(const struct kvlist *a, const struct kvlist *b);

/* Append contact c as --contact takes it: "Name <email>; role; phone"
 * (the parts it has). */
void hist_contact_text(struct buf *out, const struct kvlist *c);

/* Free a list of strings. */
void strv_free(char **v, size_t n);

#endif
