/*
 * test_passfail.c - the aggregator's verdicts against the original's own
 * test vectors ($FIXTURES/aggregator/pass-fail-vectors.json, from
 * openshift/ci-tools pass_fail_test.go), then one case per rule with the
 * exact explanation text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "analysis/disruption.h"
#include "analysis/passfail.h"
#include "core/buf.h"
#include "core/xalloc.h"
#include "core/banned.h"

static json_t *vectors;

static int setup(void **state)
{
	const char *dir = getenv("FIXTURES");
	char *path;
	json_error_t jerr;

	(void)state;
	if (!dir) {
		fprintf(stderr, "FIXTURES is not set\n");
		return -1;
	}
	path = xasprintf("%s/aggregator/pass-fail-vectors.json", dir);
	vectors = json_load_file(path, 0, &jerr);
	free(path);
	if (!vectors) {
		fprintf(stderr, "pass-fail-vectors.json: %s\n", jerr.text);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	json_decref(vectors);
	return 0;
}

/* The vector list of one group; fails the test if it is missing. */
static json_t *group(const char *name)
{
	json_t *g = json_object_get(json_object_get(vectors, name), "vectors");

	assert_true(json_is_array(g));
	return g;
}

static int int_of(json_t *v, const char *key)
{
	json_t *x = json_object_get(v, key);

	assert_true(json_is_number(x));
	return (int)json_number_value(x);
}

static const char *str_of(json_t *v, const char *key)
{
	const char *s = json_string_value(json_object_get(v, key));

	assert_non_null(s);
	return s;
}

/* Checks the explanation when the vector carries one. */
static void check_message(json_t *v, const char *got)
{
	static const char *const keys[] = {"expectedMessage", "message",
					   "summary"};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *want =
			json_string_value(json_object_get(v, keys[i]));

		if (want)
			assert_string_equal(got, want);
	}
}

static int nr_checked;

/* TestCheckFailedWithPityFactor: 14 vectors, minimum attempts 0. */
static void test_vectors_check_failed(void **state)
{
	struct passfail_params params;
	json_t *g = group("checkFailedWithPityFactor"), *v;
	struct buf msg = BUF_INIT;
	size_t i;

	(void)state;
	passfail_params_init(&params);
	params.min_attempts = 0;
	json_array_foreach (g, i, v) {
		struct passfail_test t = {0};
		struct passfail_result res;

		t.suite = "test-suite";
		t.name = "test-case";
		t.passes = int_of(v, "passes");
		t.failures = int_of(v, "failures");
		t.skips = int_of(v, "skips");
		t.attempts = t.passes + t.failures; /* all distinct runs */
		t.working_pct = int_of(v, "workingPercentage");
		t.history = PASSFAIL_HISTORY_FOUND;
		passfail_check(&params, &t, &res, &msg);
		print_message("%s\n", str_of(v, "name"));
		assert_string_equal(passfail_verdict_name(res.verdict),
				    str_of(v, "expectedStatus"));
		assert_int_equal(res.rule, PASSFAIL_RULE_REQUIRED_PASSES);
		assert_true(msg.len > 0);
		check_message(v, msg.data);
		nr_checked++;
	}
	assert_int_equal(json_array_size(g), 14);
	buf_release(&msg);
}

/* Runs run_0, run_1, ... as the original's test builds them. */
static struct disruption_run *make_runs(json_t *seconds, char ***ids_out)
{
	size_t n = json_array_size(seconds), i;
	struct disruption_run *runs = xcalloc(n ? n : 1, sizeof(*runs));
	char **ids = xcalloc(n ? n : 1, sizeof(*ids));

	for (i = 0; i < n; i++) {
		ids[i] = xasprintf("run_%zu", i);
		runs[i].id = ids[i];
		runs[i].seconds =
			(int)json_integer_value(json_array_get(seconds, i));
	}
	*ids_out = ids;
	return runs;
}

static void free_runs(struct disruption_run *runs, char **ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	free(runs);
}

/*
 * Runs the percentile check of one vector: the history holds only the
 * vector's percentile, as in the original's test.  Without fuzziness
 * there is no second try, which grace 0 gives.
 */
