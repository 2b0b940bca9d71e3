/*
 * aggregate.c - reading what 'testpump aggregate' judges: the payload's
 * runs, their per-test counts and the job's history of those tests.
 */
#include "store/aggregate.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "store/aggregate_int.h"
#include "core/banned.h"

static int row_int(const struct store_row *row, size_t i, int64_t *out)
{
	*out = row->cols[i].type == STORE_INT ? row->cols[i].i : 0;
	return 0;
}

const char *agg_row_str(struct agg_data *d, const struct store_row *row,
			size_t i)
{
	const char *s = row->cols[i].type == STORE_TEXT ? row->cols[i].s : NULL;

	return s ? arena_strdup(&d->arena, s) : NULL;
}

static int lookup_ids(struct store *st, const struct agg_query *q,
		      struct agg_data *d)
{
	struct store_value v[2] = {STORE_TEXT_V(q->job)};

	if (store_query_int(st, "SELECT id FROM job WHERE name = ?", v, 1,
			    &d->job_id) < 0)
		return -1;
	if (!d->job_id)
		return err_set("no runs found: job '%s' is not in the store "
			       "(ingest its runs with 'testpump ingest junit')",
			       q->job);
	v[0] = STORE_TEXT_V(q->payload);
	if (store_query_int(st, "SELECT id FROM payload WHERE tag = ?", v, 1,
			    &d->payload_id) < 0)
		return -1;
	if (!d->payload_id)
		return err_set("no runs found: payload '%s' is not in the "
			       "store (give it with 'testpump ingest junit "
			       "--payload')",
			       q->payload);
	return 0;
}

struct runs_ctx {
	struct agg_data *d;
	size_t cap;
};

static int on_run(const struct store_row *row, void *ctx)
{
	struct runs_ctx *c = ctx;
	struct agg_data *d = c->d;
	struct agg_run *r;
	int64_t has;

	if (d->nruns == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		d->runs = xrealloc(d->runs, c->cap * sizeof(*d->runs));
	}
	r = &d->runs[d->nruns++];
	row_int(row, 0, &r->id);
	r->run_id = agg_row_str(d, row, 1);
	r->status = agg_row_str(d, row, 2);
	r->url = agg_row_str(d, row, 3);
	r->started_at = agg_row_str(d, row, 4);
	row_int(row, 5, &has);
	r->has_disruptions = has != 0;
	return 0;
}

/* Keeps only the runs listed in q->run_ids, refusing unknown ones. */
static int filter_runs(const struct agg_query *q, struct agg_data *d)
{
	struct agg_run *kept = xcalloc(q->nrun_ids + 1, sizeof(*kept));
	size_t n = 0;

	for (size_t i = 0; i < q->nrun_ids; i++) {
		size_t j, k;

		for (j = 0; j < d->nruns; j++)
			if (!strcmp(d->runs[j].run_id, q->run_ids[i]))
				break;
		if (j == d->nruns) {
			free(kept);
			return err_set("run '%s' of job '%s' is not a stored "
				       "run of payload '%s'",
				       q->run_ids[i], q->job, q->payload);
		}
		for (k = 0; k < n; k++)
			if (kept[k].id == d->runs[j].id)
				break;
		if (k == n)
			kept[n++] = d->runs[j];
	}
	free(d->runs);
	d->runs = kept;
	d->nruns = n;
	return 0;
}

static int load_runs(struct store *st, const struct agg_query *q,
		     struct agg_data *d)
{
	struct runs_ctx c = {d, 0};
	struct store_value v[2] = {STORE_INT_V(d->job_id),
				   STORE_INT_V(d->payload_id)};

	if (store_exec(st,
		       "SELECT r.id, r.run_id, r.status, r.url, r.started_at, "
		       "EXISTS (SELECT 1 FROM disruption x WHERE x.job_run_id "
		       "= r.id) FROM job_run r WHERE r.job_id = ? AND "
		       "r.payload_id = ? ORDER BY r.run_id",
		       v, 2, on_run, &c) < 0)
		return -1;
	if (q->run_ids && filter_runs(q, d) < 0)
		return -1;
	if (!d->nruns)
		return err_set("no runs found: job '%s' has no stored runs "
			       "of payload '%s'",
			       q->job, q->payload);
	return 0;
}

struct tests_ctx {
	struct store *st;
	struct agg_data *d;
	size_t run, cap;
};

