/*
 * test_history.c - the historical comparison: Go's duration text, P value
 * parsing, Go's JSON number and string forms, the comparison's edge cases
 * and the PR message and review texts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/history.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/banned.h"

#define NS_S INT64_C(1000000000)

static void test_duration_string(void **state)
{
	/* Expected values are what Go's time.Duration.String() prints. */
	static const struct {
		int64_t ns;
		const char *want;
	} cases[] = {
		{0, "0s"},
		{1, "1ns"},
		{999, "999ns"},
		{1000, "1µs"},
		{1500, "1.5µs"},
		{1000000, "1ms"},
		{1500000, "1.5ms"},
		{999000000, "999ms"},
		{750000000, "750ms"},
		{NS_S, "1s"},
		{1500000000, "1.5s"},
		{1234000000, "1.234s"},
		{2600000000, "2.6s"},
		{59 * NS_S + 999000000, "59.999s"},
		{60 * NS_S, "1m0s"},
		{123400000000, "2m3.4s"},
		{125400000000, "2m5.4s"},
		{3599999000000, "59m59.999s"},
		{3600 * NS_S, "1h0m0s"},
		{3661 * NS_S, "1h1m1s"},
		{3600 * NS_S + 500000000, "1h0m0.5s"},
		{100 * 3600 * NS_S, "100h0m0s"},
		{-1500000000, "-1.5s"},
		{-1, "-1ns"},
		{INT64_C(1) << 62, "1281023h53m38.427387904s"},
		{INT64_MAX, "2562047h47m16.854775807s"},
		{INT64_MIN, "-2562047h47m16.854775808s"},
	};
	char out[32];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hist_duration_string(cases[i].ns, out);
		assert_string_equal(out, cases[i].want);
	}
}

static void test_parse_seconds(void **state)
{
	static const struct {
		const char *text;
		int64_t ms;
	} good[] = {
		{"299.4", 299400},
		{"12.0", 12000},
		{"0", 0},
		{"0.0", 0},
		{"1e3", 1000000},
		{"+1.5", 1500},
		{".5", 500},
		{"5.", 5000},
		{"0.0005", 1},
		{"1.0005", 1000},
		{"2.0004999", 2000},
		{"-0", 0},
		{"3599.999", 3599999},
	};
	static const char *const bad[] = {
		"",   "abc",  " 1",    "1 ", "inf", "nan",  "0x1p3",
		"-1", "1e10", "1.2.3", "1e", ".",   "1_000"};
	int64_t ms;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(hist_parse_seconds(good[i].text, &ms), 0);
		assert_int_equal(ms, good[i].ms);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(hist_parse_seconds(bad[i], &ms), -1);
	hist_parse_seconds("-2.5", &ms);
	assert_string_equal(err_msg(), "'-2.5' is negative");
	hist_parse_seconds("4 s", &ms);
	assert_string_equal(err_msg(), "'4 s' is not a number of seconds");
}

static void test_json_float(void **state)
{
	/* Go's encoding/json output for each float64. */
	static const struct {
		double v;
		const char *want;
	} cases[] = {
		{0, "0"},
		{0.05, "0.05"},
		{12.5, "12.5"},
		{100, "100"},
		{1.0 / 3, "0.3333333333333333"},
		{0.000001, "0.000001"},
		{0.0000001, "1e-7"},
		{1.5e-10, "1.5e-10"},
		{1e20, "100000000000000000000"},
		{1e21, "1e+21"},
		{1.5e21, "1.5e+21"},
		{-2.25, "-2.25"},
		{123456789, "123456789"},
	};
	struct buf b = BUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		hist_json_float(&b, cases[i].v);
		assert_string_equal(b.data, cases[i].want);
	}
	buf_release(&b);
}

static void test_json_string(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	hist_json_string(&b, "a\"b\\c\n\t\r\b\f\x01<x>&\x7f");
	assert_string_equal(b.data, "\"a\\\"b\\\\c\\n\\t\\r\\b\\f\\u0001"
				    "\\u003cx\\u003e\\u0026\x7f\"");
	buf_reset(&b);
	/* Valid UTF-8 stays; U+2028/9 are escaped; bad bytes are U+FFFD. */
	hist_json_string(&b, "\xc2\xb5 \xe2\x80\xa8\xe2\x80\xa9 \xff\xe2\x82");
	assert_string_equal(
		b.data, "\"\xc2\xb5 \\u2028\\u2029 \\ufffd\\ufffd\\ufffd\"");
	buf_release(&b);
}

