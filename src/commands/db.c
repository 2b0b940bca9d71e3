/*
 * db.c - db init, db migrate and db status: the schema's lifecycle.
 */
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "config/config.h"
#include "core/err.h"
#include "core/log.h"
#include "store/migrations.h"
#include "core/banned.h"

/* The names of the built-in migrations of `engine` after version `from`. */
static json_t *migration_names(const char *engine, unsigned from, unsigned to)
{
	json_t *names = json_array();

	for (unsigned i = 0; i < migrations_builtin_count; i++) {
		const struct migration *m = &migrations_builtin[i];

		if (!strcmp(m->engine, engine) && m->version > from &&
		    m->version <= to)
			json_array_append_new(names, json_string(m->name));
	}
	return names;
}

/*
 * Applies pending migrations and describes what happened in resp.  Returns
 * API_EXIT_OK; API_EXIT_INCOMPLETE when a migration failed after others
 * were applied (they are kept, and "error" says what failed); or -1 when
 * nothing could be applied.
 */
static int migrate_into(struct request *req, struct store *st, json_t *resp)
{
	struct migration_status before, after;
	int dry_run = req->env->dry_run;
	const char *engine = store_engine(st);
	json_t *error = json_null();
	int rc = API_EXIT_OK;

	if (migrations_status(st, &before) < 0)
		return -1;
	if (migrations_apply(st, dry_run, NULL) < 0) {
		error = json_string(err_msg());
		rc = -1;
	}
	if (migrations_status(st, &after) < 0) {
		json_decref(error);
		return -1;
	}
	if (rc < 0) {
		if (after.current == before.current) {
			json_decref(error);
			return -1; /* the message is still set */
		}
		rc = API_EXIT_INCOMPLETE;
	}
	json_object_set_new(resp, "database", json_string(st->url));
	json_object_set_new(resp, "engine", json_string(engine));
	json_object_set_new(resp, "previous_version",
			    json_integer(before.current));
	json_object_set_new(
		resp, "schema_version",
		json_integer(dry_run ? after.latest : after.current));
	json_object_set_new(
		resp, "migrations_applied",
		migration_names(engine, before.current,
				dry_run ? after.latest : after.current));
	json_object_set_new(resp, "dry_run", json_boolean(dry_run));
	json_object_set_new(resp, "error", error);
	return rc;
}

static int db_init(struct request *req, json_t *resp)
{
	const char *engine = store_url_engine(req->db_url);
	struct store *st;
	int exists, rc;

	if (!engine || store_exists(req->db_url, &exists) < 0)
		return -1;
	if (!exists && req->env->dry_run) {
		char *shown = config_mask_url(req->db_url);

		log_info("would create database '%s'", shown);
		json_object_set_new(resp, "database", json_string(shown));
		free(shown);
		json_object_set_new(resp, "engine", json_string(engine));
		json_object_set_new(resp, "created", json_false());
		json_object_set_new(resp, "previous_version", json_integer(0));
		json_object_set_new(resp, "schema_version", json_integer(0));
		json_object_set_new(resp, "migrations_applied",
				    migration_names(engine, 0, ~0u));
		json_object_set_new(resp, "dry_run", json_true());
		json_object_set_new(resp, "error", json_null());
		return API_EXIT_OK;
	}
	if (request_store(req, STORE_OPEN_CREATE, &st) < 0 ||
	    (rc = migrate_into(req, st, resp)) < 0)
		return -1;
	json_object_set_new(resp, "created", json_boolean(!exists));
	return rc;
}

static int db_migrate(struct request *req, json_t *resp)
{
	struct store *st;
	int rc;

	if (request_store(req, STORE_OPEN_EXISTING, &st) < 0 ||
	    (rc = migrate_into(req, st, resp)) < 0)
		return -1;
	json_object_set_new(resp, "created", json_false());
	return rc;
}

static int add_table_count(const char *table, int64_t rows, void *ctx)
{
	json_array_append_new(ctx, json_pack("{s:s, s:I}", "table", table,
					     "rows", (json_int_t)rows));
	return 0;
}

static int db_status(struct request *req, json_t *resp)
{
	struct migration_status ms;
	struct store *st;
	json_t *tables = json_array();

	if (request_store(req, STORE_OPEN_READONLY, &st) < 0 ||
	    migrations_status(st, &ms) < 0 ||
	    store_table_counts(st, add_table_count, tables) < 0) {
		json_decref(tables);
		return -1;
	}
	json_object_set_new(resp, "database", json_string(st->url));
	json_object_set_new(resp, "engine", json_string(store_engine(st)));
	json_object_set_new(resp, "schema_version", json_integer(ms.current));
	json_object_set_new(resp, "latest_version", json_integer(ms.latest));
	json_object_set_new(resp, "migrations_applied",
			    json_integer(ms.applied));
	json_object_set_new(resp, "migrations_pending",
			    json_integer(ms.pending));
	json_object_set_new(resp, "up_to_date", json_boolean(!ms.pending));
	json_object_set_new(resp, "tables", tables);
	return API_EXIT_OK;
}

