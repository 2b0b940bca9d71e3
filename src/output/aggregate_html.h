/*
 * aggregate_html.h - the HTML summary of 'testpump aggregate'.
 *
 * One self-contained page (inline style, no script, no external asset)
 * from the aggregate command's response: the payload's verdict, its runs
 * with links where their URLs are known, then every test, failed ones
 * first (blocking before informing), each with its explanation in the
 * original's words and how it did in each run.  Every string from CI data
 * is HTML-escaped.
 */
#ifndef TESTPUMP_OUTPUT_AGGREGATE_HTML_H
#define TESTPUMP_OUTPUT_AGGREGATE_HTML_H

#include <jansson.h>

#include "core/buf.h"

/*
 * Appends the summary page of resp (the aggregate response, borrowed; see
 * junit_xml_aggregated() for the keys read, plus "verdict", "summary" and
 * the tests' "attempts", "passes", "failures", "history_pct",
 * "required_passes" and "blocking") to out.
 */
void aggregate_html(struct buf *out, const json_t *resp);

#endif
