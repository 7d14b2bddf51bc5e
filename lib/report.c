/* report: the figures of preg report (see report.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asof.h"
#include "buf.h"
#include "err.h"
#include "ops.h"
#include "ptime.h"
#include "report.h"
#include "status.h"
#include "xalloc.h"

const char *const report_kinds[] = { "register", "funnel", "managers", "durations", "reasons", "activity", NULL };

const char *const *const report_channels = ops_channels;

int report_kind_parse(enum report_kind *out, const char *s)
{
	for (int i = 0; report_kinds[i]; i++)
		if (!strcmp(report_kinds[i], s)) {
			*out = (enum report_kind)i;
			return 0;
		}
	return preg_error_set(PREG_EINVAL,
			      "unknown report '%s' (register, funnel, managers, durations, reasons or activity)", s);
}

int report_won_phase(const struct phases *ph)
{
	int last = 0;

	for (size_t i = 1; i < ph->n; i++)
		if (ph->v[i - 1].reversible && !ph->v[i].reversible && !ph->v[i].ending)
			return ph->v[i].id;
	for (size_t i = 0; i < ph->n; i++)
		if (!ph->v[i].ending)
			last = ph->v[i].id;
	return last;
}

/* ---- amounts ---- */

/* The length of a space that may group digits at s: ' ', U+00A0 no-break
 * space, U+202F narrow no-break space, U+2009 thin space; else 0. */
static size_t group_space(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] == ' ')
		return 1;
	if (u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (u[0] == 0xe2 && u[1] == 0x80 && (u[2] == 0xaf || u[2] == 0x89))
		return 3;
	return 0;
}

bool report_number_parse(const char *s, int64_t *out, struct numfmt *f)
{
	char d[64], sep[64];      /* the digits, and the separator before each (0: none) */
	size_t nd = 0, k, last = SIZE_MAX, ip;
	int neg = 0, decimals = 0;
	char group = 0, mark = 0;
	int64_t v = 0;

	while (group_space(s))
		s += group_space(s);
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	memset(sep, 0, sizeof(sep));
	for (char pending = 0; *s;) {
		if (*s >= '0' && *s <= '9') {
			if (nd == sizeof(d))
				return false;
			sep[nd] = pending;
			d[nd++] = *s++;
			pending = 0;
		} else if ((k = group_space(s)) || *s == ',' || *s == '.') {
			char c = k ? ' ' : *s;

			if (!nd || pending)
				return false; /* no digit before it, or two in a row */
			s += k ? k : 1;
			if (c == ' ' && !*s)
				break; /* trailing spaces */
			while (c == ' ' && group_space(s))
				s += group_space(s);
			if (c == ' ' && !*s)
				break;
			pending = c;
		} else {
			return false;
		}
		if (!*s && pending)
			return false; /* ends on a separator */
	}
	if (!nd)
		return false;
	/* The decimal mark: the last comma or point, when it appears once and
	 * nothing else of its kind does; then every separator before it groups. */
	for (size_t i = 0; i < nd; i++)
		if (sep[i] == ',' || sep[i] == '.')
			last = i;
	if (last != SIZE_MAX) {
		size_t same = 0;

		for (size_t i = 0; i < nd; i++)
			same += sep[i] == sep[last];
		if (same == 1)
			mark = sep[last];
		else
			last = SIZE_MAX; /* "1,250,000": all of them group */
	}
	/* The integer part's separators group it: one character, a first
	 * group of 1 to 3 digits, then groups of 3; none in the fraction. */
	ip = last == SIZE_MAX ? nd : last;
	for (size_t i = 1, prev = 0; i <= ip; i++) {
		if (i < ip && !sep[i])
			continue;
		if (i < ip && group && sep[i] != group)
			return false;
		if (i < ip)
			group = sep[i];
		if (group && (prev ? i - prev != 3 : i > 3))
			return false;
		prev = i;
	}
	for (size_t i = ip + 1; i < nd; i++)
		if (sep[i])
			return false;
	if (mark) {
		decimals = (int)(nd - last);
		if (decimals > 4)
			return false;
	}
	for (size_t i = 0; i < nd; i++) {
		if (v > (INT64_MAX / 10 - 9) / 10000)
			return false; /* too large to sum safely */
		v = v * 10 + (d[i] - '0');
	}
	for (int i = decimals; i < 4; i++)
		v *= 10;
	*out = neg ? -v : v;
	if (f) {
		f->group = group;
		f->mark = mark;
		f->decimals = decimals;
	}
	return true;
}

