/*
 * report_regressions.c - `testpump report regressions`: per test and
 * job, the sample window (the last --sample-days days) against the basis
 * window (the --basis-days days before it) by Sippy's rules
 * (analysis/regression.h), and the regressions kept in the table
 * regression: opened when found, seen again while open (with relaxed
 * thresholds: hysteresis), closed when the test recovers.  Under
 * --dry-run the same rows come out and nothing is stored.
 *
 * Rows, all with the same keys: state "opened" (found by this report),
 * "open" (still regressed, or no sample runs to judge it by) or "closed"
 * (recovered in this report).  Runs in infrastructure storms are left
 * out, as in report flaky; flaky runs count as passes unless
 * --flakes-as-failures.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/regression.h"
#include "commands/report.h"
#include "commands/report_series.h"
#include "core/err.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "core/banned.h"

/* One regression open in the store. */
struct open_reg {
	int64_t id, job_id, test_id;
	char opened_at[STORE_TIME_MAX], first_seen[STORE_TIME_MAX],
		last_seen[STORE_TIME_MAX], severity[16];
	int judged;
};

struct open_list {
	struct open_reg *v;
	size_t n, cap;
};

/* What one report found for one test and job. */
struct verdict {
	const char *state; /* opened, open, closed */
	int64_t job_id, test_id;
	const char *job, *variant;
	long bp, bf, sp, sf;
	struct regression_judgement j;
	char opened_at[STORE_TIME_MAX], first_seen[STORE_TIME_MAX],
		last_seen[STORE_TIME_MAX], closed_at[STORE_TIME_MAX];
	const struct open_reg *open;
	char text[512];
};

struct ctx {
	struct request *req;
	struct store *st;
	struct regression_params p;
	int flakes_fail;
	char now[STORE_TIME_MAX], sample_from[STORE_TIME_MAX];
	char params[320];
	json_t *rows;
};

static int on_open(const struct store_row *row, void *ctx)
{
	struct open_list *l = ctx;
	struct open_reg *o;

	ALLOC_GROW(l->v, l->n + 1, l->cap);
	o = &l->v[l->n++];
	memset(o, 0, sizeof(*o));
	o->id = row->cols[0].i;
	o->job_id = row->cols[1].i;
	o->test_id = row->cols[2].i;
	snprintf(o->opened_at, sizeof(o->opened_at), "%s", row->cols[3].s);
	snprintf(o->first_seen, sizeof(o->first_seen), "%s", row->cols[4].s);
	snprintf(o->last_seen, sizeof(o->last_seen), "%s", row->cols[5].s);
	snprintf(o->severity, sizeof(o->severity), "%s", row->cols[6].s);
	return 0;
}

static int load_open(struct store *st, const char *job, const char *project,
		     struct open_list *l)
{
	struct store_value v[4] = {STORE_TEXT_V(job), STORE_TEXT_V(job),
				   STORE_TEXT_V(project),
				   STORE_TEXT_V(project)};

	return store_exec(st,
			  "SELECT g.id, g.job_id, g.test_id, g.opened_at, "
			  "g.first_seen, g.last_seen, g.severity FROM "
			  "regression g JOIN job j ON j.id = g.job_id WHERE "
			  "g.closed_at IS NULL AND (? IS NULL OR j.name = ?) "
			  "AND (? IS NULL OR EXISTS (SELECT 1 FROM job_variant "
			  "v WHERE v.job_id = j.id AND v.key = 'project' AND "
			  "v.value = ?)) ORDER BY g.id",
			  v, 4, on_open, l);
}

static struct open_reg *find_open(struct open_list *l, int64_t job,
				  int64_t test)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].job_id == job && l->v[i].test_id == test)
			return &l->v[i];
	return NULL;
}

/* Counts a series' basis and sample runs and the sample's failures. */
static void count(const struct ctx *c, const struct series_set *set,
		  const struct series *t, struct verdict *v)
{
	v->first_seen[0] = v->last_seen[0] = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct series_run *r = &set->runs[SERIES_RUN(t->cell[i])];
		uint8_t st = SERIES_STATUS(t->cell[i]);
		int sample = strcmp(r->started_at, c->sample_from) >= 0;
		int fail = st == FLAKY_FAIL ||
			   (c->flakes_fail && st == FLAKY_FLAKY);

		if (r->storm || st == FLAKY_SKIP)
			continue;
		if (!sample) {
			v->bf += fail;
			v->bp += !fail;
			continue;
		}
		v->sf += fail;
		v->sp += !fail;
		if (!fail)
			continue;
		if (!v->first_seen[0])
			snprintf(v->first_seen, sizeof(v->first_seen), "%s",
				 r->started_at);
		snprintf(v->last_seen, sizeof(v->last_seen), "%s",
			 r->started_at);
	}
}

