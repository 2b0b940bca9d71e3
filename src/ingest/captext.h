/*
 * captext.h - text kept to a size cap by cutting out its middle.
 *
 * Test output can be gigabytes (a runaway log in <system-out>), yet the
 * start (what ran) and the end (how it died) are what people read.  A
 * captext takes text in pieces of any size and keeps at most `cap` bytes:
 * the first half and the last half.  When more came in, the result is
 *
 *	head "\n[... N bytes elided ...]\n" tail
 *
 * with N the bytes left out, and the original length is kept, so a reader
 * always knows what was lost.  Cuts never split a UTF-8 sequence.  Memory
 * is bounded by cap whatever the input size, and a reset keeps it for the
 * next text, so a parser that reuses one captext per field allocates
 * nothing in steady state.
 */
#ifndef TESTPUMP_INGEST_CAPTEXT_H
#define TESTPUMP_INGEST_CAPTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* printf format of the marker put where the middle was cut out. */
#define CAPTEXT_MARKER "\n[... %llu bytes elided ...]\n"

struct captext {
	/* At most cap, at least 2; head_cap = cap / 2 rounded up. */
	size_t cap, head_cap;
	/* The first head_cap bytes. */
	struct buf head;
	/* Ring of the last cap - head_cap bytes, allocated when first needed;
	 * tail_len bytes are in use, the oldest at tail_pos once full. */
	char *tail;
	size_t tail_len, tail_pos;
	/* Bytes added since the last reset. */
	uint64_t total;
};

/* Sets t to an empty text that keeps at most cap (>= 2) bytes. */
void captext_init(struct captext *t, size_t cap);

/* Adds len bytes at s (s may be NULL when len is 0). */
void captext_add(struct captext *t, const char *s, size_t len);

/* Adds the NUL-terminated s. */
void captext_adds(struct captext *t, const char *s);

/* Bytes added since the last reset: the original length. */
uint64_t captext_length(const struct captext *t);

/*
 * The kept text, NUL-terminated: either everything added, or head, marker
 * and tail.  The result points into t or into scratch (which is reset and
 * used when head and tail must be joined) and stays valid until the next
 * change to either.  *len (if not NULL) receives its length.
 */
const char *captext_str(struct captext *t, struct buf *scratch, size_t *len);

/* Empties t but keeps its memory. */
void captext_reset(struct captext *t);

/* Frees t's memory; t is left empty with the same cap. */
void captext_release(struct captext *t);

/*
 * Replaces dst with the len bytes at s, cut to cap (>= 2) bytes plus the
 * marker in the same way; for strings that arrive whole.
 */
void captext_clip(struct buf *dst, const char *s, size_t len, size_t cap);

#endif
