/*
 * strmap.c - open-addressing hash map from byte strings to int64_t.
 *
 * Each key lives in the arena as one entry (length, value, bytes, NUL); a
 * slot holds only the entry's address and the key's full 64-bit hash.  So
 * a probe touches key bytes only when the hashes match, growing never
 * hashes a key again and moves 16 bytes per key, and a million keys fit in
 * a 2^21-slot table of 32 MiB.
 */
#include "core/strmap.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "core/banned.h"

#define STRMAP_MIN_CAP 16

struct strmap_entry {
	size_t len;
	int64_t value;
	char key[]; /* len bytes and a NUL */
};

struct strmap_slot {
	struct strmap_entry *entry; /* NULL while the slot is free */
	uint64_t hash;
};

static uint64_t rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* Final avalanche: every input bit flips each output bit with p ~ 1/2. */
static uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h;
}

static uint64_t scramble(uint64_t k)
{
	k *= UINT64_C(0x87c37b91114253d5);
	k = rotl64(k, 31);
	k *= UINT64_C(0x4cf5ad432745937f);
	return k;
}

/*
 * Words are read little-endian, so the hash is the same on every host;
 * compilers turn load64() into a single load.
 */
static uint64_t load64(const unsigned char *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
	       (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
	       (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
	       (uint64_t)p[7] << 56;
}

/* The last n (1 to 7) bytes, as a little-endian word. */
static uint64_t load_tail(const unsigned char *p, size_t n)
{
	uint64_t k = 0;

	while (n--)
		k = k << 8 | p[n];
	return k;
}

/*
 * Eight bytes per round, each word scrambled by multiply-rotate-multiply
 * before it is folded in; the length goes in last so that keys differing
 * only by trailing NULs hash apart.
 */
static uint64_t hash_bytes(const char *key, size_t len)
{
	const unsigned char *p = (const unsigned char *)key;
	uint64_t h = UINT64_C(0x9e3779b97f4a7c15);
	size_t rest = len;

	for (; rest >= 8; p += 8, rest -= 8) {
		h ^= scramble(load64(p));
		h = rotl64(h, 27) * 5 + 0x52dce729;
	}
	if (rest)
		h ^= scramble(load_tail(p, rest));
	return mix64(h ^ (uint64_t)len);
}

/* A new entry for key, with value 0, in the map's arena. */
static struct strmap_entry *entry_new(struct strmap *m, const char *key,
				      size_t len)
{
	struct strmap_entry *e = arena_alloc(&m->keys, sizeof(*e) + len + 1);

	e->len = len;
	e->value = 0;
	if (len)
		memcpy(e->key, key, len);
	e->key[len] = '\0';
	return e;
}

/* The slot holding key, or the free slot where it belongs; m->cap > 0. */
static struct strmap_slot *slot_find(const struct strmap *m, const char *key,
				     size_t len, uint64_t hash)
{
	size_t mask = m->cap - 1;
	size_t i = (size_t)hash & mask;

	for (;;) {
		struct strmap_slot *s = &m->slots[i];
		const struct strmap_entry *e = s->entry;

		if (!e || (s->hash == hash && e->len == len &&
			   (!len || !memcmp(e->key, key, len))))
			return s;
		i = (i + 1) & mask;
	}
}

static void grow(struct strmap *m)
{
	size_t new_cap = m->cap ? m->cap * 2 : STRMAP_MIN_CAP;
	struct strmap_slot *slots = xcalloc(new_cap, sizeof(*slots));
	size_t mask = new_cap - 1;
	size_t i;

	for (i = 0; i < m->cap; i++) {
		const struct strmap_slot *old = &m->slots[i];
		size_t j;

		if (!old->entry)
			continue;
		j = (size_t)old->hash & mask;
		while (slots[j].entry)
			j = (j + 1) & mask;
		slots[j] = *old;
	}
	free(m->slots);
	m->slots = slots;
	m->cap = new_cap;
}

/* The entry of key, inserted with value 0 if it was missing. */
static struct strmap_entry *upsert(struct strmap *m, const char *key,
				   size_t len)
{
	uint64_t hash = hash_bytes(key, len);
	struct strmap_slot *s = NULL;

	if (m->cap) {
		s = slot_find(m, key, len, hash);
		if (s->entry)
			return s->entry;
	}
	/* Keep the load at or below 0.7 so probe runs stay short. */
	if ((m->count + 1) * 10 > m->cap * 7) {
		grow(m);
		s = slot_find(m, key, len, hash);
	}
	s->entry = entry_new(m, key, len);
	s->hash = hash;
	m->count++;
	return s->entry;
}

void strmap_init(struct strmap *m)
{
	m->slots = NULL;
	m->cap = 0;
	m->count = 0;
	arena_init(&m->keys);
}

void strmap_release(struct strmap *m)
{
	free(m->slots);
	arena_release(&m->keys);
	strmap_init(m);
}

int strmap_get(const struct strmap *m, const char *key, size_t keylen,
	       int64_t *value)
{
	const struct strmap_slot *s;

	if (!m->count)
		return 0;
	s = slot_find(m, key, keylen, hash_bytes(key, keylen));
	if (!s->entry)
		return 0;
	if (value)
		*value = s->entry->value;
	return 1;
}

void strmap_put(struct strmap *m, const char *key, size_t keylen, int64_t value)
{
	upsert(m, key, keylen)->value = value;
}

const char *strmap_intern(struct strmap *m, const char *key, size_t keylen)
{
	return upsert(m, key, keylen)->key;
}

size_t strmap_count(const struct strmap *m)
{
	return m->count;
}

void strmap_foreach(const struct strmap *m,
		    void (*fn)(const char *key, size_t keylen, int64_t value,
			       void *ctx),
		    void *ctx)
{
	size_t i;

	for (i = 0; i < m->cap; i++) {
		const struct strmap_entry *e = m->slots[i].entry;

		if (e)
			fn(e->key, e->len, e->value, ctx);
	}
}
