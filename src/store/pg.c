/*
 * pg.c - the PostgreSQL engine behind store.h, over libpq.
 *
 * One connection per store, used by one thread at a time.  What SQLite
 * does by itself is done here by hand, so callers see the same store:
 *
 *   - Placeholders: `?` is numbered $1, $2, ... (pg_sql.c).  Statements are
 *     prepared once per connection, keyed by their SQL text, and parameter
 *     types are left to the server to infer from the statement; where it
 *     cannot (`? IS NULL`), the statement is prepared again with the types
 *     of the values (integer: bigint, real: double precision, text and
 *     NULL: text).
 *   - Writers: store_begin() takes a transaction-scoped advisory lock on
 *     the current schema, so writers run one at a time as on SQLite, waiting up to the busy
 *     timeout (lock_timeout), and two writers can never deadlock on each
 *     other's rows.  Readers take no lock and never wait (MVCC).  Migrations
 *     run under the same lock, so two processes cannot migrate at once.
 *   - Bulk loads are COPY ... FROM STDIN in text format, sent in 64 KiB
 *     chunks; an error in the data is reported when the load ends.
 *   - store_last_insert_id() is lastval(): the value the last INSERT took
 *     from an identity column or sequence in this session.  As on SQLite
 *     it is meant for right after an INSERT into a table with an id.
 *   - Result rows are read whole into memory before the callback sees the
 *     first, so a callback may run statements on the same store.
 *
 * The password (in the URL, in PGPASSWORD or in a .pgpass file, as libpq
 * reads them) is never logged: messages name the database as host:port/db.
 */
#include <libpq-fe.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/strmap.h"
#include "core/xalloc.h"
#include "store/engines.h"
#include "store/pg_sql.h"
#include "core/banned.h"

/* How long a writer waits for another writer by default. */
#define BUSY_TIMEOUT_MS 5000
/* Statements kept prepared per connection; past this, each call prepares. */
#define STMT_CACHE_MAX 512
/* Rows up to this many columns are described with arrays on the stack. */
#define ROW_STACK_COLS 16
/* Parameters up to this many are formatted into buffers on the stack. */
#define PARAM_STACK 32
/* COPY data is sent to the server in chunks of about this size. */
#define COPY_CHUNK (64 * 1024)
/*
 * The advisory lock writers take: ("test" in ASCII, the schema's hash), so
 * testpump databases in two schemas of one database do not wait on each
 * other.
 */
#define WRITE_LOCK \
	"pg_advisory_xact_lock(1952805748, hashtext(coalesce(current_schema(), '')))"
/* The oldest server with what the schema uses (identity columns). */
#define MIN_SERVER_VERSION 100000

/* Type OIDs of the built-in types read as numbers (pg_type.h). */
#define BOOLOID 16
#define INT8OID 20
#define INT2OID 21
#define INT4OID 23
#define TEXTOID 25
#define OIDOID 26
#define FLOAT4OID 700
#define FLOAT8OID 701
#define NUMERICOID 1700

/* SQLSTATEs with messages of their own. */
#define SQLSTATE_LOCK_NOT_AVAILABLE "55P03"
#define SQLSTATE_INDETERMINATE_DATATYPE "42P18"

struct pg_impl {
	PGconn *conn;
	struct strmap stmt_index; /* SQL text -> statement number */
	size_t nstmts;
	struct buf copy; /* COPY data not yet sent */
	size_t bulk_ncols;
	int in_copy;
	int inserted; /* an INSERT succeeded on this connection */
};

static struct pg_impl *impl_of(struct store *st)
{
	return st->impl;
}

/*
 * Sets the message for a statement on sql that failed with res (may be
 * NULL: the connection's message is used); returns -1.
 */
static int fail(struct store *st, const PGresult *res, const char *verb,
		const char *sql)
{
	PGconn *conn = impl_of(st)->conn;
	const char *state =
		res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary =
		res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char excerpt[STORE_EXCERPT_MAX], msg[512];

	if (state && !strcmp(state, SQLSTATE_LOCK_NOT_AVAILABLE))
		return err_set("database '%s' is locked by another writer",
			       st->location);
	if (PQstatus(conn) == CONNECTION_BAD) {
		pg_sql_first_line(PQerrorMessage(conn), msg, sizeof(msg));
		return err_set("lost the connection to database '%s': %s",
			       st->location, msg);
	}
	pg_sql_first_line(primary ? primary : PQerrorMessage(conn), msg,
			  sizeof(msg));
	return err_set("cannot %s '%s': %s", verb,
		       store_sql_excerpt(sql, excerpt), msg);
}

