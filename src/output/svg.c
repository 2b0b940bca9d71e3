/*
 * svg.c - charts as inline SVG: stacked bars, lines, a result timeline
 * and a result grid.  See svg.h for the promises (determinism, titles,
 * units, colour-blind-safe encodings, escaping).
 */
#include "output/svg.h"

#include <math.h>
#include <string.h>

#include "output/html.h"
#include "core/banned.h"

/* Okabe-Ito: distinguishable with every common colour vision deficiency. */
static const char *const palette[] = {
	"#0072B2", "#E69F00", "#009E73", "#CC79A7",
	"#56B4E9", "#D55E00", "#F0E442", "#000000",
};
#define NPALETTE (sizeof(palette) / sizeof(palette[0]))

/* The colour of series i: its own, or the palette's. */
static const char *colour_of(const struct svg_series *s, size_t i)
{
	return s && s->colour ? s->colour : palette[i % NPALETTE];
}

/* The frame of an x/y chart. */
#define WIDTH 760
#define LEFT 64
#define RIGHT 16
#define TOP 36
#define PLOT_H 220
#define LEGEND_ITEM 180
#define MAX_MARKERS 60 /* more points than this: lines without markers */

struct frame {
	double left, right, top, bottom; /* the plot area */
	double ymax, ystep;		 /* the value axis */
};

static double nice_step(double max, int ticks)
{
	double raw = max / ticks, mag, f;

	if (raw <= 0)
		return 1;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	f = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
	return f * mag < 1 ? 1 : f * mag;
}

size_t svg_label_step(const char *const *labels, size_t n, double width)
{
	size_t longest = 1, fit, step;

	for (size_t i = 0; i < n; i++)
		if (labels[i] && strlen(labels[i]) > longest)
			longest = strlen(labels[i]);
	/* About 6.6 px a character at font-size 12, and a gap. */
	fit = (size_t)(width / ((double)longest * 6.6 + 14));
	if (fit < 1)
		fit = 1;
	step = (n + fit - 1) / fit;
	return step ? step : 1;
}

static void open_svg(struct buf *out, const char *id, const char *title,
		     double height, const char *desc)
{
	buf_addf(out,
		 "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" "
		 "role=\"img\" width=\"%d\" height=\"%.0f\" "
		 "viewBox=\"0 0 %d %.0f\" aria-labelledby=\"",
		 WIDTH, height, WIDTH, height);
	html_attr(out, id);
	buf_adds(out, "-t ");
	html_attr(out, id);
	buf_adds(out, "-d\" font-family=\"sans-serif\" font-size=\"12\">\n"
		      "<title id=\"");
	html_attr(out, id);
	buf_adds(out, "-t\">");
	html_escape(out, title);
	buf_adds(out, "</title>\n<desc id=\"");
	html_attr(out, id);
	buf_adds(out, "-d\">");
	html_escape(out, desc);
	buf_adds(out, "</desc>\n<text x=\"8\" y=\"20\" font-size=\"15\" "
		      "font-weight=\"bold\">");
	html_escape(out, title);
	buf_adds(out, "</text>\n");
}

/* Pattern i of chart id: the series' colour, overlaid by one of 4 marks. */
static void patterns(struct buf *out, const char *id,
		     const struct svg_series *series, size_t n)
{
	static const char *const overlay[] = {
		"",
		"<path d=\"M0 8L8 0\" stroke=\"#fff\" stroke-width=\"1.5\"/>",
		"<circle cx=\"4\" cy=\"4\" r=\"1.5\" fill=\"#fff\"/>",
		"<path d=\"M0 4H8\" stroke=\"#fff\" stroke-width=\"1.5\"/>",
	};

	buf_adds(out, "<defs>\n");
	for (size_t i = 0; i < n; i++) {
		buf_adds(out, "<pattern id=\"");
		html_attr(out, id);
		buf_addf(out,
			 "-p%zu\" width=\"8\" height=\"8\" "
			 "patternUnits=\"userSpaceOnUse\"><rect width=\"8\" "
			 "height=\"8\" fill=\"%s\"/>%s</pattern>\n",
			 i, colour_of(&series[i], i),
			 overlay[(i + i / NPALETTE) % 4]);
	}
	buf_adds(out, "</defs>\n");
}

static void fill_ref(struct buf *out, const char *id, size_t i)
{
	buf_adds(out, "fill=\"url(#");
	html_attr(out, id);
	buf_addf(out, "-p%zu)\"", i);
}