/* Adds a disruption row with the given release and P values. */
static void add(struct hist_set *s, const char *name, const char *release,
		int64_t runs, const char *p95, const char *p99)
{
	struct hist_row *r = hist_set_add(s);

	r->name = name;
	r->release = release;
	r->from_release = "";
	r->platform = "aws";
	r->architecture = "amd64";
	r->network = "ovn";
	r->topology = "ha";
	r->job_runs = runs;
	r->p95 = p95;
	r->p99 = p99;
	r->p75 = r->p50 = "0.0";
	assert_int_equal(hist_parse_seconds(p95, &r->p95_ms), 0);
	assert_int_equal(hist_parse_seconds(p99, &r->p99_ms), 0);
	hist_row_key(s, r);
}

static void test_compare_edges(void **state)
{
	struct hist_set cur, new;
	struct hist_comparison c;
	struct buf b = BUF_INIT;

	(void)state;
	hist_set_init(&cur, HIST_DISRUPTIONS);
	hist_set_init(&new, HIST_DISRUPTIONS);
	add(&cur, "at-leeway", "2", 200, "10.0", "10.0");
	add(&cur, "from-zero", "2", 200, "0.0", "0.0");
	add(&cur, "dup", "2", 200, "1.0", "1.0");
	add(&cur, "gone", "2", 200, "1.0", "1.0");
	add(&cur, "gone-old", "0", 200, "1.0", "1.0");
	/* Exactly 30% is not beyond a leeway of 30%. */
	add(&new, "at-leeway", "2", 200, "13.0", "13.0");
	/* From 0 the percentage is 0: never an increase. */
	add(&new, "from-zero", "2", 200, "5.0", "5.0");
	/* The later of two rows with one key wins, as in the original. */
	add(&new, "dup", "2", 200, "1.0", "9.0");
	add(&new, "dup", "2", 200, "1.0", "0.5");
	add(&new, "other-release", "3", 200, "1.0", "1.0");
	add(&new, "fresh", "1", 200, "1.0", "1.0");
	hist_compare(&cur, &new, "1", "2", 30.0, &c);
	assert_int_equal(c.njobs, 4);
	assert_string_equal(c.jobs[0].row->name, "fresh"); /* previous first */
	assert_false(c.jobs[0].matched);
	assert_int_equal(c.nadded, 1);
	assert_int_equal(c.increases, 0);
	assert_int_equal(c.decreases, 1); /* dup: 1s -> 0.5s */
	assert_int_equal(c.duplicates_new, 1);
	assert_int_equal(c.nmissing, 2);
	/* By key: "gone-old__0_..." sorts before "gone__2_...". */
	assert_string_equal(c.missing[0]->name, "gone-old");
	assert_string_equal(c.missing[1]->name, "gone");
	hist_format_pr_message(&c, HIST_DISRUPTIONS, 30.0, &b);
	assert_string_equal(b.data, "## disruptions Information\n\nThere were "
				    "(`1`) added jobs and (`4`) were "
				    "removed.\n");
	buf_reset(&b);
	hist_format_review(&c, HIST_DISRUPTIONS, 30.0, &b);
	assert_string_equal(b.data,
			    "(disruptions) had (1) results decreased in "
			    "duration beyond specified leeway of 30.00%\n");
	hist_comparison_release(&c);

	/* Just above the leeway it counts; the table skips < 100 runs. */
	hist_compare(&cur, &new, "1", "2", 29.99, &c);
	assert_int_equal(c.increases, 1);
	assert_int_equal(c.jobs[1].diff_p99_ns, INT64_C(3000000000));
	hist_comparison_release(&c);
	buf_release(&b);
	hist_set_release(&cur);
	hist_set_release(&new);
}

static void test_results_empty(void **state)
{
	struct hist_comparison c = {0};
	struct buf b = BUF_INIT;

	(void)state;
	hist_format_results(&c, HIST_ALERTS, &b);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_string),
		cmocka_unit_test(test_parse_seconds),
		cmocka_unit_test(test_json_float),
		cmocka_unit_test(test_json_string),
		cmocka_unit_test(test_compare_edges),
		cmocka_unit_test(test_results_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
