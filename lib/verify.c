/* verify: each record's history against git history (see verify.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "layout.h"
#include "history.h"
#include "kvindex.h"
#include "log.h"
#include "schema.h"
#include "strmap.h"
#include "verify.h"
#include "xalloc.h"

struct vctx {
	struct reg *r;
	struct verify_report *v;
	struct strmap last;  /* id -> the hex of the last commit that changed it (owned) */
	struct strmap users; /* the hex of each commit walked -> its acting user, "" for none (owned) */
	struct strmap tip;   /* id -> struct verdict of its last version seen (owned) */
	struct reg_tree *tiptree;
	struct strmap blobs; /* path -> struct reg_oid of the records at the tip (owned) */
	bool range; /* a pushed range (verify_walk): what came before it is looked up, not walked */
	struct strmap unparsed; /* in a range: ids the last commit left not parsing (no values) */
};

/* What the check at the tip says of one version of a record (a blob):
 * NULL, or up to two problems. Computed when the walk reads that version,
 * so that the tip's records are not read twice. */
struct verdict {
	struct reg_oid blob;
	char *what[2];
};

/* One record a commit changed against one parent. */
struct vchange {
	char *id, *path;
	struct reg_oid old, new;
	bool has_old, has_new;
};

struct vchanges {
	struct vchange *v;
	size_t n, cap;
	struct strmap at; /* id -> its index in v, plus one */
};

static void problem(struct verify_report *v, const char *id, const struct hcommit *c, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void problem(struct verify_report *v, const char *id, const struct hcommit *c, const char *fmt, ...)
{
	va_list ap;
	char *what;

	va_start(ap, fmt);
	what = xvasprintf(fmt, ap);
	va_end(ap);
	v->problems = xgrow(v->problems, &v->cap, v->n + 1, sizeof(*v->problems));
	if (c)
		v->problems[v->n++] = xasprintf("%s: commit %.7s (%s): %s", id, c->hex, c->summary, what);
	else
		v->problems[v->n++] = xasprintf("%s: %s", id, what);
	free(what);
}

void verify_release(struct verify_report *v)
{
	strv_free(v->problems, v->n);
	memset(v, 0, sizeof(*v));
}

static void map_release(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys && m->keys[i])
			free(m->vals[i]);
	strmap_release(m);
}

static void remember(struct vctx *x, const char *id, const char *path, const struct reg_oid *blob,
		     const struct record *rec);

/* ---- what a commit changed ---- */

static int collect(void *arg, const char *path, const struct reg_oid *old, const struct reg_oid *new)
{
	struct vchanges *l = arg;
	char *id = layout_id_any(path);
	struct vchange *c;
	void *at = NULL;

	if (!id)
		return 0; /* preg.yaml, or a file check names */
	if (strmap_get(&l->at, id, &at)) {
		/* The record moved (preg upgrade): its old path removed, its
		 * new one added, one change of the record from old to new. */
		c = &l->v[(size_t)(uintptr_t)at - 1];
		if (new) {
			free(c->path);
			c->path = xstrdup(path);
		}
		if (old && !c->has_old) {
			c->has_old = true;
			c->old = *old;
		}
		if (new && !c->has_new) {
			c->has_new = true;
			c->new = *new;
		}
		free(id);
		return 0;
	}
	strmap_put(&l->at, id, (void *)(uintptr_t)(l->n + 1));
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	c = &l->v[l->n++];
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->path = xstrdup(path);
	if ((c->has_old = old != NULL))
		c->old = *old;
	if ((c->has_new = new != NULL))
		c->new = *new;
	return 0;
}

static void changes_list_release(struct vchanges *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].id);
		free(l->v[i].path);
	}
	free(l->v);
	strmap_release(&l->at);
	memset(l, 0, sizeof(*l));
}

/* The records that differ between trees a and b. */
static int changed(struct reg *r, const struct reg_tree *a, const struct reg_tree *b, struct vchanges *out)
{
	memset(out, 0, sizeof(*out));
	return reg_diff(r, a, b, collect, out);
}

/* A version of a record (NULL when absent); PREG_EINVAL when it does not
 * parse, with the error slot saying why. */
static int version(struct reg *r, const struct reg_oid *blob, bool has, const char *path, struct record **out)
{
	*out = NULL;
	return has ? reg_blob_record(r, blob, path, true, out) : 0;
}

/* ---- events and notes: kept, and added by whom ---- */

/* Whether every entry of old is in new, in its order: a write adds an
 * entry by its time, so a move backdated with --at lands between older
 * ones (the time rule, lib/record.h), and so may a sync's replay. Marks
 * used[j] for each entry of new that is one of old's. Returns the index
 * in old of the first entry that cannot be placed, or -1. Linear. */
static long kept_in_order(const struct kvlist *old, size_t nold, const struct kvlist *new, size_t nnew,
			  bool *used)
{
	size_t j = 0;

	for (size_t i = 0; i < nold; i++) {
		while (j < nnew && !hist_kv_equal(&old[i], &new[j]))
			j++;
		if (j == nnew)
			return (long)i;
		used[j++] = true;
	}
	return -1;
}

/* Mark used[j] for each entry of new that a parent's list old accounts
 * for: the k-th entry of its kind in new is the parent's when the parent
 * has more than k of them. In any order (a merge interleaves the sides),
 * O(n log n) through the sorted views. */
