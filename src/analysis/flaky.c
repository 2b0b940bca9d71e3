/*
 * flaky.c - flake statistics of one test's run verdicts (flaky.h).
 */
#include <math.h>
#include <stdio.h>

#include "analysis/flaky.h"
#include "core/banned.h"

struct flaky_params flaky_defaults(void)
{
	struct flaky_params p = {
		.streak = 3,
		.min_flakes = 2,
		.min_rate = 0.01,
		.z = 1.96,
		.storm_share = 0.8,
		.storm_min_tests = 10,
	};
	return p;
}

void flaky_wilson(long k, long n, double z, double *low, double *high)
{
	double p, z2, den, centre, half;

	if (n <= 0) {
		*low = 0;
		*high = 1;
		return;
	}
	p = (double)k / (double)n;
	z2 = z * z;
	den = 1 + z2 / (double)n;
	centre = (p + z2 / (2.0 * (double)n)) / den;
	half = z *
	       sqrt(p * (1 - p) / (double)n +
		    z2 / (4.0 * (double)n * (double)n)) /
	       den;
	*low = centre - half < 0 ? 0 : centre - half;
	*high = centre + half > 1 ? 1 : centre + half;
}

/* Ends a failure streak of length len whose last run is at position at. */
static void end_streak(struct flaky_stats *s, const struct flaky_params *p,
		       long len, long at)
{
	if (!len)
		return;
	if (len >= p->streak) {
		s->broken_runs += len;
		s->breakages++;
		s->last_break_first = at - len + 1;
		s->last_break_last = at;
		return;
	}
	s->flakes += len;
	s->flips++;
	s->last_flake = at;
}

void flaky_series(const uint8_t *status, size_t n, const struct flaky_params *p,
		  struct flaky_stats *out)
{
	struct flaky_stats s = {.last_flake = -1,
				.last_break_first = -1,
				.last_break_last = -1};
	long streak = 0, last_fail = -1, kept;

	for (size_t i = 0; i < n; i++) {
		switch (status[i]) {
		case FLAKY_FAIL:
			s.failures++;
			streak++;
			last_fail = (long)i;
			break;
		case FLAKY_PASS:
		case FLAKY_FLAKY:
			end_streak(&s, p, streak, last_fail);
			streak = 0;
			if (status[i] == FLAKY_PASS) {
				s.passes++;
				break;
			}
			s.flaky_runs++;
			s.flakes++;
			s.flips++;
			s.last_flake = (long)i;
			break;
		default:
			continue; /* skips are not runs */
		}
		s.runs++;
	}
	s.still_broken = streak >= p->streak;
	end_streak(&s, p, streak, last_fail);
	kept = s.runs - s.broken_runs;
	s.flake_rate = kept ? (double)s.flakes / (double)kept : 0;
	s.flip_rate = kept ? (double)s.flips / (double)kept : 0;
	flaky_wilson(s.flakes, kept, p->z, &s.flake_low, &s.flake_high);
	*out = s;
}

int flaky_is_flaky(const struct flaky_stats *s, const struct flaky_params *p)
{
	return s->flakes >= p->min_flakes && s->flake_rate >= p->min_rate;
}

int flaky_is_storm(long failed, long tests, const struct flaky_params *p)
{
	return tests >= p->storm_min_tests &&
	       (double)failed > (double)tests * p->storm_share;
}

void flaky_params_text(const struct flaky_params *p, char *out, size_t size)
{
	snprintf(out, size,
		 "streak=%d min_flakes=%ld min_rate=%g z=%g storm_share=%g "
		 "storm_min_tests=%ld",
		 p->streak, p->min_flakes, p->min_rate, p->z, p->storm_share,
		 p->storm_min_tests);
}
