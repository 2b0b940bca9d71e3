/*
 * runs.c - one job run and its results, written in one transaction.
 */
#include "store/runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/sha256.h"
#include "core/strmap.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "core/banned.h"

/* What the writer knows of one test of the run. */
struct run_test {
	int64_t id;
	int attempts;
	int passes;
	int failures; /* fail or error */
	int skips;
	int flaky;
	int informing;
	int64_t duration_ms; /* -1 while none reported */
};

struct run_writer {
	struct store *st; /* NULL in a dry run without a database */
	int dry_run;
	int64_t job_run_id;
	struct strmap test_index; /* suite\0classname\0name -> index */
	struct run_test *tests;
	size_t ntests, tests_cap;
	struct strmap texts_seen; /* hashes written by this writer */
	struct buf key;
	struct run_counts counts;
	int64_t earliest_ms;
	int64_t given_started_ms;
};

const char *result_status_name(enum result_status s)
{
	static const char *const names[] = {"pass", "fail", "error", "skip"};

	return (size_t)s < ARRAY_SIZE(names) ? names[s] : "unknown";
}

const char *run_status_name(enum run_status s)
{
	static const char *const names[] = {"pass", "fail", "flaky", "skip"};

	return (size_t)s < ARRAY_SIZE(names) ? names[s] : "unknown";
}

/* Times are stored with whole seconds (see 0001_core.sql). */
static void format_time(int64_t ms, char out[TIMESTAMP_MAX])
{
	int64_t s = ms / 1000 - (ms % 1000 < 0);

	timestamp_format(s * 1000, out);
}

/* Upserts (name) into table and returns its id in *id. */
static int upsert_named(struct store *st, const char *table, const char *column,
			const char *name, int64_t *id)
{
	char now[TIMESTAMP_MAX], sql[160];
	struct store_value v[2];

	format_time(timestamp_now_ms(), now);
	v[0] = STORE_TEXT_V(name);
	v[1] = STORE_TEXT_V(now);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO %s (%s, created_at) VALUES (?, ?) "
		 "ON CONFLICT (%s) DO NOTHING",
		 table, column, column);
	if (store_exec(st, sql, v, 2, NULL, NULL) < 0)
		return -1;
	snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE %s = ?", table,
		 column);
	return store_query_int(st, sql, v, 1, id);
}

static int write_variants(struct store *st, int64_t job_id,
			  const struct run_info *info)
{
	for (size_t i = 0; i < info->nvariants; i++) {
		const char *kv = info->variants[i], *eq = strchr(kv, '=');
		char *key;
		struct store_value v[3];
		int ret;

		if (!eq || eq == kv)
			return err_set("variant '%s' is not key=value", kv);
		key = xstrndup(kv, (size_t)(eq - kv));
		v[0] = STORE_INT_V(job_id);
		v[1] = STORE_TEXT_V(key);
		v[2] = STORE_TEXT_V(eq + 1);
		ret = store_exec(st,
				 "INSERT INTO job_variant (job_id, key, value) "
				 "VALUES (?, ?, ?) ON CONFLICT (job_id, key) "
				 "DO UPDATE SET value = excluded.value",
				 v, 3, NULL, NULL);
		free(key);
		if (ret < 0)
			return -1;
	}
	return 0;
}

/* Creates the payload (with its release) and returns its id. */
static int write_payload(struct store *st, const struct run_info *info,
			 int64_t *payload_id)
{
	int64_t release_id = 0;
	struct store_value v[2];

	if (info->release &&
	    upsert_named(st, "release", "name", info->release, &release_id) < 0)
		return -1;
	if (upsert_named(st, "payload", "tag", info->payload, payload_id) < 0)
		return -1;
	if (!release_id)
		return 0;
	v[0] = STORE_INT_V(release_id);
	v[1] = STORE_INT_V(*payload_id);
	return store_exec(st, "UPDATE payload SET release_id = ? WHERE id = ?",
			  v, 2, NULL, NULL);
}

