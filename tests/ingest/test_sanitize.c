/*
 * test_sanitize.c - the small pieces under the JUnit parser: the byte
 * filter in front of expat (fed whole, byte by byte and split everywhere),
 * capped text with middle elision, and attribute values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "ingest/captext.h"
#include "ingest/jattr.h"
#include "ingest/sanitize.h"
#include "core/banned.h"

#define FFFD "\xef\xbf\xbd"

/*
 * Sanitizes len bytes at in, fed in pieces whose sizes cycle through
 * steps (0 ends the list; NULL means one piece), into out.  Each call
 * writes into a buffer of exactly SANITIZE_OUT_MAX(n) bytes, so
 * AddressSanitizer catches any write past the documented bound.
 */
static void run(const char *in, size_t len, const size_t *steps,
		struct buf *out, struct sanitize *s)
{
	size_t off = 0, k = 0, n;
	char *chunk;

	sanitize_init(s);
	buf_reset(out);
	while (off < len) {
		n = steps ? steps[k] : len;
		k = steps && steps[k + 1] ? k + 1 : 0;
		if (n > len - off)
			n = len - off;
		chunk = xmalloc(SANITIZE_OUT_MAX(n));
		buf_add(out, chunk, sanitize_feed(s, in + off, n, chunk));
		free(chunk);
		off += n;
	}
	chunk = xmalloc(SANITIZE_OUT_MAX(0));
	buf_add(out, chunk, sanitize_finish(s, chunk));
	free(chunk);
}

/* Checks in -> want whole, byte by byte, and split at every point. */
static void check(const char *in, size_t len, const char *want, size_t want_len)
{
	static const size_t ones[] = {1, 0};
	struct buf out = BUF_INIT, first = BUF_INIT;
	struct sanitize s;
	size_t cut;

	run(in, len, NULL, &out, &s);
	if (out.len != want_len || memcmp(out.data, want, want_len))
		fail_msg("sanitize of %zu bytes gave %zu bytes '%s', want '%s'",
			 len, out.len, out.data, want);
	run(in, len, ones, &out, &s);
	assert_int_equal(out.len, want_len);
	assert_memory_equal(out.data, want, want_len);
	for (cut = 1; cut < len; cut++) {
		struct sanitize a;
		char *chunk = xmalloc(SANITIZE_OUT_MAX(len));
		size_t n;

		sanitize_init(&a);
		buf_reset(&first);
		n = sanitize_feed(&a, in, cut, chunk);
		buf_add(&first, chunk, n);
		n = sanitize_feed(&a, in + cut, len - cut, chunk);
		buf_add(&first, chunk, n);
		buf_add(&first, chunk, sanitize_finish(&a, chunk));
		free(chunk);
		if (first.len != want_len || memcmp(first.data, want, want_len))
			fail_msg("split at %zu of '%s' gave '%s'", cut, in,
				 first.data);
	}
	buf_release(&out);
	buf_release(&first);
}

#define CHECK(in, want) check(in, sizeof(in) - 1, want, sizeof(want) - 1)

static void test_sanitize_controls(void **state)
{
	(void)state;
	CHECK("plain <a b='c'>text</a>", "plain <a b='c'>text</a>");
	CHECK("\t\n\r kept", "\t\n\r kept");
	CHECK("\x1b[31mred\x1b[0m", FFFD "[31mred" FFFD "[0m");
	CHECK("a\0b\x01\x08\x0b\x0c\x0e\x1f\x7f",
	      "a" FFFD "b" FFFD FFFD FFFD FFFD FFFD FFFD "\x7f");
	CHECK("&#x1b;[31m &#27; &#0; &#x0000001B;",
	      "&#xFFFD;[31m &#xFFFD; &#xFFFD; &#xFFFD;");
	CHECK("&#xFFFE;&#xffff;&#xD800;&#x110000;&#99999999999;&#8;",
	      "&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;&#xFFFD;");
	/* Allowed characters and things that are not references. */
	CHECK("&#65;&#x41;&#x9;&#10;&#xD;&#x10FFFF;&#xE000;",
	      "&#65;&#x41;&#x9;&#10;&#xD;&#x10FFFF;&#xE000;");
	CHECK("&amp;&lt;&#;&#x;&#X1b;&#1a;&", "&amp;&lt;&#;&#x;&#X1b;&#1a;&");
	CHECK("&&#27;&#2&#27;&#x&#27;", "&&#xFFFD;&#2&#xFFFD;&#x&#xFFFD;");
	CHECK("tail &#12", "tail &#12");
	/* Too long to be worth reading: left for expat to judge. */
	CHECK("&#0000000000000000000000000027;",
	      "&#0000000000000000000000000027;");
}

