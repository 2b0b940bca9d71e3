/*
 * junit_xml.h - the aggregated JUnit XML of 'testpump aggregate'.
 *
 * Written from the aggregate command's response (a JSON object, borrowed),
 * so what a file says is exactly what the command answered: one
 * <testsuite> per suite, one <testcase> per test, per-run details in
 * <system-out>, a <failure> carrying the explanation for each failed test
 * and a <skipped> for each skipped one, as job-run-aggregator's
 * junit-aggregated.xml (seed-systems.md 2.3).  Every string from CI data
 * is escaped, and characters XML 1.0 forbids are replaced by U+FFFD, so
 * the file always parses.
 */
#ifndef TESTPUMP_OUTPUT_JUNIT_XML_H
#define TESTPUMP_OUTPUT_JUNIT_XML_H

#include <jansson.h>

#include "core/buf.h"

/*
 * Appends s to out escaped for XML and HTML text and attribute values:
 * & < > " ' as entities, and control characters other than tab, newline
 * and carriage return (which XML 1.0 forbids) as U+FFFD.  NULL appends
 * nothing.
 */
void output_xml_escape(struct buf *out, const char *s);

/*
 * Appends the aggregated JUnit XML of resp (the aggregate response:
 * "job", "payload", "runs" [{run_id, url}], "tests" [{suite, classname,
 * name, verdict, explanation, informing, results}], where results has
 * one letter per run of "runs": p pass, f fail, k flaky, s skip, - not
 * reported) to out.  Suites come in the order their
 * first test appears in "tests".
 */
void junit_xml_aggregated(struct buf *out, const json_t *resp);

#endif
