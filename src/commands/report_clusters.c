/*
 * report_clusters.c - report clusters: failures grouped by their
 * normalised message (analysis/cluster.h), with counts per day or week
 * and the tests they touch.
 *
 * Clustering is incremental.  The cursor (source_cursor 'failure-cluster'
 * / 'results') is the newest job_run.ingested_at clustered so far; each
 * report re-clusters the runs ingested since then (less a margin, so an
 * ingest that committed late is not missed): their failing attempts'
 * links are replaced, new clusters are created, and first_seen/last_seen
 * widened.  Re-clustering a run gives the same links, so the margin costs
 * time only.  Under --dry-run nothing is written: the runs that would be
 * clustered are clustered in memory and counted with the stored links of
 * the others.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/cluster.h"
#include "commands/report.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/strmap.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "core/banned.h"

/* The normaliser's name, stored with every cluster it made. */
#define ALGORITHM "mask-v1"
/* Runs ingested this long before the cursor are clustered again. */
#define MARGIN_MS INT64_C(600000)
/* How much of a message a cluster keeps as its example. */
#define EXAMPLE_MAX 1000
/* How many test names a cluster's row lists. */
#define NAMES_MAX 3

/* One cluster's counts within the report's window. */
struct agg_cluster {
	char hash[CLUSTER_ID_SIZE];
	char *pattern, *example; /* NULL: read from the store */
	char first[STORE_TIME_MAX], last[STORE_TIME_MAX];
	int64_t failures;
	struct strmap tests, runs, periods;
};

struct agg {
	struct strmap index; /* hash -> position in c */
	struct agg_cluster *c;
	size_t n, cap;
	int weekly;
};

/* The period (day or ISO week's Monday) of a start time into out[11]. */
static void period_of(const struct agg *a, const char *at, char out[11])
{
	int64_t ms, days;

	if (!a->weekly || timestamp_parse(at, &ms) < 0) {
		memcpy(out, at, 10);
		out[10] = '\0';
		return;
	}
	days = ms / 86400000 - (ms % 86400000 < 0);
	/* 1970-01-01 was a Thursday: Monday is 3 days before. */
	days -= ((days + 3) % 7 + 7) % 7;
	timestamp_format_date(days * 86400000, out);
}

static struct agg_cluster *agg_cluster(struct agg *a, const char *hash)
{
	int64_t i;
	struct agg_cluster *c;

	if (strmap_get(&a->index, hash, CLUSTER_ID_SIZE - 1, &i))
		return &a->c[i];
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 64;
		a->c = xreallocarray(a->c, a->cap, sizeof(*a->c));
	}
	c = &a->c[a->n];
	memset(c, 0, sizeof(*c));
	memcpy(c->hash, hash, CLUSTER_ID_SIZE);
	strmap_init(&c->tests);
	strmap_init(&c->runs);
	strmap_init(&c->periods);
	strmap_put(&a->index, hash, CLUSTER_ID_SIZE - 1, (int64_t)a->n);
	return &a->c[a->n++];
}

/* Counts one failing attempt of test_id in job run run_id. */
static void agg_add(struct agg *a, const char *hash, const char *at,
		    int64_t test_id, int64_t run_id)
{
	struct agg_cluster *c = agg_cluster(a, hash);
	char period[11];
	int64_t k = 0;

	c->failures++;
	if (!c->first[0] || strcmp(at, c->first) < 0)
		snprintf(c->first, sizeof(c->first), "%s", at);
	if (strcmp(at, c->last) > 0)
		snprintf(c->last, sizeof(c->last), "%s", at);
	strmap_get(&c->tests, (const char *)&test_id, sizeof(test_id), &k);
	strmap_put(&c->tests, (const char *)&test_id, sizeof(test_id), k + 1);
	strmap_put(&c->runs, (const char *)&run_id, sizeof(run_id), 1);
	period_of(a, at, period);
	k = 0;
	strmap_get(&c->periods, period, 10, &k);
	strmap_put(&c->periods, period, 10, k + 1);
}

static void agg_release(struct agg *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->c[i].pattern);
		free(a->c[i].example);
		strmap_release(&a->c[i].tests);
		strmap_release(&a->c[i].runs);
		strmap_release(&a->c[i].periods);
	}
	free(a->c);
	strmap_release(&a->index);
}

/* A job run to cluster. */
struct window_run {
	int64_t id, job_id;
	char started_at[STORE_TIME_MAX];
};

