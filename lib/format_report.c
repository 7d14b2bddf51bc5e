/* format_report: the reports written out (see format_report.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "format_html.h"
#include "format_report.h"
#include "name.h"
#include "ptime.h"
#include "status.h"
#include "xalloc.h"

/* ---- small helpers ---- */

static char *num(char *out, size_t n, long long v)
{
	snprintf(out, n, "%lld", v);
	return out;
}

/* A percentage with one decimal, or NULL when the base is 0. */
static char *pct(char *out, size_t n, size_t part, size_t whole)
{
	if (!whole)
		return NULL;
	snprintf(out, n, "%.1f", 100.0 * (double)part / (double)whole);
	return out;
}

static char *day_str(char out[DATE_LEN], int32_t d)
{
	if (d == INT32_MIN || d < 0)
		return NULL;
	date_format(out, d);
	return out;
}

static const struct manager *manager_of(const struct phases *ph, const char *handle)
{
	for (size_t k = 0; k < ph->nmanagers; k++)
		if (!strcmp(ph->managers[k].handle, handle))
			return &ph->managers[k];
	return NULL;
}

/* The columns base[nb], then one per phase of ph, of type type, named
 * PREFIXkey (prefix NULL: by the phase's number), then tail[nt].
 * cols_free frees them. */
static struct fmt_col *phase_cols(const struct fmt_col *base, size_t nb, const struct phases *ph,
				  const char *prefix, enum col_type type, const struct fmt_col *tail, size_t nt)
{
	struct fmt_col *cols = xcalloc(nb + ph->n + nt, sizeof(*cols));

	memcpy(cols, base, nb * sizeof(*cols));
	for (size_t k = 0; k < ph->n; k++) {
		cols[nb + k].name = prefix ? xasprintf("%s%s", prefix, ph->v[k].key) : xasprintf("%d", ph->v[k].id);
		cols[nb + k].type = type;
	}
	memcpy(cols + nb + ph->n, tail, nt * sizeof(*cols));
	return cols;
}

static void cols_free(struct fmt_col *cols, size_t nb, size_t n)
{
	for (size_t k = 0; k < n; k++)
		free((char *)cols[nb + k].name);
	free(cols);
}

static void subtitle(char *out, size_t n, const char *what, int32_t day, bool as_of, size_t clients)
{
	char d[DATE_LEN];

	date_format(d, day);
	snprintf(out, n, "%s %s %s, %zu client%s", what, as_of ? "as of" : "on", d, clients,
		 clients == 1 ? "" : "s");
}

/* An amount (1/10000 units) as the report's values are written; plain
 * for JSON, which has its own number syntax. */
static char *amount(char *out, size_t n, int64_t v, const struct report *top, enum fmt fmt)
{
	struct numfmt plain = { 0, '.', top->amt_fmt.decimals };
	struct buf b = BUF_INIT;

	report_number_write(&b, v, fmt == FMT_JSON ? &plain : &top->amt_fmt);
	snprintf(out, n, "%s", buf_str(&b));
	buf_release(&b);
	return out;
}

/* The total and median of the sorted amounts v[n] into cells[0] and
 * cells[1], written in bufs; none when n is 0. */
static void amount_cells(const char **cells, char (*bufs)[48], const int64_t *v, size_t n, const struct report *top,
			 enum fmt fmt)
{
	cells[0] = n ? amount(bufs[0], sizeof(bufs[0]), report_amount_total(v, n), top, fmt) : NULL;
	cells[1] = n ? amount(bufs[1], sizeof(bufs[1]), report_amount_median(v, n), top, fmt) : NULL;
}

/* The columns: the group's (named by the --by key) when grouped, then
 * cols[n], then the amount's total and median (named by the field) with
 * --sum. grouped_free frees them. */
static struct fmt_col *grouped_cols(const struct report *top, const struct fmt_col *cols, size_t n, size_t *ncols)
{
	size_t g = top->o.by ? 1 : 0, k = 0;
	struct fmt_col *c = xcalloc(g + n + 2, sizeof(*c));

	if (g)
		c[k++] = (struct fmt_col){ xstrdup(top->o.by), COL_TEXT };
	for (size_t i = 0; i < n; i++, k++)
		c[k] = (struct fmt_col){ xstrdup(cols[i].name), cols[i].type };
	if (top->o.sum) {
		c[k++] = (struct fmt_col){ xasprintf("%s_total", top->o.sum), COL_NUMBER };
		c[k++] = (struct fmt_col){ xasprintf("%s_median", top->o.sum), COL_NUMBER };
	}
	*ncols = k;
	return c;
}

static void grouped_free(struct fmt_col *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)c[i].name);
	free(c);
}

/* How many groups top has to write: 1 when not grouped. */
static size_t ngroups(const struct report *top)
{
	return top->o.by ? top->ngroups : 1;
}

/* Group i of top and its key; top itself (key NULL) when not grouped. */
static const struct report *group_at(const struct report *top, size_t i, const char **key)
{
	*key = top->o.by ? top->groups[i].key : NULL;
	return top->o.by ? top->groups[i].rep : top;
}

/* A report's table: to a writer of lib/format, or row by row to a sink
 * (report_each_row). */
struct tab {
	struct fmt_writer w;
	const struct report_sink *sink;
};

