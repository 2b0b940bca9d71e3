/*
 * jscan.c - the in-place JSON reader: one recursive-descent pass, nodes in
 * document order, strings unescaped where they lie.
 */
#include "sources/jscan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "core/banned.h"

/* Deeper documents are refused (TestRail's are 4 levels deep). */
#define MAX_DEPTH 128

struct parser {
	struct jscan *j;
	char *start;
	char *p;
	char *end;
	const char *why; /* the first error */
	char *at;
};

void jscan_init(struct jscan *j)
{
	memset(j, 0, sizeof(*j));
}

void jscan_release(struct jscan *j)
{
	free(j->nodes);
	jscan_init(j);
}

static int fail(struct parser *ps, const char *why)
{
	if (!ps->why) {
		ps->why = why;
		ps->at = ps->p;
	}
	return -1;
}

static uint32_t new_node(struct jscan *j, uint8_t type, const char *key)
{
	struct jscan_node *n;

	if (j->n == j->cap) {
		j->cap = j->cap ? j->cap * 2 : 1024;
		j->nodes = xreallocarray(j->nodes, j->cap, sizeof(*j->nodes));
	}
	n = &j->nodes[j->n];
	n->key = key;
	n->str = NULL;
	n->i = 0;
	n->d = 0;
	n->type = type;
	n->end = j->n + 1;
	return j->n++;
}

/* Bytes that end a run of plain string characters: '"', '\\', controls. */
static const unsigned char string_stop[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1,
	[0x06] = 1, [0x07] = 1, [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1,
	[0x0c] = 1, [0x0d] = 1, [0x0e] = 1, [0x0f] = 1, [0x10] = 1, [0x11] = 1,
	[0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1,
	[0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1, [0x1d] = 1,
	[0x1e] = 1, [0x1f] = 1, ['"'] = 1,  ['\\'] = 1,
};

static void skip_ws(struct parser *ps)
{
	/* Pages from servers are mostly compact: test the common case. */
	if (ps->p < ps->end && (unsigned char)*ps->p > ' ')
		return;
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' ||
				   *ps->p == '\r' || *ps->p == '\t'))
		ps->p++;
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;

	for (int k = 0; k < 4; k++) {
		char c = s[k];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* Writes code point cp as UTF-8 at *w. */
static void put_utf8(char **w, unsigned cp)
{
	char *o = *w;

	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | (cp >> 6));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | (cp >> 12));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | (cp >> 18));
		*o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	*w = o;
}

/* One \u escape (p at the 'u'), a surrogate pair taken whole. */
static int unicode_escape(struct parser *ps, char **w)
{
	unsigned cp, lo;

	if (ps->end - ps->p < 5 || hex4(ps->p + 1, &cp) < 0)
		return fail(ps, "invalid \\u escape");
	ps->p += 5;
	if (cp >= 0xd800 && cp < 0xdc00) {
		if (ps->end - ps->p < 6 || ps->p[0] != '\\' ||
		    ps->p[1] != 'u' || hex4(ps->p + 2, &lo) < 0 ||
		    lo < 0xdc00 || lo > 0xdfff)
			return fail(ps, "invalid surrogate pair");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		ps->p += 6;
	} else if (cp >= 0xdc00 && cp < 0xe000) {
		return fail(ps, "invalid surrogate pair");
	}
	if (!cp)
		return fail(ps, "\\u0000 is not supported");
	put_utf8(w, cp);
	return 0;
}

/*
 * A string, p just past its opening quote: unescaped in place, the NUL
 * where the closing quote (or the escape's tail) was.  *out is its start.
 */