static void run_percentile(json_t *v, int grace, struct disruption_result *res,
			   struct buf *msg)
{
	struct passfail_params params;
	struct disruption_history h = {{0}, 0, 0};
	struct disruption_input in = {0};
	json_t *secs = json_object_get(v, "disruptions");
	char **ids;
	int pct = int_of(v, "thresholdPercentile");
	bool *failed = xcalloc(json_array_size(secs) + 1, sizeof(*failed));
	int nfailed = 0;
	size_t i;

	passfail_params_init(&params);
	h.percentile[pct] =
		json_number_value(json_object_get(v, "historicalDisruption"));
	in.backend = "backend";
	in.runs = make_runs(secs, &ids);
	in.nr_runs = json_array_size(secs);
	in.history = &h;
	disruption_check_percentile(&in, &params, pct, grace, res, failed, msg);
	for (i = 0; i < in.nr_runs; i++)
		nfailed += failed[i];
	assert_int_equal(nfailed, res->failures);
	print_message("%s\n", str_of(v, "name"));
	free_runs((struct disruption_run *)in.runs, ids, in.nr_runs);
	free(failed);
}

/* TestCheckPercentileDisruption: 15 vectors. */
static void test_vectors_percentile(void **state)
{
	json_t *g = group("checkPercentileDisruption"), *v;
	struct buf msg = BUF_INIT;
	size_t i;

	(void)state;
	json_array_foreach (g, i, v) {
		struct disruption_result res;
		bool fuzzy =
			json_is_true(json_object_get(v, "supportsFuzziness"));

		run_percentile(v, fuzzy ? int_of(v, "graceSeconds") : 0, &res,
			       &msg);
		assert_string_equal(passfail_verdict_name(res.verdict),
				    str_of(v, "status"));
		assert_int_equal(res.failures, int_of(v, "failedCount"));
		assert_int_equal(res.passes, int_of(v, "successCount"));
		check_message(v, msg.data);
		nr_checked++;
	}
	assert_int_equal(json_array_size(g), 15);
	buf_release(&msg);
}

/* TestInnerCheckPercentileDisruptionWithPityFactor: 4 vectors. */
static void test_vectors_inner_percentile(void **state)
{
	json_t *g = group("innerCheckPercentileDisruptionWithPityFactor"), *v;
	struct buf msg = BUF_INIT;
	size_t i;

	(void)state;
	json_array_foreach (g, i, v) {
		struct disruption_result res;

		run_percentile(v, int_of(v, "graceSeconds"), &res, &msg);
		assert_string_equal(passfail_verdict_name(res.verdict),
				    str_of(v, "expectedStatus"));
		assert_int_equal(res.required, int_of(v, "expectedMinPasses"));
		assert_int_equal(
			res.passes + res.failures,
			json_array_size(json_object_get(v, "disruptions")));
		check_message(v, msg.data);
		nr_checked++;
	}
	assert_int_equal(json_array_size(g), 4);
	buf_release(&msg);
}

static void test_vectors_total(void **state)
{
	(void)state;
	assert_int_equal(nr_checked, 33);
}

/* --- one case per rule, with the exact explanations --- */

/* A test of 10 distinct runs with the given passes, history 95%. */
static struct passfail_test ten_runs(int passes)
{
	struct passfail_test t = {0};

	t.suite = "openshift-tests";
	t.name = "[sig-x] works";
	t.attempts = 10;
	t.passes = passes;
	t.failures = 10 - passes;
	t.failure_results = t.failures;
	t.working_pct = 95;
	t.history = PASSFAIL_HISTORY_FOUND;
	return t;
}

static void check(const struct passfail_test *t, enum passfail_verdict v,
		  enum passfail_rule rule, const char *want)
{
	struct passfail_params params;
	struct passfail_result res;
	struct buf msg = BUF_INIT;

	passfail_params_init(&params);
	buf_adds(&msg, "stale text is replaced");
	passfail_check(&params, t, &res, &msg);
	assert_string_equal(msg.data, want);
	assert_int_equal(res.verdict, v);
	assert_int_equal(res.rule, rule);
	assert_int_equal(res.blocking, v == PASSFAIL_FAILED && !t->informing);
	buf_release(&msg);
}

