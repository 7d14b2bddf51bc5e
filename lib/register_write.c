/* register_write: the write path of the register (SPEC §7): transactions,
 * the commit and its trailers, the work tree and index after it, the
 * branch move, the lock; and what sync uses of it (see register.h and
 * register_priv.h). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include "err.h"
#include "layout.h"
#include "logidx.h"
#include "register_priv.h"
#include "slug.h"
#include "xalloc.h"

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
	path = reg_record_path(t->reg, id);
	rc = reg_tree_blob(t->reg, t->tree, path, &b, NULL);
	if (rc == PREG_ENOTFOUND)
		rc = preg_error_set(PREG_ENOTFOUND, "client '%s' not found", id);
	else if (!rc)
		rc = reg_parse_blob(b, path, id, out, &comment, false);
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
	char *path = reg_record_path(t->reg, id);
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

static void edit_free(struct edit *e)
{
	free(e->data);
	free(e->src);
}

/* Stage e (its strings t's from now on): it replaces what its path had. */
static void stage_edit(struct txn *t, struct edit *e)
{
	void *at;

	if (strmap_get(&t->where, e->path, &at)) {
		struct edit *old = &t->edits[(uintptr_t)at - 1];
		char *path = old->path; /* the map's key */

		edit_free(old);
		free(e->path);
		*old = *e;
		old->path = path;
		return;
	}
	strmap_put(&t->where, e->path, (void *)(uintptr_t)(t->nedits + 1));
	t->edits = xgrow(t->edits, &t->cap, t->nedits + 1, sizeof(*t->edits));
	t->edits[t->nedits++] = *e;
}

static void stage(struct txn *t, char *path, char *data, size_t len)
{
	struct edit e;

	memset(&e, 0, sizeof(e));
	e.path = path;
	e.data = data;
	e.len = len;
	stage_edit(t, &e);
}

void txn_put(struct txn *t, const struct record *rec)
{
	struct buf b = BUF_INIT;
	size_t len;

	record_write(&b, rec);
	len = b.len;
	stage(t, reg_record_path(t->reg, rec->id), buf_detach(&b), len);
}

void txn_put_file(struct txn *t, const char *path, const char *data, size_t len)
{
	stage(t, xstrdup(path), xstrndup(data, len), len);
}

void txn_remove(struct txn *t, const char *id)
{
	stage(t, reg_record_path(t->reg, id), NULL, 0);
}

void txn_move(struct txn *t, const char *from, const char *to, const struct reg_oid *blob)
{
	struct edit e;

	if (!strcmp(from, to))
		return;
	stage(t, xstrdup(from), NULL, 0);
	memset(&e, 0, sizeof(e));
	e.path = xstrdup(to);
	e.by_blob = true;
	e.blob = *blob;
	e.src = xstrdup(from);
	stage_edit(t, &e);
}

void txn_message(struct txn *t, const char *summary, const char *action, const char *phase)
{
	free(t->action);
	t->action = xstrdup(action);
	buf_reset(&t->summary);
	buf_adds(&t->summary, summary);
	buf_reset(&t->trailers);
	if (phase)
		buf_addf(&t->trailers, "Preg-Phase: %s\n", phase);
}

void txn_trailer(struct txn *t, const char *key, const char *value)
{
	buf_addf(&t->trailers, "%s: %s\n", key, value);
}

int txn_tip(const struct txn *t, struct reg_oid *out)
{
	if (!t->born)
		return PREG_ENOTFOUND;
	memcpy(out, &t->tip, sizeof(*out));
	return 0;
}

static void txn_clear(struct txn *t)
{
	for (size_t i = 0; i < t->nedits; i++) {
		free(t->edits[i].path);
		edit_free(&t->edits[i]);
	}
	free(t->edits);
	t->edits = NULL;
	t->nedits = t->cap = 0;
	strmap_release(&t->where);
	git_tree_free(t->tree);
	t->tree = NULL;
	free(t->action);
	t->action = NULL;
	buf_release(&t->summary);
	buf_release(&t->trailers);
}