static int on_names(const struct store_row *row, void *ctx)
{
	struct tests_ctx *c = ctx;
	struct agg_test *t = &c->d->tests[c->d->ntests];

	t->suite = agg_row_str(c->d, row, 0);
	t->classname = agg_row_str(c->d, row, 1);
	t->name = agg_row_str(c->d, row, 2);
	return 0;
}

/*
 * The test of id, created when new with its names read from table test
 * (once per test, not once per result); NULL when that read fails.
 */
static struct agg_test *find_test(struct tests_ctx *c, int64_t id)
{
	struct agg_data *d = c->d;
	struct store_value v = STORE_INT_V(id);
	struct agg_test *t;
	int64_t idx;

	if (strmap_get(&d->index, (const char *)&id, sizeof(id), &idx))
		return &d->tests[idx];
	if (d->ntests == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 256;
		d->tests = xrealloc(d->tests, c->cap * sizeof(*d->tests));
	}
	t = &d->tests[d->ntests];
	memset(t, 0, sizeof(*t));
	t->test_id = id;
	if (store_exec(c->st,
		       "SELECT suite, classname, name FROM test WHERE id = ?",
		       &v, 1, on_names, c) < 0)
		return NULL;
	if (!t->name)
		t->suite = t->classname = t->name = "";
	t->marks = arena_alloc(&d->arena, d->nruns);
	memset(t->marks, AGG_ABSENT, d->nruns);
	strmap_put(&d->index, (const char *)&id, sizeof(id),
		   (int64_t)d->ntests++);
	return t;
}

static int on_status(const struct store_row *row, void *ctx)
{
	struct tests_ctx *c = ctx;
	int64_t id, attempts, failures;
	const char *status = row->cols[1].s, *lifecycle = row->cols[4].s;
	struct agg_test *t;

	row_int(row, 0, &id);
	row_int(row, 2, &attempts);
	row_int(row, 3, &failures);
	t = find_test(c, id);
	if (!t)
		return -1;
	if (lifecycle && !strcmp(lifecycle, "informing"))
		t->informing = 1;
	if (!strcmp(status, "skip")) {
		t->skips += (int)attempts;
		t->marks[c->run] = AGG_SKIP;
		return 0;
	}
	t->attempts++;
	t->failure_results += (int)failures;
	if (!strcmp(status, "fail")) {
		t->failures++;
		t->marks[c->run] = AGG_FAIL;
	} else {
		t->passes++;
		t->marks[c->run] =
			strcmp(status, "flaky") ? AGG_PASS : AGG_FLAKY;
	}
	return 0;
}

static int load_tests(struct store *st, struct agg_data *d)
{
	struct tests_ctx c = {st, d, 0, 0};

	for (c.run = 0; c.run < d->nruns; c.run++) {
		struct store_value v = STORE_INT_V(d->runs[c.run].id);

		if (store_exec(st,
			       "SELECT test_id, status, attempts, failures, "
			       "lifecycle FROM test_run_status WHERE "
			       "job_run_id = ?",
			       &v, 1, on_status, &c) < 0)
			return -1;
	}
	return 0;
}

/*
 * The index of test id in d->tests, or -1: a direct table when the ids
 * are dense enough (d->dense), else the hash map.
 */
static int64_t test_index(const struct agg_data *d, int64_t id)
{
	int64_t idx;

	if (d->dense) {
		if (id < d->dense_min || id - d->dense_min >= d->dense_len)
			return -1;
		return d->dense[id - d->dense_min];
	}
	return strmap_get(&d->index, (const char *)&id, sizeof(id), &idx) ? idx
									  : -1;
}

/*
 * Builds d->dense when the payload's test ids span at most 8 slots per
 * test (plus 64k): the history loop then looks every row up in one load.
 */
static void build_dense(struct agg_data *d)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;

	for (size_t i = 0; i < d->ntests; i++) {
		lo = d->tests[i].test_id < lo ? d->tests[i].test_id : lo;
		hi = d->tests[i].test_id > hi ? d->tests[i].test_id : hi;
	}
	if (!d->ntests || hi - lo >= 8 * (int64_t)d->ntests + 65536)
		return;
	d->dense_min = lo;
	d->dense_len = hi - lo + 1;
	d->dense = xmalloc((size_t)d->dense_len * sizeof(*d->dense));
	for (int64_t i = 0; i < d->dense_len; i++)
		d->dense[i] = -1;
	for (size_t i = 0; i < d->ntests; i++)
		d->dense[d->tests[i].test_id - lo] = (int32_t)i;
}

