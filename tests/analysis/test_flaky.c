/*
 * test_flaky.c - flake statistics (analysis/flaky.h) and regression
 * judgements (analysis/regression.h), on hand-made series and on the
 * seeded synthetic history of synth.h.
 *
 * Expected Wilson bounds and Fisher p-values were computed independently
 * with /usr/bin/python3 and the standard library only:
 *
 *   from math import comb, sqrt
 *   def wilson(k, n, z=1.96):
 *       p = k / n; d = 1 + z*z/n; c = (p + z*z/(2*n)) / d
 *       h = z * sqrt(p*(1-p)/n + z*z/(4*n*n)) / d
 *       return max(0, c - h), min(1, c + h)
 *   def greater(a, b, c, d):   # P(X >= a), one-sided Fisher
 *       N = a+b+c+d; r = a+b; K = a+c
 *       return sum(comb(K, x) * comb(N-K, r-x)
 *                  for x in range(a, min(r, K) + 1)) / comb(N, r)
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/flaky.h"
#include "analysis/regression.h"
#include "synth.h"
#include "core/banned.h"

#define P FLAKY_PASS
#define F FLAKY_FAIL
#define K FLAKY_FLAKY
#define S FLAKY_SKIP

static void assert_close(double got, double want, double tol)
{
	if (fabs(got - want) > tol)
		fail_msg("got %.12g, want %.12g (tolerance %g)", got, want,
			 tol);
}

static void test_wilson_known_values(void **state)
{
	double lo, hi;

	(void)state;
	flaky_wilson(5, 50, 1.96, &lo, &hi);
	assert_close(lo, 0.0434751240, 1e-9);
	assert_close(hi, 0.2136049033, 1e-9);
	flaky_wilson(0, 20, 1.96, &lo, &hi);
	assert_close(lo, 0, 1e-12);
	assert_close(hi, 0.1611301255, 1e-9);
	flaky_wilson(24, 198, 1.96, &lo, &hi);
	assert_close(lo, 0.0828217325, 1e-9);
	assert_close(hi, 0.1740212573, 1e-9);
	flaky_wilson(20, 20, 1.96, &lo, &hi);
	assert_close(lo, 0.8388698745, 1e-9);
	assert_close(hi, 1, 1e-12);
	flaky_wilson(0, 0, 1.96, &lo, &hi);
	assert_close(lo, 0, 0);
	assert_close(hi, 1, 0);
}

static void test_series_streaks(void **state)
{
	/* 12 runs (skips are not runs): a 3-streak is a breakage, the
	 * 2-streak and the single failure and the flaky run are flakes. */
	static const uint8_t v[] = {P, F, P, S, K, P, F, F,
				    P, F, F, F, P, P, S};
	struct flaky_params p = flaky_defaults();
	struct flaky_stats s;

	(void)state;
	flaky_series(v, sizeof(v), &p, &s);
	assert_int_equal(s.runs, 13);
	assert_int_equal(s.passes, 6);
	assert_int_equal(s.failures, 6);
	assert_int_equal(s.flaky_runs, 1);
	assert_int_equal(s.flakes, 4);
	assert_int_equal(s.broken_runs, 3);
	assert_int_equal(s.breakages, 1);
	assert_int_equal(s.flips, 3);
	assert_int_equal(s.last_flake, 7);
	assert_int_equal(s.last_break_first, 9);
	assert_int_equal(s.last_break_last, 11);
	assert_false(s.still_broken);
	assert_close(s.flake_rate, 0.4, 1e-12);
	assert_close(s.flip_rate, 0.3, 1e-12);
	assert_true(flaky_is_flaky(&s, &p));
}

static void test_series_broken_at_end(void **state)
{
	static const uint8_t v[] = {P, P, P, P, F, F, F, F};
	struct flaky_params p = flaky_defaults();
	struct flaky_stats s;

	(void)state;
	flaky_series(v, sizeof(v), &p, &s);
	assert_int_equal(s.flakes, 0);
	assert_int_equal(s.broken_runs, 4);
	assert_true(s.still_broken);
	assert_int_equal(s.last_flake, -1);
	assert_false(flaky_is_flaky(&s, &p));
	/* One flake is not enough (min_flakes 2). */
	{
		static const uint8_t w[] = {P, P, K, P, P};

		flaky_series(w, sizeof(w), &p, &s);
		assert_int_equal(s.flakes, 1);
		assert_false(flaky_is_flaky(&s, &p));
	}
	flaky_series(v, 0, &p, &s);
	assert_int_equal(s.runs, 0);
	assert_close(s.flake_rate, 0, 0);
}

