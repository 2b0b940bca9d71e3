/*
 * html.c - escaping for HTML and SVG.
 */
#include "output/html.h"

#include <string.h>

#include "output/junit_xml.h"
#include "core/banned.h"

void html_escape(struct buf *out, const char *s)
{
	output_xml_escape(out, s);
}

void html_attr(struct buf *out, const char *s)
{
	const char *p, *start;

	if (!s)
		return;
	for (start = p = s; *p; p++) {
		const char *ref = NULL;

		if (*p == '\t')
			ref = "&#9;";
		else if (*p == '\n')
			ref = "&#10;";
		else if (*p == '\r')
			ref = "&#13;";
		if (!ref)
			continue;
		if (p > start) {
			struct buf part = BUF_INIT;

			buf_add(&part, start, (size_t)(p - start));
			output_xml_escape(out, part.data);
			buf_release(&part);
		}
		buf_adds(out, ref);
		start = p + 1;
	}
	output_xml_escape(out, start);
}

void html_url_encode(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	if (!s)
		return;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			buf_addch(out, (char)*p);
		} else {
			buf_addch(out, '%');
			buf_addch(out, hex[*p >> 4]);
			buf_addch(out, hex[*p & 15]);
		}
	}
}

void html_element(struct buf *out, const char *tag, const char *text)
{
	buf_addf(out, "<%s>", tag);
	html_escape(out, text);
	buf_addf(out, "</%s>", tag);
}
