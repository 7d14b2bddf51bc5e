/* log: the audit trail and its index in the git directory (see log.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "slug.h"
#include "xalloc.h"

/* ---- building ---- */

/* The line of commit oid: its id and the ids it changed, from its trailers
 * when preg made it (one parent and a Preg-Action), else from comparing its
 * trees. */
static int commit_ids(struct reg *r, const git_oid *oid, struct logidx *x)
{
	git_commit *c = NULL;
	struct buf line = BUF_INIT;
	int rc = 0;

	if (git_commit_lookup(&c, reg_repo(r), oid))
		return preg_error_set(PREG_ERR, "cannot read commit %s", git_oid_tostr_s(oid));
	if (git_commit_parentcount(c) == 1 && strstr(git_commit_message(c), "\nPreg-Action: ")) {
		struct hcommit h;

		memset(&h, 0, sizeof(h));
		hist_parse_trailers(git_commit_message(c), &h);
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
		logidx_add(x, git_oid_tostr_s(oid), buf_str(&line), line.len);
	buf_release(&line);
	git_commit_free(c);
	return rc;
}

/* Append the commits after from (NULL: all) up to tip, oldest first. */
static int extend(struct reg *r, struct logidx *x, const git_oid *tip, const git_oid *from)
{
	git_revwalk *w = NULL;
	git_oid oid;
	int rc = 0, g;

	if (git_revwalk_new(&w, reg_repo(r)) || git_revwalk_push(w, tip) ||
	    (from && git_revwalk_hide(w, from))) {
		git_revwalk_free(w);
		return preg_error_set(PREG_ERR, "cannot walk the history of %s", reg_refname(r));
	}
	git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	while (!rc && !(g = git_revwalk_next(&oid, w)))
		rc = commit_ids(r, &oid, x);
	if (!rc && g != GIT_ITEROVER)
		rc = preg_error_set(PREG_ERR, "cannot walk the history of %s", reg_refname(r));
	git_revwalk_free(w);
	return rc;
}

int log_index_open(struct reg *r, struct logidx **out)
{
	struct logidx *x = NULL;
	git_oid old, tip;
	int rc, g;
	bool fresh = false, born;

	*out = NULL;
	/* The file first, then the branch: a write between the two leaves
	 * the branch ahead of the file, which is extended, never behind. */
	rc = logidx_load(reg_gitdir(r), &x);
	if (rc == PREG_EINVAL) {
		char *path = logidx_path(reg_gitdir(r));

		preg_warn("the log index %s was corrupt; rebuilt it", path);
		free(path);
	}
	if (rc)
		fresh = true;
	else if (git_oid_fromstr(&old, logidx_tip(x)))
		fresh = true;
	g = git_reference_name_to_id(&tip, reg_repo(r), reg_refname(r));
	if (g && g != GIT_ENOTFOUND) {
		logidx_free(x);
		return preg_error_set(PREG_ERR, "cannot resolve %s", reg_refname(r));
	}
	born = !g;
	if (!fresh && (!born || !(git_oid_equal(&old, &tip) ||
				  git_graph_descendant_of(reg_repo(r), &tip, &old) == 1)))
		fresh = true; /* history rewritten: start again */
	rc = 0;
	if (fresh) {
		logidx_free(x);
		x = logidx_new();
		if (born && !(rc = extend(r, x, &tip, NULL)))
			logidx_save(reg_gitdir(r), x);
	} else if (!git_oid_equal(&old, &tip) && !(rc = extend(r, x, &tip, &old))) {
		logidx_save(reg_gitdir(r), x);
	}
	if (rc) {
		logidx_free(x);
		return rc;
	}
	*out = x;
	return 0;
}

/* ---- the trail ---- */

struct walk {
	struct reg *r;
	const struct log_opts *o;
	log_fn cb;
	void *arg;
};

/* Whether A made the change: the acting user, else the git author by
 * name, e-mail address or the address's local part. */
static bool author_is(const struct hcommit *c, const char *by, const char *a)
{
	const char *at = strchr(c->email, '@');

	if (by)
		return !strcmp(by, a);
	return !strcmp(c->author, a) || !strcasecmp(c->email, a) ||
	       (at && (size_t)(at - c->email) == strlen(a) && !strncasecmp(c->email, a, strlen(a)));
}

/* One row for commit c and record id. */
static int row(struct walk *w, const struct hcommit *c, git_tree *before, git_tree *after, const char *id)
{
	const struct log_opts *o = w->o;
	struct record *old = NULL, *new = NULL;
	struct changes ch;
	struct log_row lr;
	int rc, ro, rn;

	memset(&ch, 0, sizeof(ch));
	ro = hist_record(w->r, before, id, &old);
	rn = hist_record(w->r, after, id, &new);
	if ((ro && ro != PREG_ENOTFOUND && ro != PREG_EINVAL) || (rn && rn != PREG_ENOTFOUND && rn != PREG_EINVAL)) {
		rc = ro && ro != PREG_ENOTFOUND && ro != PREG_EINVAL ? ro : rn;
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
	rc = 0;
	if (o->manager && !((old && !strcmp(old->manager, o->manager)) || (new && !strcmp(new->manager, o->manager))))
		goto out;
	lr.c = c;
	lr.id = id;
	lr.old = old;
	lr.new = new;
	lr.ch = &ch;
	lr.by = ch.by ? ch.by : c->author;
	if (o->author && !author_is(c, ch.by, o->author))
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
	git_oid oid[1];
	struct hcommit c;
	git_commit *gc = NULL, *parent = NULL;
	git_tree *after = NULL, *before = NULL;
	int rc;

	if (!len)
		return 0;
	if (git_oid_fromstrn(oid, hex, GIT_OID_HEXSZ))
		return preg_error_set(PREG_ERR, "the log index is damaged");
	if ((rc = hist_commit(w->r, oid, &c)))
		return rc;
	if ((w->o->has_since && c.day < w->o->since) || (w->o->has_until && c.day > w->o->until))
		goto out;
	if (git_commit_lookup(&gc, reg_repo(w->r), oid) || git_commit_tree(&after, gc) ||
	    (git_commit_parentcount(gc) && (git_commit_parent(&parent, gc, 0) || git_commit_tree(&before, parent)))) {
		rc = preg_error_set(PREG_ERR, "cannot read commit %s", c.hex);
		goto out;
	}
	for (const char *p = ids, *e = ids + len; !rc && p < e;) {
		const char *t = memchr(p, ' ', (size_t)(e - p));
		char *id = xstrndup(p, t ? (size_t)(t - p) : (size_t)(e - p));

		if (!w->o->id || !strcmp(id, w->o->id))
			rc = row(w, &c, before, after, id);
		free(id);
		p = t ? t + 1 : e;
	}
out:
	git_tree_free(before);
	git_tree_free(after);
	git_commit_free(parent);
	git_commit_free(gc);
	hcommit_release(&c);
	return rc;
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
