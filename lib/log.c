/* log: the audit trail and its index in the git directory (see log.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "layout.h"
#include "log.h"
#include "slug.h"
#include "strmap.h"
#include "xalloc.h"

/* ---- building ---- */

/* The line of commit oid: its id and the ids it changed, from its trailers
 * when preg made it (one parent and a Preg-Action), else from comparing its
 * trees. */
static int commit_ids(struct reg *r, const struct reg_oid *oid, struct logidx *x)
{
	struct reg_commit c;
	struct buf line = BUF_INIT;
	int rc;

	if ((rc = reg_commit_read(r, oid, &c)))
		return rc;
	if (c.nparents == 1 && strstr(c.message, "\nPreg-Action: ")) {
		struct hcommit h;

		memset(&h, 0, sizeof(h));
		hist_parse_trailers(c.message, &h);
		for (size_t i = 0; i < h.nclients; i++)
			if (slug_valid(h.clients[i]))
				buf_addf(&line, " %s", h.clients[i]);
		hcommit_release(&h);
	} else {
		char **ids;
		size_t n;

		if (!(rc = hist_commit_changed(r, oid, &ids, &n)))
			for (size_t i = 0; i < n; i++)
				buf_addf(&line, " %s", ids[i]);
		strv_free(ids, n);
	}
	if (!rc)
		logidx_add(x, c.hex, buf_str(&line), line.len);
	buf_release(&line);
	reg_commit_release(&c);
	return rc;
}

static int extend_one(void *arg, const struct reg_oid *oid)
{
	void **a = arg;

	return commit_ids(a[0], oid, a[1]);
}

/* Append the commits after from (NULL: all) up to tip, oldest first. */
static int extend(struct reg *r, struct logidx *x, const struct reg_oid *tip, const struct reg_oid *from)
{
	void *a[2] = { r, x };

	return reg_walk(r, tip, from, REG_WALK_OLDEST_FIRST, extend_one, a);
}

struct lost {
	struct strmap kept; /* the commits the rebuilt index holds */
	char first[REG_HEXSZ + 1];
	size_t n;
};

static int keep_hex(void *arg, const char *hex, const char *ids, size_t len)
{
	char h[REG_HEXSZ + 1];

	(void)ids;
	(void)len;
	memcpy(h, hex, REG_HEXSZ);
	h[REG_HEXSZ] = '\0';
	strmap_put(arg, h, NULL);
	return 0;
}

/* Newest first: the last one lost is the oldest. */
static int lost_hex(void *arg, const char *hex, const char *ids, size_t len)
{
	struct lost *l = arg;
	char h[REG_HEXSZ + 1];

	(void)ids;
	(void)len;
	memcpy(h, hex, REG_HEXSZ);
	h[REG_HEXSZ] = '\0';
	if (!strmap_get(&l->kept, h, NULL)) {
		memcpy(l->first, h, sizeof(h));
		l->n++;
	}
	return 0;
}

/* The index old was built for a history the branch no longer holds: say
 * so, and keep a record of it for preg verify. */
static void rewritten(struct reg *r, const struct logidx *old, const struct logidx *now)
{
	struct lost l;

	memset(&l, 0, sizeof(l));
	logidx_each(now, NULL, keep_hex, &l.kept);
	logidx_each(old, NULL, lost_hex, &l);
	if (l.n) {
		preg_warn("the history of %s was rewritten: %zu commit%s the log index held %s no longer on it (the first: %.12s); rebuilt the index",
			  reg_refname(r), l.n, l.n == 1 ? "" : "s", l.n == 1 ? "is" : "are", l.first);
		logidx_note_rewrite(reg_gitdir(r), l.first, l.n, logidx_tip(old));
	}
	strmap_release(&l.kept);
}

