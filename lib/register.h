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
#include <stdint.h>

#include "buf.h"
#include "phases.h"
#include "ptime.h"
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

/* The register's format version (preg.yaml's version): the layout its
 * record paths follow (layout.h). */
unsigned reg_layout(const struct reg *r);

/* The path of id's record in the register's layout; caller frees. An
 * invalid id (one a hand-made commit names, say) gets "clients/ID.yaml",
 * which no layout takes for a record: looked up, it is not found. */
char *reg_record_path(const struct reg *r, const char *id);

/* The acting user: $PREG_USER, else git config preg.user, else the login
 * name; lent. PREG_EINVAL when it is not a valid handle. */
int reg_user(struct reg *r, const char **out);

/* Read the record id from the tip. PREG_ENOTFOUND ("client 'ID' not found"),
 * PREG_EINVAL (the file does not parse). */
int reg_read(struct reg *r, const char *id, struct record **out);

/* Call cb for every record at the tip, in id order whatever the layout
 * (a file under clients/ that is no record comes by its name). rec is lent for the
 * call; it is NULL when the file does not parse, and then the error slot
 * says why (PATH:LINE:COL: ...). With ids_only, nothing is parsed and rec is
 * always NULL. cb returns 0 to go on. Returns the first non-zero cb value,
 * or a negative code when the tree cannot be read. */
typedef int (*reg_each_fn)(void *arg, const char *id, const char *path, struct record *rec);
int reg_each(struct reg *r, bool ids_only, reg_each_fn cb, void *arg);

/* Call cb for every file under clients/, with its bytes (lent for the
 * call), in the order of reg_each: at the tip, or with staged as the git index has
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

/* Like reg_each_summary, with each note's at, by, channel and next in rec
 * (not its text): what counting activity needs. */
int reg_each_summary_notes(struct reg *r, reg_each_fn cb, void *arg);

/* Like reg_each_summary (with notes: reg_each_summary_notes), the records
 * in no promised order (shard after shard), for a caller whose result does
 * not depend on it: each record is read once, as the cache is brought up
 * to date, instead of through the cache after it. */
int reg_each_summary_any(struct reg *r, bool notes, reg_each_fn cb, void *arg);

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
/* Move the file at from (blob, unchanged) to to: neither the text is read
 * nor written, and the work-tree file is renamed (an upgrade's records). */
struct reg_oid;
void txn_move(struct txn *t, const char *from, const char *to, const struct reg_oid *blob);

/* Describe the commit: a summary line a person reads ("phase: romashka 6
 * -> 7 (contract)"), the action (Preg-Action: add, phase, note, ...) and,
 * when phase is not NULL, Preg-Phase. The register adds the trailers no
 * writer may state itself: Preg-Client for each record whose file the
 * commit changes, in id order, once each (a record an upgrade moves too),
 * and Preg-User, the acting user. A write whose mutator describes nothing
 * fails. */
void txn_message(struct txn *t, const char *summary, const char *action, const char *phase);

/* Add a trailer line "KEY: VALUE" to the description (after
 * txn_message): Preg-Manager of a reassign, Preg-Undo of an undo. */
void txn_trailer(struct txn *t, const char *key, const char *value);

/* ---- git history, for the modules that look back (log, diff, verify,
 * undo, review) and for sync: the only way they reach git ---- */

#define REG_OIDSZ 20
#define REG_HEXSZ 40

/* A git object id (a commit, a tree, a blob). */
struct reg_oid {
	unsigned char id[REG_OIDSZ];
};

/* out gets the 40 hex digits of o and a NUL. */
void reg_oid_hex(char out[REG_HEXSZ + 1], const struct reg_oid *o);
/* Parse the first 40 characters of hex (which may go on). 0, or
 * PREG_EINVAL when they are not 40 hex digits. */
int reg_oid_parse(struct reg_oid *out, const char *hex);
bool reg_oid_equal(const struct reg_oid *a, const struct reg_oid *b);

/* The git directory, with a trailing '/'; lent. */
const char *reg_gitdir(const struct reg *r);
/* The branch the register is on ("refs/heads/main"); lent. */
const char *reg_refname(const struct reg *r);

/* The branch tip: 0, or PREG_ENOTFOUND when the branch has no commit. */
int reg_tip(struct reg *r, struct reg_oid *out);

/* Resolve a revision (anything git rev-parse takes) to a commit:
 * PREG_ENOTFOUND ("unknown revision 'REV'"), PREG_EINVAL ("revision 'REV'
 * is not a commit"). */
int reg_resolve(struct reg *r, const char *rev, struct reg_oid *out);

