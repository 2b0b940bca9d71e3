/*
 * test_fisher.c - Fisher's exact test and the required-passes table.
 *
 * The table under test is $FIXTURES/aggregator/required-passes-table.json,
 * the one openshift/ci-tools publishes in pass_fail.go.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "analysis/fisher.h"
#include "core/xalloc.h"
#include "core/banned.h"

/* The published table, [attempts 0..12][pct 0..100]. */
static int table[13][101];

static int setup(void **state)
{
	const char *dir = getenv("FIXTURES");
	char *path;
	json_error_t jerr;
	json_t *root, *rows;
	size_t a, p;

	(void)state;
	if (!dir) {
		fprintf(stderr, "FIXTURES is not set\n");
		return -1;
	}
	path = xasprintf("%s/aggregator/required-passes-table.json", dir);
	root = json_load_file(path, 0, &jerr);
	free(path);
	if (!root) {
		fprintf(stderr, "required-passes-table.json: %s\n", jerr.text);
		return -1;
	}
	rows = json_object_get(root, "table");
	if (json_array_size(rows) != 13) {
		json_decref(root);
		return -1;
	}
	for (a = 0; a < 13; a++) {
		json_t *row = json_array_get(rows, a);

		if (json_array_size(row) != 101) {
			json_decref(root);
			return -1;
		}
		for (p = 0; p < 101; p++)
			table[a][p] =
				(int)json_integer_value(json_array_get(row, p));
	}
	json_decref(root);
	return 0;
}