static void test_sanitize_utf8(void **state)
{
	(void)state;
	CHECK("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	CHECK("a\xff"
	      "b\x80"
	      "c",
	      "a" FFFD "b" FFFD "c");
	CHECK("end\xc3", "end" FFFD);
	CHECK("\xc3(", FFFD "(");
	CHECK("\xe2\x82"
	      "A",
	      FFFD "A");
	/* Overlong forms, surrogates and values past U+10FFFF: each maximal
	 * bad subsequence is one U+FFFD. */
	CHECK("\xc0\xaf", FFFD FFFD);
	CHECK("\xe0\x80\x80", FFFD FFFD FFFD);
	CHECK("\xed\xa0\x80", FFFD FFFD FFFD);
	CHECK("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD);
	CHECK("\xef\xbf\xbe\xef\xbf\xbf\xef\xbf\xbd", FFFD FFFD FFFD);
	CHECK("\xf0\x9f\x98"
	      "&#27;",
	      FFFD "&#xFFFD;");
}

static void test_sanitize_encodings(void **state)
{
	struct buf out = BUF_INIT;
	struct sanitize s;

	(void)state;
	CHECK("\xef\xbb\xbf<a/>", "\xef\xbb\xbf<a/>");
	CHECK("\xef\xbb\xbf<?xml version='1.0' encoding='Latin1'?>\xe9",
	      "\xef\xbb\xbf<?xml version='1.0' encoding='Latin1'?>\xe9");
	/* The first bytes alone, held until the second arrives. */
	CHECK("\xff", FFFD);
	CHECK("\xfe"
	      "a",
	      FFFD "a");
	CHECK("\0", FFFD);
	CHECK("<", "<");
	CHECK("<a", "<a");
	CHECK("\0a", FFFD "a");
	/* UTF-16 in any form is copied as it is, NUL bytes and all. */
	CHECK("\xff\xfe<\0\x1b\0\xff", "\xff\xfe<\0\x1b\0\xff");
	CHECK("\xfe\xff\0<\0\x1b", "\xfe\xff\0<\0\x1b");
	CHECK("<\0a\0\x1b\0", "<\0a\0\x1b\0");
	CHECK("\0<\0a\0\x1b", "\0<\0a\0\x1b");
	/* A single-byte encoding keeps its high bytes; controls still go. */
	CHECK("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xe9\x1b</a>",
	      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xe9" FFFD
	      "</a>");
	run("<?xml version=\"1.0\" encoding = 'ISO-8859-1' ?>", 47, NULL, &out,
	    &s);
	assert_string_equal(s.encoding, "iso-8859-1");
	CHECK("<?xml version='1.0' encoding='UTF8'?>\xff",
	      "<?xml version='1.0' encoding='UTF8'?>" FFFD);
	run("<?xml version='1.0' encoding='UTF8'?>", 37, NULL, &out, &s);
	assert_string_equal(s.encoding, "utf8");
	CHECK("<?xml version='1.0'?>\xff", "<?xml version='1.0'?>" FFFD);
	run("<?xml version='1.0'?><a/>", 25, NULL, &out, &s);
	assert_string_equal(s.encoding, "");
	assert_int_equal(s.replaced, 0);
	/* Not a declaration: UTF-8 from the first byte. */
	CHECK("<?xmx encoding='latin1'?>\xe9",
	      "<?xmx encoding='latin1'?>" FFFD);
	buf_release(&out);
}

/* Valid UTF-8 without C0 controls but TAB, LF and CR, nor U+FFFE/F. */
static int clean_utf8(const unsigned char *u, size_t len)
{
	size_t i = 0, n, k;

	while (i < len) {
		unsigned char c = u[i];

		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		if (c < 0xc2 || c > 0xf4 || i + n > len)
			return 0;
		for (k = 1; k < n; k++)
			if ((u[i + k] & 0xc0) != 0x80)
				return 0;
		if (c == 0xef && u[i + 1] == 0xbf && u[i + 2] >= 0xbe)
			return 0;
		i += n;
	}
	return 1;
}

static void test_sanitize_random(void **state)
{
	static const char *const atoms[] = {
		"a",	  "&",	   "#",	    "x",	"1b",	"27",	";",
		"&#x1b;", "&#27;", "\x1b",  "\xc3",	"\xa9", "\xe2", "\x82",
		"\xf0",	  "\x9f",  "\xff",  "\xef\xbf", "\xbe", "\0",	"\n",
		"&#",	  "&#x",   "D800;", "<",	"0"};
	static const size_t steps[] = {3, 1, 7, 2, 11, 0};
	struct buf in = BUF_INIT, whole = BUF_INIT, pieces = BUF_INIT;
	struct sanitize s;
	unsigned seed = 12345;
	int round, i;

	(void)state;
	for (round = 0; round < 2000; round++) {
		buf_reset(&in);
		buf_adds(&in, "x");
		for (i = 0; i < 40; i++) {
			const char *a;

			seed = seed * 1103515245u + 12345u;
			a = atoms[(seed >> 16) % ARRAY_SIZE(atoms)];
			buf_add(&in, a, a[0] ? strlen(a) : 1);
		}
		run(in.data, in.len, NULL, &whole, &s);
		run(in.data, in.len, steps, &pieces, &s);
		assert_int_equal(whole.len, pieces.len);
		assert_memory_equal(whole.data, pieces.data, whole.len);
		assert_true(clean_utf8((const unsigned char *)whole.data,
				       whole.len));
	}
	buf_release(&in);
	buf_release(&whole);
	buf_release(&pieces);
}

/* ---- captext --------------------------------------------------------- */

/* Adds s to t in pieces of step bytes and returns the kept text. */
static const char *cap_feed(struct captext *t, const char *s, size_t step,
			    struct buf *scratch)
{
	size_t len = strlen(s), off, n;

	captext_reset(t);
	for (off = 0; off < len; off += n) {
		n = len - off < step ? len - off : step;
		captext_add(t, s + off, n);
	}
	return captext_str(t, scratch, NULL);
}

static void test_captext(void **state)
{
	struct captext t;
	struct buf scratch = BUF_INIT, clip = BUF_INIT;
	static const size_t steps[] = {1, 2, 3, 5, 7, 100};
	size_t i;

	(void)state;
	captext_init(&t, 10);
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		assert_string_equal(cap_feed(&t, "abc", steps[i], &scratch),
				    "abc");
		assert_string_equal(
			cap_feed(&t, "abcdefghij", steps[i], &scratch),
			"abcdefghij");
		assert_string_equal(
			cap_feed(&t, "abcdefghijk", steps[i], &scratch),
			"abcde\n[... 1 bytes elided ...]\nghijk");
		assert_int_equal(captext_length(&t), 11);
		assert_string_equal(
			cap_feed(&t, "0123456789abcdefghijklmnopqrstuvwxyz",
				 steps[i], &scratch),
			"01234\n[... 26 bytes elided ...]\nvwxyz");
	}
	/* Cuts fall between characters, never inside one. */
	captext_release(&t);
	captext_init(&t, 6);
	assert_string_equal(cap_feed(&t,
				     "ab\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
				     "\xc3\xa9",
				     1, &scratch),
			    "ab\n[... 8 bytes elided ...]\n\xc3\xa9");
	captext_clip(&clip, "ab\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 12,
		     6);
	assert_string_equal(clip.data,
			    "ab\n[... 8 bytes elided ...]\n\xc3\xa9");
	captext_clip(&clip, "abcdef", 6, 6);
	assert_string_equal(clip.data, "abcdef");
	captext_clip(&clip, "abcdefghijk", 11, 10);
	assert_string_equal(clip.data,
			    "abcde\n[... 1 bytes elided ...]\nghijk");
	captext_adds(&t, "more");
	captext_release(&t);
	assert_int_equal(captext_length(&t), 0);
	buf_release(&scratch);
	buf_release(&clip);
}

