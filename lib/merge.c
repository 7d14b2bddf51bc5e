/* merge: the three-way merge of one client record (see merge.h). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "kvindex.h"
#include "merge.h"
#include "schema.h"
#include "xalloc.h"

/* The one-value text keys of the schema but the id, merged key by key
 * (end_reason, manager and phase_since only when the history cannot
 * decide them). */
static bool sfield_key(const struct record_key *k)
{
	return k->slot != RS_NONE && k->slot != RS_ID;
}

static char **sfield(const struct record *r, const struct record_key *k)
{
	return record_key_value(r, k);
}

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

void merge_report_release(struct merge_report *rep)
{
	for (size_t i = 0; i < rep->n; i++) {
		free(rep->v[i].id);
		free(rep->v[i].field);
		free(rep->v[i].ours);
		free(rep->v[i].theirs);
	}
	free(rep->v);
	memset(rep, 0, sizeof(*rep));
}

static void conflict(struct merge_report *rep, const char *id, const char *field, const char *ours,
		     const char *theirs)
{
	struct merge_conflict *c;

	rep->v = xgrow(rep->v, &rep->cap, rep->n + 1, sizeof(*rep->v));
	c = &rep->v[rep->n++];
	c->id = xstrdup(id);
	c->field = xstrdup(field);
	c->ours = xstrdup(ours ? ours : "(none)");
	c->theirs = xstrdup(theirs ? theirs : "(none)");
}

/* Three-way on one value: which of o and t to take (lent). */
static const char *pick(const char *b, const char *o, const char *t, bool *conflicted)
{
	*conflicted = false;
	if (same(o, t) || same(b, t))
		return o;
	if (same(b, o))
		return t;
	*conflicted = true;
	return t;
}

static char *merge_str(const char *id, const char *field, const char *b, const char *o, const char *t,
		       struct merge_report *rep)
{
	bool c;
	const char *v = pick(b, o, t, &c);

	if (c)
		conflict(rep, id, field, o, t);
	return v ? xstrdup(v) : NULL;
}

/* ---- lists ---- */

static bool kv_equal(const struct kvlist *a, const struct kvlist *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!same(a->v[i].v, kv_get(b, a->v[i].k)))
			return false;
	return true;
}

static bool kvs_equal(const struct kvlist *a, size_t na, const struct kvlist *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!kv_equal(&a[i], &b[i]))
			return false;
	return true;
}

static size_t count_of(const struct kvlist *l, size_t n, const struct kvlist *e)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += kv_equal(&l[i], e);
	return c;
}

static void kv_copy(struct kvlist *dst, const struct kvlist *src)
{
	memset(dst, 0, sizeof(*dst));
	for (size_t i = 0; i < src->n; i++)
		kv_set(dst, src->v[i].k, src->v[i].v);
}

/* Two sides of a list (history events, notes) merged against their base
 * b (NULL: none), in time order (the time rule, record_sort_entries).
 * Writers only append, so what either side added is kept (an entry both
 * added once is kept once), and an entry of the base that one side no
 * longer has was taken back there (an undo) and stays out: of entries
 * equal to e, the base had nb, ours no and theirs nt, and the merge keeps
 * min(nb, no, nt) of the base's and max(0, no - nb, nt - nb) new ones.
 * Entries of one time keep their order, ours first. */