void report_number_write(struct buf *out, int64_t v, const struct numfmt *f)
{
	char digits[32];
	int dec = f->decimals < 0 ? 0 : f->decimals > 4 ? 4 : f->decimals;
	int64_t scale = 1, whole, frac;
	int n;

	for (int i = dec; i < 4; i++)
		scale *= 10;
	if (v < 0) {
		buf_addc(out, '-');
		v = -v;
	}
	v = (v + scale / 2) / scale; /* rounded to the decimals shown */
	scale = 1;
	for (int i = 0; i < dec; i++)
		scale *= 10;
	whole = v / scale;
	frac = v % scale;
	n = snprintf(digits, sizeof(digits), "%lld", (long long)whole);
	for (int i = 0; i < n; i++) {
		if (i && f->group && (n - i) % 3 == 0)
			buf_addc(out, f->group);
		buf_addc(out, digits[i]);
	}
	if (dec)
		buf_addf(out, "%c%0*lld", f->mark ? f->mark : '.', dec, (long long)frac);
}

int64_t report_amount_median(const int64_t *v, size_t n)
{
	return n ? v[(n + 1) / 2 - 1] : 0;
}

int64_t report_amount_total(const int64_t *v, size_t n)
{
	int64_t t = 0;

	for (size_t i = 0; i < n; i++)
		t += v[i];
	return t;
}

int report_percentile(const int *v, size_t n, int pct)
{
	size_t rank;

	if (!n)
		return -1;
	rank = (n * (size_t)pct + 99) / 100; /* ceil(n * pct / 100) */
	return v[rank ? rank - 1 : 0];
}

void report_init(struct report *r, const struct phases *ph, enum report_kind kind, const struct report_opts *o)
{
	memset(r, 0, sizeof(*r));
	r->ph = ph;
	r->kind = kind;
	r->o = *o;
	if (!r->o.won)
		r->o.won = report_won_phase(ph);
	if (r->o.top <= 0)
		r->o.top = 3;
	r->ps = xcalloc(ph->n + 1, sizeof(*r->ps));
	r->entry = xcalloc(ph->n + 1, sizeof(*r->entry));
	r->spent = xcalloc(ph->n + 1, sizeof(*r->spent));
	r->ever = xcalloc(ph->n + 1, sizeof(*r->ever));
}

/* The calendar day of an RFC 3339 time in its own offset; INT32_MIN when bad. */
static int32_t day_of(const char *s)
{
	return ptime_date_of(s);
}

static int phase_num(const char *v)
{
	int n = 0;

	for (const char *p = v; *p >= '0' && *p <= '9' && n < 100000; p++)
		n = n * 10 + (*p - '0');
	return n;
}

/* The index of a phase id in ph->v, or -1. Ids are 1..n in order. */
static int pidx(const struct report *r, int phase)
{
	return phase >= 1 && (size_t)phase <= r->ph->n ? phase - 1 : -1;
}

static struct mstat *mstat_of(struct report *r, const char *handle)
{
	struct mstat *m;

	for (size_t i = r->nms; i-- > 0;)
		if (!strcmp(r->ms[i].handle, handle))
			return &r->ms[i];
	if (r->nms == r->mcap) {
		r->mcap = r->mcap ? 2 * r->mcap : 8;
		r->ms = xrealloc(r->ms, r->mcap * sizeof(*r->ms));
	}
	m = &r->ms[r->nms++];
	memset(m, 0, sizeof(*m));
	m->handle = xstrdup(handle);
	m->now = xcalloc(r->ph->n + 1, sizeof(*m->now));
	return m;
}

static void add_days(struct pstat *p, int days)
{
	if (p->ndays == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->days = xrealloc(p->days, p->cap * sizeof(*p->days));
	}
	p->days[p->ndays++] = days;
}

/* Keep the top slowest clients of a phase, longest first (then by id). */
static void add_slow(struct pstat *p, int top, const char *id, int days, bool now)
{
	size_t at = p->nslow;

	while (at > 0 && (p->slow[at - 1].days < days ||
			  (p->slow[at - 1].days == days && strcmp(p->slow[at - 1].id, id) > 0)))
		at--;
	if (at >= (size_t)top)
		return;
	if (p->nslow == (size_t)top) {
		free(p->slow[p->nslow - 1].id);
		p->nslow--;
	} else if (!p->slow) {
		p->slow = xcalloc((size_t)top, sizeof(*p->slow));
	}
	memmove(&p->slow[at + 1], &p->slow[at], (p->nslow - at) * sizeof(*p->slow));
	p->slow[at].id = xstrdup(id);
	p->slow[at].days = days;
	p->slow[at].now = now;
	p->nslow++;
}

