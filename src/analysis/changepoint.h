/*
 * changepoint.h - where a test's failure rate changed: Beta-Binomial
 * change-point detection over build order, as LUCI Analysis does it
 * (luci-go analysis/internal/changepoints/bayesian; peers.md 2.3, 3.4).
 *
 * The input is one test's runs in build order.  Each run is counted in
 * two streams, as LUCI counts them: "unexpected" (the run had a failing
 * attempt: a failure or a flake) out of all runs, and "unexpected after
 * retry" (every attempt failed) out of the runs that failed once and were
 * tried again.  Within a segment each stream's rate p is unknown with a
 * Beta(alpha, beta) prior, so the segment's likelihood is the
 * Beta-Binomial marginal B(x + alpha, n - x + beta) / B(alpha, beta),
 * computed in log space with lgamma().
 *
 * Segmentation is recursive binary: the best single split of a segment
 * is kept when its log-likelihood gain over no split, plus
 * ln(likelihood), is positive (LUCI: likelihood 1e-4, a penalty of 9.21
 * nats), then both halves are split again.  Splits fall only between
 * builds (runs of one build stay together) and only where the outcome
 * changes (LUCI's heuristic, which never skips the best split).  For each
 * change the position's posterior under a uniform prior, over the two
 * segments around it, gives a two-sided interval (tail 0.005: 99%).
 *
 * Plain arrays in, plain structs out; no I/O, thread-safe.
 */
#ifndef TESTPUMP_ANALYSIS_CHANGEPOINT_H
#define TESTPUMP_ANALYSIS_CHANGEPOINT_H

#include <stddef.h>
#include <stdint.h>

/* One run of the test, in build order. */
struct changepoint_run {
	/* The build: adjacent runs with the same build are one position. */
	int64_t build;
	/* 1 when an attempt failed (a failure or a flake). */
	unsigned char unexpected;
	/* 1 when an attempt failed and the run made two or more attempts. */
	unsigned char retried;
	/* 1 when retried and every attempt failed. */
	unsigned char unexpected_after_retry;
};

/* The model's parameters; CHANGEPOINT_PARAMS_DEFAULT holds LUCI's. */
struct changepoint_params {
	/* Beta prior of the "unexpected" rate (LUCI production 0.05, 0.5). */
	double alpha, beta;
	/* Beta prior of the "unexpected after retry" rate (0.5, 0.5). */
	double retry_alpha, retry_beta;
	/* A split is kept when gain + ln(likelihood) > 0 (LUCI 1e-4). */
	double likelihood;
	/* One tail of the position's interval (0.005: a 99% interval). */
	double tail;
};

#define CHANGEPOINT_PARAMS_DEFAULT               \
	{                                        \
		0.05, 0.5, 0.5, 0.5, 1e-4, 0.005 \
	}

/* Counts of one segment in the two streams. */
struct changepoint_counts {
	int64_t runs, unexpected, retried, unexpected_after_retry;
};

/* One change found: the runs before index and from index on differ. */
struct changepoint {
	/* runs[index] is the first run of the new segment (index >= 1). */
	size_t index;
	/*
	 * The interval of index at 1 - 2 * tail confidence: the change
	 * happened with runs[lower] ... runs[upper] as first new run
	 * (lower <= index <= upper).
	 */
	size_t lower, upper;
	/* The log-likelihood gain of the split when it was found (nats). */
	double gain;
	/* The segments on each side (up to the neighbouring changes). */
	struct changepoint_counts before, after;
};

/*
 * The log-likelihood of a particular sequence of n runs with x
 * "unexpected" under a rate with prior Beta(alpha, beta):
 * ln B(x + alpha, n - x + beta) - ln B(alpha, beta).  0 when n is 0.
 */
double changepoint_log_likelihood(int64_t x, int64_t n, double alpha,
				  double beta);

/* Adds run r to the counts c. */
void changepoint_count(struct changepoint_counts *c,
		       const struct changepoint_run *r);

/*
 * Finds the changes of runs[0..n-1] (in build order).  On return *out is
 * a new array of *nout changes in index order (NULL when none), which the
 * caller frees.  Returns *nout.
 */
size_t changepoint_find(const struct changepoint_run *runs, size_t n,
			const struct changepoint_params *p,
			struct changepoint **out, size_t *nout);

#endif
