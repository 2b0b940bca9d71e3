/*
 * captext.c - capped text with middle elision (see captext.h).
 */
#include "ingest/captext.h"

#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "core/banned.h"

void captext_init(struct captext *t, size_t cap)
{
	if (cap < 2)
		cap = 2;
	t->cap = cap;
	t->head_cap = cap - cap / 2;
	buf_init(&t->head);
	t->tail = NULL;
	t->tail_len = 0;
	t->tail_pos = 0;
	t->total = 0;
}

/* Length of the UTF-8 sequence a lead byte starts (1 for anything else). */
static size_t seq_len(unsigned char b)
{
	if (b >= 0xf0 && b <= 0xf7)
		return 4;
	if (b >= 0xe0)
		return 3;
	if (b >= 0xc0)
		return 2;
	return 1;
}

/* The longest prefix of s[0..len) that ends on a character boundary. */
static size_t utf8_floor(const char *s, size_t len)
{
	size_t i = len;

	while (i > 0 && len - i < 3 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0 || ((unsigned char)s[i - 1] & 0xc0) != 0xc0)
		return len;
	if (i - 1 + seq_len((unsigned char)s[i - 1]) > len)
		return i - 1;
	return len;
}

/* Continuation bytes at the start of s[0..len) (at most 3). */
static size_t utf8_skip(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && i < 3 && ((unsigned char)s[i] & 0xc0) == 0x80)
		i++;
	return i;
}

static void tail_add(struct captext *t, const char *s, size_t len)
{
	size_t tcap = t->cap - t->head_cap, first;

	if (!t->tail)
		t->tail = xmalloc(tcap);
	if (len >= tcap) {
		memcpy(t->tail, s + len - tcap, tcap);
		t->tail_pos = 0;
		t->tail_len = tcap;
		return;
	}
	first = tcap - t->tail_pos;
	if (first > len)
		first = len;
	memcpy(t->tail + t->tail_pos, s, first);
	memcpy(t->tail, s + first, len - first);
	t->tail_pos = (t->tail_pos + len) % tcap;
	t->tail_len = t->tail_len + len > tcap ? tcap : t->tail_len + len;
}

void captext_add(struct captext *t, const char *s, size_t len)
{
	t->total += len;
	if (t->head.len < t->head_cap) {
		size_t n = t->head_cap - t->head.len;

		if (n > len)
			n = len;
		buf_add(&t->head, s, n);
		s += n;
		len -= n;
	}
	if (len)
		tail_add(t, s, len);
}

void captext_adds(struct captext *t, const char *s)
{
	captext_add(t, s, strlen(s));
}

uint64_t captext_length(const struct captext *t)
{
	return t->total;
}

/* Appends the marker for a text of total bytes of which kept were kept. */
static void marker(struct buf *out, uint64_t total, size_t kept)
{
	buf_addf(out, CAPTEXT_MARKER, (unsigned long long)(total - kept));
}

const char *captext_str(struct captext *t, struct buf *scratch, size_t *len)
{
	size_t tcap = t->cap - t->head_cap;
	size_t start, skip = 0, h, n;

	if (!t->tail_len) {
		if (len)
			*len = t->head.len;
		return t->head.data;
	}
	buf_reset(scratch);
	if (t->total <= t->cap) {
		/* Nothing was lost: the ring has not wrapped. */
		buf_add(scratch, t->head.data, t->head.len);
		buf_add(scratch, t->tail, t->tail_len);
	} else {
		/* The ring is full; its oldest byte is at tail_pos. */
		start = t->tail_pos;
		while (skip < 3 &&
		       ((unsigned char)t->tail[(start + skip) % tcap] & 0xc0) ==
			       0x80)
			skip++;
		start = (start + skip) % tcap;
		h = utf8_floor(t->head.data, t->head.len);
		buf_add(scratch, t->head.data, h);
		marker(scratch, t->total, h + tcap - skip);
		n = tcap - skip;
		if (start + n <= tcap) {
			buf_add(scratch, t->tail + start, n);
		} else {
			buf_add(scratch, t->tail + start, tcap - start);
			buf_add(scratch, t->tail, n - (tcap - start));
		}
	}
	if (len)
		*len = scratch->len;
	return scratch->data;
}

void captext_reset(struct captext *t)
{
	buf_reset(&t->head);
	t->tail_len = 0;
	t->tail_pos = 0;
	t->total = 0;
}

void captext_release(struct captext *t)
{
	buf_release(&t->head);
	free(t->tail);
	t->tail = NULL;
	captext_reset(t);
}

void captext_clip(struct buf *dst, const char *s, size_t len, size_t cap)
{
	size_t head, tail, h, skip;

	buf_reset(dst);
	if (cap < 2)
		cap = 2;
	if (len <= cap) {
		buf_add(dst, s, len);
		return;
	}
	head = cap - cap / 2;
	tail = cap / 2;
	h = utf8_floor(s, head);
	skip = utf8_skip(s + len - tail, tail);
	buf_add(dst, s, h);
	marker(dst, len, h + tail - skip);
	buf_add(dst, s + len - tail + skip, tail - skip);
}