/*
 * Empties the results of an existing job run for its re-ingest, keeping
 * the row itself (and what other ingests hung on it: disruptions, alerts).
 * Sets counts.replaced when it held results.
 */
static int clear_job_run(struct run_writer *w, int64_t id)
{
	static const char *const clear[] = {
		"DELETE FROM test_result WHERE job_run_id = ?",
		"DELETE FROM test_run_status WHERE job_run_id = ?",
		"DELETE FROM job_run_suite WHERE job_run_id = ?",
	};
	struct store_value v[2] = {STORE_INT_V(id), STORE_INT_V(id)};
	int64_t n;

	if (store_query_int(w->st,
			    "SELECT (SELECT count(*) FROM test_run_status "
			    "WHERE job_run_id = ?) + (SELECT count(*) FROM "
			    "job_run_suite WHERE job_run_id = ?)",
			    v, 2, &n) < 0)
		return -1;
	w->counts.replaced = n > 0;
	for (size_t i = 0; i < ARRAY_SIZE(clear); i++)
		if (store_exec(w->st, clear[i], v, 1, NULL, NULL) < 0)
			return -1;
	return 0;
}

/* Creates the job run row, or readies an existing one for new results. */
static int write_job_run(struct run_writer *w, const struct run_info *info)
{
	struct store *st = w->st;
	int64_t job_id, payload_id = 0, old_id;
	char now[TIMESTAMP_MAX];
	struct store_value v[7];

	if (upsert_named(st, "job", "name", info->job, &job_id) < 0 ||
	    write_variants(st, job_id, info) < 0 ||
	    (info->payload && write_payload(st, info, &payload_id) < 0))
		return -1;
	v[0] = STORE_INT_V(job_id);
	v[1] = STORE_TEXT_V(info->run_id);
	if (store_query_int(st,
			    "SELECT id FROM job_run WHERE job_id = ? AND "
			    "run_id = ?",
			    v, 2, &old_id) < 0)
		return -1;
	format_time(timestamp_now_ms(), now);
	if (old_id) {
		if (clear_job_run(w, old_id) < 0)
			return -1;
		v[0] = payload_id ? STORE_INT_V(payload_id) : STORE_NULL_V;
		v[1] = STORE_TEXT_V(info->url);
		v[2] = STORE_TEXT_V(info->source ? info->source : "junit");
		v[3] = STORE_TEXT_V(now);
		v[4] = STORE_INT_V(old_id);
		w->job_run_id = old_id;
		return store_exec(st,
				  "UPDATE job_run SET payload_id = ?, url = ?, "
				  "source = ?, ingested_at = ?, status = "
				  "'unknown', finished_at = NULL WHERE id = ?",
				  v, 5, NULL, NULL);
	}
	v[0] = STORE_INT_V(job_id);
	v[1] = STORE_TEXT_V(info->run_id);
	v[2] = payload_id ? STORE_INT_V(payload_id) : STORE_NULL_V;
	v[3] = STORE_TEXT_V(now);
	v[4] = STORE_TEXT_V(info->url);
	v[5] = STORE_TEXT_V(info->source ? info->source : "junit");
	v[6] = STORE_TEXT_V(now);
	if (store_exec(st,
		       "INSERT INTO job_run (job_id, run_id, payload_id, "
		       "status, started_at, url, source, ingested_at) VALUES "
		       "(?, ?, ?, 'unknown', ?, ?, ?, ?)",
		       v, 7, NULL, NULL) < 0)
		return -1;
	w->job_run_id = store_last_insert_id(st);
	return 0;
}

/* Learns whether a dry run would replace an earlier ingest. */
static int probe_replaced(struct run_writer *w, const struct run_info *info)
{
	struct store_value v[2] = {STORE_TEXT_V(info->job),
				   STORE_TEXT_V(info->run_id)};
	int64_t n;

	if (store_query_int(w->st,
			    "SELECT count(*) FROM test_run_status s JOIN "
			    "job_run r ON r.id = s.job_run_id JOIN job j ON "
			    "j.id = r.job_id WHERE j.name = ? AND r.run_id = ?",
			    v, 2, &n) < 0)
		return -1;
	w->counts.replaced = n > 0;
	return 0;
}

