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
#include "core/strmap.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "store/run_texts.h"
#include "core/banned.h"

/*
 * What the writer knows of one test of the run.  Outside a dry run the
 * writer keeps only a bounded cache of tests: base is the number of
 * attempts the test had before it entered the cache, read back from
 * test_result, and the counters cover the attempts since.
 */
struct run_test {
	int64_t id;
	int64_t base;
	int attempts;
	int passes;
	int failures; /* fail or error */
	int skips;
	int flaky;
	int informing;
	int64_t duration_ms; /* -1 while none reported */
};

/* Results are written in batches of this many rows (and at commit). */
#define RESULT_BATCH 8192
/*
 * The cache of tests is emptied (after a flush) past this many, so memory
 * does not grow with the number of distinct tests of a run.  A dry run
 * keeps every test: it folds the run statuses in memory.
 */
#define TEST_CACHE_MAX 16384

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
	size_t evictions; /* times the cache of tests was emptied */
	struct run_texts texts;
	struct buf key;
	/* Tests first seen since the last flush: their keys, NUL-separated. */
	struct buf new_keys;
	size_t *new_tests; /* their indexes into tests */
	size_t nnew, new_cap;
	size_t ninserted; /* of them, created by the last INSERT INTO test */
	struct pending_result *results;
	size_t nresults, results_cap;
	struct run_counts counts;
	int64_t earliest_ms;
	int64_t given_started_ms;
	int blocking_failure; /* set while counting the run statuses */
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
	run_texts_init(&w->texts, info->dry_run ? NULL : st);
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
	if (row->ncols > 2 && row->cols[2].type == STORE_INT)
		w->tests[seq].base = row->cols[2].i;
	return 0;
}

/*
 * Sets the id of a test the INSERT created, from one row (id, suite,
 * classname, name).  A test new to the store has no earlier attempts.
 */
static int take_inserted_test(const struct store_row *row, void *ctx)
{
	struct run_writer *w = ctx;
	int64_t idx;

	if (row->ncols != 4 || row->cols[0].type != STORE_INT ||
	    !row->cols[1].s || !row->cols[2].s || !row->cols[3].s)
		return err_set("unexpected row inserting tests");
	buf_reset(&w->key);
	buf_adds(&w->key, row->cols[1].s);
	buf_addch(&w->key, '\0');
	buf_adds(&w->key, row->cols[2].s);
	buf_addch(&w->key, '\0');
	buf_adds(&w->key, row->cols[3].s);
	if (!strmap_get(&w->test_index, w->key.data, w->key.len, &idx))
		return err_set("an inserted test is not one of the run's");
	w->tests[idx].id = row->cols[0].i;
	w->ninserted++;
	return 0;
}

/*
 * Reads back the ids of the tests in run_new_test and, once the cache of
 * tests has been emptied, how many attempts each already has in the run
 * (a test may come back after it left the cache).
 */
static int read_test_ids(struct run_writer *w, const struct store_value *run)
{
	if (!w->evictions)
		return store_exec(w->st,
				  "SELECT n.seq, t.id FROM run_new_test n "
				  "JOIN test t ON t.suite = n.suite AND "
				  "t.classname = n.classname AND t.name = "
				  "n.name",
				  NULL, 0, take_test_id, w);
	return store_exec(w->st,
			  "SELECT n.seq, t.id, (SELECT max(r.attempt) FROM "
			  "test_result r WHERE r.job_run_id = ? AND "
			  "r.test_id = t.id) FROM run_new_test n JOIN test t "
			  "ON t.suite = n.suite AND t.classname = n.classname "
			  "AND t.name = n.name",
			  run, 1, take_test_id, w);
}

/*
 * Gives every test first seen since the last flush its id, with a constant
 * number of statements: the new tests go to a temporary table, are
 * inserted in order of first appearance (ON CONFLICT covers the known ones
 * and a concurrent ingest), the INSERT returns the ids it created, and
 * only when some tests already existed are the others read back with
 * one join.
 */
