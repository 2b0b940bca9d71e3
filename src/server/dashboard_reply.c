/*
 * dashboard_reply.c - replies being built, error bodies, the token check.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "core/sha256.h"
#include "output/html.h"
#include "server/dashboard_internal.h"
#include "core/banned.h"

void dash_reply_init(struct dash_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->status = 200;
	r->content_type = "text/plain; charset=utf-8";
	buf_init(&r->body);
	r->exit_code = -1;
}

void dash_reply_release(struct dash_reply *r)
{
	buf_release(&r->body);
}

const char *dash_status_text(int status)
{
	static const struct {
		int status;
		const char *text;
	} texts[] = {
		{200, "OK"},
		{207, "Multi-Status"},
		{400, "Bad Request"},
		{401, "Unauthorized"},
		{403, "Forbidden"},
		{404, "Not Found"},
		{405, "Method Not Allowed"},
		{413, "Content Too Large"},
		{415, "Unsupported Media Type"},
		{421, "Misdirected Request"},
		{422, "Unprocessable Content"},
		{500, "Internal Server Error"},
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (texts[i].status == status)
			return texts[i].text;
	return "Error";
}

void dash_reply_json_error(struct dash_reply *r, int status, const char *fmt,
			   ...)
{
	struct buf msg = BUF_INIT;
	json_t *o;
	char *text;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	o = json_pack("{s:i, s:s}", "api_version", API_VERSION, "error",
		      msg.data);
	text = json_dumps(o, JSON_PRESERVE_ORDER | JSON_INDENT(2));
	buf_reset(&r->body);
	buf_adds(&r->body, text);
	buf_addch(&r->body, '\n');
	free(text);
	json_decref(o);
	buf_release(&msg);
	r->status = status;
	r->content_type = "application/json";
}

void dash_reply_html_error(struct dash_reply *r, int status,
			   const char *message)
{
	buf_reset(&r->body);
	buf_addf(&r->body,
		 "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
		 "charset=\"utf-8\"><title>%d %s</title></head>\n<body><h1>%d "
		 "%s</h1>\n<p>",
		 status, dash_status_text(status), status,
		 dash_status_text(status));
	html_escape(&r->body, message);
	buf_adds(&r->body, "</p>\n<p><a href=\"/\">The dashboard</a></p>\n"
			   "</body></html>\n");
	r->status = status;
	r->content_type = "text/html; charset=utf-8";
}

void dash_token_digest(const char *token, size_t len, unsigned char out[32])
{
	struct sha256 c;

	sha256_init(&c);
	sha256_update(&c, token, len);
	sha256_final(&c, out);
}

int dash_token_ok(const unsigned char want[32], const char *header)
{
	unsigned char got[32];
	unsigned diff = 0;
	const char *t;

	if (!header || strncasecmp(header, "Bearer ", 7))
		return 0;
	t = header + 7;
	t += strspn(t, " ");
	/*
	 * Digests of equal length are compared byte for byte without an
	 * early exit, so the time taken says nothing about the token.
	 */
	dash_token_digest(t, strlen(t), got);
	for (size_t i = 0; i < 32; i++)
		diff |= (unsigned)(got[i] ^ want[i]);
	return diff == 0 && *t;
}
