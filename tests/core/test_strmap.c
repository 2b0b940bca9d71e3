/*
 * test_strmap.c - the byte-string to int64_t hash map.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/strmap.h"
#include "core/xalloc.h"

/*
 * Writes the test-name-like key "<prefix>.Suite<i % 97>/test_case_<i>" to
 * out (64 bytes), NUL-terminated, and returns its length.
 */
static size_t make_key(char *out, const char *prefix, unsigned i)
{
	int n = snprintf(out, 64, "%s.Suite%u/test_case_%u", prefix, i % 97, i);

	assert_true(n > 0 && n < 64);
	return (size_t)n;
}

static void test_get_put_replace(void **state)
{
	struct strmap m = STRMAP_INIT;
	int64_t v = 12345;

	(void)state;
	assert_int_equal(strmap_get(&m, "a", 1, &v), 0);
	assert_int_equal(v, 12345); /* untouched when missing */
	assert_int_equal(strmap_count(&m), 0);

	strmap_put(&m, "alpha", 5, 1);
	strmap_put(&m, "beta", 4, -2);
	strmap_put(&m, "gamma", 5, INT64_MAX);
	strmap_put(&m, "delta", 5, INT64_MIN);
	assert_int_equal(strmap_count(&m), 4);

	assert_int_equal(strmap_get(&m, "alpha", 5, &v), 1);
	assert_int_equal(v, 1);
	assert_int_equal(strmap_get(&m, "beta", 4, &v), 1);
	assert_int_equal(v, -2);
	assert_int_equal(strmap_get(&m, "gamma", 5, &v), 1);
	assert_true(v == INT64_MAX);
	assert_int_equal(strmap_get(&m, "delta", 5, &v), 1);
	assert_true(v == INT64_MIN);
	assert_int_equal(strmap_get(&m, "beta", 4, NULL), 1);
	assert_int_equal(strmap_get(&m, "epsilon", 7, NULL), 0);
	/* Only the given length counts, not what follows it. */
	assert_int_equal(strmap_get(&m, "alphabet", 5, &v), 1);
	assert_int_equal(v, 1);

	strmap_put(&m, "beta", 4, 99);
	assert_int_equal(strmap_count(&m), 4);
	assert_int_equal(strmap_get(&m, "beta", 4, &v), 1);
	assert_int_equal(v, 99);
	strmap_release(&m);
	assert_int_equal(strmap_count(&m), 0);
	assert_int_equal(strmap_get(&m, "beta", 4, NULL), 0);
}

#define MILLION_PREFIX "com.example.Suite/test_"
#define MILLION_KEYLEN (sizeof(MILLION_PREFIX) - 1 + 4)

/*
 * Key i of the million: a long shared prefix, as test names have, then i
 * as four raw bytes (NULs included), so building two million keys costs
 * next to nothing even under the sanitizers.
 */
static void million_key(char *out, unsigned i)
{
	size_t n = sizeof(MILLION_PREFIX) - 1;

	memcpy(out, MILLION_PREFIX, n);
	out[n] = (char)(i & 0xff);
	out[n + 1] = (char)(i >> 8 & 0xff);
	out[n + 2] = (char)(i >> 16 & 0xff);
	out[n + 3] = (char)(i >> 24 & 0xff);
}

/* A million distinct keys: all found, with their own values. */
static void test_million_keys(void **state)
{
	const unsigned n = 1000000;
	struct strmap m;
	char key[MILLION_KEYLEN + 1];
	unsigned i;

	(void)state;
	strmap_init(&m);
	for (i = 0; i < n; i++) {
		million_key(key, i);
		strmap_put(&m, key, MILLION_KEYLEN, (int64_t)i * 3 + 1);
	}
	assert_int_equal(strmap_count(&m), n);
	for (i = 0; i < n; i++) {
		int64_t v = -1;

		million_key(key, i);
		if (!strmap_get(&m, key, MILLION_KEYLEN, &v))
			fail_msg("key %u not found", i);
		if (v != (int64_t)i * 3 + 1)
			fail_msg("key %u: value %lld", i, (long long)v);
	}
	/* Absent keys, and present ones cut short or NUL-extended. */
	for (i = 0; i < 10000; i++) {
		million_key(key, n + i);
		assert_int_equal(strmap_get(&m, key, MILLION_KEYLEN, NULL), 0);
		million_key(key, i);
		key[MILLION_KEYLEN] = '\0';
		assert_int_equal(strmap_get(&m, key, MILLION_KEYLEN - 1, NULL),
				 0);
		assert_int_equal(strmap_get(&m, key, MILLION_KEYLEN + 1, NULL),
				 0);
	}
	strmap_release(&m);
}

