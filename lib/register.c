/* register: the git repository behind a register, with libgit2 (see register.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include "err.h"
#include "log.h"
#include "rcache.h"
#include "register.h"
#include "slug.h"
#include "strmap.h"
#include "sync.h"
#include "xalloc.h"

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
};

struct edit {
	char *path;
	char *data; /* NULL: remove */
	size_t len;
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
	struct buf msg;
	char now[PTIME_LEN];
	struct ptime t;
};

#define PENDING "preg-pending"

static void marker_set(struct reg *r);
static void marker_clear(struct reg *r);

static int libgit2_users;

int reg_git_error(int code, const char *fmt, ...)
{
	const git_error *e = git_error_last();
	char what[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	/* On libgit2 1.5 the last error can be NULL. */
	return preg_error_set(code, "%s: %s", what, e && e->message ? e->message : "unknown git error");
}

/* Turn a failed system call into an error naming the register problem. */
static int ioerr(const struct reg *r, const char *what, const char *path)
{
	int e = errno;

	if (e == EROFS || e == EACCES || e == EPERM)
		return preg_error_set(PREG_EIO, "register '%.*s' is read-only (%s: %s)",
				      (int)strlen(r->workdir) - 1, r->workdir, path, strerror(e));
	if (e == ENOSPC || e == EDQUOT || e == EFBIG)
		return preg_error_set(PREG_EIO, "no space left for the register (%s %s: %s)", what,
				      path, strerror(e));
	return preg_error_set(PREG_EIO, "cannot %s %s: %s", what, path, strerror(e));
}

/* libgit2 reports a full disk or a read-only directory in its own words;
 * say what it means for the user. */
static int gwrite_err(const struct reg *r, const char *what)
{
	const git_error *e = git_error_last();
	const char *m = e && e->message ? e->message : "";

	if (strstr(m, "No space left") || strstr(m, "File too large") || strstr(m, "Disk quota"))
		return preg_error_set(PREG_EIO, "no space left for the register (%s: %s)", what, m);
	if (e && e->klass == GIT_ERROR_INDEX && strstr(m, "locked"))
		return preg_error_set(PREG_ERR, "%s: .git/index.lock exists (git or an editor is using the index)",
				      what);
	if (strstr(m, "Read-only file system") || strstr(m, "Permission denied"))
		return preg_error_set(PREG_EIO, "register '%.*s' is read-only (%s: %s)",
				      (int)strlen(r->workdir) - 1, r->workdir, what, m);
	return reg_git_error(PREG_ERR, "%s", what);
}

static void lib_init(void)
{
	if (libgit2_users++ == 0) {
		git_libgit2_init();
		/* Objects and refs reach the disk before the branch names them. */
		git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
		/* libgit2 maps a whole pack in one window by default; a report
		 * over 100,000 records would keep all of it resident. Smaller
		 * windows under a limit keep the peak RSS within 64 MB. */
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)16 << 20);
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)40 << 20);
		/* libgit2 re-hashes every object it reads; git does not, and at
		 * 100,000 records it is a quarter of reading them. */
		git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
		/* Records merge record by record in libgit2's merges too. */
		sync_driver_register();
	}
}

static void lib_shutdown(void)
{
	if (--libgit2_users == 0)
		git_libgit2_shutdown();
}

static char *with_slash(const char *s)
{
	size_t n = strlen(s);

	return n && s[n - 1] == '/' ? xstrdup(s) : xasprintf("%s/", s);
}

/* ---- finding and opening ---- */

int reg_locate(char **out, const char *dir_opt, bool for_init)
{
	const char *env = getenv("PREG_DIR"), *xdg, *home;

	*out = NULL;
	if (dir_opt) {
		*out = xstrdup(dir_opt);
		return 0;
	}
	if (env && *env) {
		*out = xstrdup(env);
		return 0;
	}
	if (!for_init) {
		git_repository *repo = NULL;

		lib_init();
		if (!git_repository_open_ext(&repo, ".", 0, NULL) && git_repository_workdir(repo)) {
			char *p = xasprintf("%spreg.yaml", git_repository_workdir(repo));
			struct stat st;

			if (!stat(p, &st))
				*out = xstrdup(git_repository_workdir(repo));
			free(p);
		}
		git_repository_free(repo);
		lib_shutdown();
		if (*out)
			return 0;
	}
	xdg = getenv("XDG_DATA_HOME");
	if (xdg && xdg[0] == '/') {
		*out = xasprintf("%s/preg", xdg);
		return 0;
	}
	home = getenv("HOME");
	if (!home || !*home) {
		struct passwd *pw = getpwuid(geteuid());

		home = pw ? pw->pw_dir : NULL;
	}
	if (!home)
		return preg_error_set(PREG_ENOREG, "no register: HOME is not set (use -C DIR or PREG_DIR)");
	*out = xasprintf("%s/.local/share/preg", home);
	return 0;
}

static int open_repo(struct reg **out, const char *dir)
{
	struct reg *r;
	git_reference *head = NULL;
	struct stat st;
	int rc;

	*out = NULL;
	if (stat(dir, &st))
		return preg_error_set(PREG_ENOREG, "no register at '%s' (run 'preg init')", dir);
	lib_init();
	r = xcalloc(1, sizeof(*r));
	r->lockfd = -1;
	rc = git_repository_open_ext(&r->repo, dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (rc == GIT_ENOTFOUND) {
		/* libgit2 1.5 reports a repository it refuses for its owner
		 * (git's safe.directory) as not found. */
		char *dotgit = xasprintf("%s/.git", dir);
		struct stat gs;
		bool foreign = !stat(dotgit, &gs) && gs.st_uid != geteuid();

		free(dotgit);
		if (foreign)
			rc = GIT_EOWNER;
	}
	if (rc == GIT_ENOTFOUND) {
		rc = preg_error_set(PREG_ENOREG, "no register at '%s' (run 'preg init')", dir);
		goto fail;
	}
	if (rc == GIT_EOWNER) {
		rc = preg_error_set(PREG_ERR,
				    "register '%s' is owned by another user; if you trust it: git config --global --add safe.directory %s",
				    dir, dir);
		goto fail;
	}
	if (rc) {
		rc = reg_git_error(PREG_ERR, "cannot open register '%s'", dir);
		goto fail;
	}
	if (git_repository_is_bare(r->repo)) {
		rc = preg_error_set(PREG_ENOREG, "'%s' is a bare repository; a register needs a work tree (use 'git clone')",
				    dir);
		goto fail;
	}
	r->workdir = with_slash(git_repository_workdir(r->repo));
	r->gitdir = with_slash(git_repository_path(r->repo));
	if (git_reference_lookup(&head, r->repo, "HEAD") ||
	    git_reference_type(head) != GIT_REFERENCE_SYMBOLIC) {
		git_reference_free(head);
		rc = preg_error_set(PREG_ERR, "register '%s': HEAD is not on a branch (git switch to one)",
				    dir);
		goto fail;
	}
	r->refname = xstrdup(git_reference_symbolic_target(head));
	git_reference_free(head);
	*out = r;
	return 0;
fail:
	reg_free(r);
	return rc;
}

void reg_free(struct reg *r)
{
	if (!r)
		return;
	if (r->lockfd >= 0)
		close(r->lockfd);
	git_repository_free(r->repo);
	phases_free(r->phases);
	free(r->workdir);
	free(r->gitdir);
	free(r->refname);
	free(r->user);
	free(r);
	lib_shutdown();
}

const char *reg_dir(const struct reg *r)
{
	return r->workdir;
}

const struct phases *reg_phases(const struct reg *r)
{
	return r->phases;
}

/* The branch tip and its tree. PREG_ENOTFOUND when the branch has no commit. */
static int tip_tree(struct reg *r, git_oid *oid, git_tree **tree)
{
	git_commit *c = NULL;
	int rc;

	*tree = NULL;
	rc = git_reference_name_to_id(oid, r->repo, r->refname);
	if (rc == GIT_ENOTFOUND)
		return PREG_ENOTFOUND;
	if (rc)
		return reg_git_error(PREG_ERR, "cannot resolve %s", r->refname);
	if (git_commit_lookup(&c, r->repo, oid) || git_commit_tree(tree, c)) {
		git_commit_free(c);
		return reg_git_error(PREG_ERR, "cannot read commit %s", git_oid_tostr_s(oid));
	}
	git_commit_free(c);
	return 0;
}

/* Read the blob at path in tree. PREG_ENOTFOUND only for "no such path";
 * any other failure aborts (SPEC §7, step 3). *out is the caller's. */
static int tree_blob(struct reg *r, git_tree *tree, const char *path, git_blob **out, git_oid *oid)
{
	git_tree_entry *e = NULL;
	int rc;

	*out = NULL;
	if (!tree)
		return PREG_ENOTFOUND;
	rc = git_tree_entry_bypath(&e, tree, path);
	if (rc == GIT_ENOTFOUND)
		return PREG_ENOTFOUND;
	if (rc)
		return reg_git_error(PREG_ERR, "cannot read %s", path);
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		git_tree_entry_free(e);
		return preg_error_set(PREG_EINVAL, "%s: not a file", path);
	}
	if (oid)
		git_oid_cpy(oid, git_tree_entry_id(e));
	rc = git_blob_lookup(out, r->repo, git_tree_entry_id(e));
	git_tree_entry_free(e);
	if (rc)
		return reg_git_error(PREG_ERR, "cannot read %s", path);
	return 0;
}

