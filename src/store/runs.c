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

/* Results are written in batches of this many rows (and at commit). */
#define RESULT_BATCH 10000

/* One test_result row waiting for the next flush. */
struct pending_result {
	size_t test; /* index into run_writer.tests */
	int attempt;
	enum result_status status;
	int retried;
	int informing;
	int64_t duration_ms;
	char hashes[4][65]; /* message, text, stdout, stderr; "" for none */
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
	/* Tests first seen since the last flush: their keys, NUL-separated. */
	struct buf new_keys;
	size_t *new_tests; /* their indexes into tests */
	size_t nnew, new_cap;
	struct pending_result *results;
	size_t nresults, results_cap;
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

	if (info->release && store_upsert_name(st, "release", "name",
					       info->release, &release_id) < 0)
		return -1;
	if (store_upsert_name(st, "payload", "tag", info->payload, payload_id) <
	    0)
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
	char now[STORE_TIME_MAX];
	struct store_value v[7];

	if (store_upsert_name(st, "job", "name", info->job, &job_id) < 0 ||
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
	store_time(timestamp_now_ms(), now);
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
	buf_init(&w->new_keys);
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

/*
 * Finds or creates the slot of a's test.  A test new to the writer gets
 * its id at the next flush (resolve_new_tests()); in a dry run its index.
 */
static struct run_test *intern_test(struct run_writer *w,
				    const struct run_attempt *a)
{
	int64_t idx;
	struct run_test *t;

	buf_reset(&w->key);
	buf_adds(&w->key, a->suite);
	buf_addch(&w->key, '\0');
	buf_adds(&w->key, a->classname);
	buf_addch(&w->key, '\0');
	buf_adds(&w->key, a->name);
	if (strmap_get(&w->test_index, w->key.data, w->key.len, &idx))
		return &w->tests[idx];
	ALLOC_GROW(w->tests, w->ntests + 1, w->tests_cap);
	t = &w->tests[w->ntests];
	memset(t, 0, sizeof(*t));
	t->duration_ms = -1;
	t->id = w->dry_run ? (int64_t)w->ntests + 1 : 0;
	if (!w->dry_run) {
		ALLOC_GROW(w->new_tests, w->nnew + 1, w->new_cap);
		w->new_tests[w->nnew++] = w->ntests;
		buf_add(&w->new_keys, w->key.data, w->key.len);
		buf_addch(&w->new_keys, '\0');
	}
	strmap_put(&w->test_index, w->key.data, w->key.len, (int64_t)w->ntests);
	w->ntests++;
	return t;
}

static const char *const new_test_columns[] = {"seq", "suite", "classname",
					       "name"};

/* Fills the (emptied) temporary table run_new_test with the new tests. */
static int load_new_tests(struct run_writer *w)
{
	const char *p = w->new_keys.data;
	struct store_value v[4];

	if (store_exec(w->st,
		       store_sql_pick(w->st,
				      "CREATE TEMP TABLE IF NOT EXISTS "
				      "run_new_test (seq INTEGER NOT NULL, "
				      "suite TEXT NOT NULL, classname TEXT "
				      "NOT NULL, name TEXT NOT NULL)",
				      "CREATE TEMP TABLE IF NOT EXISTS "
				      "run_new_test (seq BIGINT NOT NULL, "
				      "suite TEXT NOT NULL, classname TEXT "
				      "NOT NULL, name TEXT NOT NULL)"),
		       NULL, 0, NULL, NULL) < 0 ||
	    store_exec(w->st, "DELETE FROM run_new_test", NULL, 0, NULL, NULL) <
		    0 ||
	    store_bulk_begin(w->st, "run_new_test", new_test_columns, 4) < 0)
		return -1;
	for (size_t i = 0; i < w->nnew; i++) {
		v[0] = STORE_INT_V((int64_t)w->new_tests[i]);
		for (int c = 1; c < 4; c++) {
			v[c] = STORE_TEXT_V(p);
			p += strlen(p) + 1;
		}
		if (store_bulk_row(w->st, v) < 0)
			return -1;
	}
	return store_bulk_end(w->st);
}

/* Sets the id of the test at index seq from one row (seq, id). */
static int take_test_id(const struct store_row *row, void *ctx)
{
	struct run_writer *w = ctx;
	int64_t seq = row->cols[0].i;

	if (row->cols[0].type != STORE_INT || row->cols[1].type != STORE_INT ||
	    seq < 0 || (size_t)seq >= w->ntests)
		return err_set("unexpected row reading back test ids");
	w->tests[seq].id = row->cols[1].i;
	return 0;
}

/*
 * Gives every test first seen since the last flush its id, with a constant
 * number of statements: the new tests go to a temporary table, are
 * inserted in order of first appearance (ON CONFLICT covers the known ones
 * and a concurrent ingest), and all ids are read back with one join.
 */
static int resolve_new_tests(struct run_writer *w)
{
	if (!w->nnew)
		return 0;
	if (load_new_tests(w) < 0 ||
	    store_exec(w->st,
		       "INSERT INTO test (suite, classname, name) SELECT "
		       "suite, classname, name FROM run_new_test WHERE true "
		       "ORDER BY seq ON CONFLICT (suite, classname, name) DO "
		       "NOTHING",
		       NULL, 0, NULL, NULL) < 0 ||
	    store_exec(w->st,
		       "SELECT n.seq, t.id FROM run_new_test n JOIN test t "
		       "ON t.suite = n.suite AND t.classname = n.classname "
		       "AND t.name = n.name",
		       NULL, 0, take_test_id, w) < 0)
		return -1;
	for (size_t i = 0; i < w->nnew; i++)
		if (!w->tests[w->new_tests[i]].id)
			return err_set("a new test has no id after inserting "
				       "it");
	w->nnew = 0;
	buf_reset(&w->new_keys);
	return 0;
}

static const char *const result_columns[] = {
	"job_run_id",  "test_id",     "attempt",      "status",
	"retried",     "duration_ms", "message_hash", "text_hash",
	"stdout_hash", "stderr_hash", "lifecycle",
};

/* Writes the buffered results, after resolving their tests' ids. */
static int flush_results(struct run_writer *w)
{
	struct store_value v[11];

	if (w->dry_run || resolve_new_tests(w) < 0)
		return w->dry_run ? 0 : -1;
	if (!w->nresults)
		return 0;
	if (store_bulk_begin(w->st, "test_result", result_columns, 11) < 0)
		return -1;
	for (size_t r = 0; r < w->nresults; r++) {
		const struct pending_result *p = &w->results[r];

		v[0] = STORE_INT_V(w->job_run_id);
		v[1] = STORE_INT_V(w->tests[p->test].id);
		v[2] = STORE_INT_V(p->attempt);
		v[3] = STORE_TEXT_V(result_status_name(p->status));
		v[4] = STORE_INT_V(p->retried ? 1 : 0);
		v[5] = p->duration_ms >= 0 ? STORE_INT_V(p->duration_ms)
					   : STORE_NULL_V;
		for (int i = 0; i < 4; i++)
			v[6 + i] = p->hashes[i][0] ? STORE_TEXT_V(p->hashes[i])
						   : STORE_NULL_V;
		v[10] = STORE_TEXT_V(p->informing ? "informing" : "blocking");
		if (store_bulk_row(w->st, v) < 0)
			return -1;
	}
	w->nresults = 0;
	return store_bulk_end(w->st);
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
	struct run_test *t = intern_test(w, a);
	struct pending_result *p;

	if (write_text(w, &a->message, hashes[0]) < 0 ||
	    write_text(w, &a->text, hashes[1]) < 0 ||
	    write_text(w, &a->out, hashes[2]) < 0 ||
	    write_text(w, &a->err, hashes[3]) < 0)
		return -1;
	fold_attempt(w, t, a);
	if (w->dry_run)
		return 0;
	ALLOC_GROW(w->results, w->nresults + 1, w->results_cap);
	p = &w->results[w->nresults++];
	p->test = (size_t)(t - w->tests);
	p->attempt = t->attempts;
	p->status = a->status;
	p->retried = a->retried;
	p->informing = a->informing;
	p->duration_ms = a->duration_ms;
	memcpy(p->hashes, hashes, sizeof(hashes));
	return w->nresults >= RESULT_BATCH ? flush_results(w) : 0;
}

int run_writer_suite(struct run_writer *w, const struct run_suite *s)
{
	char out_hash[65], err_hash[65], ts[STORE_TIME_MAX];
	struct store_value v[7];

	w->counts.suites++;
	note_time(w, s->timestamp_ms);
	if (write_text(w, &s->out, out_hash) < 0 ||
	    write_text(w, &s->err, err_hash) < 0)
		return -1;
	if (w->dry_run)
		return 0;
	if (s->timestamp_ms >= 0)
		store_time(s->timestamp_ms, ts);
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

static const char *const status_columns[] = {
	"job_run_id", "test_id",     "status",	  "attempts",
	"failures",   "duration_ms", "lifecycle",
};

/* Folds every test's run status and writes them in one bulk load. */
static int write_statuses(struct run_writer *w, int *blocking_failure)
{
	struct store_value v[7];

	*blocking_failure = 0;
	if (!w->dry_run && w->ntests &&
	    store_bulk_begin(w->st, "test_run_status", status_columns, 7) < 0)
		return -1;
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
		if (store_bulk_row(w->st, v) < 0)
			return -1;
	}
	return !w->dry_run && w->ntests ? store_bulk_end(w->st) : 0;
}

static void writer_free(struct run_writer *w)
{
	strmap_release(&w->test_index);
	strmap_release(&w->texts_seen);
	buf_release(&w->key);
	buf_release(&w->new_keys);
	free(w->new_tests);
	free(w->results);
	free(w->tests);
	free(w);
}

int run_writer_commit(struct run_writer *w, struct run_counts *counts)
{
	char started[STORE_TIME_MAX];
	struct store_value v[3];
	int blocking_failure;

	w->counts.tests = (int64_t)w->ntests;
	w->counts.started_at_ms = w->given_started_ms >= 0 ? w->given_started_ms
				  : w->earliest_ms >= 0	   ? w->earliest_ms
							   : timestamp_now_ms();
	if (flush_results(w) < 0 || write_statuses(w, &blocking_failure) < 0)
		goto fail;
	w->counts.worst = blocking_failure ? RUN_STATUS_FAIL : RUN_STATUS_PASS;
	w->counts.job_run_id = w->job_run_id;
	if (!w->dry_run) {
		store_time(w->counts.started_at_ms, started);
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
