/*
 * pg_sql.h - the text work of the PostgreSQL engine, without libpq.
 *
 * Internal to store/: pg.c turns the portable SQL of store.h into what
 * PostgreSQL takes (`?` becomes $1, $2, ...), splits migration scripts
 * into statements, and writes rows in COPY's text format.  Kept apart so
 * that it is tested without a server.
 */
#ifndef TESTPUMP_STORE_PG_SQL_H
#define TESTPUMP_STORE_PG_SQL_H

#include <stddef.h>

#include "store/store.h"

struct buf;

/*
 * Appends sql to out with every `?` placeholder numbered $1, $2, ... in
 * order, and sets *nparams to their count.  A `?` inside a string literal
 * ('...', E'...'), a quoted identifier ("..."), a dollar-quoted body
 * ($tag$...$tag$) or a comment is left alone.
 */
void pg_sql_number_params(const char *sql, struct buf *out, size_t *nparams);

/*
 * Returns where the statement starting at sql ends: just past its `;`,
 * or at the terminating NUL for the last one.  Semicolons inside
 * literals, quoted identifiers, dollar-quoted bodies and comments do not
 * end a statement.
 */
const char *pg_sql_statement_end(const char *sql);

/*
 * Appends v to b as one field of COPY ... FROM STDIN (text format): \N
 * for NULL, numbers in full precision, text with backslash, tab, newline
 * and carriage return escaped.
 */
void pg_copy_field(struct buf *b, const struct store_value *v);

/*
 * Copies the first line of a server message into out (size bytes, NUL
 * included), without libpq's "ERROR:  " prefix; NULL gives "".
 */
void pg_sql_first_line(const char *msg, char *out, size_t size);

/*
 * Copies msg into out with its line breaks as "; " and no final newline:
 * libpq's connection failures span lines ("connection to server at ...
 * failed: FATAL: ...").
 */
void pg_sql_one_line(const char *msg, char *out, size_t size);

/*
 * Points out[i] at the text libpq sends for params[i]: numbers are
 * formatted into bufs[i], text is borrowed, NULL stays NULL.
 */
void pg_sql_format_params(const struct store_value *params, size_t n,
			  const char **out, char (*bufs)[32]);

#endif
