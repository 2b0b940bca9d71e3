/*
 * xalloc.h - allocation that never returns NULL.
 *
 * Running out of memory is not an error testpump can recover from, so these
 * wrappers print one line and abort.  Call sites never test for NULL; return
 * codes are kept for I/O, parsing, network and database errors.
 */
#ifndef TESTPUMP_CORE_XALLOC_H
#define TESTPUMP_CORE_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

/* malloc(size), aborting on failure; size 0 gives a unique pointer. */
void *xmalloc(size_t size);

/* calloc(n, size) with the multiplication checked for overflow. */
void *xcalloc(size_t n, size_t size);

/* realloc(ptr, size); ptr may be NULL. */
void *xrealloc(void *ptr, size_t size);

/* realloc of an array of n elements of size, overflow checked. */
void *xreallocarray(void *ptr, size_t n, size_t size);

/* A copy of the NUL-terminated s; s must not be NULL. */
char *xstrdup(const char *s);

/* A copy of at most n bytes of s, always NUL-terminated. */
char *xstrndup(const char *s, size_t n);

/* A newly allocated formatted string; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* As xasprintf(), with a va_list. */
char *xvasprintf(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));

/*
 * Grows *cap so that at least `need` elements fit, reallocating *ptr.
 * The growth is geometric (1.5x) so appends are amortised O(1).
 */
#define ALLOC_GROW(ptr, need, cap)                               \
	do {                                                     \
		if ((need) > (cap)) {                            \
			size_t new_cap_ = (cap) + (cap) / 2 + 8; \
			if (new_cap_ < (need))                   \
				new_cap_ = (need);               \
			(ptr) = xreallocarray((ptr), new_cap_,   \
					      sizeof(*(ptr)));   \
			(cap) = new_cap_;                        \
		}                                                \
	} while (0)

/* Number of elements of a true array (not a pointer). */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
