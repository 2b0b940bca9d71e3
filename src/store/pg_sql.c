/*
 * pg_sql.c - placeholders, statement splitting and COPY text for pg.c.
 *
 * One small lexer serves all three: it knows just enough of PostgreSQL's
 * syntax to step over the tokens whose contents are not SQL (literals,
 * quoted identifiers, dollar-quoted bodies, comments).
 */
#include "store/pg_sql.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/banned.h"

/* The end of a dollar quote's opening tag at p ("$$", "$body$"), or NULL. */
static const char *dollar_tag_end(const char *p)
{
	const char *q = p + 1;

	if (*p != '$')
		return NULL;
	if (*q == '$')
		return q + 1;
	if (!isalpha((unsigned char)*q) && *q != '_')
		return NULL;
	while (isalnum((unsigned char)*q) || *q == '_')
		q++;
	return *q == '$' ? q + 1 : NULL;
}

/*
 * If p starts a token whose contents are not SQL, returns the end of that
 * token (or of the text, when it is not closed); else NULL.  start is the
 * beginning of the text, to look at the character before p.
 */
static const char *skip_opaque(const char *start, const char *p)
{
	const char *end, *tag_end;
	int backslashes;

	if (p[0] == '-' && p[1] == '-')
		return p + strcspn(p, "\n");
	if (p[0] == '/' && p[1] == '*') {
		end = strstr(p + 2, "*/");
		return end ? end + 2 : p + strlen(p);
	}
	if (*p == '\'' || *p == '"') {
		char quote = *p;

		/* E'...' strings take backslash escapes. */
		backslashes =
			quote == '\'' && p > start &&
			(p[-1] == 'E' || p[-1] == 'e') &&
			(p - 1 == start ||
			 !(isalnum((unsigned char)p[-2]) || p[-2] == '_'));
		for (end = p + 1; *end; end++) {
			if (backslashes && *end == '\\' && end[1]) {
				end++;
			} else if (*end == quote) {
				if (end[1] != quote)
					return end + 1;
				end++; /* a doubled quote */
			}
		}
		return end;
	}
	/* $1 is a parameter, not a dollar quote; an identifier may hold $. */
	if (*p == '$' &&
	    (p == start || !(isalnum((unsigned char)p[-1]) || p[-1] == '_' ||
			     p[-1] == '$')) &&
	    (tag_end = dollar_tag_end(p))) {
		size_t taglen = (size_t)(tag_end - p);

		for (end = tag_end; *end; end++) {
			if (*end == '$' && !strncmp(end, p, taglen))
				return end + taglen;
		}
		return end;
	}
	return NULL;
}

void pg_sql_number_params(const char *sql, struct buf *out, size_t *nparams)
{
	const char *p = sql, *end;
	size_t n = 0;

	while (*p) {
		if ((end = skip_opaque(sql, p))) {
			buf_add(out, p, (size_t)(end - p));
			p = end;
		} else if (*p == '?') {
			buf_addf(out, "$%zu", ++n);
			p++;
		} else {
			buf_addch(out, *p++);
		}
	}
	*nparams = n;
}

const char *pg_sql_statement_end(const char *sql)
{
	const char *p = sql, *end;

	while (*p) {
		if ((end = skip_opaque(sql, p)))
			p = end;
		else if (*p++ == ';')
			return p;
	}
	return p;
}

void pg_copy_field(struct buf *b, const struct store_value *v)
{
	const char *s;

	switch (v->type) {
	case STORE_INT:
		buf_addf(b, "%" PRId64, v->i);
		return;
	case STORE_REAL:
		buf_addf(b, "%.17g", v->d);
		return;
	case STORE_TEXT:
		if (v->s)
			break;
		/* fall through */
	case STORE_NULL:
	default:
		buf_adds(b, "\\N");
		return;
	}
	for (s = v->s; *s; s++) {
		switch (*s) {
		case '\\':
			buf_adds(b, "\\\\");
			break;
		case '\t':
			buf_adds(b, "\\t");
			break;
		case '\n':
			buf_adds(b, "\\n");
			break;
		case '\r':
			buf_adds(b, "\\r");
			break;
		default:
			buf_addch(b, *s);
		}
	}
}

void pg_sql_first_line(const char *msg, char *out, size_t size)
{
	size_t n;

	if (!msg)
		msg = "";
	if (!strncmp(msg, "ERROR:  ", 8))
		msg += 8;
	n = strcspn(msg, "\n");
	if (n >= size)
		n = size - 1;
	memcpy(out, msg, n);
	out[n] = '\0';
}

void pg_sql_one_line(const char *msg, char *out, size_t size)
{
	size_t n = 0;

	for (const char *p = msg; *p && n + 1 < size; p++) {
		if (*p == '\n') {
			if (!p[1])
				break;
			if (n + 3 >= size)
				break;
			memcpy(out + n, "; ", 2);
			n += 2;
			continue;
		}
		out[n++] = *p;
	}
	out[n] = '\0';
}

void pg_sql_format_params(const struct store_value *params, size_t n,
			  const char **out, char (*bufs)[32])
{
	for (size_t i = 0; i < n; i++) {
		const struct store_value *v = &params[i];

		switch (v->type) {
		case STORE_INT:
			snprintf(bufs[i], 32, "%" PRId64, v->i);
			out[i] = bufs[i];
			break;
		case STORE_REAL:
			snprintf(bufs[i], 32, "%.17g", v->d);
			out[i] = bufs[i];
			break;
		case STORE_TEXT:
			out[i] = v->s;
			break;
		default:
			out[i] = NULL;
		}
	}
}
