/*
 * run_texts.h - the texts of one ingest (messages, stack traces, output),
 * stored once per distinct content in test_output, in batches.
 *
 * Internal to store/runs.c.  Each text is hashed (SHA-256, hex) and, if
 * this ingest has not queued it lately, queued; a batch goes to a
 * temporary table with one bulk load (COPY on PostgreSQL) and into
 * test_output with one INSERT ... ON CONFLICT DO NOTHING.  The set of
 * hashes already queued is a bounded cache, so memory does not grow with
 * the number of distinct texts: a text seen again after the cache was
 * emptied is queued again and the conflict clause drops it.
 */
#ifndef TESTPUMP_STORE_RUN_TEXTS_H
#define TESTPUMP_STORE_RUN_TEXTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/strmap.h"
#include "store/runs.h"
#include "store/store.h"

struct run_texts_row;

struct run_texts {
	struct store *st;   /* NULL: count nothing, write nothing (dry run) */
	struct strmap seen; /* hashes queued since the cache was emptied */
	struct buf data;    /* the queued texts, NUL-separated */
	struct run_texts_row *rows;
	size_t nrows, rows_cap;
};

/* Readies t to write into st (NULL in a dry run). */
void run_texts_init(struct run_texts *t, struct store *st);

/*
 * Sets hash to the hash of text ("" when it has none) and queues the text
 * for test_output unless it was queued lately; writes the batch when it
 * is full.  Must not be called while a bulk load is open.
 */
int run_texts_add(struct run_texts *t, const struct run_text *text,
		  char hash[65]);

/* Writes the queued texts; called before the transaction commits. */
int run_texts_flush(struct run_texts *t);

/* Frees what t holds (queued texts are dropped). */
void run_texts_release(struct run_texts *t);

#endif
