/*
 * timestamp.h - parsing and formatting points in time.
 *
 * testpump keeps every time as int64_t milliseconds since 1970-01-01T00:00Z
 * and shows every time in UTC.  Nothing here reads TZ or calls mktime() or
 * timegm(): calendar arithmetic is done directly (days from civil date and
 * back), so results are the same on every machine and for years before
 * 1970 too.
 */
#ifndef TESTPUMP_CORE_TIMESTAMP_H
#define TESTPUMP_CORE_TIMESTAMP_H

#include <stdint.h>

/* Room for any timestamp_format() output, NUL included. */
#define TIMESTAMP_MAX 32

/*
 * Parses an RFC 3339 time, or the ISO 8601 forms CI tools write, into *ms:
 *
 *	2024-05-01T12:34:56Z          2024-05-01t12:34:56z
 *	2024-05-01T12:34:56.123456Z   fraction of any length, truncated to ms
 *	2024-05-01T12:34:56+02:00     also -0530 and +02
 *	2024-05-01 12:34:56           no zone: taken as UTC
 *	2024-05-01T12:34              seconds may be left out
 *	2024-05-01                    midnight UTC
 *
 * Leading and trailing white space is allowed; anything else after the
 * time is not.  Fields out of range (month 13, 30 February, hour 24,
 * minute 60) are rejected; second 60 is taken as a leap second and read as
 * 59.  Returns 0, or -1 with the error message set and *ms untouched.
 */
int timestamp_parse(const char *s, int64_t *ms);

/*
 * Parses seconds since the epoch, "1700000000" or "1700000000.25", into
 * *ms; fraction digits beyond milliseconds are truncated.  A value of 1e11
 * or more (13 digits today) is milliseconds instead, any fraction dropped:
 * no CI run is 1e11 seconds (year 5138) away.  Signs, exponents and
 * negative values are rejected; white space around the number is allowed.
 * Returns 0, or -1 with the error message set and *ms untouched.
 */
int timestamp_parse_epoch(const char *s, int64_t *ms);

/*
 * timestamp_parse(), then timestamp_parse_epoch().  Returns 0, or -1 with
 * one message naming both accepted forms.
 */
int timestamp_parse_any(const char *s, int64_t *ms);

/*
 * Writes ms as "2024-05-01T12:34:56Z", or "2024-05-01T12:34:56.123Z" when
 * ms is not a whole second, into out.  Any int64_t is handled, including
 * times before 1970; years beyond 9999 print with more digits.
 */
void timestamp_format(int64_t ms, char out[TIMESTAMP_MAX]);

/*
 * Writes the UTC date of ms as "YYYY-MM-DD" into out.  Times outside the
 * years 0000 to 9999 are clamped to the first or last day of that range.
 */
void timestamp_format_date(int64_t ms, char out[11]);

/*
 * The current time (CLOCK_REALTIME) in ms.  When the environment variable
 * TESTPUMP_NOW is set to a time timestamp_parse_any() accepts, that time
 * is returned instead, so tests and golden files see a fixed clock; an
 * unparsable TESTPUMP_NOW is ignored with a warning.  The error message is
 * never changed.
 */
int64_t timestamp_now_ms(void);

#endif
