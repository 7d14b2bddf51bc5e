/* verify: each record's history against git history (see verify.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "history.h"
#include "verify.h"
#include "xalloc.h"

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

/* The first index where list old is not a prefix of list new, or -1. */
static long not_prefix(const struct kvlist *old, size_t nold, const struct kvlist *new, size_t nnew)
{
	for (size_t i = 0; i < nold; i++)
		if (i >= nnew || !hist_kv_equal(&old[i], &new[i]))
			return (long)i;
	return -1;
}

/* The first entry of old that new lacks (a merge keeps them all), or -1. */
static long not_kept(const struct kvlist *old, size_t nold, const struct kvlist *new, size_t nnew)
{
	for (size_t i = 0; i < nold; i++) {
		bool found = false;

		for (size_t j = 0; j < nnew && !found; j++)
			found = hist_kv_equal(&old[i], &new[j]);
		if (!found)
			return (long)i;
	}
	return -1;
}

static bool names(const struct hcommit *c, const char *id)
{
	for (size_t i = 0; i < c->nclients; i++)
		if (!strcmp(c->clients[i], id))
			return true;
	return false;
}

/* Check the events and notes commit c added to record id. */
static void check_added(struct verify_report *v, const struct hcommit *c, const char *id,
			const struct kvlist *e, size_t n, const char *what, const char **by)
{
	for (size_t i = 0; i < n; i++) {
		const char *at = kv_get(&e[i], "at"), *b = kv_get(&e[i], "by");
		struct ptime t;

		if (!c->action) {
			problem(v, id, c, "%s added by a commit made without preg (no Preg-Action)", what);
			return;
		}
		if (!names(c, id)) {
			problem(v, id, c, "%s added, but the commit's Preg-Client trailers do not name the client", what);
			return;
		}
		if (b && *by && strcmp(b, *by)) {
			problem(v, id, c, "%s by %s and by %s in one commit", what, *by, b);
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

static void check_phase_trailer(struct verify_report *v, const struct hcommit *c, const char *id,
				const struct record *new, size_t from)
{
	const char *arrow, *last = NULL;

	if (!c->phase || !c->action || strcmp(c->action, "phase") || !(arrow = strstr(c->phase, "-> ")))
		return;
	for (size_t i = from; i < new->nhistory; i++)
		if (kv_get(&new->history[i], "phase"))
			last = kv_get(&new->history[i], "phase");
	if (!last || strcmp(last, arrow + 3))
		problem(v, id, c, "Preg-Phase says %s, the history event says phase %s", c->phase, last ? last : "none");
}

/* Record id changed from old to new in a commit with one parent (or none). */
static void check_step(struct verify_report *v, const struct hcommit *c, const char *id,
		       const struct record *old, const struct record *new)
{
	const char *by = NULL;
	long k;

	if (!new)
		return; /* removed: nothing left to prove */
	if (old && (k = not_prefix(old->history, old->nhistory, new->history, new->nhistory)) >= 0) {
		problem(v, id, c, "history event %ld of %zu was %s", k + 1, old->nhistory,
			(size_t)k < new->nhistory ? "changed" : "removed");
		return;
	}
	if (old && (k = not_prefix(old->notes, old->nnotes, new->notes, new->nnotes)) >= 0) {
		problem(v, id, c, "note %ld of %zu was %s", k + 1, old->nnotes,
			(size_t)k < new->nnotes ? "changed" : "removed");
		return;
	}
	size_t h0 = old ? old->nhistory : 0, n0 = old ? old->nnotes : 0;

	check_added(v, c, id, new->history + h0, new->nhistory - h0, "a history event", &by);
	check_added(v, c, id, new->notes + n0, new->nnotes - n0, "a note", &by);
	check_phase_trailer(v, c, id, new, h0);
}

/* An undo must put the record back as it was before the commit undone. */
static int check_undo(struct reg *r, struct verify_report *v, const struct hcommit *c, const char *undone,
		      const char *id, const struct reg_tree *tree)
{
	struct reg_oid x, a, b;
	struct reg_commit xc;
	struct reg_tree *before = NULL;
	char *path = record_path(id);
	int rc = 0;
	bool ok;

	memset(&xc, 0, sizeof(xc));
	if (reg_oid_parse(&x, undone) || reg_commit_read(r, &x, &xc)) {
		problem(v, id, c, "Preg-Undo names %s, which is not a commit", undone);
		goto out;
	}
	if (xc.nparents && (rc = reg_tree_of(r, &xc.parents[0], &before)))
		goto out;
	ok = before && !reg_tree_file(r, before, path, &a);
	if (!reg_tree_file(r, tree, path, &b) != ok || (ok && !reg_oid_equal(&a, &b)))
		problem(v, id, c, "the undo of %.7s does not restore the record as it was before it", undone);
out:
	preg_error_clear();
	reg_tree_free(before);
	reg_commit_release(&xc);
	free(path);
	return rc;
}

static const char *undo_of(const char *msg)
{
	const char *p = strstr(msg, "\nPreg-Undo: ");

	return p ? p + 12 : NULL;
}

static int check_commit(struct reg *r, struct verify_report *v, const struct reg_oid *oid)
{
	struct hcommit c;
	struct reg_commit gc;
	struct reg_tree *tree = NULL, *ptree = NULL;
	char **ids = NULL, undone[REG_HEXSZ + 1] = "";
	size_t n = 0;
	int rc;

	memset(&gc, 0, sizeof(gc));
	if ((rc = hist_commit(r, oid, &c)))
		return rc;
	if ((rc = reg_commit_read(r, oid, &gc)) || (rc = reg_tree_of(r, oid, &tree)))
		goto out;
	{
		const char *u = undo_of(gc.message);

		if (u && c.action && !strcmp(c.action, "undo"))
			snprintf(undone, sizeof(undone), "%.*s", (int)strcspn(u, "\n"), u);
	}
	v->commits++;
	for (size_t p = 0; p < (c.nparents ? c.nparents : 1); p++) {
		reg_tree_free(ptree);
		ptree = NULL;
		if (c.nparents && (rc = reg_tree_of(r, &gc.parents[p], &ptree)))
			goto out;
		strv_free(ids, n);
		ids = NULL;
		n = 0;
		if ((rc = hist_changed(r, ptree, tree, &ids, &n, NULL)))
			goto out;
		for (size_t i = 0; i < n; i++) {
			struct record *old = NULL, *new = NULL;
			int ro = reg_tree_record(r, ptree, ids[i], &old);
			int rn = reg_tree_record(r, tree, ids[i], &new);
			long k;

			if (rn == PREG_EINVAL) {
				problem(v, ids[i], &c, "the record does not parse: %s", preg_error_msg());
			} else if (ro == PREG_EINVAL) {
				/* Reported at the commit that broke it. */
			} else if (c.nparents > 1) {
				if (old && new &&
				    ((k = not_kept(old->history, old->nhistory, new->history, new->nhistory)) >= 0 ||
				     (k = not_kept(old->notes, old->nnotes, new->notes, new->nnotes)) >= 0))
					problem(v, ids[i], &c, "the merge lost a history event or note of parent %zu", p + 1);
			} else if (*undone) {
				rc = check_undo(r, v, &c, undone, ids[i], tree);
			} else {
				check_step(v, &c, ids[i], old, new);
			}
			record_free(old);
			record_free(new);
			preg_error_clear();
			if (rc)
				goto out;
		}
	}
out:
	strv_free(ids, n);
	reg_tree_free(ptree);
	reg_tree_free(tree);
	reg_commit_release(&gc);
	hcommit_release(&c);
	return rc;
}

/* At the tip: phase, phase_since and manager follow the last events. */
static int check_tip(void *arg, const char *id, const char *path, struct record *rec)
{
	struct verify_report *v = arg;
	const char *phase = NULL, *since = NULL, *manager = NULL;

	v->records++;
	if (!rec) {
		problem(v, id ? id : path, NULL, "%s", preg_error_msg());
		return 0;
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
		problem(v, id, NULL, "phase is %d, the last phase event says %s", rec->phase, phase);
	else if (since && strcmp(since, rec->phase_since))
		problem(v, id, NULL, "phase_since is %s, the last phase event is at %s", rec->phase_since, since);
	if (manager && strcmp(manager, rec->manager))
		problem(v, id, NULL, "manager is %s, the last manager event says %s", rec->manager, manager);
	return 0;
}

static int walk_one(void *arg, const struct reg_oid *oid)
{
	void **a = arg;

	return check_commit(a[0], a[1], oid);
}

int verify_run(struct reg *r, struct verify_report *out)
{
	struct reg_oid tip;
	void *a[2] = { r, out };
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = reg_tip(r, &tip)))
		return rc == PREG_ENOTFOUND ? preg_error_set(PREG_ERR, "cannot resolve %s", reg_refname(r)) : rc;
	rc = reg_walk(r, &tip, NULL, REG_WALK_OLDEST_FIRST, walk_one, a);
	if (!rc)
		rc = reg_each(r, false, check_tip, out);
	return rc;
}
