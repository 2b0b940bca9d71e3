/*
 * table.c - aligned text tables: terminal-safe cells, display widths,
 * column fitting.
 */
#include "output/table.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "output/output.h"
#include "core/banned.h"

#define REPLACEMENT 0xFFFDu
#define ELLIPSIS "\xE2\x80\xA6"
#define MIN_CUT_WIDTH 8

struct cell {
	char *text;   /* made safe, NUL-terminated, owned */
	size_t width; /* terminal columns of text */
};

struct column {
	struct cell head;
	size_t natural; /* widest cell, header included */
	size_t floor;	/* narrowest it may be cut to */
	size_t width;	/* width it is printed at */
	int numeric;	/* right-aligned; -1 while building: not numeric */
};

struct table {
	size_t ncols, nrows;
	struct column *cols;
	struct cell *cells; /* nrows * ncols, row after row */
};

struct range {
	uint32_t lo, hi;
};

/* East Asian Wide and Fullwidth blocks, and the emoji blocks drawn wide. */
static const struct range wide[] = {
	{0x1100, 0x115F},   {0x2329, 0x232A},	{0x2E80, 0x303E},
	{0x3040, 0xA4CF},   {0xAC00, 0xD7A3},	{0xF900, 0xFAFF},
	{0xFE10, 0xFE19},   {0xFE30, 0xFE6F},	{0xFF00, 0xFF60},
	{0xFFE0, 0xFFE6},   {0x1F300, 0x1F64F}, {0x1F680, 0x1F6FF},
	{0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

/* Combining marks, zero-width spaces and joiners, variation selectors. */
static const struct range zero[] = {
	{0x0300, 0x036F}, {0x0483, 0x0489}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
	{0x200B, 0x200D}, {0x2060, 0x2064}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
	{0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF},
};

/* Characters that steer a terminal or reorder text; shown as U+FFFD. */
static const struct range unsafe[] = {
	{0x00, 0x1F},	  {0x7F, 0x9F},	    {0x200E, 0x200F},
	{0x2028, 0x202E}, {0x2066, 0x2069},
};

static int in_ranges(uint32_t cp, const struct range *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (cp >= r[i].lo && cp <= r[i].hi)
			return 1;
	}
	return 0;
}

static size_t cp_width(uint32_t cp)
{
	if (cp < 0x300)
		return 1;
	if (in_ranges(cp, zero, ARRAY_SIZE(zero)))
		return 0;
	if (in_ranges(cp, wide, ARRAY_SIZE(wide)))
		return 2;
	return 1;
}

/*
 * Decodes one code point from s (len > 0 bytes) into *cp and returns the
 * bytes it took.  An invalid sequence gives REPLACEMENT and takes its
 * maximal invalid prefix: a bad lead byte alone, or a valid lead byte with
 * the continuation bytes that were still acceptable.
 */
static size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t need, i;
	uint32_t v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		v = c & 0x1Fu;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		v = c & 0x0Fu;
		lo = c == 0xE0 ? 0xA0 : 0x80;
		hi = c == 0xED ? 0x9F : 0xBF;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		v = c & 0x07u;
		lo = c == 0xF0 ? 0x90 : 0x80;
		hi = c == 0xF4 ? 0x8F : 0xBF;
	} else {
		*cp = REPLACEMENT;
		return 1;
	}
	for (i = 1; i <= need; i++) {
		if (i >= len || s[i] < lo || s[i] > hi) {
			*cp = REPLACEMENT;
			return i;
		}
		v = v << 6 | (s[i] & 0x3Fu);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = v;
	return need + 1;
}

static void utf8_add(struct buf *out, uint32_t cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	buf_add(out, b, n);
}

/* Makes c a safe copy of the len bytes at s. */
static void cell_set(struct cell *c, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	struct buf out = BUF_INIT;
	size_t i = 0, width = 0;
	uint32_t cp;

	while (i < len) {
		i += utf8_next(p + i, len - i, &cp);
		if (in_ranges(cp, unsafe, ARRAY_SIZE(unsafe)))
			cp = REPLACEMENT;
		utf8_add(&out, cp);
		width += cp_width(cp);
	}
	c->width = width;
	c->text = buf_detach(&out, NULL);
}