static void test_params_defaults(void **state)
{
	struct passfail_params p;

	(void)state;
	passfail_params_init(&p);
	assert_int_equal(p.min_attempts, 6);
	assert_int_equal(p.pity, 2);
	assert_true(p.alpha == 0.05);
	assert_int_equal(p.corpus, 250);
	assert_int_equal(p.no_history_pct, 70);
	assert_int_equal(p.failed_history_pct, 99);
	assert_string_equal(passfail_verdict_name(PASSFAIL_SKIPPED), "skipped");
}

static void test_always_pass(void **state)
{
	struct passfail_test t = ten_runs(0);

	(void)state;
	t.suite = "step graph";
	t.always_pass_reason = passfail_builtin_always_pass(t.suite, t.name);
	check(&t, PASSFAIL_PASSED, PASSFAIL_RULE_ALWAYS_PASS,
	      "always passing \"[sig-x] works\": step graph tests are added by ci and are not useful for aggregation\n");

	/* the name is quoted as Go's %q does */
	t.name = "say \"hi\"\tand\\or\n\x01 caf\xc3\xa9 \xff";
	t.always_pass_reason = "configured";
	check(&t, PASSFAIL_PASSED, PASSFAIL_RULE_ALWAYS_PASS,
	      "always passing \"say \\\"hi\\\"\\tand\\\\or\\n\\x01 caf\xc3\xa9 \\xff\": configured\n");

	/* the original's built-in list, in its order */
	assert_string_equal(
		passfail_builtin_always_pass(
			"openshift-tests",
			"[sig-arch] Cluster should remain functional during upgrade [Disruptive]"),
		"this test is a side-effect of other tests");
	assert_string_equal(
		passfail_builtin_always_pass(
			"x",
			"Run multi-stage test e2e-azure-gather-azure-cli container test"),
		"used only to collect artifacts");
	assert_string_equal(passfail_builtin_always_pass("x", "initialize"),
			    "ignore initialize");
	assert_null(passfail_builtin_always_pass("x", "initialize2"));
	assert_null(passfail_builtin_always_pass(NULL, "anything"));
}

static void test_not_run(void **state)
{
	struct passfail_test t = ten_runs(0);

	(void)state;
	t.attempts = 0;
	t.failures = t.failure_results = 0;
	t.skips = 10;
	check(&t, PASSFAIL_PASSED, PASSFAIL_RULE_NOT_RUN, "did not run");
}

static void test_never_fail(void **state)
{
	struct passfail_test t = ten_runs(9);

	(void)state;
	t.name = "Undiagnosed panic detected in pod";
	t.never_fail_reason = passfail_builtin_never_fail(t.name);
	check(&t, PASSFAIL_FAILED, PASSFAIL_RULE_NEVER_FAIL,
	      "Pods must not panic");

	/* a flake is a failure here: the original tests the raw list */
	t.passes = 10;
	t.failures = 0;
	t.failure_results = 1;
	check(&t, PASSFAIL_FAILED, PASSFAIL_RULE_NEVER_FAIL,
	      "Pods must not panic");

	/* no failure at all: the ordinary rules */
	t.failure_results = 0;
	check(&t, PASSFAIL_PASSED, PASSFAIL_RULE_REQUIRED_PASSES,
	      "Passed: Passed 10 times, failed 0 times.  The historical pass rate is 95%.  The required number of passes is 7.");
	assert_null(passfail_builtin_never_fail("Undiagnosed panic"));
}

static void test_probably_skipped(void **state)
{
	struct passfail_test t = ten_runs(0);

	(void)state;
	t.attempts = 2;
	t.failures = t.failure_results = 2;
	t.skips = 3;
	check(&t, PASSFAIL_PASSED, PASSFAIL_RULE_PROBABLY_SKIPPED,
	      "probably intended to skip");

	/* repeated failures within runs count against the skips */
	t.failures = 1;
	t.attempts = 1;
	t.failure_results = 3;
	check(&t, PASSFAIL_FAILED, PASSFAIL_RULE_MIN_ATTEMPTS,
	      "Passed 0 times, failed 1 times, skipped 3 times: we require at least 6 attempts to have a chance at success");
}

