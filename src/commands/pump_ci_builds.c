/*
 * pump_ci_builds.c - what the ci-builds report type writes, from any CI
 * source (GitHub Actions, Taskcluster, Bitrise).
 *
 * The record contract every CI connector emits:
 *
 *	ci_build    {source, workflow, build_id, attempt (1 = first),
 *		     number|null, status, branch, commit, event, started_at,
 *		     finished_at, url (text or null each), retry (bool),
 *		     cursor (optional: the time the upstream's incremental
 *		     filter compares, RFC 3339)}
 *	ci_job      {source, build_id, attempt, job_id, name, status,
 *		     started_at, finished_at}
 *	ci_artifact {source, workflow, build_id, attempt, name, path (a
 *		     temporary file, valid during the call only),
 *		     content_type: application/zip|xml|gzip}
 *
 * status is success, failure, canceled, superseded, running, error or
 * skipped.  A build's records come before its jobs' and artifacts'.
 *
 * ci_build and ci_job rows are upserted.  The JUnit XML of a build
 * attempt's artifacts (XML, .xml.gz, or the XML files inside a zip, read
 * by ingest/zip.h with its caps) is ingested through the JUnit ingest path
 * as ONE job run per build attempt, job "<source>:<workflow>", run_id
 * "<build_id>" (attempt 1) or "<build_id>.<attempt>", started at the
 * build's start, and ci_build.job_run_id links it.  The artifacts of a
 * build attempt are gathered (copied, since the connector removes its
 * files) and ingested when the next build starts or the pull ends.  The
 * run writer runs on a nested store (store/nested.h): its transaction is a
 * savepoint inside the pump's one transaction per project, so a run that
 * fails to store is undone alone and the project's pump goes on.  An
 * artifact that is not JUnit (or not readable) is skipped with a warning.
 *
 * The high-water mark: the latest "cursor" of a finished build, but never
 * past a build still running (so the next pull reads it again).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "commands/ingest_junit.h"
#include "commands/pump.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "ingest/junit.h"
#include "ingest/zip.h"
#include "store/nested.h"
#include "core/banned.h"

static const char sql_build[] =
	"INSERT INTO ci_build (source, project, workflow, build_id, attempt, "
	"number, status, retry, branch, commit_sha, event, started_at, "
	"finished_at, url, updated_at) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	"ON CONFLICT (source, project, build_id, attempt) DO UPDATE SET "
	"workflow = excluded.workflow, "
	"number = excluded.number, status = excluded.status, "
	"retry = excluded.retry, branch = excluded.branch, "
	"commit_sha = excluded.commit_sha, event = excluded.event, "
	"started_at = excluded.started_at, finished_at = excluded.finished_at, "
	"url = excluded.url, updated_at = excluded.updated_at";

static const char sql_job[] =
	"INSERT INTO ci_job (build, job_id, name, status, started_at, "
	"finished_at) SELECT id, ?, ?, ?, ?, ? FROM ci_build WHERE source = ? "
	"AND project = ? AND build_id = ? AND attempt = ? "
	"ON CONFLICT (build, job_id) DO UPDATE SET name = excluded.name, "
	"status = excluded.status, started_at = excluded.started_at, "
	"finished_at = excluded.finished_at";

static const char sql_link[] =
	"UPDATE ci_build SET job_run_id = ? WHERE source = ? AND project = ? "
	"AND build_id = ? AND attempt = ?";

static const char *const statuses[] = {
	"success", "failure", "canceled", "superseded",
	"running", "error",   "skipped",  NULL,
};

static const char *const ci_sources[] = {"github", "taskcluster", "bitrise",
					 NULL};

/* The build attempt whose artifacts are being gathered. */
struct pending {
	char *source, *workflow, *build_id, *url;
	int64_t attempt;
	int64_t started_ms; /* -1: unknown */
	struct path_list files;
};

struct ci_state {
	char *dir; /* our temporary folder for gathered files */
	unsigned nfiles;
	struct pending p; /* source NULL: none */
	char max_done[TIMESTAMP_MAX];
	char min_running[TIMESTAMP_MAX];
};

