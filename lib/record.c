/* record: the client record, read and written (see record.h). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "record.h"
#include "schema.h"
#include "slug.h"
#include "status.h"
#include "utf8.h"
#include "xalloc.h"

const char *kv_get(const struct kvlist *l, const char *k)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].k, k))
			return l->v[i].v;
	return NULL;
}

static void kv_append_owned(struct kvlist *l, char *k, char *v)
{
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n].k = k;
	l->v[l->n].v = v;
	l->n++;
}

void kv_set(struct kvlist *l, const char *k, const char *v)
{
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].k, k))
			continue;
		if (v) {
			free(l->v[i].v);
			l->v[i].v = xstrdup(v);
		} else {
			free(l->v[i].k);
			free(l->v[i].v);
			memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(*l->v));
			l->n--;
		}
		return;
	}
	if (v)
		kv_append_owned(l, xstrdup(k), xstrdup(v));
}

void kvlist_release(struct kvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].k);
		free(l->v[i].v);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static void kvlist_copy(struct kvlist *dst, const struct kvlist *src)
{
	memset(dst, 0, sizeof(*dst));
	for (size_t i = 0; i < src->n; i++)
		kv_append_owned(dst, xstrdup(src->v[i].k), xstrdup(src->v[i].v));
}

/* The arrays of a lent record; its strings belong to its parse tree. */
static void free_lent(struct record *r)
{
	free(r->tags);
	free(r->fields.v);
	for (size_t i = 0; i < r->ncontacts; i++)
		free(r->contacts[i].v);
	free(r->contacts);
	for (size_t i = 0; i < r->nhistory; i++)
		free(r->history[i].v);
	free(r->history);
	for (size_t i = 0; i < r->nnotes; i++)
		free(r->notes[i].v);
	free(r->notes);
	ynode_free(r->extra);
	ynode_free(r->lent);
	free(r);
}

void record_free(struct record *r)
{
	if (!r)
		return;
	if (r->lent) {
		free_lent(r);
		return;
	}
	free(r->id);
	free(r->name);
	free(r->kind);
	free(r->manager);
	free(r->phase_since);
	free(r->next_contact);
	free(r->next_action);
	free(r->end_reason);
	free(r->hold_until);
	free(r->hold_reason);
	free(r->created);
	free(r->remarks);
	for (size_t i = 0; i < r->ntags; i++)
		free(r->tags[i]);
	free(r->tags);
	kvlist_release(&r->fields);
	for (size_t i = 0; i < r->ncontacts; i++)
		kvlist_release(&r->contacts[i]);
	free(r->contacts);
	for (size_t i = 0; i < r->nhistory; i++)
		kvlist_release(&r->history[i]);
	free(r->history);
	for (size_t i = 0; i < r->nnotes; i++)
		kvlist_release(&r->notes[i]);
	free(r->notes);
	ynode_free(r->extra);
	free(r);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct record *record_dup(const struct record *r)
{
	struct record *d = xcalloc(1, sizeof(*d));

	d->id = dup_or_null(r->id);
	d->name = dup_or_null(r->name);
	d->kind = dup_or_null(r->kind);
	d->manager = dup_or_null(r->manager);
	d->phase = r->phase;
	d->phase_since = dup_or_null(r->phase_since);
	d->next_contact = dup_or_null(r->next_contact);
	d->next_action = dup_or_null(r->next_action);
	d->end_reason = dup_or_null(r->end_reason);
	d->hold_until = dup_or_null(r->hold_until);
	d->hold_reason = dup_or_null(r->hold_reason);
	d->created = dup_or_null(r->created);
	d->remarks = dup_or_null(r->remarks);
	d->tags = xcalloc(r->ntags + 1, sizeof(char *));
	for (size_t i = 0; i < r->ntags; i++)
		d->tags[i] = xstrdup(r->tags[i]);
	d->ntags = r->ntags;
	kvlist_copy(&d->fields, &r->fields);
	d->contacts = xcalloc(r->ncontacts + 1, sizeof(*d->contacts));
	for (size_t i = 0; i < r->ncontacts; i++)
		kvlist_copy(&d->contacts[i], &r->contacts[i]);
	d->ncontacts = r->ncontacts;
	d->history = xcalloc(r->nhistory + 1, sizeof(*d->history));
	for (size_t i = 0; i < r->nhistory; i++)
		kvlist_copy(&d->history[i], &r->history[i]);
	d->nhistory = r->nhistory;
	d->notes = xcalloc(r->nnotes + 1, sizeof(*d->notes));
	for (size_t i = 0; i < r->nnotes; i++)
		kvlist_copy(&d->notes[i], &r->notes[i]);
	d->nnotes = r->nnotes;
	d->extra = r->extra ? ynode_dup(r->extra) : NULL;
	return d;
}

/* ---- text rules ---- */

/* Valid UTF-8 without control characters (line feeds and tabs allowed in
 * multi-line text), C1 controls, line or paragraph separators or
 * non-characters: what may reach a terminal or a YAML file as text. */
static bool utf8_ok(const unsigned char *p, size_t n, bool multiline)
{
	for (size_t i = 0, len; i < n; i += len) {
		uint32_t c;

		if (!(len = utf8_decode(p + i, n - i, &c)))
			return false;
		if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t'))) || c == 0x7f ||
		    (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 || c == 0xfffe || c == 0xffff)
			return false;
	}
	return true;
}

bool text_line_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n <= max && utf8_ok((const unsigned char *)s, n, false) && !text_hidden(s, true, NULL);
}