static void test_min_attempts(void **state)
{
	struct passfail_test t = ten_runs(5);

	(void)state;
	t.attempts = 5;
	t.failures = t.failure_results = 0;
	t.skips = 1;
	check(&t, PASSFAIL_FAILED, PASSFAIL_RULE_MIN_ATTEMPTS,
	      "Passed 5 times, failed 0 times, skipped 1 times: we require at least 6 attempts to have a chance at success");
}

static void test_no_pass(void **state)
{
	struct passfail_test t = ten_runs(0);

	(void)state;
	t.skips = 2;
	check(&t, PASSFAIL_FAILED, PASSFAIL_RULE_NO_PASS,
	      "Passed 0 times, failed 10 times, skipped 2 times: we require at least one pass to consider it a success");
}

static void test_required_and_pity(void **state)
{
	struct passfail_test t = ten_runs(6);

	(void)state;
	check(&t, PASSFAIL_FAILED, PASSFAIL_RULE_REQUIRED_PASSES,
	      "Failed: Passed 6 times, failed 4 times.  The historical pass rate is 95%.  The required number of passes is 7.");
	t = ten_runs(7);
	check(&t, PASSFAIL_PASSED, PASSFAIL_RULE_REQUIRED_PASSES,
	      "Passed: Passed 7 times, failed 3 times.  The historical pass rate is 95%.  The required number of passes is 7.");

	/* 100%: strict 9, pity lowers it to 10 - 2 = 8 */
	t = ten_runs(8);
	t.working_pct = 100;
	check(&t, PASSFAIL_PASSED, PASSFAIL_RULE_REQUIRED_PASSES,
	      "Passed: Passed 8 times, failed 2 times.  The historical pass rate is 100%.  The required number of passes is 8 (strict required number of passes is 9 but 2 failures are allowed as pity factor).");
	t = ten_runs(7);
	t.working_pct = 100;
	check(&t, PASSFAIL_FAILED, PASSFAIL_RULE_REQUIRED_PASSES,
	      "Failed: Passed 7 times, failed 3 times.  The historical pass rate is 100%.  The required number of passes is 8.");

	/* the percentage is truncated, as int(WorkingPercentage) */
	t = ten_runs(6);
	t.working_pct = 91.99;
	check(&t, PASSFAIL_PASSED, PASSFAIL_RULE_REQUIRED_PASSES,
	      "Passed: Passed 6 times, failed 4 times.  The historical pass rate is 91%.  The required number of passes is 6.");

	/* more attempts than the original's table holds */
	t = ten_runs(16);
	t.attempts = 20;
	t.failures = t.failure_results = 4;
	check(&t, PASSFAIL_PASSED, PASSFAIL_RULE_REQUIRED_PASSES,
	      "Passed: Passed 16 times, failed 4 times.  The historical pass rate is 95%.  The required number of passes is 16.");
	t.passes = 15;
	t.failures = t.failure_results = 5;
	check(&t, PASSFAIL_FAILED, PASSFAIL_RULE_REQUIRED_PASSES,
	      "Failed: Passed 15 times, failed 5 times.  The historical pass rate is 95%.  The required number of passes is 16.");
}

static void test_informing(void **state)
{
	struct passfail_test t = ten_runs(6);
	struct buf want = BUF_INIT;

	(void)state;
	t.informing = true;
	buf_addf(
		&want, "%s%s", passfail_informing_prefix,
		"Failed: Passed 6 times, failed 4 times.  The historical pass rate is 95%.  The required number of passes is 7.");
	check(&t, PASSFAIL_FAILED, PASSFAIL_RULE_REQUIRED_PASSES, want.data);
	assert_string_equal(
		passfail_informing_prefix,
		"*** NON-BLOCKING FAILURE: This test failure is not considered terminal because its lifecycle is 'informing' and will not prevent the overall suite from passing.\n");

	/* every failing rule, never blocking; passes carry no prefix */
	buf_reset(&want);
	buf_addf(&want, "%sPods must not panic", passfail_informing_prefix);
	t.never_fail_reason = "Pods must not panic";
	check(&t, PASSFAIL_FAILED, PASSFAIL_RULE_NEVER_FAIL, want.data);
	t = ten_runs(9);
	t.informing = true;
	check(&t, PASSFAIL_PASSED, PASSFAIL_RULE_REQUIRED_PASSES,
	      "Passed: Passed 9 times, failed 1 times.  The historical pass rate is 95%.  The required number of passes is 7.");
	buf_release(&want);
}

