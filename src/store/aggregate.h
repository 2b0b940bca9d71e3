/*
 * aggregate.h - the store's side of 'testpump aggregate': a payload's runs
 * and their per-test counts, the job's history, disruptions, and the
 * verdicts written back.
 *
 * The reads fill one struct agg_data, which owns everything it points at
 * (agg_data_release() frees it).  The verdicts themselves are decided in
 * analysis/ (passfail.h, disruption.h); this module only counts and stores.
 * Uses only store.h, so every engine shares it; the tables are described in
 * sql/sqlite/0001_core.sql, 0002_history.sql and 0004_aggregation.sql.
 */
#ifndef TESTPUMP_STORE_AGGREGATE_H
#define TESTPUMP_STORE_AGGREGATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/strmap.h"
#include "store/store.h"

/* What one run says of one test, in struct agg_test's marks. */
enum agg_mark {
	AGG_ABSENT = 0, /* the run did not report the test */
	AGG_PASS,
	AGG_FAIL,
	AGG_FLAKY, /* passed and failed within the run: counts as a pass */
	AGG_SKIP,
};

/* One run of the payload; strings live in the data's arena. */
struct agg_run {
	int64_t id;	    /* job_run.id */
	const char *run_id; /* the CI's id */
	const char *status; /* job_run.status */
	const char *url;    /* NULL when not known */
	const char *started_at;
	int has_disruptions; /* the run's disruptions were ingested */
};

/* One test of the payload, counted over its runs. */
struct agg_test {
	int64_t test_id;
	const char *suite, *classname, *name;
	int attempts;	      /* runs with a pass or a failure */
	int passes;	      /* runs with a pass (a flake is a pass) */
	int failures;	      /* runs that failed and never passed */
	int failure_results;  /* failed attempts, all of them */
	int skips;	      /* skipped attempts */
	int informing;	      /* some run marked it lifecycle informing */
	unsigned char *marks; /* nruns enum agg_mark, in the runs' order */
	/* History: runs with a pass or flake, and runs with a result. */
	int64_t hist_working, hist_total;
};

/* One backend's disruption: per payload run and in the job's history. */
struct agg_backend {
	const char *name;
	int *seconds;	 /* nruns; -1 where the run has no value */
	double *history; /* seconds of each historical run */
	size_t nhistory, history_cap;
};

/* What to read. */
struct agg_query {
	const char *job;
	const char *payload;
	/* When not NULL, only these run ids (nrun_ids of them) are judged */
	const char *const *run_ids;
	size_t nrun_ids;
	int64_t now_ms;	  /* history window ends here */
	int history_runs; /* the job's last N runs ... */
	int history_days; /* ... that started within this many days */
};

struct agg_data {
	int64_t job_id, payload_id;
	struct agg_run *runs;
	size_t nruns;
	struct agg_test *tests; /* sorted by suite, classname, name */
	size_t ntests;
	int64_t history_runs_used;    /* the job's runs the history read */
	int history_failed;	      /* the history query failed (err_msg()) */
	char *history_error;	      /* its message, when it did */
	const char *topology;	      /* the job's topology variant, or NULL */
	struct agg_backend *backends; /* sorted by name */
	size_t nbackends;
	struct arena arena;
	struct strmap index; /* test id (8 bytes) -> index in tests */
	int32_t *dense;	     /* or: test id - dense_min -> index, -1 */
	int64_t dense_min, dense_len;
};

/*
 * Reads the payload's runs of the job (those of q->run_ids only, when
 * given), every test they report with its counts and per-run marks, the
 * job's history of those tests, and the runs' and history's disruptions.
 * A failing history query is not an error: data->history_failed is set
 * and the caller applies the configured percentage.  Fails, naming the
 * job or the payload, when either is unknown or the payload has no runs
 * of the job, and naming the run when a listed run is not among them.
 * data is filled whole; release it with agg_data_release(), also after a
 * failure.
 */
int agg_load(struct store *st, const struct agg_query *q,
	     struct agg_data *data);

/* Frees everything data holds and leaves it zeroed. */
void agg_data_release(struct agg_data *data);

/* One verdict to store; strings are borrowed. */
struct agg_verdict {
	int64_t test_id; /* 0: intern (suite, "", name) as a new test */
	const char *suite, *name;
	const char *verdict; /* "passed", "failed", "skipped" */
	const char *rule;    /* as the aggregation_test.rule CHECK lists */
	int attempts, passes, failures, skips;
	int history_pct;	    /* -1: NULL */
	const char *history_source; /* NULL */
	int required, strict;	    /* -1: NULL */
	int informing, blocking;
	const char *explanation;
};

/* The aggregation row; the counts are computed from the verdicts. */
struct agg_header {
	int64_t job_id, payload_id;
	int64_t aggregated_at_ms;
	const char *verdict;
	const int64_t *job_run_ids;
	size_t nruns;
	int64_t history_runs_used;
	int min_attempts, pity, corpus, history_runs, history_days;
	double alpha;
	int no_history_pct, failed_history_pct;
};

/*
 * Stores one aggregation and its verdicts in one transaction, replacing an
 * earlier aggregation of the same job and payload; *id receives the new
 * aggregation's id.  Nothing is written on failure.
 */
int agg_save(struct store *st, const struct agg_header *h,
	     const struct agg_verdict *v, size_t n, int64_t *id);

#endif
