/*
 * github_actions.c - ci-builds from GitHub Actions: workflow runs, their
 * earlier attempts, jobs and artifacts.
 *
 * GET /repos/R/actions/runs with a `created` filter hands out 1,000 runs
 * at most, so the time range [since, now] is cut in halves until each
 * part holds fewer than that (total_count of its first page), and each
 * part is paged through its Link headers.  since is the cursor (a time
 * the last pull stored) less a day, so runs still going then are read
 * again, else the pump's --num-days.
 *
 * For every run: a "ci_build" record per attempt (the run list holds the
 * latest; earlier ones come from /attempts/N), the "ci_job" records of
 * each attempt, and for the latest attempt each unexpired artifact,
 * downloaded (GitHub answers 302 to a short-lived address) into a
 * temporary file handed up as a "ci_artifact" record and deleted after.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "core/err.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "sources/github_internal.h"
#include "sources/urlq.h"
#include "core/banned.h"

#define GH_RUN_OVERLAP_MS (24LL * 3600 * 1000)

/* GitHub's status and conclusion as a ci_build status. */
static const char *run_status(json_t *o)
{
	const char *s = json_string_value(json_object_get(o, "status"));
	const char *c = json_string_value(json_object_get(o, "conclusion"));
	static const char *const map[][2] = {
		{"success", "success"},	      {"neutral", "success"},
		{"failure", "failure"},	      {"timed_out", "failure"},
		{"cancelled", "canceled"},    {"skipped", "skipped"},
		{"stale", "superseded"},      {"startup_failure", "error"},
		{"action_required", "error"},
	};

	if (!s || strcmp(s, "completed") || !c)
		return s && !strcmp(s, "completed") ? "error" : "running";
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], c))
			return map[i][1];
	return "error";
}

/* The workflow's name; older answers lack it: its file, or its id. */
static json_t *workflow_of(json_t *run)
{
	json_t *v = json_object_get(run, "name");

	if (json_is_string(v))
		return json_string(json_string_value(v));
	v = json_object_get(run, "path");
	if (json_is_string(v))
		return json_string(json_string_value(v));
	return json_sprintf("workflow %lld",
			    (long long)json_integer_value(
				    json_object_get(run, "workflow_id")));
}

static json_t *id_text(json_t *v)
{
	return json_is_integer(v)
		       ? json_sprintf("%lld", (long long)json_integer_value(v))
		       : json_null();
}

/* Hands up one attempt of a run as a ci_build record. */
static int emit_run(struct gh_pull *p, json_t *run)
{
	const char *status = run_status(run);
	json_int_t attempt =
		json_integer_value(json_object_get(run, "run_attempt"));
	json_t *rec, *num = json_object_get(run, "run_number");
	int rc;

	attempt = attempt > 0 ? attempt : 1;
	rec = json_pack("{s:s, s:o, s:o, s:I, s:o, s:s}", "source", "github",
			"workflow", workflow_of(run), "build_id",
			id_text(json_object_get(run, "id")), "attempt", attempt,
			"number",
			json_is_integer(num)
				? json_integer(json_integer_value(num))
				: json_null(),
			"status", status);
	json_object_set_new(rec, "branch",
			    urlq_str(json_object_get(run, "head_branch")));
	json_object_set_new(rec, "commit",
			    urlq_str(json_object_get(run, "head_sha")));
	json_object_set_new(rec, "event",
			    urlq_str(json_object_get(run, "event")));
	/* Answers before 2021 lack run_started_at: the creation then. */
	json_object_set_new(rec, "started_at",
			    urlq_time(json_object_get(
				    run, json_object_get(run, "run_started_at")
						 ? "run_started_at"
						 : "created_at")));
	json_object_set_new(
		rec, "finished_at",
		strcmp(status, "running")
			? urlq_time(json_object_get(run, "updated_at"))
			: json_null());
	json_object_set_new(rec, "url",
			    urlq_str(json_object_get(run, "html_url")));
	json_object_set_new(rec, "retry", json_boolean(attempt > 1));
	rc = gh_emit(p, "ci_build", rec);
	json_decref(rec);
	return rc;
}

