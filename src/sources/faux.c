/*
 * faux.c - loading the embedded responses, scenarios, the in-process
 * transport, and routing a call to its upstream's responder.
 */
#include "sources/faux.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "sources/faux_internal.h"
#include "core/banned.h"

#define TESTRAIL_PREFIX "/index.php?/api/v2/"

const struct faux_scenario_info faux_scenarios[] = {
	{"ok", "every call answers"},
	{"rate-limited",
	 "the first call gets 429 with Retry-After: 1, the second 409 "
	 "(maintenance); then every call answers"},
	{"server-error",
	 "focus-android's calls get HTTP 500 after its first suite; the other "
	 "projects answer"},
	{"malformed",
	 "reference-browser's cases arrive as truncated JSON and its runs "
	 "without their array"},
	{"legacy",
	 "paginated endpoints answer a bare array, as before TestRail 6.7"},
	{NULL, NULL},
};

struct faux {
	struct faux_options o;
	struct faux_doc *docs;
	size_t ndocs;
	int64_t shift_s;
	atomic_uint_fast64_t calls;
};

int faux_scenario_parse(const char *name, enum faux_scenario *out)
{
	struct buf names = BUF_INIT;

	for (int i = 0; faux_scenarios[i].name; i++) {
		if (!strcmp(faux_scenarios[i].name, name)) {
			*out = (enum faux_scenario)i;
			buf_release(&names);
			return 0;
		}
		buf_addf(&names, "%s%s", i ? ", " : "", faux_scenarios[i].name);
	}
	err_set("unknown scenario '%s' (one of: %s)", name, names.data);
	buf_release(&names);
	return -1;
}

/* Adds shift to every integer member named "*_on" (TestRail's times). */
static void shift_times(json_t *v, int64_t shift)
{
	const char *key;
	json_t *m;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach (v, i, m)
			shift_times(m, shift);
		return;
	}
	json_object_foreach (v, key, m) {
		size_t len = strlen(key);

		if (json_is_integer(m) && len > 3 &&
		    !strcmp(key + len - 3, "_on"))
			json_integer_set(m, json_integer_value(m) + shift);
		else if (json_is_object(m) || json_is_array(m))
			shift_times(m, shift);
	}
}

static int load_doc(struct faux_doc *d, const struct faux_file *file,
		    int64_t shift)
{
	json_error_t e;
	json_t *root = json_loadb(file->data, file->len, 0, &e);
	json_t *env, *by;

	if (!root)
		return err_set("faux response '%s' is not JSON: %s at line %d",
			       file->name, e.text, e.line);
	env = json_object_get(root, "envelope");
	by = json_object_get(root, "by");
	d->name = file->name;
	d->envelope = json_is_string(env) ? json_string_value(env) : NULL;
	d->by = json_is_string(by) ? json_string_value(by) : NULL;
	d->data = json_object_get(root, "data");
	if (!d->data) {
		json_decref(root);
		return err_set("faux response '%s' has no 'data'", file->name);
	}
	/* Keep data and copies of the strings; root goes. */
	json_incref(d->data);
	d->envelope = d->envelope ? xstrdup(d->envelope) : NULL;
	d->by = d->by ? xstrdup(d->by) : NULL;
	json_decref(root);
	shift_times(d->data, shift);
	return 0;
}

int faux_new(struct faux **out, const struct faux_options *o)
{
	struct faux *f = xcalloc(1, sizeof(*f));
	int64_t today = o->now_ms / 1000 / 86400 * 86400;

	f->o = *o;
	f->shift_s = today - FAUX_ANCHOR_S;
	atomic_init(&f->calls, 0);
	f->docs = xcalloc(faux_files_count ? faux_files_count : 1,
			  sizeof(*f->docs));
	for (unsigned i = 0; i < faux_files_count; i++) {
		if (load_doc(&f->docs[i], &faux_files[i], f->shift_s) < 0) {
			faux_free(f);
			return -1;
		}
		f->ndocs++;
	}
	*out = f;
	return 0;
}

void faux_free(struct faux *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->ndocs; i++) {
		json_decref(f->docs[i].data);
		free((char *)f->docs[i].envelope);
		free((char *)f->docs[i].by);
	}
	free(f->docs);
	free(f);
}

const struct faux_doc *faux_find(const struct faux *f, const char *name)
{
	for (size_t i = 0; i < f->ndocs; i++)
		if (!strcmp(f->docs[i].name, name))
			return &f->docs[i];
	return NULL;
}

const struct faux_options *faux_options(const struct faux *f)
{
	return &f->o;
}

int64_t faux_shift_s(const struct faux *f)
{
	return f->shift_s;
}

uint64_t faux_count_call(struct faux *f)
{
	return atomic_fetch_add(&f->calls, 1) + 1;
}

uint64_t faux_calls(const struct faux *f)
{
	return atomic_load(&((struct faux *)f)->calls);
}

void faux_error(struct http_response *out, long status, const char *message)
{
	json_t *body = json_pack("{s:s}", "error", message);
	char *text = json_dumps(body, JSON_COMPACT);

	out->status = status;
	buf_reset(&out->body);
	buf_adds(&out->body, text);
	free(text);
	json_decref(body);
}

/*
 * Which responder answers which paths: one row per upstream, the first
 * prefix that matches wins.  An upstream whose reads are public (needs_auth
 * 0) answers calls without credentials too.
 */
static const struct faux_route {
	const char *prefix;
	int needs_auth;
	void (*respond)(struct faux *f, const char *rest,
			struct http_response *out);
} faux_routes[] = {
	{TESTRAIL_PREFIX, 1, faux_testrail_respond},
	{"/rest/", 0, faux_bugzilla_respond},
	{"/api/v3/", 1, faux_github_respond},
	{"/api/index/v1/", 0, faux_taskcluster_index_respond},
	{"/api/queue/v1/", 0, faux_taskcluster_queue_respond},
	{"/v0.1/", 1, faux_bitrise_respond},
	{"/faux-storage/", 0, faux_storage_respond},
};

void faux_respond(struct faux *f, const char *target, int authorized,
		  struct http_response *out)
{
	buf_reset(&out->body);
	buf_reset(&out->headers);
	out->retry_after_ms = -1;
	for (size_t i = 0; i < sizeof(faux_routes) / sizeof(faux_routes[0]);
	     i++) {
		const struct faux_route *r = &faux_routes[i];
		size_t plen = strlen(r->prefix);

		if (strncmp(target, r->prefix, plen))
			continue;
		if (r->needs_auth && !authorized) {
			faux_error(out, 401,
				   "Authentication failed: invalid or missing "
				   "credentials.");
			return;
		}
		r->respond(f, target + plen, out);
		return;
	}
	/* Only API calls count: a probe of "/" must not use up a scenario. */
	faux_error(out, 404, "not found");
}

static int transport_get(const char *url, struct http_response *resp, void *ctx)
{
	const char *p = strstr(url, "://");

	p = p ? strchr(p + 3, '/') : NULL;
	faux_respond(ctx, p ? p : "/", 1, resp);
	return 0;
}

void faux_transport(struct faux *f, struct http_transport *t)
{
	t->get = transport_get;
	t->ctx = f;
}
