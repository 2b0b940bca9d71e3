/*
 * taskcluster.c - the Taskcluster connector (peers.md 5.4), report type
 * ci-builds.
 *
 * The project's taskcluster_index names an index namespace whose indexed
 * tasks are decision tasks, one per push (listTasks, paged with
 * continuationToken).  Each one's status names its task group, which is
 * listed (paged likewise); every run of every task in it is one build
 * attempt: a "ci_build" record (workflow = the task's name, build_id = the
 * task id, attempt = runId + 1), then a "ci_artifact" record for each
 * artifact of a finished run that looks like test results, downloaded
 * through the queue's redirect to storage.
 *
 * Status, as Treeherder reads it: completed is success, failed is
 * failure, an exception resolved as canceled or superseded is that (not a
 * failure), any other exception is error (the infrastructure broke),
 * unscheduled, pending and running are running.  A run created with
 * reasonCreated "retry" or "task-retry" is an automatic retry and is
 * recorded so (retry true); runs created for an "exception" are left out,
 * as Treeherder does.  Runs scheduled before q->since_ms are left out.
 *
 * Credentials: TASKCLUSTER_CLIENT_ID and TASKCLUSTER_ACCESS_TOKEN are NOT
 * used (Hawk signing is not implemented): only public endpoints are read,
 * which covers Firefox CI's index, queue and public/ artifacts.
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

/* Items asked per page (Taskcluster's maximum is 1000). */
#define TC_LIMIT 1000

static const char *const tc_reports[] = {"ci-builds", NULL};

struct source {
	struct ci_conn c;
	char *root; /* the root URL, for the task pages people open */
};

/* What one pull carries. */
struct tc_pull {
	struct source *src;
	const struct source_query *q;
	const struct source_sink *sink;
	json_t *groups_seen; /* group id -> true */
	struct buf body;     /* an artifact's bytes */
};

/*
 * Calls fn for every item of the list `key` at path, following
 * continuationToken until a page comes without one.
 */
static int each_page(struct tc_pull *p, const char *path, const char *key,
		     int (*fn)(struct tc_pull *p, json_t *item, void *arg),
		     void *arg)
{
	char *token = NULL;
	int rc = 0;

	do {
		char *esc = token ? ci_escape(token) : NULL;
		char *url = xasprintf("%s%slimit=%d%s%s", path,
				      strchr(path, '?') ? "&" : "?", TC_LIMIT,
				      esc ? "&continuationToken=" : "",
				      esc ? esc : "");
		json_t *page, *items, *item;
		size_t i;

		free(esc);
		free(token);
		token = NULL;
		rc = ci_get_json(&p->src->c, url, &page);
		if (rc == 0) {
			items = json_object_get(page, key);
			if (!json_is_array(items))
				rc = err_set("'%s': malformed response: no "
					     "'%s' array",
					     url, key);
			json_array_foreach (items, i, item) {
				if (rc == 0)
					rc = fn(p, item, arg);
			}
			if (rc == 0 && ci_str(page, "continuationToken"))
				token = xstrdup(
					ci_str(page, "continuationToken"));
			json_decref(page);
		}
		free(url);
	} while (rc == 0 && token);
	free(token);
	return rc;
}

/* A run's state as the CI record's status. */
static const char *run_status(const json_t *run)
{
	const char *state = ci_str(run, "state");
	const char *why = ci_str(run, "reasonResolved");

	if (!state)
		return "running";
	if (!strcmp(state, "completed"))
		return "success";
	if (!strcmp(state, "failed"))
		return "failure";
	if (!strcmp(state, "exception")) {
		if (why && !strcmp(why, "canceled"))
			return "canceled";
		if (why && !strcmp(why, "superseded"))
			return "superseded";
		return "error";
	}
	return "running";
}

