/*
 * server_test.h - shared by the tests/server programs: a raw HTTP/1.1
 * client over loopback sockets (so requests can be malformed, slow or
 * huge on purpose), a few pages and assets made for the tests (the real
 * ones are web/'s, tested in their own programs and in the browser test),
 * and a database made with `db init`.
 */
#ifndef TESTPUMP_TESTS_SERVER_TEST_H
#define TESTPUMP_TESTS_SERVER_TEST_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "commands/commands.h"
#include "core/buf.h"
#include "core/err.h"
#include "output/html.h"
#include "server/dashboard_server.h"

/* ---- pages and assets for the tests ---- */

/* "/": a fixed page. */
static inline int page_home(const struct web_context *ctx,
			    const struct web_args *args, struct buf *out)
{
	(void)ctx;
	(void)args;
	buf_adds(out, "<!DOCTYPE html><html><body><h1>home</h1>"
		      "<script src=\"/static/app.js\"></script></body></html>");
	return 200;
}

/* "/echo": every argument, escaped, as "key=value;". */
static inline int page_echo(const struct web_context *ctx,
			    const struct web_args *args, struct buf *out)
{
	(void)ctx;
	buf_adds(out, "<html><body><p>");
	for (size_t i = 0; i < args->n; i++) {
		html_escape(out, args->keys[i]);
		buf_addch(out, '=');
		html_escape(out, args->values[i]);
		buf_addch(out, ';');
	}
	buf_adds(out, "</p></body></html>");
	return 200;
}

/* "/fail": the store cannot be read. */
static inline int page_fail(const struct web_context *ctx,
			    const struct web_args *args, struct buf *out)
{
	(void)ctx;
	(void)args;
	(void)out;
	return err_set("cannot read '<table>' on purpose");
}

/* "/gone": names nothing. */
static inline int page_gone(const struct web_context *ctx,
			    const struct web_args *args, struct buf *out)
{
	(void)ctx;
	(void)args;
	buf_adds(out, "<html><body>no such test</body></html>");
	return 404;
}

/* "/count": how many times it was rendered (the cache's witness). */
static inline int page_count(const struct web_context *ctx,
			     const struct web_args *args, struct buf *out)
{
	static int renders;

	(void)ctx;
	buf_addf(out, "<html><body>render %d</body></html>",
		 __atomic_add_fetch(&renders, 1, __ATOMIC_SEQ_CST));
	return args->n ? 404 : 200;
}

static const struct web_page test_pages[] = {
	{"/count", "count.html", "Count", page_count},
	{"/", "index.html", "Home", page_home},
	{"/echo", "echo.html", "Echo", page_echo},
	{"/fail", "fail.html", "Fail", page_fail},
	{"/gone", "gone.html", "Gone", page_gone},
	{NULL, NULL, NULL, NULL},
};

static const char test_js[] = "document.title = 'x';\n";

static const struct web_asset test_assets[] = {
	{"/static/app.js", "text/javascript", test_js, sizeof(test_js) - 1},
	{NULL, NULL, NULL, 0},
};

static inline const struct web_page *test_page_find(const char *path)
{
	for (const struct web_page *p = test_pages; p->path; p++)
		if (!strcmp(p->path, path))
			return p;
	return NULL;
}

static inline const struct web_asset *test_asset_find(const char *path)
{
	for (const struct web_asset *a = test_assets; a->path; a++)
		if (!strcmp(a->path, path))
			return a;
	return NULL;
}

/* ---- a database and a server ---- */

struct fixture {
	char dir[64];
	char db_url[128];
	struct api_env env;
	struct dashboard_server_options o;
	struct dashboard_server *server;
	int port;
};

