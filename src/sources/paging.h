/*
 * paging.h - reading paginated lists: offset/limit envelopes and bare arrays.
 *
 * TestRail (6.7 and later) answers a bulk GET with an envelope,
 *
 *	{"offset": 0, "limit": 250, "size": 250,
 *	 "_links": {"next": "/api/v2/get_cases/1&limit=250&offset=250", ...},
 *	 "cases": [...]}
 *
 * and older servers with a bare JSON array holding the whole list.  Both are
 * accepted.  A list ends when `_links.next` is null or a page is empty, not
 * when a page is short (the seed's rule, which loops forever or stops early
 * on servers with a smaller page limit).
 *
 * Several lists ("streams") are read together: each round asks for the next
 * `lookahead` pages of every unfinished stream at once (only the first page
 * in a stream's first round, so short lists cost one call), over curl multi
 * bounded by the client's concurrency, and hands each page to the callback
 * in order as soon as it and the pages before it are in, while the later
 * ones still download (http_get_each()); a page is parsed in place by
 * jscan.h and freed once handled.  Pages past a stream's end are dropped; a page whose offset is not
 * the one expected (a server with a smaller page limit) is asked again, so
 * speculation never skips or repeats an item.  With lookahead 1 the pages
 * come one by one.
 */
#ifndef TESTPUMP_SOURCES_PAGING_H
#define TESTPUMP_SOURCES_PAGING_H

#include <stddef.h>
#include <stdint.h>

#include "sources/http.h"
#include "sources/jscan.h"

/* One list to read.  The caller sets url, key and name. */
struct page_stream {
	const char *url;  /* the first page, without limit and offset */
	const char *key;  /* the envelope's array: "cases" */
	const char *name; /* for messages: "get_cases/59&suite_id=101" */
	/* Filled while reading. */
	int64_t offset; /* of the next page */
	size_t pages;
	size_t items;
	int done;
};

/*
 * Called once per page, in page order within each stream, with the page
 * parsed by jscan.h and the index of its items array in it (both borrowed,
 * valid during the call only).  A negative return stops the reading and is
 * returned.
 */
typedef int (*page_fn)(size_t stream, const struct jscan *doc, uint32_t items,
		       void *ctx);

struct paging_options {
	int limit;	  /* items per page, 1..250 for TestRail */
	int lookahead;	  /* pages of one stream asked at once (>= 1) */
	size_t max_round; /* requests per round at most (bounds memory) */
};

/* limit 250, lookahead 1, 64 requests per round. */
void paging_options_init(struct paging_options *o);

/*
 * Reads streams[0..n-1] to their ends through c, calling fn for every page.
 * Returns 0, or -1 with the message set: a failed GET (named by the
 * client), or a malformed page, named by the stream's name: not JSON
 * (with line and column), no `key` array, or an offset going backwards.
 */
int paging_run(struct http_client *c, struct page_stream *streams, size_t n,
	       const struct paging_options *o, page_fn fn, void *ctx);

#endif
