/* format_html: the frame of the HTML pages (see format_html.h). */
#include <stdio.h>

#include "chart.h"
#include "format.h"
#include "format_html.h"

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

void html_page_begin(struct buf *out, const char *title, const char *sub, const struct phases *ph)
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

void html_page_end(struct buf *out)
{
	buf_adds(out, "</body>\n</html>\n");
}

const char *html_ink_on(const char *hex)
{
	unsigned r, g, b;

	if (!hex || sscanf(hex, "#%2x%2x%2x", &r, &g, &b) != 3)
		return "#000";
	return 299 * r + 587 * g + 114 * b > 140000 ? "#000" : "#fff";
}
