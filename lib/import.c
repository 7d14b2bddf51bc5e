/* import: CSV rows into client records, all or nothing (see import.h). */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "layout.h"
#include "import.h"
#include "ops.h"
#include "ptime.h"
#include "slug.h"
#include "strmap.h"
#include "utf8.h"
#include "xalloc.h"

enum col {
	C_SKIP, C_NAME, C_ID, C_MANAGER, C_KIND, C_PHASE, C_PHASE_N, C_NEXT, C_ACTION,
	C_END_REASON, C_HOLD_UNTIL, C_HOLD_REASON, C_REMARKS, C_TAGS, C_CONTACTS, C_FIELD,
};

struct colmap {
	enum col kind;
	int phase;      /* C_PHASE_N */
	char *field;    /* C_FIELD */
	const char *header;
};

/* Headers that name a record key. Spreadsheets kept in Russian name the
 * first columns in Russian; both spellings of the first letter are listed
 * because strcasecmp folds ASCII only. */
static const struct {
	const char *name;
	enum col kind;
} keys[] = {
	{ "client", C_NAME }, { "name", C_NAME }, { "Клиент", C_NAME }, { "клиент", C_NAME },
	{ "id", C_ID }, { "manager", C_MANAGER }, { "Менеджер", C_MANAGER }, { "менеджер", C_MANAGER },
	{ "kind", C_KIND }, { "phase", C_PHASE }, { "next_contact", C_NEXT }, { "next_action", C_ACTION },
	{ "end_reason", C_END_REASON }, { "hold_until", C_HOLD_UNTIL }, { "hold_reason", C_HOLD_REASON },
	{ "remarks", C_REMARKS }, { "tags", C_TAGS }, { "contacts", C_CONTACTS }, { "-", C_SKIP },
};

static const char *const phase_words[] = { "phase", "Фаза", "фаза", "Этап", "этап", NULL };

struct ictx {
	const struct phases *ph;
	const struct csv_table *t;
	const struct import_opts *o;
	struct import_result *res;
	struct colmap *cols;
	size_t ncols;
	const char *user;
	struct ptime now;
	bool (*exists)(void *arg, const char *id);
	void *exists_arg;
	struct strmap ids;       /* existing ids (value unused) */
	struct strmap names;     /* an existing client's normalised name -> its id */
	struct strmap taken;     /* ids this file takes -> line */
	struct strmap seen;      /* normalised names in this file -> line */
	struct strmap noted;     /* manager cells already noted */
};

