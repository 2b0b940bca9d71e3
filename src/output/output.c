/*
 * output.c - format choice, the response dispatcher, and the value text
 * shared by the table and CSV writers.
 */
#include "output/output.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "output/csv.h"
#include "output/json.h"
#include "output/table.h"
#include "core/banned.h"

static const char *const format_names[] = {
	[OUTPUT_TABLE] = "table",
	[OUTPUT_JSON] = "json",
	[OUTPUT_CSV] = "csv",
};

int output_format_parse(const char *s, enum output_format *out)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(format_names); i++) {
		if (!strcmp(s, format_names[i])) {
			*out = (enum output_format)i;
			return 0;
		}
	}
	return err_set("unknown output format '%s' (expected table, json, csv)",
		       s);
}

const char *output_format_name(enum output_format f)
{
	if ((size_t)f >= ARRAY_SIZE(format_names))
		return "unknown";
	return format_names[f];
}

/* True when v is an array whose every element is an object. */
static int is_rows(const json_t *v)
{
	size_t i;

	if (!json_is_array(v))
		return 0;
	for (i = 0; i < json_array_size(v); i++) {
		if (!json_is_object(json_array_get(v, i)))
			return 0;
	}
	return 1;
}

static int response_table(FILE *fp, const json_t *response, const json_t *rows,
			  const char *rows_key, size_t width)
{
	int n;

	n = output_fields(fp, response, rows_key, width);
	if (n < 0)
		return -1;
	if (n > 0 && output_write(fp, "\n", 1) < 0)
		return -1;
	return output_table(fp, rows, NULL, width);
}

int output_response(FILE *fp, enum output_format fmt, const json_t *response,
		    const char *rows_key, size_t width)
{
	const json_t *rows = NULL;

	if (rows_key && json_is_object(response)) {
		rows = json_object_get(response, rows_key);
		if (!is_rows(rows))
			rows = NULL;
	}
	switch (fmt) {
	case OUTPUT_JSON:
		return output_json(fp, response);
	case OUTPUT_CSV:
		if (rows)
			return output_csv(fp, rows, NULL);
		return output_csv_keyvalue(fp, response);
	case OUTPUT_TABLE:
		break;
	}
	if (rows)
		return response_table(fp, response, rows, rows_key, width);
	return output_keyvalue(fp, response, width);
}

/* Reads $COLUMNS-style text: digits only, 1 to 65535. */
static size_t parse_columns(const char *s)
{
	size_t n = 0;

	if (!*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		n = n * 10 + (size_t)(*s - '0');
		if (n > 65535)
			return 0;
	}
	return n;
}

size_t output_terminal_width(FILE *fp)
{
	struct winsize ws;
	const char *env;
	size_t n;
	int fd = fileno(fp);
	int tty = fd >= 0 && isatty(fd);

	if (tty && !ioctl(fd, TIOCGWINSZ, &ws) && ws.ws_col > 0)
		return ws.ws_col;
	env = getenv("COLUMNS");
	if (env && (n = parse_columns(env)) > 0)
		return n;
	return tty ? 80 : 0;
}

/*
 * The shortest "%.*e" precision that reads back as d, then plain or
 * exponent notation by Python's repr() rule.
 */
static void add_real(struct buf *out, double d)
{
	char tmp[40];
	char *e;
	int prec, exp10, decimals;

	if (d == 0) {
		buf_addch(out, '0');
		return;
	}
	if (!isfinite(d)) {
		buf_adds(out, isnan(d) ? "nan" : d < 0 ? "-inf" : "inf");
		return;
	}
	for (prec = 1; prec < 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, d);
	e = strchr(tmp, 'e');
	exp10 = (int)strtol(e + 1, NULL, 10);
	if (exp10 < -4 || exp10 >= 16) {
		buf_adds(out, tmp);
		return;
	}
	decimals = prec - 1 - exp10;
	buf_addf(out, "%.*f", decimals > 0 ? decimals : 0, d);
}

/* A JSON string literal; bytes >= 0x80 are copied, controls escaped. */
static void add_json_string(struct buf *out, const char *s, size_t len)
{
	size_t i;

	buf_addch(out, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			buf_addch(out, '\\');
			buf_addch(out, (char)c);
		} else if (c == '\n') {
			buf_adds(out, "\\n");
		} else if (c == '\t') {
			buf_adds(out, "\\t");
		} else if (c == '\r') {
			buf_adds(out, "\\r");
		} else if (c < 0x20 || c == 0x7f) {
			buf_addf(out, "\\u%04x", c);
		} else {
			buf_addch(out, (char)c);
		}
	}
	buf_addch(out, '"');
}

