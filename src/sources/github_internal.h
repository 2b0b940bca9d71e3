/*
 * github_internal.h - what the parts of the GitHub connector share:
 * github.c (client, paging, rate limits), github_issues.c
 * (issue-regression) and github_actions.c (ci-builds).  Nothing outside
 * src/sources/ includes it.
 */
#ifndef TESTPUMP_SOURCES_GITHUB_INTERNAL_H
#define TESTPUMP_SOURCES_GITHUB_INTERNAL_H

#include <jansson.h>
#include <stdint.h>

#include "core/buf.h"
#include "sources/faux.h"
#include "sources/http.h"
#include "sources/source.h"

/* The most results GitHub hands out for one search or filtered list. */
#define GH_CAP 1000
#define GH_PER_PAGE 100

struct source {
	struct http_client *http; /* API calls */
	struct http_client *dl;	  /* artifact downloads, redirects followed */
	struct faux *faux;
	struct http_transport transport;
	char *base; /* "https://api.github.com" */
	char *auth; /* "Authorization: Bearer ..." */
	const char *headers[4];
	int64_t wait_until_ms; /* the primary limit is used up until then */
	long max_wait_ms;      /* longest rate-limit wait before giving up */
};

/* One pull's state. */
struct gh_pull {
	struct source *src;
	const struct source_query *q;
	const struct source_sink *sink;
	const char *what;
	size_t pages, records;
};

/*
 * GETs url (absolute) into resp through the API client, waiting out
 * GitHub's rate limits: a 403 or 429 with Retry-After waits that long, one
 * with X-RateLimit-Remaining 0 until X-RateLimit-Reset, each at most
 * src->max_wait_ms, and a few times at most; an answer saying the limit
 * is used up makes the next call wait.  Returns 0 for a 2xx answer, else
 * -1 with the message set (never naming the token).
 */
int gh_get(struct gh_pull *p, const char *url, struct http_response *resp);

/*
 * GETs url and parses it as a JSON object into *out (the caller's);
 * *next gets the Link header's rel="next" URL (absolute; the caller
 * frees it) or NULL.  -1 with a message naming the masked URL.
 */
int gh_get_json(struct gh_pull *p, const char *url, json_t **out, char **next);

/* ref made absolute: a path gets the scheme and host of base. */
char *gh_absolute(const char *base, const char *ref);

/* The rel="next" URL of a Link header value, made absolute; or NULL. */
char *gh_link_next(const char *base, const char *link);

/* Hands rec (borrowed) to the sink; -1 when the sink stops the pull. */
int gh_emit(struct gh_pull *p, const char *kind, json_t *rec);

/* Tells the sink how far the current list is. */
void gh_progress(struct gh_pull *p);

/* issue-regression: issues of the project's repository with its labels. */
int gh_issues_pull(struct gh_pull *p);

/* ci-builds: workflow runs, their attempts, jobs and artifacts. */
int gh_actions_pull(struct gh_pull *p);

#endif
