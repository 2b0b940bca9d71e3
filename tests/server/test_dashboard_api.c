/*
 * test_dashboard_api.c - `testpump serve` over real HTTP on loopback:
 * pages and their arguments, assets and traversal probes, the JSON API in
 * every call type, its refusals, the token, the fixed headers, the Host
 * check and the request log.  The hostile clients are in
 * test_dashboard_hostile.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/log.h"
#include "server/dashboard_internal.h"
#include "server/page_cache.h"
#include "server_test.h"

static int setup(void **state)
{
	struct fixture *f = malloc(sizeof(*f));

	fixture_init(f);
	fixture_start(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture_release(*state);
	free(*state);
	return 0;
}

static void assert_header(const struct reply *r, const char *name,
			  const char *want)
{
	char v[256];

	assert_non_null(header(r, name, v, sizeof(v)));
	assert_string_equal(v, want);
}

static void assert_fixed_headers(const struct reply *r)
{
	assert_header(r, "Content-Security-Policy", "default-src 'self'");
	assert_header(r, "X-Content-Type-Options", "nosniff");
	assert_header(r, "X-Frame-Options", "DENY");
	assert_header(r, "Referrer-Policy", "no-referrer");
}

static void test_pages_and_headers(void **state)
{
	struct fixture *f = *state;
	struct reply r;

	http(f->port, "GET", "/", "", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<h1>home</h1>"));
	assert_header(&r, "Content-Type", "text/html; charset=utf-8");
	assert_fixed_headers(&r);
	reply_release(&r);

	http(f->port, "HEAD", "/", "", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "");
	assert_fixed_headers(&r);
	reply_release(&r);

	/* Errors carry the headers too. */
	http(f->port, "GET", "/nothing-here", "", NULL, &r);
	assert_int_equal(r.status, 404);
	assert_fixed_headers(&r);
	reply_release(&r);

	http(f->port, "POST", "/", "", "x", &r);
	assert_int_equal(r.status, 405);
	assert_header(&r, "Allow", "GET, HEAD");
	assert_fixed_headers(&r);
	reply_release(&r);

	http(f->port, "DELETE", "/api/v1/version", "", NULL, &r);
	assert_int_equal(r.status, 405);
	assert_header(&r, "Allow", "POST");
	assert_fixed_headers(&r);
	reply_release(&r);
}

static void test_page_arguments_and_errors(void **state)
{
	struct fixture *f = *state;
	struct buf many = BUF_INIT;
	struct reply r;

	http(f->port, "GET", "/echo?test=%3Cscript%3Ex&flag&job=a+b", "", NULL,
	     &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "test=&lt;script&gt;x;flag=;job=a b;"));
	reply_release(&r);

	buf_adds(&many, "/echo?");
	for (int i = 0; i < WEB_ARGS_MAX + 1; i++)
		buf_addf(&many, "a%d=%d&", i, i);
	http(f->port, "GET", many.data, "", NULL, &r);
	assert_int_equal(r.status, 400);
	reply_release(&r);
	buf_release(&many);

	/* The page's own status, and a store failure as a 500. */
	http(f->port, "GET", "/gone", "", NULL, &r);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(r.body, "no such test"));
	reply_release(&r);
	http(f->port, "GET", "/fail", "", NULL, &r);
	assert_int_equal(r.status, 500);
	assert_non_null(strstr(r.body, "cannot read "));
	assert_non_null(strstr(r.body, "&lt;table&gt;"));
	assert_null(strstr(r.body, "<table>"));
	reply_release(&r);
}