bool text_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n <= max && utf8_ok((const unsigned char *)s, n, true) && !text_hidden(s, false, NULL);
}

uint32_t text_hidden(const char *s, bool line, int *at)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	uint32_t c, first = 0, last = 0;
	bool seen = false;

	if (at)
		*at = 0;
	for (size_t i = 0, len; i < n; i += len) {
		if (!(len = utf8_decode(p + i, n - i, &c))) {
			len = 1; /* not UTF-8: another rule's business */
			continue;
		}
		if (utf8_is_bidi_control(c) || (line && utf8_is_zero_width(c)))
			return c;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		/* Of the characters other than white space, whether the first
		 * and the last are zero-width. */
		last = utf8_is_zero_width(c) ? c : 0;
		if (!seen)
			first = last;
		seen = true;
	}
	if (at && (first || last))
		*at = first ? -1 : 1;
	return first ? first : last;
}

int text_hidden_error(const char *what, const char *s, bool line)
{
	int at;
	uint32_t c = text_hidden(s, line, &at);

	if (!c)
		return 0;
	return preg_error_set(PREG_EINVAL, "%s %s U+%04X (%s), which %s", what,
			      at < 0 ? "begins with" : at > 0 ? "ends with" : "contains", (unsigned)c,
			      utf8_hidden_name(c),
			      utf8_is_bidi_control(c) ? "changes the order the text shows in" : "shows as nothing");
}

/* The values of a list of pairs (contacts, events, notes): "note 3 text".
 * A note's text and an event's note (phase set -m) are multi-line. */
static int each_pair(const struct kvlist *l, size_t n, const char *what,
		     int (*fn)(void *arg, const char *field, const char *value, bool line), void *arg)
{
	char field[96];
	int rc;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < l[i].n; j++) {
			const char *k = l[i].v[j].k;
			bool multi = (!strcmp(what, "note") && !strcmp(k, "text")) ||
				     (!strcmp(what, "history event") && !strcmp(k, "note"));

			snprintf(field, sizeof(field), "%s %zu %.64s", what, i + 1, k);
			if ((rc = fn(arg, field, l[i].v[j].v, !multi)))
				return rc;
		}
	return 0;
}

int record_each_text(const struct record *r, bool logs,
		     int (*fn)(void *arg, const char *field, const char *value, bool line), void *arg)
{
	const struct {
		const char *name, *v;
		bool line;
	} one[] = {
		{ "name", r->name, true },		 { "next_action", r->next_action, true },
		{ "end_reason", r->end_reason, true },	 { "hold_reason", r->hold_reason, true },
		{ "remarks", r->remarks, false },
	};
	char field[96];
	int rc;

	for (size_t i = 0; i < sizeof(one) / sizeof(*one); i++)
		if (one[i].v && (rc = fn(arg, one[i].name, one[i].v, one[i].line)))
			return rc;
	for (size_t i = 0; i < r->ntags; i++) {
		snprintf(field, sizeof(field), "tag %zu", i + 1);
		if ((rc = fn(arg, field, r->tags[i], true)))
			return rc;
	}
	for (size_t i = 0; i < r->fields.n; i++) {
		snprintf(field, sizeof(field), "fields.%.64s", r->fields.v[i].k);
		if ((rc = fn(arg, field, r->fields.v[i].v, true)))
			return rc;
	}
	if ((rc = each_pair(r->contacts, r->ncontacts, "contact", fn, arg)))
		return rc;
	if (!logs)
		return 0;
	if ((rc = each_pair(r->history, r->nhistory, "history event", fn, arg)))
		return rc;
	return each_pair(r->notes, r->nnotes, "note", fn, arg);
}

static int hidden_error(void *arg, const char *field, const char *value, bool line)
{
	(void)arg;
	return text_hidden_error(field, value, line);
}

int record_text_check(const struct record *r)
{
	return record_each_text(r, false, hidden_error, NULL);
}

