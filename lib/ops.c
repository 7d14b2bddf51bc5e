/* ops: the changes commands make, with their rules (see ops.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "err.h"
#include "history.h"
#include "ops.h"
#include "ptime.h"
#include "schema.h"
#include "slug.h"
#include "status.h"
#include "utf8.h"
#include "when.h"
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

/* The now a write reads the dates it is given against: the write's own
 * time, with the local zone's offsets when that is the clock (when.h). */
static struct when_now write_now(struct txn *t)
{
	const char *env = getenv("PREG_NOW");
	struct when_now n;

	memset(&n, 0, sizeof(n));
	ptime_parse(&n.now, txn_now(t));
	n.zone = !(env && *env);
	return n;
}

/* A day as people type it (when.h) into out, in the form a record
 * stores; what names the option or key in the message. */
static int resolve_date(struct txn *t, const char *what, const char *s, char out[DATE_LEN])
{
	struct when_now n = write_now(t);

	if (when_date_str(out, s, &n))
		return preg_error_prefix("%s", what);
	return 0;
}

static int check_kind(const char *k)
{
	if (strcmp(k, "external") && strcmp(k, "internal"))
		return preg_error_set(PREG_EINVAL, "invalid kind '%s' (external or internal)", k);
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

/* A calendar date alone is the start of that day; a day named from
 * today is that day at the present time, as when.h reads it. */
int ops_entry_when(struct txn *t, const struct record *rec, const char *at, struct ptime *when,
		   char out[PTIME_LEN])
{
	struct when_now n = write_now(t);
	struct ptime now = n.now, created;
	const char *p = at ? at + strspn(at, " ") : NULL;
	int32_t day;

	if (!at) {
		*when = now;
		snprintf(out, PTIME_LEN, "%s", txn_now(t));
		return ops_check_clock(t, rec);
	}
	if (*p >= '0' && *p <= '9' && !strchr(p, ':') && !when_date(&day, at, &n))
		*when = ptime_from_day(day, now.off);
	else if (when_time(when, at, &n))
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

/* ---- duplicates at the door (check.h's rules) ---- */

struct dup_find {
	char **keys; /* the new client's, "what\x01key" */
	size_t n, cap;
	const struct record *cur;
	char *id, *name, *why; /* the first existing client that shares one */
};

static void dup_key_new(void *arg, const char *what, const char *key)
{
	struct dup_find *d = arg;

	d->keys = xgrow(d->keys, &d->cap, d->n + 1, sizeof(*d->keys));
	d->keys[d->n++] = xasprintf("%s\x01%s", what, key);
}

static void dup_key_old(void *arg, const char *what, const char *key)
{
	struct dup_find *d = arg;
	size_t wl = strlen(what);

	if (d->why)
		return;
	for (size_t i = 0; i < d->n; i++)
		if (!strncmp(d->keys[i], what, wl) && d->keys[i][wl] == '\x01' && !strcmp(d->keys[i] + wl + 1, key)) {
			d->why = xasprintf("the same %s '%s'", what, key);
			d->id = xstrdup(d->cur->id);
			d->name = d->cur->name ? xstrdup(d->cur->name) : NULL;
			return;
		}
}

static int dup_each(void *arg, const char *id, const char *path, struct record *rec)
{
	struct dup_find *d = arg;

	(void)id;
	(void)path;
	if (!rec)
		return 0;
	d->cur = rec;
	check_dup_keys(rec, dup_key_old, d);
	return d->why ? 1 : 0;
}

/* PREG_EEXISTS naming the client that rec likely duplicates, else 0 (or
 * the error of reading the register). */
static int refuse_duplicate(struct reg *r, const struct record *rec)
{
	struct dup_find d = { 0 };
	int rc;

	check_dup_keys(rec, dup_key_new, &d);
	rc = d.n ? reg_each_summary(r, dup_each, &d) : 0;
	if (d.why)
		rc = preg_error_set(PREG_EEXISTS,
				    "likely duplicate of '%s' (%s): %s; add it anyway with --allow-duplicate", d.id,
				    d.name ? d.name : d.id, d.why);
	else if (rc > 0)
		rc = 0;
	for (size_t i = 0; i < d.n; i++)
		free(d.keys[i]);
	free(d.keys);
	free(d.id);
	free(d.name);
	free(d.why);
	return rc;
}

static int add_mutate(struct txn *t, void *arg)
{
	struct add_opts *o = arg;
	const struct phases *ph = reg_phases(txn_reg(t));
	const struct phase *p = o->phase ? phases_find(ph, o->phase) : phases_get(ph, 1);
	struct record *rec = xcalloc(1, sizeof(*rec));
	char *id = NULL, *name = xstrtrim(o->name), phase[16], summary[256], next[DATE_LEN];
	const char *manager = o->manager ? o->manager : txn_user(t);
	struct buf lacks = BUF_INIT;
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
	if (phases_resolve_manager(ph, manager, &manager))
		goto out;
	if (o->kind && check_kind(o->kind))
		goto out;
	if (o->next && resolve_date(t, "--next", o->next, next))
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
	set_str(&rec->next_contact, o->next ? next : NULL);
	set_str(&rec->next_action, o->action);
	set_str(&rec->remarks, o->remarks);
	rec->tags = xcalloc(o->ntags + 1, sizeof(char *));
	for (size_t i = 0; i < o->ntags; i++) {
		if (record_tag_check(o->tags[i]))
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
	if (record_missing_all(rec, p, &lacks)) {
		preg_error_set(PREG_EINVAL, "phase %d (%s) requires %s", p->id, p->key, buf_str(&lacks));
		goto out;
	}
	/* After every other rule, so that a refused name is told first. */
	if (!o->allow_duplicate && (rc = refuse_duplicate(txn_reg(t), rec)))
		goto out;
	rc = PREG_EINVAL;
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
	buf_release(&lacks);
	record_free(rec);
	return rc;
}

int ops_add(struct reg *r, struct add_opts *o)
{
	return reg_write(r, 0, add_mutate, o);
}

/* ---- the next step (closing the loop) ---- */

/* Check the next step s before anything is read: --next and --action. */
static int step_check(struct txn *t, const struct next_step *s, char next[DATE_LEN])
{
	if (s->next && resolve_date(t, "--next", s->next, next))
		return PREG_EINVAL;
	if (s->action && check_line("--action", s->action, 4096))
		return PREG_EINVAL;
	return 0;
}

/* Apply the next step s to rec for an entry at when: the contact due or
 * overdue that day is settled (ops.h) when settle. A move into an ending
 * phase settles nothing: ending is not the contact that was asked for, and
 * an ended client has nothing due (lib/status), whatever it keeps. */
static void step_apply(struct txn *t, struct record *rec, const struct ptime *when, struct next_step *s,
		       const char *next, bool settle)
{
	struct status st;

	s->done[0] = '\0';
	status_of(&st, rec, NULL, reg_phases(txn_reg(t)), ptime_day(*when));
	if (s->next) {
		set_str(&rec->next_contact, next);
	} else if (settle && (st.due || st.overdue) && !s->keep) {
		snprintf(s->done, sizeof(s->done), "%s", rec->next_contact);
		set_str(&rec->next_contact, NULL);
		set_str(&rec->next_action, NULL);
	}
	if (s->action)
		set_str(&rec->next_action, s->action);
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
	char when_s[PTIME_LEN], num[16], trailer[32], summary[256], next[DATE_LEN];
	const char *last_at;
	struct buf lacks = BUF_INIT;
	long phase_ev, manager_ev;
	size_t idx;
	bool back, backdated;
	int rc, cur;

	if (step_check(t, &o->step, next))
		return PREG_EINVAL;
	if ((rc = txn_read(t, o->id, &rec)))
		return rc;
	if ((rc = ops_entry_when(t, rec, o->at, &when, when_s)))
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
	/* Won back: out of an ending phase into one that does not end, a
	 * reopening of its own in the history rather than a forced move. */
	if (o->reopen && !from->ending) {
		preg_error_set(PREG_EINVAL,
			       "client '%s' is in phase %d (%s), which does not end the collaboration: nothing to reopen",
			       o->id, from->id, from->key);
		goto out;
	}
	if (o->reopen && to->ending) {
		preg_error_set(PREG_EINVAL, "phase %d (%s) ends the collaboration too: --reopen goes to one that does not",
			       to->id, to->key);
		goto out;
	}
	if (back && !from->reversible && !o->force && !o->reopen && from->ending && !to->ending) {
		preg_error_set(PREG_EINVAL,
			       "client '%s' ended in phase %d (%s): take it to %d (%s) with --reopen (won back)",
			       o->id, from->id, from->key, to->id, to->key);
		goto out;
	}
	if (back && !from->reversible && !o->force && !o->reopen) {
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
	/* Every problem at once: one round trip to fix them all. */
	if (record_missing_all(rec, to, &lacks)) {
		preg_error_set(PREG_EINVAL, "client '%s' cannot enter phase %d (%s): it lacks %s", o->id,
			       to->id, to->key, buf_str(&lacks));
		goto out;
	}
	step_apply(t, rec, &when, &o->step, next, !to->ending);
	snprintf(num, sizeof(num), "%d", to->id);
	kv_set(&ev, "at", when_s);
	kv_set(&ev, "by", txn_user(t));
	kv_set(&ev, "phase", num);
	if (o->reopen)
		kv_set(&ev, "reopen", "true");
	else if (back && !from->reversible)
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
		 o->reopen ? " reopened" : back && !from->reversible ? " forced" : "");
	txn_message(t, summary, "phase", trailer);
	o->from = from->id;
	o->to = to->id;
	o->now = rec->phase;
	snprintf(o->when, sizeof(o->when), "%s", when_s);
	rc = 0;
out:
	kvlist_release(&ev);
	buf_release(&lacks);
	record_free(rec);
	return rc;
}

int ops_move(struct reg *r, struct move_opts *o)
{
	/* phase set has --force, phase next (no phase given) has not. */
	return reg_write(r, (o->force ? REG_FORCE : 0) | (o->phase ? REG_FORCE_OK : 0), move_mutate, o);
}

/* ---- notes ---- */

static int note_mutate(struct txn *t, void *arg)
{
	struct note_opts *o = arg;
	struct record *rec = NULL;
	struct kvlist n = { NULL, 0, 0 };
	struct ptime when;
	char summary[256], next[DATE_LEN], when_s[PTIME_LEN];
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
	if (step_check(t, &o->step, next))
		return PREG_EINVAL;
	if ((rc = txn_read(t, o->id, &rec)))
		return rc;
	if ((rc = ops_entry_when(t, rec, o->at, &when, when_s))) {
		record_free(rec);
		return rc;
	}
	step_apply(t, rec, &when, &o->step, next, true);
	kv_set(&n, "at", when_s);
	kv_set(&n, "by", txn_user(t));
	if (o->channel)
		kv_set(&n, "channel", o->channel);
	kv_set(&n, "text", o->text);
	/* Kept in the note too: next_contact holds only the last one, and
	 * report activity judges each (kept, late, missed). */
	if (o->step.next)
		kv_set(&n, "next", next);
	record_insert_entry(rec, &n, true);
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

/* The end of client set and client edit: a new manager is an event (under
 * the time rule); the record is put when its text differs from before.
 * 1 when it was put, 0 when nothing changed (no commit), or an error. */
static int put_changed(struct txn *t, struct record *rec, const char *old_manager, const struct buf *before)
{
	struct buf after = BUF_INIT;
	bool same;
	int rc;

	if (strcmp(old_manager, rec->manager)) {
		if ((rc = ops_check_clock(t, rec)))
			return rc;
		record_add_event(rec, txn_now(t), txn_user(t),
				 (const char *const[]){ "manager", rec->manager }, 2);
	}
	record_write(&after, rec);
	same = before->len == after.len && !memcmp(before->p, after.p, before->len);
	buf_release(&after);
	if (same)
		return 0;
	txn_put(t, rec);
	return 1;
}

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
	struct buf before = BUF_INIT, what = BUF_INIT;
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
			const char *h;

			if (!(bad = phases_resolve_manager(ph, v, &h)))
				set_str(&rec->manager, h);
		} else if (!strcmp(k, "next_contact")) {
			char day[DATE_LEN] = "";

			if (!(bad = *v && resolve_date(t, "next_contact", v, day)))
				set_str(&rec->next_contact, day);
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

				if (*tt && !(bad = record_tag_check(tt)))
					rec->tags[rec->ntags++] = xstrdup(tt);
				free(tt);
			}
			free(s);
		} else if (!strncmp(k, "fields.", 7)) {
			bad = set_field(rec, k + 7, v);
		} else if (!strncmp(k, "contact", 7)) {
			bad = preg_error_set(PREG_EINVAL,
					     "contacts change with 'preg contact add|set|rm %s ...' (see 'preg contact list %s')",
					     a->id, a->id);
		} else if (!strcmp(k, "phase") || !strcmp(k, "phase_since")) {
			bad = preg_error_set(PREG_EINVAL, "'%s' changes with 'preg phase set'", k);
		} else {
			struct buf keys = BUF_INIT;

			record_keys_join(&keys, RK_SET, "fields.NAME");
			bad = preg_error_set(PREG_EINVAL, "cannot set '%s' (%s)", k, keys.p);
			buf_release(&keys);
		}
		if (!bad)
			buf_addf(&what, "%s%s", what.len ? ", " : "", k);
		free(k);
		free(v);
		if (bad)
			goto out;
	}
	if ((rc = put_changed(t, rec, old_manager, &before)) <= 0)
		goto out; /* nothing changed: no commit; or refused */
	rc = 0;
	*a->changed = true;
	if (strcmp(old_manager, rec->manager))
		snprintf(summary, sizeof(summary), "set: %s manager %s -> %s", a->id, old_manager, rec->manager);
	else
		snprintf(summary, sizeof(summary), "set: %s %.400s", a->id, what.p);
	txn_message(t, summary, "set", NULL);
out:
	free(old_manager);
	buf_release(&before);
	buf_release(&what);
	record_free(rec);
	return rc;
}

