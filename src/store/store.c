/*
 * store.c - opening a store by URL, and the bookkeeping every engine shares.
 *
 * The engines (sqlite.c, pg.c) only talk to their database; the rules
 * of store.h that do not depend on the engine live here: one transaction
 * at a time, bulk loads only inside one, a failed commit rolls back, and
 * table names are quoted before they are spliced into SQL.
 */
#include "store/store.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "config/config.h"
#include "store/engines.h"
#include "core/banned.h"

/* Characters of SQL quoted in an error message before "..." cuts it. */
#define EXCERPT_CHARS 60

/* The libpq keywords that start a conninfo string ("host=... dbname=..."). */
static const char *const conninfo_keywords[] = {
	"host",
	"hostaddr",
	"port",
	"dbname",
	"user",
	"password",
	"passfile",
	"service",
	"sslmode",
	"connect_timeout",
	"application_name",
	"options",
	"target_session_attrs",
};

/* Every engine built in, for lookups by name. */
static const struct store_ops *const engines[] = {
	&sqlite_ops,
	&pg_ops,
};

#ifdef TESTPUMP_FAULTS
/*
 * The crash hook of test builds (cmake -DTESTPUMP_FAULTS=ON, never in a
 * release): with TESTPUMP_FAULT_KILL_AFTER=N in the environment the
 * process kills itself with SIGKILL right after its Nth write (a statement
 * other than SELECT, a script, a bulk row or a commit), so that
 * tests/fault/ can check that a crash at any point leaves the previous
 * state or the next one.  With TESTPUMP_FAULT_COUNT_FILE=PATH the number
 * of writes and the numbers of the commits among them (a commit, or a
 * write outside a transaction) are written to PATH at exit, so the tests
 * know after which writes the stored state may change.
 */
static long fault_writes;
static long fault_kill_after = -1; /* -1: not read yet; 0: never */
static FILE *fault_count_file;

static void fault_report(void)
{
	fprintf(fault_count_file, "writes %ld\n", fault_writes);
	fclose(fault_count_file);
}

static void fault_write(int is_commit)
{
	const char *v;

	if (fault_kill_after < 0) {
		v = getenv("TESTPUMP_FAULT_KILL_AFTER");
		fault_kill_after = v ? strtol(v, NULL, 10) : 0;
		v = getenv("TESTPUMP_FAULT_COUNT_FILE");
		if (v && (fault_count_file = fopen(v, "w")))
			atexit(fault_report);
	}
	fault_writes++;
	if (is_commit && fault_count_file)
		fprintf(fault_count_file, "commit %ld\n", fault_writes);
	if (fault_writes == fault_kill_after)
		kill(getpid(), SIGKILL);
}

/*
 * SELECT and PRAGMA statements read; anything else counts, and outside a
 * transaction it commits on its own.
 */
static void fault_statement(const struct store *st, const char *sql)
{
	const char *p = store_sql_skip_space(sql);

	if (strncasecmp(p, "SELECT", 6) && strncasecmp(p, "PRAGMA", 6))
		fault_write(!st->in_transaction);
}
#define FAULT_WRITE(is_commit) fault_write(is_commit)
#define FAULT_STATEMENT(st, sql) fault_statement(st, sql)
#else
#define FAULT_WRITE(is_commit) ((void)0)
#define FAULT_STATEMENT(st, sql) ((void)0)
#endif

static int starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* True when url reads as a libpq conninfo string: "keyword=value ...". */
static int is_conninfo(const char *url)
{
	const char *p = url;
	const char *eq;
	size_t len, i;

	while (isspace((unsigned char)*p))
		p++;
	len = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
	eq = p + len;
	while (*eq == ' ')
		eq++;
	if (!len || *eq != '=')
		return 0;
	for (i = 0; i < ARRAY_SIZE(conninfo_keywords); i++) {
		if (strlen(conninfo_keywords[i]) == len &&
		    !memcmp(p, conninfo_keywords[i], len))
			return 1;
	}
	return 0;
}

/*
 * Picks the engine for url and the target it opens (for SQLite, the path).
 * Only the scheme of an unknown URL is quoted back: the rest may hold a
 * password.
 */