static int load_phases(struct reg *r, git_tree *tree)
{
	git_blob *b = NULL;
	int rc = tree_blob(r, tree, "preg.yaml", &b, NULL);

	if (rc == PREG_ENOTFOUND)
		return preg_error_set(PREG_ENOREG,
				      "'%.*s' is a git repository but not a register (no preg.yaml; run 'preg init')",
				      (int)strlen(r->workdir) - 1, r->workdir);
	if (rc)
		return rc;
	rc = phases_load(&r->phases, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), "preg.yaml");
	git_blob_free(b);
	return rc;
}

int reg_open(struct reg **out, const char *dir)
{
	struct reg *r;
	git_oid oid;
	git_tree *tree = NULL;
	int rc;

	*out = NULL;
	if ((rc = open_repo(&r, dir)))
		return rc;
	rc = tip_tree(r, &oid, &tree);
	if (rc == PREG_ENOTFOUND)
		rc = preg_error_set(PREG_ENOREG, "no register at '%s' (run 'preg init')", dir);
	if (!rc)
		rc = load_phases(r, tree);
	git_tree_free(tree);
	if (rc) {
		reg_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int reg_user(struct reg *r, const char **out)
{
	const char *u = getenv("PREG_USER");
	git_config *cfg = NULL;
	git_buf b = { 0 };
	char *cand = NULL;

	if (r->user) {
		*out = r->user;
		return 0;
	}
	if (u && *u) {
		cand = xstrdup(u);
	} else if (!git_repository_config_snapshot(&cfg, r->repo) &&
		   !git_config_get_string_buf(&b, cfg, "preg.user")) {
		cand = xstrdup(b.ptr);
	} else {
		struct passwd *pw = getpwuid(geteuid());
		const char *login = pw ? pw->pw_name : getenv("LOGNAME");

		cand = xstrdup(login ? login : "");
		for (char *p = cand; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	}
	git_buf_dispose(&b);
	git_config_free(cfg);
	if (!handle_valid(cand)) {
		preg_error_set(PREG_EINVAL,
			       "acting user '%s' is not a valid handle (set PREG_USER or git config preg.user)",
			       cand);
		free(cand);
		return PREG_EINVAL;
	}
	r->user = cand;
	*out = cand;
	return 0;
}

/* ---- reading ---- */

/* Parse a record's blob and check that its id is its file's. A lent record
 * (for readers that only look) keeps its strings in the parse tree. */
static int parse_blob(git_blob *b, const char *path, const char *id, struct record **out,
		      struct ypos *comment, bool lent)
{
	const char *text = git_blob_rawcontent(b);
	size_t len = (size_t)git_blob_rawsize(b);
	int rc;

	rc = lent ? record_parse_lent(out, text, len, path) : record_parse(out, text, len, path, comment);
	if (!rc && strcmp((*out)->id, id)) {
		preg_error_set(PREG_EINVAL, "%s:%d:%d: id '%s' does not match the file name", path,
			       (*out)->id_line, (*out)->id_col, (*out)->id);
		record_free(*out);
		*out = NULL;
		return PREG_EINVAL;
	}
	return rc;
}

int reg_read(struct reg *r, const char *id, struct record **out)
{
	git_oid oid;
	git_tree *tree = NULL;
	git_blob *b = NULL;
	char *path;
	int rc;

	*out = NULL;
	if (!slug_valid(id))
		return preg_error_set(PREG_ENOTFOUND, "client '%s' not found", id);
	path = record_path(id);
	if (!(rc = tip_tree(r, &oid, &tree))) {
		rc = tree_blob(r, tree, path, &b, NULL);
		if (rc == PREG_ENOTFOUND)
			rc = preg_error_set(PREG_ENOTFOUND, "client '%s' not found", id);
		else if (!rc)
			rc = parse_blob(b, path, id, out, NULL, false);
	}
	git_blob_free(b);
	git_tree_free(tree);
	free(path);
	return rc;
}

bool reg_exists(struct reg *r, const char *id)
{
	git_oid oid;
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	char *path = record_path(id);
	bool found = false;

	if (!tip_tree(r, &oid, &tree) && !git_tree_entry_bypath(&e, tree, path))
		found = true;
	git_tree_entry_free(e);
	git_tree_free(tree);
	free(path);
	return found;
}

/* Order tree entries by the id they name: the name without ".yaml". */
static int cmp_entry_id(const void *a, const void *b)
{
	const char *x = git_tree_entry_name(*(const git_tree_entry *const *)a);
	const char *y = git_tree_entry_name(*(const git_tree_entry *const *)b);
	size_t lx = strcspn(x, "."), ly = strcspn(y, ".");
	int c = strncmp(x, y, lx < ly ? lx : ly);

	if (c)
		return c;
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x, y);
}

/* The entries of a shard tree in id order (git sorts "acme-2.yaml"
 * before "acme.yaml"; people expect ids). Caller frees. */
static const git_tree_entry **entries_by_id(git_tree *shard, size_t *n)
{
	size_t ne = git_tree_entrycount(shard);
	const git_tree_entry **ents = xmalloc((ne + 1) * sizeof(*ents));

	for (size_t j = 0; j < ne; j++)
		ents[j] = git_tree_entry_byindex(shard, j);
	qsort(ents, ne, sizeof(*ents), cmp_entry_id);
	*n = ne;
	return ents;
}

/* Entry fe of shard directory sname: its path and its id (the caller's).
 * false, with the error slot set, when it is not a client record. */
static bool entry_id(const char *sname, const git_tree_entry *fe, char path[256], char **id)
{
	snprintf(path, 256, "clients/%s/%s", sname, git_tree_entry_name(fe));
	*id = record_id_from_path(path);
	if (*id && git_tree_entry_type(fe) == GIT_OBJECT_BLOB)
		return true;
	free(*id);
	*id = NULL;
	preg_error_set(PREG_EINVAL,
		       "%s: not a client record (expected clients/<first two characters of the id>/<id>.yaml)",
		       path);
	return false;
}

/* The record in entry fe, parsed for reading only (*b is its blob, to free
 * after it); NULL with the error slot set when it cannot be read. */
static struct record *entry_record(struct reg *r, const git_tree_entry *fe, const char *path, const char *id,
				   git_blob **b)
{
	struct record *rec = NULL;

	*b = NULL;
	if (git_blob_lookup(b, r->repo, git_tree_entry_id(fe)))
		reg_git_error(PREG_ERR, "cannot read %s", path);
	else
		parse_blob(*b, path, id, &rec, NULL, true);
	return rec;
}

/* Call fn for each shard directory of clients/ at the tip, in tree order. */
typedef int (*shard_fn)(struct reg *r, const git_tree_entry *se, void *arg);

static int walk_shards(struct reg *r, shard_fn fn, void *arg)
{
	git_oid oid;
	git_tree *tree = NULL, *clients = NULL;
	const git_tree_entry *ce;
	int rc;

	if ((rc = tip_tree(r, &oid, &tree)))
		return rc == PREG_ENOTFOUND ? 0 : rc;
	ce = git_tree_entry_byname(tree, "clients");
	if (ce && git_tree_entry_type(ce) == GIT_OBJECT_TREE) {
		if (git_tree_lookup(&clients, r->repo, git_tree_entry_id(ce)))
			rc = reg_git_error(PREG_ERR, "cannot read clients/");
		for (size_t i = 0; clients && i < git_tree_entrycount(clients) && !rc; i++) {
			const git_tree_entry *se = git_tree_entry_byindex(clients, i);

			if (git_tree_entry_type(se) == GIT_OBJECT_TREE)
				rc = fn(r, se, arg);
		}
	}
	git_tree_free(clients);
	git_tree_free(tree);
	return rc;
}

struct each_plain {
	bool ids_only;
	reg_each_fn cb;
	void *arg;
};

static int each_shard_plain(struct reg *r, const git_tree_entry *se, void *arg)
{
	const struct each_plain *e = arg;
	const char *sname = git_tree_entry_name(se);
	const git_tree_entry **ents;
	git_tree *shard = NULL;
	size_t ne;
	int rc = 0;

	if (git_tree_lookup(&shard, r->repo, git_tree_entry_id(se)))
		return reg_git_error(PREG_ERR, "cannot read clients/%s/", sname);
	ents = entries_by_id(shard, &ne);
	for (size_t j = 0; j < ne && !rc; j++) {
		char path[256], *id;
		struct record *rec = NULL;
		git_blob *b = NULL;

		if (!entry_id(sname, ents[j], path, &id))
			rc = e->cb(e->arg, NULL, path, NULL);
		else if (e->ids_only)
			rc = e->cb(e->arg, id, path, NULL);
		else {
			rec = entry_record(r, ents[j], path, id, &b);
			rc = e->cb(e->arg, id, path, rec);
		}
		record_free(rec);
		git_blob_free(b);
		free(id);
	}
	free(ents);
	git_tree_free(shard);
	return rc;
}

int reg_each(struct reg *r, bool ids_only, reg_each_fn cb, void *arg)
{
	struct each_plain e = { ids_only, cb, arg };

	return walk_shards(r, each_shard_plain, &e);
}

struct walk {
	struct reg *r;
	reg_file_fn cb;
	void *arg;
	int rc;
};

static int walk_cb(const char *root, const git_tree_entry *e, void *payload)
{
	struct walk *w = payload;
	git_blob *b = NULL;
	char *path;

	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		return 0;
	path = xasprintf("clients/%s%s", root, git_tree_entry_name(e));
	if (git_blob_lookup(&b, w->r->repo, git_tree_entry_id(e)))
		w->rc = reg_git_error(PREG_ERR, "cannot read %s", path);
	else
		w->rc = w->cb(w->arg, path, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
	git_blob_free(b);
	free(path);
	return w->rc ? -1 : 0;
}

static int each_staged(struct reg *r, reg_file_fn cb, void *arg)
{
	const char *env = getenv("GIT_INDEX_FILE");
	git_index *idx = NULL;
	const char *last = "";
	int rc = 0;

	if (env && *env ? git_index_open(&idx, env) : git_repository_index(&idx, r->repo))
		return reg_git_error(PREG_ERR, "cannot read the index");
	if (git_index_read(idx, 0)) {
		git_index_free(idx);
		return reg_git_error(PREG_ERR, "cannot read the index");
	}
	for (size_t i = 0; i < git_index_entrycount(idx) && !rc; i++) {
		const git_index_entry *e = git_index_get_byindex(idx, i);
		git_blob *b = NULL;

		if (strncmp(e->path, "clients/", 8))
			continue;
		if (git_index_entry_stage(e) > 0) {
			if (strcmp(last, e->path))
				rc = cb(arg, e->path, NULL, 0);
			last = e->path;
			continue;
		}
		if (git_blob_lookup(&b, r->repo, &e->id))
			rc = reg_git_error(PREG_ERR, "cannot read %s", e->path);
		else
			rc = cb(arg, e->path, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
		git_blob_free(b);
	}
	git_index_free(idx);
	return rc;
}

int reg_each_file(struct reg *r, bool staged, reg_file_fn cb, void *arg)
{
	git_oid oid;
	git_tree *tree = NULL, *clients = NULL;
	const git_tree_entry *ce;
	struct walk w = { r, cb, arg, 0 };
	int rc;

	if (staged)
		return each_staged(r, cb, arg);
	if ((rc = tip_tree(r, &oid, &tree)))
		return rc == PREG_ENOTFOUND ? 0 : rc;
	ce = git_tree_entry_byname(tree, "clients");
	if (ce && git_tree_entry_type(ce) == GIT_OBJECT_TREE) {
		if (git_tree_lookup(&clients, r->repo, git_tree_entry_id(ce)))
			rc = reg_git_error(PREG_ERR, "cannot read clients/");
		else if (git_tree_walk(clients, GIT_TREEWALK_PRE, walk_cb, &w) && !w.rc)
			rc = reg_git_error(PREG_ERR, "cannot read clients/");
		else
			rc = w.rc;
	}
	git_tree_free(clients);
	git_tree_free(tree);
	return rc;
}

/* ---- reading through the record cache ---- */

/* One shard directory through the cache: the whole shard when its tree is
 * the one cached, else record by record (by blob id), parsing what is new.
 * A shard with a record that does not parse is never taken whole, so that
 * the error is given every time. */
struct each_cached {
	struct rcache *c;
	struct rcache_plan *plan;
	struct rscratch scratch;
	struct buf enc;
	reg_each_fn cb;
	void *arg;
};

static int each_shard_cached(struct reg *r, const git_tree_entry *se, void *ctx)
{
	struct each_cached *x = ctx;
	struct rcache *c = x->c;
	struct rcache_plan *plan = x->plan;
	struct rscratch *scratch = &x->scratch;
	struct buf *enc = &x->enc;
	reg_each_fn cb = x->cb;
	void *arg = x->arg;
	static const unsigned char none[RCACHE_OID];
	const char *sname = git_tree_entry_name(se);
	const unsigned char *soid = git_tree_entry_id(se)->id;
	size_t first = 0, n = 0, k = 0, ne;
	bool found, same = false, clean = true;
	git_tree *shard = NULL;
	const git_tree_entry **ents;
	struct record rec;
	int rc = 0;

	found = strlen(sname) < 8 && rcache_shard(c, sname, soid, &first, &n, &same);
	rcache_plan_shard(plan, sname, soid);
	if (found && same) {
		rcache_plan_take(plan, first, n);
		for (size_t i = first; i < first + n && !rc; i++) {
			const unsigned char *data;
			const char *id;
			size_t len;
			char path[256];

			rcache_rec(c, i, &id, &data, &len);
			if (rcache_decode(&rec, scratch, data, len))
				return reg_git_error(PREG_ERR, "cannot decode the record cache"); /* checksummed: never */
			/* "clients/SHARD/ID.yaml": ids and shards are short. */
			size_t sl = strlen(sname), il = strlen(rec.id);

			if (sl + il + 14 > sizeof(path))
				return reg_git_error(PREG_ERR, "cannot decode the record cache");
			memcpy(path, "clients/", 8);
			memcpy(path + 8, sname, sl);
			path[8 + sl] = '/';
			memcpy(path + 9 + sl, rec.id, il);
			memcpy(path + 9 + sl + il, ".yaml", 6);
			rc = cb(arg, rec.id, path, &rec);
		}
		rcache_done(c, first + n);
		return rc;
	}
	rcache_plan_touch(plan);
	if (git_tree_lookup(&shard, r->repo, git_tree_entry_id(se)))
		return reg_git_error(PREG_ERR, "cannot read clients/%s/", sname);
	ents = entries_by_id(shard, &ne);
	for (size_t j = 0; j < ne && !rc; j++) {
		const git_tree_entry *fe = ents[j];
		char path[256];
		char *id;
		struct record *parsed = NULL;
		git_blob *b = NULL;
		bool hit = false;

		if (!entry_id(sname, fe, path, &id)) {
			clean = false;
			rc = cb(arg, NULL, path, NULL);
			continue;
		}
		/* The cached records of the shard are in id order too. */
		while (found && k < n) {
			const unsigned char *data, *e;
			const char *cid;
			size_t len;
			int cmp;

			e = rcache_rec(c, first + k, &cid, &data, &len);
			cmp = strcmp(cid, id);
			if (cmp < 0) {
				k++;
				continue;
			}
			if (!cmp && !memcmp(e, git_tree_entry_id(fe)->id, RCACHE_OID) &&
			    !rcache_decode(&rec, scratch, data, len)) {
				rcache_plan_keep(plan, first + k);
				hit = true;
			}
			break;
		}
		if (hit) {
			rc = cb(arg, id, path, &rec);
			free(id);
			continue;
		}
		parsed = entry_record(r, fe, path, id, &b);
		if (parsed) {
			enc->len = 0;
			rcache_encode(enc, parsed);
			rcache_plan_add(plan, git_tree_entry_id(fe)->id, id, enc->p, enc->len);
		} else {
			clean = false;
		}
		rc = cb(arg, id, path, parsed);
		record_free(parsed);
		git_blob_free(b);
		free(id);
	}
	free(ents);
	git_tree_free(shard);
	if (!clean) {
		/* Never taken whole: a zero tree id matches no tree. */
		rcache_plan_shard_oid(plan, none);
	}
	return rc;
}

int reg_each_summary(struct reg *r, reg_each_fn cb, void *arg)
{
	struct each_cached x = { NULL, NULL, { NULL, 0 }, BUF_INIT, cb, arg };
	char *dir, *path;
	int rc;

	if (getenv("PREG_NO_CACHE") && *getenv("PREG_NO_CACHE"))
		return reg_each(r, false, cb, arg);
	dir = xasprintf("%spreg-cache", r->gitdir);
	path = xasprintf("%s/records", dir);
	x.c = rcache_load(path);
	/* Best effort: a register we may only read goes on without a cache. */
	if (mkdir(dir, 0777) && errno != EEXIST)
		errno = 0;
	x.plan = rcache_plan_new(x.c, path);
	rc = walk_shards(r, each_shard_cached, &x);
	if (!rc)
		rcache_plan_save(x.plan);
	rcache_plan_free(x.plan);
	rcache_free(x.c);
	rscratch_release(&x.scratch);
	buf_release(&x.enc);
	free(dir);
	free(path);
	return rc;
}

/* ---- the lock ---- */

static int lock_timeout_ms(void)
{
	const char *s = getenv("PREG_LOCK_TIMEOUT");

	if (s && *s && strspn(s, "0123456789") == strlen(s) && strlen(s) < 6)
		return atoi(s) * 1000;
	return 10000;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An exclusive flock on .git/preg.lock. The kernel drops it when the
 * process dies, so it never goes stale. */
static int lock_acquire(struct reg *r)
{
	char *path = xasprintf("%spreg.lock", r->gitdir);
	int64_t start = now_ms(), limit = lock_timeout_ms();
	unsigned delay = 2, seed = (unsigned)getpid() ^ (unsigned)start;
	char pid[32];
	int fd, n;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0) {
		int rc = ioerr(r, "create", path);

		free(path);
		return rc;
	}
	while (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int rc = ioerr(r, "lock", path);

			close(fd);
			free(path);
			return rc;
		}
		if (now_ms() - start >= limit) {
			n = (int)pread(fd, pid, sizeof(pid) - 1, 0);
			pid[n > 0 ? n : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			close(fd);
			free(path);
			return preg_error_set(PREG_EBUSY, "register busy (held by pid %s)",
					      *pid ? pid : "unknown");
		}
		/* Back off with jitter so that waiting writers do not march in step. */
		usleep((useconds_t)(delay * 1000 / 2 + (unsigned)(rand_r(&seed) % (delay * 1000 / 2 + 1))));
		if (delay < 100)
			delay *= 2;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)n, 0) < 0) {
		/* The pid is only for the busy message. */
	}
	r->lockfd = fd;
	free(path);
	return 0;
}

static void lock_release(struct reg *r)
{
	if (r->lockfd >= 0) {
		close(r->lockfd);
		r->lockfd = -1;
	}
}

/* A ref lock left by a crashed git is removed after a minute, while we
 * hold preg.lock. index.lock is never touched: git holds it while an editor
 * is open on a commit message. */
static void clear_stale_ref_locks(struct reg *r)
{
	char *dir = xasprintf("%srefs/heads", r->gitdir);
	DIR *d = opendir(dir);
	struct dirent *de;
	time_t now = time(NULL);

	while (d && (de = readdir(d))) {
		size_t n = strlen(de->d_name);
		struct stat st;
		char *p;

		if (n < 6 || strcmp(de->d_name + n - 5, ".lock"))
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (!lstat(p, &st) && S_ISREG(st.st_mode) && now - st.st_mtime > 60 && !unlink(p))
			preg_warn("removed stale lock 'refs/heads/%s' (left by a crashed process)",
				  de->d_name);
		free(p);
	}
	if (d)
		closedir(d);
	free(dir);
}

/* ---- the work tree ---- */

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return -1;
	if (fsync(fd) && errno != EINVAL)
		rc = -1;
	close(fd);
	return rc;
}

static int mkdirs_for(const char *path)
{
	char *p = xstrdup(path);
	int rc = 0;

	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0777) && errno != EEXIST) {
			rc = -1;
			*s = '/';
			break;
		}
		*s = '/';
	}
	free(p);
	return rc;
}