int ops_set(struct reg *r, const char *id, char *const *assign, size_t n, unsigned flags, bool *changed)
{
	struct set_args a = { id, assign, n, changed };

	return reg_write(r, flags | REG_FORCE_OK, set_mutate, &a);
}

/* ---- contacts ---- */

struct contact_args {
	const char *id;
	const char *spec;     /* add */
	size_t n;             /* set, rm: the contact's number, from 1; add: out */
	char *const *assign;  /* set */
	size_t nassign;
	bool *changed;
};

/* The contact numbered n (from 1) of rec, or PREG_ENOTFOUND. */
static int contact_at(const struct record *rec, size_t n, struct kvlist **out)
{
	if (n < 1 || n > rec->ncontacts) {
		if (!rec->ncontacts)
			return preg_error_set(PREG_ENOTFOUND, "client '%s' has no contacts", rec->id);
		return preg_error_set(PREG_ENOTFOUND, "client '%s' has no contact %zu (it has %zu)", rec->id, n,
				      rec->ncontacts);
	}
	*out = &rec->contacts[n - 1];
	return 0;
}

/* "contact: ID VERB N (who)" and the trailers. */
static void contact_message(struct txn *t, const char *id, const char *verb, size_t n, const struct kvlist *c)
{
	struct buf who = BUF_INIT;
	char summary[512];

	hist_contact_text(&who, c);
	snprintf(summary, sizeof(summary), "contact: %s %s %zu (%.300s)", id, verb, n, buf_str(&who));
	txn_message(t, summary, "contact", NULL);
	buf_release(&who);
}

