/*
 * github.c - the GitHub REST connector (peers.md 5.3): opening, the rate
 * limits, Link-header paging, and the report types.
 *
 * Every call carries "Authorization: Bearer $GITHUB_TOKEN", the Accept
 * type and X-GitHub-Api-Version; GITHUB_API_URL (default
 * https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise)
 * is the base.  Lists are followed through their Link rel="next" header.
 * GitHub's primary rate limit (X-RateLimit-Remaining 0 until the epoch in
 * X-RateLimit-Reset) and its secondary limits (403 or 429 with
 * Retry-After) are waited out, for a bounded time.
 *
 * issue-regression (github_issues.c) reads the search API, sliced by
 * creation time past its 1,000-result cap; ci-builds (github_actions.c)
 * reads workflow runs sliced by `created` ranges past the same cap, their
 * attempts, jobs and artifacts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/config.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "sources/github_internal.h"
#include "sources/urlq.h"
#include "core/banned.h"

#define GH_DEFAULT_URL "https://api.github.com"
/* The faux upstream's API root, as GitHub Enterprise's. */
#define GH_FAUX_ROOT "/api/v3"
/* Rate-limit waits: at most this long each, and this many per call. */
#define GH_MAX_WAIT_MS (15L * 60 * 1000)
#define GH_LIMIT_TRIES 4

static const char *const github_reports[] = {
	"issue-regression",
	"ci-builds",
	NULL,
};

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (ms > 0 && nanosleep(&ts, &ts) < 0)
		;
}

/* The wall clock (rate-limit resets are epoch times, not TESTPUMP_NOW). */
static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void gh_progress(struct gh_pull *p)
{
	if (p->sink->progress)
		p->sink->progress(p->what, p->pages, p->records, p->sink->ctx);
}

int gh_emit(struct gh_pull *p, const char *kind, json_t *rec)
{
	int rc = p->sink->record(kind, rec, p->sink->ctx);

	p->records++;
	return rc < 0 ? -1 : 0;
}

/* Reads the primary limit's headers: used up until when, or 0. */
static int64_t limit_reset_ms(const struct http_response *r)
{
	struct buf v = BUF_INIT;
	int64_t reset = 0;

	if (http_header(r, "X-RateLimit-Remaining", &v) &&
	    !strcmp(v.data, "0") && http_header(r, "X-RateLimit-Reset", &v))
		reset = strtoll(v.data, NULL, 10) * 1000;
	buf_release(&v);
	return reset;
}

int gh_get(struct gh_pull *p, const char *url, struct http_response *resp)
{
	struct source *src = p->src;

	for (int tries = 1;; tries++) {
		int64_t now = wall_ms(), reset;
		long wait;
		int rc;

		if (src->wait_until_ms > now) {
			wait = (long)(src->wait_until_ms - now);
			if (wait > src->max_wait_ms)
				return err_set("the GitHub rate limit is used "
					       "up for %ld s more",
					       wait / 1000);
			log_info("GitHub rate limit used up: waiting %ld ms",
				 wait);
			pause_ms(wait);
		}
		rc = http_get(src->http, url, resp);
		reset = limit_reset_ms(resp);
		src->wait_until_ms = reset;
		if (rc == 0)
			return 0;
		if ((resp->status != 403 && resp->status != 429) ||
		    tries >= GH_LIMIT_TRIES)
			return -1;
		if (resp->retry_after_ms >= 0)
			wait = resp->retry_after_ms;
		else if (reset)
			wait = (long)(reset - wall_ms());
		else
			return -1; /* a 403 that is no rate limit */
		wait = wait < 0 ? 0 : wait;
		if (wait > src->max_wait_ms)
			return err_prefix("waiting %ld s for the GitHub rate "
					  "limit is too long",
					  wait / 1000);
		log_info("GitHub rate limit (HTTP %ld): waiting %ld ms",
			 resp->status, wait);
		src->wait_until_ms = 0;
		pause_ms(wait);
	}
}

char *gh_absolute(const char *base, const char *ref)
{
	const char *h = strstr(base, "://");
	const char *slash = h ? strchr(h + 3, '/') : NULL;

	if (ref[0] != '/')
		return xstrdup(ref);
	/* A path: the scheme and host of base. */
	return xasprintf("%.*s%s",
			 slash ? (int)(slash - base) : (int)strlen(base), base,
			 ref);
}

