/*
 * buf.h - the one growable byte buffer.
 *
 * A struct buf is never NULL and always NUL-terminated: an empty buffer
 * points at a shared empty string, so b.data can be printed at any time.
 * The buffer owns b.data; buf_release() frees it and leaves an empty buffer,
 * buf_detach() hands it to the caller.  Functions that add bytes never fail
 * (allocation aborts, see xalloc.h).
 */
#ifndef TESTPUMP_CORE_BUF_H
#define TESTPUMP_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

extern char buf_empty[];

#define BUF_INIT                \
	{                       \
		buf_empty, 0, 0 \
	}

/* Sets b to the empty buffer; nothing is allocated. */
void buf_init(struct buf *b);

/* Frees the bytes and leaves b empty and reusable. */
void buf_release(struct buf *b);

/* Empties b but keeps its memory for reuse. */
void buf_reset(struct buf *b);

/* Makes room for `extra` more bytes (plus the NUL) without adding any. */
void buf_grow(struct buf *b, size_t extra);

/* Cuts b to its first len bytes; len must not exceed b->len. */
void buf_truncate(struct buf *b, size_t len);

/* Appends len bytes from data. */
void buf_add(struct buf *b, const void *data, size_t len);

/* Appends the NUL-terminated s. */
void buf_adds(struct buf *b, const char *s);

/* Appends one byte. */
void buf_addch(struct buf *b, char c);

/* Appends formatted text. */
void buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* As buf_addf(), with a va_list. */
void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * Gives the bytes to the caller, who frees them; *len_out (if not NULL)
 * receives the length.  b is left empty.  Never returns NULL.
 */
char *buf_detach(struct buf *b, size_t *len_out);

#endif
