/*
 * faux_github_runs.c - the faux GitHub Actions: workflow runs (newest
 * first, `created` ranges, 1,000 at most per filtered list), attempts,
 * jobs, artifacts, and artifact archives: a 302 to a blob address that
 * answers a zip holding a JUnit XML report of the run.  The faux knows
 * no host name, so its download addresses are paths from the server's
 * root (GitHub's are absolute URLs); clients resolve both.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "sources/faux_github.h"
#include "core/banned.h"

#define DAY 86400
#define WINDOW (14 * DAY)

/* Run j of a repository. */
struct gh_run {
	const struct gh_repo *r;
	int64_t j, id, created, updated, attempt, number;
	const char *workflow, *status, *conclusion, *branch, *event;
};

static void gen_run(const struct gh_repo *r, int64_t j, int64_t attempt,
		    int64_t today, struct gh_run *u)
{
	u->r = r;
	u->j = j;
	u->id = r->run_base + j * 3;
	u->created = today - WINDOW + WINDOW * j / r->runs + 37;
	u->workflow = r->workflows[j % 3];
	u->number = 4000 + j / 3;
	u->attempt = j % 15 == 4 ? 2 : 1;
	u->attempt = attempt > 0 ? attempt : u->attempt;
	u->status = j >= r->runs - 3 ? "in_progress" : "completed";
	u->conclusion = j % 10 == 3			 ? "failure"
			: j % 25 == 7			 ? "cancelled"
			: j % 40 == 11			 ? "skipped"
			: j % 15 == 4 && u->attempt == 1 ? "failure"
							 : "success";
	if (j >= r->runs - 3)
		u->conclusion = NULL;
	u->branch = j % 4 ? "main" : "fix-toolbar-regression";
	u->event = j % 4 ? (j % 7 == 0 ? "schedule" : "push") : "pull_request";
	u->updated = u->created + (8 + j % 20) * 60 + (u->attempt - 1) * 1800;
}

/* Run id's generator row: its index in r, or -1. */
static int64_t run_index(const struct gh_repo *r, int64_t id)
{
	int64_t j = (id - r->run_base) / 3;

	return j >= 0 && j < r->runs && r->run_base + j * 3 == id ? j : -1;
}

static void add_run(struct buf *o, const struct gh_run *u)
{
	buf_addf(
		o,
		"{\"id\":%" PRId64 ",\"name\":\"%s\",\"node_id\":\"WFR_%" PRId64
		"\",\"head_branch\":\"%s\",\"head_sha\":\"%016" PRIx64
		"%08" PRIx64 "0faux0000000000\",\"path\":\".github/workflows/"
		"%c%" PRId64 ".yml\",\"display_title\":\"%s #%" PRId64
		"\",\"run_number\":%" PRId64 ",\"event\":\"%s\","
		"\"status\":\"%s\",\"conclusion\":%s%s%s,\"workflow_id\":%" PRId64
		",\"url\":\"https://api.github.com/repos/%s/actions/runs/%" PRId64
		"\",\"html_url\":\"https://github.com/%s/actions/runs/%" PRId64
		"\",\"pull_requests\":[],\"created_at\":",
		u->id, u->workflow, u->id, u->branch,
		(uint64_t)u->id * 2654435761u, (uint64_t)u->j, 'w', u->j % 3,
		u->workflow, u->number, u->number, u->event, u->status,
		u->conclusion ? "\"" : "",
		u->conclusion ? u->conclusion : "null",
		u->conclusion ? "\"" : "", 61000000 + u->j % 3, u->r->name,
		u->id, u->r->name, u->id);
	faux_json_time(o, u->created);
	buf_adds(o, ",\"updated_at\":");
	faux_json_time(o, u->updated);
	buf_addf(
		o,
		",\"actor\":{\"login\":\"mobile-ci-bot\"},\"run_attempt\":%" PRId64
		",\"run_started_at\":",
		u->attempt);
	faux_json_time(o, u->created + 5 + (u->attempt - 1) * 1800);
	buf_addf(o,
		 ",\"repository\":{\"full_name\":\"%s\"},\"previous_attempt_"
		 "url\":%s}",
		 u->r->name,
		 u->attempt > 1 ? "\"https://api.github.com/\"" : "null");
}

/* The bounds of a `created` filter: "A..B" or ">=A" (empty: none). */
static void created_bounds(const struct fq *q, char *lo, char *hi)
{
	const char *c = fq_get(q, "created", 0);
	const char *dots = c ? strstr(c, "..") : NULL;

	lo[0] = hi[0] = '\0';
	if (!c)
		return;
	if (dots) {
		snprintf(lo, 24, "%.*s", (int)(dots - c), c);
		snprintf(hi, 24, "%s", dots + 2);
	} else if (!strncmp(c, ">=", 2)) {
		snprintf(lo, 24, "%s", c + 2);
	}
}

