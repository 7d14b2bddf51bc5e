/* ops: the changes commands make, with their rules (see ops.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "ops.h"
#include "ptime.h"
#include "slug.h"
#include "utf8.h"
#include "xalloc.h"

#define NAME_MAX_BYTES 1000
#define TEXT_MAX_BYTES (64 * 1024)

const char *const ops_channels[] = { "call", "email", "meeting", "letter", "chat", "other", NULL };

/* ---- input checks shared by the operations ---- */


static int check_line(const char *what, const char *s, size_t max)
{
	if (!utf8_valid(s))
		return preg_error_set(PREG_EINVAL, "%s is not valid UTF-8", what);
	if (text_hidden_error(what, s, true))
		return PREG_EINVAL;
	if (!text_line_ok(s, max))
		return preg_error_set(PREG_EINVAL, "%s must be one line of text (at most %zu bytes, no control characters)",
				      what, max);
	return 0;
}

static int check_text(const char *what, const char *s)
{
	if (!utf8_valid(s))
		return preg_error_set(PREG_EINVAL, "%s is not valid UTF-8", what);
	if (text_hidden_error(what, s, false))
		return PREG_EINVAL;
	if (!text_ok(s, TEXT_MAX_BYTES))
		return preg_error_set(PREG_EINVAL, "%s must be text of at most 64 KiB without control characters",
				      what);
	return 0;
}

static int check_date(const char *what, const char *s)
{
	int32_t d;

	if (date_parse(&d, s))
		return preg_error_prefix("%s", what);
	return 0;
}

static int check_kind(const char *k)
{
	if (strcmp(k, "external") && strcmp(k, "internal"))
		return preg_error_set(PREG_EINVAL, "invalid kind '%s' (external or internal)", k);
	return 0;
}

static int check_tag(const char *t)
{
	if (text_hidden_error("a tag", t, true))
		return PREG_EINVAL;
	if (!*t || !text_line_ok(t, 64) || strpbrk(t, " ,[]{}"))
		return preg_error_set(PREG_EINVAL, "invalid tag '%s' (one word, no spaces or commas)", t);
	return 0;
}

/* "KEY=VALUE" into *k and *v (the caller frees both). */
static int split_assign(const char *what, const char *s, char **k, char **v)
{
	const char *eq = strchr(s, '=');

	if (!eq || eq == s)
		return preg_error_set(PREG_EINVAL, "%s '%s' is not KEY=VALUE", what, s);
	*k = xstrndup(s, (size_t)(eq - s));
	*v = xstrdup(eq + 1);
	return 0;
}

static int set_field(struct record *rec, const char *k, const char *v)
{
	char what[80];

	if (!field_name_ok(k))
		return preg_error_set(PREG_EINVAL, "invalid field name '%s' (letters, digits, '_' and '-')", k);
	snprintf(what, sizeof(what), "fields.%s", k);
	if (text_hidden_error(what, v, true) || check_line("a field value", v, 4096))
		return PREG_EINVAL;
	kv_set(&rec->fields, k, *v ? v : NULL);
	return 0;
}

/* "Name <email>; role; phone" */
static int parse_contact(const char *spec, struct kvlist *out)
{
	char *s = xstrdup(spec), *part, *next;
	int i = 0, rc = 0;

	memset(out, 0, sizeof(*out));
	if (check_line("a contact", spec, 1024)) {
		free(s);
		return PREG_EINVAL;
	}
	/* Split on ';' keeping empty parts: "Anna;;+7 456" has no role. */
	for (part = s; part; part = next, i++) {
		char *p;

		next = strchr(part, ';');
		if (next)
			*next++ = '\0';
		p = xstrtrim(part);

		if (i == 0) {
			char *lt = strchr(p, '<'), *gt = lt ? strchr(lt, '>') : NULL;

			if (lt && gt) {
				char *name = xstrndup(p, (size_t)(lt - p)), *tn = xstrtrim(name);
				char *mail = xstrndup(lt + 1, (size_t)(gt - lt - 1));

				if (*tn)
					kv_set(out, "name", tn);
				if (*mail)
					kv_set(out, "email", mail);
				free(name);
				free(tn);
				free(mail);
			} else if (strchr(p, '@') && !strchr(p, ' ')) {
				kv_set(out, "email", p);
			} else if (*p) {
				kv_set(out, "name", p);
			}
		} else if (i == 1 && *p) {
			kv_set(out, "role", p);
		} else if (i == 2 && *p) {
			kv_set(out, "phone", p);
		} else if (*p) {
			rc = preg_error_set(PREG_EINVAL, "contact '%s' has more than 'Name <email>; role; phone'",
					    spec);
		}
		free(p);
	}
	if (!rc && !out->n)
		rc = preg_error_set(PREG_EINVAL, "empty contact '%s'", spec);
	if (rc)
		kvlist_release(out);
	free(s);
	return rc;
}

