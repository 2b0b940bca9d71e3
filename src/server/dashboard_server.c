/*
 * dashboard_server.c - libmicrohttpd glue for `testpump serve`: limits,
 * the token, the request's path and arguments, and the fixed headers.
 * What a request is answered with is decided in dashboard_api.c (the
 * API) and by the pages of web/pages.h.
 */
#include "server/dashboard_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/err.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "server/conn_watch.h"
#include "server/dashboard_internal.h"
#include "server/page_cache.h"
#include "core/banned.h"

#define DEFAULT_MAX_CONNECTIONS 256
#define DEFAULT_TIMEOUT_S 10
#define DEFAULT_MAX_BODY (1024 * 1024)
/*
 * Each connection's memory: the request line and headers must fit in
 * about half of it, or libmicrohttpd answers 431 and closes.
 */
#define CONNECTION_MEMORY (32 * 1024)

struct dashboard_server {
	struct MHD_Daemon *daemon;
	struct dashboard_server_options o;
	struct conn_watch *watch;
	struct page_cache *cache; /* NULL: none */
	unsigned char token[32];  /* its SHA-256: the token is not kept */
	int has_token;
	int loopback; /* bound to 127.0.0.0/8: Host must be loopback */
	int port;
	atomic_uint_least64_t requests;
};

/* One request: its raw URI (MHD decodes the one it passes) and body. */
struct dash_request {
	char *uri;
	int seen; /* the handler has been called once, for the headers */
	struct buf body;
	struct timespec started;
};

static void *keep_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct dash_request *rq = xcalloc(1, sizeof(*rq));

	(void)cls;
	(void)c;
	rq->uri = xstrdup(uri);
	buf_init(&rq->body);
	clock_gettime(CLOCK_MONOTONIC, &rq->started);
	return rq;
}

static struct conn_watched *watched(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct dashboard_server *s = cls;
	struct dash_request *rq = *con_cls;
	struct conn_watched *w = watched(c);

	(void)toe;
	if (w)
		conn_watch_idle(s->watch, w);
	if (rq) {
		free(rq->uri);
		buf_release(&rq->body);
		free(rq);
	}
	*con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c,
			  void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct dashboard_server *s = cls;
	const union MHD_ConnectionInfo *ci;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(c,
					     MHD_CONNECTION_INFO_CONNECTION_FD);
		*socket_context =
			ci ? conn_watch_add(s->watch, ci->connect_fd) : NULL;
		return;
	}
	conn_watch_remove(s->watch, *socket_context);
	*socket_context = NULL;
}

/*
 * The path as requested, for the log: no query string (it may hold
 * anything), bytes outside printable ASCII as \xNN, at most 200 bytes.
 */
static void log_path(struct buf *out, const char *uri)
{
	size_t n = strcspn(uri, "?#");

	for (size_t i = 0; i < n && out->len < 200; i++) {
		unsigned char ch = (unsigned char)uri[i];

		if (ch < 0x20 || ch >= 0x7f || ch == '\\')
			buf_addf(out, "\\x%02x", ch);
		else
			buf_addch(out, (char)ch);
	}
}

static void log_request(const struct dash_request *rq, const char *method,
			int status, size_t bytes)
{
	struct buf path = BUF_INIT;
	struct timespec now;
	double ms;

	if (!log_enabled(LOG_INFO))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (double)(now.tv_sec - rq->started.tv_sec) * 1e3 +
	     (double)(now.tv_nsec - rq->started.tv_nsec) / 1e6;
	log_path(&path, rq->uri ? rq->uri : "?");
	log_info("%s %s %d %zu B %.1f ms", method, path.data, status, bytes,
		 ms);
	buf_release(&path);
}

static void add_fixed_headers(struct MHD_Response *resp, int cacheable)
{
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
				cacheable ? "no-cache" : "no-store");
}

