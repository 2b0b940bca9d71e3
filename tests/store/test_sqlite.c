/*
 * test_sqlite.c - store.h over the SQLite engine, on real files.
 *
 * Every test runs in a fresh directory from mkdtemp(), removed afterwards.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "store/store.h"
#include "tmpdir.h"
#include "core/banned.h"

struct fixture {
	char dir[64];
	char *path; /* dir/test.db */
	char *url;  /* sqlite:dir/test.db */
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/testpump-store-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	f->path = xasprintf("%s/test.db", f->dir);
	f->url = xasprintf("sqlite:%s", f->path);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	remove_tree(f->dir);
	free(f->path);
	free(f->url);
	free(f);
	return 0;
}

/* Entries in dir other than . and .. */
static int count_entries(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	}
	closedir(d);
	return n;
}

static struct store *open_new(const struct fixture *f)
{
	struct store *st = NULL;

	if (store_open(&st, f->url, STORE_OPEN_CREATE) < 0)
		fail_msg("store_open: %s", err_msg());
	return st;
}

static void exec_ok(struct store *st, const char *sql)
{
	if (store_exec_script(st, sql) < 0)
		fail_msg("%s: %s", sql, err_msg());
}

static int64_t query_int(struct store *st, const char *sql)
{
	int64_t v = -1;

	if (store_query_int(st, sql, NULL, 0, &v) < 0)
		fail_msg("%s: %s", sql, err_msg());
	return v;
}

static int copy_text(const struct store_row *row, void *ctx)
{
	char *out = ctx;

	snprintf(out, 64, "%s", row->cols[0].s ? row->cols[0].s : "(null)");
	return 0;
}

static void assert_err_contains(const char *needle)
{
	if (!strstr(err_msg(), needle))
		fail_msg("message '%s' lacks '%s'", err_msg(), needle);
}

static void test_open_existing_missing(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	char *want;

	assert_true(store_open(&st, f->url, STORE_OPEN_EXISTING) < 0);
	assert_null(st);
	want = xasprintf("no database at '%s'; run 'testpump db init' first",
			 f->path);
	assert_string_equal(err_msg(), want);
	free(want);
	assert_true(store_open(&st, f->path, STORE_OPEN_READONLY) < 0);
	assert_err_contains("no database at");
	assert_int_equal(count_entries(f->dir), 0);
}

static void test_exists(void **state)
{
	struct fixture *f = *state;
	struct store *st;
	int exists = -1;

	assert_int_equal(store_exists(f->url, &exists), 0);
	assert_false(exists);
	assert_int_equal(count_entries(f->dir), 0);
	st = open_new(f);
	store_close(st);
	assert_int_equal(store_exists(f->url, &exists), 0);
	assert_true(exists);
	assert_true(store_exists(f->dir, &exists) < 0);
	assert_err_contains("is a directory");
	/* A PostgreSQL url goes to libpq: nothing listens on port 1. */
	assert_true(store_exists("postgresql://127.0.0.1:1/db", &exists) < 0);
	assert_err_contains("cannot connect to database");
	assert_non_null(store_engine_version("sqlite"));
	assert_true(!strncmp(store_engine_version("sqlite"), "3.", 2));
	assert_null(store_engine_version("oracle"));
}

static void test_create_in_missing_dir(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	char *url = xasprintf("sqlite:%s/nope/x.db", f->dir);
	char *want = xasprintf("cannot create database '%s/nope/x.db': "
			       "No such file or directory",
			       f->dir);

	assert_true(store_open(&st, url, STORE_OPEN_CREATE) < 0);
	assert_null(st);
	assert_string_equal(err_msg(), want);
	assert_int_equal(count_entries(f->dir), 0);
	free(url);
	free(want);
}