static void tab_start(struct tab *t, struct buf *out, const struct report_out *o, const struct fmt_col *cols,
		      size_t n, bool color, int color_col)
{
	t->sink = o->sink;
	if (t->sink)
		t->sink->begin(t->sink->arg, cols, n, color_col);
	else
		fmt_start(&t->w, out, o->fmt, cols, n, color, color_col);
}

static void tab_row(struct tab *t, struct buf *out, const char *const *cells, const char *color)
{
	if (t->sink)
		t->sink->row(t->sink->arg, cells, color);
	else
		fmt_row(&t->w, out, cells, color);
}

static void tab_end(struct tab *t, struct buf *out)
{
	if (!t->sink)
		fmt_end(&t->w, out);
}

/* ---- the register ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The register's page; with whole false, its sections only (--all). */
static void register_html(struct buf *out, const struct report *rep, bool whole)
{
	const struct phases *ph = rep->ph;
	char sub[160], d[DATE_LEN];
	size_t i = 0;

	subtitle(sub, sizeof(sub), "The register", rep->o.day, rep->o.as_of, rep->nrows);
	if (whole)
		html_page_begin(out, "Customer support phases register", sub, ph);
	buf_adds(out, "<p class=\"sub\">Marked: <span class=\"tag overdue\">overdue</span> next contact "
		      "passed, <span class=\"tag due\">due</span> next contact today, "
		      "<span class=\"tag stale\">stale</span> longer in the phase than its limit, "
		      "<span class=\"tag hold\">on hold</span> waiting for a known reason, "
		      "<span class=\"tag ended\">ended</span> the collaboration ended.</p>\n");
	/* Grouped by manager: the rows are in id order, so take each manager
	 * in turn (a handful of managers: a pass each). */
	char **seen = NULL;
	size_t nseen = 0;

	for (i = 0; i < rep->nrows; i++) {
		size_t k;

		for (k = 0; k < nseen && strcmp(seen[k], rep->rows[i].manager); k++)
			;
		if (k == nseen) {
			seen = xrealloc(seen, (nseen + 1) * sizeof(*seen));
			seen[nseen++] = rep->rows[i].manager;
		}
	}
	if (nseen > 1)
		qsort(seen, nseen, sizeof(*seen), cmp_str);
	if (!nseen)
		buf_adds(out, "<p>No clients.</p>\n");
	for (size_t m = 0; m < nseen; m++) {
		const struct manager *mm = manager_of(ph, seen[m]);

		buf_adds(out, "<section class=\"mgr\">\n<h2>");
		html_escape(out, seen[m]);
		if (mm && mm->name) {
			buf_adds(out, ": ");
			html_escape(out, mm->name);
		}
		buf_adds(out, "</h2>\n<table class=\"register\">\n<thead><tr><th>Client</th>");
		for (size_t k = 0; k < ph->n; k++) {
			buf_addf(out, "<th title=\"");
			html_escape(out, ph->v[k].name);
			buf_addf(out, "\">%d<br>", ph->v[k].id);
			html_escape(out, ph->v[k].key);
			buf_adds(out, "</th>");
		}
		buf_adds(out, "<th class=\"n\">Days</th><th>Next contact</th></tr></thead>\n<tbody>\n");
		for (i = 0; i < rep->nrows; i++) {
			const struct rrow *r = &rep->rows[i];

			if (strcmp(r->manager, seen[m]))
				continue;
			buf_adds(out, "<tr class=\"client");
			if (r->st.stale)
				buf_adds(out, " stale");
			if (r->st.overdue)
				buf_adds(out, " overdue");
			buf_adds(out, "\"><td class=\"client\">");
			html_escape(out, r->name);
			/* The words and their order of every other output (lib/status). */
			if (r->st.overdue)
				buf_adds(out, "<span class=\"tag overdue\">overdue</span>");
			if (r->st.due)
				buf_adds(out, "<span class=\"tag due\">due</span>");
			if (r->st.stale)
				buf_adds(out, "<span class=\"tag stale\">stale</span>");
			if (r->st.on_hold)
				buf_adds(out, "<span class=\"tag hold\">on hold</span>");
			if (r->st.ended)
				buf_adds(out, "<span class=\"tag ended\">ended</span>");
			buf_adds(out, "<span class=\"id\">");
			html_escape(out, r->id);
			buf_adds(out, "</span></td>");
			for (size_t k = 0; k < ph->n; k++) {
				const struct phase *p = &ph->v[k];

				if (p->id == r->phase)
					buf_addf(out, "<td class=\"d cur\" style=\"background:%s;color:%s\">",
						 p->color ? p->color : "#ffeb3b", html_ink_on(p->color));
				else
					buf_adds(out, "<td class=\"d\">");
				if (day_str(d, r->reached[k]))
					buf_adds(out, d);
				buf_adds(out, "</td>");
			}
			buf_addf(out, "<td class=\"n\">%d</td><td class=\"d\">", r->days);
			if (day_str(d, r->next))
				buf_adds(out, d);
			buf_adds(out, "</td></tr>\n");
		}
		buf_adds(out, "</tbody>\n</table>\n</section>\n");
	}
	free(seen);
	if (whole)
		html_page_end(out);
}

