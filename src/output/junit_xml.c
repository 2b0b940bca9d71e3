/*
 * junit_xml.c - the aggregated JUnit XML.
 */
#include "output/junit_xml.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"
#include "core/xalloc.h"
#include "core/banned.h"

/* The entity for c, or NULL when c is copied as it is. */
static const char *xml_entity(unsigned char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	case '\t':
	case '\n':
	case '\r':
		return NULL;
	default:
		return c < 0x20 || c == 0x7f ? "\xef\xbf\xbd" : NULL;
	}
}

void output_xml_escape(struct buf *out, const char *s)
{
	const char *span = s;

	if (!s)
		return;
	/* Runs of plain bytes are copied whole: reports escape megabytes. */
	for (; *s; s++) {
		const char *e = xml_entity((unsigned char)*s);

		if (!e)
			continue;
		buf_add(out, span, (size_t)(s - span));
		buf_adds(out, e);
		span = s + 1;
	}
	buf_add(out, span, (size_t)(s - span));
}

static const char *str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

/* s as a YAML double-quoted scalar. */
static void yaml_quote(struct buf *out, const char *s)
{
	buf_addch(out, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			buf_addch(out, '\\');
			buf_addch(out, (char)c);
		} else if (c == '\n') {
			buf_adds(out, "\\n");
		} else if (c == '\t') {
			buf_adds(out, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			buf_addf(out, "\\x%02x", c);
		} else {
			buf_addch(out, (char)c);
		}
	}
	buf_addch(out, '"');
}

/* The response's "runs", which "results" letters refer to by position. */
struct runs_index {
	const json_t *runs;
};

/* The runs whose letter in results is `mark`, as a YAML list. */
static void yaml_runs(struct buf *y, const char *key, const char *results,
		      char mark, const struct runs_index *ri)
{
	int any = 0;

	buf_addf(y, "%s:", key);
	for (size_t i = 0; results[i]; i++) {
		const json_t *run = json_array_get(ri->runs, i);
		const char *url =
			json_string_value(json_object_get(run, "url"));

		if (results[i] != mark || !run)
			continue;
		buf_adds(y, any++ ? "- jobrunid: " : "\n- jobrunid: ");
		yaml_quote(y, str(run, "run_id"));
		if (url) {
			buf_adds(y, "\n  humanurl: ");
			yaml_quote(y, url);
		}
		buf_addch(y, '\n');
	}
	if (!any)
		buf_adds(y, " []\n");
}

/* The per-run details of test t, as the original's system-out YAML. */
static void details(struct buf *y, const json_t *t, const struct runs_index *ri)
{
	const char *results = str(t, "results");

	buf_adds(y, "name: ");
	yaml_quote(y, str(t, "name"));
	buf_adds(y, "\ntestsuitename: ");
	yaml_quote(y, str(t, "suite"));
	buf_adds(y, "\nsummary: ");
	yaml_quote(y, str(t, "explanation"));
	buf_addch(y, '\n');
	yaml_runs(y, "passes", results, 'p', ri);
	yaml_runs(y, "flakes", results, 'k', ri);
	yaml_runs(y, "failures", results, 'f', ri);
	yaml_runs(y, "skips", results, 's', ri);
}

static void testcase(struct buf *out, const json_t *t,
		     const struct runs_index *ri, struct buf *y)
{
	const char *verdict = str(t, "verdict");

	buf_reset(y);
	details(y, t, ri);
	buf_adds(out, "    <testcase name=\"");
	output_xml_escape(out, str(t, "name"));
	buf_adds(out, "\" classname=\"");
	output_xml_escape(out, str(t, "classname"));
	buf_addch(out, '"');
	if (json_is_true(json_object_get(t, "informing")))
		buf_adds(out, " lifecycle=\"informing\"");
	buf_adds(out, ">\n");
	if (!strcmp(verdict, "failed")) {
		buf_adds(out, "      <failure message=\"");
		output_xml_escape(out, str(t, "explanation"));
		buf_adds(out, "\">");
		output_xml_escape(out, y->data);
		buf_adds(out, "</failure>\n");
	} else if (!strcmp(verdict, "skipped")) {
		buf_adds(out, "      <skipped message=\"");
		output_xml_escape(out, str(t, "explanation"));
		buf_adds(out, "\"/>\n");
	}
	buf_adds(out, "      <system-out>");
	output_xml_escape(out, y->data);
	buf_adds(out, "</system-out>\n    </testcase>\n");
}

/* One suite: its tests are the indices in order[0..n-1]. */
static void suite(struct buf *out, const json_t *tests, const size_t *order,
		  size_t n, const struct runs_index *ri, struct buf *y)
{
	size_t failures = 0, skipped = 0;

	for (size_t i = 0; i < n; i++) {
		const char *v = str(json_array_get(tests, order[i]), "verdict");

		failures += !strcmp(v, "failed");
		skipped += !strcmp(v, "skipped");
	}
	buf_adds(out, "  <testsuite name=\"");
	output_xml_escape(out, str(json_array_get(tests, order[0]), "suite"));
	buf_addf(out, "\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\">\n", n,
		 failures, skipped);
	for (size_t i = 0; i < n; i++)
		testcase(out, json_array_get(tests, order[i]), ri, y);
	buf_adds(out, "  </testsuite>\n");
}

void junit_xml_aggregated(struct buf *out, const json_t *resp)
{
	const json_t *tests = json_object_get(resp, "tests"), *t;
	size_t n = json_array_size(tests), nsuites = 0, i;
	size_t *suite_of = xcalloc(n + 1, sizeof(size_t));
	size_t *order = xcalloc(n + 1, sizeof(size_t));
	size_t *start = xcalloc(n + 2, sizeof(size_t));
	struct runs_index ri = {json_object_get(resp, "runs")};
	struct strmap suites = STRMAP_INIT;
	struct buf y = BUF_INIT;

	/* Bucket the tests by suite, suites in order of first appearance. */
	json_array_foreach (tests, i, t) {
		const char *s = str(t, "suite");
		int64_t idx;

		if (!strmap_get(&suites, s, strlen(s), &idx)) {
			idx = (int64_t)nsuites++;
			strmap_put(&suites, s, strlen(s), idx);
		}
		suite_of[i] = (size_t)idx;
		start[idx + 1]++;
	}
	for (i = 0; i < nsuites; i++)
		start[i + 1] += start[i];
	for (i = 0; i < n; i++)
		order[start[suite_of[i]]++] = i;
	buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	buf_adds(out, "<testsuites>\n");
	for (i = 0; i < nsuites; i++) {
		size_t begin = i ? start[i - 1] : 0;

		suite(out, tests, order + begin, start[i] - begin, &ri, &y);
	}
	buf_adds(out, "</testsuites>\n");
	buf_release(&y);
	strmap_release(&suites);
	free(start);
	free(order);
	free(suite_of);
}
