/*
 * test_http.c - the HTTP client, paging and the faux upstream, end to end
 * over loopback: a real libmicrohttpd server (server/faux_server.c) on a
 * free port, and the real libcurl path against it in every scenario.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/log.h"
#include "core/timestamp.h"
#include "server/faux_server.h"
#include "sources/faux.h"
#include "sources/http.h"
#include "sources/paging.h"

#define SECRET "s3cr3t-Passw0rd"

static struct faux_server *serve(enum faux_scenario sc, int64_t size)
{
	struct faux_server_options o = {"127.0.0.1", 0, {sc, size, 0}, 0};
	struct faux_server *s = NULL;

	o.faux.now_ms = timestamp_now_ms();
	assert_int_equal(faux_server_start(&s, &o), 0);
	assert_true(faux_server_port(s) > 0);
	return s;
}

static char *url(struct faux_server *s, const char *api)
{
	char *u = malloc(256);

	snprintf(u, 256, "http://127.0.0.1:%d/index.php?/api/v2/%s",
		 faux_server_port(s), api);
	return u;
}

static struct http_client *client(int tries)
{
	struct http_options o;
	struct http_client *c = NULL;

	http_options_init(&o);
	o.username = "qa@example.com";
	o.password = SECRET;
	o.max_tries = tries;
	o.backoff_ms = 20;
	assert_int_equal(http_client_new(&c, &o), 0);
	return c;
}

/* Captures the log in a temporary file; returns it. */
static FILE *capture_log(void)
{
	FILE *fp = tmpfile();

	assert_non_null(fp);
	log_set_stream(fp);
	log_set_level(LOG_INFO);
	return fp;
}

static char *read_log(FILE *fp)
{
	long n;
	char *text;

	log_set_stream(NULL);
	log_set_level(LOG_WARN);
	fflush(fp);
	n = ftell(fp);
	rewind(fp);
	text = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	return text;
}

static void test_get_ok_logs_one_line(void **state)
{
	struct faux_server *s = serve(FAUX_OK, 0);
	struct http_client *c = client(3);
	struct http_response r;
	char *u = url(s, "get_statuses");
	FILE *log = capture_log();
	char *text;

	(void)state;
	http_response_init(&r);
	assert_int_equal(http_get(c, u, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.data, "\"Passed\""));
	text = read_log(log);
	assert_non_null(strstr(text, "GET http://127.0.0.1:"));
	assert_non_null(strstr(text, " 200 "));
	assert_non_null(strstr(text, " bytes "));
	assert_null(strstr(text, SECRET));
	free(text);
	free(u);
	http_response_release(&r);
	http_client_free(c);
	faux_server_stop(s);
}

static void test_retry_after_then_success(void **state)
{
	struct faux_server *s = serve(FAUX_RATE_LIMITED, 0);
	struct http_client *c = client(4);
	struct http_response r;
	struct http_stats st;
	char *u = url(s, "get_projects");

	(void)state;
	http_response_init(&r);
	assert_int_equal(http_get(c, u, &r), 0);
	assert_int_equal(r.status, 200);
	http_client_stats(c, &st);
	assert_int_equal(st.calls, 3); /* 429, 409, 200 */
	assert_int_equal(st.retries, 2);
	assert_true(st.wait_ms >= 1000); /* Retry-After: 1 was honoured */
	free(u);
	http_response_release(&r);
	http_client_free(c);
	faux_server_stop(s);
}

static void test_retries_are_bounded(void **state)
{
	struct faux_server *s = serve(FAUX_RATE_LIMITED, 0);
	struct http_client *c = client(1);
	struct http_response r;
	char *u = url(s, "get_projects");

	(void)state;
	http_response_init(&r);
	assert_int_equal(http_get(c, u, &r), -1);
	assert_int_equal(r.status, 429);
	assert_non_null(strstr(err_msg(), "HTTP 429"));
	assert_non_null(strstr(err_msg(), "Rate Limit"));
	free(u);
	http_response_release(&r);
	http_client_free(c);
	faux_server_stop(s);
}

static void test_no_retry_on_4xx_and_500(void **state)
{
	struct faux_server *s = serve(FAUX_SERVER_ERROR, 0);
	struct http_client *c = client(5);
	struct http_response r;
	struct http_stats st;
	char *bad = url(s, "get_nothing");
	char *err = url(s, "get_runs/48");

	(void)state;
	http_response_init(&r);
	assert_int_equal(http_get(c, bad, &r), -1);
	assert_int_equal(r.status, 400);
	assert_int_equal(http_get(c, err, &r), -1);
	assert_int_equal(r.status, 500);
	assert_non_null(strstr(err_msg(), "get_runs/48"));
	http_client_stats(c, &st);
	assert_int_equal(st.calls, 2);
	free(bad);
	free(err);
	http_response_release(&r);
	http_client_free(c);
	faux_server_stop(s);
}

