/*
 * test_disruption.c - the disruption checks beyond the original's
 * vectors (those are in test_passfail.c): exact explanations, the mean
 * check and its mulligan, missing and borrowed history, the checks
 * table, the excluded backends, and the statistics behind the history.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/disruption.h"
#include "analysis/stats.h"
#include "core/buf.h"
#include "core/xalloc.h"
#include "core/banned.h"

/* Up to 12 runs named r1, r2, ... with the given seconds. */
struct runs {
	struct disruption_run run[12];
	char id[12][24];
	size_t n;
};

static void make_runs(struct runs *r, const int *seconds, size_t n)
{
	size_t i;

	assert_true(n <= 12);
	for (i = 0; i < n; i++) {
		snprintf(r->id[i], sizeof(r->id[i]), "r%zu", i + 1);
		r->run[i].id = r->id[i];
		r->run[i].seconds = seconds[i];
	}
	r->n = n;
}

static void input(struct disruption_input *in, const struct runs *r,
		  const struct disruption_history *h)
{
	memset(in, 0, sizeof(*in));
	in->backend = "kube-api-new-connections";
	in->runs = r->run;
	in->nr_runs = r->n;
	in->history = h;
}

static void test_percentile_messages(void **state)
{
	static const int secs[] = {1, 2, 3, 4, 9, 2, 1};
	struct passfail_params params;
	struct disruption_history h = {{0}, 0, 0};
	struct disruption_input in;
	struct disruption_result res;
	struct runs r;
	struct buf msg = BUF_INIT;
	bool failed[12];

	(void)state;
	passfail_params_init(&params);
	make_runs(&r, secs, ARRAY_SIZE(secs));
	input(&in, &r, &h);

	/* 7 runs at P70: strict 2, pity leaves 2, less one: 1 */
	h.percentile[70] = 3;
	disruption_check_percentile(&in, &params, 70, 3, &res, failed, &msg);
	assert_int_equal(res.verdict, PASSFAIL_PASSED);
	assert_int_equal(res.required, 1);
	assert_false(res.grace_used);
	assert_string_equal(
		msg.data,
		"Passed: Passed 5 times, failed 2 times.  (P70=3.00s requiredPasses=1 successes=[r1=1s r2=2s r3=3s r6=2s r7=1s] failures=[r4=4s r5=9s])");
	assert_false(failed[0]);
	assert_true(failed[3]);
	assert_true(failed[4]);

	/* P85 at 0.5 s: strict 3, less one: 2, reached only with grace */
	h.percentile[85] = 0.5;
	disruption_check_percentile(&in, &params, 85, 7, &res, failed, &msg);
	assert_int_equal(res.verdict, PASSFAIL_PASSED);
	assert_true(res.grace_used);
	assert_true(res.threshold == 7.5);
	assert_string_equal(
		msg.data,
		"Passed: Passed 6 times, failed 1 times.  (P85=7.50s (grace=7) requiredPasses=2 successes=[r1=1s r2=2s r3=3s r4=4s r6=2s r7=1s] failures=[r5=9s])");

	/* with a borrowed history, the original's prefix */
	in.fallback_job = "periodic-4.19-e2e";
	disruption_check_percentile(&in, &params, 70, 3, &res, NULL, &msg);
	assert_string_equal(
		msg.data,
		"(Using previous release historical data from job: periodic-4.19-e2e)\nPassed: Passed 5 times, failed 2 times.  (P70=3.00s requiredPasses=1 successes=[r1=1s r2=2s r3=3s r6=2s r7=1s] failures=[r4=4s r5=9s])");
	buf_release(&msg);
}

/* Too few runs to latch: skipped, every run reported as failed. */
static void test_percentile_skipped(void **state)
{
	static const int secs[] = {1, 2, 3};
	struct passfail_params params;
	struct disruption_history h = {{0}, 0, 0};
	struct disruption_input in;
	struct disruption_result res;
	struct runs r;
	struct buf msg = BUF_INIT;
	bool failed[12] = {false};

	(void)state;
	passfail_params_init(&params);
	make_runs(&r, secs, ARRAY_SIZE(secs));
	input(&in, &r, &h);
	h.percentile[70] = 2;
	disruption_check_percentile(&in, &params, 70, 3, &res, failed, &msg);
	assert_int_equal(res.verdict, PASSFAIL_SKIPPED);
	assert_true(res.required <= 0);
	assert_int_equal(res.failures, 3);
	assert_int_equal(res.passes, 2); /* the original keeps its list */
	assert_true(failed[0] && failed[1] && failed[2]);
	assert_string_equal(
		msg.data,
		"Current percentile is so low that we cannot latch, skipping (P70=2.00s successes=[r1=1s r2=2s] failures=[r3=3s])");

	/* no runs at all */
	in.nr_runs = 0;
	disruption_check_percentile(&in, &params, 85, 7, &res, NULL, &msg);
	assert_int_equal(res.verdict, PASSFAIL_SKIPPED);
	assert_string_equal(
		msg.data,
		"Current percentile is so low that we cannot latch, skipping (P85=0.00s successes=[] failures=[])");
	buf_release(&msg);
}