/* The clustering of the runs ingested since the cursor. */
struct clusterer {
	struct store *st;
	int dry_run;
	struct agg *agg; /* dry run: counts what it would link */
	int64_t job_id;	 /* the report's filters, for the dry run */
	const char *since;
	struct strmap ids; /* hash -> failure_cluster.id */
	struct buf norm;
	const struct window_run *run;
	int64_t links;
	/* The clusters seen, with the runs' first and last start. */
	struct agg seen;
};

static int on_window_run(const struct store_row *row, void *ctx)
{
	struct buf *b = ctx;
	struct window_run r = {row->cols[0].i, row->cols[1].i, ""};

	snprintf(r.started_at, sizeof(r.started_at), "%s", row->cols[2].s);
	buf_add(b, &r, sizeof(r));
	return 0;
}

/*
 * A copy of the len bytes at text cut to at most EXAMPLE_MAX bytes,
 * never inside a UTF-8 character.
 */
static char *cut(const char *text, size_t len)
{
	if (len > EXAMPLE_MAX) {
		len = EXAMPLE_MAX;
		while (len > 0 && ((unsigned char)text[len] & 0xc0) == 0x80)
			len--;
	}
	return xstrndup(text, len);
}

/* The id of the cluster named hash, creating it; -1 with the message. */
static int cluster_row(struct clusterer *k, const char *hash,
		       const char *pattern, const char *example, size_t len,
		       int64_t *id)
{
	struct store_value v[5];
	char *ex;
	int rc;

	if (strmap_get(&k->ids, hash, CLUSTER_ID_SIZE - 1, id))
		return 0;
	v[0] = STORE_TEXT_V(hash);
	if (store_query_int(k->st,
			    "SELECT id FROM failure_cluster WHERE hash = ?", v,
			    1, id) < 0)
		return -1;
	if (!*id) {
		ex = cut(example, len);
		v[1] = STORE_TEXT_V(ALGORITHM);
		v[2] = STORE_TEXT_V(pattern);
		v[3] = STORE_TEXT_V(ex);
		v[4] = STORE_TEXT_V(k->run->started_at);
		rc = store_exec(k->st,
				"INSERT INTO failure_cluster (hash, algorithm, "
				"pattern, example, first_seen, last_seen) "
				"VALUES (?, ?, ?, ?, ?, ?)",
				(struct store_value[]){v[0], v[1], v[2], v[3],
						       v[4], v[4]},
				6, NULL, NULL);
		free(ex);
		if (rc < 0 || store_query_int(k->st,
					      "SELECT id FROM failure_cluster "
					      "WHERE hash = ?",
					      v, 1, id) < 0)
			return -1;
	}
	strmap_put(&k->ids, hash, CLUSTER_ID_SIZE - 1, *id);
	return 0;
}

/* Columns: test_id, attempt, message text, body text. */
static int on_failure(const struct store_row *row, void *ctx)
{
	struct clusterer *k = ctx;
	const char *reason;
	char hash[CLUSTER_ID_SIZE];
	size_t len;
	int64_t id;

	reason = cluster_reason(row->cols[2].s, row->cols[3].s, &len);
	if (!reason)
		return 0;
	buf_reset(&k->norm);
	cluster_normalise(reason, len, &k->norm);
	cluster_id(k->norm.data, k->norm.len, hash);
	agg_add(&k->seen, hash, k->run->started_at, 0, 0);
	if (k->dry_run) {
		struct agg_cluster *c;

		if ((k->job_id && k->run->job_id != k->job_id) ||
		    (k->since && strcmp(k->run->started_at, k->since) < 0))
			return 0;
		agg_add(k->agg, hash, k->run->started_at, row->cols[0].i,
			k->run->id);
		c = agg_cluster(k->agg, hash);
		if (!c->pattern) {
			c->pattern = xstrdup(k->norm.data);
			c->example = cut(reason, len);
		}
		k->links++;
		return 0;
	}
	if (cluster_row(k, hash, k->norm.data, reason, len, &id) < 0)
		return -1;
	k->links++;
	return store_exec(k->st,
			  "INSERT INTO failure_cluster_result (job_run_id, "
			  "test_id, attempt, cluster_id) VALUES (?, ?, ?, ?)",
			  (struct store_value[]){STORE_INT_V(k->run->id),
						 row->cols[0], row->cols[1],
						 STORE_INT_V(id)},
			  4, NULL, NULL);
}

