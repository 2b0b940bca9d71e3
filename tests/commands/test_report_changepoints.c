/*
 * test_report_changepoints.c - report change-points and report clusters
 * through the router on issue 10's "Done when" history
 * (tests/analysis/synth.h: 200 builds of 40 tests, t007 broken from build
 * 120, t013 and t021 flaky, storms at builds 50 and 160): exactly the
 * break is found, with its explanation, and the failure messages, which
 * differ only in digits and hex, make one cluster.
 */
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

#include "../analysis/synth.h"
#include "api/api.h"
#include "commands/commands.h"
#include "core/err.h"
#include "store/migrations.h"
#include "store/store.h"
#include "core/banned.h"

static char dir[] = "/tmp/tp-report-cp-XXXXXX";
static char url[128];

static int setup(void **state)
{
	struct synth_spec s = synth_default();
	struct store *st;

	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(url, sizeof(url), "sqlite:%s/t.db", dir);
	if (store_open(&st, url, STORE_OPEN_CREATE) < 0 ||
	    migrations_apply(st, 0, NULL) < 0 || synth_load(st, &s) < 0) {
		fprintf(stderr, "setup: %s\n", err_msg());
		return -1;
	}
	store_close(st);
	return 0;
}

static int teardown(void **state)
{
	char path[160];

	(void)state;
	snprintf(path, sizeof(path), "%s/t.db", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/t.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/t.db-shm", dir);
	unlink(path);
	rmdir(dir);
	return 0;
}

/* The rows of report name, run with the options of opts (consumed). */
static json_t *report(const char *name, json_t *opts)
{
	struct api_env env = {.db_url = url};
	json_t *resp = NULL, *rows;

	json_object_set_new(opts, "name", json_string(name));
	if (api_route(&cmd_report, CALL_EXECUTE, opts, &env, &resp) != 0)
		fail_msg("report %s: %s", name, err_msg());
	json_decref(opts);
	rows = json_incref(json_object_get(resp, "rows"));
	json_decref(resp);
	return rows;
}

static const char *str(const json_t *row, const char *key)
{
	return json_string_value(json_object_get(row, key));
}

static void test_change_points(void **state)
{
	json_t *rows = report("change-points", json_object()), *r;

	(void)state;
	assert_int_equal(json_array_size(rows), 1);
	r = json_array_get(rows, 0);
	assert_string_equal(str(r, "test"), "t007");
	assert_string_equal(str(r, "job"), "synth-e2e");
	assert_string_equal(str(r, "change"), "worse");
	assert_string_equal(str(r, "run"), "b0120");
	assert_int_equal(json_integer_value(json_object_get(r, "ordinal")),
			 121);
	assert_true(strcmp(str(r, "earliest_run"), "b0118") >= 0);
	assert_true(strcmp(str(r, "latest_run"), "b0122") <= 0);
	assert_true(strstr(str(r, "explanation"), "Beta-Binomial") != NULL);
	assert_true(strstr(str(r, "parameters"),
			   "changepoint_likelihood=0.0001") != NULL);
	json_decref(rows);
	/* The flaky tests alone: no change. */
	rows = report("change-points", json_pack("{s:s}", "test", "t021"));
	assert_int_equal(json_array_size(rows), 0);
	json_decref(rows);
}

static void test_clusters(void **state)
{
	json_t *rows = report("clusters", json_object()), *r;

	(void)state;
	assert_int_equal(json_array_size(rows), 1);
	r = json_array_get(rows, 0);
	assert_string_equal(str(r, "pattern"),
			    "assertion failed in t<n> at <hex> after <n> ms");
	/* Every test failed in a storm, except one in ten and t030. */
	assert_int_equal(json_integer_value(json_object_get(r, "tests")), 35);
	assert_true(json_integer_value(json_object_get(r, "failures")) > 80);
	json_decref(rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_change_points),
		cmocka_unit_test(test_clusters),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
