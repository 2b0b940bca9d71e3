/*
 * testrail.c - the TestRail API v2 connector (peers.md 5.1).
 *
 * test-case-coverage reads the case fields (to learn the labels of
 * custom_automation_status, custom_automation_coverage and
 * custom_sub_test_suites for the project, instead of hard-coding them as
 * the seed did), the project's suites, and every suite's cases, all suites
 * at once with `parallel` pages in flight each.  It hands up one
 * "testrail_suite" record per suite and one "testrail_case" per case with
 * labels in place of option ids.
 *
 * test-run-counts reads the runs created since q->since_ms, and the plans
 * created since then with their entries' runs (get_runs leaves plan runs
 * out), and hands up "testrail_run" records with the five status counts;
 * plus the project's milestones ("testrail_milestone") and the instance's
 * statuses ("testrail_status").
 *
 * Every list is read through paging.h, so the paginated envelope and the
 * legacy bare array both work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "sources/faux.h"
#include "sources/paging.h"
#include "sources/source.h"
#include "core/banned.h"

#define FIELD_STATUS "custom_automation_status"
#define FIELD_COVERAGE "custom_automation_coverage"
#define FIELD_SUB_SUITES "custom_sub_test_suites"
#define NOT_SET "(not set)"

static const char *const testrail_reports[] = {
	"test-case-coverage",
	"test-run-counts",
	NULL,
};

/* A dropdown's options for one project: id -> label, and the default. */
struct labels {
	int64_t *ids;
	char **names;
	size_t n;
	char *def; /* the default value as TestRail keeps it: "7" or "1,2" */
};

struct source {
	struct http_client *http;
	struct faux *faux;
	struct http_transport transport;
	char *base; /* "https://host/index.php?/api/v2/" */
	int parallel;
};

/* What one pull carries between pages. */
struct pull {
	struct source *src;
	const struct source_query *q;
	const struct source_sink *sink;
	struct labels status, coverage, subs;
	json_t *suites; /* suite id (text) -> name */
	const char *what;
	size_t pages, records;
	json_t *plan_ids; /* get_plans: the ids to read */
};

static void labels_release(struct labels *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->ids);
	free(l->names);
	free(l->def);
	memset(l, 0, sizeof(*l));
}

/* Parses "1, Untriaged\n2, Suitable" into l. */
static void labels_parse(struct labels *l, const char *items, const char *def)
{
	const char *p = items;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char *end;
		long long id = strtoll(p, &end, 10);

		if (end != p && *end == ',') {
			const char *name = end + 1;

			while (*name == ' ')
				name++;
			l->ids = xreallocarray(l->ids, l->n + 1,
					       sizeof(int64_t));
			l->names = xreallocarray(l->names, l->n + 1,
						 sizeof(char *));
			l->ids[l->n] = id;
			l->names[l->n] =
				xstrndup(name, (size_t)(p + len - name));
			if (l->names[l->n][0] &&
			    l->names[l->n][strlen(l->names[l->n]) - 1] == '\r')
				l->names[l->n][strlen(l->names[l->n]) - 1] =
					'\0';
			l->n++;
		}
		p = eol ? eol + 1 : NULL;
	}
	l->def = def && *def ? xstrdup(def) : NULL;
}

/* The label of option id, or "unknown (id)" in tmp. */
static const char *label_of(const struct labels *l, int64_t id, char *tmp,
			    size_t size)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->ids[i] == id)
			return l->names[i];
	snprintf(tmp, size, "unknown (%lld)", (long long)id);
	return tmp;
}

/* Whether a field config's context covers the project. */
static int context_covers(json_t *config, int64_t pid, int *global)
{
	json_t *ctx = json_object_get(config, "context");
	json_t *ids = json_object_get(ctx, "project_ids"), *v;
	size_t i;

	*global = json_is_true(json_object_get(ctx, "is_global"));
	if (*global)
		return 1;
	json_array_foreach (ids, i, v)
		if (json_integer_value(v) == pid)
			return 1;
	return 0;
}

/* Learns a field's options for the project: its own config over a global. */
static void learn_field(struct pull *p, json_t *field)
{
	const char *name =
		json_string_value(json_object_get(field, "system_name"));
	struct labels *l = !name			     ? NULL
			   : !strcmp(name, FIELD_STATUS)     ? &p->status
			   : !strcmp(name, FIELD_COVERAGE)   ? &p->coverage
			   : !strcmp(name, FIELD_SUB_SUITES) ? &p->subs
							     : NULL;
	json_t *configs = json_object_get(field, "configs"), *c, *best = NULL;
	int best_global = 1, global;
	size_t i;

	if (!l)
		return;
	json_array_foreach (configs, i, c) {
		if (context_covers(c, p->q->upstream_id, &global) &&
		    (!best || (best_global && !global))) {
			best = c;
			best_global = global;
		}
	}
	if (!best)
		return;
	labels_release(l);
	c = json_object_get(best, "options");
	labels_parse(l, json_string_value(json_object_get(c, "items")),
		     json_string_value(json_object_get(c, "default_value")));
}

