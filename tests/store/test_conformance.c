/*
 * test_conformance.c - store.h and the migrations, the same on every engine.
 *
 * Each test runs twice: on a fresh SQLite file in a mkdtemp() directory,
 * and on a fresh schema of the PostgreSQL database named by the conninfo
 * in TESTPUMP_TEST_PG (scripts/with-postgres sets it; `make check` runs
 * under it).  Without TESTPUMP_TEST_PG the PostgreSQL half is skipped,
 * unless CI=true: then it fails, so CI cannot pass without PostgreSQL.
 * Where the engines' own words differ (their error messages), a test
 * checks what both say.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/sha256.h"
#include "core/xalloc.h"
#include "store/migrations.h"
#include "store/store.h"
#include "tmpdir.h"
#include "core/banned.h"

struct fixture {
	int pg;
	char dir[64];	   /* SQLite: the temporary directory */
	char schema[64];   /* PG: the schema the test owns */
	char *url;	   /* what store_open() is given */
	struct store *adm; /* PG: creates and drops the schema */
};

static int counter;

static int setup_sqlite(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/testpump-conf-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	f->url = xasprintf("sqlite:%s/test.db", f->dir);
	*state = f;
	return 0;
}

/* base with search_path set to schema, as a URL or as conninfo. */
static char *with_schema(const char *base, const char *schema)
{
	if (!strncmp(base, "postgres", 8))
		return xasprintf("%s%coptions=-csearch_path%%3D%s", base,
				 strchr(base, '?') ? '&' : '?', schema);
	return xasprintf("%s options='-c search_path=%s'", base, schema);
}

static int setup_pg(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	const char *base = getenv("TESTPUMP_TEST_PG");
	char *sql;

	f->pg = 1;
	*state = f;
	if (!base || !*base)
		return 0;
	snprintf(f->schema, sizeof(f->schema), "tp_conf_%ld_%d", (long)getpid(),
		 ++counter);
	if (store_open(&f->adm, base, STORE_OPEN_EXISTING) < 0) {
		fprintf(stderr, "TESTPUMP_TEST_PG: %s\n", err_msg());
		return -1;
	}
	sql = xasprintf("DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s",
			f->schema, f->schema);
	if (store_exec_script(f->adm, sql) < 0) {
		fprintf(stderr, "%s: %s\n", sql, err_msg());
		free(sql);
		return -1;
	}
	free(sql);
	f->url = with_schema(base, f->schema);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char *sql;

	if (f->adm) {
		sql = xasprintf("DROP SCHEMA %s CASCADE", f->schema);
		if (store_exec_script(f->adm, sql) < 0)
			fprintf(stderr, "%s: %s\n", sql, err_msg());
		free(sql);
		store_close(f->adm);
	}
	if (f->dir[0])
		remove_tree(f->dir);
	free(f->url);
	free(f);
	return 0;
}

/* The fixture, or a skip (a failure under CI) when PG is not given. */
static struct fixture *fx(void **state)
{
	struct fixture *f = *state;
	const char *ci = getenv("CI");

	if (!f->url) {
		if (ci && !strcmp(ci, "true"))
			fail_msg("CI=true and TESTPUMP_TEST_PG is not set: "
				 "run the tests under scripts/with-postgres");
		skip();
	}
	return f;
}

static struct store *open_store(const struct fixture *f,
				enum store_open_mode mode)
{
	struct store *st = NULL;

	if (store_open(&st, f->url, mode) < 0)
		fail_msg("store_open: %s", err_msg());
	return st;
}

static void exec_ok(struct store *st, const char *sql)
{
	if (store_exec_script(st, sql) < 0)
		fail_msg("%s: %s", sql, err_msg());
}

/* Runs the statement for st's engine: the two dialects' DDL differ. */
static void exec_pick(struct store *st, const char *sqlite, const char *pg)
{
	exec_ok(st, store_sql_pick(st, sqlite, pg));
}

