/*
 * nested.c - a store whose transactions are savepoints of its parent's.
 *
 * The nested store has its own copy of the parent engine's vtable, with
 * every entry replaced by one that forwards to the parent through store.h
 * (so the parent's own bookkeeping of bulk loads stays right), and
 * begin/commit/rollback mapped to savepoints.
 */
#include "store/nested.h"

#include <stdlib.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "core/banned.h"

#define SAVEPOINT "tp_nested"

struct nested {
	struct store st; /* first: the store callers get */
	struct store_ops ops;
	struct store *parent;
};

static struct store *parent_of(struct store *st)
{
	return ((struct nested *)st->impl)->parent;
}

static int nested_open(struct store *st, const char *target,
		       enum store_open_mode mode)
{
	(void)st;
	(void)target;
	(void)mode;
	return err_set("a nested store cannot be opened");
}

static void nested_close(struct store *st)
{
	(void)st;
}

static int nested_exec(struct store *st, const char *sql,
		       const struct store_value *params, size_t nparams,
		       store_row_fn fn, void *ctx)
{
	return store_exec(parent_of(st), sql, params, nparams, fn, ctx);
}

static int nested_exec_script(struct store *st, const char *sql)
{
	return store_exec_script(parent_of(st), sql);
}

static int nested_begin(struct store *st)
{
	return store_savepoint(parent_of(st), SAVEPOINT);
}

static int nested_commit(struct store *st)
{
	return store_savepoint_release(parent_of(st), SAVEPOINT);
}

static int nested_rollback(struct store *st)
{
	struct store *p = parent_of(st);

	/* A bulk load still open is ended; the rollback undoes its rows. */
	if (p->in_bulk)
		store_bulk_end(p);
	return store_savepoint_rollback(p, SAVEPOINT);
}

static int nested_bulk_begin(struct store *st, const char *table,
			     const char *const *columns, size_t ncols)
{
	return store_bulk_begin(parent_of(st), table, columns, ncols);
}

static int nested_bulk_row(struct store *st, const struct store_value *values)
{
	return store_bulk_row(parent_of(st), values);
}

static int nested_bulk_end(struct store *st)
{
	return store_bulk_end(parent_of(st));
}

static int nested_busy(struct store *st, int ms)
{
	return store_set_busy_timeout(parent_of(st), ms);
}

static int nested_table_exists(struct store *st, const char *table, int *exists)
{
	return store_table_exists(parent_of(st), table, exists);
}

static int nested_list_tables(struct store *st,
			      int (*fn)(const char *table, void *ctx),
			      void *ctx)
{
	struct store *p = parent_of(st);

	return p->ops->list_tables(p, fn, ctx);
}

static int64_t nested_last_insert_id(struct store *st)
{
	return store_last_insert_id(parent_of(st));
}

int store_nested_new(struct store *parent, struct store **out)
{
	struct nested *n;

	if (!parent->in_transaction)
		return err_set("a nested store on '%s' needs an open "
			       "transaction",
			       parent->location);
	n = xcalloc(1, sizeof(*n));
	n->parent = parent;
	n->ops = *parent->ops;
	n->ops.open = nested_open;
	n->ops.close = nested_close;
	n->ops.exec = nested_exec;
	n->ops.exec_script = nested_exec_script;
	n->ops.begin = nested_begin;
	n->ops.commit = nested_commit;
	n->ops.rollback = nested_rollback;
	n->ops.bulk_begin = nested_bulk_begin;
	n->ops.bulk_row = nested_bulk_row;
	n->ops.bulk_end = nested_bulk_end;
	n->ops.set_busy_timeout = nested_busy;
	n->ops.table_exists = nested_table_exists;
	n->ops.list_tables = nested_list_tables;
	n->ops.last_insert_id = nested_last_insert_id;
	n->st.ops = &n->ops;
	n->st.url = parent->url;
	n->st.location = parent->location;
	n->st.impl = n;
	*out = &n->st;
	return 0;
}

void store_nested_free(struct store *nested)
{
	if (!nested)
		return;
	if (nested->in_transaction)
		store_rollback(nested);
	free(nested->impl);
}
