/* history: reading and comparing the register's past states (see history.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "history.h"
#include "kvindex.h"
#include "xalloc.h"

void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ---- commits ---- */

static char *dup_trimmed(const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\t'))
		n--;
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	return xstrndup(s, n);
}

void hist_parse_trailers(const char *msg, struct hcommit *c)
{
	size_t cap = 0;

	/* The trailers are the lines "Key: value" of the message; preg writes
	 * them after the summary and a blank line, so the summary itself is
	 * never read as one. */
	const char *p = strchr(msg, '\n');

	while (p && *p) {
		const char *line = p + 1, *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		const char *colon = memchr(line, ':', len);

		p = end;
		if (!colon)
			continue;
		size_t klen = (size_t)(colon - line);
		const char *v = colon + 1;
		size_t vlen = len - klen - 1;

		if (klen == 11 && !strncmp(line, "Preg-Client", 11)) {
			c->clients = xgrow(c->clients, &cap, c->nclients + 1, sizeof(*c->clients));
			c->clients[c->nclients++] = dup_trimmed(v, vlen);
		} else if (klen == 11 && !strncmp(line, "Preg-Action", 11) && !c->action) {
			c->action = dup_trimmed(v, vlen);
		} else if (klen == 10 && !strncmp(line, "Preg-Phase", 10) && !c->phase) {
			c->phase = dup_trimmed(v, vlen);
		}
	}
}

int hist_commit(struct reg *r, const git_oid *oid, struct hcommit *out)
{
	git_commit *c = NULL;
	const git_signature *a;
	const char *msg;
	struct ptime t;

	memset(out, 0, sizeof(*out));
	if (git_commit_lookup(&c, reg_repo(r), oid))
		return reg_git_error(PREG_ERR, "cannot read commit %s", git_oid_tostr_s(oid));
	git_oid_cpy(&out->oid, oid);
	git_oid_tostr(out->hex, sizeof(out->hex), oid);
	msg = git_commit_message(c);
	msg = msg ? msg : "";
	out->summary = xstrndup(msg, strcspn(msg, "\n"));
	a = git_commit_author(c);
	out->author = xstrdup(a && a->name ? a->name : "");
	out->email = xstrdup(a && a->email ? a->email : "");
	t.t = a ? (int64_t)a->when.time : 0;
	t.off = a ? a->when.offset : 0;
	ptime_format(out->time, t);
	out->t = t.t;
	out->day = ptime_day(t);
	out->nparents = git_commit_parentcount(c);
	hist_parse_trailers(msg, out);
	git_commit_free(c);
	return 0;
}

void hcommit_release(struct hcommit *c)
{
	free(c->summary);
	free(c->author);
	free(c->email);
	free(c->action);
	free(c->phase);
	strv_free(c->clients, c->nclients);
	memset(c, 0, sizeof(*c));
}

int hist_tree(struct reg *r, const git_oid *oid, git_tree **out)
{
	git_commit *c = NULL;
	int rc = 0;

	*out = NULL;
	if (git_commit_lookup(&c, reg_repo(r), oid) || git_commit_tree(out, c))
		rc = reg_git_error(PREG_ERR, "cannot read commit %s", git_oid_tostr_s(oid));
	git_commit_free(c);
	return rc;
}

int hist_record(struct reg *r, git_tree *tree, const char *id, struct record **out)
{
	git_tree_entry *e = NULL;
	git_blob *b = NULL;
	char *path = record_path(id);
	int rc;

	*out = NULL;
	if (!tree) {
		free(path);
		return PREG_ENOTFOUND;
	}
	rc = git_tree_entry_bypath(&e, tree, path);
	if (rc == GIT_ENOTFOUND || (!rc && git_tree_entry_type(e) != GIT_OBJECT_BLOB)) {
		rc = PREG_ENOTFOUND;
	} else if (rc) {
		rc = reg_git_error(PREG_ERR, "cannot read %s", path);
	} else if (git_blob_lookup(&b, reg_repo(r), git_tree_entry_id(e))) {
		rc = reg_git_error(PREG_ERR, "cannot read %s", path);
	} else {
		rc = record_parse(out, git_blob_rawcontent(b), (size_t)git_blob_rawsize(b), path, NULL);
	}
	git_blob_free(b);
	git_tree_entry_free(e);
	free(path);
	return rc;
}

