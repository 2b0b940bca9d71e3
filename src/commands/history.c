/*
 * history.c - history: compare new historical percentile data with the
 * current one, as the job-run-aggregator's analyze-historical-data
 * (seed-systems.md 2.4).
 *
 * The current data is a percentile file (ingest/percentiles.h); the new
 * data is another (--new) or is computed from the per-run disruptions
 * and alerts in the store (store/history.h).  The comparison and the
 * three outputs are in analysis/history.h.  Every output is computed
 * before any is written, and each is written whole or not at all
 * (core/atomicfile.h): a bad input leaves every file as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/history.h"
#include "commands/commands.h"
#include "core/atomicfile.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "ingest/percentiles.h"
#include "store/history.h"
#include "core/banned.h"

/* The original's windows: disruptions over 30 days, alerts last week. */
#define DISRUPTION_DAYS 30
#define ALERT_DAYS 7
#define TEST_DAYS 30
#define TEST_MIN_RUNS 100
#define TEST_MIN_DAYS 10

/* One file to write, prepared in full before any is written. */
struct output {
	char *path;
	struct buf data;
	enum atomicfile_mode mode;
};

struct history_job {
	struct request *req;
	json_t *resp;
	const char *type;
	char *target, *previous;
	struct output out[3];
	size_t nout;
};

static struct output *add_output(struct history_job *h, char *path,
				 enum atomicfile_mode mode)
{
	struct output *o = &h->out[h->nout++];

	o->path = path;
	buf_init(&o->data);
	o->mode = mode;
	return o;
}

/* "dir/name" for a file beside the output file, or "name" in cwd. */
static char *beside(const char *output_file, const char *name)
{
	const char *slash = strrchr(output_file, '/');

	if (!slash)
		return xstrdup(name);
	return xasprintf("%.*s/%s", (int)(slash - output_file + 1), output_file,
			 name);
}

/* Writes every prepared output, or logs what would be written. */
static int write_outputs(struct history_job *h)
{
	json_t *written = json_array();

	for (size_t i = 0; i < h->nout; i++) {
		struct output *o = &h->out[i];
		const char *how =
			o->mode == ATOMICFILE_APPEND ? "append" : "write";

		if (h->req->env->dry_run) {
			log_info("would %s %zu bytes to '%s'", how, o->data.len,
				 o->path);
			continue;
		}
		if (atomicfile_write(o->path, o->data.data, o->data.len,
				     o->mode) < 0) {
			json_decref(written);
			return -1;
		}
		json_array_append_new(written, json_string(o->path));
	}
	json_object_set_new(h->resp, "written", written);
	return 0;
}

static void release_job(struct history_job *h)
{
	for (size_t i = 0; i < h->nout; i++) {
		free(h->out[i].path);
		buf_release(&h->out[i].data);
	}
	free(h->target);
	free(h->previous);
}

/* Target and previous release: the options, else the store's newest. */
static int pick_releases(struct history_job *h)
{
	const char *t = request_str(h->req, "target-release");
	const char *p = request_str(h->req, "previous-release");
	struct store *st;

	if (t) {
		h->target = xstrdup(t);
		h->previous = p ? xstrdup(p) : NULL;
		return 0;
	}
	if (request_store_current(h->req, &st) < 0) {
		char *why = xstrdup(err_msg());

		err_set("cannot choose the releases to compare without "
			"'--target-release' and '--previous-release': %s",
			why);
		free(why);
		return -1;
	}
	if (history_store_releases(st, &h->target, &h->previous) < 0)
		return -1;
	log_info("using target release %s, previous release %s", h->target,
		 h->previous);
	return 0;
}

static json_t *change(const struct hist_row *r, const char *what,
		      const struct hist_job *j)
{
	char p95[32], p99[32], prev95[32] = "", prev99[32] = "";

	hist_duration_string(r->p95_ms * 1000000, p95);
	hist_duration_string(r->p99_ms * 1000000, p99);
	if (j && j->matched) {
		hist_duration_string(j->prev_p95_ns, prev95);
		hist_duration_string(j->prev_p99_ns, prev99);
	}
	return json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s*, s:s*, s:f, "
			 "s:f}",
			 "change", what, "key", r->key, "release", r->release,
			 "job_runs", (json_int_t)r->job_runs, "p95", p95, "p99",
			 p99, "previous_p95", *prev95 ? prev95 : NULL,
			 "previous_p99", *prev99 ? prev99 : NULL,
			 "p95_increase_pct", j ? j->pct_p95 : 0.0,
			 "p99_increase_pct", j ? j->pct_p99 : 0.0);
}