static int in_list(const char *s, const char *const *list)
{
	for (size_t i = 0; s && list[i]; i++)
		if (!strcmp(s, list[i]))
			return 1;
	return 0;
}

static const char *str_of(json_t *rec, const char *key)
{
	return json_string_value(json_object_get(rec, key));
}

/* The record's identity: source, build_id, attempt; -1 when malformed. */
static int ident(const char *kind, json_t *rec, const char **source,
		 const char **build_id, int64_t *attempt)
{
	json_t *a = json_object_get(rec, "attempt");

	*source = str_of(rec, "source");
	*build_id = str_of(rec, "build_id");
	*attempt = json_integer_value(a);
	if (!in_list(*source, ci_sources))
		return err_set("%s record: field 'source' is not github, "
			       "taskcluster or bitrise",
			       kind);
	if (!*build_id || !**build_id)
		return err_set("%s record: field 'build_id' is missing", kind);
	if (!json_is_integer(a) || *attempt < 1)
		return err_set("%s record of build '%s': field 'attempt' is "
			       "not an integer >= 1",
			       kind, *build_id);
	return 0;
}

static int ci_begin(struct pump_job *job)
{
	struct ci_state *s = xcalloc(1, sizeof(*s));
	char tmpl[] = "/tmp/testpump-ci-XXXXXX";

	if (!mkdtemp(tmpl)) {
		free(s);
		return err_set("cannot create a temporary folder: %s",
			       strerror(errno));
	}
	s->dir = xstrdup(tmpl);
	job->state = s;
	return 0;
}

static void pending_clear(struct pending *p)
{
	for (size_t i = 0; i < p->files.count; i++)
		unlink(p->files.items[i]);
	paths_release(&p->files);
	free(p->source);
	free(p->workflow);
	free(p->build_id);
	free(p->url);
	memset(p, 0, sizeof(*p));
}

/* Copies len bytes of data into a new file of s->dir, added to p. */
static int gather_bytes(struct ci_state *s, const char *data, size_t len)
{
	char *path = xasprintf("%s/%u.xml", s->dir, s->nfiles++);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	size_t done = 0;
	int rc = -1;

	if (fd < 0) {
		err_set("cannot create '%s': %s", path, strerror(errno));
		goto out;
	}
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err_set("cannot write '%s': %s", path, strerror(errno));
			close(fd);
			goto out;
		}
		done += (size_t)n;
	}
	close(fd);
	rc = paths_collect(&s->p.files, path, NULL);
out:
	free(path);
	return rc;
}

static int xml_name(const char *name, void *ctx)
{
	size_t n = strlen(name);

	(void)ctx;
	return (n > 4 && !strcasecmp(name + n - 4, ".xml")) ||
	       (n > 7 && !strcasecmp(name + n - 7, ".xml.gz"));
}

static int on_zip_entry(const char *name, const char *data, size_t len,
			void *ctx)
{
	(void)name;
	return gather_bytes(ctx, data, len) < 0 ? -1 : 0;
}

/* Reads the whole file at path into b. */
static int slurp(const char *path, struct buf *b)
{
	char chunk[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return err_set("cannot open '%s': %s", path, strerror(errno));
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return err_set("cannot read '%s': %s", path,
				       strerror(errno));
		}
		buf_add(b, chunk, (size_t)n);
	}
	close(fd);
	return 0;
}

/* Gathers the JUnit files of one artifact (a zip's XML entries). */
static int gather_artifact(struct ci_state *s, json_t *rec)
{
	const char *path = str_of(rec, "path");
	const char *type = str_of(rec, "content_type");
	struct buf b = BUF_INIT;
	int rc;

	if (!path)
		return err_set("ci_artifact record: field 'path' is missing");
	if (type && !strcmp(type, "application/zip")) {
		struct zip_limits lim;

		zip_limits_init(&lim);
		return zip_each(path, &lim, xml_name, on_zip_entry, s) < 0 ? -1
									   : 0;
	}
	rc = slurp(path, &b);
	if (rc == 0)
		rc = gather_bytes(s, b.data, b.len);
	buf_release(&b);
	return rc;
}