int run_writer_begin(struct store *st, const struct run_info *info,
		     struct run_writer **out)
{
	struct run_writer *w = xcalloc(1, sizeof(*w));

	w->st = st;
	w->dry_run = info->dry_run;
	w->earliest_ms = -1;
	w->given_started_ms = info->started_at_ms;
	strmap_init(&w->test_index);
	strmap_init(&w->texts_seen);
	buf_init(&w->key);
	*out = NULL;
	if (w->dry_run) {
		if (st && probe_replaced(w, info) < 0)
			goto fail;
		*out = w;
		return 0;
	}
	if (store_begin(st) < 0)
		goto fail;
	if (write_job_run(w, info) < 0)
		goto fail;
	*out = w;
	return 0;
fail:
	run_writer_abort(w);
	return -1;
}

/* Stores text once per distinct content; *hash is "" when there is none. */
static int write_text(struct run_writer *w, const struct run_text *t,
		      char hash[65])
{
	size_t len = t->text ? strlen(t->text) : 0;
	struct store_value v[3];

	hash[0] = '\0';
	if (!len)
		return 0;
	sha256_hex(t->text, len, hash);
	if (w->dry_run || strmap_get(&w->texts_seen, hash, 64, NULL))
		return 0;
	strmap_put(&w->texts_seen, hash, 64, 1);
	v[0] = STORE_TEXT_V(hash);
	v[1] = STORE_TEXT_V(t->text);
	v[2] = STORE_INT_V(
		(int64_t)(t->original_length > len ? t->original_length : len));
	return store_exec(w->st,
			  "INSERT INTO test_output (hash, text, "
			  "original_length) VALUES (?, ?, ?) ON CONFLICT "
			  "(hash) DO NOTHING",
			  v, 3, NULL, NULL);
}

static const char find_test[] =
	"SELECT id FROM test WHERE suite = ? AND classname = ? AND name = ?";

/* Finds or creates the test of a; returns its slot. */
static int intern_test(struct run_writer *w, const struct run_attempt *a,
		       struct run_test **out)
{
	int64_t idx;
	struct run_test *t;
	struct store_value v[3];

	buf_reset(&w->key);
	buf_adds(&w->key, a->suite);
	buf_addch(&w->key, '\0');
	buf_adds(&w->key, a->classname);
	buf_addch(&w->key, '\0');
	buf_adds(&w->key, a->name);
	if (strmap_get(&w->test_index, w->key.data, w->key.len, &idx)) {
		*out = &w->tests[idx];
		return 0;
	}
	ALLOC_GROW(w->tests, w->ntests + 1, w->tests_cap);
	t = &w->tests[w->ntests];
	memset(t, 0, sizeof(*t));
	t->duration_ms = -1;
	t->id = (int64_t)w->ntests + 1;
	if (!w->dry_run) {
		v[0] = STORE_TEXT_V(a->suite);
		v[1] = STORE_TEXT_V(a->classname);
		v[2] = STORE_TEXT_V(a->name);
		/*
		 * Known tests (every ingest after a job's first) cost one
		 * lookup.  A new one is inserted, then read back: no
		 * RETURNING, which makes SQLite build a temporary table per
		 * row.  ON CONFLICT covers a concurrent ingest inserting it.
		 */
		t->id = 0;
		if (store_query_int(w->st, find_test, v, 3, &t->id) < 0 ||
		    (!t->id &&
		     (store_exec(w->st,
				 "INSERT INTO test (suite, classname, name) "
				 "VALUES (?, ?, ?) ON CONFLICT (suite, "
				 "classname, name) DO NOTHING",
				 v, 3, NULL, NULL) < 0 ||
		      store_query_int(w->st, find_test, v, 3, &t->id) < 0)))
			return -1;
	}
	strmap_put(&w->test_index, w->key.data, w->key.len, (int64_t)w->ntests);
	w->ntests++;
	*out = t;
	return 0;
}