/* Clusters the failing attempts of one job run. */
static int cluster_run(struct clusterer *k, const struct window_run *r)
{
	struct store_value v = STORE_INT_V(r->id);

	k->run = r;
	if (!k->dry_run &&
	    store_exec(
		    k->st,
		    "DELETE FROM failure_cluster_result WHERE job_run_id = ?",
		    &v, 1, NULL, NULL) < 0)
		return -1;
	return store_exec(k->st,
			  "SELECT s.test_id, s.attempt, m.text, x.text FROM "
			  "test_result s LEFT JOIN test_output m ON m.hash = "
			  "s.message_hash LEFT JOIN test_output x ON x.hash = "
			  "s.text_hash WHERE s.job_run_id = ? AND (s.status = "
			  "'fail' OR s.status = 'error')",
			  &v, 1, on_failure, k);
}

/* Widens first_seen and last_seen of every cluster seen; moves cursor. */
static int finish_writes(struct clusterer *k, const char *newest)
{
	char now[STORE_TIME_MAX];

	for (size_t i = 0; i < k->seen.n; i++) {
		const struct agg_cluster *c = &k->seen.c[i];
		struct store_value v[5] = {
			STORE_TEXT_V(c->first), STORE_TEXT_V(c->first),
			STORE_TEXT_V(c->last), STORE_TEXT_V(c->last),
			STORE_TEXT_V(c->hash)};

		if (store_exec(k->st,
			       "UPDATE failure_cluster SET first_seen = CASE "
			       "WHEN ? < first_seen THEN ? ELSE first_seen "
			       "END, last_seen = CASE WHEN ? > last_seen THEN "
			       "? ELSE last_seen END WHERE hash = ?",
			       v, 5, NULL, NULL) < 0)
			return -1;
	}
	store_time(timestamp_now_ms(), now);
	return store_exec(
		k->st,
		"INSERT INTO source_cursor (source, scope, cursor, "
		"updated_at) VALUES ('failure-cluster', 'results', "
		"?, ?) ON CONFLICT (source, scope) DO UPDATE SET "
		"cursor = excluded.cursor, updated_at = "
		"excluded.updated_at",
		(struct store_value[]){STORE_TEXT_V(newest), STORE_TEXT_V(now)},
		2, NULL, NULL);
}

/*
 * Clusters the runs ingested since the cursor (less the margin); sets
 * *from to the window's start ("" for all time).
 */
static int cluster_new(struct clusterer *k, char from[STORE_TIME_MAX])
{
	char cursor[STORE_TIME_MAX], newest[STORE_TIME_MAX] = "";
	struct buf runs = BUF_INIT;
	struct store_value v[2];
	int64_t ms;
	size_t n;
	int rc = -1;

	from[0] = '\0';
	if (store_query_text(k->st,
			     "SELECT cursor FROM source_cursor WHERE source = "
			     "'failure-cluster' AND scope = 'results'",
			     NULL, 0, cursor, sizeof(cursor)) < 0)
		return -1;
	if (cursor[0] && timestamp_parse(cursor, &ms) == 0)
		store_time(ms - MARGIN_MS, from);
	v[0] = v[1] = from[0] ? STORE_TEXT_V(from) : STORE_NULL_V;
	if (!k->dry_run && store_begin(k->st) < 0)
		return -1;
	if (store_query_text(k->st,
			     "SELECT max(ingested_at) FROM job_run WHERE (? IS "
			     "NULL OR ingested_at >= ?)",
			     v, 2, newest, sizeof(newest)) < 0 ||
	    store_exec(k->st,
		       "SELECT id, job_id, started_at FROM job_run WHERE (? "
		       "IS NULL OR ingested_at >= ?) ORDER BY id",
		       v, 2, on_window_run, &runs) < 0)
		goto out;
	n = runs.len / sizeof(struct window_run);
	for (size_t i = 0; i < n; i++)
		if (cluster_run(k, (const struct window_run *)runs.data + i) <
		    0)
			goto out;
	if (k->dry_run)
		log_info("dry run: would link %lld failures of %zu runs to "
			 "clusters",
			 (long long)k->links, n);
	else if ((newest[0] && finish_writes(k, newest) < 0) ||
		 store_commit(k->st) < 0)
		goto out;
	log_info("clusters: %zu runs ingested since %s, %lld failures linked",
		 n, from[0] ? from : "the start", (long long)k->links);
	rc = 0;
out:
	if (rc < 0 && k->st->in_transaction)
		store_rollback(k->st);
	buf_release(&runs);
	return rc;
}

/* Columns: hash, started_at, test_id, job_run_id. */
static int on_link(const struct store_row *row, void *ctx)
{
	if (!row->cols[0].s || strlen(row->cols[0].s) != CLUSTER_ID_SIZE - 1)
		return 0;
	agg_add(ctx, row->cols[0].s, row->cols[1].s, row->cols[2].i,
		row->cols[3].i);
	return 0;
}