/* Runs sql (no parameters) and checks that it succeeded. */
static int run_simple(struct store *st, const char *sql)
{
	PGresult *res = PQexec(impl_of(st)->conn, sql);
	ExecStatusType s = PQresultStatus(res);
	int ret = 0;

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		ret = fail(st, res, "run", sql);
	PQclear(res);
	return ret;
}

static int in_transaction_block(struct store *st)
{
	return PQtransactionStatus(impl_of(st)->conn) != PQTRANS_IDLE;
}

/* The types a statement is prepared with when the server cannot infer. */
static Oid *value_types(const struct store_value *params, size_t n)
{
	Oid *types = xcalloc(n ? n : 1, sizeof(*types));

	for (size_t i = 0; i < n; i++)
		types[i] = params[i].type == STORE_INT	  ? INT8OID
			   : params[i].type == STORE_REAL ? FLOAT8OID
							  : TEXTOID;
	return types;
}

/* PQprepare, giving back the result (an error keeps it for the message). */
static PGresult *prepare_as(struct store *st, const char *name,
			    const char *text, size_t n, const Oid *types)
{
	return PQprepare(impl_of(st)->conn, name, text, (int)n, types);
}

/*
 * Prepares text (sql with $n placeholders) as name; types from params
 * when the server cannot infer them.  Inside a transaction a failed
 * prepare would abort it, so the attempt runs under a savepoint.
 */
static int prepare(struct store *st, const char *name, const char *sql,
		   const char *text, size_t n, const struct store_value *params)
{
	int sp = in_transaction_block(st);
	PGresult *res;
	const char *state;
	Oid *types = NULL;
	int ret = 0;

	if (sp && run_simple(st, "SAVEPOINT tp_prepare") < 0)
		return -1;
	res = prepare_as(st, name, text, n, NULL);
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && state &&
	    !strcmp(state, SQLSTATE_INDETERMINATE_DATATYPE)) {
		PQclear(res);
		if (sp &&
		    run_simple(st, "ROLLBACK TO SAVEPOINT tp_prepare") < 0)
			return -1;
		types = value_types(params, n);
		res = prepare_as(st, name, text, n, types);
	}
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		ret = fail(st, res, "prepare", sql);
		if (sp) {
			char *saved = xstrdup(err_msg());

			if (run_simple(st, "ROLLBACK TO SAVEPOINT "
					   "tp_prepare") == 0)
				err_set("%s", saved);
			free(saved);
		}
	}
	PQclear(res);
	free(types);
	if (sp && run_simple(st, "RELEASE SAVEPOINT tp_prepare") < 0)
		ret = -1;
	return ret;
}

/*
 * The name of the prepared statement for sql, preparing it on first use;
 * "" (the unnamed statement, prepared for this call only) once the cache
 * is full.  *nparams receives its placeholder count.
 */
static int stmt_get(struct store *st, const char *sql,
		    const struct store_value *params, size_t given,
		    char name[32], size_t *nparams)
{
	struct pg_impl *im = impl_of(st);
	size_t len = strlen(sql);
	struct buf text = BUF_INIT;
	char excerpt[STORE_EXCERPT_MAX];
	int64_t index;
	int cache, ret;

	if (strmap_get(&im->stmt_index, sql, len, &index)) {
		/* The count is kept in the low bits of the index. */
		snprintf(name, 32, "tp%" PRId64, index >> 16);
		*nparams = (size_t)(index & 0xffff);
		if (*nparams != given)
			return err_set("'%s' takes %zu parameters, %zu given",
				       store_sql_excerpt(sql, excerpt),
				       *nparams, given);
		return 0;
	}
	pg_sql_number_params(sql, &text, nparams);
	if (*nparams != given) {
		ret = err_set("'%s' takes %zu parameters, %zu given",
			      store_sql_excerpt(sql, excerpt), *nparams, given);
		goto out;
	}
	cache = im->nstmts < STMT_CACHE_MAX && *nparams <= 0xffff;
	if (cache)
		snprintf(name, 32, "tp%zu", im->nstmts);
	else
		name[0] = '\0';
	if ((ret = prepare(st, name, sql, text.data, *nparams, params)) < 0)
		goto out;
	if (cache) {
		strmap_put(&im->stmt_index, sql, len,
			   (int64_t)(im->nstmts << 16 | *nparams));
		im->nstmts++;
	}
out:
	buf_release(&text);
	return ret;
}

