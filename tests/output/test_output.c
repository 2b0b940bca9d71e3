/*
 * test_output.c - output_response() in every format, format names, the
 * text of values, flattening, and the terminal width.
 *
 * Golden files: each test renders into memory and compares the bytes with
 * tests/output/golden/<name> under $SRCDIR (ctest sets it; by hand, run
 * with SRCDIR=/path/to/testpump).  With UPDATE_GOLDEN=1 in the environment
 * the files are written from the current output instead; read them before
 * committing.
 */
#include <float.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"
#include "output/json.h"
#include "output/output.h"
#include "golden.h"
#include "core/banned.h"

/* A response with a main list, shaped like the aggregate command's. */
static const char rows_response[] =
	"{\"api_version\": 1, \"job\": \"e2e-aws-ovn\","
	" \"payload\": \"4.16.0-0.nightly-2024-05-01-000000\","
	" \"verdict\": \"fail\","
	" \"parameters\": {\"min_attempts\": 6, \"pity\": 2,"
	" \"alpha\": 0.05},"
	" \"runs\": [\"r1\", \"r2\", \"r3\"],"
	" \"tests\": ["
	"{\"name\": \"[sig-network] pods reach \\u4e2d\\u6587 service\","
	" \"attempts\": 6, \"passes\": 6, \"required\": 4,"
	" \"result\": \"pass\", \"rate\": 1.0},"
	"{\"name\": \"[sig-storage] volume mounts, \\\"quickly\\\"\","
	" \"attempts\": 6, \"passes\": 2, \"required\": 4,"
	" \"result\": \"fail\", \"rate\": 0.3333333333333333},"
	"{\"name\": \"=flaky\\ttest\", \"attempts\": 5, \"passes\": 5,"
	" \"required\": null, \"result\": \"informing\","
	" \"rate\": 0.05}"
	"]}";

/* A response without one, shaped like db status. */
static const char plain_response[] =
	"{\"api_version\": 1, \"engine\": \"sqlite\","
	" \"path\": \"/var/lib/testpump/testpump.db\","
	" \"schema_version\": 7, \"latest_version\": 7,"
	" \"up_to_date\": true, \"pending\": [],"
	" \"applied\": [1, 2, 3, 4, 5, 6, 7],"
	" \"sizes\": {\"test_result\": 123456, \"wal_mb\": 12.5}}";

static void check_response(const char *name, const char *text,
			   enum output_format fmt, const char *rows_key,
			   size_t width)
{
	json_t *response = load(text);
	struct render r;

	render_open(&r);
	assert_int_equal(output_response(r.fp, fmt, response, rows_key, width),
			 0);
	render_close(&r);
	check_golden(name, &r);
	free(r.data);
	json_decref(response);
}

static void test_response_rows(void **state)
{
	(void)state;
	check_response("response_rows.txt", rows_response, OUTPUT_TABLE,
		       "tests", 0);
	check_response("response_rows_80.txt", rows_response, OUTPUT_TABLE,
		       "tests", 80);
	check_response("response_rows.json", rows_response, OUTPUT_JSON,
		       "tests", 0);
	check_response("response_rows.csv", rows_response, OUTPUT_CSV, "tests",
		       0);
}

static void test_response_plain(void **state)
{
	(void)state;
	check_response("response_plain.txt", plain_response, OUTPUT_TABLE, NULL,
		       0);
	check_response("response_plain.json", plain_response, OUTPUT_JSON, NULL,
		       0);
	check_response("response_plain.csv", plain_response, OUTPUT_CSV, NULL,
		       0);
}

static char *render_response(const char *text, enum output_format fmt,
			     const char *rows_key)
{
	json_t *response = load(text);
	struct render r;

	render_open(&r);
	assert_int_equal(output_response(r.fp, fmt, response, rows_key, 0), 0);
	render_close(&r);
	json_decref(response);
	return r.data;
}

