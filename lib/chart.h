/*
 * chart: inline SVG charts for the HTML reports: no script, nothing from
 * the network, every text HTML-escaped (format.h). Each function appends
 * one <svg> element to a struct buf, sized in CSS pixels for an A4
 * landscape page; the page puts the chart's numbers in a table beside it.
 *
 * - chart_bars: one horizontal bar a row (the funnel: clients that reached
 *   each phase), the value after the bar and a note (the conversion).
 * - chart_boxes: a distribution a row on one axis of days (durations):
 *   whiskers from the least to the most, a box from the first to the third
 *   quartile, the median as a thick line, the 90th percentile as a tick.
 * - chart_stacked: a row a group (the managers), one segment a series (the
 *   clients in each phase) in the series' colour, the total after it.
 */
#ifndef PREG_CHART_H
#define PREG_CHART_H

#include <stddef.h>

#include "buf.h"
#include "report.h"

struct chart_bar {
	const char *label;
	const char *color;  /* "#rrggbb", or NULL for grey */
	double value;
	const char *note;   /* after the value, or NULL */
};

struct chart_box {
	const char *label;
	const char *color;
	size_t n;           /* values behind it; 0 draws nothing but the label */
	int min, q1, median, q3, p90, max;
};

struct chart_series {
	const char *label;
	const char *color;
};

/* The style sheet the charts' classes need, for the page's <style>. */
extern const char chart_css[];

void chart_bars(struct buf *out, const char *title, const struct chart_bar *v, size_t n);
void chart_boxes(struct buf *out, const char *title, const char *unit, const struct chart_box *v, size_t n);
/* values[row * nseries + s]. */
void chart_stacked(struct buf *out, const char *title, const char *const *rows, size_t nrows,
		   const struct chart_series *series, size_t nseries, const size_t *values);

/* The chart of a finished report of kind funnel (reached, with the
 * conversion), durations (days in each phase) or managers (clients per
 * phase, stacked); nothing for the others. */
void chart_report(struct buf *out, const struct report *rep);

#endif
