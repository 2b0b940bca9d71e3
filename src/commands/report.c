/*
 * report.c - report NAME: a report from the store, as table, JSON or CSV.
 *
 * Each report type is a row of reports[] (commands/report.h): its name, a
 * summary, and either the SQL that reads it (usually from the SQL view BI
 * tools read too) or a function that computes its rows.  The SQL takes
 * four parameters, in order: the project twice (NULL for every project)
 * and the first day twice ('YYYY-MM-DD', NULL for all time), so --project
 * and --days mean the same in every report.  Adding a report is adding a
 * row to reports[] and its name to report_names[].
 */
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "commands/report.h"
#include "core/err.h"
#include "core/timestamp.h"
#include "core/banned.h"

static const struct report_type reports[] = {
	{"test-case-coverage",
	 "test cases by day, project, suite, sub-suite, automation status "
	 "and coverage",
	 "SELECT date, project, suite, sub_suite, automation_status, "
	 "coverage, count FROM report_test_case_coverage "
	 "WHERE (? IS NULL OR project = ?) AND (? IS NULL OR date >= ?) "
	 "ORDER BY date DESC, project, suite, sub_suite, automation_status, "
	 "coverage",
	 NULL},
	{"test-run-counts",
	 "TestRail runs and plan runs with their counts by status",
	 "SELECT project, run_id, plan_id, plan, name, created_on, "
	 "completed_on, passed, failed, blocked, retest, untested, total "
	 "FROM report_test_run_counts "
	 "WHERE (? IS NULL OR project = ?) AND (? IS NULL OR created_on >= ?) "
	 "ORDER BY created_on DESC, run_id",
	 NULL},
	{"issue-regression",
	 "regression bugs and issues opened and resolved per week, product "
	 "or repository and component",
	 "SELECT week, project, source, product, component, opened, resolved "
	 "FROM report_issue_regression "
	 "WHERE (? IS NULL OR project = ?) AND (? IS NULL OR week >= ?) "
	 "ORDER BY week DESC, project, source, product, component",
	 NULL},
	{"ci-builds",
	 "CI builds (GitHub Actions, Taskcluster, Bitrise) per day, source "
	 "and workflow, with status counts and their JUnit test results",
	 "SELECT day, project, source, workflow, builds, success, failure, "
	 "error, canceled, running, retries, with_tests, tests_pass, "
	 "tests_fail, tests_flaky, tests_skip FROM report_ci_builds "
	 "WHERE (? IS NULL OR project = ?) AND (? IS NULL OR day >= ?) "
	 "ORDER BY day DESC, project, source, workflow",
	 NULL},
	{"flaky",
	 "flaky tests (flake rate, Wilson 95% interval, flip rate), broken "
	 "tests and storm runs",
	 NULL, report_flaky_compute},
	{"regressions",
	 "tests whose pass rate dropped (basis vs sample window, Fisher "
	 "exact), stored with first and last seen",
	 NULL, report_regressions_compute},
	{"change-points",
	 "where each test's failure rate changed in its job's build order (Beta-Binomial segmentation), with the runs bounding the change",
	 NULL, report_changepoints_compute},
	{"clusters",
	 "failures grouped by normalised message, with counts per day or week and the tests they touch",
	 NULL, report_clusters_compute},
};

static const char *const report_names[] = {
	"test-case-coverage", "test-run-counts", "issue-regression",
	"ci-builds",	      "flaky",		 "regressions",
	"change-points",      "clusters",	 NULL,
};

_Static_assert(sizeof(reports) / sizeof(reports[0]) + 1 ==
		       sizeof(report_names) / sizeof(report_names[0]),
	       "every report is a choice of NAME");

static const struct report_type *find_report(const char *name)
{
	for (size_t i = 0; i < sizeof(reports) / sizeof(reports[0]); i++)
		if (!strcmp(reports[i].name, name))
			return &reports[i];
	return NULL;
}

static json_t *value_json(const struct store_value *v)
{
	switch (v->type) {
	case STORE_INT:
		return json_integer(v->i);
	case STORE_REAL:
		return json_real(v->d);
	case STORE_TEXT:
		return json_string(v->s);
	default:
		return json_null();
	}
}

static int on_row(const struct store_row *row, void *ctx)
{
	json_t *obj = json_object();

	for (size_t i = 0; i < row->ncols; i++)
		json_object_set_new(obj, row->names[i],
				    value_json(&row->cols[i]));
	json_array_append_new(ctx, obj);
	return 0;
}

int64_t report_days(const struct request *req)
{
	if (json_object_get(req->options, "days"))
		return request_int(req, "days");
	if (json_object_get(req->options, "num-days"))
		return request_int(req, "num-days");
	return 0;
}

static int report_handler(struct request *req, json_t *resp)
{
	const struct report_type *r = find_report(request_str(req, "name"));
	const char *project = request_str(req, "project");
	int64_t days = report_days(req);
	char since[11];
	struct store_value v[4];
	struct store *st;
	json_t *rows;
	int rc;

	if (!r)
		return err_set("unknown report '%s'", request_str(req, "name"));
	if (request_store_current(req, &st) < 0)
		return -1;
	if (days)
		timestamp_format_date(timestamp_now_ms() - days * 86400000,
				      since);
	v[0] = v[1] = STORE_TEXT_V(project);
	v[2] = v[3] = days ? STORE_TEXT_V(since) : STORE_NULL_V;
	rows = json_array();
	if (r->sql)
		rc = store_exec(st, r->sql, v, 4, on_row, rows);
	else
		rc = r->compute(req, st, rows);
	if (rc < 0) {
		json_decref(rows);
		return -1;
	}
	json_object_set_new(resp, "report", json_string(r->name));
	json_object_set_new(resp, "rows", rows);
	return API_EXIT_OK;
}

