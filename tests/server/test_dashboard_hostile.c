/*
 * test_dashboard_hostile.c - `testpump serve` under hostile clients, on
 * real loopback sockets: oversized bodies (declared and chunked) and
 * headers, more connections than allowed, a client that sends its
 * request a byte at a time, and many clients at once on the router.  Each
 * time the others are still served.  Bounded: under ten seconds.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "server_test.h"

static int setup(void **state)
{
	struct fixture *f = malloc(sizeof(*f));

	fixture_init(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture_release(*state);
	free(*state);
	return 0;
}

/* A plain request is answered, and quickly. */
static void assert_served(const struct fixture *f)
{
	double t0 = now_s();
	struct reply r;

	http(f->port, "GET", "/echo?alive=1", "", NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "alive=1;"));
	assert_true(now_s() - t0 < 2.0);
	reply_release(&r);
}

static void test_body_limit(void **state)
{
	struct fixture *f = *state;
	struct buf body = BUF_INIT, req = BUF_INIT;
	struct reply r;
	char v[64];

	f->o.max_body = 1024;
	fixture_start(f);
	buf_adds(&body, "{}");
	while (body.len < 1000)
		buf_addch(&body, ' ');
	api(f->port, "/api/v1/version", "", body.data, &r);
	assert_int_equal(r.status, 200);
	reply_release(&r);

	while (body.len < 2000)
		buf_addch(&body, ' ');
	api(f->port, "/api/v1/version", "", body.data, &r);
	assert_int_equal(r.status, 413);
	assert_non_null(strstr(r.body, "larger than 1024 bytes"));
	assert_non_null(header(&r, "Content-Security-Policy", v, sizeof(v)));
	reply_release(&r);

	/* Declared 1 GB: refused before a byte of it is read. */
	buf_addf(&req, "POST /api/v1/version HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		       "Content-Type: application/json\r\nContent-Length: "
		       "1000000000\r\n\r\n{");
	exchange(f->port, req.data, req.len, &r);
	assert_int_equal(r.status, 413);
	reply_release(&r);

	/* Chunked past the limit: the connection is dropped, no answer. */
	buf_reset(&req);
	buf_adds(&req, "POST /api/v1/version HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		       "Content-Type: application/json\r\nTransfer-Encoding: "
		       "chunked\r\n\r\n");
	for (int i = 0; i < 4; i++) {
		buf_addf(&req, "%zx\r\n", body.len);
		buf_add(&req, body.data, body.len);
		buf_adds(&req, "\r\n");
	}
	buf_adds(&req, "0\r\n\r\n");
	exchange(f->port, req.data, req.len, &r);
	assert_int_equal(r.status, 0);
	reply_release(&r);
	buf_release(&req);
	buf_release(&body);
	assert_served(f);
}