static int scan_string(struct parser *ps, char **out, size_t *len)
{
	char *w = ps->p;

	*out = ps->p;
	for (;;) {
		char *q = ps->p;

		/* The common case: a run of plain characters. */
		while (q < ps->end && !string_stop[(unsigned char)*q])
			q++;
		if (w != ps->p)
			memmove(w, ps->p, (size_t)(q - ps->p));
		w += q - ps->p;
		ps->p = q;
		if (q >= ps->end)
			return fail(ps, "premature end of input in a string");
		if (*q == '"')
			break;
		if (*q != '\\')
			return fail(ps, "control character in a string");
		ps->p++;
		if (ps->p >= ps->end)
			return fail(ps, "premature end of input in a string");
		switch (*ps->p) {
		case '"':
		case '\\':
		case '/':
			*w++ = *ps->p++;
			break;
		case 'b':
			*w++ = '\b', ps->p++;
			break;
		case 'f':
			*w++ = '\f', ps->p++;
			break;
		case 'n':
			*w++ = '\n', ps->p++;
			break;
		case 'r':
			*w++ = '\r', ps->p++;
			break;
		case 't':
			*w++ = '\t', ps->p++;
			break;
		case 'u':
			if (unicode_escape(ps, &w) < 0)
				return -1;
			break;
		default:
			return fail(ps, "invalid escape in a string");
		}
	}
	*w = '\0';
	*len = (size_t)(w - *out);
	ps->p++; /* the closing quote */
	return 0;
}

static int scan_number(struct parser *ps, uint32_t idx)
{
	struct jscan_node *n = &ps->j->nodes[idx];
	char *s = ps->p, *q = ps->p;
	int neg = 0, real = 0;
	uint64_t v = 0;

	if (*q == '-')
		neg = 1, q++;
	if (q >= ps->end || *q < '0' || *q > '9')
		return fail(ps, "invalid number");
	if (*q == '0' && q + 1 < ps->end && q[1] >= '0' && q[1] <= '9')
		return fail(ps, "invalid number: leading zero");
	for (; q < ps->end && *q >= '0' && *q <= '9'; q++) {
		if (v > (UINT64_MAX - 9) / 10)
			real = 1;
		v = v * 10 + (uint64_t)(*q - '0');
	}
	if (q < ps->end && (*q == '.' || *q == 'e' || *q == 'E'))
		real = 1;
	if (!real && v > (uint64_t)INT64_MAX + (uint64_t)neg)
		real = 1;
	if (!real) {
		n->type = JSCAN_INT;
		n->i = neg ? (int64_t)(0 - v) : (int64_t)v;
		ps->p = q;
		return 0;
	}
	/* The text is NUL-terminated, so strtod cannot run past it. */
	n->type = JSCAN_REAL;
	n->d = strtod(s, &q);
	if (q == s || q > ps->end)
		return fail(ps, "invalid number");
	ps->p = q;
	return 0;
}

static int scan_value(struct parser *ps, const char *key, int depth);

static int scan_container(struct parser *ps, uint32_t idx, int obj, int depth)
{
	char close = obj ? '}' : ']';

	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return 0;
	}
	for (;;) {
		char *key = NULL;
		size_t klen;

		if (obj) {
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != '"')
				return fail(ps, "expected a member name");
			ps->p++;
			if (scan_string(ps, &key, &klen) < 0)
				return -1;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':')
				return fail(ps, "expected ':'");
			ps->p++;
		}
		if (scan_value(ps, key, depth + 1) < 0)
			return -1;
		ps->j->nodes[idx].i++;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			return 0;
		}
		if (ps->p >= ps->end)
			return fail(ps, "premature end of input");
		return fail(ps, obj ? "expected ',' or '}'"
				    : "expected ',' or ']'");
	}
}

static int scan_word(struct parser *ps, const char *word, uint8_t type,
		     uint32_t idx)
{
	size_t len = strlen(word);

	if ((size_t)(ps->end - ps->p) < len || memcmp(ps->p, word, len))
		return fail(ps, "invalid token");
	ps->p += len;
	ps->j->nodes[idx].type = type;
	return 0;
}

