/* test_chart: the SVG of the HTML reports: bars in proportion to their
 * values, every text escaped, a colour that is not "#rrggbb" never reaching
 * an attribute, boxes at their quartiles, stacked segments and their total;
 * chart_report for the funnel of real records. */
#include "unit.h"
#include "chart.h"
#include "record.h"
#include "report.h"

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

static void test_bars(void **state)
{
	const struct chart_bar v[] = {
		{ "1 research", "#9e9e9e", 10, NULL },
		{ "<b>Tom & Jerry</b>", "red\" onload=\"x", 5, "50.0%" },
		{ "3 ООО «Ромашка»", NULL, 0, NULL },
	};
	struct buf b = BUF_INIT;
	const char *s;

	(void)state;
	chart_bars(&b, "Funnel <&>", v, 3);
	s = buf_str(&b);
	assert_true(!strncmp(s, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\"", 52));
	assert_non_null(strstr(s, "<title>Funnel &lt;&amp;&gt;</title>"));
	assert_non_null(strstr(s, "aria-label=\"Funnel &lt;&amp;&gt;\""));
	/* The most is the whole plot (360 px), half of it half. */
	assert_non_null(strstr(s, "width=\"360.0\" height=\"16\" fill=\"#9e9e9e\""));
	assert_non_null(strstr(s, "width=\"180.0\" height=\"16\" fill=\"#9e9e9e\""));
	assert_non_null(strstr(s, "width=\"0.0\""));
	assert_non_null(strstr(s, "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;"));
	assert_non_null(strstr(s, ">5  50.0%</text>"));
	assert_non_null(strstr(s, "3 ООО «Ромашка»"));
	assert_null(strstr(s, "onload"));
	assert_null(strstr(s, "<b>"));
	assert_int_equal(count(s, "<rect"), 3);
	assert_true(strlen(s) > 6 && !strcmp(s + strlen(s) - 7, "</svg>\n"));
	buf_release(&b);
}

static void test_boxes(void **state)
{
	const struct chart_box v[] = {
		{ "1 research", "#9e9e9e", 5, 0, 10, 20, 30, 36, 40 },
		{ "2 decision-maker", "#78909c", 0, 0, 0, 0, 0, 0, 0 },
	};
	struct buf b = BUF_INIT;
	const char *s;

	(void)state;
	chart_boxes(&b, "Days", "days", v, 2);
	s = buf_str(&b);
	/* The axis: 0, 20, 40 days. */
	assert_non_null(strstr(s, ">0</text>"));
	assert_non_null(strstr(s, ">20</text>"));
	assert_non_null(strstr(s, ">40 days</text>"));
	/* The box from q1 (10: 90 px) to q3 (30: 270 px), the median at 20
	 * (180 px from the plot's start at 150). */
	assert_non_null(strstr(s, "<rect x=\"240.0\" y=\"28\" width=\"181.0\""));
	assert_non_null(strstr(s, "x1=\"330.0\" y1=\"27\" x2=\"330.0\""));
	/* The row without values has its label and nothing else. */
	assert_non_null(strstr(s, ">2 decision-maker</text>"));
	assert_int_equal(count(s, "<rect"), 1);
	buf_release(&b);
}

static void test_stacked(void **state)
{
	const char *rows[] = { "ivanov", "petrov" };
	const struct chart_series series[] = { { "1 research", "#9e9e9e" }, { "3 presentation", "#5c6bc0" } };
	const size_t values[] = { 3, 1, 0, 2 };
	struct buf b = BUF_INIT;
	const char *s;

	(void)state;
	chart_stacked(&b, "Managers", rows, 2, series, 2, values);
	s = buf_str(&b);
	/* ivanov 4 (the most: 360 px), petrov 2; no segment for a zero. */
	assert_int_equal(count(s, "<rect"), 3);
	assert_non_null(strstr(s, "width=\"270.0\" height=\"16\" fill=\"#9e9e9e\"><title>1 research: 3</title>"));
	assert_non_null(strstr(s, "x=\"420.0\" y=\"27\" width=\"90.0\" height=\"16\" fill=\"#5c6bc0\""));
	assert_non_null(strstr(s, "width=\"180.0\" height=\"16\" fill=\"#5c6bc0\"><title>3 presentation: 2</title>"));
	assert_non_null(strstr(s, ">4</text>"));
	assert_non_null(strstr(s, ">2</text>"));
	buf_release(&b);
}

static struct record *rec(const char *id, const char *hist, int phase)
{
	char text[1024];
	struct record *r = NULL;

	snprintf(text, sizeof(text),
		 "id: %s\nname: %s\nmanager: ivanov\nphase: %d\nphase_since: 2026-10-05T10:00:00+05:00\n"
		 "created: 2026-10-01T10:00:00+05:00\nhistory:\n%s",
		 id, id, phase, hist);
	if (record_parse(&r, text, strlen(text), "x.yaml", NULL))
		fail_msg("record_parse: %s", preg_error_msg());
	return r;
}

static void test_funnel_of_records(void **state)
{
	struct phases *ph = unit_phases("freight");
	struct record *r[2];
	struct report rep;
	struct report_opts o;
	struct buf b = BUF_INIT;

	(void)state;
	r[0] = rec("a", "  - {at: 2026-10-01T10:00:00+05:00, by: x, phase: 1, manager: ivanov}\n"
			"  - {at: 2026-10-05T10:00:00+05:00, by: x, phase: 2}\n", 2);
	r[1] = rec("b", "  - {at: 2026-10-01T10:00:00+05:00, by: x, phase: 1, manager: ivanov}\n", 1);
	memset(&o, 0, sizeof(o));
	o.day = unit_day("2026-11-02");
	o.since = o.day - 29;
	report_init(&rep, ph, REPORT_FUNNEL, &o);
	report_add(&rep, r[0]);
	report_add(&rep, r[1]);
	report_finish(&rep);
	chart_report(&b, &rep);
	/* Two reached research, one decision-maker: 50.0% from the phase
	 * before; none after. */
	assert_non_null(strstr(buf_str(&b), ">1 research</text>"));
	assert_non_null(strstr(buf_str(&b), ">2</text>"));
	assert_non_null(strstr(buf_str(&b), ">1  50.0%</text>"));
	assert_non_null(strstr(buf_str(&b), ">0  0.0%</text>"));
	assert_int_equal(count(buf_str(&b), "<rect"), ph->n);
	buf_release(&b);
	/* The register has no chart. */
	rep.kind = REPORT_REGISTER;
	chart_report(&b, &rep);
	assert_int_equal(b.len, 0);
	report_release(&rep);
	record_free(r[0]);
	record_free(r[1]);
	phases_free(ph);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bars),
		cmocka_unit_test(test_boxes),
		cmocka_unit_test(test_stacked),
		cmocka_unit_test(test_funnel_of_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
