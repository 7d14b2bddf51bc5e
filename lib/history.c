/* history: reading and comparing the register's past states (see history.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "layout.h"
#include "history.h"
#include "kvindex.h"
#include "schema.h"
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
		} else if (klen == 9 && !strncmp(line, "Preg-User", 9) && !c->user) {
			c->user = dup_trimmed(v, vlen);
		} else if (klen == 9 && !strncmp(line, "Preg-Undo", 9) && !c->undo) {
			c->undo = dup_trimmed(v, vlen);
		}
	}
}

void hist_commit_from(const struct reg_commit *c, struct hcommit *out)
{
	struct ptime t;

	memset(out, 0, sizeof(*out));
	out->oid = c->oid;
	memcpy(out->hex, c->hex, sizeof(out->hex));
	out->summary = xstrndup(c->message, strcspn(c->message, "\n"));
	out->author = xstrdup(c->author.name);
	out->email = xstrdup(c->author.email);
	t.t = c->author.time;
	t.off = c->author.offset;
	ptime_format(out->time, t);
	out->t = t.t;
	out->day = ptime_day(t);
	out->nparents = c->nparents;
	hist_parse_trailers(c->message, out);
}

int hist_commit(struct reg *r, const struct reg_oid *oid, struct hcommit *out)
{
	struct reg_commit c;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = reg_commit_read(r, oid, &c)))
		return rc;
	hist_commit_from(&c, out);
	reg_commit_release(&c);
	return 0;
}

void hcommit_release(struct hcommit *c)
{
	free(c->summary);
	free(c->author);
	free(c->email);
	free(c->action);
	free(c->phase);
	free(c->user);
	free(c->undo);
	strv_free(c->clients, c->nclients);
	memset(c, 0, sizeof(*c));
}

/* ---- which records differ ---- */

struct changed {
	char **ids;
	size_t n, cap, others;
};