/* Drops the gathered files that are not JUnit XML, with a warning each. */
static void screen(struct pending *p)
{
	const struct junit_handler count_only = {0};
	size_t kept = 0;

	for (size_t i = 0; i < p->files.count; i++) {
		if (junit_parse_path(p->files.items[i], &count_only, NULL) ==
		    0) {
			p->files.items[kept++] = p->files.items[i];
			continue;
		}
		log_warn("%s build %s attempt %lld: an artifact file is "
			 "skipped: %s",
			 p->source, p->build_id, (long long)p->attempt,
			 err_msg());
		unlink(p->files.items[i]);
		free(p->files.items[i]);
	}
	p->files.count = kept;
}

/* Links the build attempt to its job run. */
static int link_run(struct pump_job *job, const struct pending *p,
		    int64_t job_run_id)
{
	struct store_value v[5] = {
		STORE_INT_V(job_run_id), STORE_TEXT_V(p->source),
		STORE_TEXT_V(job->project), STORE_TEXT_V(p->build_id),
		STORE_INT_V(p->attempt)};

	return store_exec(job->st, sql_link, v, 5, NULL, NULL);
}

/* Ingests the pending build attempt's JUnit files as one job run. */
static int flush(struct pump_job *job, struct ci_state *s)
{
	struct pending *p = &s->p;
	char *jobname, *run_id;
	struct run_info info = {0};
	struct run_writer *w = NULL;
	struct run_counts counts;
	struct store *nested = NULL;
	int rc = 0, link_rc = 0;

	if (!p->source)
		return 0;
	screen(p);
	if (!p->files.count) {
		pending_clear(p);
		return 0;
	}
	jobname = xasprintf("%s:%s", p->source, p->workflow);
	run_id = p->attempt == 1 ? xstrdup(p->build_id)
				 : xasprintf("%s.%lld", p->build_id,
					     (long long)p->attempt);
	info.job = jobname;
	info.run_id = run_id;
	info.url = p->url;
	info.source = p->source;
	info.started_at_ms = p->started_ms;
	info.dry_run = job->st == NULL;
	if (job->st && store_nested_new(job->st, &nested) < 0)
		rc = -1;
	else if (run_writer_begin(nested, &info, &w) < 0)
		rc = -1;
	else if (ingest_junit_files(&p->files, w) < 0) {
		run_writer_abort(w);
		rc = -1;
	} else if (run_writer_commit(w, &counts) < 0) {
		rc = -1;
	} else {
		job->rows += counts.tests;
		if (job->st)
			link_rc = link_run(job, p, counts.job_run_id);
	}
	store_nested_free(nested);
	/* A run that failed to store was undone alone: the pump goes on. */
	if (rc < 0)
		log_warn(
			"%s build %s attempt %lld: its JUnit is not stored: %s",
			p->source, p->build_id, (long long)p->attempt,
			err_msg());
	free(jobname);
	free(run_id);
	pending_clear(p);
	return link_rc;
}

/* Starts gathering for a build attempt; started_at and url may be NULL. */
static void pending_start(struct ci_state *s, const char *source,
			  const char *workflow, const char *build_id,
			  int64_t attempt, const char *started_at,
			  const char *url)
{
	struct pending *p = &s->p;

	p->source = xstrdup(source);
	p->workflow = xstrdup(workflow ? workflow : "(no workflow)");
	p->build_id = xstrdup(build_id);
	p->attempt = attempt;
	p->url = url ? xstrdup(url) : NULL;
	p->started_ms = -1;
	if (started_at && timestamp_parse(started_at, &p->started_ms) < 0) {
		err_clear();
		p->started_ms = -1;
	}
}

