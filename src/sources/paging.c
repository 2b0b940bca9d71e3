/*
 * paging.c - offset/limit envelopes and bare arrays, several lists at once.
 */
#include "sources/paging.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/xalloc.h"
#include "core/banned.h"

/* One request of a round: which stream, from which offset. */
struct page_req {
	size_t stream;
	int64_t offset;
};

void paging_options_init(struct paging_options *o)
{
	o->limit = 250;
	o->lookahead = 1;
	o->max_round = 64;
}

/*
 * Hands one page to fn and moves the stream on.  body is the page as text
 * (parsed in place); a page that does not start where the stream is
 * (speculation past a shorter page) is ignored and asked for again in the
 * next round.
 */
static int take_page(struct page_stream *s, size_t idx, int64_t offset,
		     struct buf *body, struct jscan *doc, page_fn fn, void *ctx)
{
	uint32_t root, items, next;
	size_t n;

	if (s->done || offset != s->offset)
		return 0;
	if (jscan_parse(doc, body->data, body->len) < 0)
		return err_set("'%s': malformed response: %s at line %d "
			       "column %d",
			       s->name, doc->error, doc->line, doc->column);
	root = jscan_root(doc);
	if (jscan_type(doc, root) == JSCAN_ARRAY) {
		/* A legacy server: the whole list, limit and offset unknown. */
		items = root;
		s->done = 1;
	} else {
		items = jscan_get(doc, root, s->key);
		if (jscan_type(doc, items) != JSCAN_ARRAY)
			return err_set("'%s': malformed response: no '%s' "
				       "array",
				       s->name, s->key);
		next = jscan_get(doc, jscan_get(doc, root, "_links"), "next");
		s->offset += (int64_t)jscan_size(doc, items);
		if (!jscan_str(doc, next) || !*jscan_str(doc, next) ||
		    !jscan_size(doc, items))
			s->done = 1;
	}
	n = jscan_size(doc, items);
	s->pages++;
	s->items += n;
	return fn(idx, doc, items, ctx) < 0 ? -1 : 0;
}

/* Builds the next round's requests; returns how many. */
static size_t plan_round(struct page_stream *streams, size_t n,
			 const struct paging_options *o, struct page_req *reqs)
{
	size_t count = 0;

	for (size_t i = 0; i < n && count < o->max_round; i++) {
		if (streams[i].done)
			continue;
		/* A stream's first page says whether speculation pays. */
		int ahead = streams[i].pages ? o->lookahead : 1;

		for (int k = 0; k < ahead && count < o->max_round; k++) {
			reqs[count].stream = i;
			reqs[count].offset =
				streams[i].offset + (int64_t)k * o->limit;
			count++;
		}
	}
	return count;
}

/* What a round hands to each answer as it comes in. */
struct round {
	struct page_stream *streams;
	const struct page_req *reqs;
	struct jscan *doc;
	page_fn fn;
	void *ctx;
};

static int on_answer(size_t i, struct http_response *resp, void *ctx)
{
	struct round *r = ctx;
	int rc = take_page(&r->streams[r->reqs[i].stream], r->reqs[i].stream,
			   r->reqs[i].offset, &resp->body, r->doc, r->fn,
			   r->ctx);

	/* The page is read: its memory goes while the others arrive. */
	http_response_release(resp);
	return rc;
}

static int run_round(struct http_client *c, struct page_stream *streams,
		     const struct paging_options *o, struct page_req *reqs,
		     size_t count, struct jscan *doc, page_fn fn, void *ctx)
{
	char **urls = xcalloc(count, sizeof(char *));
	struct http_response *resps = xcalloc(count, sizeof(*resps));
	struct round r = {streams, reqs, doc, fn, ctx};
	int rc;

	for (size_t i = 0; i < count; i++) {
		const char *url = streams[reqs[i].stream].url;

		urls[i] = xasprintf("%s%climit=%d&offset=%lld", url,
				    strchr(url, '?') ? '&' : '?', o->limit,
				    (long long)reqs[i].offset);
		http_response_init(&resps[i]);
	}
	rc = http_get_each(c, (const char *const *)urls, count, resps,
			   on_answer, &r);
	for (size_t i = 0; i < count; i++) {
		free(urls[i]);
		http_response_release(&resps[i]);
	}
	free(urls);
	free(resps);
	return rc;
}

int paging_run(struct http_client *c, struct page_stream *streams, size_t n,
	       const struct paging_options *o, page_fn fn, void *ctx)
{
	struct paging_options opt = *o;
	struct page_req *reqs;
	struct jscan doc;
	int rc = 0;

	if (opt.lookahead < 1)
		opt.lookahead = 1;
	if (opt.max_round < 1)
		opt.max_round = 1;
	if (opt.limit < 1)
		opt.limit = 250;
	for (size_t i = 0; i < n; i++) {
		streams[i].offset = 0;
		streams[i].pages = streams[i].items = 0;
		streams[i].done = 0;
	}
	reqs = xcalloc(opt.max_round, sizeof(*reqs));
	jscan_init(&doc);
	for (;;) {
		size_t count = plan_round(streams, n, &opt, reqs);

		if (!count)
			break;
		rc = run_round(c, streams, &opt, reqs, count, &doc, fn, ctx);
		if (rc < 0)
			break;
	}
	jscan_release(&doc);
	free(reqs);
	return rc;
}
