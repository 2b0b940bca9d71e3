/*
 * test_pages.c - the dashboard's pages over a real SQLite store filled
 * through the router (db init, ingest junit, aggregate), as the CLI
 * fills it: every page renders served and exported, links are relative,
 * empty pages name the command that fills them, a test named
 * "<script>alert(1)</script>" with quotes is text everywhere, and the
 * aggregation and history pages match their golden files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "commands/commands.h"
#include "core/buf.h"
#include "core/err.h"
#include "web/pages.h"
#include "../output/golden.h"
#include "../store/tmpdir.h"

#define XSS_XML \
	"&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; &apos;a&apos;"
#define XSS_HTML \
	"&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; &#39;a&#39;"
#define XSS_RAW "<script>alert(1)</script> \"q\" 'a'"
#define JOB "e2e-<b>job</b>"
#define PAYLOAD "4.16.0-nightly"

static char tmp[] = "/tmp/testpump-web-XXXXXX";
static char db_url[128];
static struct api_env env;

static int run(const char *name, json_t *opts)
{
	json_t *resp = NULL;
	int rc =
		api_route(commands_find(name), CALL_EXECUTE, opts, &env, &resp);

	if (rc != 0 && rc != 2)
		fprintf(stderr, "%s: exit %d: %s\n", name, rc, err_msg());
	json_decref(resp);
	json_decref(opts);
	return rc;
}

/* One run: the hostile test's outcome, and two plain tests. */
static void ingest(int i, const char *outcome, const char *payload)
{
	char path[256], rid[32], at[32];
	json_t *opts;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/r%d.xml", tmp, i);
	snprintf(rid, sizeof(rid), "run-%02d", i);
	snprintf(at, sizeof(at), "2024-05-%02dT10:00:00Z", i + 1);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fprintf(fp,
		"<testsuite name=\"e2e\">\n"
		"<testcase classname=\"c\" name=\"plain passes\"/>\n"
		"<testcase classname=\"c\" name=\"" XSS_XML "\">%s"
		"</testcase>\n</testsuite>\n",
		!strcmp(outcome, "fail") ? "<failure message=\"boom\"/>" : "");
	fclose(fp);
	opts = json_pack("{s:[s], s:s, s:s, s:s, s:s}", "paths", path, "job",
			 JOB, "run-id", rid, "started-at", at, "url",
			 "https://ci.example/run?a=1&b=<2>");
	if (payload)
		json_object_set_new(opts, "payload", json_string(payload));
	assert_int_equal(run("ingest junit", opts), 0);
}

static int setup(void **state)
{
	char dir[300];

	(void)state;
	assert_non_null(mkdtemp(tmp));
	snprintf(db_url, sizeof(db_url), "sqlite:%s/t.db", tmp);
	env.db_url = db_url;
	setenv("TESTPUMP_NOW", "2024-05-20T12:00:00Z", 1);
	assert_int_equal(run("db init", json_object()), 0);
	for (int i = 0; i < 8; i++)
		ingest(i, i ? "pass" : "fail", NULL);
	for (int i = 8; i < 14; i++)
		ingest(i, i == 8 ? "pass" : "fail", PAYLOAD);
	snprintf(dir, sizeof(dir), "%s/agg", tmp);
	assert_int_equal(run("aggregate",
			     json_pack("{s:s, s:s, s:s}", "job", JOB, "payload",
				       PAYLOAD, "working-dir", dir)),
			 2);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	remove_tree(tmp);
	return 0;
}

static int render(const char *path, int exported, const char *k1,
		  const char *v1, const char *k2, const char *v2,
		  struct buf *out)
{
	struct web_context ctx = {&env, exported};
	struct web_args args = {0};
	const struct web_page *p = web_page_find(path);

	assert_non_null(p);
	if (k1) {
		args.keys[args.n] = k1;
		args.values[args.n++] = v1;
	}
	if (k2) {
		args.keys[args.n] = k2;
		args.values[args.n++] = v2;
	}
	buf_reset(out);
	return p->render(&ctx, &args, out);
}

static void assert_no_raw(const char *html)
{
	assert_null(strstr(html, "<script>"));
	assert_null(strstr(html, "alert(1)</script>"));
	assert_null(strstr(html, "<b>job</b>"));
	assert_null(strstr(html, " style="));
	assert_null(strstr(html, " onclick"));
}