static void test_static_and_traversal(void **state)
{
	static const char *const probes[] = {
		"/static/../static/app.js",
		"/static/%2e%2e/%2e%2e/etc/passwd",
		"/static/..%2fapp.js",
		"/static%2fapp.js",
		"/static/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
		"/static/..%5c..%5cetc%5cpasswd",
		"/static/app.js%00.html",
		"/static//app.js",
		"/static/./app.js",
		"/./static/app.js",
		"/static/app.js/..",
	};
	struct fixture *f = *state;
	struct reply r;
	char ct[64];

	http(f->port, "GET", "/static/app.js", "", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, test_js);
	assert_string_equal(header(&r, "Content-Type", ct, sizeof(ct)),
			    "text/javascript");
	assert_fixed_headers(&r);
	reply_release(&r);

	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		http(f->port, "GET", probes[i], "", NULL, &r);
		if (r.status != 400)
			fail_msg("%s answered %d", probes[i], r.status);
		assert_null(strstr(r.body, "document.title"));
		assert_null(strstr(r.body, "root:"));
		reply_release(&r);
	}
	http(f->port, "GET", "/static/nope.js", "", NULL, &r);
	assert_int_equal(r.status, 404);
	reply_release(&r);
	http(f->port, "GET", "/static/app.js?x=1", "", NULL, &r);
	assert_int_equal(r.status, 200);
	reply_release(&r);
}

/* The exit code header of r. */
static int exit_of(const struct reply *r)
{
	char v[16];

	return header(r, "X-Testpump-Exit", v, sizeof(v)) ? atoi(v) : -1;
}

static void test_api_call_types(void **state)
{
	struct fixture *f = *state;
	struct reply r;

	api(f->port, "/api/v1/version", "", "{}", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(exit_of(&r), 0);
	assert_non_null(strstr(r.body, "\"api_version\": 1"));
	assert_fixed_headers(&r);
	reply_release(&r);

	api(f->port, "/api/v1/version?call_type=validate-only", "", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"valid\": true"));
	reply_release(&r);

	/* Mock calls answer for every command, ingest included. */
	api(f->port, "/api/v1/ingest/junit", "X-Call-Type: mock-success\r\n",
	    NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(exit_of(&r), 0);
	reply_release(&r);

	api(f->port, "/api/v1/aggregate?call_type=mock-failure", "", "{}", &r);
	assert_int_equal(r.status, 422);
	assert_int_equal(exit_of(&r), 2);
	assert_non_null(strstr(r.body, "\"verdict\""));
	reply_release(&r);

	api(f->port, "/api/v1/pump", "X-Call-Type: mock-failure\r\n", "{}", &r);
	assert_int_equal(r.status, 207);
	assert_int_equal(exit_of(&r), 3);
	reply_release(&r);

	api(f->port, "/api/v1/version?call_type=mock-failure", "", "{}", &r);
	assert_int_equal(r.status, 400);
	assert_int_equal(exit_of(&r), 1);
	assert_non_null(strstr(r.body, "\"error\""));
	reply_release(&r);

	api(f->port, "/api/v1/serve?call_type=mock-invalid", "", "{}", &r);
	assert_int_equal(r.status, 400);
	assert_int_equal(exit_of(&r), 1);
	reply_release(&r);

	/* The query wins over the header. */
	api(f->port, "/api/v1/aggregate?call_type=mock-success",
	    "X-Call-Type: mock-failure\r\n", "{}", &r);
	assert_int_equal(r.status, 200);
	reply_release(&r);

	api(f->port, "/api/v1/version?call_type=sometimes", "", "{}", &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "unknown call type 'sometimes'"));
	reply_release(&r);
}

static void test_api_runs_the_router(void **state)
{
	struct fixture *f = *state;
	struct reply r;

	api(f->port, "/api/v1/db/status", "", "{}", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, f->dir));
	reply_release(&r);

	api(f->port, "/api/v1/jobs/list", "", NULL, &r);
	assert_int_equal(r.status, 200);
	reply_release(&r);

	/* Validation failures name the option, as on the command line. */
	api(f->port, "/api/v1/report", "", "{\"name\": \"no-such-report\"}",
	    &r);
	assert_int_equal(r.status, 400);
	assert_int_equal(exit_of(&r), 1);
	assert_non_null(strstr(r.body, "no-such-report"));
	reply_release(&r);
	api(f->port, "/api/v1/report?call_type=validate-only", "",
	    "{\"name\": \"test-case-coverage\", \"days\": 0}", &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "days"));
	reply_release(&r);
	api(f->port, "/api/v1/report", "",
	    "{\"name\": \"test-case-coverage\", \"days\": \"7\"}", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"rows\": []"));
	reply_release(&r);

	http(f->port, "GET", "/api/v1/commands", "", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"name\": \"serve\""));
	assert_non_null(strstr(r.body, "\"name\": \"ingest junit\""));
	reply_release(&r);
}