int ops_parse_contact(const char *spec, struct kvlist *out)
{
	return parse_contact(spec, out);
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = v && *v ? xstrdup(v) : NULL;
}

/* ---- the time of a write (the time rule: record.h) ---- */

int ops_check_clock(struct txn *t, const struct record *rec)
{
	struct ptime now, last;
	const char *last_at;

	if (ptime_parse(&now, txn_now(t)) || !record_last_time(rec, &last, &last_at) || now.t >= last.t)
		return 0;
	/* Not bad input: nothing the user may change in the command helps. */
	return preg_error_set(PREG_ERR, "the clock is behind: it says %s, but the last entry of client '%s' is at %s",
			      txn_now(t), rec->id, last_at);
}

/* When the entry a write adds to rec happens: now (which ops_check_clock
 * must allow), or at, given on purpose (--at: an RFC 3339 time, or a date
 * for the start of that day in now's offset). at may be earlier than the
 * record's last entry (the entry is then placed in time order), but not in
 * the future, nor before the client was created. */
static int entry_when(struct txn *t, const struct record *rec, const char *at, struct ptime *when,
		      char out[PTIME_LEN])
{
	struct ptime now, created;
	int32_t day;

	ptime_parse(&now, txn_now(t));
	if (!at) {
		*when = now;
		snprintf(out, PTIME_LEN, "%s", txn_now(t));
		return ops_check_clock(t, rec);
	}
	if (!date_parse(&day, at))
		*when = ptime_from_day(day, now.off);
	else if (ptime_parse(when, at))
		return preg_error_prefix("--at");
	if (when->t > now.t)
		return preg_error_set(PREG_EINVAL, "--at %s is in the future", at);
	if (rec->created && !ptime_parse(&created, rec->created) && when->t < created.t)
		return preg_error_set(PREG_EINVAL, "--at %s is before client '%s' was created (%s)", at, rec->id,
				      rec->created);
	ptime_format(out, *when);
	return 0;
}

/* The phase rec was in at time when: that of the last phase event not
 * later than it (the history is in time order), else the first one. */
static int phase_at(const struct record *rec, const struct ptime *when)
{
	const char *v = NULL;

	for (size_t i = 0; i < rec->nhistory; i++) {
		const char *p = kv_get(&rec->history[i], "phase");
		struct ptime e;

		if (!p)
			continue;
		if (v && (!record_entry_time(&rec->history[i], &e) || e.t > when->t))
			break;
		v = p;
	}
	return v ? atoi(v) : rec->phase;
}

/* ---- add ---- */

