/*
 * http.c - libcurl behind http.h: keep-alive, gzip, timeouts, retries.
 *
 * Every GET, single or many, runs through one loop over "transfers": a
 * transfer is one URL with its tries so far.  The loop starts transfers
 * whose time has come while fewer than `concurrency` are running, lets
 * curl multi move the bytes, and decides after each try whether the URL is
 * done or waits for another try.  A share handle keeps one connection and
 * DNS cache for all of the client's easy handles, so a pump that makes
 * 400 calls opens a handful of connections.
 */
#include "sources/http.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "core/err.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "core/banned.h"

#ifndef TESTPUMP_VERSION
#define TESTPUMP_VERSION "0"
#endif

struct http_client {
	struct http_options o;
	char *user_agent;
	CURLM *multi;
	CURLSH *share;
	CURL **pool; /* o.concurrency easy handles */
	struct curl_slist *headers;
	struct http_stats stats;
	uint64_t seed;
};

enum transfer_state { T_WAITING, T_RUNNING, T_DONE };

/* One URL and its tries. */
struct transfer {
	const char *url;
	struct http_response *resp;
	enum transfer_state state;
	CURL *easy; /* while running */
	int tries;
	int failed;
	long waited_ms;
	int64_t due_ms;	    /* monotonic time of the next try */
	int64_t started_ms; /* of the running try */
	CURLcode code;
	char errbuf[CURL_ERROR_SIZE];
	char *message; /* the failure, once given up */
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (ms > 0 && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static uint64_t next_random(uint64_t *seed)
{
	uint64_t x = *seed ? *seed : 0x9e3779b97f4a7c15ULL;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*seed = x;
	return x;
}

void http_response_init(struct http_response *r)
{
	r->status = 0;
	buf_init(&r->body);
	buf_init(&r->headers);
	r->retry_after_ms = -1;
}

void http_response_release(struct http_response *r)
{
	buf_release(&r->body);
	buf_release(&r->headers);
	r->status = 0;
	r->retry_after_ms = -1;
}

int http_header(const struct http_response *r, const char *name,
		struct buf *out)
{
	size_t nlen = strlen(name);
	const char *p = r->headers.data, *end = p + r->headers.len;

	buf_reset(out);
	while (p && p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *v, *ve;

		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > nlen && p[nlen] == ':' &&
		    !strncasecmp(p, name, nlen)) {
			v = p + nlen + 1;
			ve = eol;
			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' ||
					  ve[-1] == '\t'))
				ve--;
			buf_add(out, v, (size_t)(ve - v));
			return 1;
		}
		p = eol + 1;
	}
	return 0;
}

void http_options_init(struct http_options *o)
{
	memset(o, 0, sizeof(*o));
	o->connect_timeout_ms = 10000;
	o->timeout_ms = 60000;
	o->max_tries = 6;
	o->retry_budget_ms = 120000;
	o->backoff_ms = 500;
	o->max_wait_ms = 30000;
	o->concurrency = 8;
}

int http_status_retryable(long status)
{
	return status == 429 || status == 409 || status == 502 ||
	       status == 503 || status == 504;
}

/* Transfer errors that say the connection broke, not the request. */
static int code_retryable(CURLcode code)
{
	return code == CURLE_OPERATION_TIMEDOUT || code == CURLE_GOT_NOTHING ||
	       code == CURLE_RECV_ERROR || code == CURLE_SEND_ERROR ||
	       code == CURLE_PARTIAL_FILE;
}

long http_parse_retry_after(const char *value, int64_t now_s)
{
	const char *p = value;
	long secs = 0;
	time_t when;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p >= '0' && *p <= '9') {
		for (; *p >= '0' && *p <= '9'; p++)
			secs = secs < 100000000 ? secs * 10 + (*p - '0') : secs;
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		return *p ? -1 : secs * 1000;
	}
	when = curl_getdate(p, NULL);
	if (when < 0)
		return -1;
	return when <= now_s ? 0 : (long)(when - now_s) * 1000;
}

