/*
 * regressions.c - the pages of two computed reports: issue regressions
 * (lines by component per week, report issue-regression) and flaky tests
 * (report flaky).  Their rows are shown as the report gives them; when
 * this testpump has no such report, or it is empty, the page says which
 * command fills it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "output/html.h"
#include "output/svg.h"
#include "web/web.h"
#include "core/banned.h"

/* Whether `report` accepts name (a report another build may lack). */
static int report_known(const char *name)
{
	const struct command *cmd = commands_find("report");
	const struct opt_spec *spec = cmd ? command_option(cmd, "name") : NULL;

	for (size_t i = 0; spec && spec->choices && spec->choices[i]; i++)
		if (!strcmp(spec->choices[i], name))
			return 1;
	return 0;
}

/* Runs `report name`; NULL after writing why (and what fills it). */
static json_t *rows_of(const struct web_context *ctx, struct buf *out,
		       const char *name, const char *fill)
{
	json_t *resp = NULL, *rows = NULL;
	int rc = web_command(ctx, "report", json_pack("{s:s}", "name", name),
			     &resp);

	if (rc == 0 && resp)
		rows = json_incref(json_object_get(resp, "rows"));
	else if (!report_known(name))
		web_error(out, "This testpump has no such report", name);
	else
		web_error(out, "The report cannot be read", err_msg());
	json_decref(resp);
	if (!json_array_size(rows)) {
		struct buf what = BUF_INIT;

		buf_addf(&what, "The report '%s' has no rows.", name);
		web_empty(out, what.data, fill);
		buf_release(&what);
		json_decref(rows);
		return NULL;
	}
	return rows;
}

/* Every key of the first row, in order; a NULL-ended array to free(). */
static const char **columns(const json_t *rows)
{
	const json_t *first = json_array_get(rows, 0);
	const char **cols = xcalloc(json_object_size(first) + 1, sizeof(*cols));
	const char *key;
	const json_t *v;
	size_t n = 0;

	json_object_foreach ((json_t *)first, key, v)
		cols[n++] = key;
	return cols;
}

static const char *first_key(const json_t *row, const char *const *keys)
{
	for (size_t i = 0; keys[i]; i++)
		if (json_object_get(row, keys[i]))
			return keys[i];
	return NULL;
}

/* The Monday of the week of "YYYY-MM-DD..." as "YYYY-MM-DD", or s. */
static void week_of(const char *s, char out[11])
{
	long days;

	if (web_day_number(s, &days) < 0) {
		snprintf(out, 11, "%s", s);
		return;
	}
	days -= ((days % 7) + 10) % 7; /* 1970-01-01 was a Thursday */
	web_day_format(days, out);
}

/*
 * rows with "_week", the Monday of their time column, keeping the last
 * `last` weeks before the newest; NULL if the rows have no time.
 */
static json_t *by_week(const json_t *rows, long last)
{
	static const char *const time_keys[] = {
		"week", "date", "created_on", "created", "created_at", NULL};
	const char *tk = first_key(json_array_get(rows, 0), time_keys);
	json_t *weeks;
	size_t i;
	const json_t *r;
	long newest = -1, day;
	char w[11];

	if (!tk)
		return NULL;
	json_array_foreach (rows, i, r)
		if (web_day_number(web_str(r, tk), &day) == 0 && day > newest)
			newest = day;
	weeks = json_array();
	json_array_foreach (rows, i, r) {
		json_t *copy;

		if (newest >= 0 && web_day_number(web_str(r, tk), &day) == 0 &&
		    day <= newest - last * 7)
			continue;
		copy = json_copy((json_t *)r);
		week_of(web_str(r, tk), w);
		json_object_set_new(copy, "_week", json_string(w));
		json_array_append_new(weeks, copy);
	}
	return weeks;
}