/* The response's list: every row that was added, changed or is gone. */
static json_t *changes(const struct hist_comparison *c)
{
	json_t *list = json_array();

	for (size_t i = 0; i < c->njobs; i++) {
		const struct hist_job *j = &c->jobs[i];
		const char *what = !j->matched	    ? "added"
				   : j->diff_p99_ns ? "increased"
				   : j->decreased   ? "decreased"
				   : j->diff_p95_ns ? "p95-increased"
						    : NULL;

		if (what)
			json_array_append_new(list, change(j->row, what, j));
	}
	for (size_t i = 0; i < c->nmissing; i++)
		json_array_append_new(list,
				      change(c->missing[i], "missing", NULL));
	return list;
}

static int load_new(struct history_job *h, struct hist_set *new,
		    const char **source)
{
	const char *path = request_str(h->req, "new");
	struct store *st;
	int alerts = new->kind == HIST_ALERTS;

	if (path) {
		*source = "file";
		return percentiles_read(path, new);
	}
	*source = "store";
	if (request_store_current(h->req, &st) < 0)
		return -1;
	return history_store_percentiles(st, new->kind, timestamp_now_ms(),
					 alerts ? ALERT_DAYS : DISRUPTION_DAYS,
					 new);
}

static void describe(struct history_job *h, const char *source, size_t ncur,
		     size_t nnew, const struct hist_comparison *c,
		     const char *output_file, const char *message)
{
	json_t *r = h->resp;

	json_object_set_new(r, "data_type", json_string(h->type));
	json_object_set_new(r, "source", json_string(source));
	json_object_set_new(r, "target_release", json_string(h->target));
	json_object_set_new(r, "previous_release",
			    h->previous ? json_string(h->previous)
					: json_null());
	json_object_set_new(r, "leeway",
			    json_real(request_float(h->req, "leeway")));
	json_object_set_new(r, "current_rows", json_integer((json_int_t)ncur));
	json_object_set_new(r, "new_rows", json_integer((json_int_t)nnew));
	json_object_set_new(r, "compared",
			    json_integer((json_int_t)(c ? c->njobs : 0)));
	json_object_set_new(r, "increases", json_integer(c ? c->increases : 0));
	json_object_set_new(r, "decreases", json_integer(c ? c->decreases : 0));
	json_object_set_new(r, "added",
			    json_integer((json_int_t)(c ? c->nadded : 0)));
	json_object_set_new(r, "missing",
			    json_integer((json_int_t)(c ? c->nmissing : 0)));
	json_object_set_new(r, "output_file", json_string(output_file));
	if (!json_object_get(r, "written"))
		json_object_set_new(r, "written", json_array());
	json_object_set_new(r, "message", json_string(message));
	json_object_set_new(r, "dry_run", json_boolean(h->req->env->dry_run));
	json_object_set_new(r, "changes", c ? changes(c) : json_array());
}

static void warn_duplicates(const char *what, size_t n)
{
	if (n)
		log_warn("%s data repeats the key of an earlier row %zu "
			 "time%s; the later row is used, as in the original",
			 what, n, n == 1 ? "" : "s");
}

static int compare_percentiles(struct history_job *h, enum hist_kind kind,
			       const char *output_file)
{
	struct hist_set cur, new;
	struct hist_comparison c = {0};
	double leeway = request_float(h->req, "leeway");
	const char *source = "file";
	char *msg = NULL;
	int rc = -1;

	hist_set_init(&cur, kind);
	hist_set_init(&new, kind);
	if (percentiles_read(request_str(h->req, "current"), &cur) < 0)
		goto out;
	if (!cur.count) {
		err_set("'%s' holds no rows: there is nothing to compare with",
			request_str(h->req, "current"));
		goto out;
	}
	if (load_new(h, &new, &source) < 0)
		goto out;
	if (!new.count) {
		err_set("the new %s data (%s) holds no rows; nothing was "
			"written",
			h->type, source);
		goto out;
	}
	hist_compare(&cur, &new, h->previous, h->target, leeway, &c);
	warn_duplicates("current", c.duplicates_current);
	warn_duplicates("new", c.duplicates_new);
	if (!c.njobs) {
		err_set("no new row belongs to release '%s' or '%s'; nothing "
			"was written",
			h->previous, h->target);
		goto out;
	}
	hist_format_results(
		&c, kind,
		&add_output(h, xstrdup(output_file), ATOMICFILE_REPLACE)->data);
	hist_format_pr_message(&c, kind, leeway,
			       &add_output(h,
					   beside(output_file, "pr_message.md"),
					   ATOMICFILE_APPEND)
					->data);
	hist_format_review(&c, kind, leeway,
			   &add_output(h, beside(output_file, "require_review"),
				       ATOMICFILE_APPEND)
				    ->data);
	if (!h->out[2].data.len)
		free(h->out[--h->nout]
			     .path); /* no line: the file is untouched */
	msg = xasprintf("successfully compared (%s) with specified leeway of "
			"%.2f%%",
			h->type, leeway);
	describe(h, source, cur.count, new.count, &c, output_file, msg);
	if (write_outputs(h) < 0)
		goto out;
	rc = API_EXIT_OK;
out:
	free(msg);
	hist_comparison_release(&c);
	hist_set_release(&cur);
	hist_set_release(&new);
	return rc;
}