static int check_clean(struct txn *t, const struct edit *e)
{
	return reg_path_clean(t->reg, t->tree, e->path);
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
	rc = reg_tip_tree(r, &t.tip, &t.tree);
	if (rc == PREG_ENOTFOUND)
		rc = preg_error_set(PREG_ENOTFOUND, "client '%s' not found", id);
	if (rc)
		return rc;
	if (!(rc = txn_read(&t, id, &rec))) {
		path = reg_record_path(r, id);
		rc = reg_path_clean(r, t.tree, path);
		free(path);
	}
	record_free(rec);
	git_tree_free(t.tree);
	return rc;
}

/* Objects written for a bulk write (an import of 100,000 records) go into
 * one pack instead of a loose file each: a loose object costs two fsyncs
 * and several opens, which made such an import take minutes. The write
 * is a batch of one commit (register_pack.c): its objects are kept in
 * memory and written as one pack, with no delta search, before the
 * branch moves. */
#define BULK_EDITS 256

/* The git signature of s, or of reg_identity at when. */
static int signature(struct reg *r, const struct reg_sig *s, const struct ptime *when, git_signature **out)
{
	char *name = NULL, *email = NULL;
	int rc = 0;

	if (s)
		rc = git_signature_new(out, s->name, s->email, s->time, s->offset);
	else if (!(rc = reg_identity(r, &name, &email)))
		rc = git_signature_new(out, name, email, when->t, when->off);
	else
		return rc;
	free(name);
	free(email);
	return rc ? reg_git_error(PREG_ERR, "cannot make the commit signature") : 0;
}

/* The ids of the records a commit changes, from the trees. */
struct idlist {
	char **v;
	size_t n, cap;
};

static int add_client(void *arg, const char *path, const struct reg_oid *old, const struct reg_oid *new)
{
	struct idlist *l = arg;
	char *id = layout_id_any(path);

	(void)old;
	(void)new;
	if (id) {
		l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
		l->v[l->n++] = id;
	}
	return 0;
}

static int by_id(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* " ID" each, in id order, once: the order does not depend on the layout,
 * and a record an upgrade moves (removed at one path, added at another)
 * is one change. */
static void ids_text(struct idlist *l, struct buf *out)
{
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), by_id);
	for (size_t i = 0; i < l->n; i++)
		if (!i || strcmp(l->v[i], l->v[i - 1]))
			buf_addf(out, " %s", l->v[i]);
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The message of a commit from base to tree, as struct reg_desc says. */
static int describe(git_repository *repo, git_tree *base, git_tree *tree, const struct reg_desc *d,
		    struct buf *msg)
{
	struct buf ids = BUF_INIT;
	struct idlist l = { 0 };
	size_t len = strlen(d->text);
	int rc;

	rc = reg_diff_repo(repo, base, tree, add_client, &l);
	ids_text(&l, &ids);
	if (rc)
		goto out;
	if (d->clients)
		buf_add(d->clients, ids.p, ids.len);
	if (!d->action) {
		buf_adds(msg, d->text);
		goto out;
	}
	while (len && d->text[len - 1] == '\n')
		len--;
	buf_add(msg, d->text, len);
	buf_adds(msg, "\n\n");
	for (const char *p = buf_str(&ids); *p;) {
		size_t n = strcspn(p + 1, " ");

		buf_addf(msg, "Preg-Client: %.*s\n", (int)n, p + 1);
		p += n + 1;
	}
	buf_addf(msg, "Preg-Action: %s\n", d->action);
	if (d->trailers)
		buf_adds(msg, d->trailers);
	if (d->user)
		buf_addf(msg, "Preg-User: %s\n", d->user);
out:
	buf_release(&ids);
	return rc;
}

int reg_commit_make(struct reg *r, const struct reg_oid *parent, const struct reg_tree *base,
		    const struct reg_change *ch, size_t n, const struct reg_desc *d, struct reg_oid *out,
		    struct reg_tree **tree_out)
{
	git_repository *repo;
	bool bulk = false;
	git_tree_update *ups = xcalloc(n + 1, sizeof(*ups));
	git_oid tree_oid;
	git_tree *newtree = NULL;
	git_commit *pc = NULL;
	git_signature *author = NULL, *committer = NULL;
	struct buf msg = BUF_INIT;
	int rc = 0;

