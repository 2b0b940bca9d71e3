/*
 * test_migrate.c - the migration runner, on real SQLite files.
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
#include "core/log.h"
#include "core/sha256.h"
#include "core/xalloc.h"
#include "store/migrations.h"
#include "store/store.h"
#include "tmpdir.h"
#include "core/banned.h"

/* The tables 0001_core creates. */
static const char *const core_tables[] = {
	"job",
	"job_run",
	"job_run_suite",
	"job_variant",
	"payload",
	"project",
	"pump_run",
	"release",
	"source_cursor",
	"test",
	"test_output",
	"test_result",
	"test_run_status",
};

struct fixture {
	char dir[64];
	char *url;
	struct store *st;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/testpump-migrate-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	f->url = xasprintf("sqlite:%s/test.db", f->dir);
	if (store_open(&f->st, f->url, STORE_OPEN_CREATE) < 0) {
		fprintf(stderr, "store_open: %s\n", err_msg());
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->st);
	remove_tree(f->dir);
	free(f->url);
	free(f);
	return 0;
}

/* How many built-in migrations SQLite has, and the highest version. */
static unsigned builtin_sqlite(unsigned *latest)
{
	unsigned i, n = 0;

	*latest = 0;
	for (i = 0; i < migrations_builtin_count; i++) {
		if (strcmp(migrations_builtin[i].engine, "sqlite"))
			continue;
		n++;
		if (migrations_builtin[i].version > *latest)
			*latest = migrations_builtin[i].version;
	}
	return n;
}

/* The first built-in SQLite migration (the table holds pg's too). */
static const struct migration *first_sqlite(void)
{
	unsigned i;

	for (i = 0; i < migrations_builtin_count; i++) {
		if (!strcmp(migrations_builtin[i].engine, "sqlite"))
			return &migrations_builtin[i];
	}
	fail_msg("no SQLite migrations built in");
	return NULL;
}

static int64_t query_int(struct store *st, const char *sql)
{
	int64_t v = -1;

	if (store_query_int(st, sql, NULL, 0, &v) < 0)
		fail_msg("%s: %s", sql, err_msg());
	return v;
}

static int table_exists(struct store *st, const char *table)
{
	int exists = -1;

	if (store_table_exists(st, table, &exists) < 0)
		fail_msg("%s: %s", table, err_msg());
	return exists;
}

static void apply_ok(struct store *st, unsigned *applied)
{
	if (migrations_apply(st, 0, applied) < 0)
		fail_msg("migrations_apply: %s", err_msg());
}

static void assert_err_contains(const char *needle)
{
	if (!strstr(err_msg(), needle))
		fail_msg("message '%s' lacks '%s'", err_msg(), needle);
}

static void test_fresh_database(void **state)
{
	struct fixture *f = *state;
	struct migration_status s;
	unsigned latest, n = builtin_sqlite(&latest);
	unsigned applied = 0;
	char hex[65];
	size_t i;

	assert_true(n >= 1);
	assert_string_equal(first_sqlite()->name, "0001_core");
	assert_int_equal(migrations_status(f->st, &s), 0);
	assert_int_equal(s.current, 0);
	assert_int_equal(s.latest, latest);
	assert_int_equal(s.applied, 0);
	assert_int_equal(s.pending, n);

	apply_ok(f->st, &applied);
	assert_int_equal(applied, n);
	assert_int_equal(migrations_status(f->st, &s), 0);
	assert_int_equal(s.current, latest);
	assert_int_equal(s.latest, latest);
	assert_int_equal(s.applied, n);
	assert_int_equal(s.pending, 0);
	for (i = 0; i < sizeof(core_tables) / sizeof(core_tables[0]); i++) {
		if (!table_exists(f->st, core_tables[i]))
			fail_msg("table '%s' is missing", core_tables[i]);
	}
	assert_int_equal(query_int(f->st, "PRAGMA user_version"), latest);
	assert_int_equal(query_int(f->st, "PRAGMA foreign_key_check"), 0);

	/* The row records the file's checksum and a schema-shaped time. */
	sha256_hex(first_sqlite()->sql, first_sqlite()->len, hex);
	{
		struct store_value v = STORE_TEXT_V(hex);
		int64_t ok = 0;

		assert_int_equal(store_query_int(f->st,
						 "SELECT count(*) FROM "
						 "schema_migrations WHERE "
						 "version = 1 AND name = "
						 "'0001_core' AND sha256 = ? "
						 "AND applied_at GLOB '[0-9]"
						 "[0-9][0-9][0-9]-[0-9][0-9]-"
						 "[0-9][0-9]T[0-9][0-9]:[0-9]"
						 "[0-9]:[0-9][0-9]Z'",
						 &v, 1, &ok),
				 0);
		assert_int_equal(ok, 1);
	}
}