static void register_table(struct buf *out, const struct report *rep, const struct report_out *o)
{
	bool wide = o->wide, color = o->color;
	const struct phases *ph = rep->ph;
	size_t *pw = xcalloc(ph->n + 1, sizeof(*pw));
	size_t mw = 7, name_w = 6, markw = 0, total = o->width,
	       fixed = 1 + (wide ? 12 : 0) + 2 + 4 + 2;
	char d[DATE_LEN], days[16];

	/* Column widths: the phases, since, days and manager are fixed; the
	 * client name takes what is left of the terminal (at least 12). */
	for (size_t i = 0; i < rep->nrows; i++) {
		size_t w = fmt_width(rep->rows[i].manager);

		if (w > mw)
			mw = w;
		if ((w = fmt_width(rep->rows[i].name)) > name_w)
			name_w = w;
		/* "  overdue, stale" after the manager */
		struct buf words = BUF_INIT;

		status_words(&words, &rep->rows[i].st);
		w = words.len ? 2 + fmt_width(words.p) : 0;
		if (w > markw)
			markw = w;
		buf_release(&words);
	}
	fixed += markw;
	for (size_t k = 0; k < ph->n; k++) {
		snprintf(d, sizeof(d), "%d", ph->v[k].id);
		pw[k] = wide ? fmt_width(ph->v[k].key) : strlen(d) < 2 ? 2 : strlen(d);
		if (wide && pw[k] < 10)
			pw[k] = 10;
		fixed += pw[k] + 1;
	}
	fixed += mw;
	/* Too wide: the name gives way down to 12 columns (name_short keeps
	 * its distinctive part), then a long manager's handle down to its
	 * header; the marks, the days and the status words stay whole. */
	if (!wide && fixed + name_w > total)
		name_w = total > fixed + 12 ? total - fixed : 12;
	if (!wide && fixed + name_w > total && mw > 7) {
		size_t give = fixed + name_w - total < mw - 7 ? fixed + name_w - total : mw - 7;

		mw -= give;
		fixed -= give;
	}
	/* The header. */
	if (color)
		buf_adds(out, "\033[1m");
	fmt_cell(out, "client", name_w, false);
	buf_addc(out, ' ');
	for (size_t k = 0; k < ph->n; k++) {
		snprintf(d, sizeof(d), "%d", ph->v[k].id);
		buf_addc(out, ' ');
		fmt_cell(out, wide ? ph->v[k].key : d, pw[k], !wide);
	}
	buf_adds(out, wide ? "  since       days  manager" : "  days  manager");
	if (color)
		buf_adds(out, "\033[0m");
	buf_addc(out, '\n');
	for (size_t i = 0; i < rep->nrows; i++) {
		const struct rrow *r = &rep->rows[i];
		struct buf line = BUF_INIT;

		char *name = name_short(r->name, name_w);

		fmt_cell(&line, name, name_w, false);
		free(name);
		buf_addc(&line, ' ');
		for (size_t k = 0; k < ph->n; k++) {
			const struct phase *p = &ph->v[k];
			bool cur = p->id == r->phase, got = r->reached[k] >= 0;
			const char *mark = cur ? "●" : got ? "✓" : "·";

			buf_addc(&line, ' ');
			if (!wide) /* right-aligned under the number */
				for (size_t sp = 1; sp < pw[k]; sp++)
					buf_addc(&line, ' ');
			if (cur && color)
				fmt_color_on(&line, p->color ? p->color : "#ffeb3b");
			if (wide)
				fmt_cell(&line, got ? day_str(d, r->reached[k]) : "", pw[k], false);
			else
				buf_adds(&line, mark);
			if (cur && color)
				fmt_color_off(&line);
		}
		if (wide) {
			buf_adds(&line, "  ");
			fmt_cell(&line, day_str(d, r->since) ? d : "", 10, false);
		}
		snprintf(days, sizeof(days), "%d", r->days);
		buf_adds(&line, "  ");
		fmt_cell(&line, days, 4, true);
		buf_adds(&line, "  ");
		fmt_cell(&line, r->manager, mw, false);
		if (status_any(&r->st)) {
			buf_adds(&line, color ? "  \033[1m" : "  ");
			status_words(&line, &r->st);
			if (color)
				buf_adds(&line, "\033[0m");
		}
		while (line.len && line.p[line.len - 1] == ' ')
			line.len--;
		buf_add(out, line.p, line.len);
		buf_addc(out, '\n');
		buf_release(&line);
	}
	if (wide) {
		buf_addc(out, '\n');
		for (size_t k = 0; k < ph->n; k++) {
			if (color)
				fmt_color_on(out, ph->v[k].color);
			fmt_addf(out, "%2d %s", ph->v[k].id, ph->v[k].key);
			if (color)
				fmt_color_off(out);
			fmt_addf(out, ": %s\n", ph->v[k].name);
		}
	}
	free(pw);
}