static void progress(struct pull *p)
{
	if (p->sink->progress)
		p->sink->progress(p->what, p->pages, p->records, p->sink->ctx);
}

static int emit(struct pull *p, const char *kind, json_t *rec)
{
	int rc = p->sink->record(kind, rec, p->sink->ctx);

	json_decref(rec);
	p->records++;
	return rc < 0 ? -1 : 0;
}

/* A TestRail time (UNIX seconds) as RFC 3339 text, or null. */
static json_t *time_of(json_t *v)
{
	char out[TIMESTAMP_MAX];

	if (!json_is_integer(v))
		return json_null();
	timestamp_format(json_integer_value(v) * 1000, out);
	return json_string(out);
}

static json_t *int_of(json_t *v)
{
	return json_is_integer(v) ? json_integer(json_integer_value(v))
				  : json_null();
}

static json_t *str_of(json_t *v)
{
	return json_is_string(v) ? json_string(json_string_value(v))
				 : json_null();
}

/* The labels of a multi-select value (or of the field's default). */
static json_t *sub_suites(const struct pull *p, json_t *value)
{
	json_t *out = json_array(), *v;
	char tmp[32];
	size_t i;

	json_array_foreach (value, i, v)
		json_array_append_new(
			out,
			json_string(label_of(&p->subs, json_integer_value(v),
					     tmp, sizeof(tmp))));
	if (!json_array_size(out) && p->subs.def) {
		const char *d = p->subs.def;

		while (*d) {
			char *end;
			long long id = strtoll(d, &end, 10);

			if (end == d)
				break;
			json_array_append_new(
				out, json_string(label_of(&p->subs, id, tmp,
							  sizeof(tmp))));
			d = end + strspn(end, ", ");
		}
	}
	if (!json_array_size(out))
		json_array_append_new(out, json_string(NOT_SET));
	return out;
}

/* A dropdown value's label, the field's default's, or NOT_SET. */
static json_t *dropdown(const struct labels *l, json_t *value)
{
	char tmp[32];

	if (json_is_integer(value))
		return json_string(label_of(l, json_integer_value(value), tmp,
					    sizeof(tmp)));
	if (l->def)
		return json_string(label_of(l, strtoll(l->def, NULL, 10), tmp,
					    sizeof(tmp)));
	return json_string(NOT_SET);
}

static int on_fields(size_t stream, json_t *items, void *ctx)
{
	struct pull *p = ctx;
	json_t *f;
	size_t i;

	(void)stream;
	json_array_foreach (items, i, f)
		learn_field(p, f);
	return 0;
}

static int on_suites(size_t stream, json_t *items, void *ctx)
{
	struct pull *p = ctx;
	json_t *s;
	size_t i;

	(void)stream;
	json_array_foreach (items, i, s) {
		json_t *id = json_object_get(s, "id");
		json_t *name = json_object_get(s, "name");
		char key[32];

		if (!json_is_integer(id) || !json_is_string(name))
			return err_set("'get_suites/%lld': malformed suite: "
				       "no integer 'id' and string 'name'",
				       (long long)p->q->upstream_id);
		snprintf(key, sizeof(key), "%lld",
			 (long long)json_integer_value(id));
		json_object_set(p->suites, key, name);
		if (emit(p, "testrail_suite",
			 json_pack("{s:I, s:s, s:I, s:O, s:b, s:o}", "suite_id",
				   json_integer_value(id), "project",
				   p->q->project, "testrail_project_id",
				   p->q->upstream_id, "name", name,
				   "is_completed",
				   json_is_true(
					   json_object_get(s, "is_completed")),
				   "url", str_of(json_object_get(s, "url")))) <
		    0)
			return -1;
	}
	p->pages++;
	progress(p);
	return 0;
}

