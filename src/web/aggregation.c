/*
 * aggregation.c - one payload's aggregation: its verdict, the test x run
 * grid (failed tests first, as the HTML summary of `aggregate` orders
 * them), and every test's explanation.  ?job=J&payload=P picks one; the
 * default is the newest.  Read from the aggregation tables, which keep
 * what `testpump aggregate` decided.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/strmap.h"
#include "core/xalloc.h"
#include "output/html.h"
#include "output/svg.h"
#include "web/web.h"
#include "core/banned.h"

/* The grid's rows at most: failed tests come first, so they are shown. */
#define GRID_MAX 300

/* The mark letter of a test_run_status status. */
static char mark_of(const char *status)
{
	if (!strcmp(status, "pass"))
		return 'p';
	if (!strcmp(status, "fail"))
		return 'f';
	if (!strcmp(status, "flaky"))
		return 'k';
	if (!strcmp(status, "skip"))
		return 's';
	return '-';
}

/* Maps the integer member key of every row to the row's index. */
static void index_rows(struct strmap *m, const json_t *arr, const char *key)
{
	size_t i;
	const json_t *r;

	json_array_foreach (arr, i, r) {
		int64_t id = json_integer_value(json_object_get(r, key));

		strmap_put(m, (const char *)&id, sizeof(id), (int64_t)i);
	}
}

static size_t lookup(const struct strmap *m, const json_t *r, const char *key)
{
	int64_t id = json_integer_value(json_object_get(r, key)), i;

	if (!strmap_get(m, (const char *)&id, sizeof(id), &i))
		return (size_t)-1;
	return (size_t)i;
}

static void grid(struct buf *out, const json_t *tests, const json_t *runs,
		 const json_t *marks)
{
	size_t nt = json_array_size(tests), nr = json_array_size(runs), i;
	size_t all = nt;
	struct strmap ti = STRMAP_INIT, ri = STRMAP_INIT;
	char *m;
	const char **rows;
	const char **cols = xcalloc(nr + 1, sizeof(*cols));
	const char **tips = xcalloc(nr + 1, sizeof(*tips));
	char **labels = xcalloc(nr + 1, sizeof(*labels));
	const json_t *r;

	if (nt > GRID_MAX)
		nt = GRID_MAX;
	m = xmalloc(nt * nr + 1);
	rows = xcalloc(nt + 1, sizeof(*rows));
	memset(m, '-', nt * nr);
	m[nt * nr] = 0;
	for (i = 0; i < nt; i++)
		rows[i] = web_str(json_array_get(tests, i), "name");
	json_array_foreach (runs, i, r) {
		labels[i] = xasprintf("%zu", i + 1);
		cols[i] = labels[i];
		tips[i] = web_str(r, "run_id");
	}
	index_rows(&ti, tests, "test_id");
	index_rows(&ri, runs, "id");
	json_array_foreach (marks, i, r) {
		size_t t = lookup(&ti, r, "test_id");
		size_t j = lookup(&ri, r, "job_run_id");

		if (t < nt && j < nr)
			m[t * nr + j] = mark_of(web_str(r, "status"));
	}
	svg_grid(out, &(struct svg_cells){
			      .id = "aggregation-grid",
			      .title = "Tests by run, failed first",
			      .x_label = "run",
			      .cols = cols,
			      .ncols = nr,
			      .rows = rows,
			      .nrows = nt,
			      .marks = m,
			      .tips = tips,
		      });
	if (all > nt)
		buf_addf(out,
			 "<p>The grid shows the first %zu of %zu tests; "
			 "the table below lists them all.</p>\n",
			 nt, all);
	strmap_release(&ti);
	strmap_release(&ri);
	for (i = 0; i < nr; i++)
		free(labels[i]);
	free(labels);
	free(tips);
	free(cols);
	free(rows);
	free(m);
}

static void summary(const struct web_context *ctx, struct buf *out,
		    const json_t *a, const json_t *runs)
{
	size_t i;
	const json_t *r;

	buf_adds(out, "<p class=\"verdict verdict-");
	html_attr(out, web_str(a, "verdict"));
	buf_adds(out, "\">Verdict: <b>");
	html_escape(out, web_str(a, "verdict"));
	buf_adds(out, "</b></p>\n<p>Job <b>");
	html_escape(out, web_str(a, "job"));
	buf_adds(out, "</b>, payload <b>");
	html_escape(out, web_str(a, "payload"));
	buf_addf(out,
		 "</b>, aggregated %s: %g tests, %g failed (%g blocking), "
		 "%g skipped, over %g runs; history from %g runs; minimum "
		 "attempts %g, pity %g, alpha %g.</p>\n",
		 web_str(a, "aggregated_at"), web_num(a, "tests"),
		 web_num(a, "failed"), web_num(a, "blocking_failures"),
		 web_num(a, "skipped"), web_num(a, "runs"),
		 web_num(a, "history_runs_used"), web_num(a, "min_attempts"),
		 web_num(a, "pity"), web_num(a, "alpha"));
	buf_adds(out, "<h2>Runs</h2>\n<ol class=\"runs\">\n");
	json_array_foreach (runs, i, r) {
		const char *url = web_str(r, "url");

		buf_adds(out, "<li>");
		if (!strncmp(url, "https://", 8) ||
		    !strncmp(url, "http://", 7)) {
			buf_adds(out, "<a href=\"");
			html_attr(out, url);
			buf_adds(out, "\">");
			html_escape(out, web_str(r, "run_id"));
			buf_adds(out, "</a>");
		} else {
			html_escape(out, web_str(r, "run_id"));
		}
		buf_adds(out, " \xE2\x80\x94 ");
		html_escape(out, web_str(r, "status"));
		buf_adds(out, ", started ");
		html_escape(out, web_str(r, "started_at"));
		buf_adds(out, "</li>\n");
	}
	buf_adds(out, "</ol>\n");
	(void)ctx;
}