/* One ended client (n) or one end in the period (period), counted by
 * report_finish. */
static void add_reason(struct report *r, const char *text, size_t n, size_t period, size_t reopened)
{
	if (r->nrs == r->rscap) {
		r->rscap = r->rscap ? 2 * r->rscap : 64;
		r->rs = xrealloc(r->rs, r->rscap * sizeof(*r->rs));
	}
	r->rs[r->nrs].text = xstrdup(text && *text ? text : "(none)");
	r->rs[r->nrs].n = n;
	r->rs[r->nrs].reopened = reopened;
	r->rs[r->nrs++].period = period;
}

static void add_out_days(struct pstat *p, int days)
{
	if (p->nout == p->outcap) {
		p->outcap = p->outcap ? 2 * p->outcap : 16;
		p->out_days = xrealloc(p->out_days, p->outcap * sizeof(*p->out_days));
	}
	p->out_days[p->nout++] = days;
}

/* A phase event of the period: a client added in phase p (cur 0) or moved
 * from cur to p on day d, after since0 days in cur; mgr: the manager
 * then, why: the reason given. */
static void period_event(struct report *r, const struct record *rec, int cur, int p, int32_t d, int32_t since0,
			 const char *mgr, const char *why, bool reopen)
{
	const struct phases *ph = r->ph;
	int k = pidx(r, p), j = pidx(r, cur);
	bool ends = k >= 0 && ph->v[k].ending && (j < 0 || !ph->v[j].ending);

	if (cur == p)
		return;
	if (k >= 0) {
		r->ps[k].entered++;
		if (cur)
			r->ps[k].moved_in++;
	}
	if (j >= 0) {
		r->ps[j].moved_out++;
		add_out_days(&r->ps[j], d > since0 ? d - since0 : 0);
		if (ends)
			r->ps[j].ended++;
		if (reopen && ph->v[j].ending && (k < 0 || !ph->v[k].ending))
			r->ps[j].reopened++;
	}
	if (r->kind == REPORT_MANAGERS && mgr && (!cur || ends)) {
		struct mstat *m = mstat_of(r, mgr);

		if (!cur)
			m->entered++;
		else
			m->ends++;
	}
	/* The reason given with the end, else the record's when the end is
	 * the one it stands at. */
	if (r->kind == REPORT_REASONS && ends && cur)
		add_reason(r, why ? why : p == rec->phase ? rec->end_reason : NULL, 0, 1, 0);
}

/* ---- activity ---- */

static struct astat *astat_of(struct report *r, const char *key)
{
	struct astat *a;

	for (size_t i = r->nas; i-- > 0;)
		if (!strcmp(r->as[i].key, key))
			return &r->as[i];
	if (r->nas == r->ascap) {
		r->ascap = r->ascap ? 2 * r->ascap : 8;
		r->as = xrealloc(r->as, r->ascap * sizeof(*r->as));
	}
	a = &r->as[r->nas++];
	memset(a, 0, sizeof(*a));
	a->key = xstrdup(key);
	return a;
}

/* One next contact: due on day due, set at time set (INT64_MIN: before
 * everything the record holds). */
struct nextc {
	int32_t due;
	int64_t set;
};

/* The time of an entry, or INT64_MIN when it has none that parses. */
static int64_t entry_t(const struct kvlist *e)
{
	struct ptime t;

	return record_entry_time(e, &t) ? t.t : INT64_MIN;
}

/* The phase and manager of rec at the end of day d, from its phase events. */
static void state_on(const struct record *rec, int32_t d, int *phase, const char **mgr)
{
	*phase = 0;
	*mgr = rec->manager;
	for (size_t i = 0; i < rec->nhistory; i++) {
		const char *v = kv_get(&rec->history[i], "phase"), *m = kv_get(&rec->history[i], "manager");
		int32_t ed = day_of(kv_get(&rec->history[i], "at"));

		if (ed == INT32_MIN || ed > d)
			continue;
		if (v)
			*phase = phase_num(v);
		if (m)
			*mgr = m;
	}
}