static int contact_add_mutate(struct txn *t, void *arg)
{
	struct contact_args *a = arg;
	struct record *rec = NULL;
	struct kvlist c;
	int rc;

	if ((rc = parse_contact(a->spec, &c)))
		return rc;
	if ((rc = txn_read(t, a->id, &rec))) {
		kvlist_release(&c);
		return rc;
	}
	rec->contacts = xrealloc(rec->contacts, (rec->ncontacts + 1) * sizeof(*rec->contacts));
	rec->contacts[rec->ncontacts++] = c;
	a->n = rec->ncontacts;
	txn_put(t, rec);
	contact_message(t, a->id, "added", a->n, &c);
	record_free(rec);
	return 0;
}

int ops_contact_add(struct reg *r, const char *id, const char *spec, size_t *n)
{
	struct contact_args a = { .id = id, .spec = spec };
	int rc = reg_write(r, 0, contact_add_mutate, &a);

	*n = a.n;
	return rc;
}

static int contact_set_mutate(struct txn *t, void *arg)
{
	struct contact_args *a = arg;
	static const char *const keys[] = { "name", "email", "role", "phone", NULL };
	struct record *rec = NULL;
	struct buf before = BUF_INIT, after = BUF_INIT;
	struct kvlist *c;
	int rc;

	*a->changed = false;
	if ((rc = txn_read(t, a->id, &rec)))
		return rc;
	if ((rc = contact_at(rec, a->n, &c)))
		goto out;
	hist_contact_text(&before, c);
	for (size_t i = 0; i < a->nassign; i++) {
		char *k = NULL, *v = NULL, *tv;
		bool known = false;

		if ((rc = split_assign("assignment", a->assign[i], &k, &v)))
			goto out;
		for (size_t j = 0; keys[j]; j++)
			known |= !strcmp(keys[j], k);
		tv = xstrtrim(v);
		if (!known)
			rc = preg_error_set(PREG_EINVAL, "cannot set '%s' of a contact (name, email, role, phone)", k);
		else if (!(rc = check_line(k, tv, 1024)))
			kv_set(c, k, *tv ? tv : NULL);
		free(k);
		free(v);
		free(tv);
		if (rc)
			goto out;
	}
	if (!c->n) {
		rc = preg_error_set(PREG_EINVAL, "that would leave contact %zu of '%s' empty; remove it with 'preg contact rm %s %zu'",
				    a->n, a->id, a->id, a->n);
		goto out;
	}
	hist_contact_text(&after, c);
	if (before.len == after.len && !memcmp(buf_str(&before), buf_str(&after), before.len))
		goto out; /* nothing changed: no commit */
	*a->changed = true;
	txn_put(t, rec);
	contact_message(t, a->id, "changed", a->n, c);
out:
	buf_release(&before);
	buf_release(&after);
	record_free(rec);
	return rc;
}

