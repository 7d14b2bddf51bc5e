/* register_read: the records at the tip, read directly or through the
 * record cache (see register.h). */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "layout.h"
#include "rcache.h"
#include "register_priv.h"
#include "slug.h"
#include "xalloc.h"

/* The branch tip and its tree. PREG_ENOTFOUND when the branch has no commit. */
int reg_tip_tree(struct reg *r, git_oid *oid, git_tree **tree)
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
int reg_tree_blob(struct reg *r, git_tree *tree, const char *path, git_blob **out, git_oid *oid)
{
	git_tree_entry *e = NULL;
	int rc;

	if (out)
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
	/* No blob wanted (its id is enough): none is read. */
	rc = out ? git_blob_lookup(out, r->repo, git_tree_entry_id(e)) : 0;
	git_tree_entry_free(e);
	if (rc)
		return reg_git_error(PREG_ERR, "cannot read %s", path);
	return 0;
}

/* ---- reading ---- */

/* Parse a record's blob and check that its id is its file's. A lent record
 * (for readers that only look) keeps its strings in the parse tree. */
int reg_parse_blob(git_blob *b, const char *path, const char *id, struct record **out,
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
	path = reg_record_path(r, id);
	if (!(rc = reg_tip_tree(r, &oid, &tree))) {
		rc = reg_tree_blob(r, tree, path, &b, NULL);
		if (rc == PREG_ENOTFOUND)
			rc = preg_error_set(PREG_ENOTFOUND, "client '%s' not found", id);
		else if (!rc)
			rc = reg_parse_blob(b, path, id, out, NULL, false);
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
	char *path = reg_record_path(r, id);
	bool found = false;

	if (!reg_tip_tree(r, &oid, &tree) && !git_tree_entry_bypath(&e, tree, path))
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
static bool entry_id(unsigned layout, const char *sname, const git_tree_entry *fe, char path[256], char **id)
{
	snprintf(path, 256, "clients/%s/%s", sname, git_tree_entry_name(fe));
	*id = layout_id(layout, path);
	if (*id && git_tree_entry_type(fe) == GIT_OBJECT_BLOB)
		return true;
	free(*id);
	*id = NULL;
	preg_error_set(PREG_EINVAL,
		       "%s: not a client record (expected %s)", path, layout_pattern(layout));
	return false;
}

/* The record in entry fe, parsed for reading only (*b is its blob, to free
 * after it); NULL with the error slot set when it cannot be read. */
static struct record *entry_record(git_repository *repo, const git_tree_entry *fe, const char *path,
				   const char *id, git_blob **b)
{
	struct record *rec = NULL;

	*b = NULL;
	if (git_blob_lookup(b, repo, git_tree_entry_id(fe)))
		reg_git_error(PREG_ERR, "cannot read %s", path);
	else
		reg_parse_blob(*b, path, id, &rec, NULL, true);
	return rec;
}

/* ---- the records in id order ----
 *
 * git keeps a tree's entries in name order, so a walk shard after shard
 * gives the layout's order: hash order in version 2, and in version 1
 * almost id order (clients/x_/x.yaml comes after clients/x-/x-y.yaml).
 * Every listing must print the same whatever the layout, so the walks
 * merge the shards, each in id order, by id: a heap of one cursor per
 * shard directory, about eight comparisons a record at 256 shards, and
 * no record held longer than its callback.
 */

/* One shard directory: its entries from git in id order, or its records
 * in the record cache taken whole. */
struct cursor {
	const char *sname;
	const unsigned char *soid;
	git_tree *tree;               /* NULL when taken whole from the cache */
	const git_tree_entry **ents;
	size_t ne, j;                 /* the entries, the next one */
	size_t first, n, k;           /* its records in the cache, the next one */
	struct rwindow win;           /* what it reads of the cache */
	bool cached;                  /* the cache knows the shard */
	const char *key;              /* the next entry's id: what the heap orders */
	char kbuf[256];
};

struct merge {
	struct reg *r;
	struct rcache *c;             /* NULL: records are parsed */
	git_tree *tree, *clients;
	struct cursor *cur;
	struct cursor **heap;
	size_t ncur, nheap;
	bool notes;                   /* decode the notes' times, authors, channels and next contacts */
};

static bool cursor_more(const struct cursor *u)
{
	return u->tree ? u->j < u->ne : u->k < u->n;
}

/* The id the next entry names; for a file that is no record, its name up
 * to the first dot, so that it comes where a person looks for it. */
static void cursor_key(struct merge *m, struct cursor *u)
{
	if (!cursor_more(u))
		return;
	if (u->tree) {
		const char *name = git_tree_entry_name(u->ents[u->j]);
		size_t len = strcspn(name, ".");

		if (len >= sizeof(u->kbuf))
			len = sizeof(u->kbuf) - 1;
		memcpy(u->kbuf, name, len);
		u->kbuf[len] = '\0';
		u->key = u->kbuf;
	} else {
		const unsigned char *data;
		size_t len;

		rcache_rec_read(m->c, u->first + u->k, &u->win, &u->key, &data, &len);
	}
}

/* Ids are unique in a well-formed register; a stray file under another
 * shard may share one, and then the shards' order decides. */
static bool cursor_before(const struct cursor *a, const struct cursor *b)
{
	int c = strcmp(a->key, b->key);

	return c ? c < 0 : strcmp(a->sname, b->sname) < 0;
}

static void heap_down(struct merge *m, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, best = i;
		struct cursor *t;

		if (l < m->nheap && cursor_before(m->heap[l], m->heap[best]))
			best = l;
		if (l + 1 < m->nheap && cursor_before(m->heap[l + 1], m->heap[best]))
			best = l + 1;
		if (best == i)
			return;
		t = m->heap[i];
		m->heap[i] = m->heap[best];
		m->heap[best] = t;
		i = best;
	}
}

/* Open a cursor on every shard directory of clients/ at the tip. */
static int merge_open(struct merge *m)
{
	const git_tree_entry *ce;
	git_oid oid;
	size_t nc;
	int rc;

	if ((rc = reg_tip_tree(m->r, &oid, &m->tree)))
		return rc == PREG_ENOTFOUND ? 0 : rc;
	ce = git_tree_entry_byname(m->tree, "clients");
	if (!ce || git_tree_entry_type(ce) != GIT_OBJECT_TREE)
		return 0;
	if (git_tree_lookup(&m->clients, m->r->repo, git_tree_entry_id(ce)))
		return reg_git_error(PREG_ERR, "cannot read clients/");
	nc = git_tree_entrycount(m->clients);
	m->cur = xcalloc(nc + 1, sizeof(*m->cur));
	m->heap = xcalloc(nc + 1, sizeof(*m->heap));
	for (size_t i = 0; i < nc; i++) {
		const git_tree_entry *se = git_tree_entry_byindex(m->clients, i);
		struct cursor *u = &m->cur[m->ncur];
		bool same = false;

		if (git_tree_entry_type(se) != GIT_OBJECT_TREE)
			continue;
		m->ncur++;
		u->sname = git_tree_entry_name(se);
		u->soid = git_tree_entry_id(se)->id;
		u->cached = m->c && strlen(u->sname) < 8 &&
			    rcache_shard(m->c, u->sname, u->soid, &u->first, &u->n, &same);
		if (!u->cached || !same) {
			if (git_tree_lookup(&u->tree, m->r->repo, git_tree_entry_id(se)))
				return reg_git_error(PREG_ERR, "cannot read clients/%s/", u->sname);
			u->ents = entries_by_id(u->tree, &u->ne);
		}
		if (cursor_more(u)) {
			cursor_key(m, u);
			m->heap[m->nheap++] = u;
		}
	}
	for (size_t i = m->nheap / 2; i-- > 0;)
		heap_down(m, i);
	return 0;
}

static void merge_close(struct merge *m)
{
	for (size_t i = 0; i < m->ncur; i++) {
		free(m->cur[i].ents);
		git_tree_free(m->cur[i].tree);
		rwindow_release(&m->cur[i].win);
	}
	free(m->cur);
	free(m->heap);
	git_tree_free(m->clients);
	git_tree_free(m->tree);
}

/* The cursor has handed out its entry: on to the next one. */
static void merge_next(struct merge *m, struct cursor *u)
{
	if (u->tree)
		u->j++;
	else
		u->k++;
	if (cursor_more(u)) {
		cursor_key(m, u);
	} else {
		m->heap[0] = m->heap[--m->nheap];
	}
	heap_down(m, 0);
}

/* The record of tree entry fe from the cache when its blob is there
 * (the cached records of a shard are in id order too, so u->k only goes
 * forward), else NULL. */
static struct record *cursor_cached(struct merge *m, struct cursor *u, const git_tree_entry *fe,
				    const char *id, struct record *rec, struct rscratch *scratch)
{
	while (u->cached && u->k < u->n) {
		const unsigned char *data, *e;
		const char *cid;
		size_t len;
		int cmp;

		e = rcache_rec_read(m->c, u->first + u->k, &u->win, &cid, &data, &len);
		cmp = strcmp(cid, id);
		if (cmp < 0) {
			u->k++;
			continue;
		}
		if (!cmp && !memcmp(e, git_tree_entry_id(fe)->id, RCACHE_OID) &&
		    !rcache_decode(rec, scratch, data, len, m->notes))
			return rec;
		break;
	}
	return NULL;
}

/* Hand every record to cb in id order: from the cache where it has the
 * record's blob (m->c set), else parsed; with ids_only, nothing read. */
static int merge_run(struct merge *m, bool ids_only, reg_each_fn cb, void *arg)
{
	struct rscratch scratch = { NULL, 0 };
	struct record rec;
	int rc = merge_open(m);

	while (!rc && m->nheap) {
		struct cursor *u = m->heap[0];

		if (!u->tree) {
			const unsigned char *data;
			const char *id;
			size_t len, sl = strlen(u->sname), il;
			char path[256];

			rcache_rec_read(m->c, u->first + u->k, &u->win, &id, &data, &len);
			if (rcache_decode(&rec, &scratch, data, len, m->notes)) {
				rc = reg_git_error(PREG_ERR, "cannot decode the record cache"); /* checksummed: never */
				break;
			}
			/* "clients/SHARD/ID.yaml": ids and shards are short. */
			il = strlen(rec.id);
			if (sl + il + 14 > sizeof(path)) {
				rc = reg_git_error(PREG_ERR, "cannot decode the record cache");
				break;
			}
			memcpy(path, "clients/", 8);
			memcpy(path + 8, u->sname, sl);
			path[8 + sl] = '/';
			memcpy(path + 9 + sl, rec.id, il);
			memcpy(path + 9 + sl + il, ".yaml", 6);
			rc = cb(arg, rec.id, path, &rec);
		} else {
			const git_tree_entry *fe = u->ents[u->j];
			struct record *got = NULL, *parsed = NULL;
			git_blob *b = NULL;
			char path[256], *id;

			if (!entry_id(reg_layout(m->r), u->sname, fe, path, &id))
				rc = cb(arg, NULL, path, NULL);
			else if (ids_only)
				rc = cb(arg, id, path, NULL);
			else {
				got = m->c ? cursor_cached(m, u, fe, id, &rec, &scratch) : NULL;
				if (!got)
					got = parsed = entry_record(m->r->repo, fe, path, id, &b);
				rc = cb(arg, id, path, got);
			}
			record_free(parsed);
			git_blob_free(b);
			free(id);
		}
		merge_next(m, u);
	}
	rscratch_release(&scratch);
	merge_close(m);
	return rc;
}

/*
 * Every record in id order, read from its blob (an export, review, a
 * reassign, find --notes): in layout 2 the ids of one shard are spread over
 * the whole pack, so the walk reads the pack at random. With the 16 MB
 * windows under the 40 MB limit that reg_lib_init sets for the reports (a
 * 60 MB pack at 100,000 clients), a third of the reads mapped a 16 MB
 * window again and unmapped another with the pages touched in it:
 * `preg export` of 100,000 clients took 29 s of CPU, 12 of them the kernel
 * tearing windows down. Keeping the whole pack mapped (a 1 GB limit) took
 * that away but kept the pages read resident: 80 MB at the peak. For this
 * walk the windows are small instead (a window mapped again is a page or
 * two), under a lower limit: at 100,000 clients the same CPU time as the
 * whole pack mapped, 0.15 s of it the kernel's, and a peak RSS of 53 MB
 * (`client list` with PREG_NO_CACHE=1; 61 MB with the 40 MB limit, 45 MB
 * with 24 MB, where the windows began to be mapped again by the thousand).
 */
#define EACH_WINDOW_SIZE ((size_t)64 << 10)
#define EACH_MAPPED_LIMIT ((size_t)32 << 20)

int reg_each(struct reg *r, bool ids_only, reg_each_fn cb, void *arg)
{
	struct merge m = { r, NULL, NULL, NULL, NULL, NULL, 0, 0, false };
	size_t size = 0, limit = 0;
	int rc;

	if (!ids_only && !git_libgit2_opts(GIT_OPT_GET_MWINDOW_SIZE, &size) &&
	    !git_libgit2_opts(GIT_OPT_GET_MWINDOW_MAPPED_LIMIT, &limit)) {
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, EACH_WINDOW_SIZE);
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, EACH_MAPPED_LIMIT);
	} else
		size = 0;
	rc = merge_run(&m, ids_only, cb, arg);
	if (size) {
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, size);
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, limit);
	}
	return rc;
}