/* Another ref (a remote-tracking branch): 0, or PREG_ENOTFOUND. */
int reg_ref(struct reg *r, const char *name, struct reg_oid *out);
/* Call cb for each ref whose name matches glob, as git for-each-ref takes
 * it, with the commit it names. cb returns 0 to go on. */
typedef int (*reg_ref_fn)(void *arg, const char *name, const struct reg_oid *oid);
int reg_refs(struct reg *r, const char *glob, reg_ref_fn cb, void *arg);
/* Point ref name (not the register's branch) at oid; msg is the reflog's. */
int reg_ref_set(struct reg *r, const char *name, const struct reg_oid *oid, const char *msg);

/* A git identity and time (author or committer). */
struct reg_sig {
	char *name, *email;
	int64_t time; /* seconds since the epoch */
	int offset;   /* minutes east of UTC */
};

/* A commit as it is stored. */
struct reg_commit {
	struct reg_oid oid;
	char hex[REG_HEXSZ + 1];
	char *message;
	struct reg_sig author, committer;
	struct reg_oid *parents;
	size_t nparents;
};

/* Read commit oid into *out (released with reg_commit_release). */
int reg_commit_read(struct reg *r, const struct reg_oid *oid, struct reg_commit *out);
void reg_commit_release(struct reg_commit *c);

/* Whether commit a is b or descends from it. */
bool reg_descends(struct reg *r, const struct reg_oid *a, const struct reg_oid *b);
/* The best common ancestor of a and b: 0, or PREG_ENOTFOUND when they
 * share no history. */
int reg_merge_base(struct reg *r, const struct reg_oid *a, const struct reg_oid *b, struct reg_oid *out);

enum {
	REG_WALK_OLDEST_FIRST = 1, /* topological, parents before children */
	REG_WALK_FIRST_PARENT = 2, /* only the first parent of each merge */
};

/* Call cb for each commit reachable from from and not from hide (NULL:
 * none), newest first unless REG_WALK_OLDEST_FIRST. cb returns 0 to go
 * on; the first non-zero value is returned. */
typedef int (*reg_walk_fn)(void *arg, const struct reg_oid *oid);
int reg_walk(struct reg *r, const struct reg_oid *from, const struct reg_oid *hide, unsigned flags,
	     reg_walk_fn cb, void *arg);

/* The tree of a commit, for reading files at that state. NULL stands for
 * the empty tree wherever a tree is taken. */
struct reg_tree;
int reg_tree_of(struct reg *r, const struct reg_oid *commit, struct reg_tree **out);
void reg_tree_free(struct reg_tree *t);

/* The blob at path in tree: 0, or PREG_ENOTFOUND when there is no file. */
int reg_tree_file(struct reg *r, const struct reg_tree *t, const char *path, struct reg_oid *blob);
/* Append the bytes of a blob to out. */
int reg_blob_read(struct reg *r, const struct reg_oid *blob, struct buf *out);

/* The record in a blob, path naming it in messages: PREG_EINVAL when it
 * does not parse or its id is not its file's. With lent, the record is for
 * looking only (record_parse_lent). *out is the caller's. */
int reg_blob_record(struct reg *r, const struct reg_oid *blob, const char *path, bool lent,
		    struct record **out);
/* The blob of id's record in tree t, at its path in the register's layout
 * or, in a commit older than an upgrade, in an older one; *path (when not
 * NULL) is where, the caller's. 0, or PREG_ENOTFOUND. */
int reg_tree_record_file(struct reg *r, const struct reg_tree *t, const char *id, struct reg_oid *blob,
			 char **path);
/* Record id in tree (as reg_tree_record_file finds it): PREG_ENOTFOUND
 * when the tree has no such record, PREG_EINVAL when it does not parse
 * (the slot says where). */
int reg_tree_record(struct reg *r, const struct reg_tree *t, const char *id, struct record **out);

/* The one tree comparison: cb for each file that differs between trees a
 * and b, in git's path order, with its blob on each side (NULL where it is
 * absent). Only subtrees whose ids differ are read, so comparing two states
 * of 100,000 records costs what changed. cb returns 0 to go on. */
typedef int (*reg_diff_fn)(void *arg, const char *path, const struct reg_oid *old,
			   const struct reg_oid *new);
int reg_diff(struct reg *r, const struct reg_tree *a, const struct reg_tree *b, reg_diff_fn cb, void *arg);

/* ---- building commits: the one path from a change set to a commit ---- */

/* One change: path gets data (len bytes), or the existing blob, or, with
 * both NULL, is removed. */
