/*
 * test_sha256.c - SHA-256 against the NIST example vectors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/sha256.h"
#include "core/xalloc.h"

static const struct {
	const char *input;
	const char *digest;
} vectors[] = {
	{"",
	 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	{"abc",
	 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
	/* Two-block message from FIPS 180-4 examples (896 bits). */
	{"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	 "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
};

static void to_hex(const unsigned char digest[32], char out[65])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 0xf];
	}
	out[64] = '\0';
}

static void test_vectors(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(vectors); i++) {
		char hex[65];

		sha256_hex(vectors[i].input, strlen(vectors[i].input), hex);
		assert_string_equal(hex, vectors[i].digest);
	}
}

/* Byte at a time: the digest must not depend on how input is split. */
static void test_vectors_bytewise(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(vectors); i++) {
		const char *in = vectors[i].input;
		struct sha256 c;
		unsigned char digest[32];
		char hex[65];

		sha256_init(&c);
		for (j = 0; in[j]; j++)
			sha256_update(&c, in + j, 1);
		sha256_update(&c, NULL, 0);
		sha256_final(&c, digest);
		to_hex(digest, hex);
		assert_string_equal(hex, vectors[i].digest);
	}
}

/* One million 'a' fed in uneven chunks that straddle block boundaries. */
static void test_million_a(void **state)
{
	static const size_t chunks[] = {1, 63, 64, 65, 127, 1000, 3, 4096, 55};
	const size_t total = 1000000;
	char *a = xmalloc(total);
	struct sha256 c;
	unsigned char digest[32];
	char hex[65];
	size_t done = 0, k = 0;

	(void)state;
	memset(a, 'a', total);
	sha256_init(&c);
	while (done < total) {
		size_t n = chunks[k++ % ARRAY_SIZE(chunks)];

		if (n > total - done)
			n = total - done;
		sha256_update(&c, a + done, n);
		done += n;
	}
	sha256_final(&c, digest);
	to_hex(digest, hex);
	assert_string_equal(
		hex,
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

	sha256_hex(a, total, hex);
	assert_string_equal(
		hex,
		"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}

/*
 * Lengths around the padding boundary: 55 bytes leave exactly room for the
 * length, 56 to 63 need a second block.  Expected digests of n 'x' bytes
 * from Python's hashlib; each is fed whole and in two halves.
 */
static void test_padding_lengths(void **state)
{
	static const struct {
		size_t len;
		const char *digest;
	} cases[] = {
		{55,
		 "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"},
		{56,
		 "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"},
		{57,
		 "ae14a2563ccf969d99aca69ce6bb74981f734bbf9f655f73b8f06db68cab5217"},
		{63,
		 "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"},
		{64,
		 "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"},
		{65,
		 "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9"},
		{119,
		 "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"},
		{120,
		 "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98"},
	};
	char x[128];
	size_t i;

	(void)state;
	memset(x, 'x', sizeof(x));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t half = cases[i].len / 2;
		struct sha256 c;
		unsigned char digest[32];
		char hex[65];

		sha256_hex(x, cases[i].len, hex);
		assert_string_equal(hex, cases[i].digest);
		sha256_init(&c);
		sha256_update(&c, x, half);
		sha256_update(&c, x + half, cases[i].len - half);
		sha256_final(&c, digest);
		to_hex(digest, hex);
		assert_string_equal(hex, cases[i].digest);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_vectors_bytewise),
		cmocka_unit_test(test_million_a),
		cmocka_unit_test(test_padding_lengths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
