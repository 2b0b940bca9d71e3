/*
 * changepoint.c - Beta-Binomial change points over build order.
 *
 * Every segment's counts come from prefix sums, so evaluating one split is
 * a handful of lgamma() calls; a segment of n runs costs O(n) to split.
 */
#include <assert.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "analysis/changepoint.h"
#include "core/xalloc.h"
#include "core/banned.h"

double changepoint_log_likelihood(int64_t x, int64_t n, double alpha,
				  double beta)
{
	double c = (double)x + alpha, d = (double)(n - x) + beta;

	if (n <= 0)
		return 0;
	return lgamma(c) + lgamma(d) - lgamma(c + d) -
	       (lgamma(alpha) + lgamma(beta) - lgamma(alpha + beta));
}

void changepoint_count(struct changepoint_counts *c,
		       const struct changepoint_run *r)
{
	c->runs++;
	c->unexpected += r->unexpected != 0;
	c->retried += r->retried != 0;
	c->unexpected_after_retry += r->retried && r->unexpected_after_retry;
}

/* The state of one search: the runs, parameters and prefix sums. */
struct search {
	const struct changepoint_run *runs;
	size_t n;
	const struct changepoint_params *p;
	/* sums[i]: the counts of runs[0..i-1]. */
	struct changepoint_counts *sums;
	struct changepoint *found;
	size_t nfound, cap;
};

/* The counts of runs[lo..hi-1]. */
static struct changepoint_counts range(const struct search *s, size_t lo,
				       size_t hi)
{
	struct changepoint_counts c = {
		s->sums[hi].runs - s->sums[lo].runs,
		s->sums[hi].unexpected - s->sums[lo].unexpected,
		s->sums[hi].retried - s->sums[lo].retried,
		s->sums[hi].unexpected_after_retry -
			s->sums[lo].unexpected_after_retry,
	};
	return c;
}

/* The log-likelihood of one segment under both streams. */
static double segment_ll(const struct search *s, size_t lo, size_t hi)
{
	struct changepoint_counts c = range(s, lo, hi);

	return changepoint_log_likelihood(c.unexpected, c.runs, s->p->alpha,
					  s->p->beta) +
	       changepoint_log_likelihood(c.unexpected_after_retry, c.retried,
					  s->p->retry_alpha, s->p->retry_beta);
}

/* The end of the build that starts at runs[i]. */
static size_t build_end(const struct search *s, size_t i, size_t hi)
{
	size_t j = i + 1;

	while (j < hi && s->runs[j].build == s->runs[i].build)
		j++;
	return j;
}

/*
 * LUCI's heuristic: the last build added had expected (or unexpected)
 * runs, and the next one brings the other kind, in either stream.  Only
 * such positions can hold the best split.
 */
struct heuristic {
	int had_expected, had_unexpected;
	int had_retry_expected, had_retry_unexpected;
};

static void heuristic_add(struct heuristic *h, struct changepoint_counts c)
{
	if (c.runs > 0) {
		h->had_unexpected = c.unexpected > 0;
		h->had_expected = c.runs - c.unexpected > 0;
	}
	if (c.retried > 0) {
		h->had_retry_unexpected = c.unexpected_after_retry > 0;
		h->had_retry_expected =
			c.retried - c.unexpected_after_retry > 0;
	}
}

static int heuristic_possible(const struct heuristic *h,
			      struct changepoint_counts c)
{
	if (c.runs > 0 && ((c.unexpected > 0 && h->had_expected) ||
			   (c.runs - c.unexpected > 0 && h->had_unexpected)))
		return 1;
	return c.retried > 0 &&
	       ((c.unexpected_after_retry > 0 && h->had_retry_expected) ||
		(c.retried - c.unexpected_after_retry > 0 &&
		 h->had_retry_unexpected));
}

/*
 * The best split of runs[lo..hi-1]: returns its gain over no split
 * (-DBL_MAX when there is no candidate) and sets *at to its index.
 */
