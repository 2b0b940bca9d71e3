/*
 * web.c - the page table, the frame every page shares, and the helpers
 * of web.h.
 */
#include "web/web.h"

#include <string.h>

#include "commands/commands.h"
#include "core/err.h"
#include "output/html.h"
#include "core/banned.h"

const struct web_page web_pages[] = {
	{"/", "index.html", "Overview", page_overview},
	{"/coverage", "coverage.html", "Test-case coverage", page_coverage},
	{"/runs", "runs.html", "Test runs", page_runs},
	{"/regressions", "regressions.html", "Issue regressions",
	 page_regressions},
	{"/aggregation", "aggregation.html", "Payload aggregation",
	 page_aggregation},
	{"/history", "history.html", "Test history", page_history},
	{"/flaky", "flaky.html", "Flaky tests", page_flaky},
	{"/comparisons", "comparisons.html", "Historical comparisons",
	 page_comparisons},
	{NULL, NULL, NULL, NULL},
};

const char *web_arg(const struct web_args *args, const char *key)
{
	for (size_t i = 0; args && i < args->n && i < WEB_ARGS_MAX; i++)
		if (args->keys[i] && !strcmp(args->keys[i], key))
			return args->values[i];
	return NULL;
}

const struct web_page *web_page_find(const char *path)
{
	for (size_t i = 0; web_pages[i].path; i++)
		if (!strcmp(web_pages[i].path, path))
			return &web_pages[i];
	return NULL;
}

const struct web_asset *web_asset_find(const char *path)
{
	for (size_t i = 0; web_assets[i].path; i++)
		if (!strcmp(web_assets[i].path, path))
			return &web_assets[i];
	return NULL;
}

void web_href(const struct web_context *ctx, struct buf *out, const char *path,
	      const char *k1, const char *v1, const char *k2, const char *v2)
{
	const struct web_page *p = web_page_find(path);
	int first = 1;

	if (ctx->exported) {
		html_attr(out, p ? p->file : "index.html");
		return;
	}
	html_attr(out, !strcmp(path, "/") ? "./" : path + 1);
	for (int i = 0; i < 2; i++) {
		const char *k = i ? k2 : k1, *v = i ? v2 : v1;
		struct buf enc = BUF_INIT;

		if (!k || !v)
			continue;
		buf_adds(out, first ? "?" : "&amp;");
		first = 0;
		html_attr(out, k);
		buf_addch(out, '=');
		html_url_encode(&enc, v);
		html_attr(out, enc.data);
		buf_release(&enc);
	}
}

void page_begin(const struct web_context *ctx, struct buf *out,
		const struct web_page *page, const char *title)
{
	buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		      "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
		      "content=\"width=device-width, initial-scale=1\">\n"
		      "<title>");
	html_escape(out, title);
	buf_adds(out, " \xC2\xB7 testpump</title>\n<link rel=\"stylesheet\" "
		      "href=\"static/style.css\">\n<link rel=\"icon\" "
		      "href=\"static/favicon.svg\">\n<script "
		      "src=\"static/app.js\" defer></script>\n</head>\n<body>\n"
		      "<nav aria-label=\"pages\"><span class=\"brand\">"
		      "testpump</span>\n");
	for (size_t i = 0; web_pages[i].path; i++) {
		buf_adds(out, "<a href=\"");
		web_href(ctx, out, web_pages[i].path, NULL, NULL, NULL, NULL);
		buf_adds(out, "\"");
		if (&web_pages[i] == page)
			buf_adds(out, " aria-current=\"page\"");
		buf_adds(out, ">");
		html_escape(out, web_pages[i].title);
		buf_adds(out, "</a>\n");
	}
	buf_adds(out, "</nav>\n<main>\n");
	html_element(out, "h1", title);
	buf_adds(out, "\n");
}

void page_end(struct buf *out)
{
	buf_adds(out, "</main>\n<footer>testpump: test operations "
		      "dashboard</footer>\n</body>\n</html>\n");
}

void web_empty(struct buf *out, const char *what, const char *command)
{
	buf_adds(out, "<p class=\"empty\">");
	html_escape(out, what);
	buf_adds(out, " Run <code>");
	html_escape(out, command);
	buf_adds(out, "</code> to fill this page.</p>\n");
}

void web_error(struct buf *out, const char *what, const char *message)
{
	buf_adds(out, "<p class=\"error\">");
	html_escape(out, what);
	buf_adds(out, ": ");
	html_escape(out, message);
	buf_adds(out, "</p>\n");
}

int web_command(const struct web_context *ctx, const char *name,
		json_t *options, json_t **resp)
{
	const struct command *cmd = commands_find(name);
	int rc;

	*resp = NULL;
	if (!cmd) {
		json_decref(options);
		err_set("unknown command '%s'", name);
		return API_EXIT_ERROR;
	}
	rc = api_route(cmd, CALL_EXECUTE, options, ctx->env, resp);
	json_decref(options);
	return rc;
}

const char *web_str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

double web_num(const json_t *obj, const char *key)
{
	return json_number_value(json_object_get(obj, key));
}

void web_cell(struct buf *out, const json_t *v)
{
	if (json_is_number(v)) {
		buf_addf(out, "<td class=\"num\">%g</td>",
			 json_number_value(v));
		return;
	}
	buf_adds(out, "<td>");
	if (json_is_string(v))
		html_escape(out, json_string_value(v));
	else if (json_is_true(v) || json_is_false(v))
		buf_adds(out, json_is_true(v) ? "yes" : "no");
	buf_adds(out, "</td>");
}

void web_table(const struct web_context *ctx, struct buf *out,
	       const json_t *rows, const char *const *cols,
	       const char *link_key)
{
	size_t i;
	const json_t *row;

	buf_adds(out, "<div class=\"scroll\">\n<table class=\"data\" "
		      "data-sort data-filter>\n<thead><tr>");
	for (size_t c = 0; cols[c]; c++)
		html_element(out, "th", cols[c]);
	buf_adds(out, "</tr></thead>\n<tbody>\n");
	json_array_foreach (rows, i, row) {
		buf_adds(out, "<tr>");
		for (size_t c = 0; cols[c]; c++) {
			const json_t *v = json_object_get(row, cols[c]);

			if (link_key && !strcmp(cols[c], link_key) &&
			    json_is_string(v)) {
				buf_adds(out, "<td><a href=\"");
				web_href(ctx, out, "/history", "test",
					 json_string_value(v), NULL, NULL);
				buf_adds(out, "\">");
				html_escape(out, json_string_value(v));
				buf_adds(out, "</a></td>");
			} else {
				web_cell(out, v);
			}
		}
		buf_adds(out, "</tr>\n");
	}
	buf_adds(out, "</tbody>\n</table>\n</div>\n");
}