/* Reads field (r, c) of res into v; text stays valid while res lives. */
static void read_field(const PGresult *res, int r, int c, struct store_value *v)
{
	const char *s = PQgetvalue(res, r, c);
	char *end;

	*v = STORE_NULL_V;
	if (PQgetisnull(res, r, c))
		return;
	v->type = STORE_TEXT;
	v->s = s;
	switch (PQftype(res, c)) {
	case BOOLOID:
		v->type = STORE_INT;
		v->i = *s == 't';
		break;
	case INT2OID:
	case INT4OID:
	case INT8OID:
	case OIDOID:
		v->type = STORE_INT;
		v->i = strtoll(s, NULL, 10);
		break;
	case NUMERICOID:
		/* sum(bigint) is numeric: whole values read as integers. */
		if (!strpbrk(s, ".eEN")) {
			v->type = STORE_INT;
			v->i = strtoll(s, NULL, 10);
			break;
		}
		/* fall through */
	case FLOAT4OID:
	case FLOAT8OID:
		v->type = STORE_REAL;
		v->d = strtod(s, &end);
		break;
	default:
		return;
	}
	v->s = NULL;
	if (v->type == STORE_INT)
		v->d = (double)v->i;
	else
		v->i = (int64_t)v->d;
}

/* Hands every row of res to fn; a non-zero return stops and is returned. */
static int walk_rows(const PGresult *res, store_row_fn fn, void *ctx)
{
	struct store_value stack_values[ROW_STACK_COLS];
	const char *stack_names[ROW_STACK_COLS];
	struct store_value *values = stack_values;
	const char **names = stack_names;
	int ncols = PQnfields(res), nrows = PQntuples(res);
	struct store_row row;
	int ret = 0;

	if (ncols > ROW_STACK_COLS) {
		values = xcalloc((size_t)ncols, sizeof(*values));
		names = xcalloc((size_t)ncols, sizeof(*names));
	}
	for (int c = 0; c < ncols; c++)
		names[c] = PQfname(res, c);
	row.ncols = (size_t)ncols;
	row.names = names;
	row.cols = values;
	for (int r = 0; r < nrows && !ret; r++) {
		for (int c = 0; c < ncols; c++)
			read_field(res, r, c, &values[c]);
		ret = fn(&row, ctx);
	}
	if (values != stack_values) {
		free(values);
		free(names);
	}
	return ret;
}

static int starts_with_insert(const char *sql)
{
	const char *p = store_sql_skip_space(sql);

	return !strncasecmp(p, "INSERT", 6);
}

static int pg_exec(struct store *st, const char *sql,
		   const struct store_value *params, size_t nparams,
		   store_row_fn fn, void *ctx)
{
	struct pg_impl *im = impl_of(st);
	const char *stack_values[PARAM_STACK];
	char stack_bufs[PARAM_STACK][32];
	const char **values = stack_values;
	char(*bufs)[32] = stack_bufs;
	char name[32];
	size_t n;
	PGresult *res;
	ExecStatusType s;
	int ret;

	if ((ret = stmt_get(st, sql, params, nparams, name, &n)) < 0)
		return ret;
	if (n > PARAM_STACK) {
		values = xcalloc(n, sizeof(*values));
		bufs = xcalloc(n, sizeof(*bufs));
	}
	pg_sql_format_params(params, n, values, bufs);
	res = PQexecPrepared(im->conn, name, (int)n, values, NULL, NULL, 0);
	s = PQresultStatus(res);
	if (s == PGRES_TUPLES_OK) {
		ret = fn ? walk_rows(res, fn, ctx) : 0;
	} else if (s == PGRES_COMMAND_OK) {
		ret = 0;
	} else {
		ret = fail(st, res, "run", sql);
	}
	if ((s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) &&
	    starts_with_insert(sql))
		im->inserted = 1;
	PQclear(res);
	if (values != stack_values) {
		free(values);
		free(bufs);
	}
	return ret;
}