/* Write data to a new file tmp and fsync it. */
static int write_tmp(struct reg *r, const char *rel, const char *tmp, const char *data, size_t len)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	size_t off = 0;

	if (fd < 0)
		return ioerr(r, "write", rel);
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int rc = ioerr(r, "write", rel);

			close(fd);
			return rc;
		}
		off += (size_t)n;
	}
	if (!r->batch && fsync(fd)) {
		int rc = ioerr(r, "write", rel);

		close(fd);
		return rc;
	}
	close(fd);
	return 0;
}

/* Replace a work-tree file: a temporary file, fsync, rename, fsync the
 * directory. Readers see the old file or the new one, never half. The
 * temporary file lives in the git directory, so a crash leaves nothing in
 * the work tree (the next write sweeps it); where the git directory is on
 * another file system, it goes beside the file instead. */
static int write_file_atomic(struct reg *r, const char *rel, const char *data, size_t len)
{
	char *path = xasprintf("%s%s", r->workdir, rel);
	char *tmp = xasprintf("%spreg-tmp-%ld", r->gitdir, (long)getpid());
	int rc, e = 0;

	rc = write_tmp(r, rel, tmp, data, len);
	if (!rc && rename(tmp, path))
		e = errno;
	/* A new shard's directory is made when the rename finds it missing:
	 * an import of 100,000 files would otherwise try mkdir five times
	 * for each. */
	if (e == ENOENT) {
		if (mkdirs_for(path)) {
			rc = ioerr(r, "create the directory of", rel);
			goto out;
		}
		e = rename(tmp, path) ? errno : 0;
	}
	if (e == EXDEV) {
		unlink(tmp);
		free(tmp);
		tmp = xasprintf("%s.preg-%ld.tmp", path, (long)getpid());
		rc = write_tmp(r, rel, tmp, data, len);
		if (!rc && rename(tmp, path))
			rc = ioerr(r, "replace", rel);
	} else if (e) {
		errno = e;
		rc = ioerr(r, "replace", rel);
	}
	if (!rc && !r->batch) {
		*strrchr(path, '/') = '\0';
		fsync_dir(path);
	}
out:
	if (rc)
		unlink(tmp);
	free(tmp);
	free(path);
	return rc;
}