static void test_api_refusals(void **state)
{
	struct fixture *f = *state;
	struct reply r;

	api(f->port, "/api/v1/version", "", "{\"a\": ", &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "not valid JSON: line 1"));
	reply_release(&r);
	api(f->port, "/api/v1/version", "", "[1, 2]", &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "JSON object"));
	reply_release(&r);
	api(f->port, "/api/v1/version", "", "{\"a\": 1, \"a\": 2}", &r);
	assert_int_equal(r.status, 400);
	reply_release(&r);
	http(f->port, "POST", "/api/v1/version", "Content-Type: text/plain\r\n",
	     "{}", &r);
	assert_int_equal(r.status, 415);
	reply_release(&r);
	http(f->port, "POST", "/api/v1/version", "", NULL, &r);
	assert_int_equal(r.status, 415);
	reply_release(&r);

	api(f->port, "/api/v1/reprot", "", "{}", &r);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(r.body, "did you mean 'report'"));
	reply_release(&r);
	api(f->port, "/api/v1/db", "", "{}", &r);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(r.body, "is a group"));
	reply_release(&r);
	api(f->port, "/api/v2/version", "", "{}", &r);
	assert_int_equal(r.status, 404);
	reply_release(&r);
	http(f->port, "GET", "/api/v1/report", "", NULL, &r);
	assert_int_equal(r.status, 405);
	reply_release(&r);

	/* Not from the web: serving, files of the server, the schema. */
	api(f->port, "/api/v1/serve", "", "{}", &r);
	assert_int_equal(r.status, 403);
	reply_release(&r);
	api(f->port, "/api/v1/faux/serve?call_type=validate-only", "", "{}",
	    &r);
	assert_int_equal(r.status, 403);
	reply_release(&r);
	api(f->port, "/api/v1/ingest/junit", "",
	    "{\"paths\": [\"/etc/passwd\"], \"job\": \"j\", \"run-id\": "
	    "\"1\"}",
	    &r);
	assert_int_equal(r.status, 403);
	assert_null(strstr(r.body, "root:"));
	reply_release(&r);
	api(f->port, "/api/v1/db/migrate", "", "{}", &r);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(r.body, "--allow-admin"));
	reply_release(&r);
}

static void test_allow_list(void **state)
{
	json_t *none = json_object(), *path = json_pack("{s:s}", "paths", "x");

	(void)state;
	assert_int_equal(dash_api_allowed(&cmd_report, CALL_EXECUTE, none, 0),
			 0);
	assert_int_equal(dash_api_allowed(&cmd_db_init, CALL_EXECUTE, none, 0),
			 -1);
	assert_int_equal(dash_api_allowed(&cmd_db_init, CALL_EXECUTE, none, 1),
			 0);
	assert_int_equal(
		dash_api_allowed(&cmd_serve, CALL_VALIDATE_ONLY, none, 1), -1);
	assert_int_equal(
		dash_api_allowed(&cmd_serve, CALL_MOCK_SUCCESS, none, 0), 0);
	assert_int_equal(
		dash_api_allowed(&cmd_ingest_junit, CALL_EXECUTE, path, 1), -1);
	/* aggregate writes reports into --working-dir (default "."). */
	assert_int_equal(
		dash_api_allowed(&cmd_aggregate, CALL_EXECUTE, none, 1), -1);
	json_decref(none);
	json_decref(path);
	err_clear();
}