static int parse_url(const char *url, const struct store_ops **ops,
		     const char **target)
{
	const char *scheme_end;

	if (!*url)
		return err_set("empty database url (use sqlite:PATH)");
	if (starts_with(url, "postgresql://") ||
	    starts_with(url, "postgres://") || is_conninfo(url)) {
		/* libpq reads the URL or conninfo itself. */
		*ops = &pg_ops;
		*target = url;
		return 0;
	}
	if (starts_with(url, "sqlite:")) {
		url += strlen("sqlite:");
		/* sqlite:///abs/path, as SQLAlchemy writes it, is /abs/path. */
		if (starts_with(url, "///"))
			url += 2;
		else if (starts_with(url, "//"))
			return err_set("database url 'sqlite:%s' names a host; "
				       "use sqlite:PATH",
				       url);
		if (!*url)
			return err_set("database url 'sqlite:' names no file");
		*ops = &sqlite_ops;
		*target = url;
		return 0;
	}
	scheme_end = strstr(url, "://");
	if (scheme_end && scheme_end > url &&
	    strspn(url, "abcdefghijklmnopqrstuvwxyz0123456789+.-") ==
		    (size_t)(scheme_end - url))
		return err_set("database url scheme '%.*s' is not supported "
			       "(use sqlite:PATH or postgresql://...)",
			       (int)(scheme_end - url), url);
	*ops = &sqlite_ops;
	*target = url;
	return 0;
}

int store_open(struct store **out, const char *url, enum store_open_mode mode)
{
	const struct store_ops *ops = NULL;
	const char *target = NULL;
	struct store *st;
	int ret;

	*out = NULL;
	if ((ret = parse_url(url, &ops, &target)) < 0)
		return ret;
	st = xcalloc(1, sizeof(*st));
	st->ops = ops;
	/*
	 * A SQLite URL holds no password, so it is kept as given; a
	 * PostgreSQL one is kept with its password masked
	 * (postgresql://user:********@host/db, password=********).
	 */
	st->url = ops == &sqlite_ops ? xstrdup(url) : config_mask_url(url);
	if ((ret = ops->open(st, target, mode)) < 0) {
		free(st->url);
		free(st->location);
		free(st);
		return ret;
	}
	*out = st;
	return 0;
}

const char *store_url_engine(const char *url)
{
	const struct store_ops *ops = NULL;
	const char *target = NULL;

	return parse_url(url, &ops, &target) < 0 ? NULL : ops->engine;
}

int store_exists(const char *url, int *exists)
{
	const struct store_ops *ops = NULL;
	const char *target = NULL;

	*exists = 0;
	if (parse_url(url, &ops, &target) < 0)
		return -1;
	return ops->exists(target, exists);
}

/*
 * Rolls st back without losing the error message that made the caller give
 * up; a failing rollback is only logged.  The transaction is over after it.
 */
static void rollback_keeping_error(struct store *st)
{
	char *saved = xstrdup(err_msg());

	if (st->ops->rollback(st) < 0)
		log_warn("%s", err_msg());
	st->in_transaction = 0;
	st->in_bulk = 0;
	err_set("%s", saved);
	free(saved);
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->in_transaction)
		rollback_keeping_error(st);
	st->ops->close(st);
	free(st->url);
	free(st->location);
	free(st);
}

int store_exec(struct store *st, const char *sql,
	       const struct store_value *params, size_t nparams,
	       store_row_fn fn, void *ctx)
{
	int ret;

	if (st->in_bulk)
		return err_set("cannot run a statement on '%s' while a bulk "
			       "load is open",
			       st->location);
	ret = st->ops->exec(st, sql, params, nparams, fn, ctx);
	FAULT_STATEMENT(st, sql);
	return ret;
}

int store_exec_script(struct store *st, const char *sql)
{
	int ret;

	if (st->in_bulk)
		return err_set("cannot run a script on '%s' while a bulk load "
			       "is open",
			       st->location);
	ret = st->ops->exec_script(st, sql);
	FAULT_WRITE(!st->in_transaction);
	return ret;
}

/* What store_query_int() keeps of the first row. */
struct first_int {
	int64_t value;
	int not_integer;
};

/* Stops after the first row, so the query need not be LIMIT 1. */
#define FIRST_ROW_SEEN 1

static int take_first_int(const struct store_row *row, void *ctx)
{
	struct first_int *fi = ctx;
	const struct store_value *v;
	char *end;

	if (!row->ncols)
		return FIRST_ROW_SEEN;
	v = &row->cols[0];
	switch (v->type) {
	case STORE_INT:
		fi->value = v->i;
		break;
	case STORE_REAL:
		fi->value = (int64_t)v->d;
		break;
	case STORE_TEXT:
		/* An engine may hand numbers over as text. */
		errno = 0;
		fi->value = strtoll(v->s, &end, 10);
		if (errno || end == v->s || *end)
			fi->not_integer = 1;
		break;
	case STORE_NULL:
		break;
	}
	return FIRST_ROW_SEEN;
}

