/*
 * test_table.c - the text table: alignment, terminal safety, fitting.
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
#include "output/table.h"
#include "golden.h"
#include "core/banned.h"

/* Renders rows at width and compares with the golden file name. */
static void check_table(const char *name, const json_t *rows,
			const char *const *columns, size_t width)
{
	struct render r;

	render_open(&r);
	assert_int_equal(output_table(r.fp, rows, columns, width), 0);
	render_close(&r);
	check_golden(name, &r);
	free(r.data);
}

/* Display columns of one line of safe output: wide CJK counts 2. */
static size_t line_width(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, w = 0;

	for (i = 0; i < len; i++) {
		if ((p[i] & 0xC0) == 0x80)
			continue;
		w += p[i] >= 0xE4 && p[i] <= 0xE9 ? 2 : 1;
	}
	return w;
}

static void assert_lines_fit(const struct render *r, size_t width)
{
	const char *line = r->data, *nl;

	while ((nl = memchr(line, '\n', r->len - (size_t)(line - r->data)))) {
		if (line_width(line, (size_t)(nl - line)) > width)
			fail_msg("line wider than %zu: %.*s", width,
				 (int)(nl - line), line);
		assert_true(nl == line || nl[-1] != ' ');
		line = nl + 1;
	}
	assert_ptr_equal(line, r->data + r->len);
}

static const char mixed_rows[] =
	"["
	"{\"name\": \"a\", \"attempts\": 6, \"passes\": 6, \"rate\": 1.0,"
	" \"status\": \"pass\", \"labels\": [\"fast\", \"core\"]},"
	"{\"name\": \"a much longer test name\", \"attempts\": 12,"
	" \"passes\": 3, \"rate\": 0.25, \"status\": \"fail\","
	" \"labels\": []},"
	"{\"name\": \"no status\", \"attempts\": 1234567, \"passes\": null,"
	" \"rate\": 0.05, \"details\": {\"node\": \"n1\", \"retry\": true}},"
	"{\"name\": \"mixed\", \"attempts\": 7, \"passes\": \"n/a\","
	" \"rate\": -12.5, \"status\": null}"
	"]";

static void test_alignment(void **state)
{
	json_t *rows = load(mixed_rows);
	struct render r;

	(void)state;
	check_table("table_mixed.txt", rows, NULL, 0);

	/* ATTEMPTS and RATE are numeric; PASSES holds "n/a", so it is not. */
	render_open(&r);
	assert_int_equal(output_table(r.fp, rows, NULL, 0), 0);
	render_close(&r);
	assert_non_null(strstr(r.data, "NAME                     ATTEMPTS  "
				       "PASSES   RATE  STATUS  LABELS"));
	assert_non_null(strstr(r.data, "\nmixed                           7  "
				       "n/a     -12.5\n"));
	free(r.data);
	json_decref(rows);
}

static void test_columns_given(void **state)
{
	static const char *const columns[] = {"status", "name", "missing",
					      NULL};
	json_t *rows = load(mixed_rows);

	(void)state;
	check_table("table_columns.txt", rows, columns, 0);
	json_decref(rows);
}

/* Test names as CI hands them over: colours, tabs, newlines, bad bytes. */
static json_t *hostile_rows(void)
{
	static const char *const names[] = {
		"\x1b[31mFAIL\x1b[0m test_colour",
		"tab\there\nnewline\rcr",
		"bad \xff\xfe bytes \xe4\xb8 cut \xc3",
		"caf\xc3\xa9 cr\xc3\xa8me br\xc3\xbbl\xc3\xa9"
		"e",
		"\xe4\xb8\xad\xe6\x96\x87\xe6\xb5\x8b\xe8\xaf\x95",
		"c1 \xc2\x9b"
		"2J del \x7f bidi \xe2\x80\xae"
		"dlrow",
		"nul \0 inside",
	};
	static const size_t lens[] = {
		0, 0, 0, 0, 0, 0, sizeof("nul \0 inside") - 1};
	json_t *rows = json_array();
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t len = lens[i] ? lens[i] : strlen(names[i]);
		json_t *row = json_object();

		json_object_set_new(row, "name",
				    json_stringn_nocheck(names[i], len));
		json_object_set_new(row, "duration", json_integer((int)i * 7));
		json_object_set_new(row, "status", json_string("fail"));
		json_array_append_new(rows, row);
	}
	return rows;
}

