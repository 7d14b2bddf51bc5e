/*
 * register: the git repository that holds a register (SPEC §2 and §7).
 *
 * Everything that touches git goes through here, with libgit2. Reads take a
 * snapshot: the branch tip is resolved once and its tree read. Writes run a
 * transaction: under an exclusive flock on .git/preg.lock, a mutator reads
 * records from the tip and stages new contents; the commit is built from the
 * tip's tree (never from the work tree or the index), the branch is moved with
 * a compare-and-swap on the old tip, and only then the work-tree files and
 * their index entries are replaced. A crash at any instant leaves a complete
 * commit on the branch; what a crash leaves behind the tip is healed by the
 * next write (or by reg_doctor).
 */
#ifndef PREG_REGISTER_H
#define PREG_REGISTER_H

#include <stdbool.h>
#include <stddef.h>

#include "phases.h"
#include "record.h"

struct reg;
struct txn;

/* Where the register is: dir_opt (-C) when given, else $PREG_DIR, else the
 * git work tree around the current directory when preg.yaml is at its top,
 * else ${XDG_DATA_HOME:-$HOME/.local/share}/preg. With for_init, the work
 * tree around the current directory is not considered. *out is the caller's. */
int reg_locate(char **out, const char *dir_opt, bool for_init);

/* Open the register at dir. PREG_ENOREG when there is none there ("no
 * register at 'DIR' (run 'preg init')"). */
int reg_open(struct reg **out, const char *dir);
void reg_free(struct reg *r);

/* Create a register at dir with the given template (see phases_template):
 * a git repository (created when missing) with preg.yaml and .gitattributes
 * in one commit. PREG_EEXISTS when dir already holds a register. */
int reg_init(const char *dir, const char *template_name);

/* The register's work tree (with a trailing '/'); lent. */
const char *reg_dir(const struct reg *r);

/* The phases and managers of preg.yaml at the tip; lent. */
const struct phases *reg_phases(const struct reg *r);

/* The acting user: $PREG_USER, else git config preg.user, else the login
 * name; lent. PREG_EINVAL when it is not a valid handle. */
int reg_user(struct reg *r, const char **out);

/* Read the record id from the tip. PREG_ENOTFOUND ("client 'ID' not found"),
 * PREG_EINVAL (the file does not parse). */
int reg_read(struct reg *r, const char *id, struct record **out);

/* Call cb for every record at the tip, in path order. rec is lent for the
 * call; it is NULL when the file does not parse, and then the error slot
 * says why (PATH:LINE:COL: ...). With ids_only, nothing is parsed and rec is
 * always NULL. cb returns 0 to go on. Returns the first non-zero cb value,
 * or a negative code when the tree cannot be read. */
typedef int (*reg_each_fn)(void *arg, const char *id, const char *path, struct record *rec);
int reg_each(struct reg *r, bool ids_only, reg_each_fn cb, void *arg);

/* Call cb for every file under clients/, with its bytes (lent for the
 * call), in path order: at the tip, or with staged as the git index has
 * them (what a plain "git commit" would record: for preg check as a
 * pre-commit hook; $GIT_INDEX_FILE is honoured as git sets it for hooks).
 * An unmerged index entry comes once, with data NULL. cb returns 0 to go
 * on. Returns the first non-zero cb value, or a negative code. */
typedef int (*reg_file_fn)(void *arg, const char *path, const char *data, size_t len);
int reg_each_file(struct reg *r, bool staged, reg_file_fn cb, void *arg);

/* Like reg_each, through the record cache in the git directory (rcache.h):
 * rec lacks notes, remarks and unknown keys, and is lent for the
 * call only. The cache is brought up to date as a side effect; without a
 * way to write it (a read-only register), it is left as it is.
 * PREG_NO_CACHE=1 reads the records themselves. */
int reg_each_summary(struct reg *r, reg_each_fn cb, void *arg);

/* Whether record id may be rewritten now: it exists and parses, holds no
 * comment (unless flags has REG_FORCE) and has no uncommitted edit in the
 * work tree. 0, or the error a write would give. Used before an editor
 * opens, so that the user does not edit in vain. */
int reg_editable(struct reg *r, const char *id, unsigned flags);

/* Whether id is taken at the tip. */
bool reg_exists(struct reg *r, const char *id);

/* ---- writing ---- */

enum {
	REG_FORCE = 1,    /* rewrite records that hold comments */
	REG_FORCE_OK = 2, /* the command has --force: the refusal of a
			   * comment may advise it */
};

/* The mutator: reads with txn_read, stages with txn_put/txn_remove, sets
 * the message with txn_message. It may run more than once (when the branch
 * moved under it), each time on a fresh transaction. Returns 0 or a negative
 * code with the error slot set, which aborts the write. */