/* The files under clients/, collected to be read in id order. */
struct fentry {
	char *path;
	const char *name; /* in path: the file's name */
	git_oid oid;
};

struct walk {
	struct fentry *f;
	size_t n, cap;
};

static int walk_cb(const char *root, const git_tree_entry *e, void *payload)
{
	struct walk *w = payload;
	struct fentry *f;

	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		return 0;
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 256;
		w->f = xrealloc(w->f, w->cap * sizeof(*w->f));
	}
	f = &w->f[w->n++];
	f->path = xasprintf("clients/%s%s", root, git_tree_entry_name(e));
	f->name = f->path + strlen(f->path) - strlen(git_tree_entry_name(e));
	git_oid_cpy(&f->oid, git_tree_entry_id(e));
	return 0;
}

/* By the id a file's name gives (its name up to the first dot), then by
 * path: the order of reg_each whatever the layout. */
static int cmp_fentry(const void *a, const void *b)
{
	const struct fentry *x = a, *y = b;
	size_t lx = strcspn(x->name, "."), ly = strcspn(y->name, ".");
	int c = strncmp(x->name, y->name, lx < ly ? lx : ly);

	if (!c && lx != ly)
		c = lx < ly ? -1 : 1;
	return c ? c : strcmp(x->path, y->path);
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
	struct walk w = { NULL, 0, 0 };
	int rc;

	if (staged)
		return each_staged(r, cb, arg);
	if ((rc = reg_tip_tree(r, &oid, &tree)))
		return rc == PREG_ENOTFOUND ? 0 : rc;
	ce = git_tree_entry_byname(tree, "clients");
	if (ce && git_tree_entry_type(ce) == GIT_OBJECT_TREE) {
		if (git_tree_lookup(&clients, r->repo, git_tree_entry_id(ce)) ||
		    git_tree_walk(clients, GIT_TREEWALK_PRE, walk_cb, &w))
			rc = reg_git_error(PREG_ERR, "cannot read clients/");
	}
	if (w.n)
		qsort(w.f, w.n, sizeof(*w.f), cmp_fentry);
	for (size_t i = 0; i < w.n && !rc; i++) {
		git_blob *b = NULL;

		if (git_blob_lookup(&b, r->repo, &w.f[i].oid))
			rc = reg_git_error(PREG_ERR, "cannot read %s", w.f[i].path);
		else
			rc = cb(arg, w.f[i].path, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
		git_blob_free(b);
	}
	for (size_t i = 0; i < w.n; i++)
		free(w.f[i].path);
	free(w.f);
	git_tree_free(clients);
	git_tree_free(tree);
	return rc;
}

/* ---- reading through the record cache ---- */

/* Call fn for each shard directory of clients/ at the tip, in tree order. */
typedef int (*shard_fn)(struct reg *r, const git_tree_entry *se, void *arg);

static int walk_shards(struct reg *r, shard_fn fn, void *arg)
{
	git_oid oid;
	git_tree *tree = NULL, *clients = NULL;
	const git_tree_entry *ce;
	int rc;

	if ((rc = reg_tip_tree(r, &oid, &tree)))
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

/* ---- reading ahead: the shards the cache does not know, on other threads ----
 *
 * With no cache (the first report of a clone, or after an upgrade) every
 * record is read from git and parsed: 90% of such a report, and each
 * shard's records can be parsed on their own. Worker threads, one per
 * processor, each with its own handle on the repository, take the shards
 * the cache does not know in tree order, a few ahead of the walk, and
 * parse and encode their records; the walk takes each shard's encodings in
 * turn, as if it had made them. A record a worker cannot parse cleanly
 * (an error, or a warning) is left to the walk, which parses it again and
 * says what it says, as without workers. */
#define AHEAD_MIN_SHARDS 8
#define AHEAD_MAX_THREADS 8
#define AHEAD_NONE SIZE_MAX
/* The pack windows while the workers read (see ahead_start). */
#define AHEAD_WINDOW_SIZE ((size_t)2 << 20)
#define AHEAD_MAPPED_LIMIT ((size_t)8 << 20)

struct ahead_shard {
	char name[8];
	git_oid tree;
	size_t ne;      /* its entries, in id order (0: the walk parses them) */
	size_t *off;    /* each one's encoding in enc, or AHEAD_NONE */
	size_t *len;
	struct buf enc;
	bool done;
};

struct ahead {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct ahead_shard *v;
	size_t n;
	size_t next;    /* the next shard for a worker */
	size_t taken;   /* the shards the walk is through with */
	size_t window;  /* how far ahead of the walk the workers go */
	bool stop;
	unsigned layout;
	char *gitdir;
	const struct rcache *cache; /* what it knows is not read ahead */
	pthread_t th[AHEAD_MAX_THREADS];
	int nth;
	size_t wsize, wlimit; /* libgit2's pack windows before (0: not changed) */
};

/* Parse and encode shard s's records, on a worker's repository handle. */
static void ahead_parse(const struct ahead *a, git_repository *repo, struct ahead_shard *s)
{
	git_tree *t = NULL;
	const git_tree_entry **ents;
	struct record *rec;
	char **w;
	size_t ne, nw;

	if (!repo || git_tree_lookup(&t, repo, &s->tree))
		return;
	ents = entries_by_id(t, &ne);
	s->off = xmalloc((ne + 1) * sizeof(*s->off));
	s->len = xmalloc((ne + 1) * sizeof(*s->len));
	for (size_t j = 0; j < ne; j++) {
		git_blob *b = NULL;
		char path[256];
		char *id = NULL;

		s->off[j] = AHEAD_NONE;
		s->len[j] = 0;
		rec = entry_id(a->layout, s->name, ents[j], path, &id) ? entry_record(repo, ents[j], path, id, &b)
								       : NULL;
		/* What the parse warned of is said by the walk's own parse. */
		nw = preg_warnings_take(&w);
		preg_warnings_free(w, nw);
		if (rec && nw == 0) {
			s->off[j] = s->enc.len;
			rcache_encode(&s->enc, rec);
			s->len[j] = s->enc.len - s->off[j];
		}
		record_free(rec);
		git_blob_free(b);
		free(id);
	}
	preg_error_clear();
	s->ne = ne;
	free(ents);
	git_tree_free(t);
}

static void *ahead_worker(void *arg)
{
	struct ahead *a = arg;
	git_repository *repo = NULL;
	char **w;
	size_t nw;

	if (git_repository_open_ext(&repo, a->gitdir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL))
		repo = NULL;
	pthread_mutex_lock(&a->mu);
	for (;;) {
		struct ahead_shard *s;

		while (!a->stop && a->next < a->n && a->next >= a->taken + a->window)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->stop || a->next >= a->n)
			break;
		s = &a->v[a->next++];
		pthread_mutex_unlock(&a->mu);
		ahead_parse(a, repo, s);
		pthread_mutex_lock(&a->mu);
		s->done = true;
		pthread_cond_broadcast(&a->cv);
	}
	pthread_mutex_unlock(&a->mu);
	git_repository_free(repo);
	nw = preg_warnings_take(&w);
	preg_warnings_free(w, nw);
	preg_error_clear();
	return NULL;
}

/* One shard for the workers, unless the cache knows it (walk_shards). */
static int ahead_add(struct reg *r, const git_tree_entry *se, void *arg)
{
	struct ahead *a = arg;
	const char *name = git_tree_entry_name(se);
	struct ahead_shard *s;

	(void)r;
	if (strlen(name) >= sizeof(s->name) || rcache_has_shard(a->cache, name))
		return 0;
	if (a->n % 64 == 0)
		a->v = xrealloc(a->v, (a->n + 64) * sizeof(*a->v));
	s = &a->v[a->n++];
	memset(s, 0, sizeof(*s));
	memcpy(s->name, name, strlen(name) + 1);
	git_oid_cpy(&s->tree, git_tree_entry_id(se));
	return 0;
}

/* Start the workers on the shards at the tip that c does not know, when
 * there are enough of them to be worth it; NULL otherwise. */
static struct ahead *ahead_start(struct reg *r, const struct rcache *c)
{
	struct ahead *a;
	cpu_set_t cpus;
	/* The processors this process may run on (taskset, a container's
	 * share), not all the machine has. */
	long ncpu = sched_getaffinity(0, sizeof(cpus), &cpus) ? 1 : CPU_COUNT(&cpus);

	if (ncpu < 2)
		return NULL;
	a = xcalloc(1, sizeof(*a));
	a->cache = c;
	if (walk_shards(r, ahead_add, a) || a->n < AHEAD_MIN_SHARDS) {
		preg_error_clear();
		free(a->v);
		free(a);
		return NULL;
	}
	a->layout = reg_layout(r);
	a->gitdir = xstrdup(r->gitdir);
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	/* Each worker maps the pack on its own, and libgit2 lets no window in
	 * use go, whatever its limit: with preg's 16 MB windows under 40 MB,
	 * a third window came now and then, and the peak RSS of a cold
	 * report of 100,000 clients was 51 to 70 MB. 2 MB windows under 8 MB:
	 * 43 to 45 MB, in the same time (5 runs each). */
	if (!git_libgit2_opts(GIT_OPT_GET_MWINDOW_SIZE, &a->wsize) &&
	    !git_libgit2_opts(GIT_OPT_GET_MWINDOW_MAPPED_LIMIT, &a->wlimit)) {
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, AHEAD_WINDOW_SIZE);
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, AHEAD_MAPPED_LIMIT);
	} else {
		a->wsize = 0;
	}
	/* Set before any worker reads it. */
	a->window = 2 * (size_t)(ncpu < AHEAD_MAX_THREADS ? ncpu : AHEAD_MAX_THREADS);
	/* glibc gives each thread a heap (arena) of its own, which keeps what
	 * a thread freed: at 100,000 clients 18 MB more at the peak than one
	 * thread alone. Two workers to an arena cost no time there. */
	mallopt(M_ARENA_MAX, 1 + (int)((a->window / 2 + 1) / 2));
	for (long t = 0; t < ncpu && t < AHEAD_MAX_THREADS; t++)
		if (!pthread_create(&a->th[a->nth], NULL, ahead_worker, a))
			a->nth++;
	return a;
}

