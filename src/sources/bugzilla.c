/*
 * bugzilla.c - the Bugzilla REST connector (peers.md 5.2): regression bugs
 * of a project's products and components, for issue-regression.
 *
 * A search (GET /rest/bug) is paged with limit and offset, ordered by bug
 * id.  Bugzilla stops every search at its max_search_results (10,000 on
 * bugzilla.mozilla.org) even when paged, so a search is read in slices:
 * a slice pages from offset 0 until a page comes back short (the end, or
 * the cap), and the next slice asks again for the bugs with a larger id
 * than the last one read (an advanced-search chart, f1=bug_id o1=
 * greaterthan), until a slice is empty.  No cap value is assumed: a server
 * with a smaller one is read whole too, for one more call per pull.
 *
 * Only the fields needed are asked (include_fields).  The date a bug was
 * resolved is BMO's cf_last_resolved; where a Bugzilla lacks that field,
 * the history of the page's resolved bugs is read in one call
 * (GET /rest/bug/ID/history?ids=...) and the last change of status to
 * RESOLVED or VERIFIED is taken.
 *
 * Incremental: with a cursor (the largest last_change_time of the last
 * pull), only bugs changed since then, less 10 minutes, are asked.  Each
 * bug is handed up as an "issue" record (kind "issue", source "bugzilla").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "sources/faux.h"
#include "sources/http.h"
#include "sources/source.h"
#include "sources/urlq.h"
#include "core/banned.h"

#define BZ_DEFAULT_HOST "bugzilla.mozilla.org"
#define BZ_PAGE 500
/* Bugs whose history one call reads. */
#define BZ_HISTORY_IDS 100
/* Bugs changed this long before the cursor are read again. */
#define BZ_OVERLAP_MS (10 * 60 * 1000)

static const char bz_fields[] =
	"id,summary,product,component,status,resolution,keywords,"
	"creation_time,last_change_time,cf_last_resolved";

static const char *const bugzilla_reports[] = {
	"issue-regression",
	NULL,
};

struct source {
	struct http_client *http;
	struct faux *faux;
	struct http_transport transport;
	char *base; /* "https://host/rest/" */
	char *web;  /* "https://host": the bugs' own pages */
	char *key_header;
	const char *headers[2];
};

/* One pull's state. */
struct bz_pull {
	struct source *src;
	const struct source_query *q;
	const struct source_sink *sink;
	char since[TIMESTAMP_MAX]; /* last_change_time from, "" all */
	size_t pages, records;
};

/* The search URL of one page: bugs with an id above after_id. */
static char *search_url(struct bz_pull *p, int64_t after_id, int64_t offset)
{
	const struct config_project *c = p->q->config;
	struct buf u = BUF_INIT;
	char num[32];

	buf_addf(&u, "%sbug", p->src->base);
	for (size_t i = 0; i < c->bugzilla_products.count; i++)
		urlq_add(&u, "product", c->bugzilla_products.items[i]);
	for (size_t i = 0; i < c->bugzilla_components.count; i++)
		urlq_add(&u, "component", c->bugzilla_components.items[i]);
	urlq_add(&u, "keywords", "regression");
	urlq_add(&u, "keywords_type", "allwords");
	if (p->since[0])
		urlq_add(&u, "last_change_time", p->since);
	if (after_id > 0) {
		snprintf(num, sizeof(num), "%lld", (long long)after_id);
		urlq_add(&u, "f1", "bug_id");
		urlq_add(&u, "o1", "greaterthan");
		urlq_add(&u, "v1", num);
	}
	urlq_add(&u, "include_fields", bz_fields);
	urlq_add(&u, "order", "bug_id");
	snprintf(num, sizeof(num), "%d", BZ_PAGE);
	urlq_add(&u, "limit", num);
	snprintf(num, sizeof(num), "%lld", (long long)offset);
	urlq_add(&u, "offset", num);
	return buf_detach(&u, NULL);
}

