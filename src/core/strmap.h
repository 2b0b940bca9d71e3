/*
 * strmap.h - a hash map from byte strings to int64_t.
 *
 * Used to intern test names (and other repeated strings) to ids while
 * ingesting millions of results, so it is built for speed: open addressing
 * with linear probing over a power-of-two table that doubles at 0.7 load,
 * and the 64-bit hash of every key kept beside it.  There is no removal.
 *
 * Keys are (pointer, length) pairs and may contain NUL bytes.  The map
 * copies each key into its own arena, NUL-terminated, so the caller keeps
 * ownership of what it passes in; the map's copies never move and stay
 * valid until strmap_release().
 */
#ifndef TESTPUMP_CORE_STRMAP_H
#define TESTPUMP_CORE_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

struct strmap_slot;

struct strmap {
	/* cap slots, NULL until the first insert; cap is 0 or a power of 2 */
	struct strmap_slot *slots;
	size_t cap;
	size_t count;
	/* The map's own copies of the keys. */
	struct arena keys;
};

#define STRMAP_INIT                    \
	{                              \
		NULL, 0, 0, ARENA_INIT \
	}

/* Sets m to an empty map; nothing is allocated until the first insert. */
void strmap_init(struct strmap *m);

/*
 * Frees the table and every key copy; pointers from strmap_intern() become
 * invalid.  m is left empty and may be used again.
 */
void strmap_release(struct strmap *m);

/*
 * Looks up the keylen bytes at key (key may be NULL when keylen is 0).
 * Returns 1 if found, storing the value in *value when value is not NULL,
 * and 0 if not, leaving *value alone.
 */
int strmap_get(const struct strmap *m, const char *key, size_t keylen,
	       int64_t *value);

/* Sets the value of key, inserting a copy of the key if it is missing. */
void strmap_put(struct strmap *m, const char *key, size_t keylen,
		int64_t value);

/*
 * Returns the map's NUL-terminated copy of key, inserting it with value 0
 * if missing.  The map owns the copy; it stays valid and at the same
 * address until strmap_release(), however much the table grows.
 */
const char *strmap_intern(struct strmap *m, const char *key, size_t keylen);

/* Number of distinct keys in m. */
size_t strmap_count(const struct strmap *m);

/*
 * Calls fn once for every key, in no particular order, with the map's copy
 * of the key (NUL-terminated, owned by the map).  fn must not change m.
 */
void strmap_foreach(const struct strmap *m,
		    void (*fn)(const char *key, size_t keylen, int64_t value,
			       void *ctx),
		    void *ctx);

#endif
