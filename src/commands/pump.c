/*
 * pump.c - pump: pull from the upstream sources into the store.
 *
 * For every report type asked (or ALL) and every project asked (or every
 * project of the config the source knows), the pump opens the report's
 * source once, then per project: records a pump_run row, pulls inside one
 * transaction, lets the report type write what it reads, moves the
 * source's cursor, and commits.  A project that fails is rolled back,
 * named in the summary with its error, and the others go on: the exit is
 * then 3.  --dry-run reads everything and writes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands/commands.h"
#include "commands/pump.h"
#include "config/config.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "sources/source.h"
#include "core/banned.h"

/*
 * The report types, one row per (report type, source): a report fed by
 * several sources (issue-regression from Bugzilla and GitHub) has a row
 * for each, and --report-type NAME pumps all of them.
 */
static const struct pump_report *const pump_reports[] = {
	&pump_test_case_coverage,	 &pump_test_run_counts,
	&pump_issue_regression_bugzilla, &pump_issue_regression_github,
	&pump_ci_builds_github,		 &pump_ci_builds_taskcluster,
	&pump_ci_builds_bitrise,
};

/* --report-type's choices: every name of pump_reports[] once, and ALL. */
static const char *const report_choices[] = {
	"test-case-coverage",
	"test-run-counts",
	"issue-regression",
	"ci-builds",
	"ALL",
	NULL,
};

#define NREPORTS (sizeof(pump_reports) / sizeof(pump_reports[0]))

/* What the whole pump carries. */
struct pump {
	struct request *req;
	struct store *st; /* NULL in a dry run without a database */
	const struct source_ops *ops;
	struct source *src;
	json_t *results;
	int64_t rows;
	int failed;
	int progress; /* draw a progress bar on stderr */
	int64_t drawn_ms;
};

static int project_pumped(const struct config_project *p,
			  const struct source_ops *ops)
{
	return !ops->configured || ops->configured(p);
}

static int pump_check(const struct request *req)
{
	const char *project = request_str(req, "project");
	const char *source = request_str(req, "source");
	const struct config_project *p;

	if (source && !source_find(source)) {
		struct buf names = BUF_INIT;

		for (size_t i = 0; sources_all[i]; i++)
			buf_addf(&names, "%s%s", i ? ", " : "",
				 sources_all[i]->name);
		err_set("option '--source': unknown source '%s' (one of: %s)",
			source, names.data);
		buf_release(&names);
		return -1;
	}
	if (!project || !strcmp(project, "ALL"))
		return 0;
	p = config_project(req->config, project);
	if (!p) {
		struct buf names = BUF_INIT;

		for (size_t i = 0; i < req->config->nprojects; i++)
			buf_addf(&names, "%s%s", i ? ", " : "",
				 req->config->projects[i].name);
		err_set("option '--project': unknown project '%s' (one of: "
			"ALL, %s)",
			project, names.data);
		buf_release(&names);
		return -1;
	}
	return 0;
}

/* What the sink's callbacks need. */
struct job_ctx {
	struct pump *pm;
	struct pump_job *job;
	const struct pump_report *r;
};

/* Redraws the progress line, at most every 100 ms. */
static void on_progress(const char *what, size_t pages, size_t records,
			void *ctx)
{
	struct job_ctx *jc = ctx;
	int64_t now = timestamp_now_ms();

	if (now - jc->pm->drawn_ms < 100)
		return;
	jc->pm->drawn_ms = now;
	fprintf(stderr, "\r\033[K%s %s %s: %zu pages, %zu records",
		jc->pm->ops->name, jc->job->project, what, pages, records);
	fflush(stderr);
}

static int on_record(const char *kind, json_t *rec, void *ctx)
{
	struct job_ctx *jc = ctx;

	jc->job->records++;
	return jc->r->record(jc->job, kind, rec);
}

/* Inserts the pump_run row of a job; its id goes into job. */
static int audit_start(struct pump *pm, const struct pump_report *r,
		       struct pump_job *job)
{
	struct store_value v[4] = {
		STORE_TEXT_V(r->source), STORE_TEXT_V(job->project),
		STORE_TEXT_V(r->name), STORE_TEXT_V(job->now)};

	if (!pm->st || pm->req->env->dry_run)
		return 0;
	if (store_exec(pm->st,
		       "INSERT INTO pump_run (source, project, report_type, "
		       "started_at) VALUES (?, ?, ?, ?)",
		       v, 4, NULL, NULL) < 0)
		return -1;
	job->pump_run_id = store_last_insert_id(pm->st);
	return 0;
}