static int on_cases(size_t stream, json_t *items, void *ctx)
{
	struct pull *p = ctx;
	json_t *c;
	size_t i;

	(void)stream;
	json_array_foreach (items, i, c) {
		json_t *id = json_object_get(c, "id");
		json_t *sid = json_object_get(c, "suite_id");
		json_t *rec = json_object(), *suite;
		char key[32];

		if (!json_is_integer(id) || !json_is_integer(sid)) {
			json_decref(rec);
			return err_set("'get_cases/%lld': malformed case: no "
				       "integer 'id' and 'suite_id'",
				       (long long)p->q->upstream_id);
		}
		snprintf(key, sizeof(key), "%lld",
			 (long long)json_integer_value(sid));
		suite = json_object_get(p->suites, key);
		json_object_set_new(rec, "case_id", int_of(id));
		json_object_set_new(rec, "project", json_string(p->q->project));
		json_object_set_new(rec, "suite_id", int_of(sid));
		json_object_set_new(rec, "suite",
				    suite ? json_incref(suite)
					  : json_string(key));
		json_object_set_new(rec, "title",
				    str_of(json_object_get(c, "title")));
		json_object_set_new(rec, "section_id",
				    int_of(json_object_get(c, "section_id")));
		json_object_set_new(
			rec, "automation_status",
			dropdown(&p->status, json_object_get(c, FIELD_STATUS)));
		json_object_set_new(
			rec, "coverage",
			dropdown(&p->coverage,
				 json_object_get(c, FIELD_COVERAGE)));
		json_object_set_new(
			rec, "sub_suites",
			sub_suites(p, json_object_get(c, FIELD_SUB_SUITES)));
		json_object_set_new(rec, "created_on",
				    time_of(json_object_get(c, "created_on")));
		json_object_set_new(rec, "updated_on",
				    time_of(json_object_get(c, "updated_on")));
		if (emit(p, "testrail_case", rec) < 0)
			return -1;
	}
	p->pages++;
	progress(p);
	return 0;
}

/* A run (standalone or of a plan) as a record. */
static json_t *run_record(const struct pull *p, json_t *r, json_t *plan)
{
	return json_pack(
		"{s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:o, "
		"s:o, s:o, s:o, s:o, s:o}",
		"run_id", int_of(json_object_get(r, "id")), "project",
		p->q->project, "suite_id",
		int_of(json_object_get(r, "suite_id")), "plan_id",
		int_of(json_object_get(r, "plan_id")), "plan",
		plan ? str_of(json_object_get(plan, "name")) : json_null(),
		"milestone_id", int_of(json_object_get(r, "milestone_id")),
		"name", str_of(json_object_get(r, "name")), "created_on",
		time_of(json_object_get(r, "created_on")), "is_completed",
		json_is_true(json_object_get(r, "is_completed")),
		"completed_on", time_of(json_object_get(r, "completed_on")),
		"passed", int_of(json_object_get(r, "passed_count")), "failed",
		int_of(json_object_get(r, "failed_count")), "blocked",
		int_of(json_object_get(r, "blocked_count")), "retest",
		int_of(json_object_get(r, "retest_count")), "untested",
		int_of(json_object_get(r, "untested_count")), "url",
		str_of(json_object_get(r, "url")));
}

static int check_run(const struct pull *p, json_t *r, const char *where)
{
	if (!json_is_integer(json_object_get(r, "id")) ||
	    !json_is_integer(json_object_get(r, "created_on")))
		return err_set("'%s/%lld': malformed run: no integer 'id' and "
			       "'created_on'",
			       where, (long long)p->q->upstream_id);
	return 0;
}

static int on_runs(size_t stream, json_t *items, void *ctx)
{
	struct pull *p = ctx;
	json_t *r;
	size_t i;

	(void)stream;
	json_array_foreach (items, i, r) {
		if (check_run(p, r, "get_runs") < 0 ||
		    emit(p, "testrail_run", run_record(p, r, NULL)) < 0)
			return -1;
	}
	p->pages++;
	progress(p);
	return 0;
}

static int on_plans(size_t stream, json_t *items, void *ctx)
{
	struct pull *p = ctx;
	json_t *plan;
	size_t i;

	(void)stream;
	json_array_foreach (items, i, plan) {
		json_t *id = json_object_get(plan, "id");

		if (!json_is_integer(id))
			return err_set("'get_plans/%lld': malformed plan: no "
				       "integer 'id'",
				       (long long)p->q->upstream_id);
		json_array_append_new(p->plan_ids,
				      json_integer(json_integer_value(id)));
	}
	p->pages++;
	progress(p);
	return 0;
}

