/*
 * report: preg report register|funnel|managers|durations|reasons (SPEC §6).
 * lib/report computes; this file parses the options and writes the table,
 * tsv, csv, json or html.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "chart.h"
#include "cmd.h"
#include "err.h"
#include "ptime.h"
#include "report.h"
#include "status.h"
#include "xalloc.h"
#include "xlsx.h"

static int cmd_report(int argc, char **argv, struct ctx *ctx);

#define COMMON_OPTIONS                                                                          \
	FILTER_OPTIONS, { "as-of", required_argument, NULL, 'a' },                              \
		{ "format", required_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' }, \
	{                                                                                       \
		0, 0, 0, 0                                                                      \
	}
#define COMMON_HELP                                                                            \
	FILTER_HELP, "    --as-of DATE     the register as it stood on DATE (YYYY-MM-DD), rebuilt", \
		"                     from the history in the records; default: today",          \
		"    -f, --format F   table (default on a terminal), tsv (default otherwise), csv,", \
		"                     json or html (a page)"

static const struct option register_opts[] = { { "wide", no_argument, NULL, 'W' },
					       { "all", no_argument, NULL, 'A' },
					       COMMON_OPTIONS };
static const struct option funnel_opts[] = { COMMON_OPTIONS };
static const struct option managers_opts[] = { { "since", required_argument, NULL, 'S' },
					       { "won", required_argument, NULL, 'w' },
					       COMMON_OPTIONS };
static const struct option durations_opts[] = { { "top", required_argument, NULL, 'T' }, COMMON_OPTIONS };
static const struct option reasons_opts[] = { COMMON_OPTIONS };

#define FORMATS " [--as-of DATE] [--format table|tsv|csv|json|html]"

static const char *const register_usage[] = {
	"preg report register " FILTER_SYNOPSIS " [--wide] [--all] [--as-of DATE] [--format table|tsv|csv|json|html|xlsx]",
	"",
	"The paper register: a row per client, a column per phase (the date it",
	"was reached), the current phase in its colour, days in phase, manager.",
	"'preg report' alone is 'preg report register'. --format xlsx writes it",
	"as a workbook for a spreadsheet: redirect it to a file.",
	"",
	"    --wide           every date, and the phases by their keys; without it",
	"                     the table fits 80 columns and marks the phases reached",
	"    --all            with --format html: the register and every report with",
	"                     its chart, one page",
	COMMON_HELP,
	NULL,
};

static const char *const funnel_usage[] = {
	"preg report funnel " FILTER_SYNOPSIS FORMATS,
	"",
	"Per phase: clients in it now, clients that reached it, conversion from",
	"the phase before, median and 90th percentile days spent in it.",
	"",
	COMMON_HELP,
	NULL,
};

static const char *const managers_usage[] = {
	"preg report managers " FILTER_SYNOPSIS " [--since DATE] [--won PHASE]" FORMATS,
	"",
	"Per manager: clients per phase, stale and overdue clients, moves in the",
	"period, conversion to the won phase.",
	"",
	"    --since DATE     count moves from DATE to the day; default: 30 days",
	"    --won PHASE      the phase that counts as won; default: the first one",
	"                     after the reversible ones (first-order in freight)",
	COMMON_HELP,
	NULL,
};

static const char *const durations_usage[] = {
	"preg report durations " FILTER_SYNOPSIS " [--top N]" FORMATS,
	"",
	"Where time goes: per phase the days clients spent in it and the slowest.",
	"",
	"    --top N          the N slowest clients of each phase (1 to 100; default 3)",
	COMMON_HELP,
	NULL,
};

static const char *const reasons_usage[] = {
	"preg report reasons " FILTER_SYNOPSIS FORMATS,
	"",
	"Why collaborations ended: the end reasons of ended clients, counted.",
	"",
	COMMON_HELP,
	NULL,
};

const struct cmd report_cmds[] = {
	{ "register", cmd_report, NEED_REGISTER, "the register: client x phase x manager", register_opts,
	  register_usage, NULL },
	{ "funnel", cmd_report, NEED_REGISTER, "clients per phase, conversion, days spent", funnel_opts,
	  funnel_usage, NULL },
	{ "managers", cmd_report, NEED_REGISTER, "the managers compared", managers_opts, managers_usage, NULL },
	{ "durations", cmd_report, NEED_REGISTER, "where clients stall", durations_opts, durations_usage,
	  NULL },
	{ "reasons", cmd_report, NEED_REGISTER, "why collaborations ended", reasons_opts, reasons_usage, NULL },
	{ 0 },
};

struct state {
	const struct phases *ph;
	struct report rep;
	struct report more[4]; /* --all: funnel, managers, durations, reasons */
	size_t nmore;
	struct filter f;
	int bad;
};