/* ---- which records differ ---- */

/* The subtree name of tree (NULL when absent or not a tree); the caller frees. */
static int subtree(struct reg *r, git_tree *tree, const char *name, git_tree **out)
{
	const git_tree_entry *e;

	*out = NULL;
	if (!tree || !(e = git_tree_entry_byname(tree, name)) || git_tree_entry_type(e) != GIT_OBJECT_TREE)
		return 0;
	if (git_tree_lookup(out, reg_repo(r), git_tree_entry_id(e)))
		return reg_git_error(PREG_ERR, "cannot read %s", name);
	return 0;
}

static size_t count(git_tree *t)
{
	return t ? git_tree_entrycount(t) : 0;
}

/* Merge-join the entries of a and b by name: cb for each name whose
 * entries differ (ea or eb NULL when absent). Git sorts tree entries by
 * name with a tree's name compared as if followed by '/'; comparing the
 * names alone is the same order for the names a register holds. */
typedef int (*pair_fn)(void *arg, const git_tree_entry *ea, const git_tree_entry *eb);

static int join(git_tree *a, git_tree *b, pair_fn cb, void *arg)
{
	size_t i = 0, j = 0, na = count(a), nb = count(b);
	int rc = 0;

	while (!rc && (i < na || j < nb)) {
		const git_tree_entry *ea = i < na ? git_tree_entry_byindex(a, i) : NULL;
		const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(b, j) : NULL;
		int c = !ea ? 1 : !eb ? -1 : strcmp(git_tree_entry_name(ea), git_tree_entry_name(eb));

		if (c < 0) {
			rc = cb(arg, ea, NULL);
			i++;
		} else if (c > 0) {
			rc = cb(arg, NULL, eb);
			j++;
		} else {
			if (!git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) ||
			    git_tree_entry_filemode(ea) != git_tree_entry_filemode(eb))
				rc = cb(arg, ea, eb);
			i++;
			j++;
		}
	}
	return rc;
}

struct changed {
	struct reg *r;
	const char *shard;
	char **ids;
	size_t n, cap, others;
};

static int file_pair(void *arg, const git_tree_entry *ea, const git_tree_entry *eb)
{
	struct changed *c = arg;
	const git_tree_entry *e = ea ? ea : eb;
	char path[512];
	char *id;

	snprintf(path, sizeof(path), "clients/%s/%s", c->shard, git_tree_entry_name(e));
	id = record_id_from_path(path);
	if (!id || (ea && git_tree_entry_type(ea) != GIT_OBJECT_BLOB) ||
	    (eb && git_tree_entry_type(eb) != GIT_OBJECT_BLOB)) {
		free(id);
		c->others++;
		return 0;
	}
	c->ids = xgrow(c->ids, &c->cap, c->n + 1, sizeof(*c->ids));
	c->ids[c->n++] = id;
	return 0;
}

static int shard_pair(void *arg, const git_tree_entry *ea, const git_tree_entry *eb)
{
	struct changed *c = arg;
	git_tree *ta = NULL, *tb = NULL;
	int rc = 0;

	if ((ea && git_tree_entry_type(ea) != GIT_OBJECT_TREE) ||
	    (eb && git_tree_entry_type(eb) != GIT_OBJECT_TREE)) {
		c->others++;
		if ((ea && git_tree_entry_type(ea) != GIT_OBJECT_TREE))
			ea = NULL;
		if ((eb && git_tree_entry_type(eb) != GIT_OBJECT_TREE))
			eb = NULL;
		if (!ea && !eb)
			return 0;
	}
	if ((ea && git_tree_lookup(&ta, reg_repo(c->r), git_tree_entry_id(ea))) ||
	    (eb && git_tree_lookup(&tb, reg_repo(c->r), git_tree_entry_id(eb)))) {
		rc = reg_git_error(PREG_ERR, "cannot read clients/%s", git_tree_entry_name(ea ? ea : eb));
		goto out;
	}
	c->shard = git_tree_entry_name(ea ? ea : eb);
	rc = join(ta, tb, file_pair, c);
out:
	git_tree_free(ta);
	git_tree_free(tb);
	return rc;
}