/* The value axis: gridlines, ticks with labels, and the unit. */
static void y_axis(struct buf *out, const struct frame *f, const char *unit,
		   const char *suffix)
{
	for (double v = 0; v <= f->ymax + f->ystep / 2; v += f->ystep) {
		double y = f->bottom - v / f->ymax * (f->bottom - f->top);

		buf_addf(
			out,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke=\"#ddd\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
			"text-anchor=\"end\">%g%s</text>\n",
			f->left - 4, y, f->right, y, f->left - 7, y + 4, v,
			suffix);
	}
	buf_addf(out,
		 "<text transform=\"translate(14 %.1f) rotate(-90)\" "
		 "text-anchor=\"middle\">",
		 (f->top + f->bottom) / 2);
	html_escape(out, unit);
	buf_addf(out,
		 "</text>\n<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
		 "y2=\"%.1f\" stroke=\"#333\"/>\n",
		 f->left, f->top, f->left, f->bottom);
}

/* The category axis: labels on at most MAX_X_LABELS categories. */
static void x_axis(struct buf *out, const struct frame *f, const char *const *x,
		   size_t nx, const char *label)
{
	size_t every = svg_label_step(x, nx, f->right - f->left);
	double slot = nx ? (f->right - f->left) / (double)nx : 0;

	buf_addf(out,
		 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		 "stroke=\"#333\"/>\n",
		 f->left, f->bottom, f->right, f->bottom);
	for (size_t i = 0; i < nx; i += every) {
		double cx = f->left + slot * ((double)i + 0.5);

		buf_addf(out,
			 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			 "y2=\"%.1f\" stroke=\"#333\"/>\n<text x=\"%.1f\" "
			 "y=\"%.1f\" text-anchor=\"middle\">",
			 cx, f->bottom, cx, f->bottom + 4, cx, f->bottom + 17);
		html_escape(out, x[i]);
		buf_adds(out, "</text>\n");
	}
	buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
		 (f->left + f->right) / 2, f->bottom + 34);
	html_escape(out, label);
	buf_adds(out, "</text>\n");
}

static size_t legend_rows(size_t n)
{
	size_t per = (WIDTH - LEFT) / LEGEND_ITEM;

	return (n + per - 1) / per;
}

/* Where legend item i goes. */
static void legend_pos(const struct frame *f, size_t i, double *x, double *y)
{
	size_t per = (WIDTH - LEFT) / LEGEND_ITEM;

	*x = LEFT + (double)(i % per) * LEGEND_ITEM;
	*y = f->bottom + 52 + (double)(i / per) * 18;
}

static void legend_label(struct buf *out, double x, double y, const char *label)
{
	buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\">", x + 18, y + 5);
	html_escape(out, label);
	buf_adds(out, "</text>\n");
}

static void frame_init(struct frame *f, double ymax)
{
	f->left = LEFT;
	f->right = WIDTH - RIGHT;
	f->top = TOP;
	f->bottom = TOP + PLOT_H;
	f->ystep = nice_step(ymax, 5);
	f->ymax = ceil(ymax / f->ystep) * f->ystep;
	if (f->ymax <= 0)
		f->ymax = f->ystep;
}

static double value(const struct svg_chart *c, size_t s, size_t i)
{
	double v = c->series[s].values[i];

	return v > 0 && isfinite(v) ? v : 0;
}

static void describe(struct buf *desc, const struct svg_chart *c,
		     const char *kind)
{
	buf_addf(desc, "%s of ", kind);
	buf_adds(desc, c->y_label ? c->y_label : "");
	buf_addf(desc, " by %s, %zu categories", c->x_label ? c->x_label : "",
		 c->nx);
	if (c->nx)
		buf_addf(desc, " from %s to %s", c->x[0], c->x[c->nx - 1]);
	buf_addf(desc, ", %zu series.", c->nseries);
}

static void bar_segment(struct buf *out, const struct svg_chart *c, size_t s,
			size_t i, double x, double w, double y, double h)
{
	buf_addf(out,
		 "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" ",
		 x, y, w, h);
	fill_ref(out, c->id, s);
	buf_adds(out, " stroke=\"#fff\" stroke-width=\"0.5\"><title>");
	html_escape(out, c->x[i]);
	buf_adds(out, ", ");
	html_escape(out, c->series[s].label);
	buf_addf(out, ": %g ", value(c, s, i));
	html_escape(out, c->y_label);
	buf_adds(out, "</title></rect>\n");
}

