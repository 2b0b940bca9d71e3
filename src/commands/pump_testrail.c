/*
 * pump_testrail.c - what the TestRail report types write.
 *
 * test-case-coverage upserts suites and cases, counts the cases per
 * (suite, sub-suite, automation status, coverage) as they stream by, and
 * at the end replaces today's coverage_snapshot rows of the project and
 * deletes the project's cases this pull no longer saw.
 *
 * test-run-counts upserts runs (with plan runs), their results, milestones
 * and statuses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/pump.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/strmap.h"
#include "core/xalloc.h"
#include "core/banned.h"

/* The separator of the parts of a coverage group's key. */
#define SEP '\x1f'

static const char sql_suite[] =
	"INSERT INTO testrail_suite (suite_id, project, testrail_project_id, "
	"name, is_completed, url, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
	"ON CONFLICT (suite_id) DO UPDATE SET project = excluded.project, "
	"testrail_project_id = excluded.testrail_project_id, "
	"name = excluded.name, is_completed = excluded.is_completed, "
	"url = excluded.url, updated_at = excluded.updated_at";

static const char sql_case[] =
	"INSERT INTO testrail_case (case_id, suite_id, project, title, "
	"section_id, automation_status, coverage, sub_suites, created_on, "
	"updated_on, pump_run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	"ON CONFLICT (case_id) DO UPDATE SET suite_id = excluded.suite_id, "
	"project = excluded.project, title = excluded.title, "
	"section_id = excluded.section_id, "
	"automation_status = excluded.automation_status, "
	"coverage = excluded.coverage, sub_suites = excluded.sub_suites, "
	"created_on = excluded.created_on, updated_on = excluded.updated_on, "
	"pump_run_id = excluded.pump_run_id";

static const char sql_snapshot[] =
	"INSERT INTO coverage_snapshot (date, project, suite_id, suite, "
	"sub_suite, automation_status, coverage, count) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

static const char sql_run[] =
	"INSERT INTO testrail_run (run_id, project, suite_id, plan_id, plan, "
	"milestone_id, name, created_on, is_completed, completed_on, passed, "
	"failed, blocked, retest, untested, url, updated_at) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	"ON CONFLICT (run_id) DO UPDATE SET project = excluded.project, "
	"suite_id = excluded.suite_id, plan_id = excluded.plan_id, "
	"plan = excluded.plan, milestone_id = excluded.milestone_id, "
	"name = excluded.name, created_on = excluded.created_on, "
	"is_completed = excluded.is_completed, "
	"completed_on = excluded.completed_on, passed = excluded.passed, "
	"failed = excluded.failed, blocked = excluded.blocked, "
	"retest = excluded.retest, untested = excluded.untested, "
	"url = excluded.url, updated_at = excluded.updated_at";

static const char sql_milestone[] =
	"INSERT INTO testrail_milestone (milestone_id, project, name, "
	"is_completed, due_on, url, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
	"ON CONFLICT (milestone_id) DO UPDATE SET project = excluded.project, "
	"name = excluded.name, is_completed = excluded.is_completed, "
	"due_on = excluded.due_on, url = excluded.url, "
	"updated_at = excluded.updated_at";

static const char sql_result[] =
	"INSERT INTO testrail_result (result_id, run_id, project, test_id, "
	"status_id, status, created_on, elapsed_ms, version, defects, "
	"assignedto_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	"ON CONFLICT (result_id) DO UPDATE SET run_id = excluded.run_id, "
	"project = excluded.project, test_id = excluded.test_id, "
	"status_id = excluded.status_id, status = excluded.status, "
	"created_on = excluded.created_on, elapsed_ms = excluded.elapsed_ms, "
	"version = excluded.version, defects = excluded.defects, "
	"assignedto_id = excluded.assignedto_id, "
	"updated_at = excluded.updated_at";

static const char sql_status[] =
	"INSERT INTO testrail_status (status_id, name, label) VALUES (?, ?, ?) "
	"ON CONFLICT (status_id) DO UPDATE SET name = excluded.name, "
	"label = excluded.label";

struct store_value pump_value(json_t *v)
{
	if (json_is_integer(v))
		return STORE_INT_V(json_integer_value(v));
	if (json_is_real(v))
		return STORE_REAL_V(json_real_value(v));
	if (json_is_string(v))
		return STORE_TEXT_V(json_string_value(v));
	if (json_is_boolean(v))
		return STORE_INT_V(json_is_true(v));
	return STORE_NULL_V;
}