static void cell_set_value(struct cell *c, const json_t *v, struct buf *tmp)
{
	buf_reset(tmp);
	output_cell_text(tmp, v);
	cell_set(c, tmp->data, tmp->len);
}

/*
 * Appends the safe text of c cut to width columns: as much as fits before
 * an ellipsis, without the spaces that would end up just before it.
 * Returns the columns appended.
 */
static size_t add_cut(struct buf *out, const struct cell *c, size_t width)
{
	const unsigned char *p = (const unsigned char *)c->text;
	size_t len = strlen(c->text), i = 0, used = 0, n, w;
	size_t start = out->len;
	uint32_t cp;

	if (c->width <= width) {
		buf_add(out, c->text, len);
		return c->width;
	}
	if (!width)
		return 0;
	while (i < len) {
		n = utf8_next(p + i, len - i, &cp);
		w = cp_width(cp);
		if (used + w > width - 1)
			break;
		buf_add(out, p + i, n);
		used += w;
		i += n;
	}
	while (out->len > start && out->data[out->len - 1] == ' ') {
		buf_truncate(out, out->len - 1);
		used--;
	}
	buf_adds(out, ELLIPSIS);
	return used + 1;
}

static void add_spaces(struct buf *out, size_t n)
{
	while (n--)
		buf_addch(out, ' ');
}

/* Drops trailing spaces, adds the newline, writes and empties line. */
static int write_line(FILE *fp, struct buf *line)
{
	size_t len = line->len;
	int ret;

	while (len && line->data[len - 1] == ' ')
		len--;
	buf_truncate(line, len);
	buf_addch(line, '\n');
	ret = output_write(fp, line->data, line->len);
	buf_reset(line);
	return ret;
}

/* Upper-cases ASCII letters only, whatever the locale. */
static char ascii_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static void table_build(struct table *t, const json_t *rows,
			const char *const *columns)
{
	const char **own = NULL;
	struct buf tmp = BUF_INIT;
	size_t r, i;

	if (!columns)
		columns = own = output_columns(rows);
	for (t->ncols = 0; columns[t->ncols]; t->ncols++)
		;
	t->nrows = json_array_size(rows);
	t->cols = xcalloc(t->ncols, sizeof(*t->cols));
	t->cells = xcalloc(t->nrows, t->ncols * sizeof(*t->cells));
	for (i = 0; i < t->ncols; i++) {
		struct column *col = &t->cols[i];
		const char *k;

		buf_reset(&tmp);
		for (k = columns[i]; *k; k++)
			buf_addch(&tmp, ascii_upper(*k));
		cell_set(&col->head, tmp.data, tmp.len);
		col->natural = col->head.width;
		for (r = 0; r < t->nrows; r++) {
			struct cell *c = &t->cells[r * t->ncols + i];
			json_t *v = json_object_get(json_array_get(rows, r),
						    columns[i]);

			if (json_is_number(v) && !col->numeric)
				col->numeric = 1;
			else if (!json_is_number(v) && v && !json_is_null(v))
				col->numeric = -1;
			cell_set_value(c, v, &tmp);
			if (c->width > col->natural)
				col->natural = c->width;
		}
		col->numeric = col->numeric > 0;
		col->width = col->natural;
	}
	buf_release(&tmp);
	free(own);
}

static void table_release(struct table *t)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		free(t->cols[i].head.text);
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i].text);
	free(t->cols);
	free(t->cells);
}

/* A column's printed width when every column is capped at level. */
static size_t capped(const struct column *col, size_t level)
{
	size_t w = col->natural < level ? col->natural : level;

	return w > col->floor ? w : col->floor;
}

static size_t total_at(const struct table *t, size_t level)
{
	size_t i, sum = 2 * (t->ncols - 1);

	for (i = 0; i < t->ncols; i++)
		sum += capped(&t->cols[i], level);
	return sum;
}

/*
 * Narrows the widest columns until the table fits width: finds the highest
 * level L at which capping every column at L (never below its floor) fits,
 * then hands the columns left over, one each, to columns capped at L, from
 * the left.
 */