static void test_not_a_database(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	char *want = xasprintf("'%s' is not a SQLite database", f->path);
	FILE *fp = fopen(f->path, "w");
	struct stat before, after;
	int i;

	assert_non_null(fp);
	for (i = 0; i < 100; i++)
		fputs("this is a JUnit file, not a database\n", fp);
	fclose(fp);
	assert_int_equal(stat(f->path, &before), 0);
	assert_true(store_open(&st, f->url, STORE_OPEN_EXISTING) < 0);
	assert_string_equal(err_msg(), want);
	assert_true(store_open(&st, f->url, STORE_OPEN_CREATE) < 0);
	assert_string_equal(err_msg(), want);
	assert_true(store_open(&st, f->url, STORE_OPEN_READONLY) < 0);
	assert_string_equal(err_msg(), want);
	assert_int_equal(stat(f->path, &after), 0);
	assert_int_equal(before.st_size, after.st_size);
	assert_int_equal(count_entries(f->dir), 1);
	free(want);
}

static void test_urls(void **state)
{
	struct fixture *f = *state;
	struct store *st = NULL;
	char *url;

	/* PostgreSQL urls and conninfo go to libpq (port 1: no server). */
	assert_true(store_open(&st, "postgresql://u:pw@127.0.0.1:1/db", 0) < 0);
	assert_err_contains("cannot connect to database '127.0.0.1:1/db'");
	assert_true(store_open(&st, "postgres://127.0.0.1:1/db", 0) < 0);
	assert_err_contains("cannot connect to database");
	assert_true(store_open(&st, "host=127.0.0.1 port=1 dbname=x", 0) < 0);
	assert_err_contains("cannot connect to database");
	assert_true(store_open(&st, "mysql://me:secret@h/db", 0) < 0);
	assert_err_contains("'mysql'");
	assert_null(strstr(err_msg(), "secret"));
	assert_true(store_open(&st, "sqlite://host/x.db", 0) < 0);
	assert_err_contains("names a host");
	assert_true(store_open(&st, "sqlite:", 0) < 0);
	assert_true(store_open(&st, "", 0) < 0);

	/* A bare path and sqlite:///abs/path name the same file. */
	assert_int_equal(store_open(&st, f->path, STORE_OPEN_CREATE), 0);
	assert_string_equal(store_engine(st), "sqlite");
	assert_string_equal(st->url, f->path);
	assert_string_equal(st->location, f->path);
	store_close(st);
	url = xasprintf("sqlite://%s", f->path);
	assert_int_equal(store_open(&st, url, STORE_OPEN_EXISTING), 0);
	assert_string_equal(st->location, f->path);
	store_close(st);
	free(url);
	store_close(NULL);
}

static void test_pragmas(void **state)
{
	struct fixture *f = *state;
	struct store *st = open_new(f);
	char mode[64] = "";

	assert_int_equal(
		store_exec(st, "PRAGMA journal_mode", NULL, 0, copy_text, mode),
		0);
	assert_string_equal(mode, "wal");
	assert_int_equal(query_int(st, "PRAGMA foreign_keys"), 1);
	assert_int_equal(query_int(st, "PRAGMA synchronous"), 1);
	store_close(st);
}

static void test_readonly(void **state)
{
	struct fixture *f = *state;
	struct store *st = open_new(f);
	int exists = 0;

	exec_ok(st, "CREATE TABLE t (x INTEGER)");
	store_close(st);
	assert_int_equal(store_open(&st, f->url, STORE_OPEN_READONLY), 0);
	assert_int_equal(store_table_exists(st, "t", &exists), 0);
	assert_true(exists);
	assert_true(store_exec(st, "INSERT INTO t VALUES (1)", NULL, 0, NULL,
			       NULL) < 0);
	assert_err_contains("readonly");
	store_close(st);
}

