/*
 * test_flaky_report.c - `report flaky` and `report regressions` through
 * the command table on a real store, SQLite and PostgreSQL (the second
 * when TESTPUMP_TEST_PG is set, as tests/store/test_conformance.c; with
 * CI=true and no PostgreSQL it fails).
 *
 * The history is synth.h's default (a break of t007 at build 120, t013
 * and t021 flaky, storms at builds 50 and 160), plus, for the regression
 * lifecycle, a hand-made series of one test "h" in jobs "hyst" and
 * "hyst-fresh" (one build every 4 hours, builds 0..499):
 *   - failures at builds 25, 75, 125, ... (every 50th: 2%),
 *   - a burst of 10 failures at 182, 186, ..., 218,
 *   - two more at 430 and 440.
 * Reports run at build e's time minus one hour (builds 0..e-1 seen), so
 * the sample window (7 days) is builds e-42..e-1 and the basis (30 days
 * before it) builds e-222..e-43:
 *   e = 222: sample 32/42 pass, basis 176/180: opened, extreme;
 *   e = 450: sample 39/42, basis 177/180, a 5.5-point drop with one-sided
 *            Fisher p = 0.08328465445860438 (python3 stdlib, see
 *            test_flaky.c): not a regression at confidence 95, kept open
 *            at 90 (hysteresis) - so "hyst" stays open and "hyst-fresh",
 *            never opened, gets no row;
 *   e = 500: sample 41/42 (one failure < 3): closed.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "api/api.h"
#include "commands/commands.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "store/migrations.h"
#include "store/store.h"
#include "../store/tmpdir.h"
#include "synth.h"
#include "core/banned.h"

struct fixture {
	int pg;
	char dir[64];
	char schema[64];
	char *url;
	struct store *adm;
};

static int counter;

static int setup_sqlite(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/testpump-flaky-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	f->url = xasprintf("sqlite:%s/test.db", f->dir);
	*state = f;
	return 0;
}

static int setup_pg(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	const char *base = getenv("TESTPUMP_TEST_PG");
	char *sql;

	f->pg = 1;
	*state = f;
	if (!base || !*base)
		return 0;
	snprintf(f->schema, sizeof(f->schema), "tp_flaky_%ld_%d",
		 (long)getpid(), ++counter);
	if (store_open(&f->adm, base, STORE_OPEN_EXISTING) < 0)
		return -1;
	sql = xasprintf("DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s",
			f->schema, f->schema);
	if (store_exec_script(f->adm, sql) < 0) {
		free(sql);
		return -1;
	}
	free(sql);
	if (!strncmp(base, "postgres", 8))
		f->url = xasprintf("%s%coptions=-csearch_path%%3D%s", base,
				   strchr(base, '?') ? '&' : '?', f->schema);
	else
		f->url = xasprintf("%s options='-c search_path=%s'", base,
				   f->schema);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->adm) {
		char *sql = xasprintf("DROP SCHEMA %s CASCADE", f->schema);

		store_exec_script(f->adm, sql);
		free(sql);
		store_close(f->adm);
	}
	if (f->dir[0])
		remove_tree(f->dir);
	free(f->url);
	free(f);
	return 0;
}

/* The fixture, skipping a PostgreSQL test without PostgreSQL. */
static struct fixture *fx(void **state)
{
	struct fixture *f = *state;

	if (f->pg && !f->url) {
		const char *ci = getenv("CI");

		if (ci && !strcmp(ci, "true"))
			fail_msg("CI=true and TESTPUMP_TEST_PG is not set");
		skip();
	}
	return f;
}

static struct store *open_migrated(const struct fixture *f)
{
	struct store *st = NULL;

	if (store_open(&st, f->url, STORE_OPEN_CREATE) < 0 ||
	    migrations_apply(st, 0, NULL) < 0)
		fail_msg("%s: %s", f->url, err_msg());
	return st;
}

static int64_t count(struct store *st, const char *sql)
{
	int64_t n = -1;

	if (store_query_int(st, sql, NULL, 0, &n) < 0)
		fail_msg("%s: %s", sql, err_msg());
	return n;
}

/* Sets the clock to build e's start minus one hour. */
static void at_build(int e)
{
	char t[STORE_TIME_MAX];

	store_time(SYNTH_T0_MS + e * SYNTH_STEP_MS - 3600000, t);
	setenv("TESTPUMP_NOW", t, 1);
}

