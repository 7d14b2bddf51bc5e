/* phases: preg.yaml, its templates and its rules (see phases.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "layout.h"
#include "mail_addr.h"
#include "name.h"
#include "phases.h"
#include "schema.h"
#include "slug.h"
#include "ptime.h"
#include "utf8.h"
#include "xalloc.h"
#include "yamlio.h"

/* The transport company's register: twelve phases from the paper. */
static const char freight[] =
	"version: 2\n"
	"phases:\n"
	"  - id: 1\n    key: research\n    name: search for general information about the client\n"
	"    color: \"#9e9e9e\"\n    stale_after: 14d\n"
	"  - id: 2\n    key: decision-maker\n    name: finding the decision maker\n"
	"    color: \"#78909c\"\n    stale_after: 14d\n"
	"  - id: 3\n    key: presentation\n    name: presentation of the company and its services\n"
	"    color: \"#5c6bc0\"\n    stale_after: 30d\n"
	"  - id: 4\n    key: request\n    name: receiving a request from the client\n"
	"    color: \"#42a5f5\"\n    stale_after: 2d\n    reversible: true\n"
	"  - id: 5\n    key: processing\n    name: processing the request\n"
	"    color: \"#26c6da\"\n    stale_after: 3d\n    reversible: true\n"
	"  - id: 6\n    key: quotation\n    name: sending the quotation\n"
	"    color: \"#26a69a\"\n    stale_after: 14d\n    reversible: true\n"
	"  - id: 7\n    key: contract\n    name: contract conclusion\n"
	"    color: \"#66bb6a\"\n    stale_after: 30d\n    reversible: true\n"
	"  - id: 8\n    key: first-order\n    name: receiving the first order\n"
	"    color: \"#9ccc65\"\n    stale_after: 7d\n"
	"  - id: 9\n    key: first-carriage\n    name: first carriage\n"
	"    color: \"#d4e157\"\n    stale_after: 30d\n"
	"  - id: 10\n    key: next-request\n    name: receiving the next requests\n"
	"    color: \"#ffca28\"\n    stale_after: 60d\n    reversible: true\n"
	"  - id: 11\n    key: ended\n    name: collaboration end\n"
	"    color: \"#ef5350\"\n    stale_after: 14d\n    ending: true\n"
	"  - id: 12\n    key: analysis\n    name: analysis of the causes of shutdown\n"
	"    color: \"#8d6e63\"\n    ending: true\n";

/* A short generic sales pipeline. */
static const char sales[] =
	"version: 2\n"
	"phases:\n"
	"  - id: 1\n    key: lead\n    name: new lead\n    color: \"#9e9e9e\"\n    stale_after: 7d\n"
	"  - id: 2\n    key: qualified\n    name: qualified lead\n    color: \"#42a5f5\"\n"
	"    stale_after: 14d\n"
	"  - id: 3\n    key: proposal\n    name: proposal sent\n    color: \"#26a69a\"\n"
	"    stale_after: 14d\n    reversible: true\n"
	"  - id: 4\n    key: negotiation\n    name: negotiation\n    color: \"#66bb6a\"\n"
	"    stale_after: 14d\n    reversible: true\n"
	"  - id: 5\n    key: customer\n    name: customer\n    color: \"#ffca28\"\n    stale_after: 90d\n"
	"  - id: 6\n    key: lost\n    name: lost\n    color: \"#ef5350\"\n    ending: true\n";

/* The least a register needs: open and closed. */
static const char blank[] =
	"version: 2\n"
	"phases:\n"
	"  - id: 1\n    key: open\n    name: open\n    reversible: true\n"
	"  - id: 2\n    key: closed\n    name: closed\n    ending: true\n";

const char *const phases_templates[] = { "freight", "sales", "blank", NULL };

const char *phases_template(const char *name)
{
	if (!strcmp(name, "freight"))
		return freight;
	if (!strcmp(name, "sales"))
		return sales;
	if (!strcmp(name, "blank"))
		return blank;
	return NULL;
}

bool handle_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 48)
		return false;
	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		      s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