static void test_auth_is_sent(void **state)
{
	struct faux_server *s = serve(FAUX_OK, 0);
	struct http_options o;
	struct http_client *c = NULL;
	struct http_response r;
	char *u = url(s, "get_statuses");

	(void)state;
	http_options_init(&o);
	assert_int_equal(http_client_new(&c, &o), 0);
	http_response_init(&r);
	assert_int_equal(http_get(c, u, &r), -1);
	assert_int_equal(r.status, 401);
	http_client_free(c);
	c = client(1);
	assert_int_equal(http_get(c, u, &r), 0);
	free(u);
	http_response_release(&r);
	http_client_free(c);
	faux_server_stop(s);
}

struct counted {
	size_t items[16];
	int64_t first_id[16];
	int64_t last_id[16];
};

static int count_page(size_t stream, const struct jscan *doc, uint32_t items,
		      void *ctx)
{
	struct counted *k = ctx;
	size_t n = jscan_size(doc, items);
	uint32_t last = 0;

	for (uint32_t c = jscan_first(doc, items); c;
	     c = jscan_next(doc, items, c))
		last = c;
	if (!k->items[stream] && n)
		k->first_id[stream] = jscan_int(
			doc, jscan_get(doc, jscan_first(doc, items), "id"), -1);
	if (n)
		k->last_id[stream] =
			jscan_int(doc, jscan_get(doc, last, "id"), -1);
	k->items[stream] += n;
	return 0;
}

/* Generated cases: 5 projects x 10 suites x (size / 50) cases each. */
static void read_generated(int lookahead, int limit)
{
	struct faux_server *s = serve(FAUX_OK, 50 * 1003);
	struct http_client *c = client(2);
	struct page_stream st[3] = {0};
	struct paging_options o;
	struct counted k = {0};
	char *u[3];

	u[0] = url(s, "get_cases/59&suite_id=5901");
	u[1] = url(s, "get_cases/59&suite_id=5902");
	u[2] = url(s, "get_cases/14&suite_id=1410");
	for (int i = 0; i < 3; i++) {
		st[i].url = u[i];
		st[i].key = "cases";
		st[i].name = "get_cases";
	}
	paging_options_init(&o);
	o.lookahead = lookahead;
	o.limit = limit;
	assert_int_equal(paging_run(c, st, 3, &o, count_page, &k), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(k.items[i], 1003);
		assert_int_equal(st[i].items, 1003);
		assert_true(st[i].done);
		free(u[i]);
	}
	assert_int_equal(k.first_id[0], 5901LL * 100000);
	assert_int_equal(k.last_id[0], 5901LL * 100000 + 1002);
	assert_int_equal(k.last_id[2], 1410LL * 100000 + 1002);
	http_client_free(c);
	faux_server_stop(s);
}

static void test_paging_sequential(void **state)
{
	(void)state;
	read_generated(1, 250);
}

static void test_paging_parallel(void **state)
{
	(void)state;
	read_generated(8, 250);
	read_generated(3, 100);
}

static void test_paging_legacy_array(void **state)
{
	struct faux_server *s = serve(FAUX_LEGACY, 0);
	struct http_client *c = client(2);
	struct page_stream st = {0};
	struct paging_options o;
	struct counted k = {0};
	char *u = url(s, "get_runs/59");

	(void)state;
	st.url = u;
	st.key = "runs";
	st.name = "get_runs/59";
	paging_options_init(&o);
	o.lookahead = 4;
	assert_int_equal(paging_run(c, &st, 1, &o, count_page, &k), 0);
	assert_int_equal(st.pages, 1);
	assert_int_equal(k.items[0], 4);
	free(u);
	http_client_free(c);
	faux_server_stop(s);
}

