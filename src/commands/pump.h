/*
 * pump.h - the report types of `testpump pump`, as data (commands/ only).
 *
 * A report type names the source that feeds it and says what to do with
 * that source's records for one project: begin() before the pull, record()
 * for each record, finish() after it.  The pump runs all three inside one
 * transaction per project and report type, together with the source's
 * cursor, so a failure leaves the project as it was.  Adding a report
 * type is adding a `const struct pump_report` and a row in pump.c.
 */
#ifndef TESTPUMP_COMMANDS_PUMP_H
#define TESTPUMP_COMMANDS_PUMP_H

#include <jansson.h>
#include <stdint.h>

#include "config/config.h"
#include "core/timestamp.h"
#include "store/store.h"

/* One project's pull for one report type. */
struct pump_job {
	struct store *st; /* NULL in a dry run: nothing is written */
	const char *project;
	const struct config_project *config; /* the project's settings */
	int64_t upstream_id;
	int64_t pump_run_id; /* 0 in a dry run */
	char now[TIMESTAMP_MAX];
	char date[11]; /* today, UTC: "2024-05-01" */
	int64_t rows;  /* rows written (or that would be) */
	int64_t records;
	char cursor[TIMESTAMP_MAX]; /* the high-water mark seen, "" none */
	void *state;		    /* the report's own, begin to finish */
};

struct pump_report {
	const char *name;   /* "test-case-coverage" */
	const char *source; /* "testrail" */
	const char *summary;
	int (*begin)(struct pump_job *job);
	int (*record)(struct pump_job *job, const char *kind, json_t *rec);
	/* Runs after a successful pull; frees the state either way. */
	int (*finish)(struct pump_job *job, int ok);
};

extern const struct pump_report pump_test_case_coverage;
extern const struct pump_report pump_test_run_counts;
extern const struct pump_report pump_issue_regression_bugzilla;
extern const struct pump_report pump_issue_regression_github;
extern const struct pump_report pump_ci_builds_github;
extern const struct pump_report pump_ci_builds_taskcluster;
extern const struct pump_report pump_ci_builds_bitrise;

/*
 * A record's value as a store value: integers, reals, text, booleans as
 * 0/1, anything else NULL.  Text is borrowed from v.
 */
struct store_value pump_value(json_t *v);

/* Moves job->cursor forward to t (RFC 3339 text) when t is later. */
void pump_cursor_max(struct pump_job *job, const char *t);

#endif