int ops_contact_set(struct reg *r, const char *id, size_t n, char *const *assign, size_t nassign, bool *changed)
{
	struct contact_args a = { .id = id, .n = n, .assign = assign, .nassign = nassign, .changed = changed };

	return reg_write(r, 0, contact_set_mutate, &a);
}

static int contact_rm_mutate(struct txn *t, void *arg)
{
	struct contact_args *a = arg;
	struct record *rec = NULL;
	struct kvlist *c, gone;
	int rc;

	if ((rc = txn_read(t, a->id, &rec)))
		return rc;
	if ((rc = contact_at(rec, a->n, &c)))
		goto out;
	gone = *c;
	memmove(c, c + 1, (rec->ncontacts - a->n) * sizeof(*c));
	rec->ncontacts--;
	txn_put(t, rec);
	contact_message(t, a->id, "removed", a->n, &gone);
	kvlist_release(&gone);
out:
	record_free(rec);
	return rc;
}

int ops_contact_rm(struct reg *r, const char *id, size_t n)
{
	struct contact_args a = { .id = id, .n = n };

	return reg_write(r, 0, contact_rm_mutate, &a);
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
	struct buf before = BUF_INIT;
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
	if (strcmp(rec->manager, old->manager) && phases_check_manager(ph, rec->manager))
		goto out;
	if ((rc = put_changed(t, rec, old->manager, &before)) <= 0)
		goto out; /* nothing changed: no commit; or refused */
	rc = 0;
	*a->changed = true;
	snprintf(summary, sizeof(summary), "edit: %s", a->id);
	txn_message(t, summary, "edit", NULL);
out:
	buf_release(&before);
	record_free(old);
	record_free(rec);
	return rc;
}