	if (tree_out)
		*tree_out = NULL;
	/* In a batch the objects go to memory already (register_pack.c). */
	if (n >= BULK_EDITS && !r->mem) {
		if ((rc = reg_batch_begin(r)))
			goto out;
		bulk = true;
	}
	repo = r->repo;
	for (size_t i = 0; i < n; i++) {
		ups[i].path = ch[i].path;
		if (ch[i].blob) {
			ups[i].action = GIT_TREE_UPDATE_UPSERT;
			ups[i].filemode = GIT_FILEMODE_BLOB;
			git_oid_cpy(&ups[i].id, GOID(ch[i].blob));
		} else if (ch[i].data) {
			/* In a batch, straight into memory: the object database
			 * would look for each new blob in the packs on disk
			 * first, rescanning their directory each time. */
			if (r->mem ? reg_batch_blob(r, &ups[i].id, ch[i].data, ch[i].len)
				   : git_blob_create_from_buffer(&ups[i].id, repo, ch[i].data, ch[i].len)) {
				rc = reg_write_err(r, "cannot write objects");
				goto out;
			}
			if (ch[i].made)
				git_oid_cpy((git_oid *)ch[i].made, &ups[i].id);
			ups[i].action = GIT_TREE_UPDATE_UPSERT;
			ups[i].filemode = GIT_FILEMODE_BLOB;
		} else {
			ups[i].action = GIT_TREE_UPDATE_REMOVE;
		}
	}
	/* A first commit builds on no tree at all (libgit2 takes NULL). */
	if (git_tree_create_updated(&tree_oid, repo, GTREE(base), n, ups) ||
	    git_tree_lookup(&newtree, repo, &tree_oid)) {
		rc = reg_write_err(r, "cannot write objects");
		goto out;
	}
	if (base && git_oid_equal(&tree_oid, git_tree_id(GTREE(base)))) {
		rc = REG_UNCHANGED;
		goto out;
	}
	if ((rc = signature(r, d->author, d->when, &author)) ||
	    (rc = signature(r, d->committer ? d->committer : d->author, d->when, &committer)))
		goto out;
	if (parent && git_commit_lookup(&pc, repo, GOID(parent))) {
		rc = reg_git_error(PREG_ERR, "cannot read commit %s", git_oid_tostr_s(GOID(parent)));
		goto out;
	}
	if ((rc = describe(repo, GTREE(base), newtree, d, &msg)))
		goto out;
	if (git_commit_create((git_oid *)out, repo, NULL, author, committer, NULL, buf_str(&msg), newtree,
			      parent ? 1 : 0, (const git_commit **)&pc))
		rc = reg_write_err(r, "cannot write the commit");
	if (bulk) {
		int end;

		/* Objects of the batch's handle go before it does. */
		git_tree_free(newtree);
		git_commit_free(pc);
		newtree = NULL;
		pc = NULL;
		end = reg_batch_end(r, !rc);

		bulk = false;
		rc = rc ? rc : end;
	}
	if (!rc && tree_out && git_tree_lookup((git_tree **)tree_out, r->repo, &tree_oid))
		rc = reg_git_error(PREG_ERR, "cannot read the new tree");
out:
	buf_release(&msg);
	git_commit_free(pc);
	git_signature_free(author);
	git_signature_free(committer);
	git_tree_free(newtree);
	free(ups);
	if (bulk)
		reg_batch_end(r, false); /* nothing of it reaches the disk */
	return rc;
}

/* Build the commit of t on its tip; clients gets the records it changes. */
static int build_commit(struct txn *t, git_oid *out, struct buf *clients)
{
	struct reg_change *ch = xcalloc(t->nedits + 1, sizeof(*ch));
	struct reg_desc d;
	int rc;

	memset(&d, 0, sizeof(d));
	for (size_t i = 0; i < t->nedits; i++) {
		ch[i].path = t->edits[i].path;
		ch[i].data = t->edits[i].data;
		ch[i].len = t->edits[i].len;
		ch[i].blob = t->edits[i].by_blob ? &t->edits[i].blob : NULL;
		/* The work tree's index entries take the ids made here: hashed
		 * once, not again for each of 100,000 files. */
		ch[i].made = !t->edits[i].by_blob && t->edits[i].data ? &t->edits[i].blob : NULL;
		t->edits[i].hashed = false;
	}
	d.text = buf_str(&t->summary);
	d.action = t->action;
	d.trailers = buf_str(&t->trailers);
	d.user = t->reg->user;
	d.when = &t->t;
	d.clients = clients;
	rc = reg_commit_make(t->reg, t->born ? ROID(&t->tip) : NULL, (const struct reg_tree *)t->tree, ch,
			     t->nedits, &d, (struct reg_oid *)out, NULL);
	for (size_t i = 0; !rc && i < t->nedits; i++)
		t->edits[i].hashed = ch[i].made != NULL;
	free(ch);
	return rc;
}

