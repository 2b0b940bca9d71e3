/*
 * test_csv.c - CSV fields: RFC 4180 quoting and formula defusing.
 *
 * Golden files: each test renders into memory and compares the bytes with
 * tests/output/golden/<name> under $SRCDIR (ctest sets it; by hand, run
 * with SRCDIR=/path/to/testpump).  With UPDATE_GOLDEN=1 in the environment
 * the files are written from the current output instead; read them before
 * committing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"
#include "output/csv.h"
#include "golden.h"
#include "core/banned.h"

/* Writes {"v": value} as CSV and checks the one field after the header. */
static void check_field(json_t *value, const char *want, size_t want_len)
{
	static const char *const columns[] = {"v", NULL};
	json_t *rows = json_array(), *row = json_object();
	struct buf expect = BUF_INIT;
	struct render r;

	if (value)
		json_object_set_new(row, "v", value);
	json_array_append_new(rows, row);
	render_open(&r);
	assert_int_equal(output_csv(r.fp, rows, columns), 0);
	render_close(&r);
	buf_adds(&expect, "v\n");
	buf_add(&expect, want, want_len);
	buf_addch(&expect, '\n');
	if (expect.len != r.len || memcmp(expect.data, r.data, r.len))
		fail_msg("want [%s] got [%s]", expect.data, r.data);
	buf_release(&expect);
	free(r.data);
	json_decref(rows);
}

#define CHECK(value, want) check_field(value, want, sizeof(want) - 1)

static void test_quoting(void **state)
{
	(void)state;
	CHECK(json_string("plain"), "plain");
	CHECK(json_string("mid dle"), "mid dle");
	CHECK(json_string(""), "");
	CHECK(json_string("a,b"), "\"a,b\"");
	CHECK(json_string("say \"hi\""), "\"say \"\"hi\"\"\"");
	CHECK(json_string("line1\nline2"), "\"line1\nline2\"");
	CHECK(json_string("cr\rlf\n"), "\"cr\rlf\n\"");
	CHECK(json_string(" lead"), "\" lead\"");
	CHECK(json_string("trail "), "\"trail \"");
	CHECK(json_string("tab\tinside"), "tab\tinside");
	CHECK(json_null(), "");
	CHECK(NULL, "");
	CHECK(json_true(), "true");
	CHECK(json_integer(42), "42");
	CHECK(json_real(0.05), "0.05");
	CHECK(json_pack("{s:[i,s]}", "a", 1, "x,y"),
	      "\"{\"\"a\"\":[1,\"\"x,y\"\"]}\"");
	CHECK(json_stringn_nocheck("bytes \xff\x1b[0m", 11),
	      "bytes \xff\x1b[0m");
}

static void test_formula(void **state)
{
	(void)state;
	CHECK(json_string("=SUM(A1:A9)"), "'=SUM(A1:A9)");
	CHECK(json_string("+1"), "'+1");
	CHECK(json_string("-5"), "'-5");
	CHECK(json_string("@cmd"), "'@cmd");
	CHECK(json_string("\tx"), "'\tx");
	CHECK(json_string("\rx"), "\"'\rx\"");
	CHECK(json_string("=HYPERLINK(\"http://x\",\"y\")"),
	      "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
	CHECK(json_string("a=b"), "a=b");
	/* Numbers are numbers, not formulas. */
	CHECK(json_integer(-5), "-5");
	CHECK(json_real(-0.5), "-0.5");
}

static void test_rows(void **state)
{
	json_t *rows = load(
		"[{\"name\": \"test_login\", \"status\": \"pass\","
		" \"duration\": 1.25, \"message\": null},"
		" {\"name\": \"test_a, b\", \"status\": \"fail\","
		" \"duration\": 30, \"message\":"
		" \"expected \\\"x\\\"\\nbut got \\\"y\\\"\"},"
		" {\"name\": \"=cmd|' /C calc'!A0\", \"status\": \"error\","
		" \"retries\": 2},"
		" {\"name\": \"caf\\u00e9 \\u4e2d\\u6587\","
		" \"status\": \"skip\", \"duration\": -0.0}]");
	struct render r;

	(void)state;
	render_open(&r);
	assert_int_equal(output_csv(r.fp, rows, NULL), 0);
	render_close(&r);
	check_golden("csv_rows.csv", &r);
	free(r.data);
	json_decref(rows);
}

static void test_keyvalue(void **state)
{
	json_t *obj = load("{\"api_version\": 1, \"schema_version\": 7,"
			   " \"engine\": \"sqlite\","
			   " \"aggregation\": {\"min_attempts\": 6,"
			   " \"alpha\": 0.05},"
			   " \"labels\": [\"a\", \"b,c\"],"
			   " \"jobs\": [{\"name\": \"e2e\"}],"
			   " \"delta\": \"-3\", \"note\": null}");
	struct render r;

	(void)state;
	render_open(&r);
	assert_int_equal(output_csv_keyvalue(r.fp, obj), 0);
	render_close(&r);
	check_golden("csv_keyvalue.csv", &r);
	assert_null(strstr(r.data, "api_version"));
	free(r.data);
	json_decref(obj);
}

static void test_empty(void **state)
{
	static const char *const columns[] = {"name", "status", NULL};
	json_t *rows = json_array();
	struct render r;

	(void)state;
	render_open(&r);
	assert_int_equal(output_csv(r.fp, rows, NULL), 0);
	render_close(&r);
	assert_int_equal(r.len, 0);
	free(r.data);

	render_open(&r);
	assert_int_equal(output_csv(r.fp, rows, columns), 0);
	render_close(&r);
	assert_string_equal(r.data, "name,status\n");
	free(r.data);
	json_decref(rows);
}

static void test_write_error(void **state)
{
	json_t *obj = load("{\"a\": 1}");
	FILE *fp = fopen("/dev/full", "w");

	(void)state;
	if (!fp)
		skip();
	assert_int_equal(output_csv_keyvalue(fp, obj), -1);
	assert_non_null(strstr(err_msg(), "cannot write output: "));
	fclose(fp);
	json_decref(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_formula),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_keyvalue),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
