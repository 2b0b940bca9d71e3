/*
 * history_format.c - the three outputs of a history comparison, byte for
 * byte as the original writes them: the results file (Go's
 * json.MarshalIndent), pr_message.md (its text/template) and
 * require_review (its fmt.Sprintf lines).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/history.h"
#include "core/xalloc.h"
#include "core/banned.h"

/* Rows of a PR message table with fewer job runs are left out. */
#define HIST_MIN_JOB_RUNS 100

/* The length of the UTF-8 sequence at s, or 0 when it is invalid. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

void hist_json_string(struct buf *out, const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;

	buf_addch(out, '"');
	while (*s) {
		size_t n;

		if (*s >= 0x80) {
			n = utf8_len(s);
			if (!n) {
				buf_adds(out, "\\ufffd");
				s++;
			} else if (n == 3 && s[0] == 0xe2 && s[1] == 0x80 &&
				   (s[2] == 0xa8 || s[2] == 0xa9)) {
				buf_adds(out,
					 s[2] == 0xa8 ? "\\u2028" : "\\u2029");
				s += 3;
			} else {
				buf_add(out, s, n);
				s += n;
			}
			continue;
		}
		switch (*s) {
		case '"':
			buf_adds(out, "\\\"");
			break;
		case '\\':
			buf_adds(out, "\\\\");
			break;
		case '\n':
			buf_adds(out, "\\n");
			break;
		case '\r':
			buf_adds(out, "\\r");
			break;
		case '\t':
			buf_adds(out, "\\t");
			break;
		case '\b':
			buf_adds(out, "\\b");
			break;
		case '\f':
			buf_adds(out, "\\f");
			break;
		default:
			if (*s < 0x20 || *s == '<' || *s == '>' || *s == '&') {
				buf_adds(out, "\\u00");
				buf_addch(out, hex[*s >> 4]);
				buf_addch(out, hex[*s & 0xf]);
			} else {
				buf_addch(out, (char)*s);
			}
		}
		s++;
	}
	buf_addch(out, '"');
}

/* One "    \"Name\": " line start, then the value, for MarshalIndent. */
static void field(struct buf *out, int *first, const char *name)
{
	buf_adds(out, *first ? "\n    \"" : ",\n    \"");
	*first = 0;
	buf_adds(out, name);
	buf_adds(out, "\": ");
}

static void field_str(struct buf *out, int *first, const char *name,
		      const char *value)
{
	field(out, first, name);
	if (value)
		hist_json_string(out, value);
	else
		buf_adds(out, "null");
}

static void format_row(struct buf *out, const struct hist_row *r,
		       enum hist_kind kind)
{
	int first = 1;

	buf_adds(out, "  {");
	if (kind == HIST_ALERTS) {
		field_str(out, &first, "AlertName", r->name);
		field_str(out, &first, "AlertNamespace", r->namespace);
		field_str(out, &first, "AlertLevel", r->level);
		field_str(out, &first, "FirstObserved", r->first_observed);
		field_str(out, &first, "LastObserved", r->last_observed);
	} else {
		field_str(out, &first, "BackendName", r->name);
	}
	field_str(out, &first, "Release", r->release);
	field_str(out, &first, "FromRelease", r->from_release);
	field_str(out, &first, "Platform", r->platform);
	field_str(out, &first, "Architecture", r->architecture);
	field_str(out, &first, "Network", r->network);
	field_str(out, &first, "Topology", r->topology);
	field_str(out, &first, "MasterNodesUpdated", r->master_nodes_updated);
	field(out, &first, "JobRuns");
	buf_addf(out, "%" PRId64, r->job_runs);
	field_str(out, &first, "P95", r->p95);
	field_str(out, &first, "P99", r->p99);
	field_str(out, &first, "P75", r->p75);
	field_str(out, &first, "P50", r->p50);
	buf_adds(out, "\n  }");
}

static int row_by_key(const void *a, const void *b)
{
	const struct hist_row *const *x = a, *const *y = b;

	return strcmp((*x)->key, (*y)->key);
}

void hist_format_results(const struct hist_comparison *c, enum hist_kind kind,
			 struct buf *out)
{
	const struct hist_row **rows;

	if (!c->njobs)
		return; /* the original writes nothing at all */
	rows = xcalloc(c->njobs, sizeof(*rows));
	for (size_t i = 0; i < c->njobs; i++)
		rows[i] = c->jobs[i].row;
	qsort(rows, c->njobs, sizeof(*rows), row_by_key);
	buf_adds(out, "[\n");
	for (size_t i = 0; i < c->njobs; i++) {
		if (i)
			buf_adds(out, ",\n");
		format_row(out, rows[i], kind);
	}
	buf_adds(out, "\n]");
	free(rows);
}

/* Sorts by P95 increase, largest first, keeping the order of equals. */
static int job_by_p95_diff(const void *a, const void *b)
{
	const struct hist_job *const *x = a, *const *y = b;

	if ((*x)->diff_p95_ns != (*y)->diff_p95_ns)
		return (*x)->diff_p95_ns > (*y)->diff_p95_ns ? -1 : 1;
	return *x < *y ? -1 : *x > *y;
}

/* The original's GetName(): alerts are "name namespace level". */
static void row_name(struct buf *out, const struct hist_row *r,
		     enum hist_kind kind)
{
	if (kind == HIST_ALERTS)
		buf_addf(out, "%s %s %s", r->name, r->namespace, r->level);
	else
		buf_adds(out, r->name);
}

/* The original's formatTableOutput(jobs, true). */
static void format_table(const struct hist_comparison *c, enum hist_kind kind,
			 struct buf *out)
{
	const struct hist_job **jobs = xcalloc(c->njobs + 1, sizeof(*jobs));