static void mock_success(const struct request *req, json_t *resp)
{
	(void)req;
	json_object_set_new(resp, "report", json_string("test-case-coverage"));
	json_object_set_new(
		resp, "rows",
		json_pack("[{s:s, s:s, s:s, s:s, s:s, s:s, s:i}, "
			  "{s:s, s:s, s:s, s:s, s:s, s:s, s:i}]",
			  "date", "2024-05-01", "project", "fenix", "suite",
			  "Full Functional Tests Suite", "sub_suite",
			  "Functional", "automation_status", "Completed",
			  "coverage", "Full", "count", 412, "date",
			  "2024-05-01", "project", "fenix", "suite",
			  "Full Functional Tests Suite", "sub_suite",
			  "Smoke & Sanity", "automation_status", "Suitable",
			  "coverage", "None", "count", 37));
}

const struct command cmd_report = {
	.name = "report",
	.summary = "print a report from the store",
	.description =
		"Prints one report from what the pumps stored: "
		"test-case-coverage (the dated coverage snapshots: cases by "
		"project, suite, sub-suite, automation status and coverage) "
		"or test-run-counts (TestRail runs and plan runs with their "
		"passed, failed, blocked, retest and untested counts). "
		"--project keeps one project, --days (or --num-days) the "
		"last N days, --job one CI job where the report reads job "
		"runs. "
		"The same data is in the SQL views report_test_case_coverage "
		"and report_test_run_counts, for BI tools. "
		"flaky: per test and job, the flake rate (flaky runs and "
		"failures in streaks under 3) with a Wilson 95% interval, the "
		"flip rate, runs counted and the last flake; tests failing 3 "
		"or more runs in a row are listed apart as broken, and runs "
		"where more than 80% of the tests failed as storm rows, left "
		"out of every statistic. "
		"regressions: per test and job, the last --sample-days days "
		"against the --basis-days days before (one-sided Fisher exact "
		"test at --confidence, --pity points forgiven, at least "
		"--min-failures failures, flakes as passes unless "
		"--flakes-as-failures; a new test needs 95% over 6 runs); "
		"found regressions are stored in the table regression, kept "
		"open with relaxed thresholds (confidence -5, pity -2) and "
		"closed when the test recovers (nothing is stored under "
		"--dry-run). Every row carries its explanation and "
		"parameters. "
		"issue-regression: Bugzilla bugs with the regression keyword "
		"and GitHub issues with the project's labels, opened and "
		"resolved per ISO week (its Monday), project, product or "
		"repository and component (view report_issue_regression). "
		"ci-builds: CI builds (GitHub Actions, Taskcluster, Bitrise) "
		"per day, source and workflow with their counts by status, "
		"automatic retries, and the pass, fail, flaky and skip counts "
		"of the JUnit their artifacts held (view report_ci_builds).",
	.options =
		(const struct opt_spec[]){
			{"name", OPT_CHOICE, OPT_POSITIONAL | OPT_REQUIRED,
			 "NAME", "the report", report_names, 0, 0, NULL},
			{"project", OPT_STRING, 0, "P",
			 "only this project (default: all)", NULL, 0, 0, NULL},
			{"days", OPT_INT, 0, "N",
			 "only the last N days (default: all)", NULL, 1, 36500,
			 NULL},
			{"num-days", OPT_INT, 0, "N", "the same as --days",
			 NULL, 1, 36500, NULL},
			{"job", OPT_STRING, 0, "J",
			 "only this CI job (reports over job runs)", NULL, 0, 0,
			 NULL},
			{"basis-days", OPT_INT, 0, "N",
			 "regressions: days of the basis window before the "
			 "sample",
			 NULL, 1, 3650, "30"},
			{"sample-days", OPT_INT, 0, "N",
			 "regressions: days of the sample window, ending now",
			 NULL, 1, 3650, "7"},
			{"confidence", OPT_FLOAT, 0, "PCT",
			 "regressions: confidence of the Fisher exact test, "
			 "percent",
			 NULL, 50, 99.999, "95"},
			{"pity", OPT_FLOAT, 0, "POINTS",
			 "regressions: pass-rate drop always forgiven, "
			 "percentage points",
			 NULL, 0, 100, "5"},
			{"min-failures", OPT_INT, 0, "N",
			 "regressions: sample failures needed for a regression",
			 NULL, 1, 1000000, "3"},
			{"flakes-as-failures", OPT_FLAG, 0, NULL,
			 "regressions: count flaky runs as failures, not passes",
			 NULL, 0, 0, NULL},
			{"test", OPT_STRING, 0, "T",
			 "change-points: only this test (name, classname.name or suite/classname/name)",
			 NULL, 0, 0, NULL},
			{0},
		},
	.constraints =
		(const struct opt_constraint[]){
			{CONSTRAINT_EXCLUSIVE,
			 (const char *const[]){"days", "num-days", NULL}},
			{CONSTRAINT_END, NULL},
		},
	.response =
		(const struct resp_field[]){
			{"report", RESP_STRING, 0, "the report's name"},
			{"rows", RESP_ARRAY, 0, "the report's rows"},
			{0},
		},
	.rows_key = "rows",
	.handler = report_handler,
	.mock_success = mock_success,
};
