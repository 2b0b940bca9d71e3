/*
 * disruption.c - percentile and mean checks of backend disruption.
 *
 * The format strings are copied from openshift/ci-tools pass_fail.go,
 * double spaces included.  Run lists print as Go prints a []string with
 * %v: "[a=1s b=0s]".  The original walks a Go map, so its lists come in
 * random order; ours keep the order of the input runs.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/disruption.h"
#include "analysis/fisher.h"
#include "analysis/stats.h"
#include "core/xalloc.h"
#include "core/banned.h"

/* fallBackMessagePrefix */
#define FALLBACK_PREFIX \
	"(Using previous release historical data from job: %s)\n"
#define NO_HISTORY "We have no historical data."

const struct disruption_check disruption_checks[] = {
	{"%s disruption P70 should not be worse", DISRUPTION_PERCENTILE, 70, 3},
	{"%s disruption P85 should not be worse", DISRUPTION_PERCENTILE, 85, 7},
	{"%s mean disruption should be less than historical plus five standard deviations",
	 DISRUPTION_MEAN, 0, 0},
};
const size_t disruption_nr_checks = ARRAY_SIZE(disruption_checks);

/* Backends whose names contain one of these are not checked. */
static const char *const ignored_fragments[] = {
	"-network-liveness",
	"kube-api-http1-external-lb",
	"kube-api-http2-external-lb",
	"openshift-api-http2-external-lb",
	"host-to-service",
	"host-to-host",
	"host-to-pod",
	"pod-to-host",
	"pod-to-pod",
	"pod-to-service",
	"-localhost-",
	"-internal-lb-",
};

bool disruption_backend_ignored(const char *backend)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ignored_fragments); i++)
		if (strstr(backend, ignored_fragments[i]))
			return true;
	return false;
}

void disruption_history_compute(struct disruption_history *h,
				const double *values, size_t n)
{
	double *sorted = stats_sorted_copy(values, n);
	int p;

	h->percentile[0] = 0;
	for (p = 1; p < 100; p++)
		h->percentile[p] = stats_percentile_cont(sorted, n, p);
	h->mean = stats_mean(values, n);
	h->stddev = stats_stddev(values, n);
	free(sorted);
}

/* The runs on each side of a threshold, counted and listed. */
struct split {
	int passes, failures;
	struct buf successes, failures_list; /* "[id=5s ...]" */
};

/* Appends "id=Ns" to a Go-style list that is still missing its "]". */
static void list_add(struct buf *list, const struct disruption_run *r)
{
	if (list->len > 1)
		buf_addch(list, ' ');
	buf_addf(list, "%s=%ds", r->id, r->seconds);
}

static void split_runs(struct split *s, const struct disruption_input *in,
		       double threshold, bool *run_failed)
{
	size_t i;

	s->passes = s->failures = 0;
	buf_init(&s->successes);
	buf_init(&s->failures_list);
	buf_addch(&s->successes, '[');
	buf_addch(&s->failures_list, '[');
	for (i = 0; i < in->nr_runs; i++) {
		const struct disruption_run *r = &in->runs[i];
		bool failed = (double)r->seconds > threshold;

		if (failed) {
			s->failures++;
			list_add(&s->failures_list, r);
		} else {
			s->passes++;
			list_add(&s->successes, r);
		}
		if (run_failed)
			run_failed[i] = failed;
	}
	buf_addch(&s->successes, ']');
	buf_addch(&s->failures_list, ']');
}

static void split_release(struct split *s)
{
	buf_release(&s->successes);
	buf_release(&s->failures_list);
}

static void all_failed(bool *run_failed, size_t n)
{
	size_t i;

	for (i = 0; run_failed && i < n; i++)
		run_failed[i] = true;
}

/* The percentile check's required passes: pity, then one fewer. */
static int percentile_required(const struct passfail_params *params,
			       int attempts, int percentile)
{
	int strict = fisher_required_passes(attempts, percentile,
					    params->corpus, params->alpha);
	int required = attempts - params->pity;

	if (required < 0)
		required = 0;
	if (required >= strict)
		return strict - 1;
	return required;
}

/* innerCheckPercentileDisruptionWithGrace; msg is appended to. */
static void percentile_inner(const struct disruption_input *in,
			     const struct passfail_params *params,
			     double threshold, int percentile, int grace,
			     struct disruption_result *res, bool *run_failed,
			     struct buf *msg)
{
	struct split s;
	int attempts = (int)in->nr_runs;
	const char *status = "Passed";

	split_runs(&s, in, threshold, run_failed);
	res->passes = s.passes;
	res->failures = s.failures;
	res->threshold = threshold;
	res->required = percentile_required(params, attempts, percentile);

