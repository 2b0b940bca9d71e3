/*
 * sqlite.c - the embedded SQLite engine behind store.h.
 *
 * One connection per store, opened SQLITE_OPEN_NOMUTEX: a store belongs to
 * one thread at a time, and each thread opens its own.  The database runs
 * in WAL mode, so readers never block the writer, with foreign keys on and
 * synchronous=NORMAL (a crash loses at most the last transactions, never
 * consistency).
 *
 * Statements are prepared once per connection and kept, keyed by their SQL
 * text in a strmap, so a loop over store_exec() costs a hash lookup and a
 * bind per call, not a parse.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/strmap.h"
#include "core/xalloc.h"
#include "store/engines.h"
#include "core/banned.h"

/* How long a statement waits for another writer by default. */
#define BUSY_TIMEOUT_MS 5000
/*
 * Statements kept per connection.  Callers pass fixed SQL text, so a few
 * dozen is the norm; SQL built at run time past this bound is prepared and
 * finalized on each call instead of growing the cache without end.
 */
#define STMT_CACHE_MAX 512
/* Rows up to this many columns are described with arrays on the stack. */
#define ROW_STACK_COLS 16

struct sqlite_impl {
	sqlite3 *db;
	struct strmap stmt_index; /* SQL text -> index into stmts */
	sqlite3_stmt **stmts;	  /* prepared once, finalized at close */
	size_t nstmts, stmts_cap;
	sqlite3_stmt *bulk; /* the open bulk load's INSERT, or NULL */
	int bulk_owned;	    /* bulk is not in the cache: finalize it */
	size_t bulk_ncols;
};

static struct sqlite_impl *impl_of(struct store *st)
{
	return st->impl;
}

/*
 * Sets the message for a call on sql that failed with rc; returns -1.  A
 * busy database, a file that is not a database and one that cannot be
 * opened get messages of their own; anything else names the SQL and
 * SQLite's message.  Call it before anything else touches the connection.
 */
static int fail(struct store *st, int rc, const char *verb, const char *sql)
{
	sqlite3 *db = impl_of(st)->db;
	char excerpt[STORE_EXCERPT_MAX];
	int sys;

	switch (rc & 0xff) {
	case SQLITE_BUSY:
		return err_set("database '%s' is locked by another writer",
			       st->location);
	case SQLITE_NOTADB:
		return err_set("'%s' is not a SQLite database", st->location);
	case SQLITE_CANTOPEN:
		/* The file is opened lazily: its errors show up here. */
		sys = sqlite3_system_errno(db);
		return err_set("cannot open database '%s': %s", st->location,
			       sys ? strerror(sys) : sqlite3_errmsg(db));
	}
	return err_set("cannot %s '%s': %s", verb,
		       store_sql_excerpt(sql, excerpt), sqlite3_errmsg(db));
}

/*
 * Prepares the single statement in sql into *out; flags as for
 * sqlite3_prepare_v3().  SQL with no statement, or with a second one after
 * the first, is refused: store_exec_script() is for scripts.
 */
static int prepare_one(struct store *st, const char *sql, unsigned flags,
		       sqlite3_stmt **out)
{
	char excerpt[STORE_EXCERPT_MAX];
	sqlite3_stmt *stmt = NULL;
	const char *tail = NULL;
	int rc;

	*out = NULL;
	rc = sqlite3_prepare_v3(impl_of(st)->db, sql, -1, flags, &stmt, &tail);
	if (rc != SQLITE_OK) {
		fail(st, rc, "prepare", sql);
		sqlite3_finalize(stmt);
		return -1;
	}
	if (!stmt)
		return err_set("no SQL statement in '%s'",
			       store_sql_excerpt(sql, excerpt));
	if (tail && *store_sql_skip_space(tail)) {
		sqlite3_finalize(stmt);
		return err_set("more than one SQL statement in '%s'",
			       store_sql_excerpt(sql, excerpt));
	}
	*out = stmt;
	return 0;
}

/*
 * The statement for sql: the cached one, prepared on first use.  *owned is
 * set when the statement is not cached and the caller finalizes it: when
 * the cache is full, or when the cached one is still running in an outer
 * call (a row callback that runs the same SQL again).
 */
