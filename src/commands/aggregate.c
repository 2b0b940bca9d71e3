/*
 * aggregate.c - aggregate: judge N runs of one job on one payload, test by
 * test against the job's history, as openshift/ci-tools job-run-aggregator
 * analyze-job-runs does (seed-systems.md 2.1 to 2.3).
 *
 * The store gives the runs, their per-test counts and the history
 * (store/aggregate.h); analysis/ decides (via aggregate_judge.c); the
 * verdicts go back to the store and into three files in the working
 * directory: junit-aggregated.xml, aggregation-summary.html and
 * aggregation.json (the response).  Exit 0 when the payload passes, 2 when
 * a blocking test fails (with everything written), 1 when there is nothing
 * to judge or the input is bad.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "commands/aggregate.h"
#include "commands/commands.h"
#include "core/atomicfile.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "output/aggregate_html.h"
#include "output/json.h"
#include "output/junit_xml.h"
#include "core/banned.h"

#define JUNIT_FILE "junit-aggregated.xml"
#define HTML_FILE "aggregation-summary.html"
#define JSON_FILE "aggregation.json"

/* Seconds on the monotonic clock, for the phases' debug timings. */
static double mono_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The value of an integer option when given, else dflt. */
static int opt_int(const struct request *req, const char *name, int dflt)
{
	return json_is_integer(json_object_get(req->options, name))
		       ? (int)request_int(req, name)
		       : dflt;
}

static void settings_init(const struct request *req, struct agg_settings *s)
{
	const struct config_aggregation *c = &req->config->aggregation;
	const json_t *alpha = json_object_get(req->options, "alpha");

	passfail_params_init(&s->pf);
	s->pf.min_attempts = opt_int(req, "min-attempts", c->min_attempts);
	s->pf.pity = opt_int(req, "pity", c->pity);
	s->pf.alpha =
		json_is_number(alpha) ? json_number_value(alpha) : c->alpha;
	s->pf.corpus = opt_int(req, "corpus", c->corpus);
	s->pf.no_history_pct =
		opt_int(req, "no-history-pct", (int)c->no_history_percent);
	s->pf.failed_history_pct = opt_int(req, "failed-history-pct",
					   (int)c->failed_history_percent);
	s->history_runs = opt_int(req, "history-runs", c->history_runs);
	s->history_days = opt_int(req, "history-days", c->history_days);
	s->always_pass = &c->always_pass;
	s->never_fail = &c->never_fail;
}

/* One entry's field: "job"/"run_id", or the original's JobName/JobRunID. */
static const char *entry_field(const json_t *e, const char *key,
			       const char *original)
{
	const json_t *v = json_object_get(e, key);

	if (!v)
		v = json_object_get(e, original);
	return json_string_value(v);
}

/*
 * Reads --runs FILE, a JSON list of {"job", "run_id"}, into ids (which
 * borrow from *doc, the parsed file the caller decrefs).
 */
static int read_runs_file(const char *path, const char *job, json_t **doc,
			  const char ***ids, size_t *n)
{
	json_error_t e;
	const json_t *entry;
	size_t i;

	*doc = json_load_file(path, 0, &e);
	if (!*doc)
		return err_set("runs file '%s', line %d: %s", path, e.line,
			       e.text);
	if (!json_is_array(*doc) || !json_array_size(*doc))
		return err_set("runs file '%s' must be a non-empty JSON list "
			       "of {\"job\", \"run_id\"}",
			       path);
	*ids = xcalloc(json_array_size(*doc), sizeof(char *));
	json_array_foreach (*doc, i, entry) {
		const char *j = entry_field(entry, "job", "JobName");
		const char *r = entry_field(entry, "run_id", "JobRunID");

		if (!json_is_object(entry) || !r || !*r)
			return err_set("runs file '%s', entry %zu: 'run_id' "
				       "must be a non-empty string",
				       path, i);
		if (j && strcmp(j, job))
			return err_set("runs file '%s', entry %zu: job '%s' "
				       "is not '--job %s'",
				       path, i, j, job);
		(*ids)[(*n)++] = r;
	}
	return 0;
}