static void table_fit(struct table *t, size_t width)
{
	size_t i, lo = 0, hi = 0, spare;

	for (i = 0; i < t->ncols; i++) {
		struct column *col = &t->cols[i];
		size_t fl = col->head.width > MIN_CUT_WIDTH ? col->head.width
							    : MIN_CUT_WIDTH;

		col->floor =
			col->numeric || fl > col->natural ? col->natural : fl;
		if (col->natural > hi)
			hi = col->natural;
	}
	if (!width || total_at(t, hi) <= width)
		return;
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (total_at(t, mid) <= width)
			lo = mid;
		else
			hi = mid - 1;
	}
	spare = total_at(t, lo) <= width ? width - total_at(t, lo) : 0;
	for (i = 0; i < t->ncols; i++) {
		struct column *col = &t->cols[i];

		col->width = capped(col, lo);
		if (spare && col->natural > lo && col->floor <= lo) {
			col->width++;
			spare--;
		}
	}
}

static void add_cell(struct buf *line, const struct column *col,
		     const struct cell *c, int first)
{
	size_t w;

	if (!first)
		buf_adds(line, "  ");
	if (col->numeric && c->width < col->width)
		add_spaces(line, col->width - c->width);
	w = add_cut(line, c, col->width);
	if (!col->numeric && w < col->width)
		add_spaces(line, col->width - w);
}

static int table_print(FILE *fp, const struct table *t)
{
	struct buf line = BUF_INIT;
	size_t r, i;
	int ret = 0;

	for (i = 0; i < t->ncols; i++)
		add_cell(&line, &t->cols[i], &t->cols[i].head, !i);
	ret = write_line(fp, &line);
	for (r = 0; r < t->nrows && !ret; r++) {
		for (i = 0; i < t->ncols; i++)
			add_cell(&line, &t->cols[i],
				 &t->cells[r * t->ncols + i], !i);
		ret = write_line(fp, &line);
	}
	buf_release(&line);
	return ret;
}

int output_table(FILE *fp, const json_t *rows, const char *const *columns,
		 size_t width)
{
	struct table t;
	int ret;

	if (!json_array_size(rows)) {
		if (output_write(fp, "(no rows)\n", 10) < 0)
			return -1;
		return output_flush(fp);
	}
	table_build(&t, rows, columns);
	if (!t.ncols) {
		ret = output_write(fp, "(no columns)\n", 13);
	} else {
		table_fit(&t, width);
		ret = table_print(fp, &t);
	}
	table_release(&t);
	if (ret < 0)
		return -1;
	return output_flush(fp);
}

int output_keyvalue(FILE *fp, const json_t *object, size_t width)
{
	static const char *const columns[] = {"key", "value", NULL};
	json_t *pairs = output_flatten(object, NULL);
	int ret = 0;

	if (json_array_size(pairs))
		ret = output_table(fp, pairs, columns, width);
	json_decref(pairs);
	return ret;
}

int output_fields(FILE *fp, const json_t *object, const char *skip_key,
		  size_t width)
{
	json_t *pairs = output_flatten(object, skip_key);
	size_t n = json_array_size(pairs), i, keyw = 0, avail = 0;
	struct buf line = BUF_INIT, tmp = BUF_INIT;
	struct cell *keys = xcalloc(n, sizeof(*keys));
	struct cell value;
	int ret = 0;

	for (i = 0; i < n; i++) {
		cell_set_value(&keys[i],
			       json_object_get(json_array_get(pairs, i), "key"),
			       &tmp);
		if (keys[i].width > keyw)
			keyw = keys[i].width;
	}
	if (width)
		avail = width > keyw + 2 + MIN_CUT_WIDTH ? width - keyw - 2
							 : MIN_CUT_WIDTH;
	for (i = 0; i < n && !ret; i++) {
		buf_adds(&line, keys[i].text);
		buf_addch(&line, ':');
		add_spaces(&line, keyw + 1 - keys[i].width);
		cell_set_value(
			&value,
			json_object_get(json_array_get(pairs, i), "value"),
			&tmp);
		add_cut(&line, &value, avail ? avail : value.width);
		free(value.text);
		ret = write_line(fp, &line);
	}
	for (i = 0; i < n; i++)
		free(keys[i].text);
	free(keys);
	buf_release(&line);
	buf_release(&tmp);
	json_decref(pairs);
	if (ret < 0 || output_flush(fp) < 0)
		return -1;
	return (int)n;
}
