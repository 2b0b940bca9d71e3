/*
 * pump_issues.c - what issue-regression writes, from Bugzilla and from
 * GitHub: every "issue" record is upserted into issue on (source,
 * issue_id) and linked to the project (issue_project); the cursor moves
 * to the largest changed_at seen, so the next pull asks only for what
 * changed since.  The counts per week are the view report_issue_regression.
 */
#include <stdio.h>
#include <string.h>

#include "commands/pump.h"
#include "core/err.h"
#include "core/banned.h"

static const char sql_issue[] =
	"INSERT INTO issue (source, issue_id, product, component, title, "
	"keywords, regression, status, resolution, created_at, resolved_at, "
	"changed_at, url, updated_at) "
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	"ON CONFLICT (source, issue_id) DO UPDATE SET "
	"product = excluded.product, component = excluded.component, "
	"title = excluded.title, keywords = excluded.keywords, "
	"regression = excluded.regression, status = excluded.status, "
	"resolution = excluded.resolution, created_at = excluded.created_at, "
	"resolved_at = excluded.resolved_at, changed_at = excluded.changed_at, "
	"url = excluded.url, updated_at = excluded.updated_at";

static const char sql_link[] =
	"INSERT INTO issue_project (project, source, issue_id) "
	"VALUES (?, ?, ?) ON CONFLICT (project, source, issue_id) DO NOTHING";

static int issues_begin(struct pump_job *job)
{
	job->state = NULL;
	return 0;
}

/* A text member, "" when absent. */
static const char *text_or_empty(json_t *rec, const char *key)
{
	const char *s = json_string_value(json_object_get(rec, key));

	return s ? s : "";
}

static int issues_record(struct pump_job *job, const char *kind, json_t *rec)
{
	const char *source = json_string_value(json_object_get(rec, "source"));
	const char *id = json_string_value(json_object_get(rec, "issue_id"));
	const char *created =
		json_string_value(json_object_get(rec, "created_at"));
	const char *changed =
		json_string_value(json_object_get(rec, "changed_at"));
	struct store_value v[14], l[3];

	if (strcmp(kind, "issue"))
		return 0;
	if (!source || !id || !created)
		return err_set("issue '%s' of %s has no %s", id ? id : "?",
			       source ? source : "an unknown source",
			       !source ? "source"
			       : !id   ? "id"
				       : "created_at");
	v[0] = STORE_TEXT_V(source);
	v[1] = STORE_TEXT_V(id);
	v[2] = STORE_TEXT_V(text_or_empty(rec, "product"));
	v[3] = STORE_TEXT_V(text_or_empty(rec, "component"));
	v[4] = STORE_TEXT_V(text_or_empty(rec, "title"));
	v[5] = STORE_TEXT_V(text_or_empty(rec, "keywords"));
	v[6] = STORE_INT_V(json_is_true(json_object_get(rec, "regression")));
	v[7] = STORE_TEXT_V(text_or_empty(rec, "status"));
	v[8] = pump_value(json_object_get(rec, "resolution"));
	v[9] = STORE_TEXT_V(created);
	v[10] = pump_value(json_object_get(rec, "resolved_at"));
	v[11] = STORE_TEXT_V(changed ? changed : created);
	v[12] = pump_value(json_object_get(rec, "url"));
	v[13] = STORE_TEXT_V(job->now);
	l[0] = STORE_TEXT_V(job->project);
	l[1] = v[0];
	l[2] = v[1];
	pump_cursor_max(job, changed ? changed : created);
	job->rows++;
	if (!job->st)
		return 0;
	if (store_exec(job->st, sql_issue, v, 14, NULL, NULL) < 0 ||
	    store_exec(job->st, sql_link, l, 3, NULL, NULL) < 0)
		return err_prefix("issue '%s' of %s", id, source);
	return 0;
}

static int issues_finish(struct pump_job *job, int ok)
{
	(void)job;
	(void)ok;
	return 0;
}

const struct pump_report pump_issue_regression_bugzilla = {
	.name = "issue-regression",
	.source = "bugzilla",
	.summary = "Bugzilla bugs with the regression keyword",
	.begin = issues_begin,
	.record = issues_record,
	.finish = issues_finish,
};

const struct pump_report pump_issue_regression_github = {
	.name = "issue-regression",
	.source = "github",
	.summary = "GitHub issues with the project's labels",
	.begin = issues_begin,
	.record = issues_record,
	.finish = issues_finish,
};