int hist_changed(struct reg *r, git_tree *a, git_tree *b, char ***ids, size_t *n, size_t *others)
{
	struct changed c;
	git_tree *ca = NULL, *cb = NULL;
	int rc;

	memset(&c, 0, sizeof(c));
	c.r = r;
	c.ids = *ids;
	c.n = c.cap = *n;
	if (!(rc = subtree(r, a, "clients", &ca)) && !(rc = subtree(r, b, "clients", &cb)) &&
	    !(ca && cb && git_oid_equal(git_tree_id(ca), git_tree_id(cb))))
		rc = join(ca, cb, shard_pair, &c);
	git_tree_free(ca);
	git_tree_free(cb);
	*ids = c.ids;
	*n = c.n;
	if (others)
		*others = c.others;
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int hist_commit_changed(struct reg *r, const git_oid *oid, char ***ids, size_t *n)
{
	git_commit *c = NULL;
	git_tree *tree = NULL;
	int rc = 0;

	*ids = NULL;
	*n = 0;
	if (git_commit_lookup(&c, reg_repo(r), oid) || git_commit_tree(&tree, c)) {
		rc = reg_git_error(PREG_ERR, "cannot read commit %s", git_oid_tostr_s(oid));
		goto out;
	}
	unsigned np = git_commit_parentcount(c);

	if (np == 0) {
		rc = hist_changed(r, NULL, tree, ids, n, NULL);
		goto out;
	}
	for (unsigned p = 0; p < np && !rc; p++) {
		git_commit *pc = NULL;
		git_tree *pt = NULL;
		char **v = NULL;
		size_t m = 0, k = 0;

		if (git_commit_parent(&pc, c, p) || git_commit_tree(&pt, pc)) {
			rc = reg_git_error(PREG_ERR, "cannot read a parent of %s", git_oid_tostr_s(oid));
		} else if (!(rc = hist_changed(r, pt, tree, &v, &m, NULL))) {
			if (p == 0) {
				*ids = v;
				*n = m;
				v = NULL;
				m = 0;
			} else {
				/* A merge changed what differs from every parent. */
				qsort(v, m, sizeof(*v), cmp_str);
				for (size_t i = 0; i < *n; i++) {
					if (bsearch(&(*ids)[i], v, m, sizeof(*v), cmp_str))
						(*ids)[k++] = (*ids)[i];
					else
						free((*ids)[i]);
				}
				*n = k;
			}
		}
		strv_free(v, m);
		git_tree_free(pt);
		git_commit_free(pc);
	}
out:
	git_tree_free(tree);
	git_commit_free(c);
	return rc;
}

/* ---- what changed in a record ---- */

static void add(struct changes *out, enum change_kind kind, const char *key, const char *old,
		const char *new)
{
	struct change *c;

	out->v = xgrow(out->v, &out->cap, out->n + 1, sizeof(*out->v));
	c = &out->v[out->n++];
	c->kind = kind;
	c->key = key ? xstrdup(key) : NULL;
	c->old = old ? xstrdup(old) : NULL;
	c->new = new ? xstrdup(new) : NULL;
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void field(struct changes *out, const char *key, const char *old, const char *new)
{
	if (!same(old, new))
		add(out, CH_FIELD, key, old, new);
}

static char *phase_words(int id, const struct phases *ph)
{
	const struct phase *p = ph ? phases_get(ph, id) : NULL;

	return p ? xasprintf("%d (%s)", id, p->key) : xasprintf("%d", id);
}

static char *join_tags(const struct record *r)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < r->ntags; i++)
		buf_addf(&b, "%s%s", i ? ", " : "", r->tags[i]);
	return b.len ? buf_detach(&b) : NULL;
}

