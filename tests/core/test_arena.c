/*
 * test_arena.c - the chunked bump allocator.
 */
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/xalloc.h"

#define ALIGN alignof(max_align_t)

static int is_aligned(const void *p)
{
	return (uintptr_t)p % ALIGN == 0;
}

/* Every size from 0 to 300: aligned, distinct, writable, intact. */
static void test_alignment(void **state)
{
	struct arena a = ARENA_INIT;
	unsigned char *ptrs[301];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ptrs); i++) {
		ptrs[i] = arena_alloc(&a, i);
		assert_non_null(ptrs[i]);
		assert_true(is_aligned(ptrs[i]));
		memset(ptrs[i], (int)(i & 0xff), i);
	}
	for (i = 1; i < ARRAY_SIZE(ptrs); i++) {
		size_t j;

		assert_ptr_not_equal(ptrs[i], ptrs[i - 1]);
		for (j = 0; j < i; j++)
			assert_int_equal(ptrs[i][j], i & 0xff);
	}
	arena_release(&a);
}

/*
 * Small blocks interleaved with blocks far beyond any chunk size: all are
 * aligned and keep their contents, and the bytes reserved stay within a
 * reasonable factor of the bytes asked for.
 */
static void test_small_and_huge(void **state)
{
	static const size_t huge[] = {2000, 5000, 100000, 3 * 1024 * 1024};
	struct arena a;
	char *small[5000];
	char *big[ARRAY_SIZE(huge)];
	size_t asked = 0;
	size_t i;

	(void)state;
	arena_init(&a);
	assert_int_equal(arena_bytes(&a), 0);
	for (i = 0; i < ARRAY_SIZE(small); i++) {
		size_t n = 1 + i % 40;

		small[i] = arena_alloc(&a, n);
		assert_true(is_aligned(small[i]));
		memset(small[i], 'a' + (int)(i % 26), n);
		asked += n;
		if (i % 1000 == 0) {
			size_t k = i / 1000 % ARRAY_SIZE(huge);

			big[k] = arena_alloc(&a, huge[k]);
			assert_true(is_aligned(big[k]));
			memset(big[k], 'A' + (int)k, huge[k]);
			asked += huge[k];
		}
	}
	for (i = 0; i < ARRAY_SIZE(small); i++) {
		size_t n = 1 + i % 40, j;

		for (j = 0; j < n; j++)
			assert_int_equal(small[i][j], 'a' + (int)(i % 26));
	}
	for (i = 0; i < ARRAY_SIZE(huge); i++) {
		assert_int_equal(big[i][0], 'A' + (int)i);
		assert_int_equal(big[i][huge[i] - 1], 'A' + (int)i);
	}
	assert_true(arena_bytes(&a) >= asked);
	assert_true(arena_bytes(&a) < asked * 3);
	arena_release(&a);
	assert_int_equal(arena_bytes(&a), 0);
}

/*
 * Shared chunks start at 4 KiB and double up to 1 MiB: watching
 * arena_bytes() while filling the arena with small blocks shows each new
 * chunk's size (plus a constant header).
 */
static void test_chunk_growth(void **state)
{
	struct arena a = ARENA_INIT;
	size_t header, prev, want = 4096;
	int chunks = 0;

	(void)state;
	arena_alloc(&a, 1);
	assert_true(arena_bytes(&a) >= 4096);
	header = arena_bytes(&a) - 4096;
	assert_true(header < 256);
	prev = arena_bytes(&a);
	while (arena_bytes(&a) < (size_t)12 * 1024 * 1024) {
		arena_alloc(&a, 64);
		if (arena_bytes(&a) == prev)
			continue;
		want = want < 1024 * 1024 ? want * 2 : want;
		assert_int_equal(arena_bytes(&a) - prev, want + header);
		prev = arena_bytes(&a);
		chunks++;
	}
	/* 8 KiB .. 1 MiB is 8 chunks, then 1 MiB ones up to 12 MiB. */
	assert_true(chunks > 10);
	assert_int_equal(want, 1024 * 1024);
	arena_release(&a);
}

/*
 * A block over a quarter of the chunk size gets a chunk of exactly its own
 * size, and the shared chunk being filled stays in use.
 */
static void test_big_blocks_own_chunk(void **state)
{
	struct arena a = ARENA_INIT;
	size_t header, before;
	char *first, *p;

	(void)state;
	first = arena_alloc(&a, 16);
	header = arena_bytes(&a) - 4096;

	before = arena_bytes(&a);
	p = arena_alloc(&a, 1025); /* over 4096 / 4; rounded to 1040 */
	assert_int_equal(arena_bytes(&a) - before, 1040 + header);
	memset(p, 1, 1025);

	before = arena_bytes(&a);
	p = arena_alloc(&a, 1024); /* exactly a quarter: shared chunk */
	assert_int_equal(arena_bytes(&a), before);
	assert_ptr_equal(p, first + 16);
	p = arena_alloc(&a, 16);
	assert_int_equal(arena_bytes(&a), before);
	assert_ptr_equal(p, first + 16 + 1024);

	before = arena_bytes(&a);
	arena_alloc(&a, (size_t)5 * 1024 * 1024);
	assert_int_equal(arena_bytes(&a) - before, 5 * 1024 * 1024 + header);
	arena_release(&a);
}

static void test_strings(void **state)
{
	static const char bytes[] = {'x', 'y', 'z'}; /* no NUL */
	struct arena a = ARENA_INIT;
	char big[6000];
	const char *orig = "hello, world";
	char *p;

	(void)state;
	p = arena_strdup(&a, orig);
	assert_string_equal(p, orig);
	assert_ptr_not_equal(p, orig);
	assert_string_equal(arena_strdup(&a, ""), "");

	assert_string_equal(arena_strndup(&a, orig, 5), "hello");
	assert_string_equal(arena_strndup(&a, orig, 0), "");
	assert_string_equal(arena_strndup(&a, orig, 100), orig);
	assert_string_equal(arena_strndup(&a, "ab\0cd", 5), "ab");
	assert_string_equal(arena_strndup(&a, bytes, sizeof(bytes)), "xyz");

	assert_string_equal(arena_printf(&a, "%s-%d-%05.1f", "x", -42, 3.14159),
			    "x--42-003.1");
	assert_string_equal(arena_printf(&a, "%s", ""), "");

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	p = arena_printf(&a, "<%s>", big);
	assert_int_equal(strlen(p), sizeof(big) + 1);
	assert_int_equal(p[0], '<');
	assert_int_equal(p[1], 'q');
	assert_int_equal(p[sizeof(big) - 1], 'q');
	assert_int_equal(p[sizeof(big)], '>');
	assert_true(is_aligned(p));
	arena_release(&a);
}

/* After release the arena is empty and works as new. */
static void test_release_reuse(void **state)
{
	struct arena a = ARENA_INIT;
	int round;

	(void)state;
	arena_release(&a); /* releasing an unused arena is fine */
	assert_int_equal(arena_bytes(&a), 0);
	for (round = 0; round < 3; round++) {
		char *s = arena_printf(&a, "round %d", round);
		char *big = arena_alloc(&a, 1 << 20);
		char want[16];

		memset(big, round, 1 << 20);
		assert_true(arena_bytes(&a) > (size_t)1 << 20);
		snprintf(want, sizeof(want), "round %d", round);
		assert_string_equal(s, want);
		arena_release(&a);
		assert_int_equal(arena_bytes(&a), 0);
		assert_null(a.chunks);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_small_and_huge),
		cmocka_unit_test(test_chunk_growth),
		cmocka_unit_test(test_big_blocks_own_chunk),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_release_reuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
