/*
 * aggregate_save.c - writing one aggregation and its verdicts.
 */
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/timestamp.h"
#include "store/aggregate_int.h"
#include "core/banned.h"

/* The id of test (suite, '', name), created when missing. */
static int intern_test(struct store *st, const char *suite, const char *name,
		       int64_t *id)
{
	struct store_value v[2] = {STORE_TEXT_V(suite), STORE_TEXT_V(name)};

	if (store_exec(st,
		       "INSERT INTO test (suite, classname, name) VALUES (?, "
		       "'', ?) ON CONFLICT (suite, classname, name) DO NOTHING",
		       v, 2, NULL, NULL) < 0)
		return -1;
	return store_query_int(st,
			       "SELECT id FROM test WHERE suite = ? AND "
			       "classname = '' AND name = ?",
			       v, 2, id);
}

static struct store_value int_or_null(int x)
{
	return x < 0 ? STORE_NULL_V : STORE_INT_V(x);
}

static int save_verdict(struct store *st, int64_t agg_id,
			const struct agg_verdict *x)
{
	int64_t test_id = x->test_id;
	struct store_value v[15];

	if (!test_id && intern_test(st, x->suite, x->name, &test_id) < 0)
		return -1;
	v[0] = STORE_INT_V(agg_id);
	v[1] = STORE_INT_V(test_id);
	v[2] = STORE_TEXT_V(x->verdict);
	v[3] = STORE_TEXT_V(x->rule);
	v[4] = STORE_INT_V(x->attempts);
	v[5] = STORE_INT_V(x->passes);
	v[6] = STORE_INT_V(x->failures);
	v[7] = STORE_INT_V(x->skips);
	v[8] = int_or_null(x->history_pct);
	v[9] = STORE_TEXT_V(x->history_source);
	v[10] = int_or_null(x->required);
	v[11] = int_or_null(x->strict);
	v[12] = STORE_INT_V(x->informing != 0);
	v[13] = STORE_INT_V(x->blocking != 0);
	v[14] = STORE_TEXT_V(x->explanation);
	return store_exec(
		st,
		"INSERT INTO aggregation_test (aggregation_id, "
		"test_id, verdict, rule, attempts, passes, failures, "
		"skips, history_pct, history_source, "
		"required_passes, strict_required_passes, informing, "
		"blocking, explanation) VALUES (?, ?, ?, ?, ?, ?, ?, "
		"?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (aggregation_id, "
		"test_id) DO NOTHING",
		v, 15, NULL, NULL);
}

static int save_header(struct store *st, const struct agg_header *h,
		       const struct agg_verdict *x, size_t n, int64_t *id)
{
	int64_t count[3] = {0}, blocking = 0;
	char at[TIMESTAMP_MAX];
	struct store_value v[20];

	for (size_t i = 0; i < n; i++) {
		count[x[i].verdict[0] == 'p'   ? 0
		      : x[i].verdict[0] == 'f' ? 1
					       : 2]++;
		blocking += x[i].blocking != 0;
	}
	timestamp_format(h->aggregated_at_ms / 1000 * 1000, at);
	v[0] = STORE_INT_V(h->job_id);
	v[1] = STORE_INT_V(h->payload_id);
	if (store_exec(st,
		       "DELETE FROM aggregation WHERE job_id = ? AND "
		       "payload_id = ?",
		       v, 2, NULL, NULL) < 0)
		return -1;
	v[2] = STORE_TEXT_V(h->verdict);
	v[3] = STORE_TEXT_V(at);
	v[4] = STORE_INT_V((int64_t)h->nruns);
	v[5] = STORE_INT_V(h->history_runs_used);
	v[6] = STORE_INT_V((int64_t)n);
	v[7] = STORE_INT_V(count[0]);
	v[8] = STORE_INT_V(count[1]);
	v[9] = STORE_INT_V(count[2]);
	v[10] = STORE_INT_V(blocking);
	v[11] = STORE_INT_V(h->min_attempts);
	v[12] = STORE_INT_V(h->pity);
	v[13] = STORE_REAL_V(h->alpha);
	v[14] = STORE_INT_V(h->corpus);
	v[15] = STORE_INT_V(h->history_runs);
	v[16] = STORE_INT_V(h->history_days);
	v[17] = STORE_INT_V(h->no_history_pct);
	v[18] = STORE_INT_V(h->failed_history_pct);
	if (store_exec(
		    st,
		    "INSERT INTO aggregation (job_id, payload_id, verdict, "
		    "aggregated_at, runs, history_runs_used, tests, passed, "
		    "failed, skipped, blocking_failures, min_attempts, pity, "
		    "alpha, corpus, history_runs, history_days, "
		    "no_history_pct, failed_history_pct) VALUES (?, ?, ?, "
		    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		    v, 19, NULL, NULL) < 0)
		return -1;
	*id = store_last_insert_id(st);
	for (size_t i = 0; i < h->nruns; i++) {
		v[0] = STORE_INT_V(*id);
		v[1] = STORE_INT_V(h->job_run_ids[i]);
		if (store_exec(st,
			       "INSERT INTO aggregation_run (aggregation_id, "
			       "job_run_id) VALUES (?, ?)",
			       v, 2, NULL, NULL) < 0)
			return -1;
	}
	return 0;
}

int agg_save(struct store *st, const struct agg_header *h,
	     const struct agg_verdict *v, size_t n, int64_t *id)
{
	if (store_begin(st) < 0)
		return -1;
	if (save_header(st, h, v, n, id) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++)
		if (save_verdict(st, *id, &v[i]) < 0)
			goto fail;
	if (store_commit(st) < 0)
		return err_prefix("cannot store the aggregation");
	return 0;
fail:
	store_rollback(st);
	return err_prefix("cannot store the aggregation");
}
