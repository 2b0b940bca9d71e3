/*
 * sha256.h - SHA-256 (FIPS 180-4).
 *
 * Used for content addresses and fingerprints, never for secrets: there is
 * no attempt at constant time.  Feed bytes in any number of pieces with
 * sha256_update(); the digest does not depend on how the input is split.
 */
#ifndef TESTPUMP_CORE_SHA256_H
#define TESTPUMP_CORE_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t state[8];
	/* Bytes fed so far. */
	uint64_t total;
	/* The first `used` bytes of a block still waiting for the rest. */
	unsigned char block[64];
	size_t used;
};

/* Starts a new digest in c; c holds no allocated memory. */
void sha256_init(struct sha256 *c);

/* Adds len bytes at data (data may be NULL when len is 0). */
void sha256_update(struct sha256 *c, const void *data, size_t len);

/*
 * Writes the 32-byte digest of everything fed since sha256_init() to out.
 * c is then spent: call sha256_init() before feeding it again.
 */
void sha256_final(struct sha256 *c, unsigned char out[32]);

/* The digest of len bytes at data as 64 lower-case hex digits and a NUL. */
void sha256_hex(const void *data, size_t len, char out[65]);

#endif