static json_t *runs_json(const struct agg_data *d)
{
	json_t *a = json_array();

	for (size_t i = 0; i < d->nruns; i++) {
		const struct agg_run *r = &d->runs[i];

		json_array_append_new(
			a,
			json_pack("{s:s, s:s, s:s, s:o}", "run_id", r->run_id,
				  "status", r->status, "started_at",
				  r->started_at, "url",
				  r->url ? json_string(r->url) : json_null()));
	}
	return a;
}

static json_t *params_json(const struct agg_settings *s)
{
	return json_pack("{s:i, s:i, s:f, s:i, s:i, s:i, s:i, s:i}",
			 "min_attempts", s->pf.min_attempts, "pity", s->pf.pity,
			 "alpha", s->pf.alpha, "corpus", s->pf.corpus,
			 "history_runs", s->history_runs, "history_days",
			 s->history_days, "no_history_pct",
			 s->pf.no_history_pct, "failed_history_pct",
			 s->pf.failed_history_pct);
}

static json_t *summary_json(const struct agg_judged *j)
{
	return json_pack("{s:I, s:i, s:i, s:i, s:i, s:i}", "tests",
			 (json_int_t)j->n, "passed", j->passed, "failed",
			 j->failed, "skipped", j->skipped, "blocking_failures",
			 j->blocking, "informing_failures",
			 j->informing_failures);
}

/* Fills resp from judged data; tests is the verdicts' array (taken). */
static void describe(const struct request *req, const struct agg_settings *s,
		     const struct agg_data *d, const struct agg_judged *j,
		     json_t *tests, json_t *resp)
{
	json_object_set_new(resp, "job", json_string(request_str(req, "job")));
	json_object_set_new(resp, "payload",
			    json_string(request_str(req, "payload")));
	json_object_set_new(resp, "verdict",
			    json_string(j->blocking ? "failed" : "passed"));
	json_object_set_new(resp, "aggregation_id", json_null());
	json_object_set_new(resp, "runs", runs_json(d));
	json_object_set_new(resp, "tests", tests);
	json_object_set_new(resp, "summary", summary_json(j));
	json_object_set_new(resp, "history",
			    json_pack("{s:I, s:b, s:o}", "runs_used",
				      (json_int_t)d->history_runs_used,
				      "failed", d->history_failed, "error",
				      d->history_error
					      ? json_string(d->history_error)
					      : json_null()));
	json_object_set_new(resp, "parameters", params_json(s));
	json_object_set_new(resp, "dry_run", json_boolean(req->env->dry_run));
}