static void test_storm_rule(void **state)
{
	struct flaky_params p = flaky_defaults();

	(void)state;
	assert_true(flaky_is_storm(9, 10, &p));
	assert_false(flaky_is_storm(8, 10, &p)); /* 80% is not more */
	assert_false(flaky_is_storm(9, 9, &p));	 /* too few tests */
	assert_true(flaky_is_storm(81, 100, &p));
	assert_false(flaky_is_storm(0, 0, &p));
}

/*
 * The synthetic history through the statistics, storms found from the
 * counts: exactly t013 and t021 are flaky, exactly t007 broken (from
 * build 120 to the end), exactly builds 50 and 160 storms.
 */
static void test_synth_finds_exactly(void **state)
{
	struct synth_spec sp = synth_default();
	struct flaky_params p = flaky_defaults();
	uint8_t v[256];
	int storms[8], nstorms = 0;

	(void)state;
	for (int b = 0; b < sp.builds; b++) {
		long tests = 0, failed = 0;

		for (int t = 0; t < sp.tests; t++) {
			enum synth_status k = synth_status(&sp, b, t);

			tests += k != SYNTH_SKIP;
			failed += k == SYNTH_FAIL;
		}
		if (flaky_is_storm(failed, tests, &p)) {
			assert_true(nstorms < 8);
			storms[nstorms++] = b;
		}
	}
	assert_int_equal(nstorms, 2);
	assert_int_equal(storms[0], 50);
	assert_int_equal(storms[1], 160);
	for (int t = 0; t < sp.tests; t++) {
		struct flaky_stats s;
		size_t n = 0;
		int first_break = -1;

		for (int b = 0; b < sp.builds; b++) {
			if (b == 50 || b == 160)
				continue;
			v[n++] = (uint8_t)synth_status(&sp, b, t);
			if (first_break < 0 && t == 7 && v[n - 1] == FLAKY_FAIL)
				first_break = b;
		}
		flaky_series(v, n, &p, &s);
		if (t == 13 || t == 21) {
			double want = t == 13 ? 0.12 : 0.25;

			if (!flaky_is_flaky(&s, &p))
				fail_msg("t%03d is not found flaky", t);
			/* The known rate lies inside the interval. */
			assert_true(s.flake_low < want && want < s.flake_high);
			assert_int_equal(s.breakages, 0);
			continue;
		}
		if (flaky_is_flaky(&s, &p))
			fail_msg("t%03d is found flaky", t);
		if (t == 7) {
			assert_int_equal(s.breakages, 1);
			assert_true(s.still_broken);
			assert_int_equal(first_break, 120);
			/* 120..199 without the storm at 160. */
			assert_int_equal(s.broken_runs, 79);
		} else {
			assert_int_equal(s.breakages, 0);
		}
	}
}

static void test_fisher_known_values(void **state)
{
	struct regression_params p = regression_defaults();
	struct regression_judgement j;

	(void)state;
	/* greater(10, 32, 5, 95) = 0.00189258573379 */
	regression_judge(95, 5, 32, 10, 0, &p, &j);
	assert_close(j.p_value, 0.00189258573379, 1e-12);
	assert_int_equal(j.verdict, REGRESSION_EXTREME); /* 95% -> 76.2% */
	/* greater(6, 36, 7, 143) = 0.039316630513: drop 9.6 points */
	regression_judge(143, 7, 36, 6, 0, &p, &j);
	assert_close(j.p_value, 0.039316630513, 1e-11);
	assert_int_equal(j.verdict, REGRESSION_SIGNIFICANT);
	assert_string_equal(j.reason, "significant");
	/* greater(5, 37, 8, 150) = 0.109956004396: not significant */
	regression_judge(150, 8, 37, 5, 0, &p, &j);
	assert_close(j.p_value, 0.109956004396, 1e-11);
	assert_int_equal(j.verdict, REGRESSION_NONE);
	assert_string_equal(j.reason, "not-significant");
	/* greater(41, 0, 38, 119) = 1.01249699861e-20: the break */
	regression_judge(119, 38, 0, 41, 0, &p, &j);
	assert_close(j.p_value / 1.01249699861e-20, 1, 1e-9);
	assert_int_equal(j.verdict, REGRESSION_EXTREME);
}