int log_index_open(struct reg *r, struct logidx **out)
{
	struct logidx *x = NULL;
	struct reg_oid old, tip;
	int rc;
	bool fresh = false, lost = false, born;

	*out = NULL;
	/* The file first, then the branch: a write between the two leaves
	 * the branch ahead of the file, which is extended, never behind. */
	rc = logidx_load(reg_gitdir(r), &x);
	if (rc == PREG_EINVAL) {
		char *path = logidx_path(reg_gitdir(r));

		preg_warn("the log index %s was corrupt; rebuilt it", path);
		free(path);
	}
	if (rc || reg_oid_parse(&old, logidx_tip(x)))
		fresh = true;
	rc = reg_tip(r, &tip);
	if (rc && rc != PREG_ENOTFOUND) {
		logidx_free(x);
		return rc;
	}
	born = !rc;
	if (!fresh && (!born || !reg_descends(r, &tip, &old)))
		fresh = lost = true; /* history rewritten: start again */
	rc = 0;
	if (fresh) {
		struct logidx *was = x;

		x = logidx_new();
		if (born && !(rc = extend(r, x, &tip, NULL))) {
			if (lost)
				rewritten(r, was, x);
			logidx_save(reg_gitdir(r), x);
		}
		logidx_free(was);
	} else if (!reg_oid_equal(&old, &tip) && !(rc = extend(r, x, &tip, &old))) {
		logidx_save(reg_gitdir(r), x);
	}
	if (rc) {
		logidx_free(x);
		return rc;
	}
	*out = x;
	return 0;
}

void log_index_replayed(struct reg *r, const struct reg_oid *old, const struct reg_oid *base)
{
	struct logidx *x = NULL;
	struct reg_oid at;
	char hex[REG_HEXSZ + 1];

	if (!logidx_load(reg_gitdir(r), &x) && !reg_oid_parse(&at, logidx_tip(x)) && reg_descends(r, old, &at) &&
	    !reg_descends(r, base, &at)) {
		reg_oid_hex(hex, base);
		if (!logidx_truncate(x, hex))
			logidx_save(reg_gitdir(r), x);
	}
	logidx_free(x);
	preg_error_clear();
}

/* ---- the two versions of a record a change is between ---- */

/* The blob of a record on each side of a change (absent: has_ false). */
struct pair {
	struct reg_oid old, new;
	bool has_old, has_new;
};

/* The records that differ between two trees, in path order, with their
 * blobs: one pass over the trees, however many records changed (an
 * import's 100,000 would otherwise each be looked up by path). */
struct pairs {
	struct strmap by_id; /* id -> struct pair (owned) */
	char **ids;
	size_t n, cap;
};

static int add_pair(void *arg, const char *path, const struct reg_oid *old, const struct reg_oid *new)
{
	struct pairs *ps = arg;
	char *id = layout_id_any(path);
	struct pair *p;

	if (!id)
		return 0;
	if (strmap_get(&ps->by_id, id, (void **)&p)) {
		/* Moved (preg upgrade): the old path removed, the new added. */
		if (old && !p->has_old) {
			p->has_old = true;
			p->old = *old;
		}
		if (new && !p->has_new) {
			p->has_new = true;
			p->new = *new;
		}
		free(id);
		return 0;
	}
	p = xcalloc(1, sizeof(*p));
	if ((p->has_old = old != NULL))
		p->old = *old;
	if ((p->has_new = new != NULL))
		p->new = *new;
	strmap_put(&ps->by_id, id, p);
	ps->ids = xgrow(ps->ids, &ps->cap, ps->n + 1, sizeof(*ps->ids));
	ps->ids[ps->n++] = id;
	return 0;
}

static int pairs_of(struct reg *r, const struct reg_tree *a, const struct reg_tree *b, struct pairs *out)
{
	memset(out, 0, sizeof(*out));
	return reg_diff(r, a, b, add_pair, out);
}

static void pairs_release(struct pairs *ps)
{
	for (size_t i = 0; i < ps->by_id.cap; i++)
		if (ps->by_id.keys && ps->by_id.keys[i])
			free(ps->by_id.vals[i]);
	strmap_release(&ps->by_id);
	strv_free(ps->ids, ps->n);
	memset(ps, 0, sizeof(*ps));
}