bool field_name_ok(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n > 64 || k[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z') ||
		      (k[i] >= '0' && k[i] <= '9') || k[i] == '_' || k[i] == '-'))
			return false;
	return true;
}

/* ---- the schema ---- */

/* Where each slot of the schema (schema.h) lives. */
static const size_t slot_off[] = {
	[RS_ID] = offsetof(struct record, id),
	[RS_NAME] = offsetof(struct record, name),
	[RS_KIND] = offsetof(struct record, kind),
	[RS_MANAGER] = offsetof(struct record, manager),
	[RS_PHASE_SINCE] = offsetof(struct record, phase_since),
	[RS_NEXT_CONTACT] = offsetof(struct record, next_contact),
	[RS_NEXT_ACTION] = offsetof(struct record, next_action),
	[RS_END_REASON] = offsetof(struct record, end_reason),
	[RS_HOLD_UNTIL] = offsetof(struct record, hold_until),
	[RS_HOLD_REASON] = offsetof(struct record, hold_reason),
	[RS_CREATED] = offsetof(struct record, created),
	[RS_REMARKS] = offsetof(struct record, remarks),
};

char **record_key_value(const struct record *r, const struct record_key *k)
{
	return (char **)((char *)r + slot_off[k->slot]);
}

int record_tag_check(const char *t)
{
	if (text_hidden_error("a tag", t, true))
		return PREG_EINVAL;
	if (!*t || !text_line_ok(t, 64) || strpbrk(t, " ,[]{}"))
		return preg_error_set(PREG_EINVAL, "invalid tag '%s' (one word, no spaces or commas)", t);
	return 0;
}

/* ---- reading ---- */

struct rctx {
	const char *path;
	bool lent; /* strings stay in the tree */
};

static int at(const struct rctx *c, const struct ynode *n, const char *fmt, const char *arg)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, arg);
	return preg_error_set(PREG_EINVAL, "%s:%d:%d: %s", c->path, n->line, n->col, msg);
}

/* A scalar's string, for the record to keep: a copy, as the tree goes,
 * unless the record is lent and keeps the tree. */
static char *take(const struct rctx *c, struct ynode *n)
{
	return c->lent ? n->s : xstrndup(n->s, n->len);
}

static int want_scalar(const struct rctx *c, struct ynode *n, const char *key)
{
	if (n->type != YN_SCALAR)
		return at(c, n, "'%s' must be a single value", key);
	return 0;
}

/* An optional text value: a plain null means absent. */
static int opt_text(const struct rctx *c, struct ynode *n, const char *key, char **out)
{
	if (want_scalar(c, n, key))
		return PREG_EINVAL;
	if (ynode_is_null(n))
		return 0;
	*out = take(c, n);
	return 0;
}

static int opt_date(const struct rctx *c, struct ynode *n, const char *key, char **out)
{
	int32_t d;

	if (opt_text(c, n, key, out))
		return PREG_EINVAL;
	if (*out && date_parse(&d, *out))
		return at(c, n, "%s", preg_error_msg());
	return 0;
}

static int req_time(const struct rctx *c, struct ynode *n, const char *key, char **out)
{
	struct ptime t;

	if (want_scalar(c, n, key))
		return PREG_EINVAL;
	if (ptime_parse(&t, n->s))
		return at(c, n, "%s", preg_error_msg());
	*out = take(c, n);
	return 0;
}

static int parse_phase_number(const char *s, int *out)
{
	size_t n = strlen(s);

	if (n == 0 || n > 3 || strspn(s, "0123456789") != n || s[0] == '0')
		return PREG_EINVAL;
	*out = atoi(s);
	return 0;
}

/* A list of flow or block mappings of scalars: history, notes, contacts. */
static int load_maps(const struct rctx *c, struct ynode *seq, const char *key,
		     struct kvlist **out, size_t *nout)
{
	if (ynode_is_null(seq))
		return 0;
	if (seq->type != YN_SEQ)
		return at(c, seq, "'%s' must be a list", key);
	*out = xcalloc(seq->n + 1, sizeof(**out));
	for (size_t i = 0; i < seq->n; i++) {
		struct ynode *m = seq->v[i];
		struct kvlist *l = &(*out)[i];

		*nout = i + 1;
		if (m->type != YN_MAP)
			return at(c, m, "each entry of '%s' must be a mapping", key);
		for (size_t j = 0; j + 1 < m->n; j += 2) {
			struct ynode *k = m->v[j], *v = m->v[j + 1];

			if (v->type != YN_SCALAR)
				return at(c, v, "'%s' must be a single value", k->s);
			if (ynode_is_null(v))
				continue;
			kv_append_owned(l, take(c, k), take(c, v));
		}
	}
	return 0;
}