static int collect(void *arg, const char *id, const char *path, struct record *r)
{
	struct state *s = arg;

	(void)id;
	(void)path;
	if (!r) {
		print_error(preg_error_msg());
		s->bad++;
		return 0;
	}
	report_add(&s->rep, r);
	for (size_t k = 0; k < s->nmore; k++)
		report_add(&s->more[k], r);
	return 0;
}

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

static size_t term_width(void)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");

	if (c && atoi(c) >= 40)
		return (size_t)atoi(c);
	if (isatty(STDOUT_FILENO) && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col >= 40)
		return ws.ws_col;
	return 80;
}

/* Black or white text, whichever reads better on "#rrggbb". */
static const char *ink_on(const char *hex)
{
	unsigned r, g, b;

	if (!hex || sscanf(hex, "#%2x%2x%2x", &r, &g, &b) != 3)
		return "#000";
	return 299 * r + 587 * g + 114 * b > 140000 ? "#000" : "#fff";
}

/* ---- the html page ---- */

static const char css[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}"
	"h1{font-size:1.4em;margin:0}h2{font-size:1.1em;margin:1.2em 0 .3em}"
	".sub{color:#666;margin:.2em 0 1em}"
	"table{border-collapse:collapse;margin:.3em 0 1em}"
	"th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}"
	"th{background:#f3f3f3}td.n,th.n{text-align:right}"
	"table.register{width:100%;table-layout:fixed}table.register th:first-child{width:16%}"
	"table.register th{font-size:.8em;overflow-wrap:anywhere}table.register td.d{font-size:.78em;"
	"overflow-wrap:anywhere;white-space:normal}"
	"td.d{font-size:.85em;white-space:nowrap;color:#444}"
	"td.cur{font-weight:bold}"
	".id{display:block;color:#777;font-size:.8em}"
	".legend{display:flex;flex-wrap:wrap;gap:.3em 1.2em;padding:0;list-style:none}"
	".sw{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:-.1em;"
	"border:1px solid #888}"
	"tr.stale td.client{border-left:4px solid #f9a825}"
	"tr.overdue td.client{border-left:4px solid #d32f2f}"
	".tag{font-size:.75em;padding:0 .3em;border-radius:3px;margin-left:.3em;color:#fff}"
	".tag.stale{background:#f9a825;color:#000}.tag.overdue{background:#d32f2f}"
	".tag.due{background:#1976d2}.tag.hold{background:#757575}.tag.ended{background:#8d6e63}"
	"table{max-width:100%}th{overflow-wrap:anywhere}"
	"@page{size:A4 landscape;margin:10mm}"
	"@media print{body{margin:0;font-size:10px}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	"section{break-inside:avoid}thead{display:table-header-group}"
	"tr{break-inside:avoid}th,td{padding:1px 3px}}";

static void html_begin(struct buf *out, const char *title, const char *sub, const struct phases *ph)
{
	buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	html_escape(out, title);
	buf_adds(out, "</title>\n<style>");
	buf_adds(out, css);
	buf_adds(out, chart_css);
	buf_adds(out, "</style>\n</head>\n<body>\n<h1>");
	html_escape(out, title);
	buf_adds(out, "</h1>\n<p class=\"sub\">");
	html_escape(out, sub);
	buf_adds(out, "</p>\n");
	if (!ph)
		return;
	buf_adds(out, "<ul class=\"legend\" id=\"legend\">\n");
	for (size_t k = 0; k < ph->n; k++) {
		const struct phase *p = &ph->v[k];

		buf_addf(out, "<li><span class=\"sw\" style=\"background:%s\"></span><b>%d ",
			 p->color ? p->color : "#fff", p->id);
		html_escape(out, p->key);
		buf_adds(out, "</b> ");
		html_escape(out, p->name);
		buf_adds(out, "</li>\n");
	}
	buf_adds(out, "</ul>\n");
}