/* Lines of value key (NULL: row counts) per week by component. */
static void regression_chart(struct buf *out, const json_t *weeks,
			     const char *project, const char *key,
			     const char *what, size_t index)
{
	const json_t *first = json_array_get(weeks, 0);
	struct buf title = BUF_INIT;
	struct web_pivot p;
	char id[32];

	web_pivot(&p, weeks, "_week", 10,
		  json_object_get(first, "component") ? "component" : NULL,
		  "issues", key, project ? "project" : NULL, project);
	snprintf(id, sizeof(id), "regressions-%zu", index);
	buf_addf(&title, "Issue regressions %s per week", what);
	if (project && *project)
		buf_addf(&title, ", %s", project);
	buf_adds(&title, ", by component");
	svg_lines(out, &(struct svg_chart){
			       .id = id,
			       .title = title.data,
			       .x_label = "week (its Monday, UTC)",
			       .y_label = "issues",
			       .x = (const char *const *)p.x,
			       .nx = p.nx,
			       .series = p.svg,
			       .nseries = p.nseries,
		       });
	buf_release(&title);
	web_pivot_release(&p);
}

/* One chart per project for opened and one for resolved issues. */
static void regression_charts(struct buf *out, const json_t *rows, long last)
{
	static const char *const count_keys[] = {"count", "regressions", "bugs",
						 "issues", NULL};
	const json_t *first = json_array_get(rows, 0);
	json_t *weeks = by_week(rows, last);
	int has_project = json_object_get(first, "project") != NULL;
	char **projects = has_project ? web_distinct(rows, "project") : NULL;
	size_t n = 0;

	if (!weeks)
		return;
	for (size_t i = 0; !i || (projects && projects[i]); i++) {
		const char *project = projects ? projects[i] : NULL;

		if (projects && !projects[i])
			break;
		html_element(out, "h2", project ? project : "All projects");
		if (json_object_get(first, "opened")) {
			regression_chart(out, weeks, project, "opened",
					 "opened", n++);
			if (json_object_get(first, "resolved"))
				regression_chart(out, weeks, project,
						 "resolved", "resolved", n++);
		} else {
			regression_chart(out, weeks, project,
					 first_key(first, count_keys), "", n++);
		}
	}
	web_strv_free(projects);
	json_decref(weeks);
}

int page_regressions(const struct web_context *ctx, const struct web_args *args,
		     struct buf *out)
{
	const char *arg = web_arg(args, "weeks");
	long weeks = arg ? strtol(arg, NULL, 10) : 26;
	json_t *rows;
	const char **cols;

	if (weeks < 1 || weeks > 1040)
		weeks = 26;
	page_begin(ctx, out, web_page_find("/regressions"),
		   "Issue regressions");
	rows = rows_of(ctx, out, "issue-regression",
		       "testpump pump --project ALL --report-type "
		       "issue-regression");
	if (rows) {
		buf_addf(out,
			 "<p>The last %ld weeks (<code>?weeks=N</code> "
			 "shows more); the table lists every week.</p>\n",
			 weeks);
		regression_charts(out, rows, weeks);
		cols = columns(rows);
		buf_adds(out, "<h2>Issues by week</h2>\n");
		web_table(ctx, out, rows, cols, NULL);
		free(cols);
		json_decref(rows);
	}
	page_end(out);
	return 200;
}

int page_flaky(const struct web_context *ctx, const struct web_args *args,
	       struct buf *out)
{
	static const char *const name_keys[] = {"test", "name", NULL};
	json_t *rows;
	const char **cols;

	(void)args;
	page_begin(ctx, out, web_page_find("/flaky"), "Flaky tests");
	rows = rows_of(ctx, out, "flaky",
		       "testpump ingest junit PATH --job J --run-id R (for "
		       "several runs), then testpump report flaky");
	if (rows) {
		cols = columns(rows);
		web_table(ctx, out, rows, cols,
			  first_key(json_array_get(rows, 0), name_keys));
		free(cols);
		json_decref(rows);
	}
	page_end(out);
	return 200;
}