long http_retry_delay(const struct http_options *o, int tries,
		      long retry_after_ms, uint64_t *seed)
{
	long d;

	if (retry_after_ms >= 0) {
		d = retry_after_ms;
	} else {
		d = o->backoff_ms;
		for (int i = 1; i < tries && d < o->max_wait_ms; i++)
			d *= 2;
		if (d > 1)
			d = d / 2 +
			    (long)(next_random(seed) % (uint64_t)(d / 2 + 1));
	}
	return d > o->max_wait_ms ? o->max_wait_ms : d;
}

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	struct http_response *r = ctx;

	buf_add(&r->body, data, size * n);
	return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *ctx)
{
	struct http_response *r = ctx;
	size_t len = size * n;
	static const char name[] = "retry-after:";
	char value[128];

	/* A redirect's answer is followed by the next one's status line. */
	if (len >= 5 && !strncmp(data, "HTTP/", 5)) {
		buf_reset(&r->headers);
		r->retry_after_ms = -1;
		return len;
	}
	buf_add(&r->headers, data, len);
	if (len > sizeof(name) - 1 &&
	    len - (sizeof(name) - 1) < sizeof(value) &&
	    !strncasecmp(data, name, sizeof(name) - 1)) {
		memcpy(value, data + sizeof(name) - 1,
		       len - (sizeof(name) - 1));
		value[len - (sizeof(name) - 1)] = '\0';
		r->retry_after_ms =
			http_parse_retry_after(value, (int64_t)time(NULL));
	}
	return len;
}

int http_client_new(struct http_client **out, const struct http_options *o)
{
	static int curl_ready;
	struct http_client *c;

	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return err_set("cannot initialise libcurl");
		curl_ready = 1;
	}
	c = xcalloc(1, sizeof(*c));
	c->o = *o;
	if (c->o.concurrency < 1)
		c->o.concurrency = 1;
	if (c->o.max_tries < 1)
		c->o.max_tries = 1;
	c->user_agent = o->user_agent ? xstrdup(o->user_agent)
				      : xstrdup("testpump/" TESTPUMP_VERSION);
	c->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	if (!o->transport) {
		c->multi = curl_multi_init();
		c->share = curl_share_init();
		if (!c->multi || !c->share) {
			http_client_free(c);
			return err_set("cannot initialise libcurl");
		}
		curl_share_setopt(c->share, CURLSHOPT_SHARE,
				  CURL_LOCK_DATA_CONNECT);
		curl_share_setopt(c->share, CURLSHOPT_SHARE,
				  CURL_LOCK_DATA_DNS);
		curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
				  (long)c->o.concurrency);
		c->pool = xcalloc((size_t)c->o.concurrency, sizeof(CURL *));
		c->headers =
			curl_slist_append(NULL, "Accept: application/json");
		for (size_t i = 0; o->headers && o->headers[i]; i++)
			c->headers =
				curl_slist_append(c->headers, o->headers[i]);
	}
	*out = c;
	return 0;
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	for (int i = 0; c->pool && i < c->o.concurrency; i++)
		if (c->pool[i])
			curl_easy_cleanup(c->pool[i]);
	free(c->pool);
	if (c->multi)
		curl_multi_cleanup(c->multi);
	if (c->share)
		curl_share_cleanup(c->share);
	curl_slist_free_all(c->headers);
	free(c->user_agent);
	free(c);
}

void http_client_stats(const struct http_client *c, struct http_stats *out)
{
	*out = c->stats;
}

/* An easy handle of the pool that no running transfer holds. */
static CURL *take_easy(struct http_client *c, struct transfer *ts, size_t n)
{
	for (int i = 0; i < c->o.concurrency; i++) {
		int busy = 0;

		for (size_t j = 0; j < n && !busy; j++)
			busy = ts[j].state == T_RUNNING &&
			       ts[j].easy == c->pool[i];
		if (busy)
			continue;
		if (!c->pool[i]) {
			c->pool[i] = curl_easy_init();
			if (!c->pool[i])
				return NULL;
		}
		return c->pool[i];
	}
	return NULL;
}

static void setup_easy(struct http_client *c, CURL *e, struct transfer *t)
{
	curl_easy_setopt(e, CURLOPT_URL, t->url);
	curl_easy_setopt(e, CURLOPT_SHARE, c->share);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_USERAGENT, c->user_agent);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, c->headers);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->o.connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->o.timeout_ms);
	/*
	 * libcurl sends neither Authorization nor the Basic credentials to
	 * another host after a redirect (CURLOPT_UNRESTRICTED_AUTH stays 0).
	 */
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION,
			 c->o.follow_redirects ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, t->resp);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, t->resp);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
	if (c->o.username) {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERNAME, c->o.username);
		curl_easy_setopt(e, CURLOPT_PASSWORD,
				 c->o.password ? c->o.password : "");
	}
}

