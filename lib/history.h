/*
 * history: the register's git history, read with libgit2, for the commands
 * that look back (log, diff, review, verify, undo; SPEC §5 and §6).
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

#include <git2.h>

#include "buf.h"
#include "phases.h"
#include "ptime.h"
#include "record.h"
#include "register.h"

struct hcommit {
	git_oid oid;
	char hex[GIT_OID_HEXSZ + 1];
	char *summary;             /* the first line of the message */
	char *author, *email;      /* the git author */
	char time[PTIME_LEN];      /* the author time, RFC 3339 in its own offset */
	int64_t t;                 /* the same, seconds since the epoch */
	int32_t day;               /* its calendar day in its own offset */
	char *action;              /* Preg-Action, or NULL for a commit made without preg */
	char *phase;               /* Preg-Phase, or NULL */
	char **clients;            /* the Preg-Client trailers */
	size_t nclients;
	size_t nparents;
};

/* Read commit oid. 0, or a negative code with the error slot set. */
int hist_commit(struct reg *r, const git_oid *oid, struct hcommit *out);
void hcommit_release(struct hcommit *c);

/* The trailers of a commit message: Preg-Client values into clients,
 * Preg-Action and Preg-Phase. Exposed for the unit tests. */
void hist_parse_trailers(const char *msg, struct hcommit *c);

/* The tree of commit oid; the caller frees it with git_tree_free. */
int hist_tree(struct reg *r, const git_oid *oid, git_tree **out);

/* Record id in tree (NULL: the empty tree): 0 with *out the caller's,
 * PREG_ENOTFOUND when the tree has no such record, PREG_EINVAL when it
 * does not parse (the slot says where). */
int hist_record(struct reg *r, git_tree *tree, const char *id, struct record **out);

/* The ids of the records that differ between trees a and b (either may
 * be NULL: the empty tree), in path order, appended to *ids (n of them,
 * each the caller's). Only clients/<shard>/<id>.yaml files count; other
 * paths under clients/ are named in *others when it is not NULL. */
int hist_changed(struct reg *r, git_tree *a, git_tree *b, char ***ids, size_t *n, size_t *others);

/* The records a commit changed against its parents (for a merge: those
 * that differ from every parent), as hist_changed. */
int hist_commit_changed(struct reg *r, const git_oid *oid, char ***ids, size_t *n);

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

/* Resolve a revision (anything git rev-parse takes) to a commit. */
int hist_resolve(struct reg *r, const char *rev, git_oid *out);

/* The last commit on the branch made on or before day (in each commit's
 * own offset), following first parents. PREG_ENOTFOUND when the branch
 * has none so early. */
int hist_at_day(struct reg *r, int32_t day, git_oid *out);

/* Whether two events (or notes) are the same: the same keys and values
 * in the same order. */
bool hist_kv_equal(const struct kvlist *a, const struct kvlist *b);

/* Append contact c as --contact takes it: "Name <email>; role; phone"
 * (the parts it has). */
void hist_contact_text(struct buf *out, const struct kvlist *c);

/* Free a list of strings. */
void strv_free(char **v, size_t n);

#endif