/* The pair of one record, by its path in each tree. */
static void pair_of(struct reg *r, const struct reg_tree *a, const struct reg_tree *b, const char *id,
		    struct pair *p)
{
	memset(p, 0, sizeof(*p));
	p->has_old = !reg_tree_record_file(r, a, id, &p->old, NULL);
	p->has_new = !reg_tree_record_file(r, b, id, &p->new, NULL);
	preg_error_clear();
}

/* One side of a pair: 0 with *out (NULL when absent), PREG_EINVAL when it
 * does not parse, or another code. */
static int side(struct reg *r, const struct reg_oid *blob, bool has, const char *id, struct record **out)
{
	char *path;
	int rc;

	*out = NULL;
	if (!has)
		return 0;
	path = reg_record_path(r, id);
	rc = reg_blob_record(r, blob, path, false, out);
	free(path);
	return rc;
}

/* ---- the trail ---- */

struct walk {
	struct reg *r;
	const struct log_opts *o;
	log_fn cb;
	void *arg;
};

/* Who made the change: the acting user the commit names, else the one
 * named by the events and notes it added (a commit of an older preg), else
 * the git author. A commit made without preg (no Preg-Action: a merge of
 * git pull, an edit by hand) is its git author's, whoever its events name:
 * a merge brings in events that others made and logged in their own
 * commits. */
static const char *made_by(const struct hcommit *c, const struct changes *ch)
{
	if (c->user)
		return c->user;
	return c->action && ch->by ? ch->by : c->author;
}

/* Whether A made the change: the acting user, else the git author by
 * name, e-mail address or the address's local part. */
static bool author_is(const struct hcommit *c, const struct changes *ch, const char *a)
{
	const char *at = strchr(c->email, '@');

	if (c->user || (c->action && ch->by))
		return !strcmp(made_by(c, ch), a);
	return !strcmp(c->author, a) || !strcasecmp(c->email, a) ||
	       (at && (size_t)(at - c->email) == strlen(a) && !strncasecmp(c->email, a, strlen(a)));
}

/* One row for commit c and record id. */
static int row(struct walk *w, const struct hcommit *c, const struct pair *p, const char *id)
{
	const struct log_opts *o = w->o;
	struct record *old = NULL, *new = NULL;
	struct changes ch;
	struct log_row lr;
	int rc, ro, rn;

	memset(&ch, 0, sizeof(ch));
	ro = side(w->r, &p->old, p->has_old, id, &old);
	rn = side(w->r, &p->new, p->has_new, id, &new);
	if ((ro && ro != PREG_EINVAL) || (rn && rn != PREG_EINVAL)) {
		rc = ro && ro != PREG_EINVAL ? ro : rn;
		goto out;
	}
	preg_error_clear();
	if (ro == PREG_EINVAL || rn == PREG_EINVAL) {
		/* A record made unreadable (or repaired) by hand: say so. */
		ch.v = xcalloc(1, sizeof(*ch.v));
		ch.n = ch.cap = 1;
		ch.v[0].kind = CH_EVENT;
		ch.v[0].new = xstrdup(rn == PREG_EINVAL ? "the record does not parse" : "the record parses again");
	} else {
		hist_compare(old, new, reg_phases(w->r), &ch);
	}
	if (!ch.n && p->has_old && p->has_new && reg_oid_equal(&p->old, &p->new)) {
		/* The same record at another path: an upgrade moved it. */
		ch.v = xcalloc(1, sizeof(*ch.v));
		ch.n = ch.cap = 1;
		ch.v[0].kind = CH_EVENT;
		ch.v[0].new = xstrdup("moved to the register's new layout");
	}
	rc = 0;
	if (o->manager && !((old && !strcmp(old->manager, o->manager)) || (new && !strcmp(new->manager, o->manager))))
		goto out;
	lr.c = c;
	lr.id = id;
	lr.old = old;
	lr.new = new;
	lr.ch = &ch;
	lr.by = made_by(c, &ch);
	if (o->author && !author_is(c, &ch, o->author))
		goto out;
	rc = w->cb(w->arg, &lr);
out:
	changes_release(&ch);
	record_free(old);
	record_free(new);
	return rc;
}