static int check_event(const struct rctx *c, const struct ynode *seq, size_t i, const struct kvlist *e,
		       bool note)
{
	const struct ynode *pos = seq->v[i];
	struct ptime t;
	const char *v;
	int ph;

	if (!(v = kv_get(e, "at")))
		return at(c, pos, "%s entry without 'at'", note ? "notes" : "history");
	if (ptime_parse(&t, v))
		return at(c, pos, "%s", preg_error_msg());
	if (!(v = kv_get(e, "by")) || !*v)
		return at(c, pos, "%s entry without 'by'", note ? "notes" : "history");
	if (note) {
		if (!kv_get(e, "text"))
			return at(c, pos, "%s", "notes entry without 'text'");
		return 0;
	}
	if ((v = kv_get(e, "phase")) && parse_phase_number(v, &ph))
		return at(c, pos, "invalid phase '%s'", v);
	if ((v = kv_get(e, "manager")) && !handle_valid(v))
		return at(c, pos, "invalid manager '%s'", v);
	if ((v = kv_get(e, "force")) && strcmp(v, "true") && strcmp(v, "false"))
		return at(c, pos, "invalid force '%s' (true or false)", v);
	if ((v = kv_get(e, "reopen")) && strcmp(v, "true") && strcmp(v, "false"))
		return at(c, pos, "invalid reopen '%s' (true or false)", v);
	if ((v = kv_get(e, "hold_until")) && strcmp(v, "none")) {
		int32_t d;

		if (date_parse(&d, v))
			return at(c, pos, "invalid hold_until '%s' (a date or none)", v);
	}
	return 0;
}

/* The value v of key k into r, by the key's rule. */
static int load_key(struct record *r, const struct record_key *k, struct ynode *v, const struct rctx *c)
{
	const char *key = k->name;
	int rc;

	switch (k->type) {
	case RT_ID:
	case RT_NAME:
	case RT_KIND:
	case RT_HANDLE:
		if ((rc = want_scalar(c, v, key)))
			return rc;
		if (k->type == RT_ID && !slug_valid(v->s))
			return at(c, v, "invalid id '%s'", v->s);
		if (k->type == RT_NAME && !v->len)
			return at(c, v, "%s", "empty name");
		if (k->type == RT_KIND && strcmp(v->s, "external") && strcmp(v->s, "internal"))
			return at(c, v, "invalid kind '%s' (external or internal)", v->s);
		if (k->type == RT_HANDLE && !handle_valid(v->s))
			return at(c, v, "invalid manager '%s'", v->s);
		*record_key_value(r, k) = take(c, v);
		if (k->type == RT_ID) {
			r->id_line = v->line;
			r->id_col = v->col;
		}
		return 0;
	case RT_PHASE:
		if (!(rc = want_scalar(c, v, key)) && parse_phase_number(v->s, &r->phase))
			return at(c, v, "invalid phase '%s'", v->s);
		return rc;
	case RT_TIME:
		return req_time(c, v, key, record_key_value(r, k));
	case RT_DATE:
		return opt_date(c, v, key, record_key_value(r, k));
	case RT_LINE:
	case RT_TEXT:
		return opt_text(c, v, key, record_key_value(r, k));
	case RT_TAGS:
		if (ynode_is_null(v))
			return 0;
		if (v->type != YN_SEQ)
			return at(c, v, "%s", "'tags' must be a list");
		r->tags = xcalloc(v->n + 1, sizeof(char *));
		for (size_t j = 0; j < v->n; j++) {
			if (v->v[j]->type != YN_SCALAR)
				return at(c, v->v[j], "%s", "a tag is a single word");
			if (record_tag_check(v->v[j]->s))
				return at(c, v->v[j], "%s", preg_error_msg());
			r->tags[r->ntags++] = take(c, v->v[j]);
		}
		return 0;
	case RT_FIELDS:
		if (ynode_is_null(v))
			return 0;
		if (v->type != YN_MAP)
			return at(c, v, "%s", "'fields' must be a mapping");
		for (size_t j = 0; j + 1 < v->n; j += 2) {
			struct ynode *fk = v->v[j], *fv = v->v[j + 1];

			if (!field_name_ok(fk->s))
				return at(c, fk, "invalid field name '%s'", fk->s);
			if (fv->type != YN_SCALAR)
				return at(c, fv, "field '%s' must be a single value", fk->s);
			if (ynode_is_null(fv))
				continue;
			kv_append_owned(&r->fields, take(c, fk), take(c, fv));
		}
		return 0;
	case RT_CONTACTS:
		return load_maps(c, v, key, &r->contacts, &r->ncontacts);
	case RT_HISTORY:
		if ((rc = load_maps(c, v, key, &r->history, &r->nhistory)))
			return rc;
		for (size_t j = 0; j < r->nhistory && !rc; j++)
			rc = check_event(c, v, j, &r->history[j], false);
		return rc;
	case RT_NOTES:
		if ((rc = load_maps(c, v, key, &r->notes, &r->nnotes)))
			return rc;
		for (size_t j = 0; j < r->nnotes && !rc; j++)
			rc = check_event(c, v, j, &r->notes[j], true);
		return rc;
	}
	return 0;
}

