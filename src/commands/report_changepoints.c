/*
 * report_changepoints.c - report change-points: where each test's failure
 * rate changed in its job's build order (analysis/changepoint.h).
 *
 * One query reads every run verdict (test_run_status) in the window,
 * ordered by test, job and start, so each (test, job) series arrives
 * whole; a series whose runs never failed is dropped as it ends (it can
 * have no change).  Runs of one payload that follow each other are one
 * build: a change falls only between builds.  Found changes are stored in
 * change_point (replacing those of the analysed tests) unless --dry-run.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/changepoint.h"
#include "commands/report.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "core/banned.h"

/* One change found, with the job runs its indexes point at. */
struct found {
	int64_t job_id, test_id;
	struct changepoint cp;
	size_t nruns;	/* the series' length */
	int64_t run[3]; /* job_run ids: nominal, lower, upper */
};

struct scan {
	const struct changepoint_params *p;
	int64_t job_id, test_id;
	struct changepoint_run *runs;
	int64_t *run_ids;
	size_t n, cap;
	int64_t failing;
	struct found *found;
	size_t nfound, found_cap;
	int64_t series;
};

/* Analyses the series in s and forgets it. */
static void flush(struct scan *s)
{
	struct changepoint *cp;
	size_t n;

	if (s->n && s->failing) {
		s->series++;
		changepoint_find(s->runs, s->n, s->p, &cp, &n);
		for (size_t i = 0; i < n; i++) {
			struct found *f;

			if (s->nfound == s->found_cap) {
				s->found_cap =
					s->found_cap ? 2 * s->found_cap : 16;
				s->found = xreallocarray(s->found, s->found_cap,
							 sizeof(*s->found));
			}
			f = &s->found[s->nfound++];
			f->job_id = s->job_id;
			f->test_id = s->test_id;
			f->cp = cp[i];
			f->nruns = s->n;
			f->run[0] = s->run_ids[cp[i].index];
			f->run[1] = s->run_ids[cp[i].lower];
			f->run[2] = s->run_ids[cp[i].upper];
		}
		free(cp);
	}
	s->n = 0;
	s->failing = 0;
}

/* Columns: job_id, test_id, job_run id, payload_id, attempts, failures. */
static int on_run(const struct store_row *row, void *ctx)
{
	struct scan *s = ctx;
	const struct store_value *c = row->cols;
	struct changepoint_run *r;
	int64_t attempts = c[4].i, failures = c[5].i;

	if (s->n && (c[0].i != s->job_id || c[1].i != s->test_id))
		flush(s);
	s->job_id = c[0].i;
	s->test_id = c[1].i;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->runs = xreallocarray(s->runs, s->cap, sizeof(*s->runs));
		s->run_ids =
			xreallocarray(s->run_ids, s->cap, sizeof(*s->run_ids));
	}
	r = &s->runs[s->n];
	s->run_ids[s->n++] = c[2].i;
	/* A run of no payload is a build of its own. */
	r->build = c[3].type == STORE_INT ? c[3].i : -c[2].i;
	r->unexpected = failures > 0;
	r->retried = failures > 0 && attempts >= 2;
	r->unexpected_after_retry = r->retried && failures >= attempts;
	s->failing += failures > 0;
	return 0;
}

static const char series_sql[] =
	"SELECT r.job_id, s.test_id, r.id, r.payload_id, s.attempts, "
	"s.failures FROM test_run_status s JOIN job_run r ON r.id = "
	"s.job_run_id WHERE s.status <> 'skip' AND (? = 0 OR r.job_id = ?) "
	"AND (? IS NULL OR r.started_at >= ?) AND (? IS NULL OR s.test_id "
	"IN (SELECT id FROM test WHERE name = ? OR classname || '.' || name "
	"= ? OR suite || '/' || classname || '/' || name = ?)) "
	"ORDER BY s.test_id, r.job_id, r.started_at, r.id";

/* The text of a one-text query into out (cut), "" when no row. */
static int text_of(struct store *st, const char *sql, int64_t id, char *out,
		   size_t size)
{
	struct store_value v = STORE_INT_V(id);

	return store_query_text(st, sql, &v, 1, out, size) < 0 ? -1 : 0;
}

/* The job's variants, 'key=value,...' by key, into b. */
static int variant_of(struct store *st, int64_t job_id, struct buf *b)
{
	char tmp[4096];

	buf_reset(b);
	if (text_of(st,
		    store_sql_pick(st,
				   "SELECT group_concat(kv, ',') FROM (SELECT "
				   "key || '=' || value AS kv FROM job_variant "
				   "WHERE job_id = ? ORDER BY key)",
				   "SELECT string_agg(key || '=' || value, ',' "
				   "ORDER BY key) FROM job_variant WHERE "
				   "job_id = ?"),
		    job_id, tmp, sizeof(tmp)) < 0)
		return -1;
	buf_adds(b, tmp);
	return 0;
}