/* Sets v's state and times from its judgement and its open regression. */
static int decide(const struct ctx *c, struct verdict *v)
{
	const struct open_reg *o = v->open;

	v->closed_at[0] = 0;
	if (!o) {
		if (v->j.verdict == REGRESSION_NONE)
			return 0;
		v->state = "opened";
		snprintf(v->opened_at, sizeof(v->opened_at), "%s", c->now);
		return 1;
	}
	snprintf(v->opened_at, sizeof(v->opened_at), "%s", o->opened_at);
	snprintf(v->first_seen, sizeof(v->first_seen), "%s", o->first_seen);
	if (!v->last_seen[0] || strcmp(v->last_seen, o->last_seen) < 0)
		snprintf(v->last_seen, sizeof(v->last_seen), "%s",
			 o->last_seen);
	v->state = "open";
	if (v->j.verdict == REGRESSION_NONE &&
	    strcmp(v->j.reason, "no-sample")) {
		v->state = "closed";
		snprintf(v->closed_at, sizeof(v->closed_at), "%s", c->now);
	}
	return 1;
}

static json_t *time_json(const char *t)
{
	return t[0] ? json_string(t) : json_null();
}

/* The verdict's severity; an open one not judged keeps its stored one. */
static const char *severity(const struct verdict *v)
{
	if (v->j.verdict == REGRESSION_NONE && v->open &&
	    !strcmp(v->state, "open"))
		return v->open->severity;
	return regression_verdict_name(v->j.verdict);
}

static int emit(struct ctx *c, const struct verdict *v)
{
	char suite[256], name[512];
	json_t *row;

	if (series_test_name(c->st, v->test_id, suite, sizeof(suite), name,
			     sizeof(name)) < 0)
		return -1;
	row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "state", v->state,
			"severity", severity(v), "job", v->job, "variant",
			v->variant, "suite", suite, "test", name);
	json_object_set_new(row, "basis_passes", json_integer(v->bp));
	json_object_set_new(row, "basis_failures", json_integer(v->bf));
	json_object_set_new(row, "sample_passes", json_integer(v->sp));
	json_object_set_new(row, "sample_failures", json_integer(v->sf));
	json_object_set_new(row, "p_value",
			    isnan(v->j.p_value) ? json_null()
						: json_real(v->j.p_value));
	json_object_set_new(row, "opened_at", time_json(v->opened_at));
	json_object_set_new(row, "first_seen", time_json(v->first_seen));
	json_object_set_new(row, "last_seen", time_json(v->last_seen));
	json_object_set_new(row, "closed_at", time_json(v->closed_at));
	json_object_set_new(row, "explanation", json_string(v->text));
	json_object_set_new(row, "parameters", json_string(c->params));
	json_array_append_new(c->rows, row);
	return 0;
}

/* Writes v to the table regression (not under --dry-run). */
static int save(struct ctx *c, const struct verdict *v)
{
	const char *sev = v->j.verdict == REGRESSION_NONE
				  ? NULL
				  : regression_verdict_name(v->j.verdict);
	struct store_value a[14];

	if (c->req->env && c->req->env->dry_run)
		return 0;
	a[0] = STORE_INT_V(v->bp);
	a[1] = STORE_INT_V(v->bf);
	a[2] = STORE_INT_V(v->sp);
	a[3] = STORE_INT_V(v->sf);
	a[4] = isnan(v->j.p_value) ? STORE_NULL_V : STORE_REAL_V(v->j.p_value);
	a[5] = STORE_TEXT_V(v->text);
	a[6] = STORE_TEXT_V(c->params);
	a[7] = STORE_TEXT_V(v->last_seen[0] ? v->last_seen : v->first_seen);
	if (v->open) {
		a[8] = STORE_TEXT_V(sev);
		a[9] = STORE_TEXT_V(v->closed_at[0] ? v->closed_at : NULL);
		a[10] = STORE_INT_V(v->open->id);
		return store_exec(
			c->st,
			"UPDATE regression SET basis_passes = ?, basis_failures "
			"= ?, sample_passes = ?, sample_failures = ?, p_value = "
			"?, explanation = ?, parameters = ?, last_seen = ?, "
			"severity = COALESCE(?, severity), closed_at = ? "
			"WHERE id = ?",
			a, 11, NULL, NULL);
	}
	a[8] = STORE_TEXT_V(sev);
	a[9] = STORE_INT_V(v->job_id);
	a[10] = STORE_INT_V(v->test_id);
	a[11] = STORE_TEXT_V(v->variant);
	a[12] = STORE_TEXT_V(v->opened_at);
	a[13] = STORE_TEXT_V(v->first_seen[0] ? v->first_seen : v->opened_at);
	return store_exec(
		c->st,
		"INSERT INTO regression (basis_passes, "
		"basis_failures, sample_passes, sample_failures, "
		"p_value, explanation, parameters, last_seen, "
		"severity, job_id, test_id, variant, opened_at, "
		"first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
		"?, ?, ?)",
		a, 14, NULL, NULL);
}