static int remove_file(struct reg *r, const char *rel)
{
	char *path = xasprintf("%s%s", r->workdir, rel);
	int rc = 0;

	if (unlink(path) && errno != ENOENT) {
		rc = ioerr(r, "remove", rel);
	} else {
		/* An empty shard directory goes, as git would remove it. */
		char *slash = strrchr(path, '/');

		*slash = '\0';
		if (rmdir(path) == 0 || errno == ENOTEMPTY || errno == EEXIST)
			fsync_dir(r->workdir);
	}
	free(path);
	return rc;
}

/* The blob id of a work-tree file; PREG_ENOTFOUND when it is not there. */
static int hash_workfile(struct reg *r, const char *rel, git_oid *out)
{
	char *path = xasprintf("%s%s", r->workdir, rel);
	struct stat st;
	int rc = 0;

	if (lstat(path, &st)) {
		rc = errno == ENOENT || errno == ENOTDIR ? PREG_ENOTFOUND : ioerr(r, "read", rel);
	} else if (!S_ISREG(st.st_mode)) {
		rc = preg_error_set(PREG_EDIRTY, "%s is not a regular file in the work tree", rel);
	} else if (git_odb_hashfile(out, path, GIT_OBJECT_BLOB)) {
		rc = reg_git_error(PREG_ERR, "cannot read %s", rel);
	}
	free(path);
	return rc;
}

/* Set the index entry of rel to blob oid, with the stat data of the file now
 * in the work tree so that git sees it clean without rehashing. */
static int index_set(struct reg *r, git_index *idx, const char *rel, const git_oid *oid)
{
	char *path = xasprintf("%s%s", r->workdir, rel);
	git_index_entry e;
	struct stat st;
	int rc;

	memset(&e, 0, sizeof(e));
	if (!lstat(path, &st)) {
		e.ctime.seconds = (int32_t)st.st_ctim.tv_sec;
		e.ctime.nanoseconds = (uint32_t)st.st_ctim.tv_nsec;
		e.mtime.seconds = (int32_t)st.st_mtim.tv_sec;
		e.mtime.nanoseconds = (uint32_t)st.st_mtim.tv_nsec;
		e.dev = (uint32_t)st.st_dev;
		e.ino = (uint32_t)st.st_ino;
		e.uid = st.st_uid;
		e.gid = st.st_gid;
		e.file_size = (uint32_t)st.st_size;
	}
	e.mode = GIT_FILEMODE_BLOB;
	e.path = rel;
	git_oid_cpy(&e.id, oid);
	rc = git_index_add(idx, &e);
	free(path);
	return rc ? reg_git_error(PREG_ERR, "cannot update the index entry of %s", rel) : 0;
}

/* Bring rel in the work tree and the index to what the tip holds, when what
 * is there is a leftover of ours (SPEC §7): work tree equal to the tip:
 * refresh the index; work tree equal to the index but not the tip: check the
 * path out from the tip; otherwise it is the user's edit: leave it. */