/* Queues r (its body is taken) with the fixed headers. */
static enum MHD_Result send_reply(struct dashboard_server *s,
				  struct MHD_Connection *c,
				  const struct dash_request *rq,
				  const char *method, struct dash_reply *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char code[16];
	size_t len;
	char *body = buf_detach(&r->body, &len);

	resp = MHD_create_response_from_buffer(len, body,
					       MHD_RESPMEM_MUST_FREE);
	add_fixed_headers(resp, 0);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				r->content_type);
	if (r->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	if (r->www_authenticate)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Bearer realm=\"testpump\"");
	if (r->exit_code >= 0) {
		snprintf(code, sizeof(code), "%d", r->exit_code);
		MHD_add_response_header(resp, "X-Testpump-Exit", code);
	}
	ret = MHD_queue_response(c, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	atomic_fetch_add(&s->requests, 1);
	log_request(rq, method, r->status, len);
	return ret;
}

static enum MHD_Result send_asset(struct dashboard_server *s,
				  struct MHD_Connection *c,
				  const struct dash_request *rq,
				  const char *method, const struct web_asset *a)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(a->len, (void *)a->data,
					       MHD_RESPMEM_PERSISTENT);
	add_fixed_headers(resp, 1);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
				a->content_type);
	ret = MHD_queue_response(c, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	atomic_fetch_add(&s->requests, 1);
	log_request(rq, method, 200, a->len);
	return ret;
}

/*
 * True when the raw path is one the server could have named: no control
 * byte, no encoded slash, backslash or control byte, and (decoded) no
 * empty, "." or ".." segment.  Anything else is a probe, refused whole.
 */
static int canonical_path(const char *raw, const char *decoded)
{
	size_t n = strcspn(raw, "?");

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)raw[i];

		if (ch < 0x20 || ch == 0x7f || ch == '\\')
			return 0;
		if (ch == '%' &&
		    (!strncasecmp(raw + i, "%2f", 3) ||
		     !strncasecmp(raw + i, "%5c", 3) ||
		     !strncmp(raw + i, "%0", 2) || !strncmp(raw + i, "%1", 2) ||
		     !strncasecmp(raw + i, "%7f", 3)))
			return 0;
	}
	if (decoded[0] != '/')
		return 0;
	for (const char *p = decoded; *p; p++) {
		const char *seg = p + 1;
		size_t len = strcspn(seg, "/");

		if (*p != '/')
			continue;
		if ((len == 0 && seg[0] == '/') ||
		    (len == 1 && seg[0] == '.') ||
		    (len == 2 && seg[0] == '.' && seg[1] == '.'))
			return 0;
	}
	return 1;
}

/* When bound to loopback: does Host name a loopback host? */
static int host_ok(const struct dashboard_server *s, struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_HOST);
	char name[64];
	struct in_addr a;
	size_t n;

	if (!s->loopback || !h)
		return 1; /* HTTP/1.0 has no Host; MHD refuses 1.1 without */
	if (h[0] == '[')
		return !strncmp(h, "[::1]", 5) && (!h[5] || h[5] == ':');
	n = strcspn(h, ":");
	if (n >= sizeof(name))
		return 0;
	memcpy(name, h, n);
	name[n] = '\0';
	if (!strcasecmp(name, "localhost"))
		return 1;
	return inet_pton(AF_INET, name, &a) == 1 &&
	       (ntohl(a.s_addr) >> 24) == 127;
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind,
				   const char *key, const char *value)
{
	struct web_args *args = cls;

	(void)kind;
	if (args->n == WEB_ARGS_MAX) {
		args->n++; /* one too many: refused */
		return MHD_NO;
	}
	args->keys[args->n] = key;
	args->values[args->n] = value ? value : "";
	args->n++;
	return MHD_YES;
}

static int is_read(const char *method)
{
	return !strcmp(method, "GET") || !strcmp(method, "HEAD");
}

