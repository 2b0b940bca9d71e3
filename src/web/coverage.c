/*
 * coverage.c - two TestRail pages: test-case coverage over time, stacked
 * by automation status, one chart per project (report test-case-coverage),
 * and test run counts, bars per day (report test-run-counts).
 */
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "output/html.h"
#include "output/svg.h"
#include "web/web.h"
#include "core/banned.h"

/* Runs `report NAME` and returns its rows, or NULL after writing why. */
static json_t *report_rows(const struct web_context *ctx, struct buf *out,
			   const char *name)
{
	json_t *resp = NULL, *rows;
	int rc = web_command(ctx, "report", json_pack("{s:s}", "name", name),
			     &resp);

	if (rc != 0 || !resp) {
		web_error(out, "The report cannot be read", err_msg());
		json_decref(resp);
		return NULL;
	}
	rows = json_incref(json_object_get(resp, "rows"));
	json_decref(resp);
	return rows;
}

static void project_chart(struct buf *out, const json_t *rows,
			  const char *project, size_t index)
{
	struct web_pivot p;
	char id[32];
	struct buf title = BUF_INIT;

	web_pivot(&p, rows, "date", 10, "automation_status", NULL, "count",
		  "project", project);
	web_pivot_fill_days(&p);
	snprintf(id, sizeof(id), "coverage-%zu", index);
	buf_adds(&title, "Test cases of ");
	buf_adds(&title, project);
	buf_adds(&title, " by automation status");
	svg_stacked_bars(out, &(struct svg_chart){
				      .id = id,
				      .title = title.data,
				      .x_label = "day of the snapshot (UTC)",
				      .y_label = "test cases",
				      .x = (const char *const *)p.x,
				      .nx = p.nx,
				      .series = p.svg,
				      .nseries = p.nseries,
			      });
	buf_release(&title);
	web_pivot_release(&p);
}

int page_coverage(const struct web_context *ctx, const struct web_args *args,
		  struct buf *out)
{
	static const char *const cols[] = {"date",
					   "project",
					   "suite",
					   "sub_suite",
					   "automation_status",
					   "coverage",
					   "count",
					   NULL};
	const char *only = web_arg(args, "project");
	json_t *rows;
	char **projects;

	page_begin(ctx, out, web_page_find("/coverage"), "Test-case coverage");
	rows = report_rows(ctx, out, "test-case-coverage");
	if (!rows || !json_array_size(rows)) {
		web_empty(out, "No coverage snapshot is stored.",
			  "testpump pump --project ALL --report-type "
			  "test-case-coverage");
		json_decref(rows);
		page_end(out);
		return 200;
	}
	projects = web_distinct(rows, "project");
	for (size_t i = 0; projects[i]; i++) {
		if (only && strcmp(only, projects[i]))
			continue;
		buf_adds(out, "<section>\n");
		project_chart(out, rows, projects[i], i);
		buf_adds(out, "</section>\n");
	}
	web_strv_free(projects);
	buf_adds(out, "<h2>Snapshots</h2>\n");
	web_table(ctx, out, rows, cols, NULL);
	json_decref(rows);
	page_end(out);
	return 200;
}

static void runs_chart(struct buf *out, const json_t *rows)
{
	struct web_pivot p;

	web_pivot(&p, rows, "created_on", 10, "project", NULL, NULL, NULL,
		  NULL);
	web_pivot_fill_days(&p);
	svg_stacked_bars(out,
			 &(struct svg_chart){
				 .id = "runs-per-day",
				 .title = "Test runs per day, by project",
				 .x_label = "day the run was created (UTC)",
				 .y_label = "runs",
				 .x = (const char *const *)p.x,
				 .nx = p.nx,
				 .series = p.svg,
				 .nseries = p.nseries,
			 });
	web_pivot_release(&p);
}

/* Results per day stacked by status: one pivot per status column. */
static void results_chart(struct buf *out, const json_t *rows)
{
	static const char *const st[] = {"passed", "failed", "blocked",
					 "retest", "untested"};
	static const char *const colour[] = {"#009E73", "#D55E00", "#CC79A7",
					     "#E69F00", "#999999"};
	struct web_pivot p[5];
	struct svg_series series[5];

	for (size_t i = 0; i < 5; i++) {
		web_pivot(&p[i], rows, "created_on", 10, NULL, st[i], st[i],
			  NULL, NULL);
		web_pivot_fill_days(&p[i]);
		series[i] = p[i].svg[0];
		series[i].colour = colour[i];
	}
	svg_stacked_bars(out,
			 &(struct svg_chart){
				 .id = "results-per-day",
				 .title = "Test results per day, by status",
				 .x_label = "day the run was created (UTC)",
				 .y_label = "test results",
				 .x = (const char *const *)p[0].x,
				 .nx = p[0].nx,
				 .series = series,
				 .nseries = 5,
			 });
	for (size_t i = 0; i < 5; i++)
		web_pivot_release(&p[i]);
}

int page_runs(const struct web_context *ctx, const struct web_args *args,
	      struct buf *out)
{
	static const char *const cols[] = {"created_on", "project", "run_id",
					   "plan",	 "name",    "passed",
					   "failed",	 "blocked", "retest",
					   "untested",	 "total",   NULL};
	json_t *rows;

	(void)args;
	page_begin(ctx, out, web_page_find("/runs"), "Test runs");
	rows = report_rows(ctx, out, "test-run-counts");
	if (!rows || !json_array_size(rows)) {
		web_empty(out, "No test run is stored.",
			  "testpump pump --project ALL --report-type "
			  "test-run-counts");
		json_decref(rows);
		page_end(out);
		return 200;
	}
	runs_chart(out, rows);
	results_chart(out, rows);
	buf_adds(out, "<h2>Runs</h2>\n");
	web_table(ctx, out, rows, cols, NULL);
	json_decref(rows);
	page_end(out);
	return 200;
}