static void test_response_edges(void **state)
{
	char *out;

	(void)state;
	/* Empty main list: the fields, a blank line, then "(no rows)". */
	out = render_response("{\"api_version\": 1, \"job\": \"j\","
			      " \"tests\": []}",
			      OUTPUT_TABLE, "tests");
	assert_string_equal(out, "job: j\n\n(no rows)\n");
	free(out);

	/* No other field: no blank line. */
	out = render_response("{\"api_version\": 1, \"tests\": [{\"a\": 1}]}",
			      OUTPUT_TABLE, "tests");
	assert_string_equal(out, "A\n1\n");
	free(out);

	/* rows_key missing or not an array of objects: key/value form. */
	out = render_response("{\"api_version\": 1, \"tests\": [1, 2]}",
			      OUTPUT_TABLE, "tests");
	assert_string_equal(out, "KEY    VALUE\ntests  1, 2\n");
	free(out);
	out = render_response("{\"api_version\": 1, \"n\": 3}", OUTPUT_CSV,
			      "tests");
	assert_string_equal(out, "key,value\nn,3\n");
	free(out);

	/* JSON keeps api_version; the others leave it out. */
	out = render_response("{\"api_version\": 1}", OUTPUT_JSON, NULL);
	assert_string_equal(out, "{\n  \"api_version\": 1\n}\n");
	free(out);
	out = render_response("{\"api_version\": 1}", OUTPUT_TABLE, NULL);
	assert_string_equal(out, "");
	free(out);
}

static void test_format_parse(void **state)
{
	static const char *const bad[] = {"yaml", "", "TABLE", "json ", "cs"};
	enum output_format f = OUTPUT_JSON;
	size_t i;

	(void)state;
	assert_int_equal(output_format_parse("table", &f), 0);
	assert_int_equal(f, OUTPUT_TABLE);
	assert_int_equal(output_format_parse("json", &f), 0);
	assert_int_equal(f, OUTPUT_JSON);
	assert_int_equal(output_format_parse("csv", &f), 0);
	assert_int_equal(f, OUTPUT_CSV);
	assert_string_equal(output_format_name(OUTPUT_TABLE), "table");
	assert_string_equal(output_format_name(OUTPUT_JSON), "json");
	assert_string_equal(output_format_name(OUTPUT_CSV), "csv");

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f = OUTPUT_CSV;
		assert_int_equal(output_format_parse(bad[i], &f), -1);
		assert_int_equal(f, OUTPUT_CSV);
	}
	output_format_parse("yaml", &f);
	assert_string_equal(err_msg(), "unknown output format 'yaml' "
				       "(expected table, json, csv)");
}

static void check_text(json_t *value, const char *want)
{
	struct buf out = BUF_INIT;

	output_cell_text(&out, value);
	if (strcmp(out.data, want))
		fail_msg("want \"%s\" got \"%s\"", want, out.data);
	buf_release(&out);
	json_decref(value);
}