static int64_t query_int(struct store *st, const char *sql)
{
	int64_t v = -1;

	if (store_query_int(st, sql, NULL, 0, &v) < 0)
		fail_msg("%s: %s", sql, err_msg());
	return v;
}

/* Whether haystack holds needle, ignoring ASCII case. */
static int contains_nocase(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++)
		if (!strncasecmp(haystack, needle, n))
			return 1;
	return !n;
}

static void assert_err_contains(const char *needle)
{
	if (!contains_nocase(err_msg(), needle))
		fail_msg("message '%s' lacks '%s'", err_msg(), needle);
}

/* Checks the row written by test_exec_types. */
static int check_typed_row(const struct store_row *row, void *ctx)
{
	int *rows = ctx;

	assert_int_equal(row->ncols, 5);
	assert_string_equal(row->names[0], "i");
	assert_string_equal(row->names[4], "m");
	assert_int_equal(row->cols[0].type, STORE_INT);
	assert_true(row->cols[0].i == INT64_MIN);
	assert_int_equal(row->cols[1].type, STORE_REAL);
	assert_true(row->cols[1].d == 2.5);
	assert_int_equal(row->cols[2].type, STORE_TEXT);
	assert_string_equal(row->cols[2].s, "h\xc3\xa9llo 'quoted' ?");
	assert_int_equal(row->cols[3].type, STORE_NULL);
	assert_int_equal(row->cols[4].type, STORE_NULL);
	(*rows)++;
	return 0;
}

static void test_exec_types(void **state)
{
	struct fixture *f = fx(state);
	struct store *st = open_store(f, STORE_OPEN_CREATE);
	const char *none = NULL;
	struct store_value v[5] = {
		STORE_INT_V(INT64_MIN),
		STORE_REAL_V(2.5),
		STORE_TEXT_V("h\xc3\xa9llo 'quoted' ?"),
		STORE_NULL_V,
		STORE_TEXT_V(none),
	};
	int rows = 0;

	exec_ok(st, "CREATE TABLE t (i bigint, r double precision, s text, "
		    "n bigint, m text)");
	assert_int_equal(store_exec(st, "INSERT INTO t VALUES (?, ?, ?, ?, ?)",
				    v, 5, NULL, NULL),
			 0);
	assert_int_equal(store_exec(st,
				    "SELECT i, r, s, n, m FROM t WHERE s <> "
				    "'?' -- a ? in a comment\n",
				    NULL, 0, check_typed_row, &rows),
			 0);
	assert_int_equal(rows, 1);

	/* Wrong parameter counts are refused before anything runs. */
	assert_true(store_exec(st, "SELECT ?", NULL, 0, NULL, NULL) < 0);
	assert_err_contains("takes 1 parameters, 0 given");
	assert_true(store_exec(st, "SELECT 1; SELECT 2", NULL, 0, NULL, NULL) <
		    0);
	assert_int_equal(query_int(st, "SELECT NULL"), 0);
	assert_int_equal(query_int(st, "SELECT 1 WHERE 1 = 0"), 0);
	store_close(st);
}

/* Counts rows through store_query_int with the given two parameters. */
static int64_t count_where(struct store *st, struct store_value a,
			   struct store_value b)
{
	struct store_value v[2] = {a, b};
	int64_t n = -1;

	if (store_query_int(st,
			    "SELECT count(*) FROM t WHERE (? IS NULL OR s = ?)",
			    v, 2, &n) < 0)
		fail_msg("count_where: %s", err_msg());
	return n;
}

static int check_numbers(const struct store_row *row, void *ctx)
{
	(void)ctx;
	assert_int_equal(row->cols[0].type, STORE_INT);
	assert_int_equal(row->cols[0].i, 6);
	assert_int_equal(row->cols[1].type, STORE_REAL);
	assert_true(row->cols[1].d == 2.0);
	assert_int_equal(row->cols[2].type, STORE_INT);
	assert_int_equal(row->cols[2].i, 1);
	assert_int_equal(row->cols[3].type, STORE_TEXT);
	assert_string_equal(row->cols[3].s, "a,b,c");
	return 0;
}