/* ---- attribute values ------------------------------------------------ */

static void test_jattr_seconds(void **state)
{
	static const struct {
		const char *s;
		int64_t ms;
	} seconds[] = {
		{"1.5", 1500},
		{".5", 500},
		{"0", 0},
		{"12", 12000},
		{" 2.25 ", 2250},
		{"1,234.5", 1234500},
		{"12,345", 12345000},
		{"1,234,567", 1234567000},
		{"0,5", 500},
		{"1,5", 1500},
		{"8.7e-05", 0},
		{"1.5E2", 150000},
		{"0.0004", 0},
		{"0.002", 2},
		{"", -1},
		{"NaN", -1},
		{"nan", -1},
		{"inf", -1},
		{"-1", -1},
		{"-0.5", -1},
		{"+1", -1},
		{"0x10", -1},
		{"1s", -1},
		{"1,23", 1230},
		{"1,25", 1250},
		{"01,234", 1234},
		{"1,234,5", -1},
		{"1.234,5", -1},
		{"1,5.5", -1},
		{"1e999", -1},
		{"2e12", -1},
		{".", -1},
		{"1e", -1},
		{"1-2", -1},
		{NULL, -1},
	};
	int64_t ms;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(seconds); i++) {
		ms = jattr_seconds(seconds[i].s);
		if (ms != seconds[i].ms)
			fail_msg("'%s': got %lld, want %lld",
				 seconds[i].s ? seconds[i].s : "(null)",
				 (long long)ms, (long long)seconds[i].ms);
	}
}