static int heal_path(struct reg *r, git_tree *tree, git_index *idx, const char *rel, bool verbose,
		     bool *index_changed, int *left)
{
	git_oid head, wt;
	const git_index_entry *ie = git_index_get_bypath(idx, rel, 0);
	git_blob *b = NULL;
	bool has_head, has_wt;
	int rc;

	rc = tree_blob(r, tree, rel, &b, &head);
	if (rc && rc != PREG_ENOTFOUND)
		return rc;
	has_head = rc == 0;
	rc = hash_workfile(r, rel, &wt);
	if (rc && rc != PREG_ENOTFOUND)
		goto out;
	has_wt = rc == 0;
	rc = 0;
	if (has_wt == has_head && (!has_wt || git_oid_equal(&wt, &head))) {
		if (has_head && (!ie || !git_oid_equal(&ie->id, &head))) {
			rc = index_set(r, idx, rel, &head);
			*index_changed = true;
			if (verbose)
				preg_warn("fixed: index entry of %s refreshed", rel);
		} else if (!has_head && ie) {
			git_index_remove(idx, rel, 0);
			*index_changed = true;
			if (verbose)
				preg_warn("fixed: index entry of %s removed", rel);
		}
	} else if ((!has_wt && !ie) || (has_wt && ie && git_oid_equal(&wt, &ie->id))) {
		if (has_head) {
			rc = write_file_atomic(r, rel, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
			if (!rc)
				rc = index_set(r, idx, rel, &head);
		} else {
			rc = remove_file(r, rel);
			if (!rc)
				git_index_remove(idx, rel, 0);
		}
		*index_changed = true;
		if (verbose && !rc)
			preg_warn("fixed: %s brought up to the last commit", rel);
	} else {
		(*left)++;
		preg_warn("left alone: %s differs from the last commit (uncommitted edit?)", rel);
	}
out:
	git_blob_free(b);
	return rc;
}

static int heal(struct reg *r, char **paths, size_t n, bool verbose, int *left)
{
	git_oid oid;
	git_tree *tree = NULL;
	git_index *idx = NULL;
	bool changed = false;
	int rc;

	rc = tip_tree(r, &oid, &tree);
	if (rc == PREG_ENOTFOUND)
		rc = 0;
	if (rc)
		return rc;
	if (git_repository_index(&idx, r->repo) || git_index_read(idx, 0)) {
		rc = reg_git_error(PREG_ERR, "cannot read the index");
		goto out;
	}
	for (size_t i = 0; i < n && !rc; i++)
		rc = heal_path(r, tree, idx, paths[i], verbose, &changed, left);
	if (!rc && changed && r->batch) {
		/* The files of a batch reach the disk before the journal that
		 * names them goes. */
		int fd = open(r->workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0 || syncfs(fd))
			rc = ioerr(r, "flush", r->workdir);
		if (fd >= 0)
			close(fd);
	}
	if (!rc && changed) {
		marker_set(r);
		if (git_index_write(idx))
			rc = gwrite_err(r, "cannot write the index");
		marker_clear(r);
	}
out:
	git_index_free(idx);
	git_tree_free(tree);
	return rc;
}

static bool is_record_path(const char *path)
{
	char *id = record_id_from_path(path);

	free(id);
	return id != NULL;
}

/* While libgit2 holds index.lock or the branch's ref lock for us, a marker
 * file says so. A kill in that window leaves the lock behind, and every
 * later write would fail on it; with the marker we know the lock is ours
 * (git cannot have taken it while ours was there) and remove it. A lock
 * much newer than the marker is someone else's and stays. */
#define MARKER "preg-locking"

static void marker_set(struct reg *r)
{
	char *p = xasprintf("%s%s", r->gitdir, MARKER);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

	if (fd >= 0)
		close(fd);
	free(p);
}

static void marker_clear(struct reg *r)
{
	char *p = xasprintf("%s%s", r->gitdir, MARKER);

	unlink(p);
	free(p);
}

static int64_t ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static void clear_own_locks(struct reg *r)
{
	char *m = xasprintf("%s%s", r->gitdir, MARKER);
	const char *branch = strncmp(r->refname, "refs/heads/", 11) ? NULL : r->refname;
	char *locks[2];
	struct stat ms, ls;

	locks[0] = xasprintf("%sindex.lock", r->gitdir);
	locks[1] = branch ? xasprintf("%s%s.lock", r->gitdir, r->refname) : NULL;
	if (!stat(m, &ms)) {
		for (int i = 0; i < 2; i++)
			if (locks[i] && !stat(locks[i], &ls) && ns(&ls.st_mtim) >= ns(&ms.st_mtim) - 10000000 &&
			    ns(&ls.st_mtim) - ns(&ms.st_mtim) < 1000000000 && !unlink(locks[i]))
				preg_warn("removed %s left by an interrupted preg", locks[i] + strlen(r->gitdir));
		unlink(m);
	}
	/* Temporary files of interrupted writes (we hold the lock: none is live). */
	{
		DIR *d = opendir(r->gitdir);
		struct dirent *de;

		while (d && (de = readdir(d)))
			if (!strncmp(de->d_name, "preg-tmp-", 9) ||
			    !strcmp(de->d_name, PENDING ".tmp")) {
				char *p = xasprintf("%s%s", r->gitdir, de->d_name);

				unlink(p);
				free(p);
			}
		if (d)
			closedir(d);
	}
	free(locks[0]);
	free(locks[1]);
	free(m);
}

static char *pending_path(struct reg *r)
{
	return xasprintf("%s%s", r->gitdir, PENDING);
}

/* Heal what the journal of an interrupted write names, then drop it. */
static int heal_pending(struct reg *r, bool verbose, int *left)
{
	char *jp = pending_path(r);
	FILE *f = fopen(jp, "r");
	char line[512], **paths = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (f) {
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			/* Only names preg itself writes are healed. */
			if (!*line || (strcmp(line, "preg.yaml") && strcmp(line, ".gitattributes") &&
				       !is_record_path(line)))
				continue;
			paths = xgrow(paths, &cap, n + 1, sizeof(*paths));
			paths[n++] = xstrdup(line);
		}
		fclose(f);
		rc = heal(r, paths, n, verbose, left);
		if (!rc)
			unlink(jp);
		for (size_t i = 0; i < n; i++)
			free(paths[i]);
		free(paths);
	}
	free(jp);
	return rc;
}

/* Write the journal text atomically (tmp, fsync, rename). */
static int journal_put(struct reg *r, const char *text, size_t len)
{
	char *jp = pending_path(r), *tmp = xasprintf("%s.tmp", jp);
	int fd, rc = 0;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || fsync(fd))
		rc = ioerr(r, "write", tmp);
	if (fd >= 0)
		close(fd);
	if (!rc && rename(tmp, jp))
		rc = ioerr(r, "write", jp);
	if (rc)
		unlink(tmp);
	free(tmp);
	free(jp);
	return rc;
}

/* Before the commit point, name the paths this write will touch in the
 * journal, after those an earlier write left unhealed (when healing could
 * not run, they must not be forgotten). *prev receives the journal as it
 * was (NULL when there was none), to put back if the commit fails. */
/* Append the journal as it is to b; a copy of it, or NULL when there is
 * none (the caller frees). */
static char *journal_load(struct reg *r, struct buf *b)
{
	char *jp = pending_path(r), *prev = NULL;
	FILE *f = fopen(jp, "r");

	if (f) {
		char chunk[4096];
		size_t n;

		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_add(b, chunk, n);
		fclose(f);
		prev = xstrndup(b->p ? b->p : "", b->len);
	}
	free(jp);
	return prev;
}

static int write_pending(struct txn *t, char **prev)
{
	struct reg *r = t->reg;
	struct buf b = BUF_INIT;
	int rc;

	*prev = journal_load(r, &b);
	for (size_t i = 0; i < t->nedits; i++)
		buf_addf(&b, "%s\n", t->edits[i].path);
	rc = journal_put(r, b.p, b.len);
	buf_release(&b);
	return rc;
}

/* The commit did not happen: the journal goes back to what it was. */
static void restore_pending(struct reg *r, const char *prev)
{
	char *jp = pending_path(r);

	if (!prev || journal_put(r, prev, strlen(prev)))
		unlink(jp);
	free(jp);
}

/* ---- transactions ---- */

int txn_read(struct txn *t, const char *id, struct record **out)
{
	git_blob *b = NULL;
	char *path;
	struct ypos comment = { 0, 0 };
	int rc;

	*out = NULL;
	if (!slug_valid(id))
		return preg_error_set(PREG_ENOTFOUND, "client '%s' not found", id);
	path = record_path(id);
	rc = tree_blob(t->reg, t->tree, path, &b, NULL);
	if (rc == PREG_ENOTFOUND)
		rc = preg_error_set(PREG_ENOTFOUND, "client '%s' not found", id);
	else if (!rc)
		rc = parse_blob(b, path, id, out, &comment, false);
	if (!rc && comment.line && !(t->flags & REG_FORCE)) {
		record_free(*out);
		*out = NULL;
		/* Advise only what the command at hand can do. */
		if (t->flags & REG_FORCE_OK)
			rc = preg_error_set(PREG_EINVAL,
					    "%s:%d:%d: the record holds a comment, which a rewrite would lose; move the text into 'remarks:' or use --force",
					    path, comment.line, comment.col);
		else
			rc = preg_error_set(PREG_EINVAL,
					    "%s:%d:%d: the record holds a comment, which a rewrite would lose; move the text into 'remarks:' with 'preg client edit --force %s', then run this again",
					    path, comment.line, comment.col, id);
	}
	git_blob_free(b);
	free(path);
	return rc;
}

bool txn_exists(struct txn *t, const char *id)
{
	git_tree_entry *e = NULL;
	char *path = record_path(id);
	bool found = false;

	void *at;

	if (strmap_get(&t->where, path, &at)) {
		found = t->edits[(uintptr_t)at - 1].data != NULL;
		free(path);
		return found;
	}
	if (t->tree && !git_tree_entry_bypath(&e, t->tree, path))
		found = true;
	git_tree_entry_free(e);
	free(path);
	return found;
}

const char *txn_now(const struct txn *t)
{
	return t->now;
}

const char *txn_user(const struct txn *t)
{
	return t->reg->user;
}

struct reg *txn_reg(struct txn *t)
{
	return t->reg;
}

static void stage(struct txn *t, char *path, char *data, size_t len)
{
	void *at;

	if (strmap_get(&t->where, path, &at)) {
		size_t i = (uintptr_t)at - 1;

		free(t->edits[i].data);
		free(path);
		t->edits[i].data = data;
		t->edits[i].len = len;
		return;
	}
	strmap_put(&t->where, path, (void *)(uintptr_t)(t->nedits + 1));
	t->edits = xgrow(t->edits, &t->cap, t->nedits + 1, sizeof(*t->edits));
	t->edits[t->nedits].path = path;
	t->edits[t->nedits].data = data;
	t->edits[t->nedits].len = len;
	t->nedits++;
}

