/*
 * nested.h - a store whose transactions are savepoints of another store's
 * open transaction.
 *
 * Write paths such as store/runs.c begin and commit their own transaction.
 * A caller that already holds one (the pump, which writes a project's
 * builds and the JUnit of their artifacts in one transaction) hands them a
 * nested store instead: its begin is a SAVEPOINT on the parent, its commit
 * releases it, its rollback rolls back to it, so a failed write path undoes
 * only its own work and the parent's transaction goes on (on PostgreSQL as
 * well, where an error would otherwise abort the whole transaction).
 * Statements, bulk loads and lookups go to the parent through store.h.
 */
#ifndef TESTPUMP_STORE_NESTED_H
#define TESTPUMP_STORE_NESTED_H

#include "store/store.h"

/*
 * Makes *out a store that runs everything on parent, which must have a
 * transaction open and outlive it.  Free it with store_nested_free(), not
 * store_close().  Returns 0, or -1 with the message set when parent has
 * no transaction open.
 */
int store_nested_new(struct store *parent, struct store **out);

/*
 * Frees a nested store; a savepoint it still holds is rolled back.  NULL
 * is ignored.
 */
void store_nested_free(struct store *nested);

#endif
