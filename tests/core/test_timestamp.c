/*
 * test_timestamp.c - parsing and formatting UTC times.
 *
 * Expected values come from Python's datetime (an independent calendar),
 * and for years outside its range from 400-year-cycle arithmetic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/log.h"
#include "core/timestamp.h"
#include "core/xalloc.h"

/* Leaves *ms at this value when a parse fails. */
#define UNTOUCHED INT64_C(-777)

static const struct {
	const char *text;
	int64_t ms;
} accepted[] = {
	{"2024-05-01T12:34:56Z", INT64_C(1714566896000)},
	{"2024-05-01t12:34:56z", INT64_C(1714566896000)},
	{"2024-05-01 12:34:56Z", INT64_C(1714566896000)},
	{"2024-05-01T12:34:56", INT64_C(1714566896000)},
	{"2024-05-01 12:34:56", INT64_C(1714566896000)},
	{"2024-05-01T12:34Z", INT64_C(1714566840000)},
	{"2024-05-01", INT64_C(1714521600000)},
	{"  2024-05-01T12:34:56Z\n", INT64_C(1714566896000)},
	{"\t2024-05-01 ", INT64_C(1714521600000)},
	/* Fractions of 1 to 9 digits, truncated (never rounded) to ms. */
	{"2024-05-01T12:34:56.1Z", INT64_C(1714566896100)},
	{"2024-05-01T12:34:56.12Z", INT64_C(1714566896120)},
	{"2024-05-01T12:34:56.123Z", INT64_C(1714566896123)},
	{"2024-05-01T12:34:56.1239Z", INT64_C(1714566896123)},
	{"2024-05-01T12:34:56.12399Z", INT64_C(1714566896123)},
	{"2024-05-01T12:34:56.999999Z", INT64_C(1714566896999)},
	{"2024-05-01T12:34:56.0000001Z", INT64_C(1714566896000)},
	{"2024-05-01T12:34:56.12345678Z", INT64_C(1714566896123)},
	{"2024-05-01T12:34:56.987654321Z", INT64_C(1714566896987)},
	{"2024-05-01T12:34:56,5Z", INT64_C(1714566896500)},
	/* Offsets: local time minus the offset is UTC. */
	{"2024-05-01T12:34:56+02:00", INT64_C(1714559696000)},
	{"2024-05-01T12:34:56-0530", INT64_C(1714586696000)},
	{"2024-05-01T12:34:56+02", INT64_C(1714559696000)},
	{"2024-05-01T12:34:56-00:00", INT64_C(1714566896000)},
	{"2024-05-01T00:30:00+01:00", INT64_C(1714519800000)},
	{"2024-05-01T23:59:59.5-23:59", INT64_C(1714694339500)},
	{"2024-05-01 12:34:56.123456+00:00", INT64_C(1714566896123)},
	/* Leap days, the epoch, before it, and the ends of the range. */
	{"2024-02-29T00:00:00Z", INT64_C(1709164800000)},
	{"2000-02-29", INT64_C(951782400000)},
	{"1970-01-01T00:00:00Z", INT64_C(0)},
	{"1969-12-31T23:59:59Z", INT64_C(-1000)},
	{"1969-12-31T23:59:59.999Z", INT64_C(-1)},
	{"1969-12-31T23:59:59.5Z", INT64_C(-500)},
	{"1969-07-20T20:17:40Z", INT64_C(-14182940000)},
	{"1970-01-01T00:00:00+00:01", INT64_C(-60000)},
	{"1900-01-01", INT64_C(-2208988800000)},
	{"0001-01-01T00:00:00Z", INT64_C(-62135596800000)},
	{"9999-12-31T23:59:59.999Z", INT64_C(253402300799999)},
	/* A leap second reads as the second before it. */
	{"2016-12-31T23:59:60Z", INT64_C(1483228799000)},
	{"2016-12-31T23:59:60.5Z", INT64_C(1483228799500)},
};

static const char *const rejected[] = {
	"",
	"   ",
	"2024-13-01",
	"2024-00-10",
	"2024-05-00",
	"2024-05-32",
	"2024-02-30",
	"2023-02-29",
	"1900-02-29",
	"2024-04-31",
	"2024-05-01T25:00:00Z",
	"2024-05-01T24:00:00Z",
	"2024-05-01T12:60:00Z",
	"2024-05-01T12:34:61Z",
	"2024-05-01T12:34:56Zjunk",
	"2024-05-01T12:34:56Z x",
	"2024-05-01T12:34:56 Z",
	"2024-05-01T12:34:56+2",
	"2024-05-01T12:34:56+02:0",
	"2024-05-01T12:34:56+24:00",
	"2024-05-01T12:34:56+02:60",
	"2024-05-01T12:34:56.",
	"2024-05-01T12:34:56.Z",
	"2024-05-01T12:34.5Z",
	"2024-05-01T",
	"2024-05-01T12",
	"2024-05-01T12:3",
	"2024-05-01T1:02:03Z",
	"2024-05-01  12:34:56",
	"2024-05-01X12:34:56",
	"2024-05-01Z",
	"24-05-01",
	"2024-5-1",
	"2024/05/01",
	"20240501",
	"+2024-05-01",
	"-2024-05-01",
	"1714566896",
	"yesterday",
};

