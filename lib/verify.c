/* verify: each record's history against git history (see verify.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "history.h"
#include "kvindex.h"
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

/* The first entry of old that new lacks (a merge keeps them all), or -1.
 * Looked up in a sorted view of new: a record may hold 10,000 notes. */
static long not_kept(const struct kvlist *old, size_t nold, const struct kvlist *new, size_t nnew)
{
	struct kvindex ix;
	long k = -1;

	kvindex_init(&ix, new, nnew, false);
	for (size_t i = 0; i < nold && k < 0; i++)
		if (!kvindex_count(&ix, &old[i]))
			k = (long)i;
	kvindex_release(&ix);
	return k;
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

/* Whether every entry of old is in new, in its order: a write adds an
 * entry by its time, so a move backdated with --at lands between older
 * ones (the time rule, lib/record.h). added[i] tells which entries of new
 * old lacks. A prefix is the common case. */
static bool kept_in_order(const struct kvlist *old, size_t nold, const struct kvlist *new, size_t nnew,
			  bool *added)
{
	size_t j = 0;

	for (size_t i = 0; i < nnew; i++)
		added[i] = true;
	for (size_t i = 0; i < nold; i++) {
		while (j < nnew && !hist_kv_equal(&old[i], &new[j]))
			j++;
		if (j == nnew)
			return false;
		added[j++] = false;
	}
	return true;
}

/* check_added for each entry of e marked added, until one is a problem. */
static void check_each_added(struct verify_report *v, const struct hcommit *c, const char *id,
			     const struct kvlist *e, size_t n, const bool *added, const char *what, const char **by)
{
	size_t before = v->n;

	for (size_t i = 0; i < n && v->n == before; i++)
		if (added[i])
			check_added(v, c, id, &e[i], 1, what, by);
}

static void check_phase_trailer(struct verify_report *v, const struct hcommit *c, const char *id,
				const struct record *new, const bool *added)
{
	const char *arrow, *last = NULL;

	if (!c->phase || !c->action || strcmp(c->action, "phase") || !(arrow = strstr(c->phase, "-> ")))
		return;
	for (size_t i = 0; i < new->nhistory; i++)
		if (added[i] && kv_get(&new->history[i], "phase"))
			last = kv_get(&new->history[i], "phase");
	if (!last || strcmp(last, arrow + 3))
		problem(v, id, c, "Preg-Phase says %s, the history event says phase %s", c->phase, last ? last : "none");
}

/* Record id changed from old to new in a commit with one parent (or none). */
static void check_step(struct verify_report *v, const struct hcommit *c, const char *id,
		       const struct record *old, const struct record *new)
{
	const char *by = NULL;
	bool *hadd, *nadd;
	long k;

	if (!new)
		return; /* removed: nothing left to prove */
	hadd = xcalloc(new->nhistory + 1, sizeof(*hadd));
	nadd = xcalloc(new->nnotes + 1, sizeof(*nadd));
	if (!kept_in_order(old ? old->history : NULL, old ? old->nhistory : 0, new->history, new->nhistory, hadd)) {
		k = not_prefix(old->history, old->nhistory, new->history, new->nhistory);
		problem(v, id, c, "history event %ld of %zu was %s", k + 1, old->nhistory,
			(size_t)k < new->nhistory ? "changed" : "removed");
		goto out;
	}
	if (!kept_in_order(old ? old->notes : NULL, old ? old->nnotes : 0, new->notes, new->nnotes, nadd)) {
		k = not_prefix(old->notes, old->nnotes, new->notes, new->nnotes);
		problem(v, id, c, "note %ld of %zu was %s", k + 1, old->nnotes,
			(size_t)k < new->nnotes ? "changed" : "removed");
		goto out;
	}
	check_each_added(v, c, id, new->history, new->nhistory, hadd, "a history event", &by);
	check_each_added(v, c, id, new->notes, new->nnotes, nadd, "a note", &by);
	check_phase_trailer(v, c, id, new, hadd);
out:
	free(hadd);
	free(nadd);
}

/* An undo must put the record back as it was before the commit undone. */
static int check_undo(struct reg *r, struct verify_report *v, const struct hcommit *c, const char *undone,
		      const char *id, git_tree *tree)
{
	git_oid x;
	git_commit *xc = NULL;
	git_tree *before = NULL;
	git_tree_entry *a = NULL, *b = NULL;
	char *path = record_path(id);
	int rc = 0;
	bool ok;

	if (git_oid_fromstr(&x, undone) || git_commit_lookup(&xc, reg_repo(r), &x)) {
		problem(v, id, c, "Preg-Undo names %s, which is not a commit", undone);
		goto out;
	}
	if (git_commit_parentcount(xc) && (rc = hist_tree(r, git_commit_parent_id(xc, 0), &before)))
		goto out;
	ok = (before && !git_tree_entry_bypath(&a, before, path));
	if (!git_tree_entry_bypath(&b, tree, path) != ok ||
	    (ok && !git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b))))
		problem(v, id, c, "the undo of %.7s does not restore the record as it was before it", undone);
