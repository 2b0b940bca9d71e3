/*
 * table.h - aligned text tables for people at a terminal.
 *
 * The cells come from CI output, which nobody controls, so what reaches the
 * terminal is made safe and measurable first:
 *
 *  - Control characters (C0 including ESC, TAB, CR and LF; DEL; C1), the
 *    bidirectional overrides and isolates (U+200E, U+200F, U+202A-U+202E,
 *    U+2066-U+2069) and the line and paragraph separators (U+2028, U+2029)
 *    are shown as U+FFFD, so data can never move the cursor, recolour the
 *    screen or reorder the line.  Invalid UTF-8 also becomes U+FFFD, one per
 *    maximal invalid subsequence (as the Unicode standard recommends).
 *  - Width is counted in terminal columns: East Asian wide and fullwidth
 *    characters and the common emoji blocks count 2, combining marks and
 *    zero-width joiners count 0, everything else 1.  A multi-byte sequence
 *    is never split.
 *
 * Layout: columns are separated by two spaces and lines carry no trailing
 * spaces.  A column whose every non-null cell is a JSON number is
 * right-aligned, header included; every other column is left-aligned.
 *
 * Fitting: when width > 0 and the table is wider, the widest columns are
 * narrowed first (all columns above some level are cut down to it, so the
 * narrow ones keep their full text).  A column is never cut below its
 * header nor below 8 columns (or its own natural width, when that is
 * smaller), and numeric columns are never cut, since a cut number reads as
 * another number.  A cut cell ends in U+2026, the one-character ellipsis
 * (spaces just before it are dropped).  When even the floors do not fit,
 * the table is printed at its floors, wider than width.  When width is 0
 * nothing is cut.
 */
#ifndef TESTPUMP_OUTPUT_TABLE_H
#define TESTPUMP_OUTPUT_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/*
 * Prints rows (an array of objects, borrowed) as a table to fp.  columns is
 * a NULL-terminated list of the keys to show, in order, or NULL for every
 * key met (see output_columns()).  The header is each key upper-cased
 * (ASCII letters only, '_' kept: SCHEMA_VERSION).  A missing key or a null
 * prints as an empty cell; other values print as output_cell_text() says.
 * An element that is not an object prints as an empty row.  An empty array
 * prints "(no rows)".  Returns 0, or -1 if writing failed.
 */
int output_table(FILE *fp, const json_t *rows, const char *const *columns,
		 size_t width);

/*
 * Prints object (borrowed) flattened (see output_flatten()) as a table of
 * two columns, KEY and VALUE, one line per field.  Prints nothing when no
 * field is left.  Returns 0, or -1 if writing failed.
 */
int output_keyvalue(FILE *fp, const json_t *object, size_t width);

/*
 * Prints object (borrowed) flattened, without skip_key (may be NULL), as
 * "key: value" lines with the values aligned one space after the longest
 * "key:".  Text is made safe as in a table; when width > 0 a line is cut to
 * width with U+2026, keeping at least 8 columns of value.  Returns the
 * number of lines printed, or -1 if writing failed.
 */
int output_fields(FILE *fp, const json_t *object, const char *skip_key,
		  size_t width);

#endif