/* The value of the first env member whose name ends with one of ends. */
static json_t *env_value(const json_t *env, const char *const *ends)
{
	const char *key;
	json_t *v;

	json_object_foreach ((json_t *)env, key, v) {
		size_t n = strlen(key);

		for (size_t i = 0; ends[i]; i++) {
			size_t m = strlen(ends[i]);

			if (n > m && !strcmp(key + n - m, ends[i]) &&
			    json_is_string(v))
				return json_string(json_string_value(v));
		}
	}
	return json_null();
}

/* What an artifact list's items are handed with. */
struct run_ref {
	const char *task_id, *workflow;
	int64_t run_id;
};

static int on_artifact(struct tc_pull *p, json_t *a, void *arg)
{
	struct run_ref *r = arg;
	const char *name = ci_str(a, "name");
	const char *type = ci_str(a, "storageType");
	char *esc, *url;
	int rc;

	if (!name || !ci_results_name(name) || (type && !strcmp(type, "error")))
		return 0;
	esc = ci_escape(name);
	url = xasprintf("%s/api/queue/v1/task/%s/runs/%lld/artifacts/%s",
			p->src->c.base, r->task_id, (long long)r->run_id, esc);
	free(esc);
	rc = ci_download(&p->src->c, p->src->c.dl, url, &p->body);
	free(url);
	if (rc < 0) {
		log_warn("taskcluster: task %s run %lld: artifact '%s' "
			 "skipped: %s",
			 r->task_id, (long long)r->run_id, name, err_msg());
		return 0;
	}
	return ci_emit_artifact(p->sink, "taskcluster", r->workflow, r->task_id,
				r->run_id + 1, name, &p->body);
}

/* One run of a task: its ci_build record, then its artifacts. */
static int on_run(struct tc_pull *p, const json_t *task, const char *tid,
		  const json_t *run)
{
	static const char *const rev[] = {"_HEAD_REV", NULL};
	static const char *const ref[] = {"_HEAD_REF", "_HEAD_BRANCH", NULL};
	const char *created = ci_str(run, "reasonCreated");
	const char *name = ci_str(json_object_get(task, "metadata"), "name");
	const json_t *env =
		json_object_get(json_object_get(task, "payload"), "env");
	json_t *sched = ci_time(ci_str(run, "scheduled"));
	struct run_ref r = {tid, name ? name : "(unnamed task)",
			    json_integer_value(json_object_get(run, "runId"))};
	const char *status = run_status(run);
	const char *event = ci_str(json_object_get(task, "extra"), "tasks_for");
	int retry = created && (!strcmp(created, "retry") ||
				!strcmp(created, "task-retry"));
	int64_t ms = 0;
	char *url, *path;
	int rc;

	if ((created && !strcmp(created, "exception")) ||
	    (json_is_string(sched) &&
	     timestamp_parse(json_string_value(sched), &ms) == 0 &&
	     ms < p->q->since_ms)) {
		json_decref(sched);
		return 0;
	}
	json_decref(sched);
	url = xasprintf("%s/tasks/%s/runs/%lld", p->src->root, tid,
			(long long)r.run_id);
	rc = ci_emit(
		p->sink, "ci_build",
		json_pack("{s:s, s:s, s:s, s:I, s:n, s:s, s:o, s:o, s:s?, s:o, "
			  "s:o, s:s, s:b}",
			  "source", "taskcluster", "workflow", r.workflow,
			  "build_id", tid, "attempt", (json_int_t)r.run_id + 1,
			  "number", "status", status, "branch",
			  env_value(env, ref), "commit", env_value(env, rev),
			  "event", event, "started_at",
			  ci_time(ci_str(run, "started")), "finished_at",
			  ci_time(ci_str(run, "resolved")), "url", url, "retry",
			  retry));
	free(url);
	if (rc < 0 || !strcmp(status, "running"))
		return rc;
	path = xasprintf("/api/queue/v1/task/%s/runs/%lld/artifacts", tid,
			 (long long)r.run_id);
	rc = each_page(p, path, "artifacts", on_artifact, &r);
	free(path);
	return rc;
}