/* Judges, records and reports one verdict. */
static int conclude(struct ctx *c, struct verdict *v)
{
	char why[400];

	regression_judge(v->bp, v->bf, v->sp, v->sf, v->open != NULL, &c->p,
			 &v->j);
	if (!decide(c, v))
		return 0;
	regression_explain(&v->j, v->bp, v->bf, v->sp, v->sf, why, sizeof(why));
	snprintf(v->text, sizeof(v->text), "%s %s",
		 !strcmp(v->state, "opened")   ? "Regressed:"
		 : !strcmp(v->state, "closed") ? "Recovered:"
		 : v->j.verdict == REGRESSION_NONE
			 ? "Still open (not judged):"
			 : "Still regressed (open, thresholds relaxed):",
		 why);
	if (save(c, v) < 0)
		return -1;
	return emit(c, v);
}

static int judge_all(struct ctx *c, const struct series_set *set,
		     struct open_list *open)
{
	for (size_t i = 0; i < set->nseries; i++) {
		const struct series *t = &set->series[i];
		const struct series_job *job = &set->jobs[t->job];
		struct verdict v = {.job_id = job->id,
				    .test_id = t->test_id,
				    .job = job->name,
				    .variant = job->variant};
		struct open_reg *o = find_open(open, job->id, t->test_id);

		if (o)
			o->judged = 1;
		v.open = o;
		count(c, set, t, &v);
		if (conclude(c, &v) < 0)
			return -1;
	}
	return 0;
}

/* Open regressions whose test had no runs in the windows at all. */
static int judge_unseen(struct ctx *c, struct open_list *open)
{
	for (size_t i = 0; i < open->n; i++) {
		struct open_reg *o = &open->v[i];
		char name[256] = "", variant[512] = "";
		struct store_value v1 = STORE_INT_V(o->job_id),
				   v2 = STORE_INT_V(o->id);
		struct verdict v = {.job_id = o->job_id,
				    .test_id = o->test_id,
				    .job = name,
				    .variant = variant,
				    .open = o};

		if (o->judged)
			continue;
		if (store_query_text(c->st, "SELECT name FROM job WHERE id = ?",
				     &v1, 1, name, sizeof(name)) < 0 ||
		    store_query_text(c->st,
				     "SELECT variant FROM regression WHERE id "
				     "= ?",
				     &v2, 1, variant, sizeof(variant)) < 0)
			return -1;
		v.last_seen[0] = 0;
		if (conclude(c, &v) < 0)
			return -1;
	}
	return 0;
}

static void setup(struct ctx *c, struct request *req, char *basis_from)
{
	int64_t now = timestamp_now_ms();
	int64_t sample = request_int(req, "sample-days") * 86400000;
	int64_t basis = request_int(req, "basis-days") * 86400000;
	char ptext[240];

	c->p = regression_defaults();
	c->p.confidence = request_float(req, "confidence");
	c->p.pity = request_float(req, "pity");
	c->p.min_failures = (long)request_int(req, "min-failures");
	c->flakes_fail = request_flag(req, "flakes-as-failures");
	store_time(now, c->now);
	store_time(now - sample, c->sample_from);
	store_time(now - sample - basis, basis_from);
	regression_params_text(&c->p, ptext, sizeof(ptext));
	snprintf(c->params, sizeof(c->params),
		 "%s basis_days=%lld sample_days=%lld flakes_as_failures=%d",
		 ptext, (long long)request_int(req, "basis-days"),
		 (long long)request_int(req, "sample-days"), c->flakes_fail);
}

int report_regressions_compute(struct request *req, struct store *st,
			       json_t *rows)
{
	struct ctx c = {.req = req, .st = st, .rows = rows};
	struct flaky_params fp = flaky_defaults();
	struct open_list open = {0};
	struct series_set set;
	char basis_from[STORE_TIME_MAX];
	int dry = req->env && req->env->dry_run, rc = -1;

	setup(&c, req, basis_from);
	if (series_load(st, request_str(req, "job"),
			request_str(req, "project"), basis_from, c.now, &fp,
			&set) < 0)
		goto out;
	if (!dry && store_begin(st) < 0)
		goto out;
	if (load_open(st, request_str(req, "job"), request_str(req, "project"),
		      &open) < 0 ||
	    judge_all(&c, &set, &open) < 0 || judge_unseen(&c, &open) < 0) {
		if (!dry)
			store_rollback(st);
		goto out;
	}
	rc = dry ? 0 : store_commit(st);
out:
	free(open.v);
	series_release(&set);
	return rc;
}
