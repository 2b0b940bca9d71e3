/*
 * json.h - the response as JSON, for programs.
 */
#ifndef TESTPUMP_OUTPUT_JSON_H
#define TESTPUMP_OUTPUT_JSON_H

#include <stdio.h>

#include <jansson.h>

/*
 * Writes value (borrowed; any JSON value) to fp as JSON: two-space indent,
 * keys in insertion order, reals with 15 significant digits (0.05 is
 * written 0.05, 1/3 as 0.333333333333333), non-ASCII text as UTF-8 rather
 * than \u escapes, and a final newline.  Returns 0, or -1 if writing
 * failed.
 */
int output_json(FILE *fp, const json_t *value);

#endif