/*
 * Runs each statement of sql in turn, without parameters, naming the one
 * that failed.  Nothing is prepared: scripts (migrations) run once.
 */
static int pg_exec_script(struct store *st, const char *sql)
{
	const char *p = store_sql_skip_space(sql);
	char *one;
	int ret = 0;

	while (*p && !ret) {
		const char *end = pg_sql_statement_end(p);
		PGresult *res;
		ExecStatusType s;

		one = xstrndup(p, (size_t)(end - p));
		res = PQexec(impl_of(st)->conn, one);
		s = PQresultStatus(res);
		if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK &&
		    s != PGRES_EMPTY_QUERY)
			ret = fail(st, res, "run", one);
		else if (starts_with_insert(one))
			impl_of(st)->inserted = 1;
		PQclear(res);
		free(one);
		p = store_sql_skip_space(end);
	}
	return ret;
}

static int pg_begin(struct store *st)
{
	int ret = run_simple(st, "BEGIN; SELECT " WRITE_LOCK);

	if (ret < 0 && in_transaction_block(st)) {
		char *saved = xstrdup(err_msg());

		PQclear(PQexec(impl_of(st)->conn, "ROLLBACK"));
		err_set("%s", saved);
		free(saved);
	}
	return ret;
}

static int pg_commit(struct store *st)
{
	PGresult *res = PQexec(impl_of(st)->conn, "COMMIT");
	int ret = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		ret = fail(st, res, "run", "COMMIT");
	else if (strcmp(PQcmdStatus(res), "COMMIT"))
		/* A transaction that had failed ends in a rollback. */
		ret = err_set("cannot commit on '%s': the transaction was "
			      "rolled back after an earlier error",
			      st->location);
	PQclear(res);
	return ret;
}

/* Ends an open COPY without keeping its rows. */
static void copy_abandon(struct store *st)
{
	struct pg_impl *im = impl_of(st);
	PGresult *res;

	if (!im->in_copy)
		return;
	im->in_copy = 0;
	buf_reset(&im->copy);
	if (PQputCopyEnd(im->conn, "bulk load abandoned") == 1)
		while ((res = PQgetResult(im->conn)))
			PQclear(res);
}

static int pg_rollback(struct store *st)
{
	copy_abandon(st);
	if (!in_transaction_block(st))
		return 0;
	return run_simple(st, "ROLLBACK");
}

static int pg_bulk_begin(struct store *st, const char *table,
			 const char *const *columns, size_t ncols)
{
	struct pg_impl *im = impl_of(st);
	struct buf sql = BUF_INIT;
	PGresult *res;
	int ret = 0;

	buf_adds(&sql, "COPY ");
	store_quote_ident(&sql, table);
	buf_adds(&sql, " (");
	for (size_t i = 0; i < ncols; i++) {
		if (i)
			buf_adds(&sql, ", ");
		store_quote_ident(&sql, columns[i]);
	}
	buf_adds(&sql, ") FROM STDIN");
	res = PQexec(im->conn, sql.data);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		ret = fail(st, res, "run", sql.data);
	} else {
		im->in_copy = 1;
		im->bulk_ncols = ncols;
		buf_reset(&im->copy);
	}
	PQclear(res);
	buf_release(&sql);
	return ret;
}

/* Sends the buffered COPY data. */
static int copy_flush(struct store *st)
{
	struct pg_impl *im = impl_of(st);
	char msg[256];

	if (!im->copy.len)
		return 0;
	if (PQputCopyData(im->conn, im->copy.data, (int)im->copy.len) != 1) {
		pg_sql_first_line(PQerrorMessage(im->conn), msg, sizeof(msg));
		return err_set("cannot send rows to database '%s': %s",
			       st->location, msg);
	}
	buf_reset(&im->copy);
	return 0;
}