int store_query_int(struct store *st, const char *sql,
		    const struct store_value *params, size_t nparams,
		    int64_t *out)
{
	struct first_int fi = {0, 0};
	char excerpt[STORE_EXCERPT_MAX];
	int ret;

	*out = 0;
	ret = store_exec(st, sql, params, nparams, take_first_int, &fi);
	if (ret < 0)
		return ret;
	if (fi.not_integer)
		return err_set("query '%s' gave text, not an integer",
			       store_sql_excerpt(sql, excerpt));
	*out = fi.value;
	return 0;
}

/* Where store_query_text() puts the first row's first column. */
struct first_text {
	char *out;
	size_t size;
	int found;
};

static int take_first_text(const struct store_row *row, void *ctx)
{
	struct first_text *ft = ctx;

	if (ft->found || !row->ncols)
		return 0;
	ft->found = 1;
	if (row->cols[0].type == STORE_TEXT && ft->size) {
		size_t n = strlen(row->cols[0].s);

		if (n >= ft->size)
			n = ft->size - 1;
		memcpy(ft->out, row->cols[0].s, n);
		ft->out[n] = '\0';
	}
	return 0;
}

int store_query_text(struct store *st, const char *sql,
		     const struct store_value *params, size_t nparams,
		     char *out, size_t size)
{
	struct first_text ft = {out, size, 0};
	int ret;

	if (size)
		out[0] = '\0';
	ret = store_exec(st, sql, params, nparams, take_first_text, &ft);
	if (ret < 0)
		return ret;
	return ft.found;
}

int store_begin(struct store *st)
{
	int ret;

	if (st->in_transaction)
		return err_set("cannot begin a transaction on '%s': one is "
			       "already open",
			       st->location);
	if ((ret = st->ops->begin(st)) < 0)
		return ret;
	st->in_transaction = 1;
	return 0;
}

int store_commit(struct store *st)
{
	if (!st->in_transaction)
		return err_set("cannot commit on '%s': no transaction is open",
			       st->location);
	if (st->in_bulk)
		return err_set("cannot commit on '%s' while a bulk load is "
			       "open",
			       st->location);
	if (st->ops->commit(st) < 0) {
		rollback_keeping_error(st);
		return -1;
	}
	st->in_transaction = 0;
	FAULT_WRITE(1);
	return 0;
}

int store_rollback(struct store *st)
{
	int ret;

	if (!st->in_transaction)
		return err_set("cannot roll back on '%s': no transaction is "
			       "open",
			       st->location);
	ret = st->ops->rollback(st);
	st->in_transaction = 0;
	st->in_bulk = 0;
	return ret;
}

int store_bulk_begin(struct store *st, const char *table,
		     const char *const *columns, size_t ncols)
{
	int ret;

	if (!st->in_transaction)
		return err_set("cannot bulk load into '%s' outside a "
			       "transaction",
			       table);
	if (st->in_bulk)
		return err_set("cannot bulk load into '%s': another bulk load "
			       "is open",
			       table);
	if (!ncols)
		return err_set("cannot bulk load into '%s': no columns given",
			       table);
	if ((ret = st->ops->bulk_begin(st, table, columns, ncols)) < 0)
		return ret;
	st->in_bulk = 1;
	return 0;
}

int store_bulk_row(struct store *st, const struct store_value *values)
{
	int ret;

	if (!st->in_bulk)
		return err_set("no bulk load is open on '%s'", st->location);
	ret = st->ops->bulk_row(st, values);
	FAULT_WRITE(0);
	return ret;
}

int store_bulk_end(struct store *st)
{
	if (!st->in_bulk)
		return err_set("no bulk load is open on '%s'", st->location);
	st->in_bulk = 0;
	return st->ops->bulk_end(st);
}

int store_set_busy_timeout(struct store *st, int ms)
{
	return st->ops->set_busy_timeout(st, ms);
}

int store_table_exists(struct store *st, const char *table, int *exists)
{
	*exists = 0;
	if (st->in_bulk)
		return err_set("cannot look up table '%s' while a bulk load is "
			       "open",
			       table);
	return st->ops->table_exists(st, table, exists);
}

struct name_list {
	char **names;
	size_t n, cap;
};

