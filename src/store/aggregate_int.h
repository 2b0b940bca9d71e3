/*
 * aggregate_int.h - what aggregate.c shares with aggregate_disruption.c
 * and aggregate_save.c; not part of store/'s interface.
 */
#ifndef TESTPUMP_STORE_AGGREGATE_INT_H
#define TESTPUMP_STORE_AGGREGATE_INT_H

#include "core/timestamp.h"
#include "store/aggregate.h"

/*
 * The job's history runs: its last N runs that started in the window,
 * never the payload's own.  Parameters: job id, window start, payload
 * id, N (as agg_history_params() sets them).  Newest first by
 * started_at, as the index job_run(job_id, started_at) serves it.
 */
#define AGG_HISTORY_RUNS                                                     \
	"SELECT id FROM job_run WHERE job_id = ? AND started_at >= ? AND "   \
	"(payload_id IS NULL OR payload_id <> ?) ORDER BY started_at DESC, " \
	"id DESC LIMIT ?"

/* Sets v[0..3] for AGG_HISTORY_RUNS; since holds the window's start. */
void agg_history_params(const struct agg_query *q, const struct agg_data *d,
			struct store_value v[4], char since[TIMESTAMP_MAX]);

/* Column i of row as a copy in d's arena, or NULL when it is not text. */
const char *agg_row_str(struct agg_data *d, const struct store_row *row,
			size_t i);

/*
 * Reads the disruption seconds of every backend the payload's runs
 * report, per run and over the job's history runs, into d->backends.
 */
int agg_load_disruptions(struct store *st, const struct agg_query *q,
			 struct agg_data *d);

#endif
