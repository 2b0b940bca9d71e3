/*
 * fisher.c - hypergeometric tails, Fisher's exact test, required passes.
 */
#include <float.h>
#include <math.h>

#include "analysis/fisher.h"
#include "core/banned.h"

/*
 * The rows for 1 and 2 attempts exactly as openshift/ci-tools set them by
 * hand in pass_fail.go (requiredPassesByPassPercentageFor_01_Attempts and
 * _02_): there the Fisher test requires no pass at all, but the original
 * requires one pass from 96% (1 attempt) and from 79% (2 attempts).
 * Indexed [attempts - 1][working percentage 0..100].
 */
static const unsigned char handset_rows[2][101] = {
	{
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 00-09 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 10-19 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 20-29 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 30-39 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 40-49 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 50-59 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 60-69 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 70-79 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 80-89 */
		0, 0, 0, 0, 0, 0, 1, 1, 1, 1, /* 90-99 */
		1,			      /* 100 */
	},
	{
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 00-09 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 10-19 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 20-29 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 30-39 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 40-49 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 50-59 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 60-69 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 1, /* 70-79 */
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 80-89 */
		1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 90-99 */
		1,			      /* 100 */
	},
};

/* The required passes of a hand-set row; pct is 0..100. */
static int handset_required_passes(int attempts, int pct)
{
	return handset_rows[attempts - 1][pct];
}

/* log(n!) for n >= 0; lgamma_r, unlike lgamma, writes no global. */
static double log_factorial(long n)
{
	int sign;

	return lgamma_r((double)n + 1.0, &sign);
}

/* log C(n, k) for 0 <= k <= n. */
static double log_choose(long n, long k)
{
	return log_factorial(n) - log_factorial(k) - log_factorial(n - k);
}

/* The hypergeometric distribution of one tail evaluation. */
struct hyper {
	long total, successes, draws;
	long lo, hi; /* support */
	long mode;
};

static int hyper_init(struct hyper *h, long total, long successes, long draws)
{
	if (total < 0 || successes < 0 || draws < 0 || successes > total ||
	    draws > total)
		return -1;
	h->total = total;
	h->successes = successes;
	h->draws = draws;
	h->lo = draws - (total - successes);
	if (h->lo < 0)
		h->lo = 0;
	h->hi = successes < draws ? successes : draws;
	/* floor((draws + 1)(successes + 1) / (total + 2)), in doubles
	 * because the product can pass 2^63 for huge counts */
	h->mode = (long)floor(((double)draws + 1) * ((double)successes + 1) /
			      ((double)total + 2));
	if (h->mode < h->lo)
		h->mode = h->lo;
	if (h->mode > h->hi)
		h->mode = h->hi;
	return 0;
}

static double hyper_pmf(const struct hyper *h, long i)
{
	double lp = log_choose(h->successes, i) +
		    log_choose(h->total - h->successes, h->draws - i) -
		    log_choose(h->total, h->draws);

	return exp(lp);
}

/*
 * Sum of pmf(i) for i = from .. h->hi, where from > mode so the terms
 * only shrink: each is the previous times pmf(i+1)/pmf(i), and the sum
 * stops once a term can no longer change it.
 */
static double sum_up(const struct hyper *h, long from)
{
	double t = hyper_pmf(h, from), s = t;
	double fails = (double)(h->total - h->successes);
	long i;

	for (i = from; i < h->hi && t > s * (DBL_EPSILON / 4); i++) {
		t *= ((double)(h->successes - i) * (double)(h->draws - i)) /
		     (((double)i + 1) *
		      (fails - (double)h->draws + (double)i + 1));
		s += t;
	}
	return s;
}

/* Sum of pmf(i) for i = h->lo .. from, where from < mode (see sum_up). */
static double sum_down(const struct hyper *h, long from)
{
	double t = hyper_pmf(h, from), s = t;
	double fails = (double)(h->total - h->successes);
	long i;

	for (i = from; i > h->lo && t > s * (DBL_EPSILON / 4); i--) {
		t *= ((double)i * (fails - (double)h->draws + (double)i)) /
		     (((double)h->successes - (double)i + 1) *
		      ((double)h->draws - (double)i + 1));
		s += t;
	}
	return s;
}

static double clamp01(double p)
{
	return p < 0 ? 0 : p > 1 ? 1 : p;
}

double fisher_upper_tail(long x, long total, long successes, long draws)
{
	struct hyper h;

	if (hyper_init(&h, total, successes, draws) < 0)
		return NAN;
	if (x <= h.lo)
		return 1;
	if (x > h.hi)
		return 0;
	/* Sum whichever side of the mode the tail leaves shrinking terms
	 * on: small tails exactly, large ones as 1 - the small other side. */
	if (x > h.mode)
		return clamp01(sum_up(&h, x));
	return clamp01(1 - sum_down(&h, x - 1));
}

double fisher_lower_tail(long x, long total, long successes, long draws)
{
	struct hyper h;

	if (hyper_init(&h, total, successes, draws) < 0)
		return NAN;
	if (x >= h.hi)
		return 1;
	if (x < h.lo)
		return 0;
	if (x < h.mode)
		return clamp01(sum_down(&h, x));
	return clamp01(1 - sum_up(&h, x + 1));
}

double fisher_greater(long a, long b, long c, long d)
{
	if (a < 0 || b < 0 || c < 0 || d < 0)
		return NAN;
	return fisher_upper_tail(a, a + b + c + d, a + b, a + c);
}

double fisher_less(long a, long b, long c, long d)
{
	if (a < 0 || b < 0 || c < 0 || d < 0)
		return NAN;
	return fisher_lower_tail(a, a + b + c + d, a + b, a + c);
}

/* Python 3's round(): to the nearest integer, ties to even. */
static long round_half_even(double x)
{
	double f = floor(x), diff = x - f;

	if (diff > 0.5)
		return (long)f + 1;
	if (diff < 0.5)
		return (long)f;
	return fmod(f, 2) == 0 ? (long)f : (long)f + 1;
}

int fisher_required_passes(int attempts, double working_pct, int corpus,
			   double alpha)
{
	long n = attempts, cp, k;

	if (attempts <= 0)
		return 0;
	if (!(working_pct > 0))
		working_pct = 0;
	if (working_pct > 100)
		working_pct = 100;
	if (attempts <= 2)
		return handset_required_passes(attempts, (int)working_pct);
	if (corpus < 0)
		corpus = 0;

	/* required-pass-rate.py: corpus_positive_count = round(corpus_size
	 * * corpus_percentage / 100), the product exact in a double */
	cp = round_half_even((double)corpus * working_pct / 100.0);
	for (k = 0; k <= n; k++) {
		double p = fisher_greater(cp, k, corpus - cp, n - k);

		if (p <= alpha)
			continue;
		/* one past significance: the last significant count */
		return k == 0 ? 0 : (int)(k - 1);
	}
	if (working_pct >= 100)
		return fisher_required_passes(attempts, 98, corpus, alpha);
	return 0;
}