static void test_every_page(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	for (int exported = 0; exported < 2; exported++) {
		for (size_t i = 0; web_pages[i].path; i++) {
			int st = render(web_pages[i].path, exported, NULL, NULL,
					NULL, NULL, &out);

			assert_int_equal(st, 200);
			assert_non_null(strstr(out.data, "<!DOCTYPE html>"));
			assert_non_null(strstr(out.data, "</html>"));
			assert_non_null(strstr(out.data, "<nav"));
			assert_non_null(
				strstr(out.data, "href=\"static/style.css\""));
			assert_non_null(strstr(
				out.data, exported ? "href=\"history.html\""
						   : "href=\"history\""));
			assert_null(strstr(out.data, "href=\"/"));
			assert_null(strstr(out.data, "http://cdn"));
			assert_no_raw(out.data);
		}
	}
	buf_release(&out);
}

/* The hostile name shows, escaped, wherever tests are listed. */
static void test_script_name_is_text(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	assert_int_equal(
		render("/aggregation", 0, NULL, NULL, NULL, NULL, &out), 200);
	assert_non_null(strstr(out.data, XSS_HTML));
	assert_non_null(strstr(out.data, "e2e-&lt;b&gt;job&lt;/b&gt;"));
	/* The link to its history is percent-encoded. */
	assert_non_null(strstr(out.data, "history?test=%3Cscript%3Ealert"));
	assert_no_raw(out.data);
	assert_int_equal(
		render("/history", 0, "test", XSS_RAW, NULL, NULL, &out), 200);
	assert_non_null(strstr(out.data, XSS_HTML));
	assert_no_raw(out.data);
	assert_int_equal(render("/history", 1, NULL, NULL, NULL, NULL, &out),
			 200);
	assert_non_null(strstr(out.data, XSS_HTML));
	assert_no_raw(out.data);
	buf_release(&out);
}

static void test_arguments(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	assert_int_equal(
		render("/history", 0, "test", "no such test", NULL, NULL, &out),
		404);
	assert_non_null(strstr(out.data, "testpump ingest junit"));
	assert_int_equal(
		render("/aggregation", 0, "job", JOB, "payload", "nope", &out),
		404);
	assert_int_equal(
		render("/aggregation", 0, "job", JOB, "payload", PAYLOAD, &out),
		200);
	assert_non_null(strstr(out.data, "Verdict: <b>failed</b>"));
	assert_int_equal(
		render("/history", 0, "test", "plain passes", "job", JOB, &out),
		200);
	assert_non_null(strstr(out.data, "14 runs: 14 passed"));
	buf_release(&out);
}

static void test_goldens(void **state)
{
	struct buf out = BUF_INIT;
	struct render r;

	(void)state;
	assert_int_equal(
		render("/aggregation", 1, NULL, NULL, NULL, NULL, &out), 200);
	r = (struct render){NULL, out.data, out.len};
	check_golden("page_aggregation.html", &r);
	assert_int_equal(
		render("/history", 0, "test", XSS_RAW, NULL, NULL, &out), 200);
	r = (struct render){NULL, out.data, out.len};
	check_golden("page_history.html", &r);
	buf_release(&out);
}

/* Pages over an empty store say which command fills them. */
static void test_empty_store(void **state)
{
	struct api_env empty = {0};
	char url[160];
	struct buf out = BUF_INIT;
	struct web_context ctx = {&empty, 0};
	struct web_args args = {0};
	json_t *resp = NULL, *opts;

	(void)state;
	snprintf(url, sizeof(url), "sqlite:%s/empty.db", tmp);
	empty.db_url = url;
	opts = json_object();
	assert_int_equal(api_route(commands_find("db init"), CALL_EXECUTE, opts,
				   &empty, &resp),
			 0);
	json_decref(resp);
	json_decref(opts);
	for (size_t i = 0; web_pages[i].path; i++) {
		buf_reset(&out);
		assert_int_equal(web_pages[i].render(&ctx, &args, &out), 200);
		assert_non_null(strstr(out.data, "class=\"empty\""));
		assert_non_null(strstr(out.data, "<code>testpump "));
	}
	/* No database at all: the overview says so and what to run. */
	snprintf(url, sizeof(url), "sqlite:%s/missing.db", tmp);
	buf_reset(&out);
	assert_int_equal(web_pages[0].render(&ctx, &args, &out), 200);
	assert_non_null(strstr(out.data, "testpump db init"));
	buf_release(&out);
}

int main(void)
{
	/* golden.h helpers this program does not need */
	(void)render_open;
	(void)render_close;
	(void)load;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_page),
		cmocka_unit_test(test_script_name_is_text),
		cmocka_unit_test(test_arguments),
		cmocka_unit_test(test_goldens),
		cmocka_unit_test(test_empty_store),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