bool hist_kv_equal(const struct kvlist *a, const struct kvlist *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].k, b->v[i].k) || strcmp(a->v[i].v, b->v[i].v))
			return false;
	return true;
}

static void set_by(struct changes *out, const struct kvlist *e)
{
	const char *by = kv_get(e, "by");

	if (!out->by && by)
		out->by = xstrdup(by);
}

void hist_contact_text(struct buf *out, const struct kvlist *c)
{
	const char *name = kv_get(c, "name"), *mail = kv_get(c, "email");
	const char *role = kv_get(c, "role"), *phone = kv_get(c, "phone");

	if (name)
		buf_adds(out, name);
	if (mail)
		buf_addf(out, "%s<%s>", name ? " " : "", mail);
	if (role || phone)
		buf_addf(out, "; %s", role ? role : "");
	if (phone)
		buf_addf(out, "; %s", phone);
}

/* "contact N" changed from a to b (either NULL: added or removed). */
static void contact_change(struct changes *out, size_t i, const struct kvlist *a, const struct kvlist *b)
{
	struct buf ta = BUF_INIT, tb = BUF_INIT;
	char key[32];

	snprintf(key, sizeof(key), "contact %zu", i + 1);
	if (a)
		hist_contact_text(&ta, a);
	if (b)
		hist_contact_text(&tb, b);
	add(out, CH_FIELD, key, a ? buf_str(&ta) : NULL, b ? buf_str(&tb) : NULL);
	buf_release(&ta);
	buf_release(&tb);
}

/* The contacts that changed, by their numbers (from 1, as preg contact
 * counts them): one added at the end or one removed anywhere reads as
 * that, not as every contact after it renumbered. */
static void contacts_changes(struct changes *out, const struct record *old, const struct record *new)
{
	size_t no = old->ncontacts, nn = new->ncontacts, i = 0, k;

	while (i < no && i < nn && hist_kv_equal(&old->contacts[i], &new->contacts[i]))
		i++;
	if (i == no && i == nn)
		return;
	if (nn == no + 1 && i == no) {
		contact_change(out, i, NULL, &new->contacts[i]);
		return;
	}
	if (no == nn + 1) {
		for (k = i; k < nn && hist_kv_equal(&old->contacts[k + 1], &new->contacts[k]); k++)
			;
		if (k == nn) {
			contact_change(out, i, &old->contacts[i], NULL);
			return;
		}
	}
	for (; i < no || i < nn; i++)
		if (i >= no || i >= nn || !hist_kv_equal(&old->contacts[i], &new->contacts[i]))
			contact_change(out, i, i < no ? &old->contacts[i] : NULL, i < nn ? &new->contacts[i] : NULL);
}

void hist_compare(const struct record *old, const struct record *new, const struct phases *ph,
		  struct changes *out)
{
	char *a, *b;

	if (!old && !new)
		return;
	if (!old || !new) {
		const struct record *r = old ? old : new;

		for (size_t i = 0; new && i < new->nhistory; i++)
			set_by(out, &new->history[i]);
		add(out, old ? CH_REMOVED : CH_ADDED, NULL, old ? r->name : NULL, new ? r->name : NULL);
		return;
	}
	/* Events and notes first: they say who made the change. What an
	 * append-only list lost was rewritten (by hand, or by an undo): then
	 * what it holds anew is no one's addition. Whether a list holds an
	 * entry is asked of a sorted view: a record may hold 10,000 notes. */
	bool hist_lost = false, notes_lost = false;
	struct kvindex oh, nh, on, nn;
	struct keyindex of, nf;