static void test_header_limit(void **state)
{
	struct fixture *f = *state;
	struct buf req = BUF_INIT;
	struct reply r;

	fixture_start(f);
	buf_adds(&req, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ");
	for (int i = 0; i < 40 * 1024; i++)
		buf_addch(&req, 'a' + i % 26);
	buf_adds(&req, "\r\nConnection: close\r\n\r\n");
	exchange(f->port, req.data, req.len, &r);
	if (r.status != 431 && r.status != 413 && r.status != 0)
		fail_msg("40 KiB of headers answered %d", r.status);
	reply_release(&r);

	/* A long URI too. */
	buf_reset(&req);
	buf_adds(&req, "GET /echo?x=");
	for (int i = 0; i < 40 * 1024; i++)
		buf_addch(&req, 'b');
	buf_adds(&req, " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
	exchange(f->port, req.data, req.len, &r);
	if (r.status != 414 && r.status != 431 && r.status != 413 &&
	    r.status != 0)
		fail_msg("a 40 KiB URI answered %d", r.status);
	reply_release(&r);
	buf_release(&req);
	assert_served(f);
}

/* True when the server closed fd within ms (EOF or reset). */
static int closed_within(int fd, int ms)
{
	struct pollfd p = {fd, POLLIN, 0};
	char c;

	if (poll(&p, 1, ms) <= 0)
		return 0;
	return recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

static void test_connection_limit(void **state)
{
	struct fixture *f = *state;
	int fds[30], closed = 0;

	f->o.max_connections = 20;
	f->o.timeout_s = 5;
	fixture_start(f);
	/* Fifteen idle connections leave room: others are served. */
	for (int i = 0; i < 15; i++)
		fds[i] = dial(f->port);
	assert_served(f);
	/* Fifteen more: the server refuses those past its limit. */
	for (int i = 15; i < 30; i++)
		fds[i] = dial(f->port);
	for (int i = 15; i < 30; i++)
		closed += closed_within(fds[i], i == 15 ? 1000 : 100);
	assert_true(closed >= 10);
	for (int i = 0; i < 15; i++)
		assert_false(closed_within(fds[i], 0));
	for (int i = 0; i < 30; i++)
		close(fds[i]);
	usleep(200000);
	assert_served(f);
}

/* One address may be held to fewer connections than the whole. */
static void test_per_ip_limit(void **state)
{
	struct fixture *f = *state;
	int fds[6], closed = 0;

	f->o.max_per_ip = 4;
	fixture_start(f);
	for (int i = 0; i < 6; i++)
		fds[i] = dial(f->port);
	for (int i = 0; i < 6; i++)
		closed += closed_within(fds[i], i == 0 ? 500 : 50);
	assert_int_equal(closed, 2);
	for (int i = 0; i < 6; i++)
		close(fds[i]);
	usleep(200000);
	assert_served(f);
}

/*
 * A client sending its headers a byte every 50 ms (as slowloris does,
 * never idle long enough for an idle timeout) is cut off at the
 * one-second deadline, while other clients are served meanwhile.
 */
static void test_slow_client(void **state)
{
	struct fixture *f = *state;
	const char req[] = "GET /echo?slow=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
			   "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
	double t0, cut_at = 0;
	int fd, served = 0;

	f->o.timeout_s = 1;
	fixture_start(f);
	fd = dial(f->port);
	t0 = now_s();
	for (size_t i = 0; i < sizeof(req) - 1; i++) {
		if (send(fd, req + i, 1, MSG_NOSIGNAL) != 1 ||
		    closed_within(fd, 50)) {
			cut_at = now_s() - t0;
			break;
		}
		if (i % 5 == 0 && served < 4) {
			assert_served(f);
			served++;
		}
	}
	close(fd);
	assert_int_equal(served, 4);
	if (cut_at < 0.9 || cut_at > 3.0)
		fail_msg("the slow client was cut after %.2f s", cut_at);
}

/* A keep-alive connection left idle is closed at the deadline too. */
static void test_idle_keep_alive(void **state)
{
	struct fixture *f = *state;
	const char req[] = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
	char got[4096];
	int fd;
	double t0;

	f->o.timeout_s = 1;
	fixture_start(f);
	fd = dial(f->port);
	assert_int_equal(send_all(fd, req, sizeof(req) - 1), 0);
	assert_true(recv(fd, got, sizeof(got), 0) > 0);
	t0 = now_s();
	assert_true(closed_within(fd, 4000));
	assert_true(now_s() - t0 < 3.0);
	close(fd);
}

struct worker {
	const struct fixture *f;
	int ok;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct reply r;

	for (int i = 0; i < 12; i++) {
		switch (i % 4) {
		case 0:
			api(w->f->port, "/api/v1/db/status", "", "{}", &r);
			w->ok += r.status == 200 &&
				 strstr(r.body, "\"schema_version\"");
			break;
		case 1:
			api(w->f->port, "/api/v1/report", "",
			    "{\"name\": \"nope\"}", &r);
			w->ok += r.status == 400 && strstr(r.body, "nope");
			break;
		case 2:
			http(w->f->port, "GET", "/echo?i=7", "", NULL, &r);
			w->ok += r.status == 200 && strstr(r.body, "i=7;");
			break;
		default:
			api(w->f->port, "/api/v1/aggregate",
			    "X-Call-Type: mock-failure\r\n", NULL, &r);
			w->ok += r.status == 422;
		}
		reply_release(&r);
	}
	return NULL;
}

/* The router, the store and the config from eight threads at once. */
static void test_concurrent_clients(void **state)
{
	struct fixture *f = *state;
	struct worker w[8];
	pthread_t t[8];

	fixture_start(f);
	for (int i = 0; i < 8; i++) {
		w[i].f = f;
		w[i].ok = 0;
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].ok, 12);
	}
	assert_true(dashboard_server_requests(f->server) >= 96);
}

/* Stopping with clients connected does not wait for them. */
static void test_stop_with_clients(void **state)
{
	struct fixture *f = *state;
	int fds[5];
	double t0;

	f->o.timeout_s = 60;
	fixture_start(f);
	for (int i = 0; i < 5; i++)
		fds[i] = dial(f->port);
	assert_int_equal(send_all(fds[0], "GET / HTTP/1.1\r\n", 16), 0);
	usleep(100000);
	t0 = now_s();
	dashboard_server_stop(f->server);
	f->server = NULL;
	assert_true(now_s() - t0 < 2.0);
	for (int i = 0; i < 5; i++) {
		assert_true(closed_within(fds[i], 1000));
		close(fds[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_body_limit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_header_limit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_connection_limit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_per_ip_limit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_slow_client, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_idle_keep_alive, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_clients, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stop_with_clients, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
