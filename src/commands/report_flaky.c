/*
 * report_flaky.c - `testpump report flaky`: per test and job, the flake
 * rate with a Wilson 95% interval, the flip rate, breakages and
 * infrastructure storms (analysis/flaky.h), each row with its
 * explanation and parameters.
 *
 * Rows, all with the same keys: kind "flaky" (the flaky tests, by flake
 * rate, highest first), "broken" (tests with a failure streak of three
 * or more and too few flakes to be flaky), "storm" (runs where more than
 * 80% of the tests failed, left out of every statistic; test is null).
 * Stable tests are not listed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/flaky.h"
#include "commands/report.h"
#include "commands/report_series.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "core/banned.h"

struct found {
	const struct series *t;
	struct flaky_stats s;
	int flaky;
};

/* The report's window: [from, to] as RFC 3339; from "" for all time. */
static void window(const struct request *req, char *from, char *to)
{
	int64_t now = timestamp_now_ms(), days = report_days(req);

	store_time(now, to);
	from[0] = 0;
	if (days)
		store_time(now - days * 86400000, from);
}

/* The series' verdicts without storm runs into status (and pos). */
static size_t calm(const struct series_set *set, const struct series *t,
		   uint8_t *status, uint32_t *pos)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n; i++) {
		if (set->runs[SERIES_RUN(t->cell[i])].storm)
			continue;
		status[n] = SERIES_STATUS(t->cell[i]);
		pos[n++] = SERIES_RUN(t->cell[i]);
	}
	return n;
}

static int by_kind_rate(const void *a, const void *b)
{
	const struct found *x = a, *y = b;

	if (x->flaky != y->flaky)
		return y->flaky - x->flaky;
	if (x->s.flake_rate != y->s.flake_rate)
		return x->s.flake_rate < y->s.flake_rate ? 1 : -1;
	if (x->t->job != y->t->job)
		return x->t->job < y->t->job ? -1 : 1;
	return x->t->test_id < y->t->test_id ? -1
					     : x->t->test_id > y->t->test_id;
}

/* A rate for the rows, to 4 decimal places (a table stays narrow). */
static json_t *rate(double r)
{
	return json_real(round(r * 10000) / 10000);
}

static json_t *row_new(const char *kind, const struct series_job *job)
{
	return json_pack("{s:s, s:s, s:s}", "kind", kind, "job", job->name,
			 "variant", job->variant);
}

/* The sentence about breakages, or "" when there were none. */
static void broken_text(const struct series_set *set,
			const struct flaky_stats *s, const uint32_t *pos,
			char *out, size_t size)
{
	const struct series_run *a, *b;

	out[0] = 0;
	if (!s->breakages)
		return;
	a = &set->runs[pos[s->last_break_first]];
	b = &set->runs[pos[s->last_break_last]];
	snprintf(
		out, size,
		" Broken %ld time%s (%ld runs failing in streaks of 3 or more, "
		"not counted as flakes); the last streak failed %ld runs "
		"in a row from run %s (%s) to run %s%s.",
		s->breakages, s->breakages == 1 ? "" : "s", s->broken_runs,
		s->last_break_last - s->last_break_first + 1, a->run_id,
		a->started_at, b->run_id,
		s->still_broken ? ", and is still failing" : "");
}

static void explain(const struct series_set *set, const struct found *f,
		    const uint32_t *pos, char *out, size_t size)
{
	const struct flaky_stats *s = &f->s;
	char broken[320], last[160] = "";

	broken_text(set, s, pos, broken, sizeof(broken));
	if (s->last_flake >= 0)
		snprintf(last, sizeof(last), "; the last flake was run %s (%s)",
			 set->runs[pos[s->last_flake]].run_id,
			 set->runs[pos[s->last_flake]].started_at);
	snprintf(out, size,
		 "%s: %ld of %ld runs flaked (%.1f%%, 95%% interval "
		 "%.1f%%-%.1f%%): %ld passed on retry, %ld failed alone or "
		 "in streaks of under 3; %ld flips (%.1f%%)%s.%s",
		 f->flaky ? "Flaky" : "Broken, not flaky", s->flakes,
		 s->runs - s->broken_runs, 100 * s->flake_rate,
		 100 * s->flake_low, 100 * s->flake_high, s->flaky_runs,
		 s->flakes - s->flaky_runs, s->flips, 100 * s->flip_rate, last,
		 broken);
}