/* Keeps the cursor of a finished build, and the earliest running one. */
static void track_cursor(struct ci_state *s, json_t *rec, const char *status)
{
	const char *c = str_of(rec, "cursor");
	char *slot = strcmp(status, "running") ? s->max_done : s->min_running;
	int later = strcmp(status, "running") != 0;

	if (!c || strlen(c) >= TIMESTAMP_MAX)
		return;
	if (!slot[0] || (later ? strcmp(c, slot) > 0 : strcmp(c, slot) < 0))
		memcpy(slot, c, strlen(c) + 1);
}

static int on_build(struct pump_job *job, struct ci_state *s, json_t *rec)
{
	const char *source, *build_id;
	const char *status = str_of(rec, "status");
	const char *workflow = str_of(rec, "workflow");
	int64_t attempt;
	struct store_value v[15];

	if (ident("ci_build", rec, &source, &build_id, &attempt) < 0)
		return -1;
	if (!in_list(status, statuses))
		return err_set("ci_build record of build '%s': field 'status' "
			       "is '%s', not one of success, failure, "
			       "canceled, superseded, running, error, skipped",
			       build_id, status ? status : "(none)");
	if (!workflow || !*workflow)
		return err_set("ci_build record of build '%s': field "
			       "'workflow' is missing",
			       build_id);
	if (flush(job, s) < 0)
		return -1;
	pending_start(s, source, workflow, build_id, attempt,
		      str_of(rec, "started_at"), str_of(rec, "url"));
	track_cursor(s, rec, status);
	v[0] = STORE_TEXT_V(source);
	v[1] = STORE_TEXT_V(job->project);
	v[2] = STORE_TEXT_V(workflow);
	v[3] = STORE_TEXT_V(build_id);
	v[4] = STORE_INT_V(attempt);
	v[5] = pump_value(json_object_get(rec, "number"));
	v[6] = STORE_TEXT_V(status);
	v[7] = STORE_INT_V(json_is_true(json_object_get(rec, "retry")));
	v[8] = STORE_TEXT_V(str_of(rec, "branch"));
	v[9] = STORE_TEXT_V(str_of(rec, "commit"));
	v[10] = STORE_TEXT_V(str_of(rec, "event"));
	v[11] = STORE_TEXT_V(str_of(rec, "started_at"));
	v[12] = STORE_TEXT_V(str_of(rec, "finished_at"));
	v[13] = STORE_TEXT_V(str_of(rec, "url"));
	v[14] = STORE_TEXT_V(job->now);
	job->rows++;
	if (!job->st)
		return 0;
	return store_exec(job->st, sql_build, v, 15, NULL, NULL);
}

static int on_job(struct pump_job *job, json_t *rec)
{
	const char *source, *build_id, *status = str_of(rec, "status");
	int64_t attempt;
	struct store_value v[9];

	if (ident("ci_job", rec, &source, &build_id, &attempt) < 0)
		return -1;
	if (!in_list(status, statuses) || !str_of(rec, "job_id") ||
	    !str_of(rec, "name"))
		return err_set("ci_job record of build '%s': 'job_id', "
			       "'name' and a valid 'status' are required",
			       build_id);
	v[0] = STORE_TEXT_V(str_of(rec, "job_id"));
	v[1] = STORE_TEXT_V(str_of(rec, "name"));
	v[2] = STORE_TEXT_V(status);
	v[3] = STORE_TEXT_V(str_of(rec, "started_at"));
	v[4] = STORE_TEXT_V(str_of(rec, "finished_at"));
	v[5] = STORE_TEXT_V(source);
	v[6] = STORE_TEXT_V(job->project);
	v[7] = STORE_TEXT_V(build_id);
	v[8] = STORE_INT_V(attempt);
	job->rows++;
	if (!job->st)
		return 0;
	return store_exec(job->st, sql_job, v, 9, NULL, NULL);
}

