/*
 * overview.c - the first page: what the store holds, the latest pumps
 * (table pump_run) and the latest aggregations with their verdicts.
 */
#include "core/err.h"
#include "output/html.h"
#include "web/web.h"
#include "core/banned.h"

static void counts(struct buf *out, const json_t *row)
{
	static const char *const keys[] = {"jobs", "runs", "tests",
					   "aggregations", "pumps"};
	static const char *const labels[] = {"CI jobs", "job runs", "tests",
					     "aggregations", "pumps"};

	buf_adds(out, "<ul class=\"counts\">\n");
	for (size_t i = 0; i < 5; i++)
		buf_addf(out, "<li><b>%g</b> %s</li>\n", web_num(row, keys[i]),
			 labels[i]);
	buf_adds(out, "</ul>\n");
}

static void aggregations(const struct web_context *ctx, struct buf *out,
			 const json_t *rows)
{
	size_t i;
	const json_t *r;

	buf_adds(out, "<h2>Latest aggregations</h2>\n");
	if (!json_array_size(rows)) {
		web_empty(out, "No payload has been aggregated yet.",
			  "testpump aggregate --job J --payload P");
		return;
	}
	buf_adds(out, "<table class=\"data\" data-sort data-filter>\n<thead>"
		      "<tr><th>aggregated at</th><th>job</th><th>payload</th>"
		      "<th>verdict</th><th>runs</th><th>tests</th>"
		      "<th>failed</th><th>blocking</th><th>skipped</th></tr>"
		      "</thead>\n<tbody>\n");
	json_array_foreach (rows, i, r) {
		buf_adds(out, "<tr>");
		html_element(out, "td", web_str(r, "aggregated_at"));
		html_element(out, "td", web_str(r, "job"));
		buf_adds(out, "<td><a href=\"");
		web_href(ctx, out, "/aggregation", "job", web_str(r, "job"),
			 "payload", web_str(r, "payload"));
		buf_adds(out, "\">");
		html_escape(out, web_str(r, "payload"));
		buf_adds(out, "</a></td><td class=\"verdict-");
		html_attr(out, web_str(r, "verdict"));
		buf_adds(out, "\">");
		html_escape(out, web_str(r, "verdict"));
		buf_adds(out, "</td>");
		web_cell(out, json_object_get(r, "runs"));
		web_cell(out, json_object_get(r, "tests"));
		web_cell(out, json_object_get(r, "failed"));
		web_cell(out, json_object_get(r, "blocking_failures"));
		web_cell(out, json_object_get(r, "skipped"));
		buf_adds(out, "</tr>\n");
	}
	buf_adds(out, "</tbody>\n</table>\n");
}

static void pumps(const struct web_context *ctx, struct buf *out,
		  const json_t *rows)
{
	static const char *const cols[] = {
		"started_at",  "source", "project",
		"report_type", "status", "rows_written",
		"finished_at", "error",	 NULL};

	buf_adds(out, "<h2>Latest pumps</h2>\n");
	if (!json_array_size(rows)) {
		web_empty(out, "Nothing has been pumped yet.",
			  "testpump pump --project ALL --report-type ALL");
		return;
	}
	web_table(ctx, out, rows, cols, NULL);
}

int page_overview(const struct web_context *ctx, const struct web_args *args,
		  struct buf *out)
{
	json_t *c = NULL, *a = NULL, *p = NULL;

	(void)args;
	page_begin(ctx, out, &web_pages[0], "Overview");
	if (web_query(ctx, "counts", NULL, 0, &c) < 0) {
		web_error(out, "The store cannot be read", err_msg());
		web_empty(out, "There is no data yet.",
			  "testpump db init, then testpump ingest junit or "
			  "testpump pump");
		page_end(out);
		return 200;
	}
	counts(out, json_array_get(c, 0));
	if (web_query(ctx, "aggregations", NULL, 0, &a) < 0 ||
	    web_query(ctx, "pumps", NULL, 0, &p) < 0) {
		json_decref(c);
		json_decref(a);
		return -1;
	}
	aggregations(ctx, out, a);
	pumps(ctx, out, p);
	page_end(out);
	json_decref(c);
	json_decref(a);
	json_decref(p);
	return 200;
}
