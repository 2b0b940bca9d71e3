/*
 * stats.c - mean, sample standard deviation and PERCENTILE_CONT.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stats.h"
#include "core/xalloc.h"
#include "core/banned.h"

double stats_mean(const double *v, size_t n)
{
	double sum = 0;
	size_t i;

	if (!n)
		return 0;
	for (i = 0; i < n; i++)
		sum += v[i];
	return sum / (double)n;
}

double stats_stddev(const double *v, size_t n)
{
	double mean, ss = 0;
	size_t i;

	if (n < 2)
		return 0;
	/* Two passes: the squares of deviations, not of values, so large
	 * values with small spread keep their precision. */
	mean = stats_mean(v, n);
	for (i = 0; i < n; i++)
		ss += (v[i] - mean) * (v[i] - mean);
	return sqrt(ss / (double)(n - 1));
}

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

void stats_sort(double *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_double);
}

double *stats_sorted_copy(const double *v, size_t n)
{
	double *copy = xcalloc(n ? n : 1, sizeof(*copy));

	if (n)
		memcpy(copy, v, n * sizeof(*v));
	stats_sort(copy, n);
	return copy;
}

double stats_percentile_cont(const double *sorted, size_t n, double pct)
{
	double rank, lo;
	size_t i;

	if (!n)
		return 0;
	if (!(pct > 0))
		pct = 0;
	if (pct > 100)
		pct = 100;
	rank = pct / 100.0 * (double)(n - 1);
	lo = floor(rank);
	i = (size_t)lo;
	if (i + 1 >= n)
		return sorted[n - 1];
	return sorted[i] + (rank - lo) * (sorted[i + 1] - sorted[i]);
}