static int stmt_get(struct store *st, const char *sql, sqlite3_stmt **out,
		    int *owned)
{
	struct sqlite_impl *im = impl_of(st);
	size_t len = strlen(sql);
	int64_t index;
	int cache;
	int ret;

	*owned = 0;
	if (strmap_get(&im->stmt_index, sql, len, &index)) {
		*out = im->stmts[index];
		if (!sqlite3_stmt_busy(*out))
			return 0;
		cache = 0;
	} else {
		cache = im->nstmts < STMT_CACHE_MAX;
	}
	ret = prepare_one(st, sql, cache ? SQLITE_PREPARE_PERSISTENT : 0, out);
	if (ret < 0)
		return ret;
	if (!cache) {
		*owned = 1;
		return 0;
	}
	ALLOC_GROW(im->stmts, im->nstmts + 1, im->stmts_cap);
	im->stmts[im->nstmts] = *out;
	strmap_put(&im->stmt_index, sql, len, (int64_t)im->nstmts);
	im->nstmts++;
	return 0;
}

/* Makes stmt ready for its next use, or finalizes it if the caller owns it. */
static void stmt_done(sqlite3_stmt *stmt, int owned)
{
	if (owned) {
		sqlite3_finalize(stmt);
		return;
	}
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

/*
 * Binds values[0..n-1] to the statement's parameters.  Text is bound
 * without a copy: it stays valid while the statement runs.
 */
static int bind_values(struct store *st, sqlite3_stmt *stmt,
		       const struct store_value *values, size_t n)
{
	char excerpt[STORE_EXCERPT_MAX];
	int expected = sqlite3_bind_parameter_count(stmt);
	size_t i;
	int rc;

	if ((size_t)expected != n)
		return err_set("'%s' takes %d parameters, %zu given",
			       store_sql_excerpt(sqlite3_sql(stmt), excerpt),
			       expected, n);
	for (i = 0; i < n; i++) {
		const struct store_value *v = &values[i];
		int col = (int)i + 1;

		switch (v->type) {
		case STORE_INT:
			rc = sqlite3_bind_int64(stmt, col, v->i);
			break;
		case STORE_REAL:
			rc = sqlite3_bind_double(stmt, col, v->d);
			break;
		case STORE_TEXT:
			rc = v->s ? sqlite3_bind_text(stmt, col, v->s, -1,
						      SQLITE_STATIC)
				  : sqlite3_bind_null(stmt, col);
			break;
		default:
			rc = sqlite3_bind_null(stmt, col);
			break;
		}
		if (rc != SQLITE_OK)
			return fail(st, rc, "bind a parameter of",
				    sqlite3_sql(stmt));
	}
	return 0;
}

/* Reads column i of the current row; text is valid until the next step. */
static void read_column(sqlite3_stmt *stmt, int i, struct store_value *v)
{
	const unsigned char *text;

	*v = STORE_NULL_V;
	switch (sqlite3_column_type(stmt, i)) {
	case SQLITE_INTEGER:
		v->type = STORE_INT;
		v->i = sqlite3_column_int64(stmt, i);
		break;
	case SQLITE_FLOAT:
		v->type = STORE_REAL;
		v->d = sqlite3_column_double(stmt, i);
		break;
	case SQLITE_TEXT:
	case SQLITE_BLOB:
		/* A BLOB comes as its bytes, NUL-terminated by SQLite. */
		text = sqlite3_column_text(stmt, i);
		v->type = STORE_TEXT;
		v->s = text ? (const char *)text : "";
		break;
	default:
		break;
	}
}

/*
 * Steps stmt to the end, handing each row to fn (if any).  A non-zero
 * return from fn stops the walk and is returned.
 */
static int step_rows(struct store *st, sqlite3_stmt *stmt, store_row_fn fn,
		     void *ctx)
{
	struct store_value stack_values[ROW_STACK_COLS];
	const char *stack_names[ROW_STACK_COLS];
	struct store_value *values = stack_values;
	const char **names = stack_names;
	int ncols = sqlite3_column_count(stmt);
	struct store_row row;
	int rc, ret = 0, i;

	if (fn && ncols > ROW_STACK_COLS) {
		values = xcalloc((size_t)ncols, sizeof(*values));
		names = xcalloc((size_t)ncols, sizeof(*names));
	}
	for (i = 0; fn && i < ncols; i++) {
		names[i] = sqlite3_column_name(stmt, i);
		if (!names[i])
			names[i] = "";
	}
	row.ncols = (size_t)ncols;
	row.names = names;
	row.cols = values;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (!fn)
			continue;
		for (i = 0; i < ncols; i++)
			read_column(stmt, i, &values[i]);
		if ((ret = fn(&row, ctx)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE)
		ret = fail(st, rc, "run", sqlite3_sql(stmt));
out:
	if (values != stack_values) {
		free(values);
		free(names);
	}
	return ret;
}

static int sqlite_exec(struct store *st, const char *sql,
		       const struct store_value *params, size_t nparams,
		       store_row_fn fn, void *ctx)
{
	sqlite3_stmt *stmt;
	int owned;
	int ret;

	if ((ret = stmt_get(st, sql, &stmt, &owned)) < 0)
		return ret;
	if ((ret = bind_values(st, stmt, params, nparams)) < 0)
		goto out;
	ret = step_rows(st, stmt, fn, ctx);
out:
	stmt_done(stmt, owned);
	return ret;
}

/* Steps stmt until it stops giving rows; returns the last result code. */
static int step_to_end(sqlite3_stmt *stmt)
{
	int rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		continue;
	return rc;
}

/*
 * Runs each statement of sql in turn, prepared and finalized once: scripts
 * (migrations) run once, so nothing is cached.  A failure names the
 * statement that failed, not the start of the script.
 */
static int sqlite_exec_script(struct store *st, const char *sql)
{
	sqlite3 *db = impl_of(st)->db;
	const char *p = store_sql_skip_space(sql);
	const char *tail;
	sqlite3_stmt *stmt;
	int rc;

	while (*p) {
		stmt = NULL;
		tail = NULL;
		rc = sqlite3_prepare_v3(db, p, -1, 0, &stmt, &tail);
		if (rc != SQLITE_OK) {
			fail(st, rc, "prepare", p);
			sqlite3_finalize(stmt);
			return -1;
		}
		if (stmt && (rc = step_to_end(stmt)) != SQLITE_DONE) {
			fail(st, rc, "run", p);
			sqlite3_finalize(stmt);
			return -1;
		}
		sqlite3_finalize(stmt);
		if (!tail || tail == p)
			break;
		p = store_sql_skip_space(tail);
	}
	return 0;
}

static int sqlite_begin(struct store *st)
{
	/* IMMEDIATE takes the write lock now, not at the first write. */
	return sqlite_exec(st, "BEGIN IMMEDIATE", NULL, 0, NULL, NULL);
}

static int sqlite_commit(struct store *st)
{
	return sqlite_exec(st, "COMMIT", NULL, 0, NULL, NULL);
}

/* Forgets an open bulk load; its rows stay in the transaction. */
static void bulk_abandon(struct sqlite_impl *im)
{
	if (!im->bulk)
		return;
	stmt_done(im->bulk, im->bulk_owned);
	im->bulk = NULL;
	im->bulk_owned = 0;
	im->bulk_ncols = 0;
}

static int sqlite_rollback(struct store *st)
{
	struct sqlite_impl *im = impl_of(st);

	bulk_abandon(im);
	/* Some errors (a full disk, say) have rolled back already. */
	if (sqlite3_get_autocommit(im->db))
		return 0;
	return sqlite_exec(st, "ROLLBACK", NULL, 0, NULL, NULL);
}

static int sqlite_bulk_begin(struct store *st, const char *table,
			     const char *const *columns, size_t ncols)
{
	struct sqlite_impl *im = impl_of(st);
	struct buf sql = BUF_INIT;
	size_t i;
	int ret;

	buf_adds(&sql, "INSERT INTO ");
	store_quote_ident(&sql, table);
	buf_adds(&sql, " (");
	for (i = 0; i < ncols; i++) {
		if (i)
			buf_adds(&sql, ", ");
		store_quote_ident(&sql, columns[i]);
	}
	buf_adds(&sql, ") VALUES (");
	for (i = 0; i < ncols; i++)
		buf_adds(&sql, i ? ", ?" : "?");
	buf_addch(&sql, ')');
	ret = stmt_get(st, sql.data, &im->bulk, &im->bulk_owned);
	if (ret < 0)
		im->bulk = NULL;
	else
		im->bulk_ncols = ncols;
	buf_release(&sql);
	return ret;
}

static int sqlite_bulk_row(struct store *st, const struct store_value *values)
{
	struct sqlite_impl *im = impl_of(st);
	int ret, rc;

	if ((ret = bind_values(st, im->bulk, values, im->bulk_ncols)) < 0)
		goto out;
	rc = sqlite3_step(im->bulk);
	if (rc != SQLITE_DONE)
		ret = fail(st, rc, "run", sqlite3_sql(im->bulk));
out:
	sqlite3_reset(im->bulk);
	return ret;
}

static int sqlite_bulk_end(struct store *st)
{
	bulk_abandon(impl_of(st));
	return 0;
}

static int sqlite_set_busy_timeout(struct store *st, int ms)
{
	int rc = sqlite3_busy_timeout(impl_of(st)->db, ms > 0 ? ms : 0);

	if (rc != SQLITE_OK)
		return err_set("cannot set the busy timeout of '%s': %s",
			       st->location, sqlite3_errstr(rc));
	return 0;
}

static int sqlite_table_exists(struct store *st, const char *table, int *exists)
{
	static const char sql[] = "SELECT count(*) FROM sqlite_master "
				  "WHERE type IN ('table', 'view') "
				  "AND name = ?";
	struct store_value param = STORE_TEXT_V(table);
	sqlite3_stmt *stmt;
	int owned, rc, ret;

	*exists = 0;
	if ((ret = stmt_get(st, sql, &stmt, &owned)) < 0)
		return ret;
	if ((ret = bind_values(st, stmt, &param, 1)) < 0)
		goto out;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*exists = sqlite3_column_int64(stmt, 0) > 0;
	else
		ret = fail(st, rc, "run", sql);
out:
	stmt_done(stmt, owned);
	return ret;
}

static int sqlite_list_tables(struct store *st,
			      int (*fn)(const char *table, void *ctx),
			      void *ctx)
{
	/* sqlite_sequence, sqlite_stat1, ... belong to SQLite itself. */
	static const char sql[] = "SELECT name FROM sqlite_master "
				  "WHERE type = 'table' "
				  "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
				  "ORDER BY name";
	sqlite3_stmt *stmt;
	int owned, rc, ret;

	if ((ret = stmt_get(st, sql, &stmt, &owned)) < 0)
		return ret;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const unsigned char *name = sqlite3_column_text(stmt, 0);

		if ((ret = fn(name ? (const char *)name : "", ctx)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE)
		ret = fail(st, rc, "run", sql);
out:
	stmt_done(stmt, owned);
	return ret;
}

static int64_t sqlite_last_insert_id(struct store *st)
{
	return sqlite3_last_insert_rowid(impl_of(st)->db);
}

static void sqlite_close(struct store *st)
{
	struct sqlite_impl *im = impl_of(st);
	size_t i;
	int rc;

	if (!im)
		return;
	bulk_abandon(im);
	if (im->db && !sqlite3_get_autocommit(im->db))
		sqlite3_exec(im->db, "ROLLBACK", NULL, NULL, NULL);
	for (i = 0; i < im->nstmts; i++)
		sqlite3_finalize(im->stmts[i]);
	rc = sqlite3_close(im->db);
	if (rc != SQLITE_OK)
		log_warn("cannot close database '%s': %s", st->location,
			 sqlite3_errstr(rc));
	free(im->stmts);
	strmap_release(&im->stmt_index);
	free(im);
	st->impl = NULL;
}

static int sqlite_exists(const char *path, int *exists)
{
	struct stat sb;

	*exists = 0;
	if (stat(path, &sb) == 0) {
		if (S_ISDIR(sb.st_mode))
			return err_set("'%s' is a directory, not a SQLite "
				       "database",
				       path);
		*exists = 1;
		return 0;
	}
	if (errno == ENOENT)
		return 0;
	return err_set("cannot open database '%s': %s", path, strerror(errno));
}

static const char *sqlite_library_version(void)
{
	return sqlite3_libversion();
}

/*
 * Checks that the database file path can be created: its folder exists,
 * is a folder, and may be written.  SQLite's own error ("unable to open
 * database file") would not say which of these failed.
 */
static int check_creatable(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	struct stat sb;
	int ret = 0;

	if (!slash)
		dir = xstrdup(".");
	else
		dir = xstrndup(path,
			       slash == path ? 1 : (size_t)(slash - path));
	if (stat(dir, &sb) < 0)
		ret = err_set("cannot create database '%s': %s", path,
			      strerror(errno));
	else if (!S_ISDIR(sb.st_mode))
		ret = err_set("cannot create database '%s': %s", path,
			      strerror(ENOTDIR));
	else if (access(dir, W_OK | X_OK) < 0)
		ret = err_set("cannot create database '%s': %s", path,
			      strerror(errno));
	free(dir);
	return ret;
}

/* Removes a database this store created and failed to set up. */
static void remove_created(const char *path)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(suffixes); i++) {
		char *name = xasprintf("%s%s", path, suffixes[i]);

		if (unlink(name) < 0 && errno != ENOENT)
			log_warn("cannot remove '%s': %s", name,
				 strerror(errno));
		free(name);
	}
}

/*
 * Sets the connection up.  Reading the schema comes first: it is what
 * tells a file that is not a database apart, before any write to it.
 */
static int setup_connection(struct store *st, enum store_open_mode mode)
{
	sqlite3 *db = impl_of(st)->db;
	int ret;

	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
	ret = sqlite_exec_script(st, "SELECT count(*) FROM sqlite_master");
	if (ret < 0)
		return ret;
	if (mode != STORE_OPEN_READONLY) {
		ret = sqlite_exec_script(st, "PRAGMA journal_mode = WAL");
		if (ret < 0)
			return ret;
	}
	/*
	 * An 8 MiB page cache: the default 2 MiB makes a large ingest spill
	 * and re-read its index pages through pread/pwrite many times over.
	 */
	return sqlite_exec_script(st, "PRAGMA foreign_keys = ON;"
				      "PRAGMA synchronous = NORMAL;"
				      "PRAGMA cache_size = -8192;"
				      "PRAGMA temp_store = MEMORY");
}

static int sqlite_open(struct store *st, const char *path,
		       enum store_open_mode mode)
{
	const char *verb = mode == STORE_OPEN_CREATE ? "create" : "open";
	int flags = SQLITE_OPEN_NOMUTEX;
	struct sqlite_impl *im;
	struct stat sb;
	int created = 0;
	int rc, ret;

	st->location = xstrdup(path);
	if (stat(path, &sb) < 0) {
		if (errno != ENOENT)
			return err_set("cannot %s database '%s': %s", verb,
				       path, strerror(errno));
		if (mode != STORE_OPEN_CREATE)
			return err_set("no database at '%s'; run 'testpump db "
				       "init' first",
				       path);
		if ((ret = check_creatable(path)) < 0)
			return ret;
		created = 1;
	} else if (S_ISDIR(sb.st_mode)) {
		return err_set("'%s' is a directory, not a SQLite database",
			       path);
	}
	if (mode == STORE_OPEN_READONLY)
		flags |= SQLITE_OPEN_READONLY;
	else if (mode == STORE_OPEN_CREATE)
		flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	else
		flags |= SQLITE_OPEN_READWRITE;

	im = xcalloc(1, sizeof(*im));
	strmap_init(&im->stmt_index);
	st->impl = im;
	rc = sqlite3_open_v2(path, &im->db, flags, NULL);
	if (rc != SQLITE_OK) {
		int sys = im->db ? sqlite3_system_errno(im->db) : 0;

		ret = err_set("cannot %s database '%s': %s", verb, path,
			      sys ? strerror(sys) : sqlite3_errstr(rc));
		goto out_close;
	}
	if ((ret = setup_connection(st, mode)) < 0)
		goto out_close;
	return 0;
out_close:
	sqlite_close(st);
	if (created)
		remove_created(path);
	return ret;
}

const struct store_ops sqlite_ops = {
	.engine = "sqlite",
	.open = sqlite_open,
	.close = sqlite_close,
	.exec = sqlite_exec,
	.exec_script = sqlite_exec_script,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.bulk_begin = sqlite_bulk_begin,
	.bulk_row = sqlite_bulk_row,
	.bulk_end = sqlite_bulk_end,
	.set_busy_timeout = sqlite_set_busy_timeout,
	.table_exists = sqlite_table_exists,
	.list_tables = sqlite_list_tables,
	.last_insert_id = sqlite_last_insert_id,
	.exists = sqlite_exists,
	.library_version = sqlite_library_version,
};
