/*
 * test_svg.c - the SVG chart writer and the HTML escaper: golden files
 * for each chart kind, determinism, and CI data (a test named
 * "<script>...") staying text in every chart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "output/html.h"
#include "output/svg.h"
#include "golden.h"

#define XSS "<script>alert(1)</script> \"q\" 'a' & b"

static void check_buf(const char *name, const struct buf *b)
{
	struct render r = {NULL, b->data, b->len};

	check_golden(name, &r);
}

/* No raw markup from the data reaches the output. */
static void assert_escaped(const char *s)
{
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "alert(1)</"));
	assert_null(strstr(s, "\"q\""));
	assert_null(strstr(s, "'a'"));
	assert_non_null(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt; "
				  "&quot;q&quot; &#39;a&#39; &amp; b"));
}

static void test_escape(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	html_escape(&b, XSS);
	assert_string_equal(b.data, "&lt;script&gt;alert(1)&lt;/script&gt; "
				    "&quot;q&quot; &#39;a&#39; &amp; b");
	buf_reset(&b);
	html_attr(&b, "a\tb\nc\"d");
	assert_string_equal(b.data, "a&#9;b&#10;c&quot;d");
	buf_reset(&b);
	html_url_encode(&b, "a b&c=d/é<");
	assert_string_equal(b.data, "a%20b%26c%3Dd%2F%C3%A9%3C");
	buf_reset(&b);
	html_element(&b, "td", "x<y");
	assert_string_equal(b.data, "<td>x&lt;y</td>");
	buf_reset(&b);
	html_escape(&b, "bell\x07");
	assert_string_equal(b.data, "bell\xEF\xBF\xBD");
	buf_release(&b);
}

static const char *const days[] = {"2024-05-01", "2024-05-02", "2024-05-03",
				   "2024-05-04"};
static const double completed[] = {10, 12, 15, 18};
static const double suitable[] = {30, 28, 25, 20};
static const double unsuitable[] = {5, 5, 6, 6};

static void test_stacked_bars(void **state)
{
	struct svg_series s[] = {
		{"Completed", completed, NULL},
		{"Suitable", suitable, NULL},
		{"Unsuitable", unsuitable, NULL},
	};
	struct svg_chart c = {"cov",	   "Test cases of fenix",
			      "day (UTC)", "test cases",
			      days,	   4,
			      s,	   3};
	struct buf a = BUF_INIT, b = BUF_INIT;

	(void)state;
	svg_stacked_bars(&a, &c);
	svg_stacked_bars(&b, &c);
	assert_string_equal(a.data, b.data); /* deterministic */
	assert_non_null(strstr(a.data, "<title id=\"cov-t\">Test cases of "
				       "fenix</title>"));
	assert_non_null(strstr(a.data, ">test cases</text>"));
	assert_non_null(strstr(a.data, ">day (UTC)</text>"));
	assert_non_null(strstr(a.data, "2024-05-04, Unsuitable: 6 test "
				       "cases"));
	check_buf("svg_stacked_bars.svg", &a);
	buf_release(&a);
	buf_release(&b);
}

static void test_bars_one_series_and_empty(void **state)
{
	static const double runs[] = {3, 0, 7, 1};
	struct svg_series s[] = {{"runs", runs, NULL}};
	struct svg_chart c = {
		"runs", "Runs per day", "day (UTC)", "runs", days, 4, s, 1};
	struct svg_chart empty = {"e",	"Nothing", "day", "runs",
				  NULL, 0,	   NULL,  0};
	struct buf a = BUF_INIT;

	(void)state;
	svg_stacked_bars(&a, &c);
	check_buf("svg_bars.svg", &a);
	buf_reset(&a);
	svg_stacked_bars(&a, &empty);
	assert_non_null(strstr(a.data, "</svg>"));
	buf_reset(&a);
	svg_lines(&a, &empty);
	assert_non_null(strstr(a.data, "</svg>"));
	buf_release(&a);
}

static void test_lines(void **state)
{
	static const double net[] = {1, 4, 2, 0};
	static const double gfx[] = {0, 1, 3, 5};
	struct svg_series s[] = {{"Networking", net, NULL},
				 {"Graphics", gfx, NULL}};
	struct svg_chart c = {"reg",
			      "Issue regressions per week",
			      "week (Monday)",
			      "issues",
			      days,
			      4,
			      s,
			      2};
	struct buf a = BUF_INIT;

	(void)state;
	svg_lines(&a, &c);
	assert_non_null(strstr(a.data, "stroke-dasharray=\"6 3\""));
	check_buf("svg_lines.svg", &a);
	buf_release(&a);
}

static void test_timeline(void **state)
{
	static const char *const when[] = {"05-01", "05-02", "05-03",
					   "05-04", "05-05", "05-06"};
	static const char *const tips[] = {"run 1", "run 2", "run 3",
					   "run 4", "run 5", "run 6"};
	struct svg_cells c = {.id = "tl",
			      .title = "Results of a test",
			      .x_label = "run start",
			      .cols = when,
			      .ncols = 6,
			      .marks = "ppfksp",
			      .tips = tips};
	struct buf a = BUF_INIT;

	(void)state;
	svg_timeline(&a, &c);
	assert_non_null(strstr(a.data, "05-03 (run 3): fail"));
	assert_non_null(strstr(a.data, "pass rate (%)"));
	check_buf("svg_timeline.svg", &a);
	buf_release(&a);
}

static void test_grid(void **state)
{
	static const char *const runs[] = {"1", "2", "3"};
	static const char *const tests[] = {"failing test", "flaky test",
					    "passing test"};
	struct svg_cells c = {.id = "grid",
			      .title = "Tests by run",
			      .x_label = "run",
			      .cols = runs,
			      .ncols = 3,
			      .rows = tests,
			      .nrows = 3,
			      .marks = "fpfkpkppp"};
	struct buf a = BUF_INIT;

	(void)state;
	svg_grid(&a, &c);
	assert_non_null(strstr(a.data, "failing test, 1: fail"));
	check_buf("svg_grid.svg", &a);
	buf_release(&a);
}

/* A name with markup and quotes stays text in every kind of chart. */
static void test_hostile_names(void **state)
{
	static const char *const x[] = {XSS, "b"};
	static const double v[] = {1, 2};
	static const char *const rows[] = {XSS};
	struct svg_series s[] = {{XSS, v, NULL}};
	struct svg_chart c = {"x", XSS, XSS, XSS, x, 2, s, 1};
	struct svg_cells cells = {.id = "x",
				  .title = XSS,
				  .x_label = XSS,
				  .cols = x,
				  .ncols = 2,
				  .rows = rows,
				  .nrows = 1,
				  .marks = "pf",
				  .tips = x};
	struct buf a = BUF_INIT;

	(void)state;
	svg_stacked_bars(&a, &c);
	assert_escaped(a.data);
	buf_reset(&a);
	svg_lines(&a, &c);
	assert_escaped(a.data);
	buf_reset(&a);
	svg_timeline(&a, &cells);
	assert_escaped(a.data);
	buf_reset(&a);
	svg_grid(&a, &cells);
	assert_escaped(a.data);
	buf_release(&a);
}

int main(void)
{
	/* golden.h helpers this program does not need */
	(void)render_open;
	(void)render_close;
	(void)load;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_stacked_bars),
		cmocka_unit_test(test_bars_one_series_and_empty),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_timeline),
		cmocka_unit_test(test_grid),
		cmocka_unit_test(test_hostile_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
