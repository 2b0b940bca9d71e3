/*
 * conformance_schema.c - the migrations and the schema on every engine;
 * included by test_conformance.c, whose fixtures it uses.
 */

/* How many built-in migrations st's engine has, and the highest version. */
static unsigned builtin_count(struct store *st, unsigned *latest)
{
	unsigned n = 0;

	*latest = 0;
	for (unsigned i = 0; i < migrations_builtin_count; i++) {
		if (strcmp(migrations_builtin[i].engine, store_engine(st)))
			continue;
		n++;
		if (migrations_builtin[i].version > *latest)
			*latest = migrations_builtin[i].version;
	}
	return n;
}

static const struct migration *first_builtin(struct store *st)
{
	for (unsigned i = 0; i < migrations_builtin_count; i++)
		if (!strcmp(migrations_builtin[i].engine, store_engine(st)))
			return &migrations_builtin[i];
	fail_msg("no migrations for engine '%s'", store_engine(st));
	return NULL;
}

static void apply_ok(struct store *st, unsigned *applied)
{
	if (migrations_apply(st, 0, applied) < 0)
		fail_msg("migrations_apply: %s", err_msg());
}

static int exists(struct store *st, const char *table)
{
	int e = -1;

	if (store_table_exists(st, table, &e) < 0)
		fail_msg("%s: %s", table, err_msg());
	return e;
}

/* Every table and view of the schema, by name. */
static const char *const schema_relations[] = {
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
	"job_run_context",
	"disruption",
	"alert",
	"testrail_suite",
	"testrail_case",
	"testrail_milestone",
	"testrail_status",
	"testrail_run",
	"coverage_snapshot",
	"report_test_case_coverage",
	"report_test_run_counts",
	"aggregation",
	"aggregation_run",
	"aggregation_test",
	"testrail_result",
	"report_test_run_results",
	"ci_build",
	"ci_job",
	"report_ci_builds",
	"test_payload_verdict",
	"regression",
	"issue",
	"issue_project",
	"report_issue_regression",
	"change_point",
	"failure_cluster",
	"failure_cluster_result",
	"schema_migrations",
};

static void test_migrate_fresh(void **state)
{
	struct fixture *f = fx(state);
	struct store *st = open_store(f, STORE_OPEN_CREATE);
	struct migration_status s;
	unsigned latest, n = builtin_count(st, &latest), applied = 0;
	struct store_value v;
	char hex[65];
	int64_t ok = 0;

	assert_true(n >= 4);
	assert_int_equal(migrations_status(st, &s), 0);
	assert_int_equal(s.current, 0);
	assert_int_equal(s.pending, n);
	/* A dry run writes nothing. */
	assert_int_equal(migrations_apply(st, 1, &applied), 0);
	assert_int_equal(applied, n);
	assert_false(exists(st, "schema_migrations"));
	apply_ok(st, &applied);
	assert_int_equal(applied, n);
	assert_int_equal(migrations_status(st, &s), 0);
	assert_int_equal(s.current, latest);
	assert_int_equal(s.pending, 0);
	for (size_t i = 0; i < ARRAY_SIZE(schema_relations); i++)
		if (!exists(st, schema_relations[i]))
			fail_msg("'%s' is missing", schema_relations[i]);
	sha256_hex(first_builtin(st)->sql, first_builtin(st)->len, hex);
	v = STORE_TEXT_V(hex);
	assert_int_equal(
		store_query_int(st,
				"SELECT count(*) FROM "
				"schema_migrations WHERE version = 1 "
				"AND name = '0001_core' AND sha256 = ?",
				&v, 1, &ok),
		0);
	assert_int_equal(ok, 1);
	store_close(st);
}

static void test_migrate_twice_and_tampered(void **state)
{
	struct fixture *f = fx(state);
	struct store *st = open_store(f, STORE_OPEN_CREATE);
	struct store *again = open_store(f, STORE_OPEN_EXISTING);
	struct migration_status s;
	unsigned applied = 99;

	apply_ok(st, NULL);
	apply_ok(again, &applied);
	assert_int_equal(applied, 0);
	exec_ok(st, "UPDATE schema_migrations SET sha256 = 'ab12ab12ab12ab12' "
		    "WHERE version = 1");
	assert_true(migrations_status(again, &s) < 0);
	assert_err_contains("migration 0001_core was changed after it was "
			    "applied (database has sha256 ab12ab12ab12...");
	store_close(again);
	store_close(st);
}

