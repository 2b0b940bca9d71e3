/*
 * output.h - how a command's response reaches the person or program.
 *
 * Every command answers with one jansson object.  output_response() prints
 * it as a table for people, as JSON for programs, or as CSV for
 * spreadsheets, choosing the command's main list (its rows_key) when the
 * format is a grid.  The writers themselves are in table.h, csv.h and
 * json.h; this header also holds the pieces they share, so that a value
 * reads the same in a table cell and a CSV field.
 *
 * Nothing here takes ownership of a json_t: responses are borrowed, and
 * the functions that return a new json_t say so.  Writers return 0, or -1
 * with err_set() when the stream fails.
 */
#ifndef TESTPUMP_OUTPUT_OUTPUT_H
#define TESTPUMP_OUTPUT_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "core/buf.h"

enum output_format {
	OUTPUT_TABLE,
	OUTPUT_JSON,
	OUTPUT_CSV,
};

/*
 * Reads a format name ("table", "json" or "csv", exactly) into *out.
 * Returns 0, or -1 with a message naming s and the allowed values; *out is
 * left alone on failure.
 */
int output_format_parse(const char *s, enum output_format *out);

/* The name of f as output_format_parse() reads it; a static string. */
const char *output_format_name(enum output_format f);

/*
 * Prints response to fp in format fmt.
 *
 * JSON prints the whole response (see output_json()).  When rows_key names
 * an array of objects in the response, CSV prints those rows and TABLE
 * prints the other fields as aligned "key: value" lines, a blank line if
 * there were any, then the rows as a table ("(no rows)" when the array is
 * empty).  Otherwise (rows_key NULL, missing, or not an array of objects)
 * both print the flattened fields as a two-column key/value grid.  Table
 * and CSV output leave "api_version" out.
 *
 * width is the terminal width the table must fit in, 0 for no limit; JSON
 * and CSV ignore it.  Returns 0, or -1 if writing to fp failed.
 */
int output_response(FILE *fp, enum output_format fmt, const json_t *response,
		    const char *rows_key, size_t width);

/*
 * The width to give output_response() for fp: the window width when fp is
 * a terminal; otherwise $COLUMNS when it is set to a positive number; else
 * 80 for a terminal whose size is unknown and 0 (no limit) for a pipe or a
 * file.  Asks every time: nothing is cached, so a resized window is seen.
 */
size_t output_terminal_width(FILE *fp);

/*
 * Appends the text of one JSON value to out, as table cells and CSV fields
 * show it: a string as it is (bytes untouched, embedded NULs kept); an
 * integer in decimal; a real in the shortest form that reads back as the
 * same double, in plain notation for 1e-4 <= |x| < 1e16 and as "1e-09" or
 * "1.5e+20" outside (Python's repr() rule), with no ".0" for whole numbers
 * and -0.0 shown as "0"; "true" or "false"; null or a NULL value as
 * nothing; objects and arrays as compact JSON ({"a":1,"b":[true,"x"]}) with
 * reals written the same way.
 */
void output_cell_text(struct buf *out, const json_t *value);

/*
 * Flattens an object into a new array of {"key": K, "value": V} objects,
 * in the object's order, which the caller json_decref()s.  Nested objects
 * become dotted keys ("aggregation.min_attempts"); an empty one becomes
 * its key with an empty value.  An array of scalars becomes one string of
 * its cell texts joined with ", "; an array holding an object or an array
 * becomes its compact JSON.  Scalars keep their JSON type, so numbers stay
 * numbers.  The top-level "api_version" and the top-level skip_key (may be
 * NULL) are left out.  object must be a JSON object.
 */
json_t *output_flatten(const json_t *object, const char *skip_key);

/*
 * The columns of a table of rows (an array of objects): the keys of the
 * first row in order, then each key first met in a later row, appended.
 * Returns a new NULL-terminated array that the caller free()s; the strings
 * in it belong to the rows and live as long as they do.  Elements that are
 * not objects add no columns.
 */
const char **output_columns(const json_t *rows);

/*
 * Writes len bytes of data to fp.  Returns 0, or -1 with
 * "cannot write output: <strerror>" set.
 */
int output_write(FILE *fp, const void *data, size_t len);

/* Flushes fp; returns 0, or -1 with the message of output_write(). */
int output_flush(FILE *fp);

#endif