/* Where the client's next contact of day due stands: kept, late, missed,
 * from the times of its notes and moves (acts[n], sorted). */
static void next_judge(struct report *r, const struct record *rec, const struct nextc *c, const int64_t *acts,
		       const int32_t *act_days, size_t n, struct astat *row)
{
	const struct phase *p;
	const char *mgr;
	int phase;
	size_t i;

	if (c->due < r->o.since || c->due > r->o.day)
		return;
	state_on(rec, c->due, &phase, &mgr);
	if (!phase || ((p = phases_get(r->ph, phase)) && p->ending))
		return; /* not a client yet, or the collaboration had ended */
	if (!row)
		row = astat_of(r, mgr);
	row->due++;
	for (i = 0; i < n && acts[i] <= c->set; i++)
		;
	if (i < n && act_days[i] <= c->due)
		row->kept++;
	else if (i < n && act_days[i] <= r->o.day)
		row->late++;
	else
		row->missed++;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void activity_add(struct report *r, const struct record *rec, const struct asof *a)
{
	struct astat *row = NULL;
	size_t nacts = 0, nnext = 0;
	int64_t *acts = xmalloc((rec->nhistory + rec->nnotes + 1) * sizeof(*acts));
	int32_t *act_days = xmalloc((rec->nhistory + rec->nnotes + 1) * sizeof(*act_days));
	struct nextc *next = xmalloc((rec->nnotes + 1) * sizeof(*next));
	int cur = 0;

	if (r->o.by_client) {
		row = astat_of(r, rec->id);
		if (!row->name) {
			row->name = xstrdup(rec->name);
			row->manager = xstrdup(a->manager);
		}
	} else {
		astat_of(r, a->manager); /* a manager who did nothing shows, with zeros */
	}
	for (size_t i = 0; i < rec->nhistory; i++) {
		const struct kvlist *e = &rec->history[i];
		const char *v = kv_get(e, "phase"), *by = kv_get(e, "by");
		int32_t d = day_of(kv_get(e, "at"));
		int p;

		if (!v || d == INT32_MIN || d > r->o.day)
			continue;
		p = phase_num(v);
		if (cur && p != cur) {
			acts[nacts] = entry_t(e);
			act_days[nacts++] = d;
		}
		if (d >= r->o.since && (!cur || p != cur)) {
			struct astat *who = row ? row : astat_of(r, by ? by : "");

			if (!cur)
				who->added++;
			else
				who->moves++;
		}
		cur = p;
	}
	for (size_t i = 0; i < rec->nnotes; i++) {
		const struct kvlist *e = &rec->notes[i];
		const char *ch = kv_get(e, "channel"), *by = kv_get(e, "by"), *nx = kv_get(e, "next");
		int32_t d = day_of(kv_get(e, "at")), due;
		int64_t t = entry_t(e);

		if (d == INT32_MIN || d > r->o.day)
			continue;
		acts[nacts] = t;
		act_days[nacts++] = d;
		/* A note that sets the same day again is the same contact, set
		 * anew: it does not keep itself. */
		if (nx && !date_parse(&due, nx)) {
			if (!(nnext && next[nnext - 1].due == due))
				next[nnext++].due = due;
			next[nnext - 1].set = t;
		}
		if (d >= r->o.since) {
			struct astat *who = row ? row : astat_of(r, by ? by : "");

			who->notes++;
			for (int k = 0; ch && k < REPORT_NCHANNELS; k++)
				if (!strcmp(report_channels[k], ch))
					who->channel[k]++;
		}
	}
	/* The record's next contact, unless a note set it: set after the
	 * last note that set one. */
	if (rec->next_contact) {
		int32_t due;

		if (!date_parse(&due, rec->next_contact) && !(nnext && next[nnext - 1].due == due)) {
			int64_t set = nnext ? next[nnext - 1].set : INT64_MIN;

			next[nnext].due = due;
			next[nnext++].set = set;
		}
	}
	/* Activity in time order (the days follow the times within a record
	 * in its own offsets, near enough to sort them together). */
	if (nacts > 1) {
		int64_t *pair = xmalloc(nacts * 2 * sizeof(*pair));

		for (size_t i = 0; i < nacts; i++) {
			pair[2 * i] = acts[i];
			pair[2 * i + 1] = act_days[i];
		}
		qsort(pair, nacts, 2 * sizeof(*pair), cmp_i64);
		for (size_t i = 0; i < nacts; i++) {
			acts[i] = pair[2 * i];
			act_days[i] = (int32_t)pair[2 * i + 1];
		}
		free(pair);
	}
	for (size_t i = 0; i < nnext; i++)
		next_judge(r, rec, &next[i], acts, act_days, nacts, row);
	free(acts);
	free(act_days);
	free(next);
}

/* ---- groups and amounts ---- */

static void add_amt(int64_t **v, size_t *n, size_t *cap, int64_t x)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = x;
}