static int resolve_new_tests(struct run_writer *w)
{
	struct store_value v = STORE_INT_V(w->job_run_id);

	if (!w->nnew)
		return 0;
	w->ninserted = 0;
	if (load_new_tests(w) < 0 ||
	    store_exec(w->st,
		       "INSERT INTO test (suite, classname, name) SELECT "
		       "suite, classname, name FROM run_new_test WHERE true "
		       "ORDER BY seq ON CONFLICT (suite, classname, name) DO "
		       "NOTHING RETURNING id, suite, classname, name",
		       NULL, 0, take_inserted_test, w) < 0 ||
	    (w->ninserted < w->nnew && read_test_ids(w, &v) < 0))
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
		return run_texts_flush(&w->texts);
	if (store_bulk_begin(w->st, "test_result", result_columns, 11) < 0)
		return -1;
	for (size_t r = 0; r < w->nresults; r++) {
		const struct pending_result *p = &w->results[r];

		v[0] = STORE_INT_V(w->job_run_id);
		v[1] = STORE_INT_V(w->tests[p->test].id);
		v[2] = STORE_INT_V(w->tests[p->test].base + p->attempt);
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
	if (store_bulk_end(w->st) < 0 || run_texts_flush(&w->texts) < 0)
		return -1;
	if (w->ntests > TEST_CACHE_MAX) {
		strmap_release(&w->test_index);
		strmap_init(&w->test_index);
		w->ntests = 0;
		w->evictions++;
	}
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
	struct run_test *t = intern_test(w, a);
	struct pending_result *p;

	if (run_texts_add(&w->texts, &a->message, hashes[0]) < 0 ||
	    run_texts_add(&w->texts, &a->text, hashes[1]) < 0 ||
	    run_texts_add(&w->texts, &a->out, hashes[2]) < 0 ||
	    run_texts_add(&w->texts, &a->err, hashes[3]) < 0)
		return -1;
	fold_attempt(w, t, a);
	if (w->dry_run)
		return 0;
	ALLOC_GROW(w->results, w->nresults + 1, w->results_cap);
	p = &w->results[w->nresults++];
	p->test = (size_t)(t - w->tests);
	p->attempt = t->attempts;
	p->status = a->status;
	/* A runner's own flaky mark is a retry (0001_core, retried): the run
	 * status folded from test_result needs it there. */
	p->retried = a->retried || a->flaky;
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
	if (run_texts_add(&w->texts, &s->out, out_hash) < 0 ||
	    run_texts_add(&w->texts, &s->err, err_hash) < 0)
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

/* Counts the run statuses folded in memory: a dry run writes nothing. */
static void count_statuses(struct run_writer *w, int *blocking_failure)
{
	*blocking_failure = 0;
	w->counts.tests = (int64_t)w->ntests;
	for (size_t i = 0; i < w->ntests; i++) {
		const struct run_test *t = &w->tests[i];
		enum run_status s = fold_status(t);

		w->counts.statuses[s]++;
		if (s == RUN_STATUS_FAIL && !t->informing)
			*blocking_failure = 1;
	}
}

/*
 * Takes the one row (pass, fail, flaky, skip, blocking failures) counting
 * the run statuses: NULLs when the run has no test.
 */
static int take_status_counts(const struct store_row *row, void *ctx)
{
	struct run_writer *w = ctx;

	if (row->ncols != 5)
		return err_set("unexpected row counting run statuses");
	for (int s = RUN_STATUS_PASS; s <= RUN_STATUS_SKIP; s++) {
		int64_t n = row->cols[s].type == STORE_INT ? row->cols[s].i : 0;

		w->counts.statuses[s] = n;
		w->counts.tests += n;
	}
	w->blocking_failure = row->cols[4].type == STORE_INT && row->cols[4].i;
	return 0;
}

/*
 * Folds every test's attempts into its run status with one statement
 * over the run's test_result rows (fold_status() in SQL: retried marks
 * what the runner called flaky), then counts them in one pass (a GROUP BY
 * would sort every status in memory).
 */
static int write_statuses(struct run_writer *w, int *blocking_failure)
{
	struct store_value v = STORE_INT_V(w->job_run_id);

	w->blocking_failure = 0;
	if (store_exec(w->st,
		       "INSERT INTO test_run_status (job_run_id, test_id, "
		       "status, attempts, failures, duration_ms, lifecycle) "
		       "SELECT job_run_id, test_id, CASE WHEN p > 0 AND (f > 0 "
		       "OR rt > 0) THEN 'flaky' WHEN f > 0 THEN 'fail' WHEN p "
		       "> 0 THEN 'pass' ELSE 'skip' END, n, f, d, CASE WHEN "
		       "inf > 0 THEN 'informing' ELSE 'blocking' END FROM "
		       "(SELECT job_run_id, test_id, count(*) AS n, sum(CASE "
		       "WHEN status = 'pass' THEN 1 ELSE 0 END) AS p, "
		       "sum(CASE WHEN status = 'fail' OR status = 'error' "
		       "THEN 1 ELSE 0 END) AS f, max(retried) AS rt, "
		       "sum(duration_ms) AS d, max(CASE WHEN lifecycle = "
		       "'informing' THEN 1 ELSE 0 END) AS inf FROM "
		       "test_result WHERE job_run_id = ? GROUP BY job_run_id, "
		       "test_id) AS g",
		       &v, 1, NULL, NULL) < 0 ||
	    store_exec(w->st,
		       "SELECT sum(CASE WHEN status = 'pass' THEN 1 ELSE 0 "
		       "END), sum(CASE WHEN status = 'fail' THEN 1 ELSE 0 "
		       "END), sum(CASE WHEN status = 'flaky' THEN 1 ELSE 0 "
		       "END), sum(CASE WHEN status = 'skip' THEN 1 ELSE 0 "
		       "END), sum(CASE WHEN status = 'fail' AND lifecycle = "
		       "'blocking' THEN 1 ELSE 0 END) FROM test_run_status "
		       "WHERE job_run_id = ?",
		       &v, 1, take_status_counts, w) < 0)
		return -1;
	*blocking_failure = w->blocking_failure;
	return 0;
}

static void writer_free(struct run_writer *w)
{
	strmap_release(&w->test_index);
	run_texts_release(&w->texts);
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

	w->counts.started_at_ms = w->given_started_ms >= 0 ? w->given_started_ms
				  : w->earliest_ms >= 0	   ? w->earliest_ms
							   : timestamp_now_ms();
	if (w->dry_run)
		count_statuses(w, &blocking_failure);
	else if (flush_results(w) < 0 ||
		 write_statuses(w, &blocking_failure) < 0)
		goto fail;
	w->counts.worst = blocking_failure ? RUN_STATUS_FAIL : RUN_STATUS_PASS;
	w->counts.job_run_id = w->job_run_id;
	if (!w->dry_run) {
		store_time(w->counts.started_at_ms, started);
		v[0] = STORE_TEXT_V(!w->counts.tests   ? "unknown"
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