void txn_put(struct txn *t, const struct record *rec)
{
	struct buf b = BUF_INIT;
	size_t len;

	record_write(&b, rec);
	len = b.len;
	stage(t, record_path(rec->id), buf_detach(&b), len);
}

void txn_put_file(struct txn *t, const char *path, const char *data, size_t len)
{
	stage(t, xstrdup(path), xstrndup(data, len), len);
}

void txn_remove(struct txn *t, const char *id)
{
	stage(t, record_path(id), NULL, 0);
}

void txn_message(struct txn *t, const char *summary, const char *client, const char *action,
		 const char *phase)
{
	buf_reset(&t->msg);
	buf_addf(&t->msg, "%s\n\n", summary);
	if (client)
		buf_addf(&t->msg, "Preg-Client: %s\n", client);
	buf_addf(&t->msg, "Preg-Action: %s\n", action);
	if (phase)
		buf_addf(&t->msg, "Preg-Phase: %s\n", phase);
}

void txn_trailer(struct txn *t, const char *key, const char *value)
{
	buf_addf(&t->msg, "%s: %s\n", key, value);
}

git_repository *reg_repo(struct reg *r)
{
	return r->repo;
}

const char *reg_gitdir(const struct reg *r)
{
	return r->gitdir;
}

const char *reg_refname(const struct reg *r)
{
	return r->refname;
}

int txn_tip(const struct txn *t, git_oid *out)
{
	if (!t->born)
		return PREG_ENOTFOUND;
	git_oid_cpy(out, &t->tip);
	return 0;
}

static void txn_clear(struct txn *t)
{
	for (size_t i = 0; i < t->nedits; i++) {
		free(t->edits[i].path);
		free(t->edits[i].data);
	}
	free(t->edits);
	t->edits = NULL;
	t->nedits = t->cap = 0;
	strmap_release(&t->where);
	git_tree_free(t->tree);
	t->tree = NULL;
	buf_release(&t->msg);
}

/* The author: git's identity when set (GIT_AUTHOR_* or user.name and
 * user.email), else the acting user at this host. */
int reg_identity(struct reg *r, char **name, char **email)
{
	git_config *cfg = NULL;
	git_buf gn = { 0 }, ge = { 0 };
	const char *en = getenv("GIT_AUTHOR_NAME"), *ee = getenv("GIT_AUTHOR_EMAIL"), *user;
	char host[256] = "localhost";
	int rc;

	if ((rc = reg_user(r, &user)))
		return rc;
	git_repository_config_snapshot(&cfg, r->repo);
	if (!(en && *en) && cfg)
		git_config_get_string_buf(&gn, cfg, "user.name");
	if (!(ee && *ee) && cfg)
		git_config_get_string_buf(&ge, cfg, "user.email");
	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	*name = xstrdup(en && *en ? en : gn.ptr && *gn.ptr ? gn.ptr : user);
	*email = ee && *ee ? xstrdup(ee) : ge.ptr && *ge.ptr ? xstrdup(ge.ptr) : xasprintf("%s@%s", user, host);
	git_buf_dispose(&gn);
	git_buf_dispose(&ge);
	git_config_free(cfg);
	return 0;
}

/* The commit signature: reg_identity at PREG_NOW or now. */
static int make_signature(struct reg *r, const struct ptime *now, git_signature **out)
{
	char *name = NULL, *email = NULL;
	int rc;

	if ((rc = reg_identity(r, &name, &email)))
		return rc;
	rc = git_signature_new(out, name, email, now->t, now->off);
	if (rc)
		rc = reg_git_error(PREG_ERR, "cannot make the commit signature");
	free(name);
	free(email);
	return rc;
}

/* SPEC §7 step 4: refuse when the work-tree file differs from the tip. */
static int path_clean(struct reg *r, git_tree *tree, const char *path)
{
	git_oid head, wt;
	git_blob *b = NULL;
	int hrc, wrc;

	hrc = tree_blob(r, tree, path, &b, &head);
	git_blob_free(b);
	if (hrc && hrc != PREG_ENOTFOUND)
		return hrc;
	wrc = hash_workfile(r, path, &wt);
	if (wrc && wrc != PREG_ENOTFOUND)
		return wrc;
	if (hrc == PREG_ENOTFOUND && wrc == PREG_ENOTFOUND)
		return 0;
	if (hrc == 0 && wrc == 0 && git_oid_equal(&head, &wt))
		return 0;
	return preg_error_set(PREG_EDIRTY,
			      "%s has uncommitted changes; commit or discard them first (git diff -- %s)",
			      path, path);
}

static int check_clean(struct txn *t, const struct edit *e)
{
	return path_clean(t->reg, t->tree, e->path);
}

int reg_editable(struct reg *r, const char *id, unsigned flags)
{
	struct txn t;
	struct record *rec = NULL;
	char *path;
	int rc;

	memset(&t, 0, sizeof(t));
	t.reg = r;
	t.flags = flags;
	rc = tip_tree(r, &t.tip, &t.tree);
	if (rc == PREG_ENOTFOUND)
		rc = preg_error_set(PREG_ENOTFOUND, "client '%s' not found", id);
	if (rc)
		return rc;
	if (!(rc = txn_read(&t, id, &rec))) {
		path = record_path(id);
		rc = path_clean(r, t.tree, path);
		free(path);
	}
	record_free(rec);
	git_tree_free(t.tree);
	return rc;
}

/* Objects written for a bulk write (an import of 100,000 records) go into
 * one pack instead of a loose file each: a loose object costs two fsyncs
 * and several opens, which made such an import take minutes. The pack is
 * built in memory (libgit2's mempack) on a second handle of the repository,
 * so that the register's own handle never writes into memory, and is
 * written (and fsynced) before the branch moves. */
#define BULK_EDITS 256

static int bulk_begin(struct reg *r, git_repository **repo, git_odb **odb, git_odb_backend **mp)
{
	if (git_repository_open(repo, r->gitdir) || git_repository_odb(odb, *repo) || git_mempack_new(mp))
		return reg_git_error(PREG_ERR, "cannot open the object database");
	if (git_odb_add_backend(*odb, *mp, 999)) {
		(*mp)->free(*mp);
		*mp = NULL;
		return reg_git_error(PREG_ERR, "cannot open the object database");
	}
	return 0;
}

static int bulk_end(struct reg *r, git_repository *repo, git_odb *odb, git_odb_backend *mp)
{
	git_buf pack = { 0 };
	git_odb_writepack *wp = NULL;
	git_indexer_progress stats;
	int rc = 0;

	memset(&stats, 0, sizeof(stats));
	if (git_mempack_dump(&pack, repo, mp) || git_odb_write_pack(&wp, odb, NULL, NULL) ||
	    wp->append(wp, pack.ptr, pack.size, &stats) || wp->commit(wp, &stats))
		rc = gwrite_err(r, "cannot write objects");
	if (wp)
		wp->free(wp);
	git_buf_dispose(&pack);
	git_mempack_reset(mp);
	return rc;
}

/* Build the commit of t on its tip. */
static int build_commit(struct txn *t, git_oid *out)
{
	struct reg *r = t->reg;
	git_repository *repo = r->repo, *bulk = NULL;
	git_odb *odb = NULL;
	git_odb_backend *mp = NULL;
	git_tree_update *ups = xcalloc(t->nedits + 1, sizeof(*ups));
	git_oid tree_oid, *blobs = xcalloc(t->nedits + 1, sizeof(*blobs));
	git_tree *base = NULL, *newtree = NULL;
	git_commit *parent = NULL;
	git_signature *sig = NULL;
	int rc = 0;

	if (t->nedits >= BULK_EDITS) {
		if ((rc = bulk_begin(r, &bulk, &odb, &mp)))
			goto out;
		repo = bulk;
	}
	/* A first commit builds on no tree at all (libgit2 takes NULL). */
	base = t->tree;
	for (size_t i = 0; i < t->nedits; i++) {
		ups[i].path = t->edits[i].path;
		if (t->edits[i].data) {
			/* In bulk, straight into the memory pack: the object
			 * database would look for each new blob in the packs
			 * on disk first, rescanning their directory each time. */
			if (mp ? git_odb_hash(&blobs[i], t->edits[i].data, t->edits[i].len, GIT_OBJECT_BLOB) ||
					 mp->write(mp, &blobs[i], t->edits[i].data, t->edits[i].len,
						   GIT_OBJECT_BLOB)
			       : git_blob_create_from_buffer(&blobs[i], repo, t->edits[i].data,
							     t->edits[i].len)) {
				rc = gwrite_err(r, "cannot write objects");
				goto out;
			}
			ups[i].action = GIT_TREE_UPDATE_UPSERT;
			ups[i].filemode = GIT_FILEMODE_BLOB;
			git_oid_cpy(&ups[i].id, &blobs[i]);
		} else {
			ups[i].action = GIT_TREE_UPDATE_REMOVE;
		}
	}
	if (git_tree_create_updated(&tree_oid, repo, base, t->nedits, ups) ||
	    git_tree_lookup(&newtree, repo, &tree_oid)) {
		rc = gwrite_err(r, "cannot write objects");
		goto out;
	}
	if ((rc = make_signature(r, &t->t, &sig)))
		goto out;
	if (t->born && git_commit_lookup(&parent, repo, &t->tip)) {
		rc = reg_git_error(PREG_ERR, "cannot read the last commit");
		goto out;
	}
	if (git_commit_create(out, repo, NULL, sig, sig, NULL, t->msg.p ? t->msg.p : "preg\n",
			      newtree, t->born ? 1 : 0, (const git_commit **)&parent))
		rc = gwrite_err(r, "cannot write the commit");
	if (!rc && bulk)
		rc = bulk_end(r, bulk, odb, mp);
out:
	git_commit_free(parent);
	git_signature_free(sig);
	git_tree_free(newtree);
	free(blobs);
	free(ups);
	git_odb_free(odb);
	git_repository_free(bulk);
	return rc;
}