	kvindex_init(&oh, old->history, old->nhistory, false);
	kvindex_init(&nh, new->history, new->nhistory, false);
	kvindex_init(&on, old->notes, old->nnotes, false);
	kvindex_init(&nn, new->notes, new->nnotes, false);
	keyindex_init(&of, &old->fields);
	keyindex_init(&nf, &new->fields);
	for (size_t i = 0; i < old->nhistory && !hist_lost; i++)
		hist_lost = !kvindex_count(&nh, &old->history[i]);
	for (size_t i = 0; i < old->nnotes && !notes_lost; i++)
		notes_lost = !kvindex_count(&nn, &old->notes[i]);
	if (hist_lost)
		add(out, CH_EVENT, NULL, NULL, "a history event removed or changed");
	if (notes_lost)
		add(out, CH_EVENT, NULL, NULL, "a note removed or changed");
	for (size_t i = 0; i < new->nhistory && !hist_lost; i++) {
		const struct kvlist *e = &new->history[i];

		if (kvindex_count(&oh, e))
			continue;
		set_by(out, e);
		if (!kv_get(e, "phase") && !kv_get(e, "manager")) {
			struct buf t = BUF_INIT;

			for (size_t k = 0; k < e->n; k++)
				if (strcmp(e->v[k].k, "at") && strcmp(e->v[k].k, "by"))
					buf_addf(&t, "%s%s: %s", t.len ? ", " : "", e->v[k].k, e->v[k].v);
			add(out, CH_EVENT, NULL, NULL, buf_str(&t));
			buf_release(&t);
		}
	}
	field(out, "name", old->name, new->name);
	field(out, "kind", old->kind, new->kind);
	if (!same(old->manager, new->manager))
		add(out, CH_MANAGER, "manager", old->manager, new->manager);
	if (old->phase != new->phase) {
		a = phase_words(old->phase, ph);
		b = phase_words(new->phase, ph);
		add(out, CH_PHASE, "phase", a, b);
		free(a);
		free(b);
	} else {
		field(out, "phase_since", old->phase_since, new->phase_since);
	}
	field(out, "next_contact", old->next_contact, new->next_contact);
	field(out, "next_action", old->next_action, new->next_action);
	field(out, "end_reason", old->end_reason, new->end_reason);
	field(out, "hold_until", old->hold_until, new->hold_until);
	field(out, "hold_reason", old->hold_reason, new->hold_reason);
	field(out, "created", old->created, new->created);
	field(out, "remarks", old->remarks, new->remarks);
	a = join_tags(old);
	b = join_tags(new);
	field(out, "tags", a, b);
	free(a);
	free(b);
	for (size_t i = 0; i < old->fields.n; i++) {
		char key[128];

		snprintf(key, sizeof(key), "fields.%s", old->fields.v[i].k);
		field(out, key, old->fields.v[i].v, keyindex_get(&nf, old->fields.v[i].k));
	}
	for (size_t i = 0; i < new->fields.n; i++) {
		char key[128];

		if (keyindex_get(&of, new->fields.v[i].k))
			continue;
		snprintf(key, sizeof(key), "fields.%s", new->fields.v[i].k);
		field(out, key, NULL, new->fields.v[i].v);
	}
	contacts_changes(out, old, new);
	for (size_t i = 0; i < new->nnotes && !notes_lost; i++) {
		const struct kvlist *n = &new->notes[i];
		const char *ch = kv_get(n, "channel"), *text = kv_get(n, "text");
		char *s;

		if (kvindex_count(&on, n))
			continue;
		set_by(out, n);
		s = ch ? xasprintf("%s: %s", ch, text ? text : "") : xstrdup(text ? text : "");
		add(out, CH_NOTE, NULL, NULL, s);
		free(s);
	}
	kvindex_release(&oh);
	kvindex_release(&nh);
	kvindex_release(&on);
	kvindex_release(&nn);
	keyindex_release(&of);
	keyindex_release(&nf);
}

