/* register_read: the records at the tip, read directly or through the
 * record cache (see register.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
static bool entry_id(struct reg *r, const char *sname, const git_tree_entry *fe, char path[256], char **id)
{
	snprintf(path, 256, "clients/%s/%s", sname, git_tree_entry_name(fe));
	*id = layout_id(reg_layout(r), path);
	if (*id && git_tree_entry_type(fe) == GIT_OBJECT_BLOB)
		return true;
	free(*id);
	*id = NULL;
	preg_error_set(PREG_EINVAL,
		       "%s: not a client record (expected %s)", path, layout_pattern(reg_layout(r)));
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
		reg_parse_blob(*b, path, id, &rec, NULL, true);
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

		if (!entry_id(r, sname, ents[j], path, &id))
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
	if ((rc = reg_tip_tree(r, &oid, &tree)))
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
	bool notes; /* decode the notes' times, authors, channels and next contacts */
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
			if (rcache_decode(&rec, scratch, data, len, x->notes))
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

		if (!entry_id(r, sname, fe, path, &id)) {
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
			    !rcache_decode(&rec, scratch, data, len, x->notes)) {
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

static int each_summary(struct reg *r, bool notes, reg_each_fn cb, void *arg)
{
	struct each_cached x = { NULL, NULL, { NULL, 0 }, BUF_INIT, cb, arg, notes };
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

int reg_each_summary(struct reg *r, reg_each_fn cb, void *arg)
{
	return each_summary(r, false, cb, arg);
}

int reg_each_summary_notes(struct reg *r, reg_each_fn cb, void *arg)
{
	return each_summary(r, true, cb, arg);
}