static void audit_finish(struct pump *pm, struct pump_job *job,
			 const char *status, const char *error)
{
	char now[TIMESTAMP_MAX];
	struct store_value v[5];

	if (!job->pump_run_id)
		return;
	timestamp_format(timestamp_now_ms() / 1000 * 1000, now);
	v[0] = STORE_TEXT_V(now);
	v[1] = STORE_TEXT_V(status);
	v[2] = STORE_INT_V(error ? 0 : job->rows);
	v[3] = STORE_TEXT_V(error);
	v[4] = STORE_INT_V(job->pump_run_id);
	if (store_exec(pm->st,
		       "UPDATE pump_run SET finished_at = ?, status = ?, "
		       "rows_written = ?, error = ? WHERE id = ?",
		       v, 5, NULL, NULL) < 0)
		log_warn("cannot finish pump_run %lld: %s",
			 (long long)job->pump_run_id, err_msg());
}

static int save_cursor(struct pump *pm, const struct pump_report *r,
		       struct pump_job *job)
{
	char *scope;
	struct store_value v[4];
	int rc;

	if (!job->st || !job->cursor[0])
		return 0;
	scope = xasprintf("%s:%s", job->project, r->name);
	v[0] = STORE_TEXT_V(pm->ops->name);
	v[1] = STORE_TEXT_V(scope);
	v[2] = STORE_TEXT_V(job->cursor);
	v[3] = STORE_TEXT_V(job->now);
	rc = store_exec(job->st,
			"INSERT INTO source_cursor (source, scope, cursor, "
			"updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (source, "
			"scope) DO UPDATE SET cursor = excluded.cursor, "
			"updated_at = excluded.updated_at",
			v, 4, NULL, NULL);
	free(scope);
	return rc;
}

/* The cursor the last pull of this job stored into out, "" when none. */
static int load_cursor(struct pump *pm, const struct pump_report *r,
		       struct pump_job *job, char out[TIMESTAMP_MAX])
{
	char *scope = xasprintf("%s:%s", job->project, r->name);
	struct store_value v[2] = {STORE_TEXT_V(pm->ops->name),
				   STORE_TEXT_V(scope)};
	int rc = store_query_text(pm->st,
				  "SELECT cursor FROM source_cursor WHERE "
				  "source = ? AND scope = ?",
				  v, 2, out, TIMESTAMP_MAX);

	free(scope);
	return rc < 0 ? -1 : 0;
}

/* The pull and the writes of one job, inside its transaction. */
static int run_job(struct pump *pm, const struct pump_report *r,
		   struct pump_job *job)
{
	int64_t days = request_int(pm->req, "num-days");
	char cursor[TIMESTAMP_MAX] = "";
	struct source_query q = {
		job->project, job->upstream_id,
		r->name,      timestamp_now_ms() - days * 86400000,
		job->config,  cursor};
	struct job_ctx jc = {pm, job, r};
	struct source_sink sink = {on_record, NULL, &jc};
	int rc;

	if (pm->st && load_cursor(pm, r, job, cursor) < 0)
		return -1;

	if (pm->progress)
		sink.progress = on_progress;
	if (job->st && store_begin(job->st) < 0)
		return -1;
	rc = r->begin(job);
	if (rc == 0)
		rc = pm->ops->pull(pm->src, &q, &sink);
	if (r->finish(job, rc == 0) < 0 && rc == 0)
		rc = -1;
	if (rc == 0)
		rc = save_cursor(pm, r, job);
	if (job->st) {
		if (rc == 0)
			rc = store_commit(job->st);
		else
			store_rollback(job->st);
	}
	if (pm->progress) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
	return rc;
}

static void pump_one(struct pump *pm, const struct pump_report *r,
		     const struct config_project *p)
{
	struct pump_job job = {0};
	int64_t now = timestamp_now_ms() / 1000 * 1000;
	const char *status = "success";
	char *error = NULL;

	job.st = pm->req->env->dry_run ? NULL : pm->st;
	job.project = p->name;
	job.upstream_id = p->testrail_project_id;
	job.config = p;
	timestamp_format(now, job.now);
	timestamp_format_date(now, job.date);
	if (audit_start(pm, r, &job) < 0 || run_job(pm, r, &job) < 0) {
		error = xasprintf("%s: %s", pm->ops->name, err_msg());
		status = "failed";
		pm->failed++;
		log_warn("%s %s: %s", p->name, r->name, error);
	} else {
		pm->rows += job.rows;
		if (pm->req->env->dry_run)
			log_info("dry run: would write %lld rows for %s %s",
				 (long long)job.rows, p->name, r->name);
	}
	audit_finish(pm, &job, status, error);
	json_array_append_new(
		pm->results,
		json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:s?}", "project",
			  p->name, "report_type", r->name, "source",
			  pm->ops->name, "status", status, "records",
			  (json_int_t)job.records, "rows",
			  (json_int_t)(error ? 0 : job.rows), "error", error));
	free(error);
}