/* SPEC §7 step 7: the work-tree files, then their index entries alone. */
static int apply_worktree(struct txn *t)
{
	struct reg *r = t->reg;
	git_index *idx = NULL;
	int rc = 0;

	/* Many files: one syncfs instead of two fsyncs each. Until it is
	 * done the journal names them all, and the next write heals. */
	r->batch = t->nedits >= BULK_EDITS;
	for (size_t i = 0; i < t->nedits && !rc; i++) {
		const struct edit *e = &t->edits[i];

		rc = e->data ? write_file_atomic(r, e->path, e->data, e->len) : remove_file(r, e->path);
	}
	if (r->batch) {
		int fd = open(r->workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (!rc && (fd < 0 || syncfs(fd)))
			rc = ioerr(r, "sync", "the work tree");
		if (fd >= 0)
			close(fd);
		r->batch = false;
	}
	if (rc)
		return rc;
	if (git_repository_index(&idx, r->repo) || git_index_read(idx, 0))
		return reg_git_error(PREG_ERR, "cannot read the index");
	for (size_t i = 0; i < t->nedits && !rc; i++) {
		const struct edit *e = &t->edits[i];
		git_oid oid;

		if (e->data) {
			git_odb_hash(&oid, e->data, e->len, GIT_OBJECT_BLOB);
			rc = index_set(r, idx, e->path, &oid);
		} else {
			git_index_remove(idx, e->path, 0);
		}
	}
	if (!rc) {
		marker_set(r);
		if (git_index_write(idx))
			rc = gwrite_err(r, "cannot write the index");
		marker_clear(r);
	}
	git_index_free(idx);
	return rc;
}

/* Start "git gc --auto" in the background when loose objects pile up, as
 * git itself does after a commit: about 19 KB of loose objects per write
 * pack down to 1 KB. The check is git's own estimate: objects/17 holds
 * 1/256th of them. */
static void maybe_gc(struct reg *r)
{
	char *dir = xasprintf("%sobjects/17", r->gitdir);
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	pid_t pid;

	while (d && (de = readdir(d)))
		n++;
	if (d)
		closedir(d);
	free(dir);
	if (n - 2 <= 6700 / 256 || getenv("PREG_NO_GC"))
		return;
	pid = fork();
	if (pid == 0) {
		pid_t pid2;

		setsid();
		pid2 = fork();
		if (pid2 == 0) {
			int fd = open("/dev/null", O_RDWR);

			if (fd >= 0) {
				dup2(fd, 0);
				dup2(fd, 1);
				dup2(fd, 2);
			}
			execlp("git", "git", "-C", r->workdir, "gc", "--auto", "--quiet", (char *)NULL);
		}
		_exit(0);
	}
	if (pid > 0) {
		int st;

		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	}
}

int reg_write(struct reg *r, unsigned flags, reg_mutate_fn fn, void *arg)
{
	struct txn t;
	const char *user;
	char *prev = NULL;
	git_oid newc;
	int rc, left = 0;

	memset(&t, 0, sizeof(t));
	t.reg = r;
	t.flags = flags;
	if ((rc = reg_user(r, &user)))
		return rc;
	if ((rc = ptime_now(&t.t)))
		return rc;
	ptime_format(t.now, t.t);
	if ((rc = lock_acquire(r)))
		return rc;
	clear_stale_ref_locks(r);
	clear_own_locks(r);
	/* What an earlier write left unfinished is finished first; when that
	 * cannot be done now (git holds the index), this write goes on and
	 * the journal stays for the next. */
	if (heal_pending(r, false, &left))
		preg_warn("%s", preg_error_msg());
	for (int attempt = 0;; attempt++) {
		git_reference *ref = NULL;

		txn_clear(&t);
		rc = tip_tree(r, &t.tip, &t.tree);
		t.born = rc == 0;
		if (rc && rc != PREG_ENOTFOUND)
			goto out;
		if ((rc = fn(&t, arg)))
			goto out;
		if (t.nedits == 0)
			goto out; /* nothing changed: no commit */
		for (size_t i = 0; i < t.nedits; i++)
			if ((rc = check_clean(&t, &t.edits[i])))
				goto out;
		if ((rc = build_commit(&t, &newc)))
			goto out;
		free(prev);
		if ((rc = write_pending(&t, &prev)))
			goto out;
		/* The commit point: the branch moves only if nobody moved it. */
		marker_set(r);
		if (t.born)
			rc = git_reference_create_matching(&ref, r->repo, r->refname, &newc, 1, &t.tip,
							   t.msg.p);
		else
			rc = git_reference_create(&ref, r->repo, r->refname, &newc, 0, t.msg.p);
		git_reference_free(ref);
		marker_clear(r);
		if (rc)
			restore_pending(r, prev); /* not committed: nothing new to heal */
		if ((rc == GIT_EMODIFIED || rc == GIT_EEXISTS || rc == GIT_ELOCKED) && attempt < 20) {
			usleep(1000u << (attempt < 6 ? attempt : 6));
			continue;
		}
		if (rc) {
			if (rc == GIT_ELOCKED)
				rc = preg_error_set(PREG_EBUSY,
						    "the branch is locked by another git process (.git/%s.lock); try again, or remove that file if no git is running",
						    r->refname);
			else
				rc = gwrite_err(r, "cannot move the branch");
			goto out;
		}
		break;
	}
	/* The log index follows the branch (lib/log.c). */
	{
		struct buf ids = BUF_INIT;

		for (size_t i = 0; i < t.nedits; i++) {
			char *id = record_id_from_path(t.edits[i].path);

			if (id)
				buf_addf(&ids, " %s", id);
			free(id);
		}
		logidx_append(r->gitdir, t.born ? &t.tip : NULL, &newc, buf_str(&ids));
		buf_release(&ids);
	}
	if (apply_worktree(&t)) {
		/* Committed: the change is safe; the next write finishes this. */
		preg_warn("committed %.12s, but the work tree was not updated: %s; the next preg command or 'preg doctor' finishes it",
			  git_oid_tostr_s(&newc), preg_error_msg());
	} else if (prev) {
		/* The journal also names what an earlier write left unhealed:
		 * heal it all (this write's paths are up to date: no-ops). */
		if (heal_pending(r, false, &left))
			preg_warn("%s", preg_error_msg());
	} else {
		char *jp = pending_path(r);

		unlink(jp);
		free(jp);
	}
	preg_error_clear();
	rc = 0;
	lock_release(r);
	maybe_gc(r);
out:
	free(prev);
	txn_clear(&t);
	lock_release(r);
	return rc;
}

/* ---- init ---- */

static const char gitattributes[] =
	"# Client records merge record by record (preg merge-file).\n"
	"clients/**/*.yaml merge=preg\n";

static int init_mutate(struct txn *t, void *arg)
{
	const char *tmpl = arg, *text = phases_template(tmpl);
	char summary[128];

	git_blob *b = NULL;

	if (t->tree && tree_blob(t->reg, t->tree, "preg.yaml", &b, NULL) == 0) {
		git_blob_free(b);
		return preg_error_set(PREG_EEXISTS, "a register already exists at '%.*s'",
				      (int)strlen(t->reg->workdir) - 1, t->reg->workdir);
	}
	txn_put_file(t, "preg.yaml", text, strlen(text));
	txn_put_file(t, ".gitattributes", gitattributes, strlen(gitattributes));
	snprintf(summary, sizeof(summary), "init: new register (template %s)", tmpl);
	txn_message(t, summary, NULL, "init", NULL);
	return 0;
}

static bool dir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool empty = true;

	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = false;
	if (d)
		closedir(d);
	return empty;
}

