/*
 * migrate.c - applying the embedded SQL migrations, over store.h only.
 *
 * Nothing here speaks SQLite or PostgreSQL: the runner uses store.h and
 * portable SQL, so both engines share it.  The applied migrations are rows
 * of schema_migrations, each with the SHA-256 of the file as it was applied;
 * the file in the binary must still hash the same.
 */
#include "store/migrations.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "core/sha256.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "store/store.h"
#include "core/banned.h"

/* Hex digits of a SHA-256 shown in messages: enough to tell two apart. */
#define SHA_SHOWN 12

static const char create_table_sql[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	"version INTEGER PRIMARY KEY, "
	"name TEXT NOT NULL, "
	"sha256 TEXT NOT NULL, "
	"applied_at TEXT NOT NULL)";

/* One row of schema_migrations. */
struct applied_row {
	unsigned version;
	char *name;
	char *sha256;
};

struct applied {
	struct applied_row *rows;
	size_t n, cap;
};

/* The unsigned value of v, which an engine may give as text. */
static unsigned value_unsigned(const struct store_value *v)
{
	unsigned long long n;
	char *end;

	if (v->type == STORE_INT)
		return v->i > 0 ? (unsigned)v->i : 0;
	if (v->type != STORE_TEXT)
		return 0;
	errno = 0;
	n = strtoull(v->s, &end, 10);
	return errno || *end ? 0 : (unsigned)n;
}

static int collect_applied(const struct store_row *row, void *ctx)
{
	struct applied *a = ctx;
	struct applied_row *r;

	ALLOC_GROW(a->rows, a->n + 1, a->cap);
	r = &a->rows[a->n++];
	r->version = value_unsigned(&row->cols[0]);
	r->name = xstrdup(row->cols[1].s ? row->cols[1].s : "");
	r->sha256 = xstrdup(row->cols[2].s ? row->cols[2].s : "");
	return 0;
}

static void applied_release(struct applied *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		free(a->rows[i].name);
		free(a->rows[i].sha256);
	}
	free(a->rows);
	a->rows = NULL;
	a->n = a->cap = 0;
}

/* Reads schema_migrations into a; no table means nothing applied yet. */
static int load_applied(struct store *st, struct applied *a)
{
	int exists;
	int ret;

	if ((ret = store_table_exists(st, "schema_migrations", &exists)) < 0)
		return ret;
	if (!exists)
		return 0;
	return store_exec(st,
			  "SELECT version, name, sha256 FROM schema_migrations "
			  "ORDER BY version",
			  NULL, 0, collect_applied, a);
}

static int is_applied(const struct applied *a, unsigned version)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		if (a->rows[i].version == version)
			return 1;
	}
	return 0;
}

static const struct migration *find_migration(const struct migration *list,
					      unsigned count,
					      const char *engine,
					      unsigned version)
{
	unsigned i;

	for (i = 0; i < count; i++) {
		if (!strcmp(list[i].engine, engine) &&
		    list[i].version == version)
			return &list[i];
	}
	return NULL;
}

/* Checks one applied row against the migration the binary has for it. */
static int check_row(const struct applied_row *r, const struct migration *m)
{
	char hex[65];

	if (!m)
		return err_set("database has migration %u ('%s'), which this "
			       "testpump does not know",
			       r->version, r->name);
	sha256_hex(m->sql, m->len, hex);
	if (strcmp(hex, r->sha256))
		return err_set("migration %s was changed after it was applied "
			       "(database has sha256 %.*s..., this testpump "
			       "has %.*s...); migrations are forward-only: add "
			       "a new one instead",
			       m->name, SHA_SHOWN, r->sha256, SHA_SHOWN, hex);
	return 0;
}

/*
 * Compares the applied rows a with the engine's migrations in list, fills
 * *out, and refuses a schema newer than the list or an applied migration
 * whose file changed.
 */
static int check_applied(const char *engine, const struct migration *list,
			 unsigned count, const struct applied *a,
			 struct migration_status *out)
{
	unsigned builtin = 0;
	size_t i;
	int ret;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < count; i++) {
		if (strcmp(list[i].engine, engine))
			continue;
		builtin++;
		if (list[i].version > out->latest)
			out->latest = list[i].version;
	}
	for (i = 0; i < a->n; i++) {
		if (a->rows[i].version > out->current)
			out->current = a->rows[i].version;
	}
	if (out->current > out->latest)
		return err_set("database schema is at version %u, newer than "
			       "this testpump knows (%u); upgrade testpump",
			       out->current, out->latest);
	for (i = 0; i < a->n; i++) {
		const struct applied_row *r = &a->rows[i];

		ret = check_row(
			r, find_migration(list, count, engine, r->version));
		if (ret < 0)
			return ret;
	}
	out->applied = (unsigned)a->n;
	out->pending = builtin - out->applied;
	return 0;
}