static void push(char ***v, size_t *n, char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

/* A cell quoted in a message may hold line breaks or escapes: they must
 * not reach the terminal, and one problem stays one line; a character that
 * shows as nothing or reorders the text shows as its code point. Takes s;
 * returns the text to keep. */
static char *visible(char *s)
{
	struct buf b = BUF_INIT;

	for (unsigned char *p = (unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
	utf8_put_visible(&b, s);
	free(s);
	return buf_detach(&b);
}

static void problem(struct ictx *c, int line, const char *fmt, ...) PREG_PRINTF(3, 4);
static void problem(struct ictx *c, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	msg = visible(msg);
	push(&c->res->problems, &c->res->nproblems, xasprintf("%s:%d: %s", c->o->file, line, msg));
	free(msg);
}

/* Line breaks as LF: Excel writes CRLF inside quoted cells. */
static char *unix_lines(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;

	for (; *s; s++)
		if (!(s[0] == '\r' && s[1] == '\n'))
			*o++ = *s == '\r' ? '\n' : *s;
	*o = '\0';
	return out;
}

int import_date(const char *s, int32_t *day)
{
	unsigned d, m, y;
	int n = 0;
	char iso[32];

	if (strlen(s) == 10 && s[4] == '-')
		return date_parse(day, s);
	if (sscanf(s, "%2u.%2u.%4u%n", &d, &m, &y, &n) == 3 && (size_t)n == strlen(s) && y >= 1000) {
		snprintf(iso, sizeof(iso), "%04u-%02u-%02u", y, m, d);
		if (!date_parse(day, iso))
			return 0;
	}
	return preg_error_set(PREG_EINVAL, "invalid date '%s' (YYYY-MM-DD or DD.MM.YYYY)", s);
}

int import_read(struct buf *out, const char *file)
{
	size_t size;
	int rc = buf_read_file(out, file, IMPORT_MAX_BYTES, &size);

	if (rc != PREG_EINVAL)
		return rc;
	if (size == SIZE_MAX)
		return preg_error_set(rc, "'%s' is larger than the 1 GiB an import reads", file);
	return preg_error_set(rc, "'%s' is %zu bytes, larger than the 1 GiB an import reads", file, size);
}

/* ---- the header ---- */

/* What a header or a --map target names; false when it names no record key. */
static bool target(const char *s, struct colmap *m)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		if (!strcasecmp(s, keys[i].name)) {
			m->kind = keys[i].kind;
			return true;
		}
	for (int i = 0; phase_words[i]; i++) {
		size_t n = strlen(phase_words[i]);
		const char *p = s + n;
		char *end;
		long v;

		if (strncasecmp(s, phase_words[i], n))
			continue;
		while (*p == ' ' || *p == '_' || *p == '.')
			p++;
		if (!isdigit((unsigned char)*p))
			continue;
		v = strtol(p, &end, 10);
		if (*end || v < 1 || v > 1000)
			continue;
		m->kind = C_PHASE_N;
		m->phase = (int)v;
		return true;
	}
	if (!strncmp(s, "fields.", 7) && field_name_ok(s + 7)) {
		m->kind = C_FIELD;
		m->field = xstrdup(s + 7);
		return true;
	}
	return false;
}

bool import_header_is_key(const char *name)
{
	struct colmap m;
	bool key;

	memset(&m, 0, sizeof(m));
	key = target(name, &m);
	free(m.field);
	return key;
}

/* Which of the n columns hold a value below the header: one pass over the
 * cells, not one over the rows for each column. Caller frees. */
static bool *columns_used(const struct csv_table *t, size_t n)
{
	bool *used = xcalloc(n + 1, sizeof(bool));

	for (size_t r = 1; r < t->nrows; r++)
		for (size_t col = 0; col < n && col < t->rows[r].ncells; col++)
			used[col] |= t->rows[r].cells[col][0] != '\0';
	return used;
}

/* What a column holds, as a string that two columns share when they hold
 * the same thing: "" for what may come in many columns (skipped, tags). */
static char *column_key(const struct colmap *m)
{
	if (m->kind == C_SKIP || m->kind == C_TAGS)
		return xstrdup("");
	if (m->kind == C_PHASE_N)
		return xasprintf("%d:%d", (int)m->kind, m->phase);
	if (m->kind == C_FIELD)
		return xasprintf("%d:%s", (int)m->kind, m->field ? m->field : "");
	return xasprintf("%d", (int)m->kind);
}

struct colkey {
	char *key;
	size_t col;
};

static int by_colkey(const void *a, const void *b)
{
	const struct colkey *x = a, *y = b;
	int k = strcmp(x->key, y->key);

	return k ? k : x->col < y->col ? -1 : x->col > y->col;
}

/* Two columns for one thing would leave one of them unread: each column
 * that repeats an earlier one is named with the first, found by sorting
 * (a header may have 16,384 columns: comparing them pairwise took minutes). */
static void same_columns(struct ictx *c, int line)
{
	struct colkey *k = xcalloc(c->ncols + 1, sizeof(*k));
	size_t *first = xcalloc(c->ncols + 1, sizeof(*first));

	for (size_t i = 0; i < c->ncols; i++) {
		k[i].key = column_key(&c->cols[i]);
		k[i].col = i;
		first[i] = i;
	}
	if (c->ncols)
		qsort(k, c->ncols, sizeof(*k), by_colkey);
	for (size_t i = 0; i < c->ncols;) {
		size_t j = i + 1;

		while (j < c->ncols && !strcmp(k[j].key, k[i].key))
			j++;
		for (size_t m = i + 1; m < j && *k[i].key; m++)
			first[k[m].col] = k[i].col;
		i = j;
	}
	for (size_t i = 0; i < c->ncols; i++) {
		char *name;

		if (first[i] == i)
			continue;
		name = xstrtrim(c->cols[i].header);
		problem(c, line, "columns %zu and %zu ('%s', '%s') hold the same thing", first[i] + 1, i + 1,
			c->cols[first[i]].header, name);
		free(name);
	}
	for (size_t i = 0; i < c->ncols; i++)
		free(k[i].key);
	free(k);
	free(first);
}

static void note(struct ictx *c, char *s)
{
	push(&c->res->notes, &c->res->nnotes, visible(s));
}

static void map_columns(struct ictx *c)
{
	const struct csv_row *h = &c->t->rows[0];
	int line = h->line;
	bool *used = xcalloc(c->o->nmaps + 1, sizeof(bool)), *holds;

	c->ncols = h->ncells;
	c->cols = xcalloc(c->ncols + 1, sizeof(*c->cols));
	holds = columns_used(c->t, c->ncols);
	for (size_t i = 0; i < c->ncols; i++) {
		struct colmap *m = &c->cols[i];
		char *name = xstrtrim(h->cells[i]);
		const char *to = NULL;

		m->header = h->cells[i];
		for (size_t k = 0; k < c->o->nmaps; k++) {
			const char *eq = strchr(c->o->maps[k], '=');

			if (eq && (size_t)(eq - c->o->maps[k]) == strlen(name) &&
			    !strncasecmp(c->o->maps[k], name, strlen(name))) {
				to = eq + 1;
				used[k] = true;
			}
		}
		if (to) {
			if (!target(to, m)) {
				if (field_name_ok(to)) {
					m->kind = C_FIELD;
					m->field = xstrdup(to);
				} else {
					problem(c, line, "--map '%s=%s': '%s' is neither a record key nor a field name",
						name, to, to);
				}
			}
		} else if (!*name) {
			m->kind = C_SKIP;
			if (holds[i])
				problem(c, line, "column %zu has no name but holds values; name it or --map it", i + 1);
		} else if (!target(name, m)) {
			m->kind = C_FIELD;
			if (field_name_ok(name)) {
				m->field = xstrdup(name);
			} else if (!slug_from_name(&m->field, name)) {
				note(c, xasprintf("column '%s' imported as field '%s' (--map '%s=NAME' to choose)", name,
						  m->field, name));
			} else {
				problem(c, line, "column '%s' makes no field name; --map '%s=NAME' it", name, name);
				m->kind = C_SKIP;
			}
		}
		if (m->kind == C_PHASE_N && !phases_get(c->ph, m->phase))
			problem(c, line, "column '%s': the register has no phase %d", name, m->phase);
		free(name);
	}
	same_columns(c, line);
	for (size_t k = 0; k < c->o->nmaps; k++)
		if (!used[k])
			problem(c, line, "--map '%s': the header has no such column", c->o->maps[k]);
	free(used);
	free(holds);
	for (size_t i = 0; i < c->ncols; i++)
		if (c->cols[i].kind == C_NAME)
			return;
	problem(c, line, "no client column: name one 'Client' (or 'name'), or --map it");
}

/* ---- a row ---- */

struct reached {
	int phase;
	bool dated;
	struct ptime at;
	const char *cell, *header;
};

/* The handle for a Manager cell (the caller frees it), or NULL with a
 * problem noted: a handle as it is, a manager of preg.yaml by handle or
 * full name, else the name made a handle (transliterated, lowercase). */
static char *manager_of(struct ictx *c, int line, const char *cell)
{
	const struct phases *ph = c->ph;
	char *h = NULL;

	if (!*cell)
		return xstrdup(c->o->manager ? c->o->manager : c->user);
	for (size_t i = 0; i < ph->nmanagers; i++)
		if (!strcasecmp(cell, ph->managers[i].handle) ||
		    (ph->managers[i].name && !strcasecmp(cell, ph->managers[i].name)))
			return xstrdup(ph->managers[i].handle);
	if (handle_valid(cell)) {
		h = xstrdup(cell);
	} else if (!slug_from_name(&h, cell) && handle_valid(h)) {
		if (!strmap_get(&c->noted, cell, NULL)) {
			strmap_put(&c->noted, cell, NULL);
			note(c, xasprintf("manager '%s' imported as '%s'", cell, h));
		}
	} else {
		free(h);
		problem(c, line, "manager '%s' makes no handle", cell);
		return NULL;
	}
	if (phases_check_manager(ph, h)) {
		problem(c, line, "%s", preg_error_msg());
		free(h);
		return NULL;
	}
	return h;
}

/* A phase cell: a date or time says when; other text only that it was reached. */
static bool reached_at(struct ictx *c, int line, struct reached *x)
{
	int32_t day;

	x->dated = isdigit((unsigned char)x->cell[0]);
	if (!x->dated)
		return true;
	if (strchr(x->cell, 'T') ? !ptime_parse(&x->at, x->cell) : !import_date(x->cell, &day)) {
		if (!strchr(x->cell, 'T'))
			x->at = ptime_from_day(day, c->now.off);
		if (x->at.t > c->now.t) {
			problem(c, line, "'%s' in column '%s' is in the future", x->cell, x->header);
			return false;
		}
		return true;
	}
	problem(c, line, "bad date '%s' in column '%s' (YYYY-MM-DD or DD.MM.YYYY)", x->cell, x->header);
	return false;
}

/* The history: one event per phase reached, in the order of the phases;
 * a phase reached without a date takes the time of the dated one before it
 * (or after it; or now). */
static bool history(struct ictx *c, int line, struct record *rec, struct reached *v, size_t n,
		    const struct phase *cur, const char *manager)
{
	const struct reached *prev = NULL;
	char at[PTIME_LEN], num[16];
	bool ok = true;

	for (size_t i = 0; i < n; i++) {
		if (!reached_at(c, line, &v[i])) {
			ok = false;
			continue;
		}
		if (!v[i].dated)
			continue;
		if (prev && v[i].at.t < prev->at.t) {
			problem(c, line, "'%s' in column '%s' is earlier than '%s' in column '%s'", v[i].cell,
				v[i].header, prev->cell, prev->header);
			ok = false;
		}
		prev = &v[i];
	}
	if (!ok)
		return false;
	if (n && cur && cur->id != v[n - 1].phase) {
		problem(c, line, "the phase column says %d (%s), but the last phase column filled is %d", cur->id,
			cur->key, v[n - 1].phase);
		return false;
	}
	if (!n) {
		if (!cur)
			cur = phases_get(c->ph, 1);
		if (!cur) {
			problem(c, line, "the register has no phases");
			return false;
		}
		v[0].phase = cur->id;
		v[0].dated = false;
		n = 1;
	}
	for (size_t i = 0; i < n; i++) {
		struct ptime t = c->now;
		bool found = false;

		for (size_t k = i + 1; k-- > 0 && !found;)
			if (v[k].dated) {
				t = v[k].at;
				found = true;
			}
		for (size_t k = i + 1; k < n && !found; k++)
			if (v[k].dated) {
				t = v[k].at;
				found = true;
			}
		ptime_format(at, t);
		snprintf(num, sizeof(num), "%d", v[i].phase);
		record_add_event(rec, at, c->user,
				 (const char *const[]){ "phase", num, "manager", i ? NULL : manager }, 4);
		if (!i)
			rec->created = xstrdup(at);
	}
	rec->phase = v[n - 1].phase;
	rec->phase_since = xstrdup(kv_get(&rec->history[rec->nhistory - 1], "at"));
	return true;
}

/* Whether a cell's text would show other than it is (text_hidden): then a
 * problem naming the column and the character. */
static bool hidden_cell(struct ictx *c, int line, const char *header, const char *s, bool one)
{
	char *what;

	if (!text_hidden(s, one, NULL))
		return false;
	what = xasprintf("column '%s'", header);
	text_hidden_error(what, s, one);
	problem(c, line, "%s", preg_error_msg());
	free(what);
	return true;
}

static bool one_line(struct ictx *c, int line, const char *what, const char *s, size_t max)
{
	if (hidden_cell(c, line, what, s, true))
		return false;
	if (text_line_ok(s, max))
		return true;
	problem(c, line, "%s must be one line of text (at most %zu bytes, no control characters)", what, max);
	return false;
}

static bool date_cell(struct ictx *c, int line, const char *what, const char *s, char **out)
{
	int32_t day;
	char iso[DATE_LEN];

	if (import_date(s, &day)) {
		problem(c, line, "%s: %s", what, preg_error_msg());
		return false;
	}
	date_format(iso, day);
	*out = xstrdup(iso);
	return true;
}

static void add_tags(struct ictx *c, int line, struct record *rec, const char *s)
{
	char *copy = xstrdup(s), *save = NULL;

	for (char *tok = strtok_r(copy, ", \t\r\n", &save); tok; tok = strtok_r(NULL, ", \t\r\n", &save)) {
		bool dup = false;

		if (hidden_cell(c, line, "tags", tok, true))
			continue;
		if (record_tag_check(tok)) {
			problem(c, line, "%s", preg_error_msg());
			continue;
		}
		for (size_t i = 0; i < rec->ntags && !dup; i++)
			dup = !strcmp(rec->tags[i], tok);
		if (dup)
			continue;
		rec->tags = xrealloc(rec->tags, (rec->ntags + 2) * sizeof(char *));
		rec->tags[rec->ntags++] = xstrdup(tok);
		rec->tags[rec->ntags] = NULL;
	}
	free(copy);
}

static void add_contacts(struct ictx *c, int line, struct record *rec, const char *s)
{
	char *copy = xstrdup(s), *save = NULL;

	for (char *tok = strtok_r(copy, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save)) {
		struct kvlist kv;

		if (!tok[strspn(tok, " \t")])
			continue;
		if (ops_parse_contact(tok, &kv)) {
			problem(c, line, "%s", preg_error_msg());
			continue;
		}
		rec->contacts = xrealloc(rec->contacts, (rec->ncontacts + 1) * sizeof(*rec->contacts));
		rec->contacts[rec->ncontacts++] = kv;
	}
	free(copy);
}

/* The id: given (valid, free), or derived from the name, with -2, -3...
 * when taken. The name must not be that of an existing client or of an
 * earlier row, unless the row gives its own id. */
static bool assign_id(struct ictx *c, int line, struct record *rec, const char *given)
{
	char *norm = NULL, *id = NULL;
	void *v;
	bool ok = false;

	if (*given) {
		if (!slug_valid(given)) {
			problem(c, line, "invalid id '%s' (lowercase letters, digits and '-', at most 48)", given);
			return false;
		}
		if (c->exists(c->exists_arg, given)) {
			problem(c, line, "client '%s' already exists", given);
			return false;
		}
		if (strmap_get(&c->taken, given, &v)) {
			problem(c, line, "id '%s' is also on line %d", given, (int)(intptr_t)v);
			return false;
		}
		rec->id = xstrdup(given);
		strmap_put(&c->taken, given, (void *)(intptr_t)line);
		return true;
	}
	if (slug_from_name(&norm, rec->name)) {
		problem(c, line, "cannot derive an id from name '%s'; give one in an id column", rec->name);
		return false;
	}
	if (strmap_get(&c->names, norm, &v)) {
		problem(c, line, "'%s' is already client '%s' (the same name); give an id to import it anyway",
			rec->name, (const char *)v);
		goto out;
	}
	if (strmap_get(&c->seen, norm, &v)) {
		problem(c, line, "'%s' has the same name as line %d; give an id to import both", rec->name,
			(int)(intptr_t)v);
		goto out;
	}
	strmap_put(&c->seen, norm, (void *)(intptr_t)line);
	/* The name, legal form and all, tells clients apart; the id leaves
	 * the form out. It cannot fail where slug_from_name did not. */
	free(norm);
	slug_client_id(&norm, rec->name);
	id = xstrdup(norm);
	for (unsigned n = 2; c->exists(c->exists_arg, id) || strmap_get(&c->taken, id, NULL); n++) {
		free(id);
		id = slug_with_suffix(norm, n);
	}
	strmap_put(&c->taken, id, (void *)(intptr_t)line);
	rec->id = id;
	ok = true;
out:
	free(norm);
	return ok;
}

static struct record *row(struct ictx *c, const struct csv_row *r)
{
	struct record *rec = xcalloc(1, sizeof(*rec));
	/* As many as the row has cells: a header of 16,384 columns over rows of
	 * three cells must not cost 16,384 a row. */
	struct reached *reached = xcalloc((r->ncells < c->ncols ? r->ncells : c->ncols) + 1, sizeof(*reached));
	size_t nreached = 0, before = c->res->nproblems;
	const char *given_id = "", *manager_cell = "", *phase_cell = NULL;
	const struct phase *cur = NULL;
	char *manager;
	int line = r->line;

	for (size_t i = c->ncols; i < r->ncells; i++)
		if (r->cells[i][0]) {
			problem(c, line, "%zu cells, but the header has %zu columns", r->ncells, c->ncols);
			break;
		}
	rec->kind = xstrdup("external");
	for (size_t i = 0; i < c->ncols && i < r->ncells; i++) {
		const struct colmap *m = &c->cols[i];
		const char *raw = r->cells[i];
		char *v = m->kind == C_REMARKS || m->kind == C_CONTACTS ? unix_lines(raw) : xstrtrim(raw);

		if (!*v && m->kind != C_NAME) {
			free(v);
			continue;
		}
		switch (m->kind) {
		case C_SKIP: break;
		case C_NAME:
			hidden_cell(c, line, m->header, v, true);
			rec->name = v;
			v = NULL;
			break;
		case C_ID: given_id = raw; break;
		case C_MANAGER: manager_cell = raw; break;
		case C_KIND:
			if (strcmp(v, "external") && strcmp(v, "internal"))
				problem(c, line, "invalid kind '%s' (external or internal)", v);
			free(rec->kind);
			rec->kind = v;
			v = NULL;
			break;
		case C_PHASE: phase_cell = raw; break;
		case C_PHASE_N:
			if (!phases_get(c->ph, m->phase))
				break;
			/* Columns may come in any order: keep them in phase order. */
			{
				size_t k = nreached;

				while (k > 0 && reached[k - 1].phase > m->phase) {
					reached[k] = reached[k - 1];
					k--;
				}
				reached[k] = (struct reached){ m->phase, false, { 0, 0 }, raw, m->header };
				nreached++;
			}
			break;
		case C_NEXT: date_cell(c, line, "next_contact", v, &rec->next_contact); break;
		case C_HOLD_UNTIL: date_cell(c, line, "hold_until", v, &rec->hold_until); break;
		case C_ACTION:
		case C_END_REASON:
		case C_HOLD_REASON:
			if (one_line(c, line, m->header, v, 4096)) {
				char **dst = m->kind == C_ACTION ? &rec->next_action
					     : m->kind == C_END_REASON ? &rec->end_reason : &rec->hold_reason;
				*dst = v;
				v = NULL;
			}
			break;
		case C_REMARKS:
			if (hidden_cell(c, line, m->header, v, false)) {
				break;
			} else if (text_ok(v, 64 * 1024)) {
				rec->remarks = v;
				v = NULL;
			} else {
				problem(c, line, "remarks must be text of at most 64 KiB without control characters");
			}
			break;
		case C_TAGS: add_tags(c, line, rec, v); break;
		case C_CONTACTS: add_contacts(c, line, rec, v); break;
		case C_FIELD:
			if (hidden_cell(c, line, m->header, v, true))
				break;
			if (text_line_ok(v, 4096))
				kv_set(&rec->fields, m->field, v);
			else
				problem(c, line, "column '%s' must be one line of text (at most 4096 bytes); --map '%s=remarks' for longer text",
					m->header, m->header);
			break;
		}
		free(v);
	}
	if (!rec->name || !*rec->name)
		problem(c, line, "empty client name");
	else if (text_hidden(rec->name, true, NULL))
		; /* said with its column */
	else if (!text_line_ok(rec->name, 1000))
		problem(c, line, "the client name must be one line of text (at most 1000 bytes, no control characters)");
	else {
		char *id = xstrtrim(given_id);

		assign_id(c, line, rec, id);
		free(id);
	}
	{
		char *m = xstrtrim(manager_cell);

		manager = manager_of(c, line, m);
		free(m);
	}
	if (phase_cell) {
		char *p = xstrtrim(phase_cell);

		if (*p && !(cur = phases_find(c->ph, p)))
			problem(c, line, "%s", preg_error_msg());
		free(p);
	}
	if (manager) {
		rec->manager = manager;
		if (c->res->nproblems == before)
			history(c, line, rec, reached, nreached, cur, manager);
	}
	free(reached);
	if (c->res->nproblems != before) {
		record_free(rec);
		return NULL;
	}
	return rec;
}

/* ---- the whole file ---- */

static void result_clear(struct import_result *res)
{
	for (size_t i = 0; i < res->nrecs; i++)
		record_free(res->recs[i]);
	free(res->recs);
	for (size_t i = 0; i < res->nnotes; i++)
		free(res->notes[i]);
	free(res->notes);
	for (size_t i = 0; i < res->nproblems; i++)
		free(res->problems[i]);
	free(res->problems);
	memset(res, 0, sizeof(*res));
}

void import_result_release(struct import_result *res)
{
	result_clear(res);
}

static int build(struct ictx *c)
{
	size_t total = c->t->nrows - 1;

	result_clear(c->res);
	strmap_release(&c->taken);
	strmap_release(&c->seen);
	strmap_release(&c->noted);
	for (size_t i = 0; i < c->ncols; i++)
		free(c->cols[i].field);
	free(c->cols);
	c->cols = NULL;
	map_columns(c);
	if (c->res->nproblems)
		goto out;
	c->res->recs = xcalloc(total + 1, sizeof(*c->res->recs));
	for (size_t i = 1; i < c->t->nrows; i++) {
		struct record *rec = row(c, &c->t->rows[i]);

		if (rec)
			c->res->recs[c->res->nrecs++] = rec;
		if (c->o->progress && (i % 1000 == 0 || i == total))
			c->o->progress(c->o->progress_arg, i, total);
	}
	if (!total && !c->res->nproblems)
		problem(c, c->t->rows[0].line, "no clients below the header");
out:
	if (c->res->nproblems)
		return preg_error_set(PREG_EINVAL, "%zu problem%s in %s; nothing imported", c->res->nproblems,
				      c->res->nproblems == 1 ? "" : "s", c->o->file);
	return 0;
}

static bool exists_before(void *arg, const char *id)
{
	return strmap_get(&((struct ictx *)arg)->ids, id, NULL);
}

static bool exists_txn(void *arg, const char *id)
{
	return txn_exists(arg, id);
}

struct staged {
	char *path;
	size_t i; /* in res->recs */
};

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct staged *)a)->path, ((const struct staged *)b)->path);
}

