/*
 * aggregate_disruption.c - the backend disruption of a payload's runs and
 * of the job's history, as 'testpump ingest disruptions' stored it.
 *
 * Seconds are whole, rounded up from the stored milliseconds, as the
 * original rounded each run's DisruptedDuration up (seed-systems.md 2.1).
 * The history is the same job's runs as the tests' history (the last N
 * within the window, never the payload's own).
 */
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "store/aggregate_int.h"
#include "core/banned.h"

struct backends_ctx {
	struct agg_data *d;
	struct strmap names; /* backend -> index in d->backends */
	size_t cap;
	size_t run; /* the payload run being read */
};

static int ceil_seconds(int64_t ms)
{
	return (int)((ms + 999) / 1000);
}

static struct agg_backend *backend_of(struct backends_ctx *c, const char *name,
				      int create)
{
	struct agg_data *d = c->d;
	struct agg_backend *b;
	int64_t idx;

	if (strmap_get(&c->names, name, strlen(name), &idx))
		return &d->backends[idx];
	if (!create)
		return NULL;
	if (d->nbackends == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		d->backends = xrealloc(d->backends, c->cap * sizeof(*b));
	}
	b = &d->backends[d->nbackends];
	memset(b, 0, sizeof(*b));
	b->name = arena_strdup(&d->arena, name);
	b->seconds = xmalloc((d->nruns ? d->nruns : 1) * sizeof(int));
	for (size_t i = 0; i < d->nruns; i++)
		b->seconds[i] = -1;
	strmap_put(&c->names, name, strlen(name), (int64_t)d->nbackends++);
	return b;
}

static int on_run_backend(const struct store_row *row, void *ctx)
{
	struct backends_ctx *c = ctx;
	struct agg_backend *b = backend_of(c, row->cols[0].s, 1);

	b->seconds[c->run] = ceil_seconds(row->cols[1].i);
	return 0;
}

static int on_history_backend(const struct store_row *row, void *ctx)
{
	struct backends_ctx *c = ctx;
	struct agg_backend *b = backend_of(c, row->cols[0].s, 0);

	if (!b)
		return 0;
	if (b->nhistory == b->history_cap) {
		b->history_cap = b->history_cap ? 2 * b->history_cap : 64;
		b->history = xrealloc(b->history,
				      b->history_cap * sizeof(*b->history));
	}
	b->history[b->nhistory++] = ceil_seconds(row->cols[1].i);
	return 0;
}

static int backend_cmp(const void *a, const void *b)
{
	return strcmp(((const struct agg_backend *)a)->name,
		      ((const struct agg_backend *)b)->name);
}

int agg_load_disruptions(struct store *st, const struct agg_query *q,
			 struct agg_data *d)
{
	struct backends_ctx c = {.d = d};
	char since[TIMESTAMP_MAX];
	struct store_value v[4];
	int rc = -1;

	strmap_init(&c.names);
	for (c.run = 0; c.run < d->nruns; c.run++) {
		v[0] = STORE_INT_V(d->runs[c.run].id);
		if (d->runs[c.run].has_disruptions &&
		    store_exec(st,
			       "SELECT backend, disruption_ms FROM disruption "
			       "WHERE job_run_id = ?",
			       v, 1, on_run_backend, &c) < 0)
			goto out;
	}
	agg_history_params(q, d, v, since);
	if (d->nbackends &&
	    store_exec(st,
		       "SELECT d.backend, d.disruption_ms FROM disruption d "
		       "WHERE d.job_run_id IN (" AGG_HISTORY_RUNS ")",
		       v, 4, on_history_backend, &c) < 0)
		goto out;
	if (d->nbackends)
		qsort(d->backends, d->nbackends, sizeof(*d->backends),
		      backend_cmp);
	rc = 0;
out:
	strmap_release(&c.names);
	return rc;
}