static void test_jattr_others(void **state)
{
	const char *attrs[] = {"a", "1", "b", "", NULL};

	(void)state;
	assert_int_equal(jattr_count("12"), 12);
	assert_int_equal(jattr_count(" 7 "), 7);
	assert_int_equal(jattr_count("-1"), -1);
	assert_int_equal(jattr_count("3.0"), -1);
	assert_int_equal(jattr_count(""), -1);
	assert_int_equal(jattr_count(NULL), -1);
	assert_int_equal(jattr_count("99999999999999999999999"), -1);
	assert_int_equal(jattr_status("run", "completed"), JATTR_PASS);
	assert_int_equal(jattr_status("notrun", NULL), JATTR_SKIP);
	assert_int_equal(jattr_status("DISABLED", NULL), JATTR_SKIP);
	assert_int_equal(jattr_status(NULL, "suppressed"), JATTR_SKIP);
	assert_int_equal(jattr_status("fail", "skipped"), JATTR_FAIL);
	assert_int_equal(jattr_status("Failed", NULL), JATTR_FAIL);
	assert_int_equal(jattr_status(NULL, "error"), JATTR_ERROR);
	assert_int_equal(jattr_status(NULL, NULL), JATTR_PASS);
	assert_true(jattr_true("true"));
	assert_true(jattr_true("TRUE"));
	assert_true(jattr_true("1"));
	assert_false(jattr_true("false"));
	assert_false(jattr_true(NULL));
	assert_int_equal(jattr_timestamp("2024-05-01T12:34:56", -1),
			 1714566896000LL);
	assert_int_equal(jattr_timestamp("2024-05-01T12:34:56Z", -1),
			 1714566896000LL);
	assert_int_equal(jattr_timestamp("06/07/2018 20:33:39", 5), 5);
	assert_int_equal(jattr_timestamp("", 6), 6);
	assert_int_equal(jattr_timestamp(NULL, 7), 7);
	assert_string_equal(jattr_str(attrs, "a"), "1");
	assert_string_equal(jattr_str(attrs, "b"), "");
	assert_string_equal(jattr_str(attrs, "c"), "");
	assert_null(jattr_get(attrs, "c"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize_controls),
		cmocka_unit_test(test_sanitize_utf8),
		cmocka_unit_test(test_sanitize_encodings),
		cmocka_unit_test(test_sanitize_random),
		cmocka_unit_test(test_captext),
		cmocka_unit_test(test_jattr_seconds),
		cmocka_unit_test(test_jattr_others),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
