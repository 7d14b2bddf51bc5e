/* filter: which clients a listing takes (see filter.h). */
#include <string.h>

#include "filter.h"

int filter_ready(struct filter *f, const struct phases *ph)
{
	f->phase_lo = f->phase_hi = 0;
	return f->phase ? phases_range(ph, f->phase, &f->phase_lo, &f->phase_hi) : 0;
}

bool filter_active(const struct filter *f)
{
	return f->manager || f->ntags || f->kind || f->phase || f->nfields || f->stale || f->ended || f->open;
}

static bool has_field(const struct record *r, const char *spec)
{
	const char *eq = strchr(spec, '=');
	size_t kl = (size_t)(eq - spec);

	for (size_t i = 0; i < r->fields.n; i++)
		if (strlen(r->fields.v[i].k) == kl && !strncmp(r->fields.v[i].k, spec, kl) &&
		    !strcmp(r->fields.v[i].v, eq + 1))
			return true;
	return false;
}

static bool has_tag(const struct record *r, const char *tag)
{
	for (size_t i = 0; i < r->ntags; i++)
		if (!strcmp(r->tags[i], tag))
			return true;
	return false;
}

bool filter_match(const struct filter *f, const struct record *r, const struct phases *ph, int32_t today)
{
	const struct phase *p = phases_get(ph, r->phase);

	if (f->manager && strcmp(r->manager, f->manager))
		return false;
	if (f->kind && strcmp(r->kind, f->kind))
		return false;
	if (f->phase_lo && (r->phase < f->phase_lo || r->phase > f->phase_hi))
		return false;
	for (size_t t = 0; t < f->ntags; t++)
		if (!has_tag(r, f->tags[t]))
			return false;
	for (size_t k = 0; k < f->nfields; k++)
		if (!has_field(r, f->fields[k]))
			return false;
	if (f->stale && !record_is_stale(r, ph, today))
		return false;
	if (f->ended && !(p && p->ending))
		return false;
	if (f->open && p && p->ending)
		return false;
	return true;
}