static void explanations(const struct web_context *ctx, struct buf *out,
			 const json_t *tests)
{
	size_t i;
	const json_t *t;

	buf_adds(out, "<h2>Tests</h2>\n<table class=\"data\" data-sort "
		      "data-filter>\n<thead><tr><th>verdict</th><th>suite</th>"
		      "<th>test</th><th>passes</th><th>failures</th>"
		      "<th>history %</th><th>required</th><th>explanation</th>"
		      "</tr></thead>\n<tbody>\n");
	json_array_foreach (tests, i, t) {
		const char *v = web_str(t, "verdict");

		buf_adds(out, "<tr><td class=\"verdict-");
		html_attr(out, v);
		buf_adds(out, "\">");
		html_escape(out, v);
		if (json_integer_value(json_object_get(t, "blocking")))
			buf_adds(out, " (blocking)");
		else if (json_integer_value(json_object_get(t, "informing")))
			buf_adds(out, " (informing)");
		buf_adds(out, "</td>");
		html_element(out, "td", web_str(t, "suite"));
		buf_adds(out, "<td><a href=\"");
		web_href(ctx, out, "/history", "test", web_str(t, "name"), NULL,
			 NULL);
		buf_adds(out, "\">");
		html_escape(out, web_str(t, "name"));
		buf_adds(out, "</a></td>");
		web_cell(out, json_object_get(t, "passes"));
		web_cell(out, json_object_get(t, "failures"));
		web_cell(out, json_object_get(t, "history_pct"));
		web_cell(out, json_object_get(t, "required_passes"));
		buf_adds(out, "<td><pre>");
		html_escape(out, web_str(t, "explanation"));
		buf_adds(out, "</pre></td></tr>\n");
	}
	buf_adds(out, "</tbody>\n</table>\n");
}

static int show(const struct web_context *ctx, struct buf *out, const json_t *a)
{
	char id[32];
	const char *p[1] = {id};
	json_t *tests = NULL, *runs = NULL, *marks = NULL;
	int rc = -1;

	snprintf(id, sizeof(id), "%lld",
		 (long long)json_integer_value(json_object_get(a, "id")));
	if (web_query(ctx, "aggregation-tests", p, 1, &tests) < 0 ||
	    web_query(ctx, "aggregation-runs", p, 1, &runs) < 0 ||
	    web_query(ctx, "aggregation-marks", p, 1, &marks) < 0)
		goto out;
	summary(ctx, out, a, runs);
	grid(out, tests, runs, marks);
	explanations(ctx, out, tests);
	rc = 0;
out:
	json_decref(tests);
	json_decref(runs);
	json_decref(marks);
	return rc;
}

int page_aggregation(const struct web_context *ctx, const struct web_args *args,
		     struct buf *out)
{
	const char *job = web_arg(args, "job"),
		   *payload = web_arg(args, "payload");
	const char *p[4];
	json_t *rows = NULL;
	int status = 200;

	p[0] = p[1] = job && *job ? job : "*";
	p[2] = p[3] = payload && *payload ? payload : "*";
	page_begin(ctx, out, web_page_find("/aggregation"),
		   "Payload aggregation");
	if (web_query(ctx, "aggregation", p, 4, &rows) < 0) {
		web_error(out, "The store cannot be read", err_msg());
		web_empty(out, "No payload has been aggregated.",
			  "testpump aggregate --job J --payload P");
	} else if (!json_array_size(rows)) {
		if (job || payload)
			status = 404;
		web_empty(out,
			  job || payload ? "No aggregation of this job and "
					   "payload is stored."
					 : "No payload has been aggregated.",
			  "testpump aggregate --job J --payload P");
	} else if (show(ctx, out, json_array_get(rows, 0)) < 0) {
		json_decref(rows);
		return -1;
	}
	json_decref(rows);
	page_end(out);
	return status;
}
