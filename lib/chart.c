/* chart: inline SVG charts (see chart.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "format.h"
#include "xalloc.h"

/* The layout, in CSS pixels: labels on the left, the plot, room for the
 * value and a note on the right. */
#define WIDTH 640
#define LABEL 150
#define PLOT 360
#define ROW 22
#define TOP 24

const char chart_css[] =
	".charted{display:flex;flex-wrap:wrap;gap:.5em 1.5em;align-items:flex-start;break-inside:avoid}"
	".charted svg{flex:0 0 auto;max-width:100%;height:auto}"
	"svg.chart text{font:11px system-ui,sans-serif;fill:#222}"
	"svg.chart text.t{font-weight:bold;font-size:12px}"
	"svg.chart text.v{fill:#444}svg.chart line.ax{stroke:#999}";

/* A colour that can go in an attribute: "#rrggbb" or grey. */
static const char *paint(const char *c)
{
	if (c && strlen(c) == 7 && c[0] == '#' && strspn(c + 1, "0123456789abcdefABCDEF") == 6)
		return c;
	return "#9e9e9e";
}

static void begin(struct buf *out, const char *title, int height)
{
	buf_addf(out, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		      "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", WIDTH, height, WIDTH, height);
	html_escape(out, title);
	buf_adds(out, "\"><title>");
	html_escape(out, title);
	buf_adds(out, "</title>\n<text class=\"t\" x=\"0\" y=\"14\">");
	html_escape(out, title);
	buf_adds(out, "</text>\n");
}

/* The label of row i, right-aligned before the plot. */
static void label(struct buf *out, size_t i, const char *s)
{
	buf_addf(out, "<text x=\"%d\" y=\"%zu\" text-anchor=\"end\">", LABEL - 6, TOP + i * ROW + 15);
	html_escape(out, s);
	buf_adds(out, "</text>");
}

static double scale(double v, double max)
{
	return max > 0 ? v * PLOT / max : 0;
}

void chart_bars(struct buf *out, const char *title, const struct chart_bar *v, size_t n)
{
	double max = 0;

	for (size_t i = 0; i < n; i++)
		if (v[i].value > max)
			max = v[i].value;
	begin(out, title, TOP + (int)n * ROW + 4);
	for (size_t i = 0; i < n; i++) {
		double w = scale(v[i].value, max);

		label(out, i, v[i].label);
		buf_addf(out, "<rect x=\"%d\" y=\"%zu\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>", LABEL,
			 TOP + i * ROW + 3, w, ROW - 6, paint(v[i].color));
		buf_addf(out, "<text class=\"v\" x=\"%.1f\" y=\"%zu\">%g", LABEL + w + 4, TOP + i * ROW + 15,
			 v[i].value);
		if (v[i].note) {
			buf_adds(out, "  ");
			html_escape(out, v[i].note);
		}
		buf_adds(out, "</text>\n");
	}
	buf_adds(out, "</svg>\n");
}

void chart_boxes(struct buf *out, const char *title, const char *unit, const struct chart_box *v, size_t n)
{
	int max = 0;
	const int height = TOP + (int)n * ROW + 22;

	for (size_t i = 0; i < n; i++)
		if (v[i].n && v[i].max > max)
			max = v[i].max;
	begin(out, title, height);
	/* The axis: 0, the middle and the most, in the unit. */
	buf_addf(out, "<line class=\"ax\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", LABEL, height - 18,
		 LABEL + PLOT, height - 18);
	for (int k = 0; k <= 2; k++) {
		int at = max * k / 2;

		buf_addf(out, "<text class=\"v\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d", LABEL + scale(at, max),
			 height - 5, at);
		if (k == 2 && unit) {
			buf_addc(out, ' ');
			html_escape(out, unit);
		}
		buf_adds(out, "</text>");
	}
	buf_addc(out, '\n');
	for (size_t i = 0; i < n; i++) {
		const struct chart_box *b = &v[i];
		size_t y = TOP + i * ROW, mid = y + ROW / 2;

		label(out, i, b->label);
		if (!b->n) {
			buf_addc(out, '\n');
			continue;
		}
		buf_addf(out, "<line x1=\"%.1f\" y1=\"%zu\" x2=\"%.1f\" y2=\"%zu\" stroke=\"#555\"/>",
			 LABEL + scale(b->min, max), mid, LABEL + scale(b->max, max), mid);
		buf_addf(out, "<rect x=\"%.1f\" y=\"%zu\" width=\"%.1f\" height=\"%d\" fill=\"%s\" stroke=\"#555\"/>",
			 LABEL + scale(b->q1, max), y + 4, scale(b->q3 - b->q1, max) + 1, ROW - 8, paint(b->color));
		buf_addf(out, "<line x1=\"%.1f\" y1=\"%zu\" x2=\"%.1f\" y2=\"%zu\" stroke=\"#000\" stroke-width=\"3\"/>",
			 LABEL + scale(b->median, max), y + 3, LABEL + scale(b->median, max), y + ROW - 3);
		buf_addf(out, "<line x1=\"%.1f\" y1=\"%zu\" x2=\"%.1f\" y2=\"%zu\" stroke=\"#d32f2f\" stroke-width=\"2\"/>",
			 LABEL + scale(b->p90, max), y + 2, LABEL + scale(b->p90, max), y + ROW - 2);
		buf_addf(out, "<text class=\"v\" x=\"%.1f\" y=\"%zu\">%d</text>\n", LABEL + scale(b->max, max) + 4,
			 y + 15, b->median);
	}
	buf_adds(out, "</svg>\n");
}