/* Empties the answer for a new try. */
static void reset_try(struct transfer *t)
{
	buf_reset(&t->resp->body);
	buf_reset(&t->resp->headers);
	t->resp->status = 0;
	t->resp->retry_after_ms = -1;
	t->code = CURLE_OK;
	t->errbuf[0] = '\0';
	t->tries++;
	t->started_ms = mono_ms();
}

/* "HTTP 500" with the upstream's {"error": "..."} when it sends one. */
static void describe_status(struct buf *b, const struct http_response *r)
{
	json_t *body, *e;

	buf_addf(b, "HTTP %ld", r->status);
	if (r->body.len > 4096)
		return;
	body = json_loadb(r->body.data, r->body.len, 0, NULL);
	e = json_object_get(body, "error");
	if (json_is_string(e))
		buf_addf(b, " (%.200s)", json_string_value(e));
	json_decref(body);
}

/*
 * After a try: logs it, then marks the transfer done, failed, or waiting
 * for another try.
 */
static void finish_try(struct http_client *c, struct transfer *t)
{
	char *masked = config_mask_url(t->url);
	long ms = (long)(mono_ms() - t->started_ms);
	struct http_response *r = t->resp;
	int again;
	long delay;
	struct buf why = BUF_INIT;

	c->stats.calls++;
	c->stats.bytes += r->body.len;
	if (t->tries > 1)
		c->stats.retries++;
	if (t->code != CURLE_OK) {
		buf_addf(&why, "%s",
			 t->errbuf[0] ? t->errbuf
				      : curl_easy_strerror(t->code));
		log_info("GET %s failed: %s (%ld ms)", masked, why.data, ms);
		again = code_retryable(t->code);
	} else {
		log_info("GET %s %ld %zu bytes %ld ms", masked, r->status,
			 r->body.len, ms);
		if (r->status >= 200 && r->status < 300) {
			t->state = T_DONE;
			goto out;
		}
		describe_status(&why, r);
		again = http_status_retryable(r->status);
	}
	delay = http_retry_delay(&c->o, t->tries, r->retry_after_ms, &c->seed);
	if (again && t->tries < c->o.max_tries &&
	    t->waited_ms + delay <= c->o.retry_budget_ms) {
		log_info("GET %s: %s; trying again in %ld ms", masked, why.data,
			 delay);
		t->waited_ms += delay;
		c->stats.wait_ms += (uint64_t)delay;
		t->due_ms = mono_ms() + delay;
		t->state = T_WAITING;
		goto out;
	}
	t->state = T_DONE;
	t->failed = 1;
	if (t->tries > 1)
		t->message = xasprintf("GET %s: %s (gave up after %d tries)",
				       masked, why.data, t->tries);
	else
		t->message = xasprintf("GET %s: %s", masked, why.data);
out:
	buf_release(&why);
	free(masked);
}

/* Who gets the answers, in urls order, as soon as they are in. */
struct delivery {
	http_done_fn fn; /* NULL: nobody */
	void *ctx;
	size_t next; /* the first answer not yet handed over */
	int failed;  /* a failure or fn stopped: stop everything */
};

/*
 * Hands over every answer from d->next on that is in, in order; stops at
 * the first failure (its message set) or when fn returns < 0.
 */
static int deliver(struct transfer *ts, size_t n, struct delivery *d)
{
	if (!d->fn)
		return 0;
	while (!d->failed && d->next < n && ts[d->next].state == T_DONE) {
		struct transfer *t = &ts[d->next];

		if (t->failed) {
			d->failed = 1;
			return err_set("%s", t->message);
		}
		if (d->fn && d->fn(d->next, t->resp, d->ctx) < 0) {
			d->failed = 1;
			return -1;
		}
		d->next++;
	}
	return d->failed ? -1 : 0;
}

/* The in-process transport: one URL at a time, same retries and logs. */
static int run_transport(struct http_client *c, struct transfer *ts, size_t n,
			 struct delivery *d)
{
	for (size_t i = 0; i < n; i++) {
		struct transfer *t = &ts[i];

		while (t->state != T_DONE) {
			int64_t wait = t->due_ms - mono_ms();

			if (wait > 0)
				sleep_ms((long)wait);
			reset_try(t);
			if (c->o.transport->get(t->url, t->resp,
						c->o.transport->ctx) < 0) {
				t->state = T_DONE;
				t->failed = 1;
				t->message = xstrdup(err_msg());
				break;
			}
			finish_try(c, t);
		}
		if (deliver(ts, n, d) < 0)
			return -1;
	}
	return 0;
}