int ops_replace(struct reg *r, const char *id, const char *base, const char *yaml, size_t len,
		const char *name, unsigned flags, bool *changed)
{
	struct replace_args a = { id, base, yaml, name, len, flags, changed };

	return reg_write(r, flags | REG_FORCE_OK, replace_mutate, &a);
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
	const char *at;                  /* --at; NULL: now */
};

/* Whether history event i is the last one about a hold: then the hold it
 * sets or lifts is the record's (a hold backdated before a later one
 * changes what was, not what is). */
static bool last_hold_event(const struct record *rec, size_t i)
{
	for (size_t j = i + 1; j < rec->nhistory; j++)
		if (kv_get(&rec->history[j], "hold_until"))
			return false;
	return true;
}

static int hold_mutate(struct txn *t, void *arg)
{
	struct hold_args *a = arg;
	struct record *rec = NULL;
	struct kvlist ev = { NULL, 0, 0 };
	struct ptime now, when;
	char summary[256], today_s[DATE_LEN], until_s[DATE_LEN], when_s[PTIME_LEN];
	int32_t until;
	size_t idx;
	int rc;

	if (a->until) {
		if (resolve_date(t, "--until", a->until, until_s))
			return PREG_EINVAL;
		date_parse(&until, until_s);
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
	if ((rc = ops_entry_when(t, rec, a->at, &when, when_s)))
		goto out;
	rc = PREG_EINVAL;
	kv_set(&ev, "at", when_s);
	kv_set(&ev, "by", txn_user(t));
	if (!a->until) {
		if (!rec->hold_until) {
			preg_error_set(PREG_EINVAL, "client '%s' is not on hold", a->id);
			goto out;
		}
		kv_set(&ev, "hold_until", "none");
		snprintf(summary, sizeof(summary), "unhold: %s", a->id);
	} else {
		if (same_str(rec->hold_until, until_s) && same_str(rec->hold_reason, a->reason)) {
			preg_error_set(PREG_EINVAL, "client '%s' is already on hold until %s for that reason",
				       a->id, until_s);
			goto out;
		}
		if (rec->hold_until)
			snprintf(summary, sizeof(summary), "hold: %s until %s (was until %s)", a->id, until_s,
				 rec->hold_until);
		else
			snprintf(summary, sizeof(summary), "hold: %s until %s", a->id, until_s);
		kv_set(&ev, "hold_until", until_s);
		kv_set(&ev, "reason", a->reason);
	}
	idx = record_insert_entry(rec, &ev, false);
	if (last_hold_event(rec, idx)) {
		set_str(&rec->hold_until, a->until ? until_s : NULL);
		set_str(&rec->hold_reason, a->until ? a->reason : NULL);
	}
	txn_put(t, rec);
	txn_message(t, summary, a->until ? "hold" : "unhold", NULL);
	rc = 0;
out:
	kvlist_release(&ev);
	record_free(rec);
	return rc;
}

int ops_hold(struct reg *r, const char *id, const char *until, const char *reason, const char *at)
{
	struct hold_args a = { id, until, reason, at };

	return reg_write(r, 0, hold_mutate, &a);
}

int ops_unhold(struct reg *r, const char *id, const char *at)
{
	struct hold_args a = { id, NULL, NULL, at };

	return reg_write(r, 0, hold_mutate, &a);
}