static int add_mutate(struct txn *t, void *arg)
{
	struct add_opts *o = arg;
	const struct phases *ph = reg_phases(txn_reg(t));
	const struct phase *p = o->phase ? phases_find(ph, o->phase) : phases_get(ph, 1);
	struct record *rec = xcalloc(1, sizeof(*rec));
	char *id = NULL, *name = xstrtrim(o->name), phase[16], summary[256];
	const char *manager = o->manager ? o->manager : txn_user(t);
	const char *missing;
	int rc = PREG_EINVAL;

	if (!*name) {
		preg_error_set(PREG_EINVAL, "empty client name");
		goto out;
	}
	if (check_line("a client name", name, NAME_MAX_BYTES))
		goto out;
	if (!p)
		goto out;
	if (p->ending) {
		preg_error_set(PREG_EINVAL, "a new client cannot start in phase %d (%s), which ends a collaboration",
			       p->id, p->key);
		goto out;
	}
	if (phases_check_manager(ph, manager))
		goto out;
	if (o->kind && check_kind(o->kind))
		goto out;
	if (o->next && check_date("--next", o->next))
		goto out;
	if (o->action && check_line("--action", o->action, 4096))
		goto out;
	if (o->remarks && check_text("--remarks", o->remarks))
		goto out;
	if (o->id) {
		if (!slug_valid(o->id)) {
			preg_error_set(PREG_EINVAL,
				       "invalid id '%s' (lowercase letters, digits and '-', at most 48, not a device name)",
				       o->id);
			goto out;
		}
		if (txn_exists(t, o->id)) {
			preg_error_set(PREG_EEXISTS, "client '%s' already exists", o->id);
			rc = PREG_EEXISTS;
			goto out;
		}
		id = xstrdup(o->id);
	} else {
		if ((rc = slug_client_id(&id, name)))
			goto out;
		rc = PREG_EINVAL;
		for (unsigned n = 2; txn_exists(t, id); n++) {
			char *base = NULL;

			slug_client_id(&base, name);
			free(id);
			id = slug_with_suffix(base, n);
			free(base);
		}
	}
	rec->id = id;
	id = NULL;
	rec->name = name;
	name = NULL;
	rec->kind = xstrdup(o->kind ? o->kind : "external");
	rec->manager = xstrdup(manager);
	rec->phase = p->id;
	rec->phase_since = xstrdup(txn_now(t));
	rec->created = xstrdup(txn_now(t));
	set_str(&rec->next_contact, o->next);
	set_str(&rec->next_action, o->action);
	set_str(&rec->remarks, o->remarks);
	rec->tags = xcalloc(o->ntags + 1, sizeof(char *));
	for (size_t i = 0; i < o->ntags; i++) {
		if (check_tag(o->tags[i]))
			goto out;
		rec->tags[rec->ntags++] = xstrdup(o->tags[i]);
	}
	for (size_t i = 0; i < o->nfields; i++) {
		char *k, *v;

		if (split_assign("--field", o->fields[i], &k, &v))
			goto out;
		rc = set_field(rec, k, v);
		free(k);
		free(v);
		if (rc)
			goto out;
		rc = PREG_EINVAL;
	}
	rec->contacts = xcalloc(o->ncontacts + 1, sizeof(*rec->contacts));
	for (size_t i = 0; i < o->ncontacts; i++) {
		if (parse_contact(o->contacts[i], &rec->contacts[i]))
			goto out;
		rec->ncontacts++;
	}
	if ((missing = record_missing(rec, p))) {
		preg_error_set(PREG_EINVAL, "phase %d (%s) requires %s", p->id, p->key, missing);
		goto out;
	}
	snprintf(phase, sizeof(phase), "%d", p->id);
	record_add_event(rec, txn_now(t), txn_user(t),
			 (const char *const[]){ "phase", phase, "manager", rec->manager }, 4);
	txn_put(t, rec);
	snprintf(summary, sizeof(summary), "add: %s (%.160s)", rec->id, rec->name);
	txn_message(t, summary, "add", phase);
	snprintf(o->id_out, sizeof(o->id_out), "%s", rec->id);
	rc = 0;
out:
	free(id);
	free(name);
	record_free(rec);
	return rc;
}

int ops_add(struct reg *r, struct add_opts *o)
{
	return reg_write(r, 0, add_mutate, o);
}

/* ---- phase moves ---- */

