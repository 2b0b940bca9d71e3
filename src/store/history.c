/*
 * history.c - per-run disruptions and alerts in; percentile rows,
 * releases and test summaries out.
 */
#include "store/history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timestamp.h"
#include "core/xalloc.h"
#include "core/banned.h"

/* The id of the job run, creating the job and the run when missing. */
static int find_or_create_run(struct store *st, const struct history_run *run,
			      struct history_run_counts *counts)
{
	int64_t job_id, rel_id;
	char now[STORE_TIME_MAX], started[STORE_TIME_MAX];
	struct store_value v[6];

	if (store_upsert_name(st, "job", "name", run->job, &job_id) < 0 ||
	    store_upsert_name(st, "release", "name", run->context.release,
			      &rel_id) < 0)
		return -1;
	v[0] = STORE_INT_V(job_id);
	v[1] = STORE_TEXT_V(run->run_id);
	if (store_query_int(st,
			    "SELECT id FROM job_run WHERE job_id = ? AND "
			    "run_id = ?",
			    v, 2, &counts->job_run_id) < 0)
		return -1;
	if (counts->job_run_id)
		return 0;
	counts->created_run = 1;
	store_time(timestamp_now_ms(), now);
	store_time(run->started_at_ms >= 0 ? run->started_at_ms
					   : timestamp_now_ms(),
		   started);
	v[2] = STORE_TEXT_V(started);
	v[3] = STORE_TEXT_V(hist_kind_name(run->kind));
	v[4] = STORE_TEXT_V(now);
	if (store_exec(st,
		       "INSERT INTO job_run (job_id, run_id, status, "
		       "started_at, source, ingested_at) VALUES (?, ?, "
		       "'unknown', ?, ?, ?)",
		       v, 5, NULL, NULL) < 0)
		return -1;
	counts->job_run_id = store_last_insert_id(st);
	return 0;
}

static int write_context(struct store *st, int64_t id,
			 const struct history_run *run)
{
	const struct hist_context *c = &run->context;
	struct store_value v[9] = {
		STORE_INT_V(id),
		STORE_TEXT_V(c->release),
		STORE_TEXT_V(c->from_release ? c->from_release : ""),
		STORE_TEXT_V(c->platform),
		STORE_TEXT_V(c->architecture),
		STORE_TEXT_V(c->network),
		STORE_TEXT_V(c->topology),
		STORE_TEXT_V(c->master_nodes_updated),
		STORE_INT_V(run->kind == HIST_ALERTS),
	};

	return store_exec(
		st,
		"INSERT INTO job_run_context (job_run_id, release, "
		"from_release, platform, architecture, network, topology, "
		"master_nodes_updated, alerts_ingested) VALUES (?, ?, ?, ?, "
		"?, ?, ?, ?, ?) ON CONFLICT (job_run_id) DO UPDATE SET "
		"release = excluded.release, from_release = "
		"excluded.from_release, platform = excluded.platform, "
		"architecture = excluded.architecture, network = "
		"excluded.network, topology = excluded.topology, "
		"master_nodes_updated = excluded.master_nodes_updated, "
		"alerts_ingested = CASE WHEN excluded.alerts_ingested = 1 "
		"THEN 1 ELSE job_run_context.alerts_ingested END",
		v, 9, NULL, NULL);
}

static int write_samples(struct store *st, int64_t id,
			 const struct history_run *run,
			 struct history_run_counts *counts)
{
	int alerts = run->kind == HIST_ALERTS;
	const char *table = alerts ? "alert" : "disruption";
	char sql[96];
	struct store_value v[5];
	int64_t old;

	v[0] = STORE_INT_V(id);
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM %s WHERE job_run_id = ?", table);
	if (store_query_int(st, sql, v, 1, &old) < 0)
		return -1;
	counts->replaced = old > 0;
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE job_run_id = ?",
		 table);
	if (store_exec(st, sql, v, 1, NULL, NULL) < 0)
		return -1;
	for (size_t i = 0; i < run->nsamples; i++) {
		const struct hist_sample *s = &run->samples[i];
		int ret;

		v[1] = STORE_TEXT_V(s->name);
		if (alerts) {
			v[2] = STORE_TEXT_V(s->namespace ? s->namespace : "");
			v[3] = STORE_TEXT_V(s->level);
			v[4] = STORE_INT_V(s->ms);
			ret = store_exec(st,
					 "INSERT INTO alert (job_run_id, name, "
					 "namespace, level, firing_ms) VALUES "
					 "(?, ?, ?, ?, ?)",
					 v, 5, NULL, NULL);
		} else {
			v[2] = STORE_INT_V(s->ms);
			ret = store_exec(
				st,
				"INSERT INTO disruption (job_run_id, "
				"backend, disruption_ms) VALUES (?, ?, "
				"?)",
				v, 3, NULL, NULL);
		}
		if (ret < 0)
			return -1;
	}
	return 0;
}

/* What a dry run would do, read without writing. */
static int probe_run(struct store *st, const struct history_run *run,
		     struct history_run_counts *counts)
{
	struct store_value v[2] = {STORE_TEXT_V(run->job),
				   STORE_TEXT_V(run->run_id)};
	char sql[200];
	int64_t n;

	counts->created_run = 1;
	if (!st)
		return 0;
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM %s x JOIN job_run r ON r.id = "
		 "x.job_run_id JOIN job j ON j.id = r.job_id WHERE j.name = ? "
		 "AND r.run_id = ?",
		 run->kind == HIST_ALERTS ? "alert" : "disruption");
	if (store_query_int(st, sql, v, 2, &n) < 0)
		return -1;
	counts->replaced = n > 0;
	if (store_query_int(st,
			    "SELECT count(*) FROM job_run r JOIN job j ON "
			    "j.id = r.job_id WHERE j.name = ? AND r.run_id = ?",
			    v, 2, &n) < 0)
		return -1;
	counts->created_run = n == 0;
	return 0;
}

int history_store_run(struct store *st, const struct history_run *run,
		      int dry_run, struct history_run_counts *counts)
{
	memset(counts, 0, sizeof(*counts));
	if (dry_run)
		return probe_run(st, run, counts);
	if (store_begin(st) < 0)
		return -1;
	if (find_or_create_run(st, run, counts) < 0 ||
	    write_context(st, counts->job_run_id, run) < 0 ||
	    write_samples(st, counts->job_run_id, run, counts) < 0) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st);
}

void history_tests_release(struct history_tests *t)
{
	for (size_t i = 0; i < t->count; i++) {
		struct hist_test_summary *r = &t->rows[i];

		free(r->release);
		free(r->platform);
		free(r->topology);
		free(r->architecture);
		free(r->test_name);
	}
	free(t->rows);
	memset(t, 0, sizeof(*t));
}
