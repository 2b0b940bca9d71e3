/*
 * history.h - comparing historical percentile data, as the job-run-
 * aggregator's analyze-historical-data does (seed-systems.md, 2.4).
 *
 * Two sets of rows (the current data and the new data, each one row of
 * P50/P75/P95/P99 per backend or alert and job variant) are matched by
 * key; the new rows of the previous and the target release are compared
 * with their current rows: a P95 or P99 increase beyond the leeway (in
 * percent) is recorded, P99 increases are counted, and P99 decreases are
 * counted with no leeway.  New rows without a current row are "added";
 * current rows without a new row are "missing".
 *
 * Everything here is pure: plain structs in, plain structs and text out
 * (the results file, the pull-request message and the review notes are
 * rendered into buffers by history_format.c; the caller writes them).
 * Where the original depends on Go's random map order, rows are taken in
 * key order instead, so the same inputs always give the same bytes.
 */
#ifndef TESTPUMP_ANALYSIS_HISTORY_H
#define TESTPUMP_ANALYSIS_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"

/* The two kinds of percentile data. */
enum hist_kind {
	HIST_DISRUPTIONS,
	HIST_ALERTS,
};

/* "disruptions" or "alerts". */
const char *hist_kind_name(enum hist_kind kind);

/*
 * One row, with the fields of openshift/origin's query_results.json files.
 * Strings are owned by the set's arena.  P values are kept as given (they
 * are written back unchanged) and also parsed to milliseconds.
 */
struct hist_row {
	const char *name;      /* BackendName, or AlertName */
	const char *namespace; /* alerts: AlertNamespace */
	const char *level;     /* alerts: AlertLevel */
	/* alerts: FirstObserved, LastObserved, as Go writes a time.Time */
	const char *first_observed, *last_observed;
	const char *release, *from_release, *platform, *architecture;
	const char *network, *topology;
	const char *master_nodes_updated; /* NULL: JSON null */
	int64_t job_runs;
	const char *p95, *p99, *p75, *p50;
	int64_t p95_ms, p99_ms;
	const char *key; /* see hist_row_key() */
};

/* A set of rows of one kind, and the arena behind their strings. */
struct hist_set {
	enum hist_kind kind;
	struct hist_row *rows;
	size_t count, cap;
	struct arena arena;
};

/* Makes s an empty set of the given kind. */
void hist_set_init(struct hist_set *s, enum hist_kind kind);

/* Frees the rows and their strings; s is left empty. */
void hist_set_release(struct hist_set *s);

/*
 * Appends a zeroed row and returns it; the caller fills it (strings from
 * s->arena or static) and then calls hist_row_key().
 */
struct hist_row *hist_set_add(struct hist_set *s);

/*
 * Sets row->key, as the original's GetKey(): disruptions
 * "Backend_FromRelease_Release_Architecture_Platform_Network_Topology",
 * alerts "Name_Namespace_Level_FromRelease_Release_Architecture_Platform_
 * Network_Topology".  MasterNodesUpdated is not part of either.
 */
void hist_row_key(struct hist_set *s, struct hist_row *row);

/*
 * Parses a P value, a string of float seconds ("299.4"), to whole
 * milliseconds exactly as the original does (printf "%.3f", then Go's
 * ParseDuration).  Stricter than the original, which reads anything
 * unparsable as 0: the text must be a plain decimal number (sign,
 * digits, point, exponent; no spaces, hex, inf or nan), not negative,
 * and under 10^9 seconds.  Returns 0, or -1 with a message saying what
 * is wrong (without naming the field: the caller does).
 */
int hist_parse_seconds(const char *text, int64_t *ms);

/*
 * Writes ns as Go's time.Duration.String() does: "0s", "999ms", "1.5s",
 * "2m3.4s", "1h0m0s", "1.234µs", "-1.5s".  out needs 32 bytes.
 */
void hist_duration_string(int64_t ns, char out[32]);

/* One new row of the previous or target release, compared. */
struct hist_job {
	const struct hist_row *row; /* the new row */
	int matched;		    /* a current row has the same key */
	int64_t job_results;	    /* JobRuns if matched, else 0 (as Go) */
	int64_t p95_ns, p99_ns;	    /* the new P95 and P99 */
	int64_t prev_p95_ns, prev_p99_ns; /* the current ones, if matched */
	/* Set only for an increase beyond the leeway, else 0. */
	int64_t diff_p95_ns, diff_p99_ns;
	double pct_p95, pct_p99;
	int decreased; /* P99 went down (no leeway) */
};