static void test_no_history(void **state)
{
	static const int secs[] = {1, 2, 3, 4};
	struct passfail_params params;
	struct disruption_input in;
	struct disruption_result res;
	struct runs r;
	struct buf msg = BUF_INIT;
	bool failed[12] = {false};

	(void)state;
	passfail_params_init(&params);
	make_runs(&r, secs, ARRAY_SIZE(secs));
	input(&in, &r, NULL);
	disruption_check_percentile(&in, &params, 70, 3, &res, failed, &msg);
	assert_int_equal(res.verdict, PASSFAIL_SKIPPED);
	assert_string_equal(msg.data, "We have no historical data.");
	assert_int_equal(res.failures, 4);
	assert_true(failed[0] && failed[3]);
	failed[0] = false;
	disruption_check_mean(&in, &res, failed, &msg);
	assert_int_equal(res.verdict, PASSFAIL_SKIPPED);
	assert_string_equal(msg.data, "We have no historical data.");
	assert_true(failed[0]);
	buf_release(&msg);
}

static void test_mean(void **state)
{
	static const int ok[] = {1, 2, 3, 10};
	static const int bad[] = {8, 9, 10};
	struct disruption_history h = {{0}, 2, 1};
	struct disruption_input in;
	struct disruption_result res;
	struct runs r;
	struct buf msg = BUF_INIT;
	bool failed[12];

	(void)state;
	h.percentile[95] = 5;

	/* 10 s is over P95: dropped, mean (1+2+3)/3 = 2 <= 2 + 5 * 1 */
	make_runs(&r, ok, ARRAY_SIZE(ok));
	input(&in, &r, &h);
	disruption_check_mean(&in, &res, failed, &msg);
	assert_int_equal(res.verdict, PASSFAIL_PASSED);
	assert_int_equal(res.passes, 3);
	assert_int_equal(res.failures, 1);
	assert_int_equal(res.required, -1);
	assert_true(failed[3] && !failed[0]);
	assert_string_equal(
		msg.data,
		"\nPassed: Mean disruption of kube-api-new-connections is 2.00 seconds is less than failureThreshold of the weekly historical mean from 10 days ago: historicalMean=2.00s standardDeviation=1.00s failureThreshold=7.00s historicalP95=5.00s successes=[r1=1s r2=2s r3=3s] failures=[r4=10s]");

	/* under P95 nothing is forgiven: mean 9 > 7 */
	h.percentile[95] = 20;
	make_runs(&r, bad, ARRAY_SIZE(bad));
	input(&in, &r, &h);
	in.fallback_job = "job-4.19";
	disruption_check_mean(&in, &res, failed, &msg);
	assert_int_equal(res.verdict, PASSFAIL_FAILED);
	assert_string_equal(
		msg.data,
		"(Using previous release historical data from job: job-4.19)\n\nFailed: Mean disruption of kube-api-new-connections is 9.00 seconds is more than the failureThreshold of the weekly historical mean from 10 days ago: historicalMean=2.00s standardDeviation=1.00s failureThreshold=7.00s historicalP95=20.00s successes=[] failures=[r1=8s r2=9s r3=10s]");

	/* with P95 at 9.5 the 10 s run is forgiven: mean 8.5 still fails */
	h.percentile[95] = 9.5;
	disruption_check_mean(&in, &res, failed, &msg);
	assert_int_equal(res.verdict, PASSFAIL_FAILED);
	assert_non_null(strstr(msg.data, "is 8.50 seconds is more than"));
	buf_release(&msg);
}

/* A quiet history still allows one second. */
static void test_mean_floor(void **state)
{
	static const int secs[] = {1, 1, 0, 2};
	struct disruption_history h = {{0}, 0, 0};
	struct disruption_input in;
	struct disruption_result res;
	struct runs r;
	struct buf msg = BUF_INIT;

	(void)state;
	make_runs(&r, secs, ARRAY_SIZE(secs));
	input(&in, &r, &h);
	/* 2 s > P95 = 0 is forgiven: mean 2/3 <= 1 */
	disruption_check_mean(&in, &res, NULL, &msg);
	assert_int_equal(res.verdict, PASSFAIL_PASSED);
	assert_true(res.threshold == 1);
	assert_non_null(strstr(msg.data, "is 0.67 seconds is less than"));
	assert_non_null(strstr(msg.data, "failureThreshold=1.00s"));
	buf_release(&msg);
}