typedef int (*reg_mutate_fn)(struct txn *t, void *arg);

/* Run one write: lock, heal, mutate, commit, update the work tree and the
 * index. Nothing is written unless the mutator succeeds. Returns 0 or a
 * negative code (PREG_EBUSY, PREG_EDIRTY, PREG_EIO, ...). */
int reg_write(struct reg *r, unsigned flags, reg_mutate_fn fn, void *arg);

/* Read record id as it is at the transaction's tip. Refuses (PREG_EINVAL)
 * a record that holds comments unless REG_FORCE. */
int txn_read(struct txn *t, const char *id, struct record **out);
bool txn_exists(struct txn *t, const char *id);
/* The time and acting user of this write; lent. */
const char *txn_now(const struct txn *t);
const char *txn_user(const struct txn *t);
struct reg *txn_reg(struct txn *t);

/* Stage rec (its file is record_path(rec->id)). */
void txn_put(struct txn *t, const struct record *rec);
/* Stage a file of the register by path (preg.yaml, .gitattributes). */
void txn_put_file(struct txn *t, const char *path, const char *data, size_t len);
void txn_remove(struct txn *t, const char *id);

/* The commit message: a summary line, then the trailers Preg-Client,
 * Preg-Action and (when phase is not NULL) Preg-Phase. */
void txn_message(struct txn *t, const char *summary, const char *client, const char *action,
		 const char *phase);

/* Append a trailer line "KEY: VALUE" to the commit message (after
 * txn_message): a change of many clients names each in Preg-Client. */
void txn_trailer(struct txn *t, const char *key, const char *value);

/* ---- for the history readers (log, diff, verify, undo) ---- */

struct git_repository;
struct git_oid;

/* The libgit2 repository, lent: for modules that walk history. */
struct git_repository *reg_repo(struct reg *r);
/* The git directory, with a trailing '/'; lent. */
const char *reg_gitdir(const struct reg *r);
/* The branch the register is on ("refs/heads/main"); lent. */
const char *reg_refname(const struct reg *r);
/* The git identity preg's commits get: GIT_AUTHOR_NAME/EMAIL, else git's
 * user.name/user.email, else the acting user at this host. Both the caller's. */
int reg_identity(struct reg *r, char **name, char **email);
/* The commit the transaction builds on: 0, or PREG_ENOTFOUND when the
 * branch has no commit yet. */
int txn_tip(const struct txn *t, struct git_oid *out);

/* ---- repair ---- */

/* Report and repair what crashes left: a pending write not carried into the
 * work tree and index, stale ref locks, work-tree files and index entries
 * behind the tip. Each finding is queued as a warning ("fixed: ..." or
 * "left alone: ..."). *problems counts what is left unrepaired. */
int reg_doctor(struct reg *r, int *problems);

/* ---- sharing (lib/sync.c) ---- */

/* (reg_repo, reg_refname and reg_gitdir, above, serve lib/sync.c too.) */

/* Set the error slot to "WHAT: libgit2's last message" (WHAT from fmt),
 * for the modules that call libgit2; returns code. */
int reg_git_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Take the register lock as a write does (waiting, then PREG_EBUSY) and
 * finish what an earlier write left; reg_unlock releases it. */
int reg_lock(struct reg *r);
void reg_unlock(struct reg *r);

/* Under the lock: 0 when the work-tree files of paths equal their blobs in
 * commit at (NULL: an unborn branch), else PREG_EDIRTY naming the first
 * that does not (the user's uncommitted edit). */
int reg_paths_clean(struct reg *r, const struct git_oid *at, char **paths, size_t n);

/* Under the lock: move the branch from old (NULL: unborn) to new with a
 * compare-and-swap (PREG_EMODIFIED when it moved meanwhile), the journal
 * naming paths first; then bring those paths in the work tree and the index
 * to new (SPEC §7, steps 6 and 7). msg is the reflog message. */
int reg_advance(struct reg *r, const struct git_oid *old, const struct git_oid *new, char **paths,
		size_t n, const char *msg);

/* Set merge.preg.driver (and its name) in the repository's config, so that
 * git merges records with "preg merge-file" (.gitattributes routes them). */
int reg_setup_driver(struct reg *r);

/* Whether merge.preg.driver is set to a preg merge-file command. */
bool reg_driver_configured(struct reg *r);

/* For doctor: set up a missing merge driver ("fixed: ..." warning), and
 * report a .gitattributes that does not route records to it (counted in
 * *problems, left alone: it is committed content). */
int reg_doctor_driver(struct reg *r, int *problems);

#endif
