/*
 * faux_github.c - the faux GitHub REST API, rooted at /api/v3 as GitHub
 * Enterprise is: issue search, workflow runs, attempts, jobs, artifacts
 * and their download (a 302 to a blob address, as GitHub answers).
 *
 * Issues and runs are generated, deterministic per repository (repos[]
 * below): firefox-android holds more issues with the built-in labels and
 * more workflow runs in the last 14 days than the 1,000 results GitHub
 * hands out for one search or one filtered run list, so only a client
 * that slices reads them all.  Every answer carries X-RateLimit-* headers
 * and Link headers for paging.  Every 50th run has a zip artifact with a
 * JUnit XML report inside; every 100th (from the 50th) also an expired
 * one; every 15th run (from the 4th) was run a second time.
 *
 * Scenarios: rate-limited answers the first call 403 with
 * X-RateLimit-Remaining: 0 and a reset a second away, the second 429
 * with Retry-After: 1 (a secondary limit); server-error answers
 * firefox-ios's calls after the first page with HTTP 500; malformed
 * answers reference-browser's searches with truncated JSON and its run
 * lists without their array.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "sources/faux_github.h"
#include "core/banned.h"

#define DAY 86400

static const struct gh_repo repos[] = {
	{"mozilla-mobile/firefox-android",
	 1260,
	 1240,
	 9100000000,
	 {"Android CI", "UI tests", "Lint"}},
	{"mozilla-mobile/firefox-ios",
	 300,
	 160,
	 9200000000,
	 {"Build and test", "Focus iOS", "SwiftLint"}},
	{"mozilla-mobile/reference-browser",
	 45,
	 30,
	 9300000000,
	 {"CI", "Nightly", "Lint"}},
};

#define NREPOS (sizeof(repos) / sizeof(repos[0]))

static const struct gh_repo *find_repo(const char *owner_repo, size_t len)
{
	for (size_t i = 0; i < NREPOS; i++)
		if (strlen(repos[i].name) == len &&
		    !strncmp(repos[i].name, owner_repo, len))
			return &repos[i];
	return NULL;
}

const struct gh_repo *faux_gh_repo_of_run(int64_t id)
{
	for (size_t i = 0; i < NREPOS; i++)
		if (id >= repos[i].run_base &&
		    id < repos[i].run_base + repos[i].runs * 3 + 3)
			return &repos[i];
	return NULL;
}

void faux_gh_error(struct http_response *out, long status, const char *message)
{
	out->status = status;
	buf_reset(&out->body);
	buf_addf(&out->body,
		 "{\"message\":\"%s\",\"documentation_url\":"
		 "\"https://docs.github.com/rest\",\"status\":\"%ld\"}",
		 message, status);
}

/* The Link header of page `page` of a list of `served` items. */
void faux_gh_link(struct http_response *out, const char *path,
		  const struct fq *q, int64_t page, int64_t per, int64_t served)
{
	int64_t last = served ? (served + per - 1) / per : 1;
	struct buf base = BUF_INIT;

	buf_addf(&base, "<%s/%s?", GH_ROOT, path);
	for (size_t i = 0; i < q->n; i++) {
		if (!strcmp(q->keys[i], "page"))
			continue;
		buf_adds(&base, q->keys[i]);
		buf_addch(&base, '=');
		/* Re-encode: values may hold blanks, quotes, colons. */
		for (const char *c = q->values[i]; *c; c++) {
			if ((*c >= 'a' && *c <= 'z') ||
			    (*c >= 'A' && *c <= 'Z') ||
			    (*c >= '0' && *c <= '9') || strchr("-_.~", *c))
				buf_addch(&base, *c);
			else
				buf_addf(&base, "%%%02X", (unsigned char)*c);
		}
		buf_addch(&base, '&');
	}
	if (page < last || page > 1) {
		buf_adds(&out->headers, "Link: ");
		if (page < last)
			buf_addf(&out->headers,
				 "%spage=%" PRId64
				 ">; rel=\"next\", %spage=%" PRId64
				 ">; rel=\"last\"%s",
				 base.data, page + 1, base.data, last,
				 page > 1 ? ", " : "");
		if (page > 1)
			buf_addf(&out->headers,
				 "%spage=%" PRId64
				 ">; rel=\"prev\", %spage=1>; "
				 "rel=\"first\"",
				 base.data, page - 1, base.data);
		buf_adds(&out->headers, "\r\n");
	}
	buf_release(&base);
}

/* Issue k of repo r. */
struct gh_issue {
	int64_t number, created, updated, closed;
	const char *labels[4];
	const char *reason;
};

static void gen_issue(const struct gh_repo *r, int64_t k, int64_t today,
		      struct gh_issue *is)
{
	size_t n = 0;

