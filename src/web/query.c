/*
 * query.c - the store reads of the pages that no command gives: named,
 * fixed SQL over the tables and views (portable, both engines), run
 * through the router by a command of their own that is not in
 * commands_all[] (so the database URL, config and schema check are the
 * CLI's).  Pages name a query; they never pass SQL.
 */
#include <string.h>

#include "api/api.h"
#include "core/err.h"
#include "web/web.h"
#include "core/banned.h"

struct web_sql {
	const char *name;
	const char *sql;
};

/* Parameters are text; ids are cast where compared with integers. */
static const struct web_sql queries[] = {
	{"pumps", "SELECT started_at, source, project, report_type, status, "
		  "rows_written, finished_at, error FROM pump_run "
		  "ORDER BY started_at DESC, id DESC LIMIT 20"},
	{"aggregations",
	 "SELECT a.aggregated_at, j.name AS job, p.tag AS payload, a.verdict, "
	 "a.runs, a.tests, a.failed, a.blocking_failures, a.skipped "
	 "FROM aggregation a JOIN job j ON j.id = a.job_id "
	 "JOIN payload p ON p.id = a.payload_id "
	 "ORDER BY a.aggregated_at DESC, a.id DESC LIMIT 20"},
	{"counts", "SELECT (SELECT count(*) FROM job) AS jobs, "
		   "(SELECT count(*) FROM job_run) AS runs, "
		   "(SELECT count(*) FROM test) AS tests, "
		   "(SELECT count(*) FROM aggregation) AS aggregations, "
		   "(SELECT count(*) FROM pump_run) AS pumps"},
	{"aggregation",
	 "SELECT a.id, j.name AS job, p.tag AS payload, a.verdict, "
	 "a.aggregated_at, a.runs, a.history_runs_used, a.tests, a.passed, "
	 "a.failed, a.skipped, a.blocking_failures, a.min_attempts, a.pity, "
	 "a.alpha FROM aggregation a JOIN job j ON j.id = a.job_id "
	 "JOIN payload p ON p.id = a.payload_id "
	 "WHERE (? = '*' OR j.name = ?) AND (? = '*' OR p.tag = ?) "
	 "ORDER BY a.aggregated_at DESC, a.id DESC LIMIT 1"},
	{"aggregation-tests",
	 "SELECT t.id AS test_id, t.suite, t.name, at.verdict, at.rule, "
	 "at.attempts, at.passes, at.failures, at.skips, at.history_pct, "
	 "at.required_passes, at.informing, at.blocking, at.explanation "
	 "FROM aggregation_test at JOIN test t ON t.id = at.test_id "
	 "WHERE at.aggregation_id = CAST(? AS INTEGER) "
	 "ORDER BY CASE WHEN at.verdict = 'failed' AND at.blocking = 1 "
	 "THEN 0 WHEN at.verdict = 'failed' THEN 1 ELSE 2 END, t.suite, "
	 "t.name, t.id"},
	{"aggregation-runs",
	 "SELECT r.id, r.run_id, r.status, r.started_at, r.url "
	 "FROM aggregation_run ar JOIN job_run r ON r.id = ar.job_run_id "
	 "WHERE ar.aggregation_id = CAST(? AS INTEGER) "
	 "ORDER BY r.started_at, r.run_id"},
	{"aggregation-marks",
	 "SELECT s.test_id, s.job_run_id, s.status FROM aggregation_run ar "
	 "JOIN test_run_status s ON s.job_run_id = ar.job_run_id "
	 "WHERE ar.aggregation_id = CAST(? AS INTEGER)"},
	{"test-history",
	 "SELECT t.suite, t.name, j.name AS job, r.run_id, r.started_at, "
	 "s.status FROM test t JOIN test_run_status s ON s.test_id = t.id "
	 "JOIN job_run r ON r.id = s.job_run_id JOIN job j ON j.id = r.job_id "
	 "WHERE (t.name = ? OR t.classname || '.' || t.name = ?) "
	 "AND (? = '*' OR j.name = ?) "
	 "ORDER BY r.started_at DESC, r.run_id DESC LIMIT 200"},
	{"test-list",
	 "SELECT t.name AS test, t.suite, count(*) AS runs, "
	 "sum(CASE WHEN s.status = 'pass' THEN 1 ELSE 0 END) AS pass, "
	 "sum(CASE WHEN s.status = 'fail' THEN 1 ELSE 0 END) AS fail, "
	 "sum(CASE WHEN s.status = 'flaky' THEN 1 ELSE 0 END) AS flaky, "
	 "sum(CASE WHEN s.status = 'skip' THEN 1 ELSE 0 END) AS skip "
	 "FROM test_run_status s JOIN test t ON t.id = s.test_id "
	 "GROUP BY t.id, t.name, t.suite "
	 "ORDER BY sum(CASE WHEN s.status = 'fail' OR s.status = 'flaky' "
	 "THEN 1 ELSE 0 END) DESC, t.name, t.suite LIMIT 50"},
	{"disruption-samples",
	 "SELECT c.release, d.backend AS series, d.disruption_ms AS ms "
	 "FROM disruption d JOIN job_run_context c "
	 "ON c.job_run_id = d.job_run_id "
	 "ORDER BY c.release, d.backend, d.disruption_ms"},
	{"alert-samples",
	 "SELECT c.release, a.name AS series, a.firing_ms AS ms "
	 "FROM alert a JOIN job_run_context c ON c.job_run_id = a.job_run_id "
	 "ORDER BY c.release, a.name, a.firing_ms"},
};

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