static void mark_kept(const struct kvlist *old, size_t nold, const struct kvlist *new, size_t nnew, bool *used)
{
	struct kvindex io, in;

	kvindex_init(&io, old, nold, false);
	kvindex_init(&in, new, nnew, false);
	for (size_t j = 0; j < nnew; j++)
		if (kvindex_rank(&in, j) < kvindex_count(&io, &new[j]))
			used[j] = true;
	kvindex_release(&io);
	kvindex_release(&in);
}

/* Check the entries of e[0..n) that no parent has (used[i] false): added
 * by commit c to record id, they must come with a preg commit that names
 * the record, all by one acting user (the one the commit names), none
 * dated after the commit. *by is the acting user found so far. */
static void check_added(struct verify_report *v, const struct hcommit *c, const char *id, bool named,
			const struct kvlist *e, size_t n, const bool *used, const char *what, const char **by)
{
	for (size_t i = 0; i < n; i++) {
		const char *at = kv_get(&e[i], "at"), *b = kv_get(&e[i], "by");
		struct ptime t;

		if (used[i])
			continue;
		if (!c->action) {
			problem(v, id, c, "%s added by a commit made without preg (no Preg-Action)", what);
			return;
		}
		if (!named) {
			problem(v, id, c, "%s added, but the commit's Preg-Client trailers do not name the client", what);
			return;
		}
		if (b && *by && strcmp(b, *by)) {
			problem(v, id, c, "%s by %s and by %s in one commit", what, *by, b);
			return;
		}
		if (b && c->user && strcmp(b, c->user)) {
			problem(v, id, c, "%s by %s in a commit by %s", what, b, c->user);
			return;
		}
		if (b)
			*by = b;
		if (at && !ptime_parse(&t, at) && t.t > c->t) {
			problem(v, id, c, "%s dated %s, after the commit (%s)", what, at, c->time);
			return;
		}
	}
}

/* A phase commit's Preg-Phase names the phase of its last added phase event. */
static void check_phase_trailer(struct verify_report *v, const struct hcommit *c, const char *id,
				const struct record *new, const bool *used)
{
	const char *arrow, *last = NULL;

	if (!c->phase || !c->action || strcmp(c->action, "phase") || !(arrow = strstr(c->phase, "-> ")))
		return;
	for (size_t i = 0; i < new->nhistory; i++)
		if (!used[i] && kv_get(&new->history[i], "phase"))
			last = kv_get(&new->history[i], "phase");
	if (!last || strcmp(last, arrow + 3))
		problem(v, id, c, "Preg-Phase says %s, the history event says phase %s", c->phase, last ? last : "none");
}

/* Whether commit c names record id in its Preg-Client trailers. */
static bool names(const struct hcommit *c, const struct strmap *named, const char *id)
{
	if (named->n)
		return strmap_get(named, id, NULL);
	for (size_t i = 0; i < c->nclients; i++)
		if (!strcmp(c->clients[i], id))
			return true;
	return false;
}

/* Record id changed from old to new in a commit with one parent (or
 * none): every event and note of old is still there, unchanged (a sync's
 * merge may place the ones it brings between them, in time order); what
 * is new follows check_added. gone (old NULL) is the record's last
 * version before a commit removed it: a record that comes back (a sync
 * keeps a record removed on the remote but changed here, SPEC §8) brings
 * back entries proven when they were written, by whoever wrote them;
 * only what gone lacks counts as added. */
static void check_step(struct verify_report *v, const struct hcommit *c, const char *id, bool named,
		       const struct record *old, const struct record *new, const struct record *gone)
{
	bool *uh = xcalloc(new->nhistory + 1, sizeof(bool)), *un = xcalloc(new->nnotes + 1, sizeof(bool));
	const char *by = NULL;
	long k;

	if (!old && gone) {
		mark_kept(gone->history, gone->nhistory, new->history, new->nhistory, uh);
		mark_kept(gone->notes, gone->nnotes, new->notes, new->nnotes, un);
	}
	if (old && (k = kept_in_order(old->history, old->nhistory, new->history, new->nhistory, uh)) >= 0) {
		problem(v, id, c, "history event %ld of %zu was %s", k + 1, old->nhistory,
			new->nhistory >= old->nhistory ? "changed" : "removed");
		goto out;
	}
	if (old && (k = kept_in_order(old->notes, old->nnotes, new->notes, new->nnotes, un)) >= 0) {
		problem(v, id, c, "note %ld of %zu was %s", k + 1, old->nnotes,
			new->nnotes >= old->nnotes ? "changed" : "removed");
		goto out;
	}
	check_added(v, c, id, named, new->history, new->nhistory, uh, "a history event", &by);
	check_added(v, c, id, named, new->notes, new->nnotes, un, "a note", &by);
	check_phase_trailer(v, c, id, new, uh);
out:
	free(uh);
	free(un);
}

/* ---- undo ---- */

/* In a pushed range, an undone commit before the range: an ancestor of
 * c, whose acting user is read from it (*user: owned by x->users). */
static bool undone_before(struct vctx *x, const struct hcommit *c, const struct reg_oid *undone, void **user)
{
	struct hcommit u;
	bool before;

	before = !reg_oid_equal(&c->oid, undone) && reg_descends(x->r, &c->oid, undone) &&
		 !hist_commit(x->r, undone, &u);
	preg_error_clear();
	if (!before)
		return false;
	strmap_put(&x->users, u.hex, xstrdup(u.user ? u.user : ""));
	hcommit_release(&u);
	return strmap_get(&x->users, c->undo, user);
}