static int by_put_path(const void *a, const void *b)
{
	return strcmp(((const struct reg_put *)a)->rel, ((const struct reg_put *)b)->rel);
}

/* The index entries of a write that changes records already there, set in
 * the index file itself (register_index.c): 0; 1 when it is libgit2's to
 * do (a new or removed path, a move, an index it cannot patch). */
static int index_in_place(struct txn *t)
{
	struct reg_ixset *v;
	int rc;

	for (size_t i = 0; i < t->nedits; i++)
		if (t->edits[i].by_blob || !t->edits[i].data)
			return 1;
	v = xcalloc(t->nedits + 1, sizeof(*v));
	for (size_t i = 0; i < t->nedits; i++) {
		const struct edit *e = &t->edits[i];

		v[i].path = e->path;
		if (e->hashed)
			git_oid_cpy(&v[i].oid, GOID(&e->blob));
		else
			git_odb_hash(&v[i].oid, e->data, e->len, GIT_OBJECT_BLOB);
		v[i].has_st = reg_work_stat(t->reg, e->path, &v[i].st) && S_ISREG(v[i].st.st_mode);
	}
	rc = reg_ix_patch(t->reg, v, t->nedits);
	free(v);
	return rc;
}

/* SPEC §7 step 7: the work-tree files, then their index entries alone. */
static int apply_worktree(struct txn *t)
{
	struct reg *r = t->reg;
	git_index *idx = NULL;
	struct reg_put *puts = NULL;
	size_t nputs = 0;
	int rc = 0;

	/* Many files: one syncfs instead of two fsyncs each. Until it is
	 * done the journal names them all, and the next write heals. */
	r->batch = t->nedits >= BULK_EDITS;
	/* Moved files first: their old paths are among the removals. */
	for (size_t i = 0; i < t->nedits && !rc; i++) {
		const struct edit *e = &t->edits[i];

		if (e->by_blob)
			rc = reg_file_place(r, e->path, GOID(&e->blob), e->src);
	}
	/* A batch's new files on several threads (reg_files_put), before
	 * the removals: a directory a removal empties goes, and none of them
	 * must go with a file still to be written into it. */
	if (r->batch) {
		puts = xcalloc(t->nedits + 1, sizeof(*puts));
		for (size_t i = 0; i < t->nedits; i++)
			if (!t->edits[i].by_blob && t->edits[i].data) {
				puts[nputs].rel = t->edits[i].path;
				puts[nputs].id = t->edits[i].hashed ? GOID(&t->edits[i].blob) : NULL;
				puts[nputs].data = t->edits[i].data;
				puts[nputs++].len = t->edits[i].len;
			}
		qsort(puts, nputs, sizeof(*puts), by_put_path);
		if (!rc)
			rc = reg_files_put(r, puts, nputs);
	}
	for (size_t i = 0; i < t->nedits && !rc; i++) {
		const struct edit *e = &t->edits[i];

		if (e->by_blob || (r->batch && e->data))
			continue;
		rc = e->data ? reg_file_write(r, e->path, e->data, e->len) : reg_file_remove(r, e->path);
	}
	if (r->batch) {
		int fd = open(r->workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (!rc && (fd < 0 || syncfs(fd)))
			rc = reg_ioerr(r, "sync", "the work tree");
		if (fd >= 0)
			close(fd);
		r->batch = false;
	}
	if (rc || (!puts && index_in_place(t) == 0))
		goto out;
	if ((rc = reg_index_get(r, &idx)))
		goto out;
	for (size_t i = 0; i < t->nedits && !rc; i++) {
		const struct edit *e = &t->edits[i];
		git_oid oid;

		if (e->by_blob) {
			rc = reg_index_set(r, idx, e->path, GOID(&e->blob));
		} else if (e->data && !puts) {
			if (!e->hashed)
				git_odb_hash(&oid, e->data, e->len, GIT_OBJECT_BLOB);
			rc = reg_index_set(r, idx, e->path, e->hashed ? GOID(&e->blob) : &oid);
		} else if (!e->data) {
			git_index_remove(idx, e->path, 0);
		}
	}
	/* The stat data of a batch's files came with their writing. */
	for (size_t i = 0; i < nputs && !rc; i++) {
		git_oid oid;

		if (!puts[i].id)
			git_odb_hash(&oid, puts[i].data, puts[i].len, GIT_OBJECT_BLOB);
		rc = reg_index_set_stat(idx, puts[i].rel, puts[i].id ? puts[i].id : &oid,
					puts[i].placed ? &puts[i].st : NULL);
	}
	if (!rc)
		rc = reg_index_write(r, idx);
out:
	git_index_free(idx);
	free(puts);
	return rc;
}

/* The commit point (SPEC §7 step 6): name the paths of names in the
 * journal, then move the branch from old (NULL: unborn) to new with a
 * compare-and-swap on old. 0; PREG_EMODIFIED when the branch moved
 * meanwhile; PREG_EBUSY when a git process holds its lock; another code.
 * *prev gets the journal as it was (freed first); when the branch did not
 * move, the journal is put back. */
static int branch_move(struct reg *r, const git_oid *old, const git_oid *new, const struct buf *names,
		       const char *msg, char **prev)
{
	git_reference *ref = NULL;
	int rc;

	free(*prev);
	*prev = NULL;
	if ((rc = reg_journal_write(r, names, prev)))
		return rc;
	reg_marker_set(r);
	if (old)
		rc = git_reference_create_matching(&ref, r->repo, r->refname, new, 1, old, msg);
	else
		rc = git_reference_create(&ref, r->repo, r->refname, new, 0, msg);
	git_reference_free(ref);
	reg_marker_clear(r);
	if (!rc)
		return 0;
	reg_journal_restore(r, *prev); /* not committed: nothing new to heal */
	if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS)
		return preg_error_set(PREG_EMODIFIED, "the branch moved meanwhile");
	if (rc == GIT_ELOCKED)
		return preg_error_set(PREG_EBUSY,
				      "the branch is locked by another git process (.git/%s.lock); try again, or remove that file if no git is running",
				      r->refname);
	return reg_write_err(r, "cannot move the branch");
}

