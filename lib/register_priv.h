/*
 * register_priv: what the files of the register module share (register.h
 * is what the rest of preg sees). The module is one boundary to git, in
 * files along its seams, each using only those below it:
 *   register_open.c   finding, opening and creating a register (init)
 *   register_write.c  the write path: transactions, the commit and its
 *                     trailers, the work tree after it, the branch move
 *   register_admin.c  doctor, the merge driver's configuration, gc
 *   register_disk.c   the lock, the work tree and the index, the journal,
 *                     healing what a crash left
 *   register_read.c   reading records at the tip, with or without the cache
 *   register_pack.c   a sync's objects in memory, then one pack
 *   register_git.c    history for the modules above: commits, trees, blobs,
 *                     the one tree comparison, walks, refs, config
 *   register.c        the core every other file uses and which uses none:
 *                     libgit2's set-up, errors, the acting user and git
 *                     identity, what a register is (directories, phases,
 *                     layout)
 * Nothing outside these files includes this header.
 */
#ifndef PREG_REGISTER_PRIV_H
#define PREG_REGISTER_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include <git2.h>

#include "buf.h"
#include "ptime.h"
#include "register.h"
#include "strmap.h"
#include "yamlio.h"

struct reg {
	git_repository *repo;
	char *workdir; /* with a trailing '/' */
	char *gitdir;  /* with a trailing '/' */
	char *refname; /* the branch HEAD names: "refs/heads/main" */
	struct phases *phases;
	char *user;
	int lockfd;
	bool batch; /* a bulk write or a sync: work-tree files are not fsynced one
		     * by one but with one syncfs, before the journal is dropped */
	char *dcache;   /* while the lock is held: the work-tree directory last
			 * opened without following links (NULL: none)... */
	int dcache_fd;  /* ...and its descriptor: a bulk write of 100,000
			 * records opens each shard once, not three times a record */
	char *dmiss;    /* while the lock is held: a directory found missing (an
			 * import checks 100,000 paths in shards not made yet) */
	bool heal_said; /* the write's first heal failed and said why: the
			 * same failure after the commit is not said twice */
	git_repository *home; /* during a batch (register_pack.c): the register's
			       * own handle, while repo writes to memory... */
	struct memodb *mem;   /* ...here, until reg_batch_end writes one pack */
	struct reg_ix *ix;    /* while the lock is held: the index file, checked
			       * to be patched in place (register_index.c) */
};

struct edit {
	char *path;
	char *data; /* NULL: remove, unless by_blob */
	size_t len;
	bool by_blob;        /* txn_move: the blob below, its text never read */
	bool hashed;         /* not by_blob: blob is the id of data (the commit made it) */
	struct reg_oid blob;
	char *src;           /* txn_move: the work-tree file that has it */
};

struct txn {
	struct reg *reg;
	unsigned flags;
	bool born;      /* the branch has a commit */
	git_oid tip;
	git_tree *tree; /* the tip's tree; NULL when unborn */
	struct edit *edits;
	size_t nedits, cap;
	struct strmap where; /* path -> its index in edits, plus one: an import stages 100,000 */
	char *action;         /* Preg-Action (txn_message) */
	struct buf summary;   /* the summary line */
	struct buf trailers;  /* Preg-Phase and txn_trailer's lines */
	char now[PTIME_LEN];
	struct ptime t;
};

#define PENDING "preg-pending"

/* A reg_oid is a git_oid; a reg_tree is a git_tree, never defined. */
#define GOID(o) ((const git_oid *)(o))
#define ROID(o) ((const struct reg_oid *)(o))
#define GTREE(t) ((git_tree *)(t))

/* ---- core (register.c) ---- */

/* libgit2 starts with the first open register and stops with the last;
 * its global options are set here, and only here. */
void reg_lib_init(void);
void reg_lib_shutdown(void);

/* Set the error slot to "WHAT: libgit2's last message" (WHAT from fmt);
 * returns code. libgit2's errors are worded here and nowhere else. */
int reg_git_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A failed system call as an error naming the register problem (read-only,
 * full disk, or what failed); returns the code. */
int reg_ioerr(const struct reg *r, const char *what, const char *path);
/* A failed libgit2 write, said as it means for the user. */
/* In a batch, a new blob straight into the batch's memory (its id into *id). */
int reg_batch_blob(struct reg *r, git_oid *id, const void *data, size_t len);

int reg_write_err(const struct reg *r, const char *what);

/* ---- reading (register_read.c) ---- */

/* The branch tip and its tree (the caller's). PREG_ENOTFOUND when the
 * branch has no commit. */
int reg_tip_tree(struct reg *r, git_oid *oid, git_tree **tree);

/* The blob at path in tree (NULL: none), and its id when oid is not NULL.
 * PREG_ENOTFOUND only for "no such path"; any other failure aborts (SPEC
 * §7, step 3). *out is the caller's; out NULL: the id alone, no blob read. */
int reg_tree_blob(struct reg *r, git_tree *tree, const char *path, git_blob **out, git_oid *oid);

/* Parse a record's blob and check that its id is its file's. A lent record
 * (for readers that only look) keeps its strings in the parse tree. */
int reg_parse_blob(git_blob *b, const char *path, const char *id, struct record **out, struct ypos *comment,
		   bool lent);

/* ---- the disk (register_disk.c) ---- */

/* Take the exclusive flock on .git/preg.lock (waiting with jitter, then
 * PREG_EBUSY), then clear what crashed processes left: ref locks a crashed
 * git left a minute ago, the locks and temporary files of an interrupted
 * preg. reg_funlock drops the lock. */
int reg_lock_clear(struct reg *r);
void reg_funlock(struct reg *r);

/* The marker that says a lock libgit2 holds for us is ours. */
void reg_marker_set(struct reg *r);
void reg_marker_clear(struct reg *r);

