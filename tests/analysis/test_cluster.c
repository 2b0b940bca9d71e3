/*
 * test_cluster.c - failure messages normalised and hashed into clusters:
 * cases as data (message, normalised form), then messages that differ
 * only in what is masked falling into one cluster.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/cluster.h"
#include "core/buf.h"
#include "core/banned.h"

static const struct {
	const char *in, *want;
} cases[] = {
	{"expected 0, got 1", "expected <n>, got <n>"},
	{"  timeout after\t\t30000 ms\n\n", "timeout after <n> ms"},
	{"object at 0x7f3a2b1c freed", "object at <hex> freed"},
	{"commit 3f9a2c1d8e7b not found", "commit <hex> not found"},
	{"deadbeef is a word", "deadbeef is a word"},
	{"request 123e4567-e89b-12d3-a456-426614174000 failed",
	 "request <uuid> failed"},
	{"at 2024-05-01T12:34:56.789Z: boom", "at <time>: boom"},
	{"at 2024-05-01 12:34:56+02:00 boom", "at <time> boom"},
	{"logged 12:34:56.5 and 2024-05-01", "logged <time> and <time>"},
	{"cannot open /tmp/build-123/out/result.xml: no such file",
	 "cannot open <path>: no such file"},
	{"see ./logs/run.txt and ~/x/y", "see <path> and <path>"},
	{"C:\\Users\\ci\\work\\a.dll missing", "<path> missing"},
	{"GET https://ci.example/job/42?x=1 returned 503",
	 "GET <url> returned <n>"},
	{"key 'user-8812' not in \"cache_17\"", "key '<str>' not in \"<str>\""},
	{"can't find it", "can't find it"},
	{"token aGVsbG8gd29ybGQgMTIzNDU2Nzg5MA was rejected",
	 "token <token> was rejected"},
	{"testUserCanLoginWithValidCredentials failed",
	 "testUserCanLoginWithValidCredentials failed"},
	{"test42 in worker-7 (pid 3311)", "test<n> in worker-<n> (pid <n>)"},
	{"java.lang.AssertionError: expected:<1> but was:<2>",
	 "java.lang.AssertionError: expected:<<n>> but was:<<n>>"},
	{"1 / 2 and and/or", "<n> / <n> and and/or"},
	{"", ""},
	{" \n\t ", ""},
};

static void test_cases(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		cluster_normalise(cases[i].in, strlen(cases[i].in), &b);
		if (strcmp(b.data, cases[i].want))
			fail_msg("case %zu: '%s' gave '%s', wanted '%s'", i,
				 cases[i].in, b.data, cases[i].want);
	}
	buf_release(&b);
}

/* The cluster id of a raw message. */
static void id_of(const char *msg, char out[CLUSTER_ID_SIZE])
{
	struct buf b = BUF_INIT;

	cluster_normalise(msg, strlen(msg), &b);
	cluster_id(b.data, b.len, out);
	buf_release(&b);
}

/* Messages differing only in masked parts share a cluster; others not. */
static void test_same_cluster(void **state)
{
	static const char *const same[][2] = {
		{"Timeout after 30 s waiting for pod web-7f9c4 on node 10.0.3.7",
		 "Timeout after 45 s waiting for pod web-1a2b3 on node "
		 "10.0.9.12"},
		{"Segfault at 0x00007ffd1234 in /build/42/bin/app",
		 "Segfault at 0x00005555abcd in /build/43/bin/app"},
		{"run 123e4567-e89b-12d3-a456-426614174000 at "
		 "2024-05-01T10:00:00Z failed",
		 "run 9b2e0c1a-0000-4000-8000-00000000abcd at "
		 "2026-11-22T04:48:40Z  failed"},
		{"expected 'foo' but got 'bar'", "expected 'x' but got 'yz'"},
		{"upload token Zm9vYmFyYmF6cXV4MTIzNDU2 expired",
		 "upload token cXV4cXV4cXV4MDk4NzY1NDMy expired"},
		{"assertion failed in t007 at 0x1e3779b9 after 120 ms",
		 "assertion failed in t013 at 0xdeadbee1 after 149 ms"},
	};
	char a[CLUSTER_ID_SIZE], b[CLUSTER_ID_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		id_of(same[i][0], a);
		id_of(same[i][1], b);
		assert_int_equal(strlen(a), 32);
		if (strcmp(a, b))
			fail_msg("pair %zu: not one cluster", i);
	}
	id_of("connection refused", a);
	id_of("connection reset", b);
	assert_string_not_equal(a, b);
	/* LUCI's naming: the first 16 bytes of the SHA-256, in hex. */
	id_of("", a);
	assert_string_equal(a, "e3b0c44298fc1c149afbf4c8996fb924");
}

/* Only the first CLUSTER_INPUT_MAX bytes count. */
static void test_long_input(void **state)
{
	static char a[CLUSTER_INPUT_MAX + 100], b[CLUSTER_INPUT_MAX + 100];
	char ia[CLUSTER_ID_SIZE], ib[CLUSTER_ID_SIZE];

	(void)state;
	memset(a, 'x', sizeof(a) - 1);
	memset(b, 'x', sizeof(b) - 1);
	b[CLUSTER_INPUT_MAX + 50] = 'y';
	id_of(a, ia);
	id_of(b, ib);
	assert_string_equal(ia, ib);
}

static void test_reason(void **state)
{
	size_t len;
	const char *r;

	(void)state;
	r = cluster_reason("boom", "trace", &len);
	assert_int_equal(len, 4);
	assert_memory_equal(r, "boom", 4);
	r = cluster_reason("  ", "\n  \nFirst line\n  at x\n", &len);
	assert_int_equal(len, 10);
	assert_memory_equal(r, "First line", 10);
	r = cluster_reason(NULL, "last", &len);
	assert_int_equal(len, 4);
	assert_null(cluster_reason(NULL, "\n\n", &len));
	assert_null(cluster_reason(NULL, NULL, &len));
	assert_int_equal(len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_same_cluster),
		cmocka_unit_test(test_long_input),
		cmocka_unit_test(test_reason),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
