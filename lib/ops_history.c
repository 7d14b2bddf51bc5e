/* ops_history: the changes that hand clients over and take changes back
 * (client reassign, undo); see ops.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "history.h"
#include "ops.h"
#include "xalloc.h"

/* ---- reassign ---- */

struct pick {
	const char *from;
	char **ids;
	size_t n, cap;
	int rc;
};

static int pick_open(void *arg, const char *id, const char *path, struct record *rec)
{
	struct pick *p = arg;

	(void)path;
	if (!rec) {
		p->rc = PREG_EINVAL;
		return PREG_EINVAL; /* the slot says which file */
	}
	if (strcmp(rec->manager, p->from))
		return 0;
	p->ids = xgrow(p->ids, &p->cap, p->n + 1, sizeof(*p->ids));
	p->ids[p->n++] = xstrdup(id);
	return 0;
}

static void moved_release(struct reassign_opts *o)
{
	for (size_t i = 0; i < o->nmoved; i++)
		record_free(o->moved[i]);
	free(o->moved);
	o->moved = NULL;
	o->nmoved = 0;
}

void reassign_release(struct reassign_opts *o)
{
	moved_release(o);
}

static bool listed(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

static int reassign_mutate(struct txn *t, void *arg)
{
	struct reassign_opts *o = arg;
	const struct phases *ph = reg_phases(txn_reg(t));
	struct pick p;
	struct ptime when;
	char **ids = NULL, summary[256], trailer[128], when_s[PTIME_LEN];
	size_t n = 0, cap = 0;
	int rc = 0;

	moved_release(o);
	memset(&p, 0, sizeof(p));
	if (o->nids) {
		for (size_t i = 0; i < o->nids; i++) {
			if (listed(ids, n, o->ids[i]))
				continue;
			ids = xgrow(ids, &cap, n + 1, sizeof(*ids));
			ids[n++] = xstrdup(o->ids[i]);
		}
	} else {
		p.from = o->from;
		rc = reg_each(txn_reg(t), false, pick_open, &p);
		ids = p.ids;
		n = p.n;
		if (rc)
			goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct record *rec = NULL;
		const struct phase *cur;

		if ((rc = txn_read(t, ids[i], &rec)))
			goto out;
		cur = phases_get(ph, rec->phase);
		if (strcmp(rec->manager, o->from)) {
			rc = preg_error_set(PREG_EINVAL, "client '%s' is managed by %s, not %s", ids[i],
					    rec->manager, o->from);
		} else if (!o->nids && cur && cur->ending) {
			record_free(rec);
			continue; /* ended: not handed over unless named */
		} else if (!(rc = ops_entry_when(t, rec, o->at, &when, when_s))) {
			struct kvlist ev = { NULL, 0, 0 };

			kv_set(&ev, "at", when_s);
			kv_set(&ev, "by", txn_user(t));
			kv_set(&ev, "manager", o->to);
			record_insert_entry(rec, &ev, false);
			/* The manager is the history's: a handover backdated
			 * before a later one changes what was. */
			record_follow_history(rec);
			if (!o->dry_run)
				txn_put(t, rec);
			o->moved = xrealloc(o->moved, (o->nmoved + 1) * sizeof(*o->moved));
			o->moved[o->nmoved++] = rec;
			continue;
		}
		record_free(rec);
		goto out;
	}
	if (!o->nmoved) {
		rc = preg_error_set(PREG_ENOTFOUND, "manager '%s' has no clients that have not ended", o->from);
		goto out;
	}
	snprintf(summary, sizeof(summary), "reassign: %zu client%s %s -> %s", o->nmoved, o->nmoved == 1 ? "" : "s",
		 o->from, o->to);
	txn_message(t, summary, "reassign", NULL);
	snprintf(trailer, sizeof(trailer), "%s -> %s", o->from, o->to);
	txn_trailer(t, "Preg-Manager", trailer);
out:
	strv_free(ids, n);
	if (rc)
		moved_release(o);
	return rc;
}

int ops_reassign(struct reg *r, struct reassign_opts *o)
{
	const struct phases *ph = reg_phases(r);

	/* --from may be a manager preg.yaml no longer lists: a handle is
	 * taken as it is, a display name only from the list. */
	if (!handle_valid(o->from) && (!ph->nmanagers || phases_resolve_manager(ph, o->from, &o->from)))
		return preg_error_set(PREG_EINVAL, "invalid manager '%s'", o->from);
	if (phases_resolve_manager(ph, o->to, &o->to))
		return PREG_EINVAL;
	if (!strcmp(o->from, o->to))
		return preg_error_set(PREG_EINVAL, "--from and --to are the same manager '%s'", o->from);
	/* The write can fail after the mutator ran (an uncommitted edit). */
	int rc = reg_write(r, 0, reassign_mutate, o);

	if (rc)
		moved_release(o);
	return rc;
}

/* ---- undo ---- */

void undo_release(struct undo_opts *o)
{
	free(o->summary);
	strv_free(o->ids, o->nids);
	o->summary = NULL;
	o->ids = NULL;
	o->nids = 0;
}

/* The tree before commit oid (its first parent's; NULL for a first commit). */
static int tree_before(struct reg *r, const struct reg_oid *oid, struct reg_tree **out)
{
	struct reg_commit c;
	int rc;

	*out = NULL;
	if ((rc = reg_commit_read(r, oid, &c)))
		return rc;
	if (c.nparents)
		rc = reg_tree_of(r, &c.parents[0], out);
	reg_commit_release(&c);
	return rc;
}

/* Whether commit c (which changed ids) is the acting user's. */
static int is_mine(struct reg *r, const struct hcommit *c, char **ids, size_t n, const char *user,
		   const char *name, const char *email, bool *out)
{
	struct reg_tree *after = NULL, *before = NULL;
	bool any_by = false;
	int rc;

	*out = false;
	if (c->user) {
		*out = !strcmp(c->user, user);
		return 0;
	}
	/* A commit of an older preg: by the events and notes it added, else
	 * by the git identity preg commits with. */
	if ((rc = reg_tree_of(r, &c->oid, &after)) || (rc = tree_before(r, &c->oid, &before)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		struct record *old = NULL, *new = NULL;
		struct changes ch;

		memset(&ch, 0, sizeof(ch));
		reg_tree_record(r, before, ids[i], &old);
		reg_tree_record(r, after, ids[i], &new);
		hist_compare(old, new, NULL, &ch);
		if (ch.by) {
			any_by = true;
			if (!strcmp(ch.by, user))
				*out = true;
		}
		changes_release(&ch);
		record_free(old);
		record_free(new);
	}
	preg_error_clear();
	if (!any_by)
		*out = !strcmp(c->author, name) && !strcmp(c->email, email);
out:
	reg_tree_free(before);
	reg_tree_free(after);
	return rc;
}

static int undo_mutate(struct txn *t, void *arg)
{
	struct undo_opts *o = arg;
	struct reg *r = txn_reg(t);
	char *name = NULL, *email = NULL, *in_way = NULL, *in_way_id = NULL, summary[512];
	char **later = NULL;
	size_t nlater = 0, cap = 0;
	struct reg_oid oid;
	struct reg_tree *ptree = NULL;
	struct buf data = BUF_INIT;
	int rc;

	undo_release(o);
	if (txn_tip(t, &oid))
		return preg_error_set(PREG_ENOTFOUND, "nothing to undo: the register has no commits");
	if ((rc = reg_identity(r, &name, &email)))
		return rc;
	/* Back along first parents to the user's last preg commit,
	 * remembering what the commits after it changed. */
	for (;;) {
		struct hcommit c;
		struct reg_commit gc;
		char **ids = NULL;
		size_t n = 0;
		bool mine = false;

		if ((rc = hist_commit(r, &oid, &c)))
			goto out;
		if ((rc = hist_commit_changed(r, &oid, &ids, &n))) {
			hcommit_release(&c);
			goto out;
		}
		if (c.action && strcmp(c.action, "init") && n &&
		    (rc = is_mine(r, &c, ids, n, txn_user(t), name, email, &mine))) {
			hcommit_release(&c);
			strv_free(ids, n);
			goto out;
		}
		if (mine && c.nparents <= 1) {
			o->ids = ids;
			o->nids = n;
			o->summary = xstrdup(c.summary);
			snprintf(o->undone, sizeof(o->undone), "%s", c.hex);
			hcommit_release(&c);
			break;
		}
		for (size_t i = 0; i < n; i++) {
			later = xgrow(later, &cap, nlater + 1, sizeof(*later));
			/* "ID HEX SUMMARY": the last written is the earliest commit. */
			later[nlater++] = xasprintf("%s %s %s", ids[i], c.hex, c.summary);
		}
		strv_free(ids, n);
		if (c.nparents == 0 || reg_commit_read(r, &oid, &gc)) {
			hcommit_release(&c);
			rc = preg_error_set(PREG_ENOTFOUND, "nothing to undo: no preg commit of %s", txn_user(t));
			goto out;
		}
		oid = gc.parents[0];
		reg_commit_release(&gc);
		hcommit_release(&c);
	}
	/* Refuse when a later commit changed one of the records; name the
	 * earliest (the last remembered). */
	for (size_t i = nlater; i-- > 0;) {
		size_t sp = strcspn(later[i], " ");

		for (size_t k = 0; k < o->nids; k++)
			if (strlen(o->ids[k]) == sp && !strncmp(o->ids[k], later[i], sp)) {
				in_way = later[i];
				in_way_id = o->ids[k];
				break;
			}
		if (in_way)
			break;
	}
	if (in_way) {
		const char *hex = in_way + strlen(in_way_id) + 1;

		rc = preg_error_set(PREG_EINVAL, "cannot undo %.7s (%s): commit %.7s (%s) changed client '%s' after it",
				    o->undone, o->summary, hex, hex + 41, in_way_id);
		goto out;
	}
	if ((rc = tree_before(r, &oid, &ptree)))
		goto out;
	for (size_t i = 0; i < o->nids; i++) {
		char *path = reg_record_path(r, o->ids[i]);
		struct reg_oid blob;

		buf_reset(&data);
		if (!reg_tree_file(r, ptree, path, &blob) && !reg_blob_read(r, &blob, &data))
			txn_put_file(t, path, buf_str(&data), data.len);
		else
			txn_remove(t, o->ids[i]);
		free(path);
	}
	preg_error_clear();
	snprintf(summary, sizeof(summary), "undo: %.400s", o->summary);
	txn_message(t, summary, "undo", NULL);
	txn_trailer(t, "Preg-Undo", o->undone);
	rc = 0;
out:
	buf_release(&data);
	reg_tree_free(ptree);
	strv_free(later, nlater);
	free(name);
	free(email);
	return rc;
}

int ops_undo(struct reg *r, struct undo_opts *o)
{
	memset(o, 0, sizeof(*o));
	return reg_write(r, REG_FORCE, undo_mutate, o);
}
