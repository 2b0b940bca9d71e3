/*
 * urlq.c - query strings, environment and times for the connectors.
 */
#include "sources/urlq.h"

#include <stdlib.h>
#include <string.h>

#include "core/timestamp.h"
#include "core/xalloc.h"
#include "core/banned.h"

void urlq_escape(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~') {
			buf_addch(b, (char)c);
		} else {
			buf_addch(b, '%');
			buf_addch(b, hex[c >> 4]);
			buf_addch(b, hex[c & 15]);
		}
	}
}

void urlq_add(struct buf *url, const char *key, const char *value)
{
	buf_addch(url, strchr(url->data, '?') ? '&' : '?');
	buf_adds(url, key);
	buf_addch(url, '=');
	urlq_escape(url, value);
}

const char *urlq_env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

json_t *urlq_time(json_t *v)
{
	char out[TIMESTAMP_MAX];
	int64_t ms;

	if (!json_is_string(v) ||
	    timestamp_parse_any(json_string_value(v), &ms) < 0)
		return json_null();
	timestamp_format(ms / 1000 * 1000, out);
	return json_string(out);
}

json_t *urlq_str(json_t *v)
{
	return json_is_string(v) ? json_string(json_string_value(v))
				 : json_null();
}

char *urlq_base(const char *base)
{
	size_t len = strlen(base);

	while (len && base[len - 1] == '/')
		len--;
	if (strstr(base, "://"))
		return xasprintf("%.*s", (int)len, base);
	return xasprintf("https://%.*s", (int)len, base);
}