static int on_group_task(struct tc_pull *p, json_t *item, void *arg)
{
	const json_t *task = json_object_get(item, "task");
	const json_t *status = json_object_get(item, "status");
	const char *tid = ci_str(status, "taskId");
	const json_t *run;
	size_t i;

	(void)arg;
	if (!tid)
		return err_set("taskcluster: a task of a group has no "
			       "status.taskId");
	json_array_foreach (json_object_get(status, "runs"), i, run)
		if (on_run(p, task, tid, run) < 0)
			return -1;
	return 0;
}

/* An indexed (decision) task: its group, once. */
static int on_indexed(struct tc_pull *p, json_t *entry, void *arg)
{
	const char *tid = ci_str(entry, "taskId");
	const char *gid;
	json_t *st;
	char *path;
	int rc;

	(void)arg;
	if (!tid)
		return err_set("taskcluster: an index entry has no taskId");
	path = xasprintf("/api/queue/v1/task/%s/status", tid);
	rc = ci_get_json(&p->src->c, path, &st);
	free(path);
	if (rc < 0)
		return -1;
	gid = ci_str(json_object_get(st, "status"), "taskGroupId");
	if (!gid)
		gid = tid;
	if (!json_object_get(p->groups_seen, gid)) {
		json_object_set_new(p->groups_seen, gid, json_true());
		path = xasprintf("/api/queue/v1/task-group/%s/list", gid);
		rc = each_page(p, path, "tasks", on_group_task, NULL);
		free(path);
	}
	json_decref(st);
	return rc;
}

static int tc_pull(struct source *src, const struct source_query *q,
		   const struct source_sink *sink)
{
	struct tc_pull p = {src, q, sink, json_object(), BUF_INIT};
	const char *ns = q->config ? q->config->taskcluster_index : NULL;
	char *path;
	int rc;

	if (strcmp(q->report_type, "ci-builds")) {
		rc = err_set("taskcluster cannot pull report type '%s'",
			     q->report_type);
	} else if (!ns) {
		rc = err_set("project '%s' has no taskcluster_index",
			     q->project);
	} else {
		path = xasprintf("/api/index/v1/tasks/%s", ns);
		rc = each_page(&p, path, "tasks", on_indexed, NULL);
		free(path);
	}
	json_decref(p.groups_seen);
	buf_release(&p.body);
	return rc;
}

static int tc_open(struct source **out, const struct source_config *cfg)
{
	struct source *src = xcalloc(1, sizeof(*src));
	const char *root =
		cfg->base_url ? cfg->base_url : ci_env("TASKCLUSTER_ROOT_URL");

	if (!cfg->faux && !cfg->transport && !root) {
		free(src);
		return err_set("TASKCLUSTER_ROOT_URL is not set (the "
			       "Taskcluster root URL, "
			       "https://firefox-ci-tc.services.mozilla.com)");
	}
	if (ci_env("TASKCLUSTER_CLIENT_ID") && !cfg->faux && !cfg->transport)
		log_info("taskcluster: client credentials are not used (no "
			 "Hawk signing); reading public endpoints only");
	if (ci_open(&src->c, cfg, root ? root : FAUX_BASE_URL, "", NULL) < 0) {
		free(src);
		return -1;
	}
	src->root = xstrdup(src->c.base);
	*out = src;
	return 0;
}

static void tc_close(struct source *src)
{
	if (!src)
		return;
	ci_close(&src->c);
	free(src->root);
	free(src);
}

static int tc_configured(const struct config_project *p)
{
	return p->taskcluster_index != NULL;
}

const struct source_ops source_taskcluster = {
	.name = "taskcluster",
	.summary = "Taskcluster index, task groups, task runs and their "
		   "JUnit artifacts",
	.report_types = tc_reports,
	.open = tc_open,
	.pull = tc_pull,
	.close = tc_close,
	.configured = tc_configured,
};
