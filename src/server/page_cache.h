/*
 * page_cache.h - rendered pages kept for a moment.
 *
 * A page reads the store through the router (a connection, the schema
 * check, a few queries): tens of milliseconds on a big store, while the
 * same page is asked for by every open dashboard.  The server keeps each
 * rendered page (status 200 only), keyed by its path and query, for
 * ttl_ms, so a hundred clients cost one rendering per key per ttl; what
 * they see is at most ttl_ms older than the store.  Thread-safe; holds at
 * most PAGE_CACHE_MAX entries (the oldest goes first).
 */
#ifndef TESTPUMP_SERVER_PAGE_CACHE_H
#define TESTPUMP_SERVER_PAGE_CACHE_H

#include <stdint.h>

#include "core/buf.h"

#define PAGE_CACHE_MAX 64

struct page_cache;

/* A cache keeping pages ttl_ms; NULL (no cache) when ttl_ms is 0. */
struct page_cache *page_cache_new(int64_t ttl_ms);

/* Frees c and its pages; NULL is ignored. */
void page_cache_free(struct page_cache *c);

/*
 * Appends the page cached under key to out and returns 1; or returns 0
 * when the caller is to render it and then call page_cache_put() (a 200)
 * or page_cache_drop() (anything else).  An expired page is given to
 * one caller to render; until it puts the new one, the others get the
 * old.  c NULL: always 0.
 */
int page_cache_get(struct page_cache *c, const char *key, struct buf *out);

/* Keeps a copy of the len bytes of page under key; c may be NULL. */
void page_cache_put(struct page_cache *c, const char *key, const char *page,
		    size_t len);

/* Forgets the page under key (it no longer renders); c may be NULL. */
void page_cache_drop(struct page_cache *c, const char *key);

#endif