/* Runs `report NAME [--job J] [--days D]`; returns its rows. */
static json_t *report(const struct fixture *f, const char *name,
		      const char *job, int days, int dry_run)
{
	struct api_env env = {.db_url = f->url, .dry_run = dry_run};
	json_t *opts = json_pack("{s:s}", "name", name), *resp = NULL, *rows;
	enum api_exit rc;

	if (job)
		json_object_set_new(opts, "job", json_string(job));
	if (days)
		json_object_set_new(opts, "days", json_integer(days));
	rc = api_route(&cmd_report, CALL_EXECUTE, opts, &env, &resp);
	json_decref(opts);
	if (rc != API_EXIT_OK || !resp)
		fail_msg("report %s: exit %d: %s", name, rc, err_msg());
	rows = json_incref(json_object_get(resp, "rows"));
	json_decref(resp);
	return rows;
}

static const char *str(const json_t *row, const char *key)
{
	const char *s = json_string_value(json_object_get(row, key));

	return s ? s : "(null)";
}

/* Every row has the keys of the first, and an explanation. */
static void same_keys(const json_t *rows)
{
	const json_t *first = json_array_get(rows, 0);
	size_t i;
	json_t *row;

	json_array_foreach (rows, i, row) {
		const char *k;
		json_t *v;

		assert_int_equal(json_object_size(row),
				 json_object_size(first));
		json_object_foreach ((json_t *)first, k, v)
			assert_non_null(json_object_get(row, k));
		assert_true(strlen(str(row, "explanation")) > 20);
		assert_true(strlen(str(row, "parameters")) > 10);
	}
}

static void load_synth(struct store *st)
{
	struct synth_spec s = synth_default();

	if (synth_load(st, &s) < 0)
		fail_msg("synth_load: %s", err_msg());
}

static void test_flaky_finds_exactly(void **state)
{
	struct fixture *f = fx(state);
	struct store *st = open_migrated(f);
	json_t *rows, *row;

	load_synth(st);
	store_close(st);
	at_build(200);
	rows = report(f, "flaky", NULL, 0, 0);
	assert_int_equal(json_array_size(rows), 5);
	same_keys(rows);
	row = json_array_get(rows, 0);
	assert_string_equal(str(row, "kind"), "flaky");
	assert_string_equal(str(row, "test"), "t021");
	assert_string_equal(str(row, "job"), "synth-e2e");
	assert_non_null(strstr(str(row, "explanation"), "Flaky: "));
	assert_true(json_real_value(json_object_get(row, "flake_low")) < 0.25);
	assert_true(json_real_value(json_object_get(row, "flake_high")) > 0.25);
	row = json_array_get(rows, 1);
	assert_string_equal(str(row, "kind"), "flaky");
	assert_string_equal(str(row, "test"), "t013");
	assert_true(json_real_value(json_object_get(row, "flake_low")) < 0.12);
	assert_true(json_real_value(json_object_get(row, "flake_high")) > 0.12);
	row = json_array_get(rows, 2);
	assert_string_equal(str(row, "kind"), "broken");
	assert_string_equal(str(row, "test"), "t007");
	assert_int_equal(
		json_integer_value(json_object_get(row, "broken_runs")), 79);
	assert_non_null(strstr(str(row, "explanation"),
			       "failed 79 runs in a row from run b0120 "
			       "(2024-01-21T00:00:00Z) to run b0199, and is "
			       "still failing"));
	row = json_array_get(rows, 3);
	assert_string_equal(str(row, "kind"), "storm");
	assert_string_equal(str(row, "run"), "b0050");
	assert_true(json_is_null(json_object_get(row, "test")));
	assert_non_null(strstr(str(row, "explanation"),
			       "failed 35 of 39 tests (89.7%), more than 80%"));
	assert_string_equal(str(json_array_get(rows, 4), "run"), "b0160");
	json_decref(rows);

	/* --days 10: builds 140..199 only (no storm 50, t013 and t021
	 * still flaky, t007 still broken). */
	rows = report(f, "flaky", NULL, 10, 0);
	assert_int_equal(json_array_size(rows), 4);
	json_decref(rows);
	rows = report(f, "flaky", "no-such-job", 0, 0);
	assert_int_equal(json_array_size(rows), 0);
	json_decref(rows);
	unsetenv("TESTPUMP_NOW");
}