static void test_token(void **state)
{
	static const char *const targets[] = {"/", "/static/app.js", "/nothing",
					      "/api/v1/commands"};
	struct fixture *f = *state;
	struct reply r;
	char v[64];

	dashboard_server_stop(f->server);
	f->o.token = "s3cret-Token";
	fixture_start(f);
	f->o.token = NULL; /* the server keeps only a digest */
	for (size_t i = 0; i < 4; i++) {
		http(f->port, "GET", targets[i], "", NULL, &r);
		assert_int_equal(r.status, 401);
		assert_string_equal(
			header(&r, "WWW-Authenticate", v, sizeof(v)),
			"Bearer realm=\"testpump\"");
		assert_fixed_headers(&r);
		reply_release(&r);
		http(f->port, "GET", targets[i],
		     "Authorization: Bearer s3cret-Tokem\r\n", NULL, &r);
		assert_int_equal(r.status, 401);
		reply_release(&r);
		http(f->port, "GET", targets[i],
		     "Authorization: Bearer s3cret-Token-\r\n", NULL, &r);
		assert_int_equal(r.status, 401);
		reply_release(&r);
		http(f->port, "GET", targets[i],
		     "Authorization: Basic czNjcmV0LVRva2Vu\r\n", NULL, &r);
		assert_int_equal(r.status, 401);
		reply_release(&r);
		http(f->port, "GET", targets[i],
		     "Authorization: Bearer s3cret-Token\r\n", NULL, &r);
		assert_int_equal(r.status, i == 2 ? 404 : 200);
		assert_null(strstr(r.raw.data, "s3cret"));
		reply_release(&r);
	}
	api(f->port, "/api/v1/version", "", "{}", &r);
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(r.body, "\"error\""));
	reply_release(&r);
}

static void test_token_compare(void **state)
{
	unsigned char d[32];

	(void)state;
	dash_token_digest("abc", 3, d);
	assert_true(dash_token_ok(d, "Bearer abc"));
	assert_true(dash_token_ok(d, "bearer  abc"));
	assert_false(dash_token_ok(d, "Bearer abcd"));
	assert_false(dash_token_ok(d, "Bearer ab"));
	assert_false(dash_token_ok(d, "Bearer "));
	assert_false(dash_token_ok(d, "abc"));
	assert_false(dash_token_ok(d, NULL));
	dash_token_digest("", 0, d);
	assert_false(dash_token_ok(d, "Bearer "));
}

static void test_host_header(void **state)
{
	struct fixture *f = *state;
	struct reply r;
	const char rebound[] = "GET / HTTP/1.1\r\nHost: evil.example:8080\r\n"
			       "Connection: close\r\n\r\n";
	const char local[] = "GET / HTTP/1.1\r\nHost: localhost\r\n"
			     "Connection: close\r\n\r\n";
	const char old[] = "GET / HTTP/1.0\r\n\r\n";

	exchange(f->port, rebound, sizeof(rebound) - 1, &r);
	assert_int_equal(r.status, 421);
	reply_release(&r);
	exchange(f->port, local, sizeof(local) - 1, &r);
	assert_int_equal(r.status, 200);
	reply_release(&r);
	exchange(f->port, old, sizeof(old) - 1, &r);
	assert_int_equal(r.status, 200);
	reply_release(&r);
}