static int changed_file(void *arg, const char *path, const struct reg_oid *old, const struct reg_oid *new)
{
	struct changed *c = arg;
	char *id;

	(void)old;
	(void)new;
	if (strncmp(path, "clients/", 8))
		return 0;
	if (!(id = layout_id_any(path))) {
		c->others++;
		return 0;
	}
	c->ids = xgrow(c->ids, &c->cap, c->n + 1, sizeof(*c->ids));
	c->ids[c->n++] = id;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int hist_changed(struct reg *r, const struct reg_tree *a, const struct reg_tree *b, char ***ids, size_t *n,
		 size_t *others)
{
	struct changed c;
	int rc;

	size_t from = *n, k;

	memset(&c, 0, sizeof(c));
	c.ids = *ids;
	c.n = c.cap = *n;
	rc = reg_diff(r, a, b, changed_file, &c);
	/* A record an upgrade moved is removed at one path and added at
	 * another: one id, once; in id order. */
	if (c.n > from)
		qsort(c.ids + from, c.n - from, sizeof(*c.ids), cmp_str);
	for (k = from; k < c.n; k++)
		if (k > from && !strcmp(c.ids[k], c.ids[k - 1]))
			break;
	for (size_t i = k; i < c.n; i++) {
		if (!strcmp(c.ids[i], c.ids[k - 1]))
			free(c.ids[i]);
		else
			c.ids[k++] = c.ids[i];
	}
	c.n = k;
	*ids = c.ids;
	*n = c.n;
	if (others)
		*others = c.others;
	return rc;
}

int hist_commit_changed(struct reg *r, const struct reg_oid *oid, char ***ids, size_t *n)
{
	struct reg_commit c;
	struct reg_tree *tree = NULL;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((rc = reg_commit_read(r, oid, &c)))
		return rc;
	if ((rc = reg_tree_of(r, oid, &tree)))
		goto out;
	if (c.nparents == 0) {
		rc = hist_changed(r, NULL, tree, ids, n, NULL);
		goto out;
	}
	for (size_t p = 0; p < c.nparents && !rc; p++) {
		struct reg_tree *pt = NULL;
		char **v = NULL;
		size_t m = 0, k = 0;

		if (!(rc = reg_tree_of(r, &c.parents[p], &pt)) && !(rc = hist_changed(r, pt, tree, &v, &m, NULL))) {
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
		reg_tree_free(pt);
	}
out:
	reg_tree_free(tree);
	reg_commit_release(&c);
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

/* The phase's line: a move (reopened, when phase set --reopen made it). */
static void phase_change(struct changes *out, const struct record *old, const struct record *new,
			 const struct phases *ph, size_t last_phase)
{
	const char *reo = last_phase != SIZE_MAX ? kv_get(&new->history[last_phase], "reopen") : NULL;
	char *a, *b;

	if (old->phase == new->phase)
		return;
	a = phase_words(old->phase, ph);
	b = phase_words(new->phase, ph);
	/* Won back (phase set --reopen): the log says so. */
	if (reo && !strcmp(reo, "true")) {
		char *t = xasprintf("%s, reopened", b);

		free(b);
		b = t;
	}
	add(out, CH_PHASE, "phase", a, b);
	free(a);
	free(b);
}

/* Each free field changed, added or removed, as fields.NAME. */
static void fields_changes(struct changes *out, const struct record *old, const struct record *new,
			   const struct keyindex *of, const struct keyindex *nf)
{
	for (size_t i = 0; i < old->fields.n; i++) {
		char key[128];

		snprintf(key, sizeof(key), "fields.%s", old->fields.v[i].k);
		field(out, key, old->fields.v[i].v, keyindex_get(nf, old->fields.v[i].k));
	}
	for (size_t i = 0; i < new->fields.n; i++) {
		char key[128];

		if (keyindex_get(of, new->fields.v[i].k))
			continue;
		snprintf(key, sizeof(key), "fields.%s", new->fields.v[i].k);
		field(out, key, NULL, new->fields.v[i].v);
	}
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
	/* A move or a handover shows as the phase or manager it changed; one
	 * that changed neither (placed before a later move by --at, or undone
	 * by a later one in the same range) shows as the event itself, with
	 * its time: otherwise the change would not show at all. */
	size_t last_phase = SIZE_MAX, last_manager = SIZE_MAX;

	for (size_t i = 0; i < new->nhistory; i++) {
		if (kv_get(&new->history[i], "phase"))
			last_phase = i;
		if (kv_get(&new->history[i], "manager"))
			last_manager = i;
	}
	for (size_t i = 0; i < new->nhistory && !hist_lost; i++) {
		const struct kvlist *e = &new->history[i];
		bool shown = (kv_get(e, "phase") && i == last_phase && old->phase != new->phase) ||
			     (kv_get(e, "manager") && i == last_manager && !same(old->manager, new->manager));
		bool moves = kv_get(e, "phase") || kv_get(e, "manager");

		if (kvindex_count(&oh, e))
			continue;
		set_by(out, e);
		if (!shown) {
			struct buf t = BUF_INIT;

			for (size_t k = 0; k < e->n; k++)
				if (strcmp(e->v[k].k, "at") && strcmp(e->v[k].k, "by"))
					buf_addf(&t, "%s%s: %s", t.len ? ", " : "", e->v[k].k, e->v[k].v);
			if (moves && kv_get(e, "at"))
				buf_addf(&t, " (at %s)", kv_get(e, "at"));
			add(out, CH_EVENT, NULL, NULL, buf_str(&t));
			buf_release(&t);
		}
	}
	/* The keys in the schema's order, each as its type asks. */
	for (const struct record_key *k = record_keys; k->name; k++) {
		switch (k->type) {
		case RT_ID:
		case RT_CONTACTS:
		case RT_HISTORY:
		case RT_NOTES:
			break; /* the id names the record; the lists have their own lines */
		case RT_PHASE:
			phase_change(out, old, new, ph, last_phase);
			break;
		case RT_TAGS:
			a = join_tags(old);
			b = join_tags(new);
			field(out, k->name, a, b);
			free(a);
			free(b);
			break;
		case RT_FIELDS:
			fields_changes(out, old, new, &of, &nf);
			break;
		default:
			if (k->slot == RS_MANAGER) {
				if (!same(old->manager, new->manager))
					add(out, CH_MANAGER, k->name, old->manager, new->manager);
			} else if (k->slot != RS_PHASE_SINCE || old->phase == new->phase) {
				/* phase_since goes with a move, unless alone */
				field(out, k->name, *record_key_value(old, k), *record_key_value(new, k));
			}
			break;
		}
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
