/*
 * testrail_runs.c - test-run-counts: statuses, milestones, runs, plans
 * with their entries' runs, and the results of every run read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "sources/testrail_internal.h"
#include "core/banned.h"

/* A run (standalone or of a plan) as a record. */
static json_t *run_record(const struct pull *p, json_t *r, json_t *plan)
{
	return json_pack(
		"{s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:o, "
		"s:o, s:o, s:o, s:o, s:o}",
		"run_id", testrail_int_of(json_object_get(r, "id")), "project",
		p->q->project, "suite_id",
		testrail_int_of(json_object_get(r, "suite_id")), "plan_id",
		testrail_int_of(json_object_get(r, "plan_id")), "plan",
		plan ? testrail_str_of(json_object_get(plan, "name"))
		     : json_null(),
		"milestone_id",
		testrail_int_of(json_object_get(r, "milestone_id")), "name",
		testrail_str_of(json_object_get(r, "name")), "created_on",
		testrail_time_of(json_object_get(r, "created_on")),
		"is_completed",
		json_is_true(json_object_get(r, "is_completed")),
		"completed_on",
		testrail_time_of(json_object_get(r, "completed_on")), "passed",
		testrail_int_of(json_object_get(r, "passed_count")), "failed",
		testrail_int_of(json_object_get(r, "failed_count")), "blocked",
		testrail_int_of(json_object_get(r, "blocked_count")), "retest",
		testrail_int_of(json_object_get(r, "retest_count")), "untested",
		testrail_int_of(json_object_get(r, "untested_count")), "url",
		testrail_str_of(json_object_get(r, "url")));
}

static int check_run(const struct pull *p, json_t *r, const char *where)
{
	if (!json_is_integer(json_object_get(r, "id")) ||
	    !json_is_integer(json_object_get(r, "created_on")))
		return err_set("'%s/%lld': malformed run: no integer 'id' and "
			       "'created_on'",
			       where, (long long)p->q->upstream_id);
	return 0;
}

static int on_runs(size_t stream, json_t *items, void *ctx)
{
	struct pull *p = ctx;
	json_t *r;
	size_t i;

	(void)stream;
	json_array_foreach (items, i, r) {
		if (check_run(p, r, "get_runs") < 0 ||
		    testrail_emit(p, "testrail_run", run_record(p, r, NULL)) <
			    0)
			return -1;
		json_array_append(p->run_ids, json_object_get(r, "id"));
	}
	p->pages++;
	testrail_progress(p);
	return 0;
}

static int on_plans(size_t stream, json_t *items, void *ctx)
{
	struct pull *p = ctx;
	json_t *plan;
	size_t i;

	(void)stream;
	json_array_foreach (items, i, plan) {
		json_t *id = json_object_get(plan, "id");

		if (!json_is_integer(id))
			return err_set("'get_plans/%lld': malformed plan: no "
				       "integer 'id'",
				       (long long)p->q->upstream_id);
		json_array_append_new(p->plan_ids,
				      json_integer(json_integer_value(id)));
	}
	p->pages++;
	testrail_progress(p);
	return 0;
}

static int on_milestones(size_t stream, json_t *items, void *ctx)
{
	struct pull *p = ctx;
	json_t *m;
	size_t i;

	(void)stream;
	json_array_foreach (items, i, m) {
		if (!json_is_integer(json_object_get(m, "id")))
			return err_set("'get_milestones/%lld': malformed "
				       "milestone: no integer 'id'",
				       (long long)p->q->upstream_id);
		if (testrail_emit(
			    p, "testrail_milestone",
			    json_pack(
				    "{s:o, s:s, s:o, s:b, s:o, s:o}",
				    "milestone_id",
				    testrail_int_of(json_object_get(m, "id")),
				    "project", p->q->project, "name",
				    testrail_str_of(json_object_get(m, "name")),
				    "is_completed",
				    json_is_true(
					    json_object_get(m, "is_completed")),
				    "due_on",
				    testrail_time_of(
					    json_object_get(m, "due_on")),
				    "url",
				    testrail_str_of(
					    json_object_get(m, "url")))) < 0)
			return -1;
	}
	p->pages++;
	return 0;
}