/* The jobs of attempt `attempt` of run `id`, as ci_job records. */
static int read_jobs(struct gh_pull *p, const char *repo, json_int_t id,
		     json_int_t attempt)
{
	char *url = xasprintf("%s/repos/%s/actions/runs/%lld/attempts/%lld/"
			      "jobs?per_page=100",
			      p->src->base, repo, (long long)id,
			      (long long)attempt);
	char *next = NULL;
	int rc = 0;

	while (url && rc == 0) {
		json_t *page, *job;
		size_t i;

		if ((rc = gh_get_json(p, url, &page, &next)) < 0)
			break;
		json_array_foreach (json_object_get(page, "jobs"), i, job) {
			json_t *rec = json_pack(
				"{s:s, s:s, s:I, s:o, s:o, s:s, s:o, s:o}",
				"source", "github", "build_id", "", "attempt",
				attempt, "job_id",
				id_text(json_object_get(job, "id")), "name",
				urlq_str(json_object_get(job, "name")),
				"status", run_status(job), "started_at",
				urlq_time(json_object_get(job, "started_at")),
				"finished_at",
				urlq_time(
					json_object_get(job, "completed_at")));

			json_object_set_new(
				rec, "build_id",
				json_sprintf("%lld", (long long)id));
			if (rc == 0 && gh_emit(p, "ci_job", rec) < 0)
				rc = -1;
			json_decref(rec);
		}
		json_decref(page);
		free(url);
		url = next;
		next = NULL;
	}
	free(url);
	return rc;
}

/*
 * GETs an artifact's archive into a temporary file, following GitHub's
 * redirect (the download client follows it; a transport answers the 302
 * itself, which is followed here).  *path is the file; the caller unlinks
 * and frees it.
 */
static int download(struct gh_pull *p, const char *url, char **path)
{
	struct http_response r;
	struct buf loc = BUF_INIT;
	char *target = gh_absolute(p->src->base, url);
	int rc = -1, fd;

	*path = NULL;
	http_response_init(&r);
	for (int hops = 0; hops < 5; hops++) {
		rc = http_get(p->src->dl, target, &r);
		if (rc == 0 || r.status < 300 || r.status > 399 ||
		    !http_header(&r, "Location", &loc))
			break;
		free(target);
		target = gh_absolute(p->src->base, loc.data);
		err_clear();
	}
	if (rc < 0)
		goto out;
	*path = xstrdup("/tmp/testpump-artifact-XXXXXX");
	if (getenv("TMPDIR") && *getenv("TMPDIR")) {
		free(*path);
		*path = xasprintf("%s/testpump-artifact-XXXXXX",
				  getenv("TMPDIR"));
	}
	fd = mkstemp(*path);
	if (fd < 0 ||
	    write(fd, r.body.data, r.body.len) != (ssize_t)r.body.len) {
		rc = err_set("cannot write the artifact to '%s'", *path);
		if (fd >= 0) {
			close(fd);
			unlink(*path);
		}
		free(*path);
		*path = NULL;
		goto out;
	}
	close(fd);
out:
	free(target);
	buf_release(&loc);
	http_response_release(&r);
	return rc;
}

/* The artifacts of a run, downloaded and handed up one by one. */
static int read_artifacts(struct gh_pull *p, const char *repo, json_t *run)
{
	json_int_t id = json_integer_value(json_object_get(run, "id"));
	json_int_t attempt =
		json_integer_value(json_object_get(run, "run_attempt"));
	char *url = xasprintf("%s/repos/%s/actions/runs/%lld/artifacts?"
			      "per_page=100",
			      p->src->base, repo, (long long)id);
	char *next = NULL;
	int rc = 0;

	while (url && rc == 0) {
		json_t *page, *a;
		size_t i;

		if ((rc = gh_get_json(p, url, &page, &next)) < 0)
			break;
		json_array_foreach (json_object_get(page, "artifacts"), i, a) {
			const char *dl = json_string_value(
				json_object_get(a, "archive_download_url"));
			char *path = NULL;
			json_t *rec;

			if (rc < 0 || !dl ||
			    json_is_true(json_object_get(a, "expired")))
				continue;
			if (download(p, dl, &path) < 0) {
				rc = -1;
				break;
			}
			rec = json_pack(
				"{s:s, s:o, s:o, s:I, s:o, s:s, s:s}", "source",
				"github", "workflow", workflow_of(run),
				"build_id", id_text(json_object_get(run, "id")),
				"attempt", attempt > 0 ? attempt : 1, "name",
				urlq_str(json_object_get(a, "name")), "path",
				path, "content_type", "application/zip");
			rc = gh_emit(p, "ci_artifact", rec);
			json_decref(rec);
			unlink(path);
			free(path);
		}
		json_decref(page);
		free(url);
		url = next;
		next = NULL;
	}
	free(url);
	return rc;
}

