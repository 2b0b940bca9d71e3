/*
 * test_changepoint.c - Beta-Binomial change points on seeded synthetic
 * series with known breaks.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "analysis/changepoint.h"
#include "core/xalloc.h"
#include "core/banned.h"

/* A uniform double in [0, 1) from (seed, i): splitmix64. */
static double uniform(uint64_t seed, uint64_t i)
{
	uint64_t z = seed * UINT64_C(0x9e3779b97f4a7c15) + i;

	z += UINT64_C(0x9e3779b97f4a7c15);
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0;
}

/*
 * A series of n single-attempt runs, one per build, failing with rate
 * rates[k] from build starts[k] on (starts[0] is 0).
 */
static struct changepoint_run *series(uint64_t seed, size_t n,
				      const size_t *starts, const double *rates,
				      size_t nrates)
{
	struct changepoint_run *r = xcalloc(n, sizeof(*r));

	for (size_t i = 0; i < n; i++) {
		double rate = rates[0];

		for (size_t k = 0; k < nrates; k++)
			if (i >= starts[k])
				rate = rates[k];
		r[i].build = (int64_t)i;
		r[i].unexpected = uniform(seed, i) < rate;
	}
	return r;
}

static void test_log_likelihood(void **state)
{
	(void)state;
	assert_true(changepoint_log_likelihood(0, 0, 0.3, 0.5) == 0);
	/* Uniform prior: P(one given outcome of 1) = 1/2, of 2 mixed 1/6. */
	assert_true(fabs(changepoint_log_likelihood(1, 1, 1, 1) - log(0.5)) <
		    1e-12);
	assert_true(fabs(changepoint_log_likelihood(1, 2, 1, 1) -
			 log(1.0 / 6)) < 1e-12);
	/* Beta(0.5, 0.5): P(x=0 of 1) = b / (a + b) = 0.5; of 2: 3/8. */
	assert_true(fabs(changepoint_log_likelihood(0, 2, 0.5, 0.5) -
			 log(0.375)) < 1e-12);
}

/* A clean break at build 120 is found within a few builds, every seed. */
static void test_break_at_120(void **state)
{
	const struct changepoint_params p = CHANGEPOINT_PARAMS_DEFAULT;
	const size_t starts[] = {0, 120};
	const double rates[] = {0.02, 0.95};

	(void)state;
	for (uint64_t seed = 1; seed <= 50; seed++) {
		struct changepoint_run *r = series(seed, 200, starts, rates, 2);
		struct changepoint *cp;
		size_t n;

		changepoint_find(r, 200, &p, &cp, &n);
		assert_int_equal(n, 1);
		assert_in_range(cp[0].index, 117, 124);
		assert_true(cp[0].lower >= 115 && cp[0].upper <= 126);
		assert_true(cp[0].lower <= cp[0].index &&
			    cp[0].index <= cp[0].upper);
		assert_in_range(cp[0].upper - cp[0].lower, 0, 10);
		assert_true(cp[0].gain > -log(p.likelihood));
		assert_int_equal(cp[0].before.runs, cp[0].index);
		assert_int_equal(cp[0].after.runs, 200 - cp[0].index);
		assert_true(cp[0].before.unexpected < 12);
		assert_true(cp[0].after.unexpected > 65);
		free(cp);
		free(r);
	}
}

/* Without noise the break is exactly at 120, and so is its interval. */
static void test_clean_break(void **state)
{
	const struct changepoint_params p = CHANGEPOINT_PARAMS_DEFAULT;
	const size_t starts[] = {0, 120};
	const double rates[] = {0, 1};
	struct changepoint_run *r = series(1, 200, starts, rates, 2);
	struct changepoint *cp;
	size_t n;

	(void)state;
	changepoint_find(r, 200, &p, &cp, &n);
	assert_int_equal(n, 1);
	assert_int_equal(cp[0].index, 120);
	assert_in_range(cp[0].lower, 118, 120);
	assert_in_range(cp[0].upper, 120, 121);
	assert_int_equal(cp[0].before.unexpected, 0);
	assert_int_equal(cp[0].after.unexpected, 80);
	free(cp);
	free(r);
}

