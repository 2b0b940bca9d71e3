/*
 * test_nested.c - a nested store (store/nested.h) on SQLite and, with
 * TESTPUMP_TEST_PG, on PostgreSQL: its transactions are savepoints of the
 * parent's, so a commit keeps work only as long as the parent does, a
 * rollback (also with a bulk load open, also after a failed statement on
 * PostgreSQL) undoes only its own work, and the run writer of store/runs.c
 * works on it unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "store/migrations.h"
#include "store/nested.h"
#include "store/runs.h"
#include "store/store.h"
#include "tmpdir.h"
#include "core/banned.h"

struct fixture {
	char dir[64];
	char schema[64];
	char *url;
	struct store *adm;
	struct store *st;
};

static int setup_sqlite(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/testpump-nested-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	f->url = xasprintf("sqlite:%s/test.db", f->dir);
	*state = f;
	return 0;
}

static int setup_pg(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	const char *base = getenv("TESTPUMP_TEST_PG");
	char *sql;

	*state = f;
	if (!base || !*base)
		return 0;
	snprintf(f->schema, sizeof(f->schema), "tp_nested_%ld", (long)getpid());
	if (store_open(&f->adm, base, STORE_OPEN_EXISTING) < 0)
		return -1;
	sql = xasprintf("DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s",
			f->schema, f->schema);
	if (store_exec_script(f->adm, sql) < 0) {
		free(sql);
		return -1;
	}
	free(sql);
	f->url = xasprintf("%s options='-c search_path=%s'", base, f->schema);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->st);
	if (f->adm) {
		char *sql = xasprintf("DROP SCHEMA %s CASCADE", f->schema);

		store_exec_script(f->adm, sql);
		free(sql);
		store_close(f->adm);
	}
	if (f->dir[0])
		remove_tree(f->dir);
	free(f->url);
	free(f);
	return 0;
}

/* The store with the schema, or a skip when PostgreSQL is not given. */
static struct store *open_fx(void **state)
{
	struct fixture *f = *state;
	unsigned applied;

	if (!f->url) {
		const char *ci = getenv("CI");

		if (ci && !strcmp(ci, "true"))
			fail_msg("CI=true and TESTPUMP_TEST_PG is not set");
		skip();
	}
	if (store_open(&f->st, f->url, STORE_OPEN_CREATE) < 0 ||
	    migrations_apply(f->st, 0, &applied) < 0)
		fail_msg("%s", err_msg());
	if (store_exec(f->st, "CREATE TABLE t (x INTEGER NOT NULL)", NULL, 0,
		       NULL, NULL) < 0)
		fail_msg("%s", err_msg());
	return f->st;
}

static void put(struct store *st, int64_t x)
{
	struct store_value v = STORE_INT_V(x);

	if (store_exec(st, "INSERT INTO t (x) VALUES (?)", &v, 1, NULL, NULL) <
	    0)
		fail_msg("%s", err_msg());
}

static int64_t sum(struct store *st)
{
	int64_t n = -1;

	assert_int_equal(store_query_int(st,
					 "SELECT coalesce(sum(x), 0) "
					 "FROM t",
					 NULL, 0, &n),
			 0);
	return n;
}

static void test_savepoints(void **state)
{
	struct store *st = open_fx(state), *n;
	static const char *const cols[] = {"x"};
	struct store_value v = STORE_INT_V(100);

	assert_int_equal(store_nested_new(st, &n), -1);
	assert_non_null(strstr(err_msg(), "needs an open transaction"));
	assert_int_equal(store_begin(st), 0);
	put(st, 1);
	assert_int_equal(store_nested_new(st, &n), 0);
	assert_string_equal(store_engine(n), store_engine(st));
	assert_int_equal(store_begin(n), 0);
	put(n, 2);
	assert_int_equal(store_commit(n), 0);
	/* A failed statement, then a rollback of the nested work only. */
	assert_int_equal(store_begin(n), 0);
	put(n, 4);
	assert_int_equal(store_exec(n, "INSERT INTO nosuch VALUES (1)", NULL, 0,
				    NULL, NULL),
			 -1);
	assert_int_equal(store_rollback(n), 0);
	/* A rollback with a bulk load still open. */
	assert_int_equal(store_begin(n), 0);
	assert_int_equal(store_bulk_begin(n, "t", cols, 1), 0);
	assert_int_equal(store_bulk_row(n, &v), 0);
	assert_int_equal(store_rollback(n), 0);
	assert_false(st->in_bulk);
	/* The parent goes on, and commits what it and the nested kept. */
	put(st, 8);
	assert_int_equal(sum(st), 11);
	store_nested_free(n);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(sum(st), 11);
}

static void test_run_writer(void **state)
{
	struct store *st = open_fx(state), *n;
	struct run_info info = {
		.job = "j", .run_id = "r1", .started_at_ms = 1714521600000};
	struct run_attempt a = {.suite = "s",
				.classname = "c",
				.name = "t",
				.status = RESULT_PASS,
				.duration_ms = 5,
				.timestamp_ms = -1};
	struct run_writer *w;
	struct run_counts c;
	int64_t runs = -1;

	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_nested_new(st, &n), 0);
	assert_int_equal(run_writer_begin(n, &info, &w), 0);
	assert_int_equal(run_writer_attempt(w, &a), 0);
	assert_int_equal(run_writer_commit(w, &c), 0);
	assert_int_equal(c.tests, 1);
	assert_true(st->in_transaction);
	assert_int_equal(store_query_int(st, "SELECT count(*) FROM job_run",
					 NULL, 0, &runs),
			 0);
	assert_int_equal(runs, 1);
	store_nested_free(n);
	/* The writer's commit was a savepoint's: the parent undoes it. */
	assert_int_equal(store_rollback(st), 0);
	assert_int_equal(store_query_int(st, "SELECT count(*) FROM job_run",
					 NULL, 0, &runs),
			 0);
	assert_int_equal(runs, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_savepoints, setup_sqlite,
						teardown),
		cmocka_unit_test_setup_teardown(test_savepoints, setup_pg,
						teardown),
		cmocka_unit_test_setup_teardown(test_run_writer, setup_sqlite,
						teardown),
		cmocka_unit_test_setup_teardown(test_run_writer, setup_pg,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