/* GETs url and parses its body as a JSON object into *out. */
static int get_json(struct bz_pull *p, const char *url, json_t **out)
{
	struct http_response r;
	json_error_t e;
	int rc = 0;

	http_response_init(&r);
	if (http_get(p->src->http, url, &r) < 0) {
		rc = -1;
		goto out;
	}
	*out = json_loadb(r.body.data, r.body.len, 0, &e);
	if (!json_is_object(*out)) {
		char *masked = config_mask_url(url);

		json_decref(*out);
		*out = NULL;
		rc = err_set("GET %s: the answer is not a JSON object (%s at "
			     "line %d column %d)",
			     masked, e.text, e.line, e.column);
		free(masked);
	}
out:
	http_response_release(&r);
	return rc;
}

/* The keywords of a bug as "a, b", and whether one is "regression". */
static json_t *keywords_of(json_t *bug, int *regression)
{
	struct buf b = BUF_INIT;
	json_t *kw = json_object_get(bug, "keywords"), *k, *out;
	size_t i;

	*regression = 0;
	json_array_foreach (kw, i, k) {
		if (!json_is_string(k))
			continue;
		buf_addf(&b, "%s%s", b.len ? ", " : "", json_string_value(k));
		if (!strcmp(json_string_value(k), "regression"))
			*regression = 1;
	}
	out = json_string(b.data);
	buf_release(&b);
	return out;
}

static int is_resolved(const char *status)
{
	return status &&
	       (!strcmp(status, "RESOLVED") || !strcmp(status, "VERIFIED") ||
		!strcmp(status, "CLOSED"));
}

/*
 * The time of the last change of status from an open one to RESOLVED,
 * VERIFIED or CLOSED in the history of bug id, from a /history answer;
 * NULL when none.
 */
static const char *resolved_in_history(json_t *hist, int64_t id)
{
	json_t *bugs = json_object_get(hist, "bugs"), *b, *h, *c;
	const char *when = NULL;
	size_t i, j, k;

	json_array_foreach (bugs, i, b) {
		if (json_integer_value(json_object_get(b, "id")) != id)
			continue;
		json_array_foreach (json_object_get(b, "history"), j, h) {
			json_array_foreach (json_object_get(h, "changes"), k,
					    c) {
				const char *f = json_string_value(
					json_object_get(c, "field_name"));
				const char *a = json_string_value(
					json_object_get(c, "added"));
				const char *r = json_string_value(
					json_object_get(c, "removed"));

				/* Open to resolved: RESOLVED to VERIFIED
				 * is no new resolution. */
				if (f && a && !strcmp(f, "status") &&
				    is_resolved(a) && !is_resolved(r))
					when = json_string_value(
						json_object_get(h, "when"));
			}
		}
	}
	return when;
}

/*
 * Reads the history of the page's resolved bugs lacking cf_last_resolved,
 * BZ_HISTORY_IDS bugs a call, into one {"bugs": [...]} in *hist.
 */
static int page_history(struct bz_pull *p, json_t *bugs, json_t **hist)
{
	struct buf u = BUF_INIT;
	json_t *b, *part;
	size_t i, n = 0, last = json_array_size(bugs);
	int rc = 0;

	*hist = NULL;
	json_array_foreach (bugs, i, b) {
		char num[32];

		if (is_resolved(
			    json_string_value(json_object_get(b, "status"))) &&
		    !json_is_string(json_object_get(b, "cf_last_resolved"))) {
			snprintf(num, sizeof(num), "%lld",
				 (long long)json_integer_value(
					 json_object_get(b, "id")));
			if (!n++)
				buf_addf(&u, "%sbug/%s/history", p->src->base,
					 num);
			urlq_add(&u, "ids", num);
		}
		if (n && (n == BZ_HISTORY_IDS || i + 1 == last)) {
			if ((rc = get_json(p, u.data, &part)) < 0)
				break;
			if (!*hist)
				*hist = json_pack("{s:[]}", "bugs");
			json_array_extend(json_object_get(*hist, "bugs"),
					  json_object_get(part, "bugs"));
			json_decref(part);
			buf_reset(&u);
			n = 0;
		}
	}
	buf_release(&u);
	return rc;
}

