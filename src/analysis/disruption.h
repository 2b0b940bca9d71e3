/*
 * disruption.h - the aggregator's backend-disruption checks.
 *
 * A port of the disruption half of openshift/ci-tools job-run-aggregator
 * (analyzer_disruption.go, pass_fail.go): for each backend, the payload's
 * runs' disruption seconds are judged against the job's history by
 *
 *   - "%s disruption P70 should not be worse": at most the historical
 *     P70, with 3 s of grace on a second try;
 *   - "%s disruption P85 should not be worse": P85, 7 s of grace;
 *   - "%s mean disruption should be less than historical plus five
 *     standard deviations": the mean (one outlier above P95 forgiven)
 *     at most max(1, mean + 5 SD).
 *
 * The verdicts and explanation strings are the original's.  Plain
 * structs in, plain structs out; no I/O.
 */
#ifndef TESTPUMP_ANALYSIS_DISRUPTION_H
#define TESTPUMP_ANALYSIS_DISRUPTION_H

#include <stdbool.h>
#include <stddef.h>

#include "analysis/passfail.h"
#include "core/buf.h"

/* The junit suite and test-suite names the original gives the checks. */
#define DISRUPTION_SUITE "BackendDisruption"
#define DISRUPTION_TEST_SUITE "aggregated-disruption"
/* Its first case, failed with DISRUPTION_NOT_ENOUGH_DATA below 3 runs. */
#define DISRUPTION_COLLECT_TEST "should collect disruption data"
#define DISRUPTION_NOT_ENOUGH_DATA "not enough data to aggregate"
#define DISRUPTION_MIN_RUNS 3

/* One run's disruption of one backend, in whole seconds. */
struct disruption_run {
	const char *id; /* borrowed; named in the explanations */
	int seconds;
};

/*
 * A backend's history: percentile[p] is P<p> for p = 1..99 (index 0 is
 * 0, as in the original); mean and stddev are the sample mean and sample
 * standard deviation.
 */
struct disruption_history {
	double percentile[100];
	double mean;
	double stddev;
};

/* What the checks look at.  Everything is borrowed. */
struct disruption_input {
	const char *backend;
	const struct disruption_run *runs;
	size_t nr_runs;
	/* NULL when the backend has no history: every check is skipped */
	const struct disruption_history *history;
	/* the job the history was borrowed from (a previous release's), or
	 * NULL when it is the job's own */
	const char *fallback_job;
};

/* The outcome of one check. */
struct disruption_result {
	enum passfail_verdict verdict;
	int passes;   /* runs at or under the threshold (kept when skipped) */
	int failures; /* runs over it (all runs when skipped) */
	int required; /* percentile checks: required passes, else -1 */
	double threshold; /* the seconds judged against */
	bool grace_used;  /* the verdict is the one with grace added */
};

enum disruption_kind {
	DISRUPTION_PERCENTILE,
	DISRUPTION_MEAN,
};

/* One row of the checks table. */
struct disruption_check {
	const char *name_fmt; /* printf format of the test name, %s = backend */
	enum disruption_kind kind;
	int percentile; /* DISRUPTION_PERCENTILE only */
	int grace;	/* seconds, DISRUPTION_PERCENTILE only */
};

/* The original's checks, in its order (sorted by name pattern). */
extern const struct disruption_check disruption_checks[];
extern const size_t disruption_nr_checks;

/*
 * Fills *h from the historical values[0..n-1] (seconds, any order) as
 * the original's BigQuery did: P1..P99 by PERCENTILE_CONT, AVG, and
 * STDDEV (sample).  n must be at least 1.
 */
void disruption_history_compute(struct disruption_history *h,
				const double *values, size_t n);

/*
 * Whether a backend is left out of the checks: its name contains one of
 * the original's excluded fragments ("-network-liveness", "host-to-pod",
 * "-localhost-", ...).
 */
bool disruption_backend_ignored(const char *backend);

/*
 * The percentile check (checkPercentileDisruptionWithGrace): a run
 * passes when its seconds are at most P<percentile>.  The required passes
 * are the Fisher value for (runs, percentile), lowered by the pity factor
 * of params, less one more when the pity factor did not lower it.  At 0
 * or less the check is skipped; no pass, or fewer than 3 runs, fail;
 * then passes below the requirement fail.  When that first try does not
 * reach the requirement and grace > 0, the check is redone against
 * P<percentile> + grace and that verdict is the one reported.
 *
 * *res is filled; run_failed, if not NULL, receives one flag per run
 * (true for every run when skipped, as the original reports them); msg
 * is emptied and receives the explanation.
 */
void disruption_check_percentile(const struct disruption_input *in,
				 const struct passfail_params *params,
				 int percentile, int grace,
				 struct disruption_result *res,
				 bool *run_failed, struct buf *msg);

/*
 * The mean check (checkDisruptionMean with five standard deviations):
 * threshold = max(1, mean + 5 SD); runs over it are failures; if the
 * largest run is over the historical P95 it is dropped from the mean
 * (one mulligan); fails when the mean exceeds the threshold.  Outputs as
 * disruption_check_percentile(); res->required is -1.
 */
void disruption_check_mean(const struct disruption_input *in,
			   struct disruption_result *res, bool *run_failed,
			   struct buf *msg);

/* Runs the check c of the table: one of the two functions above. */
void disruption_run_check(const struct disruption_check *c,
			  const struct disruption_input *in,
			  const struct passfail_params *params,
			  struct disruption_result *res, bool *run_failed,
			  struct buf *msg);

#endif