static void test_regression_rules(void **state)
{
	struct regression_params p = regression_defaults();
	struct regression_judgement j;

	(void)state;
	regression_judge(100, 0, 0, 0, 0, &p, &j);
	assert_string_equal(j.reason, "no-sample");
	regression_judge(100, 0, 40, 2, 0, &p, &j); /* 2 < min failures */
	assert_string_equal(j.reason, "few-failures");
	regression_judge(50, 50, 30, 10, 0, &p, &j); /* 75% >= 50% */
	assert_string_equal(j.reason, "improved");
	assert_true(isnan(j.p_value));
	/* New tests: 95% over at least 6 runs. */
	regression_judge(0, 0, 3, 3, 0, &p, &j);
	assert_int_equal(j.verdict, REGRESSION_NEW_TEST);
	regression_judge(0, 0, 2, 3, 0, &p, &j); /* 5 runs */
	assert_string_equal(j.reason, "new-few-runs");
	regression_judge(0, 0, 97, 3, 0, &p, &j); /* 97% */
	assert_string_equal(j.reason, "new-passing");
}

/* While open: confidence 90 and pity 3. */
static void test_hysteresis(void **state)
{
	struct regression_params p = regression_defaults();
	struct regression_judgement j;

	(void)state;
	/* greater(4, 38, 2, 98) = 0.0629818226483: 98% -> 90.5% */
	regression_judge(98, 2, 38, 4, 0, &p, &j);
	assert_int_equal(j.verdict, REGRESSION_NONE);
	assert_string_equal(j.reason, "not-significant");
	regression_judge(98, 2, 38, 4, 1, &p, &j);
	assert_close(j.p_value, 0.0629818226483, 1e-11);
	assert_int_equal(j.verdict, REGRESSION_SIGNIFICANT);
	assert_close(j.confidence, 90, 0);
	assert_close(j.pity, 3, 0);
	/* greater(4, 96, 0, 1000) = 6.46299260925e-05, a 4-point drop:
	 * within pity 5 when closed, beyond pity 3 when open. */
	regression_judge(1000, 0, 96, 4, 0, &p, &j);
	assert_string_equal(j.reason, "within-pity");
	regression_judge(1000, 0, 96, 4, 1, &p, &j);
	assert_close(j.p_value, 6.46299260925e-05, 1e-14);
	assert_int_equal(j.verdict, REGRESSION_SIGNIFICANT);
}

static void test_explanations(void **state)
{
	struct regression_params p = regression_defaults();
	struct regression_judgement j;
	char text[512], params[256];

	(void)state;
	regression_judge(143, 7, 36, 6, 0, &p, &j);
	regression_explain(&j, 143, 7, 36, 6, text, sizeof(text));
	assert_string_equal(text,
			    "Sample passed 36 of 42 runs (85.7%), basis 143 of "
			    "150 (95.3%), p = 0.0393 at confidence 95 and pity "
			    "5 points: a significant regression.");
	regression_params_text(&p, params, sizeof(params));
	assert_string_equal(params,
			    "confidence=95 pity=5 min_failures=3 "
			    "new_pass_rate=95 new_min_runs=6 extreme_drop=15 "
			    "open_confidence_relief=5 open_pity_relief=2");
	flaky_params_text(&(struct flaky_params){3, 2, 0.01, 1.96, 0.8, 10},
			  params, sizeof(params));
	assert_string_equal(params, "streak=3 min_flakes=2 min_rate=0.01 "
				    "z=1.96 storm_share=0.8 "
				    "storm_min_tests=10");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wilson_known_values),
		cmocka_unit_test(test_series_streaks),
		cmocka_unit_test(test_series_broken_at_end),
		cmocka_unit_test(test_storm_rule),
		cmocka_unit_test(test_synth_finds_exactly),
		cmocka_unit_test(test_fisher_known_values),
		cmocka_unit_test(test_regression_rules),
		cmocka_unit_test(test_hysteresis),
		cmocka_unit_test(test_explanations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
