/*
 * history.c - a test's history: its result in each run, oldest first,
 * as a pass/fail/flaky/skip timeline under its pass rate (?test=NAME,
 * and &job=J for one job).  Without a test, the tests that failed or
 * flaked most, each with its timeline, and a table of them all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "output/html.h"
#include "output/svg.h"
#include "web/web.h"
#include "core/banned.h"

/* Timelines drawn on the page without a test. */
#define TOP_TESTS 5

static char mark_of(const char *status)
{
	return !strcmp(status, "pass")	  ? 'p'
	       : !strcmp(status, "fail")  ? 'f'
	       : !strcmp(status, "flaky") ? 'k'
	       : !strcmp(status, "skip")  ? 's'
					  : '-';
}

/* "2024-05-01T10:00:00Z" as "05-01 10:00", a short axis label. */
static char *short_time(const char *t)
{
	if (strlen(t) < 16 || t[10] != 'T')
		return xstrdup(t);
	return xasprintf("%.5s %.5s", t + 5, t + 11);
}

/*
 * Draws the timeline of rows (newest first, as the query returns them);
 * returns the number of results.
 */
static size_t timeline(struct buf *out, const json_t *rows, const char *id,
		       const char *title)
{
	size_t n = json_array_size(rows);
	char *marks = xmalloc(n + 1);
	char **cols = xcalloc(n + 1, sizeof(*cols));
	char **tips = xcalloc(n + 1, sizeof(*tips));
	size_t p = 0, f = 0, k = 0;

	for (size_t i = 0; i < n; i++) {
		const json_t *r = json_array_get(rows, n - 1 - i);

		marks[i] = mark_of(web_str(r, "status"));
		p += marks[i] == 'p';
		f += marks[i] == 'f';
		k += marks[i] == 'k';
		cols[i] = short_time(web_str(r, "started_at"));
		tips[i] = xasprintf("%s, %s run %s", web_str(r, "started_at"),
				    web_str(r, "job"), web_str(r, "run_id"));
	}
	marks[n] = 0;
	svg_timeline(
		out,
		&(struct svg_cells){
			.id = id,
			.title = title,
			.x_label = "run start (UTC, month-day hour:minute)",
			.cols = (const char *const *)cols,
			.ncols = n,
			.marks = marks,
			.tips = (const char *const *)tips,
		});
	buf_addf(out,
		 "<p class=\"rate\">%zu runs: %zu passed, %zu failed, %zu "
		 "flaky; pass rate %.1f %% (flaky counts as a pass).</p>\n",
		 n, p, f, k, p + f + k ? 100.0 * (p + k) / (p + f + k) : 0.0);
	for (size_t i = 0; i < n; i++) {
		free(tips[i]);
		free(cols[i]);
	}
	free(tips);
	free(cols);
	free(marks);
	return n;
}

static int one_test(const struct web_context *ctx, struct buf *out,
		    const char *test, const char *job)
{
	const char *p[4] = {test, test, job ? job : "*", job ? job : "*"};
	struct buf title = BUF_INIT;
	json_t *rows;
	int status = 200;

	if (web_query(ctx, "test-history", p, 4, &rows) < 0) {
		web_error(out, "The store cannot be read", err_msg());
		return 200;
	}
	buf_adds(&title, "Results of ");
	buf_adds(&title, test);
	if (job) {
		buf_adds(&title, " in ");
		buf_adds(&title, job);
	}
	html_element(out, "h2", title.data);
	if (!json_array_size(rows)) {
		status = 404;
		web_empty(out, "No result of this test is stored.",
			  "testpump ingest junit PATH --job J --run-id R");
	} else {
		timeline(out, rows, "history", title.data);
	}
	buf_release(&title);
	json_decref(rows);
	return status;
}

static void top_tests(const struct web_context *ctx, struct buf *out,
		      const json_t *list)
{
	static const char *const cols[] = {"test", "suite", "runs", "pass",
					   "fail", "flaky", "skip", NULL};

	for (size_t i = 0; i < TOP_TESTS && i < json_array_size(list); i++) {
		const json_t *t = json_array_get(list, i);
		const char *p[4] = {web_str(t, "test"), web_str(t, "test"), "*",
				    "*"};
		json_t *rows;
		char id[32];

		if (web_query(ctx, "test-history", p, 4, &rows) < 0)
			continue;
		snprintf(id, sizeof(id), "history-%zu", i);
		buf_adds(out, "<section>\n<h2>");
		html_escape(out, web_str(t, "test"));
		buf_adds(out, "</h2>\n");
		timeline(out, rows, id, web_str(t, "test"));
		buf_adds(out, "</section>\n");
		json_decref(rows);
	}
	buf_adds(out, "<h2>Tests with the most failures and flakes</h2>\n");
	web_table(ctx, out, list, cols, "test");
}

int page_history(const struct web_context *ctx, const struct web_args *args,
		 struct buf *out)
{
	const char *test = web_arg(args, "test"), *job = web_arg(args, "job");
	json_t *list;
	int status = 200;

	if (job && !*job)
		job = NULL;
	page_begin(ctx, out, web_page_find("/history"), "Test history");
	if (test && *test) {
		status = one_test(ctx, out, test, job);
	} else if (web_query(ctx, "test-list", NULL, 0, &list) < 0) {
		web_error(out, "The store cannot be read", err_msg());
		web_empty(out, "No test result is stored.",
			  "testpump ingest junit PATH --job J --run-id R");
	} else {
		if (!json_array_size(list))
			web_empty(out, "No test result is stored.",
				  "testpump ingest junit PATH --job J "
				  "--run-id R");
		else
			top_tests(ctx, out, list);
		json_decref(list);
	}
	page_end(out);
	return status;
}