static int add_test_row(struct store *st, const struct series_set *set,
			const struct found *f, const uint32_t *pos,
			const char *params, json_t *rows)
{
	json_t *row =
		row_new(f->flaky ? "flaky" : "broken", &set->jobs[f->t->job]);
	char suite[256], name[512], text[1024];

	if (series_test_name(st, f->t->test_id, suite, sizeof(suite), name,
			     sizeof(name)) < 0) {
		json_decref(row);
		return -1;
	}
	explain(set, f, pos, text, sizeof(text));
	json_object_set_new(row, "suite", json_string(suite));
	json_object_set_new(row, "test", json_string(name));
	json_object_set_new(row, "run", json_null());
	json_object_set_new(row, "runs", json_integer(f->s.runs));
	json_object_set_new(row, "flakes", json_integer(f->s.flakes));
	json_object_set_new(row, "flake_rate", rate(f->s.flake_rate));
	json_object_set_new(row, "flake_low", rate(f->s.flake_low));
	json_object_set_new(row, "flake_high", rate(f->s.flake_high));
	json_object_set_new(row, "flips", json_integer(f->s.flips));
	json_object_set_new(row, "flip_rate", rate(f->s.flip_rate));
	json_object_set_new(row, "broken_runs", json_integer(f->s.broken_runs));
	json_object_set_new(
		row, "last_flake",
		f->s.last_flake >= 0
			? json_string(
				  set->runs[pos[f->s.last_flake]].started_at)
			: json_null());
	json_object_set_new(row, "explanation", json_string(text));
	json_object_set_new(row, "parameters", json_string(params));
	json_array_append_new(rows, row);
	return 0;
}

static void add_storm_row(const struct series_set *set,
			  const struct series_run *r,
			  const struct flaky_params *p, const char *params,
			  json_t *rows)
{
	json_t *row = row_new("storm", &set->jobs[r->job]);
	char text[512];

	snprintf(text, sizeof(text),
		 "Infrastructure storm: run %s (%s) failed %ld of %ld tests "
		 "(%.1f%%), more than %.0f%%; its results are left out of "
		 "the flake statistics.",
		 r->run_id, r->started_at, r->failed, r->tests,
		 100.0 * (double)r->failed / (double)r->tests,
		 100 * p->storm_share);
	json_object_set_new(row, "suite", json_null());
	json_object_set_new(row, "test", json_null());
	json_object_set_new(row, "run", json_string(r->run_id));
	json_object_set_new(row, "runs", json_integer(1));
	json_object_set_new(row, "flakes", json_null());
	json_object_set_new(row, "flake_rate", json_null());
	json_object_set_new(row, "flake_low", json_null());
	json_object_set_new(row, "flake_high", json_null());
	json_object_set_new(row, "flips", json_null());
	json_object_set_new(row, "flip_rate", json_null());
	json_object_set_new(row, "broken_runs", json_null());
	json_object_set_new(row, "last_flake", json_null());
	json_object_set_new(row, "explanation", json_string(text));
	json_object_set_new(row, "parameters", json_string(params));
	json_array_append_new(rows, row);
}

/* Finds the flaky and broken series of set into *out (*nout of them). */
static struct found *find(const struct series_set *set,
			  const struct flaky_params *p, size_t *nout)
{
	size_t most = 0, n = 0;
	struct found *out = xcalloc(set->nseries + 1, sizeof(*out));
	uint8_t *status;
	uint32_t *pos;

	for (size_t i = 0; i < set->nseries; i++)
		most = set->series[i].n > most ? set->series[i].n : most;
	status = xmalloc(most + 1);
	pos = xmalloc((most + 1) * sizeof(*pos));
	for (size_t i = 0; i < set->nseries; i++) {
		struct found *f = &out[n];
		size_t k = calm(set, &set->series[i], status, pos);

		flaky_series(status, k, p, &f->s);
		f->t = &set->series[i];
		f->flaky = flaky_is_flaky(&f->s, p);
		if (f->flaky || f->s.breakages)
			n++;
	}
	free(status);
	free(pos);
	qsort(out, n, sizeof(*out), by_kind_rate);
	*nout = n;
	return out;
}

int report_flaky_compute(struct request *req, struct store *st, json_t *rows)
{
	struct flaky_params p = flaky_defaults();
	char from[STORE_TIME_MAX], to[STORE_TIME_MAX], params[256], ptext[200];
	struct series_set set;
	struct found *found = NULL;
	size_t n = 0;
	int rc = -1;

	window(req, from, to);
	flaky_params_text(&p, ptext, sizeof(ptext));
	snprintf(params, sizeof(params), "%s days=%lld", ptext,
		 (long long)report_days(req));
	if (series_load(st, request_str(req, "job"),
			request_str(req, "project"), from[0] ? from : NULL, to,
			&p, &set) < 0)
		goto out;
	found = find(&set, &p, &n);
	for (size_t i = 0; i < n; i++) {
		uint8_t *status = xmalloc(found[i].t->n + 1);
		uint32_t *pos = xmalloc((found[i].t->n + 1) * sizeof(*pos));
		int r;

		calm(&set, found[i].t, status, pos);
		r = add_test_row(st, &set, &found[i], pos, params, rows);
		free(status);
		free(pos);
		if (r < 0)
			goto out;
	}
	for (size_t i = 0; i < set.nruns; i++)
		if (set.runs[i].storm)
			add_storm_row(&set, &set.runs[i], &p, params, rows);
	rc = 0;
out:
	free(found);
	series_release(&set);
	return rc;
}