static int import_mutate(struct txn *t, void *arg)
{
	struct ictx *c = arg;
	struct staged *sorted;
	char summary[300];
	const char *base = strrchr(c->o->file, '/');
	int rc;

	c->exists = exists_txn;
	c->exists_arg = t;
	/* The time of the write, taken under the lock (SPEC §7). */
	ptime_parse(&c->now, txn_now(t));
	if ((rc = build(c)))
		return rc;
	/* In path order, the index takes each entry at its end. */
	sorted = xmalloc((c->res->nrecs + 1) * sizeof(*sorted));
	for (size_t i = 0; i < c->res->nrecs; i++) {
		sorted[i].path = reg_record_path(txn_reg(t), c->res->recs[i]->id);
		sorted[i].i = i;
	}
	qsort(sorted, c->res->nrecs, sizeof(*sorted), by_path);
	/* Once staged as text a record is not needed again (the caller
	 * counts them): 100,000 of them held to the end were a third of the
	 * import's peak memory. */
	for (size_t i = 0; i < c->res->nrecs; i++) {
		txn_put(t, c->res->recs[sorted[i].i]);
		record_free(c->res->recs[sorted[i].i]);
		c->res->recs[sorted[i].i] = NULL;
		free(sorted[i].path);
	}
	free(sorted);
	snprintf(summary, sizeof(summary), "import: %zu client%s from %.200s", c->res->nrecs,
		 c->res->nrecs == 1 ? "" : "s", base ? base + 1 : c->o->file);
	txn_message(t, summary, "import", NULL);
	return 0;
}