static bool key_valid(const char *s)
{
	size_t n = strlen(s);
	bool digits = true;

	if (n == 0 || n > 32 || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
		if (!(s[i] >= '0' && s[i] <= '9'))
			digits = false;
	}
	return !digits;
}

static bool color_valid(const char *s)
{
	if (strlen(s) != 7 || s[0] != '#')
		return false;
	for (int i = 1; i < 7; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	return true;
}

/* What requires: may name: the record's optional keys, or fields.NAME. */
static bool require_valid(const char *s)
{
	const struct record_key *k;

	if (!strncmp(s, "fields.", 7) && s[7])
		return true;
	return (k = record_key_find(s)) && (k->flags & RK_REQUIRE);
}

void phases_free(struct phases *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].key);
		free(p->v[i].name);
		free(p->v[i].color);
		for (size_t j = 0; j < p->v[i].nrequires; j++)
			free(p->v[i].requires[j]);
		free(p->v[i].requires);
	}
	free(p->v);
	for (size_t i = 0; i < p->nmanagers; i++) {
		free(p->managers[i].handle);
		free(p->managers[i].name);
		free(p->managers[i].email);
		free(p->managers[i].standin);
	}
	free(p->managers);
	for (size_t i = 0; i < p->nmade; i++)
		free(p->made[i]);
	free(p->made);
	free(p->mail_from);
	free(p);
}

static int bad(const char *name, const struct ynode *n, const char *what)
{
	return preg_error_set(PREG_EINVAL, "%s:%d:%d: %s", name, n->line, n->col, what);
}

static int get_bool(const char *name, const struct ynode *n, bool *out)
{
	if (n->type != YN_SCALAR)
		return bad(name, n, "expected true or false");
	if (!strcmp(n->s, "true"))
		*out = true;
	else if (!strcmp(n->s, "false"))
		*out = false;
	else
		return bad(name, n, "expected true or false");
	return 0;
}

static int load_phase(struct phase *ph, const struct ynode *m, const char *name, int want)
{
	const struct ynode *k, *v;

	if (m->type != YN_MAP)
		return bad(name, m, "a phase must be a mapping");
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		k = m->v[i];
		v = m->v[i + 1];
		if (!strcmp(k->s, "id")) {
			char want_s[16];

			snprintf(want_s, sizeof(want_s), "%d", want);
			if (v->type != YN_SCALAR || strcmp(v->s, want_s))
				return preg_error_set(PREG_EINVAL, "%s:%d:%d: expected phase id %d",
						      name, v->line, v->col, want);
			ph->id = want;
		} else if (!strcmp(k->s, "key")) {
			if (v->type != YN_SCALAR || !key_valid(v->s))
				return bad(name, v, "a phase key is a short lowercase word ([a-z][a-z0-9-]*)");
			ph->key = xstrdup(v->s);
		} else if (!strcmp(k->s, "name")) {
			if (v->type != YN_SCALAR || !v->len || strchr(v->s, '\n'))
				return bad(name, v, "a phase name is one line of text");
			ph->name = xstrdup(v->s);
		} else if (!strcmp(k->s, "color")) {
			if (v->type != YN_SCALAR || !color_valid(v->s))
				return bad(name, v, "a colour is written \"#rrggbb\"");
			ph->color = xstrdup(v->s);
		} else if (!strcmp(k->s, "stale_after")) {
			if (v->type != YN_SCALAR || days_parse(&ph->stale_days, v->s))
				return bad(name, v, "stale_after is Nd or Nw (days or weeks)");
		} else if (!strcmp(k->s, "reversible")) {
			if (get_bool(name, v, &ph->reversible))
				return PREG_EINVAL;
		} else if (!strcmp(k->s, "ending")) {
			if (get_bool(name, v, &ph->ending))
				return PREG_EINVAL;
		} else if (!strcmp(k->s, "requires")) {
			if (v->type != YN_SEQ)
				return bad(name, v, "requires is a list: [contacts, fields.direction]");
			ph->requires = xcalloc(v->n, sizeof(char *));
			for (size_t j = 0; j < v->n; j++) {
				if (v->v[j]->type != YN_SCALAR || !require_valid(v->v[j]->s)) {
					struct buf keys = BUF_INIT;
					int rc;

					record_keys_join(&keys, RK_REQUIRE, "fields");
					buf_adds(&keys, " or fields.NAME");
					rc = preg_error_set(PREG_EINVAL, "%s:%d:%d: requires takes %s", name,
							    v->v[j]->line, v->v[j]->col, keys.p);
					buf_release(&keys);
					return rc;
				}
				ph->requires[ph->nrequires++] = xstrdup(v->v[j]->s);
			}
		} else {
			return preg_error_set(PREG_EINVAL, "%s:%d:%d: unknown phase setting '%s'", name,
					      k->line, k->col, k->s);
		}
	}
	if (!ph->id)
		return bad(name, m, "a phase needs an id");
	if (!ph->key)
		return bad(name, m, "a phase needs a key");
	if (!ph->name)
		return bad(name, m, "a phase needs a name");
	return 0;
}