/* The run id and start of job run id, into run[64] and at[32]. */
static int run_of(struct store *st, int64_t id, char *run, char *at)
{
	if (text_of(st, "SELECT run_id FROM job_run WHERE id = ?", id, run,
		    64) < 0 ||
	    text_of(st, "SELECT started_at FROM job_run WHERE id = ?", id, at,
		    STORE_TIME_MAX) < 0)
		return -1;
	return 0;
}

static double pass_rate(const struct changepoint_counts *c)
{
	return c->runs ? 100.0 * (double)(c->runs - c->unexpected) /
				 (double)c->runs
		       : 0;
}

/* Rounds to one decimal, for the JSON. */
static double round1(double x)
{
	return round(x * 10) / 10;
}

/* The strings of one found change, read from the store. */
struct names {
	char job[256], suite[256], test[768];
	char run[3][64], at[3][STORE_TIME_MAX];
	struct buf variant, explanation, parameters;
};

static int read_names(struct store *st, const struct found *f, struct names *nm)
{
	char cls[256], name[512];

	if (text_of(st, "SELECT name FROM job WHERE id = ?", f->job_id, nm->job,
		    sizeof(nm->job)) < 0 ||
	    text_of(st, "SELECT suite FROM test WHERE id = ?", f->test_id,
		    nm->suite, sizeof(nm->suite)) < 0 ||
	    text_of(st, "SELECT classname FROM test WHERE id = ?", f->test_id,
		    cls, sizeof(cls)) < 0 ||
	    text_of(st, "SELECT name FROM test WHERE id = ?", f->test_id, name,
		    sizeof(name)) < 0 ||
	    variant_of(st, f->job_id, &nm->variant) < 0)
		return -1;
	snprintf(nm->test, sizeof(nm->test), "%s%s%s", cls, *cls ? "." : "",
		 name);
	for (int i = 0; i < 3; i++)
		if (run_of(st, f->run[i], nm->run[i], nm->at[i]) < 0)
			return -1;
	return 0;
}

/* The explanation and parameters of a change into nm's buffers. */
static void explain(const struct found *f, const struct changepoint_params *p,
		    int64_t days, struct names *nm)
{
	const struct changepoint *cp = &f->cp;

	buf_reset(&nm->explanation);
	buf_addf(&nm->explanation,
		 "'%s' in job '%s' passed %.1f%% of %lld runs before run "
		 "'%s' (%s, run %zu of %zu) and %.1f%% of %lld runs from it "
		 "on; the first run at the new rate is between '%s' (%s) and "
		 "'%s' (%s) with %g%% confidence. Splitting there raises the "
		 "Beta-Binomial log-likelihood by %.1f nats, more than the "
		 "penalty of %.1f nats (-ln %g), as LUCI Analysis segments a "
		 "test's history",
		 nm->test, nm->job, pass_rate(&cp->before),
		 (long long)cp->before.runs, nm->run[0], nm->at[0],
		 cp->index + 1, f->nruns, pass_rate(&cp->after),
		 (long long)cp->after.runs, nm->run[1], nm->at[1], nm->run[2],
		 nm->at[2], 100 * (1 - 2 * p->tail), cp->gain,
		 -log(p->likelihood), p->likelihood);
	buf_reset(&nm->parameters);
	buf_addf(&nm->parameters,
		 "prior=%g,%g retry_prior=%g,%g changepoint_likelihood=%g "
		 "confidence=%g days=%lld",
		 p->alpha, p->beta, p->retry_alpha, p->retry_beta,
		 p->likelihood, 100 * (1 - 2 * p->tail), (long long)days);
}

static json_t *row_json(const struct found *f, const struct names *nm)
{
	const struct changepoint *cp = &f->cp;
	double before = pass_rate(&cp->before), after = pass_rate(&cp->after);
	json_t *o = json_object();

	json_object_set_new(o, "job", json_string(nm->job));
	json_object_set_new(o, "variant", json_string(nm->variant.data));
	json_object_set_new(o, "suite", json_string(nm->suite));
	json_object_set_new(o, "test", json_string(nm->test));
	json_object_set_new(o, "change",
			    json_string(after < before ? "worse" : "better"));
	json_object_set_new(o, "run", json_string(nm->run[0]));
	json_object_set_new(o, "started_at", json_string(nm->at[0]));
	json_object_set_new(o, "ordinal",
			    json_integer((json_int_t)cp->index + 1));
	json_object_set_new(o, "earliest_run", json_string(nm->run[1]));
	json_object_set_new(o, "earliest_at", json_string(nm->at[1]));
	json_object_set_new(o, "latest_run", json_string(nm->run[2]));
	json_object_set_new(o, "latest_at", json_string(nm->at[2]));
	json_object_set_new(o, "runs_before", json_integer(cp->before.runs));
	json_object_set_new(o, "pass_rate_before", json_real(round1(before)));
	json_object_set_new(o, "runs_after", json_integer(cp->after.runs));
	json_object_set_new(o, "pass_rate_after", json_real(round1(after)));
	json_object_set_new(o, "gain", json_real(round1(cp->gain)));
	json_object_set_new(o, "explanation",
			    json_string(nm->explanation.data));
	json_object_set_new(o, "parameters", json_string(nm->parameters.data));
	return o;
}