/* The walk's next shard, when it is the workers' next one: wait for it. */
static struct ahead_shard *ahead_take(struct ahead *a, const char *name)
{
	struct ahead_shard *s;

	if (!a || !a->nth || a->taken >= a->n || strcmp(a->v[a->taken].name, name))
		return NULL;
	s = &a->v[a->taken];
	pthread_mutex_lock(&a->mu);
	while (!s->done)
		pthread_cond_wait(&a->cv, &a->mu);
	pthread_mutex_unlock(&a->mu);
	return s;
}

static void ahead_shard_release(struct ahead_shard *s)
{
	free(s->off);
	free(s->len);
	buf_release(&s->enc);
	s->off = s->len = NULL;
	s->ne = 0;
}

/* The walk is through with shard s: its memory goes, a worker goes on. */
static void ahead_done(struct ahead *a, struct ahead_shard *s)
{
	ahead_shard_release(s);
	pthread_mutex_lock(&a->mu);
	a->taken++;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

static void ahead_stop(struct ahead *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	a->stop = true;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	for (int t = 0; t < a->nth; t++)
		pthread_join(a->th[t], NULL);
	if (a->wsize) {
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, a->wsize);
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, a->wlimit);
	}
	for (size_t i = 0; i < a->n; i++)
		ahead_shard_release(&a->v[i]);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	free(a->v);
	free(a->gitdir);
	free(a);
}