static void test_parse_accepted(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(accepted); i++) {
		int64_t ms = UNTOUCHED;

		if (timestamp_parse(accepted[i].text, &ms))
			fail_msg("'%s' rejected: %s", accepted[i].text,
				 err_msg());
		if (ms != accepted[i].ms)
			fail_msg("'%s': got %lld, want %lld", accepted[i].text,
				 (long long)ms, (long long)accepted[i].ms);
		/* parse_any takes every RFC 3339 form too. */
		ms = UNTOUCHED;
		assert_int_equal(timestamp_parse_any(accepted[i].text, &ms), 0);
		assert_true(ms == accepted[i].ms);
	}
}

static void test_parse_rejected(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(rejected); i++) {
		char want[256];
		int64_t ms = UNTOUCHED;

		err_clear();
		if (timestamp_parse(rejected[i], &ms) != -1)
			fail_msg("'%s' accepted as %lld", rejected[i],
				 (long long)ms);
		assert_true(ms == UNTOUCHED);
		snprintf(want, sizeof(want),
			 "invalid timestamp '%s': expected RFC 3339, e.g. "
			 "2024-05-01T12:34:56Z",
			 rejected[i]);
		assert_string_equal(err_msg(), want);
	}
}

static const struct {
	int64_t ms;
	const char *text;
} formatted[] = {
	{INT64_C(0), "1970-01-01T00:00:00Z"},
	{INT64_C(-1), "1969-12-31T23:59:59.999Z"},
	{INT64_C(-500), "1969-12-31T23:59:59.500Z"},
	{INT64_C(-1000), "1969-12-31T23:59:59Z"},
	{INT64_C(1714566896123), "2024-05-01T12:34:56.123Z"},
	{INT64_C(1714566896000), "2024-05-01T12:34:56Z"},
	{INT64_C(1714566896001), "2024-05-01T12:34:56.001Z"},
	{INT64_C(1709164800000), "2024-02-29T00:00:00Z"},
	{INT64_C(951782400000), "2000-02-29T00:00:00Z"},
	{INT64_C(-14182940000), "1969-07-20T20:17:40Z"},
	{INT64_C(253402300799999), "9999-12-31T23:59:59.999Z"},
	{INT64_C(-62135596800000), "0001-01-01T00:00:00Z"},
	{INT64_C(-62135596800001), "0000-12-31T23:59:59.999Z"},
	{INT64_C(-62167219200000), "0000-01-01T00:00:00Z"},
	/* Outside RFC 3339, but still correct and inside TIMESTAMP_MAX. */
	{INT64_C(253402300800000), "10000-01-01T00:00:00Z"},
	{INT64_C(-62167219200001), "-0001-12-31T23:59:59.999Z"},
	{INT64_MAX, "292278994-08-17T07:12:55.807Z"},
	{INT64_MIN, "-292275055-05-16T16:47:04.192Z"},
};

static void test_format(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(formatted); i++) {
		char out[TIMESTAMP_MAX];
		int64_t back = UNTOUCHED;

		memset(out, 'X', sizeof(out));
		timestamp_format(formatted[i].ms, out);
		assert_string_equal(out, formatted[i].text);
		/* Round trip through the parser, for four-digit years. */
		if (out[4] != '-')
			continue;
		assert_int_equal(timestamp_parse(out, &back), 0);
		assert_true(back == formatted[i].ms);
	}
}

/* Every accepted input, formatted and parsed again, keeps its value. */
static void test_round_trip(void **state)
{
	int64_t ms;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(accepted); i++) {
		char out[TIMESTAMP_MAX];
		int64_t back = UNTOUCHED;

		timestamp_format(accepted[i].ms, out);
		assert_int_equal(timestamp_parse(out, &back), 0);
		assert_true(back == accepted[i].ms);
	}
	/* A sweep over 1965..2035 in steps that hit every ms remainder. */
	for (ms = INT64_C(-157766400000); ms < INT64_C(2082758400000);
	     ms += INT64_C(86399999) * 7 + 13) {
		char out[TIMESTAMP_MAX];
		int64_t back = UNTOUCHED;

		timestamp_format(ms, out);
		if (timestamp_parse(out, &back) || back != ms)
			fail_msg("%lld -> '%s' -> %lld", (long long)ms, out,
				 (long long)back);
	}
}