static int json_has_string(const json_t *a, const char *s)
{
	const json_t *v;
	size_t i;

	json_array_foreach (a, i, v)
		if (!strcmp(json_string_value(v), s))
			return 1;
	return 0;
}

/* The database, or NULL in a dry run where there is none yet. */
static int open_store(struct request *req, struct store **st)
{
	int exists;

	*st = NULL;
	if (req->env->dry_run) {
		if (store_exists(req->db_url, &exists) < 0)
			return -1;
		if (!exists)
			return 0;
	}
	return request_store_current(req, st);
}

/* Runs report type r for every project asked. */
static int pump_report(struct pump *pm, const struct pump_report *r,
		       const char *project, json_t *projects)
{
	struct source_config sc = {
		.faux = pm->req->env->faux,
		.parallel = (int)request_int(pm->req, "parallel"),
	};
	const struct config *cfg = pm->req->config;

	pm->ops = source_find(r->source);
	if (!pm->ops)
		return err_set("report type '%s' needs source '%s', which "
			       "this testpump lacks",
			       r->name, r->source);
	if (pm->ops->open(&pm->src, &sc) < 0)
		return err_prefix("%s", pm->ops->name);
	for (size_t i = 0; i < cfg->nprojects; i++) {
		const struct config_project *p = &cfg->projects[i];
		int all = !strcmp(project, "ALL");

		if (!all && strcmp(project, p->name))
			continue;
		if (!project_pumped(p, pm->ops)) {
			if (all)
				continue;
			/* A report fed by several sources takes those the
			 * project has; only --source insists on one. */
			if (!request_str(pm->req, "source")) {
				log_warn("project '%s' has no %s settings: %s "
					 "skipped for it",
					 p->name, pm->ops->name, r->name);
				continue;
			}
			pm->ops->close(pm->src);
			pm->src = NULL;
			return err_set("project '%s' has no %s project id in "
				       "the configuration",
				       p->name, pm->ops->name);
		}
		pump_one(pm, r, p);
		if (!json_has_string(projects, p->name))
			json_array_append_new(projects, json_string(p->name));
	}
	pm->ops->close(pm->src);
	pm->src = NULL;
	return 0;
}

static void describe(json_t *resp, json_t *projects, json_t *types,
		     json_t *results, int64_t rows, int failed, int dry_run)
{
	json_object_set_new(resp, "projects", projects);
	json_object_set_new(resp, "report_types", types);
	json_object_set_new(resp, "results", results);
	json_object_set_new(resp, "rows_written", json_integer(rows));
	json_object_set_new(resp, "failed", json_integer(failed));
	json_object_set_new(resp, "dry_run", json_boolean(dry_run));
}

static int pump_handler(struct request *req, json_t *resp)
{
	struct pump pm = {.req = req};
	const char *project = request_str(req, "project");
	const char *type = request_str(req, "report-type");
	const char *source = request_str(req, "source");
	json_t *projects = json_array(), *types = json_array();
	size_t matched = 0;

	pm.results = json_array();
	pm.progress = isatty(2) && !req->env->no_progress &&
		      log_get_level() >= LOG_WARN;
	if (open_store(req, &pm.st) < 0)
		goto fail;
	for (size_t i = 0; i < NREPORTS; i++) {
		const struct pump_report *r = pump_reports[i];

		if ((strcmp(type, "ALL") && strcmp(type, r->name)) ||
		    (source && strcmp(source, r->source)))
			continue;
		matched++;
		if (!json_has_string(types, r->name))
			json_array_append_new(types, json_string(r->name));
		if (pump_report(&pm, r, project ? project : "ALL", projects) <
		    0)
			goto fail;
	}
	if (!matched) {
		err_set("source '%s' feeds no report type '%s'", source, type);
		goto fail;
	}
	describe(resp, projects, types, pm.results, pm.rows, pm.failed,
		 req->env->dry_run);
	return pm.failed ? API_EXIT_INCOMPLETE : API_EXIT_OK;
fail:
	json_decref(projects);
	json_decref(types);
	json_decref(pm.results);
	return -1;
}