/* The cache file is written shard after shard, in tree order, so it is
 * brought up to date first, and the records are then handed out from it
 * in id order (merge_run); or, for a caller that takes them in any order,
 * handed out as the shards go, each read once. One shard directory for
 * the next file: taken whole when its tree is the one cached, else record
 * by record (by blob id), parsing what is new. A shard with a record that
 * does not parse is never taken whole, so that the error is given every
 * time. */
struct each_cached {
	struct rcache *c;
	struct rcache_plan *plan;
	struct buf enc;
	struct rwindow win;          /* the shard's data in the cache */
	reg_each_fn cb;              /* set: hand the records out in shard order */
	void *arg;
	bool notes;
	struct rscratch scratch;
	struct record rec;
	struct ahead *ahead;         /* the shards read ahead (NULL: none) */
};

/* Hand out an encoding as a record: what a walk through the cache gives,
 * whether the record was in it or has just been parsed. */
static int give_encoded(struct each_cached *x, const char *id, const char *path, const unsigned char *data,
			size_t len)
{
	if (rcache_decode(&x->rec, &x->scratch, data, len, x->notes))
		return reg_git_error(PREG_ERR, "cannot decode the record cache"); /* checksummed: never */
	return x->cb(x->arg, id, path, &x->rec);
}

/* The records [first, first + n) of the cache, shard sname's in the tip. */
static int give_shard(struct each_cached *x, const char *sname, size_t first, size_t n)
{
	size_t sl = strlen(sname);
	int rc = 0;

	for (size_t k = 0; k < n && !rc; k++) {
		const unsigned char *data;
		const char *id;
		size_t len, il;
		char path[256];

		rcache_rec_read(x->c, first + k, &x->win, &id, &data, &len);
		/* "clients/SHARD/ID.yaml": ids and shards are short. */
		il = strlen(id);
		if (sl + il + 14 > sizeof(path))
			return reg_git_error(PREG_ERR, "cannot decode the record cache");
		memcpy(path, "clients/", 8);
		memcpy(path + 8, sname, sl);
		path[8 + sl] = '/';
		memcpy(path + 9 + sl, id, il);
		memcpy(path + 9 + sl + il, ".yaml", 6);
		rc = give_encoded(x, id, path, data, len);
	}
	return rc;
}