out:
	preg_error_clear();
	git_tree_entry_free(a);
	git_tree_entry_free(b);
	git_tree_free(before);
	git_commit_free(xc);
	free(path);
	return rc;
}

static const char *undo_of(const char *msg)
{
	const char *p = strstr(msg, "\nPreg-Undo: ");

	return p ? p + 12 : NULL;
}

static int check_commit(struct reg *r, struct verify_report *v, const git_oid *oid)
{
	struct hcommit c;
	git_commit *gc = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	char **ids = NULL, undone[GIT_OID_HEXSZ + 1] = "";
	size_t n = 0;
	int rc;

	if ((rc = hist_commit(r, oid, &c)))
		return rc;
	if (git_commit_lookup(&gc, reg_repo(r), oid) || git_commit_tree(&tree, gc)) {
		rc = preg_error_set(PREG_ERR, "cannot read commit %s", c.hex);
		goto out;
	}
	{
		const char *u = undo_of(git_commit_message(gc));

		if (u && c.action && !strcmp(c.action, "undo"))
			snprintf(undone, sizeof(undone), "%.*s", (int)strcspn(u, "\n"), u);
	}
	v->commits++;
	for (unsigned p = 0; p < (c.nparents ? c.nparents : 1); p++) {
		git_tree_free(ptree);
		ptree = NULL;
		if (c.nparents && (rc = hist_tree(r, git_commit_parent_id(gc, p), &ptree)))
			goto out;
		strv_free(ids, n);
		ids = NULL;
		n = 0;
		if ((rc = hist_changed(r, ptree, tree, &ids, &n, NULL)))
			goto out;
		for (size_t i = 0; i < n; i++) {
			struct record *old = NULL, *new = NULL;
			int ro = hist_record(r, ptree, ids[i], &old);
			int rn = hist_record(r, tree, ids[i], &new);
			long k;

			if (rn == PREG_EINVAL) {
				problem(v, ids[i], &c, "the record does not parse: %s", preg_error_msg());
			} else if (ro == PREG_EINVAL) {
				/* Reported at the commit that broke it. */
			} else if (c.nparents > 1) {
				if (old && new &&
				    ((k = not_kept(old->history, old->nhistory, new->history, new->nhistory)) >= 0 ||
				     (k = not_kept(old->notes, old->nnotes, new->notes, new->nnotes)) >= 0))
					problem(v, ids[i], &c, "the merge lost a history event or note of parent %u", p + 1);
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
	git_tree_free(ptree);
	git_tree_free(tree);
	git_commit_free(gc);
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

int verify_run(struct reg *r, struct verify_report *out)
{
	git_revwalk *w = NULL;
	git_oid tip, oid;
	int rc = 0, g;

	memset(out, 0, sizeof(*out));
	if (git_reference_name_to_id(&tip, reg_repo(r), reg_refname(r)))
		return preg_error_set(PREG_ERR, "cannot resolve %s", reg_refname(r));
	if (git_revwalk_new(&w, reg_repo(r)) || git_revwalk_push(w, &tip)) {
		git_revwalk_free(w);
		return preg_error_set(PREG_ERR, "cannot walk the history of %s", reg_refname(r));
	}
	git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	while (!rc && !(g = git_revwalk_next(&oid, w)))
		rc = check_commit(r, out, &oid);
	git_revwalk_free(w);
	if (!rc)
		rc = reg_each(r, false, check_tip, out);
	return rc;
}