/* A stable series, even a flaky one, has no change. */
static void test_stable(void **state)
{
	const struct changepoint_params p = CHANGEPOINT_PARAMS_DEFAULT;
	const size_t starts[] = {0};
	const double rates[][1] = {{0}, {0.05}, {0.2}, {1}};

	(void)state;
	for (size_t k = 0; k < 4; k++) {
		for (uint64_t seed = 100; seed < 130; seed++) {
			struct changepoint_run *r =
				series(seed, 300, starts, rates[k], 1);
			struct changepoint *cp;
			size_t n;

			changepoint_find(r, 300, &p, &cp, &n);
			assert_int_equal(n, 0);
			assert_null(cp);
			free(r);
		}
	}
}

/* Broken at 80, fixed at 160: both found, in order, with their rates. */
static void test_two_breaks(void **state)
{
	const struct changepoint_params p = CHANGEPOINT_PARAMS_DEFAULT;
	const size_t starts[] = {0, 80, 160};
	const double rates[] = {0.01, 1, 0.01};

	(void)state;
	for (uint64_t seed = 7; seed < 37; seed++) {
		struct changepoint_run *r = series(seed, 240, starts, rates, 3);
		struct changepoint *cp;
		size_t n;

		changepoint_find(r, 240, &p, &cp, &n);
		assert_int_equal(n, 2);
		assert_in_range(cp[0].index, 76, 82);
		assert_in_range(cp[1].index, 158, 164);
		assert_true(cp[0].lower >= 74 && cp[0].upper <= 84);
		assert_true(cp[1].lower >= 156 && cp[1].upper <= 166);
		assert_true(cp[0].after.runs == cp[1].before.runs);
		assert_true(cp[0].after.unexpected + 3 >= cp[0].after.runs);
		assert_true(cp[1].before.runs + cp[1].after.runs <= 166);
		free(cp);
		free(r);
	}
}

/* Runs of one build stay together: the change falls between builds. */
static void test_builds_stay_together(void **state)
{
	const struct changepoint_params p = CHANGEPOINT_PARAMS_DEFAULT;
	struct changepoint_run r[150] = {{0}};
	struct changepoint *cp;
	size_t n;

	(void)state;
	for (size_t i = 0; i < 150; i++) {
		r[i].build = (int64_t)(i / 3);
		/* Fails from the second run of build 25 (run 76) on. */
		r[i].unexpected = i >= 76;
	}
	changepoint_find(r, 150, &p, &cp, &n);
	assert_int_equal(n, 1);
	assert_true(cp[0].index == 75 || cp[0].index == 78);
	assert_int_equal(cp[0].lower % 3, 0);
	assert_int_equal(cp[0].upper % 3, 0);
	free(cp);
}

/*
 * A test that always fails once but used to pass on retry (flaky) and
 * now fails every retry too: only the after-retry stream changes.
 */
static void test_retry_stream(void **state)
{
	const struct changepoint_params p = CHANGEPOINT_PARAMS_DEFAULT;
	struct changepoint_run r[100];
	struct changepoint *cp;
	size_t n;

	(void)state;
	for (size_t i = 0; i < 100; i++) {
		r[i].build = (int64_t)i;
		r[i].unexpected = 1;
		r[i].retried = 1;
		r[i].unexpected_after_retry = i >= 60;
	}
	changepoint_find(r, 100, &p, &cp, &n);
	assert_int_equal(n, 1);
	assert_int_equal(cp[0].index, 60);
	assert_int_equal(cp[0].before.unexpected_after_retry, 0);
	assert_int_equal(cp[0].after.unexpected_after_retry, 40);
	free(cp);
}

static void test_short(void **state)
{
	const struct changepoint_params p = CHANGEPOINT_PARAMS_DEFAULT;
	struct changepoint_run r[2] = {{0, 0, 0, 0}, {1, 1, 0, 0}};
	struct changepoint *cp = (struct changepoint *)&cp;
	size_t n = 9;

	(void)state;
	assert_int_equal(changepoint_find(r, 0, &p, &cp, &n), 0);
	assert_null(cp);
	assert_int_equal(n, 0);
	/* One pass then one failure is no evidence of a change. */
	assert_int_equal(changepoint_find(r, 2, &p, &cp, &n), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_likelihood),
		cmocka_unit_test(test_break_at_120),
		cmocka_unit_test(test_clean_break),
		cmocka_unit_test(test_stable),
		cmocka_unit_test(test_two_breaks),
		cmocka_unit_test(test_builds_stay_together),
		cmocka_unit_test(test_retry_stream),
		cmocka_unit_test(test_short),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