static void merge_list(struct kvlist **out, size_t *nout, const struct kvlist *b, size_t nb,
		       const struct kvlist *o, size_t no, const struct kvlist *t, size_t nt)
{
	struct kvindex bx, ox, tx;
	size_t n = 0;

	*out = xcalloc(no + nt + 1, sizeof(**out));
	/* Counted in sorted views: a record may hold 10,000 notes. */
	kvindex_init(&bx, b, b ? nb : 0, true);
	kvindex_init(&ox, o, no, true);
	kvindex_init(&tx, t, nt, true);
	/* n is used and then counted up, in two statements: in one
	 * ("kv_copy(&v[n++], ...)" beside a read of n) they are unsequenced. */
	for (size_t i = 0; i < no + nt; i++) {
		bool mine = i < no;
		const struct kvlist *e = mine ? &o[i] : &t[i - no];
		size_t cb = kvindex_count(&bx, e), co = kvindex_count(&ox, e), ct = kvindex_count(&tx, e);
		size_t kept = cb < co ? cb : co, added = 0, rank;

		kept = kept < ct ? kept : ct;
		if (co > cb)
			added = co - cb;
		if (ct > cb && ct - cb > added)
			added = ct - cb;
		kept += added;
		/* Ours give the first of the kept ones, theirs the rest. */
		rank = mine ? kvindex_rank(&ox, i) : kvindex_rank(&tx, i - no);
		if (mine ? rank < kept : rank >= co && rank < kept) {
			kv_copy(&(*out)[n], e);
			n++;
		}
	}
	kvindex_release(&bx);
	kvindex_release(&ox);
	kvindex_release(&tx);
	record_sort_entries(*out, n);
	*nout = n;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A record's tags, sorted, to look one up in O(log n): a record may hold
 * 100,000 of them. NULL for no record. Caller frees. */
static char **sorted_tags(const struct record *r)
{
	char **v = xmalloc(((r ? r->ntags : 0) + 1) * sizeof(*v));

	for (size_t i = 0; r && i < r->ntags; i++)
		v[i] = r->tags[i];
	if (r && r->ntags > 1)
		qsort(v, r->ntags, sizeof(*v), cmp_str);
	return v;
}

/* The place of tag in sorted tags v[0..n), or -1. */
static long find_tag(char **v, size_t n, const char *tag)
{
	char **p = n ? bsearch(&tag, v, n, sizeof(*v), cmp_str) : NULL;

	return p ? (long)(p - v) : -1;
}

/* Tags as a set: what either side added is in, what either side removed
 * is out. Each tag once: taken[] marks, in ours' and theirs' sorted
 * tags, what the result holds already. */
static void merge_tags(struct record *m, const struct record *b, const struct record *o,
		       const struct record *t)
{
	char **bs = sorted_tags(b), **os = sorted_tags(o), **ts = sorted_tags(t);
	size_t nb = b ? b->ntags : 0;
	bool *o_taken = xcalloc(o->ntags + 1, sizeof(bool)), *t_taken = xcalloc(t->ntags + 1, sizeof(bool));

	m->tags = xcalloc(o->ntags + t->ntags + 1, sizeof(char *));
	for (int side = 0; side < 2; side++) {
		const struct record *s = side ? t : o;

		for (size_t i = 0; i < s->ntags; i++) {
			const char *tag = s->tags[i];
			long oi = find_tag(os, o->ntags, tag), ti = find_tag(ts, t->ntags, tag);
			bool in_b = find_tag(bs, nb, tag) >= 0;

			if (side ? in_b : in_b && ti < 0)
				continue;
			if ((oi >= 0 && o_taken[oi]) || (ti >= 0 && t_taken[ti]))
				continue;
			if (oi >= 0)
				o_taken[oi] = true;
			if (ti >= 0)
				t_taken[ti] = true;
			m->tags[m->ntags++] = xstrdup(tag);
		}
	}
	free(bs);
	free(os);
	free(ts);
	free(o_taken);
	free(t_taken);
}

/* Append a pair to l without looking for k first (the caller knows it is
 * not there): kv_set looks, which made building 100,000 fields quadratic. */
static void kv_push(struct kvlist *l, const char *k, char *v)
{
	l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
	l->v[l->n].k = xstrdup(k);
	l->v[l->n].v = v;
	l->n++;
}

static void merge_fields(struct record *m, const struct record *b, const struct record *o,
			 const struct record *t, struct merge_report *rep)
{
	static const struct kvlist none = { NULL, 0, 0 };
	struct keyindex bx, ox, tx;

	keyindex_init(&bx, b ? &b->fields : &none);
	keyindex_init(&ox, &o->fields);
	keyindex_init(&tx, &t->fields);
	/* Ours' fields in their order, then those only theirs has. */
	for (int side = 0; side < 2; side++) {
		const struct kvlist *l = side ? &t->fields : &o->fields;
		const struct keyindex *sx = side ? &tx : &ox;

		for (size_t i = 0; i < l->n; i++) {
			const char *k = l->v[i].k;
			char field[128];
			char *v;

			/* Once per key: the first of a key twice on one side. */
			if (keyindex_get(sx, k) != l->v[i].v || (side && keyindex_get(&ox, k)))
				continue;
			snprintf(field, sizeof(field), "fields.%s", k);
			v = merge_str(m->id, field, keyindex_get(&bx, k), keyindex_get(&ox, k), keyindex_get(&tx, k),
				      rep);
			if (v)
				kv_push(&m->fields, k, v);
		}
	}
	keyindex_release(&bx);
	keyindex_release(&ox);
	keyindex_release(&tx);
}

/* Contacts as one value: a list edited in one go. */
static char *contacts_text(const struct record *r)
{
	struct buf b = BUF_INIT;

	if (!r || !r->ncontacts)
		return NULL;
	for (size_t i = 0; i < r->ncontacts; i++) {
		const char *name = kv_get(&r->contacts[i], "name");

		buf_addf(&b, "%s%s", i ? ", " : "", name ? name : "(unnamed)");
	}
	return buf_detach(&b);
}

static void set_contacts(struct record *m, const struct record *src)
{
	for (size_t i = 0; i < m->ncontacts; i++)
		kvlist_release(&m->contacts[i]);
	free(m->contacts);
	m->ncontacts = src ? src->ncontacts : 0;
	m->contacts = xcalloc(m->ncontacts + 1, sizeof(*m->contacts));
	for (size_t i = 0; i < m->ncontacts; i++)
		kv_copy(&m->contacts[i], &src->contacts[i]);
}

static void merge_contacts(struct record *m, const struct record *b, const struct record *o,
			   const struct record *t, struct merge_report *rep)
{
	bool bo = b && kvs_equal(b->contacts, b->ncontacts, o->contacts, o->ncontacts);
	bool bt = b && kvs_equal(b->contacts, b->ncontacts, t->contacts, t->ncontacts);
	bool ot = kvs_equal(o->contacts, o->ncontacts, t->contacts, t->ncontacts);

	if (ot || bt) {
		set_contacts(m, o);
	} else if (bo) {
		set_contacts(m, t);
	} else {
		char *os = contacts_text(o), *ts = contacts_text(t);

		conflict(rep, m->id, "contacts", os, ts);
		free(os);
		free(ts);
		set_contacts(m, t);
	}
}

/* ---- unknown keys ---- */

/* An unknown key's value as a person reads it (NULL: absent); caller frees. */
static char *node_text(const struct ynode *v)
{
	struct buf b = BUF_INIT;
	char *s;

	if (!v)
		return NULL;
	yaml_put_node(&b, v, 2);
	/* As a person reads it: without the separating blank and the end. */
	while (b.len && b.p[b.len - 1] == '\n')
		b.p[--b.len] = '\0';
	s = xstrdup(buf_str(&b) + strspn(buf_str(&b), " \n"));
	buf_release(&b);
	return s;
}

/* Append key and value (copies) to m's unknown keys, without looking for
 * the key first (the caller knows it is not there). */
static void extra_push(struct record *m, size_t *cap, const struct ynode *key, const struct ynode *v)
{
	struct ynode *x = m->extra;

	if (!x) {
		x = m->extra = xcalloc(1, sizeof(*x));
		x->type = YN_MAP;
		x->owned = true;
	}
	x->v = xgrow(x->v, cap, x->n + 2, sizeof(*x->v));
	x->v[x->n++] = ynode_dup(key);
	x->v[x->n++] = ynode_dup(v);
}

/* Give m src's value of unknown key (none when src has none). */
static void extra_set(struct record *m, const char *key, const struct record *src)
{
	const struct ynode *v = src && src->extra ? ymap_get(src->extra, key) : NULL;
	struct ynode *x = m->extra;
	size_t i, cap;

	if (!x && !v)
		return;
	for (i = 0; x && i + 1 < x->n; i += 2)
		if (!strcmp(x->v[i]->s, key))
			break;
	if (x && i + 1 < x->n) {
		ynode_free(x->v[i + 1]);
		if (v) {
			x->v[i + 1] = ynode_dup(v);
			return;
		}
		ynode_free(x->v[i]);
		memmove(&x->v[i], &x->v[i + 2], (x->n - i - 2) * sizeof(*x->v));
		x->n -= 2;
		return;
	}
	if (!v)
		return;
	cap = x ? x->n : 0;
	for (size_t j = 0; j + 1 < src->extra->n; j += 2)
		if (!strcmp(src->extra->v[j]->s, key)) {
			extra_push(m, &cap, src->extra->v[j], v);
			return;
		}
}

static void merge_extra(struct record *m, const struct record *b, const struct record *o,
			const struct record *t, struct merge_report *rep)
{
	struct keyindex bx, ox, tx;
	size_t cap = 0;

	keyindex_init_map(&bx, b ? b->extra : NULL);
	keyindex_init_map(&ox, o->extra);
	keyindex_init_map(&tx, t->extra);
	for (int side = 0; side < 2; side++) {
		const struct record *s = side ? t : o;
		const struct keyindex *sx = side ? &tx : &ox;

		for (size_t i = 0; s->extra && i + 1 < s->extra->n; i += 2) {
			const char *k = s->extra->v[i]->s;
			const struct keyindex_pair *bp = keyindex_find(&bx, k), *op = keyindex_find(&ox, k),
						   *tp = keyindex_find(&tx, k), *won;
			char *bt, *ot, *tt;
			bool c;
			const char *v;

			/* Once per key: the first of a key twice on one side. */
			if (keyindex_find(sx, k)->pos != i / 2 || (side && op))
				continue;
			bt = node_text(bp ? bp->v : NULL);
			ot = node_text(op ? op->v : NULL);
			tt = node_text(tp ? tp->v : NULL);
			v = pick(bt, ot, tt, &c);
			if (c)
				conflict(rep, m->id, k, ot, tt);
			/* The key as the side taken writes it (plain or quoted). */
			won = v == ot ? op : tp;
			if (v)
				extra_push(m, &cap, (v == ot ? o : t)->extra->v[2 * won->pos], won->v);
			free(bt);
			free(ot);
			free(tt);
		}
	}
	keyindex_release(&bx);
	keyindex_release(&ox);
	keyindex_release(&tx);
}

/* ---- the record ---- */

void merge_record(struct record **out, const struct record *b, const struct record *o,
		  const struct record *t, struct merge_report *rep_opt)
{
	struct merge_report local = { 0 }, *rep = rep_opt ? rep_opt : &local;
	struct record *m = xcalloc(1, sizeof(*m));
	const struct kvlist *ph;
	long phase_ev, manager_ev;
	bool derive_phase, derive_manager, end_from_history = false;
	const struct record *end_side = NULL;
	const struct kvlist *hold = NULL;

	m->id = xstrdup(o->id);
	merge_list(&m->history, &m->nhistory, b ? b->history : NULL, b ? b->nhistory : 0, o->history, o->nhistory,
		   t->history, t->nhistory);
	merge_list(&m->notes, &m->nnotes, b ? b->notes : NULL, b ? b->nnotes : 0, o->notes, o->nnotes, t->notes,
		   t->nnotes);
	/* phase, phase_since and manager follow the merged history as every
	 * writer makes them follow its own (record_follow_history). */
	record_deciding(m, &phase_ev, &manager_ev);
	ph = phase_ev >= 0 ? &m->history[phase_ev] : NULL;
	derive_phase = phase_ev >= 0;
	derive_manager = manager_ev >= 0;
	if (ph) {
		bool in_o = count_of(o->history, o->nhistory, ph) > 0;
		bool in_t = count_of(t->history, t->nhistory, ph) > 0;

		/* The end reason goes with the move that set it. */
		if (in_o != in_t) {
			end_from_history = true;
			end_side = in_o ? o : t;
		}
	}
	/* The hold is the last hold event's, as the hold writer keeps it: a
	 * hold replayed from a clone that had not seen a later one must not
	 * undo it in the fields while the history says otherwise. */
	for (size_t i = m->nhistory; i-- > 0 && !hold;)
		if (kv_get(&m->history[i], "hold_until"))
			hold = &m->history[i];
	for (const struct record_key *k = record_keys; k->name; k++) {
		const char *name = k->name;

		if (!sfield_key(k))
			continue;
		if (hold && (k->slot == RS_HOLD_UNTIL || k->slot == RS_HOLD_REASON)) {
			const char *until = kv_get(hold, "hold_until");
			const char *v = k->slot == RS_HOLD_UNTIL ? until : kv_get(hold, "reason");

			*sfield(m, k) = v && strcmp(until, "none") ? xstrdup(v) : NULL;
			continue;
		}

		if ((derive_phase && !strcmp(name, "phase_since")) || (derive_manager && !strcmp(name, "manager")))
			continue;
		if (end_from_history && !strcmp(name, "end_reason")) {
			const char *v = *sfield(end_side, k);

			*sfield(m, k) = v ? xstrdup(v) : NULL;
			continue;
		}
		*sfield(m, k) = merge_str(m->id, name, b ? *sfield(b, k) : NULL, *sfield(o, k), *sfield(t, k), rep);
	}
	if (!derive_phase) {
		char bs[16], os[16], ts[16];
		bool c;
		const char *v;

		snprintf(bs, sizeof(bs), "%d", b ? b->phase : 0);
		snprintf(os, sizeof(os), "%d", o->phase);
		snprintf(ts, sizeof(ts), "%d", t->phase);
		v = pick(b ? bs : NULL, os, ts, &c);
		if (c)
			conflict(rep, m->id, "phase", os, ts);
		m->phase = atoi(v);
	}
	record_follow_history(m);
	if (!m->kind)
		m->kind = xstrdup("external");
	merge_tags(m, b, o, t);
	merge_fields(m, b, o, t, rep);
	merge_contacts(m, b, o, t, rep);
	merge_extra(m, b, o, t, rep);
	merge_report_release(&local);
	*out = m;
}

/* ---- the merge driver ---- */

/* Give m the value src has for field (undoing the choice of theirs). */
static void apply_field(struct record *m, const struct record *src, const char *field)
{
	const struct record_key *k = record_key_find(field);

	if (k && sfield_key(k)) {
		free(*sfield(m, k));
		*sfield(m, k) = *sfield(src, k) ? xstrdup(*sfield(src, k)) : NULL;
	} else if (!strcmp(field, "phase")) {
		m->phase = src->phase;
	} else if (!strcmp(field, "contacts")) {
		set_contacts(m, src);
	} else if (!strncmp(field, "fields.", 7)) {
		kv_set(&m->fields, field + 7, kv_get(&src->fields, field + 7));
	} else {
		extra_set(m, field, src);
	}
}

/* A unit of the canonical text: a top-level key with what is under it, or
 * one free field. Conflicts are marked around whole units. */
struct unit {
	const char *p;
	size_t len;
};

static size_t split_units(const char *s, struct unit **out)
{
	size_t n = 0, cap = 0;
	bool in_fields = false;

	*out = NULL;
	for (const char *line = s; *line;) {
		const char *nl = strchr(line, '\n');
		const char *end = nl ? nl + 1 : line + strlen(line);
		bool top = line[0] != ' ';
		bool starts = top || (in_fields && line[0] == ' ' && line[1] == ' ' && line[2] != ' ');

		if (top)
			in_fields = !strncmp(line, "fields:", 7);
		if (starts || !n) {
			*out = xgrow(*out, &cap, n + 1, sizeof(**out));
			(*out)[n++] = (struct unit){ line, 0 };
		}
		(*out)[n - 1].len = (size_t)(end - (*out)[n - 1].p);
		line = end;
	}
	return n;
}

static bool unit_eq(const struct unit *a, const struct unit *b)
{
	return a->len == b->len && !memcmp(a->p, b->p, a->len);
}

static void flush_block(struct buf *out, struct buf *a, struct buf *b)
{
	if (!a->len && !b->len)
		return;
	buf_adds(out, "<<<<<<< ours\n");
	buf_add(out, a->p, a->len);
	buf_adds(out, "=======\n");
	buf_add(out, b->p, b->len);
	buf_adds(out, ">>>>>>> theirs\n");
	buf_reset(a);
	buf_reset(b);
}

/* Beyond this many cells ((na + 1) * (nb + 1)), the table of the longest
 * common subsequence would take too much time and memory (a record may have
 * 100,000 fields): the run is aligned within a window instead. */
#define LCS_MAX_CELLS ((size_t)1 << 20)
#define ALIGN_WINDOW 64

/* Align a[0..na) and b[0..nb) by a longest common subsequence: units in
 * both go to out once, runs that differ to pa and pb until flushed. */
static void align_lcs(struct buf *out, const struct unit *a, size_t na, const struct unit *b, size_t nb,
		      struct buf *pa, struct buf *pb)
{
	size_t w = nb + 1, *lcs = xcalloc((na + 1) * w, sizeof(*lcs));
	size_t i = 0, j = 0;

	for (size_t x = na; x-- > 0;)
		for (size_t y = nb; y-- > 0;)
			lcs[x * w + y] = unit_eq(&a[x], &b[y]) ? lcs[(x + 1) * w + y + 1] + 1
				: lcs[(x + 1) * w + y] > lcs[x * w + y + 1] ? lcs[(x + 1) * w + y]
									    : lcs[x * w + y + 1];
	while (i < na || j < nb) {
		if (i < na && j < nb && unit_eq(&a[i], &b[j])) {
			flush_block(out, pa, pb);
			buf_add(out, a[i].p, a[i].len);
			i++;
			j++;
		} else if (j >= nb || (i < na && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
			buf_add(pa, a[i].p, a[i].len);
			i++;
		} else {
			buf_add(pb, b[j].p, b[j].len);
			j++;
		}
	}
	free(lcs);
}

/* The same in O((na + nb) * ALIGN_WINDOW): where the units differ, skip on
 * the side whose next equal unit is nearer (within the window), else take
 * one unit of each as differing. Every unit still goes out once, so the
 * ours side of the result is a and the theirs side b. */
static void align_window(struct buf *out, const struct unit *a, size_t na, const struct unit *b, size_t nb,
			 struct buf *pa, struct buf *pb)
{
	size_t i = 0, j = 0;

	while (i < na || j < nb) {
		size_t da = 0, db = 0;

		if (i < na && j < nb && unit_eq(&a[i], &b[j])) {
			flush_block(out, pa, pb);
			buf_add(out, a[i].p, a[i].len);
			i++;
			j++;
			continue;
		}
		for (size_t k = 1; i < na && j < nb && k <= ALIGN_WINDOW && i + k < na && !da; k++)
			da = unit_eq(&a[i + k], &b[j]) ? k : 0;
		for (size_t k = 1; i < na && j < nb && k <= ALIGN_WINDOW && j + k < nb && !db; k++)
			db = unit_eq(&a[i], &b[j + k]) ? k : 0;
		if (j >= nb || (da && (!db || da <= db))) {
			for (size_t k = 0; k < (da ? da : 1); k++, i++)
				buf_add(pa, a[i].p, a[i].len);
		} else if (i >= na || db) {
			for (size_t k = 0; k < (db ? db : 1); k++, j++)
				buf_add(pb, b[j].p, b[j].len);
		} else {
			buf_add(pa, a[i].p, a[i].len);
			buf_add(pb, b[j].p, b[j].len);
			i++;
			j++;
		}
	}
}

/* Units equal in both texts once, runs that differ between markers. What
 * both begin and end with is common as it is; the run between is aligned
 * by a longest common subsequence of units, or within a window when that
 * would be too large. */
static void mark_units(struct buf *out, const char *ta, const char *tb)
{
	struct unit *a, *b;
	size_t na = split_units(ta, &a), nb = split_units(tb, &b), pre = 0, suf = 0, ma, mb;
	struct buf pa = BUF_INIT, pb = BUF_INIT;

	for (; pre < na && pre < nb && unit_eq(&a[pre], &b[pre]); pre++)
		buf_add(out, a[pre].p, a[pre].len);
	while (suf < na - pre && suf < nb - pre && unit_eq(&a[na - 1 - suf], &b[nb - 1 - suf]))
		suf++;
	ma = na - pre - suf;
	mb = nb - pre - suf;
	if ((ma + 1) * (mb + 1) <= LCS_MAX_CELLS)
		align_lcs(out, a + pre, ma, b + pre, mb, &pa, &pb);
	else
		align_window(out, a + pre, ma, b + pre, mb, &pa, &pb);
	flush_block(out, &pa, &pb);
	for (size_t i = na - suf; i < na; i++)
		buf_add(out, a[i].p, a[i].len);
	buf_release(&pa);
	buf_release(&pb);
	free(a);
	free(b);
}

int merge_read_inputs(struct buf text[3], const char *const files[3], const char *path)
{
	static const char *const side[3] = { "base", "ours", "theirs" };
	size_t size[3];
	bool big[3] = { false, false, false };
	struct buf msg = BUF_INIT;
	int rc;

	for (int i = 0; i < 3; i++) {
		if (!(rc = buf_read_file(&text[i], files[i], YAML_MAX_DOC, &size[i])))
			continue;
		if (rc != PREG_EINVAL)
			return rc;
		/* Go on: the message gives every size. */
		big[i] = true;
	}
	if (!big[0] && !big[1] && !big[2])
		return 0;
	for (int i = 0; i < 3; i++)
		if (size[i] == SIZE_MAX)
			buf_addf(&msg, "%s%s more than %d bytes", i ? ", " : "", side[i], YAML_MAX_DOC);
		else
			buf_addf(&msg, "%s%s %zu bytes", i ? ", " : "", side[i], size[i]);
	rc = preg_error_set(PREG_EINVAL, "%s: not merged: %s; a record is at most %d bytes (1 MiB), so ours is left as it was",
			    path, buf_str(&msg), YAML_MAX_DOC);
	buf_release(&msg);
	return rc;
}

void merge_mark_whole(struct buf *out, const char *ours, size_t olen, const char *theirs, size_t tlen)
{
	buf_adds(out, "<<<<<<< ours\n");
	buf_add(out, ours, olen);
	if (olen && ours[olen - 1] != '\n')
		buf_addc(out, '\n');
	buf_adds(out, "=======\n");
	buf_add(out, theirs, tlen);
	if (tlen && theirs[tlen - 1] != '\n')
		buf_addc(out, '\n');
	buf_adds(out, ">>>>>>> theirs\n");
}

int merge_text(struct buf *out, int *conflicts, const char *base, size_t blen, const char *ours,
	       size_t olen, const char *theirs, size_t tlen, const char *path)
{
	struct record *b = NULL, *o = NULL, *t = NULL, *m = NULL, *mo = NULL;
	struct merge_report rep = { 0 };
	int rc;

	*conflicts = 0;
	if (olen == tlen && !memcmp(ours, theirs, olen)) {
		buf_add(out, ours, olen);
		return 0;
	}
	if (!blen || !olen || !tlen) {
		merge_mark_whole(out, ours, olen, theirs, tlen);
		*conflicts = 1;
		return 0;
	}
	if ((rc = record_parse(&b, base, blen, path, NULL)) || (rc = record_parse(&o, ours, olen, path, NULL)) ||
	    (rc = record_parse(&t, theirs, tlen, path, NULL)))
		goto out;
	merge_record(&m, b, o, t, &rep);
	if (!rep.n) {
		record_write(out, m);
	} else if (rep.n > MERGE_MARK_MAX) {
		merge_mark_whole(out, ours, olen, theirs, tlen);
		*conflicts = (int)rep.n;
	} else {
		struct buf ta = BUF_INIT, tb = BUF_INIT;

		mo = record_dup(m);
		for (size_t i = 0; i < rep.n; i++)
			apply_field(mo, o, rep.v[i].field);
		record_write(&ta, mo);
		record_write(&tb, m);
		mark_units(out, buf_str(&ta), buf_str(&tb));
		buf_release(&ta);
		buf_release(&tb);
		*conflicts = (int)rep.n;
	}
out:
	merge_report_release(&rep);
	record_free(b);
	record_free(o);
	record_free(t);
	record_free(m);
	record_free(mo);
	return rc;
}