char *gh_link_next(const char *base, const char *link)
{
	const char *p = link;

	while ((p = strchr(p, '<'))) {
		const char *end = strchr(p, '>');
		const char *rel, *comma;

		if (!end)
			return NULL;
		rel = strstr(end, "rel=\"next\"");
		comma = strchr(end, ',');
		if (rel && (!comma || rel < comma)) {
			char *ref =
				xasprintf("%.*s", (int)(end - p - 1), p + 1);
			char *abs = gh_absolute(base, ref);

			free(ref);
			return abs;
		}
		p = end;
	}
	return NULL;
}

int gh_get_json(struct gh_pull *p, const char *url, json_t **out, char **next)
{
	struct http_response r;
	struct buf link = BUF_INIT;
	json_error_t e;
	int rc = 0;

	*out = NULL;
	if (next)
		*next = NULL;
	http_response_init(&r);
	if (gh_get(p, url, &r) < 0) {
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
		goto out;
	}
	if (next && http_header(&r, "Link", &link))
		*next = gh_link_next(p->src->base, link.data);
	p->pages++;
	gh_progress(p);
out:
	buf_release(&link);
	http_response_release(&r);
	return rc;
}

static int github_pull(struct source *src, const struct source_query *q,
		       const struct source_sink *sink)
{
	struct gh_pull p = {.src = src, .q = q, .sink = sink};

	if (!q->config || !q->config->github_repo)
		return err_set("project '%s' has no github_repo in the "
			       "configuration",
			       q->project);
	if (!strcmp(q->report_type, "issue-regression"))
		return gh_issues_pull(&p);
	if (!strcmp(q->report_type, "ci-builds"))
		return gh_actions_pull(&p);
	return err_set("github cannot pull report type '%s'", q->report_type);
}

static void options(struct http_options *o, const struct source_config *cfg)
{
	http_options_init(o);
	if (cfg->max_tries > 0)
		o->max_tries = cfg->max_tries;
	if (cfg->backoff_ms > 0)
		o->backoff_ms = cfg->backoff_ms;
}

static int github_open(struct source **out, const struct source_config *cfg)
{
	struct source *src = xcalloc(1, sizeof(*src));
	const char *base =
		cfg->base_url ? cfg->base_url : urlq_env("GITHUB_API_URL");
	const char *token = urlq_env("GITHUB_TOKEN");
	struct http_options o, d;
	size_t h = 0;

	options(&o, cfg);
	src->max_wait_ms = GH_MAX_WAIT_MS;
	if (cfg->faux || cfg->transport) {
		if (cfg->faux) {
			struct faux_options fo = {FAUX_OK, 0,
						  timestamp_now_ms()};

			if (faux_new(&src->faux, &fo) < 0)
				goto fail;
			faux_transport(src->faux, &src->transport);
		}
		o.transport = cfg->faux ? &src->transport : cfg->transport;
		base = FAUX_BASE_URL GH_FAUX_ROOT;
		token = "faux";
	} else if (!token) {
		err_set("GITHUB_TOKEN is not set (a GitHub token that can "
			"read the repositories' issues and actions)");
		goto fail;
	}
	src->base = urlq_base(base ? base : GH_DEFAULT_URL);
	src->auth = xasprintf("Authorization: Bearer %s", token);
	src->headers[h++] = src->auth;
	src->headers[h++] = "Accept: application/vnd.github+json";
	src->headers[h++] = "X-GitHub-Api-Version: 2022-11-28";
	src->headers[h] = NULL;
	o.headers = src->headers;
	d = o;
	d.follow_redirects = 1;
	d.timeout_ms = 10 * 60 * 1000;
	if (http_client_new(&src->http, &o) < 0 ||
	    http_client_new(&src->dl, &d) < 0)
		goto fail;
	*out = src;
	return 0;
fail:
	http_client_free(src->http);
	faux_free(src->faux);
	free(src->base);
	free(src->auth);
	free(src);
	return -1;
}

static void github_close(struct source *src)
{
	if (!src)
		return;
	http_client_free(src->http);
	http_client_free(src->dl);
	faux_free(src->faux);
	free(src->base);
	free(src->auth);
	free(src);
}

static int github_configured(const struct config_project *p)
{
	return p->github_repo && *p->github_repo;
}

const struct source_ops source_github = {
	.name = "github",
	.summary = "GitHub REST: issues by label, workflow runs, jobs, "
		   "artifacts",
	.report_types = github_reports,
	.open = github_open,
	.pull = github_pull,
	.close = github_close,
	.configured = github_configured,
};