static int on_statuses(size_t stream, json_t *items, void *ctx)
{
	struct pull *p = ctx;
	json_t *s;
	size_t i;

	(void)stream;
	json_array_foreach (items, i, s) {
		if (!json_is_integer(json_object_get(s, "id")))
			return err_set("'get_statuses': malformed status: no "
				       "integer 'id'");
		if (json_is_string(json_object_get(s, "label"))) {
			char key[32];

			snprintf(key, sizeof(key), "%lld",
				 (long long)json_integer_value(
					 json_object_get(s, "id")));
			json_object_set(p->statuses, key,
					json_object_get(s, "label"));
		}
		if (testrail_emit(
			    p, "testrail_status",
			    json_pack(
				    "{s:o, s:o, s:o}", "status_id",
				    testrail_int_of(json_object_get(s, "id")),
				    "name",
				    testrail_str_of(json_object_get(s, "name")),
				    "label",
				    testrail_str_of(
					    json_object_get(s, "label")))) < 0)
			return -1;
	}
	return 0;
}

/* Reads every plan of p->plan_ids (in parallel) and emits its runs. */
static int read_plans(struct pull *p)
{
	size_t n = json_array_size(p->plan_ids);
	char **urls = xcalloc(n + 1, sizeof(char *));
	struct http_response *resps = xcalloc(n + 1, sizeof(*resps));
	int rc;

	for (size_t i = 0; i < n; i++) {
		urls[i] = xasprintf("%sget_plan/%lld", p->src->base,
				    (long long)json_integer_value(
					    json_array_get(p->plan_ids, i)));
		http_response_init(&resps[i]);
	}
	rc = http_get_many(p->src->http, (const char *const *)urls, n, resps);
	for (size_t i = 0; i < n && !rc; i++) {
		json_error_t e;
		json_t *plan = json_loadb(resps[i].body.data, resps[i].body.len,
					  0, &e);
		json_t *entry, *run;
		size_t j, k;

		if (!json_is_object(plan)) {
			rc = err_set("'%s': malformed response: %s",
				     urls[i] + strlen(p->src->base),
				     plan ? "not an object" : e.text);
			json_decref(plan);
			break;
		}
		json_array_foreach (json_object_get(plan, "entries"), j, entry)
			json_array_foreach (json_object_get(entry, "runs"), k,
					    run) {
				if (rc == 0 &&
				    (check_run(p, run, "get_plan") < 0 ||
				     testrail_emit(p, "testrail_run",
						   run_record(p, run, plan)) <
					     0))
					rc = -1;
				json_array_append(p->run_ids,
						  json_object_get(run, "id"));
			}
		json_decref(plan);
	}
	for (size_t i = 0; i < n; i++) {
		free(urls[i]);
		http_response_release(&resps[i]);
	}
	free(urls);
	free(resps);
	return rc;
}

/*
 * TestRail's elapsed time ("1m 30s", "2h 5m", "45s") in milliseconds into
 * *ms; -1 when it is anything else.
 */
static int elapsed_ms(const char *text, int64_t *ms)
{
	const char *p = text;
	int64_t total = 0;
	int parts = 0;

	while (*p) {
		char *end;
		long long n;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (*p < '0' || *p > '9')
			return -1;
		n = strtoll(p, &end, 10);
		if (n < 0 || n > 1000000)
			return -1;
		switch (*end) {
		case 'h':
			total += (int64_t)n * 3600000;
			break;
		case 'm':
			total += (int64_t)n * 60000;
			break;
		case 's':
			total += (int64_t)n * 1000;
			break;
		default:
			return -1;
		}
		p = end + 1;
		parts++;
	}
	if (!parts)
		return -1;
	*ms = total;
	return 0;
}

