/*
 * faux_ci.h - what the faux CI upstreams (faux_taskcluster.c,
 * faux_bitrise.c, faux_storage.c) share: query parameters, RFC 3339 times
 * moved to today, JSON answers and the scenarios' injected failures.
 * Nothing outside src/sources/ includes it.
 */
#ifndef TESTPUMP_SOURCES_FAUX_CI_H
#define TESTPUMP_SOURCES_FAUX_CI_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "sources/faux_internal.h"

/*
 * The value of query parameter key in target ("path?a=1&b=2") copied into
 * out (size bytes, cut), percent-decoding it; 1 when present, else 0 and
 * out "".
 */
int faux_ci_param(const char *target, const char *key, char *out, size_t size);

/* The length of target's path (up to '?' or the end). */
size_t faux_ci_path_len(const char *target);

/*
 * A deep copy of v with every string holding an RFC 3339 UTC time
 * ("2024-04-22T09:00:00.123Z") moved forward by shift_s seconds.
 */
json_t *faux_ci_shifted(const json_t *v, int64_t shift_s);

/* Sets out to status 200 and body (taken: decref'd here). */
void faux_ci_json(struct http_response *out, json_t *body);

/*
 * The failures every scenario injects before any lookup: the first call
 * of rate-limited gets 429 with Retry-After: 1, the second 503.  Counts
 * the call; 1 when out is filled.
 */
int faux_ci_inject(struct faux *f, struct http_response *out);

/*
 * The data document called name ("taskcluster/groups") as an object, or
 * NULL with out filled with a 500 (a build error, really).
 */
const json_t *faux_ci_doc(struct faux *f, const char *name,
			  struct http_response *out);

#endif