/* --data-type tests: the store's per-test summary of the target release. */
static int summarise_tests(struct history_job *h, const char *output_file)
{
	struct history_tests t;
	struct store *st;
	size_t enough = 0;
	char *msg;

	if (request_store_current(h->req, &st) < 0 ||
	    history_store_tests(st, h->target, request_str(h->req, "suite"),
				timestamp_now_ms(), TEST_DAYS, TEST_MIN_RUNS,
				&t) < 0)
		return -1;
	for (size_t i = 0; i < t.count; i++)
		enough += t.rows[i].days_with_data >= TEST_MIN_DAYS;
	if (enough) {
		hist_format_tests(
			t.rows, t.count, t.period_start, t.period_end,
			&add_output(h, xstrdup(output_file), ATOMICFILE_REPLACE)
				 ->data);
		if (write_outputs(h) < 0) {
			history_tests_release(&t);
			return -1;
		}
		msg = xasprintf("successfully fetched %zu test results and "
				"wrote to %s",
				t.count, output_file);
	} else {
		json_object_set_new(h->resp, "written", json_array());
		msg = xasprintf("no test of release %s has %d days of data in "
				"the last %d days; '%s' was kept as it was",
				h->target, TEST_MIN_DAYS, TEST_DAYS,
				output_file);
		log_warn("%s", msg);
	}
	describe(h, "store", 0, t.count, NULL, output_file, msg);
	free(msg);
	history_tests_release(&t);
	return API_EXIT_OK;
}

static int history(struct request *req, json_t *resp)
{
	struct history_job h = {.req = req, .resp = resp};
	const char *type = request_str(req, "data-type");
	const char *output_file = request_str(req, "output-file");
	char *default_output = xasprintf("results_%s.json", type);
	int rc = -1;

	h.type = type;
	if (!output_file)
		output_file = default_output;
	if (pick_releases(&h) < 0)
		goto out;
	if (!strcmp(type, "tests"))
		rc = summarise_tests(&h, output_file);
	else
		rc = compare_percentiles(&h,
					 !strcmp(type, "alerts")
						 ? HIST_ALERTS
						 : HIST_DISRUPTIONS,
					 output_file);
out:
	release_job(&h);
	free(default_output);
	return rc;
}

static int history_check(const struct request *req)
{
	const char *t = request_str(req, "target-release");
	const char *p = request_str(req, "previous-release");
	int tests = !strcmp(request_str(req, "data-type"), "tests");

	if (t && !p && !tests)
		return err_set("option '--target-release' needs "
			       "'--previous-release' (except with "
			       "'--data-type tests')");
	if (p && !t)
		return err_set("option '--previous-release' needs "
			       "'--target-release'");
	if (t && p && !strcmp(t, p))
		return err_set("options '--target-release' and "
			       "'--previous-release' name the same release "
			       "'%s'",
			       t);
	if (tests && request_str(req, "new"))
		return err_set("option '--new' is for disruptions and alerts; "
			       "tests come from the store");
	return 0;
}

static void mock_success(const struct request *req, json_t *resp)
{
	struct hist_row r = {
		.key = "kube-api-new-connections_4.15_4.16_amd64_aws_ovn_ha",
		.release = "4.16",
		.job_runs = 312,
		.p95_ms = 2300,
		.p99_ms = 6100,
	};
	struct hist_job j = {
		.row = &r,
		.matched = 1,
		.prev_p95_ns = 2000000000,
		.prev_p99_ns = 4500000000,
		.diff_p95_ns = 300000000,
		.diff_p99_ns = 1600000000,
		.pct_p95 = 15.0,
		.pct_p99 = 35.555555555555557,
	};
	struct hist_comparison c = {
		.jobs = &j, .njobs = 1, .increases = 1, .decreases = 0};
	struct history_job h = {.req = (struct request *)req,
				.resp = resp,
				.type = "disruptions",
				.target = "4.16",
				.previous = "4.15"};
	const struct request mock = {
		.options = json_pack("{s:f}", "leeway", 30.0), .env = req->env};

	h.req = (struct request *)&mock;
	describe(&h, "file", 1841, 1850, &c, "results_disruptions.json",
		 "successfully compared (disruptions) with specified leeway of "
		 "30.00%");
	json_object_set_new(resp, "compared", json_integer(1850));
	json_object_set_new(resp, "added", json_integer(9));
	json_object_set_new(resp, "written",
			    json_pack("[s, s, s]", "results_disruptions.json",
				      "pr_message.md", "require_review"));
	json_decref(mock.options);
}