/* One history row (test id, failed): counts a result of a payload test. */
static int on_history(const struct store_row *row, void *ctx)
{
	struct agg_data *d = ctx;
	int64_t idx = test_index(d, row->cols[0].i);

	if (idx < 0)
		return 0;
	d->tests[idx].hist_total++;
	d->tests[idx].hist_working += row->cols[1].i == 0;
	return 0;
}

void agg_history_params(const struct agg_query *q, const struct agg_data *d,
			struct store_value v[4], char since[TIMESTAMP_MAX])
{
	int64_t start = q->now_ms - (int64_t)q->history_days * 86400000;

	timestamp_format(start / 1000 * 1000, since);
	v[0] = STORE_INT_V(d->job_id);
	v[1] = STORE_TEXT_V(since);
	v[2] = STORE_INT_V(d->payload_id);
	v[3] = STORE_INT_V(q->history_runs);
}

/*
 * Per test: runs that passed or flaked, and runs with a result (skips are
 * not results, as the original's TestRuns never held them), over the
 * history runs.  The rows are streamed in primary key order (run, test)
 * and counted here: grouping them in SQL would sort millions of rows.
 * CROSS JOIN keeps SQLite's loop order (history runs outside); tests the
 * payload did not run are dropped in the callback.
 */
static int load_history(struct store *st, const struct agg_query *q,
			struct agg_data *d)
{
	char since[TIMESTAMP_MAX];
	struct store_value v[4];

	agg_history_params(q, d, v, since);
	build_dense(d);
	if (store_query_int(st, "SELECT count(*) FROM (" AGG_HISTORY_RUNS ") h",
			    v, 4, &d->history_runs_used) < 0 ||
	    store_exec(st,
		       "SELECT s.test_id, CASE WHEN s.status = 'fail' THEN 1 "
		       "ELSE 0 END FROM (" AGG_HISTORY_RUNS
		       ") h CROSS JOIN test_run_status s WHERE s.job_run_id = "
		       "h.id AND s.status <> 'skip'",
		       v, 4, on_history, d) < 0) {
		d->history_failed = 1;
		d->history_error = xstrdup(err_msg());
		for (size_t i = 0; i < d->ntests; i++)
			d->tests[i].hist_working = d->tests[i].hist_total = 0;
		err_clear();
	}
	return 0;
}

static int on_text(const struct store_row *row, void *ctx)
{
	const char **out = ((void **)ctx)[0];
	struct agg_data *d = ((void **)ctx)[1];

	if (!*out)
		*out = agg_row_str(d, row, 0);
	return 0;
}

static int load_topology(struct store *st, struct agg_data *d)
{
	struct store_value v = STORE_INT_V(d->job_id);
	void *ctx[2] = {&d->topology, d};

	if (store_exec(st,
		       "SELECT value FROM job_variant WHERE job_id = ? AND "
		       "key = 'topology'",
		       &v, 1, on_text, ctx) < 0)
		return -1;
	for (size_t i = 0; i < d->nruns && !d->topology; i++) {
		v = STORE_INT_V(d->runs[i].id);
		if (store_exec(st,
			       "SELECT topology FROM job_run_context WHERE "
			       "job_run_id = ?",
			       &v, 1, on_text, ctx) < 0)
			return -1;
	}
	return 0;
}

static int test_cmp(const void *a, const void *b)
{
	const struct agg_test *x = a, *y = b;
	int c = strcmp(x->suite, y->suite);

	if (!c)
		c = strcmp(x->classname, y->classname);
	return c ? c : strcmp(x->name, y->name);
}

int agg_load(struct store *st, const struct agg_query *q, struct agg_data *data)
{
	memset(data, 0, sizeof(*data));
	arena_init(&data->arena);
	strmap_init(&data->index);
	if (lookup_ids(st, q, data) < 0 || load_runs(st, q, data) < 0 ||
	    load_tests(st, data) < 0 || load_history(st, q, data) < 0 ||
	    load_topology(st, data) < 0 ||
	    agg_load_disruptions(st, q, data) < 0)
		return -1;
	if (data->ntests)
		qsort(data->tests, data->ntests, sizeof(*data->tests),
		      test_cmp);
	strmap_release(&data->index);
	return 0;
}

void agg_data_release(struct agg_data *d)
{
	for (size_t i = 0; i < d->nbackends; i++) {
		free(d->backends[i].seconds);
		free(d->backends[i].history);
	}
	free(d->backends);
	free(d->runs);
	free(d->tests);
	free(d->history_error);
	free(d->dense);
	strmap_release(&d->index);
	arena_release(&d->arena);
	memset(d, 0, sizeof(*d));
}