/* A page of web/pages.h (from the cache when fresh there), or 404. */
static void answer_page(struct dashboard_server *s, struct MHD_Connection *c,
			const char *path, const char *uri, struct dash_reply *r)
{
	const struct web_page *page = s->o.page_find(path);
	struct web_context ctx = {s->o.env, 0};
	struct web_args args = {0};
	int rc;

	if (!page) {
		dash_reply_html_error(r, 404, "There is no page here.");
		return;
	}
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, &args);
	if (args.n > WEB_ARGS_MAX) {
		dash_reply_html_error(r, 400, "Too many query arguments.");
		return;
	}
	r->content_type = "text/html; charset=utf-8";
	if (page_cache_get(s->cache, uri, &r->body))
		return;
	rc = page->render(&ctx, &args, &r->body);
	if (rc == 200)
		page_cache_put(s->cache, uri, r->body.data, r->body.len);
	else
		page_cache_drop(s->cache, uri);
	if (rc < 0) {
		log_error("page '%s': %s", page->path, err_msg());
		dash_reply_html_error(r, 500, err_msg());
	} else {
		r->status = rc;
	}
	err_clear();
}

/* Everything but the assets; r is filled. */
static void answer_other(struct dashboard_server *s, struct MHD_Connection *c,
			 const char *url, const char *method,
			 const struct dash_request *rq, struct dash_reply *r)
{
	int api = !strncmp(url, "/api/", 5) || !strcmp(url, "/api");
	const char *ct;

	if (api) {
		const char *type = MHD_lookup_connection_value(
			c, MHD_GET_ARGUMENT_KIND, "call_type");

		if (!type)
			type = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							   "X-Call-Type");
		ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_CONTENT_TYPE);
		dash_api_answer(&s->o, method, url, type, ct, rq->body.data,
				rq->body.len, r);
	} else if (!is_read(method)) {
		dash_reply_html_error(r, 405, "Pages answer GET and HEAD.");
		r->allow = "GET, HEAD";
	} else if (!strncmp(url, "/static/", 8)) {
		dash_reply_html_error(r, 404, "There is no such file.");
	} else {
		answer_page(s, c, url, rq->uri, r);
	}
}

/* The whole request is in: answer it. */
static enum MHD_Result dispatch(struct dashboard_server *s,
				struct MHD_Connection *c, const char *url,
				const char *method,
				const struct dash_request *rq)
{
	const struct web_asset *asset;
	struct dash_reply r;
	enum MHD_Result ret;
	int api = !strncmp(url, "/api/", 5);

	dash_reply_init(&r);
	if (!canonical_path(rq->uri, url)) {
		dash_reply_html_error(&r, 400, "The path is not canonical.");
	} else if (!host_ok(s, c)) {
		dash_reply_html_error(&r, 421,
				      "This server answers only to a "
				      "loopback host name.");
	} else if (s->has_token &&
		   !dash_token_ok(s->token,
				  MHD_lookup_connection_value(
					  c, MHD_HEADER_KIND,
					  MHD_HTTP_HEADER_AUTHORIZATION))) {
		if (api)
			dash_reply_json_error(&r, 401,
					      "send Authorization: Bearer "
					      "<token>");
		else
			dash_reply_html_error(&r, 401,
					      "Send Authorization: Bearer "
					      "<token>.");
		r.www_authenticate = 1;
	} else if (is_read(method) && !strncmp(url, "/static/", 8) &&
		   (asset = s->o.asset_find(url))) {
		dash_reply_release(&r);
		return send_asset(s, c, rq, method, asset);
	} else {
		answer_other(s, c, url, method, rq, &r);
	}
	ret = send_reply(s, c, rq, method, &r);
	dash_reply_release(&r);
	return ret;
}

/* A body declared larger than the limit is refused before it is read. */
static int declared_too_large(const struct dashboard_server *s,
			      struct MHD_Connection *c)
{
	const char *cl = MHD_lookup_connection_value(
		c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);

	return cl && strtoull(cl, NULL, 10) > s->o.max_body;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct dashboard_server *s = cls;
	struct dash_request *rq = *con_cls;
	struct conn_watched *w;
	enum MHD_Result ret;