static const char *const data_types[] = {"disruptions", "alerts", "tests",
					 NULL};

const struct command cmd_history = {
	.name = "history",
	.summary = "compare new historical percentile data with the current "
		   "one",
	.description =
		"Compares new disruption or alert percentiles (P50, P75, P95, "
		"P99 per backend or alert and job variant) with the current "
		"ones, as the job-run-aggregator's analyze-historical-data: "
		"the new rows of the previous and the target release are "
		"matched with the current rows by key; a P95 or P99 increase "
		"beyond the leeway (percent) is reported, P99 increases and "
		"decreases (without leeway) are counted, and rows added or "
		"missing are listed. The new data is --new, or is computed "
		"from the disruptions and alerts ingested into the store. It "
		"writes the results file (the new rows of the two releases, "
		"sorted by key; default results_<type>.json) and appends to "
		"pr_message.md and require_review beside it, as the original "
		"does, so a rerun rewrites the results file with the same "
		"bytes and appends the same text again. With --data-type "
		"tests it writes the store's per-test summary of the target "
		"release over 30 days (tests with 100 runs or more), keeping "
		"the file as it was when no test has 10 days of data. Every "
		"file is written whole or not at all.",
	.options =
		(const struct opt_spec[]){
			{"data-type", OPT_CHOICE, OPT_REQUIRED, "TYPE",
			 "disruptions, alerts or tests", data_types, 0, 0,
			 NULL},
			{"current", OPT_PATH, OPT_REQUIRED | OPT_EXISTS, "FILE",
			 "the current percentile file (query_results.json); "
			 "unused with --data-type tests",
			 NULL, 0, 0, NULL},
			{"new", OPT_PATH, OPT_EXISTS, "FILE",
			 "the new percentile file (default: computed from the "
			 "store)",
			 NULL, 0, 0, NULL},
			{"leeway", OPT_FLOAT, OPT_REQUIRED, "PCT",
			 "percent an increase may reach before it counts", NULL,
			 0, 1e9, NULL},
			{"output-file", OPT_PATH, 0, "FILE",
			 "the results file (default results_<type>.json)", NULL,
			 0, 0, NULL},
			{"target-release", OPT_STRING, 0, "R",
			 "the release to compare (default: the store's newest)",
			 NULL, 0, 0, NULL},
			{"previous-release", OPT_STRING, 0, "R",
			 "the release before it (required with "
			 "--target-release)",
			 NULL, 0, 0, NULL},
			{"suite", OPT_STRING, 0, "S",
			 "with --data-type tests: only this JUnit suite", NULL,
			 0, 0, NULL},
			{0},
		},
	.response =
		(const struct resp_field[]){
			{"data_type", RESP_STRING, 0,
			 "disruptions, alerts or "
			 "tests"},
			{"source", RESP_STRING, 0,
			 "where the new data came from: file or store"},
			{"target_release", RESP_STRING, 0,
			 "the target release"},
			{"previous_release", RESP_STRING, RESP_NULLABLE,
			 "the release before it"},
			{"leeway", RESP_NUMBER, 0, "the leeway, percent"},
			{"current_rows", RESP_INT, 0, "rows of current data"},
			{"new_rows", RESP_INT, 0, "rows of new data"},
			{"compared", RESP_INT, 0,
			 "new rows of the two releases, written to the results "
			 "file"},
			{"increases", RESP_INT, 0,
			 "P99 increases beyond the leeway"},
			{"decreases", RESP_INT, 0, "P99 decreases"},
			{"added", RESP_INT, 0,
			 "new rows without a current row"},
			{"missing", RESP_INT, 0,
			 "current rows without a new row (distinct)"},
			{"output_file", RESP_STRING, 0, "the results file"},
			{"written", RESP_ARRAY, 0,
			 "files written (none in a dry run)"},
			{"message", RESP_STRING, 0,
			 "the original's summary "
			 "line"},
			{"dry_run", RESP_BOOL, 0, "nothing was written"},
			{"changes", RESP_ARRAY, 0,
			 "{change, key, release, job_runs, p95, p99, "
			 "previous_p95, previous_p99, p95_increase_pct, "
			 "p99_increase_pct}"},
			{0},
		},
	.rows_key = "changes",
	.handler = history,
	.check = history_check,
	.mock_success = mock_success,
};
