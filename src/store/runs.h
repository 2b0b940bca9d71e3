/*
 * runs.h - writing one job run and its test results: ingest's write path.
 *
 * A run is written in one transaction: run_writer_begin() creates (or
 * replaces) the job run, each attempt of each test is added in the order
 * the run executed them, and run_writer_commit() folds every test's
 * attempts into its run status and commits.  Until then nothing is
 * visible, and run_writer_abort() leaves the store exactly as before.
 *
 * Tests are interned through a bounded in-memory cache backed by the
 * store's unique index on test, results and texts are written in batches,
 * and the run statuses are folded from test_result in SQL at commit, so
 * memory does not grow with the size of the input or the number of
 * distinct tests (a dry run, which writes nothing, folds in memory and
 * keeps every test).  Texts (messages, stack traces, output) are stored
 * once per distinct content in test_output and referred to by hash.
 *
 * Uses only store.h, so every engine shares it.
 */
#ifndef TESTPUMP_STORE_RUNS_H
#define TESTPUMP_STORE_RUNS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* The outcome of one attempt. */
enum result_status {
	RESULT_PASS,
	RESULT_FAIL,
	RESULT_ERROR,
	RESULT_SKIP,
};

/* The verdict of one test over all its attempts in one run. */
enum run_status {
	RUN_STATUS_PASS,
	RUN_STATUS_FAIL,
	RUN_STATUS_FLAKY,
	RUN_STATUS_SKIP,
};

/* "pass", "fail", "error", "skip". */
const char *result_status_name(enum result_status s);

/* "pass", "fail", "flaky", "skip". */
const char *run_status_name(enum run_status s);

/* What identifies and describes the run; strings are borrowed. */
struct run_info {
	const char *job;       /* required */
	const char *run_id;    /* required */
	const char *payload;   /* NULL: the run tested no payload */
	const char *release;   /* NULL: the payload's release is not known */
	const char *url;       /* NULL: none */
	const char *source;    /* NULL: "junit" */
	int64_t started_at_ms; /* -1: the earliest result time, else now */
	const char *const *variants; /* "key=value" each */
	size_t nvariants;
	int dry_run; /* count everything, write nothing */
};

/* A text and the length it had before it was cut (0 when none). */
struct run_text {
	const char *text; /* NULL or "" when there is none */
	size_t original_length;
};

/* One execution of one test. */
struct run_attempt {
	const char *suite;
	const char *classname;
	const char *name;
	enum result_status status;
	int retried;	      /* a retry the runner reported as such */
	int flaky;	      /* the runner itself called the test flaky */
	int informing;	      /* lifecycle informing: never blocks */
	int64_t duration_ms;  /* -1: not reported */
	int64_t timestamp_ms; /* -1: not reported */
	struct run_text message, text, out, err;
};

/* One suite of the run, with its own output. */
struct run_suite {
	const char *path;
	int64_t tests;
	const char *hostname; /* NULL or "" when unknown */
	int64_t timestamp_ms; /* -1: unknown */
	struct run_text out, err;
};

/* What was (or, in a dry run, would be) written. */
struct run_counts {
	int64_t job_run_id; /* 0 in a dry run */
	int replaced;	    /* an earlier ingest of the run was replaced */
	int64_t tests;	    /* distinct tests */
	int64_t suites;
	int64_t attempts[4]; /* by enum result_status */
	int64_t statuses[4]; /* by enum run_status */
	int64_t duration_ms; /* sum of the reported attempt times */
	int64_t started_at_ms;
	enum run_status worst; /* meaningful when tests > 0 */
};

struct run_writer;

/*
 * Starts writing the run described by info: begins the transaction,
 * creates the job, its variants, the release and payload as needed, and
 * replaces any earlier ingest of (job, run_id).  st may be NULL only in a
 * dry run.  On success *out is the writer, which run_writer_commit() or
 * run_writer_abort() frees.
 */
int run_writer_begin(struct store *st, const struct run_info *info,
		     struct run_writer **out);

/* Adds one attempt; attempts of a test are numbered in call order. */
int run_writer_attempt(struct run_writer *w, const struct run_attempt *a);

/* Adds one suite. */
int run_writer_suite(struct run_writer *w, const struct run_suite *s);

/*
 * Folds the attempts into run statuses, finishes the job run and commits;
 * *counts (may be NULL) receives what was written.  Frees w, also when it
 * fails, in which case nothing of the run was written.
 */
int run_writer_commit(struct run_writer *w, struct run_counts *counts);

/* Rolls back everything the writer did and frees it; NULL is ignored. */
void run_writer_abort(struct run_writer *w);

#endif