/* A fresh database in a temporary directory; o filled with defaults. */
static inline void fixture_init(struct fixture *f)
{
	json_t *resp = NULL;

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/tp-server-XXXXXX");
	if (!mkdtemp(f->dir))
		abort();
	snprintf(f->db_url, sizeof(f->db_url), "sqlite:%s/t.db", f->dir);
	f->env.db_url = f->db_url;
	if (api_route(&cmd_db_init, CALL_EXECUTE, NULL, &f->env, &resp) != 0)
		abort();
	json_decref(resp);
	f->o.host = "127.0.0.1";
	f->o.env = &f->env;
	f->o.page_find = test_page_find;
	f->o.asset_find = test_asset_find;
}

static inline void fixture_start(struct fixture *f)
{
	if (dashboard_server_start(&f->server, &f->o) < 0) {
		fprintf(stderr, "%s\n", err_msg());
		abort();
	}
	f->port = dashboard_server_port(f->server);
}

static inline void fixture_release(struct fixture *f)
{
	char cmd[128];

	dashboard_server_stop(f->server);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		abort();
	err_clear();
}

/* ---- a raw HTTP client ---- */

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A connected socket to the port, with a 5 s receive timeout. */
static inline int dial(int port)
{
	struct sockaddr_in a = {0};
	struct timeval tv = {5, 0};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		abort();
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static inline int send_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads until the server closes (or 5 s pass); returns the bytes. */
static inline void read_all(int fd, struct buf *out)
{
	char chunk[4096];
	ssize_t n;

	while ((n = recv(fd, chunk, sizeof(chunk), 0)) > 0)
		buf_add(out, chunk, (size_t)n);
}

struct reply {
	int status; /* 0: no response at all */
	struct buf raw;
	const char *body;
};

/* Sends the raw request on a new connection and reads the answer. */
static inline void exchange(int port, const char *request, size_t len,
			    struct reply *r)
{
	int fd = dial(port);
	char *end;

	buf_init(&r->raw);
	r->status = 0;
	r->body = "";
	if (send_all(fd, request, len) == 0)
		read_all(fd, &r->raw);
	close(fd);
	if (!strncmp(r->raw.data, "HTTP/1.", 7))
		r->status = atoi(r->raw.data + 9);
	end = strstr(r->raw.data, "\r\n\r\n");
	if (end)
		r->body = end + 4;
}

/* One request: method, target, extra header lines ("" or "A: b\r\n"). */
static inline void http(int port, const char *method, const char *target,
			const char *headers, const char *body, struct reply *r)
{
	struct buf req = BUF_INIT;

	buf_addf(&req,
		 "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: "
		 "close\r\n%s",
		 method, target, port, headers);
	if (body)
		buf_addf(&req, "Content-Length: %zu\r\n", strlen(body));
	buf_adds(&req, "\r\n");
	if (body)
		buf_adds(&req, body);
	exchange(port, req.data, req.len, r);
	buf_release(&req);
}

/* POST body to /api/v1/<command> as JSON, with extra header lines. */
static inline void api(int port, const char *target, const char *headers,
		       const char *body, struct reply *r)
{
	struct buf h = BUF_INIT;

	buf_addf(&h, "Content-Type: application/json\r\n%s", headers);
	http(port, "POST", target, h.data, body, r);
	buf_release(&h);
}

/* The value of header name in r, copied into out (size n), or NULL. */
static inline const char *header(const struct reply *r, const char *name,
				 char *out, size_t n)
{
	const char *p = r->raw.data;
	size_t len = strlen(name);

	while ((p = strstr(p, "\r\n")) && p[2] != '\r') {
		p += 2;
		if (!strncasecmp(p, name, len) && p[len] == ':') {
			const char *v = p + len + 1;
			size_t vl;

			v += strspn(v, " ");
			vl = strcspn(v, "\r");
			if (vl >= n)
				vl = n - 1;
			memcpy(out, v, vl);
			out[vl] = '\0';
			return out;
		}
	}
	return NULL;
}

static inline void reply_release(struct reply *r)
{
	buf_release(&r->raw);
}

#endif
