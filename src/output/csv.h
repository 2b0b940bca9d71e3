/*
 * csv.h - comma-separated values for spreadsheets and scripts.
 *
 * RFC 4180, except that lines end in "\n" rather than CRLF (every reader
 * in use accepts both, and "\n" is what Unix tools expect).  A field is
 * quoted when it contains a comma, a double quote, CR or LF, or begins or
 * ends with a space; quotes inside are doubled.  The first line holds the
 * column names as they are.
 *
 * CSV is data, not a terminal, so bytes pass through unchanged, with one
 * exception: a text field (anything not written from a JSON number, the
 * header included) that begins with '=', '+', '-', '@', TAB or CR gets a
 * single quote in front, so a spreadsheet shows it instead of running it as
 * a formula (OWASP's advice on CSV injection).  A negative number stays a
 * number; the string "-5" reads back as "'-5".
 */
#ifndef TESTPUMP_OUTPUT_CSV_H
#define TESTPUMP_OUTPUT_CSV_H

#include <stdio.h>

#include <jansson.h>

/*
 * Writes rows (an array of objects, borrowed) as CSV to fp: a header line,
 * then one line per element.  columns is a NULL-terminated list of keys, or
 * NULL for every key met (see output_columns()).  A missing key or a null
 * is an empty field; other values are written as output_cell_text() says.
 * With no columns at all (NULL and no keys in any row) nothing is written.
 * Returns 0, or -1 if writing failed.
 */
int output_csv(FILE *fp, const json_t *rows, const char *const *columns);

/*
 * Writes object (borrowed) flattened (see output_flatten()) as two columns,
 * "key,value", one line per field.  Returns 0, or -1 if writing failed.
 */
int output_csv_keyvalue(FILE *fp, const json_t *object);

#endif