static void test_regressions_synth(void **state)
{
	struct fixture *f = fx(state);
	struct store *st = open_migrated(f);
	json_t *rows, *row;

	load_synth(st);
	at_build(200);
	/* --dry-run: the same rows, nothing stored. */
	rows = report(f, "regressions", NULL, 0, 1);
	assert_int_equal(json_array_size(rows), 1);
	assert_int_equal(count(st, "SELECT count(*) FROM regression"), 0);
	json_decref(rows);
	rows = report(f, "regressions", NULL, 0, 0);
	assert_int_equal(json_array_size(rows), 1);
	same_keys(rows);
	row = json_array_get(rows, 0);
	assert_string_equal(str(row, "state"), "opened");
	assert_string_equal(str(row, "severity"), "extreme");
	assert_string_equal(str(row, "test"), "t007");
	assert_string_equal(str(row, "first_seen"), "2024-01-27T08:00:00Z");
	assert_string_equal(str(row, "last_seen"), "2024-02-03T04:00:00Z");
	assert_int_equal(
		json_integer_value(json_object_get(row, "sample_failures")),
		41);
	assert_int_equal(
		json_integer_value(json_object_get(row, "basis_failures")), 38);
	/* greater(41, 0, 38, 119) = 1.01249699861e-20 (python3 stdlib) */
	assert_true(fabs(json_real_value(json_object_get(row, "p_value")) /
				 1.01249699861e-20 -
			 1) < 1e-9);
	assert_non_null(strstr(str(row, "explanation"),
			       "Regressed: Sample passed 0 of 41 runs (0.0%), "
			       "basis 119 of 157 (75.8%)"));
	json_decref(rows);
	assert_int_equal(count(st, "SELECT count(*) FROM regression WHERE "
				   "closed_at IS NULL AND severity = 'extreme' "
				   "AND first_seen = '2024-01-27T08:00:00Z'"),
			 1);
	store_close(st);
	unsetenv("TESTPUMP_NOW");
}

static int is_fail(int b)
{
	return b % 50 == 25 || (b >= 182 && b <= 218 && (b - 182) % 4 == 0) ||
	       b == 430 || b == 440;
}

/* The hand-made series of "h" in job (see the file comment). */
static void load_hyst(struct store *st, const char *job)
{
	int64_t job_id, test_id, run;
	struct store_value v[5];

	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_upsert_name(st, "job", "name", job, &job_id), 0);
	assert_int_equal(store_exec(st,
				    "INSERT INTO test (suite, classname, name) "
				    "SELECT 'hyst', '', 'h' WHERE NOT EXISTS "
				    "(SELECT 1 FROM test WHERE suite = 'hyst')",
				    NULL, 0, NULL, NULL),
			 0);
	test_id = count(st, "SELECT id FROM test WHERE suite = 'hyst'");
	for (int b = 0; b < 500; b++) {
		char rid[16], at[STORE_TIME_MAX];

		synth_run_id(b, rid);
		store_time(SYNTH_T0_MS + b * SYNTH_STEP_MS, at);
		v[0] = STORE_INT_V(job_id);
		v[1] = STORE_TEXT_V(rid);
		v[2] = v[3] = STORE_TEXT_V(at);
		if (store_exec(st,
			       "INSERT INTO job_run (job_id, run_id, status, "
			       "started_at, ingested_at) VALUES (?, ?, 'pass', "
			       "?, ?)",
			       v, 4, NULL, NULL) < 0 ||
		    store_query_int(st,
				    "SELECT id FROM job_run WHERE job_id = ? "
				    "AND run_id = ?",
				    v, 2, &run) < 0)
			fail_msg("%s", err_msg());
		v[0] = STORE_INT_V(run);
		v[1] = STORE_INT_V(test_id);
		v[2] = STORE_TEXT_V(is_fail(b) ? "fail" : "pass");
		v[3] = STORE_INT_V(is_fail(b));
		if (store_exec(st,
			       "INSERT INTO test_run_status (job_run_id, "
			       "test_id, status, attempts, failures) VALUES "
			       "(?, ?, ?, 1, ?)",
			       v, 4, NULL, NULL) < 0)
			fail_msg("%s", err_msg());
	}
	assert_int_equal(store_commit(st), 0);
}

