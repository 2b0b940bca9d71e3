/*
 * flaky.h - flake statistics of one test's run verdicts over time.
 *
 * A series is the run-level verdicts (pass, fail, flaky, skip) of one
 * test in one job, oldest first, with infrastructure storms already left
 * out (flaky_is_storm()).  Skips are not runs here.  Failures come in
 * streaks of consecutive failed runs: a streak of `streak` (3) or more is
 * a breakage (the test was broken, then fixed), not flakiness, as
 * TestGrid's flip flakiness treats it (peers.md 3.2).  A flake is a flaky
 * run (failed and passed within the run) or a failed run in a shorter
 * streak.
 *
 *   flake rate = flakes / (runs - broken runs), with a Wilson score
 *                interval (flaky_wilson());
 *   flips      = flaky runs + short failure streaks (each a turn from
 *                passing to failing), flip rate = flips / the same runs.
 *
 * A test is flaky when it has at least min_flakes flakes and a flake
 * rate of at least min_rate; broken when it had a breakage.  Pure: no
 * I/O, no allocation.
 */
#ifndef TESTPUMP_ANALYSIS_FLAKY_H
#define TESTPUMP_ANALYSIS_FLAKY_H

#include <stddef.h>
#include <stdint.h>

/* A run-level verdict (test_run_status.status). */
enum flaky_status {
	FLAKY_PASS = 0,
	FLAKY_FAIL = 1,
	FLAKY_FLAKY = 2,
	FLAKY_SKIP = 3,
};

struct flaky_params {
	int streak;	      /* failures in a row that make a breakage: 3 */
	long min_flakes;      /* flakes needed to call a test flaky: 2 */
	double min_rate;      /* flake rate needed (0..1): 0.01 */
	double z;	      /* the interval's normal quantile: 1.96 (95%) */
	double storm_share;   /* a run failing more than this share: 0.8 */
	long storm_min_tests; /* ... of at least this many tests: 10 */
};

/* The defaults above. */
struct flaky_params flaky_defaults(void);

struct flaky_stats {
	long runs;			   /* not skipped */
	long passes, failures, flaky_runs; /* by run verdict */
	long flakes;	  /* flaky runs + failures in short streaks */
	long broken_runs; /* failures in streaks of `streak` or more */
	long breakages;	  /* such streaks */
	long flips;
	double flake_rate, flake_low, flake_high, flip_rate;
	/* Positions in the series (-1: none). */
	long last_flake;
	long last_break_first, last_break_last;
	int still_broken; /* the series ends inside a breakage */
};

/*
 * The Wilson score interval of k successes in n trials at normal quantile
 * z: [*low, *high] within [0, 1]; n 0 gives [0, 1].
 */
void flaky_wilson(long k, long n, double z, double *low, double *high);

/* The statistics of status[0..n-1] (oldest first) into *out. */
void flaky_series(const uint8_t *status, size_t n, const struct flaky_params *p,
		  struct flaky_stats *out);

/* Whether the statistics make the test flaky (see the file comment). */
int flaky_is_flaky(const struct flaky_stats *s, const struct flaky_params *p);

/*
 * Whether a run with `failed` failed tests out of `tests` not skipped is
 * an infrastructure storm: tests >= storm_min_tests and failed > tests *
 * storm_share.
 */
int flaky_is_storm(long failed, long tests, const struct flaky_params *p);

/*
 * The parameters as text ("streak=3 min_flakes=2 min_rate=0.01
 * z=1.96 storm_share=0.8 storm_min_tests=10") into out[size].
 */
void flaky_params_text(const struct flaky_params *p, char *out, size_t size);

#endif