/* What the engines type differently inside comes out the same. */
static void test_inferred_types(void **state)
{
	struct fixture *f = fx(state);
	struct store *st = open_store(f, STORE_OPEN_CREATE);

	exec_ok(st, "CREATE TABLE t (x bigint, s text);"
		    "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
	/* A parameter whose type only its value says. */
	assert_int_equal(count_where(st, STORE_NULL_V, STORE_NULL_V), 3);
	assert_int_equal(count_where(st, STORE_TEXT_V("b"), STORE_TEXT_V("b")),
			 1);
	/* sum() is numeric, avg() real, EXISTS a boolean on PostgreSQL. */
	assert_int_equal(
		store_exec(st,
			   store_sql_pick(st,
					  "SELECT sum(x), avg(x), EXISTS "
					  "(SELECT 1 FROM t), group_concat(s, "
					  "',') FROM t",
					  "SELECT sum(x), avg(x), EXISTS "
					  "(SELECT 1 FROM t), string_agg(s, "
					  "',' ORDER BY s) FROM t"),
			   NULL, 0, check_numbers, NULL),
		0);
	store_close(st);
}

/* Stops the walk at the third row with a value of its own. */
static int stop_at_third(const struct store_row *row, void *ctx)
{
	int *seen = ctx;

	(void)row;
	return ++*seen == 3 ? 42 : 0;
}

/* Runs a query from inside the row callback of another. */
static int run_nested(const struct store_row *row, void *ctx)
{
	struct store *st = ctx;
	int64_t inner = 0;
	struct store_value p = STORE_INT_V(row->cols[0].i);

	assert_int_equal(store_query_int(st, "SELECT x FROM t WHERE x >= ?", &p,
					 1, &inner),
			 0);
	assert_true(inner >= row->cols[0].i);
	return 0;
}

static void test_statement_cache(void **state)
{
	struct fixture *f = fx(state);
	struct store *st = open_store(f, STORE_OPEN_CREATE);
	int seen = 0;

	exec_ok(st, "CREATE TABLE t (x bigint)");
	assert_int_equal(store_begin(st), 0);
	for (int64_t i = 0; i < 10000; i++) {
		struct store_value p = STORE_INT_V(i);

		assert_int_equal(store_exec(st, "INSERT INTO t (x) VALUES (?)",
					    &p, 1, NULL, NULL),
				 0);
	}
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(query_int(st, "SELECT count(*) FROM t"), 10000);
	assert_int_equal(query_int(st, "SELECT sum(x) FROM t"), 49995000);
	assert_int_equal(store_exec(st, "SELECT x FROM t ORDER BY x", NULL, 0,
				    stop_at_third, &seen),
			 42);
	seen = 0;
	assert_int_equal(store_exec(st, "SELECT x FROM t ORDER BY x", NULL, 0,
				    stop_at_third, &seen),
			 42);
	assert_int_equal(store_exec(st, "SELECT x FROM t WHERE x < 5", NULL, 0,
				    run_nested, st),
			 0);
	store_close(st);
}

static void test_errors_name_the_sql(void **state)
{
	struct fixture *f = fx(state);
	struct store *st = open_store(f, STORE_OPEN_CREATE);

	assert_true(store_exec(st, "SELEC 1 FROM nowhere", NULL, 0, NULL,
			       NULL) < 0);
	assert_err_contains("'SELEC 1 FROM nowhere'");
	assert_err_contains("syntax error");
	assert_true(
		store_exec(st,
			   "  -- a comment\n  SELECT   a_column_that_is_not,"
			   "\n\tthere FROM   a_table_with_a_very_long_name "
			   "WHERE 1 = 1",
			   NULL, 0, NULL, NULL) < 0);
	assert_err_contains("'SELECT a_column_that_is_not, there FROM "
			    "a_table_with_a_very_...'");
	assert_true(store_exec_script(st,
				      "CREATE TABLE a (x bigint);\n"
				      "CREATE TABLE b (x bigintt,);\n") < 0);
	assert_err_contains("'CREATE TABLE b (x bigintt,);'");
	store_close(st);
}

static void test_transactions(void **state)
{
	struct fixture *f = fx(state);
	struct store *st = open_store(f, STORE_OPEN_CREATE);

	exec_ok(st, "CREATE TABLE t (x bigint)");
	assert_int_equal(store_begin(st), 0);
	exec_ok(st, "INSERT INTO t VALUES (1)");
	assert_true(store_begin(st) < 0);
	assert_err_contains("one is already open");
	assert_int_equal(store_rollback(st), 0);
	assert_int_equal(query_int(st, "SELECT count(*) FROM t"), 0);
	assert_true(store_commit(st) < 0);
	assert_err_contains("no transaction is open");

	/* Savepoints keep or undo part of a transaction. */
	assert_int_equal(store_begin(st), 0);
	exec_ok(st, "INSERT INTO t VALUES (1)");
	assert_int_equal(store_savepoint(st, "one_file"), 0);
	exec_ok(st, "INSERT INTO t VALUES (2)");
	assert_int_equal(store_savepoint_rollback(st, "one_file"), 0);
	assert_int_equal(store_savepoint(st, "next_file"), 0);
	exec_ok(st, "INSERT INTO t VALUES (3)");
	assert_int_equal(store_savepoint_release(st, "next_file"), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(query_int(st, "SELECT sum(x) FROM t"), 4);

	/* Closing with a transaction open rolls it back. */
	assert_int_equal(store_begin(st), 0);
	exec_ok(st, "INSERT INTO t VALUES (100)");
	store_close(st);
	st = open_store(f, STORE_OPEN_EXISTING);
	assert_int_equal(query_int(st, "SELECT sum(x) FROM t"), 4);
	store_close(st);
}

static void test_upsert_and_last_insert_id(void **state)
{
	struct fixture *f = fx(state);
	struct store *st = open_store(f, STORE_OPEN_CREATE);
	static const char upsert[] =
		"INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE "
		"SET v = kv.v + excluded.v";
	struct store_value v[2] = {STORE_TEXT_V("a"), STORE_INT_V(5)};

	exec_pick(st,
		  "CREATE TABLE item (id INTEGER PRIMARY KEY, name text "
		  "UNIQUE); CREATE TABLE kv (k text PRIMARY KEY, v bigint)",
		  "CREATE TABLE item (id bigint GENERATED BY DEFAULT AS "
		  "IDENTITY PRIMARY KEY, name text UNIQUE); CREATE TABLE kv "
		  "(k text PRIMARY KEY, v bigint)");
	assert_int_equal(store_begin(st), 0);
	exec_ok(st, "INSERT INTO item (name) VALUES ('x')");
	assert_int_equal(store_last_insert_id(st), 1);
	exec_ok(st, "INSERT INTO item (name) VALUES ('y')");
	assert_int_equal(store_last_insert_id(st), 2);
	exec_ok(st, "INSERT INTO item (name) VALUES ('y') ON CONFLICT (name) "
		    "DO NOTHING");
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(query_int(st, "SELECT count(*) FROM item"), 2);
	assert_int_equal(store_exec(st, upsert, v, 2, NULL, NULL), 0);
	assert_int_equal(store_exec(st, upsert, v, 2, NULL, NULL), 0);
	assert_int_equal(query_int(st, "SELECT v FROM kv WHERE k = 'a'"), 10);
	store_close(st);
}

/* Text COPY must carry unchanged: tabs, newlines, backslashes, \N. */
static const char *const awkward[] = {
	"tab\there", "new\nline", "back\\slash",	"\\N",
	"cr\rlf",    "",	  "\xe2\x9c\x93 utf-8",
};

static int check_awkward(const struct store_row *row, void *ctx)
{
	int *i = ctx;

	assert_int_equal(row->cols[0].i, *i + 1);
	assert_string_equal(row->cols[1].s, awkward[*i]);
	(*i)++;
	return 0;
}

static void test_bulk(void **state)
{
	struct fixture *f = fx(state);
	struct store *st = open_store(f, STORE_OPEN_CREATE);
	static const char *const cols[] = {"id", "name", "score"};
	char name[32];
	int seen = 0;

	exec_ok(st, "CREATE TABLE \"bulk \"\"t\"\"\" (id bigint PRIMARY KEY, "
		    "name text NOT NULL, score double precision)");
	assert_true(store_bulk_begin(st, "bulk \"t\"", cols, 3) < 0);
	assert_err_contains("outside a transaction");
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_bulk_begin(st, "bulk \"t\"", cols, 3), 0);
	assert_true(store_exec(st, "SELECT 1", NULL, 0, NULL, NULL) < 0);
	assert_err_contains("bulk load is open");
	for (int64_t i = 1; i <= 200000; i++) {
		struct store_value v[3];

		snprintf(name, sizeof(name), "test-%lld", (long long)i);
		v[0] = STORE_INT_V(i);
		v[1] = STORE_TEXT_V(name);
		v[2] = i % 10 ? STORE_REAL_V(i / 2.0) : STORE_NULL_V;
		if (store_bulk_row(st, v) < 0)
			fail_msg("row %lld: %s", (long long)i, err_msg());
	}
	assert_int_equal(store_bulk_end(st), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(
		query_int(st, "SELECT count(*) FROM \"bulk \"\"t\"\"\""),
		200000);
	assert_int_equal(query_int(st, "SELECT count(score) FROM "
				       "\"bulk \"\"t\"\"\""),
			 180000);
	assert_int_equal(query_int(st,
				   "SELECT count(*) FROM \"bulk \"\"t\"\"\" "
				   "WHERE id = 199999 AND score = 99999.5"),
			 1);

	exec_ok(st, "CREATE TABLE odd (id bigint, name text)");
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_bulk_begin(st, "odd", cols, 2), 0);
	for (size_t i = 0; i < sizeof(awkward) / sizeof(awkward[0]); i++) {
		struct store_value v[2] = {STORE_INT_V((int64_t)i + 1),
					   STORE_TEXT_V(awkward[i])};

		assert_int_equal(store_bulk_row(st, v), 0);
	}
	assert_int_equal(store_bulk_end(st), 0);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(store_exec(st, "SELECT id, name FROM odd ORDER BY id",
				    NULL, 0, check_awkward, &seen),
			 0);
	assert_int_equal(seen, sizeof(awkward) / sizeof(awkward[0]));

	/* A duplicate fails the load (at its row or at its end). */
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_bulk_begin(st, "bulk \"t\"", cols, 3), 0);
	{
		struct store_value v[3] = {STORE_INT_V(1), STORE_TEXT_V("dup"),
					   STORE_NULL_V};

		if (store_bulk_row(st, v) == 0)
			assert_true(store_bulk_end(st) < 0);
		assert_err_contains("unique");
	}
	assert_int_equal(store_rollback(st), 0);
	assert_false(st->in_bulk);
	assert_int_equal(
		query_int(st, "SELECT count(*) FROM \"bulk \"\"t\"\"\""),
		200000);
	assert_int_equal(store_begin(st), 0);
	assert_true(store_bulk_begin(st, "no_such_table", cols, 3) < 0);
	assert_int_equal(store_rollback(st), 0);
	store_close(st);
}