static void register_rows(struct buf *out, const struct report *top, const struct report_out *o)
{
	static const struct fmt_col base[] = {
		{ "id", COL_TEXT }, { "name", COL_TEXT }, { "manager", COL_TEXT }, { "phase", COL_NUMBER },
		{ "phase_key", COL_TEXT }, { "phase_since", COL_TEXT }, { "days_in_phase", COL_NUMBER },
		{ "next_contact", COL_TEXT }, { "stale", COL_BOOL }, { "due", COL_BOOL }, { "overdue", COL_BOOL },
	};
	/* Added after the reached_ columns, so that a script that counts
	 * columns still finds those where they were. */
	static const struct fmt_col tail[] = { { "on_hold", COL_BOOL }, { "ended", COL_BOOL } };
	const size_t nb = sizeof(base) / sizeof(*base), n = top->ph->n, nt = sizeof(tail) / sizeof(*tail);
	const size_t g = top->o.by ? 1 : 0;
	struct fmt_col *pc = phase_cols(base, nb, top->ph, "reached_", COL_TEXT, tail, nt), *cols;
	char (*dates)[DATE_LEN] = xcalloc(n + 2, sizeof(*dates));
	struct tab w;
	size_t nc;
	const char **cells;

	cols = grouped_cols(top, pc, nb + n + nt, &nc); /* the group's column first */
	cells = xcalloc(nc, sizeof(*cells));
	tab_start(&w, out, o, cols, nc, false, -1);
	for (size_t gi = 0; gi < ngroups(top); gi++) {
		const char *key;
		const struct report *rep = group_at(top, gi, &key);

		for (size_t i = 0; i < rep->nrows; i++) {
			const struct rrow *r = &rep->rows[i];
			const struct phase *p = phases_get(rep->ph, r->phase);
			const char **c = cells + g;
			char phase[16], days[16];

			cells[0] = key;
			c[0] = r->id;
			c[1] = r->name;
			c[2] = r->manager;
			c[3] = num(phase, sizeof(phase), r->phase);
			c[4] = p ? p->key : NULL;
			c[5] = day_str(dates[n], r->since);
			c[6] = num(days, sizeof(days), r->days);
			c[7] = day_str(dates[n + 1], r->next);
			c[8] = r->st.stale ? "true" : "false";
			c[9] = r->st.due ? "true" : "false";
			c[10] = r->st.overdue ? "true" : "false";
			for (size_t k = 0; k < n; k++)
				c[nb + k] = day_str(dates[k], r->reached[k]);
			c[nb + n] = r->st.on_hold ? "true" : "false";
			c[nb + n + 1] = r->st.ended ? "true" : "false";
			tab_row(&w, out, cells, NULL);
			if (o->flush && out->len > 65536)
				o->flush(o->arg, out);
		}
	}
	tab_end(&w, out);
	grouped_free(cols, nc);
	cols_free(pc, nb, n);
	free(cells);
	free(dates);
}

/* The register's amounts (--sum): a row per group and phase, with the
 * clients in it on the day and their total and median. */
static void register_sums(struct buf *out, const struct report *top, const struct report_out *o)
{
	const enum fmt fmt = o->fmt;
	const bool color = o->color;
	static const struct fmt_col base[] = { { "phase", COL_NUMBER }, { "phase_key", COL_TEXT },
					       { "clients", COL_NUMBER } };
	size_t nc;
	struct fmt_col *cols = grouped_cols(top, base, 3, &nc);
	struct tab w;

	tab_start(&w, out, o, cols, nc, color, top->o.by ? 2 : 1);
	for (size_t gi = 0; gi < ngroups(top); gi++) {
		const char *key;
		const struct report *rep = group_at(top, gi, &key);

		for (size_t k = 0; k < rep->ph->n; k++) {
			const struct phase *p = &rep->ph->v[k];
			const struct pstat *s = &rep->ps[k];
			char a[16], b[24], am[2][48];
			const char *cells[6], **c = cells + (key ? 1 : 0);

			if (!s->now)
				continue;
			cells[0] = key;
			c[0] = num(a, sizeof(a), p->id);
			c[1] = p->key;
			c[2] = num(b, sizeof(b), (long long)s->now);
			amount_cells(c + 3, am, s->amt, s->namt, top, fmt);
			tab_row(&w, out, cells, p->color);
		}
	}
	tab_end(&w, out);
	grouped_free(cols, nc);
}

/* ---- the other reports: one writer each, over fmt ---- */

static void funnel_out(struct buf *out, const struct report *top, const struct report_out *o)
{
	const enum fmt fmt = o->fmt;
	const bool color = o->color;
	static const struct fmt_col base[] = {
		{ "phase", COL_NUMBER }, { "phase_key", COL_TEXT }, { "now", COL_NUMBER },
		{ "reached", COL_NUMBER }, { "conversion", COL_NUMBER }, { "median_days", COL_NUMBER },
		{ "p90_days", COL_NUMBER }, { "entered", COL_NUMBER }, { "moved_in", COL_NUMBER },
		{ "moved_out", COL_NUMBER }, { "ended", COL_NUMBER }, { "reopened", COL_NUMBER },
	};
	/* The period's columns only with a period: the others stay as they were. */
	const size_t nb = sizeof(base) / sizeof(*base) - (top->o.period ? 0 : 5), g = top->o.by ? 1 : 0;
	size_t nc;
	struct fmt_col *cols = grouped_cols(top, base, nb, &nc);
	struct tab w;

	tab_start(&w, out, o, cols, nc, color, (int)g + 1);
	for (size_t gi = 0; gi < ngroups(top); gi++) {
		const char *key;
		const struct report *rep = group_at(top, gi, &key);

		for (size_t k = 0; k < rep->ph->n; k++) {
			const struct phase *p = &rep->ph->v[k];
			const struct pstat *s = &rep->ps[k];
			char a[16], b[16], c[16], e[16], f[16], gg[16], pe[5][24], am[2][48];
			const char *cells[15], **cl = cells + g;
			bool conv = k > 0 && !(p->ending && !rep->ph->v[k - 1].ending);

			cells[0] = key;
			cl[0] = num(a, sizeof(a), p->id);
			cl[1] = p->key;
			cl[2] = num(b, sizeof(b), (long long)s->now);
			cl[3] = num(c, sizeof(c), (long long)s->reached);
			cl[4] = conv ? pct(e, sizeof(e), s->reached, rep->ps[k - 1].reached) : NULL;
			cl[5] = s->ndays ? num(f, sizeof(f), report_percentile(s->days, s->ndays, 50)) : NULL;
			cl[6] = s->ndays ? num(gg, sizeof(gg), report_percentile(s->days, s->ndays, 90)) : NULL;
			cl[7] = num(pe[0], sizeof(pe[0]), (long long)s->entered);
			cl[8] = num(pe[1], sizeof(pe[1]), (long long)s->moved_in);
			cl[9] = num(pe[2], sizeof(pe[2]), (long long)s->moved_out);
			cl[10] = num(pe[3], sizeof(pe[3]), (long long)s->ended);
			cl[11] = num(pe[4], sizeof(pe[4]), (long long)s->reopened);
			amount_cells(cl + nb, am, s->amt, s->namt, top, fmt);
			tab_row(&w, out, cells, p->color);
		}
	}
	tab_end(&w, out);
	grouped_free(cols, nc);
}

