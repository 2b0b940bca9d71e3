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
 * Hands one page to fn and moves the stream on.  body is the page as text;
 * a page that does not start where the stream is (speculation past a
 * shorter page) is ignored and asked for again in the next round.
 */
static int take_page(struct page_stream *s, size_t idx, int64_t offset,
		     const struct buf *body, page_fn fn, void *ctx)
{
	json_error_t e;
	json_t *doc, *items, *links, *next;
	int rc;

	if (s->done || offset != s->offset)
		return 0;
	doc = json_loadb(body->data, body->len, 0, &e);
	if (!doc)
		return err_set("'%s': malformed response: %s at line %d "
			       "column %d",
			       s->name, e.text, e.line, e.column);
	if (json_is_array(doc)) {
		/* A legacy server: the whole list, limit and offset unknown. */
		items = doc;
		s->done = 1;
	} else {
		items = json_object_get(doc, s->key);
		if (!json_is_array(items)) {
			json_decref(doc);
			return err_set("'%s': malformed response: no '%s' "
				       "array",
				       s->name, s->key);
		}
		links = json_object_get(doc, "_links");
		next = json_object_get(links, "next");
		s->offset += (int64_t)json_array_size(items);
		if (!json_is_string(next) || !*json_string_value(next) ||
		    !json_array_size(items))
			s->done = 1;
	}
	s->pages++;
	s->items += json_array_size(items);
	rc = fn(idx, items, ctx);
	json_decref(doc);
	return rc < 0 ? rc : 0;
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

static int run_round(struct http_client *c, struct page_stream *streams,
		     const struct paging_options *o, struct page_req *reqs,
		     size_t count, page_fn fn, void *ctx)
{
	char **urls = xcalloc(count, sizeof(char *));
	struct http_response *resps = xcalloc(count, sizeof(*resps));
	int rc;

	for (size_t i = 0; i < count; i++) {
		const char *url = streams[reqs[i].stream].url;

		urls[i] = xasprintf("%s%climit=%d&offset=%lld", url,
				    strchr(url, '?') ? '&' : '?', o->limit,
				    (long long)reqs[i].offset);
		http_response_init(&resps[i]);
	}
	rc = http_get_many(c, (const char *const *)urls, count, resps);
	for (size_t i = 0; i < count && rc == 0; i++)
		rc = take_page(&streams[reqs[i].stream], reqs[i].stream,
			       reqs[i].offset, &resps[i].body, fn, ctx);
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
	for (;;) {
		size_t count = plan_round(streams, n, &opt, reqs);

		if (!count)
			break;
		rc = run_round(c, streams, &opt, reqs, count, fn, ctx);
		if (rc < 0)
			break;
	}
	free(reqs);
	return rc;
}