static void test_format_date(void **state)
{
	static const struct {
		int64_t ms;
		const char *date;
	} cases[] = {
		{INT64_C(0), "1970-01-01"},
		{INT64_C(-1), "1969-12-31"},
		{INT64_C(1714566896123), "2024-05-01"},
		{INT64_C(1709251199999), "2024-02-29"},
		{INT64_C(1709251200000), "2024-03-01"},
		{INT64_C(253402300799999), "9999-12-31"},
		{INT64_C(-62167219200000), "0000-01-01"},
		/* Clamped to the four-digit years. */
		{INT64_C(253402300800000), "9999-12-31"},
		{INT64_MAX, "9999-12-31"},
		{INT64_C(-62167219200001), "0000-01-01"},
		{INT64_MIN, "0000-01-01"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char out[11];

		memset(out, 'X', sizeof(out));
		timestamp_format_date(cases[i].ms, out);
		assert_string_equal(out, cases[i].date);
	}
}

static void test_parse_epoch(void **state)
{
	static const struct {
		const char *text;
		int64_t ms;
	} ok[] = {
		{"0", INT64_C(0)},
		{"1700000000", INT64_C(1700000000000)},
		{"1700000000.5", INT64_C(1700000000500)},
		{"1700000000.25", INT64_C(1700000000250)},
		{"1700000000.123456", INT64_C(1700000000123)},
		{" 1700000000\n", INT64_C(1700000000000)},
		{"0001700000000", INT64_C(1700000000000)},
		/* The largest seconds value, then the smallest ms value. */
		{"99999999999", INT64_C(99999999999000)},
		{"100000000000", INT64_C(100000000000)},
		{"1700000000123", INT64_C(1700000000123)},
		{"1700000000123.9", INT64_C(1700000000123)},
		{"9223372036854775807", INT64_MAX},
	};
	static const char *const bad[] = {
		"",
		"-1",
		"+1",
		"-1700000000",
		"abc",
		"1.",
		".5",
		"1e9",
		"1 2",
		"0x10",
		"1700000000Z",
		"1,5",
		"9223372036854775808",
		"99999999999999999999",
		"2024-05-01",
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		int64_t ms = UNTOUCHED;

		if (timestamp_parse_epoch(ok[i].text, &ms))
			fail_msg("'%s' rejected: %s", ok[i].text, err_msg());
		if (ms != ok[i].ms)
			fail_msg("'%s': got %lld, want %lld", ok[i].text,
				 (long long)ms, (long long)ok[i].ms);
		ms = UNTOUCHED;
		assert_int_equal(timestamp_parse_any(ok[i].text, &ms), 0);
		assert_true(ms == ok[i].ms);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char want[128];
		int64_t ms = UNTOUCHED;

		err_clear();
		if (timestamp_parse_epoch(bad[i], &ms) != -1)
			fail_msg("'%s' accepted as %lld", bad[i],
				 (long long)ms);
		assert_true(ms == UNTOUCHED);
		snprintf(want, sizeof(want),
			 "invalid epoch time '%s': ", bad[i]);
		assert_memory_equal(err_msg(), want, strlen(want));
	}
}

static void test_parse_any_rejected(void **state)
{
	static const char *const bad[] = {"", "soon", "2024-02-30", "-5",
					  "1700000000x"};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		char want[256];
		int64_t ms = UNTOUCHED;

		assert_int_equal(timestamp_parse_any(bad[i], &ms), -1);
		assert_true(ms == UNTOUCHED);
		snprintf(want, sizeof(want),
			 "invalid time '%s': expected RFC 3339 (e.g. "
			 "2024-05-01T12:34:56Z) or seconds since 1970 (e.g. "
			 "1714566896)",
			 bad[i]);
		assert_string_equal(err_msg(), want);
	}
}

/*
 * The wall clock in ms, read as timestamp_now_ms() reads it.  time() is
 * not used for the bounds: glibc serves it from a coarse clock that can
 * lag a few ms behind, which made this test fail across a second boundary.
 */
static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_now(void **state)
{
	FILE *log = tmpfile();
	char line[256] = "";
	int64_t before, now, after;

	(void)state;
	assert_non_null(log);
	assert_int_equal(setenv("TESTPUMP_NOW", "2024-05-01T12:34:56.5Z", 1),
			 0);
	assert_true(timestamp_now_ms() == INT64_C(1714566896500));
	assert_int_equal(setenv("TESTPUMP_NOW", "1700000000", 1), 0);
	assert_true(timestamp_now_ms() == INT64_C(1700000000000));

	/* Bad value: real clock, a warning, and the error message kept. */
	assert_int_equal(setenv("TESTPUMP_NOW", "noon", 1), 0);
	log_set_stream(log);
	err_set("earlier failure");
	before = wall_ms() - 1000;
	now = timestamp_now_ms();
	after = wall_ms() + 1000;
	log_set_stream(NULL);
	assert_true(now >= before && now <= after);
	assert_string_equal(err_msg(), "earlier failure");
	rewind(log);
	assert_non_null(fgets(line, sizeof(line), log));
	assert_non_null(strstr(line, "warning: ignoring TESTPUMP_NOW 'noon'"));
	fclose(log);

	assert_int_equal(unsetenv("TESTPUMP_NOW"), 0);
	before = wall_ms() - 1000;
	now = timestamp_now_ms();
	after = wall_ms() + 1000;
	assert_true(now >= before && now <= after);
	err_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_accepted),
		cmocka_unit_test(test_parse_rejected),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_format_date),
		cmocka_unit_test(test_parse_epoch),
		cmocka_unit_test(test_parse_any_rejected),
		cmocka_unit_test(test_now),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