/* In a pushed range, a record no commit of the range changed before c:
 * whether it is at c's parent as the undone commit left it. */
static bool unchanged_since(struct vctx *x, const struct hcommit *c, const struct reg_oid *undone, const char *path)
{
	struct reg_commit cc;
	struct reg_tree *at = NULL, *then = NULL;
	struct reg_oid a, b;
	bool has_a, has_b, same = false;

	if (reg_commit_read(x->r, &c->oid, &cc)) {
		preg_error_clear();
		return false;
	}
	if (cc.nparents == 1 && !reg_tree_of(x->r, &cc.parents[0], &at) && !reg_tree_of(x->r, undone, &then)) {
		has_a = !reg_tree_file(x->r, at, path, &a);
		has_b = !reg_tree_file(x->r, then, path, &b);
		same = has_a == has_b && (!has_a || reg_oid_equal(&a, &b));
	}
	preg_error_clear();
	reg_tree_free(at);
	reg_tree_free(then);
	reg_commit_release(&cc);
	return same;
}

/* The parts of a record that are not its events, notes and one-value
 * keys, as one text each, to compare whole: tags, fields, contacts. */
static void parts_text(const struct record *r, struct buf out[3])
{
	for (size_t i = 0; i < r->ntags; i++)
		buf_addf(&out[0], "%s\n", r->tags[i]);
	for (size_t i = 0; i < r->fields.n; i++)
		buf_addf(&out[1], "%s=%s\n", r->fields.v[i].k, r->fields.v[i].v);
	for (size_t c = 0; c < r->ncontacts; c++) {
		for (size_t i = 0; i < r->contacts[c].n; i++)
			buf_addf(&out[2], "%s=%s;", r->contacts[c].v[i].k, r->contacts[c].v[i].v);
		buf_addc(&out[2], '\n');
	}
}

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* A list after a merged undo: nothing added to old's, and each entry
 * taken out one that the undone commit added (xa's that xb lacked). */
static bool list_taken_back(const struct kvlist *old, size_t nold, const struct kvlist *new, size_t nnew,
			    const struct kvlist *xb, size_t nxb, const struct kvlist *xa, size_t nxa)
{
	struct kvindex io, in, ib, ia;
	bool ok = true;

	kvindex_init(&io, old, nold, true);
	kvindex_init(&in, new, nnew, true);
	kvindex_init(&ib, xb, nxb, true);
	kvindex_init(&ia, xa, nxa, true);
	for (size_t j = 0; j < nnew && ok; j++)
		ok = kvindex_count(&in, &new[j]) <= kvindex_count(&io, &new[j]);
	for (size_t i = 0; i < nold && ok; i++) {
		size_t o = kvindex_count(&io, &old[i]), n = kvindex_count(&in, &old[i]);
		size_t a = kvindex_count(&ia, &old[i]), b = kvindex_count(&ib, &old[i]);

		ok = n >= o || (a > b && o - n <= a - b);
	}
	kvindex_release(&io);
	kvindex_release(&in);
	kvindex_release(&ib);
	kvindex_release(&ia);
	return ok;
}

/* An undo of commit x that a sync merged with later changes of the record
 * (Preg-Conflict: the undo of x merged with changes on the remote): it may only take
 * back what x did. Events and notes: none added, and only those x added
 * taken out; every other part either as it was, or put back to its value
 * before x where x changed it. xb and xa: the record before and after x. */
static bool undo_merged_ok(const struct record *old, const struct record *new, const struct record *xb,
			   const struct record *xa)
{
	struct buf po[3] = { BUF_INIT, BUF_INIT, BUF_INIT }, pn[3] = { BUF_INIT, BUF_INIT, BUF_INIT };
	struct buf pb[3] = { BUF_INIT, BUF_INIT, BUF_INIT }, pa[3] = { BUF_INIT, BUF_INIT, BUF_INIT };
	bool ok;

	if (!old || !new || !xb || !xa)
		return false;
	ok = list_taken_back(old->history, old->nhistory, new->history, new->nhistory, xb->history, xb->nhistory,
			     xa->history, xa->nhistory) &&
	     list_taken_back(old->notes, old->nnotes, new->notes, new->nnotes, xb->notes, xb->nnotes, xa->notes,
			     xa->nnotes);
	/* The keys that follow the history (phase, its date, the manager)
	 * are check's to judge against it. */
	for (const struct record_key *k = record_keys; ok && k->name; k++) {
		const char *o, *n;

		if (k->slot == RS_NONE || k->slot == RS_ID || !strcmp(k->name, "phase_since") ||
		    !strcmp(k->name, "manager"))
			continue;
		o = *record_key_value(old, k);
		n = *record_key_value(new, k);
		ok = same_text(o, n) || (same_text(n, *record_key_value(xb, k)) &&
					 !same_text(*record_key_value(xb, k), *record_key_value(xa, k)));
	}
	parts_text(old, po);
	parts_text(new, pn);
	parts_text(xb, pb);
	parts_text(xa, pa);
	for (int i = 0; i < 3; i++) {
		ok = ok && (same_text(buf_str(&po[i]), buf_str(&pn[i])) ||
			    (same_text(buf_str(&pn[i]), buf_str(&pb[i])) &&
			     !same_text(buf_str(&pb[i]), buf_str(&pa[i]))));
		buf_release(&po[i]);
		buf_release(&pn[i]);
		buf_release(&pb[i]);
		buf_release(&pa[i]);
	}
	return ok;
}

/* Whether the undo's change ch of a record is undo_merged_ok against the
 * undone commit's own change of it. */
static int undo_merged(struct vctx *x, const struct vchange *ch, const struct reg_oid *undone, bool *ok)
{
	struct reg_commit xc;
	struct reg_tree *tb = NULL, *ta = NULL;
	struct reg_oid bb, ba;
	struct record *old = NULL, *new = NULL, *xb = NULL, *xa = NULL;
	int rc;

	*ok = false;
	if ((rc = reg_commit_read(x->r, undone, &xc)))
		return rc;
	if (xc.nparents == 1 && !reg_tree_of(x->r, &xc.parents[0], &tb) && !reg_tree_of(x->r, undone, &ta) &&
	    !reg_tree_file(x->r, tb, ch->path, &bb) && !reg_tree_file(x->r, ta, ch->path, &ba) &&
	    !version(x->r, &ch->old, ch->has_old, ch->path, &old) &&
	    !version(x->r, &ch->new, ch->has_new, ch->path, &new) && !version(x->r, &bb, true, ch->path, &xb) &&
	    !version(x->r, &ba, true, ch->path, &xa))
		*ok = undo_merged_ok(old, new, xb, xa);
	preg_error_clear();
	record_free(old);
	record_free(new);
	record_free(xb);
	record_free(xa);
	reg_tree_free(tb);
	reg_tree_free(ta);
	reg_commit_release(&xc);
	return 0;
}

/* An undo of commit x may only put back records x changed, as they were
 * before x, when nothing changed them after x, and only x's own user's. */
static int check_undo(struct vctx *x, const struct hcommit *c, const struct vchange *ch)
{
	struct reg *r = x->r;
	struct verify_report *v = x->v;
	struct reg_oid undone, before;
	struct reg_commit xc;
	struct reg_tree *ptree = NULL;
	void *last = NULL, *user = NULL;
	char **ids = NULL;
	size_t n = 0;
	bool in_x = false, had;
	int rc = 0;

	memset(&xc, 0, sizeof(xc));
	if (reg_oid_parse(&undone, c->undo) || strlen(c->undo) != REG_HEXSZ ||
	    (!strmap_get(&x->users, c->undo, &user) && !(x->range && undone_before(x, c, &undone, &user)))) {
		problem(v, ch->id, c, "Preg-Undo names %s, which is not a commit before it", c->undo);
		goto out;
	}
	if ((rc = hist_commit_changed(r, &undone, &ids, &n)))
		goto out;
	for (size_t i = 0; i < n && !in_x; i++)
		in_x = !strcmp(ids[i], ch->id);
	if (!strmap_get(&x->last, ch->id, &last) && x->range && in_x && unchanged_since(x, c, &undone, ch->path))
		last = c->undo;
	if (!in_x) {
		problem(v, ch->id, c, "the undo of %.7s changes the record, which %.7s did not change", c->undo,
			c->undo);
		goto out;
	}
	if ((!last || strcmp(last, c->undo)) && !(c->user && *(const char *)user && strcmp(c->user, user))) {
		/* Changed after x: a sync merged the undo with those changes. */
		bool ok = false;

		if ((rc = undo_merged(x, ch, &undone, &ok)))
			goto out;
		if (ok)
			goto out;
	}
	if (!last || strcmp(last, c->undo)) {
		if (last)
			problem(v, ch->id, c, "the undo of %.7s comes after commit %.7s changed the record", c->undo,
				(const char *)last);
		else
			problem(v, ch->id, c, "the undo of %.7s comes after a later commit changed the record", c->undo);
		goto out;
	}
	if (c->user && *(const char *)user && strcmp(c->user, user)) {
		problem(v, ch->id, c, "an undo by %s of a change by %s", c->user, (const char *)user);
		goto out;
	}
	if ((rc = reg_commit_read(r, &undone, &xc)))
		goto out;
	if (xc.nparents && (rc = reg_tree_of(r, &xc.parents[0], &ptree)))
		goto out;
	had = !reg_tree_file(r, ptree, ch->path, &before);
	preg_error_clear();
	if (had != ch->has_new || (had && !reg_oid_equal(&before, &ch->new)))
		problem(v, ch->id, c, "the undo of %.7s does not restore the record as it was before it", c->undo);
out:
	strv_free(ids, n);
	reg_tree_free(ptree);
	reg_commit_release(&xc);
	return rc;
}

/* ---- commits ---- */

static void set_last(struct vctx *x, const char *id, const char *hex)
{
	void *old = NULL;

	if (strmap_get(&x->last, id, &old))
		free(old);
	strmap_put(&x->last, id, xstrdup(hex));
}

/* The last version of record id the walk saw, when the record is absent
 * from the commit's parent: a commit before removed it (NULL when it was
 * never there, or that version does not parse). Read before the walk
 * remembers the new version. */
static struct record *removed_version(struct vctx *x, const char *id, const char *path)
{
	struct verdict *d = NULL;
	struct record *rec = NULL;

	if (strmap_get(&x->tip, id, (void **)&d) && reg_blob_record(x->r, &d->blob, path, true, &rec))
		preg_error_clear();
	return rec;
}

/* A walk back from before a pushed range to the last commit that held
 * path. */
struct holder {
	struct reg *r;
	const char *path;
	struct reg_oid blob;
};

static int holds_path(void *arg, const struct reg_oid *oid)
{
	struct holder *h = arg;
	struct reg_tree *t = NULL;
	bool has = !reg_tree_of(h->r, oid, &t) && !reg_tree_file(h->r, t, h->path, &h->blob);

	preg_error_clear();
	reg_tree_free(t);
	return has;
}

/* In a pushed range, the record's version a commit before the range last
 * held, for a record absent from c's parent: the one a removal took away
 * (NULL when the record was never there, or it does not parse). A walk
 * back through the history, so looked up only when the record, judged
 * as new, breaks a rule. */
static struct record *removed_before(struct vctx *x, const struct hcommit *c, const char *path)
{
	struct holder h = { x->r, path, { { 0 } } };
	struct reg_commit cc;
	struct record *rec = NULL;

	if (reg_commit_read(x->r, &c->oid, &cc)) {
		preg_error_clear();
		return NULL;
	}
	if (cc.nparents && reg_walk(x->r, &cc.parents[0], NULL, 0, holds_path, &h) == 1 &&
	    reg_blob_record(x->r, &h.blob, path, true, &rec))
		rec = NULL;
	preg_error_clear();
	reg_commit_release(&cc);
	return rec;
}

/* check_step, and in a pushed range, for a record the range did not hold
 * before c that breaks a rule as new: again against the version a removal
 * before the range took away, if one did (a comeback). */
static void check_new_step(struct vctx *x, const struct hcommit *c, const struct vchange *ch, bool named,
			   const struct record *old, const struct record *new, const struct record *gone)
{
	size_t seen = x->v->n;
	struct record *back;

	check_step(x->v, c, ch->id, named, old, new, gone);
	if (!x->range || ch->has_old || gone || x->v->n == seen || !(back = removed_before(x, c, ch->path)))
		return;
	while (x->v->n > seen)
		free(x->v->problems[--x->v->n]);
	check_step(x->v, c, ch->id, named, old, new, back);
	record_free(back);
}

/* A commit with one parent or none. */
static int check_linear(struct vctx *x, const struct hcommit *c, const struct reg_tree *ptree,
			const struct reg_tree *tree)
{
	struct vchanges l;
	struct strmap named = { 0 };
	int rc;

	if ((rc = changed(x->r, ptree, tree, &l)))
		goto out;
	/* An import names 100,000 clients: look them up by hash. */
	if (c->nclients > 16)
		for (size_t i = 0; i < c->nclients; i++)
			strmap_put(&named, c->clients[i], NULL);
	for (size_t i = 0; i < l.n && !rc; i++) {
		const struct vchange *ch = &l.v[i];
		struct record *old = NULL, *new = NULL, *gone = NULL;
		bool is_named = names(c, &named, ch->id);

		if (ch->has_old && ch->has_new && reg_oid_equal(&ch->old, &ch->new)) {
			/* Moved, not changed (preg upgrade): nothing to judge,
			 * but the tip's check reads it at its new path. */
			if (!version(x->r, &ch->new, true, ch->path, &new))
				remember(x, ch->id, ch->path, &ch->new, new);
			record_free(new);
			preg_error_clear();
			set_last(x, ch->id, c->hex);
			continue;
		}

		if (version(x->r, &ch->new, ch->has_new, ch->path, &new)) {
			problem(x->v, ch->id, c, "the record does not parse: %s", preg_error_msg());
			if (x->range)
				strmap_put(&x->unparsed, ch->id, NULL);
			preg_error_clear();
			set_last(x, ch->id, c->hex);
			continue;
		}
		if (!ch->has_old)
			gone = removed_version(x, ch->id, ch->path);
		if (new)
			remember(x, ch->id, ch->path, &ch->new, new);
		if (version(x->r, &ch->old, ch->has_old, ch->path, &old)) {
			/* Reported at the commit that broke it. */
		} else if (c->action && !is_named) {
			problem(x->v, ch->id, c, "the record changed, but the commit's Preg-Client trailers do not name the client");
		} else if (c->action && c->undo && !strcmp(c->action, "undo")) {
			rc = check_undo(x, c, ch);
		} else if (new) {
			check_new_step(x, c, ch, is_named, old, new, gone);
		}
		record_free(gone);
		record_free(old);
		record_free(new);
		preg_error_clear();
		set_last(x, ch->id, c->hex);
	}
out:
	strmap_release(&named);
	changes_list_release(&l);
	return rc;
}

/* Whether a merge lost an entry of one parent's list old: new has fewer
 * of it, and the other parent's list did not take it back (hold fewer
 * of it than the merge base's). Without the other parent and the base
 * (a merge of more than two), any entry of old missing is lost. */
static bool lost_entry(const struct kvlist *old, size_t nold, const struct kvlist *new, size_t nnew,
		       const struct record *other, const struct record *base, bool notes)
{
	struct kvindex in, io, ix, ib;
	bool lost = false;

	kvindex_init(&in, new, nnew, false);
	kvindex_init(&io, old, nold, false);
	kvindex_init(&ix, other ? (notes ? other->notes : other->history) : NULL,
		     other ? (notes ? other->nnotes : other->nhistory) : 0, false);
	kvindex_init(&ib, base ? (notes ? base->notes : base->history) : NULL,
		     base ? (notes ? base->nnotes : base->nhistory) : 0, false);
	for (size_t i = 0; i < nold && !lost; i++)
		lost = kvindex_count(&in, &old[i]) < kvindex_count(&io, &old[i]) &&
		       !(other && base && kvindex_count(&ix, &old[i]) < kvindex_count(&ib, &old[i]));
	kvindex_release(&in);
	kvindex_release(&io);
	kvindex_release(&ix);
	kvindex_release(&ib);
	return lost;
}

/* A merge: each parent's events and notes are all kept, but for those
 * the other parent took back (an undo: it holds fewer than the merge
 * base); what no parent has was added by the merge itself, under the
 * rules of any commit. */
static int check_merge(struct vctx *x, const struct hcommit *c, const struct reg_commit *gc,
		       const struct reg_tree *tree)
{
	struct reg_tree **pt = xcalloc(gc->nparents, sizeof(*pt)), *bt = NULL;
	struct reg_oid boid;
	int rc = 0;

	for (size_t p = 0; p < gc->nparents && !rc; p++)
		rc = reg_tree_of(x->r, &gc->parents[p], &pt[p]);
	if (!rc && gc->nparents == 2 &&
	    (reg_merge_base(x->r, &gc->parents[0], &gc->parents[1], &boid) || reg_tree_of(x->r, &boid, &bt)))
		preg_error_clear(); /* no base: every entry of each parent kept */
	for (size_t p = 0; p < gc->nparents && !rc; p++) {
		struct vchanges l;

		if ((rc = changed(x->r, pt[p], tree, &l)))
			break;
		for (size_t i = 0; i < l.n; i++) {
			const struct vchange *ch = &l.v[i];
			struct record *new = NULL, *other = NULL, *base = NULL;
			bool *uh = NULL, *un = NULL, lost = false;
			const char *by = NULL;

			if (!ch->has_new || version(x->r, &ch->new, true, ch->path, &new)) {
				if (ch->has_new && p == 0) {
					problem(x->v, ch->id, c, "the record does not parse: %s", preg_error_msg());
					if (x->range)
						strmap_put(&x->unparsed, ch->id, NULL);
				}
				preg_error_clear();
				continue;
			}
			uh = xcalloc(new->nhistory + 1, sizeof(bool));
			un = xcalloc(new->nnotes + 1, sizeof(bool));
			if (bt) {
				struct reg_oid blob;

				if (!reg_tree_file(x->r, pt[1 - p], ch->path, &blob))
					version(x->r, &blob, true, ch->path, &other);
				if (!reg_tree_file(x->r, bt, ch->path, &blob))
					version(x->r, &blob, true, ch->path, &base);
				preg_error_clear();
			}
			/* Against every parent: kept, and marked as not new. */
			for (size_t q = 0; q < gc->nparents; q++) {
				struct reg_oid blob;
				struct record *old = NULL;

				if (!reg_tree_file(x->r, pt[q], ch->path, &blob) &&
				    !version(x->r, &blob, true, ch->path, &old)) {
					if (q == p &&
					    (lost_entry(old->history, old->nhistory, new->history, new->nhistory, other, base,
							false) ||
					     lost_entry(old->notes, old->nnotes, new->notes, new->nnotes, other, base, true)))
						lost = true;
					mark_kept(old->history, old->nhistory, new->history, new->nhistory, uh);
					mark_kept(old->notes, old->nnotes, new->notes, new->nnotes, un);
				}
				preg_error_clear();
				record_free(old);
			}
			if (p == 0)
				remember(x, ch->id, ch->path, &ch->new, new);
			if (lost)
				problem(x->v, ch->id, c, "the merge lost a history event or note of parent %zu", p + 1);
			else if (p == 0) {
				bool named = names(c, &(struct strmap){ 0 }, ch->id);

				check_added(x->v, c, ch->id, named, new->history, new->nhistory, uh, "a history event", &by);
				check_added(x->v, c, ch->id, named, new->notes, new->nnotes, un, "a note", &by);
			}
			if (p == 0)
				set_last(x, ch->id, c->hex);
			free(uh);
			free(un);
			record_free(new);
			record_free(other);
			record_free(base);
		}
		changes_list_release(&l);
	}
	for (size_t p = 0; p < gc->nparents; p++)
		reg_tree_free(pt[p]);
	free(pt);
	reg_tree_free(bt);
	return rc;
}

static int check_commit(void *arg, const struct reg_oid *oid)
{
	struct vctx *x = arg;
	struct hcommit c;
	struct reg_commit gc;
	struct reg_tree *tree = NULL, *ptree = NULL;
	int rc;

	if ((rc = reg_commit_read(x->r, oid, &gc)))
		return rc;
	hist_commit_from(&gc, &c);
	x->v->commits++;
	if ((rc = reg_tree_of(x->r, oid, &tree)))
		goto out;
	if (gc.nparents > 1) {
		rc = check_merge(x, &c, &gc, tree);
	} else if (!gc.nparents || !(rc = reg_tree_of(x->r, &gc.parents[0], &ptree))) {
		rc = check_linear(x, &c, ptree, tree);
	}
	strmap_put(&x->users, c.hex, xstrdup(c.user ? c.user : ""));
out:
	reg_tree_free(ptree);
	reg_tree_free(tree);
	reg_commit_release(&gc);
	hcommit_release(&c);
	return rc;
}

/* ---- a pushed range ---- */

struct verify_walk {
	struct vctx x;
};

struct verify_walk *verify_walk_new(struct reg *r, struct verify_report *out)
{
	struct verify_walk *w = xcalloc(1, sizeof(*w));

	memset(out, 0, sizeof(*out));
	w->x.r = r;
	w->x.v = out;
	w->x.range = true;
	return w;
}

int verify_commit(struct verify_walk *w, const struct reg_oid *oid)
{
	if (w->x.unparsed.n)
		strmap_release(&w->x.unparsed);
	return check_commit(&w->x, oid);
}

bool verify_unparsed(const struct verify_walk *w, const char *id)
{
	return w->x.unparsed.n && strmap_get(&w->x.unparsed, id, NULL);
}

static void vctx_release(struct vctx *x);

void verify_walk_free(struct verify_walk *w)
{
	if (w) {
		vctx_release(&w->x);
		free(w);
	}
}

/* ---- at the tip ---- */

/* The check at the tip of one record read from path: its id is its
 * file's; phase, phase_since and manager follow the last events. */
static void judge(struct verdict *d, const char *path, const char *id, const struct record *rec)
{
	const char *phase = NULL, *since = NULL, *manager = NULL;
	int k = 0;

	if (strcmp(rec->id, id)) {
		d->what[k++] = xasprintf("%s:%d:%d: id '%s' does not match the file name", path, rec->id_line,
					 rec->id_col, rec->id);
		return;
	}
	for (size_t i = 0; i < rec->nhistory; i++) {
		const char *p = kv_get(&rec->history[i], "phase"), *m = kv_get(&rec->history[i], "manager");

		if (p) {
			phase = p;
			since = kv_get(&rec->history[i], "at");
		}
		if (m)
			manager = m;
	}
	if (phase && atoi(phase) != rec->phase)
		d->what[k++] = xasprintf("phase is %d, the last phase event says %s", rec->phase, phase);
	else if (since && strcmp(since, rec->phase_since))
		d->what[k++] = xasprintf("phase_since is %s, the last phase event is at %s", rec->phase_since, since);
	if (manager && strcmp(manager, rec->manager))
		d->what[k++] = xasprintf("manager is %s, the last manager event says %s", rec->manager, manager);
}

static void verdict_free(struct verdict *d)
{
	if (d) {
		free(d->what[0]);
		free(d->what[1]);
		free(d);
	}
}

/* Remember the verdict on the version blob of record id. */
static void remember(struct vctx *x, const char *id, const char *path, const struct reg_oid *blob,
		     const struct record *rec)
{
	struct verdict *d = xcalloc(1, sizeof(*d)), *old = NULL;

	d->blob = *blob;
	judge(d, path, id, rec);
	if (strmap_get(&x->tip, id, (void **)&old))
		verdict_free(old);
	strmap_put(&x->tip, id, d);
}

/* The blob of every file at the tip, by path: one pass over the trees (a
 * lookup by path would read a shard's tree again for each record). */
static int tip_blob(void *arg, const char *path, const struct reg_oid *old, const struct reg_oid *new)
{
	struct reg_oid *o = xmalloc(sizeof(*o));

	(void)old;
	*o = *new;
	strmap_put(arg, path, o);
	return 0;
}

static int check_tip(void *arg, const char *id, const char *path, struct record *rec)
{
	struct vctx *x = arg;
	struct verdict *d = NULL, fresh;
	struct reg_oid *at = NULL;
	struct record *parsed = NULL;

	(void)rec; /* ids only: the versions were judged in the walk */
	x->v->records++;
	if (!id) {
		problem(x->v, path, NULL, "%s", preg_error_msg());
		return 0;
	}
	memset(&fresh, 0, sizeof(fresh));
	if (!strmap_get(&x->blobs, path, (void **)&at) || !strmap_get(&x->tip, id, (void **)&d) ||
	    !reg_oid_equal(&d->blob, at)) {
		/* Not seen in the walk (a walk cut short): read it now. */
		d = &fresh;
		if (reg_tree_record(x->r, x->tiptree, id, &parsed)) {
			problem(x->v, id, NULL, "%s", preg_error_msg());
			preg_error_clear();
			return 0;
		}
		judge(d, path, id, parsed);
		record_free(parsed);
	}
	for (int k = 0; k < 2 && d->what[k]; k++)
		problem(x->v, id, NULL, "%s", d->what[k]);
	free(fresh.what[0]);
	free(fresh.what[1]);
	return 0;
}

/* ---- rewrites ---- */

/* The rewrites the log index found on this clone (when it was rebuilt
 * because the branch no longer held the commit it was built for), unless
 * the branch holds that commit again. */
static void check_rewrites(struct vctx *x)
{
	struct buf b = BUF_INIT;

	if (logidx_rewrites(reg_gitdir(x->r), &b)) {
		preg_error_clear();
		return;
	}
	for (char *p = b.p, *nl; p && *p; p = nl + 1) {
		char first[REG_HEXSZ + 1], oldtip[REG_HEXSZ + 1];
		size_t n;

		if (!(nl = strchr(p, '\n')))
			break;
		*nl = '\0';
		if (sscanf(p, "%40s %zu %40s", first, &n, oldtip) != 3 || strmap_get(&x->users, oldtip, NULL))
			continue;
		problem(x->v, "history", NULL,
			"rewritten on this clone: %zu commit%s its log index held (from %.7s on) %s no longer on the branch",
			n, n == 1 ? "" : "s", first, n == 1 ? "is" : "are");
	}
	buf_release(&b);
}

struct twins {
	struct vctx *x;
	const struct reg_oid *tip;
	struct strmap here; /* "TIME AUTHOR SUMMARY" of the commits only here -> their hex */
	size_t n;
	char here_hex[REG_HEXSZ + 1], there_hex[REG_HEXSZ + 1];
};

/* A commit's change as a person sees it: author, time, summary. */
static int change_key(struct reg *r, const struct reg_oid *oid, char **key, char hex[REG_HEXSZ + 1])
{
	struct reg_commit c;
	int rc;

	if ((rc = reg_commit_read(r, oid, &c)))
		return rc;
	*key = xasprintf("%lld %s <%s> %.*s", (long long)c.author.time, c.author.name, c.author.email,
			 (int)strcspn(c.message, "\n"), c.message);
	memcpy(hex, c.hex, REG_HEXSZ + 1);
	reg_commit_release(&c);
	return 0;
}

static int here_commit(void *arg, const struct reg_oid *oid)
{
	struct twins *t = arg;
	char *key, hex[REG_HEXSZ + 1];
	int rc = change_key(t->x->r, oid, &key, hex);

	if (!rc) {
		strmap_put(&t->here, key, xstrdup(hex));
		free(key);
	}
	return rc;
}

static int there_commit(void *arg, const struct reg_oid *oid)
{
	struct twins *t = arg;
	char *key, hex[REG_HEXSZ + 1];
	void *here;
	int rc = change_key(t->x->r, oid, &key, hex);

	if (!rc && strmap_get(&t->here, key, &here)) {
		if (!t->n++) {
			memcpy(t->here_hex, here, sizeof(t->here_hex));
			memcpy(t->there_hex, hex, sizeof(t->there_hex));
		}
	}
	free(key);
	return rc;
}

/* A remote's branch as last fetched: when the same change (author, time,
 * summary) is a different commit here and there, one side's history was
 * rewritten. Lines of work that merely differ have no such twins. */
static int check_remote(void *arg, const char *name, const struct reg_oid *oid)
{
	struct twins *t = arg;
	struct reg *r = t->x->r;
	int rc;

	if (reg_descends(r, t->tip, oid))
		return 0;
	memset(&t->here, 0, sizeof(t->here));
	t->n = 0;
	if (!(rc = reg_walk(r, t->tip, oid, 0, here_commit, t)) && !(rc = reg_walk(r, oid, t->tip, REG_WALK_OLDEST_FIRST, there_commit, t)) &&
	    t->n)
		problem(t->x->v, "history", NULL,
			"differs from %s: %zu change%s (author, time, summary) %s another commit there (here %.7s, there %.7s): one side was rewritten",
			name + strlen("refs/remotes/"), t->n, t->n == 1 ? "" : "s", t->n == 1 ? "is" : "are",
			t->here_hex, t->there_hex);
	map_release(&t->here);
	return rc;
}

int verify_run(struct reg *r, struct verify_report *out)
{
	struct vctx x;
	struct reg_oid tip;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	x.r = r;
	x.v = out;
	if ((rc = reg_tip(r, &tip)))
		return rc == PREG_ENOTFOUND ? preg_error_set(PREG_ERR, "cannot resolve %s", reg_refname(r)) : rc;
	/* The log index, brought up to date, finds a rewrite since it was
	 * last read (and keeps a record of it). */
	{
		struct logidx *li = NULL;

		if (log_index_open(r, &li))
			preg_error_clear();
		logidx_free(li);
	}
	rc = reg_walk(r, &tip, NULL, REG_WALK_OLDEST_FIRST, check_commit, &x);
	if (!rc && !(rc = reg_tree_of(r, &tip, &x.tiptree)) && !(rc = reg_diff(r, NULL, x.tiptree, tip_blob, &x.blobs)))
		rc = reg_each(r, true, check_tip, &x);
	reg_tree_free(x.tiptree);
	map_release(&x.blobs);
	if (!rc)
		check_rewrites(&x);
	if (!rc) {
		struct twins t;
		const char *ref = reg_refname(r);
		char *glob = xasprintf("refs/remotes/*/%s", strncmp(ref, "refs/heads/", 11) ? ref : ref + 11);

		memset(&t, 0, sizeof(t));
		t.x = &x;
		t.tip = &tip;
		rc = reg_refs(r, glob, check_remote, &t);
		free(glob);
	}
	vctx_release(&x);
	return rc;
}

static void vctx_release(struct vctx *x)
{
	map_release(&x->last);
	map_release(&x->users);
	for (size_t i = 0; i < x->tip.cap; i++)
		if (x->tip.keys && x->tip.keys[i])
			verdict_free(x->tip.vals[i]);
	strmap_release(&x->tip);
	strmap_release(&x->unparsed);
}