static json_t *mock_result(const char *project, const char *type,
			   int64_t records, const char *error)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:s?}", "project",
			 project, "report_type", type, "source", "testrail",
			 "status", error ? "failed" : "success", "records",
			 (json_int_t)records, "rows",
			 (json_int_t)(error ? 0 : records), "error", error);
}

static void mock(json_t *resp, int fail)
{
	json_t *results = json_array();

	json_array_append_new(
		results,
		mock_result("fenix", "test-case-coverage", 1342, NULL));
	json_array_append_new(
		results,
		mock_result("focus-android", "test-case-coverage", 0,
			    fail ? "testrail: GET https://mozilla.testrail.io/"
				   "index.php?/api/v2/get_cases/48&suite_id="
				   "4802&limit=250&offset=0: HTTP 500 "
				   "(Internal server error)"
				 : NULL));
	describe(resp, json_pack("[s, s]", "fenix", "focus-android"),
		 json_pack("[s]", "test-case-coverage"), results,
		 fail ? 1342 : 2684, fail, 0);
}

static void mock_success(const struct request *req, json_t *resp)
{
	(void)req;
	mock(resp, 0);
}

static void mock_failure(const struct request *req, json_t *resp)
{
	(void)req;
	mock(resp, 1);
}

const struct command cmd_pump = {
	.name = "pump",
	.summary = "pull from the upstream sources into the store",
	.description =
		"Reads each report type's upstream (TestRail for "
		"test-case-coverage and test-run-counts) for every project "
		"asked, from the configuration, and writes what it reads: "
		"rows are upserted on the upstream's ids, and each project is "
		"written in one transaction with its source cursor, so a "
		"project that fails is left as it was while the others are "
		"stored; the summary names what failed and why, and the exit "
		"is 3. test-case-coverage also keeps a dated snapshot of the "
		"counts (a second pump on one day replaces that day's). Every "
		"pump is recorded in pump_run. issue-regression reads "
		"Bugzilla's regression bugs of the project's products and "
		"components (BUGZILLA_HOST, default bugzilla.mozilla.org; "
		"BUGZILLA_API_KEY optional) and GitHub's issues with the "
		"project's labels (GITHUB_TOKEN, GITHUB_API_URL), past their "
		"search caps, and later pulls only what changed since. "
		"Credentials come from the "
		"environment (TESTRAIL_HOST, TESTRAIL_USERNAME, "
		"TESTRAIL_PASSWORD); --faux answers from the built-in "
		"responses instead, and --dry-run reads everything and writes "
		"nothing.",
	.options =
		(const struct opt_spec[]){
			{"project", OPT_STRING, 0, "P",
			 "a project of the configuration, or ALL", NULL, 0, 0,
			 "ALL"},
			{"report-type", OPT_CHOICE, OPT_REQUIRED, "T",
			 "what to pump, or ALL", report_choices, 0, 0, NULL},
			{"num-days", OPT_INT, 0, "N",
			 "test-run-counts: runs created in the last N days",
			 NULL, 1, 3650, "14"},
			{"source", OPT_STRING, 0, "S",
			 "only the report types this source feeds (testrail)",
			 NULL, 0, 0, NULL},
			{"parallel", OPT_INT, 0, "N",
			 "pages in flight per list (1: one by one)", NULL, 1,
			 32, "8"},
			{0},
		},
	.response =
		(const struct resp_field[]){
			{"projects", RESP_ARRAY, 0, "the projects pumped"},
			{"report_types", RESP_ARRAY, 0,
			 "the report types pumped"},
			{"results", RESP_ARRAY, 0,
			 "per project and report type: project, report_type, "
			 "source, status, records, rows, error"},
			{"rows_written", RESP_INT, 0,
			 "rows written (or that would be, in a dry run)"},
			{"failed", RESP_INT, 0,
			 "project pumps that failed and were rolled back"},
			{"dry_run", RESP_BOOL, 0,
			 "whether nothing was written"},
			{0},
		},
	.rows_key = "results",
	.handler = pump_handler,
	.check = pump_check,
	.mock_success = mock_success,
	.mock_failure = mock_failure,
	.mock_failure_exit = API_EXIT_INCOMPLETE,
};
