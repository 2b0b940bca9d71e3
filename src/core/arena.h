/*
 * arena.h - a bump allocator for the many small strings of one job.
 *
 * An ingest or a request allocates many small, short-lived pieces (names,
 * attribute values, formatted keys) that all die together.  An arena hands
 * them out from large chunks and frees them in one go with arena_release();
 * nothing allocated from an arena is ever freed on its own.
 *
 * Ownership: the arena owns every byte it returns.  Pointers stay valid
 * until arena_release(); they never move, so they may be stored anywhere
 * (hash tables, lists) that does not outlive the arena.  Allocation aborts
 * on failure (see xalloc.h), so no function here returns NULL.
 */
#ifndef TESTPUMP_CORE_ARENA_H
#define TESTPUMP_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_chunk;

struct arena {
	/* Newest chunk first; allocation bumps inside the first one. */
	struct arena_chunk *chunks;
	/* Data size of the last regular (shared) chunk, 0 before the first. */
	size_t chunk_size;
	/* Bytes taken from malloc, headers included. */
	size_t bytes;
};

#define ARENA_INIT         \
	{                  \
		NULL, 0, 0 \
	}

/* Sets a to an empty arena; nothing is allocated until the first use. */
void arena_init(struct arena *a);

/*
 * Returns size bytes, aligned for any type (alignof(max_align_t)) and not
 * initialised.  size 0 gives a unique pointer.  Chunks start at 4 KiB and
 * double up to 1 MiB; a request larger than a quarter of the current chunk
 * size gets a chunk of its own, so big blocks waste no space.
 */
void *arena_alloc(struct arena *a, size_t size);

/* A copy of the NUL-terminated s in a. */
char *arena_strdup(struct arena *a, const char *s);

/*
 * A NUL-terminated copy of the first min(strnlen(s, n), n) bytes of s in a;
 * s need not be NUL-terminated if it has n readable bytes.
 */
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* A formatted string in a. */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* As arena_printf(), with a va_list. */
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Bytes a has taken from malloc (chunk headers included), for stats. */
size_t arena_bytes(const struct arena *a);

/*
 * Frees every chunk; every pointer a returned becomes invalid.  a is left
 * empty and may be used again.
 */
void arena_release(struct arena *a);

#endif
