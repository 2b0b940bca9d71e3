/*
 * engines.h - what store.c knows about the engines, and what they share.
 *
 * Internal to store/: nothing outside this folder includes it.  Each engine
 * is one const struct store_ops defined in its own file.
 */
#ifndef TESTPUMP_STORE_ENGINES_H
#define TESTPUMP_STORE_ENGINES_H

#include "store/store.h"

struct buf;

/* The embedded SQLite engine (sqlite.c). */
extern const struct store_ops sqlite_ops;

/* The PostgreSQL engine over libpq (pg.c). */
extern const struct store_ops pg_ops;

/* Room for store_sql_excerpt() output, NUL included. */
#define STORE_EXCERPT_MAX 72

/*
 * Writes the start of sql into out for an error message: leading blanks
 * and comments skipped, runs of white space folded into one space, and cut
 * after about 60 characters with "..." appended.  Returns out.
 */
const char *store_sql_excerpt(const char *sql, char out[STORE_EXCERPT_MAX]);

/*
 * Returns sql past any white space, semicolons and comments (-- and
 * C-style), that is, where the next statement starts, or its NUL.
 */
const char *store_sql_skip_space(const char *sql);

/*
 * Appends name to b as a double-quoted SQL identifier, doubling any quote
 * inside it, so that any table or column name is safe to splice into SQL.
 */
void store_quote_ident(struct buf *b, const char *name);

#endif