static void durations_out(struct buf *out, const struct report *rep, const struct report_out *o)
{
	const bool color = o->color;
	static const struct fmt_col cols[] = {
		{ "phase", COL_NUMBER }, { "phase_key", COL_TEXT }, { "clients", COL_NUMBER },
		{ "median_days", COL_NUMBER }, { "p90_days", COL_NUMBER }, { "max_days", COL_NUMBER },
		{ "over_limit", COL_NUMBER }, { "slowest", COL_LIST }, { "entered", COL_NUMBER },
		{ "moved_out", COL_NUMBER }, { "moved_out_median_days", COL_NUMBER },
	};
	struct tab w;

	tab_start(&w, out, o, cols, sizeof(cols) / sizeof(*cols) - (rep->o.period ? 0 : 3), color, 1);
	for (size_t k = 0; k < rep->ph->n; k++) {
		const struct phase *p = &rep->ph->v[k];
		const struct pstat *s = &rep->ps[k];
		char a[16], b[16], c[16], e[16], f[16], g[16], pe[3][24];
		const char *cells[11];
		struct buf slow = BUF_INIT;
		size_t over = 0;

		for (size_t i = 0; p->stale_days >= 0 && i < s->ndays; i++)
			over += s->days[i] > p->stale_days;
		for (size_t i = 0; i < s->nslow; i++)
			buf_addf(&slow, "%s%s:%d%s", i ? "," : "", s->slow[i].id, s->slow[i].days,
				 s->slow[i].now ? "*" : "");
		cells[0] = num(a, sizeof(a), p->id);
		cells[1] = p->key;
		cells[2] = num(b, sizeof(b), (long long)s->ndays);
		cells[3] = s->ndays ? num(c, sizeof(c), report_percentile(s->days, s->ndays, 50)) : NULL;
		cells[4] = s->ndays ? num(e, sizeof(e), report_percentile(s->days, s->ndays, 90)) : NULL;
		cells[5] = s->ndays ? num(f, sizeof(f), s->days[s->ndays - 1]) : NULL;
		cells[6] = p->stale_days >= 0 ? num(g, sizeof(g), (long long)over) : NULL;
		cells[7] = slow.len ? slow.p : NULL;
		cells[8] = num(pe[0], sizeof(pe[0]), (long long)s->entered);
		cells[9] = num(pe[1], sizeof(pe[1]), (long long)s->moved_out);
		cells[10] = s->nout ? num(pe[2], sizeof(pe[2]), report_percentile(s->out_days, s->nout, 50)) : NULL;
		tab_row(&w, out, cells, p->color);
		buf_release(&slow);
	}
	tab_end(&w, out);
}