/* What hist_compare() finds. */
struct hist_comparison {
	/* The previous release's rows, then the target's, each by key. */
	struct hist_job *jobs;
	size_t njobs;
	size_t nadded; /* jobs that are not matched */
	/* Distinct current rows (last of each key) absent from new. */
	const struct hist_row **missing;
	size_t nmissing;
	int increases; /* P99 increases beyond the leeway */
	int decreases; /* P99 decreases */
	size_t duplicates_current, duplicates_new; /* rows a later one hid */
};

/*
 * Compares new with current for previous_release and then
 * target_release (two different names), with leeway in percent (>= 0).
 * Rows repeating an earlier row's key are replaced by the later one, as
 * in the original.  Pointers in *out point into the two sets, which
 * must outlive it.  Release it with hist_comparison_release().
 */
void hist_compare(const struct hist_set *current, const struct hist_set *new,
		  const char *previous_release, const char *target_release,
		  double leeway, struct hist_comparison *out);

/* Frees what hist_compare() allocated. */
void hist_comparison_release(struct hist_comparison *c);

/*
 * The results file: the compared new rows sorted by key, as Go's
 * json.MarshalIndent(rows, "", "  ") writes them (field order of the
 * original's structs, HTML-safe string escapes, no final newline).
 * Appends to out.
 */
void hist_format_results(const struct hist_comparison *c, enum hist_kind kind,
			 struct buf *out);

/*
 * The text the original appends to pr_message.md: the added and removed
 * counts (the removed count is twice the distinct missing rows, because
 * the original gathers them in both passes) and, when there are P99
 * increases, the table of increases (sorted by P95 increase, largest
 * first; rows under 100 job runs or without a P99 increase left out).
 * Appends to out.
 */
void hist_format_pr_message(const struct hist_comparison *c,
			    enum hist_kind kind, double leeway,
			    struct buf *out);

/*
 * The lines the original appends to require_review: one for increases,
 * one for decreases, each only when its count is not 0.  Appends to out
 * (nothing when there is no line).
 */
void hist_format_review(const struct hist_comparison *c, enum hist_kind kind,
			double leeway, struct buf *out);

/* The variant of one job run; strings are borrowed. */
struct hist_context {
	const char *release; /* required, not empty */
	const char *from_release;
	const char *platform, *architecture, *network, *topology;
	const char *master_nodes_updated; /* "Y", "N" or NULL */
};

/* One measurement of one run: a backend's disruption or an alert. */
struct hist_sample {
	const char *name;      /* backend or alert name */
	const char *namespace; /* alerts only */
	const char *level;     /* alerts only */
	int64_t ms;
};

/* One test's summary over a period, the original's TestSummaryByPeriodRow. */
struct hist_test_summary {
	char *release, *platform, *topology, *architecture, *test_name;
	int64_t total, failures, flakes, days_with_data;
	double failure_rate, avg_duration_ms;
};

/*
 * The tests results file, as the original writes its TestSummaryByPeriod
 * rows with json.MarshalIndent (keys Release, Platform, Topology,
 * Architecture, TestName, TotalTestCount, TotalFailureCount,
 * TotalFlakeCount, FailureRate, AvgDurationMs, PeriodStart, PeriodEnd,
 * DaysWithData), rows in the order given; nothing when n is 0.
 * period_start and period_end are "YYYY-MM-DD".  Appends to out.
 */
void hist_format_tests(const struct hist_test_summary *rows, size_t n,
		       const char *period_start, const char *period_end,
		       struct buf *out);

/*
 * Writes v as Go's encoding/json writes a float64: the shortest text
 * that reads back as v, plain for 1e-6 <= |v| < 1e21 (and 0), else with
 * an exponent ("1e-07", "1.5e+21").  v must be finite.
 */
void hist_json_float(struct buf *out, double v);

/*
 * Writes s to out as a JSON string the way Go's encoding/json does:
 * quotes; \" \\ \n \r \t \b \f; other control characters, '<', '>' and
 * '&' as \u00xx; U+2028 and U+2029 escaped; invalid UTF-8 as \ufffd.
 */
void hist_json_string(struct buf *out, const char *s);

#endif
