/*
 * faux_server.c - libmicrohttpd glue for the faux upstream.
 */
#include "server/faux_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "core/banned.h"

struct faux_server {
	struct MHD_Daemon *daemon;
	struct faux *faux;
	long delay_ms;
	int port;
};

int faux_server_parse_listen(const char *text, char host[16], int *port)
{
	const char *colon = strrchr(text, ':');
	struct in_addr a;
	char *end;
	long p;

	if (!colon || colon == text || (size_t)(colon - text) >= 16)
		return err_set("'%s' is not HOST:PORT (127.0.0.1:8081)", text);
	memcpy(host, text, (size_t)(colon - text));
	host[colon - text] = '\0';
	p = strtol(colon + 1, &end, 10);
	if (end == colon + 1 || *end || p < 0 || p > 65535)
		return err_set("'%s': the port is not a number from 0 to "
			       "65535",
			       text);
	if (inet_pton(AF_INET, host, &a) != 1)
		return err_set("'%s': '%s' is not an IPv4 address", text, host);
	*port = (int)p;
	return 0;
}

/*
 * One request: its raw URI (query string and all, which MHD would split)
 * and whether the handler has seen it once.
 */
struct faux_request {
	char *uri;
	int seen;
};

static void *keep_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct faux_request *rq = xcalloc(1, sizeof(*rq));

	(void)cls;
	(void)c;
	rq->uri = xstrdup(uri);
	return rq;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct faux_request *rq = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (rq)
		free(rq->uri);
	free(rq);
	*con_cls = NULL;
}

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (ms > 0 && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * Sends the responder's header lines ("Name: value\r\n"), and JSON's
 * Content-Type when the responder named none.
 */
static void add_headers(struct MHD_Response *resp, const struct buf *lines)
{
	const char *p = lines->data, *end = p + lines->len;
	int typed = 0;

	while (p && p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *colon;
		char *line;

		if (!eol)
			eol = end;
		line = xstrndup(p, (size_t)(eol - p));
		line[strcspn(line, "\r")] = '\0';
		colon = strchr(line, ':');
		if (colon) {
			const char *v = colon + 1;

			line[colon - line] = '\0';
			v += strspn(v, " \t");
			typed |= !strcasecmp(line, "Content-Type");
			MHD_add_response_header(resp, line, v);
		}
		free(line);
		p = eol + 1;
	}
	if (!typed)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
					"application/json");
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct faux_server *s = cls;
	struct faux_request *rq = *con_cls;
	const char *auth = MHD_lookup_connection_value(
		conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	const char *apikey = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							 "X-BUGZILLA-API-KEY");
	struct http_response r;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char retry[32];
	size_t len;
	char *body;

	(void)url;
	(void)version;
	(void)upload;
	/*
	 * MHD calls once when the headers are in, then again when the whole
	 * request is; a response queued at the first call is "early", and
	 * MHD 0.9.75 then closes the connection after it (Connection:
	 * close), so every page would cost a new TCP connection.
	 */
	if (rq && !rq->seen) {
		rq->seen = 1;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;
		return MHD_YES;
	}
	http_response_init(&r);
	if (strcmp(method, "GET")) {
		r.status = 405;
		buf_adds(&r.body, "{\"error\":\"only GET is served\"}");
	} else {
		faux_respond(s->faux, rq ? rq->uri : "/",
			     (auth && *auth) || (apikey && *apikey), &r);
	}
	pause_ms(s->delay_ms);
	body = buf_detach(&r.body, &len);
	resp = MHD_create_response_from_buffer(len, body,
					       MHD_RESPMEM_MUST_FREE);
	add_headers(resp, &r.headers);
	if (r.retry_after_ms >= 0) {
		snprintf(retry, sizeof(retry), "%ld", r.retry_after_ms / 1000);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER,
					retry);
	}
	ret = MHD_queue_response(conn, (unsigned)r.status, resp);
	MHD_destroy_response(resp);
	http_response_release(&r);
	return ret;
}

int faux_server_start(struct faux_server **out,
		      const struct faux_server_options *o)
{
	struct faux_server *s = xcalloc(1, sizeof(*s));
	struct sockaddr_in addr = {0};
	const union MHD_DaemonInfo *info;

	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)o->port);
	if (inet_pton(AF_INET, o->host, &addr.sin_addr) != 1) {
		free(s);
		return err_set("'%s' is not an IPv4 address", o->host);
	}
	if (faux_new(&s->faux, &o->faux) < 0) {
		free(s);
		return -1;
	}
	s->delay_ms = o->delay_ms;
	s->daemon = MHD_start_daemon(
		MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD,
		(uint16_t)o->port, NULL, NULL, answer, s, MHD_OPTION_SOCK_ADDR,
		(struct sockaddr *)&addr, MHD_OPTION_URI_LOG_CALLBACK, keep_uri,
		NULL, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_END);
	if (!s->daemon) {
		faux_free(s->faux);
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

int faux_server_port(const struct faux_server *s)
{
	return s->port;
}

uint64_t faux_server_calls(const struct faux_server *s)
{
	return faux_calls(s->faux);
}

void faux_server_stop(struct faux_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->daemon);
	faux_free(s->faux);
	free(s);
}