/* One test's failures in a cluster, for the names a row lists. */
struct test_count {
	int64_t test_id, count;
};

struct test_top {
	struct test_count top[NAMES_MAX];
	size_t n;
};

static void on_test(const char *key, size_t keylen, int64_t value, void *ctx)
{
	struct test_top *t = ctx;
	struct test_count c = {0, value};
	size_t i;

	(void)keylen;
	memcpy(&c.test_id, key, sizeof(c.test_id));
	for (i = t->n; i > 0; i--) {
		const struct test_count *p = &t->top[i - 1];

		if (p->count > c.count ||
		    (p->count == c.count && p->test_id < c.test_id))
			break;
		if (i < NAMES_MAX)
			t->top[i] = *p;
	}
	if (i < NAMES_MAX) {
		t->top[i] = c;
		if (t->n < NAMES_MAX)
			t->n++;
	}
}

static void on_period(const char *key, size_t keylen, int64_t value, void *ctx)
{
	json_t *o = json_object();

	json_object_set_new(o, "period", json_stringn(key, keylen));
	json_object_set_new(o, "failures", json_integer(value));
	json_array_append_new(ctx, o);
}

static int by_period(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;

	return strcmp(json_string_value(json_object_get(x, "period")),
		      json_string_value(json_object_get(y, "period")));
}