static int each_commit(void *arg, const char *hex, const char *ids, size_t len)
{
	struct walk *w = arg;
	struct reg_oid oid;
	struct hcommit c;
	struct reg_tree *after = NULL, *before = NULL;
	struct pairs all;
	int rc;

	memset(&all, 0, sizeof(all));
	if (!len)
		return 0;
	if (reg_oid_parse(&oid, hex))
		return preg_error_set(PREG_ERR, "the log index is damaged");
	if ((rc = hist_commit(w->r, &oid, &c)))
		return rc;
	if ((w->o->has_since && c.day < w->o->since) || (w->o->has_until && c.day > w->o->until))
		goto out;
	if ((rc = reg_tree_of(w->r, &oid, &after)))
		goto out;
	if (c.nparents) {
		struct reg_commit gc;

		if (!(rc = reg_commit_read(w->r, &oid, &gc)))
			rc = reg_tree_of(w->r, &gc.parents[0], &before);
		reg_commit_release(&gc);
		if (rc)
			goto out;
	}
	/* All the records of a commit: their blobs in one pass (pairs_of);
	 * one record: by its path. */
	if (!w->o->id && (rc = pairs_of(w->r, before, after, &all)))
		goto out;
	for (const char *p = ids, *e = ids + len; !rc && p < e;) {
		const char *t = memchr(p, ' ', (size_t)(e - p));
		char *id = xstrndup(p, t ? (size_t)(t - p) : (size_t)(e - p));
		struct pair one, *pp = NULL;

		if (!w->o->id || !strcmp(id, w->o->id)) {
			if (w->o->id || !strmap_get(&all.by_id, id, (void **)&pp)) {
				pair_of(w->r, before, after, id, &one);
				pp = &one;
			}
			rc = row(w, &c, pp, id);
		}
		free(id);
		p = t ? t + 1 : e;
	}
out:
	pairs_release(&all);
	reg_tree_free(before);
	reg_tree_free(after);
	hcommit_release(&c);
	return rc;
}

static int stop_at_first(void *arg, const char *hex, const char *ids, size_t len)
{
	(void)arg, (void)hex, (void)ids, (void)len;
	return 1;
}

bool log_knows(struct reg *r, const char *id)
{
	struct logidx *x = NULL;
	bool known;

	if (log_index_open(r, &x))
		return false;
	known = logidx_each(x, id, stop_at_first, NULL) == 1;
	logidx_free(x);
	return known;
}

int log_walk(struct reg *r, const struct log_opts *o, log_fn cb, void *arg)
{
	struct logidx *x = NULL;
	struct walk w = { r, o, cb, arg };
	int rc;

	if ((rc = log_index_open(r, &x)))
		return rc;
	rc = logidx_each(x, o->id, each_commit, &w);
	logidx_free(x);
	return rc;
}

/* ---- what differs ---- */

/* One state of a record: in commit at's tree, or before it (its first
 * parent's; the empty register before the first commit). */
static int state(struct reg *r, const struct reg_oid *at, bool before, const char *id, struct record **out)
{
	struct reg_tree *t = NULL;
	struct reg_oid oid = *at;
	int rc;

	*out = NULL;
	if (before) {
		struct reg_commit c;

		if ((rc = reg_commit_read(r, at, &c)))
			return rc;
		if (!c.nparents) {
			reg_commit_release(&c);
			return PREG_ENOTFOUND;
		}
		oid = c.parents[0];
		reg_commit_release(&c);
	}
	if (!(rc = reg_tree_of(r, &oid, &t)))
		rc = reg_tree_record(r, t, id, out);
	reg_tree_free(t);
	return rc;
}

