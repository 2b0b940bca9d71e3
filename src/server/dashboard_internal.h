/*
 * dashboard_internal.h - the parts of the dashboard server that know no
 * libmicrohttpd (server/ only): a reply being built, the JSON API, the
 * token check.  Kept apart from the HTTP glue so they are tested as plain
 * functions.
 */
#ifndef TESTPUMP_SERVER_DASHBOARD_INTERNAL_H
#define TESTPUMP_SERVER_DASHBOARD_INTERNAL_H

#include <stddef.h>

#include "core/buf.h"
#include "server/dashboard_server.h"

/* What one request is answered with; the server adds the fixed headers. */
struct dash_reply {
	int status;
	const char *content_type; /* a literal */
	struct buf body;
	const char *allow;    /* the Allow header of a 405, or NULL */
	int exit_code;	      /* the router's exit code (API), or -1 */
	int www_authenticate; /* a 401: ask for a bearer token */
};

/* An empty reply: status 200, no body, no exit code. */
void dash_reply_init(struct dash_reply *r);

/* Frees what r holds. */
void dash_reply_release(struct dash_reply *r);

/* Makes r a JSON error: {"api_version": 1, "error": message}. */
void dash_reply_json_error(struct dash_reply *r, int status, const char *fmt,
			   ...) __attribute__((format(printf, 3, 4)));

/* Makes r a small HTML page saying message (escaped) under its status. */
void dash_reply_html_error(struct dash_reply *r, int status,
			   const char *message);

/* "Not Found" for 404 ...: the reason phrase of status. */
const char *dash_status_text(int status);

/*
 * Answers one request under /api/ (path without the query string):
 * GET|HEAD /api/v1/commands, POST /api/v1/<command words>.  call_type
 * is the ?call_type= or X-Call-Type value (NULL: execute), content_type
 * the request's Content-Type (NULL: none), body its len bytes.
 */
void dash_api_answer(const struct dashboard_server_options *o,
		     const char *method, const char *path,
		     const char *call_type, const char *content_type,
		     const char *body, size_t len, struct dash_reply *r);

/*
 * May the API run cmd for call type t?  Mock calls run nothing and are
 * always allowed; execute and validate-only only for the commands of the
 * web allow-list (db init and db migrate only with allow_admin), and
 * never with an option that names a file on the server.  Returns 0, or
 * -1 with the reason set.
 */
int dash_api_allowed(const struct command *cmd, enum call_type t,
		     const json_t *options, int allow_admin);

/* The SHA-256 of a token, which is what the server keeps of it. */
void dash_token_digest(const char *token, size_t len, unsigned char out[32]);

/*
 * True when the Authorization header value `header` is "Bearer <token>"
 * for the token whose digest is want; the comparison takes the same time
 * whatever the token sent.  NULL header is false.
 */
int dash_token_ok(const unsigned char want[32], const char *header);

#endif