static int move_mutate(struct txn *t, void *arg)
{
	struct move_opts *o = arg;
	const struct phases *ph = reg_phases(txn_reg(t));
	const struct phase *from, *to;
	struct record *rec = NULL;
	struct ptime when, last;
	struct kvlist ev = { NULL, 0, 0 };
	char when_s[PTIME_LEN], num[16], trailer[32], summary[256];
	const char *missing, *last_at;
	long phase_ev, manager_ev;
	size_t idx;
	bool back, backdated;
	int rc, cur;

	if ((rc = txn_read(t, o->id, &rec)))
		return rc;
	if ((rc = entry_when(t, rec, o->at, &when, when_s)))
		goto out;
	rc = PREG_EINVAL;
	backdated = record_last_time(rec, &last, &last_at) && when.t < last.t;
	/* A move backdated into the history is judged by the phase the
	 * client was in then. */
	cur = backdated ? phase_at(rec, &when) : rec->phase;
	if (!(from = phases_get(ph, cur))) {
		preg_error_set(PREG_EINVAL, "client '%s' is in phase %d, which preg.yaml does not have",
			       o->id, cur);
		goto out;
	}
	if (o->phase) {
		if (!(to = phases_find(ph, o->phase)))
			goto out;
	} else if (!(to = phases_get(ph, from->id + 1))) {
		preg_error_set(PREG_EINVAL, "client '%s' is in the last phase, %d (%s)", o->id, from->id,
			       from->key);
		goto out;
	}
	if (to->id == from->id) {
		if (backdated)
			preg_error_set(PREG_EINVAL, "client '%s' was already in phase %d (%s) at %s", o->id, to->id,
				       to->key, when_s);
		else
			preg_error_set(PREG_EINVAL, "client '%s' is already in phase %d (%s)", o->id, to->id,
				       to->key);
		goto out;
	}
	back = to->id < from->id;
	if (back && !from->reversible && !o->force) {
		preg_error_set(PREG_EINVAL,
			       "client '%s' cannot go back from phase %d (%s) to %d (%s) without --force",
			       o->id, from->id, from->key, to->id, to->key);
		goto out;
	}
	if (to->ending && !from->ending && !o->reason) {
		preg_error_set(PREG_EINVAL, "phase %d (%s) ends the collaboration: say why with --reason",
			       to->id, to->key);
		goto out;
	}
	if (o->reason && check_line("--reason", o->reason, 4096))
		goto out;
	if (o->message && check_text("-m", o->message))
		goto out;
	if ((missing = record_missing(rec, to))) {
		preg_error_set(PREG_EINVAL, "client '%s' cannot enter phase %d (%s): it lacks %s", o->id,
			       to->id, to->key, missing);
		goto out;
	}
	snprintf(num, sizeof(num), "%d", to->id);
	kv_set(&ev, "at", when_s);
	kv_set(&ev, "by", txn_user(t));
	kv_set(&ev, "phase", num);
	if (back && !from->reversible)
		kv_set(&ev, "force", "true");
	if (o->reason)
		kv_set(&ev, "reason", o->reason);
	if (o->message)
		kv_set(&ev, "note", o->message);
	idx = record_insert_entry(rec, &ev, false);
	/* The phase is the history's, as the merge makes it: a move
	 * backdated before a later one changes what was, not what is. */
	record_follow_history(rec);
	record_deciding(rec, &phase_ev, &manager_ev);
	if (phase_ev == (long)idx) {
		if (to->ending && o->reason)
			set_str(&rec->end_reason, o->reason);
		else if (!to->ending)
			set_str(&rec->end_reason, NULL);
	}
	txn_put(t, rec);
	snprintf(trailer, sizeof(trailer), "%d -> %d", from->id, to->id);
	snprintf(summary, sizeof(summary), "phase: %s %d -> %d (%s)%s", o->id, from->id, to->id, to->key,
		 back && !from->reversible ? " forced" : "");
	txn_message(t, summary, "phase", trailer);
	o->from = from->id;
	o->to = to->id;
	o->now = rec->phase;
	snprintf(o->when, sizeof(o->when), "%s", when_s);
	rc = 0;
out:
	kvlist_release(&ev);
	record_free(rec);
	return rc;
}

int ops_move(struct reg *r, struct move_opts *o)
{
	return reg_write(r, 0, move_mutate, o);
}

/* ---- notes ---- */

static int note_mutate(struct txn *t, void *arg)
{
	struct note_opts *o = arg;
	struct record *rec = NULL;
	struct kvlist *n;
	char summary[256];
	int rc, ok = 0;

	if (!o->text[strspn(o->text, " \t\n")])
		return preg_error_set(PREG_EINVAL, "empty note");
	if (check_text("a note", o->text))
		return PREG_EINVAL;
	if (o->channel) {
		for (int i = 0; ops_channels[i]; i++)
			ok |= !strcmp(ops_channels[i], o->channel);
		if (!ok)
			return preg_error_set(PREG_EINVAL,
					      "unknown channel '%s' (call, email, meeting, letter, chat or other)",
					      o->channel);
	}
	if (o->next && check_date("--next", o->next))
		return PREG_EINVAL;
	if (o->action && check_line("--action", o->action, 4096))
		return PREG_EINVAL;
	if ((rc = txn_read(t, o->id, &rec)))
		return rc;
	if ((rc = ops_check_clock(t, rec))) {
		record_free(rec);
		return rc;
	}
	rec->notes = xrealloc(rec->notes, (rec->nnotes + 1) * sizeof(*rec->notes));
	n = &rec->notes[rec->nnotes++];
	memset(n, 0, sizeof(*n));
	kv_set(n, "at", txn_now(t));
	kv_set(n, "by", txn_user(t));
	if (o->channel)
		kv_set(n, "channel", o->channel);
	kv_set(n, "text", o->text);
	/* Kept in the note too: next_contact holds only the last one, and
	 * report activity judges each (kept, late, missed). */
	if (o->next) {
		kv_set(n, "next", o->next);
		set_str(&rec->next_contact, o->next);
	}
	if (o->action)
		set_str(&rec->next_action, o->action);
	txn_put(t, rec);
	snprintf(summary, sizeof(summary), "note: %s%s%s%s", o->id, o->channel ? " (" : "",
		 o->channel ? o->channel : "", o->channel ? ")" : "");
	txn_message(t, summary, "note", NULL);
	record_free(rec);
	return 0;
}

