/*
 * bitrise.c - the Bitrise API v0.1 connector (peers.md 5.5), report type
 * ci-builds.
 *
 * Reads the builds of the project's app (bitrise_app in the config, else
 * BITRISE_APP_SLUG), newest first, page after page by the `paging.next`
 * anchor until a page has none (a literal "string", which Bitrise's own
 * API explorer returns, ends it too).  The pull is incremental: `after`
 * is the high-water mark the last pull stored (q->cursor), else the
 * start of the --num-days window.  Every build is a "ci_build" record
 * (workflow = triggered_workflow, build_id = its slug, attempt 1, number =
 * build_number) carrying "cursor", its triggered_at: the pump moves the
 * high-water mark only as far as its finished builds, so a build still
 * running is read again next time.  A finished build's artifacts are
 * listed (paged the same way); each that looks like test results is
 * fetched for its expiring_download_url, which is downloaded without the
 * API token (it is a signed storage URL), and handed up as "ci_artifact".
 *
 * Status: 0 (not finished, or on hold) is running, 1 success, 2 failure,
 * 3 and 4 (aborted) canceled.  The token goes in a bare "Authorization:
 * <token>" header, never in a URL, log or record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "sources/ci_internal.h"
#include "core/banned.h"

#define BITRISE_API "https://api.bitrise.io/v0.1"
/* Bitrise's maximum page size. */
#define BR_LIMIT 50

static const char *const br_reports[] = {"ci-builds", NULL};

struct source {
	struct ci_conn c;
	char *auth;		/* "Authorization: <token>" */
	const char *headers[2]; /* auth, NULL */
};

struct br_pull {
	struct source *src;
	const struct source_query *q;
	const struct source_sink *sink;
	const char *app;
	struct buf body;
};

/*
 * Calls fn for every item of the `data` list at path (with "?" and
 * parameters already, or none), following paging.next.
 */
static int each_page(struct br_pull *p, const char *path,
		     int (*fn)(struct br_pull *p, json_t *item, void *arg),
		     void *arg)
{
	char *next = NULL;
	int rc = 0;

	do {
		char *esc = next ? ci_escape(next) : NULL;
		char *url = xasprintf("%s%slimit=%d%s%s", path,
				      strchr(path, '?') ? "&" : "?", BR_LIMIT,
				      esc ? "&next=" : "", esc ? esc : "");
		json_t *page, *items, *item;
		const char *n;
		size_t i;

		free(esc);
		free(next);
		next = NULL;
		rc = ci_get_json(&p->src->c, url, &page);
		if (rc == 0) {
			items = json_object_get(page, "data");
			if (!json_is_array(items))
				rc = err_set("'%s': malformed response: no "
					     "'data' array",
					     url);
			json_array_foreach (items, i, item) {
				if (rc == 0)
					rc = fn(p, item, arg);
			}
			n = ci_str(json_object_get(page, "paging"), "next");
			if (rc == 0 && n && *n && strcmp(n, "string"))
				next = xstrdup(n);
			json_decref(page);
		}
		free(url);
	} while (rc == 0 && next);
	free(next);
	return rc;
}

static const char *build_status(const json_t *b)
{
	json_int_t s = json_integer_value(json_object_get(b, "status"));

	if (json_is_true(json_object_get(b, "is_on_hold")))
		return "running";
	switch (s) {
	case 1:
		return "success";
	case 2:
		return "failure";
	case 3:
	case 4:
		return "canceled";
	default:
		return "running";
	}
}

static const char *build_event(const json_t *b)
{
	const char *by = ci_str(b, "triggered_by");

	if (json_integer_value(json_object_get(b, "pull_request_id")) > 0)
		return "pull_request";
	if (ci_str(b, "tag"))
		return "tag";
	if (by && !strncmp(by, "schedule", 8))
		return "schedule";
	if (by && !strncmp(by, "manual", 6))
		return "manual";
	return "push";
}

/* What an artifact list's items are handed with. */
struct build_ref {
	const char *slug, *workflow;
};

static int on_artifact(struct br_pull *p, json_t *a, void *arg)
{
	struct build_ref *b = arg;
	const char *title = ci_str(a, "title"), *slug = ci_str(a, "slug");
	const char *dl;
	json_t *detail;
	char *path;
	int rc;

	if (!title || !slug || !ci_results_name(title))
		return 0;
	path = xasprintf("/apps/%s/builds/%s/artifacts/%s", p->app, b->slug,
			 slug);
	rc = ci_get_json(&p->src->c, path, &detail);
	free(path);
	if (rc < 0)
		return -1;
	dl = ci_str(json_object_get(detail, "data"), "expiring_download_url");
	if (!dl)
		rc = 0;
	else if (ci_download(&p->src->c, p->src->c.dl, dl, &p->body) < 0)
		log_warn("bitrise: build %s: artifact '%s' skipped: %s",
			 b->slug, title, err_msg());
	else
		rc = ci_emit_artifact(p->sink, "bitrise", b->workflow, b->slug,
				      1, title, &p->body);
	json_decref(detail);
	return rc;
}

