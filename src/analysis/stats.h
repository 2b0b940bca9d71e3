/*
 * stats.h - small descriptive statistics shared by the analyses.
 *
 * Plain arrays in, plain numbers out; nothing here allocates except
 * stats_sorted_copy(), whose result the caller frees.
 */
#ifndef TESTPUMP_ANALYSIS_STATS_H
#define TESTPUMP_ANALYSIS_STATS_H

#include <stddef.h>

/* The arithmetic mean of v[0..n-1]; 0 when n is 0. */
double stats_mean(const double *v, size_t n);

/*
 * The sample standard deviation (divisor n - 1) of v[0..n-1], as
 * BigQuery's STDDEV (= STDDEV_SAMP) computes it; 0 when n < 2, where
 * BigQuery would give NULL.
 */
double stats_stddev(const double *v, size_t n);

/* Sorts v[0..n-1] ascending in place. */
void stats_sort(double *v, size_t n);

/*
 * A sorted copy of v[0..n-1], for stats_percentile_cont(); the caller
 * frees it.  Never returns NULL (n 0 gives a unique empty allocation).
 */
double *stats_sorted_copy(const double *v, size_t n);

/*
 * The pct-th percentile (0..100, clamped) of the ascending sorted[0..n-1]
 * by linear interpolation between the closest ranks, exactly as SQL's
 * PERCENTILE_CONT (and numpy's default) does: rank = pct/100 * (n - 1),
 * value = sorted[floor(rank)] + frac(rank) * (sorted[ceil(rank)] -
 * sorted[floor(rank)]).  This is how the original's historical P1..P99
 * were computed (BigQuery PERCENTILE_CONT).  Returns 0 when n is 0.
 */
double stats_percentile_cont(const double *sorted, size_t n, double pct);

#endif
