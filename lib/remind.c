/* remind: what is due on a day (see remind.h). */
#include <stdlib.h>
#include <string.h>

#include "asof.h"
#include "ptime.h"
#include "remind.h"
#include "status.h"
#include "xalloc.h"

const char *remind_kind_name(enum remind_kind k)
{
	static const char *const names[] = { "overdue", "due", "stale", "upcoming" };

	return names[k];
}

static void push(struct remind_list *l, const struct record *r, const struct asof *a,
		 const struct phase *p, const struct status *st, enum remind_kind kind, int32_t date, int32_t day)
{
	struct remind_item *it;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	it = &l->v[l->n++];
	it->id = xstrdup(r->id);
	it->name = xstrdup(r->name);
	it->manager = xstrdup(a->manager);
	it->kind = kind;
	it->date = date;
	it->days_overdue = (int)(day - date);
	it->phase = a->phase;
	it->phase_key = p ? xstrdup(p->key) : NULL;
	it->days_in_phase = st->days_in_phase;
	it->stale_after = st->stale_after;
	it->ended = st->ended;
	it->next_action = r->next_action ? xstrdup(r->next_action) : NULL;
}

void remind_add(struct remind_list *l, const struct record *r, const struct phases *ph,
		const struct remind_opts *o)
{
	const struct phase *p;
	struct status st;
	struct asof a;

	if (o->as_of) {
		if (!asof_day(&a, r, o->day))
			return; /* not a client yet that day */
	} else {
		asof_now(&a, r);
	}
	if (o->manager && strcmp(a.manager, o->manager))
		return;
	if (o->f && !filter_match(o->f, ph, r, &a, o->day))
		return;
	p = phases_get(ph, a.phase);
	status_of(&st, r, &a, ph, o->day);
	if (st.overdue)
		push(l, r, &a, p, &st, REMIND_OVERDUE, st.next, o->day);
	else if (st.due)
		push(l, r, &a, p, &st, REMIND_DUE, st.next, o->day);
	else if (st.next != INT32_MIN && o->within >= 0 && st.next - o->day <= o->within)
		push(l, r, &a, p, &st, REMIND_UPCOMING, st.next, o->day);
	if (st.stale)
		push(l, r, &a, p, &st, REMIND_STALE, o->day - (st.days_in_phase - st.stale_after), o->day);
}

static int cmp_item(const void *pa, const void *pb)
{
	const struct remind_item *a = pa, *b = pb;
	int c = strcmp(a->manager, b->manager);

	if (c)
		return c;
	if (a->days_overdue != b->days_overdue)
		return a->days_overdue > b->days_overdue ? -1 : 1;
	if ((c = strcmp(a->id, b->id)))
		return c;
	return (int)a->kind - (int)b->kind;
}

void remind_sort(struct remind_list *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_item);
}

void remind_list_release(struct remind_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].id);
		free(l->v[i].name);
		free(l->v[i].manager);
		free(l->v[i].phase_key);
		free(l->v[i].next_action);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}
