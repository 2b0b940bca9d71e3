/*
 * faux_ci.c - the helpers of the faux CI upstreams, and the artifact
 * storage Taskcluster redirects to and Bitrise's expiring download URLs
 * name: "/faux-storage/<blob>" answers the bytes of storage/blobs.json's
 * entry (base64 there) with its Content-Type, without credentials, as a
 * signed storage URL would.
 */
#include "sources/faux_ci.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/timestamp.h"
#include "core/banned.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int faux_ci_param(const char *target, const char *key, char *out, size_t size)
{
	const char *p = strchr(target, '?');
	size_t klen = strlen(key);

	out[0] = '\0';
	while (p && *p) {
		p++;
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			size_t n = 0;

			for (p += klen + 1; *p && *p != '&' && n + 1 < size;
			     p++) {
				if (*p == '%' && hexval(p[1]) >= 0 &&
				    hexval(p[2]) >= 0) {
					out[n++] = (char)(hexval(p[1]) * 16 +
							  hexval(p[2]));
					p += 2;
				} else {
					out[n++] = *p == '+' ? ' ' : *p;
				}
			}
			out[n] = '\0';
			return 1;
		}
		p = strchr(p, '&');
	}
	return 0;
}

size_t faux_ci_path_len(const char *target)
{
	return strcspn(target, "?");
}

/* "2024-04-22T09:00:00Z" or with a fraction: a time to move. */
static int looks_like_time(const char *s)
{
	size_t len = strlen(s);

	return len >= 20 && len <= 30 && s[4] == '-' && s[7] == '-' &&
	       s[10] == 'T' && s[13] == ':' && s[len - 1] == 'Z';
}

/* The time s moved by shift_s as a new string, or NULL when s is none. */
static json_t *moved(const json_t *s, int64_t shift_s)
{
	char t[TIMESTAMP_MAX];
	int64_t ms;

	if (!json_is_string(s) || !looks_like_time(json_string_value(s)) ||
	    timestamp_parse(json_string_value(s), &ms) < 0)
		return NULL;
	timestamp_format(ms + shift_s * 1000, t);
	return json_string(t);
}

/* Moves the times inside v (a copy) in place. */
static void shift_in_place(json_t *v, int64_t shift_s)
{
	const char *key;
	json_t *m, *t;
	size_t i;
	void *tmp;

	if (json_is_array(v)) {
		json_array_foreach (v, i, m) {
			if ((t = moved(m, shift_s)))
				json_array_set_new(v, i, t);
			else
				shift_in_place(m, shift_s);
		}
		return;
	}
	json_object_foreach_safe (v, tmp, key, m) {
		if ((t = moved(m, shift_s)))
			json_object_set_new(v, key, t);
		else
			shift_in_place(m, shift_s);
	}
}

json_t *faux_ci_shifted(const json_t *v, int64_t shift_s)
{
	json_t *copy = json_deep_copy(v);

	shift_in_place(copy, shift_s);
	return copy;
}

void faux_ci_json(struct http_response *out, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);

	out->status = 200;
	buf_reset(&out->body);
	buf_adds(&out->body, text);
	buf_adds(&out->headers, "Content-Type: application/json\r\n");
	free(text);
	json_decref(body);
}

int faux_ci_inject(struct faux *f, struct http_response *out)
{
	uint64_t n = faux_count_call(f);

	if (faux_options(f)->scenario != FAUX_RATE_LIMITED || n > 2)
		return 0;
	if (n == 1) {
		faux_error(out, 429, "rate limit exceeded; retry after 1 s");
		out->retry_after_ms = 1000;
		buf_adds(&out->headers, "Retry-After: 1\r\n");
	} else {
		faux_error(out, 503, "service unavailable");
	}
	return 1;
}

const json_t *faux_ci_doc(struct faux *f, const char *name,
			  struct http_response *out)
{
	const struct faux_doc *d = faux_find(f, name);

	if (!d || !json_is_object(d->data)) {
		faux_error(out, 500, "faux data missing");
		return NULL;
	}
	return d->data;
}

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Decodes base64 text into out; stops at '=' or any other character. */
static void base64_decode(const char *s, struct buf *out)
{
	uint32_t acc = 0;
	int bits = 0;

	for (; *s; s++) {
		const char *p = strchr(b64, *s);

		if (!p || *s == '\0')
			break;
		acc = acc << 6 | (uint32_t)(p - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf_addch(out, (char)(acc >> bits & 0xff));
		}
	}
}

void faux_storage_respond(struct faux *f, const char *rest,
			  struct http_response *out)
{
	const json_t *blobs = faux_ci_doc(f, "storage/blobs", out);
	char name[128];
	size_t n = faux_ci_path_len(rest);
	const json_t *blob;

	if (!blobs)
		return;
	if (n >= sizeof(name)) {
		faux_error(out, 404, "no such object");
		return;
	}
	memcpy(name, rest, n);
	name[n] = '\0';
	blob = json_object_get(blobs, name);
	if (!blob) {
		faux_error(out, 404, "no such object");
		return;
	}
	faux_count_call(f);
	out->status = 200;
	buf_reset(&out->body);
	base64_decode(json_string_value(json_object_get(blob, "base64")),
		      &out->body);
	buf_addf(&out->headers, "Content-Type: %s\r\n",
		 json_string_value(json_object_get(blob, "content_type")));
}
