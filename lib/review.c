/* review: one manager's clients, now and ever (see review.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asof.h"
#include "err.h"
#include "ptime.h"
#include "review.h"
#include "status.h"
#include "xalloc.h"

struct collect {
	const char *manager;
	const struct phases *ph;
	int32_t today;
	struct review *out;
};

static void phase_words(struct buf *b, const struct phases *ph, int id)
{
	const struct phase *p = phases_get(ph, id);

	buf_addf(b, "%d (%s)", id, p ? p->key : "?");
}

/* Fill in when the manager last took the client and what followed. */
static void stint(struct review_item *it, const char *m, const struct phases *ph)
{
	const struct record *r = it->rec;
	const char *cur = NULL, *taken_at = NULL;
	int phase_at_take = 0;
	struct buf b = BUF_INIT;
	struct ptime tt;
	struct asof then;
	size_t start = 0;

	for (size_t i = 0; i < r->nhistory; i++) {
		const struct kvlist *e = &r->history[i];
		const char *mg = kv_get(e, "manager");

		if (mg) {
			if (!strcmp(mg, m) && !(cur && !strcmp(cur, m))) {
				taken_at = kv_get(e, "at");
				start = i;
				it->left = it->left_to = NULL;
			} else if (strcmp(mg, m) && cur && !strcmp(cur, m) && !it->left) {
				it->left = kv_get(e, "at");
				it->left_to = mg;
			}
			cur = mg;
		}
	}
	/* The phase then: the client as of the end of that day (lib/asof). */
	if (taken_at && !ptime_parse(&tt, taken_at) && asof_day(&then, r, ptime_day(tt)))
		phase_at_take = then.phase;
	it->taken = taken_at;
	it->phase_taken = phase_at_take;
	for (size_t i = start + (taken_at ? 1 : 0); taken_at && i < r->nhistory; i++)
		if (kv_get(&r->history[i], "phase"))
			it->moves_since++;
	for (size_t i = 0; taken_at && i < r->nnotes; i++) {
		const char *at = kv_get(&r->notes[i], "at");
		struct ptime a, t;

		if (at && !ptime_parse(&a, at) && !ptime_parse(&t, taken_at) && a.t >= t.t)
			it->notes_since++;
	}
	if (taken_at && phase_at_take && phase_at_take != r->phase) {
		buf_adds(&b, "phase ");
		phase_words(&b, ph, phase_at_take);
		buf_adds(&b, " -> ");
		phase_words(&b, ph, r->phase);
	}
	if (it->notes_since)
		buf_addf(&b, "%s%zu note%s", b.len ? "; " : "", it->notes_since, it->notes_since == 1 ? "" : "s");
	if (it->left)
		buf_addf(&b, "%sto %s on %.10s", b.len ? "; " : "", it->left_to, it->left);
	it->changed = b.len ? buf_detach(&b) : xstrdup("no change");
	buf_release(&b);
}

static bool ever_had(const struct record *r, const char *m)
{
	if (!strcmp(r->manager, m))
		return true;
	for (size_t i = 0; i < r->nhistory; i++) {
		const char *mg = kv_get(&r->history[i], "manager");

		if (mg && !strcmp(mg, m))
			return true;
	}
	return false;
}

static int each(void *arg, const char *id, const char *path, struct record *rec)
{
	struct collect *c = arg;
	struct review_item *it;

	(void)id;
	(void)path;
	if (!rec) {
		c->out->unreadable++;
		preg_warn("%s", preg_error_msg());
		return 0;
	}
	if (!ever_had(rec, c->manager))
		return 0;
	c->out->v = xgrow(c->out->v, &c->out->cap, c->out->n + 1, sizeof(*c->out->v));
	it = &c->out->v[c->out->n++];
	memset(it, 0, sizeof(*it));
	it->rec = record_dup(rec);
	it->holds = !strcmp(rec->manager, c->manager);
	status_of(&it->st, rec, NULL, c->ph, c->today);
	it->days_overdue = it->st.due || it->st.overdue ? (int)(c->today - it->st.next) : -1;
	preg_error_clear();
	stint(it, c->manager, c->ph);
	return 0;
}

int review_collect(struct reg *r, const char *manager, int32_t today, struct review *out)
{
	struct collect c = { manager, reg_phases(r), today, out };

	memset(out, 0, sizeof(*out));
	return reg_each(r, false, each, &c);
}

void review_release(struct review *rv)
{
	for (size_t i = 0; i < rv->n; i++) {
		record_free(rv->v[i].rec);
		free(rv->v[i].changed);
	}
	free(rv->v);
	memset(rv, 0, sizeof(*rv));
}