int migrations_status_list(struct store *st, const struct migration *list,
			   unsigned count, struct migration_status *out)
{
	struct applied a = {NULL, 0, 0};
	int ret;

	memset(out, 0, sizeof(*out));
	if ((ret = load_applied(st, &a)) < 0)
		goto out;
	ret = check_applied(store_engine(st), list, count, &a, out);
out:
	applied_release(&a);
	return ret;
}

int migrations_status(struct store *st, struct migration_status *out)
{
	return migrations_status_list(st, migrations_builtin,
				      migrations_builtin_count, out);
}

/* Records m as applied, inside the open transaction. */
static int record_applied(struct store *st, const struct migration *m)
{
	char hex[65];
	char now[TIMESTAMP_MAX];
	struct store_value row[4];
	char *pragma;
	int ret;

	sha256_hex(m->sql, m->len, hex);
	/* Whole seconds: the schema's times are 'YYYY-MM-DDTHH:MM:SSZ'. */
	timestamp_format(timestamp_now_ms() / 1000 * 1000, now);
	row[0] = STORE_INT_V((int64_t)m->version);
	row[1] = STORE_TEXT_V(m->name);
	row[2] = STORE_TEXT_V(hex);
	row[3] = STORE_TEXT_V(now);
	ret = store_exec(st,
			 "INSERT INTO schema_migrations "
			 "(version, name, sha256, applied_at) "
			 "VALUES (?, ?, ?, ?)",
			 row, 4, NULL, NULL);
	if (ret < 0 || strcmp(store_engine(st), "sqlite"))
		return ret;
	/* A mirror of the version that needs no table to read. */
	pragma = xasprintf("PRAGMA user_version = %u", m->version);
	ret = store_exec_script(st, pragma);
	free(pragma);
	return ret;
}

/*
 * Applies m in its own transaction.  schema_migrations is created inside
 * it too, so a new database whose first migration fails is left empty.
 * Another testpump may have applied m while this one waited for the write
 * lock; then m is skipped.  *done counts what was applied.
 */
static int apply_one(struct store *st, const struct migration *m,
		     unsigned *done)
{
	struct store_value version = STORE_INT_V((int64_t)m->version);
	int64_t already = 0;
	int began = 0;
	char *msg;
	int ret;

	if ((ret = store_begin(st)) < 0)
		goto out;
	began = 1;
	if ((ret = store_exec_script(st, create_table_sql)) < 0)
		goto out;
	ret = store_query_int(st,
			      "SELECT count(*) FROM schema_migrations "
			      "WHERE version = ?",
			      &version, 1, &already);
	if (ret < 0)
		goto out;
	if (!already) {
		if ((ret = store_exec_script(st, m->sql)) < 0)
			goto out;
		if ((ret = record_applied(st, m)) < 0)
			goto out;
	}
	if ((ret = store_commit(st)) < 0)
		goto out;
	if (!already) {
		log_info("applied migration %s", m->name);
		(*done)++;
	}
out:
	if (ret < 0) {
		msg = xstrdup(err_msg());
		if (began && st->in_transaction)
			store_rollback(st);
		ret = err_set("migration %s failed: %s", m->name, msg);
		free(msg);
	}
	return ret;
}

int migrations_apply_list(struct store *st, const struct migration *list,
			  unsigned count, int dry_run, unsigned *applied)
{
	const char *engine = store_engine(st);
	struct applied a = {NULL, 0, 0};
	struct migration_status status;
	unsigned done = 0;
	unsigned i;
	int ret;

	if ((ret = load_applied(st, &a)) < 0)
		goto out;
	if ((ret = check_applied(engine, list, count, &a, &status)) < 0)
		goto out;
	for (i = 0; i < count; i++) {
		const struct migration *m = &list[i];

		if (strcmp(m->engine, engine) || is_applied(&a, m->version))
			continue;
		if (dry_run) {
			log_info("would apply migration %s", m->name);
			done++;
			continue;
		}
		if ((ret = apply_one(st, m, &done)) < 0)
			goto out;
	}
out:
	if (applied)
		*applied = done;
	applied_release(&a);
	return ret;
}

int migrations_apply(struct store *st, int dry_run, unsigned *applied)
{
	return migrations_apply_list(st, migrations_builtin,
				     migrations_builtin_count, dry_run,
				     applied);
}