static int collect(void *arg, const char *id, const char *path, struct record *rec)
{
	struct ictx *c = arg;
	char *norm = NULL;

	(void)path;
	if (!id)
		return 0;
	strmap_put(&c->ids, id, NULL);
	/* A record that does not parse has no name to compare; check finds it. */
	if (rec && !slug_from_name(&norm, rec->name) && !strmap_get(&c->names, norm, NULL))
		strmap_put(&c->names, norm, xstrdup(id));
	free(norm);
	return 0;
}

int import_csv(struct reg *r, const struct csv_table *t, const struct import_opts *o,
	       struct import_result *res)
{
	struct ictx c;
	int rc;

	memset(&c, 0, sizeof(c));
	memset(res, 0, sizeof(*res));
	c.ph = reg_phases(r);
	c.t = t;
	c.o = o;
	c.res = res;
	if ((rc = reg_user(r, &c.user)) || (rc = ptime_now(&c.now)))
		return rc;
	if (o->manager && (rc = phases_check_manager(c.ph, o->manager)))
		return preg_error_prefix("--manager");
	if (!t->nrows)
		return preg_error_set(PREG_EINVAL, "%s: empty file", o->file);
	if ((rc = reg_each_summary(r, collect, &c)) < 0)
		goto out;
	if (o->dry_run) {
		c.exists = exists_before;
		c.exists_arg = &c;
		rc = build(&c);
	} else {
		rc = reg_write(r, 0, import_mutate, &c);
	}
out:
	for (size_t i = 0; i < c.ncols; i++)
		free(c.cols[i].field);
	free(c.cols);
	for (size_t i = 0; i < c.names.cap; i++)
		if (c.names.keys && c.names.keys[i])
			free(c.names.vals[i]);
	strmap_release(&c.names);
	strmap_release(&c.ids);
	strmap_release(&c.taken);
	strmap_release(&c.seen);
	strmap_release(&c.noted);
	return rc;
}