static double elapsed(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Every published cell, 0..12 attempts x 0..100%, and fast. */
static void test_table_reproduced(void **state)
{
	struct timespec t0;
	int a, p, bad = 0;
	double secs;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (a = 0; a <= 12; a++) {
		for (p = 0; p <= 100; p++) {
			int got = fisher_required_passes(a, p, FISHER_CORPUS,
							 FISHER_ALPHA);

			if (got != table[a][p]) {
				print_error("attempts %d pct %d: got %d, "
					    "published %d\n",
					    a, p, got, table[a][p]);
				bad++;
			}
		}
	}
	secs = elapsed(&t0);
	print_message("table 0..12 x 0..100 in %.3f s\n", secs);
	assert_int_equal(bad, 0);
	assert_true(secs < 0.5);
}

/* Rows 1 and 2 are the hand-set ones: one pass from 96% and from 79%. */
static void test_handset_rows(void **state)
{
	(void)state;
	assert_int_equal(fisher_required_passes(1, 95, 250, 0.05), 0);
	assert_int_equal(fisher_required_passes(1, 96, 250, 0.05), 1);
	assert_int_equal(fisher_required_passes(2, 78, 250, 0.05), 0);
	assert_int_equal(fisher_required_passes(2, 79, 250, 0.05), 1);
	/* corpus and alpha do not change hand-set rows */
	assert_int_equal(fisher_required_passes(2, 100, 10, 0.5), 1);
	/* truncated percentage, clamped range */
	assert_int_equal(fisher_required_passes(1, 95.99, 250, 0.05), 0);
	assert_int_equal(fisher_required_passes(1, 250, 250, 0.05), 1);
	assert_int_equal(fisher_required_passes(1, -3, 250, 0.05), 0);
	assert_int_equal(fisher_required_passes(0, 100, 250, 0.05), 0);
	assert_int_equal(fisher_required_passes(-4, 100, 250, 0.05), 0);
	assert_int_equal(fisher_required_passes(5, NAN, 250, 0.05), 0);
}

/* Beyond the published table: bounded, monotonic, quick. */
static void test_beyond_twelve(void **state)
{
	struct timespec t0;
	int a, p;
	double secs;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (a = 13; a <= 100; a++) {
		int prev = 0;

		for (p = 0; p <= 100; p++) {
			int r = fisher_required_passes(a, p, FISHER_CORPUS,
						       FISHER_ALPHA);

			assert_true(r >= 0);
			assert_true(r < a);
			assert_true(r >= prev);
			prev = r;
		}
		/* a perfect history requires most runs to pass */
		assert_true(prev >= a / 2);
	}
	secs = elapsed(&t0);
	print_message("13..100 attempts x 0..100 in %.3f s\n", secs);
	assert_true(secs < 5);

	/* exact values, from the same search in Python with fractions */
	assert_int_equal(fisher_required_passes(13, 95, 250, 0.05), 10);
	assert_int_equal(fisher_required_passes(20, 95, 250, 0.05), 16);
	assert_int_equal(fisher_required_passes(13, 99, 250, 0.05), 11);
	assert_int_equal(fisher_required_passes(30, 99, 250, 0.05), 27);
	assert_int_equal(fisher_required_passes(60, 99, 250, 0.05), 56);
	assert_int_equal(fisher_required_passes(100, 99, 250, 0.05), 95);
	/* values continue the published rows' trend */
	assert_true(fisher_required_passes(13, 95, 250, 0.05) >= table[12][95]);
	assert_true(fisher_required_passes(20, 95, 250, 0.05) >
		    fisher_required_passes(13, 95, 250, 0.05));
	/* a large corpus and many attempts still answer */
	assert_true(fisher_required_passes(1000, 99, 100000, 0.05) > 900);
}

/*
 * When no count is above alpha (alpha >= 1), the original stores 0,
 * and for 100% the value it stored at 98% (0 as well).
 */
static void test_not_found(void **state)
{
	(void)state;
	assert_int_equal(fisher_required_passes(10, 50, 250, 1.0), 0);
	assert_int_equal(fisher_required_passes(10, 100, 250, 1.0), 0);
	/* alpha 0: the first count gives p > 0 */
	assert_int_equal(fisher_required_passes(10, 95, 250, 0.0), 0);
}

static void assert_rel(double got, double want, double rel)
{
	if (fabs(got - want) > rel * fabs(want)) {
		print_error("got %.17g, want %.17g\n", got, want);
		fail();
	}
}

/*
 * p-values computed independently in Python: exactly with fractions and
 * math.comb for the small tables,
 *
 *	sum(comb(K, i) * comb(N - K, n - i) for i in range(x, hi + 1))
 *		/ comb(N, n)
 *
 * (N = a+b+c+d, K = a+b, n = a+c, x = a; "less" sums lo..x), and for the
 * counts in the millions with mpmath at 60 digits, summing exp(log C)
 * terms from loggamma until they drop below 1e-30 of the sum.
 */
static void test_p_values(void **state)
{
	(void)state;
	/* the cells that decide table[10][95] = 7 */
	assert_rel(fisher_greater(238, 6, 12, 4), 0.0016318412960399048, 1e-9);
	assert_rel(fisher_greater(238, 7, 12, 3), 0.014685249341853286, 1e-9);
	assert_rel(fisher_greater(238, 8, 12, 2), 0.094637373622460247, 1e-9);
	/* the example in required-pass-rate.py's tail */
	assert_rel(fisher_greater(125, 1, 125, 9), 0.012374684945133396, 1e-9);
	assert_rel(fisher_less(125, 1, 125, 9), 0.99888315117823701, 1e-9);
	assert_rel(fisher_greater(8, 2, 1, 5), 0.024475524475524476, 1e-9);
	assert_rel(fisher_less(8, 2, 1, 5), 0.99912587412587417, 1e-9);
	assert_rel(fisher_greater(2, 8, 9, 1), 0.99994046201476539, 1e-9);
	assert_rel(fisher_less(2, 8, 9, 1), 0.0027387473207906646, 1e-9);
	assert_rel(fisher_greater(0, 0, 250, 3), 1, 1e-12);

	/* counts up to a million */
	assert_rel(fisher_upper_tail(501000, 2000000, 1000000, 1000000),
		   0.0023492156322288823, 1e-7);
	assert_rel(fisher_lower_tail(499000, 2000000, 1000000, 1000000),
		   0.0023492156322288823, 1e-7);
	assert_rel(fisher_upper_tail(250400, 1000000, 500000, 500000),
		   0.055021465524613992, 1e-7);
	assert_rel(fisher_upper_tail(1000, 1000000, 10000, 100000),
		   0.50493611550190294, 1e-7);
	assert_rel(fisher_lower_tail(950, 1000000, 10000, 100000),
		   0.047837703308306383, 1e-7);
}

/* Edges of the support and invalid counts. */
static void test_tail_edges(void **state)
{
	(void)state;
	assert_true(fisher_upper_tail(0, 10, 5, 5) == 1);
	assert_true(fisher_upper_tail(6, 10, 5, 5) == 0);
	assert_true(fisher_lower_tail(5, 10, 5, 5) == 1);
	assert_true(fisher_lower_tail(-1, 10, 5, 5) == 0);
	/* support starts above 0: 8 draws from 10 with 5 successes */
	assert_true(fisher_upper_tail(3, 10, 5, 8) == 1);
	assert_true(fisher_lower_tail(2, 10, 5, 8) == 0);
	/* the two tails around any point sum to 1 */
	assert_rel(fisher_upper_tail(4, 30, 12, 10) +
			   fisher_lower_tail(3, 30, 12, 10),
		   1, 1e-12);
	assert_true(isnan(fisher_upper_tail(1, 10, 11, 5)));
	assert_true(isnan(fisher_lower_tail(1, 10, 5, -1)));
	assert_true(isnan(fisher_greater(-1, 1, 1, 1)));
	assert_true(isnan(fisher_less(1, 1, 1, -1)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_reproduced),
		cmocka_unit_test(test_handset_rows),
		cmocka_unit_test(test_beyond_twelve),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_p_values),
		cmocka_unit_test(test_tail_edges),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