/* The amount of rec (--sum): false when it has none or it is not a number.
 * The report itself (not a group's) keeps how the values are written and
 * the first that are not numbers. */
static bool amount_of(struct report *r, const struct record *rec, int64_t *out)
{
	const char *v = kv_get(&rec->fields, r->o.sum);
	struct numfmt f;

	if (!v || !v[strspn(v, " ")])
		return false;
	if (!report_number_parse(v, out, &f)) {
		if (!r->sub) {
			if (r->nbad < 3) {
				r->bad[r->nbad] = xstrdup(rec->id);
				r->bad_val[r->nbad] = xstrdup(v);
			}
			r->nbad++;
		}
		return false;
	}
	if (!r->sub) {
		int64_t whole = *out < 0 ? -*out : *out;

		if (f.group || whole >= 10000000) /* 1000 and more show the grouping */
			r->vote_group[f.group == ' ' ? 1 : f.group == ',' ? 2 : f.group == '.' ? 3 : 0]++;
		if (f.mark)
			r->vote_mark[f.mark == ',']++;
		if (f.decimals > r->decimals)
			r->decimals = f.decimals;
	}
	return true;
}

static struct report *group_of(struct report *r, const char *key)
{
	struct report_opts o = r->o;
	struct rgroup *g;

	for (size_t i = r->ngroups; i-- > 0;)
		if (!strcmp(r->groups[i].key, key))
			return r->groups[i].rep;
	if (r->ngroups == r->gcap) {
		r->gcap = r->gcap ? 2 * r->gcap : 8;
		r->groups = xrealloc(r->groups, r->gcap * sizeof(*r->groups));
	}
	g = &r->groups[r->ngroups++];
	g->key = xstrdup(key);
	g->rep = xmalloc(sizeof(*g->rep));
	o.by = NULL;
	report_init(g->rep, r->ph, r->kind, &o);
	g->rep->sub = true;
	return g->rep;
}

/* Hand rec to the report of each of its groups (--by). */
static void add_grouped(struct report *r, const struct record *rec, const struct asof *a)
{
	const char *by = r->o.by;
	int64_t amt;

	if (r->o.sum)
		amount_of(r, rec, &amt); /* how the values are written, once a client */
	if (!strcmp(by, "tag")) {
		for (size_t i = 0; i < rec->ntags; i++)
			report_add(group_of(r, rec->tags[i]), rec);
		if (!rec->ntags)
			report_add(group_of(r, "(none)"), rec);
		return;
	}
	if (!strcmp(by, "kind"))
		by = rec->kind;
	else if (!strcmp(by, "manager"))
		by = a->manager;
	else
		by = kv_get(&rec->fields, by + strlen("fields."));
	report_add(group_of(r, by && *by ? by : "(none)"), rec);
}

