/*
 * ci.c - what the CI connectors share (ci_internal.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "sources/ci_internal.h"
#include "core/banned.h"

const char *ci_env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

const char *ci_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* "scheme://host[:port]" of url. */
static char *origin_of(const char *url)
{
	const char *p = strstr(url, "://");
	size_t n =
		p ? (size_t)(p + 3 - url) + strcspn(p + 3, "/?#") : strlen(url);

	return xstrndup(url, n);
}

int ci_open(struct ci_conn *c, const struct source_config *cfg,
	    const char *base, const char *path, const char *const *headers)
{
	struct http_options o;
	size_t len;

	memset(c, 0, sizeof(*c));
	http_options_init(&o);
	if (cfg->max_tries > 0)
		o.max_tries = cfg->max_tries;
	if (cfg->backoff_ms > 0)
		o.backoff_ms = cfg->backoff_ms;
	if (cfg->faux) {
		struct faux_options fo = {FAUX_OK, 0, timestamp_now_ms()};

		if (faux_new(&c->faux, &fo) < 0)
			return -1;
		faux_transport(c->faux, &c->transport);
		o.transport = &c->transport;
		base = FAUX_BASE_URL;
	} else if (cfg->transport) {
		o.transport = cfg->transport;
		base = FAUX_BASE_URL;
	}
	len = strlen(base);
	while (len && base[len - 1] == '/')
		len--;
	c->base = xasprintf("%.*s%s", (int)len, base, path);
	c->origin = origin_of(c->base);
	o.headers = headers;
	if (http_client_new(&c->api, &o) < 0)
		goto fail;
	o.headers = NULL;
	o.follow_redirects = 1;
	if (http_client_new(&c->dl, &o) < 0)
		goto fail;
	return 0;
fail:
	ci_close(c);
	return -1;
}

void ci_close(struct ci_conn *c)
{
	http_client_free(c->api);
	http_client_free(c->dl);
	faux_free(c->faux);
	free(c->base);
	free(c->origin);
	memset(c, 0, sizeof(*c));
}

int ci_get_json(struct ci_conn *c, const char *path, json_t **out)
{
	struct http_response r;
	char *url = xasprintf("%s%s", c->base, path);
	json_error_t e;
	int rc = -1;

	http_response_init(&r);
	*out = NULL;
	if (http_get(c->api, url, &r) < 0)
		goto done;
	*out = json_loadb(r.body.data, r.body.len, JSON_REJECT_DUPLICATES, &e);
	if (!*out) {
		err_set("'%s': malformed response: %s at line %d column %d",
			path, e.text, e.line, e.column);
		goto done;
	}
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		err_set("'%s': malformed response: not a JSON object", path);
		goto done;
	}
	rc = 0;
done:
	http_response_release(&r);
	free(url);
	return rc;
}

int ci_download(struct ci_conn *c, struct http_client *client, const char *url,
		struct buf *body)
{
	struct http_response r;
	struct buf loc = BUF_INIT;
	char *at = url[0] == '/' ? xasprintf("%s%s", c->origin, url)
				 : xstrdup(url);
	int rc = -1;

	http_response_init(&r);
	/*
	 * libcurl follows redirects itself; a stand-in transport answers
	 * them, so they are followed here, as many times as libcurl would.
	 */
	for (int hops = 0;; hops++) {
		if (http_get(client, at, &r) == 0)
			break;
		if (r.status < 300 || r.status > 399 || hops == 5 ||
		    !http_header(&r, "Location", &loc))
			goto done;
		free(at);
		at = loc.data[0] == '/' ? xasprintf("%s%s", c->origin, loc.data)
					: xstrdup(loc.data);
	}
	if (r.body.len > (size_t)CI_ARTIFACT_MAX) {
		err_set("artifact of %zu bytes is larger than the %ld read",
			r.body.len, CI_ARTIFACT_MAX);
		goto done;
	}
	buf_reset(body);
	buf_add(body, r.body.data, r.body.len);
	rc = 0;
done:
	http_response_release(&r);
	buf_release(&loc);
	free(at);
	return rc;
}

int ci_emit(const struct source_sink *sink, const char *kind, json_t *rec)
{
	int rc = sink->record(kind, rec, sink->ctx);

	json_decref(rec);
	return rc < 0 ? -1 : 0;
}

/* The content type the bytes say they are. */
static const char *sniff(const struct buf *b)
{
	const unsigned char *p = (const unsigned char *)b->data;

	if (b->len >= 4 && !memcmp(p, "PK\x03\x04", 4))
		return "application/zip";
	if (b->len >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return "application/gzip";
	return "application/xml";
}

int ci_emit_artifact(const struct source_sink *sink, const char *source,
		     const char *workflow, const char *build_id,
		     int64_t attempt, const char *name, const struct buf *body)
{
	char tmpl[] = "/tmp/testpump-artifact-XXXXXX";
	int fd = mkstemp(tmpl);
	size_t done = 0;
	int rc;

	if (fd < 0)
		return err_set("cannot create a temporary file: %s",
			       strerror(errno));
	while (done < body->len) {
		ssize_t n = write(fd, body->data + done, body->len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err_set("cannot write '%s': %s", tmpl, strerror(errno));
			close(fd);
			unlink(tmpl);
			return -1;
		}
		done += (size_t)n;
	}
	close(fd);
	rc = ci_emit(sink, "ci_artifact",
		     json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s}", "source",
			       source, "workflow", workflow, "build_id",
			       build_id, "attempt", (json_int_t)attempt, "name",
			       name, "path", tmpl, "content_type",
			       sniff(body)));
	unlink(tmpl);
	return rc;
}

json_t *ci_time(const char *s)
{
	char out[TIMESTAMP_MAX];
	int64_t ms;

	if (!s || !*s)
		return json_null();
	if (timestamp_parse(s, &ms) < 0) {
		err_clear();
		return json_null();
	}
	ms -= ((ms % 1000) + 1000) % 1000;
	timestamp_format(ms, out);
	return json_string(out);
}

/* Whether s ends with suffix, ignoring case. */
static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcasecmp(s + n - m, suffix);
}

int ci_results_name(const char *name)
{
	char *lower = xstrdup(name);
	int hit;

	for (char *p = lower; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	hit = (strstr(lower, "junit") || strstr(lower, "test")) &&
	      (ends_with(lower, ".xml") || ends_with(lower, ".xml.gz") ||
	       ends_with(lower, ".zip"));
	free(lower);
	return hit;
}

char *ci_escape(const char *s)
{
	struct buf b = BUF_INIT;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (isalnum(ch) || ch == '-' || ch == '_' || ch == '.' ||
		    ch == '~')
			buf_addch(&b, (char)ch);
		else
			buf_addf(&b, "%%%02X", ch);
	}
	return buf_detach(&b, NULL);
}
