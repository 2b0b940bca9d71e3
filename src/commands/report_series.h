/*
 * report_series.h - the run verdicts of every test in every job, in time
 * order, for the computed reports (flaky, regressions).  commands/ only.
 *
 * series_load() reads job runs (and test_run_status) started in
 * [from, to], keeps each test's verdicts per job as one series, counts
 * each run's failures and flags infrastructure storms (analysis/flaky.h),
 * all in one pass over the rows with no sort of the fact table.
 */
#ifndef TESTPUMP_COMMANDS_REPORT_SERIES_H
#define TESTPUMP_COMMANDS_REPORT_SERIES_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/flaky.h"
#include "store/store.h"

struct series_run {
	int64_t id;   /* job_run.id */
	size_t job;   /* index into series_set.jobs */
	char *run_id; /* the CI's id */
	char started_at[STORE_TIME_MAX];
	long tests, failed; /* not skipped; failed (not flaky) */
	int storm;
};

struct series_job {
	int64_t id;
	char *name;
	char *variant; /* 'key=value,...' by key, "" for none */
};

/*
 * One test in one job: its runs, oldest first, each one cell holding the
 * run's position in runs[] and the verdict (one array: one cache miss
 * per row while loading).
 */
struct series {
	size_t job;
	int64_t test_id;
	uint32_t *cell; /* position << 2 | enum flaky_status */
	size_t n, cap;
};

/* The position in runs[] and the verdict of a series' cell. */
#define SERIES_RUN(c) ((c) >> 2)
#define SERIES_STATUS(c) ((uint8_t)((c)&3))

struct series_set {
	struct series_run *runs; /* by (started_at, id) */
	size_t nruns, runs_cap;
	struct series_job *jobs;
	size_t njobs, jobs_cap;
	struct series *series;
	size_t nseries, series_cap;
	/* (job, test) -> series, open addressing; and job_run.id -> run. */
	int64_t *keys;
	uint32_t *vals;
	size_t hcap;
	uint32_t *dense; /* [job * (max_test + 1) + test], or NULL */
	int64_t max_test;
	int32_t *run_of;
	int64_t run_base;
	size_t run_span;
	long storms;
};

/*
 * Loads the runs of job (NULL: every job) of project (NULL: every;
 * a job's project is its variant 'project') started from `from` to `to`
 * (RFC 3339, both inclusive; from NULL: all time) into *out, flagging
 * storms with p; -1 with the message set.  out is released by
 * series_release() either way.
 */
int series_load(struct store *st, const char *job, const char *project,
		const char *from, const char *to, const struct flaky_params *p,
		struct series_set *out);

/* Frees everything s holds and empties it. */
void series_release(struct series_set *s);

/*
 * The suite and the test's name (classname.name, or name when it has no
 * classname) of test_id, into suite[ssize] and name[nsize].
 */
int series_test_name(struct store *st, int64_t test_id, char *suite,
		     size_t ssize, char *name, size_t nsize);

#endif
