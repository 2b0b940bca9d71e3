/*
 * fisher.h - Fisher's exact test and the aggregator's required passes.
 *
 * The hypergeometric tails are computed in log space (log-gamma) and then
 * summed away from the mode with the ratio of consecutive terms, so they
 * stay accurate for counts up to millions and cost O(few dozen) terms
 * each.  Nothing here allocates or keeps state; every function is
 * thread-safe.
 *
 * fisher_required_passes() rebuilds, for any number of attempts, the
 * table openshift/ci-tools job-run-aggregator precomputed with
 * required-pass-rate.py (scipy fisher_exact, alternative="greater"),
 * except for 1 and 2 attempts, whose rows the original set by hand.
 */
#ifndef TESTPUMP_ANALYSIS_FISHER_H
#define TESTPUMP_ANALYSIS_FISHER_H

/* The original's historical corpus size and significance level. */
#define FISHER_CORPUS 250
#define FISHER_ALPHA 0.05

/*
 * P(X >= x) for X hypergeometric: `draws` items taken without replacement
 * from `total`, of which `successes` are successes.  Counts must satisfy
 * 0 <= successes <= total and 0 <= draws <= total, else NAN.  x outside
 * the support gives 1 (x at or below it) or 0 (above it).
 */
double fisher_upper_tail(long x, long total, long successes, long draws);

/* P(X <= x), with the same parameters and rules as fisher_upper_tail(). */
double fisher_lower_tail(long x, long total, long successes, long draws);

/*
 * The one-sided p-value of Fisher's exact test on the 2x2 table
 * [[a, b], [c, d]] for the alternative "odds ratio > 1" (scipy's
 * fisher_exact(..., alternative="greater")): P(X >= a) with row total
 * a + b, column total a + c, grand total a + b + c + d.  Negative counts
 * give NAN.
 */
double fisher_greater(long a, long b, long c, long d);

/* As fisher_greater(), for the alternative "odds ratio < 1": P(X <= a). */
double fisher_less(long a, long b, long c, long d);

/*
 * The aggregator's required passes: the number of passes out of
 * `attempts` below which the payload counts as significantly worse than a
 * history of `corpus` runs passing working_pct percent of the time
 * (clamped to 0..100; NAN counts as 0).
 *
 * As required-pass-rate.py: cp = round-half-even(corpus * pct / 100)
 * corpus passes; k runs 0..attempts and the first k whose
 * fisher_greater(cp, k, corpus - cp, attempts - k) is > alpha gives
 * k - 1 (0 when k is 0); if none does, 0, except that percentage 100
 * takes the value for 98.
 *
 * 0 or fewer attempts give 0.  1 and 2 attempts use the original's
 * hand-set rows (see fisher.c), indexed by the truncated percentage; for
 * them corpus and alpha are ignored.  There is no upper limit on
 * attempts (the original's table stops at 12).
 */
int fisher_required_passes(int attempts, double working_pct, int corpus,
			   double alpha);

#endif