/* Mocks: fixed, realistic answers for a database at version 1. */

static void mock_migrate(const struct request *req, json_t *resp)
{
	(void)req;
	json_object_set_new(resp, "database", json_string("sqlite:mock.db"));
	json_object_set_new(resp, "engine", json_string("sqlite"));
	json_object_set_new(resp, "previous_version", json_integer(0));
	json_object_set_new(resp, "schema_version", json_integer(1));
	json_object_set_new(resp, "migrations_applied",
			    json_pack("[s]", "0001_core"));
	json_object_set_new(resp, "dry_run", json_false());
	json_object_set_new(resp, "created", json_true());
	json_object_set_new(resp, "error", json_null());
}

/* The first migration applied, the second failed and was rolled back. */
static void mock_migrate_failure(const struct request *req, json_t *resp)
{
	mock_migrate(req, resp);
	json_object_set_new(resp, "created", json_false());
	json_object_set_new(
		resp, "error",
		json_string("migration 0002_mock failed: table job already "
			    "exists"));
}

static void mock_status(const struct request *req, json_t *resp)
{
	static const char *const tables[] = {
		"job",
		"job_run",
		"job_run_suite",
		"job_variant",
		"payload",
		"project",
		"pump_run",
		"release",
		"schema_migrations",
		"source_cursor",
		"test",
		"test_output",
		"test_result",
		"test_run_status",
	};
	json_t *list = json_array();

	(void)req;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		json_array_append_new(list, json_pack("{s:s, s:i}", "table",
						      tables[i], "rows",
						      i == 8 ? 1 : 0));
	json_object_set_new(resp, "database", json_string("sqlite:mock.db"));
	json_object_set_new(resp, "engine", json_string("sqlite"));
	json_object_set_new(resp, "schema_version", json_integer(1));
	json_object_set_new(resp, "latest_version", json_integer(1));
	json_object_set_new(resp, "migrations_applied", json_integer(1));
	json_object_set_new(resp, "migrations_pending", json_integer(0));
	json_object_set_new(resp, "up_to_date", json_true());
	json_object_set_new(resp, "tables", list);
}

static const struct resp_field migrate_response[] = {
	{"database", RESP_STRING, 0, "the database, password removed"},
	{"engine", RESP_STRING, 0, "sqlite or pg"},
	{"created", RESP_BOOL, 0, "whether this call created the database"},
	{"previous_version", RESP_INT, 0, "schema version before the call"},
	{"schema_version", RESP_INT, 0, "schema version after the call"},
	{"migrations_applied", RESP_ARRAY, 0,
	 "names of the migrations applied (or, with --dry-run, to apply)"},
	{"dry_run", RESP_BOOL, 0, "true when nothing was written"},
	{"error", RESP_STRING, RESP_NULLABLE,
	 "why a migration failed after others were applied (exit 3)"},
	{0},
};

const struct command cmd_db_init = {
	.name = "db init",
	.summary = "create the database if needed and apply the schema",
	.description =
		"Creates the database named by --db (default "
		"sqlite:testpump.db, or $TESTPUMP_DB, or [store] url of the "
		"config) and applies every migration built into this "
		"testpump. Running it again on an up-to-date database changes "
		"nothing. The directory of a SQLite file must exist.",
	.response = migrate_response,
	.handler = db_init,
	.mock_success = mock_migrate,
};

const struct command cmd_db_migrate = {
	.name = "db migrate",
	.summary = "apply pending schema migrations to an existing database",
	.description =
		"Applies, in order and each in its own transaction, the "
		"migrations this testpump has that the database lacks. A "
		"migration changed after it was applied, or a database newer "
		"than this testpump, is refused. With --dry-run, lists what "
		"would be applied.",
	.response = migrate_response,
	.handler = db_migrate,
	.mock_success = mock_migrate,
	.mock_failure = mock_migrate_failure,
	.mock_failure_exit = API_EXIT_INCOMPLETE,
};

const struct command cmd_db_status = {
	.name = "db status",
	.summary = "show the schema version, migrations and rows per table",
	.description = "Reads the database without writing to it and reports "
		       "its schema version against the newest this testpump "
		       "knows, and how many rows each table holds.",
	.response =
		(const struct resp_field[]){
			{"database", RESP_STRING, 0, "the database"},
			{"engine", RESP_STRING, 0, "sqlite or pg"},
			{"schema_version", RESP_INT, 0, "applied version"},
			{"latest_version", RESP_INT, 0,
			 "newest version this testpump knows"},
			{"migrations_applied", RESP_INT, 0, "count"},
			{"migrations_pending", RESP_INT, 0, "count"},
			{"up_to_date", RESP_BOOL, 0, "no migration pending"},
			{"tables", RESP_ARRAY, 0,
			 "objects {table, rows}, by table name"},
			{0},
		},
	.rows_key = "tables",
	.handler = db_status,
	.mock_success = mock_status,
};