/* Creates dir and its missing parents. */
static int make_dirs(const char *dir)
{
	char *p = xstrdup(dir);
	int rc = 0;

	for (char *s = p + 1;; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			rc = err_set("cannot create directory '%s': %s", p,
				     strerror(errno));
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return rc;
}

static int write_file(const char *dir, const char *name, const struct buf *b,
		      json_t *files, const char *key)
{
	char *path = xasprintf("%s/%s", dir, name);
	int rc = atomicfile_write(path, b->data, b->len, ATOMICFILE_REPLACE);

	json_object_set_new(files, key, json_string(path));
	free(path);
	return rc;
}

/* Writes the three files; the response's "files" names them. */
static int write_outputs(const char *dir, json_t *resp)
{
	json_t *files = json_object();
	struct buf b = BUF_INIT;
	char *data = NULL;
	size_t len = 0;
	FILE *fp;
	int rc = -1;

	json_object_set_new(resp, "files", files);
	if (make_dirs(dir) < 0)
		goto out;
	junit_xml_aggregated(&b, resp);
	if (write_file(dir, JUNIT_FILE, &b, files, "junit") < 0)
		goto out;
	buf_reset(&b);
	aggregate_html(&b, resp);
	if (write_file(dir, HTML_FILE, &b, files, "html") < 0)
		goto out;
	json_object_set_new(files, "json",
			    json_sprintf("%s/%s", dir, JSON_FILE));
	fp = open_memstream(&data, &len);
	if (!fp || output_json(fp, resp) < 0 || fclose(fp) != 0) {
		err_set("cannot render '%s'", JSON_FILE);
		goto out;
	}
	buf_reset(&b);
	buf_add(&b, data, len);
	rc = write_file(dir, JSON_FILE, &b, files, "json");
out:
	free(data);
	buf_release(&b);
	return rc;
}

static int save(struct store *st, const struct agg_settings *s,
		const struct agg_data *d, const struct agg_judged *j,
		json_t *resp)
{
	int64_t *ids = xcalloc(d->nruns + 1, sizeof(int64_t)), id;
	struct agg_header h = {
		.job_id = d->job_id,
		.payload_id = d->payload_id,
		.aggregated_at_ms = timestamp_now_ms(),
		.verdict = j->blocking ? "failed" : "passed",
		.job_run_ids = ids,
		.nruns = d->nruns,
		.history_runs_used = d->history_runs_used,
		.min_attempts = s->pf.min_attempts,
		.pity = s->pf.pity,
		.corpus = s->pf.corpus,
		.history_runs = s->history_runs,
		.history_days = s->history_days,
		.alpha = s->pf.alpha,
		.no_history_pct = s->pf.no_history_pct,
		.failed_history_pct = s->pf.failed_history_pct,
	};
	int rc;

	for (size_t i = 0; i < d->nruns; i++)
		ids[i] = d->runs[i].id;
	rc = agg_save(st, &h, j->v, j->n, &id);
	if (!rc)
		json_object_set_new(resp, "aggregation_id", json_integer(id));
	free(ids);
	return rc;
}

static int aggregate(struct request *req, json_t *resp)
{
	struct agg_settings s;
	struct agg_query q = {
		.job = request_str(req, "job"),
		.payload = request_str(req, "payload"),
		.now_ms = timestamp_now_ms(),
	};
	struct agg_data d = {0};
	struct agg_judged j = {0};
	const char *dir = request_str(req, "working-dir");
	const char **ids = NULL;
	json_t *runs_doc = NULL, *tests = json_array();
	struct store *st;
	double t0 = mono_seconds();
	int rc = -1;

	settings_init(req, &s);
	q.history_runs = s.history_runs;
	q.history_days = s.history_days;
	if (request_str(req, "runs") &&
	    read_runs_file(request_str(req, "runs"), q.job, &runs_doc, &ids,
			   &q.nrun_ids) < 0)
		goto out;
	q.run_ids = ids;
	if (request_store_current(req, &st) < 0 || agg_load(st, &q, &d) < 0)
		goto out;
	if (d.history_failed)
		log_warn("cannot read the history of job '%s' (%s); assuming "
			 "%d%% for every test",
			 q.job, d.history_error, s.pf.failed_history_pct);
	log_debug("aggregate: read %zu runs, %zu tests, %lld history runs "
		  "in %.3f s",
		  d.nruns, d.ntests, (long long)d.history_runs_used,
		  mono_seconds() - t0);
	agg_judge(&s, &d, tests, &j);
	log_debug("aggregate: judged %zu verdicts at %.3f s", j.n,
		  mono_seconds() - t0);
	if (!j.n) {
		err_set("no tests found: the %zu runs of job '%s' on payload "
			"'%s' report no tests",
			d.nruns, q.job, q.payload);
		goto out;
	}
	describe(req, &s, &d, &j, tests, resp);
	tests = NULL;
	if (req->env->dry_run) {
		log_info("dry run: would store the aggregation (%zu verdicts) "
			 "and write %s, %s and %s in '%s'",
			 j.n, JUNIT_FILE, HTML_FILE, JSON_FILE, dir);
		json_object_set_new(resp, "files", json_object());
	} else if (save(st, &s, &d, &j, resp) < 0 ||
		   write_outputs(dir, resp) < 0) {
		goto out;
	}
	log_debug("aggregate: stored and wrote the reports at %.3f s",
		  mono_seconds() - t0);
	rc = j.blocking ? API_EXIT_UNSUCCESSFUL : API_EXIT_OK;
	if (j.blocking)
		log_warn("payload '%s' failed: %d blocking test%s failed; see "
			 "'%s/%s'",
			 q.payload, j.blocking, j.blocking == 1 ? "" : "s", dir,
			 HTML_FILE);
out:
	json_decref(tests);
	agg_judged_release(&j);
	agg_data_release(&d);
	json_decref(runs_doc);
	free(ids);
	return rc;
}

/* A payload of ten runs, judged as a real aggregation would judge it. */
static void mock(const struct request *req, json_t *resp, int failing)
{
	static const char *const names[] = {
		"[sig-network] Services should serve endpoints",
		"[sig-storage] CSI volumes should mount",
		"[sig-apps] Deployment should roll back",
		"[sig-node] Pods should report readiness"};
	struct agg_run runs[10];
	struct agg_test tests[4];
	struct agg_data d = {.runs = runs,
			     .nruns = 10,
			     .tests = tests,
			     .ntests = 4,
			     .history_runs_used = 200};
	unsigned char marks[4][10];
	struct agg_settings s;
	struct agg_judged j;
	struct config cfg;
	char ids[10][24];
	json_t *t = json_array();
	const struct request mreq = {
		.options = json_pack("{s:s, s:s}", "job", "periodic-ci-e2e-aws",
				     "payload",
				     "4.16.0-0.nightly-2024-05-01-123456"),
		.env = req->env,
		.config = &cfg};

	config_init(&cfg);
	memset(tests, 0, sizeof(tests));
	for (int i = 0; i < 10; i++) {
		snprintf(ids[i], sizeof(ids[i]), "17850000000000000%02d", i);
		runs[i] = (struct agg_run){.run_id = ids[i],
					   .status = "pass",
					   .started_at = "2024-05-01T12:00:00Z",
					   .url = NULL};
	}
	for (int k = 0; k < 4; k++) {
		int fails = k == 0 ? 0 : k == 1 ? 1 : failing ? 6 : 2;

		tests[k] = (struct agg_test){.suite = "openshift-tests",
					     .classname = "",
					     .name = names[k],
					     .attempts = 10,
					     .passes = 10 - fails,
					     .failures = fails,
					     .failure_results = fails,
					     .informing = k == 3,
					     .marks = marks[k],
					     .hist_working = 198,
					     .hist_total = 200};
		for (int i = 0; i < 10; i++)
			marks[k][i] = i < fails ? AGG_FAIL : AGG_PASS;
	}
	settings_init(&mreq, &s);
	agg_judge(&s, &d, t, &j);
	describe(&mreq, &s, &d, &j, t, resp);
	json_object_set_new(resp, "aggregation_id", json_integer(42));
	json_object_set_new(resp, "files",
			    json_pack("{s:s, s:s, s:s}", "junit",
				      "./" JUNIT_FILE, "html", "./" HTML_FILE,
				      "json", "./" JSON_FILE));
	agg_judged_release(&j);
	config_release(&cfg);
	json_decref(mreq.options);
}

static void mock_success(const struct request *req, json_t *resp)
{
	mock(req, resp, 0);
}

static void mock_failure(const struct request *req, json_t *resp)
{
	mock(req, resp, 1);
}

#define INT_OPT(name, arg, help, lo, hi)                        \
	{                                                       \
		name, OPT_INT, 0, arg, help, NULL, lo, hi, NULL \
	}

const struct command cmd_aggregate = {
	.name = "aggregate",
	.summary = "judge N runs of one job on one payload, test by test",
	.description =
		"Judges the stored runs of --job on --payload (ingested with "
		"'testpump ingest junit --payload') as openshift/ci-tools "
		"job-run-aggregator does. A test's attempts are the distinct "
		"runs that passed or failed it; a flake within a run counts "
		"as a pass. Rules, in order: always-pass ([aggregation] "
		"always_pass of the config, SUITE:NAME or NAME, and the "
		"original's built-in list), did not run (passes), never-fail "
		"([aggregation] never_fail), probably intended to skip, at "
		"least --min-attempts attempts, at least one pass, then the "
		"passes required by a one-sided Fisher exact test of the "
		"test's historical working percentage (passes and flakes over "
		"the job's last --history-runs runs within --history-days "
		"days, never this payload's own; 70% when it has no history, "
		"99% when history cannot be read) against a --corpus run "
		"corpus at --alpha, less the --pity factor. Tests with "
		"lifecycle=\"informing\" are reported but never block. Runs "
		"with ingested disruptions also get the original's P70 (3 s "
		"grace), P85 (7 s grace) and mean + 5 SD checks per backend. "
		"--runs FILE (a JSON list of {\"job\": J, \"run_id\": R}) "
		"limits the runs judged. Writes junit-aggregated.xml, "
		"aggregation-summary.html and aggregation.json in "
		"--working-dir and the verdicts in tables aggregation and "
		"aggregation_test. Exit 0 when the payload passes, 2 when a "
		"blocking test fails (reports written), 1 when no runs are "
		"found or the input is bad.",
	.options =
		(const struct opt_spec[]){
			{"job", OPT_STRING, OPT_REQUIRED, "J",
			 "the CI job whose runs are judged", NULL, 0, 0, NULL},
			{"payload", OPT_STRING, OPT_REQUIRED, "P",
			 "the payload (build) the runs tested", NULL, 0, 0,
			 NULL},
			{"working-dir", OPT_PATH, 0, "DIR",
			 "where the reports are written", NULL, 0, 0, "."},
			INT_OPT("min-attempts", "N",
				"fewer distinct runs fail a test (config: 6)",
				1, 1000),
			INT_OPT("pity", "N",
				"failures always forgiven (config: 2)", 0, 100),
			{"alpha", OPT_FLOAT, 0, "A",
			 "significance of the Fisher test (config: 0.05)", NULL,
			 0.000001, 0.999999, NULL},
			INT_OPT("corpus", "N",
				"runs the history is modelled as (config: 250)",
				1, 100000),
			INT_OPT("history-runs", "N",
				"the job's last N runs make the history "
				"(config: 200)",
				1, 100000),
			INT_OPT("history-days", "D",
				"... that started within D days (config: 21)",
				1, 3650),
			INT_OPT("no-history-pct", "PCT",
				"assumed for a test without history (config: "
				"70)",
				0, 100),
			INT_OPT("failed-history-pct", "PCT",
				"assumed when history cannot be read (config: "
				"99)",
				0, 100),
			{"runs", OPT_PATH, OPT_EXISTS, "FILE",
			 "JSON list of {\"job\", \"run_id\"}: only these runs",
			 NULL, 0, 0, NULL},
			{0},
		},
	.response =
		(const struct resp_field[]){
			{"job", RESP_STRING, 0, "the job"},
			{"payload", RESP_STRING, 0, "the payload"},
			{"verdict", RESP_STRING, 0,
			 "passed, or failed when a blocking test failed"},
			{"aggregation_id", RESP_INT, RESP_NULLABLE,
			 "the stored aggregation; null in a dry run"},
			{"runs", RESP_ARRAY, 0,
			 "the runs judged: {run_id, status, started_at, url}"},
			{"tests", RESP_ARRAY, 0,
			 "one verdict per test and disruption check: {suite, "
			 "classname, name, verdict, attempts, passes, failures, "
			 "skips, history_pct, history_source, required_passes, "
			 "strict_required_passes, blocking, informing, rule, "
			 "explanation, results}; results has a letter per run "
			 "of runs: p pass, f fail, k flaky (a pass), s skip, - "
			 "not reported"},
			{"summary", RESP_OBJECT, 0,
			 "tests, passed, failed, skipped, blocking_failures, "
			 "informing_failures"},
			{"history", RESP_OBJECT, 0,
			 "runs_used, failed, error: the history read"},
			{"parameters", RESP_OBJECT, 0,
			 "the parameters the verdicts were reached with"},
			{"dry_run", RESP_BOOL, 0, "nothing was written"},
			{"files", RESP_OBJECT, 0,
			 "junit, html, json: the reports written"},
			{0},
		},
	.rows_key = "tests",
	.handler = aggregate,
	.mock_success = mock_success,
	.mock_failure = mock_failure,
	.mock_failure_exit = API_EXIT_UNSUCCESSFUL,
};