#define MIGRATION(engine, version, name, sql)               \
	{                                                   \
		engine, version, name, sql, sizeof(sql) - 1 \
	}

static const struct migration good_then_bad[] = {
	MIGRATION("pg", 1, "0001_good", "CREATE TABLE a (x bigint);"),
	MIGRATION("pg", 2, "0002_bad",
		  "CREATE TABLE c (x bigint);\n"
		  "INSERT INTO nosuch VALUES (1);\n"),
	MIGRATION("sqlite", 1, "0001_good", "CREATE TABLE a (x INTEGER);"),
	MIGRATION("sqlite", 2, "0002_bad",
		  "CREATE TABLE c (x INTEGER);\n"
		  "INSERT INTO nosuch VALUES (1);\n"),
};

static void test_migrate_failing(void **state)
{
	struct fixture *f = fx(state);
	struct store *st = open_store(f, STORE_OPEN_CREATE);
	unsigned applied = 99;

	assert_true(migrations_apply_list(st, good_then_bad, 4, 0, &applied) <
		    0);
	assert_err_contains("migration 0002_bad failed: cannot ");
	assert_err_contains("'INSERT INTO nosuch VALUES (1);'");
	assert_int_equal(applied, 1);
	assert_false(st->in_transaction);
	/* The good one stays; the failing one left nothing. */
	assert_true(exists(st, "a"));
	assert_false(exists(st, "c"));
	store_close(st);
}

struct migrator {
	const char *url;
	unsigned applied;
	int ret;
	char msg[256];
};

static void *migrate_thread(void *arg)
{
	struct migrator *m = arg;
	struct store *st = NULL;

	m->ret = store_open(&st, m->url, STORE_OPEN_CREATE);
	if (m->ret == 0) {
		store_set_busy_timeout(st, 60000);
		m->ret = migrations_apply(st, 0, &m->applied);
	}
	if (m->ret < 0)
		snprintf(m->msg, sizeof(m->msg), "%s", err_msg());
	store_close(st);
	return NULL;
}