	if (res->required <= 0) {
		res->verdict = PASSFAIL_SKIPPED;
		res->failures = attempts;
		all_failed(run_failed, in->nr_runs);
		buf_addf(
			msg,
			"Current percentile is so low that we cannot latch, skipping (P%d=%.2fs successes=%s failures=%s)",
			percentile, threshold, s.successes.data,
			s.failures_list.data);
	} else if (s.passes == 0) {
		res->verdict = PASSFAIL_FAILED;
		buf_addf(
			msg,
			"Zero successful runs, we require at least one success to pass  (P%d=%.2fs failures=%s)",
			percentile, threshold, s.failures_list.data);
	} else if (attempts < 3) {
		res->verdict = PASSFAIL_FAILED;
		buf_addf(
			msg,
			"We require at least three attempts to pass  (P%d=%.2fs successes=%s failures=%s)",
			percentile, threshold, s.successes.data,
			s.failures_list.data);
	} else {
		struct buf grace_added = BUF_INIT;

		if (grace > 0)
			buf_addf(&grace_added, "(grace=%d) ", grace);
		res->verdict = s.passes < res->required ? PASSFAIL_FAILED
							: PASSFAIL_PASSED;
		if (res->verdict == PASSFAIL_FAILED)
			status = "Failed";
		buf_addf(
			msg,
			"%s: Passed %d times, failed %d times.  (P%d=%.2fs %srequiredPasses=%d successes=%s failures=%s)",
			status, s.passes, s.failures, percentile, threshold,
			grace_added.data, res->required, s.successes.data,
			s.failures_list.data);
		buf_release(&grace_added);
	}
	split_release(&s);
}

/* The history is missing: skipped, every run reported as a failure. */
static void no_history(const struct disruption_input *in,
		       struct disruption_result *res, bool *run_failed,
		       struct buf *msg)
{
	res->verdict = PASSFAIL_SKIPPED;
	res->passes = 0;
	res->failures = (int)in->nr_runs;
	res->threshold = 0;
	all_failed(run_failed, in->nr_runs);
	buf_adds(msg, NO_HISTORY);
}

void disruption_check_percentile(const struct disruption_input *in,
				 const struct passfail_params *params,
				 int percentile, int grace,
				 struct disruption_result *res,
				 bool *run_failed, struct buf *msg)
{
	double threshold;

	buf_reset(msg);
	res->required = -1;
	res->grace_used = false;
	if (!in->history) {
		no_history(in, res, run_failed, msg);
		return;
	}
	if (percentile < 0)
		percentile = 0;
	if (percentile > 99)
		percentile = 99;
	threshold = in->history->percentile[percentile];
	if (in->fallback_job)
		buf_addf(msg, FALLBACK_PREFIX, in->fallback_job);

	percentile_inner(in, params, threshold, percentile, 0, res, run_failed,
			 msg);
	if (res->passes >= res->required || grace <= 0)
		return;

	/* Not enough passes: redo everything with the grace added, and
	 * report that instead. */
	buf_reset(msg);
	if (in->fallback_job)
		buf_addf(msg, FALLBACK_PREFIX, in->fallback_job);
	res->grace_used = true;
	percentile_inner(in, params, threshold + grace, percentile, grace, res,
			 run_failed, msg);
}

void disruption_check_mean(const struct disruption_input *in,
			   struct disruption_result *res, bool *run_failed,
			   struct buf *msg)
{
	const struct disruption_history *h = in->history;
	struct buf prefix = BUF_INIT, hist = BUF_INIT;
	struct split s;
	double threshold, mean;
	int runs = (int)in->nr_runs, max = 0;
	long total = 0;
	size_t i;

	buf_reset(msg);
	res->required = -1;
	res->grace_used = false;
	if (!h) {
		no_history(in, res, run_failed, msg);
		return;
	}
	threshold = h->mean + 5 * h->stddev;
	if (threshold < 1) /* we always allow at least one second */
		threshold = 1;
	for (i = 0; i < in->nr_runs; i++) {
		total += in->runs[i].seconds;
		if (in->runs[i].seconds > max)
			max = in->runs[i].seconds;
	}
	split_runs(&s, in, threshold, run_failed);
	res->passes = s.passes;
	res->failures = s.failures;
	res->threshold = threshold;

	/* one "mulligan": at most one outlier above the historical P95 */
	if ((double)max > h->percentile[95]) {
		runs--;
		total -= max;
	}
	/* Go divides 0 by 0 to NaN here (printed "NaN", C prints "nan") */
	mean = runs > 0 ? (double)total / runs : NAN;

	if (in->fallback_job)
		buf_addf(&prefix, FALLBACK_PREFIX, in->fallback_job);
	buf_addf(
		&hist,
		"historicalMean=%.2fs standardDeviation=%.2fs failureThreshold=%.2fs historicalP95=%.2fs successes=%s failures=%s",
		h->mean, h->stddev, threshold, h->percentile[95],
		s.successes.data, s.failures_list.data);
	if (mean > threshold) {
		res->verdict = PASSFAIL_FAILED;
		buf_addf(
			msg,
			"%s\nFailed: Mean disruption of %s is %.2f seconds is more than the failureThreshold of the weekly historical mean from 10 days ago: %s",
			prefix.data, in->backend, mean, hist.data);
	} else {
		res->verdict = PASSFAIL_PASSED;
		buf_addf(
			msg,
			"%s\nPassed: Mean disruption of %s is %.2f seconds is less than failureThreshold of the weekly historical mean from 10 days ago: %s",
			prefix.data, in->backend, mean, hist.data);
	}
	split_release(&s);
	buf_release(&prefix);
	buf_release(&hist);
}

void disruption_run_check(const struct disruption_check *c,
			  const struct disruption_input *in,
			  const struct passfail_params *params,
			  struct disruption_result *res, bool *run_failed,
			  struct buf *msg)
{
	switch (c->kind) {
	case DISRUPTION_PERCENTILE:
		disruption_check_percentile(in, params, c->percentile, c->grace,
					    res, run_failed, msg);
		return;
	case DISRUPTION_MEAN:
		disruption_check_mean(in, res, run_failed, msg);
		return;
	}
}