/* Hands bug up as an "issue" record. */
static int emit_bug(struct bz_pull *p, json_t *bug, json_t *hist)
{
	int64_t id = json_integer_value(json_object_get(bug, "id"));
	const char *status = json_string_value(json_object_get(bug, "status"));
	const char *res = json_string_value(json_object_get(bug, "resolution"));
	json_t *resolved = json_object_get(bug, "cf_last_resolved");
	json_t *rec, *changed;
	const char *rt = NULL;
	char idtext[32];
	int regression, rc;

	if (id <= 0 || !status)
		return err_set("bugzilla: a bug of the search has no id or "
			       "status");
	snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
	rec = json_pack("{s:s, s:s, s:o, s:o, s:o}", "source", "bugzilla",
			"issue_id", idtext, "product",
			urlq_str(json_object_get(bug, "product")), "component",
			urlq_str(json_object_get(bug, "component")), "title",
			urlq_str(json_object_get(bug, "summary")));
	json_object_set_new(rec, "keywords", keywords_of(bug, &regression));
	json_object_set_new(rec, "regression", json_boolean(regression));
	json_object_set_new(rec, "status", json_string(status));
	json_object_set_new(rec, "resolution",
			    res && *res ? json_string(res) : json_null());
	json_object_set_new(rec, "created_at",
			    urlq_time(json_object_get(bug, "creation_time")));
	if (is_resolved(status)) {
		rt = json_string_value(resolved);
		if (!rt && hist)
			rt = resolved_in_history(hist, id);
	}
	resolved = rt ? json_string(rt) : json_null();
	json_object_set_new(rec, "resolved_at", urlq_time(resolved));
	json_decref(resolved);
	changed = urlq_time(json_object_get(bug, "last_change_time"));
	json_object_set_new(rec, "changed_at", changed);
	json_object_set_new(rec, "url",
			    json_sprintf("%s/show_bug.cgi?id=%lld", p->src->web,
					 (long long)id));
	rc = p->sink->record("issue", rec, p->sink->ctx);
	json_decref(rec);
	p->records++;
	return rc < 0 ? -1 : 0;
}

/* Hands up one page's bugs; *last is the largest id read. */
static int page_bugs(struct bz_pull *p, json_t *bugs, int64_t *last)
{
	json_t *hist, *b;
	size_t i;
	int rc = 0;

	if (page_history(p, bugs, &hist) < 0)
		return -1;
	json_array_foreach (bugs, i, b) {
		int64_t id = json_integer_value(json_object_get(b, "id"));

		if ((rc = emit_bug(p, b, hist)) < 0)
			break;
		if (id > *last)
			*last = id;
	}
	json_decref(hist);
	return rc;
}

/* Reads one slice (bugs above after_id) to its end; *n: bugs read. */
static int read_slice(struct bz_pull *p, int64_t after_id, int64_t *last,
		      int64_t *n)
{
	int64_t offset = 0;

	*n = 0;
	for (;;) {
		char *url = search_url(p, after_id, offset);
		json_t *page = NULL, *bugs;
		size_t size;
		int rc = get_json(p, url, &page);

		if (rc == 0) {
			bugs = json_object_get(page, "bugs");
			if (!json_is_array(bugs)) {
				char *masked = config_mask_url(url);

				rc = err_set("GET %s: the answer has no 'bugs' "
					     "array",
					     masked);
				free(masked);
			}
		}
		free(url);
		if (rc == 0)
			rc = page_bugs(p, bugs, last);
		size = rc == 0 ? json_array_size(bugs) : 0;
		json_decref(page);
		if (rc < 0)
			return -1;
		p->pages++;
		if (p->sink->progress)
			p->sink->progress("bugs", p->pages, p->records,
					  p->sink->ctx);
		*n += (int64_t)size;
		offset += (int64_t)size;
		if (size < BZ_PAGE)
			return 0;
	}
}