static int collect_name(const char *table, void *ctx)
{
	struct name_list *list = ctx;

	ALLOC_GROW(list->names, list->n + 1, list->cap);
	list->names[list->n++] = xstrdup(table);
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int store_table_counts(struct store *st,
		       int (*fn)(const char *table, int64_t rows, void *ctx),
		       void *ctx)
{
	struct name_list list = {NULL, 0, 0};
	struct buf sql = BUF_INIT;
	int64_t rows;
	size_t i;
	int ret;

	if (st->in_bulk)
		return err_set("cannot count rows on '%s' while a bulk load is "
			       "open",
			       st->location);
	if ((ret = st->ops->list_tables(st, collect_name, &list)) < 0)
		goto out;
	if (list.n)
		qsort(list.names, list.n, sizeof(*list.names), compare_names);
	for (i = 0; i < list.n; i++) {
		buf_reset(&sql);
		buf_adds(&sql, "SELECT count(*) FROM ");
		store_quote_ident(&sql, list.names[i]);
		ret = store_query_int(st, sql.data, NULL, 0, &rows);
		if (ret < 0)
			goto out;
		if ((ret = fn(list.names[i], rows, ctx)) != 0)
			goto out;
	}
out:
	for (i = 0; i < list.n; i++)
		free(list.names[i]);
	free(list.names);
	buf_release(&sql);
	return ret;
}

int64_t store_last_insert_id(struct store *st)
{
	return st->ops->last_insert_id(st);
}

const char *store_engine(const struct store *st)
{
	return st->ops->engine;
}

const char *store_sql_pick(const struct store *st, const char *sqlite_sql,
			   const char *pg_sql)
{
	return st->ops == &pg_ops ? pg_sql : sqlite_sql;
}

const char *store_engine_version(const char *engine)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(engines); i++) {
		if (!strcmp(engines[i]->engine, engine))
			return engines[i]->library_version();
	}
	return NULL;
}

const char *store_sql_skip_space(const char *sql)
{
	const char *p = sql;

	for (;;) {
		if (isspace((unsigned char)*p) || *p == ';') {
			p++;
		} else if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");

			p = end ? end + 2 : p + strlen(p);
		} else {
			return p;
		}
	}
}

const char *store_sql_excerpt(const char *sql, char out[STORE_EXCERPT_MAX])
{
	const char *p = store_sql_skip_space(sql);
	size_t n = 0;

	while (*p && n < EXCERPT_CHARS) {
		if (isspace((unsigned char)*p)) {
			while (isspace((unsigned char)*p))
				p++;
			if (*p)
				out[n++] = ' ';
			continue;
		}
		out[n++] = *p++;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (!*p) {
		out[n] = '\0';
		return out;
	}
	/* Cut before a UTF-8 sequence that did not fit whole. */
	if (((unsigned char)*p & 0xc0) == 0x80) {
		while (n && ((unsigned char)out[n - 1] & 0xc0) == 0x80)
			n--;
		if (n && (unsigned char)out[n - 1] >= 0xc0)
			n--;
	}
	memcpy(out + n, "...", 4);
	return out;
}

void store_quote_ident(struct buf *b, const char *name)
{
	const char *p;

	buf_addch(b, '"');
	for (p = name; *p; p++) {
		if (*p == '"')
			buf_addch(b, '"');
		buf_addch(b, *p);
	}
	buf_addch(b, '"');
}

/* Runs "<verb> <name>" for the savepoint statements. */
static int savepoint_exec(struct store *st, const char *verb, const char *name)
{
	struct buf sql = BUF_INIT;
	int ret;

	if (!st->in_transaction)
		return err_set("savepoint '%s' on '%s' needs an open "
			       "transaction",
			       name, st->location);
	buf_addf(&sql, "%s ", verb);
	store_quote_ident(&sql, name);
	ret = store_exec(st, sql.data, NULL, 0, NULL, NULL);
	buf_release(&sql);
	return ret;
}

int store_savepoint(struct store *st, const char *name)
{
	return savepoint_exec(st, "SAVEPOINT", name);
}

int store_savepoint_release(struct store *st, const char *name)
{
	return savepoint_exec(st, "RELEASE SAVEPOINT", name);
}

int store_savepoint_rollback(struct store *st, const char *name)
{
	if (savepoint_exec(st, "ROLLBACK TO SAVEPOINT", name) < 0)
		return -1;
	return savepoint_exec(st, "RELEASE SAVEPOINT", name);
}

void store_time(int64_t ms, char out[STORE_TIME_MAX])
{
	int64_t s = ms / 1000 - (ms % 1000 < 0);

	timestamp_format(s * 1000, out);
}

int store_upsert_name(struct store *st, const char *table, const char *column,
		      const char *value, int64_t *id)
{
	char now[STORE_TIME_MAX], sql[160];
	struct store_value v[2];

	store_time(timestamp_now_ms(), now);
	v[0] = STORE_TEXT_V(value);
	v[1] = STORE_TEXT_V(now);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO %s (%s, created_at) VALUES (?, ?) "
		 "ON CONFLICT (%s) DO NOTHING",
		 table, column, column);
	if (store_exec(st, sql, v, 2, NULL, NULL) < 0)
		return -1;
	snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE %s = ?", table,
		 column);
	return store_query_int(st, sql, v, 1, id);
}