/* away: {until: DATE, standin: HANDLE}: both needed. */
static int load_away(struct manager *mg, const struct ynode *v, const char *name)
{
	const struct ynode *until, *standin;

	if (v->type != YN_MAP || v->n != 4 || !(until = ymap_get(v, "until")) ||
	    !(standin = ymap_get(v, "standin")))
		return bad(name, v, "expected away: {until: YYYY-MM-DD, standin: HANDLE}");
	if (until->type != YN_SCALAR || date_parse(&mg->away_until, until->s))
		return bad(name, until, "expected a date YYYY-MM-DD");
	if (standin->type != YN_SCALAR || !handle_valid(standin->s))
		return bad(name, standin, "a manager handle is [a-z0-9][a-z0-9._-]*");
	mg->standin = xstrdup(standin->s);
	return 0;
}

/* A stand-in is one of the managers, and not the one away. */
static int check_standins(const struct phases *p, const struct ynode *m, const char *name)
{
	for (size_t i = 0; i < p->nmanagers; i++) {
		const struct manager *mg = &p->managers[i];

		if (!mg->standin)
			continue;
		if (!strcmp(mg->standin, mg->handle) || !phases_manager(p, mg->standin))
			return preg_error_set(PREG_EINVAL, "%s:%d:%d: manager '%s' has stand-in '%s', %s", name,
					      m->v[2 * i]->line, m->v[2 * i]->col, mg->handle, mg->standin,
					      strcmp(mg->standin, mg->handle) ? "who is not in managers"
									     : "themselves");
	}
	return 0;
}

/* mail: {from: ADDR}. */
static int load_mail(struct phases *p, const struct ynode *m, const char *name)
{
	const struct ynode *from;

	if (m->type != YN_MAP || m->n != 2 || !(from = ymap_get(m, "from")))
		return bad(name, m, "expected mail: {from: ADDRESS}");
	if (from->type != YN_SCALAR || !mail_addr_valid(from->s))
		return bad(name, from, "mail.from is an address, local@domain");
	p->mail_from = xstrdup(from->s);
	return 0;
}

static int load_managers(struct phases *p, const struct ynode *m, const char *name)
{
	if (m->type != YN_MAP)
		return bad(name, m, "managers is a mapping: handle: {name: ..., email: ...}");
	p->managers = xcalloc(m->n / 2 + 1, sizeof(*p->managers));
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const struct ynode *k = m->v[i], *v = m->v[i + 1];
		struct manager *mg = &p->managers[p->nmanagers++];

		if (!handle_valid(k->s))
			return bad(name, k, "a manager handle is [a-z0-9][a-z0-9._-]*");
		mg->handle = xstrdup(k->s);
		mg->away_until = INT32_MIN;
		if (ynode_is_null(v))
			continue;
		if (v->type != YN_MAP)
			return bad(name, v, "expected {name: ..., email: ...}");
		for (size_t j = 0; j + 1 < v->n; j += 2) {
			const struct ynode *kk = v->v[j], *vv = v->v[j + 1];

			if (!strcmp(kk->s, "away")) {
				if (load_away(mg, vv, name))
					return PREG_EINVAL;
				continue;
			}
			if (vv->type != YN_SCALAR)
				return bad(name, vv, "expected text");
			if (!strcmp(kk->s, "role")) {
				if (strcmp(vv->s, "head") && strcmp(vv->s, "manager"))
					return bad(name, vv, "a role is head or manager");
				mg->head = !strcmp(vv->s, "head");
			} else if (!strcmp(kk->s, "name"))
				mg->name = xstrdup(vv->s);
			else if (!strcmp(kk->s, "email"))
				mg->email = xstrdup(vv->s);
			else
				return preg_error_set(PREG_EINVAL, "%s:%d:%d: unknown manager setting '%s'",
						      name, kk->line, kk->col, kk->s);
		}
	}
	return check_standins(p, m, name);
}

