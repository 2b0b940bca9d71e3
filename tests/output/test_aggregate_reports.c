/*
 * test_aggregate_reports.c - the aggregated JUnit XML and the HTML
 * summary of 'testpump aggregate', against golden files, from a response
 * full of hostile CI strings (tests/fixtures/aggregate/response.json).
 *
 * Golden files are tests/output/golden/aggregate_junit.xml and
 * aggregate_summary.html under $SRCDIR; UPDATE_GOLDEN=1 rewrites them
 * from the current output (read them before committing).
 */
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
#include "output/aggregate_html.h"
#include "output/junit_xml.h"
#include "core/banned.h"

static json_t *load_response(void)
{
	const char *dir = getenv("FIXTURES");
	struct buf path = BUF_INIT;
	json_error_t e;
	json_t *v;

	if (!dir)
		fail_msg("FIXTURES is not set");
	buf_addf(&path, "%s/aggregate/response.json", dir);
	v = json_load_file(path.data, 0, &e);
	if (!v)
		fail_msg("cannot load '%s': %s", path.data, e.text);
	buf_release(&path);
	return v;
}

static void check_golden(const char *name, const struct buf *got)
{
	const char *srcdir = getenv("SRCDIR");
	const char *update = getenv("UPDATE_GOLDEN");
	struct buf path = BUF_INIT, want = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *fp;

	if (!srcdir)
		fail_msg("SRCDIR is not set");
	buf_addf(&path, "%s/tests/output/golden/%s", srcdir, name);
	if (update && !strcmp(update, "1")) {
		fp = fopen(path.data, "wb");
		assert_non_null(fp);
		assert_int_equal(fwrite(got->data, 1, got->len, fp), got->len);
		assert_int_equal(fclose(fp), 0);
	} else {
		fp = fopen(path.data, "rb");
		if (!fp)
			fail_msg("cannot open '%s' (UPDATE_GOLDEN=1 writes it)",
				 path.data);
		while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
			buf_add(&want, chunk, n);
		fclose(fp);
		if (want.len != got->len ||
		    memcmp(want.data, got->data, got->len))
			fail_msg("'%s' differs:\n--- want\n%s--- got\n%s",
				 path.data, want.data, got->data);
	}
	buf_release(&path);
	buf_release(&want);
}

static void test_escape(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	output_xml_escape(&b, "a<b>&\"c'\x01\x7f\t\n\r\xc3\xa9");
	assert_string_equal(b.data, "a&lt;b&gt;&amp;&quot;c&#39;"
				    "\xef\xbf\xbd\xef\xbf\xbd\t\n\r\xc3\xa9");
	buf_reset(&b);
	output_xml_escape(&b, NULL);
	output_xml_escape(&b, "");
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

static void test_junit(void **state)
{
	json_t *resp = load_response();
	struct buf b = BUF_INIT;

	(void)state;
	junit_xml_aggregated(&b, resp);
	/* no raw control byte reaches the file: XML 1.0 forbids them */
	assert_null(strchr(b.data, '\x01'));
	assert_non_null(strstr(b.data, "<testsuite name=\"openshift-tests\" "
				       "tests=\"3\" failures=\"1\" "
				       "skipped=\"1\">"));
	assert_non_null(strstr(b.data, "lifecycle=\"informing\""));
	check_golden("aggregate_junit.xml", &b);
	buf_release(&b);
	json_decref(resp);
}

static void test_html(void **state)
{
	json_t *resp = load_response();
	struct buf b = BUF_INIT;
	const char *blocking, *informing, *passed;

	(void)state;
	aggregate_html(&b, resp);
	blocking = strstr(b.data, "fails &#39;quoted&#39;");
	informing = strstr(b.data, "informing one");
	passed = strstr(b.data, "passes &lt;b&gt;always&lt;/b&gt;");
	assert_non_null(blocking);
	assert_non_null(informing);
	assert_non_null(passed);
	assert_true(blocking < informing && informing < passed);
	assert_null(strstr(b.data, "<b>always"));
	/* only http(s) URLs become links */
	assert_null(strstr(b.data, "href=\"javascript:"));
	assert_non_null(strstr(b.data, "href=\"https://ci.example/job/r1?a=1"
				       "&amp;b=&quot;2&quot;\""));
	assert_null(strstr(b.data, "<script"));
	assert_null(strstr(b.data, "src="));
	check_golden("aggregate_summary.html", &b);
	buf_release(&b);
	json_decref(resp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_junit),
		cmocka_unit_test(test_html),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