static int in_range(int64_t t, const char *lo, const char *hi)
{
	struct buf b = BUF_INIT;
	int ok;

	faux_json_time(&b, t);
	ok = (!*lo || strncmp(b.data + 1, lo, 20) >= 0) &&
	     (!*hi || strncmp(b.data + 1, hi, 20) <= 0);
	buf_release(&b);
	return ok;
}

static void list_runs(const struct gh_repo *r, const struct fq *q,
		      int64_t today, struct http_response *out)
{
	int64_t per = fq_int(q, "per_page", 30), page = fq_int(q, "page", 1);
	int64_t total = 0, nout = 0;
	char lo[24], hi[24], path[160];

	per = per < 1 || per > 100 ? 30 : per;
	page = page < 1 ? 1 : page;
	created_bounds(q, lo, hi);
	out->status = 200;
	buf_adds(&out->body, "{\"total_count\":TOTAL_COUNT_,"
			     "\"workflow_runs\":[");
	for (int64_t j = r->runs - 1; j >= 0; j--) {
		struct gh_run u;

		gen_run(r, j, 0, today, &u);
		if (!in_range(u.created, lo, hi))
			continue;
		/* With a filter, GitHub hands out the first 1,000 only. */
		if (total++ >= GH_CAP || total <= (page - 1) * per ||
		    nout >= per)
			continue;
		if (nout++)
			buf_addch(&out->body, ',');
		add_run(&out->body, &u);
	}
	buf_adds(&out->body, "]}");
	{
		char *at = strstr(out->body.data, "TOTAL_COUNT_");
		char num[16];
		int len = snprintf(num, sizeof(num), "%-12" PRId64, total);

		memcpy(at, num, (size_t)len);
	}
	snprintf(path, sizeof(path), "repos/%s/actions/runs", r->name);
	faux_gh_link(out, path, q, page, per, total < GH_CAP ? total : GH_CAP);
}

static void list_jobs(const struct gh_run *u, struct http_response *out)
{
	static const char *const names[] = {"build", "unit-tests",
					    "ui-tests (Pixel 6, API 34)"};

	out->status = 200;
	buf_adds(&out->body, "{\"total_count\":3,\"jobs\":[");
	for (int k = 0; k < 3; k++) {
		const char *c = u->conclusion;
		int64_t start =
			u->created + 5 + (u->attempt - 1) * 1800 + k * 60;

		if (c && !strcmp(c, "failure") && k != 1)
			c = "success";
		if (c && !strcmp(c, "cancelled") && k < 2)
			c = "success";
		buf_addf(
			&out->body,
			"%s{\"id\":%" PRId64 ",\"run_id\":%" PRId64
			",\"run_attempt\":%" PRId64 ",\"workflow_name\":\"%s\","
			"\"name\":\"%s\",\"status\":\"%s\",\"conclusion\":%s%s%s,"
			"\"started_at\":",
			k ? "," : "", u->id * 10 + u->attempt * 3 + k, u->id,
			u->attempt, u->workflow, names[k],
			c ? "completed" : "in_progress", c ? "\"" : "",
			c ? c : "null", c ? "\"" : "");
		faux_json_time(&out->body, start);
		buf_adds(&out->body, ",\"completed_at\":");
		if (c)
			faux_json_time(&out->body, start + 300 + k * 120);
		else
			buf_adds(&out->body, "null");
		buf_addf(&out->body,
			 ",\"labels\":[\"ubuntu-latest\"],"
			 "\"runner_name\":\"GitHub Actions %d\"}",
			 k + 1);
	}
	buf_adds(&out->body, "]}");
}

static void list_artifacts(const struct gh_run *u, struct http_response *out)
{
	int n = u->j % 50 == 0 ? (u->j % 100 == 50 ? 2 : 1) : 0;

	out->status = 200;
	buf_addf(&out->body, "{\"total_count\":%d,\"artifacts\":[", n);
	for (int k = 0; k < n; k++) {
		buf_addf(&out->body,
			 "%s{\"id\":%" PRId64 ",\"name\":\"%s\","
			 "\"size_in_bytes\":%d,\"archive_download_url\":"
			 "\"%s/repos/%s/actions/artifacts/%" PRId64
			 "/zip\",\"expired\":%s,\"created_at\":",
			 k ? "," : "", u->id + k,
			 k ? "old-logs" : "junit-reports", 900 + k, GH_ROOT,
			 u->r->name, u->id + k, k ? "true" : "false");
		faux_json_time(&out->body, u->updated);
		buf_addf(&out->body,
			 ",\"workflow_run\":{\"id\":%" PRId64
			 ",\"head_branch\":\"%s\"}}",
			 u->id, u->branch);
	}
	buf_adds(&out->body, "]}");
}