/* Looks up a build's start and URL (an artifact of a build not pending). */
static void build_info(struct pump_job *job, const char *source,
		       const char *build_id, int64_t attempt,
		       char started[TIMESTAMP_MAX], char **url)
{
	struct store_value v[4] = {
		STORE_TEXT_V(source), STORE_TEXT_V(job->project),
		STORE_TEXT_V(build_id), STORE_INT_V(attempt)};
	char u[2048];

	started[0] = '\0';
	*url = NULL;
	if (!job->st)
		return;
	store_query_text(job->st,
			 "SELECT started_at FROM ci_build WHERE source = ? AND "
			 "project = ? AND build_id = ? AND attempt = ?",
			 v, 4, started, TIMESTAMP_MAX);
	if (store_query_text(job->st,
			     "SELECT url FROM ci_build WHERE source = ? AND "
			     "project = ? AND build_id = ? AND attempt = ?",
			     v, 4, u, sizeof(u)) > 0 &&
	    u[0])
		*url = xstrdup(u);
}

static int on_artifact(struct pump_job *job, struct ci_state *s, json_t *rec)
{
	const char *source, *build_id;
	int64_t attempt;
	struct pending *p = &s->p;

	if (ident("ci_artifact", rec, &source, &build_id, &attempt) < 0)
		return -1;
	if (!p->source || strcmp(p->source, source) ||
	    strcmp(p->build_id, build_id) || p->attempt != attempt) {
		char started[TIMESTAMP_MAX], *url;

		if (flush(job, s) < 0)
			return -1;
		build_info(job, source, build_id, attempt, started, &url);
		pending_start(s, source, str_of(rec, "workflow"), build_id,
			      attempt, started[0] ? started : NULL, url);
		free(url);
	}
	if (gather_artifact(s, rec) < 0)
		log_warn("%s build %s attempt %lld: artifact '%s' skipped: %s",
			 source, build_id, (long long)attempt,
			 str_of(rec, "name") ? str_of(rec, "name") : "?",
			 err_msg());
	return 0;
}

static int ci_record(struct pump_job *job, const char *kind, json_t *rec)
{
	struct ci_state *s = job->state;

	if (!strcmp(kind, "ci_build"))
		return on_build(job, s, rec);
	if (!strcmp(kind, "ci_job"))
		return on_job(job, rec);
	if (!strcmp(kind, "ci_artifact"))
		return on_artifact(job, s, rec);
	return 0;
}

/* The cursor: the latest finished build, not past a running one. */
static void move_cursor(struct pump_job *job, struct ci_state *s)
{
	char c[TIMESTAMP_MAX];
	int64_t ms;

	if (!s->max_done[0])
		return;
	memcpy(c, s->max_done, sizeof(c));
	if (s->min_running[0] && strcmp(s->min_running, c) <= 0 &&
	    timestamp_parse(s->min_running, &ms) == 0)
		timestamp_format(ms - 1000, c);
	pump_cursor_max(job, c);
}

static int ci_finish(struct pump_job *job, int ok)
{
	struct ci_state *s = job->state;
	int rc = 0;

	if (ok)
		rc = flush(job, s);
	if (ok && rc == 0)
		move_cursor(job, s);
	pending_clear(&s->p);
	rmdir(s->dir);
	free(s->dir);
	free(s);
	job->state = NULL;
	return rc;
}

#define CI_BUILDS_SUMMARY                                                  \
	"CI builds per workflow and day with their status counts and the " \
	"results of the JUnit their artifacts hold"

const struct pump_report pump_ci_builds_github = {
	.name = "ci-builds",
	.source = "github",
	.summary = CI_BUILDS_SUMMARY,
	.begin = ci_begin,
	.record = ci_record,
	.finish = ci_finish,
};

const struct pump_report pump_ci_builds_taskcluster = {
	.name = "ci-builds",
	.source = "taskcluster",
	.summary = CI_BUILDS_SUMMARY,
	.begin = ci_begin,
	.record = ci_record,
	.finish = ci_finish,
};

const struct pump_report pump_ci_builds_bitrise = {
	.name = "ci-builds",
	.source = "bitrise",
	.summary = CI_BUILDS_SUMMARY,
	.begin = ci_begin,
	.record = ci_record,
	.finish = ci_finish,
};