int reg_init(const char *dir, const char *tmpl)
{
	struct reg *r = NULL;
	git_repository *repo = NULL;
	git_repository_init_options opts;
	git_index *idx = NULL;
	struct stat st;
	int rc;

	git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	if (!phases_template(tmpl))
		return preg_error_set(PREG_EINVAL, "unknown template '%s' (freight, sales or blank)", tmpl);
	lib_init();
	if (!stat(dir, &st)) {
		if (!S_ISDIR(st.st_mode)) {
			rc = preg_error_set(PREG_EINVAL, "'%s' exists and is not a directory", dir);
			goto out;
		}
		rc = git_repository_open_ext(&repo, dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
		if (rc == GIT_ENOTFOUND && !dir_empty(dir)) {
			rc = preg_error_set(PREG_EINVAL,
					    "'%s' is not empty and not a git repository; give a new or empty directory",
					    dir);
			goto out;
		}
		if (rc && rc != GIT_ENOTFOUND) {
			rc = rc == GIT_EOWNER
				     ? preg_error_set(PREG_ERR, "'%s' is owned by another user", dir)
				     : reg_git_error(PREG_ERR, "cannot open '%s'", dir);
			goto out;
		}
	}
	if (!repo) {
		opts.flags = GIT_REPOSITORY_INIT_MKPATH;
		opts.initial_head = "main";
		if (git_repository_init_ext(&repo, dir, &opts)) {
			if (errno == EACCES || errno == EROFS || errno == EPERM || errno == ENOSPC)
				rc = preg_error_set(PREG_EIO, "cannot create a register at '%s': %s", dir,
						    strerror(errno));
			else
				rc = reg_git_error(PREG_ERR, "cannot create a register at '%s'", dir);
			goto out;
		}
	}
	/* Index version 4 compresses paths: at 100,000 clients the index is
	 * the main cost of a write. Set for a new repository and an old one. */
	if (!idx && !git_repository_index(&idx, repo) && git_index_version(idx) < 4 &&
	    (git_index_set_version(idx, 4) || git_index_write(idx))) {
		rc = reg_git_error(PREG_ERR, "cannot write the index");
		goto out;
	}
	git_repository_free(repo);
	repo = NULL;
	if ((rc = open_repo(&r, dir)))
		goto out;
	rc = reg_write(r, 0, init_mutate, (void *)tmpl);
	if (!rc)
		rc = reg_setup_driver(r);
out:
	git_index_free(idx);
	git_repository_free(repo);
	reg_free(r);
	lib_shutdown();
	return rc;
}

/* ---- doctor ---- */

static int status_cb(const char *path, unsigned int flags, void *payload)
{
	struct buf *b = payload;

	(void)flags;
	if (!strcmp(path, "preg.yaml") || !strcmp(path, ".gitattributes") || !strncmp(path, "clients/", 8))
		buf_addf(b, "%s\n", path);
	return 0;
}

int reg_doctor(struct reg *r, int *problems)
{
	git_status_options so;
	struct buf list = BUF_INIT;
	char **paths = NULL, *lockp;
	size_t n = 0, cap = 0;
	struct stat st;
	int rc, left = 0;

	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	*problems = 0;
	if ((rc = lock_acquire(r)))
		return rc;
	clear_stale_ref_locks(r);
	clear_own_locks(r);
	lockp = xasprintf("%sindex.lock", r->gitdir);
	if (!stat(lockp, &st)) {
		/* Repairs need the index; with git holding it, only report. */
		free(lockp);
		preg_warn("left alone: .git/index.lock exists (git or an editor may be running; remove it if none is)");
		left++;
		goto report;
	}
	free(lockp);
	if ((rc = heal_pending(r, true, &left)))
		goto out;
	/* Everything else behind the tip, not just what the journal named. */
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
	if (git_status_foreach_ext(r->repo, &so, status_cb, &list)) {
		rc = reg_git_error(PREG_ERR, "cannot compare the work tree with the last commit");
		goto out;
	}
	for (char *p = list.p, *nl; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		*nl = '\0';
		paths = xgrow(paths, &cap, n + 1, sizeof(*paths));
		paths[n++] = p;
	}
	if (n && (rc = heal(r, paths, n, true, &left)))
		goto out;
report:
	lockp = xasprintf("%s%s.lock", r->gitdir, r->refname);
	if (!stat(lockp, &st)) {
		preg_warn("left alone: .git/%s.lock exists (a git process is updating the branch; writes wait for it)",
			  r->refname);
		left++;
	}
	free(lockp);
	{
		char *dir = xasprintf("%sobjects/17", r->gitdir);
		DIR *d = opendir(dir);
		int loose = 0;

		while (d && readdir(d))
			loose++;
		if (d)
			closedir(d);
		free(dir);
		if ((loose - 2) * 256 > 6700)
			preg_warn("about %d loose objects: the repository needs packing ('git gc')",
				  (loose - 2) * 256);
	}
	*problems = left;
out:
	free(paths);
	buf_release(&list);
	lock_release(r);
	return rc;
}

/* ---- sharing (for lib/sync.c) ---- */

int reg_lock(struct reg *r)
{
	int rc, left = 0;

	if ((rc = lock_acquire(r)))
		return rc;
	clear_stale_ref_locks(r);
	clear_own_locks(r);
	if (heal_pending(r, false, &left))
		preg_warn("%s", preg_error_msg());
	return 0;
}

void reg_unlock(struct reg *r)
{
	lock_release(r);
}

int reg_paths_clean(struct reg *r, const git_oid *at, char **paths, size_t n)
{
	git_commit *c = NULL;
	git_tree *tree = NULL;
	int rc = 0;

	if (at && (git_commit_lookup(&c, r->repo, at) || git_commit_tree(&tree, c))) {
		git_commit_free(c);
		return reg_git_error(PREG_ERR, "cannot read commit %s", git_oid_tostr_s(at));
	}
	for (size_t i = 0; i < n && !rc; i++)
		rc = path_clean(r, tree, paths[i]);
	git_tree_free(tree);
	git_commit_free(c);
	return rc;
}

int reg_advance(struct reg *r, const git_oid *old, const git_oid *new, char **paths, size_t n,
		const char *msg)
{
	git_reference *ref = NULL;
	struct buf b = BUF_INIT;
	char *prev;
	int rc, left = 0;

	/* The journal names every path that the move puts behind the work
	 * tree, after what an earlier write left (see write_pending). */
	prev = journal_load(r, &b);
	for (size_t i = 0; i < n; i++)
		buf_addf(&b, "%s\n", paths[i]);
	rc = journal_put(r, buf_str(&b), b.len);
	buf_release(&b);
	if (rc)
		goto out;
	marker_set(r);
	if (old)
		rc = git_reference_create_matching(&ref, r->repo, r->refname, new, 1, old, msg);
	else
		rc = git_reference_create(&ref, r->repo, r->refname, new, 0, msg);
	git_reference_free(ref);
	marker_clear(r);
	if (rc) {
		restore_pending(r, prev);
		if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS)
			rc = preg_error_set(PREG_EMODIFIED, "the branch moved during the sync");
		else if (rc == GIT_ELOCKED)
			rc = preg_error_set(PREG_EBUSY,
					    "the branch is locked by another git process (.git/%s.lock); try again",
					    r->refname);
		else
			rc = gwrite_err(r, "cannot move the branch");
		goto out;
	}
	/* Committed: what cannot be healed now, the next write heals. A
	 * sync may bring a thousand files: one flush for all of them. */
	r->batch = true;
	rc = heal_pending(r, false, &left);
	r->batch = false;
	if (rc)
		preg_warn("moved the branch to %.12s, but the work tree was not updated: %s; the next preg command or 'preg doctor' finishes it",
			  git_oid_tostr_s(new), preg_error_msg());
	preg_error_clear();
	rc = 0;
out:
	free(prev);
	return rc;
}

/* The command git runs for the merge driver (SPEC §8). */
#define DRIVER "preg merge-file %O %A %B %P"

int reg_setup_driver(struct reg *r)
{
	git_config *cfg = NULL;
	int rc = 0;

	if (git_repository_config(&cfg, r->repo) ||
	    git_config_set_string(cfg, "merge.preg.name", "preg record-by-record merge") ||
	    git_config_set_string(cfg, "merge.preg.driver", DRIVER))
		rc = gwrite_err(r, "cannot set up the merge driver in .git/config");
	git_config_free(cfg);
	return rc;
}

bool reg_driver_configured(struct reg *r)
{
	git_config *cfg = NULL;
	git_buf b = { 0 };
	bool ok = false;

	if (!git_repository_config_snapshot(&cfg, r->repo) &&
	    !git_config_get_string_buf(&b, cfg, "merge.preg.driver"))
		ok = strstr(b.ptr, "merge-file") && strstr(b.ptr, "%O") && strstr(b.ptr, "%A") &&
		     strstr(b.ptr, "%B");
	git_buf_dispose(&b);
	git_config_free(cfg);
	return ok;
}

int reg_doctor_driver(struct reg *r, int *problems)
{
	git_oid oid;
	git_tree *tree = NULL;
	git_blob *b = NULL;
	int rc;

	if (!reg_driver_configured(r)) {
		if ((rc = reg_setup_driver(r)))
			return rc;
		preg_warn("fixed: the merge driver was not configured (set merge.preg.driver = %s)", DRIVER);
	}
	if (!tip_tree(r, &oid, &tree)) {
		rc = tree_blob(r, tree, ".gitattributes", &b, NULL);
		if (rc && rc != PREG_ENOTFOUND) {
			git_tree_free(tree);
			return rc;
		}
		if (!b || !memmem(git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), "merge=preg", 10)) {
			preg_warn("left alone: .gitattributes does not send client records to the merge driver (add the line 'clients/**/*.yaml merge=preg')");
			(*problems)++;
		}
	}
	git_blob_free(b);
	git_tree_free(tree);
	return 0;
}
