/*
 * test_pg_sql.c - the PostgreSQL engine's text work, without a server:
 * placeholders numbered, scripts split, COPY fields escaped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "store/pg_sql.h"
#include "core/banned.h"

/* Checks that sql numbers as want with n placeholders. */
static void check_numbered(const char *sql, const char *want, size_t n)
{
	struct buf out = BUF_INIT;
	size_t got = 99;

	pg_sql_number_params(sql, &out, &got);
	assert_string_equal(out.data, want);
	assert_int_equal(got, n);
	buf_release(&out);
}

static void test_number_params(void **state)
{
	(void)state;
	check_numbered("SELECT 1", "SELECT 1", 0);
	check_numbered("SELECT ? + ?, x FROM t WHERE y = ?",
		       "SELECT $1 + $2, x FROM t WHERE y = $3", 3);
	check_numbered("SELECT '?', \"a?b\", ? -- what?\n, ?",
		       "SELECT '?', \"a?b\", $1 -- what?\n, $2", 2);
	check_numbered("SELECT 'it''s ?', ? /* ? */ , E'\\'?', ?",
		       "SELECT 'it''s ?', $1 /* ? */ , E'\\'?', $2", 2);
	check_numbered("SELECT $$ ? $$, $tag$ '? $tag$, ?",
		       "SELECT $$ ? $$, $tag$ '? $tag$, $1", 1);
	/* A backslash in a standard string is just a character. */
	check_numbered("SELECT 'a\\', ?", "SELECT 'a\\', $1", 1);
	/* An unclosed literal swallows the rest, as the server would. */
	check_numbered("SELECT 'oops ?", "SELECT 'oops ?", 0);
}

static void test_statement_end(void **state)
{
	const char *script = "CREATE TABLE a (x text DEFAULT ';');\n"
			     "-- a comment; still a comment\n"
			     "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; "
			     "$$ LANGUAGE sql;\n"
			     "SELECT 1";
	const char *p = pg_sql_statement_end(script);

	(void)state;
	assert_int_equal(p - script, strlen("CREATE TABLE a (x text DEFAULT "
					    "';');"));
	p = pg_sql_statement_end(p);
	assert_string_equal(p, "\nSELECT 1");
	p = pg_sql_statement_end(p);
	assert_string_equal(p, "");
}

static void test_copy_field(void **state)
{
	struct buf b = BUF_INIT;
	struct store_value v;

	(void)state;
	v = STORE_TEXT_V("a\tb\nc\\d\re");
	pg_copy_field(&b, &v);
	assert_string_equal(b.data, "a\\tb\\nc\\\\d\\re");
	buf_reset(&b);
	v = STORE_TEXT_V("\\N");
	pg_copy_field(&b, &v);
	assert_string_equal(b.data, "\\\\N");
	buf_reset(&b);
	v = STORE_NULL_V;
	pg_copy_field(&b, &v);
	v = STORE_TEXT_V(NULL);
	pg_copy_field(&b, &v);
	assert_string_equal(b.data, "\\N\\N");
	buf_reset(&b);
	v = STORE_INT_V(INT64_MIN);
	pg_copy_field(&b, &v);
	assert_string_equal(b.data, "-9223372036854775808");
	buf_reset(&b);
	v = STORE_REAL_V(0.1);
	pg_copy_field(&b, &v);
	assert_string_equal(b.data, "0.10000000000000001");
	buf_release(&b);
}

static void test_messages(void **state)
{
	char out[64];

	(void)state;
	pg_sql_first_line("ERROR:  relation \"x\" does not exist\nLINE 1: ...",
			  out, sizeof(out));
	assert_string_equal(out, "relation \"x\" does not exist");
	pg_sql_first_line(NULL, out, sizeof(out));
	assert_string_equal(out, "");
	pg_sql_one_line("connection to server failed: FATAL:  no\nDETAIL: x\n",
			out, sizeof(out));
	assert_string_equal(out, "connection to server failed: FATAL:  no; "
				 "DETAIL: x");
	pg_sql_one_line("a very long message that will not fit in the small "
			"buffer given to it at all",
			out, 16);
	assert_int_equal(strlen(out), 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_number_params),
		cmocka_unit_test(test_statement_end),
		cmocka_unit_test(test_copy_field),
		cmocka_unit_test(test_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