/* Compare two states of id and call cb when they differ. */
static int compare(struct reg *r, const char *id, int ro, struct record *old, int rn, struct record *new,
		   log_diff_fn cb, void *arg)
{
	struct changes ch;
	int rc = 0;

	memset(&ch, 0, sizeof(ch));
	if ((ro && ro != PREG_ENOTFOUND) || (rn && rn != PREG_ENOTFOUND)) {
		/* A state that does not parse is named, not explained. */
		char *why = xstrdup(preg_error_msg());

		rc = cb(arg, id, NULL, NULL, &ch, why);
		free(why);
	} else {
		hist_compare(old, new, reg_phases(r), &ch);
		if (ch.n)
			rc = cb(arg, id, old, new, &ch, NULL);
	}
	preg_error_clear();
	changes_release(&ch);
	return rc;
}

/* Compare the two versions of a pair. */
static int compare_pair(struct reg *r, const char *id, const struct pair *p, log_diff_fn cb, void *arg)
{
	struct record *old = NULL, *new = NULL;
	int ro = side(r, &p->old, p->has_old, id, &old), rn = side(r, &p->new, p->has_new, id, &new), rc;

	if ((ro && ro != PREG_EINVAL) || (rn && rn != PREG_EINVAL))
		rc = ro && ro != PREG_EINVAL ? ro : rn;
	else
		rc = compare(r, id, ro, old, rn, new, cb, arg);
	record_free(old);
	record_free(new);
	return rc;
}

/* The pairs of the records commit hex changed against its first parent,
 * read once per commit and kept in cache (hex -> struct pairs). */
static int commit_pairs(struct reg *r, const char *hex, struct strmap *cache, struct pairs **out)
{
	struct reg_oid oid;
	struct reg_commit c;
	struct reg_tree *a = NULL, *b = NULL;
	struct pairs *ps;
	int rc;

	if (strmap_get(cache, hex, (void **)out))
		return 0;
	if (reg_oid_parse(&oid, hex))
		return preg_error_set(PREG_ERR, "the log index is damaged");
	if ((rc = reg_commit_read(r, &oid, &c)))
		return rc;
	ps = xcalloc(1, sizeof(*ps));
	if (!(rc = reg_tree_of(r, &oid, &b)) && !(c.nparents && (rc = reg_tree_of(r, &c.parents[0], &a))))
		rc = pairs_of(r, a, b, ps);
	reg_tree_free(a);
	reg_tree_free(b);
	reg_commit_release(&c);
	strmap_put(cache, hex, ps);
	*out = ps;
	return rc;
}

/* The period: each record the changes made in it touched, with the first
 * and the last commit that did, newest first through the log index. */
struct span {
	char first[REG_HEXSZ + 1], last[REG_HEXSZ + 1];
};

struct period {
	struct reg *r;
	const struct log_range *g;
	struct strmap ids; /* id -> struct span */
	char **order;      /* the ids, to sort by path */
	size_t n, cap;
};

static int period_commit(void *arg, const char *hex, const char *ids, size_t len)
{
	struct period *p = arg;
	struct reg_oid oid;
	struct hcommit c;
	int rc;

	if (!len)
		return 0;
	if (reg_oid_parse(&oid, hex))
		return preg_error_set(PREG_ERR, "the log index is damaged");
	if ((rc = hist_commit(p->r, &oid, &c)))
		return rc;
	if (c.day >= p->g->since && (!p->g->has_until || c.day <= p->g->until)) {
		for (const char *s = ids, *e = ids + len; s < e;) {
			const char *t = memchr(s, ' ', (size_t)(e - s));
			char *id = xstrndup(s, t ? (size_t)(t - s) : (size_t)(e - s));
			void *v;
			struct span *sp;

			if (!strmap_get(&p->ids, id, &v)) {
				sp = xcalloc(1, sizeof(*sp));
				memcpy(sp->last, c.hex, sizeof(sp->last));
				strmap_put(&p->ids, id, sp);
				p->order = xgrow(p->order, &p->cap, p->n + 1, sizeof(*p->order));
				p->order[p->n++] = xstrdup(id);
			} else {
				sp = v;
			}
			memcpy(sp->first, c.hex, sizeof(sp->first));
			free(id);
			s = t ? t + 1 : e;
		}
	}
	hcommit_release(&c);
	return 0;
}

/* Records in id order: the order of every listing, whatever the layout
 * (their paths are in hash order in version 2). */