static void test_foreign_key(void **state)
{
	struct fixture *f = fx(state);
	struct store *st = open_store(f, STORE_OPEN_CREATE);
	struct store_value p = STORE_INT_V(7);

	exec_ok(st, "CREATE TABLE parent (id bigint PRIMARY KEY);"
		    "CREATE TABLE child (parent_id bigint NOT NULL "
		    "REFERENCES parent (id))");
	assert_true(store_exec(st, "INSERT INTO child VALUES (?)", &p, 1, NULL,
			       NULL) < 0);
	assert_err_contains("foreign key");
	assert_err_contains("'INSERT INTO child VALUES (?)'");
	exec_ok(st, "INSERT INTO parent VALUES (7)");
	assert_int_equal(store_exec(st, "INSERT INTO child VALUES (?)", &p, 1,
				    NULL, NULL),
			 0);
	store_close(st);
}

static void test_readers_and_writers(void **state)
{
	struct fixture *f = fx(state);
	struct store *a = open_store(f, STORE_OPEN_CREATE);
	struct store *b = open_store(f, STORE_OPEN_EXISTING);
	struct store *r = NULL;

	exec_ok(a, "CREATE TABLE t (x bigint)");
	/* A reader sees the last commit while a writer writes. */
	assert_int_equal(store_begin(a), 0);
	exec_ok(a, "INSERT INTO t VALUES (1)");
	assert_int_equal(query_int(b, "SELECT count(*) FROM t"), 0);
	/* A second writer waits up to its busy timeout, then gives up. */
	assert_int_equal(store_set_busy_timeout(b, 20), 0);
	assert_true(store_begin(b) < 0);
	assert_err_contains("is locked by another writer");
	assert_false(b->in_transaction);
	assert_int_equal(store_commit(a), 0);
	assert_int_equal(query_int(b, "SELECT count(*) FROM t"), 1);
	assert_int_equal(store_begin(b), 0);
	exec_ok(b, "INSERT INTO t VALUES (2)");
	assert_int_equal(store_commit(b), 0);
	assert_int_equal(query_int(a, "SELECT count(*) FROM t"), 2);

	/* A read-only store reads and refuses to write. */
	r = open_store(f, STORE_OPEN_READONLY);
	assert_int_equal(query_int(r, "SELECT count(*) FROM t"), 2);
	assert_true(store_exec(r, "INSERT INTO t VALUES (3)", NULL, 0, NULL,
			       NULL) < 0);
	assert_err_contains("read");
	store_close(r);
	store_close(b);
	store_close(a);
}