#define MAX_PARAMS 8

static int query_handler(struct request *req, json_t *resp)
{
	const char *name = request_str(req, "query");
	const json_t *params = request_list(req, "param");
	struct store_value v[MAX_PARAMS];
	const struct web_sql *q = NULL;
	struct store *st;
	json_t *rows;
	size_t n = json_array_size(params);

	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++)
		if (!strcmp(queries[i].name, name))
			q = &queries[i];
	if (!q)
		return err_set("unknown query '%s'", name);
	if (n > MAX_PARAMS)
		return err_set("too many parameters for query '%s'", name);
	for (size_t i = 0; i < n; i++)
		v[i] = STORE_TEXT_V(
			json_string_value(json_array_get(params, i)));
	if (request_store_current(req, &st) < 0)
		return -1;
	rows = json_array();
	if (store_exec(st, q->sql, v, n, on_row, rows) < 0) {
		json_decref(rows);
		return -1;
	}
	json_object_set_new(resp, "rows", rows);
	return API_EXIT_OK;
}

static const struct command cmd_web_query = {
	.name = "web query",
	.summary = "run one of the dashboard's named queries",
	.description = "Internal to the dashboard; not listed.",
	.options =
		(const struct opt_spec[]){
			{"query", OPT_STRING, OPT_REQUIRED, "NAME",
			 "the query's name", NULL, 0, 0, NULL},
			{"param", OPT_STRING, OPT_MULTI, "V", "a parameter",
			 NULL, 0, 0, NULL},
			{0},
		},
	.response =
		(const struct resp_field[]){
			{"rows", RESP_ARRAY, 0, "the rows"},
			{0},
		},
	.rows_key = "rows",
	.handler = query_handler,
};

int web_query(const struct web_context *ctx, const char *query,
	      const char *const *params, size_t nparams, json_t **rows)
{
	json_t *opts = json_pack("{s:s, s:[]}", "query", query, "param");
	json_t *resp = NULL;
	int rc;

	*rows = NULL;
	for (size_t i = 0; i < nparams; i++)
		json_array_append_new(json_object_get(opts, "param"),
				      json_string(params[i]));
	rc = api_route(&cmd_web_query, CALL_EXECUTE, opts, ctx->env, &resp);
	json_decref(opts);
	if (rc != API_EXIT_OK || !resp) {
		json_decref(resp);
		if (!*err_msg())
			err_set("query '%s' failed", query);
		return -1;
	}
	*rows = json_incref(json_object_get(resp, "rows"));
	json_decref(resp);
	return 0;
}