/* Two requests on one connection: both answered, the connection kept. */
static void test_keep_alive(void **state)
{
	struct fixture *f = *state;
	struct buf got = BUF_INIT;
	char req[256];
	int fd = dial(f->port), n;
	double t0 = now_s();

	n = snprintf(req, sizeof(req),
		     "GET /echo?n=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
		     "GET /echo?n=2 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		     "Connection: close\r\n\r\n");
	assert_int_equal(send_all(fd, req, (size_t)n), 0);
	read_all(fd, &got);
	close(fd);
	assert_non_null(strstr(got.data, "n=1;"));
	assert_non_null(strstr(got.data, "n=2;"));
	assert_true(now_s() - t0 < 4);
	buf_release(&got);
}

/* The number in "render N" of r's body. */
static int render_of(const struct reply *r)
{
	const char *p = strstr(r->body, "render ");

	return p ? atoi(p + 7) : -1;
}

/* Pages are kept cache_ms; other keys, errors and the API are not. */
static void test_page_cache(void **state)
{
	struct fixture *f = *state;
	struct reply r;
	int first;

	dashboard_server_stop(f->server);
	f->o.cache_ms = 400;
	fixture_start(f);
	http(f->port, "GET", "/count", "", NULL, &r);
	first = render_of(&r);
	reply_release(&r);
	http(f->port, "GET", "/count", "", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(render_of(&r), first);
	reply_release(&r);
	http(f->port, "GET", "/count?x=1", "", NULL, &r);
	assert_int_equal(r.status, 404);
	assert_int_equal(render_of(&r), first + 1);
	reply_release(&r);
	http(f->port, "GET", "/count?x=1", "", NULL, &r);
	assert_int_equal(render_of(&r), first + 2);
	reply_release(&r);
	usleep(500000);
	http(f->port, "GET", "/count", "", NULL, &r);
	assert_int_equal(render_of(&r), first + 3);
	assert_fixed_headers(&r);
	reply_release(&r);
}

/* One caller refreshes an expired page; the others get the old one. */
static void test_page_cache_refresh(void **state)
{
	struct page_cache *c = page_cache_new(100);
	struct buf b = BUF_INIT;

	(void)state;
	assert_null(page_cache_new(0));
	assert_int_equal(page_cache_get(c, "/a", &b), 0);
	page_cache_put(c, "/a", "one", 3);
	assert_int_equal(page_cache_get(c, "/a", &b), 1);
	assert_string_equal(b.data, "one");
	usleep(150000);
	buf_reset(&b);
	assert_int_equal(page_cache_get(c, "/a", &b), 0); /* the refresher */
	assert_int_equal(page_cache_get(c, "/a", &b), 1); /* the others */
	assert_string_equal(b.data, "one");
	page_cache_put(c, "/a", "two", 3);
	buf_reset(&b);
	assert_int_equal(page_cache_get(c, "/a", &b), 1);
	assert_string_equal(b.data, "two");
	page_cache_drop(c, "/a");
	assert_int_equal(page_cache_get(c, "/a", &b), 0);
	/* More keys than it holds: the oldest go, the newest stay. */
	for (int i = 0; i < PAGE_CACHE_MAX + 10; i++) {
		char key[16];

		snprintf(key, sizeof(key), "/k%d", i);
		page_cache_put(c, key, key, strlen(key));
	}
	buf_reset(&b);
	assert_int_equal(page_cache_get(c, "/k73", &b), 1);
	assert_string_equal(b.data, "/k73");
	buf_release(&b);
	page_cache_free(c);
}

/* -v logs one line per request: no token, no query string. */
static void test_request_log(void **state)
{
	struct fixture *f = *state;
	FILE *log = tmpfile();
	struct buf text = BUF_INIT;
	struct reply r;
	char chunk[512];
	size_t n;

	dashboard_server_stop(f->server);
	f->o.token = "tok-9f8e7d";
	fixture_start(f);
	log_set_stream(log);
	log_set_level(LOG_INFO);
	http(f->port, "GET", "/echo?password=hunter2",
	     "Authorization: Bearer tok-9f8e7d\r\n", NULL, &r);
	assert_int_equal(r.status, 200);
	reply_release(&r);
	http(f->port, "GET", "/echo", "Authorization: Bearer wrong\r\n", NULL,
	     &r);
	reply_release(&r);
	dashboard_server_stop(f->server);
	f->server = NULL;
	log_set_level(LOG_WARN);
	log_set_stream(NULL);
	rewind(log);
	while ((n = fread(chunk, 1, sizeof(chunk), log)) > 0)
		buf_add(&text, chunk, n);
	fclose(log);
	assert_non_null(strstr(text.data, "GET /echo 200 "));
	assert_non_null(strstr(text.data, "GET /echo 401 "));
	assert_null(strstr(text.data, "hunter2"));
	assert_null(strstr(text.data, "tok-9f8e7d"));
	assert_null(strstr(text.data, "wrong"));
	buf_release(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pages_and_headers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_page_arguments_and_errors,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_static_and_traversal,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_api_call_types, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_api_runs_the_router, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_api_refusals, setup,
						teardown),
		cmocka_unit_test(test_allow_list),
		cmocka_unit_test_setup_teardown(test_token, setup, teardown),
		cmocka_unit_test(test_token_compare),
		cmocka_unit_test_setup_teardown(test_host_header, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_keep_alive, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_request_log, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_page_cache, setup,
						teardown),
		cmocka_unit_test(test_page_cache_refresh),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