static void test_hostile_text(void **state)
{
	json_t *rows = hostile_rows();
	struct render r;
	size_t i;

	(void)state;
	check_table("table_hostile.txt", rows, NULL, 0);

	render_open(&r);
	assert_int_equal(output_table(r.fp, rows, NULL, 0), 0);
	render_close(&r);
	for (i = 0; i < r.len; i++) {
		unsigned char c = (unsigned char)r.data[i];

		assert_true(c == '\n' || (c >= 0x20 && c != 0x7f));
	}
	assert_null(strstr(r.data, "\xc2\x9b"));
	assert_null(strstr(r.data, "\xe2\x80\xae"));
	assert_non_null(strstr(r.data, "\xef\xbf\xbd[31mFAIL"));
	assert_non_null(strstr(r.data, "caf\xc3\xa9 cr\xc3\xa8me"));
	assert_lines_fit(&r, 200);
	free(r.data);
	json_decref(rows);
}

static void test_line_count(void **state)
{
	json_t *rows = hostile_rows();
	struct render r;
	size_t i, lines = 0;

	(void)state;
	render_open(&r);
	assert_int_equal(output_table(r.fp, rows, NULL, 0), 0);
	render_close(&r);
	for (i = 0; i < r.len; i++)
		lines += r.data[i] == '\n';
	assert_int_equal(lines, json_array_size(rows) + 1);
	free(r.data);
	json_decref(rows);
}

static const char wide_rows[] =
	"["
	"{\"id\": 1, \"suite\": \"org.mozilla.fenix.ui\","
	" \"name\": \"verifyBookmarkFolderEditTest_withAVeryLongName\","
	" \"message\": \"expected <true> but was <false> at line 42 of "
	"BookmarksTest.kt\", \"ms\": 1520},"
	"{\"id\": 22, \"suite\": \"org.mozilla.fenix\","
	" \"name\": \"short\", \"message\": \"\", \"ms\": 3},"
	"{\"id\": 333, \"suite\": \"caf\\u00e9\","
	" \"name\": \"r\\u00e9sum\\u00e9 \\u00e9l\\u00e9ments accentu\\u00e9s "
	"partout dans le nom\", \"message\": null, \"ms\": 987654}"
	"]";

static void test_truncate(void **state)
{
	json_t *rows = load(wide_rows);
	struct render r;

	(void)state;
	check_table("table_width60.txt", rows, NULL, 60);

	render_open(&r);
	assert_int_equal(output_table(r.fp, rows, NULL, 60), 0);
	render_close(&r);
	assert_lines_fit(&r, 60);
	assert_non_null(strstr(r.data, "\xe2\x80\xa6"));
	/* Numbers and headers are never cut. */
	assert_non_null(strstr(r.data, "987654"));
	assert_non_null(strstr(r.data, "MESSAGE"));
	free(r.data);
	json_decref(rows);
}

static void test_no_truncate(void **state)
{
	json_t *rows = load(wide_rows);
	struct render r;

	(void)state;
	check_table("table_width0.txt", rows, NULL, 0);

	render_open(&r);
	assert_int_equal(output_table(r.fp, rows, NULL, 0), 0);
	render_close(&r);
	assert_null(strstr(r.data, "\xe2\x80\xa6"));
	assert_non_null(strstr(r.data, "BookmarksTest.kt"));
	free(r.data);

	/* A width the table already fits in changes nothing. */
	render_open(&r);
	assert_int_equal(output_table(r.fp, rows, NULL, 1000), 0);
	render_close(&r);
	assert_null(strstr(r.data, "\xe2\x80\xa6"));
	free(r.data);
	json_decref(rows);
}

/* A cut never splits a wide character: the column is padded instead. */
static void test_truncate_wide(void **state)
{
	json_t *rows = load("[{\"name\": \"\\u4e2d\\u6587\\u6d4b\\u8bd5\\u540d"
			    "\\u5b57\\u5f88\\u957f\", \"n\": 1},"
			    " {\"name\": \"abcdefghijklmnopqrstuvwxyz\","
			    " \"n\": 22}]");
	struct render r;

	(void)state;
	check_table("table_wide_cut.txt", rows, NULL, 14);
	render_open(&r);
	assert_int_equal(output_table(r.fp, rows, NULL, 14), 0);
	render_close(&r);
	assert_lines_fit(&r, 14);
	free(r.data);
	json_decref(rows);
}