static int pg_bulk_row(struct store *st, const struct store_value *values)
{
	struct pg_impl *im = impl_of(st);

	for (size_t i = 0; i < im->bulk_ncols; i++) {
		if (i)
			buf_addch(&im->copy, '\t');
		pg_copy_field(&im->copy, &values[i]);
	}
	buf_addch(&im->copy, '\n');
	return im->copy.len >= COPY_CHUNK ? copy_flush(st) : 0;
}

static int pg_bulk_end(struct store *st)
{
	struct pg_impl *im = impl_of(st);
	PGresult *res;
	char msg[256];
	int ret;

	ret = copy_flush(st);
	im->in_copy = 0;
	if (PQputCopyEnd(im->conn, ret < 0 ? "send failed" : NULL) != 1 &&
	    ret == 0) {
		pg_sql_first_line(PQerrorMessage(im->conn), msg, sizeof(msg));
		ret = err_set("cannot end the bulk load on '%s': %s",
			      st->location, msg);
	}
	while ((res = PQgetResult(im->conn))) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && ret == 0)
			ret = fail(st, res, "bulk load", "COPY");
		PQclear(res);
	}
	buf_reset(&im->copy);
	return ret;
}

static int pg_set_busy_timeout(struct store *st, int ms)
{
	char sql[64];

	/* lock_timeout = 0 would wait for ever: 1 ms is "at once". */
	snprintf(sql, sizeof(sql), "SET lock_timeout = %d", ms > 0 ? ms : 1);
	return run_simple(st, sql);
}

static int take_count(const struct store_row *row, void *ctx)
{
	*(int *)ctx = row->ncols && row->cols[0].i > 0;
	return 0;
}

static int pg_table_exists(struct store *st, const char *table, int *exists)
{
	struct store_value v = STORE_TEXT_V(table);

	*exists = 0;
	return pg_exec(st,
		       "SELECT count(*) FROM pg_catalog.pg_class c JOIN "
		       "pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
		       "WHERE n.nspname = current_schema() AND c.relname = ? "
		       "AND c.relkind IN ('r', 'p', 'v', 'm')",
		       &v, 1, take_count, exists);
}

struct list_ctx {
	int (*fn)(const char *table, void *ctx);
	void *ctx;
};

static int list_one(const struct store_row *row, void *ctx)
{
	struct list_ctx *l = ctx;

	return l->fn(row->cols[0].s ? row->cols[0].s : "", l->ctx);
}

static int pg_list_tables(struct store *st,
			  int (*fn)(const char *table, void *ctx), void *ctx)
{
	struct list_ctx l = {fn, ctx};

	/* Partitions of a partitioned table are counted through it. */
	return pg_exec(st,
		       "SELECT c.relname FROM pg_catalog.pg_class c JOIN "
		       "pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
		       "WHERE n.nspname = current_schema() AND c.relkind IN "
		       "('r', 'p') AND NOT c.relispartition ORDER BY "
		       "c.relname COLLATE \"C\"",
		       NULL, 0, list_one, &l);
}

static int take_int(const struct store_row *row, void *ctx)
{
	*(int64_t *)ctx = row->ncols ? row->cols[0].i : 0;
	return 0;
}

static int64_t pg_last_insert_id(struct store *st)
{
	int sp = in_transaction_block(st);
	int64_t id = 0;

	if (!impl_of(st)->inserted)
		return 0;
	/* lastval() fails when no sequence was used: keep the transaction. */
	if (sp && run_simple(st, "SAVEPOINT tp_lastval") < 0)
		return 0;
	if (pg_exec(st, "SELECT lastval()", NULL, 0, take_int, &id) < 0) {
		log_debug("%s", err_msg());
		id = 0;
		if (sp)
			run_simple(st, "ROLLBACK TO SAVEPOINT tp_lastval");
	}
	if (sp)
		run_simple(st, "RELEASE SAVEPOINT tp_lastval");
	return id;
}

static void pg_close(struct store *st)
{
	struct pg_impl *im = impl_of(st);

	if (!im)
		return;
	copy_abandon(st);
	PQfinish(im->conn);
	strmap_release(&im->stmt_index);
	buf_release(&im->copy);
	free(im);
	st->impl = NULL;
}