static void html_end(struct buf *out)
{
	buf_adds(out, "</body>\n</html>\n");
}

static void subtitle(char *out, size_t n, const char *what, int32_t day, bool as_of, size_t clients)
{
	char d[DATE_LEN];

	date_format(d, day);
	snprintf(out, n, "%s %s %s, %zu client%s", what, as_of ? "as of" : "on", d, clients,
		 clients == 1 ? "" : "s");
}

/* ---- register ---- */

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
		html_begin(out, "Customer support phases register", sub, ph);
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
						 p->color ? p->color : "#ffeb3b", ink_on(p->color));
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
		html_end(out);
}

static int register_xlsx(struct buf *out, const struct report *rep)
{
	struct xlsx *x;
	int rc;

	if ((rc = xlsx_begin(&x)))
		return rc;
	if ((rc = xlsx_register(x, rep))) {
		xlsx_free(x);
		return rc;
	}
	return xlsx_end(x, out);
}

/* Pad s to width, cutting it with an ellipsis if longer; what a terminal
 * would act on is made visible first. */
static void cell(struct buf *out, const char *raw, size_t width, bool right)
{
	struct buf v = BUF_INIT;
	const char *s;
	size_t w;

	fmt_visible(&v, raw, false);
	s = buf_str(&v);
	w = fmt_width(s);

	if (w > width) {
		/* Cut on a character boundary, leaving room for the ellipsis. */
		size_t used = 0;
		const unsigned char *p = (const unsigned char *)s;

		while (*p) {
			const unsigned char *q = p + 1;
			char one[8];

			while ((*q & 0xc0) == 0x80)
				q++;
			snprintf(one, sizeof(one), "%.*s", (int)(q - p), (const char *)p);
			if (used + fmt_width(one) + 1 > width)
				break;
			buf_add(out, (const char *)p, (size_t)(q - p));
			used += fmt_width(one);
			p = q;
		}
		buf_adds(out, "…");
		for (used++; used < width; used++)
			buf_addc(out, ' ');
		buf_release(&v);
		return;
	}
	if (right)
		for (size_t k = w; k < width; k++)
			buf_addc(out, ' ');
	buf_adds(out, s);
	if (!right)
		for (size_t k = w; k < width; k++)
			buf_addc(out, ' ');
	buf_release(&v);
}

