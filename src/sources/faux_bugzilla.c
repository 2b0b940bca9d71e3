/*
 * faux_bugzilla.c - the faux Bugzilla REST API (bugzilla.mozilla.org):
 * bug search and bug history, for the built-in projects' products.
 *
 * The bugs are generated, deterministic per product (products[] below),
 * all with the regression keyword: Firefox for Android holds more than
 * the server's max_search_results (10,000, as BMO), so only a client that
 * slices its searches reads them all.  A search honours product,
 * component, keywords, last_change_time, one advanced-search chart on
 * bug_id (f1/o1/v1 with greaterthan), include_fields, limit and offset,
 * ordered by bug id, and stops at the cap like BMO.  The responses are
 * computed: there are no data files.
 *
 * Scenarios: rate-limited answers the first call 429 (Retry-After: 1);
 * server-error answers Focus's searches after its first with HTTP 500;
 * malformed answers Focus's searches with truncated JSON; legacy is an
 * upstream Bugzilla 5 without BMO's cf_last_resolved, so a client reads
 * the history to learn when a bug was resolved.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "sources/faux_internal.h"
#include "sources/faux_util.h"
#include "core/banned.h"

/* BMO's max_search_results. */
#define BZ_CAP 10000
#define BZ_DAY 86400

static const struct bz_product {
	const char *name;
	const char *components[5]; /* NULL-terminated */
	int64_t count;
	int64_t first_id;
} products[] = {
	{"Firefox for Android",
	 {"General", "Toolbar", "Browser Engine", "Settings", NULL},
	 10450,
	 1700000},
	{"Focus", {"General", "Privacy", NULL}, 75, 1690000},
	{"Firefox for iOS", {"General", "Browser", "Tabs", NULL}, 240, 1680000},
};

#define NPRODUCTS (sizeof(products) / sizeof(products[0]))

/* One generated bug. */
struct bz_bug {
	const struct bz_product *p;
	int64_t i, id;
	const char *component, *status, *resolution;
	int64_t created, resolved, changed; /* seconds; resolved 0: open */
};

static size_t ncomponents(const struct bz_product *p)
{
	size_t n = 0;

	while (p->components[n])
		n++;
	return n;
}

/* Bug i of product p, its times before today (seconds). */
static void gen_bug(const struct bz_product *p, int64_t i, int64_t today,
		    struct bz_bug *b)
{
	int64_t k = i % 20;

	b->p = p;
	b->i = i;
	b->id = p->first_id + i * 3 + (i % 3 == 2);
	b->component = p->components[(size_t)i % ncomponents(p)];
	b->created = today - 720 * BZ_DAY +
		     (720 * BZ_DAY - BZ_DAY) * i / p->count + (i % 24) * 1200;
	b->resolved = 0;
	b->status = k % 4 == 3 ? "ASSIGNED" : "NEW";
	b->resolution = "";
	if (k < 12) {
		b->resolved = b->created + (1 + i % 40) * BZ_DAY / 2;
		b->status = k % 3 == 1 ? "VERIFIED" : "RESOLVED";
		b->resolution = k == 5	 ? "DUPLICATE"
				: k == 8 ? "WONTFIX"
					 : "FIXED";
		if (b->resolved > today - 3600)
			b->resolved = today - 3600;
	}
	b->changed = b->resolved ? b->resolved + (i % 5) * 3600
				 : b->created + (i % 9) * BZ_DAY;
	if (b->changed > today - 60)
		b->changed = today - 60;
}

static int param_has(const struct fq *q, const char *key, const char *value)
{
	const char *v;

	if (!fq_get(q, key, 0))
		return 1;
	for (size_t i = 0; (v = fq_get(q, key, i)); i++)
		if (!strcmp(v, value))
			return 1;
	return 0;
}

static int wanted(const struct fq *q, const char *field)
{
	const char *inc = fq_get(q, "include_fields", 0);
	size_t len = strlen(field);

	if (!inc)
		return 1;
	for (const char *p = inc; *p;) {
		size_t n = strcspn(p, ",");

		if (n == len && !strncmp(p, field, n))
			return 1;
		p += n + (p[n] == ',');
	}
	return 0;
}