static int bugzilla_pull(struct source *src, const struct source_query *q,
			 const struct source_sink *sink)
{
	struct bz_pull p = {.src = src, .q = q, .sink = sink};
	int64_t after = 0, n, ms;

	if (strcmp(q->report_type, "issue-regression"))
		return err_set("bugzilla cannot pull report type '%s'",
			       q->report_type);
	if (!q->config || !q->config->bugzilla_products.count)
		return err_set("project '%s' has no bugzilla_products in the "
			       "configuration",
			       q->project);
	if (q->cursor && *q->cursor && timestamp_parse(q->cursor, &ms) == 0)
		timestamp_format((ms - BZ_OVERLAP_MS) / 1000 * 1000, p.since);
	do {
		int64_t last = after;

		if (read_slice(&p, after, &last, &n) < 0)
			return -1;
		if (n && last <= after)
			return err_set("bugzilla: a slice of the search after "
				       "bug %lld did not move on",
				       (long long)after);
		after = last;
	} while (n > 0);
	return 0;
}

static int bugzilla_open(struct source **out, const struct source_config *cfg)
{
	struct source *src = xcalloc(1, sizeof(*src));
	const char *host =
		cfg->base_url ? cfg->base_url : urlq_env("BUGZILLA_HOST");
	const char *key = urlq_env("BUGZILLA_API_KEY");
	struct http_options o;

	http_options_init(&o);
	if (cfg->max_tries > 0)
		o.max_tries = cfg->max_tries;
	if (cfg->backoff_ms > 0)
		o.backoff_ms = cfg->backoff_ms;
	src->web = urlq_base(
		host && !cfg->faux && !cfg->transport ? host : BZ_DEFAULT_HOST);
	if (cfg->faux) {
		struct faux_options fo = {FAUX_OK, 0, timestamp_now_ms()};

		if (faux_new(&src->faux, &fo) < 0)
			goto fail;
		faux_transport(src->faux, &src->transport);
		o.transport = &src->transport;
		host = FAUX_BASE_URL;
	} else if (cfg->transport) {
		o.transport = cfg->transport;
		host = FAUX_BASE_URL;
	} else if (!host) {
		host = BZ_DEFAULT_HOST;
	}
	if (key && !cfg->faux && !cfg->transport) {
		/* Anonymous reads work for public bugs: the key is optional. */
		src->key_header = xasprintf("X-BUGZILLA-API-KEY: %s", key);
		src->headers[0] = src->key_header;
		o.headers = src->headers;
	}
	{
		char *b = urlq_base(host);

		src->base = xasprintf("%s/rest/", b);
		free(b);
	}
	if (http_client_new(&src->http, &o) < 0)
		goto fail;
	*out = src;
	return 0;
fail:
	faux_free(src->faux);
	free(src->base);
	free(src->web);
	free(src->key_header);
	free(src);
	return -1;
}

static void bugzilla_close(struct source *src)
{
	if (!src)
		return;
	http_client_free(src->http);
	faux_free(src->faux);
	free(src->base);
	free(src->web);
	free(src->key_header);
	free(src);
}

static int bugzilla_configured(const struct config_project *p)
{
	return p->bugzilla_products.count > 0;
}

const struct source_ops source_bugzilla = {
	.name = "bugzilla",
	.summary = "Bugzilla REST: regression bugs of products and components",
	.report_types = bugzilla_reports,
	.open = bugzilla_open,
	.pull = bugzilla_pull,
	.close = bugzilla_close,
	.configured = bugzilla_configured,
};
