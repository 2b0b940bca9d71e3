/*
 * csv.c - RFC 4180 fields with formula defusing.
 */
#include "output/csv.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "output/output.h"
#include "core/banned.h"

/* True when a spreadsheet would read text starting with c as a formula. */
static int is_formula_start(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' ||
	       c == '\r';
}

static int needs_quotes(const char *s, size_t len)
{
	size_t i;

	if (len && (s[0] == ' ' || s[len - 1] == ' '))
		return 1;
	for (i = 0; i < len; i++) {
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			return 1;
	}
	return 0;
}

/* Appends one field; text says whether it may need defusing. */
static void add_field(struct buf *line, const char *s, size_t len, int text)
{
	struct buf tmp = BUF_INIT;
	size_t i;

	if (text && len && is_formula_start(s[0])) {
		buf_addch(&tmp, '\'');
		buf_add(&tmp, s, len);
		s = tmp.data;
		len = tmp.len;
	}
	if (!needs_quotes(s, len)) {
		buf_add(line, s, len);
	} else {
		buf_addch(line, '"');
		for (i = 0; i < len; i++) {
			if (s[i] == '"')
				buf_addch(line, '"');
			buf_addch(line, s[i]);
		}
		buf_addch(line, '"');
	}
	buf_release(&tmp);
}

static void add_value(struct buf *line, const json_t *v, struct buf *tmp)
{
	buf_reset(tmp);
	output_cell_text(tmp, v);
	add_field(line, tmp->data, tmp->len, !json_is_number(v));
}

static int end_line(FILE *fp, struct buf *line)
{
	int ret;

	buf_addch(line, '\n');
	ret = output_write(fp, line->data, line->len);
	buf_reset(line);
	return ret;
}

int output_csv(FILE *fp, const json_t *rows, const char *const *columns)
{
	struct buf line = BUF_INIT, tmp = BUF_INIT;
	const char **own = NULL;
	size_t r, i, nrows = json_array_size(rows);
	int ret = 0;

	if (!columns)
		columns = own = output_columns(rows);
	if (!columns[0])
		goto out;
	for (i = 0; columns[i]; i++) {
		if (i)
			buf_addch(&line, ',');
		add_field(&line, columns[i], strlen(columns[i]), 1);
	}
	ret = end_line(fp, &line);
	for (r = 0; r < nrows && !ret; r++) {
		const json_t *row = json_array_get(rows, r);

		for (i = 0; columns[i]; i++) {
			if (i)
				buf_addch(&line, ',');
			add_value(&line, json_object_get(row, columns[i]),
				  &tmp);
		}
		ret = end_line(fp, &line);
	}
out:
	buf_release(&line);
	buf_release(&tmp);
	free(own);
	if (ret < 0)
		return -1;
	return output_flush(fp);
}

int output_csv_keyvalue(FILE *fp, const json_t *object)
{
	static const char *const columns[] = {"key", "value", NULL};
	json_t *pairs = output_flatten(object, NULL);
	int ret;

	ret = output_csv(fp, pairs, columns);
	json_decref(pairs);
	return ret;
}
