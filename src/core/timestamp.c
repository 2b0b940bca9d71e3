/*
 * timestamp.c - UTC times as milliseconds since the epoch.
 *
 * The calendar conversions are Howard Hinnant's days_from_civil() and
 * civil_from_days(): exact for the proleptic Gregorian calendar over the
 * whole int64_t range we need, with no table and no dependence on TZ.
 * The parsers come in two layers: static ones that only say yes or no
 * (timestamp_now_ms() must not touch the error message) and public ones
 * that set the message.
 */
#include "core/timestamp.h"

#include <stdlib.h>
#include <time.h>

#include "core/err.h"
#include "core/log.h"
#include "core/banned.h"

#define MS_PER_SEC INT64_C(1000)
#define MS_PER_DAY INT64_C(86400000)
/* Epoch integers at or above this are milliseconds, not seconds. */
#define EPOCH_MS_THRESHOLD INT64_C(100000000000)

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
	       *p == '\f' || *p == '\v')
		p++;
	return p;
}

/* Reads exactly n digits at *p into *out and steps over them. */
static int read_digits(const char **p, int n, int *out)
{
	int v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (!is_digit((*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

/*
 * Reads a fraction's digits (at least one, any number) at *p as whole
 * milliseconds, truncating what is finer, and steps over them.
 */
static int read_fraction(const char **p, int *ms)
{
	int v = 0, scale = 100;

	if (!is_digit(**p))
		return -1;
	for (; is_digit(**p); (*p)++) {
		v += (**p - '0') * scale;
		scale /= 10;
	}
	*ms = v;
	return 0;
}

static int is_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int days_in_month(int64_t y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30,
				   31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to y-m-d; m is 1..12, d is 1..31. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The date `days` after 1970-01-01 (negative: before). */
static void civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/*
 * "HH:MM[:SS[.fff...]]" into seconds of the day and milliseconds.  A leap
 * second (:60) is read as :59 so the result stays inside the minute.
 */
static int parse_clock(const char **pp, int *secs, int *msec)
{
	const char *p = *pp;
	int h, mi, s = 0, ms = 0;

	if (read_digits(&p, 2, &h) || *p != ':')
		return -1;
	p++;
	if (read_digits(&p, 2, &mi))
		return -1;
	if (*p == ':') {
		p++;
		if (read_digits(&p, 2, &s))
			return -1;
		if (*p == '.' || *p == ',') {
			p++;
			if (read_fraction(&p, &ms))
				return -1;
		}
	}
	if (h > 23 || mi > 59 || s > 60)
		return -1;
	if (s == 60)
		s = 59;
	*secs = h * 3600 + mi * 60 + s;
	*msec = ms;
	*pp = p;
	return 0;
}

/* "Z", "+HH:MM", "+HHMM", "+HH" or nothing, into seconds east of UTC. */
static int parse_zone(const char **pp, int *offset)
{
	const char *p = *pp;
	int sign, h, m = 0;

	if (*p == 'Z' || *p == 'z') {
		*offset = 0;
		*pp = p + 1;
		return 0;
	}
	if (*p != '+' && *p != '-') {
		*offset = 0;
		return 0;
	}
	sign = *p++ == '-' ? -1 : 1;
	if (read_digits(&p, 2, &h))
		return -1;
	if (*p == ':') {
		p++;
		if (read_digits(&p, 2, &m))
			return -1;
	} else if (is_digit(*p) && read_digits(&p, 2, &m)) {
		return -1;
	}
	if (h > 23 || m > 59)
		return -1;
	*offset = sign * (h * 3600 + m * 60);
	*pp = p;
	return 0;
}

static int parse_rfc3339(const char *s, int64_t *out)
{
	const char *p = skip_space(s);
	int y, mon, d, secs = 0, msec = 0, offset = 0;
	int64_t secs64;

	if (read_digits(&p, 4, &y) || *p != '-')
		return -1;
	p++;
	if (read_digits(&p, 2, &mon) || *p != '-')
		return -1;
	p++;
	if (read_digits(&p, 2, &d))
		return -1;
	if (mon < 1 || mon > 12 || d < 1 || d > days_in_month(y, mon))
		return -1;
	/* A space before a digit starts the time; otherwise it is trailing. */
	if (*p == 'T' || *p == 't' || (*p == ' ' && is_digit(p[1]))) {
		p++;
		if (parse_clock(&p, &secs, &msec) || parse_zone(&p, &offset))
			return -1;
	}
	if (*skip_space(p))
		return -1;
	secs64 = days_from_civil(y, mon, d) * 86400 + secs - offset;
	*out = secs64 * MS_PER_SEC + msec;
	return 0;
}

static int parse_epoch(const char *s, int64_t *out)
{
	const char *p = skip_space(s);
	int64_t whole = 0;
	int msec = 0;

	if (!is_digit(*p))
		return -1;
	for (; is_digit(*p); p++) {
		int digit = *p - '0';

		if (whole > (INT64_MAX - digit) / 10)
			return -1;
		whole = whole * 10 + digit;
	}
	if (*p == '.') {
		p++;
		if (read_fraction(&p, &msec))
			return -1;
	}
	if (*skip_space(p))
		return -1;
	if (whole >= EPOCH_MS_THRESHOLD)
		*out = whole;
	else
		*out = whole * MS_PER_SEC + msec;
	return 0;
}

int timestamp_parse(const char *s, int64_t *ms)
{
	if (parse_rfc3339(s, ms))
		return err_set("invalid timestamp '%s': expected RFC 3339, "
			       "e.g. 2024-05-01T12:34:56Z",
			       s);
	return 0;
}

int timestamp_parse_epoch(const char *s, int64_t *ms)
{
	if (parse_epoch(s, ms))
		return err_set("invalid epoch time '%s': expected seconds or "
			       "milliseconds since 1970, e.g. 1714566896",
			       s);
	return 0;
}

int timestamp_parse_any(const char *s, int64_t *ms)
{
	if (parse_rfc3339(s, ms) && parse_epoch(s, ms))
		return err_set("invalid time '%s': expected RFC 3339 "
			       "(e.g. 2024-05-01T12:34:56Z) or seconds since "
			       "1970 (e.g. 1714566896)",
			       s);
	return 0;
}

/* Floor-divides ms into whole days and the milliseconds of the day. */
static void split_day(int64_t ms, int64_t *days, int64_t *ms_of_day)
{
	*days = ms / MS_PER_DAY;
	*ms_of_day = ms % MS_PER_DAY;
	if (*ms_of_day < 0) {
		*ms_of_day += MS_PER_DAY;
		(*days)--;
	}
}

/*
 * Writes v (>= 0) in decimal, zero-padded to at least width digits, at p;
 * returns the end.  By hand rather than snprintf, whose output length the
 * compiler cannot bound for an int64_t year.
 */
static char *put_num(char *p, int64_t v, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v || n < width);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* Writes the UTC date of ms, "[-]YYYY-MM-DD", at p; returns the end. */
static char *put_date(char *p, int64_t days)
{
	int64_t y;
	int m, d;

	civil_from_days(days, &y, &m, &d);
	if (y < 0) {
		*p++ = '-';
		y = -y;
	}
	p = put_num(p, y, 4);
	*p++ = '-';
	p = put_num(p, m, 2);
	*p++ = '-';
	return put_num(p, d, 2);
}

void timestamp_format(int64_t ms, char out[TIMESTAMP_MAX])
{
	int64_t days, rem;
	char *p;

	split_day(ms, &days, &rem);
	p = put_date(out, days);
	*p++ = 'T';
	p = put_num(p, rem / 3600000, 2);
	*p++ = ':';
	p = put_num(p, rem / 60000 % 60, 2);
	*p++ = ':';
	p = put_num(p, rem / 1000 % 60, 2);
	if (rem % 1000) {
		*p++ = '.';
		p = put_num(p, rem % 1000, 3);
	}
	*p++ = 'Z';
	*p = '\0';
}

void timestamp_format_date(int64_t ms, char out[11])
{
	int64_t min = days_from_civil(0, 1, 1) * MS_PER_DAY;
	int64_t max = days_from_civil(10000, 1, 1) * MS_PER_DAY - 1;
	int64_t days, rem;

	if (ms < min)
		ms = min;
	if (ms > max)
		ms = max;
	split_day(ms, &days, &rem);
	*put_date(out, days) = '\0';
}

int64_t timestamp_now_ms(void)
{
	const char *env = getenv("TESTPUMP_NOW");
	struct timespec ts;
	int64_t ms;

	if (env && *env) {
		if (!parse_rfc3339(env, &ms) || !parse_epoch(env, &ms))
			return ms;
		log_warn("ignoring TESTPUMP_NOW '%s': expected RFC 3339, "
			 "e.g. 2024-05-01T12:34:56Z",
			 env);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * MS_PER_SEC + ts.tv_nsec / 1000000;
}
