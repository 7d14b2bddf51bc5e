/* filter: the shared client filters (see filter.h). */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "filter.h"
#include "status.h"
#include "xalloc.h"

static void push(const char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

void filter_add_tag(struct filter *f, const char *tag)
{
	push(&f->tags, &f->ntags, tag);
}

void filter_add_field(struct filter *f, const char *kv)
{
	push(&f->fields, &f->nfields, kv);
}

int filter_resolve(struct filter *f, const struct phases *ph)
{
	if (f->ended && f->open)
		return preg_error_set(PREG_EINVAL, "--ended and --open exclude each other");
	if (f->kind && strcmp(f->kind, "external") && strcmp(f->kind, "internal"))
		return preg_error_set(PREG_EINVAL, "invalid kind '%s' (external or internal)", f->kind);
	for (size_t i = 0; i < f->nfields; i++)
		if (!strchr(f->fields[i], '=') || f->fields[i][0] == '=')
			return preg_error_set(PREG_EINVAL, "--field takes KEY=VALUE");
	/* Without a list, a name as import takes it (Иванов: ivanov); the
	 * command then wants a client that has or had that handle. */
	if (f->manager && !ph->nmanagers && phases_name_handle(ph, f->manager))
		f->manager = phases_name_handle(ph, f->manager);
	if (f->manager && phases_resolve_manager(ph, f->manager, &f->manager))
		return PREG_EINVAL;
	if (f->phase)
		return phases_range(ph, f->phase, &f->phase_lo, &f->phase_hi);
	return 0;
}

bool filter_manager_seen(const struct filter *f, const struct record *r)
{
	if (!f->manager)
		return false;
	if (r->manager && !strcmp(r->manager, f->manager))
		return true;
	for (size_t i = 0; i < r->nhistory; i++) {
		const char *m = kv_get(&r->history[i], "manager");

		if (m && !strcmp(m, f->manager))
			return true;
	}
	return false;
}

int filter_manager_check(const struct filter *f, const struct phases *ph, bool seen)
{
	if (!f->manager || seen || ph->nmanagers)
		return 0;
	return preg_error_set(PREG_EINVAL, "no client has or had manager '%s'", f->manager);
}

bool filter_any(const struct filter *f)
{
	return f->manager || f->ntags || f->kind || f->phase || f->nfields || f->stale || f->ended ||
	       f->open;
}

bool filter_match(const struct filter *f, const struct phases *ph, const struct record *r,
		  const struct asof *a, int32_t day)
{
	struct status st;

	if (f->manager && strcmp(a->manager, f->manager))
		return false;
	if (f->kind && strcmp(r->kind, f->kind))
		return false;
	if (f->phase_lo && (a->phase < f->phase_lo || a->phase > f->phase_hi))
		return false;
	for (size_t t = 0; t < f->ntags; t++) {
		size_t i;

		for (i = 0; i < r->ntags && strcmp(r->tags[i], f->tags[t]); i++)
			;
		if (i == r->ntags)
			return false;
	}
	for (size_t k = 0; k < f->nfields; k++) {
		const char *eq = strchr(f->fields[k], '=');
		size_t kl = (size_t)(eq - f->fields[k]);
		bool hit = false;

		for (size_t i = 0; i < r->fields.n && !hit; i++)
			hit = strlen(r->fields.v[i].k) == kl && !strncmp(r->fields.v[i].k, f->fields[k], kl) &&
			      !strcmp(r->fields.v[i].v, eq + 1);
		if (!hit)
			return false;
	}
	if (!f->stale && !f->ended && !f->open)
		return true;
	status_of(&st, r, a, ph, day);
	return !(f->stale && !st.stale) && !(f->ended && !st.ended) && !(f->open && st.ended);
}

void filter_release(struct filter *f)
{
	free(f->tags);
	free(f->fields);
	f->tags = NULL;
	f->fields = NULL;
	f->ntags = f->nfields = 0;
}