static int plan_shard(struct reg *r, const git_tree_entry *se, void *ctx)
{
	struct each_cached *x = ctx;
	struct rcache *c = x->c;
	struct rcache_plan *plan = x->plan;
	static const unsigned char none[RCACHE_OID];
	const char *sname = git_tree_entry_name(se);
	const unsigned char *soid = git_tree_entry_id(se)->id;
	size_t first = 0, n = 0, k = 0, ne;
	bool found, same = false, clean = true;
	git_tree *shard = NULL;
	const git_tree_entry **ents;
	struct ahead_shard *as = NULL;
	int rc = 0;

	found = strlen(sname) < 8 && (x->cb ? rcache_shard_read(c, sname, soid, &first, &n, &same, &x->win)
					    : rcache_shard(c, sname, soid, &first, &n, &same));
	rcache_plan_shard(plan, sname, soid);
	if (found && same) {
		rcache_plan_take(plan, first, n);
		return x->cb ? give_shard(x, sname, first, n) : 0;
	}
	rcache_plan_touch(plan);
	as = found ? NULL : ahead_take(x->ahead, sname);
	if (git_tree_lookup(&shard, r->repo, git_tree_entry_id(se))) {
		if (as)
			ahead_done(x->ahead, as);
		return reg_git_error(PREG_ERR, "cannot read clients/%s/", sname);
	}
	ents = entries_by_id(shard, &ne);
	if (as && (as->ne != ne || !git_oid_equal(&as->tree, git_tree_entry_id(se))))
		ahead_shard_release(as); /* not the same shard: parsed here */
	for (size_t j = 0; j < ne && !rc; j++) {
		const git_tree_entry *fe = ents[j];
		char path[256];
		char *id;
		struct record *parsed = NULL;
		git_blob *b = NULL;
		bool hit = false;

		if (!entry_id(reg_layout(r), sname, fe, path, &id)) {
			clean = false;
			if (x->cb)
				rc = x->cb(x->arg, NULL, path, NULL);
			continue;
		}
		/* The cached records of the shard are in id order too. */
		while (found && k < n) {
			const unsigned char *data, *e;
			const char *cid;
			size_t len;
			int cmp;

			e = x->cb ? rcache_rec_read(c, first + k, &x->win, &cid, &data, &len)
				  : rcache_rec(c, first + k, &cid, &data, &len);
			cmp = strcmp(cid, id);
			if (cmp < 0) {
				k++;
				continue;
			}
			if (!cmp && !memcmp(e, git_tree_entry_id(fe)->id, RCACHE_OID)) {
				rcache_plan_keep(plan, first + k);
				hit = true;
				if (x->cb)
					rc = give_encoded(x, id, path, data, len);
			}
			break;
		}
		if (!hit && as && j < as->ne && as->off[j] != AHEAD_NONE) {
			/* Parsed and encoded ahead. */
			const unsigned char *enc = (const unsigned char *)as->enc.p + as->off[j];

			rcache_plan_add(plan, git_tree_entry_id(fe)->id, id, enc, as->len[j]);
			if (x->cb)
				rc = give_encoded(x, id, path, enc, as->len[j]);
		} else if (!hit && (parsed = entry_record(r->repo, fe, path, id, &b))) {
			x->enc.len = 0;
			rcache_encode(&x->enc, parsed);
			rcache_plan_add(plan, git_tree_entry_id(fe)->id, id, x->enc.p, x->enc.len);
			if (x->cb)
				rc = give_encoded(x, id, path, (const unsigned char *)x->enc.p, x->enc.len);
		} else if (!hit) {
			clean = false;
			if (x->cb)
				rc = x->cb(x->arg, id, path, NULL);
		}
		record_free(parsed);
		git_blob_free(b);
		free(id);
	}
	free(ents);
	git_tree_free(shard);
	if (as)
		ahead_done(x->ahead, as);
	if (!clean) {
		/* Never taken whole: a zero tree id matches no tree. */
		rcache_plan_shard_oid(plan, none);
	}
	return rc;
}