static int scan_value(struct parser *ps, const char *key, int depth)
{
	struct jscan *j = ps->j;
	uint32_t idx;
	char *s;
	size_t len;
	int rc;

	skip_ws(ps);
	if (ps->p >= ps->end)
		return fail(ps, "premature end of input");
	if (depth > MAX_DEPTH)
		return fail(ps, "nested too deeply");
	idx = new_node(j, JSCAN_NULL, key);
	switch (*ps->p) {
	case '{':
	case '[':
		j->nodes[idx].type = *ps->p == '{' ? JSCAN_OBJECT : JSCAN_ARRAY;
		rc = scan_container(ps, idx, *ps->p == '{', depth);
		j->nodes[idx].end = j->n;
		return rc;
	case '"':
		ps->p++;
		if (scan_string(ps, &s, &len) < 0)
			return -1;
		j->nodes[idx].type = JSCAN_STRING;
		j->nodes[idx].str = s;
		j->nodes[idx].i = (int64_t)len;
		return 0;
	case 't':
		return scan_word(ps, "true", JSCAN_TRUE, idx);
	case 'f':
		return scan_word(ps, "false", JSCAN_FALSE, idx);
	case 'n':
		return scan_word(ps, "null", JSCAN_NULL, idx);
	default:
		return scan_number(ps, idx);
	}
}

/* Line and column (from 1) of position at. */
static void locate(struct parser *ps, char *at, int *line, int *column)
{
	*line = 1;
	*column = 1;
	for (char *q = ps->start; q < at && q < ps->end; q++) {
		if (*q == '\n') {
			(*line)++;
			*column = 1;
		} else {
			(*column)++;
		}
	}
}

int jscan_parse(struct jscan *j, char *text, size_t len)
{
	struct parser ps = {j, text, text, text + len, NULL, NULL};

	j->n = 0;
	j->error[0] = '\0';
	j->line = j->column = 0;
	new_node(j, JSCAN_NONE, NULL);
	/*
	 * Positions are located before the text changes under them: a
	 * failure's line is counted in text that escapes may have shortened,
	 * close enough to find the spot.
	 */
	if (scan_value(&ps, NULL, 0) == 0) {
		skip_ws(&ps);
		if (ps.p == ps.end)
			return 0;
		fail(&ps, "end of file expected");
	}
	snprintf(j->error, sizeof(j->error), "%s", ps.why);
	locate(&ps, ps.at, &j->line, &j->column);
	j->n = 0;
	return -1;
}

uint32_t jscan_get(const struct jscan *j, uint32_t obj, const char *key)
{
	if (jscan_type(j, obj) != JSCAN_OBJECT)
		return 0;
	for (uint32_t c = jscan_first(j, obj); c; c = jscan_next(j, obj, c))
		if (j->nodes[c].key[0] == key[0] &&
		    !strcmp(j->nodes[c].key, key))
			return c;
	return 0;
}

json_t *jscan_to_json(const struct jscan *j, uint32_t v)
{
	json_t *out;

	switch (jscan_type(j, v)) {
	case JSCAN_FALSE:
		return json_false();
	case JSCAN_TRUE:
		return json_true();
	case JSCAN_INT:
		return json_integer(j->nodes[v].i);
	case JSCAN_REAL:
		return json_real(j->nodes[v].d);
	case JSCAN_STRING:
		return json_stringn(j->nodes[v].str, (size_t)j->nodes[v].i);
	case JSCAN_ARRAY:
		out = json_array();
		for (uint32_t c = jscan_first(j, v); c; c = jscan_next(j, v, c))
			json_array_append_new(out, jscan_to_json(j, c));
		return out;
	case JSCAN_OBJECT:
		out = json_object();
		for (uint32_t c = jscan_first(j, v); c; c = jscan_next(j, v, c))
			json_object_set_new(out, j->nodes[c].key,
					    jscan_to_json(j, c));
		return out;
	default:
		return json_null();
	}
}