	is->number = 1000 + k * 2 + (k % 5 == 1);
	is->created = today - 700 * DAY + (700 * DAY - DAY) * k / r->issues +
		      (k % 17) * 1800;
	is->closed = 0;
	is->reason = NULL;
	if (k % 3) {
		is->closed = is->created + (2 + k % 30) * DAY / 3;
		is->closed =
			is->closed > today - 600 ? today - 600 : is->closed;
		is->reason = k % 11 == 0 ? "not_planned" : "completed";
	}
	is->updated =
		is->closed ? is->closed + 120 : is->created + (k % 5) * DAY;
	is->updated = is->updated > today - 60 ? today - 60 : is->updated;
	if (k % 9)
		is->labels[n++] = "regression";
	if (k % 5 == 0)
		is->labels[n++] = "crash";
	if (k % 4 == 1)
		is->labels[n++] =
			k % 8 == 1 ? "Feature:Toolbar" : "Feature:Tabs";
	is->labels[n] = NULL;
}

/* The search query's qualifiers: repo, labels (any), created, updated. */
struct gh_search {
	char repo[96];
	char labels[4][48];
	size_t nlabels;
	char created[24], updated[24];
};

static void parse_q(const char *q, struct gh_search *s)
{
	memset(s, 0, sizeof(*s));
	while (q && *q) {
		size_t n = strcspn(q, " ");

		if (!strncmp(q, "repo:", 5))
			snprintf(s->repo, sizeof(s->repo), "%.*s", (int)n - 5,
				 q + 5);
		else if (!strncmp(q, "created:>=", 10))
			snprintf(s->created, sizeof(s->created), "%.*s",
				 (int)n - 10, q + 10);
		else if (!strncmp(q, "updated:>=", 10))
			snprintf(s->updated, sizeof(s->updated), "%.*s",
				 (int)n - 10, q + 10);
		else if (!strncmp(q, "label:", 6)) {
			const char *l = q + 6, *end = q + n;

			while (l < end && s->nlabels < 4) {
				size_t m;

				if (*l == '"')
					l++;
				m = strcspn(l, "\",");
				snprintf(s->labels[s->nlabels++], 48, "%.*s",
					 (int)m, l);
				l += m;
				while (l < end && (*l == '"' || *l == ','))
					l++;
			}
		}
		q += n;
		while (*q == ' ')
			q++;
	}
}

static int time_ge(int64_t t, const char *bound)
{
	struct buf b = BUF_INIT;
	int ok;

	if (!*bound)
		return 1;
	faux_json_time(&b, t);
	ok = strncmp(b.data + 1, bound, strlen(bound)) >= 0;
	buf_release(&b);
	return ok;
}

static int issue_matches(const struct gh_search *s, const struct gh_issue *is)
{
	int label = 0;

	for (size_t i = 0; i < s->nlabels; i++)
		for (size_t k = 0; is->labels[k]; k++)
			label |= !strcmp(is->labels[k], s->labels[i]);
	return (label || !s->nlabels) && time_ge(is->created, s->created) &&
	       time_ge(is->updated, s->updated);
}

static void add_issue(struct buf *o, const struct gh_repo *r,
		      const struct gh_issue *is, int64_t k)
{
	buf_addf(o,
		 "{\"url\":\"https://api.github.com/repos/%s/issues/%" PRId64
		 "\",\"html_url\":\"https://github.com/%s/issues/%" PRId64
		 "\",\"id\":%" PRId64 ",\"number\":%" PRId64
		 ",\"title\":\"%s regressed in build %" PRId64
		 "\",\"user\":{\"login\":\"qa-bot\",\"type\":\"User\"},"
		 "\"labels\":[",
		 r->name, is->number, r->name, is->number,
		 2000000000 + is->number, is->number,
		 k % 2 ? "Scrolling" : "Opening a new tab", 100 + k % 50);
	for (size_t i = 0; is->labels[i]; i++)
		buf_addf(o,
			 "%s{\"id\":%zu,\"name\":\"%s\",\"color\":\"d73a4a\"}",
			 i ? "," : "", 500 + i, is->labels[i]);
	buf_addf(o,
		 "],\"state\":\"%s\",\"locked\":false,\"assignees\":[],"
		 "\"comments\":%" PRId64 ",\"created_at\":",
		 is->closed ? "closed" : "open", k % 7);
	faux_json_time(o, is->created);
	buf_adds(o, ",\"updated_at\":");
	faux_json_time(o, is->updated);
	buf_adds(o, ",\"closed_at\":");
	if (is->closed)
		faux_json_time(o, is->closed);
	else
		buf_adds(o, "null");
	buf_addf(o,
		 ",\"author_association\":\"MEMBER\",\"state_reason\":%s%s%s,"
		 "\"body\":null,\"score\":1.0}",
		 is->reason ? "\"" : "", is->reason ? is->reason : "null",
		 is->reason ? "\"" : "");
}

