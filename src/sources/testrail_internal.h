/*
 * testrail_internal.h - what the parts of the TestRail connector share:
 * testrail.c (opening, paging, records), testrail_cases.c
 * (test-case-coverage) and testrail_runs.c (test-run-counts).  Nothing
 * outside src/sources/ includes it.
 */
#ifndef TESTPUMP_SOURCES_TESTRAIL_INTERNAL_H
#define TESTPUMP_SOURCES_TESTRAIL_INTERNAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "sources/faux.h"
#include "sources/http.h"
#include "sources/jscan.h"
#include "sources/paging.h"
#include "sources/source.h"

/* A dropdown's options for one project: id -> label, and the default. */
struct labels {
	int64_t *ids;
	char **names;
	size_t n;
	char *def; /* the default value as TestRail keeps it: "7" or "1,2" */
};

struct source {
	struct http_client *http;
	struct faux *faux;
	struct http_transport transport;
	char *base; /* "https://host/index.php?/api/v2/" */
	int parallel;
	/*
	 * The instance's case fields, read once for every project (they are
	 * instance-wide; each project picks its own configs from them).
	 */
	json_t *fields;
};

/* What one pull carries between pages. */
struct pull {
	struct source *src;
	const struct source_query *q;
	const struct source_sink *sink;
	struct labels status, coverage, subs;
	json_t *suites;	      /* suite id (text) -> name */
	int64_t *case_suites; /* get_cases: the suite id of each stream */
	json_t *case_rec;     /* the case record, refilled for each case */
	int64_t last_sid;     /* the suite of the case before, and its name */
	char *last_suite;
	const char *what;
	size_t pages, records;
	json_t *plan_ids; /* get_plans: the ids to read */
	json_t *run_ids;  /* every run handed up: their results to read */
	json_t *statuses; /* status id (text) -> label */
	/* The handler of a small list's pages, through testrail_read_list(). */
	int (*json_fn)(size_t stream, json_t *items, void *ctx);
};

/* Tells the sink how far the current list is. */
void testrail_progress(struct pull *p);

/* Hands rec (taken) to the sink; -1 when the sink stops the pull. */
int testrail_emit(struct pull *p, const char *kind, json_t *rec);

/*
 * A new value from a jansson or jscan value: a TestRail time (UNIX
 * seconds) as RFC 3339 text, an integer, a string; null otherwise.
 */
json_t *testrail_time_of(json_t *v);
json_t *testrail_int_of(json_t *v);
json_t *testrail_str_of(json_t *v);
json_t *testrail_jtime_of(const struct jscan *j, uint32_t v);
json_t *testrail_jint_of(const struct jscan *j, uint32_t v);
json_t *testrail_jstr_of(const struct jscan *j, uint32_t v);

/*
 * Reads the lists at paths (after the base URL) as streams at once, each
 * with `lookahead` pages in flight, handing every page to fn.
 */
int testrail_read_lists(struct pull *p, char **paths, size_t n, const char *key,
			int lookahead, page_fn fn);

/* Reads one small list, handing its pages to fn as jansson arrays. */
int testrail_read_list(struct pull *p, const char *path, const char *key,
		       int (*fn)(size_t stream, json_t *items, void *ctx));

/* test-case-coverage: fields, suites and cases of p's project. */
int testrail_cases_pull(struct pull *p);

/* Frees what testrail_cases_pull() learnt. */
void testrail_cases_release(struct pull *p);

/*
 * test-run-counts: statuses, milestones, runs, plans with their runs, and
 * the results of every run.
 */
int testrail_runs_pull(struct pull *p);

#endif