/* Stores one change (the old ones of its scope are already deleted). */
static int store_found(struct store *st, const struct found *f,
		       const struct names *nm, const char *now)
{
	const struct changepoint *cp = &f->cp;
	struct store_value v[20] = {
		STORE_INT_V(f->job_id),
		STORE_INT_V(f->test_id),
		STORE_TEXT_V(nm->variant.data),
		STORE_INT_V(f->run[0]),
		STORE_INT_V(f->run[1]),
		STORE_INT_V(f->run[2]),
		STORE_INT_V((int64_t)cp->index + 1),
		STORE_INT_V((int64_t)cp->lower + 1),
		STORE_INT_V((int64_t)cp->upper + 1),
		STORE_TEXT_V(nm->at[0]),
		STORE_INT_V(cp->before.runs),
		STORE_INT_V(cp->before.unexpected),
		STORE_INT_V(cp->after.runs),
		STORE_INT_V(cp->after.unexpected),
		STORE_TEXT_V(pass_rate(&cp->after) < pass_rate(&cp->before)
				     ? "worse"
				     : "better"),
		STORE_REAL_V(cp->gain),
		STORE_TEXT_V(nm->explanation.data),
		STORE_TEXT_V(nm->parameters.data),
		STORE_TEXT_V(now),
	};

	return store_exec(
		st,
		"INSERT INTO change_point (job_id, test_id, variant, "
		"job_run_id, lower_job_run_id, upper_job_run_id, ordinal, "
		"lower_ordinal, upper_ordinal, started_at, runs_before, "
		"failing_before, runs_after, failing_after, direction, gain, "
		"explanation, parameters, computed_at) VALUES (?, ?, ?, ?, ?, "
		"?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		v, 19, NULL, NULL);
}

/* Deletes the stored changes of the scope just analysed. */
static int clear_scope(struct store *st, const struct store_value *filter)
{
	struct store_value v[6] = {filter[0], filter[1], filter[4],
				   filter[5], filter[6], filter[7]};

	return store_exec(st,
			  "DELETE FROM change_point WHERE (? = 0 OR "
			  "job_id = ?) AND (? IS NULL OR test_id IN (SELECT "
			  "id FROM test WHERE name = ? OR classname || '.' || "
			  "name = ? OR suite || '/' || classname || '/' || "
			  "name = ?))",
			  v, 6, NULL, NULL);
}

/* Emits (and unless dry_run stores) every change found. */
static int emit(struct request *req, struct store *st, struct scan *s,
		const struct store_value *filter, json_t *rows)
{
	int dry_run = req->env->dry_run, rc = -1;
	char now[STORE_TIME_MAX];
	struct names nm;

	memset(&nm, 0, sizeof(nm));
	buf_init(&nm.variant);
	buf_init(&nm.explanation);
	buf_init(&nm.parameters);
	store_time(timestamp_now_ms(), now);
	if (!dry_run && (store_begin(st) < 0 || clear_scope(st, filter) < 0))
		goto out;
	for (size_t i = 0; i < s->nfound; i++) {
		if (read_names(st, &s->found[i], &nm) < 0)
			goto out;
		explain(&s->found[i], s->p, report_days(req), &nm);
		json_array_append_new(rows, row_json(&s->found[i], &nm));
		if (!dry_run && store_found(st, &s->found[i], &nm, now) < 0)
			goto out;
	}
	if (dry_run)
		log_info("dry run: would store %zu change points", s->nfound);
	else if (store_commit(st) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0 && st->in_transaction)
		store_rollback(st);
	buf_release(&nm.variant);
	buf_release(&nm.explanation);
	buf_release(&nm.parameters);
	return rc;
}

int report_changepoints_compute(struct request *req, struct store *st,
				json_t *rows)
{
	static const struct changepoint_params params =
		CHANGEPOINT_PARAMS_DEFAULT;
	const char *job = request_str(req, "job"),
		   *test = request_str(req, "test");
	int64_t days = report_days(req), job_id = 0;
	struct scan s = {.p = &params};
	struct store_value v[8];
	char since[11];
	int rc = -1;

	if (job) {
		struct store_value jv = STORE_TEXT_V(job);

		if (store_query_int(st, "SELECT id FROM job WHERE name = ?",
				    &jv, 1, &job_id) < 0)
			return -1;
		if (!job_id)
			return err_set("no job '%s' in the store", job);
	}
	if (days)
		timestamp_format_date(timestamp_now_ms() - days * 86400000,
				      since);
	/* Integers are never NULL: PostgreSQL types a NULL as text. */
	v[0] = v[1] = STORE_INT_V(job_id);
	v[2] = v[3] = days ? STORE_TEXT_V(since) : STORE_NULL_V;
	v[4] = v[5] = v[6] = v[7] = STORE_TEXT_V(test);
	if (store_exec(st, series_sql, v, 8, on_run, &s) < 0)
		goto out;
	flush(&s);
	log_info("change points: %lld series with failures, %zu changes",
		 (long long)s.series, s.nfound);
	rc = emit(req, st, &s, v, rows);
out:
	free(s.runs);
	free(s.run_ids);
	free(s.found);
	return rc;
}