static int each_summary(struct reg *r, bool notes, bool any_order, reg_each_fn cb, void *arg)
{
	struct each_cached x = { NULL, NULL, BUF_INIT, { NULL, 0, 0, 0 }, NULL, NULL, notes, { NULL, 0 }, { 0 }, NULL };
	struct merge m = { r, NULL, NULL, NULL, NULL, NULL, 0, 0, notes };
	char *dir, *path;
	int rc;

	if (getenv("PREG_NO_CACHE") && *getenv("PREG_NO_CACHE"))
		return reg_each(r, false, cb, arg);
	if (any_order) {
		x.cb = cb;
		x.arg = arg;
	}
	dir = xasprintf("%spreg-cache", r->gitdir);
	path = xasprintf("%s/records", dir);
	x.c = rcache_load(path);
	/* Best effort: a register we may only read goes on without a cache. */
	if (mkdir(dir, 0777) && errno != EEXIST)
		errno = 0;
	x.plan = rcache_plan_new(x.c, path);
	x.ahead = ahead_start(r, x.c);
	rc = walk_shards(r, plan_shard, &x);
	ahead_stop(x.ahead);
	if (!rc && any_order) {
		/* Every record has been handed out: the file is for the next walk. */
		if (rcache_plan_changed(x.plan))
			(void)rcache_plan_save(x.plan);
	} else if (!rc && rcache_plan_changed(x.plan) && !rcache_plan_save(x.plan)) {
		/* The new file holds every record that parses. */
		rcache_plan_free(x.plan);
		x.plan = NULL;
		rcache_free(x.c);
		x.c = rcache_load(path);
	}
	rcache_plan_free(x.plan);
	/* Unsaved (a register we may only read), records not in the loaded
	 * cache are parsed again: the price of not writing. */
	m.c = x.c;
	if (!rc && !any_order)
		rc = merge_run(&m, false, cb, arg);
	rcache_free(x.c);
	rwindow_release(&x.win);
	rscratch_release(&x.scratch);
	buf_release(&x.enc);
	free(dir);
	free(path);
	return rc;
}

int reg_each_summary(struct reg *r, reg_each_fn cb, void *arg)
{
	return each_summary(r, false, false, cb, arg);
}

int reg_each_summary_notes(struct reg *r, reg_each_fn cb, void *arg)
{
	return each_summary(r, true, false, cb, arg);
}

int reg_each_summary_any(struct reg *r, bool notes, reg_each_fn cb, void *arg)
{
	return each_summary(r, notes, true, cb, arg);
}