/* Checks the row written by test_exec_types. */
static int check_typed_row(const struct store_row *row, void *ctx)
{
	int *rows = ctx;

	assert_int_equal(row->ncols, 6);
	assert_string_equal(row->names[0], "i");
	assert_string_equal(row->names[5], "b");
	assert_int_equal(row->cols[0].type, STORE_INT);
	assert_true(row->cols[0].i == INT64_MIN);
	assert_int_equal(row->cols[1].type, STORE_REAL);
	assert_true(row->cols[1].d == 2.5);
	assert_int_equal(row->cols[2].type, STORE_TEXT);
	assert_string_equal(row->cols[2].s, "h\xc3\xa9llo 'quoted'");
	assert_int_equal(row->cols[3].type, STORE_NULL);
	assert_int_equal(row->cols[4].type, STORE_NULL);
	assert_int_equal(row->cols[5].type, STORE_TEXT);
	assert_string_equal(row->cols[5].s, "ABC");
	(*rows)++;
	return 0;
}

static void test_exec_types(void **state)
{
	struct fixture *f = *state;
	struct store *st = open_new(f);
	const char *none = NULL;
	struct store_value v[6] = {
		STORE_INT_V(INT64_MIN),
		STORE_REAL_V(2.5),
		STORE_TEXT_V("h\xc3\xa9llo 'quoted'"),
		STORE_NULL_V,
		STORE_TEXT_V(none),
		STORE_TEXT_V("ABC"),
	};
	int rows = 0;

	exec_ok(st, "CREATE TABLE t (i INTEGER, r REAL, s TEXT, n INTEGER, "
		    "m TEXT, b BLOB)");
	assert_int_equal(store_exec(st,
				    "INSERT INTO t VALUES (?, ?, ?, ?, ?, "
				    "CAST(? AS BLOB))",
				    v, 6, NULL, NULL),
			 0);
	assert_int_equal(store_last_insert_id(st), 1);
	assert_int_equal(query_int(st, "SELECT typeof(b) = 'blob' FROM t"), 1);
	assert_int_equal(store_exec(st, "SELECT i, r, s, n, m, b FROM t", NULL,
				    0, check_typed_row, &rows),
			 0);
	assert_int_equal(rows, 1);

	/* Wrong parameter counts are refused before anything runs. */
	assert_true(store_exec(st, "SELECT ?", NULL, 0, NULL, NULL) < 0);
	assert_err_contains("takes 1 parameters, 0 given");
	/* One statement per call. */
	assert_true(store_exec(st, "SELECT 1; SELECT 2", NULL, 0, NULL, NULL) <
		    0);
	assert_err_contains("more than one SQL statement");
	assert_int_equal(query_int(st, "SELECT NULL"), 0);
	assert_int_equal(query_int(st, "SELECT 1 WHERE 0"), 0);
	store_close(st);
}

/* Stops the walk at the third row with a value of its own. */
static int stop_at_third(const struct store_row *row, void *ctx)
{
	int *seen = ctx;

	(void)row;
	return ++*seen == 3 ? 42 : 0;
}

/* Runs the query that called it again, from inside its row callback. */
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
	struct fixture *f = *state;
	struct store *st = open_new(f);
	static const char insert[] = "INSERT INTO t (x) VALUES (?)";
	int64_t cached = 0;
	int seen = 0;
	int64_t i;

	exec_ok(st, "CREATE TABLE t (x INTEGER)");
	assert_int_equal(store_begin(st), 0);
	for (i = 0; i < 10000; i++) {
		struct store_value p = STORE_INT_V(i);

		assert_int_equal(store_exec(st, insert, &p, 1, NULL, NULL), 0);
	}
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(query_int(st, "SELECT count(*) FROM t"), 10000);
	assert_int_equal(query_int(st, "SELECT sum(x) FROM t"), 49995000);

	/* One prepared statement served all 10,000 (when SQLite can say). */
	if (store_query_int(st,
			    "SELECT count(*) FROM sqlite_stmt WHERE sql = "
			    "'INSERT INTO t (x) VALUES (?)'",
			    NULL, 0, &cached) == 0)
		assert_int_equal(cached, 1);

	assert_int_equal(store_exec(st, "SELECT x FROM t", NULL, 0,
				    stop_at_third, &seen),
			 42);
	/* The statement stopped half-way is reset and runs again. */
	seen = 0;
	assert_int_equal(store_exec(st, "SELECT x FROM t", NULL, 0,
				    stop_at_third, &seen),
			 42);
	assert_int_equal(store_exec(st, "SELECT x FROM t WHERE x < 5", NULL, 0,
				    run_nested, st),
			 0);
	store_close(st);
}

