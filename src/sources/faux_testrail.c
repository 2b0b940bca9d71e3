/*
 * faux_testrail.c - the faux TestRail API v2: routing, filters, paging,
 * scenarios, and generated suites and cases for benchmarks.
 *
 * A call reads "get_cases/59&suite_id=5901&limit=250&offset=0": the method,
 * an optional id after '/', and '&'-separated parameters, as TestRail's
 * "index.php?/api/v2/" URLs do.  Paginated answers are built here from the
 * whole list in the data, so limit, offset and _links behave as upstream.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "sources/faux_internal.h"
#include "core/banned.h"

#define MAX_PARAMS 16
#define PAGE_MAX 250

/* The project whose calls fail in server-error, and its first suite. */
#define SERVER_ERROR_PROJECT "48"
#define SERVER_ERROR_SUITE_OK "4801"
/* The project whose answers are malformed in malformed. */
#define MALFORMED_PROJECT "58"
#define MALFORMED_SUITE "5801"

/* Suites per project when the cases are generated. */
#define GEN_SUITES 10

struct tr_param {
	char key[32];
	char value[64];
};

struct tr_call {
	char method[64];
	char id[32];
	struct tr_param params[MAX_PARAMS];
	size_t nparams;
};

/* Copies up to the first of stops into out (cut at size - 1). */
static const char *take(const char *s, const char *stops, char *out,
			size_t size)
{
	size_t n = strcspn(s, stops);
	size_t k = n < size - 1 ? n : size - 1;

	memcpy(out, s, k);
	out[k] = '\0';
	return s + n;
}

static void parse_call(const char *api, struct tr_call *c)
{
	const char *p = take(api, "/&", c->method, sizeof(c->method));

	c->id[0] = '\0';
	c->nparams = 0;
	if (*p == '/')
		p = take(p + 1, "&", c->id, sizeof(c->id));
	while (*p == '&' && c->nparams < MAX_PARAMS) {
		struct tr_param *t = &c->params[c->nparams++];

		p = take(p + 1, "=&", t->key, sizeof(t->key));
		t->value[0] = '\0';
		if (*p == '=')
			p = take(p + 1, "&", t->value, sizeof(t->value));
	}
}

static const char *param(const struct tr_call *c, const char *key)
{
	for (size_t i = 0; i < c->nparams; i++)
		if (!strcmp(c->params[i].key, key))
			return c->params[i].value;
	return NULL;
}

static int64_t param_int(const struct tr_call *c, const char *key, int64_t def)
{
	const char *v = param(c, key);
	char *end;
	long long n;

	if (!v || !*v)
		return def;
	n = strtoll(v, &end, 10);
	return *end ? def : (int64_t)n;
}

/* The scenario's failures, before any lookup; 1 when out is filled. */
static int inject(struct faux *f, const struct tr_call *c, uint64_t n,
		  struct http_response *out)
{
	const char *suite = param(c, "suite_id");