static void add_bug(struct buf *o, const struct fq *q, const struct bz_bug *b,
		    int legacy)
{
	size_t start = o->len;

	buf_addch(o, '{');
#define FIELD(name)                                                         \
	if (wanted(q, name) &&                                              \
	    (buf_addf(o, "%s\"%s\":", o->len > start + 1 ? "," : "", name), \
	     1))
	FIELD("id") buf_addf(o, "%" PRId64, b->id);
	FIELD("summary")
	buf_addf(o, "\"%s: %s regressed after the nightly of day %" PRId64 "\"",
		 b->component, b->i % 2 ? "page load" : "tab switching",
		 b->i % 97);
	FIELD("product") buf_addf(o, "\"%s\"", b->p->name);
	FIELD("component") buf_addf(o, "\"%s\"", b->component);
	FIELD("status") buf_addf(o, "\"%s\"", b->status);
	FIELD("resolution") buf_addf(o, "\"%s\"", b->resolution);
	FIELD("is_open") buf_adds(o, b->resolved ? "false" : "true");
	FIELD("keywords")
	buf_adds(o, b->i % 4 == 0 ? "[\"perf\",\"regression\"]"
				  : "[\"regression\"]");
	FIELD("creation_time") faux_json_time(o, b->created);
	FIELD("last_change_time") faux_json_time(o, b->changed);
	if (!legacy) {
		FIELD("cf_last_resolved")
		{
			if (b->resolved)
				faux_json_time(o, b->resolved);
			else
				buf_adds(o, "null");
		}
	}
#undef FIELD
	buf_addch(o, '}');
}

/* Whether bug b passes the search's filters. */
static int matches(const struct fq *q, const struct bz_bug *b, int64_t after,
		   const char *since)
{
	if (!param_has(q, "component", b->component) || b->id <= after)
		return 0;
	if (since) {
		struct buf t = BUF_INIT;
		int ok;

		faux_json_time(&t, b->changed);
		/* "\"2024-...Z\"": compare without the quotes */
		ok = strncmp(t.data + 1, since, 20) >= 0;
		buf_release(&t);
		return ok;
	}
	return 1;
}

static void search(struct faux *f, const struct fq *q, int64_t today,
		   struct http_response *out)
{
	int64_t limit = fq_int(q, "limit", BZ_CAP);
	int64_t offset = fq_int(q, "offset", 0), after = 0, seen = 0;
	const char *since = fq_get(q, "last_change_time", 0);
	const char *kw = fq_get(q, "keywords", 0);
	int legacy = faux_options(f)->scenario == FAUX_LEGACY;
	size_t nout = 0;

	if (fq_get(q, "f1", 0) && !strcmp(fq_get(q, "f1", 0), "bug_id") &&
	    fq_get(q, "o1", 0) && !strcmp(fq_get(q, "o1", 0), "greaterthan"))
		after = fq_int(q, "v1", 0);
	limit = limit <= 0 || limit > BZ_CAP ? BZ_CAP : limit;
	out->status = 200;
	buf_adds(&out->body, "{\"bugs\":[");
	for (size_t k = 0; k < NPRODUCTS && (!kw || strstr(kw, "regression"));
	     k++) {
		const struct bz_product *p = &products[k];

		if (!param_has(q, "product", p->name) ||
		    !fq_get(q, "product", 0))
			continue;
		for (int64_t i = 0; i < p->count; i++) {
			struct bz_bug b;

			gen_bug(p, i, today, &b);
			if (!matches(q, &b, after, since))
				continue;
			/* BMO stops a search at max_search_results. */
			if (seen >= BZ_CAP)
				break;
			if (seen++ < offset || (int64_t)nout >= limit)
				continue;
			if (nout++)
				buf_addch(&out->body, ',');
			add_bug(&out->body, q, &b, legacy);
		}
	}
	buf_adds(&out->body, "],\"faults\":[]}");
}

/* GET bug/ID/history?ids=...: the change to the resolution of each. */
static void history(const struct fq *q, int64_t today,
		    struct http_response *out)
{
	const char *v;
	size_t n = 0;