struct reg_change {
	const char *path;
	const char *data;
	size_t len;
	const struct reg_oid *blob;
	struct reg_oid *made; /* not NULL: gets the id of the blob made of data */
};

/* How a commit is described and signed. With an action, the message is
 *     TEXT
 *
 *     Preg-Client: ID          one for each record whose blob changed
 *     Preg-Action: ACTION
 *     TRAILERS
 *     Preg-User: USER          when user is not NULL
 * where the Preg-Client lines are derived from the trees, never stated by
 * the writer. Without an action (a commit made with plain git, replayed by
 * a sync) the message is text as it is. */
struct reg_desc {
	const char *text;     /* the summary (and a body); trailing newlines are dropped */
	const char *action;   /* Preg-Action, or NULL */
	const char *trailers; /* more trailer lines, "KEY: VALUE\n" each, or NULL */
	const char *user;     /* Preg-User, or NULL */
	const struct reg_sig *author, *committer; /* NULL: reg_identity at when */
	const struct ptime *when;
	struct buf *clients;  /* out, when not NULL: " ID ID..." of the records changed */
};

/* reg_commit_make made no commit: the change set changes nothing. */
#define REG_UNCHANGED 1

/* Build a commit whose parent is parent (NULL: a first commit) and whose
 * tree is base (parent's tree; NULL: empty) with the changes applied. The
 * branch does not move. *out is the commit; *tree_out (when not NULL) its
 * tree, the caller's. 0, REG_UNCHANGED when the tree would be base's (no
 * commit is made), or a negative code. */
int reg_commit_make(struct reg *r, const struct reg_oid *parent, const struct reg_tree *base,
		    const struct reg_change *ch, size_t n, const struct reg_desc *d, struct reg_oid *out,
		    struct reg_tree **tree_out);

/* A value of the repository's git config: 0 with *out the caller's, or
 * PREG_ENOTFOUND. */
int reg_config_get(struct reg *r, const char *key, char **out);
int reg_config_set(struct reg *r, const char *key, const char *value);

/* The git identity preg's commits get: GIT_AUTHOR_NAME/EMAIL, else git's
 * user.name/user.email, else the acting user at this host. Both the caller's. */
int reg_identity(struct reg *r, char **name, char **email);
/* The commit the transaction builds on: 0, or PREG_ENOTFOUND when the
 * branch has no commit yet. */
int txn_tip(const struct txn *t, struct reg_oid *out);

/* ---- repair ---- */

/* Report and repair what crashes left: a pending write not carried into the
 * work tree and index, stale ref locks, work-tree files and index entries
 * behind the tip. Each finding is queued as a warning ("fixed: ..." or
 * "left alone: ..."). *problems counts what is left unrepaired. */
int reg_doctor(struct reg *r, int *problems);

/* ---- sharing (lib/sync.c) ---- */

/* Take the register lock as a write does (waiting, then PREG_EBUSY) and
 * finish what an earlier write left; reg_unlock releases it. */
int reg_lock(struct reg *r);
void reg_unlock(struct reg *r);

/* Under the lock: 0 when the work-tree files of paths equal their blobs in
 * commit at (NULL: an unborn branch), else PREG_EDIRTY naming the first
 * that does not (the user's uncommitted edit). */
int reg_paths_clean(struct reg *r, const struct reg_oid *at, char **paths, size_t n);

/* Under the lock: move the branch from old (NULL: unborn) to new with a
 * compare-and-swap (PREG_EMODIFIED when it moved meanwhile), the journal
 * naming paths first; then bring those paths in the work tree and the index
 * to new (SPEC §7, steps 6 and 7). msg is the reflog message. */
int reg_advance(struct reg *r, const struct reg_oid *old, const struct reg_oid *new, char **paths,
		size_t n, const char *msg);

/* Many commits in a row (a sync's replay): from reg_batch_begin the
 * objects written go to memory, readable through r as any other; then
 * reg_batch_end writes them (with keep) to the disk as one pack, flushed
 * before anything can name them, or (without) drops them. Objects read
 * through r during the batch are freed before its end. */
int reg_batch_begin(struct reg *r);
int reg_batch_end(struct reg *r, bool keep);
/* How many objects the batch under way holds (0: none, or no batch). */
size_t reg_batch_objects(const struct reg *r);

/* Whether name is a valid name for a git remote. */
bool reg_remote_valid(const char *name);

/* For a fresh clone at dir whose HEAD names no branch it has: the branch
 * to check out (main, or the only one); *out is the caller's. */
int reg_clone_branch(const char *dir, char **out);

/* Set a fresh clone up as preg init would: the merge driver, index
 * version 4. */
int reg_setup_clone(struct reg *r);

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