static void test_paging_malformed_names_endpoint(void **state)
{
	struct faux_server *s = serve(FAUX_MALFORMED, 0);
	struct http_client *c = client(2);
	struct page_stream st = {0};
	struct paging_options o;
	struct counted k = {0};
	char *u = url(s, "get_cases/58&suite_id=5801");

	(void)state;
	st.url = u;
	st.key = "cases";
	st.name = "get_cases/58&suite_id=5801";
	paging_options_init(&o);
	assert_int_equal(paging_run(c, &st, 1, &o, count_page, &k), -1);
	assert_non_null(strstr(err_msg(), "'get_cases/58&suite_id=5801'"));
	assert_non_null(strstr(err_msg(), "malformed response"));
	assert_non_null(strstr(err_msg(), "column"));
	free(u);
	http_client_free(c);
	faux_server_stop(s);
}

static void test_connection_refused(void **state)
{
	struct http_client *c = client(3);
	struct http_response r;
	struct http_stats st;

	(void)state;
	http_response_init(&r);
	/* Port 1 on loopback: nothing listens there. */
	assert_int_equal(
		http_get(c, "http://127.0.0.1:1/index.php?/api/v2/x", &r), -1);
	assert_non_null(strstr(err_msg(), "127.0.0.1:1"));
	http_client_stats(c, &st);
	assert_int_equal(st.calls, 1);
	http_client_free(c);
}

static void test_retry_delay(void **state)
{
	struct http_options o;
	uint64_t seed = 42;

	(void)state;
	http_options_init(&o);
	assert_int_equal(http_retry_delay(&o, 1, 1500, &seed), 1500);
	assert_int_equal(http_retry_delay(&o, 1, 999999, &seed), 30000);
	for (int i = 0; i < 50; i++) {
		long d1 = http_retry_delay(&o, 1, -1, &seed);
		long d3 = http_retry_delay(&o, 3, -1, &seed);

		assert_true(d1 >= 250 && d1 <= 500);
		assert_true(d3 >= 1000 && d3 <= 2000);
		assert_true(http_retry_delay(&o, 20, -1, &seed) <= 30000);
	}
	assert_true(http_status_retryable(429));
	assert_true(http_status_retryable(409));
	assert_true(http_status_retryable(503));
	assert_false(http_status_retryable(500));
	assert_false(http_status_retryable(404));
	assert_false(http_status_retryable(401));
}

static void test_parse_retry_after(void **state)
{
	(void)state;
	assert_int_equal(http_parse_retry_after(" 120\r\n", 0), 120000);
	assert_int_equal(http_parse_retry_after("0", 0), 0);
	assert_int_equal(http_parse_retry_after("soon", 0), -1);
	assert_int_equal(http_parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT",
						1445412480),
			 10000);
	assert_int_equal(http_parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT",
						1445412490),
			 0);
}

static void test_faux_envelope_links(void **state)
{
	struct faux_options fo = {FAUX_OK, 0, 0};
	struct faux *f = NULL;
	struct http_response r;
	json_t *doc, *next;

	(void)state;
	fo.now_ms = timestamp_now_ms();
	assert_int_equal(faux_new(&f, &fo), 0);
	http_response_init(&r);
	faux_respond(f, "/index.php?/api/v2/get_runs/59&limit=2&offset=0", 1,
		     &r);
	assert_int_equal(r.status, 200);
	doc = json_loads(r.body.data, 0, NULL);
	assert_non_null(doc);
	assert_int_equal(json_integer_value(json_object_get(doc, "size")), 2);
	next = json_object_get(json_object_get(doc, "_links"), "next");
	assert_string_equal(json_string_value(next),
			    "/api/v2/get_runs/59&limit=2&offset=2");
	json_decref(doc);
	faux_respond(f, "/index.php?/api/v2/get_runs/59", 0, &r);
	assert_int_equal(r.status, 401);
	faux_respond(f, "/elsewhere", 1, &r);
	assert_int_equal(r.status, 404);
	faux_respond(f, "/index.php?/api/v2/get_suites/12345", 1, &r);
	assert_int_equal(r.status, 400);
	http_response_release(&r);
	faux_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_ok_logs_one_line),
		cmocka_unit_test(test_retry_after_then_success),
		cmocka_unit_test(test_retries_are_bounded),
		cmocka_unit_test(test_no_retry_on_4xx_and_500),
		cmocka_unit_test(test_auth_is_sent),
		cmocka_unit_test(test_paging_sequential),
		cmocka_unit_test(test_paging_parallel),
		cmocka_unit_test(test_paging_legacy_array),
		cmocka_unit_test(test_paging_malformed_names_endpoint),
		cmocka_unit_test(test_connection_refused),
		cmocka_unit_test(test_retry_delay),
		cmocka_unit_test(test_parse_retry_after),
		cmocka_unit_test(test_faux_envelope_links),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