static int record_count(const char *table, int64_t rows, void *ctx)
{
	char *out = ctx;
	size_t len = strlen(out);

	snprintf(out + len, 256 - len, "%s=%lld ", table, (long long)rows);
	return 0;
}

static void test_table_counts(void **state)
{
	struct fixture *f = fx(state);
	struct store *st = open_store(f, STORE_OPEN_CREATE);
	char out[256] = "";
	int exists = 1;

	exec_ok(st, "CREATE TABLE zeta (x bigint);"
		    "CREATE TABLE \"we\"\"ird\" (x bigint);"
		    "CREATE TABLE alpha (x bigint);"
		    "CREATE VIEW v AS SELECT * FROM alpha;"
		    "INSERT INTO zeta (x) VALUES (1), (2);"
		    "INSERT INTO \"we\"\"ird\" VALUES (1)");
	assert_int_equal(store_table_counts(st, record_count, out), 0);
	assert_string_equal(out, "alpha=0 we\"ird=1 zeta=2 ");
	assert_int_equal(store_table_exists(st, "v", &exists), 0);
	assert_true(exists);
	assert_int_equal(store_table_exists(st, "nope", &exists), 0);
	assert_false(exists);
	store_close(st);
}

#include "conformance_schema.c"

#define BOTH(fn)                                                     \
	cmocka_unit_test_setup_teardown(fn, setup_sqlite, teardown), \
		cmocka_unit_test_setup_teardown(fn, setup_pg, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_exec_types),
		BOTH(test_inferred_types),
		BOTH(test_statement_cache),
		BOTH(test_errors_name_the_sql),
		BOTH(test_transactions),
		BOTH(test_upsert_and_last_insert_id),
		BOTH(test_bulk),
		BOTH(test_foreign_key),
		BOTH(test_readers_and_writers),
		BOTH(test_table_counts),
		BOTH(test_migrate_fresh),
		BOTH(test_migrate_twice_and_tampered),
		BOTH(test_migrate_failing),
		BOTH(test_migrate_concurrently),
		BOTH(test_views_and_upserts),
		cmocka_unit_test_setup_teardown(test_same_columns, setup_pg,
						teardown),
		cmocka_unit_test_setup_teardown(test_pg_urls, setup_pg,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
