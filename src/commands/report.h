/*
 * report.h - the report types of `testpump report NAME`, as data
 * (commands/ only).
 *
 * A report type either reads its rows with one SQL query (sql, usually
 * from a view BI tools read too) or computes them (compute, when sql is
 * NULL: flaky tests, regressions, ...).  Adding a report type is adding a
 * row to reports[] and its name to report_names[] in report.c; a computed
 * one lives in its own file and is declared here.
 */
#ifndef TESTPUMP_COMMANDS_REPORT_H
#define TESTPUMP_COMMANDS_REPORT_H

#include <jansson.h>
#include <stdint.h>

#include "api/api.h"
#include "store/store.h"

struct report_type {
	const char *name;
	const char *summary;
	/*
	 * Four parameters: the project twice (NULL: every project) and the
	 * first day twice ('YYYY-MM-DD', NULL: all time).
	 */
	const char *sql;
	/*
	 * Appends the report's rows (JSON objects, all with the same keys)
	 * to rows, reading req's options (--project, --days via
	 * report_days(), --job, and any option of its own); -1 with the
	 * message set.
	 */
	int (*compute)(struct request *req, struct store *st, json_t *rows);
};

/* --days, else --num-days, else 0 (all time). */
int64_t report_days(const struct request *req);

/*
 * report flaky (report_flaky.c) and report regressions
 * (report_regressions.c).
 */
int report_flaky_compute(struct request *req, struct store *st, json_t *rows);
int report_regressions_compute(struct request *req, struct store *st,
			       json_t *rows);
/* report change-points (report_changepoints.c) and report clusters (report_clusters.c). */
int report_changepoints_compute(struct request *req, struct store *st,
				json_t *rows);
int report_clusters_compute(struct request *req, struct store *st,
			    json_t *rows);

#endif