static int on_milestones(size_t stream, json_t *items, void *ctx)
{
	struct pull *p = ctx;
	json_t *m;
	size_t i;

	(void)stream;
	json_array_foreach (items, i, m) {
		if (!json_is_integer(json_object_get(m, "id")))
			return err_set("'get_milestones/%lld': malformed "
				       "milestone: no integer 'id'",
				       (long long)p->q->upstream_id);
		if (emit(p, "testrail_milestone",
			 json_pack("{s:o, s:s, s:o, s:b, s:o, s:o}",
				   "milestone_id",
				   int_of(json_object_get(m, "id")), "project",
				   p->q->project, "name",
				   str_of(json_object_get(m, "name")),
				   "is_completed",
				   json_is_true(
					   json_object_get(m, "is_completed")),
				   "due_on",
				   time_of(json_object_get(m, "due_on")), "url",
				   str_of(json_object_get(m, "url")))) < 0)
			return -1;
	}
	p->pages++;
	return 0;
}

static int on_statuses(size_t stream, json_t *items, void *ctx)
{
	struct pull *p = ctx;
	json_t *s;
	size_t i;

	(void)stream;
	json_array_foreach (items, i, s) {
		if (!json_is_integer(json_object_get(s, "id")))
			return err_set("'get_statuses': malformed status: no "
				       "integer 'id'");
		if (emit(p, "testrail_status",
			 json_pack("{s:o, s:o, s:o}", "status_id",
				   int_of(json_object_get(s, "id")), "name",
				   str_of(json_object_get(s, "name")), "label",
				   str_of(json_object_get(s, "label")))) < 0)
			return -1;
	}
	return 0;
}

/* Reads one list (or several, as streams) through paging.h. */
static int read_lists(struct pull *p, char **paths, size_t n, const char *key,
		      int lookahead, page_fn fn)
{
	struct page_stream *s = xcalloc(n ? n : 1, sizeof(*s));
	struct paging_options o;
	int rc;

	paging_options_init(&o);
	o.lookahead = lookahead;
	for (size_t i = 0; i < n; i++) {
		s[i].url = xasprintf("%s%s", p->src->base, paths[i]);
		s[i].key = key;
		s[i].name = paths[i];
	}
	rc = paging_run(p->src->http, s, n, &o, fn, p);
	for (size_t i = 0; i < n; i++)
		free((char *)s[i].url);
	free(s);
	return rc;
}

static int read_list(struct pull *p, const char *path, const char *key,
		     page_fn fn)
{
	char *paths[1] = {(char *)path};

	return read_lists(p, paths, 1, key, 1, fn);
}

static int pull_coverage(struct pull *p)
{
	long long pid = (long long)p->q->upstream_id;
	char *path = xasprintf("get_suites/%lld", pid);
	char **paths = NULL;
	const char *key;
	json_t *v;
	size_t n = 0;
	int rc;

	p->what = "suites";
	rc = read_list(p, "get_case_fields", "case_fields", on_fields);
	if (!rc)
		rc = read_list(p, path, "suites", on_suites);
	free(path);
	if (rc < 0)
		return -1;
	paths = xcalloc(json_object_size(p->suites) + 1, sizeof(char *));
	json_object_foreach (p->suites, key, v)
		paths[n++] = xasprintf("get_cases/%lld&suite_id=%s", pid, key);
	p->what = "cases";
	p->pages = 0;
	rc = read_lists(p, paths, n, "cases", p->src->parallel, on_cases);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return rc;
}

/* Reads every plan of p->plan_ids (in parallel) and emits its runs. */
static int read_plans(struct pull *p)
{
	size_t n = json_array_size(p->plan_ids);
	char **urls = xcalloc(n + 1, sizeof(char *));
	struct http_response *resps = xcalloc(n + 1, sizeof(*resps));
	int rc;

	for (size_t i = 0; i < n; i++) {
		urls[i] = xasprintf("%sget_plan/%lld", p->src->base,
				    (long long)json_integer_value(
					    json_array_get(p->plan_ids, i)));
		http_response_init(&resps[i]);
	}
	rc = http_get_many(p->src->http, (const char *const *)urls, n, resps);
	for (size_t i = 0; i < n && !rc; i++) {
		json_error_t e;
		json_t *plan = json_loadb(resps[i].body.data, resps[i].body.len,
					  0, &e);
		json_t *entry, *run;
		size_t j, k;

		if (!json_is_object(plan)) {
			rc = err_set("'%s': malformed response: %s",
				     urls[i] + strlen(p->src->base),
				     plan ? "not an object" : e.text);
			json_decref(plan);
			break;
		}
		json_array_foreach (json_object_get(plan, "entries"), j, entry)
			json_array_foreach (json_object_get(entry, "runs"), k,
					    run) {
				if (rc == 0 &&
				    (check_run(p, run, "get_plan") < 0 ||
				     emit(p, "testrail_run",
					  run_record(p, run, plan)) < 0))
					rc = -1;
			}
		json_decref(plan);
	}
	for (size_t i = 0; i < n; i++) {
		free(urls[i]);
		http_response_release(&resps[i]);
	}
	free(urls);
	free(resps);
	return rc;
}

