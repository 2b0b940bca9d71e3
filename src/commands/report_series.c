/*
 * report_series.c - loads the run verdicts of tests per job, in time
 * order (report_series.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/report_series.h"
#include "core/buf.h"
#include "core/xalloc.h"
#include "core/banned.h"

/* The filter both queries share: job twice, project twice, from, to. */
#define RUN_FILTER                                                          \
	"WHERE (? IS NULL OR j.name = ?) AND (? IS NULL OR EXISTS (SELECT " \
	"1 FROM job_variant v WHERE v.job_id = j.id AND v.key = 'project' " \
	"AND v.value = ?)) AND r.started_at >= ? AND r.started_at <= ? "

/* The most cells of the dense (job, test) table: 128 MB. */
#define DENSE_MAX ((size_t)32 << 20)

static size_t job_index(struct series_set *s, int64_t id, const char *name)
{
	for (size_t i = s->njobs; i-- > 0;)
		if (s->jobs[i].id == id)
			return i;
	ALLOC_GROW(s->jobs, s->njobs + 1, s->jobs_cap);
	s->jobs[s->njobs].id = id;
	s->jobs[s->njobs].name = xstrdup(name);
	s->jobs[s->njobs].variant = NULL;
	return s->njobs++;
}

static int on_run(const struct store_row *row, void *ctx)
{
	struct series_set *s = ctx;
	struct series_run *r;

	ALLOC_GROW(s->runs, s->nruns + 1, s->runs_cap);
	r = &s->runs[s->nruns++];
	memset(r, 0, sizeof(*r));
	r->id = row->cols[0].i;
	r->job = job_index(s, row->cols[1].i, row->cols[4].s);
	r->run_id = xstrdup(row->cols[2].s);
	snprintf(r->started_at, sizeof(r->started_at), "%s", row->cols[3].s);
	return 0;
}

/* Indexes runs by job_run.id. */
static void index_runs(struct series_set *s)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;

	for (size_t i = 0; i < s->nruns; i++) {
		lo = s->runs[i].id < lo ? s->runs[i].id : lo;
		hi = s->runs[i].id > hi ? s->runs[i].id : hi;
	}
	if (!s->nruns)
		return;
	s->run_base = lo;
	s->run_span = (size_t)(hi - lo + 1);
	s->run_of = xmalloc(s->run_span * sizeof(*s->run_of));
	memset(s->run_of, 0xff, s->run_span * sizeof(*s->run_of));
	for (size_t i = 0; i < s->nruns; i++)
		s->run_of[s->runs[i].id - lo] = (int32_t)i;
}

static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void rehash(struct series_set *s)
{
	size_t cap = s->hcap ? s->hcap * 2 : 1024;
	int64_t *keys = xmalloc(cap * sizeof(*keys));
	uint32_t *vals = xmalloc(cap * sizeof(*vals));

	memset(keys, 0xff, cap * sizeof(*keys));
	for (size_t i = 0; i < s->hcap; i++) {
		size_t h;

		if (s->keys[i] < 0)
			continue;
		h = mix((uint64_t)s->keys[i]) & (cap - 1);
		while (keys[h] >= 0)
			h = (h + 1) & (cap - 1);
		keys[h] = s->keys[i];
		vals[h] = s->vals[i];
	}
	free(s->keys);
	free(s->vals);
	s->keys = keys;
	s->vals = vals;
	s->hcap = cap;
}

/* A new series for (job, test), its index in s->series. */
static uint32_t series_new(struct series_set *s, size_t job, int64_t test)
{
	ALLOC_GROW(s->series, s->nseries + 1, s->series_cap);
	memset(&s->series[s->nseries], 0, sizeof(s->series[0]));
	s->series[s->nseries].job = job;
	s->series[s->nseries].test_id = test;
	return (uint32_t)s->nseries++;
}

/* The series of (job, test), created when new. */
static struct series *series_of(struct series_set *s, size_t job, int64_t test)
{
	int64_t key = (int64_t)((uint64_t)job << 40 | (uint64_t)test);
	size_t h;

	if (s->dense && test >= 0 && test <= s->max_test) {
		uint32_t *slot = &s->dense[job * (size_t)(s->max_test + 1) +
					   (size_t)test];

		if (*slot == UINT32_MAX)
			*slot = series_new(s, job, test);
		return &s->series[*slot];
	}

	if ((s->nseries + 1) * 2 > s->hcap)
		rehash(s);
	h = mix((uint64_t)key) & (s->hcap - 1);
	while (s->keys[h] >= 0) {
		if (s->keys[h] == key)
			return &s->series[s->vals[h]];
		h = (h + 1) & (s->hcap - 1);
	}
	s->keys[h] = key;
	s->vals[h] = series_new(s, job, test);
	return &s->series[s->vals[h]];
}

/*
 * A dense (job, test id) -> series table when it is small enough (test
 * ids are dense), else the hash table serves.
 */
static int dense_index(struct store *st, struct series_set *s)
{
	size_t cells;

	if (store_query_int(st, "SELECT max(id) FROM test", NULL, 0,
			    &s->max_test) < 0)
		return -1;
	cells = s->njobs * (size_t)(s->max_test + 1);
	if (s->max_test < 0 || cells > DENSE_MAX)
		return 0;
	s->dense = xmalloc(cells * sizeof(*s->dense));
	memset(s->dense, 0xff, cells * sizeof(*s->dense));
	return 0;
}