void chart_stacked(struct buf *out, const char *title, const char *const *rows, size_t nrows,
		   const struct chart_series *series, size_t nseries, const size_t *values)
{
	size_t max = 0;

	for (size_t r = 0; r < nrows; r++) {
		size_t t = 0;

		for (size_t s = 0; s < nseries; s++)
			t += values[r * nseries + s];
		if (t > max)
			max = t;
	}
	begin(out, title, TOP + (int)nrows * ROW + 4);
	for (size_t r = 0; r < nrows; r++) {
		double x = LABEL;
		size_t t = 0;

		label(out, r, rows[r]);
		for (size_t s = 0; s < nseries; s++) {
			size_t v = values[r * nseries + s];
			double w = scale((double)v, (double)max);

			if (!v)
				continue;
			buf_addf(out, "<rect x=\"%.1f\" y=\"%zu\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>", x,
				 TOP + r * ROW + 3, w, ROW - 6, paint(series[s].color));
			html_escape(out, series[s].label);
			buf_addf(out, ": %zu</title></rect>", v);
			x += w;
			t += v;
		}
		buf_addf(out, "<text class=\"v\" x=\"%.1f\" y=\"%zu\">%zu</text>\n", x + 4, TOP + r * ROW + 15, t);
	}
	buf_adds(out, "</svg>\n");
}

/* "1 research", for a label. */
static char *phase_label(const struct phase *p)
{
	return xasprintf("%d %s", p->id, p->key);
}

static void funnel(struct buf *out, const struct report *rep)
{
	const struct phases *ph = rep->ph;
	struct chart_bar *v = xcalloc(ph->n + 1, sizeof(*v));
	char **own = xcalloc(2 * ph->n + 1, sizeof(*own));

	for (size_t k = 0; k < ph->n; k++) {
		const struct phase *p = &ph->v[k];
		/* As the funnel's table: none for an ending phase after one that
		 * does not end. */
		bool conv = k > 0 && !(p->ending && !ph->v[k - 1].ending) && rep->ps[k - 1].reached;

		v[k].label = own[2 * k] = phase_label(p);
		v[k].color = p->color;
		v[k].value = (double)rep->ps[k].reached;
		if (conv)
			v[k].note = own[2 * k + 1] = xasprintf("%.1f%%", 100.0 * (double)rep->ps[k].reached /
									   (double)rep->ps[k - 1].reached);
	}
	chart_bars(out, "Clients that reached each phase, and the conversion from the phase before", v, ph->n);
	for (size_t k = 0; k < 2 * ph->n; k++)
		free(own[k]);
	free(own);
	free(v);
}

static void durations(struct buf *out, const struct report *rep)
{
	const struct phases *ph = rep->ph;
	struct chart_box *v = xcalloc(ph->n + 1, sizeof(*v));

	for (size_t k = 0; k < ph->n; k++) {
		const struct pstat *s = &rep->ps[k];

		v[k].label = phase_label(&ph->v[k]);
		v[k].color = ph->v[k].color;
		v[k].n = s->ndays;
		if (!s->ndays)
			continue;
		v[k].min = s->days[0];
		v[k].q1 = report_percentile(s->days, s->ndays, 25);
		v[k].median = report_percentile(s->days, s->ndays, 50);
		v[k].q3 = report_percentile(s->days, s->ndays, 75);
		v[k].p90 = report_percentile(s->days, s->ndays, 90);
		v[k].max = s->days[s->ndays - 1];
	}
	chart_boxes(out, "Days in each phase: least to most, quartiles, median (black), 90th percentile (red)",
		    "days", v, ph->n);
	for (size_t k = 0; k < ph->n; k++)
		free((char *)v[k].label);
	free(v);
}

static void managers(struct buf *out, const struct report *rep)
{
	const struct phases *ph = rep->ph;
	struct chart_series *series = xcalloc(ph->n + 1, sizeof(*series));
	const char **rows = xcalloc(rep->nms + 1, sizeof(*rows));
	size_t *values = xcalloc(rep->nms * ph->n + 1, sizeof(*values));

	for (size_t k = 0; k < ph->n; k++) {
		series[k].label = phase_label(&ph->v[k]);
		series[k].color = ph->v[k].color;
	}
	for (size_t i = 0; i < rep->nms; i++) {
		rows[i] = rep->ms[i].handle;
		for (size_t k = 0; k < ph->n; k++)
			values[i * ph->n + k] = rep->ms[i].now[k];
	}
	chart_stacked(out, "Clients of each manager, by phase", rows, rep->nms, series, ph->n, values);
	for (size_t k = 0; k < ph->n; k++)
		free((char *)series[k].label);
	free(series);
	free(rows);
	free(values);
}

void chart_report(struct buf *out, const struct report *rep)
{
	switch (rep->kind) {
	case REPORT_FUNNEL: funnel(out, rep); break;
	case REPORT_DURATIONS: durations(out, rep); break;
	case REPORT_MANAGERS: managers(out, rep); break;
	default: break;
	}
}