/* Take the lock and finish what an earlier write left (SPEC §7 step 2);
 * when that cannot be done now (git holds the index), the caller goes on
 * and the journal stays for the next. */
static int lock_and_heal(struct reg *r)
{
	int rc, left = 0;

	git_index *idx = NULL;

	if ((rc = reg_lock_clear(r)))
		return rc;
	/* An index that cannot be read is refused before anything is
	 * committed: after the commit, neither it nor the work tree could be
	 * brought up to it. Rebuilding it is doctor's, for the index may be
	 * one git can read and libgit2 cannot (a split index). */
	if (reg_ix_check(r)) {
		/* Not one to patch in place (register_index.c): libgit2 reads
		 * it, and says what is wrong. */
		if ((rc = reg_index_get(r, &idx))) {
			reg_funlock(r);
			return rc;
		}
		git_index_free(idx);
	}
	r->heal_said = reg_heal_pending(r, false, &left) != 0;
	if (r->heal_said)
		preg_warn("%s", preg_error_msg());
	return 0;
}

int reg_write(struct reg *r, unsigned flags, reg_mutate_fn fn, void *arg)
{
	struct txn t;
	const char *user;
	char *prev = NULL;
	struct buf names = BUF_INIT, ids = BUF_INIT;
	git_oid newc;
	int rc, left = 0;

	memset(&t, 0, sizeof(t));
	t.reg = r;
	t.flags = flags;
	if ((rc = reg_user(r, &user)))
		return rc;
	if ((rc = lock_and_heal(r)))
		return rc;
	/* The time of the write is taken once the lock is won: writers that
	 * waited for each other commit in the order of their times. */
	if ((rc = ptime_now(&t.t)))
		goto out;
	ptime_format(t.now, t.t);
	for (int attempt = 0;; attempt++) {
		txn_clear(&t);
		rc = reg_tip_tree(r, &t.tip, &t.tree);
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
		if (!t.action) {
			rc = preg_error_set(PREG_ERR, "a write without a description (an error in preg)");
			goto out;
		}
		buf_reset(&ids);
		if ((rc = build_commit(&t, &newc, &ids))) {
			if (rc == REG_UNCHANGED)
				rc = 0; /* what was staged is what is there: no commit */
			goto out;
		}
		buf_reset(&names);
		for (size_t i = 0; i < t.nedits; i++)
			buf_addf(&names, "%s\n", t.edits[i].path);
		rc = branch_move(r, t.born ? &t.tip : NULL, &newc, &names, buf_str(&t.summary), &prev);
		if ((rc == PREG_EMODIFIED || rc == PREG_EBUSY) && attempt < 20) {
			usleep(1000u << (attempt < 6 ? attempt : 6));
			continue;
		}
		if (rc)
			goto out;
		break;
	}
	/* The log index follows the branch (lib/log.c). */
	{
		char parent[GIT_OID_HEXSZ + 1], commit[GIT_OID_HEXSZ + 1];

		git_oid_tostr(parent, sizeof(parent), &t.tip);
		git_oid_tostr(commit, sizeof(commit), &newc);
		logidx_append(r->gitdir, t.born ? parent : NULL, commit, buf_str(&ids));
	}
	if (apply_worktree(&t)) {
		/* Committed: the change is safe; the next write finishes this. */
		preg_warn("committed %.12s, but the work tree was not updated: %s; the next preg command or 'preg doctor' finishes it",
			  git_oid_tostr_s(&newc), preg_error_msg());
	} else if (prev) {
		/* The journal also names what an earlier write left unhealed:
		 * heal it all (this write's paths are up to date: no-ops). */
		if (reg_heal_pending(r, false, &left) && !r->heal_said)
			preg_warn("%s", preg_error_msg());
	} else {
		char *jp = reg_pending_path(r);

		unlink(jp);
		free(jp);
	}
	preg_error_clear();
	rc = 0;
	reg_funlock(r);
	reg_maybe_gc(r);
out:
	buf_release(&names);
	buf_release(&ids);
	free(prev);
	txn_clear(&t);
	reg_funlock(r);
	return rc;
}

