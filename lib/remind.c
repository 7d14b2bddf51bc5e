/* remind: what is due on a day (see remind.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asof.h"
#include "format.h"
#include "name.h"
#include "ptime.h"
#include "remind.h"
#include "status.h"
#include "team.h"
#include "utf8.h"
#include "xalloc.h"

static void item_release(struct remind_item *it);

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
	it->to = NULL;
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

const char *remind_to(const struct remind_item *it)
{
	return it->to ? it->to : it->manager;
}

static int cmp_item(const void *pa, const void *pb)
{
	const struct remind_item *a = pa, *b = pb;
	int c = strcmp(remind_to(a), remind_to(b));

	if (c)
		return c;
	if (!a->to != !b->to)
		return a->to ? 1 : -1;
	if ((c = strcmp(a->manager, b->manager)))
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
	for (size_t i = 0; i < l->n; i++)
		item_release(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void remind_route(struct remind_list *l, const struct phases *ph, int32_t day)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *to = team_recipient(ph, l->v[i].manager, day);

		free(l->v[i].to);
		l->v[i].to = strcmp(to, l->v[i].manager) ? xstrdup(to) : NULL;
	}
}

static void item_release(struct remind_item *it)
{
	free(it->id);
	free(it->name);
	free(it->manager);
	free(it->phase_key);
	free(it->next_action);
	free(it->to);
}

void remind_keep_to(struct remind_list *l, const char *handle)
{
	size_t k = 0;

	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(remind_to(&l->v[i]), handle))
			l->v[k++] = l->v[i];
		else
			item_release(&l->v[i]);
	l->n = k;
}

void remind_when(char *out, size_t n, int days_overdue)
{
	int d = abs(days_overdue);

	if (!days_overdue)
		snprintf(out, n, "today");
	else
		snprintf(out, n, "%s%d day%s%s", days_overdue < 0 ? "in " : "", d, d == 1 ? "" : "s",
			 days_overdue > 0 ? " ago" : "");
}

/* Append what follows an item's id, "NAME: TEXT", in at most width
 * columns (0: any): the name by name_short (to half of them, at least
 * 10), the text cut with an ellipsis, or left out when too little room
 * is left for it. */
static void put_name_text(struct buf *out, const char *name, const char *text, size_t width)
{
	struct buf n = BUF_INIT, t = BUF_INIT;
	char *s;
	size_t room;

	/* As one line when it must fit; as before (lines kept) else. */
	fmt_visible(&n, name ? name : "", !width);
	fmt_visible(&t, text, !width);
	if (!width || fmt_width(buf_str(&n)) + 2 + fmt_width(buf_str(&t)) <= width) {
		buf_addf(out, "%s: %s\n", buf_str(&n), buf_str(&t));
		goto out;
	}
	room = width / 2 > 10 ? width / 2 : 10;
	s = name_short(buf_str(&n), room);
	buf_adds(out, s);
	room = fmt_width(s) + 2 < width ? width - fmt_width(s) - 2 : 0;
	free(s);
	if (room >= 8)
		buf_addf(out, ": %.*s…", (int)utf8_fit(buf_str(&t), room - 1, NULL), buf_str(&t));
	buf_addc(out, '\n');
out:
	buf_release(&n);
	buf_release(&t);
}

void remind_text(struct buf *out, const struct remind_list *l, const struct phases *ph)
{
	remind_text_fit(out, l, ph, 0);
}

void remind_text_fit(struct buf *out, const struct remind_list *l, const struct phases *ph, size_t width)
{
	size_t idw = 0;

	for (size_t i = 0; i < l->n; i++) {
		const struct remind_item *it = &l->v[i];
		char date[DATE_LEN], rel[32];
		struct buf line = BUF_INIT, text = BUF_INIT;
		size_t used;

		if (!i || strcmp(remind_to(it), remind_to(&l->v[i - 1]))) {
			const struct manager *m = phases_manager(ph, remind_to(it));

			fmt_addf(out, "%s%s", i ? "\n" : "", remind_to(it));
			if (m && m->name)
				fmt_addf(out, ": %s", m->name);
			if (m && m->email)
				fmt_addf(out, "%s<%s>", m->name ? " " : ": ", m->email);
			buf_addc(out, '\n');
			/* The ids of the list padded to the widest, so that
			 * the names start in one column, as in a table. */
			idw = 0;
			for (size_t k = i; k < l->n && !strcmp(remind_to(&l->v[k]), remind_to(it)); k++)
				if (fmt_width(l->v[k].id) > idw)
					idw = fmt_width(l->v[k].id);
		}
		if (it->to && (!i || !l->v[i - 1].to || strcmp(it->manager, l->v[i - 1].manager))) {
			const struct manager *m = phases_manager(ph, it->manager);

			date_format(date, m->away_until);
			fmt_addf(out, "  for %s (away until %s):\n", it->manager, date);
		}
		date_format(date, it->date);
		remind_when(rel, sizeof(rel), it->days_overdue);
		fmt_addf(&line, "  %-8s  %s  %-12s  %s%*s  ", remind_kind_name(it->kind), date, rel, it->id,
			 (int)(idw - fmt_width(it->id)), "");
		if (it->kind == REMIND_STALE) {
			const struct phase *next = it->ended ? phases_get(ph, it->phase + 1) : NULL;

			buf_addf(&text, "%d days in %d %s (limit %dd)", it->days_in_phase, it->phase,
				 it->phase_key ? it->phase_key : "?", it->stale_after);
			/* After the end, the reminder is for the step that follows
			 * (freight: 12, the analysis of the causes). */
			if (next)
				buf_addf(&text, ": next is %d %s", next->id, next->key);
		} else
			buf_adds(&text, it->next_action ? it->next_action : "next contact");
		/* The id is never cut (a user types it): the name and the text
		 * share what is left of the width, at least 10 columns. */
		used = fmt_width(buf_str(&line));
		buf_add(out, line.p, line.len);
		put_name_text(out, it->name, buf_str(&text), !width ? 0 : used + 10 < width ? width - used : 10);
		buf_release(&line);
		buf_release(&text);
	}
}