/* Server notices (NOTICE, WARNING) go to the log, not to stderr. */
static void notice_to_log(void *arg, const char *message)
{
	char line[512];

	(void)arg;
	pg_sql_first_line(message, line, sizeof(line));
	log_debug("postgresql: %s", line);
}

/* Connects to target (a URL or conninfo); the caller PQfinish()es it. */
static PGconn *connect_to(const char *target)
{
	const char *const keys[] = {"dbname", "fallback_application_name",
				    NULL};
	const char *const values[] = {target, "testpump", NULL};

	return PQconnectdbParams(keys, values, 1);
}

static int pg_exists(const char *target, int *exists)
{
	PGconn *conn = connect_to(target);
	char msg[512];
	int ret = 0;

	*exists = 0;
	if (PQstatus(conn) == CONNECTION_OK) {
		*exists = 1;
	} else {
		pg_sql_one_line(conn ? PQerrorMessage(conn) : "out of memory",
				msg, sizeof(msg));
		if (!strstr(msg, "does not exist"))
			ret = err_set("cannot connect to database '%s/%s': %s",
				      conn && PQhost(conn) ? PQhost(conn) : "",
				      conn && PQdb(conn) ? PQdb(conn) : "",
				      msg);
	}
	PQfinish(conn);
	return ret;
}

static const char *pg_library_version(void)
{
	static char version[32];
	int v = PQlibVersion();

	snprintf(version, sizeof(version), "%d.%d", v / 10000, v % 10000);
	return version;
}

/* Session settings: quiet notices, the busy timeout, read-only if asked. */
static int setup_connection(struct store *st, enum store_open_mode mode)
{
	PGconn *conn = impl_of(st)->conn;
	char sql[160];

	PQsetNoticeProcessor(conn, notice_to_log, NULL);
	if (PQserverVersion(conn) < MIN_SERVER_VERSION)
		return err_set("database '%s' runs PostgreSQL %d.%d; testpump "
			       "needs 10 or later",
			       st->location, PQserverVersion(conn) / 10000,
			       PQserverVersion(conn) % 10000);
	snprintf(sql, sizeof(sql),
		 "SET client_min_messages = warning; SET lock_timeout = %d%s",
		 BUSY_TIMEOUT_MS,
		 mode == STORE_OPEN_READONLY
			 ? "; SET default_transaction_read_only = on"
			 : "");
	return run_simple(st, sql);
}

static int pg_open(struct store *st, const char *target,
		   enum store_open_mode mode)
{
	struct pg_impl *im = xcalloc(1, sizeof(*im));
	char msg[512];
	int ret;

	strmap_init(&im->stmt_index);
	buf_init(&im->copy);
	st->impl = im;
	im->conn = connect_to(target);
	st->location =
		xasprintf("%s:%s/%s",
			  im->conn && PQhost(im->conn) ? PQhost(im->conn) : "",
			  im->conn && PQport(im->conn) ? PQport(im->conn) : "",
			  im->conn && PQdb(im->conn) ? PQdb(im->conn) : "");
	if (PQstatus(im->conn) != CONNECTION_OK) {
		pg_sql_one_line(im->conn ? PQerrorMessage(im->conn)
					 : "out of memory",
				msg, sizeof(msg));
		ret = err_set("cannot connect to database '%s': %s%s",
			      st->location, msg,
			      strstr(msg, "does not exist")
				      ? " (create it with createdb, then run "
					"'testpump db init')"
				      : "");
		goto out_close;
	}
	if ((ret = setup_connection(st, mode)) < 0)
		goto out_close;
	return 0;
out_close:
	pg_close(st);
	return ret;
}

const struct store_ops pg_ops = {
	.engine = "pg",
	.open = pg_open,
	.close = pg_close,
	.exec = pg_exec,
	.exec_script = pg_exec_script,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.bulk_begin = pg_bulk_begin,
	.bulk_row = pg_bulk_row,
	.bulk_end = pg_bulk_end,
	.set_busy_timeout = pg_set_busy_timeout,
	.table_exists = pg_table_exists,
	.list_tables = pg_list_tables,
	.last_insert_id = pg_last_insert_id,
	.exists = pg_exists,
	.library_version = pg_library_version,
};
