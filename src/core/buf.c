/*
 * buf.c - growable NUL-terminated byte buffer.
 */
#include "core/buf.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "core/banned.h"

/* Shared by every empty buffer; never written to. */
char buf_empty[1];

void buf_init(struct buf *b)
{
	b->data = buf_empty;
	b->len = 0;
	b->cap = 0;
}

void buf_release(struct buf *b)
{
	if (b->cap)
		free(b->data);
	buf_init(b);
}

void buf_reset(struct buf *b)
{
	if (b->cap)
		b->data[0] = '\0';
	b->len = 0;
}

void buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	if (!b->cap)
		b->data = NULL;
	ALLOC_GROW(b->data, need, b->cap);
	if (!b->len)
		b->data[0] = '\0';
}

void buf_truncate(struct buf *b, size_t len)
{
	assert(len <= b->len);
	if (!b->cap)
		return;
	b->len = len;
	b->data[len] = '\0';
}

void buf_add(struct buf *b, const void *data, size_t len)
{
	if (!len)
		return;
	buf_grow(b, len);
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addch(struct buf *b, char c)
{
	buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int len;

	va_copy(cp, ap);
	len = vsnprintf(b->data + b->len, b->cap ? b->cap - b->len : 0, fmt,
			cp);
	va_end(cp);
	/* Not an assert: with NDEBUG a -1 would silently shorten b. */
	if (len < 0) {
		fprintf(stderr, "testpump: bad format string '%s'\n", fmt);
		abort();
	}
	if ((size_t)len + 1 > (b->cap ? b->cap - b->len : 0)) {
		buf_grow(b, (size_t)len);
		vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	}
	b->len += (size_t)len;
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

char *buf_detach(struct buf *b, size_t *len_out)
{
	char *p;

	if (len_out)
		*len_out = b->len;
	if (!b->cap)
		p = xstrdup("");
	else
		p = b->data;
	buf_init(b);
	return p;
}
