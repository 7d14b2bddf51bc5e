/* check: validate every record and find likely duplicates (see check.h). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "err.h"
#include "layout.h"
#include "phone.h"
#include "ptime.h"
#include "slug.h"
#include "utf8.h"
#include "xalloc.h"

/* Free fields that hold a tax number: the same value twice is one company. */
static const char *const tax_fields[] = { "inn", "vat", "vat_id", "vatin", "vat_number", "tax_id", NULL };

struct key {
	char *key;   /* "what\x01value" */
	char *id, *path;
	size_t order;
};

struct cctx {
	struct reg *r;
	const struct phases *ph;
	struct check_result *res;
	struct key *keys;
	size_t nkeys, cap;
};

/* One finding. A warning (advisory: the record is valid, but a person
 * should look) reads "PATH: warning: ..." and leaves the exit status 0;
 * anything else makes the record invalid. */
static void vsay(struct cctx *c, bool warning, const char *path, const char *fmt, va_list ap)
{
	char *msg, *line;

	msg = xvasprintf(fmt, ap);
	line = path ? xasprintf("%s: %s%s", path, warning ? "warning: " : "", msg)
		    : xasprintf("%s%s", warning ? "warning: " : "", msg);
	/* Values quoted from records stay on one line and reach no terminal
	 * raw: a character that hides or reorders text shows as its code
	 * point. */
	for (unsigned char *p = (unsigned char *)line; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
	c->res->lines = xrealloc(c->res->lines, (c->res->n + 1) * sizeof(char *));
	{
		struct buf b = BUF_INIT;

		utf8_put_visible(&b, line);
		c->res->lines[c->res->n++] = buf_detach(&b);
	}
	if (!warning)
		c->res->nerrors++;
	free(line);
	free(msg);
}

static void say(struct cctx *c, const char *path, const char *fmt, ...) PREG_PRINTF(3, 4);
static void say(struct cctx *c, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(c, false, path, fmt, ap);
	va_end(ap);
}

static void warn(struct cctx *c, const char *path, const char *fmt, ...) PREG_PRINTF(3, 4);
static void warn(struct cctx *c, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(c, true, path, fmt, ap);
	va_end(ap);
}

struct text_ctx {
	struct cctx *c;
	const char *path;
};

/* Text written by hand or pulled from a remote that a write would refuse
 * (text_hidden): said, one line per value; the readers still read it. */
static int flag_hidden(void *arg, const char *field, const char *value, bool line)
{
	struct text_ctx *t = arg;

	if (text_hidden_error(field, value, line)) {
		say(t->c, t->path, "%s", preg_error_msg());
		preg_error_clear();
	}
	return 0;
}

static void add_key(struct cctx *c, const char *what, const char *value, const struct record *rec,
		    const char *path)
{
	c->keys = xgrow(c->keys, &c->cap, c->nkeys + 1, sizeof(*c->keys));
	c->keys[c->nkeys].key = xasprintf("%s\x01%s", what, value);
	c->keys[c->nkeys].id = xstrdup(rec->id);
	c->keys[c->nkeys].path = xstrdup(path);
	c->keys[c->nkeys].order = c->nkeys;
	c->nkeys++;
}

char *check_phone_key(const char *phone)
{
	/* lib/phone's key, so that 8 (351) ... and +7 351 ... are one number
	 * here as they are to preg find. */
	char *k = phone_key(phone);
	size_t digits = 0;

	for (const char *p = k; p && *p; p++)
		digits += isdigit((unsigned char)*p) != 0;
	if (!k || digits < PHONE_MATCH_MIN) {
		free(k);
		return xstrdup("");
	}
	return k;
}

static char *lower(const char *s)
{
	char *out = xstrdup(s);

	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

static char *alnum_upper(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;

	for (; *s; s++)
		if (isalnum((unsigned char)*s))
			*o++ = (char)toupper((unsigned char)*s);
	*o = '\0';
	return out;
}

void check_dup_keys(const struct record *rec, void (*fn)(void *arg, const char *what, const char *key), void *arg)
{
	char *k = NULL;

	if (rec->name && !slug_from_name(&k, rec->name))
		fn(arg, "name", k);
	free(k);
	for (size_t i = 0; i < rec->ncontacts; i++) {
		const char *mail = kv_get(&rec->contacts[i], "email"), *phone = kv_get(&rec->contacts[i], "phone");

		if (mail && *mail) {
			k = lower(mail);
			fn(arg, "e-mail", k);
			free(k);
		}
		if (phone && *(k = check_phone_key(phone)))
			fn(arg, "phone", k);
		if (phone)
			free(k);
	}
	for (size_t i = 0; i < rec->fields.n; i++)
		for (int t = 0; tax_fields[t]; t++)
			if (!strcasecmp(rec->fields.v[i].k, tax_fields[t])) {
				k = alnum_upper(rec->fields.v[i].v);
				if (*k) {
					char *what = lower(rec->fields.v[i].k);

					fn(arg, what, k);
					free(what);
				}
				free(k);
			}
}

struct collect {
	struct cctx *c;
	const struct record *rec;
	const char *path;
};

static void collect_key(void *arg, const char *what, const char *key)
{
	struct collect *k = arg;

	add_key(k->c, what, key, k->rec, k->path);
}

static void collect_keys(struct cctx *c, const struct record *rec, const char *path)
{
	check_dup_keys(rec, collect_key, &(struct collect){ c, rec, path });
}

/* A line that git's merge leaves: <<<<<<<, ======= or >>>>>>>. */
static int conflict_line(const char *data, size_t len)
{
	int line = 1;

	for (size_t i = 0; i < len; line++) {
		const char *s = data + i;
		size_t n = len - i;
		const char *nl = memchr(s, '\n', n);
		size_t l = nl ? (size_t)(nl - s) : n;

		if (l >= 7 && (!strncmp(s, "<<<<<<<", 7) || !strncmp(s, ">>>>>>>", 7) ||
			       (!strncmp(s, "=======", 7) && (l == 7 || s[7] == '\r'))))
			return line;
		i += l + 1;
	}
	return 0;
}

/* The time rule and the derived keys (record.h): history and notes each
 * in time order, and phase, phase_since and manager as the history
 * decides them, by the function every writer and the merge use. */
static void check_history(struct cctx *c, const struct record *rec, const char *path)
{
	long phase_ev, manager_ev;
	char num[16];

	for (int list = 0; list < 2; list++) {
		const struct kvlist *v = list ? rec->notes : rec->history;
		size_t n = list ? rec->nnotes : rec->nhistory;
		struct ptime prev = { 0, 0 }, t;
		bool seen = false;

		for (size_t i = 0; i < n; i++) {
			if (!record_entry_time(&v[i], &t))
				continue;
			if (seen && t.t < prev.t)
				say(c, path, "%s %zu (%s) is earlier than the one before it",
				    list ? "note" : "history event", i + 1, kv_get(&v[i], "at"));
			prev = t;
			seen = true;
		}
	}
	record_deciding(rec, &phase_ev, &manager_ev);
	snprintf(num, sizeof(num), "%d", rec->phase);
	if (phase_ev < 0) {
		say(c, path, "no history event gives phase %d", rec->phase);
	} else {
		const struct kvlist *e = &rec->history[phase_ev];

		if (strcmp(kv_get(e, "phase"), num))
			say(c, path, "phase is %d, but the last phase event says %s", rec->phase, kv_get(e, "phase"));
		if (strcmp(kv_get(e, "at"), rec->phase_since))
			say(c, path, "phase_since is %s, but the last phase event is at %s", rec->phase_since,
			    kv_get(e, "at"));
	}
	if (manager_ev >= 0 && strcmp(kv_get(&rec->history[manager_ev], "manager"), rec->manager))
		say(c, path, "manager is %s, but the last manager event says %s", rec->manager,
		    kv_get(&rec->history[manager_ev], "manager"));
}

static int check_file(void *arg, const char *path, const char *data, size_t len)
{
	struct cctx *c = arg;
	struct record *rec = NULL;
	char *id = layout_id(c->ph->version, path);
	const struct phase *p;
	const char *missing;
	struct ypos comment = { 0, 0 };
	int line;

	if (!data) {
		say(c, path, "unmerged: resolve the conflict, then 'git add' it");
		goto out;
	}
	if (!id) {
		say(c, path, "not a client record (expected %s)", layout_pattern(c->ph->version));
		goto out;
	}
	if ((line = conflict_line(data, len))) {
		say(c, NULL, "%s:%d: a conflict marker: resolve the merge", path, line);
		goto out;
	}
	if (record_parse(&rec, data, len, path, &comment)) {
		say(c, NULL, "%s", preg_error_msg());
		goto out;
	}
	/* The next write would refuse it (or, forced, lose the comment). */
	if (comment.line)
		say(c, NULL, "%s:%d:%d: a YAML comment, which the next write would refuse or lose: move the text into 'remarks:'",
		    path, comment.line, comment.col);
	if (strcmp(rec->id, id))
		say(c, NULL, "%s:%d:%d: id '%s' does not match the file name", path, rec->id_line, rec->id_col,
		    rec->id);
	if (!(p = phases_get(c->ph, rec->phase)))
		say(c, path, "phase %d is not in preg.yaml", rec->phase);
	if (phases_check_manager(c->ph, rec->manager))
		say(c, path, "%s", preg_error_msg());
	check_history(c, rec, path);
	/* Every requirement it lacks, one warning each. */
	for (size_t i = 0; p && i < p->nrequires; i++) {
		struct phase one = *p;

		one.requires = &p->requires[i];
		one.nrequires = 1;
		if ((missing = record_missing(rec, &one)))
			warn(c, path, "incomplete: phase %d (%s) requires %s", p->id, p->key, missing);
	}
	for (size_t i = 0; rec->extra && i + 1 < rec->extra->n; i += 2)
		warn(c, path, "unknown key '%s'", rec->extra->v[i]->s);
	record_each_text(rec, true, flag_hidden, &(struct text_ctx){ c, path });
	collect_keys(c, rec, path);
out:
	record_free(rec);
	free(id);
	return 0;
}

static int by_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;
	int k = strcmp(x->key, y->key);

	/* The first id of a group is the one the others duplicate. */
	if (!k)
		k = strcmp(x->id, y->id);
	return k ? k : x->order < y->order ? -1 : x->order > y->order;
}

/* By the file's name up to its first dot (the id), then the whole line:
 * the order of reg_each_file, whatever the layout's shard. */
static int by_line(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	/* "clients/SHARD/FILE: ...": the file after the second slash. */
	const char *fx = strchr(x, '/'), *fy = strchr(y, '/');
	size_t lx, ly;
	int c;

	fx = fx && strchr(fx + 1, '/') ? strchr(fx + 1, '/') + 1 : x;
	fy = fy && strchr(fy + 1, '/') ? strchr(fy + 1, '/') + 1 : y;
	lx = strcspn(fx, ".");
	ly = strcspn(fy, ".");
	c = strncmp(fx, fy, lx < ly ? lx : ly);
	if (!c && lx != ly)
		c = lx < ly ? -1 : 1;
	return c ? c : strcmp(x, y);
}

static void duplicates(struct cctx *c)
{
	struct check_result dup = { NULL, 0, 0 };
	struct check_result *keep = c->res;

	if (c->nkeys)
		qsort(c->keys, c->nkeys, sizeof(*c->keys), by_key);
	c->res = &dup;
	for (size_t i = 0; i < c->nkeys;) {
		size_t j = i + 1;

		while (j < c->nkeys && !strcmp(c->keys[j].key, c->keys[i].key))
			j++;
		for (size_t k = i + 1; k < j; k++) {
			const char *sep = strchr(c->keys[k].key, '\x01');
			bool seen = false;

			/* One client with the same phone twice is no duplicate,
			 * and a pair is said once. A group is sorted by id, so
			 * an id seen before in it is the one just before: a
			 * group may hold 100,000 clients with one phone. */
			seen = !strcmp(c->keys[k - 1].id, c->keys[k].id);
			if (seen || !strcmp(c->keys[i].id, c->keys[k].id))
				continue;
			warn(c, c->keys[k].path, "likely duplicate of '%s' (the same %.*s '%s')", c->keys[i].id,
			    (int)(sep - c->keys[k].key), c->keys[k].key, sep + 1);
		}
		i = j;
	}
	c->res = keep;
	/* In path order; a pair that shares a name and a phone is said twice,
	 * once for each reason. */
	if (dup.n)
		qsort(dup.lines, dup.n, sizeof(*dup.lines), by_line);
	for (size_t i = 0; i < dup.n; i++) {
		c->res->lines = xrealloc(c->res->lines, (c->res->n + 1) * sizeof(char *));
		c->res->lines[c->res->n++] = dup.lines[i];
	}
	free(dup.lines);
}

int check_register(struct reg *r, bool staged, struct check_result *res)
{
	struct cctx c;
	int rc;

	memset(&c, 0, sizeof(c));
	memset(res, 0, sizeof(*res));
	c.r = r;
	c.ph = reg_phases(r);
	c.res = res;
	rc = reg_each_file(r, staged, check_file, &c);
	if (!rc)
		duplicates(&c);
	for (size_t i = 0; i < c.nkeys; i++) {
		free(c.keys[i].key);
		free(c.keys[i].id);
		free(c.keys[i].path);
	}
	free(c.keys);
	return rc < 0 ? rc : 0;
}

void check_record_file(const struct phases *ph, const char *path, const char *data, size_t len,
		       struct check_result *res)
{
	struct cctx c;

	memset(&c, 0, sizeof(c));
	c.ph = ph;
	c.res = res;
	check_file(&c, path, data, len);
	for (size_t i = 0; i < c.nkeys; i++) {
		free(c.keys[i].key);
		free(c.keys[i].id);
		free(c.keys[i].path);
	}
	free(c.keys);
}

void check_result_release(struct check_result *res)
{
	for (size_t i = 0; i < res->n; i++)
		free(res->lines[i]);
	free(res->lines);
	memset(res, 0, sizeof(*res));
}