static int on_build(struct br_pull *p, json_t *b, void *arg)
{
	const char *slug = ci_str(b, "slug");
	const char *wf = ci_str(b, "triggered_workflow");
	const char *status = build_status(b);
	const char *started = ci_str(b, "started_on_worker_at");
	struct build_ref ref = {slug, wf ? wf : "(no workflow)"};
	json_t *number = json_object_get(b, "build_number");
	char *url, *path;
	int rc;

	(void)arg;
	if (!slug)
		return err_set("bitrise: a build of app '%s' has no slug",
			       p->app);
	url = xasprintf("https://app.bitrise.io/build/%s", slug);
	rc = ci_emit(
		p->sink, "ci_build",
		json_pack(
			"{s:s, s:s, s:s, s:i, s:o, s:s, s:s?, s:s?, s:s, "
			"s:o, s:o, s:s, s:b, s:o}",
			"source", "bitrise", "workflow", ref.workflow,
			"build_id", slug, "attempt", 1, "number",
			json_is_integer(number) ? json_copy(number)
						: json_null(),
			"status", status, "branch", ci_str(b, "branch"),
			"commit", ci_str(b, "commit_hash"), "event",
			build_event(b), "started_at",
			ci_time(started ? started : ci_str(b, "triggered_at")),
			"finished_at", ci_time(ci_str(b, "finished_at")), "url",
			url, "retry", 0, "cursor",
			ci_time(ci_str(b, "triggered_at"))));
	free(url);
	if (rc < 0 || !strcmp(status, "running"))
		return rc;
	path = xasprintf("/apps/%s/builds/%s/artifacts", p->app, slug);
	rc = each_page(p, path, on_artifact, &ref);
	free(path);
	return rc;
}

static int br_pull(struct source *src, const struct source_query *q,
		   const struct source_sink *sink)
{
	struct br_pull p = {src, q, sink, NULL, BUF_INIT};
	int64_t after_ms = q->since_ms;
	char *path;
	int rc;

	p.app = q->config && q->config->bitrise_app
			? q->config->bitrise_app
			: ci_env("BITRISE_APP_SLUG");
	if (strcmp(q->report_type, "ci-builds"))
		return err_set("bitrise cannot pull report type '%s'",
			       q->report_type);
	if (!p.app)
		return err_set("project '%s' has no bitrise_app (nor is "
			       "BITRISE_APP_SLUG set)",
			       q->project);
	if (q->cursor && *q->cursor &&
	    timestamp_parse(q->cursor, &after_ms) < 0)
		return err_prefix("bitrise: stored cursor");
	path = xasprintf("/apps/%s/builds?sort_by=created_at&after=%lld", p.app,
			 (long long)(after_ms / 1000));
	rc = each_page(&p, path, on_build, NULL);
	free(path);
	buf_release(&p.body);
	return rc;
}

static int br_open(struct source **out, const struct source_config *cfg)
{
	struct source *src = xcalloc(1, sizeof(*src));
	const char *base = cfg->base_url ? cfg->base_url
			   : ci_env("BITRISE_API_URL")
				   ? ci_env("BITRISE_API_URL")
				   : BITRISE_API;
	const char *token = ci_env("BITRISE_TOKEN");

	if (!cfg->faux && !cfg->transport) {
		if (!token) {
			free(src);
			return err_set("BITRISE_TOKEN is not set (a Bitrise "
				       "personal access or workspace API "
				       "token)");
		}
		src->auth = xasprintf("Authorization: %s", token);
		src->headers[0] = src->auth;
	}
	if (ci_open(&src->c, cfg, base, "", src->headers) < 0) {
		free(src->auth);
		free(src);
		return -1;
	}
	if (cfg->faux || cfg->transport) {
		/* The faux upstream's path, whatever the real base. */
		char *b = xasprintf("%s/v0.1", src->c.base);

		free(src->c.base);
		src->c.base = b;
	}
	*out = src;
	return 0;
}

static void br_close(struct source *src)
{
	if (!src)
		return;
	ci_close(&src->c);
	free(src->auth);
	free(src);
}

static int br_configured(const struct config_project *p)
{
	return p->bitrise_app != NULL || ci_env("BITRISE_APP_SLUG") != NULL;
}

const struct source_ops source_bitrise = {
	.name = "bitrise",
	.summary = "Bitrise builds of an app and their JUnit artifacts",
	.report_types = br_reports,
	.open = br_open,
	.pull = br_pull,
	.close = br_close,
	.configured = br_configured,
};