static int load_record(struct record *r, struct ynode *root, const struct rctx *c)
{
	size_t extra_cap = 0;

	if (root->type != YN_MAP)
		return at(c, root, "%s", "a record must be a mapping");
	for (size_t i = 0; i + 1 < root->n; i += 2) {
		struct ynode *k = root->v[i], *v = root->v[i + 1];
		const struct record_key *rk = record_key_find(k->s);
		int rc;

		if (rk) {
			if ((rc = load_key(r, rk, v, c)))
				return rc;
			continue;
		}
		/* Unknown: kept as it is. */
		if (!r->extra) {
			r->extra = xcalloc(1, sizeof(*r->extra));
			r->extra->type = YN_MAP;
			r->extra->owned = true;
		}
		/* Geometric growth: a record may hold 100,000 unknown keys. */
		r->extra->v = xgrow(r->extra->v, &extra_cap, r->extra->n + 2, sizeof(struct ynode *));
		r->extra->v[r->extra->n++] = ynode_dup(k);
		r->extra->v[r->extra->n++] = ynode_dup(v);
	}
	for (const struct record_key *k = record_keys; k->name; k++)
		if ((k->flags & RK_REQUIRED) && !ymap_get(root, k->name))
			return at(c, root, "missing '%s'", k->name);
	if (!r->kind)
		r->kind = c->lent ? (char *)"external" : xstrdup("external");
	return 0;
}

static int parse(struct record **out, const char *buf, size_t len, const char *path,
		 struct ypos *comment, bool lent)
{
	struct ynode *root = NULL;
	struct record *r;
	struct rctx c = { path, lent };
	int rc;