static int start_ready(struct http_client *c, struct transfer *ts, size_t n,
		       int *running, int64_t *next_due)
{
	int64_t now = mono_ms();

	*next_due = INT64_MAX;
	for (size_t i = 0; i < n && *running < c->o.concurrency; i++) {
		struct transfer *t = &ts[i];

		if (t->state != T_WAITING)
			continue;
		if (t->due_ms > now) {
			if (t->due_ms < *next_due)
				*next_due = t->due_ms;
			continue;
		}
		t->easy = take_easy(c, ts, n);
		if (!t->easy)
			return err_set("cannot initialise libcurl");
		reset_try(t);
		setup_easy(c, t->easy, t);
		if (curl_multi_add_handle(c->multi, t->easy) != CURLM_OK)
			return err_set("libcurl cannot start a transfer");
		t->state = T_RUNNING;
		(*running)++;
	}
	return 0;
}

static void collect_done(struct http_client *c, struct transfer *ts, size_t n,
			 int *running)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(c->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		for (size_t i = 0; i < n; i++) {
			struct transfer *t = &ts[i];

			if (t->state != T_RUNNING || t->easy != m->easy_handle)
				continue;
			t->code = m->data.result;
			curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE,
					  &t->resp->status);
			curl_multi_remove_handle(c->multi, t->easy);
			t->easy = NULL;
			(*running)--;
			finish_try(c, t);
			break;
		}
	}
}

/*
 * Runs every transfer to the end over curl multi, handing answers over as
 * they come in order; the transfers in flight go on meanwhile (their bytes
 * wait in the socket buffers), so downloads overlap the processing.
 */
static int run_multi(struct http_client *c, struct transfer *ts, size_t n,
		     struct delivery *d)
{
	int running = 0, still;

	for (;;) {
		int64_t next_due, timeout;
		size_t done = 0;

		if (start_ready(c, ts, n, &running, &next_due) < 0)
			return -1;
		for (size_t i = 0; i < n; i++)
			done += ts[i].state == T_DONE;
		if (done == n)
			return 0;
		timeout = 100;
		if (next_due != INT64_MAX) {
			int64_t until = next_due - mono_ms();

			timeout = until < 0 ? 0 : until < 100 ? until : 100;
		}
		if (!running) {
			/* Only retries wait: sleep until the first is due. */
			sleep_ms((long)timeout);
			continue;
		}
		if (curl_multi_perform(c->multi, &still) != CURLM_OK)
			return err_set("libcurl failed to move the transfers");
		collect_done(c, ts, n, &running);
		if (deliver(ts, n, d) < 0)
			return -1;
		if (running)
			curl_multi_poll(c->multi, NULL, 0, (int)timeout, NULL);
	}
}

int http_get_each(struct http_client *c, const char *const *urls, size_t n,
		  struct http_response *resps, http_done_fn fn, void *ctx)
{
	struct transfer *ts = xcalloc(n ? n : 1, sizeof(*ts));
	struct delivery d = {fn, ctx, 0, 0};
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		ts[i].url = urls[i];
		ts[i].resp = &resps[i];
		ts[i].state = T_WAITING;
		ts[i].due_ms = 0;
	}
	rc = c->o.transport ? run_transport(c, ts, n, &d)
			    : run_multi(c, ts, n, &d);
	if (rc == 0)
		rc = deliver(ts, n, &d);
	for (size_t i = 0; i < n && rc == 0 && !fn; i++)
		if (ts[i].failed)
			rc = err_set("%s", ts[i].message);
	for (size_t i = 0; i < n; i++) {
		if (ts[i].state == T_RUNNING) {
			curl_multi_remove_handle(c->multi, ts[i].easy);
			ts[i].state = T_DONE;
		}
		free(ts[i].message);
	}
	free(ts);
	return rc;
}

int http_get_many(struct http_client *c, const char *const *urls, size_t n,
		  struct http_response *resps)
{
	return http_get_each(c, urls, n, resps, NULL, NULL);
}

int http_get(struct http_client *c, const char *url, struct http_response *resp)
{
	return http_get_many(c, &url, 1, resp);
}