static void test_apply_twice(void **state)
{
	struct fixture *f = *state;
	unsigned applied = 99;
	struct store *again = NULL;

	apply_ok(f->st, NULL);
	apply_ok(f->st, &applied);
	assert_int_equal(applied, 0);
	assert_int_equal(store_open(&again, f->url, STORE_OPEN_EXISTING), 0);
	applied = 99;
	apply_ok(again, &applied);
	assert_int_equal(applied, 0);
	store_close(again);
}

static void test_tampered_checksum(void **state)
{
	struct fixture *f = *state;
	struct migration_status s;
	unsigned applied = 99;
	char hex[65];
	char *want;

	apply_ok(f->st, NULL);
	assert_int_equal(store_exec_script(f->st,
					   "UPDATE schema_migrations SET "
					   "sha256 = 'ab12ab12ab12ab12' "
					   "WHERE version = 1"),
			 0);
	sha256_hex(first_sqlite()->sql, first_sqlite()->len, hex);
	want = xasprintf("migration 0001_core was changed after it was applied "
			 "(database has sha256 ab12ab12ab12..., this testpump "
			 "has %.12s...); migrations are forward-only: add a "
			 "new one instead",
			 hex);
	assert_true(migrations_status(f->st, &s) < 0);
	assert_string_equal(err_msg(), want);
	assert_true(migrations_apply(f->st, 0, &applied) < 0);
	assert_string_equal(err_msg(), want);
	assert_int_equal(applied, 0);
	free(want);
}

static void test_newer_schema(void **state)
{
	struct fixture *f = *state;
	struct migration_status s;
	unsigned latest;
	struct store_value v[2];
	char *want;

	builtin_sqlite(&latest);
	apply_ok(f->st, NULL);
	v[0] = STORE_INT_V((int64_t)latest + 1);
	v[1] = STORE_TEXT_V("9999-12-31T00:00:00Z");
	assert_int_equal(store_exec(f->st,
				    "INSERT INTO schema_migrations VALUES "
				    "(?, '9999_future', 'ffff', ?)",
				    v, 2, NULL, NULL),
			 0);
	want = xasprintf("database schema is at version %u, newer than this "
			 "testpump knows (%u); upgrade testpump",
			 latest + 1, latest);
	assert_true(migrations_status(f->st, &s) < 0);
	assert_string_equal(err_msg(), want);
	assert_true(migrations_apply(f->st, 0, NULL) < 0);
	assert_string_equal(err_msg(), want);
	free(want);
}

static void test_dry_run(void **state)
{
	struct fixture *f = *state;
	enum log_level level = log_get_level();
	unsigned latest, n = builtin_sqlite(&latest);
	unsigned applied = 0;
	char line[256] = "";
	FILE *log = tmpfile();

	assert_non_null(log);
	log_set_stream(log);
	log_set_level(LOG_INFO);
	assert_int_equal(migrations_apply(f->st, 1, &applied), 0);
	log_set_stream(NULL);
	log_set_level(level);

	assert_int_equal(applied, n);
	assert_false(table_exists(f->st, "schema_migrations"));
	assert_false(table_exists(f->st, "project"));
	assert_int_equal(query_int(f->st, "PRAGMA user_version"), 0);
	rewind(log);
	assert_non_null(fgets(line, sizeof(line), log));
	assert_string_equal(line,
			    "testpump: would apply migration 0001_core\n");
	fclose(log);
}

struct counts {
	char text[1024];
};

static int record_count(const char *table, int64_t rows, void *ctx)
{
	struct counts *c = ctx;
	size_t len = strlen(c->text);

	snprintf(c->text + len, sizeof(c->text) - len, " %s=%lld ", table,
		 (long long)rows);
	return 0;
}

