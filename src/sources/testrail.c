/*
 * testrail.c - the TestRail API v2 connector (peers.md 5.1): opening,
 * paging and the records every report type shares.
 *
 * test-case-coverage (testrail_cases.c) reads the case fields (to learn
 * the labels of custom_automation_status, custom_automation_coverage and
 * custom_sub_test_suites for the project, instead of hard-coding them as
 * the seed did), the project's suites, and every suite's cases, all suites
 * at once with `parallel` pages in flight each.  It hands up one
 * "testrail_suite" record per suite and one "testrail_case" per case with
 * labels in place of option ids.
 *
 * test-run-counts (testrail_runs.c) reads the runs created since
 * q->since_ms, and the plans created since then with their entries' runs
 * (get_runs leaves plan runs out), and hands up "testrail_run" records
 * with the five status counts; then every run's results
 * ("testrail_result"); plus the project's milestones ("testrail_milestone")
 * and the instance's statuses ("testrail_status").
 *
 * Every list is read through paging.h, so the paginated envelope and the
 * legacy bare array both work; pages are parsed by jscan.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "sources/testrail_internal.h"
#include "config/config.h"
#include "core/banned.h"

static const char *const testrail_reports[] = {
	"test-case-coverage",
	"test-run-counts",
	NULL,
};

void testrail_progress(struct pull *p)
{
	if (p->sink->progress)
		p->sink->progress(p->what, p->pages, p->records, p->sink->ctx);
}

int testrail_emit(struct pull *p, const char *kind, json_t *rec)
{
	int rc = p->sink->record(kind, rec, p->sink->ctx);

	json_decref(rec);
	p->records++;
	return rc < 0 ? -1 : 0;
}

/* A TestRail time (UNIX seconds) as RFC 3339 text, or null. */
json_t *testrail_time_of(json_t *v)
{
	char out[TIMESTAMP_MAX];

	if (!json_is_integer(v))
		return json_null();
	timestamp_format(json_integer_value(v) * 1000, out);
	return json_string(out);
}

json_t *testrail_int_of(json_t *v)
{
	return json_is_integer(v) ? json_integer(json_integer_value(v))
				  : json_null();
}

json_t *testrail_str_of(json_t *v)
{
	return json_is_string(v) ? json_string(json_string_value(v))
				 : json_null();
}

/* A TestRail time (UNIX seconds) of a page as RFC 3339 text, or null. */
json_t *testrail_jtime_of(const struct jscan *j, uint32_t v)
{
	char out[TIMESTAMP_MAX];

	if (jscan_type(j, v) != JSCAN_INT)
		return json_null();
	timestamp_format(jscan_int(j, v, 0) * 1000, out);
	return json_string(out);
}

json_t *testrail_jint_of(const struct jscan *j, uint32_t v)
{
	return jscan_type(j, v) == JSCAN_INT ? json_integer(jscan_int(j, v, 0))
					     : json_null();
}

json_t *testrail_jstr_of(const struct jscan *j, uint32_t v)
{
	return jscan_type(j, v) == JSCAN_STRING
		       ? json_stringn(j->nodes[v].str, (size_t)j->nodes[v].i)
		       : json_null();
}

/*
 * The small lists (fields, suites, runs, plans, milestones, statuses) are
 * read as jansson values, copied from the page: p->json_fn gets them.
 */
static int on_json_page(size_t stream, const struct jscan *doc, uint32_t items,
			void *ctx)
{
	struct pull *p = ctx;
	json_t *list = jscan_to_json(doc, items);
	int rc = p->json_fn(stream, list, p);

	json_decref(list);
	return rc;
}

/* Reads one list (or several, as streams) through paging.h. */
int testrail_read_lists(struct pull *p, char **paths, size_t n, const char *key,
			int lookahead, page_fn fn)
{
	struct page_stream *s = xcalloc(n ? n : 1, sizeof(*s));
	struct paging_options o;
	int rc;

	paging_options_init(&o);
	o.lookahead = lookahead;
	/*
	 * A round holds every stream's next `lookahead` pages (10 suites of
	 * 8 pages: 80), so a project's cases take two rounds; answers are
	 * handled as they come, so only those not handled yet are held.
	 */
	o.max_round = (size_t)p->src->parallel * 16;
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

/* Reads one small list, handing its pages to fn as jansson arrays. */
int testrail_read_list(struct pull *p, const char *path, const char *key,
		       int (*fn)(size_t stream, json_t *items, void *ctx))
{
	char *paths[1] = {(char *)path};

	p->json_fn = fn;
	return testrail_read_lists(p, paths, 1, key, 1, on_json_page);
}

static int testrail_pull(struct source *src, const struct source_query *q,
			 const struct source_sink *sink)
{
	struct pull p = {.src = src, .q = q, .sink = sink};
	int rc;

	p.suites = json_object();
	p.plan_ids = json_array();
	p.run_ids = json_array();
	p.statuses = json_object();
	if (!strcmp(q->report_type, "test-case-coverage"))
		rc = testrail_cases_pull(&p);
	else if (!strcmp(q->report_type, "test-run-counts"))
		rc = testrail_runs_pull(&p);
	else
		rc = err_set("testrail cannot pull report type '%s'",
			     q->report_type);
	testrail_cases_release(&p);
	json_decref(p.suites);
	json_decref(p.plan_ids);
	json_decref(p.run_ids);
	json_decref(p.statuses);
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
	/* Several lists are read at once, each with `parallel` pages. */
	o.concurrency = src->parallel * 4 > 8 ? src->parallel * 4 : 8;
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
	json_decref(src->fields);
	faux_free(src->faux);
	free(src->base);
	free(src);
}

static int testrail_configured(const struct config_project *p)
{
	return p->testrail_project_id > 0;
}

const struct source_ops source_testrail = {
	.name = "testrail",
	.summary = "TestRail API v2: suites, cases, runs, plans, milestones",
	.report_types = testrail_reports,
	.open = testrail_open,
	.pull = testrail_pull,
	.close = testrail_close,
	.configured = testrail_configured,
};