static void test_regression_lifecycle(void **state)
{
	struct fixture *f = fx(state);
	struct store *st = open_migrated(f);
	json_t *rows, *row;

	load_hyst(st, "hyst");
	load_hyst(st, "hyst-fresh");
	at_build(222);
	rows = report(f, "regressions", "hyst", 0, 0);
	assert_int_equal(json_array_size(rows), 1);
	row = json_array_get(rows, 0);
	assert_string_equal(str(row, "state"), "opened");
	assert_string_equal(str(row, "severity"), "extreme");
	assert_string_equal(str(row, "opened_at"), "2024-02-06T23:00:00Z");
	json_decref(rows);

	/* Hysteresis: kept open at confidence 90; a fresh one not opened. */
	at_build(450);
	rows = report(f, "regressions", NULL, 0, 0);
	assert_int_equal(json_array_size(rows), 1);
	row = json_array_get(rows, 0);
	assert_string_equal(str(row, "job"), "hyst");
	assert_string_equal(str(row, "state"), "open");
	assert_string_equal(str(row, "severity"), "significant");
	assert_true(fabs(json_real_value(json_object_get(row, "p_value")) -
			 0.08328465445860438) < 1e-12);
	assert_string_equal(str(row, "first_seen"), "2024-01-31T08:00:00Z");
	assert_string_equal(str(row, "last_seen"), "2024-03-14T08:00:00Z");
	assert_non_null(strstr(str(row, "explanation"),
			       "at confidence 90 and pity 3 points"));
	json_decref(rows);
	assert_int_equal(count(st, "SELECT count(*) FROM regression WHERE "
				   "closed_at IS NULL AND last_seen = "
				   "'2024-03-14T08:00:00Z'"),
			 1);

	/* Recovered: closed, and --dry-run would close it too but not. */
	at_build(500);
	rows = report(f, "regressions", NULL, 0, 1);
	assert_string_equal(str(json_array_get(rows, 0), "state"), "closed");
	json_decref(rows);
	assert_int_equal(count(st, "SELECT count(*) FROM regression WHERE "
				   "closed_at IS NULL"),
			 1);
	rows = report(f, "regressions", NULL, 0, 0);
	assert_int_equal(json_array_size(rows), 1);
	row = json_array_get(rows, 0);
	assert_string_equal(str(row, "state"), "closed");
	assert_string_equal(str(row, "closed_at"), "2024-03-24T07:00:00Z");
	assert_non_null(strstr(str(row, "explanation"), "Recovered: "));
	json_decref(rows);
	assert_int_equal(count(st, "SELECT count(*) FROM regression WHERE "
				   "closed_at = '2024-03-24T07:00:00Z'"),
			 1);
	/* Closed stays closed: the next report has nothing to say. */
	rows = report(f, "regressions", NULL, 0, 0);
	assert_int_equal(json_array_size(rows), 0);
	json_decref(rows);
	store_close(st);
	unsetenv("TESTPUMP_NOW");
}

static void test_payload_verdict_view(void **state)
{
	struct fixture *f = fx(state);
	struct store *st = open_migrated(f);

	load_synth(st);
	/* Builds 0..99 test payload p1, 100..199 payload p2. */
	assert_int_equal(
		store_exec_script(
			st, "INSERT INTO payload (tag, created_at) VALUES "
			    "('p1', '2024-01-01T00:00:00Z'), "
			    "('p2', '2024-01-01T00:00:00Z');"
			    "UPDATE job_run SET payload_id = (SELECT id FROM "
			    "payload WHERE tag = CASE WHEN run_id < 'b0100' "
			    "THEN 'p1' ELSE 'p2' END)"),
		0);
	/* t007: passes on p1, fails on p2 (broken from 120): flaky on p2
	 * as it passed 100..119; t013 flaky on both; t030 skipped. */
	assert_int_equal(count(st, "SELECT count(*) FROM test_payload_verdict "
				   "v JOIN test t ON t.id = v.test_id JOIN "
				   "payload p ON p.id = v.payload_id WHERE "
				   "t.name = 't007' AND p.tag = 'p1' AND "
				   "v.verdict = 'flaky'"),
			 1); /* the storm at 50 failed it */
	assert_int_equal(count(st, "SELECT count(*) FROM test_payload_verdict "
				   "v JOIN test t ON t.id = v.test_id WHERE "
				   "t.name = 't030' AND v.verdict = 'skip' AND "
				   "v.skips = 100"),
			 2);
	assert_int_equal(count(st, "SELECT count(*) FROM test_payload_verdict "
				   "v JOIN test t ON t.id = v.test_id WHERE "
				   "t.name = 't009' AND v.verdict = 'pass' AND "
				   "v.runs = 100 AND v.passes = 100"),
			 2);
	assert_int_equal(count(st, "SELECT count(*) FROM test_payload_verdict "
				   "WHERE runs <> passes + failures + flakes + "
				   "skips"),
			 0);
	assert_int_equal(count(st, "SELECT count(*) FROM test_payload_verdict"),
			 80);
	store_close(st);
}

#define BOTH(t)                                                     \
	cmocka_unit_test_setup_teardown(t, setup_sqlite, teardown), \
		cmocka_unit_test_setup_teardown(t, setup_pg, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_flaky_finds_exactly),
		BOTH(test_regressions_synth),
		BOTH(test_regression_lifecycle),
		BOTH(test_payload_verdict_view),
	};

	unsetenv("TESTPUMP_CONFIG");
	unsetenv("TESTPUMP_DB");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
