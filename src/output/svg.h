/*
 * svg.h - charts as inline SVG, drawn in C for the dashboard.
 *
 * Output is deterministic (same data, same bytes: golden tests compare
 * it) and self-describing: every chart has a <title> and <desc> for
 * screen readers, axes with ticks and labels, the unit on the value axis,
 * and a legend.  Colours are the Okabe-Ito palette, which colour-blind
 * readers can tell apart, and each series also differs by pattern (bars)
 * or marker shape and dashes (lines), cells by their letter; every bar,
 * point and cell carries a <title> with its exact value.  Every string is
 * escaped (output/html.h).  The caller owns everything it passes.
 */
#ifndef TESTPUMP_OUTPUT_SVG_H
#define TESTPUMP_OUTPUT_SVG_H

#include <stddef.h>

#include "core/buf.h"

/* One series: a label and one value per category of the chart. */
struct svg_series {
	const char *label;
	const double *values;
	const char *colour; /* "#009E73", or NULL for the palette's next */
};

/* A chart over categories (days, weeks) on the x axis. */
struct svg_chart {
	const char *id;	      /* unique in the page: [a-z0-9-] only */
	const char *title;    /* what the chart shows */
	const char *x_label;  /* "day (UTC)" */
	const char *y_label;  /* the unit: "test cases", "runs" */
	const char *const *x; /* nx category labels, in order */
	size_t nx;
	const struct svg_series *series;
	size_t nseries;
};

/*
 * Appends a chart of stacked bars, one bar per category, one segment per
 * series (a plain bar chart when there is one series).  Negative values
 * count as 0.
 */
void svg_stacked_bars(struct buf *out, const struct svg_chart *c);

/*
 * Appends a line chart, one line per series, with a marker (and a
 * <title>) per point while there are at most 60 categories.
 */
void svg_lines(struct buf *out, const struct svg_chart *c);

/*
 * Result marks, one letter per cell: 'p' pass, 'f' fail, 'k' flaky,
 * 's' skip, anything else "no result".
 */
struct svg_cells {
	const char *id;
	const char *title;
	const char *x_label;	 /* what the columns are: "run" */
	const char *const *cols; /* ncols column labels */
	size_t ncols;
	const char *const *rows; /* nrows row labels (grid only) */
	size_t nrows;
	const char *marks;	 /* nrows * ncols letters, row by row */
	const char *const *tips; /* NULL, or one extra text per column */
};

/*
 * Appends one row of cells (a test's results over time, oldest first)
 * and above it the pass rate over the last 10 results with one, as a
 * line on a 0-100 % axis; flaky counts as a pass, skips do not count.
 * Uses c->cols, c->ncols and c->marks; rows are ignored.
 */
void svg_timeline(struct buf *out, const struct svg_cells *c);

/* Appends a grid of cells: rows (tests) by columns (runs), TestGrid-like. */
void svg_grid(struct buf *out, const struct svg_cells *c);

/*
 * Of n axis labels over width pixels, every how many one can be written
 * without overlapping its neighbours (1 or more).
 */
size_t svg_label_step(const char *const *labels, size_t n, double width);

/* The label of a mark letter: "pass", "fail", "flaky", "skip", "none". */
const char *svg_mark_name(char mark);

#endif