static void managers_out(struct buf *out, const struct report *top, const struct report_out *o)
{
	const enum fmt fmt = o->fmt;
	const bool color = o->color;
	static const struct fmt_col base[] = {
		{ "manager", COL_TEXT }, { "name", COL_TEXT }, { "clients", COL_NUMBER },
		{ "open", COL_NUMBER }, { "ended", COL_NUMBER }, { "stale", COL_NUMBER },
		{ "overdue", COL_NUMBER }, { "due", COL_NUMBER }, { "moves", COL_NUMBER },
		{ "forward", COL_NUMBER }, { "back", COL_NUMBER }, { "won", COL_NUMBER },
		{ "conversion", COL_NUMBER },
	};
	/* After the per-phase columns, where they move none of the others;
	 * the period's only with a period. */
	static const struct fmt_col tail[] = { { "on_hold", COL_NUMBER }, { "entered", COL_NUMBER },
					       { "ended_in_period", COL_NUMBER } };
	const size_t nb = sizeof(base) / sizeof(*base), n = top->ph->n, nt = top->o.period ? 3 : 1;
	/* The table is for people: the phase numbers; files get keys. */
	struct fmt_col *pc = phase_cols(base, nb, top->ph, fmt == FMT_TABLE ? NULL : "in_", COL_NUMBER, tail, nt);
	size_t nc, g = top->o.by ? 1 : 0;
	struct fmt_col *cols = grouped_cols(top, pc, nb + n + nt, &nc);
	const char **cells = xcalloc(nc, sizeof(*cells));
	char (*nums)[48] = xcalloc(nc, sizeof(*nums));
	struct tab w;

	enum col_fit *fits = xcalloc(nc, sizeof(*fits));

	/* To fit a terminal the handle and the display name give way to 16
	 * columns, then the columns of detail are left out (on_hold, the
	 * phases, won, back, forward, moves: from the right), then the
	 * names go down to 10. The counts a head compares stay. */
	for (size_t k = 0; k < nb + n + nt; k++)
		fits[g + k] = k < 2 ? FIT_NAME : (k >= 6 + 2 && k <= 11) || k >= nb ? FIT_EXTRA : FIT_WHOLE;
	tab_start(&w, out, o, cols, nc, color, -1);
	if (!w.sink && o->fit)
		fmt_fit(&w.w, o->fit, fits);
	for (size_t gi = 0; gi < ngroups(top); gi++) {
		const char *key;
		const struct report *rep = group_at(top, gi, &key);

		for (size_t i = 0; i < rep->nms; i++) {
			const struct mstat *m = &rep->ms[i];
			const struct manager *mm = manager_of(rep->ph, m->handle);
			size_t v[] = { m->clients, m->open, m->ended, m->stale, m->overdue, m->due,
				       m->moves, m->forward, m->back, m->won };
			const char **c = cells + g;
			char (*nm)[48] = nums + g;

			cells[0] = key;
			c[0] = m->handle;
			c[1] = mm ? mm->name : NULL;
			for (size_t k = 0; k < sizeof(v) / sizeof(*v); k++)
				c[2 + k] = num(nm[2 + k], sizeof(nums[0]), (long long)v[k]);
			c[nb - 1] = pct(nm[nb - 1], sizeof(nums[0]), m->won, m->clients);
			for (size_t k = 0; k < n; k++)
				c[nb + k] = num(nm[nb + k], sizeof(nums[0]), (long long)m->now[k]);
			c[nb + n] = num(nm[nb + n], sizeof(nums[0]), (long long)m->on_hold);
			if (nt > 1) {
				c[nb + n + 1] = num(nm[nb + n + 1], sizeof(nums[0]), (long long)m->entered);
				c[nb + n + 2] = num(nm[nb + n + 2], sizeof(nums[0]), (long long)m->ends);
			}
			if (top->o.sum)
				amount_cells(c + nb + n + nt, nm + nb + n + nt, m->amt, m->namt, top, fmt);
			tab_row(&w, out, cells, NULL);
		}
	}
	tab_end(&w, out);
	free(fits);
	grouped_free(cols, nc);
	cols_free(pc, nb, n);
	free(cells);
	free(nums);
}

static void reasons_out(struct buf *out, const struct report *rep, const struct report_out *o)
{
	const bool color = o->color;
	static const struct fmt_col cols[] = {
		{ "reason", COL_TEXT }, { "clients", COL_NUMBER }, { "percent", COL_NUMBER },
		{ "reopened", COL_NUMBER }, { "ended", COL_NUMBER },
	};
	struct tab w;

	tab_start(&w, out, o, cols, sizeof(cols) / sizeof(*cols) - (rep->o.period ? 0 : 1), color, -1);
	for (size_t i = 0; i < rep->nrs; i++) {
		char a[24], b[24], c[24], d[24];
		const char *cells[5] = { rep->rs[i].text, num(a, sizeof(a), (long long)rep->rs[i].n),
					 pct(b, sizeof(b), rep->rs[i].n, rep->ended),
					 num(d, sizeof(d), (long long)rep->rs[i].reopened),
					 num(c, sizeof(c), (long long)rep->rs[i].period) };

		tab_row(&w, out, cells, NULL);
	}
	tab_end(&w, out);
}

static void activity_out(struct buf *out, const struct report *rep, const struct report_out *o)
{
	const bool color = o->color;
	/* By person: the handle and the display name; by client: the id, the
	 * name and the manager. Then the counts. */
	static const struct fmt_col person[] = { { "manager", COL_TEXT }, { "name", COL_TEXT } };
	static const struct fmt_col client[] = { { "id", COL_TEXT }, { "name", COL_TEXT }, { "manager", COL_TEXT } };
	static const struct fmt_col tail[] = { { "moves", COL_NUMBER }, { "added", COL_NUMBER },
					       { "contacts_due", COL_NUMBER }, { "kept", COL_NUMBER },
					       { "late", COL_NUMBER }, { "missed", COL_NUMBER } };
	bool by_client = rep->o.by_client;
	const size_t nb = by_client ? 3 : 2, nt = sizeof(tail) / sizeof(*tail);
	const size_t n = nb + 1 + REPORT_NCHANNELS + nt;
	struct fmt_col *cols = xcalloc(n, sizeof(*cols));
	const char **cells = xcalloc(n, sizeof(*cells));
	char (*nums)[24] = xcalloc(n, sizeof(*nums));
	struct tab w;

	memcpy(cols, by_client ? client : person, nb * sizeof(*cols));
	cols[nb] = (struct fmt_col){ "notes", COL_NUMBER };
	for (size_t k = 0; k < REPORT_NCHANNELS; k++)
		cols[nb + 1 + k] = (struct fmt_col){ report_channels[k], COL_NUMBER };
	memcpy(cols + nb + 1 + REPORT_NCHANNELS, tail, sizeof(tail));
	tab_start(&w, out, o, cols, n, color, -1);
	for (size_t i = 0; i < rep->nas; i++) {
		const struct astat *a = &rep->as[i];
		const struct manager *mm = manager_of(rep->ph, a->key);
		size_t v[] = { a->moves, a->added, a->due, a->kept, a->late, a->missed };

		cells[0] = a->key;
		cells[1] = by_client ? a->name : mm ? mm->name : NULL;
		if (by_client)
			cells[2] = a->manager;
		cells[nb] = num(nums[nb], sizeof(nums[0]), (long long)a->notes);
		for (size_t k = 0; k < REPORT_NCHANNELS; k++)
			cells[nb + 1 + k] = num(nums[nb + 1 + k], sizeof(nums[0]), (long long)a->channel[k]);
		for (size_t k = 0; k < nt; k++)
			cells[nb + 1 + REPORT_NCHANNELS + k] =
				num(nums[nb + 1 + REPORT_NCHANNELS + k], sizeof(nums[0]), (long long)v[k]);
		tab_row(&w, out, cells, NULL);
	}
	tab_end(&w, out);
	free(cols);
	free(cells);
	free(nums);
}