void pump_cursor_max(struct pump_job *job, const char *t)
{
	if (t && strlen(t) < sizeof(job->cursor) && strcmp(t, job->cursor) > 0)
		memcpy(job->cursor, t, strlen(t) + 1);
}

/* Binds rec's members named in keys, in order, then runs sql. */
static int write_rec(struct pump_job *job, const char *sql, json_t *rec,
		     const char *const *keys, const struct store_value *extra,
		     size_t nextra)
{
	struct store_value v[24];
	size_t n = 0;

	for (; keys[n]; n++)
		v[n] = pump_value(json_object_get(rec, keys[n]));
	for (size_t i = 0; i < nextra; i++)
		v[n++] = extra[i];
	job->rows++;
	if (!job->st)
		return 0;
	return store_exec(job->st, sql, v, n, NULL, NULL);
}

/* The coverage counts of one pull: group key -> cases. */
struct coverage {
	struct strmap groups;
	struct buf key;
};

static int coverage_begin(struct pump_job *job)
{
	struct coverage *c = xcalloc(1, sizeof(*c));

	strmap_init(&c->groups);
	buf_init(&c->key);
	job->state = c;
	return 0;
}

/* Adds SEP and the string member (or "") to the key. */
static void key_part(struct buf *key, const char *s)
{
	buf_addch(key, SEP);
	buf_adds(key, s ? s : "");
}

static void count_case(struct coverage *c, json_t *rec)
{
	char id[24];
	size_t idlen;
	json_t *sub;
	size_t i;

	/* The key's fixed parts once; only the sub-suite varies. */
	idlen = (size_t)snprintf(id, sizeof(id), "%lld",
				 (long long)json_integer_value(
					 json_object_get(rec, "suite_id")));
	json_array_foreach (json_object_get(rec, "sub_suites"), i, sub) {
		int64_t n = 0;

		buf_reset(&c->key);
		buf_add(&c->key, id, idlen);
		key_part(&c->key,
			 json_string_value(json_object_get(rec, "suite")));
		key_part(&c->key, json_string_value(sub));
		key_part(&c->key, json_string_value(json_object_get(
					  rec, "automation_status")));
		key_part(&c->key,
			 json_string_value(json_object_get(rec, "coverage")));
		strmap_get(&c->groups, c->key.data, c->key.len, &n);
		strmap_put(&c->groups, c->key.data, c->key.len, n + 1);
	}
}

static int write_case(struct pump_job *job, json_t *rec)
{
	static const char *const keys[] = {
		"case_id",    "suite_id",	   "project",  "title",
		"section_id", "automation_status", "coverage", NULL};
	struct buf subs = BUF_INIT;
	struct store_value extra[4];
	json_t *sub;
	size_t i;
	int rc;

	json_array_foreach (json_object_get(rec, "sub_suites"), i, sub) {
		const char *name = json_string_value(sub);

		if (i)
			buf_adds(&subs, "; ");
		buf_adds(&subs, name ? name : "");
	}
	extra[0] = STORE_TEXT_V(subs.data);
	extra[1] = pump_value(json_object_get(rec, "created_on"));
	extra[2] = pump_value(json_object_get(rec, "updated_on"));
	extra[3] = STORE_INT_V(job->pump_run_id);
	rc = write_rec(job, sql_case, rec, keys, extra, 4);
	buf_release(&subs);
	pump_cursor_max(job,
			json_string_value(json_object_get(rec, "updated_on")));
	return rc;
}

static int coverage_record(struct pump_job *job, const char *kind, json_t *rec)
{
	static const char *const suite_keys[] = {
		"suite_id", "project",	    "testrail_project_id",
		"name",	    "is_completed", "url",
		NULL};
	struct store_value now = STORE_TEXT_V(job->now);

	if (!strcmp(kind, "testrail_suite"))
		return write_rec(job, sql_suite, rec, suite_keys, &now, 1);
	if (!strcmp(kind, "testrail_case")) {
		count_case(job->state, rec);
		return write_case(job, rec);
	}
	return 0;
}

/* Splits a group key into its five parts (in place). */
static void split_key(char *key, char *parts[5])
{
	for (int i = 0; i < 5; i++) {
		parts[i] = key;
		key = strchr(key, SEP);
		if (!key)
			break;
		*key++ = '\0';
	}
}