static uint8_t parse_status(const char *t)
{
	if (!t)
		return FLAKY_SKIP;
	if (t[0] == 'p')
		return FLAKY_PASS;
	if (t[0] == 'f')
		return t[1] == 'a' ? FLAKY_FAIL : FLAKY_FLAKY;
	return FLAKY_SKIP;
}

static int on_status(const struct store_row *row, void *ctx)
{
	struct series_set *s = ctx;
	int64_t id = row->cols[0].i - s->run_base;
	struct series_run *r;
	struct series *t;
	uint8_t st = parse_status(row->cols[2].s);
	int32_t ri;

	if (id < 0 || (size_t)id >= s->run_span || (ri = s->run_of[id]) < 0)
		return 0; /* a run that started while we read */
	r = &s->runs[ri];
	if (st != FLAKY_SKIP) {
		r->tests++;
		r->failed += st == FLAKY_FAIL;
	}
	t = series_of(s, r->job, row->cols[1].i);
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cell = xreallocarray(t->cell, t->cap, sizeof(*t->cell));
	}
	t->cell[t->n++] = (uint32_t)ri << 2 | st;
	return 0;
}

/* Sorts a series by run position (insertion sort: nearly sorted). */
static void sort_series(struct series *t)
{
	for (size_t i = 1; i < t->n; i++) {
		uint32_t c = t->cell[i];
		size_t j = i;

		if (t->cell[i - 1] <= c)
			continue;
		while (j > 0 && t->cell[j - 1] > c) {
			t->cell[j] = t->cell[j - 1];
			j--;
		}
		t->cell[j] = c;
	}
}

static int on_variant(const struct store_row *row, void *ctx)
{
	struct buf *b = ctx;

	buf_addf(b, "%s%s=%s", b->len ? "," : "", row->cols[0].s,
		 row->cols[1].s);
	return 0;
}

static int load_variants(struct store *st, struct series_set *s)
{
	for (size_t i = 0; i < s->njobs; i++) {
		struct buf b = BUF_INIT;
		struct store_value v = STORE_INT_V(s->jobs[i].id);

		if (store_exec(st,
			       "SELECT key, value FROM job_variant WHERE "
			       "job_id = ? ORDER BY key",
			       &v, 1, on_variant, &b) < 0) {
			buf_release(&b);
			return -1;
		}
		s->jobs[i].variant = b.len ? buf_detach(&b, NULL) : xstrdup("");
		buf_release(&b);
	}
	return 0;
}

int series_load(struct store *st, const char *job, const char *project,
		const char *from, const char *to, const struct flaky_params *p,
		struct series_set *out)
{
	struct store_value v[6];

	memset(out, 0, sizeof(*out));
	v[0] = v[1] = STORE_TEXT_V(job);
	v[2] = v[3] = STORE_TEXT_V(project);
	v[4] = STORE_TEXT_V(from ? from : "0000-01-01T00:00:00Z");
	v[5] = STORE_TEXT_V(to);
	if (store_exec(
		    st,
		    "SELECT r.id, r.job_id, r.run_id, r.started_at, j.name "
		    "FROM job_run r JOIN job j ON j.id = r.job_id " RUN_FILTER
		    "ORDER BY r.started_at, r.id",
		    v, 6, on_run, out) < 0)
		return -1;
	index_runs(out);
	if (out->nruns && dense_index(st, out) < 0)
		return -1;
	if (out->nruns &&
	    store_exec(
		    st,
		    "SELECT s.job_run_id, s.test_id, s.status FROM job_run r "
		    "JOIN job j ON j.id = r.job_id JOIN test_run_status s "
		    "ON s.job_run_id = r.id " RUN_FILTER,
		    v, 6, on_status, out) < 0)
		return -1;
	for (size_t i = 0; i < out->nseries; i++)
		sort_series(&out->series[i]);
	for (size_t i = 0; i < out->nruns; i++) {
		struct series_run *r = &out->runs[i];

		r->storm = flaky_is_storm(r->failed, r->tests, p);
		out->storms += r->storm;
	}
	return load_variants(st, out);
}

void series_release(struct series_set *s)
{
	for (size_t i = 0; i < s->nruns; i++)
		free(s->runs[i].run_id);
	for (size_t i = 0; i < s->njobs; i++) {
		free(s->jobs[i].name);
		free(s->jobs[i].variant);
	}
	for (size_t i = 0; i < s->nseries; i++) {
		free(s->series[i].cell);
	}
	free(s->runs);
	free(s->jobs);
	free(s->series);
	free(s->keys);
	free(s->vals);
	free(s->run_of);
	free(s->dense);
	memset(s, 0, sizeof(*s));
}

struct names {
	char *suite, *name;
	size_t ssize, nsize;
};

static int on_name(const struct store_row *row, void *ctx)
{
	struct names *n = ctx;
	const char *cls = row->cols[1].s;

	snprintf(n->suite, n->ssize, "%s", row->cols[0].s);
	if (cls && *cls)
		snprintf(n->name, n->nsize, "%s.%s", cls, row->cols[2].s);
	else
		snprintf(n->name, n->nsize, "%s", row->cols[2].s);
	return 0;
}

int series_test_name(struct store *st, int64_t test_id, char *suite,
		     size_t ssize, char *name, size_t nsize)
{
	struct names n = {suite, name, ssize, nsize};
	struct store_value v = STORE_INT_V(test_id);

	suite[0] = name[0] = 0;
	return store_exec(
		st, "SELECT suite, classname, name FROM test WHERE id = ?", &v,
		1, on_name, &n);
}