/* ---- the charts of the html pages ---- */

/* "from 2026-11-01 to 2026-11-30", for the titles of the period's charts. */
static void period_words(char *out, size_t n, const struct report *rep)
{
	char a[DATE_LEN], b[DATE_LEN];

	date_format(a, rep->o.since);
	date_format(b, rep->o.day);
	snprintf(out, n, "from %s to %s", a, b);
}

/* The funnel's period: per phase the clients that entered it, and how
 * many left it by a move or ended from it, as a note. */
static void period_chart(struct buf *out, const struct report *rep)
{
	const struct phases *ph = rep->ph;
	struct chart_bar *v = xcalloc(ph->n + 1, sizeof(*v));
	char **own = xcalloc(2 * ph->n + 1, sizeof(*own));
	char when[64], *title;

	for (size_t k = 0; k < ph->n; k++) {
		const struct pstat *s = &rep->ps[k];

		v[k].label = own[2 * k] = xasprintf("%d %s", ph->v[k].id, ph->v[k].key);
		v[k].color = ph->v[k].color;
		v[k].value = (double)s->entered;
		if (s->moved_out || s->ended)
			v[k].note = own[2 * k + 1] = xasprintf("%zu moved out, %zu ended", s->moved_out, s->ended);
	}
	period_words(when, sizeof(when), rep);
	title = xasprintf("Clients that entered each phase %s; moved out and ended from it", when);
	chart_bars(out, title, v, ph->n);
	free(title);
	for (size_t k = 0; k < 2 * ph->n; k++)
		free(own[k]);
	free(own);
	free(v);
}

/* Series colours of the activity chart: the channels, notes without one,
 * moves and clients added; then the next contacts kept, late and missed. */
static const char *const activity_colors[REPORT_NCHANNELS + 3] = { "#1976d2", "#00897b", "#7b1fa2",
								   "#5d4037", "#f57c00", "#9e9e9e",
								   "#e0e0e0", "#455a64", "#c0ca33" };
static const char *const contact_colors[] = { "#388e3c", "#f9a825", "#d32f2f" };

/* The legend of a chart's series, under it. */
static void series_legend(struct buf *out, const struct chart_series *s, size_t n)
{
	buf_adds(out, "<ul class=\"legend\">");
	for (size_t k = 0; k < n; k++) {
		buf_addf(out, "<li><span class=\"sw\" style=\"background:%s\"></span>", s[k].color);
		html_escape(out, s[k].label);
		buf_adds(out, "</li>");
	}
	buf_adds(out, "</ul>\n");
}

/* Activity: a row a manager (or client), what they did stacked by kind;
 * then the next contacts that fell due, kept, late or missed. */
static void activity_charts(struct buf *out, const struct report *rep)
{
	const size_t na = REPORT_NCHANNELS + 3;
	struct chart_series done[REPORT_NCHANNELS + 3], due[3] = { { "kept", contact_colors[0] },
								    { "late", contact_colors[1] },
								    { "missed", contact_colors[2] } };
	const char **rows = xcalloc(rep->nas + 1, sizeof(*rows));
	size_t *a = xcalloc(rep->nas * na + 1, sizeof(*a)), *c = xcalloc(rep->nas * 3 + 1, sizeof(*c));
	char when[64], *t1, *t2;

	for (size_t k = 0; k < REPORT_NCHANNELS; k++)
		done[k] = (struct chart_series){ report_channels[k], activity_colors[k] };
	done[REPORT_NCHANNELS] = (struct chart_series){ "no channel", activity_colors[REPORT_NCHANNELS] };
	done[REPORT_NCHANNELS + 1] = (struct chart_series){ "phase moves", activity_colors[REPORT_NCHANNELS + 1] };
	done[REPORT_NCHANNELS + 2] = (struct chart_series){ "clients added", activity_colors[REPORT_NCHANNELS + 2] };
	for (size_t i = 0; i < rep->nas; i++) {
		const struct astat *s = &rep->as[i];

		rows[i] = s->key;
		for (size_t k = 0; k < REPORT_NCHANNELS; k++)
			a[i * na + k] = s->channel[k];
		/* A note without a channel counts in notes alone. */
		a[i * na + REPORT_NCHANNELS] = s->notes;
		for (size_t k = 0; k < REPORT_NCHANNELS; k++)
			a[i * na + REPORT_NCHANNELS] -= s->channel[k];
		a[i * na + REPORT_NCHANNELS + 1] = s->moves;
		a[i * na + REPORT_NCHANNELS + 2] = s->added;
		c[i * 3] = s->kept;
		c[i * 3 + 1] = s->late;
		c[i * 3 + 2] = s->missed;
	}
	period_words(when, sizeof(when), rep);
	t1 = xasprintf("What was done %s: notes by channel, phase moves, clients added", when);
	t2 = xasprintf("Next contacts that fell due %s: kept on time, late, missed", when);
	buf_adds(out, "<div>\n");
	chart_stacked(out, t1, rows, rep->nas, done, na, a);
	series_legend(out, done, na);
	chart_stacked(out, t2, rows, rep->nas, due, 3, c);
	series_legend(out, due, 3);
	buf_adds(out, "</div>\n");
	free(t1);
	free(t2);
	free(rows);
	free(a);
	free(c);
}