static void test_syntax_error(void **state)
{
	struct fixture *f = *state;
	struct store *st = open_new(f);

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
	assert_err_contains("no such table");
	assert_true(store_exec_script(st,
				      "CREATE TABLE a (x INTEGER);\n"
				      "CREATE TABLE b (x INTEGERR,);\n") < 0);
	assert_err_contains("'CREATE TABLE b (x INTEGERR,);'");
	store_close(st);
}

static void test_rollback_and_nesting(void **state)
{
	struct fixture *f = *state;
	struct store *st = open_new(f);

	exec_ok(st, "CREATE TABLE t (x INTEGER)");
	assert_int_equal(store_begin(st), 0);
	assert_true(st->in_transaction);
	exec_ok(st, "INSERT INTO t VALUES (1)");
	assert_true(store_begin(st) < 0);
	assert_err_contains("one is already open");
	assert_int_equal(store_rollback(st), 0);
	assert_false(st->in_transaction);
	assert_int_equal(query_int(st, "SELECT count(*) FROM t"), 0);
	assert_true(store_commit(st) < 0);
	assert_err_contains("no transaction is open");
	assert_true(store_rollback(st) < 0);

	/* Closing with a transaction open rolls it back. */
	assert_int_equal(store_begin(st), 0);
	exec_ok(st, "INSERT INTO t VALUES (2)");
	store_close(st);
	st = open_new(f);
	assert_int_equal(query_int(st, "SELECT count(*) FROM t"), 0);
	store_close(st);
}

static void test_bulk(void **state)
{
	struct fixture *f = *state;
	struct store *st = open_new(f);
	static const char *const cols[] = {"id", "name", "score"};
	char name[32];
	int64_t i;

	exec_ok(st, "CREATE TABLE \"bulk \"\"t\"\"\" (id INTEGER PRIMARY KEY, "
		    "name TEXT NOT NULL, score REAL) STRICT");
	assert_true(store_bulk_begin(st, "bulk \"t\"", cols, 3) < 0);
	assert_err_contains("outside a transaction");
	assert_true(store_bulk_row(st, NULL) < 0);

	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_bulk_begin(st, "bulk \"t\"", cols, 3), 0);
	assert_true(store_bulk_begin(st, "bulk \"t\"", cols, 3) < 0);
	assert_true(store_exec(st, "SELECT 1", NULL, 0, NULL, NULL) < 0);
	assert_err_contains("bulk load is open");
	for (i = 1; i <= 200000; i++) {
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
	assert_int_equal(query_int(st, "SELECT name = 'test-200000' FROM "
				       "\"bulk \"\"t\"\"\" WHERE id = 200000"),
			 1);

	/* A failing row leaves the load to be rolled back whole. */
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_bulk_begin(st, "bulk \"t\"", cols, 3), 0);
	{
		struct store_value v[3] = {STORE_INT_V(1), STORE_TEXT_V("dup"),
					   STORE_NULL_V};

		assert_true(store_bulk_row(st, v) < 0);
		assert_err_contains("UNIQUE constraint failed");
	}
	assert_int_equal(store_rollback(st), 0);
	assert_false(st->in_bulk);
	assert_int_equal(store_begin(st), 0);
	assert_true(store_bulk_begin(st, "no_such_table", cols, 3) < 0);
	assert_err_contains("no such table");
	assert_int_equal(store_rollback(st), 0);
	store_close(st);
}