	for (size_t i = 0; i < c->njobs; i++)
		jobs[i] = &c->jobs[i];
	qsort(jobs, c->njobs, sizeof(*jobs), job_by_p95_diff);
	buf_adds(out, "| Name | Release | From | Arch | Network | Platform | "
		      "Topology | Job Results | P95 | P95 % Increase | P99 | "
		      "P99 % Increase |\n");
	buf_adds(out, "| ---- | ------- | ---- | ---- | ------- | -------- "
		      "|--------- | ----------- | --- | -------------- | --- | "
		      "-------------- |\n");
	for (size_t i = 0; i < c->njobs; i++) {
		const struct hist_job *j = jobs[i];
		const struct hist_row *r = j->row;
		char p95[32], p99[32];

		if (j->job_results < HIST_MIN_JOB_RUNS || j->diff_p99_ns == 0)
			continue;
		hist_duration_string(j->p95_ns, p95);
		hist_duration_string(j->p99_ns, p99);
		buf_adds(out, "| ");
		row_name(out, r, kind);
		buf_addf(out,
			 " | %s | %s | %s | %s | %s | %s | %" PRId64
			 " | %s| %.2f%% | %s | %.2f%% \n",
			 r->release, r->from_release, r->architecture,
			 r->network, r->platform, r->topology, j->job_results,
			 p95, j->pct_p95, p99, j->pct_p99);
	}
	free(jobs);
}

void hist_format_pr_message(const struct hist_comparison *c,
			    enum hist_kind kind, double leeway, struct buf *out)
{
	const char *type = hist_kind_name(kind);

	buf_addf(out,
		 "## %s Information\n\nThere were (`%zu`) added jobs and "
		 "(`%zu`) were removed.",
		 type, c->nadded, 2 * c->nmissing);
	if (c->increases > 0) {
		buf_addf(
			out,
			"\n\n### Comparisons were above allowed leeway of "
			"`%.2f%%`\n\nNote: For P99, %s had `%d` jobs increased "
			"and `%d` jobs decreased.\n\n<details>\n  "
			"<summary>Click To Show Table</summary>\n\n",
			leeway, type, c->increases, c->decreases);
		format_table(c, kind, out);
		buf_adds(out, "\n\n</details>\n");
	}
	buf_addch(out, '\n');
}

void hist_format_review(const struct hist_comparison *c, enum hist_kind kind,
			double leeway, struct buf *out)
{
	const char *type = hist_kind_name(kind);

	if (c->increases > 0)
		buf_addf(out,
			 "(%s) had (%d) results increased in duration beyond "
			 "specified leeway of %.2f%%\n",
			 type, c->increases, leeway);
	if (c->decreases > 0)
		buf_addf(out,
			 "(%s) had (%d) results decreased in duration beyond "
			 "specified leeway of %.2f%%\n",
			 type, c->decreases, leeway);
}

void hist_json_float(struct buf *out, double v)
{
	char e[40], digits[20];
	double a = v < 0 ? -v : v;
	int exp10, nd = 0;
	const char *p;

	if (v == 0) {
		buf_adds(out, "0");
		return;
	}
	for (int prec = 0; prec <= 16; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec, a);
		if (strtod(e, NULL) == a)
			break;
	}
	for (p = e; *p != 'e'; p++)
		if (*p != '.')
			digits[nd++] = *p;
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	exp10 = (int)strtol(p + 1, NULL, 10);
	if (v < 0)
		buf_addch(out, '-');
	if (a < 1e-6 || a >= 1e21) {
		buf_addch(out, digits[0]);
		if (nd > 1)
			buf_addf(out, ".%s", digits + 1);
		buf_addf(out, "e%c%0*d", exp10 < 0 ? '-' : '+',
			 exp10 < 0 ? 1 : 2, exp10 < 0 ? -exp10 : exp10);
	} else if (exp10 >= 0) {
		for (int i = 0; i <= exp10; i++)
			buf_addch(out, i < nd ? digits[i] : '0');
		if (nd > exp10 + 1)
			buf_addf(out, ".%s", digits + exp10 + 1);
	} else {
		buf_adds(out, "0.");
		for (int i = 0; i < -exp10 - 1; i++)
			buf_addch(out, '0');
		buf_adds(out, digits);
	}
}

void hist_format_tests(const struct hist_test_summary *rows, size_t n,
		       const char *period_start, const char *period_end,
		       struct buf *out)
{
	if (!n)
		return;
	buf_adds(out, "[\n");
	for (size_t i = 0; i < n; i++) {
		const struct hist_test_summary *r = &rows[i];
		int first = 1;

		buf_adds(out, i ? ",\n  {" : "  {");
		field_str(out, &first, "Release", r->release);
		field_str(out, &first, "Platform", r->platform);
		field_str(out, &first, "Topology", r->topology);
		field_str(out, &first, "Architecture", r->architecture);
		field_str(out, &first, "TestName", r->test_name);
		field(out, &first, "TotalTestCount");
		buf_addf(out, "%" PRId64, r->total);
		field(out, &first, "TotalFailureCount");
		buf_addf(out, "%" PRId64, r->failures);
		field(out, &first, "TotalFlakeCount");
		buf_addf(out, "%" PRId64, r->flakes);
		field(out, &first, "FailureRate");
		hist_json_float(out, r->failure_rate);
		field(out, &first, "AvgDurationMs");
		hist_json_float(out, r->avg_duration_ms);
		field_str(out, &first, "PeriodStart", period_start);
		field_str(out, &first, "PeriodEnd", period_end);
		field(out, &first, "DaysWithData");
		buf_addf(out, "%" PRId64, r->days_with_data);
		buf_adds(out, "\n  }");
	}
	buf_adds(out, "\n]");
}