static void search_issues(const struct fq *q, int64_t today,
			  struct http_response *out)
{
	struct gh_search s;
	const struct gh_repo *r;
	int64_t per = fq_int(q, "per_page", 30), page = fq_int(q, "page", 1);
	int64_t total = 0, nout = 0;

	parse_q(fq_get(q, "q", 0), &s);
	per = per < 1 || per > 100 ? 30 : per;
	page = page < 1 ? 1 : page;
	if ((page - 1) * per >= GH_CAP) {
		faux_gh_error(
			out, 422,
			"Only the first 1000 search results are available");
		return;
	}
	r = find_repo(s.repo, strlen(s.repo));
	out->status = 200;
	buf_adds(&out->body, "{\"total_count\":TOTAL_COUNT_,"
			     "\"incomplete_results\":false,\"items\":[");
	for (int64_t k = 0; r && k < r->issues; k++) {
		struct gh_issue is;

		gen_issue(r, k, today, &is);
		if (!issue_matches(&s, &is))
			continue;
		if (total++ < (page - 1) * per || nout >= per)
			continue;
		if (nout++)
			buf_addch(&out->body, ',');
		add_issue(&out->body, r, &is, k);
	}
	buf_adds(&out->body, "]}");
	{
		/* Patch the count in now that it is known. */
		char *at = strstr(out->body.data, "TOTAL_COUNT_");
		char num[16];
		int len = snprintf(num, sizeof(num), "%-12" PRId64, total);

		memcpy(at, num, (size_t)len);
	}
	faux_gh_link(out, "search/issues", q, page, per,
		     total < GH_CAP ? total : GH_CAP);
}

/* The scenario's failures; 1 when out is filled. */
static int inject(struct faux *f, const char *rest, const struct fq *q,
		  uint64_t n, struct http_response *out)
{
	time_t now = time(NULL);

	switch (faux_options(f)->scenario) {
	case FAUX_RATE_LIMITED:
		if (n == 1) {
			faux_gh_error(out, 403,
				      "API rate limit exceeded for user ID 1.");
			buf_addf(&out->headers,
				 "X-RateLimit-Limit: 5000\r\n"
				 "X-RateLimit-Remaining: 0\r\n"
				 "X-RateLimit-Reset: %lld\r\n"
				 "X-RateLimit-Resource: core\r\n",
				 (long long)now + 1);
			return 1;
		}
		if (n == 2) {
			faux_gh_error(
				out, 429,
				"You have exceeded a secondary rate limit. "
				"Please wait a few minutes before you try "
				"again.");
			out->retry_after_ms = 1000;
			return 1;
		}
		return 0;
	case FAUX_SERVER_ERROR:
		if (strstr(rest, "firefox-ios") &&
		    (fq_int(q, "page", 1) > 1 || strstr(rest, "/jobs"))) {
			faux_gh_error(out, 500, "Server Error");
			return 1;
		}
		return 0;
	case FAUX_MALFORMED:
		if (!strstr(rest, "reference-browser"))
			return 0;
		out->status = 200;
		if (!strncmp(rest, "search/", 7))
			buf_adds(&out->body,
				 "{\"total_count\":45,\"incomplete_"
				 "results\":false,\"items\":[{\"url\"");
		else
			buf_adds(&out->body, "{\"total_count\":30}");
		return 1;
	default:
		return 0;
	}
}

void faux_github_respond(struct faux *f, const char *rest,
			 struct http_response *out)
{
	int64_t today = FAUX_ANCHOR_S + faux_shift_s(f);
	uint64_t n = faux_count_call(f);
	struct fq q;

	fq_parse(&q, rest);
	if (!inject(f, rest, &q, n, out)) {
		if (!strcmp(q.path, "search/issues")) {
			search_issues(&q, today, out);
		} else if (!strncmp(q.path, "repos/", 6)) {
			const char *p = q.path + 6, *slash = strchr(p, '/');
			const struct gh_repo *r = NULL;

			if (slash && (slash = strchr(slash + 1, '/')))
				r = find_repo(p, (size_t)(slash - p));
			if (r)
				faux_github_runs(r, slash + 1, &q, today, out);
			else
				faux_gh_error(out, 404, "Not Found");
		} else if (!strncmp(q.path, "_blobs/", 7)) {
			faux_github_runs(NULL, q.path, &q, today, out);
		} else {
			faux_gh_error(out, 404, "Not Found");
		}
	}
	if (out->status != 403 || !strstr(out->headers.data, "Remaining"))
		buf_addf(&out->headers,
			 "X-RateLimit-Limit: 5000\r\n"
			 "X-RateLimit-Remaining: %llu\r\n"
			 "X-RateLimit-Reset: %lld\r\n",
			 (unsigned long long)(4999 - n % 4999),
			 (long long)time(NULL) + 3600);
	if (!strstr(out->headers.data, "Content-Type"))
		buf_adds(&out->headers,
			 "Content-Type: application/json; charset=utf-8\r\n");
	fq_release(&q);
}