static void test_foreign_key(void **state)
{
	struct fixture *f = *state;
	struct store *st = open_new(f);
	struct store_value p = STORE_INT_V(7);

	exec_ok(st, "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
		    "CREATE TABLE child (parent_id INTEGER NOT NULL "
		    "REFERENCES parent (id))");
	assert_true(store_exec(st, "INSERT INTO child VALUES (?)", &p, 1, NULL,
			       NULL) < 0);
	assert_err_contains("FOREIGN KEY constraint failed");
	assert_err_contains("'INSERT INTO child VALUES (?)'");
	exec_ok(st, "INSERT INTO parent VALUES (7)");
	assert_int_equal(store_exec(st, "INSERT INTO child VALUES (?)", &p, 1,
				    NULL, NULL),
			 0);
	store_close(st);
}

static void test_two_connections(void **state)
{
	struct fixture *f = *state;
	struct store *a = open_new(f);
	struct store *b = NULL;

	exec_ok(a, "CREATE TABLE t (x INTEGER)");
	assert_int_equal(store_open(&b, f->url, STORE_OPEN_EXISTING), 0);
	assert_int_equal(store_begin(a), 0);
	exec_ok(a, "INSERT INTO t VALUES (1)");
	/* WAL: b reads the last commit while a writes. */
	assert_int_equal(query_int(b, "SELECT count(*) FROM t"), 0);
	assert_int_equal(store_commit(a), 0);
	assert_int_equal(query_int(b, "SELECT count(*) FROM t"), 1);
	store_close(b);
	store_close(a);
}

static void test_locked(void **state)
{
	struct fixture *f = *state;
	struct store *a = open_new(f);
	struct store *b = NULL;
	char *want =
		xasprintf("database '%s' is locked by another writer", f->path);

	exec_ok(a, "CREATE TABLE t (x INTEGER)");
	assert_int_equal(store_open(&b, f->url, STORE_OPEN_EXISTING), 0);
	assert_int_equal(store_set_busy_timeout(b, 20), 0);
	assert_int_equal(store_begin(a), 0);
	assert_true(store_begin(b) < 0);
	assert_string_equal(err_msg(), want);
	assert_false(b->in_transaction);
	assert_true(store_exec(b, "INSERT INTO t VALUES (1)", NULL, 0, NULL,
			       NULL) < 0);
	assert_string_equal(err_msg(), want);
	assert_int_equal(store_rollback(a), 0);
	assert_int_equal(store_begin(b), 0);
	exec_ok(b, "INSERT INTO t VALUES (1)");
	assert_int_equal(store_commit(b), 0);
	assert_int_equal(query_int(a, "SELECT count(*) FROM t"), 1);
	store_close(b);
	store_close(a);
	free(want);
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
	struct fixture *f = *state;
	struct store *st = open_new(f);
	char out[256] = "";
	int exists = 1;

	exec_ok(st, "CREATE TABLE zeta (x INTEGER PRIMARY KEY AUTOINCREMENT);"
		    "CREATE TABLE \"we\"\"ird\" (x INTEGER);"
		    "CREATE TABLE alpha (x INTEGER);"
		    "CREATE VIEW v AS SELECT * FROM alpha;"
		    "INSERT INTO zeta (x) VALUES (NULL), (NULL);"
		    "INSERT INTO \"we\"\"ird\" VALUES (1)");
	assert_int_equal(store_table_counts(st, record_count, out), 0);
	assert_string_equal(out, "alpha=0 we\"ird=1 zeta=2 ");
	assert_int_equal(store_table_exists(st, "v", &exists), 0);
	assert_true(exists);
	assert_int_equal(store_table_exists(st, "nope", &exists), 0);
	assert_false(exists);
	store_close(st);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open_existing_missing),
		T(test_exists),
		T(test_create_in_missing_dir),
		T(test_not_a_database),
		T(test_urls),
		T(test_pragmas),
		T(test_readonly),
		T(test_exec_types),
		T(test_statement_cache),
		T(test_syntax_error),
		T(test_rollback_and_nesting),
		T(test_bulk),
		T(test_foreign_key),
		T(test_two_connections),
		T(test_locked),
		T(test_table_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