/* Two processes migrating at once: each migration is applied once. */
static void test_migrate_concurrently(void **state)
{
	struct fixture *f = fx(state);
	struct store *st = open_store(f, STORE_OPEN_CREATE);
	struct migrator m[4];
	pthread_t th[4];
	unsigned latest, n = builtin_count(st, &latest), total = 0;

	for (int i = 0; i < 4; i++) {
		m[i] = (struct migrator){.url = f->url};
		assert_int_equal(
			pthread_create(&th[i], NULL, migrate_thread, &m[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		if (m[i].ret < 0)
			fail_msg("migrator %d: %s", i, m[i].msg);
		total += m[i].applied;
	}
	assert_int_equal(total, n);
	assert_int_equal(
		query_int(st, "SELECT count(*) FROM schema_migrations"), n);
	store_close(st);
}

/* The upserts and views the commands use, on the real schema. */
static void test_views_and_upserts(void **state)
{
	struct fixture *f = fx(state);
	struct store *st = open_store(f, STORE_OPEN_CREATE);

	apply_ok(st, NULL);
	exec_ok(st,
		"INSERT INTO coverage_snapshot VALUES ('2024-05-01', 'fenix', "
		"1, 'Suite', 'Smoke', 'Completed', 'Full', 3);"
		"INSERT INTO testrail_run (run_id, project, created_on, passed, "
		"failed, updated_at) VALUES (9, 'fenix', "
		"'2024-05-01T00:00:00Z', 4, 1, '2024-05-01T00:00:00Z');"
		"INSERT INTO testrail_run (run_id, project, created_on, passed, "
		"failed, updated_at) VALUES (9, 'fenix', "
		"'2024-05-01T00:00:00Z', 5, 2, '2024-05-02T00:00:00Z') ON "
		"CONFLICT (run_id) DO UPDATE SET passed = excluded.passed, "
		"failed = excluded.failed");
	assert_int_equal(query_int(st, "SELECT sum(count) FROM "
				       "report_test_case_coverage"),
			 3);
	assert_int_equal(query_int(st, "SELECT total FROM "
				       "report_test_run_counts WHERE run_id = "
				       "9"),
			 7);
	/* A time of the wrong shape is refused by the schema. */
	assert_true(store_exec(st,
			       "INSERT INTO job (name, created_at) VALUES "
			       "('j', '2024-05-01 00:00:00')",
			       NULL, 0, NULL, NULL) < 0);
	assert_err_contains("check");
	store_close(st);
}

static int add_name(const struct store_row *row, void *ctx)
{
	struct buf *b = ctx;

	buf_addf(b, "%s ", row->cols[0].s);
	return 0;
}

static void columns_of(struct store *st, const char *table, struct buf *out)
{
	struct store_value v = STORE_TEXT_V(table);

	buf_reset(out);
	if (store_exec(st,
		       store_sql_pick(st,
				      "SELECT name FROM pragma_table_info(?) "
				      "ORDER BY cid",
				      "SELECT column_name::text FROM "
				      "information_schema.columns WHERE "
				      "table_schema = current_schema() AND "
				      "table_name = ? ORDER BY "
				      "ordinal_position"),
		       &v, 1, add_name, out) < 0)
		fail_msg("columns of %s: %s", table, err_msg());
}

/* Both engines' migrations give every table the same columns, in order. */
static void test_same_columns(void **state)
{
	struct fixture *f = fx(state);
	struct fixture lite;
	struct store *pg = open_store(f, STORE_OPEN_CREATE), *sq;
	struct buf a = BUF_INIT, b = BUF_INIT;
	void *ls = NULL;

	assert_int_equal(setup_sqlite(&ls), 0);
	lite = *(struct fixture *)ls;
	sq = open_store(&lite, STORE_OPEN_CREATE);
	apply_ok(pg, NULL);
	apply_ok(sq, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(schema_relations); i++) {
		columns_of(sq, schema_relations[i], &a);
		columns_of(pg, schema_relations[i], &b);
		if (!a.len || strcmp(a.data, b.data))
			fail_msg("%s: sqlite has (%s), pg has (%s)",
				 schema_relations[i], a.data, b.data);
	}
	buf_release(&a);
	buf_release(&b);
	store_close(sq);
	store_close(pg);
	teardown(&ls);
}

/* Passwords are masked in the store's url and never in a message. */
static void test_pg_urls(void **state)
{
	struct fixture *f = fx(state);
	const char *host =
		getenv("PGHOST_TEST") ? getenv("PGHOST_TEST") : "127.0.0.1";
	struct store *st = NULL;
	char *url;
	int e = -1;

	url = xasprintf("%s password=s3cret-pw", f->url);
	/* The test cluster trusts local connections: any password works. */
	assert_int_equal(store_open(&st, url, STORE_OPEN_EXISTING), 0);
	assert_string_equal(store_engine(st), "pg");
	assert_null(strstr(st->url, "s3cret-pw"));
	assert_non_null(strstr(st->url, "password=********"));
	assert_null(strstr(st->location, "s3cret-pw"));
	store_close(st);
	free(url);

	/* A server that is not there: the message has no password. */
	url = xasprintf("postgresql://me:s3cret-pw@%s:1/db?connect_timeout=2",
			host);
	assert_true(store_open(&st, url, STORE_OPEN_EXISTING) < 0);
	assert_null(st);
	assert_err_contains("cannot connect to database");
	assert_null(strstr(err_msg(), "s3cret-pw"));
	free(url);

	/* A database that does not exist: says how to make one. */
	url = xasprintf("%s dbname=testpump_no_such_db", f->url);
	assert_true(store_open(&st, url, STORE_OPEN_CREATE) < 0);
	assert_err_contains("createdb");
	assert_int_equal(store_exists(url, &e), 0);
	assert_false(e);
	assert_int_equal(store_exists(f->url, &e), 0);
	assert_true(e);
	free(url);
	assert_non_null(store_engine_version("pg"));
}