static void test_table_counts(void **state)
{
	struct fixture *f = *state;
	unsigned latest, n = builtin_sqlite(&latest);
	struct counts c = {""};
	char want[64];
	size_t i;

	apply_ok(f->st, NULL);
	assert_int_equal(store_table_counts(f->st, record_count, &c), 0);
	for (i = 0; i < sizeof(core_tables) / sizeof(core_tables[0]); i++) {
		snprintf(want, sizeof(want), " %s=0 ", core_tables[i]);
		if (!strstr(c.text, want))
			fail_msg("'%s' lacks '%s'", c.text, want);
	}
	snprintf(want, sizeof(want), " schema_migrations=%u ", n);
	if (!strstr(c.text, want))
		fail_msg("'%s' lacks '%s'", c.text, want);
}

#define MIGRATION(engine, version, name, sql)               \
	{                                                   \
		engine, version, name, sql, sizeof(sql) - 1 \
	}

static const struct migration good_then_bad[] = {
	MIGRATION("pg", 1, "0001_elsewhere", "THIS IS NOT SQLITE"),
	MIGRATION("sqlite", 1, "0001_good", "CREATE TABLE a (x INTEGER);"),
	MIGRATION("sqlite", 2, "0002_bad",
		  "CREATE TABLE c (x INTEGER);\n"
		  "INSERT INTO nosuch VALUES (1);\n"),
};

static void test_failing_migration(void **state)
{
	struct fixture *f = *state;
	struct migration_status s;
	unsigned applied = 99;

	assert_true(migrations_apply_list(f->st, good_then_bad, 3, 0,
					  &applied) < 0);
	assert_string_equal(err_msg(), "migration 0002_bad failed: cannot "
				       "prepare 'INSERT INTO nosuch VALUES "
				       "(1);': no such table: nosuch");
	assert_int_equal(applied, 1);
	assert_false(f->st->in_transaction);
	assert_true(table_exists(f->st, "a"));
	assert_false(table_exists(f->st, "c"));
	assert_int_equal(query_int(f->st, "PRAGMA user_version"), 1);
	assert_int_equal(migrations_status_list(f->st, good_then_bad, 3, &s),
			 0);
	assert_int_equal(s.current, 1);
	assert_int_equal(s.latest, 2);
	assert_int_equal(s.applied, 1);
	assert_int_equal(s.pending, 1);

	/* The binary's own migrations do not know 0001_good. */
	assert_true(migrations_status(f->st, &s) < 0);
	assert_err_contains("migration 0001_core was changed");
}

static void test_failing_first_migration(void **state)
{
	struct fixture *f = *state;

	assert_true(migrations_apply_list(f->st, good_then_bad + 2, 1, 0,
					  NULL) < 0);
	assert_err_contains("migration 0002_bad failed");
	/* A new database that fails its first migration keeps nothing. */
	assert_false(table_exists(f->st, "schema_migrations"));
	assert_false(table_exists(f->st, "c"));
	assert_int_equal(query_int(f->st, "PRAGMA user_version"), 0);
}

static void test_unknown_applied(void **state)
{
	struct fixture *f = *state;
	struct migration_status s;

	assert_int_equal(
		migrations_apply_list(f->st, good_then_bad, 2, 0, NULL), 0);
	/* A list with version 2 only: version 1 is applied but unknown. */
	assert_true(migrations_status_list(f->st, good_then_bad + 2, 1, &s) <
		    0);
	assert_string_equal(err_msg(), "database has migration 1 "
				       "('0001_good'), which this testpump "
				       "does not know");
}

static void test_inside_open_transaction(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(store_begin(f->st), 0);
	assert_true(migrations_apply(f->st, 0, NULL) < 0);
	assert_err_contains("migration 0001_core failed: cannot begin");
	/* The caller's transaction is the caller's to end. */
	assert_true(f->st->in_transaction);
	assert_int_equal(store_rollback(f->st), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_fresh_database),	   T(test_apply_twice),
		T(test_tampered_checksum), T(test_newer_schema),
		T(test_dry_run),	   T(test_table_counts),
		T(test_failing_migration), T(test_failing_first_migration),
		T(test_unknown_applied),   T(test_inside_open_transaction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