static int cmp_ids(const void *a, const void *b, void *r)
{
	(void)r;
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int diff_period(struct reg *r, const struct log_range *g, log_diff_fn cb, void *arg)
{
	struct period p;
	struct logidx *x = NULL;
	struct strmap cache = { 0 }; /* commit hex -> struct pairs */
	int rc;

	memset(&p, 0, sizeof(p));
	p.r = r;
	p.g = g;
	if (!(rc = log_index_open(r, &x)))
		rc = logidx_each(x, NULL, period_commit, &p);
	logidx_free(x);
	if (!rc && p.n)
		qsort_r(p.order, p.n, sizeof(*p.order), cmp_ids, r);
	for (size_t i = 0; i < p.n && !rc; i++) {
		struct span *sp = NULL;
		struct reg_oid first, last;
		struct record *old = NULL, *new = NULL;
		int ro, rn;

		strmap_get(&p.ids, p.order[i], (void **)&sp);
		if (!strcmp(sp->first, sp->last)) {
			/* Changed by one commit of the period (as every record
			 * of an import is): the versions of that commit. */
			struct pairs *ps;
			struct pair *pp = NULL;

			if (!(rc = commit_pairs(r, sp->first, &cache, &ps)) &&
			    strmap_get(&ps->by_id, p.order[i], (void **)&pp))
				rc = compare_pair(r, p.order[i], pp, cb, arg);
			continue;
		}
		reg_oid_parse(&first, sp->first);
		reg_oid_parse(&last, sp->last);
		ro = state(r, &first, true, p.order[i], &old);
		rn = state(r, &last, false, p.order[i], &new);
		if ((ro && ro != PREG_ENOTFOUND && ro != PREG_EINVAL) || (rn && rn != PREG_ENOTFOUND && rn != PREG_EINVAL))
			rc = ro && ro != PREG_ENOTFOUND ? ro : rn;
		else
			rc = compare(r, p.order[i], ro, old, rn, new, cb, arg);
		record_free(old);
		record_free(new);
	}
	for (size_t i = 0; i < p.ids.cap; i++)
		if (p.ids.keys && p.ids.keys[i])
			free(p.ids.vals[i]);
	strmap_release(&p.ids);
	for (size_t i = 0; i < cache.cap; i++)
		if (cache.keys && cache.keys[i]) {
			pairs_release(cache.vals[i]);
			free(cache.vals[i]);
		}
	strmap_release(&cache);
	strv_free(p.order, p.n);
	return rc;
}

int log_diff(struct reg *r, const struct log_range *g, log_diff_fn cb, void *arg)
{
	struct reg_oid a, b;
	struct reg_tree *ta = NULL, *tb = NULL;
	struct pairs ps;
	bool has_a = false;
	int rc;

	memset(&ps, 0, sizeof(ps));
	if (g->has_since)
		return diff_period(r, g, cb, arg);
	if ((rc = reg_resolve(r, g->to ? g->to : "HEAD", &b)))
		return rc;
	if (g->from) {
		if ((rc = reg_resolve(r, g->from, &a)))
			return rc;
		has_a = true;
	} else {
		struct reg_commit c;

		if ((rc = reg_commit_read(r, &b, &c)))
			return rc;
		if ((has_a = c.nparents > 0))
			a = c.parents[0];
		reg_commit_release(&c);
	}
	if ((rc = reg_tree_of(r, &b, &tb)) || (has_a && (rc = reg_tree_of(r, &a, &ta))) ||
	    (rc = pairs_of(r, ta, tb, &ps)))
		goto out;
	if (ps.n)
		qsort_r(ps.ids, ps.n, sizeof(*ps.ids), cmp_ids, r);
	for (size_t i = 0; i < ps.n && !rc; i++) {
		struct pair *p = NULL;

		strmap_get(&ps.by_id, ps.ids[i], (void **)&p);
		rc = compare_pair(r, ps.ids[i], p, cb, arg);
	}
out:
	pairs_release(&ps);
	reg_tree_free(ta);
	reg_tree_free(tb);
	return rc;
}
