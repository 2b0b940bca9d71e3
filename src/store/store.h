/*
 * store.h - where testpump keeps its data: the whole contract of store/.
 *
 * A store is one database, SQLite (the embedded default) or PostgreSQL,
 * behind one small vtable.  Callers write portable SQL with `?` placeholders
 * (each engine rewrites them as it needs), read rows through a callback, and
 * load many rows through the bulk interface, which an engine may implement
 * with prepared inserts (SQLite) or COPY (PostgreSQL).
 *
 * Every function returns 0 on success and a negative value on failure with
 * the message set (core/err.h); a message never contains a password.
 * Nothing here knows a command, argv or HTTP.
 */
#ifndef TESTPUMP_STORE_STORE_H
#define TESTPUMP_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

struct store;

/* One bound parameter or one column of a result row. */
enum store_type {
	STORE_NULL = 0,
	STORE_INT,
	STORE_REAL,
	STORE_TEXT,
};

struct store_value {
	enum store_type type;
	int64_t i;
	double d;
	const char *s; /* STORE_TEXT: NUL-terminated, borrowed */
};

#define STORE_NULL_V ((struct store_value){.type = STORE_NULL})
#define STORE_INT_V(v) ((struct store_value){.type = STORE_INT, .i = (v)})
#define STORE_REAL_V(v) ((struct store_value){.type = STORE_REAL, .d = (v)})
/*
 * A text value, or NULL when s is NULL.  A function, not a bare compound
 * literal, so that a char array argument does not trip -Waddress.
 */
static inline struct store_value store_text_value(const char *s)
{
	struct store_value v = {.type = s ? STORE_TEXT : STORE_NULL, .s = s};

	return v;
}
#define STORE_TEXT_V(v) store_text_value(v)

/*
 * One result row, valid only during the callback that receives it.  Column
 * i runs from 0 to ncols - 1; text is NULL for SQL NULL.  A BLOB arrives as
 * STORE_TEXT holding its bytes.
 */
struct store_row {
	size_t ncols;
	const char *const *names;
	const struct store_value *cols;
};

/* Called once per row; a non-zero return stops the query and is returned. */
typedef int (*store_row_fn)(const struct store_row *row, void *ctx);

/* How store_open() treats a database that does not exist yet. */
enum store_open_mode {
	STORE_OPEN_EXISTING = 0, /* fail, naming the database */
	STORE_OPEN_CREATE = 1,	 /* create it (the parent must exist) */
	STORE_OPEN_READONLY = 2, /* existing, and never written */
};

/*
 * The engine interface.  store.c dispatches to it; only sqlite.c and pg.c
 * implement it.  store.c does the bookkeeping (one transaction at a time,
 * bulk loads only inside one), so an engine's functions are called only in
 * a valid order; rollback must also abandon an open bulk load.
 */
struct store_ops {
	const char *engine; /* "sqlite" or "pg": also the migrations' folder */
	/* Sets st->impl and st->location (allocated; store.c frees it). */
	int (*open)(struct store *st, const char *target,
		    enum store_open_mode mode);
	void (*close)(struct store *st);
	int (*exec)(struct store *st, const char *sql,
		    const struct store_value *params, size_t nparams,
		    store_row_fn fn, void *ctx);
	int (*exec_script)(struct store *st, const char *sql);
	int (*begin)(struct store *st);
	int (*commit)(struct store *st);
	int (*rollback)(struct store *st);
	int (*bulk_begin)(struct store *st, const char *table,
			  const char *const *columns, size_t ncols);
	int (*bulk_row)(struct store *st, const struct store_value *values);
	int (*bulk_end)(struct store *st);
	int (*set_busy_timeout)(struct store *st, int ms);
	int (*table_exists)(struct store *st, const char *table, int *exists);
	int (*list_tables)(struct store *st,
			   int (*fn)(const char *table, void *ctx), void *ctx);
	int64_t (*last_insert_id)(struct store *st);
	/* Whether target exists, without opening or creating it. */
	int (*exists)(const char *target, int *exists);
	/* The version of the engine's client library. */
	const char *(*library_version)(void);
};

/* An open database.  Fields are read-only outside store/. */
struct store {
	const struct store_ops *ops;
	char *url;	/* as given, with any password removed */
	char *location; /* SQLite: the file path; PG: host/dbname */
	int in_transaction;
	int in_bulk; /* between store_bulk_begin() and store_bulk_end() */
	void *impl;  /* the engine's own state */
};

/*
 * Opens the database named by url: "sqlite:PATH" ("sqlite:///abs/path"
 * too), a bare path, or "postgresql://..." / "postgres://..." / a libpq
 * "host=... dbname=..." string.  On success *out is a new store the
 * caller closes with store_close().  A missing database is an error naming
 * the path unless mode is STORE_OPEN_CREATE; an engine not built in is an
 * error naming the engine.
 */