	(void)version;
	if (!rq)
		return MHD_NO; /* keep_uri always runs first */
	/*
	 * MHD calls once when the headers are in and again when the whole
	 * request is; a reply queued at the first call closes the
	 * connection after it (MHD 0.9.75), right for a refusal only.
	 */
	if (!rq->seen) {
		struct dash_reply r;

		rq->seen = 1;
		if (!declared_too_large(s, c))
			return MHD_YES;
		dash_reply_init(&r);
		dash_reply_json_error(&r, 413,
				      "the body is larger than %zu bytes",
				      s->o.max_body);
		ret = send_reply(s, c, rq, method, &r);
		dash_reply_release(&r);
		return ret;
	}
	if (*upload_size) {
		/* Chunked and too large: a reply cannot be queued now. */
		if (rq->body.len + *upload_size > s->o.max_body)
			return MHD_NO;
		buf_add(&rq->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if ((w = watched(c)))
		conn_watch_busy(s->watch, w);
	ret = dispatch(s, c, url, method, rq);
	err_clear(); /* the thread's message would outlive the thread */
	return ret;
}

static void apply_defaults(struct dashboard_server_options *o)
{
	if (!o->max_connections)
		o->max_connections = DEFAULT_MAX_CONNECTIONS;
	if (!o->timeout_s)
		o->timeout_s = DEFAULT_TIMEOUT_S;
	if (!o->max_body)
		o->max_body = DEFAULT_MAX_BODY;
}

static struct MHD_Daemon *start_daemon(struct dashboard_server *s,
				       const struct sockaddr_in *addr)
{
	return MHD_start_daemon(
		MHD_USE_THREAD_PER_CONNECTION |
			MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL,
		(uint16_t)s->o.port, NULL, NULL, answer, s,
		MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)addr,
		MHD_OPTION_URI_LOG_CALLBACK, keep_uri, s,
		MHD_OPTION_NOTIFY_COMPLETED, completed, s,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
		MHD_OPTION_CONNECTION_LIMIT, s->o.max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->o.max_per_ip,
		MHD_OPTION_CONNECTION_TIMEOUT, s->o.timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
		MHD_OPTION_END);
}

int dashboard_server_start(struct dashboard_server **out,
			   const struct dashboard_server_options *o)
{
	struct dashboard_server *s = xcalloc(1, sizeof(*s));
	struct sockaddr_in addr = {0};
	const union MHD_DaemonInfo *info;

	s->o = *o;
	apply_defaults(&s->o);
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)o->port);
	if (inet_pton(AF_INET, o->host, &addr.sin_addr) != 1) {
		free(s);
		return err_set("'%s' is not an IPv4 address", o->host);
	}
	s->loopback = (ntohl(addr.sin_addr.s_addr) >> 24) == 127;
	if (o->token && *o->token) {
		dash_token_digest(o->token, strlen(o->token), s->token);
		s->has_token = 1;
	}
	s->o.token = NULL;
	atomic_init(&s->requests, 0);
	s->watch = conn_watch_start((int64_t)s->o.timeout_s * 1000);
	s->cache = page_cache_new(s->o.cache_ms);
	s->daemon = start_daemon(s, &addr);
	if (!s->daemon) {
		conn_watch_stop(s->watch);
		page_cache_free(s->cache);
		free(s);
		return err_set("cannot listen on '%s:%d' (is the port in "
			       "use?)",
			       o->host, o->port);
	}
	info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? (int)info->port : o->port;
	*out = s;
	return 0;
}

int dashboard_server_port(const struct dashboard_server *s)
{
	return s->port;
}

uint64_t dashboard_server_requests(const struct dashboard_server *s)
{
	return atomic_load(&((struct dashboard_server *)s)->requests);
}

void dashboard_server_stop(struct dashboard_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->daemon);
	conn_watch_stop(s->watch);
	page_cache_free(s->cache);
	free(s);
}