/*
 * Remembers the earliest time a result reports.  Some tools write the
 * epoch itself (1970-01-01T00:00:00) for "unknown": that is no time.
 */
static void note_time(struct run_writer *w, int64_t ms)
{
	if (ms > 0 && (w->earliest_ms < 0 || ms < w->earliest_ms))
		w->earliest_ms = ms;
}

static void fold_attempt(struct run_writer *w, struct run_test *t,
			 const struct run_attempt *a)
{
	t->attempts++;
	t->passes += a->status == RESULT_PASS;
	t->failures += a->status == RESULT_FAIL || a->status == RESULT_ERROR;
	t->skips += a->status == RESULT_SKIP;
	t->flaky |= a->flaky;
	t->informing |= a->informing;
	if (a->duration_ms >= 0) {
		t->duration_ms = (t->duration_ms < 0 ? 0 : t->duration_ms) +
				 a->duration_ms;
		w->counts.duration_ms += a->duration_ms;
	}
	note_time(w, a->timestamp_ms);
	w->counts.attempts[a->status]++;
}

int run_writer_attempt(struct run_writer *w, const struct run_attempt *a)
{
	char hashes[4][65];
	struct run_test *t;
	struct store_value v[11];
	int i;

	if (intern_test(w, a, &t) < 0 ||
	    write_text(w, &a->message, hashes[0]) < 0 ||
	    write_text(w, &a->text, hashes[1]) < 0 ||
	    write_text(w, &a->out, hashes[2]) < 0 ||
	    write_text(w, &a->err, hashes[3]) < 0)
		return -1;
	fold_attempt(w, t, a);
	if (w->dry_run)
		return 0;
	v[0] = STORE_INT_V(w->job_run_id);
	v[1] = STORE_INT_V(t->id);
	v[2] = STORE_INT_V(t->attempts);
	v[3] = STORE_TEXT_V(result_status_name(a->status));
	v[4] = STORE_INT_V(a->retried ? 1 : 0);
	v[5] = a->duration_ms >= 0 ? STORE_INT_V(a->duration_ms) : STORE_NULL_V;
	for (i = 0; i < 4; i++)
		v[6 + i] =
			hashes[i][0] ? STORE_TEXT_V(hashes[i]) : STORE_NULL_V;
	v[10] = STORE_TEXT_V(a->informing ? "informing" : "blocking");
	return store_exec(w->st,
			  "INSERT INTO test_result (job_run_id, test_id, "
			  "attempt, status, retried, duration_ms, "
			  "message_hash, text_hash, stdout_hash, stderr_hash, "
			  "lifecycle) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  v, 11, NULL, NULL);
}

int run_writer_suite(struct run_writer *w, const struct run_suite *s)
{
	char out_hash[65], err_hash[65], ts[TIMESTAMP_MAX];
	struct store_value v[7];

	w->counts.suites++;
	note_time(w, s->timestamp_ms);
	if (write_text(w, &s->out, out_hash) < 0 ||
	    write_text(w, &s->err, err_hash) < 0)
		return -1;
	if (w->dry_run)
		return 0;
	if (s->timestamp_ms >= 0)
		format_time(s->timestamp_ms, ts);
	v[0] = STORE_INT_V(w->job_run_id);
	v[1] = STORE_TEXT_V(s->path);
	v[2] = STORE_INT_V(s->tests);
	v[3] = s->hostname && *s->hostname ? STORE_TEXT_V(s->hostname)
					   : STORE_NULL_V;
	v[4] = s->timestamp_ms >= 0 ? STORE_TEXT_V(ts) : STORE_NULL_V;
	v[5] = out_hash[0] ? STORE_TEXT_V(out_hash) : STORE_NULL_V;
	v[6] = err_hash[0] ? STORE_TEXT_V(err_hash) : STORE_NULL_V;
	/* The same suite path twice in a run (two files): counts add up. */
	return store_exec(w->st,
			  "INSERT INTO job_run_suite (job_run_id, suite, "
			  "tests, hostname, started_at, stdout_hash, "
			  "stderr_hash) VALUES (?, ?, ?, ?, ?, ?, ?) ON "
			  "CONFLICT (job_run_id, suite) DO UPDATE SET tests = "
			  "job_run_suite.tests + excluded.tests",
			  v, 7, NULL, NULL);
}

/*
 * The run status of a test: flaky when it both passed and failed, or the
 * runner called it flaky and it passed; a retried-then-passed test is
 * never a clean pass.
 */
static enum run_status fold_status(const struct run_test *t)
{
	if (t->passes && (t->failures || t->flaky))
		return RUN_STATUS_FLAKY;
	if (t->failures)
		return RUN_STATUS_FAIL;
	if (t->passes)
		return RUN_STATUS_PASS;
	return RUN_STATUS_SKIP;
}

static int write_statuses(struct run_writer *w, int *blocking_failure)
{
	struct store_value v[7];

	*blocking_failure = 0;
	for (size_t i = 0; i < w->ntests; i++) {
		const struct run_test *t = &w->tests[i];
		enum run_status s = fold_status(t);

		w->counts.statuses[s]++;
		if (s == RUN_STATUS_FAIL && !t->informing)
			*blocking_failure = 1;
		if (w->dry_run)
			continue;
		v[0] = STORE_INT_V(w->job_run_id);
		v[1] = STORE_INT_V(t->id);
		v[2] = STORE_TEXT_V(run_status_name(s));
		v[3] = STORE_INT_V(t->attempts);
		v[4] = STORE_INT_V(t->failures);
		v[5] = t->duration_ms >= 0 ? STORE_INT_V(t->duration_ms)
					   : STORE_NULL_V;
		v[6] = STORE_TEXT_V(t->informing ? "informing" : "blocking");
		if (store_exec(w->st,
			       "INSERT INTO test_run_status (job_run_id, "
			       "test_id, status, attempts, failures, "
			       "duration_ms, lifecycle) VALUES (?, ?, ?, ?, "
			       "?, ?, ?)",
			       v, 7, NULL, NULL) < 0)
			return -1;
	}
	return 0;
}

static void writer_free(struct run_writer *w)
{
	strmap_release(&w->test_index);
	strmap_release(&w->texts_seen);
	buf_release(&w->key);
	free(w->tests);
	free(w);
}

int run_writer_commit(struct run_writer *w, struct run_counts *counts)
{
	char started[TIMESTAMP_MAX];
	struct store_value v[3];
	int blocking_failure;

	w->counts.tests = (int64_t)w->ntests;
	w->counts.started_at_ms = w->given_started_ms >= 0 ? w->given_started_ms
				  : w->earliest_ms >= 0	   ? w->earliest_ms
							   : timestamp_now_ms();
	if (write_statuses(w, &blocking_failure) < 0)
		goto fail;
	w->counts.worst = blocking_failure ? RUN_STATUS_FAIL : RUN_STATUS_PASS;
	w->counts.job_run_id = w->job_run_id;
	if (!w->dry_run) {
		format_time(w->counts.started_at_ms, started);
		v[0] = STORE_TEXT_V(!w->ntests	       ? "unknown"
				    : blocking_failure ? "fail"
						       : "pass");
		v[1] = STORE_TEXT_V(started);
		v[2] = STORE_INT_V(w->job_run_id);
		if (store_exec(w->st,
			       "UPDATE job_run SET status = ?, started_at = ? "
			       "WHERE id = ?",
			       v, 3, NULL, NULL) < 0 ||
		    store_commit(w->st) < 0)
			goto fail;
	}
	if (counts)
		*counts = w->counts;
	writer_free(w);
	return 0;
fail:
	run_writer_abort(w);
	return -1;
}

void run_writer_abort(struct run_writer *w)
{
	if (!w)
		return;
	if (!w->dry_run && w->st && w->st->in_transaction) {
		/* Keep the first error's message, not the rollback's. */
		struct buf msg = BUF_INIT;

		buf_adds(&msg, err_msg());
		store_rollback(w->st);
		if (msg.len)
			err_set("%s", msg.data);
		buf_release(&msg);
	}
	writer_free(w);
}