/* When even the floors do not fit, the table keeps its floors. */
static void test_too_narrow(void **state)
{
	json_t *rows = load("[{\"description\": \"some long text here\","
			    " \"count\": 123456789}]");
	struct render r;

	(void)state;
	render_open(&r);
	assert_int_equal(output_table(r.fp, rows, NULL, 10), 0);
	render_close(&r);
	assert_string_equal(r.data, "DESCRIPTION      COUNT\n"
				    "some long\xe2\x80\xa6   123456789\n");
	free(r.data);
	json_decref(rows);
}

static void test_keyvalue(void **state)
{
	json_t *obj = load("{\"api_version\": 1, \"schema_version\": 7,"
			   " \"engine\": \"sqlite\", \"path\": \"testpump.db\","
			   " \"aggregation\": {\"min_attempts\": 6,"
			   " \"alpha\": 0.05, \"pity\": 2},"
			   " \"migrations\": [1, 2, 3],"
			   " \"jobs\": [{\"name\": \"e2e\"}], \"note\": null,"
			   " \"variants\": {}, \"ok\": true}");
	struct render r;

	(void)state;
	render_open(&r);
	assert_int_equal(output_keyvalue(r.fp, obj, 0), 0);
	render_close(&r);
	check_golden("table_keyvalue.txt", &r);
	assert_null(strstr(r.data, "api_version"));
	free(r.data);
	json_decref(obj);

	/* Only api_version: nothing to say. */
	obj = load("{\"api_version\": 1}");
	render_open(&r);
	assert_int_equal(output_keyvalue(r.fp, obj, 0), 0);
	render_close(&r);
	assert_int_equal(r.len, 0);
	free(r.data);
	json_decref(obj);
}

static void test_fields(void **state)
{
	json_t *obj = load("{\"api_version\": 1, \"job\": \"e2e-aws\","
			   " \"payload\": \"4.15.0-0.nightly-2024-01-01\","
			   " \"tests\": [], \"verdict\": \"\\u001b[2Jfail\"}");
	struct render r;

	(void)state;
	render_open(&r);
	assert_int_equal(output_fields(r.fp, obj, "tests", 0), 3);
	render_close(&r);
	assert_string_equal(r.data, "job:     e2e-aws\n"
				    "payload: 4.15.0-0.nightly-2024-01-01\n"
				    "verdict: \xef\xbf\xbd[2Jfail\n");
	free(r.data);

	render_open(&r);
	assert_int_equal(output_fields(r.fp, obj, "tests", 20), 3);
	render_close(&r);
	assert_string_equal(r.data, "job:     e2e-aws\n"
				    "payload: 4.15.0-0.n\xe2\x80\xa6\n"
				    "verdict: \xef\xbf\xbd[2Jfail\n");
	free(r.data);
	json_decref(obj);
}

static void test_no_rows(void **state)
{
	json_t *rows = json_array();
	struct render r;

	(void)state;
	render_open(&r);
	assert_int_equal(output_table(r.fp, rows, NULL, 80), 0);
	render_close(&r);
	assert_string_equal(r.data, "(no rows)\n");
	free(r.data);
	json_decref(rows);
}

static void test_write_error(void **state)
{
	json_t *rows = load(mixed_rows);
	FILE *fp = fopen("/dev/full", "w");

	(void)state;
	if (!fp)
		skip();
	assert_int_equal(output_table(fp, rows, NULL, 0), -1);
	assert_non_null(strstr(err_msg(), "cannot write output: "));
	fclose(fp);
	json_decref(rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_columns_given),
		cmocka_unit_test(test_hostile_text),
		cmocka_unit_test(test_line_count),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_no_truncate),
		cmocka_unit_test(test_truncate_wide),
		cmocka_unit_test(test_too_narrow),
		cmocka_unit_test(test_keyvalue),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_no_rows),
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