/* ---- sharing (for lib/sync.c) ---- */

int reg_lock(struct reg *r)
{
	return lock_and_heal(r);
}

void reg_unlock(struct reg *r)
{
	reg_funlock(r);
}

int reg_paths_clean(struct reg *r, const struct reg_oid *at, char **paths, size_t n)
{
	git_commit *c = NULL;
	git_tree *tree = NULL;
	int rc = 0;

	if (at && (git_commit_lookup(&c, r->repo, GOID(at)) || git_commit_tree(&tree, c))) {
		git_commit_free(c);
		return reg_git_error(PREG_ERR, "cannot read commit %s", git_oid_tostr_s(GOID(at)));
	}
	for (size_t i = 0; i < n && !rc; i++)
		rc = reg_path_clean(r, tree, paths[i]);
	git_tree_free(tree);
	git_commit_free(c);
	return rc;
}

int reg_advance(struct reg *r, const struct reg_oid *old, const struct reg_oid *new, char **paths,
		size_t n, const char *msg)
{
	struct buf names = BUF_INIT;
	char *prev = NULL;
	int rc, left = 0;

	for (size_t i = 0; i < n; i++)
		buf_addf(&names, "%s\n", paths[i]);
	rc = branch_move(r, GOID(old), GOID(new), &names, msg, &prev);
	buf_release(&names);
	free(prev);
	if (rc)
		return rc;
	/* Committed: what cannot be healed now, the next write heals. A
	 * sync may bring a thousand files: one flush for all of them. */
	r->batch = true;
	rc = reg_heal_pending(r, false, &left);
	r->batch = false;
	if (rc)
		preg_warn("moved the branch to %.12s, but the work tree was not updated: %s; the next preg command or 'preg doctor' finishes it",
			  git_oid_tostr_s(GOID(new)), preg_error_msg());
	preg_error_clear();
	return 0;
}