/* The charts of one report (not grouped): its own (chart.h), and the
 * period's for the funnel. */
static void charts_of(struct buf *out, const struct report *rep)
{
	if (rep->kind == REPORT_ACTIVITY) {
		activity_charts(out, rep);
		return;
	}
	chart_report(out, rep);
	if (rep->kind == REPORT_FUNNEL && rep->o.period)
		period_chart(out, rep);
}

/* A report's charts; grouped (--by), the charts of each group under its
 * key. */
static void report_charts(struct buf *out, const struct report *top)
{
	if (!top->o.by) {
		charts_of(out, top);
		return;
	}
	for (size_t i = 0; i < top->ngroups; i++) {
		buf_adds(out, "<figure class=\"group\"><figcaption>");
		html_escape(out, top->o.by);
		buf_adds(out, ": ");
		html_escape(out, top->groups[i].key);
		buf_adds(out, "</figcaption>\n");
		charts_of(out, top->groups[i].rep);
		buf_adds(out, "</figure>\n");
	}
}

/* ---- the report ---- */

static const char *const titles[] = { "The register", "The funnel", "The managers", "Where clients stall",
				      "Why collaborations ended", "What the managers did" };

/* A report's rows in fmt; in html, the chart beside the table. */
static void report_body(struct buf *out, const struct report *rep, const struct report_out *o)
{
	bool charted = o->fmt == FMT_HTML && (rep->kind == REPORT_FUNNEL || rep->kind == REPORT_MANAGERS ||
					      rep->kind == REPORT_DURATIONS || rep->kind == REPORT_ACTIVITY);

	if (charted) {
		buf_adds(out, "<div class=\"charted\">\n");
		report_charts(out, rep);
	}
	switch (rep->kind) {
	case REPORT_REGISTER:
		if (rep->o.sum)
			register_sums(out, rep, o);
		else
			register_rows(out, rep, o);
		break;
	case REPORT_FUNNEL: funnel_out(out, rep, o); break;
	case REPORT_MANAGERS: managers_out(out, rep, o); break;
	case REPORT_DURATIONS: durations_out(out, rep, o); break;
	case REPORT_REASONS: reasons_out(out, rep, o); break;
	case REPORT_ACTIVITY: activity_out(out, rep, o); break;
	}
	if (charted)
		buf_adds(out, "</div>\n");
}

void report_each_row(const struct report *rep, const struct report_sink *sink)
{
	struct report_out o = { .fmt = FMT_TSV, .sink = sink };

	report_body(NULL, rep, &o);
}

void report_write_all(struct buf *out, const struct report *reps, size_t n)
{
	struct report_out o = { .fmt = FMT_HTML };
	char sub[160];

	subtitle(sub, sizeof(sub), "The register and every report", reps[0].o.day, reps[0].o.as_of,
		 reps[0].nrows);
	/* The period of the reports (the activity has one always). */
	if (n > 1) {
		size_t at = strlen(sub);

		snprintf(sub + at, sizeof(sub) - at, "; what happened ");
		at = strlen(sub);
		period_words(sub + at, sizeof(sub) - at, &reps[n - 1]);
	}
	html_page_begin(out, "Customer support phases register", sub, reps[0].ph);
	register_html(out, &reps[0], false);
	for (size_t k = 1; k < n; k++) {
		buf_adds(out, "<section class=\"report\">\n<h2>");
		html_escape(out, titles[reps[k].kind]);
		buf_adds(out, "</h2>\n");
		report_body(out, &reps[k], &o);
		buf_adds(out, "</section>\n");
	}
	html_page_end(out);
}

void report_write(struct buf *out, const struct report *rep, const struct report_out *o)
{
	enum fmt fmt = o->fmt;
	bool html = fmt == FMT_HTML;
	char sub[160];

	if (html && rep->kind == REPORT_REGISTER && !rep->o.by && !rep->o.sum) {
		register_html(out, rep, true);
		return;
	}
	if (rep->kind == REPORT_REGISTER && fmt == FMT_TABLE && !rep->o.by && !rep->o.sum) {
		register_table(out, rep, o);
		return;
	}
	if (html) {
		if (rep->o.period) {
			char when[64];

			period_words(when, sizeof(when), rep);
			snprintf(sub, sizeof(sub), "%s %s, %zu client%s", titles[rep->kind], when, rep->clients,
				 rep->clients == 1 ? "" : "s");
		} else {
			subtitle(sub, sizeof(sub), titles[rep->kind], rep->o.day, rep->o.as_of, rep->clients);
		}
		html_page_begin(out, titles[rep->kind], sub,
				rep->kind == REPORT_REASONS || rep->kind == REPORT_ACTIVITY ? NULL : rep->ph);
	}
	report_body(out, rep, o);
	if (html)
		html_page_end(out);
}