/* The periods of c as [{period, failures}], oldest first. */
static json_t *periods_json(const struct agg_cluster *c)
{
	json_t *arr = json_array(), *sorted = json_array();
	size_t n, i;
	json_t **v;

	strmap_foreach(&c->periods, on_period, arr);
	n = json_array_size(arr);
	v = xcalloc(n ? n : 1, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = json_array_get(arr, i);
	qsort(v, n, sizeof(*v), by_period);
	for (i = 0; i < n; i++)
		json_array_append(sorted, v[i]);
	free(v);
	json_decref(arr);
	return sorted;
}

/* The names of c's most failing tests, "a, b, c", into b. */
static int names_of(struct store *st, const struct agg_cluster *c,
		    struct buf *b)
{
	struct test_top t = {.n = 0};
	char name[768], part[512];

	strmap_foreach(&c->tests, on_test, &t);
	buf_reset(b);
	for (size_t i = 0; i < t.n; i++) {
		struct store_value v = STORE_INT_V(t.top[i].test_id);

		if (store_query_text(st,
				     "SELECT classname FROM test WHERE id = ?",
				     &v, 1, part, sizeof(part)) < 0)
			return -1;
		snprintf(name, sizeof(name), "%s%s", part, *part ? "." : "");
		if (store_query_text(st, "SELECT name FROM test WHERE id = ?",
				     &v, 1, part, sizeof(part)) < 0)
			return -1;
		buf_addf(b, "%s%s%s", i ? ", " : "", name, part);
	}
	return 0;
}

/* Reads the pattern and example of a stored cluster into c. */
static int texts_of(struct store *st, struct agg_cluster *c)
{
	struct store_value v = STORE_TEXT_V(c->hash);
	char tmp[EXAMPLE_MAX + 1];

	if (c->pattern)
		return 0;
	if (store_query_text(
		    st, "SELECT pattern FROM failure_cluster WHERE hash = ?",
		    &v, 1, tmp, sizeof(tmp)) < 0)
		return -1;
	c->pattern = xstrdup(tmp);
	if (store_query_text(
		    st, "SELECT example FROM failure_cluster WHERE hash = ?",
		    &v, 1, tmp, sizeof(tmp)) < 0)
		return -1;
	c->example = xstrdup(tmp);
	return 0;
}

static int by_failures(const void *a, const void *b)
{
	const struct agg_cluster *x = *(struct agg_cluster *const *)a;
	const struct agg_cluster *y = *(struct agg_cluster *const *)b;

	if (x->failures != y->failures)
		return x->failures > y->failures ? -1 : 1;
	return strcmp(x->hash, y->hash);
}

static json_t *cluster_json(const struct agg_cluster *c, const char *names,
			    const struct buf *params)
{
	json_t *o = json_object();
	size_t ntests = strmap_count(&c->tests), nruns = strmap_count(&c->runs);
	char *why;

	why = xasprintf(
		"%lld failures in %zu runs of %zu tests from %s to %s share "
		"the message pattern '%s' once numbers, hex, UUIDs, times, "
		"paths, URLs, quoted strings and long tokens are masked and "
		"white space collapsed; the cluster is named by the first 16 "
		"bytes of the pattern's SHA-256, as LUCI Analysis names "
		"failure reason clusters",
		(long long)c->failures, nruns, ntests, c->first, c->last,
		c->pattern);
	json_object_set_new(o, "cluster", json_string(c->hash));
	json_object_set_new(o, "pattern", json_string(c->pattern));
	json_object_set_new(o, "example", json_string(c->example));
	json_object_set_new(o, "failures", json_integer(c->failures));
	json_object_set_new(o, "runs", json_integer((json_int_t)nruns));
	json_object_set_new(o, "tests", json_integer((json_int_t)ntests));
	json_object_set_new(o, "test_names", json_string(names));
	json_object_set_new(o, "first_seen", json_string(c->first));
	json_object_set_new(o, "last_seen", json_string(c->last));
	json_object_set_new(o, "counts", periods_json(c));
	json_object_set_new(o, "explanation", json_string(why));
	json_object_set_new(o, "parameters", json_string(params->data));
	free(why);
	return o;
}

/* Appends one row per cluster, most failures first. */
static int emit_rows(struct store *st, struct agg *a, const struct buf *params,
		     json_t *rows)
{
	struct agg_cluster **order = xcalloc(a->n ? a->n : 1, sizeof(*order));
	struct buf names = BUF_INIT;
	int rc = -1;

	for (size_t i = 0; i < a->n; i++)
		order[i] = &a->c[i];
	qsort(order, a->n, sizeof(*order), by_failures);
	for (size_t i = 0; i < a->n; i++) {
		if (texts_of(st, order[i]) < 0 ||
		    names_of(st, order[i], &names) < 0)
			goto out;
		json_array_append_new(
			rows, cluster_json(order[i], names.data, params));
	}
	rc = 0;
out:
	buf_release(&names);
	free(order);
	return rc;
}

int report_clusters_compute(struct request *req, struct store *st, json_t *rows)
{
	const char *job = request_str(req, "job");
	int64_t days = report_days(req), job_id = 0;
	struct agg agg = {.weekly = days == 0 || days > 31};
	struct clusterer k = {.st = st, .dry_run = req->env->dry_run};
	struct buf params = BUF_INIT;
	char since[11], from[STORE_TIME_MAX];
	struct store_value v[6];
	int rc = -1;

	strmap_init(&agg.index);
	strmap_init(&k.ids);
	strmap_init(&k.seen.index);
	buf_init(&k.norm);
	if (job) {
		v[0] = STORE_TEXT_V(job);
		if (store_query_int(st, "SELECT id FROM job WHERE name = ?", v,
				    1, &job_id) < 0)
			goto out;
		if (!job_id) {
			err_set("no job '%s' in the store", job);
			goto out;
		}
	}
	if (days)
		timestamp_format_date(timestamp_now_ms() - days * 86400000,
				      since);
	k.agg = &agg;
	k.job_id = job_id;
	k.since = days ? since : NULL;
	if (cluster_new(&k, from) < 0)
		goto out;
	/* Integers are never NULL: PostgreSQL types a NULL as text. */
	v[0] = v[1] = STORE_INT_V(job_id);
	v[2] = v[3] = days ? STORE_TEXT_V(since) : STORE_NULL_V;
	/* A dry run counted the window's runs in memory already. */
	v[4] = v[5] = k.dry_run && from[0] ? STORE_TEXT_V(from) : STORE_NULL_V;
	if (k.dry_run && !from[0])
		v[4] = v[5] = STORE_TEXT_V("");
	if (store_exec(st,
		       "SELECT c.hash, r.started_at, l.test_id, l.job_run_id "
		       "FROM failure_cluster_result l JOIN job_run r ON r.id "
		       "= l.job_run_id JOIN failure_cluster c ON c.id = "
		       "l.cluster_id WHERE (? = 0 OR r.job_id = ?) AND (? "
		       "IS NULL OR r.started_at >= ?) AND (? IS NULL OR "
		       "r.ingested_at < ?)",
		       v, 6, on_link, &agg) < 0)
		goto out;
	buf_addf(&params,
		 "algorithm=" ALGORITHM " input_max=%d period=%s days=%lld",
		 CLUSTER_INPUT_MAX, agg.weekly ? "week" : "day",
		 (long long)days);
	rc = emit_rows(st, &agg, &params, rows);
out:
	agg_release(&agg);
	agg_release(&k.seen);
	strmap_release(&k.ids);
	buf_release(&k.norm);
	buf_release(&params);
	return rc;
}