int ops_note(struct reg *r, struct note_opts *o)
{
	return reg_write(r, 0, note_mutate, o);
}

/* ---- set ---- */

struct set_args {
	const char *id;
	char *const *assign;
	size_t n;
	bool *changed;
};

static int set_mutate(struct txn *t, void *arg)
{
	struct set_args *a = arg;
	const struct phases *ph = reg_phases(txn_reg(t));
	struct record *rec = NULL;
	struct buf before = BUF_INIT, after = BUF_INIT, what = BUF_INIT;
	char *old_manager = NULL, summary[512];
	int rc;

	*a->changed = false;
	if ((rc = txn_read(t, a->id, &rec)))
		return rc;
	record_write(&before, rec);
	old_manager = xstrdup(rec->manager);
	rc = PREG_EINVAL;
	for (size_t i = 0; i < a->n; i++) {
		char *k = NULL, *v = NULL;
		int bad = 0;

		if (split_assign("assignment", a->assign[i], &k, &v))
			goto out;
		if (!strcmp(k, "name")) {
			char *tv = xstrtrim(v);

			bad = !*tv ? preg_error_set(PREG_EINVAL, "empty client name")
				   : check_line("a client name", tv, NAME_MAX_BYTES);
			if (!bad)
				set_str(&rec->name, tv);
			free(tv);
		} else if (!strcmp(k, "kind")) {
			if (!(bad = check_kind(v)))
				set_str(&rec->kind, v);
		} else if (!strcmp(k, "manager")) {
			if (!(bad = phases_check_manager(ph, v)))
				set_str(&rec->manager, v);
		} else if (!strcmp(k, "next_contact")) {
			if (!(bad = *v && check_date("next_contact", v)))
				set_str(&rec->next_contact, v);
		} else if (!strcmp(k, "next_action")) {
			if (!(bad = check_line("next_action", v, 4096)))
				set_str(&rec->next_action, v);
		} else if (!strcmp(k, "remarks")) {
			if (!(bad = check_text("remarks", v)))
				set_str(&rec->remarks, v);
		} else if (!strcmp(k, "tags")) {
			char *s = xstrdup(v), *save = NULL;

			for (size_t j = 0; j < rec->ntags; j++)
				free(rec->tags[j]);
			rec->ntags = 0;
			rec->tags = xrealloc(rec->tags, (strlen(v) / 2 + 2) * sizeof(char *));
			for (char *tok = strtok_r(s, ",", &save); tok && !bad; tok = strtok_r(NULL, ",", &save)) {
				char *tt = xstrtrim(tok);

				if (*tt && !(bad = check_tag(tt)))
					rec->tags[rec->ntags++] = xstrdup(tt);
				free(tt);
			}
			free(s);
		} else if (!strncmp(k, "fields.", 7)) {
			bad = set_field(rec, k + 7, v);
		} else if (!strcmp(k, "phase") || !strcmp(k, "phase_since")) {
			bad = preg_error_set(PREG_EINVAL, "'%s' changes with 'preg phase set'", k);
		} else {
			bad = preg_error_set(PREG_EINVAL,
					     "cannot set '%s' (name, kind, manager, next_contact, next_action, tags, remarks, fields.NAME)",
					     k);
		}
		if (!bad)
			buf_addf(&what, "%s%s", what.len ? ", " : "", k);
		free(k);
		free(v);
		if (bad)
			goto out;
	}
	if (strcmp(old_manager, rec->manager)) {
		if ((rc = ops_check_clock(t, rec)))
			goto out;
		record_add_event(rec, txn_now(t), txn_user(t),
				 (const char *const[]){ "manager", rec->manager }, 2);
	}
	record_write(&after, rec);
	rc = 0;
	if (before.len == after.len && !memcmp(before.p, after.p, before.len))
		goto out; /* nothing changed: no commit */
	*a->changed = true;
	txn_put(t, rec);
	if (strcmp(old_manager, rec->manager))
		snprintf(summary, sizeof(summary), "set: %s manager %s -> %s", a->id, old_manager, rec->manager);
	else
		snprintf(summary, sizeof(summary), "set: %s %.400s", a->id, what.p);
	txn_message(t, summary, "set", NULL);
out:
	free(old_manager);
	buf_release(&before);
	buf_release(&after);
	buf_release(&what);
	record_free(rec);
	return rc;
}