void changes_release(struct changes *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].key);
		free(c->v[i].old);
		free(c->v[i].new);
	}
	free(c->v);
	free(c->by);
	memset(c, 0, sizeof(*c));
}

/* A value in words: quoted when it is text a reader could misparse. */
static void value(struct buf *out, const char *v)
{
	if (!v)
		buf_adds(out, "(none)");
	else if (strchr(v, '\n')) {
		size_t lines = 0;

		for (const char *p = v; *p; p++)
			lines += *p == '\n' || !p[1];
		buf_addf(out, "(%zu lines)", lines);
	} else
		buf_adds(out, v);
}

void change_text(struct buf *out, const struct change *c)
{
	switch (c->kind) {
	case CH_ADDED:
		buf_addf(out, "added (%s)", c->new ? c->new : "");
		return;
	case CH_REMOVED:
		buf_addf(out, "removed (%s)", c->old ? c->old : "");
		return;
	case CH_NOTE:
		buf_addf(out, "note added: %s", c->new);
		return;
	case CH_EVENT:
		buf_addf(out, "event: %s", c->new);
		return;
	case CH_PHASE:
	case CH_MANAGER:
		buf_addf(out, "%s %s -> %s", c->key, c->old ? c->old : "(none)", c->new ? c->new : "(none)");
		return;
	case CH_FIELD:
		buf_addf(out, "%s: ", c->key);
		value(out, c->old);
		buf_adds(out, " -> ");
		value(out, c->new);
		return;
	}
}

void changes_text(struct buf *out, const struct changes *c)
{
	for (size_t i = 0; i < c->n; i++) {
		if (i)
			buf_adds(out, "; ");
		change_text(out, &c->v[i]);
	}
}

/* ---- revisions ---- */

int hist_resolve(struct reg *r, const char *rev, git_oid *out)
{
	git_object *o = NULL, *c = NULL;
	int rc = 0;

	if (git_revparse_single(&o, reg_repo(r), rev))
		return preg_error_set(PREG_ENOTFOUND, "unknown revision '%s'", rev);
	if (git_object_peel(&c, o, GIT_OBJECT_COMMIT))
		rc = preg_error_set(PREG_EINVAL, "revision '%s' is not a commit", rev);
	else
		git_oid_cpy(out, git_object_id(c));
	git_object_free(c);
	git_object_free(o);
	return rc;
}

int hist_at_day(struct reg *r, int32_t day, git_oid *out)
{
	git_commit *c = NULL;
	git_oid oid;
	int rc;

	if (git_reference_name_to_id(&oid, reg_repo(r), reg_refname(r)))
		return reg_git_error(PREG_ERR, "cannot resolve %s", reg_refname(r));
	for (;;) {
		const git_signature *a;
		struct ptime t;
		git_commit *p = NULL;

		if (git_commit_lookup(&c, reg_repo(r), &oid))
			return reg_git_error(PREG_ERR, "cannot read commit %s", git_oid_tostr_s(&oid));
		a = git_commit_author(c);
		t.t = a->when.time;
		t.off = a->when.offset;
		if (ptime_day(t) <= day) {
			git_oid_cpy(out, &oid);
			rc = 0;
			break;
		}
		if (git_commit_parentcount(c) == 0) {
			char d[DATE_LEN];

			date_format(d, day);
			rc = preg_error_set(PREG_ENOTFOUND, "the register has no commit on or before %s", d);
			break;
		}
		if (git_commit_parent(&p, c, 0)) {
			rc = reg_git_error(PREG_ERR, "cannot read a parent of %s", git_oid_tostr_s(&oid));
			break;
		}
		git_oid_cpy(&oid, git_commit_id(p));
		git_commit_free(p);
		git_commit_free(c);
		c = NULL;
	}
	git_commit_free(c);
	return rc;
}
