/*
 * comparisons.c - historical comparisons: the disruption and alert
 * percentiles of each release, per backend or alert, and how P95 and
 * P99 moved from one release to the next.  This is the store's side of
 * what `testpump history` compares against a current percentile file.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "output/html.h"
#include "output/svg.h"
#include "web/web.h"
#include "core/banned.h"

/* The nearest-rank percentile pct of the sorted samples v[0..n). */
static double percentile(const double *v, size_t n, double pct)
{
	size_t rank = (size_t)ceil(pct / 100.0 * (double)n);

	return n ? v[rank ? rank - 1 : 0] : 0;
}

/* Compares version-like strings by their numeric runs ("4.9" < "4.10"). */
static int version_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
			char *ea, *eb;
			unsigned long x = strtoul(a, &ea, 10);
			unsigned long y = strtoul(b, &eb, 10);

			if (x != y)
				return x < y ? -1 : 1;
			a = ea;
			b = eb;
		} else {
			if (*a != *b)
				return (unsigned char)*a - (unsigned char)*b;
			a++;
			b++;
		}
	}
	return (unsigned char)*a - (unsigned char)*b;
}

static int cmp_version(const void *x, const void *y)
{
	return version_cmp(*(char *const *)x, *(char *const *)y);
}

/*
 * Summarises samples (release, series, ms; sorted by release, series,
 * ms) into rows {release, series, runs, p50_s, p95_s, p99_s}.
 */
static json_t *summarise(const json_t *samples)
{
	json_t *rows = json_array();
	size_t n = json_array_size(samples), start = 0;
	double *v = xcalloc(n + 1, sizeof(*v));

	for (size_t i = 0; i <= n; i++) {
		const json_t *a = json_array_get(samples, start);
		const json_t *b = json_array_get(samples, i);

		if (i < n &&
		    !strcmp(web_str(a, "release"), web_str(b, "release")) &&
		    !strcmp(web_str(a, "series"), web_str(b, "series"))) {
			v[i - start] = web_num(b, "ms") / 1000.0;
			continue;
		}
		if (i > start)
			json_array_append_new(
				rows,
				json_pack("{s:s, s:s, s:I, s:f, s:f, s:f}",
					  "release", web_str(a, "release"),
					  "series", web_str(a, "series"),
					  "runs", (json_int_t)(i - start),
					  "p50_s", percentile(v, i - start, 50),
					  "p95_s", percentile(v, i - start, 95),
					  "p99_s",
					  percentile(v, i - start, 99)));
		start = i;
		if (i < n)
			v[0] = web_num(b, "ms") / 1000.0;
	}
	free(v);
	return rows;
}

static void chart(struct buf *out, const json_t *rows, const char *id,
		  const char *title)
{
	struct web_pivot p;
	char **order;

	web_pivot(&p, rows, "release", 0, "series", NULL, "p99_s", NULL, NULL);
	/* Releases in version order: permute the x labels and values. */
	order = xcalloc(p.nx + 1, sizeof(*order));
	memcpy(order, p.x, p.nx * sizeof(*order));
	qsort(order, p.nx, sizeof(*order), cmp_version);
	{
		double *vals = xcalloc(p.nx * p.nseries + 1, sizeof(*vals));

		for (size_t i = 0; i < p.nx; i++)
			for (size_t j = 0; j < p.nx; j++)
				if (order[i] == p.x[j])
					for (size_t s = 0; s < p.nseries; s++)
						vals[s * p.nx + i] =
							p.values[s * p.nx + j];
		memcpy(p.values, vals, p.nx * p.nseries * sizeof(*vals));
		memcpy(p.x, order, p.nx * sizeof(*order));
		free(vals);
	}
	free(order);
	svg_lines(out, &(struct svg_chart){
			       .id = id,
			       .title = title,
			       .x_label = "release",
			       .y_label = "seconds (P99)",
			       .x = (const char *const *)p.x,
			       .nx = p.nx,
			       .series = p.svg,
			       .nseries = p.nseries,
		       });
	web_pivot_release(&p);
}

static void section(const struct web_context *ctx, struct buf *out,
		    const char *query, const char *what, const char *fill)
{
	static const char *const cols[] = {"release", "series", "runs", "p50_s",
					   "p95_s",   "p99_s",	NULL};
	json_t *samples, *rows;
	struct buf title = BUF_INIT;

	html_element(out, "h2", what);
	if (web_query(ctx, query, NULL, 0, &samples) < 0) {
		web_error(out, "The store cannot be read", err_msg());
		return;
	}
	if (!json_array_size(samples)) {
		web_empty(out, "No sample with a release is stored.", fill);
		json_decref(samples);
		return;
	}
	rows = summarise(samples);
	buf_addf(&title, "P99 %s per release", what);
	chart(out, rows, query, title.data);
	web_table(ctx, out, rows, cols, NULL);
	buf_release(&title);
	json_decref(rows);
	json_decref(samples);
}

int page_comparisons(const struct web_context *ctx, const struct web_args *args,
		     struct buf *out)
{
	(void)args;
	page_begin(ctx, out, web_page_find("/comparisons"),
		   "Historical comparisons");
	buf_adds(out, "<p>Percentiles of the ingested disruptions and alerts "
		      "by release (nearest rank, seconds). <code>testpump "
		      "history --data-type disruptions --current FILE "
		      "--leeway PCT</code> compares the newest two releases "
		      "with a current percentile file and flags P95 and P99 "
		      "increases beyond the leeway.</p>\n");
	section(ctx, out, "disruption-samples", "disruption",
		"testpump ingest disruptions FILE");
	section(ctx, out, "alert-samples", "alert firing time",
		"testpump ingest alerts FILE");
	page_end(out);
	return 200;
}
