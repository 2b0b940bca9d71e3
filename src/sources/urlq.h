/*
 * urlq.h - small helpers the Bugzilla and GitHub connectors share: query
 * strings, environment variables, and RFC 3339 times from upstream text.
 */
#ifndef TESTPUMP_SOURCES_URLQ_H
#define TESTPUMP_SOURCES_URLQ_H

#include <jansson.h>
#include <stdint.h>

#include "core/buf.h"

/*
 * Appends "key=value" to url's query, with '?' before the first parameter
 * and '&' before the others; value is percent-encoded (RFC 3986 unreserved
 * characters stay as they are).
 */
void urlq_add(struct buf *url, const char *key, const char *value);

/* Appends s percent-encoded to b. */
void urlq_escape(struct buf *b, const char *s);

/* The value of environment variable name, NULL when unset or empty. */
const char *urlq_env(const char *name);

/*
 * A new JSON string holding the upstream time v ("2024-05-01T10:00:00Z",
 * with or without fractions or an offset) as RFC 3339 whole-second UTC
 * text, or json null when v is not a readable time.
 */
json_t *urlq_time(json_t *v);

/* A new JSON string copied from v, or null when v is not a string. */
json_t *urlq_str(json_t *v);

/* base (an URL) without trailing slashes, with "https://" when it has no
 * scheme; the caller frees it. */
char *urlq_base(const char *base);

#endif