static int pull_runs(struct pull *p)
{
	long long pid = (long long)p->q->upstream_id;
	long long since = (long long)(p->q->since_ms / 1000);
	char *runs = xasprintf("get_runs/%lld&created_after=%lld", pid, since);
	char *plans =
		xasprintf("get_plans/%lld&created_after=%lld", pid, since);
	char *miles = xasprintf("get_milestones/%lld", pid);
	int rc;

	p->what = "runs";
	rc = read_list(p, "get_statuses", "statuses", on_statuses);
	if (!rc)
		rc = read_list(p, miles, "milestones", on_milestones);
	if (!rc)
		rc = read_list(p, runs, "runs", on_runs);
	if (!rc)
		rc = read_list(p, plans, "plans", on_plans);
	if (!rc)
		rc = read_plans(p);
	free(runs);
	free(plans);
	free(miles);
	return rc;
}

static int testrail_pull(struct source *src, const struct source_query *q,
			 const struct source_sink *sink)
{
	struct pull p = {.src = src, .q = q, .sink = sink};
	int rc;

	p.suites = json_object();
	p.plan_ids = json_array();
	if (!strcmp(q->report_type, "test-case-coverage"))
		rc = pull_coverage(&p);
	else if (!strcmp(q->report_type, "test-run-counts"))
		rc = pull_runs(&p);
	else
		rc = err_set("testrail cannot pull report type '%s'",
			     q->report_type);
	labels_release(&p.status);
	labels_release(&p.coverage);
	labels_release(&p.subs);
	json_decref(p.suites);
	json_decref(p.plan_ids);
	return rc;
}

/* TESTRAIL_HOST with a scheme and without trailing slashes. */
static char *base_url(const char *host)
{
	size_t len = strlen(host);

	while (len && host[len - 1] == '/')
		len--;
	if (strstr(host, "://"))
		return xasprintf("%.*s/index.php?/api/v2/", (int)len, host);
	return xasprintf("https://%.*s/index.php?/api/v2/", (int)len, host);
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static int testrail_open(struct source **out, const struct source_config *cfg)
{
	struct source *src = xcalloc(1, sizeof(*src));
	struct http_options o;
	const char *host = cfg->base_url ? cfg->base_url : env("TESTRAIL_HOST");

	http_options_init(&o);
	if (cfg->max_tries > 0)
		o.max_tries = cfg->max_tries;
	if (cfg->backoff_ms > 0)
		o.backoff_ms = cfg->backoff_ms;
	src->parallel = cfg->parallel > 0 ? cfg->parallel : 1;
	o.concurrency = src->parallel * 2 > 8 ? src->parallel * 2 : 8;
	if (cfg->faux) {
		struct faux_options fo = {FAUX_OK, 0, timestamp_now_ms()};

		if (faux_new(&src->faux, &fo) < 0)
			goto fail;
		faux_transport(src->faux, &src->transport);
		o.transport = &src->transport;
		host = FAUX_BASE_URL;
	} else {
		if (!host) {
			err_set("TESTRAIL_HOST is not set (the TestRail "
				"address, https://NAME.testrail.io)");
			goto fail;
		}
		o.username = env("TESTRAIL_USERNAME");
		o.password = env("TESTRAIL_PASSWORD");
		if (!o.username || !o.password) {
			err_set("%s is not set (TestRail needs a user name "
				"and a password or API key)",
				o.username ? "TESTRAIL_PASSWORD"
					   : "TESTRAIL_USERNAME");
			goto fail;
		}
	}
	src->base = base_url(host);
	if (http_client_new(&src->http, &o) < 0)
		goto fail;
	*out = src;
	return 0;
fail:
	faux_free(src->faux);
	free(src->base);
	free(src);
	return -1;
}

static void testrail_close(struct source *src)
{
	if (!src)
		return;
	http_client_free(src->http);
	faux_free(src->faux);
	free(src->base);
	free(src);
}

const struct source_ops source_testrail = {
	.name = "testrail",
	.summary = "TestRail API v2: suites, cases, runs, plans, milestones",
	.report_types = testrail_reports,
	.open = testrail_open,
	.pull = testrail_pull,
	.close = testrail_close,
};