static void test_real_text(void **state)
{
	static const struct {
		double d;
		const char *want;
	} cases[] = {
		{0.05, "0.05"},
		{12.5, "12.5"},
		{3.0, "3"},
		{1e-9, "1e-09"},
		{1e20, "1e+20"},
		{-0.0, "0"},
		{0.0, "0"},
		{-2.5, "-2.5"},
		{100.0, "100"},
		{0.1 + 0.2, "0.30000000000000004"},
		{1.0 / 3.0, "0.3333333333333333"},
		{0.0001, "0.0001"},
		{0.00001, "1e-05"},
		{1e15, "1000000000000000"},
		{1e16, "1e+16"},
		{123456789.125, "123456789.125"},
		{1.5e300, "1.5e+300"},
		{5e-324, "5e-324"},
		{DBL_MAX, "1.7976931348623157e+308"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_text(json_real(cases[i].d), cases[i].want);
}

static void test_value_text(void **state)
{
	(void)state;
	check_text(json_integer(0), "0");
	check_text(json_integer(-42), "-42");
	check_text(json_integer(INT64_MAX), "9223372036854775807");
	check_text(json_true(), "true");
	check_text(json_false(), "false");
	check_text(json_null(), "");
	check_text(json_string("as is\t\x1b"), "as is\t\x1b");
	check_text(json_array(), "[]");
	check_text(json_object(), "{}");
	check_text(load("{\"a\": 1.5, \"b\": [true, null, \"x\\ty\"],"
			" \"c\": {\"d\": 3.0, \"e\": \"q\\\"\\\\\\u001b\"}}"),
		   "{\"a\":1.5,\"b\":[true,null,\"x\\ty\"],"
		   "\"c\":{\"d\":3,\"e\":\"q\\\"\\\\\\u001b\"}}");
	output_cell_text(NULL, NULL);
}

static void test_flatten(void **state)
{
	json_t *obj = load("{\"api_version\": 1, \"a\": 1,"
			   " \"b\": {\"c\": {\"d\": \"x\"}, \"e\": {}},"
			   " \"list\": [1, \"two\", 3.5, null, false],"
			   " \"objs\": [{\"k\": 1}, 2], \"nested\": [[1]],"
			   " \"skip\": 9}");
	json_t *flat = output_flatten(obj, "skip");
	char *text = json_dumps(flat, JSON_COMPACT);

	(void)state;
	assert_string_equal(text, "[{\"key\":\"a\",\"value\":1},"
				  "{\"key\":\"b.c.d\",\"value\":\"x\"},"
				  "{\"key\":\"b.e\",\"value\":\"\"},"
				  "{\"key\":\"list\","
				  "\"value\":\"1, two, 3.5, , false\"},"
				  "{\"key\":\"objs\","
				  "\"value\":\"[{\\\"k\\\":1},2]\"},"
				  "{\"key\":\"nested\",\"value\":\"[[1]]\"}]");
	free(text);
	json_decref(flat);
	json_decref(obj);
}

static void test_columns(void **state)
{
	json_t *rows = load("[{\"b\": 1, \"a\": 2}, 7, {\"c\": 3, \"a\": 4},"
			    " {\"d\": 5}]");
	const char **cols = output_columns(rows);

	(void)state;
	assert_string_equal(cols[0], "b");
	assert_string_equal(cols[1], "a");
	assert_string_equal(cols[2], "c");
	assert_string_equal(cols[3], "d");
	assert_null(cols[4]);
	free(cols);
	json_decref(rows);
}

static void test_terminal_width(void **state)
{
	FILE *fp = tmpfile();
	const char *saved = getenv("COLUMNS");
	char *keep = saved ? strdup(saved) : NULL;

	(void)state;
	assert_non_null(fp);
	unsetenv("COLUMNS");
	assert_int_equal(output_terminal_width(fp), 0);
	setenv("COLUMNS", "123", 1);
	assert_int_equal(output_terminal_width(fp), 123);
	setenv("COLUMNS", "12x", 1);
	assert_int_equal(output_terminal_width(fp), 0);
	setenv("COLUMNS", "0", 1);
	assert_int_equal(output_terminal_width(fp), 0);
	setenv("COLUMNS", "", 1);
	assert_int_equal(output_terminal_width(fp), 0);
	setenv("COLUMNS", "99999999999999999999999", 1);
	assert_int_equal(output_terminal_width(fp), 0);
	if (keep)
		setenv("COLUMNS", keep, 1);
	else
		unsetenv("COLUMNS");
	free(keep);
	fclose(fp);
}

static void test_write_errors(void **state)
{
	static const enum output_format formats[] = {OUTPUT_TABLE, OUTPUT_JSON,
						     OUTPUT_CSV};
	json_t *response = load(rows_response);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		FILE *fp = fopen("/dev/full", "w");

		if (!fp)
			skip();
		err_clear();
		assert_int_equal(
			output_response(fp, formats[i], response, "tests", 0),
			-1);
		assert_non_null(strstr(err_msg(), "cannot write output: "));
		fclose(fp);
	}
	json_decref(response);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_response_rows),
		cmocka_unit_test(test_response_plain),
		cmocka_unit_test(test_response_edges),
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_real_text),
		cmocka_unit_test(test_value_text),
		cmocka_unit_test(test_flatten),
		cmocka_unit_test(test_columns),
		cmocka_unit_test(test_terminal_width),
		cmocka_unit_test(test_write_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