/* Interned copies keep their address and bytes while the table grows. */
static void test_intern_stable(void **state)
{
	struct strmap m = STRMAP_INIT;
	const char *first[100];
	char key[64];
	size_t len;
	unsigned i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(first); i++) {
		len = make_key(key, "early", i);
		first[i] = strmap_intern(&m, key, len);
		assert_ptr_not_equal(first[i], key);
		assert_string_equal(first[i], key);
	}
	assert_int_equal(strmap_count(&m), ARRAY_SIZE(first));
	len = make_key(key, "early", 3);
	strmap_put(&m, key, len, 77);
	assert_int_equal(strmap_count(&m), ARRAY_SIZE(first));

	for (i = 0; i < 50000; i++) {
		len = make_key(key, "late", i);
		strmap_intern(&m, key, len);
	}
	assert_int_equal(strmap_count(&m), ARRAY_SIZE(first) + 50000);

	for (i = 0; i < ARRAY_SIZE(first); i++) {
		int64_t v = -1;

		len = make_key(key, "early", i);
		assert_string_equal(first[i], key);
		assert_ptr_equal(strmap_intern(&m, key, len), first[i]);
		assert_int_equal(strmap_get(&m, key, len, &v), 1);
		/* intern inserts with 0 and never changes a value. */
		assert_int_equal(v, i == 3 ? 77 : 0);
	}
	assert_int_equal(strmap_count(&m), ARRAY_SIZE(first) + 50000);
	strmap_release(&m);
}

/* Keys with NULs inside, NUL-padded keys and prefixes are all distinct. */
static void test_binary_and_prefix_keys(void **state)
{
	static const struct {
		const char *key;
		size_t len;
	} keys[] = {
		{"", 0},	   {"a", 1},	     {"a\0", 2},
		{"a\0\0", 3},	   {"a\0b", 3},	     {"a\0c", 3},
		{"\0a", 2},	   {"\0", 1},	     {"\0\0", 2},
		{"ab", 2},	   {"abc", 3},	     {"abcd", 4},
		{"abcdefgh", 8},   {"abcdefghi", 9}, {"abcdefg", 7},
		{"abcdefgh\0", 9},
	};
	struct strmap m = STRMAP_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		strmap_put(&m, keys[i].key, keys[i].len, (int64_t)i + 100);
	assert_int_equal(strmap_count(&m), ARRAY_SIZE(keys));
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		int64_t v = -1;
		const char *copy;

		assert_int_equal(strmap_get(&m, keys[i].key, keys[i].len, &v),
				 1);
		assert_int_equal(v, (int64_t)i + 100);
		copy = strmap_intern(&m, keys[i].key, keys[i].len);
		assert_memory_equal(copy, keys[i].key, keys[i].len);
		assert_int_equal(copy[keys[i].len], '\0');
	}
	assert_int_equal(strmap_count(&m), ARRAY_SIZE(keys));
	strmap_release(&m);
}

/* The empty key is a key like any other; NULL with length 0 names it. */
static void test_empty_key(void **state)
{
	struct strmap m = STRMAP_INIT;
	int64_t v = 0;

	(void)state;
	assert_int_equal(strmap_get(&m, NULL, 0, &v), 0);
	strmap_put(&m, "", 0, 5);
	assert_int_equal(strmap_count(&m), 1);
	assert_int_equal(strmap_get(&m, NULL, 0, &v), 1);
	assert_int_equal(v, 5);
	strmap_put(&m, NULL, 0, 6);
	assert_int_equal(strmap_count(&m), 1);
	assert_int_equal(strmap_get(&m, "x", 0, &v), 1);
	assert_int_equal(v, 6);
	assert_string_equal(strmap_intern(&m, NULL, 0), "");
	assert_int_equal(strmap_get(&m, "\0", 1, NULL), 0);
	strmap_release(&m);
}

struct visits {
	unsigned char *seen;
	size_t n;
	size_t calls;
};

static void visit(const char *key, size_t keylen, int64_t value, void *ctx)
{
	struct visits *v = ctx;
	char want[64];

	assert_true(value >= 0 && (size_t)value < v->n);
	assert_int_equal(keylen, make_key(want, "each", (unsigned)value));
	assert_string_equal(key, want);
	v->seen[value]++;
	v->calls++;
}

static void test_foreach(void **state)
{
	struct strmap m = STRMAP_INIT;
	struct visits v = {NULL, 5000, 0};
	char key[64];
	size_t i;

	(void)state;
	strmap_foreach(&m, visit, &v); /* empty map: no calls */
	assert_int_equal(v.calls, 0);

	v.seen = xcalloc(v.n, 1);
	for (i = 0; i < v.n; i++) {
		size_t len = make_key(key, "each", (unsigned)i);

		strmap_put(&m, key, len, (int64_t)i);
		strmap_put(&m, key, len, (int64_t)i); /* twice: one key */
	}
	strmap_foreach(&m, visit, &v);
	assert_int_equal(v.calls, v.n);
	for (i = 0; i < v.n; i++)
		assert_int_equal(v.seen[i], 1);
	free(v.seen);
	strmap_release(&m);
}

/* A released map is empty and can be filled again. */
static void test_release_reuse(void **state)
{
	struct strmap m = STRMAP_INIT;
	int64_t v = 0;
	int round;

	(void)state;
	strmap_release(&m);
	for (round = 0; round < 3; round++) {
		strmap_put(&m, "k", 1, round);
		strmap_put(&m, "other", 5, -round);
		assert_int_equal(strmap_count(&m), 2);
		assert_int_equal(strmap_get(&m, "k", 1, &v), 1);
		assert_int_equal(v, round);
		strmap_release(&m);
		assert_int_equal(strmap_count(&m), 0);
		assert_int_equal(strmap_get(&m, "k", 1, NULL), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_put_replace),
		cmocka_unit_test(test_million_keys),
		cmocka_unit_test(test_intern_stable),
		cmocka_unit_test(test_binary_and_prefix_keys),
		cmocka_unit_test(test_empty_key),
		cmocka_unit_test(test_foreach),
		cmocka_unit_test(test_release_reuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
