/*
 * migrations.h - the schema, as forward-only numbered SQL files.
 *
 * The files under src/store/sql/<engine>/NNNN_name.sql are embedded in the
 * binary at build time (cmake/embed-migrations.cmake).  Each is applied once,
 * in its own transaction, and recorded in schema_migrations with its SHA-256;
 * a file edited after it was applied is refused, and so is a database whose
 * schema is newer than the binary.
 */
#ifndef TESTPUMP_STORE_MIGRATIONS_H
#define TESTPUMP_STORE_MIGRATIONS_H

#include <stddef.h>

struct store;

struct migration {
	const char *engine; /* "sqlite" or "pg" */
	unsigned version;   /* NNNN */
	const char *name;   /* "0001_core" */
	const char *sql;    /* NUL-terminated */
	size_t len;
};

/* Generated: every embedded migration, sorted by engine, then version. */
extern const struct migration migrations_builtin[];
extern const unsigned migrations_builtin_count;

/* What the database holds compared with the binary. */
struct migration_status {
	unsigned current; /* highest applied version, 0 for none */
	unsigned latest;  /* highest version built in for the engine */
	unsigned applied; /* how many rows schema_migrations has */
	unsigned pending; /* built in, not yet applied */
};

/*
 * Reads the state of st's schema into *out and checks every applied
 * migration's checksum against the built-in file; an edited or unknown
 * applied migration is an error naming it.  Writes nothing.
 */
int migrations_status(struct store *st, struct migration_status *out);

/*
 * Applies every pending migration in order, each in its own transaction.
 * *applied (may be NULL) receives how many were applied.  With dry_run set,
 * nothing is written, each migration that would run is logged, and
 * *applied receives how many would be applied.  A migration that fails is
 * rolled back and named in the message; the ones before it stay applied.
 * Call it outside any transaction: it opens its own.
 */
int migrations_apply(struct store *st, int dry_run, unsigned *applied);

/*
 * As migrations_status() and migrations_apply(), against list[0..count-1]
 * instead of the built-in migrations (tests use it to apply a migration
 * that fails).  The list is sorted as migrations_builtin is; entries of
 * other engines are skipped.
 */
int migrations_status_list(struct store *st, const struct migration *list,
			   unsigned count, struct migration_status *out);
int migrations_apply_list(struct store *st, const struct migration *list,
			  unsigned count, int dry_run, unsigned *applied);

#endif