static void test_history_defaults(void **state)
{
	struct passfail_test t = ten_runs(2);
	struct passfail_params params;
	struct passfail_result res;
	struct buf msg = BUF_INIT;

	(void)state;
	/* no history: 70%, whatever working_pct holds */
	t.history = PASSFAIL_HISTORY_NONE;
	check(&t, PASSFAIL_FAILED, PASSFAIL_RULE_REQUIRED_PASSES,
	      "Failed: Passed 2 times, failed 8 times.  The historical pass rate is 70%.  The required number of passes is 3.");
	t = ten_runs(3);
	t.history = PASSFAIL_HISTORY_NONE;
	check(&t, PASSFAIL_PASSED, PASSFAIL_RULE_REQUIRED_PASSES,
	      "Passed: Passed 3 times, failed 7 times.  The historical pass rate is 70%.  The required number of passes is 3.");

	/* history query failed: 99% */
	t = ten_runs(7);
	t.history = PASSFAIL_HISTORY_FAILED;
	check(&t, PASSFAIL_FAILED, PASSFAIL_RULE_REQUIRED_PASSES,
	      "Failed: Passed 7 times, failed 3 times.  The historical pass rate is 99%.  The required number of passes is 8.");

	/* both defaults are parameters */
	passfail_params_init(&params);
	params.no_history_pct = 50;
	params.failed_history_pct = 80;
	t.history = PASSFAIL_HISTORY_NONE;
	passfail_check(&params, &t, &res, &msg);
	assert_string_equal(
		msg.data,
		"Passed: Passed 7 times, failed 3 times.  The historical pass rate is 50%.  The required number of passes is 1.");
	assert_int_equal(res.working_pct, 50);
	assert_int_equal(res.strict_required, 1);
	assert_int_equal(res.required, 1);
	t.history = PASSFAIL_HISTORY_FAILED;
	passfail_check(&params, &t, &res, &msg);
	assert_string_equal(
		msg.data,
		"Passed: Passed 7 times, failed 3 times.  The historical pass rate is 80%.  The required number of passes is 5.");
	buf_release(&msg);
}

/* Fields not reached stay -1; the pity factor and minimum are knobs. */
static void test_result_fields(void **state)
{
	struct passfail_test t = ten_runs(0);
	struct passfail_params params;
	struct passfail_result res;
	struct buf msg = BUF_INIT;

	(void)state;
	passfail_params_init(&params);
	passfail_check(&params, &t, &res, &msg);
	assert_int_equal(res.working_pct, -1);
	assert_int_equal(res.strict_required, -1);
	assert_int_equal(res.required, -1);

	t = ten_runs(7);
	t.working_pct = 100;
	params.pity = 3; /* strict 9, at most 10 - 3 = 7 */
	params.min_attempts = 11;
	passfail_check(&params, &t, &res, &msg);
	assert_int_equal(res.rule, PASSFAIL_RULE_MIN_ATTEMPTS);
	params.min_attempts = 6;
	passfail_check(&params, &t, &res, &msg);
	assert_int_equal(res.verdict, PASSFAIL_PASSED);
	assert_int_equal(res.strict_required, 9);
	assert_int_equal(res.required, 7);
	assert_string_equal(
		msg.data,
		"Passed: Passed 7 times, failed 3 times.  The historical pass rate is 100%.  The required number of passes is 7 (strict required number of passes is 9 but 3 failures are allowed as pity factor).");
	buf_release(&msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_check_failed),
		cmocka_unit_test(test_vectors_percentile),
		cmocka_unit_test(test_vectors_inner_percentile),
		cmocka_unit_test(test_vectors_total),
		cmocka_unit_test(test_params_defaults),
		cmocka_unit_test(test_always_pass),
		cmocka_unit_test(test_not_run),
		cmocka_unit_test(test_never_fail),
		cmocka_unit_test(test_probably_skipped),
		cmocka_unit_test(test_min_attempts),
		cmocka_unit_test(test_no_pass),
		cmocka_unit_test(test_required_and_pity),
		cmocka_unit_test(test_informing),
		cmocka_unit_test(test_history_defaults),
		cmocka_unit_test(test_result_fields),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