/* Compact JSON, with reals written as add_real() writes them. */
static void add_compact(struct buf *out, const json_t *v)
{
	json_t *obj = (json_t *)v; /* jansson's iterators are not const */
	const char *key;
	void *it;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		buf_addch(out, '{');
		for (it = json_object_iter(obj); it;
		     it = json_object_iter_next(obj, it)) {
			if (it != json_object_iter(obj))
				buf_addch(out, ',');
			key = json_object_iter_key(it);
			add_json_string(out, key, strlen(key));
			buf_addch(out, ':');
			add_compact(out, json_object_iter_value(it));
		}
		buf_addch(out, '}');
		break;
	case JSON_ARRAY:
		buf_addch(out, '[');
		for (i = 0; i < json_array_size(v); i++) {
			if (i)
				buf_addch(out, ',');
			add_compact(out, json_array_get(v, i));
		}
		buf_addch(out, ']');
		break;
	case JSON_STRING:
		add_json_string(out, json_string_value(v),
				json_string_length(v));
		break;
	case JSON_NULL:
		buf_adds(out, "null");
		break;
	default:
		output_cell_text(out, v);
		break;
	}
}

void output_cell_text(struct buf *out, const json_t *value)
{
	if (!value)
		return;
	switch (json_typeof(value)) {
	case JSON_STRING:
		buf_add(out, json_string_value(value),
			json_string_length(value));
		break;
	case JSON_INTEGER:
		buf_addf(out, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(value));
		break;
	case JSON_REAL:
		add_real(out, json_real_value(value));
		break;
	case JSON_TRUE:
		buf_adds(out, "true");
		break;
	case JSON_FALSE:
		buf_adds(out, "false");
		break;
	case JSON_NULL:
		break;
	case JSON_OBJECT:
	case JSON_ARRAY:
		add_compact(out, value);
		break;
	}
}

/* The flattened value of v (not a non-empty object); a new reference. */
static json_t *flat_value(const json_t *v)
{
	struct buf text = BUF_INIT;
	json_t *item, *s;
	size_t i;

	if (json_is_object(v))
		return json_string("");
	if (!json_is_array(v))
		return json_incref((json_t *)v);
	for (i = 0; i < json_array_size(v); i++) {
		item = json_array_get(v, i);
		if (json_is_object(item) || json_is_array(item)) {
			buf_reset(&text);
			add_compact(&text, v);
			break;
		}
		if (i)
			buf_adds(&text, ", ");
		output_cell_text(&text, item);
	}
	s = json_stringn_nocheck(text.data, text.len);
	buf_release(&text);
	return s;
}

/*
 * Adds the fields of obj to pairs, their keys prefixed with key (empty at
 * the top level, where top is set).
 */
static void flatten_into(json_t *pairs, struct buf *key, const json_t *obj,
			 int top, const char *skip_key)
{
	json_t *o = (json_t *)obj; /* jansson's iterators are not const */
	size_t base = key->len;
	const char *k;
	json_t *v, *pair;
	void *it;

	for (it = json_object_iter(o); it; it = json_object_iter_next(o, it)) {
		k = json_object_iter_key(it);
		v = json_object_iter_value(it);
		if (top && (!strcmp(k, "api_version") ||
			    (skip_key && !strcmp(k, skip_key))))
			continue;
		buf_truncate(key, base);
		if (!top)
			buf_addch(key, '.');
		buf_adds(key, k);
		if (json_is_object(v) && json_object_size(v)) {
			flatten_into(pairs, key, v, 0, NULL);
			continue;
		}
		pair = json_object();
		json_object_set_new_nocheck(
			pair, "key", json_stringn_nocheck(key->data, key->len));
		json_object_set_new_nocheck(pair, "value", flat_value(v));
		json_array_append_new(pairs, pair);
	}
	buf_truncate(key, base);
}

json_t *output_flatten(const json_t *object, const char *skip_key)
{
	struct buf key = BUF_INIT;
	json_t *pairs = json_array();

	flatten_into(pairs, &key, object, 1, skip_key);
	buf_release(&key);
	return pairs;
}

const char **output_columns(const json_t *rows)
{
	json_t *seen = json_object();
	const char **cols = NULL;
	size_t n = 0, cap = 0, i;
	const char *key;
	json_t *row;
	void *it;

	for (i = 0; i < json_array_size(rows); i++) {
		row = json_array_get(rows, i);
		for (it = json_object_iter(row); it;
		     it = json_object_iter_next(row, it)) {
			key = json_object_iter_key(it);
			if (json_object_get(seen, key))
				continue;
			json_object_set_new_nocheck(seen, key, json_true());
			ALLOC_GROW(cols, n + 1, cap);
			cols[n++] = key;
		}
	}
	ALLOC_GROW(cols, n + 1, cap);
	cols[n] = NULL;
	json_decref(seen);
	return cols;
}

int output_write(FILE *fp, const void *data, size_t len)
{
	if (len && fwrite(data, 1, len, fp) != len)
		return err_set("cannot write output: %s", strerror(errno));
	return 0;
}

int output_flush(FILE *fp)
{
	if (fflush(fp) == EOF || ferror(fp))
		return err_set("cannot write output: %s", strerror(errno));
	return 0;
}
