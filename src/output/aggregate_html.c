/*
 * aggregate_html.c - the HTML summary page of an aggregation.
 */
#include "output/aggregate_html.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "output/junit_xml.h"
#include "core/banned.h"

static const char style[] =
	"body{font-family:sans-serif;margin:1.5em;color:#222}"
	"table{border-collapse:collapse;margin:.5em 0 1.5em}"
	"td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;"
	"vertical-align:top}"
	"th{background:#f3f3f3}"
	".failed{color:#b00020;font-weight:bold}"
	".passed{color:#1b5e20}"
	".skipped{color:#666}"
	".informing{color:#8a6d00}"
	"pre{white-space:pre-wrap;margin:0;font-size:.9em}"
	".run{display:inline-block;margin:0 .3em .2em 0}";

static const char *str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

static void text(struct buf *out, const char *s)
{
	output_xml_escape(out, s);
}

/* A link to the run when its URL is known, else its id. */
static void run_ref(struct buf *out, const json_t *run, const char *id)
{
	const char *url =
		run ? json_string_value(json_object_get(run, "url")) : NULL;

	if (url &&
	    (!strncmp(url, "https://", 8) || !strncmp(url, "http://", 7))) {
		buf_adds(out, "<a href=\"");
		text(out, url);
		buf_adds(out, "\">");
		text(out, id);
		buf_adds(out, "</a>");
	} else {
		text(out, id);
	}
}

static void header(struct buf *out, const json_t *resp)
{
	const char *verdict = str(resp, "verdict");
	const json_t *sum = json_object_get(resp, "summary");

	buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		      "<meta charset=\"utf-8\">\n<title>Aggregation of ");
	text(out, str(resp, "job"));
	buf_adds(out, " on ");
	text(out, str(resp, "payload"));
	buf_addf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n", style);
	buf_adds(out, "<h1>Aggregation: <span class=\"");
	text(out, verdict);
	buf_adds(out, "\">");
	text(out, verdict);
	buf_adds(out, "</span></h1>\n<p>Job <b>");
	text(out, str(resp, "job"));
	buf_adds(out, "</b>, payload <b>");
	text(out, str(resp, "payload"));
	buf_addf(out,
		 "</b>: %lld tests, %lld failed (%lld blocking), %lld "
		 "skipped, over %zu runs.</p>\n",
		 (long long)json_integer_value(json_object_get(sum, "tests")),
		 (long long)json_integer_value(json_object_get(sum, "failed")),
		 (long long)json_integer_value(
			 json_object_get(sum, "blocking_failures")),
		 (long long)json_integer_value(json_object_get(sum, "skipped")),
		 json_array_size(json_object_get(resp, "runs")));
}

static void runs_table(struct buf *out, const json_t *runs)
{
	size_t i;
	const json_t *r;

	buf_adds(out, "<h2>Runs</h2>\n<table>\n<tr><th>run</th><th>status"
		      "</th><th>started</th></tr>\n");
	json_array_foreach (runs, i, r) {
		buf_adds(out, "<tr><td>");
		run_ref(out, r, str(r, "run_id"));
		buf_adds(out, "</td><td>");
		text(out, str(r, "status"));
		buf_adds(out, "</td><td>");
		text(out, str(r, "started_at"));
		buf_adds(out, "</td></tr>\n");
	}
	buf_adds(out, "</table>\n");
}

struct page {
	struct buf *out;
	const json_t *runs; /* "results" letters refer to them by position */
};

/* The runs whose letter in t's results is mark. */
static void run_list(struct page *p, const json_t *t, char mark,
		     const char *label)
{
	const char *results = str(t, "results");
	int any = 0;

	for (size_t i = 0; results[i]; i++) {
		const json_t *run = json_array_get(p->runs, i);

		if (results[i] != mark || !run)
			continue;
		if (!any++)
			buf_addf(p->out, "<div>%s: ", label);
		buf_adds(p->out, "<span class=\"run\">");
		run_ref(p->out, run, str(run, "run_id"));
		buf_adds(p->out, "</span>");
	}
	if (any)
		buf_adds(p->out, "</div>");
}

static void num_cell(struct buf *out, const json_t *t, const char *key)
{
	const json_t *v = json_object_get(t, key);

	if (json_is_integer(v))
		buf_addf(out, "<td>%lld</td>",
			 (long long)json_integer_value(v));
	else
		buf_adds(out, "<td></td>");
}

static void test_row(struct page *p, const json_t *t)
{
	struct buf *out = p->out;
	const char *verdict = str(t, "verdict");
	int informing = json_is_true(json_object_get(t, "informing"));

	buf_adds(out, "<tr><td class=\"");
	text(out, verdict);
	buf_adds(out, "\">");
	text(out, verdict);
	if (informing)
		buf_adds(out, " <span class=\"informing\">(informing)</span>");
	buf_adds(out, "</td><td>");
	text(out, str(t, "suite"));
	buf_adds(out, "</td><td>");
	text(out, str(t, "name"));
	buf_adds(out, "</td>");
	num_cell(out, t, "passes");
	num_cell(out, t, "failures");
	num_cell(out, t, "history_pct");
	num_cell(out, t, "required_passes");
	buf_adds(out, "<td><pre>");
	text(out, str(t, "explanation"));
	buf_adds(out, "</pre>");
	run_list(p, t, 'f', "failed in");
	run_list(p, t, 'k', "flaked in");
	run_list(p, t, 's', "skipped in");
	buf_adds(out, "</td></tr>\n");
}

/* Tests of one group: 0 blocking failures, 1 informing ones, 2 the rest. */
static int group_of(const json_t *t)
{
	if (strcmp(str(t, "verdict"), "failed"))
		return 2;
	return json_is_true(json_object_get(t, "blocking")) ? 0 : 1;
}

static void tests_table(struct page *p, const json_t *tests, int group,
			const char *title)
{
	size_t i, n = 0;
	const json_t *t;

	json_array_foreach (tests, i, t)
		n += group_of(t) == group;
	if (!n)
		return;
	buf_addf(p->out, "<h2>%s (%zu)</h2>\n", title, n);
	if (group == 2)
		buf_adds(p->out, "<details><summary>show</summary>\n");
	buf_adds(p->out, "<table>\n<tr><th>verdict</th><th>suite</th><th>test"
			 "</th><th>passes</th><th>failures</th><th>history %"
			 "</th><th>required</th><th>explanation</th></tr>\n");
	json_array_foreach (tests, i, t)
		if (group_of(t) == group)
			test_row(p, t);
	buf_adds(p->out, "</table>\n");
	if (group == 2)
		buf_adds(p->out, "</details>\n");
}

void aggregate_html(struct buf *out, const json_t *resp)
{
	const json_t *tests = json_object_get(resp, "tests");
	struct page p = {out, json_object_get(resp, "runs")};

	header(out, resp);
	tests_table(&p, tests, 0, "Failed, blocking the payload");
	tests_table(&p, tests, 1, "Failed, informing only");
	runs_table(out, p.runs);
	tests_table(&p, tests, 2, "Passed and skipped");
	buf_adds(out, "</body>\n</html>\n");
}
