/*
 * dashboard_server.h - `testpump serve`: the dashboard and the JSON API
 * over HTTP.
 *
 * One libmicrohttpd daemon, one thread per connection, so that a slow
 * page or a long command (a pump) never holds up another client.  What it
 * answers:
 *
 *	GET|HEAD  <page path>          a page of web/pages.h, text/html
 *	GET|HEAD  /static/<file>       an asset of web/pages.h, exactly
 *	GET|HEAD  /api/v1/commands     the command table (help --format json)
 *	POST      /api/v1/<command>    a command through the router: "db init"
 *	                               is /api/v1/db/init; options are the
 *	                               JSON body (Content-Type
 *	                               application/json); the call type is
 *	                               ?call_type= or X-Call-Type
 *
 * and nothing else (404, 405).  Every response carries
 * Content-Security-Policy: default-src 'self', X-Content-Type-Options:
 * nosniff, X-Frame-Options: DENY, Referrer-Policy: no-referrer and
 * Cache-Control: no-store.  Hostile clients are bounded: a connection
 * limit (and one per client address), a deadline for each request to
 * arrive whole (headers and body; a client sending a byte at a time is
 * cut off), a body limit (413), a header limit, and with a token every
 * request needs "Authorization: Bearer <token>" (compared in constant
 * time; 401 otherwise).  When bound to a loopback address, the Host
 * header must name a loopback host, so a web page cannot reach the API
 * through DNS rebinding; a cross-site form cannot post to the API either,
 * since it must send application/json.
 *
 * At LOG_INFO (-v) it logs one line per request: method, path without
 * the query string, status, bytes and milliseconds; never a header or a
 * body.
 */
#ifndef TESTPUMP_SERVER_DASHBOARD_SERVER_H
#define TESTPUMP_SERVER_DASHBOARD_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "api/api.h"
#include "web/pages.h"

struct dashboard_server;

struct dashboard_server_options {
	const char *host; /* an IPv4 address: "127.0.0.1" */
	int port;	  /* 0: any free port (see dashboard_server_port()) */
	/* The bearer token every request must carry; NULL or "": none. */
	const char *token;
	const struct api_env *env; /* the database and config of every call */
	/* Where pages and assets come from: web_page_find, web_asset_find. */
	const struct web_page *(*page_find)(const char *path);
	const struct web_asset *(*asset_find)(const char *path);
	unsigned max_connections; /* 0: 256 */
	unsigned max_per_ip;	  /* 0: no limit beyond max_connections */
	unsigned timeout_s;	  /* a request must arrive within it; 0: 10 */
	size_t max_body;	  /* bytes of a request body; 0: 1 MiB */
	int allow_admin;	  /* the API may run db init and db migrate */
	/* Keep each rendered page this long (server/page_cache.h); 0: never. */
	unsigned cache_ms;
};

/*
 * Starts serving in background threads; *out is the server, which the
 * caller stops with dashboard_server_stop().  o and what it points at
 * must outlive the server, except the token, which is copied.  Returns
 * 0, or -1 with a message naming the address (busy port, bad address).
 */
int dashboard_server_start(struct dashboard_server **out,
			   const struct dashboard_server_options *o);

/* The port the server listens on. */
int dashboard_server_port(const struct dashboard_server *s);

/* How many requests it has answered. */
uint64_t dashboard_server_requests(const struct dashboard_server *s);

/*
 * Stops accepting, waits for the requests being answered and the threads,
 * frees s; NULL is ignored.
 */
void dashboard_server_stop(struct dashboard_server *s);

#endif