int ops_set(struct reg *r, const char *id, char *const *assign, size_t n, unsigned flags, bool *changed)
{
	struct set_args a = { id, assign, n, changed };

	return reg_write(r, flags, set_mutate, &a);
}

/* ---- edit ---- */

struct replace_args {
	const char *id, *base, *yaml, *name;
	size_t len;
	unsigned flags;
	bool *changed;
};

static bool same_kvlists(const struct kvlist *a, size_t na, const struct kvlist *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++) {
		if (a[i].n != b[i].n)
			return false;
		for (size_t j = 0; j < a[i].n; j++)
			if (strcmp(a[i].v[j].k, b[i].v[j].k) || strcmp(a[i].v[j].v, b[i].v[j].v))
				return false;
	}
	return true;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static int replace_mutate(struct txn *t, void *arg)
{
	struct replace_args *a = arg;
	const struct phases *ph = reg_phases(txn_reg(t));
	struct record *old = NULL, *rec = NULL;
	struct buf before = BUF_INIT, after = BUF_INIT;
	struct ypos comment;
	char summary[256];
	const char *fixed = NULL;
	int rc;

	*a->changed = false;
	if ((rc = txn_read(t, a->id, &old)))
		goto out;
	record_write(&before, old);
	if (strcmp(before.p, a->base)) {
		rc = preg_error_set(PREG_EMODIFIED,
				    "client '%s' changed while you were editing it; run 'preg client edit %s' again",
				    a->id, a->id);
		goto out;
	}
	if ((rc = record_parse(&rec, a->yaml, a->len, a->name, &comment)))
		goto out;
	rc = PREG_EINVAL;
	if (comment.line && !(a->flags & REG_FORCE)) {
		preg_error_set(PREG_EINVAL,
			       "%s:%d:%d: a comment would be lost: a record keeps no comments; move the text into 'remarks:' (or use --force to drop it)",
			       a->name, comment.line, comment.col);
		goto out;
	}
	if (strcmp(rec->id, old->id))
		fixed = "id";
	else if (rec->phase != old->phase)
		fixed = "phase";
	else if (!same_str(rec->phase_since, old->phase_since))
		fixed = "phase_since";
	else if (!same_str(rec->created, old->created))
		fixed = "created";
	else if (!same_kvlists(rec->history, rec->nhistory, old->history, old->nhistory))
		fixed = "history";
	else if (!same_kvlists(rec->notes, rec->nnotes, old->notes, old->nnotes))
		fixed = "notes";
	if (fixed) {
		preg_error_set(PREG_EINVAL, "'%s' cannot change in an edit (%s)", fixed,
			       !strcmp(fixed, "phase") || !strcmp(fixed, "phase_since") ? "use 'preg phase set'"
			       : !strcmp(fixed, "notes")			       ? "use 'preg note'"
			       : !strcmp(fixed, "id")				       ? "ids are permanent"
										       : "it is the record's audit trail");
		goto out;
	}
	if (!phases_get(ph, rec->phase)) {
		preg_error_set(PREG_EINVAL, "unknown phase %d", rec->phase);
		goto out;
	}
	if (record_text_check(rec))
		goto out;
	if (strcmp(rec->manager, old->manager)) {
		if (phases_check_manager(ph, rec->manager))
			goto out;
		if ((rc = ops_check_clock(t, rec)))
			goto out;
		record_add_event(rec, txn_now(t), txn_user(t),
				 (const char *const[]){ "manager", rec->manager }, 2);
	}
	record_write(&after, rec);
	rc = 0;
	if (before.len == after.len && !memcmp(before.p, after.p, before.len))
		goto out;
	*a->changed = true;
	txn_put(t, rec);
	snprintf(summary, sizeof(summary), "edit: %s", a->id);
	txn_message(t, summary, "edit", NULL);
out:
	buf_release(&before);
	buf_release(&after);
	record_free(old);
	record_free(rec);
	return rc;
}

