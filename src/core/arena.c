/*
 * arena.c - chunked bump allocator.
 *
 * The first chunk in the list is the one being filled.  A request that does
 * not fit opens a new shared chunk (twice the size of the last, up to
 * ARENA_MAX_CHUNK); the space left in the old one is given up, which wastes
 * at most a quarter chunk since bigger requests always get a chunk of
 * their own.
 */
#include "core/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "core/banned.h"

#define ARENA_ALIGN alignof(max_align_t)
#define ARENA_MIN_CHUNK ((size_t)4 * 1024)
#define ARENA_MAX_CHUNK ((size_t)1024 * 1024)

struct arena_chunk {
	struct arena_chunk *next;
	size_t size; /* usable bytes in data */
	size_t used;
	/* A max_align_t array starts, and so is, suitably aligned. */
	max_align_t data[];
};

void arena_init(struct arena *a)
{
	a->chunks = NULL;
	a->chunk_size = 0;
	a->bytes = 0;
}

static struct arena_chunk *chunk_new(struct arena *a, size_t size)
{
	size_t total = offsetof(struct arena_chunk, data) + size;
	struct arena_chunk *c = xmalloc(total);

	c->next = NULL;
	c->size = size;
	c->used = 0;
	a->bytes += total;
	return c;
}

/*
 * A chunk of exactly size bytes for one big block.  It goes second in the
 * list so the shared chunk being filled stays first.
 */
static void *alloc_dedicated(struct arena *a, size_t size)
{
	struct arena_chunk *big = chunk_new(a, size);

	big->used = size;
	if (a->chunks) {
		big->next = a->chunks->next;
		a->chunks->next = big;
	} else {
		a->chunks = big;
	}
	return big->data;
}

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_chunk *c = a->chunks;

	if (size > SIZE_MAX / 2) {
		fprintf(stderr,
			"testpump: out of memory allocating %zu bytes\n", size);
		abort();
	}
	/* Rounding every size keeps every offset, hence every pointer, aligned. */
	if (!size)
		size = 1;
	size = (size + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);

	if (size > (a->chunk_size ? a->chunk_size : ARENA_MIN_CHUNK) / 4)
		return alloc_dedicated(a, size);

	if (!c || c->size - c->used < size) {
		if (!a->chunk_size)
			a->chunk_size = ARENA_MIN_CHUNK;
		else if (a->chunk_size < ARENA_MAX_CHUNK)
			a->chunk_size *= 2;
		c = chunk_new(a, a->chunk_size);
		c->next = a->chunks;
		a->chunks = c;
	}
	c->used += size;
	return (char *)c->data + c->used - size;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = arena_alloc(a, len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	size_t len = strlen(s);
	char *p = arena_alloc(a, len + 1);

	memcpy(p, s, len + 1);
	return p;
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	int len;
	char *p;

	va_copy(cp, ap);
	len = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (len < 0) {
		fprintf(stderr, "testpump: bad format string '%s'\n", fmt);
		abort();
	}
	p = arena_alloc(a, (size_t)len + 1);
	vsnprintf(p, (size_t)len + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

size_t arena_bytes(const struct arena *a)
{
	return a->bytes;
}

void arena_release(struct arena *a)
{
	struct arena_chunk *c = a->chunks;

	while (c) {
		struct arena_chunk *next = c->next;

		free(c);
		c = next;
	}
	arena_init(a);
}
