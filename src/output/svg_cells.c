/*
 * svg_cells.c - result cells: a test's timeline with its pass rate, and
 * the test x run grid.  Each mark has a colour, a fill pattern and a
 * letter, so it reads without colour too.
 */
#include <string.h>

#include "output/html.h"
#include "output/svg.h"
#include "core/banned.h"

#define WIDTH 760
#define LEFT 64
#define RIGHT 16
#define RATE_TOP 36
#define RATE_H 120
#define CELL_H 20
#define WINDOW 10

#define GRID_LABEL_W 300
#define GRID_CELL_W 32
#define GRID_CELL_H 24
#define GRID_TOP 64

struct mark_style {
	char mark;
	const char *name, *colour, *letter;
};

static const struct mark_style marks[] = {
	{'p', "pass", "#009E73", "P"},	{'f', "fail", "#D55E00", "F"},
	{'k', "flaky", "#E69F00", "K"}, {'s', "skip", "#BBBBBB", "S"},
	{0, "none", "#FFFFFF", ""},
};

static const struct mark_style *style_of(char mark)
{
	size_t i;

	for (i = 0; marks[i].mark; i++)
		if (marks[i].mark == mark)
			break;
	return &marks[i];
}

const char *svg_mark_name(char mark)
{
	return style_of(mark)->name;
}

static void open_cells(struct buf *out, const struct svg_cells *c, int width,
		       int height, const char *kind)
{
	buf_addf(out,
		 "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" "
		 "role=\"img\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d "
		 "%d\" aria-labelledby=\"",
		 width, height, width, height);
	html_attr(out, c->id);
	buf_adds(out, "-t ");
	html_attr(out, c->id);
	buf_adds(out, "-d\" font-family=\"sans-serif\" font-size=\"12\">\n"
		      "<title id=\"");
	html_attr(out, c->id);
	buf_adds(out, "-t\">");
	html_escape(out, c->title);
	buf_adds(out, "</title>\n<desc id=\"");
	html_attr(out, c->id);
	buf_addf(out, "-d\">%s: %zu rows by %zu columns (", kind,
		 c->nrows ? c->nrows : 1, c->ncols);
	html_escape(out, c->x_label);
	buf_adds(out, "); P pass, F fail, K flaky, S skip.</desc>\n"
		      "<text x=\"8\" y=\"20\" font-size=\"15\" "
		      "font-weight=\"bold\">");
	html_escape(out, c->title);
	buf_adds(out, "</text>\n<defs>\n<pattern id=\"");
	html_attr(out, c->id);
	buf_adds(out, "-fail\" width=\"6\" height=\"6\" "
		      "patternUnits=\"userSpaceOnUse\"><rect width=\"6\" "
		      "height=\"6\" fill=\"#D55E00\"/><path d=\"M0 6L6 0\" "
		      "stroke=\"#fff\" stroke-width=\"1\"/></pattern>\n"
		      "<pattern id=\"");
	html_attr(out, c->id);
	buf_adds(out,
		 "-flaky\" width=\"6\" height=\"6\" "
		 "patternUnits=\"userSpaceOnUse\"><rect width=\"6\" "
		 "height=\"6\" fill=\"#E69F00\"/><circle cx=\"3\" "
		 "cy=\"3\" r=\"1.2\" fill=\"#fff\"/></pattern>\n</defs>\n");
}

/* One cell with its fill, its letter when it fits, and its <title>. */
static void cell(struct buf *out, const struct svg_cells *c, char mark,
		 double x, double y, double w, double h, const char *row,
		 size_t col)
{
	const struct mark_style *m = style_of(mark);

	buf_addf(
		out,
		"<g><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		"stroke=\"#999\" stroke-width=\"0.5\" fill=\"",
		x, y, w, h);
	if (mark == 'f' || mark == 'k') {
		buf_adds(out, "url(#");
		html_attr(out, c->id);
		buf_adds(out, mark == 'f' ? "-fail)" : "-flaky)");
	} else {
		buf_adds(out, m->colour);
	}
	buf_adds(out, "\"/>");
	if (w >= 10 && *m->letter)
		buf_addf(out,
			 "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
			 "font-size=\"13\" font-weight=\"bold\" "
			 "fill=\"#000\" stroke=\"#fff\" stroke-width=\"3\" "
			 "paint-order=\"stroke\">%s</text>",
			 x + w / 2, y + h / 2 + 4.5, m->letter);
	buf_adds(out, "<title>");
	if (row) {
		html_escape(out, row);
		buf_adds(out, ", ");
	}
	html_escape(out, c->cols[col]);
	if (c->tips && c->tips[col]) {
		buf_adds(out, " (");
		html_escape(out, c->tips[col]);
		buf_adds(out, ")");
	}
	buf_addf(out, ": %s</title></g>\n", m->name);
}

static void cells_legend(struct buf *out, double x, double y)
{
	for (size_t i = 0; marks[i].mark; i++) {
		buf_addf(out,
			 "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" "
			 "height=\"14\" stroke=\"#999\" fill=\"%s\"/>"
			 "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
			 "font-size=\"11\" font-weight=\"bold\">%s</text>"
			 "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n",
			 x + i * 90.0, y - 7, marks[i].colour, x + i * 90.0 + 7,
			 y + 4, marks[i].letter, x + i * 90.0 + 20, y + 4,
			 marks[i].name);
	}
}

