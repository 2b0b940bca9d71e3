/*
 * history.h - the store's side of historical data: per-run disruptions
 * and alerts in, percentile rows, releases and test summaries out.
 *
 * Uses only store.h (portable SQL with ? placeholders), so every engine
 * shares it.  The tables are described in sql/sqlite/0002_history.sql.
 */
#ifndef TESTPUMP_STORE_HISTORY_H
#define TESTPUMP_STORE_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/history.h"
#include "store/store.h"

/* One run's disruptions or alerts, to be stored. */
struct history_run {
	const char *job, *run_id;
	int64_t started_at_ms; /* -1: keep the run's, or now for a new run */
	enum hist_kind kind;
	struct hist_context context;
	const struct hist_sample *samples;
	size_t nsamples;
};

/* What history_store_run() did. */
struct history_run_counts {
	int created_run;    /* the job run did not exist and was created */
	int replaced;	    /* earlier samples of this kind were replaced */
	int64_t job_run_id; /* 0 in a dry run */
};

/*
 * Stores one run's samples in one transaction: creates the job and the
 * job run (status 'unknown') when missing, upserts the release, replaces
 * the run's context and its earlier samples of the same kind.  With
 * dry_run, writes nothing (st may then be NULL, when there is no
 * database yet) and fills *counts as it would be.
 */
int history_store_run(struct store *st, const struct history_run *run,
		      int dry_run, struct history_run_counts *counts);

/*
 * Computes percentile rows of the given kind from the runs that started
 * in the window_days days before now_ms, into out (of the same kind):
 * one row per backend (or alert) and release, from-release,
 * architecture, platform, network and topology, with JobRuns the number
 * of runs and P50/P75/P95/P99 by PERCENTILE_CONT of the seconds.
 * Disruptions leave out upgrade runs whose masters were not updated
 * (master_nodes_updated 'N' or unknown with a from-release), as the
 * original's query did.  Alerts count a known alert of the release as
 * 0 s in each run whose alerts were ingested but which lacks it, and
 * FirstObserved/LastObserved span the runs it fired in.
 */
int history_store_percentiles(struct store *st, enum hist_kind kind,
			      int64_t now_ms, int window_days,
			      struct hist_set *out);

/*
 * The newest release in the store (by version order of the names: 4.9 <
 * 4.10 < 5.0) and its predecessor (its previous_release_id, else the
 * next lower name).  *target and *previous are allocated; the caller
 * frees them.  Fails, naming the options to give, when there are fewer
 * than two releases.
 */
int history_store_releases(struct store *st, char **target, char **previous);

/*
 * Compares two release names by their numbers: "4.9" < "4.10"; runs of
 * digits compare as numbers, other characters as bytes.
 */
int history_version_cmp(const char *a, const char *b);

/* A list of summaries, which history_tests_release() frees. */
struct history_tests {
	struct hist_test_summary *rows;
	size_t count, cap;
	char period_start[11], period_end[11]; /* "YYYY-MM-DD" */
};

/*
 * Summarises every test of release over the window_days days before
 * now_ms, per test and platform, topology and architecture (from the
 * run's context, else the job's variants), keeping those with at least
 * min_runs non-skipped results; suite (may be NULL) limits it to one
 * JUnit suite.  Rows come sorted by release, failures (most first), test
 * name.
 */
int history_store_tests(struct store *st, const char *release,
			const char *suite, int64_t now_ms, int window_days,
			int64_t min_runs, struct history_tests *out);

/* Frees the rows of t. */
void history_tests_release(struct history_tests *t);

#endif
