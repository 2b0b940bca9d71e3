/*
 * run_texts.c - texts of an ingest into test_output, in batches.
 */
#include "store/run_texts.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/sha256.h"
#include "core/xalloc.h"
#include "core/banned.h"

/* A batch is written when it holds this many bytes of text or rows. */
#define TEXTS_BATCH_BYTES (2u << 20)
#define TEXTS_BATCH_ROWS 2048
/* The cache of hashes queued is emptied past this many. */
#define TEXTS_SEEN_MAX 16384

struct run_texts_row {
	char hash[65];
	size_t offset; /* of the text in data */
	int64_t original_length;
};

void run_texts_init(struct run_texts *t, struct store *st)
{
	memset(t, 0, sizeof(*t));
	t->st = st;
	strmap_init(&t->seen);
	buf_init(&t->data);
}

static const char *const columns[] = {"hash", "text", "original_length"};

/* Loads the batch into the (emptied) temporary table run_new_output. */
static int load_batch(struct run_texts *t)
{
	struct store_value v[3];

	if (store_exec(t->st,
		       store_sql_pick(t->st,
				      "CREATE TEMP TABLE IF NOT EXISTS "
				      "run_new_output (hash TEXT NOT NULL, "
				      "text TEXT NOT NULL, original_length "
				      "INTEGER NOT NULL)",
				      "CREATE TEMP TABLE IF NOT EXISTS "
				      "run_new_output (hash TEXT NOT NULL, "
				      "text TEXT NOT NULL, original_length "
				      "BIGINT NOT NULL)"),
		       NULL, 0, NULL, NULL) < 0 ||
	    store_exec(t->st, "DELETE FROM run_new_output", NULL, 0, NULL,
		       NULL) < 0 ||
	    store_bulk_begin(t->st, "run_new_output", columns, 3) < 0)
		return -1;
	for (size_t i = 0; i < t->nrows; i++) {
		v[0] = STORE_TEXT_V(t->rows[i].hash);
		v[1] = STORE_TEXT_V(t->data.data + t->rows[i].offset);
		v[2] = STORE_INT_V(t->rows[i].original_length);
		if (store_bulk_row(t->st, v) < 0)
			return -1;
	}
	return store_bulk_end(t->st);
}

int run_texts_flush(struct run_texts *t)
{
	if (!t->nrows)
		return 0;
	if (load_batch(t) < 0 ||
	    store_exec(t->st,
		       "INSERT INTO test_output (hash, text, original_length) "
		       "SELECT hash, text, original_length FROM run_new_output "
		       "WHERE true ON CONFLICT (hash) DO NOTHING",
		       NULL, 0, NULL, NULL) < 0)
		return -1;
	t->nrows = 0;
	buf_reset(&t->data);
	if (strmap_count(&t->seen) > TEXTS_SEEN_MAX) {
		strmap_release(&t->seen);
		strmap_init(&t->seen);
	}
	return 0;
}

int run_texts_add(struct run_texts *t, const struct run_text *text,
		  char hash[65])
{
	size_t len = text->text ? strlen(text->text) : 0;
	struct run_texts_row *r;

	hash[0] = '\0';
	if (!len)
		return 0;
	sha256_hex(text->text, len, hash);
	if (!t->st || strmap_get(&t->seen, hash, 64, NULL))
		return 0;
	strmap_put(&t->seen, hash, 64, 1);
	ALLOC_GROW(t->rows, t->nrows + 1, t->rows_cap);
	r = &t->rows[t->nrows++];
	memcpy(r->hash, hash, 65);
	r->offset = t->data.len;
	r->original_length =
		(int64_t)(text->original_length > len ? text->original_length
						      : len);
	buf_add(&t->data, text->text, len + 1);
	if (t->data.len >= TEXTS_BATCH_BYTES || t->nrows >= TEXTS_BATCH_ROWS)
		return run_texts_flush(t);
	return 0;
}

void run_texts_release(struct run_texts *t)
{
	strmap_release(&t->seen);
	buf_release(&t->data);
	free(t->rows);
	memset(t, 0, sizeof(*t));
}