	out->status = 200;
	buf_adds(&out->body, "{\"bugs\":[");
	for (size_t idx = 0; (v = fq_get(q, "ids", idx)); idx++) {
		int64_t id = strtoll(v, NULL, 10);

		for (size_t k = 0; k < NPRODUCTS; k++) {
			const struct bz_product *p = &products[k];
			int64_t i = (id - p->first_id) / 3;
			struct bz_bug b;

			if (i < 0 || i >= p->count)
				continue;
			gen_bug(p, i, today, &b);
			if (b.id != id)
				continue;
			buf_addf(&out->body,
				 "%s{\"id\":%" PRId64 ",\"alias\":null,"
				 "\"history\":[{\"when\":",
				 n++ ? "," : "", id);
			faux_json_time(&out->body, b.created + 3600);
			buf_adds(&out->body,
				 ",\"who\":\"triage-bot@mozilla.example\","
				 "\"changes\":[{\"field_name\":\"status\","
				 "\"removed\":\"UNCONFIRMED\",\"added\":"
				 "\"NEW\"}]}");
			if (b.resolved) {
				buf_adds(&out->body, ",{\"when\":");
				faux_json_time(&out->body, b.resolved);
				buf_addf(&out->body,
					 ",\"who\":\"dev@mozilla.example\","
					 "\"changes\":[{\"field_name\":"
					 "\"status\",\"removed\":\"NEW\","
					 "\"added\":\"RESOLVED\"},{"
					 "\"field_name\":\"resolution\","
					 "\"removed\":\"\",\"added\":\"%s\"}]}",
					 b.resolution);
			}
			buf_adds(&out->body, "]}");
		}
	}
	buf_adds(&out->body, "]}");
}

static void bz_error(struct http_response *out, long status, int code,
		     const char *message)
{
	out->status = status;
	buf_reset(&out->body);
	buf_addf(&out->body,
		 "{\"error\":true,\"code\":%d,\"message\":\"%s\","
		 "\"documentation\":\"https://bmo.readthedocs.io/en/latest/"
		 "api/\"}",
		 code, message);
}

/* The scenario's failures; 1 when out is filled. */
static int inject(struct faux *f, const struct fq *q, uint64_t n,
		  struct http_response *out)
{
	int focus = param_has(q, "product", "Focus") &&
		    fq_get(q, "product", 0) && !fq_get(q, "product", 1);

	switch (faux_options(f)->scenario) {
	case FAUX_RATE_LIMITED:
		if (n != 1)
			return 0;
		bz_error(out, 429, 32000, "Too many requests, slow down");
		out->retry_after_ms = 1000;
		return 1;
	case FAUX_SERVER_ERROR:
		if (!focus || (!fq_get(q, "f1", 0) && !fq_int(q, "offset", 0)))
			return 0;
		bz_error(out, 500, 100500, "Internal Error");
		return 1;
	case FAUX_MALFORMED:
		if (!focus)
			return 0;
		out->status = 200;
		buf_adds(&out->body, "{\"bugs\":[{\"id\":1690000,\"summary\":"
				     "\"General: tab swi");
		return 1;
	default:
		return 0;
	}
}

void faux_bugzilla_respond(struct faux *f, const char *rest,
			   struct http_response *out)
{
	int64_t today = FAUX_ANCHOR_S + faux_shift_s(f);
	struct fq q;

	fq_parse(&q, rest);
	if (!inject(f, &q, faux_count_call(f), out)) {
		size_t plen = strlen(q.path);

		if (!strcmp(q.path, "bug"))
			search(f, &q, today, out);
		else if (!strncmp(q.path, "bug/", 4) && plen > 12 &&
			 !strcmp(q.path + plen - 8, "/history"))
			history(&q, today, out);
		else
			bz_error(out, 404, 32614,
				 "A REST API resource was not found for "
				 "that path.");
	}
	buf_adds(&out->headers, "Content-Type: application/json; "
				"charset=UTF-8\r\n");
	fq_release(&q);
}