void svg_stacked_bars(struct buf *out, const struct svg_chart *c)
{
	struct buf desc = BUF_INIT;
	struct frame f;
	double ymax = 0, slot, x, y;

	for (size_t i = 0; i < c->nx; i++) {
		double sum = 0;

		for (size_t s = 0; s < c->nseries; s++)
			sum += value(c, s, i);
		ymax = sum > ymax ? sum : ymax;
	}
	frame_init(&f, ymax);
	describe(&desc, c, c->nseries > 1 ? "Stacked bars" : "Bars");
	open_svg(out, c->id, c->title,
		 f.bottom + 52 + (double)legend_rows(c->nseries) * 18,
		 desc.data);
	buf_release(&desc);
	patterns(out, c->id, c->series, c->nseries);
	y_axis(out, &f, c->y_label, "");
	slot = c->nx ? (f.right - f.left) / (double)c->nx : 0;
	for (size_t i = 0; i < c->nx; i++) {
		x = f.left + slot * (double)i + slot * 0.1;
		y = f.bottom;
		for (size_t s = 0; s < c->nseries; s++) {
			double h = value(c, s, i) / f.ymax * PLOT_H;

			if (h <= 0)
				continue;
			y -= h;
			bar_segment(out, c, s, i, x, slot * 0.8, y, h);
		}
	}
	x_axis(out, &f, c->x, c->nx, c->x_label);
	for (size_t s = 0; s < c->nseries; s++) {
		legend_pos(&f, s, &x, &y);
		buf_addf(out,
			 "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" "
			 "height=\"12\" stroke=\"#333\" stroke-width=\"0.5\" ",
			 x, y - 6);
		fill_ref(out, c->id, s);
		buf_adds(out, "/>\n");
		legend_label(out, x, y, c->series[s].label);
	}
	buf_adds(out, "</svg>\n");
}

/* Marker shape s % 4 at (x, y): circle, square, triangle, diamond. */
static void marker(struct buf *out, size_t s, double x, double y)
{
	const char *colour = palette[s % NPALETTE];

	switch (s % 4) {
	case 0:
		buf_addf(out,
			 "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" "
			 "fill=\"%s\"",
			 x, y, colour);
		break;
	case 1:
		buf_addf(out,
			 "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" "
			 "height=\"8\" fill=\"%s\"",
			 x - 4, y - 4, colour);
		break;
	case 2:
		buf_addf(out,
			 "<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fZ\" "
			 "fill=\"%s\"",
			 x, y - 5, x + 5, y + 4, x - 5, y + 4, colour);
		break;
	default:
		buf_addf(out,
			 "<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fL%.1f "
			 "%.1fZ\" fill=\"%s\"",
			 x, y - 5, x + 5, y, x, y + 5, x - 5, y, colour);
		break;
	}
}

static const char *dashes(size_t s)
{
	static const char *const d[] = {"none", "6 3", "2 3", "8 3 2 3"};

	return d[s % 4];
}

static void line_series(struct buf *out, const struct svg_chart *c,
			const struct frame *f, size_t s)
{
	double slot = (f->right - f->left) / (double)c->nx;

	buf_addf(out,
		 "<polyline fill=\"none\" stroke=\"%s\" "
		 "stroke-width=\"2\" stroke-dasharray=\"%s\" points=\"",
		 palette[s % NPALETTE], dashes(s));
	for (size_t i = 0; i < c->nx; i++)
		buf_addf(out, "%s%.1f,%.1f", i ? " " : "",
			 f->left + slot * ((double)i + 0.5),
			 f->bottom - value(c, s, i) / f->ymax * PLOT_H);
	buf_adds(out, "\"/>\n");
	for (size_t i = 0; i < c->nx && c->nx <= MAX_MARKERS; i++) {
		marker(out, s, f->left + slot * ((double)i + 0.5),
		       f->bottom - value(c, s, i) / f->ymax * PLOT_H);
		buf_adds(out, "><title>");
		html_escape(out, c->x[i]);
		buf_adds(out, ", ");
		html_escape(out, c->series[s].label);
		buf_addf(out, ": %g ", value(c, s, i));
		html_escape(out, c->y_label);
		buf_adds(out, "</title></");
		buf_adds(out, s % 4 == 0   ? "circle"
			      : s % 4 == 1 ? "rect"
					   : "path");
		buf_adds(out, ">\n");
	}
}

void svg_lines(struct buf *out, const struct svg_chart *c)
{
	struct buf desc = BUF_INIT;
	struct frame f;
	double ymax = 0, x, y;

	for (size_t s = 0; s < c->nseries; s++)
		for (size_t i = 0; i < c->nx; i++)
			ymax = value(c, s, i) > ymax ? value(c, s, i) : ymax;
	frame_init(&f, ymax);
	describe(&desc, c, "Lines");
	open_svg(out, c->id, c->title,
		 f.bottom + 52 + (double)legend_rows(c->nseries) * 18,
		 desc.data);
	buf_release(&desc);
	y_axis(out, &f, c->y_label, "");
	for (size_t s = 0; c->nx && s < c->nseries; s++)
		line_series(out, c, &f, s);
	x_axis(out, &f, c->x, c->nx, c->x_label);
	for (size_t s = 0; s < c->nseries; s++) {
		legend_pos(&f, s, &x, &y);
		buf_addf(out,
			 "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			 "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\" "
			 "stroke-dasharray=\"%s\"/>\n",
			 x - 4, y, x + 14, y, palette[s % NPALETTE], dashes(s));
		marker(out, s, x + 5, y);
		buf_adds(out, "/>\n");
		legend_label(out, x, y, c->series[s].label);
	}
	buf_adds(out, "</svg>\n");
}
