/* export: the paper's layout in CSV (see export.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "export.h"
#include "import.h"
#include "ptime.h"
#include "xalloc.h"

/* The columns after the phases, in order. */
static const char *const fixed[] = { "Manager", "id", "kind", "next_contact", "next_action", "end_reason",
				     "hold_until", "hold_reason", "tags", "contacts", "remarks" };
#define NFIXED (sizeof(fixed) / sizeof(*fixed))

void export_cols_init(struct export_cols *c, const struct phases *ph)
{
	memset(c, 0, sizeof(*c));
	c->ph = ph;
}

void export_cols_add(struct export_cols *c, const struct record *r)
{
	for (size_t i = 0; i < r->fields.n; i++) {
		if (strmap_get(&c->seen, r->fields.v[i].k, NULL))
			continue;
		strmap_put(&c->seen, r->fields.v[i].k, NULL);
		c->fields = xrealloc(c->fields, (c->nfields + 1) * sizeof(*c->fields));
		c->fields[c->nfields++] = xstrdup(r->fields.v[i].k);
	}
}

void export_cols_done(struct export_cols *c)
{
	size_t n = 0;

	c->ncols = 1 + c->ph->n + NFIXED + c->nfields;
	c->cols = xcalloc(c->ncols, sizeof(*c->cols));
	c->cols[n++].name = xstrdup("Client");
	for (size_t i = 0; i < c->ph->n; i++)
		c->cols[n++].name = xasprintf("Phase %d", c->ph->v[i].id);
	for (size_t i = 0; i < NFIXED; i++)
		c->cols[n++].name = xstrdup(fixed[i]);
	/* A field that import would take for a record key says it is a field. */
	for (size_t i = 0; i < c->nfields; i++)
		c->cols[n++].name = import_header_is_key(c->fields[i]) ? xasprintf("fields.%s", c->fields[i])
								       : xstrdup(c->fields[i]);
	for (size_t i = 0; i < c->ncols; i++)
		c->cols[i].type = COL_TEXT;
}

void export_cols_release(struct export_cols *c)
{
	for (size_t i = 0; i < c->ncols; i++)
		free((char *)c->cols[i].name);
	free(c->cols);
	for (size_t i = 0; i < c->nfields; i++)
		free(c->fields[i]);
	free(c->fields);
	strmap_release(&c->seen);
	memset(c, 0, sizeof(*c));
}

static const char *own(char ***owned, size_t *n, char *s)
{
	*owned = xrealloc(*owned, (*n + 1) * sizeof(**owned));
	(*owned)[(*n)++] = s;
	return s;
}

/* The day of the last event entering phase p; NULL when there is none, or
 * when the client went back below p after it: the paper shows where a
 * client stands, and then the days left are in the order of the phases,
 * as import wants them. */
static char *entered(const struct record *r, int p)
{
	char day[DATE_LEN];

	for (size_t i = r->nhistory; i-- > 0;) {
		const char *ph = kv_get(&r->history[i], "phase"), *at = kv_get(&r->history[i], "at");
		struct ptime t;

		if (!ph)
			continue;
		if (atoi(ph) < p)
			return NULL;
		if (atoi(ph) == p && at && !ptime_parse(&t, at)) {
			date_format(day, ptime_day(t));
			return xstrdup(day);
		}
	}
	return NULL;
}

static char *joined_contacts(const struct record *r)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < r->ncontacts; i++) {
		const struct kvlist *k = &r->contacts[i];
		const char *name = kv_get(k, "name"), *mail = kv_get(k, "email");
		const char *role = kv_get(k, "role"), *phone = kv_get(k, "phone");

		if (i)
			buf_addc(&b, '\n');
		buf_adds(&b, name ? name : "");
		if (mail)
			buf_addf(&b, "%s<%s>", name ? " " : "", mail);
		if (role || phone)
			buf_addf(&b, "; %s", role ? role : "");
		if (phone)
			buf_addf(&b, "; %s", phone);
	}
	return buf_detach(&b);
}

void export_cells(const struct export_cols *c, const struct record *r, const char **cells, char ***owned,
		  size_t *nowned)
{
	size_t n = 0;

	*owned = NULL;
	*nowned = 0;
	cells[n++] = r->name;
	for (size_t i = 0; i < c->ph->n; i++) {
		int p = c->ph->v[i].id;
		char *d = p <= r->phase ? entered(r, p) : NULL;

		cells[n++] = d ? own(owned, nowned, d) : NULL;
	}
	cells[n++] = r->manager;
	cells[n++] = r->id;
	cells[n++] = r->kind;
	cells[n++] = r->next_contact;
	cells[n++] = r->next_action;
	cells[n++] = r->end_reason;
	cells[n++] = r->hold_until;
	cells[n++] = r->hold_reason;
	{
		struct buf b = BUF_INIT;

		for (size_t i = 0; i < r->ntags; i++)
			buf_addf(&b, "%s%s", i ? ", " : "", r->tags[i]);
		cells[n++] = r->ntags ? own(owned, nowned, buf_detach(&b)) : NULL;
		buf_release(&b);
	}
	cells[n++] = r->ncontacts ? own(owned, nowned, joined_contacts(r)) : NULL;
	cells[n++] = r->remarks;
	for (size_t i = 0; i < c->nfields; i++)
		cells[n++] = kv_get(&r->fields, c->fields[i]);
}

void export_cells_free(char **owned, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(owned[i]);
	free(owned);
}
