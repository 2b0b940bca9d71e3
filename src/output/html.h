/*
 * html.h - escaping for HTML and SVG, shared by every writer that puts
 * CI data into markup (web pages, SVG charts, the aggregation summary).
 *
 * Test names, messages and URLs come from CI and may hold anything,
 * "<script>" included: they reach markup only through these functions.
 */
#ifndef TESTPUMP_OUTPUT_HTML_H
#define TESTPUMP_OUTPUT_HTML_H

#include "core/buf.h"

/*
 * Appends s to out as text of an HTML or SVG element: & < > " ' become
 * entities, and control characters XML forbids become U+FFFD.  NULL
 * appends nothing.
 */
void html_escape(struct buf *out, const char *s);

/*
 * Appends s to out as the value of a double-quoted attribute: as
 * html_escape(), and tab, newline and carriage return as character
 * references so the value survives attribute normalisation.
 */
void html_attr(struct buf *out, const char *s);

/*
 * Appends s to out percent-encoded for a URL query value (RFC 3986:
 * everything but unreserved characters), ready for html_attr().
 */
void html_url_encode(struct buf *out, const char *s);

/*
 * Appends "<tag>" text "</tag>" with text escaped; tag is a literal from
 * the caller ("td", "h2"), never data.
 */
void html_element(struct buf *out, const char *tag, const char *text);

#endif