struct snapshot_ctx {
	struct pump_job *job;
	int rc;
};

static void write_group(const char *key, size_t len, int64_t count, void *ctx)
{
	struct snapshot_ctx *s = ctx;
	char *copy = xstrndup(key, len), *p[5] = {0};
	struct store_value v[8];

	split_key(copy, p);
	v[0] = STORE_TEXT_V(s->job->date);
	v[1] = STORE_TEXT_V(s->job->project);
	v[2] = STORE_INT_V(strtoll(p[0], NULL, 10));
	for (int i = 1; i < 5; i++)
		v[2 + i] = STORE_TEXT_V(p[i] ? p[i] : "");
	v[7] = STORE_INT_V(count);
	s->job->rows++;
	if (s->rc == 0 && s->job->st)
		s->rc = store_exec(s->job->st, sql_snapshot, v, 8, NULL, NULL);
	free(copy);
}

static int coverage_finish(struct pump_job *job, int ok)
{
	struct coverage *c = job->state;
	struct snapshot_ctx s = {job, 0};
	struct store_value del[2] = {STORE_TEXT_V(job->project),
				     STORE_INT_V(job->pump_run_id)};
	struct store_value day[2] = {STORE_TEXT_V(job->date),
				     STORE_TEXT_V(job->project)};

	if (ok && job->st &&
	    (store_exec(job->st,
			"DELETE FROM testrail_case WHERE project = ? AND "
			"pump_run_id <> ?",
			del, 2, NULL, NULL) < 0 ||
	     store_exec(job->st,
			"DELETE FROM coverage_snapshot WHERE date = ? AND "
			"project = ?",
			day, 2, NULL, NULL) < 0))
		s.rc = -1;
	if (ok && s.rc == 0)
		strmap_foreach(&c->groups, write_group, &s);
	strmap_release(&c->groups);
	buf_release(&c->key);
	free(c);
	job->state = NULL;
	return s.rc;
}

static int runs_begin(struct pump_job *job)
{
	job->state = NULL;
	return 0;
}

static int runs_record(struct pump_job *job, const char *kind, json_t *rec)
{
	static const char *const run_keys[] = {
		"run_id",	"project",    "suite_id",
		"plan_id",	"plan",	      "milestone_id",
		"name",		"created_on", "is_completed",
		"completed_on", "passed",     "failed",
		"blocked",	"retest",     "untested",
		"url",		NULL};
	static const char *const milestone_keys[] = {
		"milestone_id", "project", "name", "is_completed",
		"due_on",	"url",	   NULL};
	static const char *const status_keys[] = {"status_id", "name", "label",
						  NULL};
	static const char *const result_keys[] = {
		"result_id", "run_id",	"project",	 "test_id",
		"status_id", "status",	"created_on",	 "elapsed_ms",
		"version",   "defects", "assignedto_id", NULL};
	struct store_value now = STORE_TEXT_V(job->now);

	if (!strcmp(kind, "testrail_run")) {
		pump_cursor_max(job, json_string_value(json_object_get(
					     rec, "created_on")));
		return write_rec(job, sql_run, rec, run_keys, &now, 1);
	}
	if (!strcmp(kind, "testrail_milestone"))
		return write_rec(job, sql_milestone, rec, milestone_keys, &now,
				 1);
	if (!strcmp(kind, "testrail_status"))
		return write_rec(job, sql_status, rec, status_keys, NULL, 0);
	if (!strcmp(kind, "testrail_result"))
		return write_rec(job, sql_result, rec, result_keys, &now, 1);
	return 0;
}

static int runs_finish(struct pump_job *job, int ok)
{
	(void)job;
	(void)ok;
	return 0;
}

const struct pump_report pump_test_case_coverage = {
	.name = "test-case-coverage",
	.source = "testrail",
	.summary = "a dated snapshot of test cases by suite, sub-suite, "
		   "automation status and coverage",
	.begin = coverage_begin,
	.record = coverage_record,
	.finish = coverage_finish,
};

const struct pump_report pump_test_run_counts = {
	.name = "test-run-counts",
	.source = "testrail",
	.summary = "runs and plan runs created in the last N days, with "
		   "their counts by status",
	.begin = runs_begin,
	.record = runs_record,
	.finish = runs_finish,
};