	*out = NULL;
	if ((rc = yaml_load(&root, buf, len, path, comment)))
		return rc;
	r = xcalloc(1, sizeof(*r));
	if (lent)
		r->lent = root;
	rc = load_record(r, root, &c);
	if (!lent)
		ynode_free(root);
	if (rc) {
		record_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int record_parse(struct record **out, const char *buf, size_t len, const char *path,
		 struct ypos *comment)
{
	return parse(out, buf, len, path, comment, false);
}

int record_parse_lent(struct record **out, const char *buf, size_t len, const char *path)
{
	return parse(out, buf, len, path, NULL, true);
}

/* ---- writing ---- */

/* Keys whose values the reader checks as numbers, dates, times or words,
 * so that they are written plain: at in history and notes; phase, force
 * (true or false) and hold_until (a date or none) in history only, as a
 * note's keys of those names are free text. */
static bool typed_key(const char *k, bool event)
{
	if (!strcmp(k, "at"))
		return true;
	return event && (!strcmp(k, "phase") || !strcmp(k, "force") || !strcmp(k, "reopen") ||
			 !strcmp(k, "hold_until"));
}

static void put_line(struct buf *out, const char *key, const char *v, bool text)
{
	if (!v)
		return;
	buf_adds(out, key);
	if (text && strchr(v, '\n')) {
		buf_addc(out, ':');
		yaml_put_text(out, v, 2);
		return;
	}
	buf_adds(out, ": ");
	yaml_put_scalar(out, v, YCTX_BLOCK, text);
	buf_addc(out, '\n');
}

/* The indexes of l's entries: the keys of order first, in that order, then
 * the others as stored. idx holds l->n entries. */
static void canonical_order(const struct kvlist *l, const char *const *order, size_t *idx)
{
	size_t n = 0;

	for (int j = 0; order[j]; j++)
		for (size_t i = 0; i < l->n; i++)
			if (!strcmp(order[j], l->v[i].k))
				idx[n++] = i;
	for (size_t i = 0; i < l->n; i++) {
		int j;

		for (j = 0; order[j] && strcmp(order[j], l->v[i].k); j++)
			;
		if (!order[j])
			idx[n++] = i;
	}
}

/* A flow mapping; event: it is a history event (see typed_key). */
static void put_flow(struct buf *out, const struct kvlist *l, const char *const *order, bool event)
{
	size_t *idx = xmalloc((l->n + 1) * sizeof(*idx));

	canonical_order(l, order, idx);
	buf_addc(out, '{');
	for (size_t i = 0; i < l->n; i++) {
		const struct kv *e = &l->v[idx[i]];

		if (i)
			buf_adds(out, ", ");
		yaml_put_scalar(out, e->k, YCTX_FLOW, true);
		buf_adds(out, ": ");
		yaml_put_scalar(out, e->v, YCTX_FLOW, !typed_key(e->k, event));
	}
	buf_addc(out, '}');
	free(idx);
}

/* A block mapping as an item of a list: "  - key: v" then "    key: v". */
static void put_block_item(struct buf *out, const struct kvlist *l, const char *const *order)
{
	size_t *idx = xmalloc((l->n + 1) * sizeof(*idx));

	if (!l->n)
		buf_adds(out, "  - {}\n");
	canonical_order(l, order, idx);
	for (size_t i = 0; i < l->n; i++) {
		const struct kv *e = &l->v[idx[i]];

		buf_adds(out, i ? "    " : "  - ");
		yaml_put_scalar(out, e->k, YCTX_BLOCK, true);
		buf_addc(out, ':');
		if (strchr(e->v, '\n')) {
			yaml_put_text(out, e->v, 6);
		} else {
			buf_addc(out, ' ');
			yaml_put_scalar(out, e->v, YCTX_BLOCK, true);
			buf_addc(out, '\n');
		}
	}
	free(idx);
}

static const char *const event_order[] = { "at", "by", "phase", "manager", "hold_until", "force",
					   "reopen", "reason", "note", NULL };
static const char *const note_order[] = { "at", "by", "channel", "text", NULL };
static const char *const contact_order[] = { "name", "role", "phone", "email", NULL };

/* The value of key k of r, in its canonical form. */
static void put_key(struct buf *out, const struct record *r, const struct record_key *k)
{
	char num[16];

	switch (k->type) {
	case RT_ID:
	case RT_NAME:
	case RT_KIND:
	case RT_HANDLE:
	case RT_LINE:
	case RT_TEXT:
		put_line(out, k->name, *record_key_value(r, k), true);
		return;
	case RT_TIME:
	case RT_DATE:
		put_line(out, k->name, *record_key_value(r, k), false);
		return;
	case RT_PHASE:
		snprintf(num, sizeof(num), "%d", r->phase);
		put_line(out, k->name, num, false);
		return;
	case RT_TAGS:
		if (!r->ntags)
			return;
		buf_adds(out, "tags: [");
		for (size_t i = 0; i < r->ntags; i++) {
			if (i)
				buf_adds(out, ", ");
			yaml_put_scalar(out, r->tags[i], YCTX_FLOW, true);
		}
		buf_adds(out, "]\n");
		return;
	case RT_FIELDS:
		if (!r->fields.n)
			return;
		buf_adds(out, "fields:\n");
		for (size_t i = 0; i < r->fields.n; i++) {
			buf_adds(out, "  ");
			yaml_put_scalar(out, r->fields.v[i].k, YCTX_BLOCK, true);
			buf_addc(out, ':');
			if (strchr(r->fields.v[i].v, '\n')) {
				yaml_put_text(out, r->fields.v[i].v, 4);
			} else {
				buf_addc(out, ' ');
				yaml_put_scalar(out, r->fields.v[i].v, YCTX_BLOCK, true);
				buf_addc(out, '\n');
			}
		}
		return;
	case RT_CONTACTS:
		if (!r->ncontacts)
			return;
		buf_adds(out, "contacts:\n");
		for (size_t i = 0; i < r->ncontacts; i++)
			put_block_item(out, &r->contacts[i], contact_order);
		return;
	case RT_HISTORY:
	case RT_NOTES: {
		bool event = k->type == RT_HISTORY;
		const struct kvlist *v = event ? r->history : r->notes;
		size_t n = event ? r->nhistory : r->nnotes;

		if (!n)
			return;
		buf_addf(out, "%s:\n", k->name);
		for (size_t i = 0; i < n; i++) {
			buf_adds(out, "  - ");
			put_flow(out, &v[i], event ? event_order : note_order, event);
			buf_addc(out, '\n');
		}
		return;
	}
	}
}

void record_write(struct buf *out, const struct record *r)
{
	for (const struct record_key *k = record_keys; k->name; k++)
		put_key(out, r, k);
	if (r->extra)
		for (size_t i = 0; i + 1 < r->extra->n; i += 2) {
			yaml_put_scalar(out, r->extra->v[i]->s, YCTX_BLOCK, !r->extra->v[i]->plain);
			buf_addc(out, ':');
			yaml_put_node(out, r->extra->v[i + 1], 2);
		}
}

/* ---- shared rules ---- */

void record_add_event(struct record *r, const char *when, const char *by, const char *const *kv,
		      size_t nkv)
{
	struct kvlist *e;

	r->history = xrealloc(r->history, (r->nhistory + 1) * sizeof(*r->history));
	e = &r->history[r->nhistory++];
	memset(e, 0, sizeof(*e));
	kv_set(e, "at", when);
	kv_set(e, "by", by);
	for (size_t i = 0; i + 1 < nkv; i += 2)
		if (kv[i + 1])
			kv_set(e, kv[i], kv[i + 1]);
}

/* ---- the time rule ---- */

bool record_entry_time(const struct kvlist *e, struct ptime *out)
{
	const char *at = kv_get(e, "at");

	return at && !ptime_parse(out, at);
}

bool record_last_time(const struct record *r, struct ptime *out, const char **at)
{
	bool found = false;

	for (int list = 0; list < 2; list++) {
		const struct kvlist *v = list ? r->notes : r->history;
		size_t n = list ? r->nnotes : r->nhistory;

		/* Each list should be in order, but a record edited by hand
		 * may not be: look at every entry. */
		for (size_t i = 0; i < n; i++) {
			struct ptime t;

			if (record_entry_time(&v[i], &t) && (!found || t.t > out->t)) {
				*out = t;
				*at = kv_get(&v[i], "at");
				found = true;
			}
		}
	}
	return found;
}

struct timed {
	struct kvlist e;
	int64_t t;
	size_t order;
};

static int cmp_timed(const void *a, const void *b)
{
	const struct timed *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

void record_sort_entries(struct kvlist *v, size_t n)
{
	struct timed *w;

	if (n < 2)
		return;
	w = xmalloc(n * sizeof(*w));
	for (size_t i = 0; i < n; i++) {
		struct ptime t = { 0, 0 };

		record_entry_time(&v[i], &t);
		w[i] = (struct timed){ v[i], t.t, i };
	}
	/* The order of entries written is the tie-break: qsort is not stable. */
	qsort(w, n, sizeof(*w), cmp_timed);
	for (size_t i = 0; i < n; i++)
		v[i] = w[i].e;
	free(w);
}

size_t record_insert_entry(struct record *r, struct kvlist *e, bool note)
{
	struct kvlist **v = note ? &r->notes : &r->history;
	size_t *n = note ? &r->nnotes : &r->nhistory, at = *n;
	struct ptime t = { 0, 0 }, u;

	record_entry_time(e, &t);
	while (at > 0 && record_entry_time(&(*v)[at - 1], &u) && u.t > t.t)
		at--;
	*v = xrealloc(*v, (*n + 2) * sizeof(**v));
	memmove(&(*v)[at + 1], &(*v)[at], (*n - at) * sizeof(**v));
	(*v)[at] = *e;
	(*n)++;
	memset(&(*v)[*n], 0, sizeof(**v));
	memset(e, 0, sizeof(*e));
	return at;
}

void record_deciding(const struct record *r, long *phase_ev, long *manager_ev)
{
	*phase_ev = *manager_ev = -1;
	for (size_t i = r->nhistory; i-- > 0 && (*phase_ev < 0 || *manager_ev < 0);) {
		if (*phase_ev < 0 && kv_get(&r->history[i], "phase"))
			*phase_ev = (long)i;
		if (*manager_ev < 0 && kv_get(&r->history[i], "manager"))
			*manager_ev = (long)i;
	}
}

void record_follow_history(struct record *r)
{
	long p, m;

	record_deciding(r, &p, &m);
	if (p >= 0) {
		const struct kvlist *e = &r->history[p];

		r->phase = atoi(kv_get(e, "phase"));
		free(r->phase_since);
		r->phase_since = xstrdup(kv_get(e, "at"));
	}
	if (m >= 0) {
		free(r->manager);
		r->manager = xstrdup(kv_get(&r->history[m], "manager"));
	}
}

/* Whether r has what the requires item q asks for. */
static bool record_has(const struct record *r, const char *q)
{
	const struct record_key *k;

	if (!strncmp(q, "fields.", 7))
		return kv_get(&r->fields, q + 7) != NULL;
	/* What requires: may name is the schema's (RK_REQUIRE). */
	if (!(k = record_key_find(q)) || !(k->flags & RK_REQUIRE))
		return true;
	switch (k->type) {
	case RT_TAGS:
		return r->ntags > 0;
	case RT_FIELDS:
		return r->fields.n > 0;
	case RT_CONTACTS:
		return r->ncontacts > 0;
	default:
		return k->slot == RS_NONE || *record_key_value(r, k) != NULL;
	}
}

size_t record_missing_all(const struct record *r, const struct phase *ph, struct buf *out)
{
	size_t n = 0;

	for (size_t i = 0; i < ph->nrequires; i++)
		if (!record_has(r, ph->requires[i]))
			buf_addf(out, "%s%s", n++ ? ", " : "", ph->requires[i]);
	return n;
}

const char *record_missing(const struct record *r, const struct phase *ph)
{
	for (size_t i = 0; i < ph->nrequires; i++)
		if (!record_has(r, ph->requires[i]))
			return ph->requires[i];
	return NULL;
}

void json_str(struct buf *out, const char *s)
{
	if (!s) {
		buf_adds(out, "null");
		return;
	}
	buf_addc(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		uint32_t c;
		size_t len;

		switch (*p) {
		case '"': buf_adds(out, "\\\""); break;
		case '\\': buf_adds(out, "\\\\"); break;
		case '\n': buf_adds(out, "\\n"); break;
		case '\t': buf_adds(out, "\\t"); break;
		case '\r': buf_adds(out, "\\r"); break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				buf_addf(out, "\\u%04x", *p);
			} else if (*p < 0x80) {
				buf_addc(out, (char)*p);
			} else if (!(len = utf8_decode(p, strnlen((const char *)p, 4), &c))) {
				/* Not UTF-8: JSON is, so the byte's place is kept. */
				buf_adds(out, "\\ufffd");
			} else {
				/* C1 controls escaped too: a terminal may act on them. */
				if (c <= 0x9f)
					buf_addf(out, "\\u%04x", c);
				else
					buf_add(out, p, len);
				p += len - 1;
			}
		}
	}
	buf_addc(out, '"');
}

static void json_kv(struct buf *out, const char *k, const char *v, bool *first)
{
	if (!v)
		return;
	buf_adds(out, *first ? "" : ",");
	*first = false;
	json_str(out, k);
	buf_addc(out, ':');
	json_str(out, v);
}

/* A list of pairs as a JSON object; in a history event (event true), the
 * phase is a number and force a boolean. */
static void json_kvlist(struct buf *out, const struct kvlist *l, bool event)
{
	bool first = true;

	buf_addc(out, '{');
	for (size_t i = 0; i < l->n; i++) {
		if (event && !strcmp(l->v[i].k, "phase")) {
			buf_adds(out, first ? "" : ",");
			first = false;
			buf_addf(out, "\"phase\":%d", atoi(l->v[i].v));
		} else if (event && (!strcmp(l->v[i].k, "force") || !strcmp(l->v[i].k, "reopen"))) {
			buf_adds(out, first ? "" : ",");
			first = false;
			buf_addf(out, "\"%s\":%s", l->v[i].k, strcmp(l->v[i].v, "true") ? "false" : "true");
		} else {
			json_kv(out, l->v[i].k, l->v[i].v, &first);
		}
	}
	buf_addc(out, '}');
}

static void json_list(struct buf *out, const char *key, const struct kvlist *v, size_t n)
{
	buf_addf(out, ",\"%s\":[", key);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addc(out, ',');
		json_kvlist(out, &v[i], !strcmp(key, "history"));
	}
	buf_addc(out, ']');
}

void record_json(struct buf *out, const struct record *r, const struct phases *ph, const struct status *st)
{
	bool first = true;
	const struct phase *p = ph ? phases_get(ph, r->phase) : NULL;

	buf_addc(out, '{');
	json_kv(out, "id", r->id, &first);
	json_kv(out, "name", r->name, &first);
	json_kv(out, "kind", r->kind, &first);
	json_kv(out, "manager", r->manager, &first);
	buf_addf(out, ",\"phase\":%d", r->phase);
	if (p) {
		json_kv(out, "phase_key", p->key, &first);
		json_kv(out, "phase_name", p->name, &first);
	}
	json_kv(out, "phase_since", r->phase_since, &first);
	if (st) {
		buf_addf(out, ",\"days_in_phase\":%d", st->days_in_phase);
		buf_addf(out, ",\"stale\":%s,\"due\":%s,\"overdue\":%s,\"on_hold\":%s,\"ended\":%s",
			 st->stale ? "true" : "false", st->due ? "true" : "false", st->overdue ? "true" : "false",
			 st->on_hold ? "true" : "false", st->ended ? "true" : "false");
	}
	json_kv(out, "next_contact", r->next_contact, &first);
	json_kv(out, "next_action", r->next_action, &first);
	json_kv(out, "end_reason", r->end_reason, &first);
	json_kv(out, "hold_until", r->hold_until, &first);
	json_kv(out, "hold_reason", r->hold_reason, &first);
	json_kv(out, "created", r->created, &first);
	json_kv(out, "remarks", r->remarks, &first);
	buf_adds(out, ",\"tags\":[");
	for (size_t i = 0; i < r->ntags; i++) {
		if (i)
			buf_addc(out, ',');
		json_str(out, r->tags[i]);
	}
	buf_adds(out, "],\"fields\":");
	json_kvlist(out, &r->fields, false);
	json_list(out, "contacts", r->contacts, r->ncontacts);
	json_list(out, "history", r->history, r->nhistory);
	json_list(out, "notes", r->notes, r->nnotes);
	buf_addc(out, '}');
}