/* One result of a page of get_results_for_run as a record. */
static json_t *result_record(struct pull *p, const struct jscan *j, uint32_t r,
			     int64_t run_id)
{
	uint32_t st = jscan_get(j, r, "status_id");
	const char *el = jscan_str(j, jscan_get(j, r, "elapsed"));
	json_t *label = NULL;
	int64_t ms;
	char key[32];

	if (jscan_type(j, st) == JSCAN_INT) {
		snprintf(key, sizeof(key), "%lld",
			 (long long)jscan_int(j, st, 0));
		label = json_object_get(p->statuses, key);
	}
	return json_pack(
		"{s:o, s:I, s:s, s:o, s:o, s:O?, s:o, s:o, s:o, s:o, s:o}",
		"result_id", testrail_jint_of(j, jscan_get(j, r, "id")),
		"run_id", (json_int_t)run_id, "project", p->q->project,
		"test_id", testrail_jint_of(j, jscan_get(j, r, "test_id")),
		"status_id", testrail_jint_of(j, st), "status", label,
		"created_on",
		testrail_jtime_of(j, jscan_get(j, r, "created_on")),
		"elapsed_ms",
		el && elapsed_ms(el, &ms) == 0 ? json_integer(ms) : json_null(),
		"version", testrail_jstr_of(j, jscan_get(j, r, "version")),
		"defects", testrail_jstr_of(j, jscan_get(j, r, "defects")),
		"assignedto_id",
		testrail_jint_of(j, jscan_get(j, r, "assignedto_id")));
}

static int on_results(size_t stream, const struct jscan *j, uint32_t items,
		      void *ctx)
{
	struct pull *p = ctx;
	int64_t run_id = json_integer_value(json_array_get(p->run_ids, stream));

	for (uint32_t r = jscan_first(j, items); r;
	     r = jscan_next(j, items, r)) {
		if (jscan_type(j, jscan_get(j, r, "id")) != JSCAN_INT ||
		    jscan_type(j, jscan_get(j, r, "test_id")) != JSCAN_INT ||
		    jscan_type(j, jscan_get(j, r, "created_on")) != JSCAN_INT)
			return err_set("'get_results_for_run/%lld': malformed "
				       "result: no integer 'id', 'test_id' "
				       "and 'created_on'",
				       (long long)run_id);
		if (testrail_emit(p, "testrail_result",
				  result_record(p, j, r, run_id)) < 0)
			return -1;
	}
	p->pages++;
	testrail_progress(p);
	return 0;
}

/* Reads the results of every run handed up, all runs at once. */
static int read_results(struct pull *p)
{
	size_t n = json_array_size(p->run_ids);
	char **paths = xcalloc(n + 1, sizeof(char *));
	int rc;

	for (size_t i = 0; i < n; i++)
		paths[i] = xasprintf("get_results_for_run/%lld",
				     (long long)json_integer_value(
					     json_array_get(p->run_ids, i)));
	p->what = "results";
	p->pages = 0;
	rc = testrail_read_lists(p, paths, n, "results", p->src->parallel,
				 on_results);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return rc;
}

int testrail_runs_pull(struct pull *p)
{
	long long pid = (long long)p->q->upstream_id;
	long long since = (long long)(p->q->since_ms / 1000);
	char *runs = xasprintf("get_runs/%lld&created_after=%lld", pid, since);
	char *plans =
		xasprintf("get_plans/%lld&created_after=%lld", pid, since);
	char *miles = xasprintf("get_milestones/%lld", pid);
	int rc;

	p->what = "runs";
	rc = testrail_read_list(p, "get_statuses", "statuses", on_statuses);
	if (!rc)
		rc = testrail_read_list(p, miles, "milestones", on_milestones);
	if (!rc)
		rc = testrail_read_list(p, runs, "runs", on_runs);
	if (!rc)
		rc = testrail_read_list(p, plans, "plans", on_plans);
	if (!rc)
		rc = read_plans(p);
	if (!rc)
		rc = read_results(p);
	free(runs);
	free(plans);
	free(miles);
	return rc;
}