int ops_replace(struct reg *r, const char *id, const char *base, const char *yaml, size_t len,
		const char *name, unsigned flags, bool *changed)
{
	struct replace_args a = { id, base, yaml, name, len, flags, changed };

	return reg_write(r, flags, replace_mutate, &a);
}

/* ---- remove ---- */

static int remove_mutate(struct txn *t, void *arg)
{
	const char *id = arg;
	struct record *rec = NULL;
	char summary[256];
	int rc;

	/* Read it: a record that does not parse can still go, but an unknown
	 * id is an error. */
	rc = txn_read(t, id, &rec);
	if (rc == PREG_ENOTFOUND)
		return rc;
	txn_remove(t, id);
	snprintf(summary, sizeof(summary), "rm: %s%s%.160s%s", id, rec ? " (" : "", rec ? rec->name : "",
		 rec ? ")" : "");
	txn_message(t, summary, "rm", NULL);
	record_free(rec);
	preg_error_clear();
	return 0;
}

int ops_remove(struct reg *r, const char *id)
{
	return reg_write(r, REG_FORCE, remove_mutate, (void *)id);
}

/* ---- hold ---- */

struct hold_args {
	const char *id, *until, *reason; /* until NULL: unhold */
};

static int hold_mutate(struct txn *t, void *arg)
{
	struct hold_args *a = arg;
	struct record *rec = NULL;
	struct ptime now;
	char summary[256], today_s[DATE_LEN];
	int32_t until;
	int rc;

	if (a->until) {
		if (check_date("--until", a->until))
			return PREG_EINVAL;
		date_parse(&until, a->until);
		ptime_parse(&now, txn_now(t));
		if (until <= ptime_day(now)) {
			date_format(today_s, ptime_day(now));
			return preg_error_set(PREG_EINVAL, "--until %s is not after today (%s)", a->until,
					      today_s);
		}
		if (!a->reason[strspn(a->reason, " \t")])
			return preg_error_set(PREG_EINVAL, "empty --reason");
		if (check_line("--reason", a->reason, 4096))
			return PREG_EINVAL;
	}
	if ((rc = txn_read(t, a->id, &rec)))
		return rc;
	if ((rc = ops_check_clock(t, rec)))
		goto out;
	rc = PREG_EINVAL;
	if (!a->until) {
		if (!rec->hold_until) {
			preg_error_set(PREG_EINVAL, "client '%s' is not on hold", a->id);
			goto out;
		}
		record_add_event(rec, txn_now(t), txn_user(t), (const char *const[]){ "hold_until", "none" }, 2);
		set_str(&rec->hold_until, NULL);
		set_str(&rec->hold_reason, NULL);
		snprintf(summary, sizeof(summary), "unhold: %s", a->id);
	} else {
		if (same_str(rec->hold_until, a->until) && same_str(rec->hold_reason, a->reason)) {
			preg_error_set(PREG_EINVAL, "client '%s' is already on hold until %s for that reason",
				       a->id, a->until);
			goto out;
		}
		if (rec->hold_until)
			snprintf(summary, sizeof(summary), "hold: %s until %s (was until %s)", a->id, a->until,
				 rec->hold_until);
		else
			snprintf(summary, sizeof(summary), "hold: %s until %s", a->id, a->until);
		record_add_event(rec, txn_now(t), txn_user(t),
				 (const char *const[]){ "hold_until", a->until, "reason", a->reason }, 4);
		set_str(&rec->hold_until, a->until);
		set_str(&rec->hold_reason, a->reason);
	}
	txn_put(t, rec);
	txn_message(t, summary, a->until ? "hold" : "unhold", NULL);
	rc = 0;
out:
	record_free(rec);
	return rc;
}

int ops_hold(struct reg *r, const char *id, const char *until, const char *reason)
{
	struct hold_args a = { id, until, reason };

	return reg_write(r, 0, hold_mutate, &a);
}

int ops_unhold(struct reg *r, const char *id)
{
	struct hold_args a = { id, NULL, NULL };

	return reg_write(r, 0, hold_mutate, &a);
}