/* The pass rate over the last WINDOW counted results, or -1. */
static double rate_at(const char *m, size_t i)
{
	int counted = 0, passed = 0;

	for (size_t j = i + 1; j-- > 0 && counted < WINDOW;) {
		if (m[j] == 'p' || m[j] == 'k' || m[j] == 'f') {
			counted++;
			passed += m[j] != 'f';
		}
	}
	return counted ? 100.0 * passed / counted : -1;
}

static void rate_line(struct buf *out, const struct svg_cells *c, double slot)
{
	int open = 0;
	double bottom = RATE_TOP + RATE_H;

	for (int v = 0; v <= 100; v += 25) {
		double y = bottom - v / 100.0 * RATE_H;

		buf_addf(out,
			 "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
			 "stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" "
			 "text-anchor=\"end\">%d %%</text>\n",
			 LEFT - 4, y, WIDTH - RIGHT, y, LEFT - 7, y + 4, v);
	}
	buf_addf(out,
		 "<text transform=\"translate(14 %.1f) rotate(-90)\" "
		 "text-anchor=\"middle\">pass rate (%%)</text>\n"
		 "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" "
		 "stroke=\"#333\"/>\n",
		 RATE_TOP + RATE_H / 2.0, LEFT, RATE_TOP, LEFT, bottom);
	for (size_t i = 0; i < c->ncols; i++) {
		double r = rate_at(c->marks, i);

		if (r < 0)
			continue;
		buf_addf(out, "%s%.1f,%.1f",
			 open ? " "
			      : "<polyline fill=\"none\" "
				"stroke=\"#0072B2\" stroke-width=\"2\" "
				"points=\"",
			 LEFT + slot * ((double)i + 0.5),
			 bottom - r / 100.0 * RATE_H);
		open = 1;
	}
	if (open)
		buf_adds(out, "\"/>\n");
}

void svg_timeline(struct buf *out, const struct svg_cells *c)
{
	double slot = c->ncols ? (double)(WIDTH - LEFT - RIGHT) / c->ncols : 0;
	double top = RATE_TOP + RATE_H + 10;
	size_t every = svg_label_step(c->cols, c->ncols, WIDTH - LEFT - RIGHT);

	open_cells(out, c, WIDTH, (int)top + CELL_H + 72, "Timeline");
	rate_line(out, c, slot);
	for (size_t i = 0; i < c->ncols; i++)
		cell(out, c, c->marks[i], LEFT + slot * (double)i, top, slot,
		     CELL_H, NULL, i);
	for (size_t i = 0; i < c->ncols; i += every) {
		buf_addf(out,
			 "<text x=\"%.1f\" y=\"%.1f\" "
			 "text-anchor=\"middle\">",
			 LEFT + slot * ((double)i + 0.5), top + CELL_H + 15);
		html_escape(out, c->cols[i]);
		buf_adds(out, "</text>\n");
	}
	buf_addf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
		 (LEFT + WIDTH - RIGHT) / 2.0, top + CELL_H + 32);
	html_escape(out, c->x_label);
	buf_adds(out, ", oldest first; line: pass rate of the last 10 "
		      "results (flaky counts as pass)</text>\n");
	cells_legend(out, LEFT, top + CELL_H + 56);
	buf_adds(out, "</svg>\n");
}

/* A label cut to at most max bytes on a UTF-8 boundary, with an ellipsis. */
static void short_label(struct buf *out, const char *s, size_t max)
{
	size_t n = strlen(s);
	struct buf tmp = BUF_INIT;

	if (n <= max) {
		html_escape(out, s);
		return;
	}
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	buf_add(&tmp, s, max);
	buf_adds(&tmp, "\xE2\x80\xA6");
	html_escape(out, tmp.data);
	buf_release(&tmp);
}

void svg_grid(struct buf *out, const struct svg_cells *c)
{
	int width = GRID_LABEL_W + (int)c->ncols * GRID_CELL_W + RIGHT;
	int height = GRID_TOP + (int)c->nrows * GRID_CELL_H + 40;

	if (width < 480)
		width = 480;
	open_cells(out, c, width, height, "Grid");
	for (size_t j = 0; j < c->ncols; j++) {
		double x = GRID_LABEL_W + GRID_CELL_W * ((double)j + 0.5);

		buf_addf(out,
			 "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", x,
			 GRID_TOP - 8);
		short_label(out, c->cols[j], 4);
		buf_adds(out, "<title>");
		html_escape(out, c->cols[j]);
		buf_adds(out, "</title></text>\n");
	}
	buf_addf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
		 GRID_LABEL_W - 6, GRID_TOP - 8);
	html_escape(out, c->x_label);
	buf_adds(out, " \xE2\x86\x92</text>\n");
	for (size_t i = 0; i < c->nrows; i++) {
		double y = GRID_TOP + GRID_CELL_H * (double)i;

		buf_addf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">",
			 GRID_LABEL_W - 6, y + 16);
		short_label(out, c->rows[i], 44);
		buf_adds(out, "<title>");
		html_escape(out, c->rows[i]);
		buf_adds(out, "</title></text>\n");
		for (size_t j = 0; j < c->ncols; j++)
			cell(out, c, c->marks[i * c->ncols + j],
			     GRID_LABEL_W + GRID_CELL_W * (double)j, y,
			     GRID_CELL_W, GRID_CELL_H, c->rows[i], j);
	}
	cells_legend(out, 8, height - 16);
	buf_adds(out, "</svg>\n");
}