/* Write idx to .git/index under the marker; 0, or the error set. */
int reg_index_write(struct reg *r, git_index *idx);

/* The work tree is never entered through a symbolic link below its top
 * (SPEC §7): every access below goes down one directory at a time with
 * O_NOFOLLOW. reg_link_error sets the error that names such a link;
 * reg_path_link returns the first link on rel's way down (rel itself
 * included), relative to the top, or NULL (the caller frees). */
int reg_link_error(const char *link);
char *reg_path_link(struct reg *r, const char *rel);

/* Replace or remove a work-tree file (rel is relative to the work tree). */
int reg_file_write(struct reg *r, const char *rel, const char *data, size_t len);
int reg_file_remove(struct reg *r, const char *rel);
/* Put blob oid at rel: src, a work-tree file with that blob that is staged
 * to go, is renamed there when it can be, else the blob is written. */
int reg_file_place(struct reg *r, const char *rel, const git_oid *oid, const char *src);

/* Many files of a bulk write at once, on several threads (each as
 * reg_file_write would write it, never through a link); a file is
 * relative to the work tree. v is taken in order: the files of one
 * directory together (sort by path). Each one's stat data, once in
 * place, comes back in st for its index entry. */
struct reg_put {
	const char *rel;
	const char *data;
	size_t len;
	const git_oid *id; /* its blob id; NULL: not known (the caller hashes) */
	struct stat st; /* out */
	int err;        /* out: errno of a failure (for reg_files_put alone) */
	bool placed;    /* out */
};
int reg_files_put(struct reg *r, struct reg_put *v, size_t n);

/* The blob id of a work-tree file; PREG_ENOTFOUND when it is not there. */
int reg_hash_workfile(struct reg *r, const char *rel, git_oid *out);

/* The repository's index, read; an index that cannot be read (truncated,
 * empty, garbage) is an error that says preg doctor rebuilds it. */
int reg_index_get(struct reg *r, git_index **out);

/* When the index cannot be read, build it again from the tip and the work
 * tree (as 'git reset' would, with the stat data of every file equal to
 * the tip; a file the journal names that holds a committed version is
 * entered as it is, so that healing brings it up to the tip) and say so.
 * *rebuilt tells whether it was. */
int reg_index_rebuild(struct reg *r, bool *rebuilt);

/* Set the index entry of rel to blob oid, with the file's stat data
 * (reg_index_set_stat: with st, taken already; NULL: none). */
int reg_index_set(struct reg *r, git_index *idx, const char *rel, const git_oid *oid);
int reg_index_set_stat(git_index *idx, const char *rel, const git_oid *oid, const struct stat *st);

/* The stat data of a work-tree file (never through a link); false when
 * it is not there. */
bool reg_work_stat(struct reg *r, const char *rel, struct stat *st);

/* ---- the index, patched in place (register_index.c) ---- */

/* An entry to set: path's blob id, and its file's stat data. */
struct reg_ixset {
	const char *path;
	git_oid oid;
	struct stat st;
	bool has_st;
};

/* Whether the index file's entries and extensions fit it exactly (git's
 * index format, versions 2 to 4): NULL, or what is wrong, in words for the
 * user. libgit2 1.5 leaks an entry's path when the file ends inside an
 * entry, so a file cut short is found here, before libgit2 reads it. A
 * walk over the entries, no hashing: a millisecond at 100,000 entries. */
const char *reg_ix_shape(const unsigned char *m, size_t n);

/* Check the index file as libgit2 would read it (its checksum, entries
 * and extensions), and keep it mapped in r for reg_ix_patch: 0; 1 when it
 * is one for libgit2 to read (it may still be good, or libgit2 says why
 * not). PREG_INDEX_LIBGIT2 set in the environment: always 1. */
int reg_ix_check(struct reg *r);
/* Set the entries of v (sorted here), which must all be in the index at
 * stage 0, and write the index under index.lock: 0; 1 when nothing was
 * done and libgit2 is to do it (a new path, conflicts, an index changed
 * since, a failure to write). */
int reg_ix_patch(struct reg *r, struct reg_ixset *v, size_t n);
void reg_ix_drop(struct reg *r);

/* Bring paths in the work tree and the index to the tip where what is there
 * is a leftover of ours; *left counts the user's edits left alone. */
int reg_heal(struct reg *r, char **paths, size_t n, bool verbose, int *left);

/* Heal what the journal of an interrupted write names, then drop it. */
int reg_heal_pending(struct reg *r, bool verbose, int *left);

/* The journal (.git/preg-pending): the paths a write puts behind the work
 * tree, named before the commit point. */
char *reg_pending_path(struct reg *r);
int reg_journal_put(struct reg *r, const char *text, size_t len);
char *reg_journal_load(struct reg *r, struct buf *b);
/* Name the paths of names ("PATH\n" each) in the journal, after what an
 * earlier write left unhealed (when healing could not run, it must not be
 * forgotten); *prev is the journal as it was (NULL: none), the caller's. */
int reg_journal_write(struct reg *r, const struct buf *names, char **prev);
void reg_journal_restore(struct reg *r, const char *prev);

/* SPEC §7 step 4: PREG_EDIRTY when the work-tree file differs from tree. */
int reg_path_clean(struct reg *r, git_tree *tree, const char *path);

/* ---- history (register_git.c) ---- */

/* reg_diff on a repository handle of its own (a bulk write's). */
int reg_diff_repo(git_repository *repo, git_tree *a, git_tree *b, reg_diff_fn cb, void *arg);

/* ---- administration (register_admin.c) ---- */

/* Start "git gc --auto" in the background when loose objects pile up. */
void reg_maybe_gc(struct reg *r);

#endif