static double best_split(const struct search *s, size_t lo, size_t hi,
			 size_t *at)
{
	double whole = segment_ll(s, lo, hi), best = -DBL_MAX;
	struct heuristic h = {0};
	size_t i = build_end(s, lo, hi), next;

	heuristic_add(&h, range(s, lo, i));
	*at = 0;
	for (; i < hi; i = next) {
		struct changepoint_counts pending;

		next = build_end(s, i, hi);
		pending = range(s, i, next);
		if (heuristic_possible(&h, pending)) {
			double ll = segment_ll(s, lo, i) + segment_ll(s, i, hi);

			if (ll > best) {
				best = ll;
				*at = i;
			}
		}
		heuristic_add(&h, pending);
	}
	return best == -DBL_MAX ? best : best - whole;
}

/* Splits runs[lo..hi-1] recursively, recording changes in index order. */
static void segment(struct search *s, size_t lo, size_t hi)
{
	size_t at;
	double gain;

	if (hi - lo < 2)
		return;
	gain = best_split(s, lo, hi, &at);
	if (gain == -DBL_MAX || gain + log(s->p->likelihood) <= 0)
		return;
	segment(s, lo, at);
	if (s->nfound == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 4;
		s->found = xrealloc(s->found, s->cap * sizeof(*s->found));
	}
	s->found[s->nfound].index = at;
	s->found[s->nfound].gain = gain;
	s->nfound++;
	segment(s, at, hi);
}

/*
 * The interval of a change within runs[lo..hi-1] (the segments on both
 * sides of it): the posterior of its position under a uniform prior over
 * the build boundaries, cut at tail on each side.
 */
static void interval(const struct search *s, size_t lo, size_t hi,
		     struct changepoint *cp)
{
	size_t nb = 0, i, next, k;
	double *ll, max = -DBL_MAX, total = 0, cum = 0;
	size_t *at;
	int have_lower = 0;

	ll = xmalloc((hi - lo) * sizeof(*ll));
	at = xmalloc((hi - lo) * sizeof(*at));
	for (i = build_end(s, lo, hi); i < hi; i = next) {
		next = build_end(s, i, hi);
		at[nb] = i;
		ll[nb] = segment_ll(s, lo, i) + segment_ll(s, i, hi);
		if (ll[nb] > max)
			max = ll[nb];
		nb++;
	}
	assert(nb > 0);
	for (k = 0; k < nb; k++)
		total += exp(ll[k] - max);
	cp->lower = cp->upper = cp->index;
	for (k = 0; k < nb; k++) {
		cum += exp(ll[k] - max) / total;
		if (!have_lower && cum >= s->p->tail) {
			cp->lower = at[k];
			have_lower = 1;
		}
		if (cum >= 1 - s->p->tail) {
			cp->upper = at[k];
			break;
		}
	}
	if (cp->lower > cp->index)
		cp->lower = cp->index;
	if (cp->upper < cp->index)
		cp->upper = cp->index;
	free(ll);
	free(at);
}

size_t changepoint_find(const struct changepoint_run *runs, size_t n,
			const struct changepoint_params *p,
			struct changepoint **out, size_t *nout)
{
	struct search s = {runs, n, p, NULL, NULL, 0, 0};
	size_t i;

	*out = NULL;
	*nout = 0;
	if (n < 2)
		return 0;
	s.sums = xcalloc(n + 1, sizeof(*s.sums));
	for (i = 0; i < n; i++) {
		s.sums[i + 1] = s.sums[i];
		changepoint_count(&s.sums[i + 1], &runs[i]);
	}
	if (s.sums[n].unexpected > 0)
		segment(&s, 0, n);
	for (i = 0; i < s.nfound; i++) {
		size_t lo = i ? s.found[i - 1].index : 0;
		size_t hi = i + 1 < s.nfound ? s.found[i + 1].index : n;

		s.found[i].before = range(&s, lo, s.found[i].index);
		s.found[i].after = range(&s, s.found[i].index, hi);
		interval(&s, lo, hi, &s.found[i]);
	}
	free(s.sums);
	*out = s.found;
	*nout = s.nfound;
	return s.nfound;
}