int store_open(struct store **out, const char *url, enum store_open_mode mode);

/*
 * Sets *exists to 1 if the database named by url exists, else 0, without
 * opening or creating it (db init --dry-run says what it would create).
 * A url store_open() would refuse is refused the same way.
 */
int store_exists(const char *url, int *exists);

/* Closes and frees st (NULL is ignored); an open transaction rolls back. */
void store_close(struct store *st);

/*
 * Runs one statement with `?` placeholders bound to params[0..nparams-1].
 * fn (may be NULL) is called for every row, and may itself run statements
 * on st.  Statements are prepared once per store and reused, so callers
 * pass the same SQL text in loops.
 */
int store_exec(struct store *st, const char *sql,
	       const struct store_value *params, size_t nparams,
	       store_row_fn fn, void *ctx);

/* Runs several ;-separated statements without parameters (migrations). */
int store_exec_script(struct store *st, const char *sql);

/*
 * Runs a query expected to give one integer (the first column of the first
 * row); *out is 0 when there is no row or the value is NULL.
 */
int store_query_int(struct store *st, const char *sql,
		    const struct store_value *params, size_t nparams,
		    int64_t *out);

/*
 * Runs a query expected to give one text (the first column of the first
 * row) into out, cut to size - 1 bytes; out is "" when there is no row or
 * the value is NULL.  Returns 1 when a row came, 0 when none, -1 on error.
 */
int store_query_text(struct store *st, const char *sql,
		     const struct store_value *params, size_t nparams,
		     char *out, size_t size);

/*
 * Transactions: one at a time; begin takes the write lock at once, waiting
 * for another writer up to the busy timeout.  A commit that fails rolls
 * back, so the transaction is over either way.
 */
int store_begin(struct store *st);
int store_commit(struct store *st);
int store_rollback(struct store *st);

/*
 * Savepoints, inside a transaction: store_savepoint() marks a point,
 * store_savepoint_rollback() undoes everything after it (and forgets it),
 * store_savepoint_release() keeps the work and forgets the mark.  name is
 * a plain identifier ([a-z_]+).
 */
int store_savepoint(struct store *st, const char *name);
int store_savepoint_release(struct store *st, const char *name);
int store_savepoint_rollback(struct store *st, const char *name);

/*
 * Bulk load: begin names the table and columns, each row gives ncols values
 * in that order, end flushes.  Must run inside a transaction.  Only one
 * bulk load is open at a time, and no other statement runs until it ends.
 */
int store_bulk_begin(struct store *st, const char *table,
		     const char *const *columns, size_t ncols);
int store_bulk_row(struct store *st, const struct store_value *values);
int store_bulk_end(struct store *st);

/*
 * How long a statement waits for another connection's write lock before it
 * fails with "database ... is locked by another writer"; 5000 ms after
 * store_open().  ms <= 0 fails at once.
 */
int store_set_busy_timeout(struct store *st, int ms);

/* *exists is set to 1 if the table or view exists, else 0. */
int store_table_exists(struct store *st, const char *table, int *exists);

/*
 * Calls fn(table, rows, ctx) once per base table of the schema (no views,
 * no engine-internal tables), in name order, with its row count.  A
 * non-zero return from fn stops the walk and is returned.
 */
int store_table_counts(struct store *st,
		       int (*fn)(const char *table, int64_t rows, void *ctx),
		       void *ctx);

/* The id of the last row inserted on this connection. */
int64_t store_last_insert_id(struct store *st);

/*
 * The engine that would open url ("sqlite" or "pg") without opening it,
 * or NULL with the message set when the url is not valid.
 */
const char *store_url_engine(const char *url);

/* Room for store_time() output, NUL included. */
#define STORE_TIME_MAX 32

/*
 * Formats ms since the epoch as the schema stores every time: RFC 3339
 * UTC with whole seconds, 'YYYY-MM-DDTHH:MM:SSZ' (0001_core.sql).
 */
void store_time(int64_t ms, char out[STORE_TIME_MAX]);

/*
 * Finds the row of table whose column (a UNIQUE text column) equals
 * value, creating it with created_at = now if there is none, and sets *id
 * to its id.  table and column are trusted identifiers of the schema.
 */
int store_upsert_name(struct store *st, const char *table, const char *column,
		      const char *value, int64_t *id);

/* The engine name, "sqlite" or "pg". */
const char *store_engine(const struct store *st);

/*
 * The one of two spellings of a statement that st's engine takes, for the
 * few things portable SQL cannot say (SQLite's group_concat() is
 * PostgreSQL's string_agg()).  Both are static text the caller owns.
 */
const char *store_sql_pick(const struct store *st, const char *sqlite_sql,
			   const char *pg_sql);

/*
 * The version of the client library of the engine named engine ("sqlite":
 * "3.40.1"), or NULL when that engine is not built in.
 */
const char *store_engine_version(const char *engine);

#endif