	switch (faux_options(f)->scenario) {
	case FAUX_RATE_LIMITED:
		if (n == 1) {
			faux_error(out, 429,
				   "API Rate Limit Exceeded - 180 per minute "
				   "maximum allowed. Retry after 1 second.");
			out->retry_after_ms = 1000;
			return 1;
		}
		if (n == 2) {
			faux_error(out, 409,
				   "The TestRail API is currently unavailable "
				   "due to scheduled maintenance.");
			return 1;
		}
		return 0;
	case FAUX_SERVER_ERROR:
		if (!strcmp(c->id, SERVER_ERROR_PROJECT) &&
		    ((!strcmp(c->method, "get_cases") && suite &&
		      strcmp(suite, SERVER_ERROR_SUITE_OK)) ||
		     !strcmp(c->method, "get_runs"))) {
			faux_error(out, 500, "Internal server error");
			return 1;
		}
		return 0;
	case FAUX_MALFORMED:
		if (!strcmp(c->method, "get_cases") && suite &&
		    !strcmp(suite, MALFORMED_SUITE)) {
			out->status = 200;
			buf_adds(&out->body,
				 "{\"offset\":0,\"limit\":250,"
				 "\"size\":7,\"_links\":{\"next\":"
				 "null,\"prev\":null},\"cases\":["
				 "{\"id\":10051,\"title\":\"Open a");
			return 1;
		}
		if (!strcmp(c->method, "get_runs") &&
		    !strcmp(c->id, MALFORMED_PROJECT)) {
			out->status = 200;
			buf_adds(&out->body, "{\"offset\":0,\"limit\":250,"
					     "\"size\":0,\"_links\":{\"next\":"
					     "null,\"prev\":null},\"run\":[]}");
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}

/* Whether item passes the call's filters (every parameter but paging). */
static int keep(const struct tr_call *c, const char *by, json_t *item)
{
	for (size_t i = 0; i < c->nparams; i++) {
		const char *k = c->params[i].key;
		int64_t v = param_int(c, k, 0);
		json_t *m;

		if (!strcmp(k, "limit") || !strcmp(k, "offset") ||
		    (by && !strcmp(k, by)))
			continue;
		if (!strcmp(k, "created_after") ||
		    !strcmp(k, "created_before")) {
			int64_t t = json_integer_value(
				json_object_get(item, "created_on"));

			if (k[8] == 'a' ? t <= v : t >= v)
				return 0;
			continue;
		}
		m = json_object_get(item, k);
		if (json_is_boolean(m) && json_is_true(m) != (v != 0))
			return 0;
		if (json_is_integer(m) && json_integer_value(m) != v)
			return 0;
	}
	return 1;
}

static void add_link(struct buf *b, const struct tr_call *c, int64_t limit,
		     int64_t offset)
{
	buf_addf(b, "\"/api/v2/%s%s%s", c->method, *c->id ? "/" : "", c->id);
	for (size_t i = 0; i < c->nparams; i++) {
		const struct tr_param *t = &c->params[i];

		if (strcmp(t->key, "limit") && strcmp(t->key, "offset"))
			buf_addf(b, "&%s=%s", t->key, t->value);
	}
	buf_addf(b, "&limit=%" PRId64 "&offset=%" PRId64 "\"", limit, offset);
}

/* Opens the envelope of a page of `size` of `total` items. */
static void open_envelope(struct buf *b, const struct tr_call *c,
			  const char *key, int64_t limit, int64_t offset,
			  int64_t size, int64_t total)
{
	buf_addf(b,
		 "{\"offset\":%" PRId64 ",\"limit\":%" PRId64
		 ",\"size\":%" PRId64 ",\"_links\":{\"next\":",
		 offset, limit, size);
	if (offset + size < total)
		add_link(b, c, limit, offset + size);
	else
		buf_adds(b, "null");
	buf_adds(b, ",\"prev\":");
	if (offset > 0)
		add_link(b, c, limit, offset > limit ? offset - limit : 0);
	else
		buf_adds(b, "null");
	buf_addf(b, "},\"%s\":[", key);
}

static void add_json(struct buf *b, json_t *v)
{
	char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

	buf_adds(b, text);
	free(text);
}

/* Answers a list: paged in an envelope, or bare for legacy servers. */
static void answer_list(struct faux *f, const struct tr_call *c,
			const struct faux_doc *d, json_t *list,
			struct http_response *out)
{
	json_t **items = xcalloc(json_array_size(list) + 1, sizeof(json_t *));
	int64_t total = 0, limit, offset, end;
	json_t *item;
	size_t i;

	json_array_foreach (list, i, item)
		if (keep(c, d->by, item))
			items[total++] = item;
	limit = param_int(c, "limit", PAGE_MAX);
	limit = limit < 1 || limit > PAGE_MAX ? PAGE_MAX : limit;
	offset = param_int(c, "offset", 0);
	offset = offset < 0 ? 0 : offset > total ? total : offset;
	out->status = 200;
	if (faux_options(f)->scenario == FAUX_LEGACY) {
		offset = 0;
		limit = total;
		buf_addch(&out->body, '[');
	} else {
		end = offset + limit < total ? offset + limit : total;
		open_envelope(&out->body, c, d->envelope, limit, offset,
			      end - offset, total);
	}
	end = offset + limit < total ? offset + limit : total;
	for (int64_t k = offset; k < end; k++) {
		if (k > offset)
			buf_addch(&out->body, ',');
		add_json(&out->body, items[k]);
	}
	buf_adds(&out->body,
		 faux_options(f)->scenario == FAUX_LEGACY ? "]" : "]}");
	free(items);
}

/* The id of a project in get_projects, or 0. */
static int known_project(struct faux *f, const char *id)
{
	const struct faux_doc *d = faux_find(f, "testrail/get_projects");
	json_t *p;
	size_t i;

	json_array_foreach (d ? d->data : NULL, i, p)
		if (json_integer_value(json_object_get(p, "id")) ==
		    strtoll(id, NULL, 10))
			return 1;
	return 0;
}

/* Generated suites of a project: ids PID01..PID10. */
static void gen_suites(struct faux *f, const struct tr_call *c,
		       struct http_response *out)
{
	long long pid = strtoll(c->id, NULL, 10);

	if (!known_project(f, c->id)) {
		faux_error(out, 400,
			   "Field :project_id is not a valid or "
			   "accessible project.");
		return;
	}
	out->status = 200;
	buf_addch(&out->body, '[');
	for (int k = 1; k <= GEN_SUITES; k++)
		buf_addf(&out->body,
			 "%s{\"id\":%lld,\"name\":\"Generated suite %d\","
			 "\"description\":null,\"project_id\":%lld,"
			 "\"is_master\":%s,\"is_baseline\":false,"
			 "\"is_completed\":false,\"completed_on\":null,"
			 "\"url\":\"https://mozilla.testrail.io/index.php?/"
			 "suites/view/%lld\"}",
			 k > 1 ? "," : "", pid * 100 + k, k, pid,
			 k == 1 ? "true" : "false", pid * 100 + k);
	buf_addch(&out->body, ']');
}

static void gen_case(struct buf *b, int64_t suite, int64_t k, int64_t today)
{
	int64_t created = today - (k % 700 + 30) * 86400;

	buf_addf(b,
		 "{\"id\":%" PRId64 ",\"title\":\"Generated case %" PRId64
		 " of suite %" PRId64 "\",\"section_id\":%" PRId64
		 ",\"template_id\":1,\"type_id\":%d,\"priority_id\":%d,"
		 "\"milestone_id\":null,\"refs\":null,\"created_by\":12,"
		 "\"created_on\":%" PRId64 ",\"updated_by\":12,"
		 "\"updated_on\":%" PRId64 ",\"estimate\":null,"
		 "\"estimate_forecast\":null,\"suite_id\":%" PRId64
		 ",\"display_order\":%" PRId64 ",\"is_deleted\":0,"
		 "\"custom_automation_status\":%d,"
		 "\"custom_automation_coverage\":%d,"
		 "\"custom_preconds\":null,\"custom_sub_test_suites\":[%d],"
		 "\"labels\":[]}",
		 suite * 100000 + k, k, suite, suite * 10 + k % 3,
		 6 + (int)(k % 3), 2 + (int)(k % 3), created, created + 86400,
		 suite, k + 1, 1 + (int)(k % 5), 1 + (int)(k % 3),
		 (int)(k % 4));
}

/* Generated cases of a suite: size / (5 projects * 10 suites) each. */
static void gen_cases(struct faux *f, const struct tr_call *c,
		      struct http_response *out)
{
	int64_t suite = param_int(c, "suite_id", 0);
	int64_t pid = suite / 100, per = faux_options(f)->size / 50;
	int64_t limit = param_int(c, "limit", PAGE_MAX);
	int64_t offset = param_int(c, "offset", 0), end;
	int64_t today = FAUX_ANCHOR_S + faux_shift_s(f);

	if (!known_project(f, c->id) || pid != strtoll(c->id, NULL, 10) ||
	    suite % 100 < 1 || suite % 100 > GEN_SUITES) {
		faux_error(out, 400,
			   "Field :suite_id is not a valid test "
			   "suite.");
		return;
	}
	limit = limit < 1 || limit > PAGE_MAX ? PAGE_MAX : limit;
	offset = offset < 0 ? 0 : offset > per ? per : offset;
	end = offset + limit < per ? offset + limit : per;
	out->status = 200;
	open_envelope(&out->body, c, "cases", limit, offset, end - offset, per);
	for (int64_t k = offset; k < end; k++) {
		if (k > offset)
			buf_addch(&out->body, ',');
		gen_case(&out->body, suite, k, today);
	}
	buf_adds(&out->body, "]}");
}

void faux_testrail_respond(struct faux *f, const char *api,
			   struct http_response *out)
{
	struct tr_call c;
	const struct faux_doc *d;
	char name[80];
	json_t *data;
	const char *key;

	parse_call(api, &c);
	if (inject(f, &c, faux_count_call(f), out))
		return;
	if (faux_options(f)->size > 0 && !strcmp(c.method, "get_suites")) {
		gen_suites(f, &c, out);
		return;
	}
	if (faux_options(f)->size > 0 && !strcmp(c.method, "get_cases")) {
		gen_cases(f, &c, out);
		return;
	}
	snprintf(name, sizeof(name), "testrail/%s", c.method);
	d = faux_find(f, name);
	if (!d) {
		faux_error(out, 400, "Unknown method");
		return;
	}
	data = d->data;
	if (d->by) {
		key = !strcmp(d->by, "path") ? c.id : param(&c, d->by);
		data = key && *key ? json_object_get(d->data, key) : NULL;
		if (!data) {
			char msg[96];

			snprintf(msg, sizeof(msg),
				 "Field :%s is not a valid or accessible id.",
				 !strcmp(d->by, "path") ? "id" : d->by);
			faux_error(out, 400, msg);
			return;
		}
	}
	if (d->envelope && json_is_array(data)) {
		answer_list(f, &c, d, data, out);
		return;
	}
	out->status = 200;
	add_json(&out->body, data);
}