static void test_checks_table(void **state)
{
	static const int secs[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	struct passfail_params params;
	struct disruption_history h = {{0}, 0, 0};
	struct disruption_input in;
	struct disruption_result res;
	struct runs r;
	struct buf msg = BUF_INIT;
	size_t i;

	(void)state;
	assert_int_equal(disruption_nr_checks, 3);
	assert_string_equal(disruption_checks[0].name_fmt,
			    "%s disruption P70 should not be worse");
	assert_int_equal(disruption_checks[0].percentile, 70);
	assert_int_equal(disruption_checks[0].grace, 3);
	assert_string_equal(disruption_checks[1].name_fmt,
			    "%s disruption P85 should not be worse");
	assert_int_equal(disruption_checks[1].percentile, 85);
	assert_int_equal(disruption_checks[1].grace, 7);
	assert_string_equal(
		disruption_checks[2].name_fmt,
		"%s mean disruption should be less than historical plus five standard deviations");
	assert_int_equal(disruption_checks[2].kind, DISRUPTION_MEAN);
	/* the original runs them sorted by pattern */
	for (i = 1; i < disruption_nr_checks; i++)
		assert_true(strcmp(disruption_checks[i - 1].name_fmt,
				   disruption_checks[i].name_fmt) < 0);

	passfail_params_init(&params);
	make_runs(&r, secs, ARRAY_SIZE(secs));
	input(&in, &r, &h);
	for (i = 0; i < disruption_nr_checks; i++) {
		disruption_run_check(&disruption_checks[i], &in, &params, &res,
				     NULL, &msg);
		assert_int_equal(res.verdict, PASSFAIL_PASSED);
	}
	assert_string_equal(DISRUPTION_SUITE, "BackendDisruption");
	assert_string_equal(DISRUPTION_TEST_SUITE, "aggregated-disruption");
	buf_release(&msg);
}

static void test_ignored_backends(void **state)
{
	(void)state;
	assert_true(disruption_backend_ignored(
		"ingress-to-oauth-server-network-liveness-new-connections"));
	assert_true(disruption_backend_ignored(
		"kube-api-http2-external-lb-reused-connections"));
	assert_true(disruption_backend_ignored("pod-to-pod-new-connections"));
	assert_true(disruption_backend_ignored(
		"kube-api-localhost-reused-connections"));
	assert_true(disruption_backend_ignored(
		"kube-api-internal-lb-new-connections"));
	assert_false(disruption_backend_ignored("kube-api-new-connections"));
	assert_false(disruption_backend_ignored(
		"openshift-api-http1-external-lb-new-connections"));
}

static void assert_near(double got, double want)
{
	if (fabs(got - want) > 1e-12 * (1 + fabs(want))) {
		print_error("got %.17g, want %.17g\n", got, want);
		fail();
	}
}

/*
 * PERCENTILE_CONT, mean and sample SD; the expected values are those of
 * numpy.percentile (linear) and statistics.stdev on the same data.
 */
static void test_history_compute(void **state)
{
	static const double v[] = {4, 1, 3, 2};
	static const double one[] = {7};
	struct disruption_history h;
	double sorted[] = {1, 2, 3, 4};

	(void)state;
	disruption_history_compute(&h, v, ARRAY_SIZE(v));
	assert_true(h.percentile[0] == 0);
	assert_near(h.percentile[50], 2.5);
	assert_near(h.percentile[95], 3.85);
	assert_near(h.percentile[1], 1.03);
	assert_near(h.percentile[99], 3.97);
	assert_near(h.mean, 2.5);
	assert_near(h.stddev, 1.2909944487358056);

	disruption_history_compute(&h, one, 1);
	assert_near(h.percentile[70], 7);
	assert_near(h.stddev, 0);

	assert_near(stats_percentile_cont(sorted, 4, 0), 1);
	assert_near(stats_percentile_cont(sorted, 4, 100), 4);
	assert_near(stats_percentile_cont(sorted, 4, 250), 4);
	assert_near(stats_percentile_cont(sorted, 4, -1), 1);
	assert_near(stats_percentile_cont(sorted, 0, 50), 0);
	assert_near(stats_mean(sorted, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percentile_messages),
		cmocka_unit_test(test_percentile_skipped),
		cmocka_unit_test(test_no_history),
		cmocka_unit_test(test_mean),
		cmocka_unit_test(test_mean_floor),
		cmocka_unit_test(test_checks_table),
		cmocka_unit_test(test_ignored_backends),
		cmocka_unit_test(test_history_compute),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