int phases_load(struct phases **out, const char *buf, size_t len, const char *name)
{
	struct ynode *root = NULL;
	struct phases *p = xcalloc(1, sizeof(*p));
	const struct ynode *v;
	int rc;

	*out = NULL;
	if ((rc = yaml_load(&root, buf, len, name, NULL)))
		goto out;
	rc = PREG_EINVAL;
	if (root->type != YN_MAP) {
		bad(name, root, "expected a mapping with version and phases");
		goto out;
	}
	v = ymap_get(root, "version");
	if (!v || v->type != YN_SCALAR) {
		bad(name, v ? v : root, "expected 'version: 1' or 'version: 2'");
		goto out;
	}
	/* A newer register than this preg knows is refused here, so that
	 * every command that opens it refuses before it changes anything. */
	if (layout_version(&p->version, v->s)) {
		char *why = xstrdup(preg_error_msg());

		bad(name, v, why);
		free(why);
		goto out;
	}
	for (size_t i = 0; i + 1 < root->n; i += 2) {
		const char *k = root->v[i]->s;

		if (strcmp(k, "version") && strcmp(k, "phases") && strcmp(k, "managers") && strcmp(k, "mail")) {
			preg_error_set(PREG_EINVAL, "%s:%d:%d: unknown setting '%s'", name,
				       root->v[i]->line, root->v[i]->col, k);
			goto out;
		}
	}
	v = ymap_get(root, "phases");
	if (!v || v->type != YN_SEQ || v->n == 0) {
		bad(name, v ? v : root, "expected a list of phases");
		goto out;
	}
	p->v = xcalloc(v->n, sizeof(*p->v));
	for (size_t i = 0; i < v->n; i++) {
		p->v[i].stale_days = -1;
		p->n = i + 1;
		if (load_phase(&p->v[i], v->v[i], name, (int)i + 1))
			goto out;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(p->v[j].key, p->v[i].key)) {
				bad(name, v->v[i], "two phases have the same key");
				goto out;
			}
	}
	v = ymap_get(root, "managers");
	if (v && !ynode_is_null(v) && load_managers(p, v, name))
		goto out;
	v = ymap_get(root, "mail");
	if (v && !ynode_is_null(v) && load_mail(p, v, name))
		goto out;
	*out = p;
	p = NULL;
	rc = 0;
out:
	ynode_free(root);
	phases_free(p);
	return rc;
}

const struct phase *phases_get(const struct phases *p, int id)
{
	if (id < 1 || (size_t)id > p->n)
		return NULL;
	return &p->v[id - 1];
}

const struct phase *phases_find(const struct phases *p, const char *spec)
{
	if (spec[0] >= '0' && spec[0] <= '9' && strlen(spec) <= 4 &&
	    strspn(spec, "0123456789") == strlen(spec)) {
		const struct phase *ph = phases_get(p, atoi(spec));

		if (ph)
			return ph;
	} else {
		for (size_t i = 0; i < p->n; i++)
			if (!strcmp(p->v[i].key, spec))
				return &p->v[i];
	}
	preg_error_set(PREG_ENOTFOUND, "unknown phase '%s' (see 'preg phase list')", spec);
	return NULL;
}