/* Every attempt of a run, its jobs, and its artifacts. */
static int handle_run(struct gh_pull *p, json_t *run)
{
	const char *repo = p->q->config->github_repo;
	json_int_t id = json_integer_value(json_object_get(run, "id"));
	json_int_t last =
		json_integer_value(json_object_get(run, "run_attempt"));

	if (id <= 0)
		return err_set("github: a workflow run of '%s' has no id",
			       repo);
	for (json_int_t n = 1; n < last; n++) {
		char *url = xasprintf(
			"%s/repos/%s/actions/runs/%lld/attempts/%lld",
			p->src->base, repo, (long long)id, (long long)n);
		json_t *old = NULL;
		int rc = gh_get_json(p, url, &old, NULL);

		free(url);
		if (rc == 0)
			rc = emit_run(p, old);
		json_decref(old);
		if (rc < 0 || read_jobs(p, repo, id, n) < 0)
			return -1;
	}
	if (emit_run(p, run) < 0 ||
	    read_jobs(p, repo, id, last > 0 ? last : 1) < 0)
		return -1;
	return read_artifacts(p, repo, run);
}

/* The runs created in [from, to], cut in halves past the cap. */
static int read_range(struct gh_pull *p, int64_t from, int64_t to)
{
	char a[TIMESTAMP_MAX], b[TIMESTAMP_MAX];
	struct buf u = BUF_INIT, range = BUF_INIT;
	char *url, *next = NULL;
	int rc = 0, first = 1;

	timestamp_format(from, a);
	timestamp_format(to, b);
	buf_addf(&range, "%s..%s", a, b);
	buf_addf(&u, "%s/repos/%s/actions/runs", p->src->base,
		 p->q->config->github_repo);
	urlq_add(&u, "created", range.data);
	urlq_add(&u, "per_page", "100");
	url = buf_detach(&u, NULL);
	buf_release(&range);
	while (url && rc == 0) {
		json_t *page, *run;
		size_t i;

		if ((rc = gh_get_json(p, url, &page, &next)) < 0)
			break;
		if (first &&
		    json_integer_value(json_object_get(page, "total_count")) >=
			    GH_CAP &&
		    to - from >= 2000) {
			int64_t mid = from + (to - from) / 2000 * 1000;

			json_decref(page);
			free(next);
			next = NULL;
			rc = read_range(p, from, mid);
			if (rc == 0)
				rc = read_range(p, mid + 1000, to);
			break;
		}
		first = 0;
		if (!json_is_array(json_object_get(page, "workflow_runs"))) {
			char *masked = config_mask_url(url);

			rc = err_set("GET %s: the answer has no "
				     "'workflow_runs' array",
				     masked);
			free(masked);
		}
		json_array_foreach (json_object_get(page, "workflow_runs"), i,
				    run)
			if (rc == 0 && handle_run(p, run) < 0)
				rc = -1;
		json_decref(page);
		free(url);
		url = next;
		next = NULL;
	}
	free(url);
	return rc;
}

int gh_actions_pull(struct gh_pull *p)
{
	int64_t now = timestamp_now_ms() / 1000 * 1000, since = p->q->since_ms;
	int64_t ms;

	p->what = "workflow runs";
	if (p->q->cursor && *p->q->cursor &&
	    timestamp_parse(p->q->cursor, &ms) == 0)
		since = ms - GH_RUN_OVERLAP_MS;
	since = since / 1000 * 1000;
	return read_range(p, since, now);
}