/* The JUnit report inside run u's artifact. */
static void junit_of(const struct gh_run *u, struct buf *x)
{
	int failed = u->conclusion && !strcmp(u->conclusion, "failure");

	buf_addf(x,
		 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		 "<testsuites>\n"
		 "  <testsuite name=\"org.mozilla.fenix.ui.SmokeTest\" "
		 "tests=\"4\" failures=\"%d\" errors=\"0\" skipped=\"1\" "
		 "time=\"41.250\" hostname=\"runner-%" PRId64 "\">\n"
		 "    <testcase classname=\"org.mozilla.fenix.ui.SmokeTest\" "
		 "name=\"verifyHomeScreen\" time=\"12.500\"/>\n"
		 "    <testcase classname=\"org.mozilla.fenix.ui.SmokeTest\" "
		 "name=\"openNewTab\" time=\"17.250\">%s</testcase>\n"
		 "    <testcase classname=\"org.mozilla.fenix.ui.SmokeTest\" "
		 "name=\"verifyToolbarMenu\" time=\"11.500\"/>\n"
		 "    <testcase classname=\"org.mozilla.fenix.ui.SmokeTest\" "
		 "name=\"verifyDownloadsList\" time=\"0\"><skipped "
		 "message=\"@Ignore: bug 1810000\"/></testcase>\n"
		 "  </testsuite>\n</testsuites>\n",
		 failed, u->j,
		 failed ? "<failure message=\"java.lang.AssertionError: "
			  "expected 2 tabs, found 1\" type=\"java.lang."
			  "AssertionError\">at org.mozilla.fenix.ui.SmokeTest."
			  "openNewTab(SmokeTest.kt:88)</failure>"
			: "");
}

/* _blobs/artifacts/ID.zip: the archive of run ID's artifact. */
static void blob(const char *rest, int64_t today, struct http_response *out)
{
	const struct gh_repo *r;
	long long id = 0;
	struct gh_run u;
	struct buf x = BUF_INIT;
	char name[64];

	if (sscanf(rest, "_blobs/artifacts/%lld.zip", &id) != 1 ||
	    !(r = faux_gh_repo_of_run(id)) || run_index(r, id) < 0) {
		faux_gh_error(out, 404, "BlobNotFound");
		return;
	}
	gen_run(r, run_index(r, id), 0, today, &u);
	junit_of(&u, &x);
	snprintf(name, sizeof(name), "TEST-SmokeTest-%lld.xml", id);
	out->status = 200;
	faux_zip_one(&out->body, name, x.data, x.len, u.updated);
	buf_adds(&out->headers, "Content-Type: application/zip\r\n");
	buf_release(&x);
}

void faux_github_runs(const struct gh_repo *r, const char *rest,
		      const struct fq *q, int64_t today,
		      struct http_response *out)
{
	long long id = 0, n = 0;
	int used = 0;
	struct gh_run u;
	char tail[32] = "";

	if (!r) {
		blob(rest, today, out);
		return;
	}
	if (!strcmp(rest, "actions/runs")) {
		list_runs(r, q, today, out);
		return;
	}
	if (sscanf(rest, "actions/artifacts/%lld/zip", &id) == 1) {
		if (run_index(r, id) < 0 || (run_index(r, id) % 50)) {
			faux_gh_error(out,
				      run_index(r, id - 1) >= 0 ? 410 : 404,
				      run_index(r, id - 1) >= 0
					      ? "Artifact has expired"
					      : "Not Found");
			return;
		}
		out->status = 302;
		buf_addf(&out->headers,
			 "Location: %s/_blobs/artifacts/%lld.zip?sig=faux-"
			 "short-lived&se=60\r\n",
			 GH_ROOT, id);
		return;
	}
	if (sscanf(rest, "actions/runs/%lld/%31[a-z]", &id, tail) < 1 ||
	    run_index(r, id) < 0) {
		faux_gh_error(out, 404, "Not Found");
		return;
	}
	gen_run(r, run_index(r, id), 0, today, &u);
	if (!strcmp(tail, "artifacts")) {
		list_artifacts(&u, out);
		return;
	}
	if (strcmp(tail, "attempts") ||
	    sscanf(rest, "actions/runs/%lld/attempts/%lld%n", &id, &n, &used) !=
		    2 ||
	    n < 1 || n > u.attempt) {
		faux_gh_error(out, 404, "Not Found");
		return;
	}
	gen_run(r, run_index(r, id), n, today, &u);
	if (!strcmp(rest + used, "/jobs")) {
		list_jobs(&u, out);
	} else if (!rest[used]) {
		out->status = 200;
		add_run(&out->body, &u);
	} else {
		faux_gh_error(out, 404, "Not Found");
	}
}