void report_add(struct report *r, const struct record *rec)
{
	const struct phases *ph = r->ph;
	const struct phase *cp;
	int32_t day = r->o.day, since = INT32_MIN, d, next = INT32_MIN;
	int cur = 0, furthest = 0;
	const char *mgr = rec->manager, *reason = NULL;
	struct asof a;
	struct status st;

	if (r->o.as_of) {
		if (!asof_day(&a, rec, day))
			return; /* not a client yet on that day */
	} else {
		asof_now(&a, rec);
	}
	if (r->o.f && !filter_match(r->o.f, ph, rec, &a, day))
		return;
	r->clients++;
	if (r->o.by) {
		add_grouped(r, rec, &a);
		return;
	}
	if (r->kind == REPORT_ACTIVITY) {
		activity_add(r, rec, &a);
		return;
	}
	for (size_t i = 0; i <= ph->n; i++) {
		r->entry[i] = -1;
		r->spent[i] = 0;
		r->ever[i] = false;
	}
	/* The stints, up to the end of the day. */
	for (size_t i = 0; i < rec->nhistory; i++) {
		const struct kvlist *e = &rec->history[i];
		const char *v = NULL, *at = NULL, *m = NULL, *why = NULL;
		bool reopen = false;
		int p, k;

		/* One pass over the event's keys instead of a lookup for each. */
		for (size_t j = 0; j < e->n; j++) {
			const char *key = e->v[j].k;

			if (key[0] == 'a' && !strcmp(key, "at"))
				at = e->v[j].v;
			else if (key[0] == 'p' && !strcmp(key, "phase"))
				v = e->v[j].v;
			else if (key[0] == 'm' && !strcmp(key, "manager"))
				m = e->v[j].v;
			else if (key[0] == 'r' && !strcmp(key, "reason"))
				why = e->v[j].v;
			else if (key[0] == 'r' && !strcmp(key, "reopen"))
				reopen = !strcmp(e->v[j].v, "true");
		}
		d = day_of(at);
		if (d == INT32_MIN || d > day)
			continue;
		if (m)
			mgr = m;
		if (!v)
			continue;
		p = phase_num(v);
		if (cur && (k = pidx(r, cur)) >= 0)
			r->spent[k] += d > since ? d - since : 0;
		if (r->o.period && d >= r->o.since)
			period_event(r, rec, cur, p, d, since, mgr, why, reopen);
		/* Won back: the reopening counts for the reason it had ended for. */
		if (r->kind == REPORT_REASONS && reopen && phases_get(ph, cur) && phases_get(ph, cur)->ending &&
		    !(phases_get(ph, p) && phases_get(ph, p)->ending))
			add_reason(r, reason, 0, 0, 1);
		if (cur && r->kind == REPORT_MANAGERS && d >= r->o.since && p != cur) {
			struct mstat *m = mstat_of(r, mgr);

			m->moves++;
			if (p > cur)
				m->forward++;
			else
				m->back++;
		}
		if ((k = pidx(r, p)) >= 0) {
			const struct phase *from = phases_get(ph, cur);

			r->entry[k] = d;
			r->ever[k] = true;
			/* The reason is the one given when the collaboration
			 * ended, not when it went on to another ending phase. */
			if (ph->v[k].ending && (!from || !from->ending || !reason))
				reason = why;
		}
		cur = p;
		since = d;
	}
	/* The record's phase (or the day's) is the truth when the events
	 * disagree: a record edited by hand. */
	if (cur != a.phase) {
		int32_t s = day_of(a.phase_since);
		int k;

		if (cur && (k = pidx(r, cur)) >= 0 && s != INT32_MIN && s > since)
			r->spent[k] += s - since;
		cur = a.phase;
		since = s == INT32_MIN ? day : s;
		if ((k = pidx(r, cur)) >= 0) {
			r->entry[k] = since;
			r->ever[k] = true;
		}
	}
	if (pidx(r, cur) >= 0)
		r->spent[pidx(r, cur)] += day > since ? day - since : 0;
	cp = phases_get(ph, cur);
	for (size_t k = 0; k < ph->n; k++)
		if (r->ever[k] && !ph->v[k].ending)
			furthest = ph->v[k].id;
	status_of(&st, rec, &a, ph, day);
	next = st.next;
	if (r->o.sum && pidx(r, cur) >= 0 && r->kind != REPORT_MANAGERS) {
		struct pstat *p = &r->ps[pidx(r, cur)];
		int64_t amt;

		if (amount_of(r, rec, &amt))
			add_amt(&p->amt, &p->namt, &p->amtcap, amt);
		if (r->kind == REPORT_REGISTER)
			p->now++;
	}

	switch (r->kind) {
	case REPORT_REGISTER: {
		struct rrow *row;

		if (r->nrows == r->rcap) {
			r->rcap = r->rcap ? 2 * r->rcap : 256;
			r->rows = xrealloc(r->rows, r->rcap * sizeof(*r->rows));
		}
		row = &r->rows[r->nrows++];
		row->id = xstrdup(rec->id);
		row->name = xstrdup(rec->name);
		row->manager = xstrdup(a.manager);
		row->phase = cur;
		row->since = since;
		row->days = day > since ? day - since : 0;
		row->next = next;
		row->st = st;
		row->reached = xmalloc((ph->n ? ph->n : 1) * sizeof(*row->reached));
		for (size_t k = 0; k < ph->n; k++)
			row->reached[k] = ph->v[k].id <= cur ? r->entry[k] : -1;
		break;
	}
	case REPORT_FUNNEL:
	case REPORT_DURATIONS:
		for (size_t k = 0; k < ph->n; k++) {
			struct pstat *p = &r->ps[k];
			bool reached = ph->v[k].ending ? r->ever[k] : furthest >= ph->v[k].id;

			if (ph->v[k].id == cur)
				p->now++;
			if (reached)
				p->reached++;
			if (r->ever[k]) {
				add_days(p, r->spent[k]);
				if (r->kind == REPORT_DURATIONS)
					add_slow(p, r->o.top, rec->id, r->spent[k], ph->v[k].id == cur);
			}
		}
		break;
	case REPORT_MANAGERS: {
		struct mstat *m = mstat_of(r, a.manager);
		int k = pidx(r, cur);

		m->clients++;
		if (r->o.sum) {
			int64_t amt;

			if (amount_of(r, rec, &amt))
				add_amt(&m->amt, &m->namt, &m->amtcap, amt);
		}
		if (cp && cp->ending)
			m->ended++;
		else
			m->open++;
		if (k >= 0)
			m->now[k]++;
		m->stale += st.stale;
		m->overdue += st.overdue;
		m->due += st.due;
		m->on_hold += st.on_hold;
		if (pidx(r, r->o.won) >= 0 && (ph->v[pidx(r, r->o.won)].ending ? r->ever[pidx(r, r->o.won)]
									: furthest >= r->o.won))
			m->won++;
		break;
	}
	case REPORT_ACTIVITY:
		break;
	case REPORT_REASONS:
		if (!cp || !cp->ending)
			break;
		r->ended++;
		if (!reason && !r->o.as_of)
			reason = rec->end_reason;
		if (!reason && r->o.as_of && rec->end_reason && a.phase == rec->phase)
			reason = rec->end_reason;
		add_reason(r, reason, 1, 0, 0);
		break;
	}
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int cmp_row(const void *a, const void *b)
{
	return strcmp(((const struct rrow *)a)->id, ((const struct rrow *)b)->id);
}

static int cmp_mstat(const void *a, const void *b)
{
	return strcmp(((const struct mstat *)a)->handle, ((const struct mstat *)b)->handle);
}

static int cmp_astat(const void *a, const void *b)
{
	return strcmp(((const struct astat *)a)->key, ((const struct astat *)b)->key);
}

static bool astat_empty(const struct astat *a)
{
	return !a->notes && !a->moves && !a->added && !a->due;
}

static int cmp_reason_text(const void *a, const void *b)
{
	return strcmp(((const struct reason *)a)->text, ((const struct reason *)b)->text);
}

static int cmp_reason_n(const void *a, const void *b)
{
	const struct reason *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	if (x->period != y->period)
		return x->period > y->period ? -1 : 1;
	return strcmp(x->text, y->text);
}

/* Sort days: small non-negative numbers, so a counting sort when their
 * range is small (100,000 clients: a few ms, where qsort took 40). */
static void sort_days(int *v, size_t n)
{
	int lo = v[0], hi = v[0];
	size_t *count, k = 0;

	for (size_t i = 1; i < n; i++) {
		if (v[i] < lo)
			lo = v[i];
		if (v[i] > hi)
			hi = v[i];
	}
	if ((long)hi - lo > 1000000) {
		qsort(v, n, sizeof(int), cmp_int);
		return;
	}
	count = xcalloc((size_t)(hi - lo) + 1, sizeof(*count));
	for (size_t i = 0; i < n; i++)
		count[v[i] - lo]++;
	for (long d = 0; d <= (long)hi - lo; d++)
		for (size_t c = count[d]; c > 0; c--)
			v[k++] = (int)(d + lo);
	free(count);
}

static int cmp_group(const void *a, const void *b)
{
	return strcmp(((const struct rgroup *)a)->key, ((const struct rgroup *)b)->key);
}

/* The form most values are written in: their grouping, their mark, the
 * most decimals any has. */
static void amount_form(struct report *r)
{
	static const char groups[] = { 0, ' ', ',', '.' };
	size_t best = 0;

	for (size_t i = 1; i < 4; i++)
		if (r->vote_group[i] > r->vote_group[best])
			best = i;
	r->amt_fmt.group = groups[best];
	r->amt_fmt.mark = r->vote_mark[1] > r->vote_mark[0] ? ',' : '.';
	if (r->amt_fmt.group == r->amt_fmt.mark)
		r->amt_fmt.group = ' ';
	r->amt_fmt.decimals = r->decimals;
}

void report_finish(struct report *r)
{
	size_t w = 0;

	for (size_t i = 0; i < r->ngroups; i++)
		report_finish(r->groups[i].rep);
	if (r->ngroups > 1)
		qsort(r->groups, r->ngroups, sizeof(*r->groups), cmp_group);
	amount_form(r);
	for (size_t k = 0; k < r->ph->n; k++)
		if (r->ps[k].namt > 1)
			qsort(r->ps[k].amt, r->ps[k].namt, sizeof(int64_t), cmp_i64);
	for (size_t i = 0; i < r->nms; i++)
		if (r->ms[i].namt > 1)
			qsort(r->ms[i].amt, r->ms[i].namt, sizeof(int64_t), cmp_i64);

	for (size_t k = 0; k < r->ph->n; k++) {
		if (r->ps[k].ndays > 1)
			sort_days(r->ps[k].days, r->ps[k].ndays);
		if (r->ps[k].nout > 1)
			sort_days(r->ps[k].out_days, r->ps[k].nout);
	}
	if (r->nrows > 1)
		qsort(r->rows, r->nrows, sizeof(*r->rows), cmp_row);
	if (r->nms > 1)
		qsort(r->ms, r->nms, sizeof(*r->ms), cmp_mstat);
	/* Reasons: count equal texts, then the most frequent first. */
	if (r->nrs > 1)
		qsort(r->rs, r->nrs, sizeof(*r->rs), cmp_reason_text);
	for (size_t i = 0; i < r->nrs; i++) {
		if (w && !strcmp(r->rs[w - 1].text, r->rs[i].text)) {
			r->rs[w - 1].n += r->rs[i].n;
			r->rs[w - 1].period += r->rs[i].period;
			r->rs[w - 1].reopened += r->rs[i].reopened;
			free(r->rs[i].text);
			continue;
		}
		r->rs[w++] = r->rs[i];
	}
	r->nrs = w;
	/* By client, the clients with nothing in the period are left out. */
	w = 0;
	for (size_t i = 0; i < r->nas; i++) {
		if (r->o.by_client && astat_empty(&r->as[i])) {
			free(r->as[i].key);
			free(r->as[i].name);
			free(r->as[i].manager);
			continue;
		}
		r->as[w++] = r->as[i];
	}
	r->nas = w;
	if (r->nas > 1)
		qsort(r->as, r->nas, sizeof(*r->as), cmp_astat);
	if (r->nrs > 1)
		qsort(r->rs, r->nrs, sizeof(*r->rs), cmp_reason_n);
}

void report_release(struct report *r)
{
	for (size_t i = 0; i < r->nrows; i++) {
		free(r->rows[i].id);
		free(r->rows[i].name);
		free(r->rows[i].manager);
		free(r->rows[i].reached);
	}
	free(r->rows);
	for (size_t k = 0; r->ps && k <= r->ph->n; k++) {
		free(r->ps[k].days);
		free(r->ps[k].out_days);
		free(r->ps[k].amt);
		for (size_t i = 0; i < r->ps[k].nslow; i++)
			free(r->ps[k].slow[i].id);
		free(r->ps[k].slow);
	}
	free(r->ps);
	for (size_t i = 0; i < r->nms; i++) {
		free(r->ms[i].handle);
		free(r->ms[i].now);
		free(r->ms[i].amt);
	}
	free(r->ms);
	for (size_t i = 0; i < r->nrs; i++)
		free(r->rs[i].text);
	free(r->rs);
	for (size_t i = 0; i < r->nas; i++) {
		free(r->as[i].key);
		free(r->as[i].name);
		free(r->as[i].manager);
	}
	free(r->as);
	for (size_t i = 0; i < r->ngroups; i++) {
		free(r->groups[i].key);
		report_release(r->groups[i].rep);
		free(r->groups[i].rep);
	}
	free(r->groups);
	for (size_t i = 0; i < r->nbad && i < 3; i++) {
		free(r->bad[i]);
		free(r->bad_val[i]);
	}
	free(r->entry);
	free(r->spent);
	free(r->ever);
	memset(r, 0, sizeof(*r));
}