static void register_table(struct buf *out, const struct report *rep, bool wide, bool color)
{
	const struct phases *ph = rep->ph;
	size_t *pw = xcalloc(ph->n + 1, sizeof(*pw));
	size_t mw = 7, name_w = 6, markw = 0, total = term_width(),
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
	if (!wide && fixed + name_w > total)
		name_w = total > fixed + 12 ? total - fixed : 12;
	/* The header. */
	if (color)
		buf_adds(out, "\033[1m");
	cell(out, "client", name_w, false);
	buf_addc(out, ' ');
	for (size_t k = 0; k < ph->n; k++) {
		snprintf(d, sizeof(d), "%d", ph->v[k].id);
		buf_addc(out, ' ');
		cell(out, wide ? ph->v[k].key : d, pw[k], !wide);
	}
	buf_adds(out, wide ? "  since       days  manager" : "  days  manager");
	if (color)
		buf_adds(out, "\033[0m");
	buf_addc(out, '\n');
	for (size_t i = 0; i < rep->nrows; i++) {
		const struct rrow *r = &rep->rows[i];
		struct buf line = BUF_INIT;

		cell(&line, r->name, name_w, false);
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
				cell(&line, got ? day_str(d, r->reached[k]) : "", pw[k], false);
			else
				buf_adds(&line, mark);
			if (cur && color)
				fmt_color_off(&line);
		}
		if (wide) {
			buf_adds(&line, "  ");
			cell(&line, day_str(d, r->since) ? d : "", 10, false);
		}
		snprintf(days, sizeof(days), "%d", r->days);
		buf_adds(&line, "  ");
		cell(&line, days, 4, true);
		buf_adds(&line, "  ");
		cell(&line, r->manager, mw, false);
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

static void register_rows(struct buf *out, const struct report *rep, enum fmt fmt)
{
	static const struct fmt_col base[] = {
		{ "id", COL_TEXT }, { "name", COL_TEXT }, { "manager", COL_TEXT }, { "phase", COL_NUMBER },
		{ "phase_key", COL_TEXT }, { "phase_since", COL_TEXT }, { "days_in_phase", COL_NUMBER },
		{ "next_contact", COL_TEXT }, { "stale", COL_BOOL }, { "due", COL_BOOL }, { "overdue", COL_BOOL },
	};
	/* Added after the reached_ columns, so that a script that counts
	 * columns still finds those where they were. */
	static const struct fmt_col tail[] = { { "on_hold", COL_BOOL }, { "ended", COL_BOOL } };
	const size_t nb = sizeof(base) / sizeof(*base), n = rep->ph->n, nt = sizeof(tail) / sizeof(*tail);
	struct fmt_col *cols = xcalloc(nb + n + nt, sizeof(*cols));
	char **names = xcalloc(n + 1, sizeof(*names));
	const char **cells = xcalloc(nb + n + nt, sizeof(*cells));
	char (*dates)[DATE_LEN] = xcalloc(n + 2, sizeof(*dates));
	struct fmt_writer w;

	memcpy(cols, base, sizeof(base));
	for (size_t k = 0; k < n; k++) {
		names[k] = xasprintf("reached_%s", rep->ph->v[k].key);
		cols[nb + k].name = names[k];
		cols[nb + k].type = COL_TEXT;
	}
	memcpy(cols + nb + n, tail, sizeof(tail));
	fmt_start(&w, out, fmt, cols, nb + n + nt, false, -1);
	for (size_t i = 0; i < rep->nrows; i++) {
		const struct rrow *r = &rep->rows[i];
		const struct phase *p = phases_get(rep->ph, r->phase);
		char phase[16], days[16];

		cells[0] = r->id;
		cells[1] = r->name;
		cells[2] = r->manager;
		cells[3] = num(phase, sizeof(phase), r->phase);
		cells[4] = p ? p->key : NULL;
		cells[5] = day_str(dates[n], r->since);
		cells[6] = num(days, sizeof(days), r->days);
		cells[7] = day_str(dates[n + 1], r->next);
		cells[8] = r->st.stale ? "true" : "false";
		cells[9] = r->st.due ? "true" : "false";
		cells[10] = r->st.overdue ? "true" : "false";
		for (size_t k = 0; k < n; k++)
			cells[nb + k] = day_str(dates[k], r->reached[k]);
		cells[nb + n] = r->st.on_hold ? "true" : "false";
		cells[nb + n + 1] = r->st.ended ? "true" : "false";
		fmt_row(&w, out, cells, NULL);
		if (out->len > 65536)
			flush_out(out);
	}
	fmt_end(&w, out);
	for (size_t k = 0; k < n; k++)
		free(names[k]);
	free(names);
	free(cols);
	free(cells);
	free(dates);
}

/* ---- the other reports: one writer each, over fmt ---- */

static void funnel_out(struct buf *out, const struct report *rep, enum fmt fmt, bool color)
{
	static const struct fmt_col cols[] = {
		{ "phase", COL_NUMBER }, { "phase_key", COL_TEXT }, { "now", COL_NUMBER },
		{ "reached", COL_NUMBER }, { "conversion", COL_NUMBER }, { "median_days", COL_NUMBER },
		{ "p90_days", COL_NUMBER },
	};
	struct fmt_writer w;

	fmt_start(&w, out, fmt, cols, sizeof(cols) / sizeof(*cols), color, 1);
	for (size_t k = 0; k < rep->ph->n; k++) {
		const struct phase *p = &rep->ph->v[k];
		const struct pstat *s = &rep->ps[k];
		char a[16], b[16], c[16], e[16], f[16], g[16];
		const char *cells[7];
		bool conv = k > 0 && !(p->ending && !rep->ph->v[k - 1].ending);

		cells[0] = num(a, sizeof(a), p->id);
		cells[1] = p->key;
		cells[2] = num(b, sizeof(b), (long long)s->now);
		cells[3] = num(c, sizeof(c), (long long)s->reached);
		cells[4] = conv ? pct(e, sizeof(e), s->reached, rep->ps[k - 1].reached) : NULL;
		cells[5] = s->ndays ? num(f, sizeof(f), report_percentile(s->days, s->ndays, 50)) : NULL;
		cells[6] = s->ndays ? num(g, sizeof(g), report_percentile(s->days, s->ndays, 90)) : NULL;
		fmt_row(&w, out, cells, p->color);
	}
	fmt_end(&w, out);
}

static void durations_out(struct buf *out, const struct report *rep, enum fmt fmt, bool color)
{
	static const struct fmt_col cols[] = {
		{ "phase", COL_NUMBER }, { "phase_key", COL_TEXT }, { "clients", COL_NUMBER },
		{ "median_days", COL_NUMBER }, { "p90_days", COL_NUMBER }, { "max_days", COL_NUMBER },
		{ "over_limit", COL_NUMBER }, { "slowest", COL_LIST },
	};
	struct fmt_writer w;

	fmt_start(&w, out, fmt, cols, sizeof(cols) / sizeof(*cols), color, 1);
	for (size_t k = 0; k < rep->ph->n; k++) {
		const struct phase *p = &rep->ph->v[k];
		const struct pstat *s = &rep->ps[k];
		char a[16], b[16], c[16], e[16], f[16], g[16];
		const char *cells[8];
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
		fmt_row(&w, out, cells, p->color);
		buf_release(&slow);
	}
	fmt_end(&w, out);
}

static void managers_out(struct buf *out, const struct report *rep, enum fmt fmt, bool color)
{
	static const struct fmt_col base[] = {
		{ "manager", COL_TEXT }, { "name", COL_TEXT }, { "clients", COL_NUMBER },
		{ "open", COL_NUMBER }, { "ended", COL_NUMBER }, { "stale", COL_NUMBER },
		{ "overdue", COL_NUMBER }, { "due", COL_NUMBER }, { "moves", COL_NUMBER },
		{ "forward", COL_NUMBER }, { "back", COL_NUMBER }, { "won", COL_NUMBER },
		{ "conversion", COL_NUMBER },
	};
	/* After the per-phase columns, where it moves none of the others. */
	static const struct fmt_col tail = { "on_hold", COL_NUMBER };
	const size_t nb = sizeof(base) / sizeof(*base), n = rep->ph->n;
	struct fmt_col *cols = xcalloc(nb + n + 1, sizeof(*cols));
	char **names = xcalloc(n + 1, sizeof(*names));
	const char **cells = xcalloc(nb + n + 1, sizeof(*cells));
	char (*nums)[24] = xcalloc(nb + n + 1, sizeof(*nums));
	struct fmt_writer w;

	memcpy(cols, base, sizeof(base));
	for (size_t k = 0; k < n; k++) {
		/* The table is for people: the phase numbers; files get keys. */
		names[k] = fmt == FMT_TABLE ? xasprintf("%d", rep->ph->v[k].id)
					    : xasprintf("in_%s", rep->ph->v[k].key);
		cols[nb + k].name = names[k];
		cols[nb + k].type = COL_NUMBER;
	}
	cols[nb + n] = tail;
	fmt_start(&w, out, fmt, cols, nb + n + 1, color, -1);
	for (size_t i = 0; i < rep->nms; i++) {
		const struct mstat *m = &rep->ms[i];
		const struct manager *mm = manager_of(rep->ph, m->handle);
		size_t v[] = { m->clients, m->open, m->ended, m->stale, m->overdue, m->due,
			       m->moves, m->forward, m->back, m->won };

		cells[0] = m->handle;
		cells[1] = mm ? mm->name : NULL;
		for (size_t k = 0; k < sizeof(v) / sizeof(*v); k++)
			cells[2 + k] = num(nums[2 + k], sizeof(nums[0]), (long long)v[k]);
		cells[nb - 1] = pct(nums[nb - 1], sizeof(nums[0]), m->won, m->clients);
		for (size_t k = 0; k < n; k++)
			cells[nb + k] = num(nums[nb + k], sizeof(nums[0]), (long long)m->now[k]);
		cells[nb + n] = num(nums[nb + n], sizeof(nums[0]), (long long)m->on_hold);
		fmt_row(&w, out, cells, NULL);
	}
	fmt_end(&w, out);
	for (size_t k = 0; k < n; k++)
		free(names[k]);
	free(names);
	free(cols);
	free(cells);
	free(nums);
}

static void reasons_out(struct buf *out, const struct report *rep, enum fmt fmt, bool color)
{
	static const struct fmt_col cols[] = {
		{ "reason", COL_TEXT }, { "clients", COL_NUMBER }, { "percent", COL_NUMBER },
	};
	struct fmt_writer w;

	fmt_start(&w, out, fmt, cols, sizeof(cols) / sizeof(*cols), color, -1);
	for (size_t i = 0; i < rep->nrs; i++) {
		char a[24], b[24];
		const char *cells[3] = { rep->rs[i].text, num(a, sizeof(a), (long long)rep->rs[i].n),
					 pct(b, sizeof(b), rep->rs[i].n, rep->ended) };

		fmt_row(&w, out, cells, NULL);
	}
	fmt_end(&w, out);
}

/* One report's rows in fmt; in html, the chart beside the table. */
static void report_body(struct buf *out, const struct report *rep, enum fmt fmt, bool color)
{
	bool charted = fmt == FMT_HTML && (rep->kind == REPORT_FUNNEL || rep->kind == REPORT_MANAGERS ||
					   rep->kind == REPORT_DURATIONS);

	if (charted) {
		buf_adds(out, "<div class=\"charted\">\n");
		chart_report(out, rep);
	}
	switch (rep->kind) {
	case REPORT_REGISTER: register_rows(out, rep, fmt); break;
	case REPORT_FUNNEL: funnel_out(out, rep, fmt, color); break;
	case REPORT_MANAGERS: managers_out(out, rep, fmt, color); break;
	case REPORT_DURATIONS: durations_out(out, rep, fmt, color); break;
	case REPORT_REASONS: reasons_out(out, rep, fmt, color); break;
	}
	if (charted)
		buf_adds(out, "</div>\n");
}

static const char *const titles[] = { "The register", "The funnel", "The managers", "Where clients stall",
				      "Why collaborations ended" };

/* --all: the register, then each report under its title, one page. */
static void all_html(struct buf *out, const struct state *s)
{
	char sub[160];

	subtitle(sub, sizeof(sub), "The register and every report", s->rep.o.day, s->rep.o.as_of, s->rep.nrows);
	html_begin(out, "Customer support phases register", sub, s->ph);
	register_html(out, &s->rep, false);
	for (size_t k = 0; k < s->nmore; k++) {
		buf_adds(out, "<section class=\"report\">\n<h2>");
		html_escape(out, titles[s->more[k].kind]);
		buf_adds(out, "</h2>\n");
		report_body(out, &s->more[k], FMT_HTML, false);
		buf_adds(out, "</section>\n");
	}
	html_end(out);
}

/* ---- the command ---- */

static int cmd_report(int argc, char **argv, struct ctx *ctx)
{
	const char *as_of = NULL, *since = NULL, *won = NULL, *top = NULL;
	struct report_opts o;
	enum report_kind kind;
	struct state s;
	struct buf out = BUF_INIT;
	enum fmt fmt;
	bool html = false, xlsx = false, wide = false, all = false, color;
	int c, code, rc;

	report_kind_parse(&kind, ctx->cmd->name);
	memset(&s, 0, sizeof(s));
	memset(&o, 0, sizeof(o));
	fmt = stdout_tty() ? FMT_TABLE : FMT_TSV;
	while ((c = next_opt(argc, argv, "hf:", ctx, &code)) != -1) {
		if (filter_opt(&s.f, c, optarg))
			continue;
		switch (c) {
		case 'a': as_of = optarg; break;
		case 'S': since = optarg; break;
		case 'w': won = optarg; break;
		case 'T': top = optarg; break;
		case 'W': wide = true; break;
		case 'A': all = true; break;
		case 'f':
			html = !strcmp(optarg, "html");
			xlsx = !strcmp(optarg, "xlsx");
			if (!html && !xlsx && fmt_parse(&fmt, optarg)) {
				rc = usage_error(ctx, "unknown format '%s' (table, tsv, csv, json, html or xlsx)", optarg);
				goto out;
			}
			break;
		}
	}
	/* "preg report --as-of D funnel": the report must come first. */
	for (int k = 0; code < 0 && optind < argc && report_kinds[k]; k++)
		if (!strcmp(report_kinds[k], argv[optind])) {
			rc = usage_error(ctx, "the report comes before the options: preg report %s ...",
					 argv[optind]);
			goto out;
		}
	if ((rc = filter_args(ctx, argc, argv, code, &s.f, &s.ph)) >= 0)
		goto out;
	if (all && !html) {
		rc = usage_error(ctx, "--all makes one page: preg report --format html --all");
		goto out;
	}
	if (xlsx && kind != REPORT_REGISTER) {
		rc = usage_error(ctx, "--format xlsx is for the register: preg report register --format xlsx");
		goto out;
	}
	if (xlsx && (rc = refuse_binary_tty("preg report --format xlsx > register.xlsx")) >= 0)
		goto out;
	if (as_of && date_parse(&o.day, as_of)) {
		rc = usage_error(ctx, "--as-of: %s", preg_error_msg());
		goto out;
	}
	if (!as_of && today(&o.day)) {
		rc = fail();
		goto out;
	}
	o.as_of = as_of != NULL;
	o.since = o.day - 29;
	if (since && date_parse(&o.since, since)) {
		rc = usage_error(ctx, "--since: %s", preg_error_msg());
		goto out;
	}
	if (since && o.since > o.day) {
		rc = usage_error(ctx, "--since %s is after the day of the report", since);
		goto out;
	}
	if (won) {
		const struct phase *p = phases_find(s.ph, won);

		if (!p) {
			rc = usage_error(ctx, "--won: %s", preg_error_msg());
			goto out;
		}
		o.won = p->id;
	}
	if (top) {
		char *end;
		long t = strtol(top, &end, 10);

		if (*end || end == top || t < 1 || t > 100) {
			rc = usage_error(ctx, "invalid --top '%s' (1 to 100)", top);
			goto out;
		}
		o.top = (int)t;
	}
	o.f = &s.f;
	report_init(&s.rep, s.ph, kind, &o);
	for (int k = REPORT_FUNNEL; all && k <= REPORT_REASONS; k++)
		report_init(&s.more[s.nmore++], s.ph, (enum report_kind)k, &o);
	rc = reg_each_summary(ctx->reg, collect, &s);
	for (size_t k = 0; k < s.nmore; k++)
		if (rc >= 0)
			report_finish(&s.more[k]);
	if (rc < 0) {
		for (size_t k = 0; k < s.nmore; k++)
			report_release(&s.more[k]);
		report_release(&s.rep);
		rc = fail();
		goto out;
	}
	report_finish(&s.rep);
	color = fmt == FMT_TABLE && !html && want_color(ctx);
	if (xlsx) {
		if (register_xlsx(&out, &s.rep)) {
			buf_release(&out);
			report_release(&s.rep);
			rc = fail();
			goto out;
		}
	} else if (all) {
		all_html(&out, &s);
	} else if (html && kind == REPORT_REGISTER) {
		register_html(&out, &s.rep, true);
	} else if (kind == REPORT_REGISTER && fmt == FMT_TABLE) {
		register_table(&out, &s.rep, wide, color);
	} else {
		char sub[160];

		if (html) {
			fmt = FMT_HTML;
			subtitle(sub, sizeof(sub), titles[kind], o.day, o.as_of, s.rep.clients);
			html_begin(&out, titles[kind], sub, kind == REPORT_REASONS ? NULL : s.ph);
		}
		report_body(&out, &s.rep, fmt, color);
		if (html)
			html_end(&out);
	}
	flush_out(&out);
	buf_release(&out);
	for (size_t k = 0; k < s.nmore; k++)
		report_release(&s.more[k]);
	report_release(&s.rep);
	rc = s.bad ? EXIT_FAIL : EXIT_OK;
out:
	filter_release(&s.f);
	return rc;
}
