/*
 * http.h - the HTTP client every connector shares (libcurl inside).
 *
 * One client keeps its connections open between calls (keep-alive, gzip),
 * sends a User-Agent and HTTP Basic credentials, and bounds every call with
 * a connect and a total timeout.  A call that gets 429, 409 (TestRail's
 * maintenance window), 502, 503 or 504, or loses its connection half-way,
 * is tried again: after the server's Retry-After when it sends one, else
 * after an exponential backoff with jitter; the tries are bounded in number
 * and in total waiting time.  No other 4xx is retried.
 *
 * At -v every call logs one line: method, URL with secrets masked
 * (config_mask_url()), status, bytes and milliseconds.  Credentials are
 * handed to libcurl as options, never put in a URL, a log or a message.
 *
 * A transport may stand in for the network (the faux upstream, --faux):
 * calls then go through the same retry loop and logging, answered
 * in-process.
 */
#ifndef TESTPUMP_SOURCES_HTTP_H
#define TESTPUMP_SOURCES_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

struct http_client;

/* One answer.  The response owns body; http_response_release() frees it. */
struct http_response {
	long status;	     /* HTTP status, 0 when none arrived */
	struct buf body;     /* the body, decoded (gzip) */
	long retry_after_ms; /* the Retry-After header, -1 when absent */
	/*
	 * The header lines of the final answer (after any redirect), each
	 * "Name: value\r\n" as received; read them with http_header().
	 */
	struct buf headers;
};

/* Sets r to an empty answer. */
void http_response_init(struct http_response *r);

/* Frees the body and leaves r empty and reusable. */
void http_response_release(struct http_response *r);

/*
 * Copies the value of header `name` (any case) of r into out (reset
 * first), without the blanks around it, and returns 1; returns 0 and
 * leaves out empty when r has no such header.  The first of repeated
 * headers wins.
 */
int http_header(const struct http_response *r, const char *name,
		struct buf *out);

/*
 * A stand-in for the network: get() fills resp (status, body, Retry-After)
 * for the URL and returns 0, or returns -1 with the message set for a
 * failure that is not an HTTP answer.  It may be called from one thread at
 * a time only.
 */
struct http_transport {
	int (*get)(const char *url, struct http_response *resp, void *ctx);
	void *ctx;
};

struct http_options {
	const char *user_agent; /* borrowed; NULL: "testpump/VERSION" */
	const char *username;	/* HTTP Basic, borrowed; NULL: no auth */
	const char *password;	/* borrowed; never logged */
	/*
	 * More request headers, "Name: value" each, NULL-terminated,
	 * borrowed (API keys, "Authorization: Bearer ...", API versions);
	 * sent on every call, never logged.
	 */
	const char *const *headers;
	/*
	 * Follow up to 5 redirects (artifact downloads).  The Basic
	 * credentials and an Authorization header go only to the first
	 * host; other `headers` follow the redirect, so a connector that
	 * follows redirects carries its secret in Authorization.
	 */
	int follow_redirects;
	long connect_timeout_ms;
	long timeout_ms;      /* per try, the whole transfer */
	int max_tries;	      /* 1 = no retry */
	long retry_budget_ms; /* total waiting between tries, at most */
	long backoff_ms;      /* the first backoff; doubles per try */
	long max_wait_ms;     /* longest single wait */
	int concurrency;      /* requests in flight in http_get_many() */
	const struct http_transport *transport; /* NULL: the network */
};

/*
 * Fills o with the defaults: connect 10 s, total 60 s, 6 tries, 120 s of
 * waiting at most, backoff from 500 ms up to 30 s, 8 requests in flight,
 * no credentials, the network.
 */
void http_options_init(struct http_options *o);

/*
 * Makes a client in *out from o (copied; the strings o points at must
 * outlive the client).  Returns 0, or -1 with the message set.
 */
int http_client_new(struct http_client **out, const struct http_options *o);

/* Closes the client's connections and frees it; NULL is ignored. */
void http_client_free(struct http_client *c);

/*
 * GETs url into resp (initialised by the caller; its previous body is
 * dropped), retrying as described above.  Returns 0 for a 2xx answer.
 * Otherwise returns -1 with a message naming the masked URL and the last
 * status or transfer error; resp keeps the last answer.
 */
int http_get(struct http_client *c, const char *url,
	     struct http_response *resp);

/*
 * GETs urls[0..n-1] with up to the client's concurrency in flight at once
 * (curl multi), each retried as by http_get(), into resps[0..n-1]
 * (initialised by the caller).  Returns 0 when every answer is 2xx, else
 * -1 with the message of the first failure in urls order; every resps[i]
 * holds what arrived.
 */
int http_get_many(struct http_client *c, const char *const *urls, size_t n,
		  struct http_response *resps);

/*
 * Called with answer i (a 2xx) as soon as it and every answer before it
 * are in; may take resp's body (it is released anyway afterwards).  A
 * negative return, with the message set, stops the calls.
 */
typedef int (*http_done_fn)(size_t i, struct http_response *resp, void *ctx);

/*
 * As http_get_many(), but hands the answers to fn in urls order while the
 * later ones are still in flight, so processing overlaps the downloads.
 * Stops at the first failure in urls order (its message set; the answers
 * after it are dropped) or when fn returns < 0.
 */
int http_get_each(struct http_client *c, const char *const *urls, size_t n,
		  struct http_response *resps, http_done_fn fn, void *ctx);

/* What a client did so far. */
struct http_stats {
	uint64_t calls;	  /* HTTP calls made, retries included */
	uint64_t retries; /* calls that were retries */
	uint64_t bytes;	  /* body bytes received */
	uint64_t wait_ms; /* time spent waiting before retries */
};

/* The client's counters since it was made. */
void http_client_stats(const struct http_client *c, struct http_stats *out);

/*
 * How long to wait before try number `tries` + 1 (tries >= 1 made so far):
 * retry_after_ms when it is >= 0, else backoff_ms * 2^(tries-1) with
 * jitter (a uniform value in its upper half, from *seed), both capped at
 * max_wait_ms.  Exposed for tests.
 */
long http_retry_delay(const struct http_options *o, int tries,
		      long retry_after_ms, uint64_t *seed);

/* True when an answer with this status is worth another try. */
int http_status_retryable(long status);

/*
 * Parses a Retry-After value, "120" or an HTTP date, into milliseconds
 * from now_s (seconds since the epoch); -1 when it is neither.
 */
long http_parse_retry_after(const char *value, int64_t now_s);

#endif