int phases_range(const struct phases *p, const char *spec, int *lo, int *hi)
{
	const struct phase *a, *b;
	const char *dash = NULL;

	if ((a = phases_find(p, spec))) {
		*lo = *hi = a->id;
		return 0;
	}
	/* Keys may hold dashes ("first-order"), so try every split. */
	for (const char *s = strchr(spec, '-'); s; s = strchr(s + 1, '-')) {
		char *left = xstrndup(spec, (size_t)(s - spec));

		a = phases_find(p, left);
		b = a ? phases_find(p, s + 1) : NULL;
		free(left);
		if (a && b) {
			dash = s;
			break;
		}
	}
	if (!dash)
		return preg_error_set(PREG_EINVAL, "unknown phase or range '%s' (see 'preg phase list')",
				      spec);
	if (a->id > b->id)
		return preg_error_set(PREG_EINVAL, "empty phase range '%s'", spec);
	*lo = a->id;
	*hi = b->id;
	return 0;
}

const struct manager *phases_manager(const struct phases *p, const char *handle)
{
	for (size_t i = 0; i < p->nmanagers; i++)
		if (!strcmp(p->managers[i].handle, handle))
			return &p->managers[i];
	return NULL;
}

/* "unknown manager 'S' (preg.yaml lists ivanov (Иван Иванов), petrov)". */
static int unknown_manager(const struct phases *p, const char *s)
{
	struct buf known = BUF_INIT;
	int rc;

	for (size_t i = 0; i < p->nmanagers; i++) {
		const struct manager *m = &p->managers[i];

		buf_addf(&known, "%s%s", i ? ", " : "", m->handle);
		if (m->name)
			buf_addf(&known, " (%s)", m->name);
	}
	rc = preg_error_set(PREG_EINVAL, "unknown manager '%s' (preg.yaml lists %s)", s, buf_str(&known));
	buf_release(&known);
	return rc;
}

int phases_check_manager(const struct phases *p, const char *handle)
{
	if (!handle_valid(handle))
		return preg_error_set(PREG_EINVAL,
				      "invalid manager '%s' (a handle is lowercase letters, digits, '.', '_', '-')",
				      handle);
	if (!p->nmanagers || phases_manager(p, handle))
		return 0;
	return unknown_manager(p, handle);
}

/* Whether a and b are the same when folded (name.h: case, ё and е,
 * punctuation and spaces). */
static bool same_folded(const char *a, const char *b)
{
	struct buf fa = BUF_INIT, fb = BUF_INIT;
	bool same;

	name_fold(&fa, a, strlen(a));
	name_fold(&fb, b, strlen(b));
	same = fa.len && !strcmp(buf_str(&fa), buf_str(&fb));
	buf_release(&fa);
	buf_release(&fb);
	return same;
}

/* The handle import makes of a name (Иванов: ivanov), or NULL. Without
 * a list it is kept in p->made, which lends it as p lends the list's
 * handles: p is const to its readers, the handles it made are a cache. */
static const char *made_handle(const struct phases *p, const char *s)
{
	struct phases *mp = (struct phases *)p;
	const struct manager *m;
	char *h = NULL;

	if (!*s || !utf8_valid(s) || slug_from_name(&h, s) || !handle_valid(h)) {
		free(h);
		preg_error_clear();
		return NULL;
	}
	if (p->nmanagers) {
		m = phases_manager(p, h);
		free(h);
		return m ? m->handle : NULL;
	}
	mp->made = xrealloc(mp->made, (mp->nmade + 1) * sizeof(*mp->made));
	return mp->made[mp->nmade++] = h;
}

const char *phases_name_handle(const struct phases *p, const char *s)
{
	return handle_valid(s) ? s : made_handle(p, s);
}

int phases_resolve_manager(const struct phases *p, const char *s, const char **handle)
{
	const char *found = NULL;

	*handle = s;
	if (!*s || !p->nmanagers || !utf8_valid(s))
		return phases_check_manager(p, s);
	if (phases_manager(p, s))
		return 0;
	for (size_t i = 0; i < p->nmanagers; i++) {
		const struct manager *m = &p->managers[i];

		if (!same_folded(m->handle, s) && !(m->name && same_folded(m->name, s)))
			continue;
		if (found && strcmp(found, m->handle))
			return preg_error_set(PREG_EINVAL, "manager '%s' is ambiguous: %s or %s", s, found, m->handle);
		found = m->handle;
	}
	/* Nothing by handle or display name: the handle import makes of s,
	 * when listed. */
	if (!found && !(found = made_handle(p, s)))
		return unknown_manager(p, s);
	*handle = found;
	return 0;
}
