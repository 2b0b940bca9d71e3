/*
 * ci_internal.h - what the CI connectors (taskcluster.c, bitrise.c) share:
 * two HTTP clients (the API, and artifact downloads that follow redirects
 * without the API's credentials), JSON pages, artifact downloads handed up
 * as "ci_artifact" records, and the small conversions of the CI record
 * contract (docs in pump_ci_builds.c).  Nothing outside src/sources/
 * includes it.
 */
#ifndef TESTPUMP_SOURCES_CI_INTERNAL_H
#define TESTPUMP_SOURCES_CI_INTERNAL_H

#include <jansson.h>
#include <stdint.h>

#include "sources/faux.h"
#include "sources/http.h"
#include "sources/source.h"

/* Bytes of one artifact download at most; larger ones are skipped. */
#define CI_ARTIFACT_MAX (256L << 20)

struct ci_conn {
	struct http_client *api; /* with the source's credentials */
	struct http_client *dl;	 /* downloads: no credentials, redirects */
	struct faux *faux;
	struct http_transport transport;
	char *base;   /* the API's base URL, no trailing '/' */
	char *origin; /* scheme://host[:port] of base, for relative URLs */
};

/*
 * Opens c: with cfg->faux the built-in faux upstream, with cfg->transport
 * that stand-in (base FAUX_BASE_URL + path), else the network at base
 * (borrowed).  headers (NULL-terminated, borrowed, may be NULL) go on API
 * calls only.  Returns 0, or -1 with the message set.
 */
int ci_open(struct ci_conn *c, const struct source_config *cfg,
	    const char *base, const char *path, const char *const *headers);

/* Frees what c holds. */
void ci_close(struct ci_conn *c);

/*
 * GETs base + path through the API client and parses the answer into
 * *out (a new reference).  -1 with a message naming the path when the
 * call fails or the answer is not a JSON object.
 */
int ci_get_json(struct ci_conn *c, const char *path, json_t **out);

/*
 * Downloads url (absolute, or "/..." on the base's origin) through client
 * (c->api or c->dl) following up to 5 redirects, into body.  Returns 0,
 * or -1 with the message set.
 */
int ci_download(struct ci_conn *c, struct http_client *client, const char *url,
		struct buf *body);

/*
 * Hands body up as a "ci_artifact" record: writes it to a temporary file
 * (removed after the call), sniffs its content type (zip, gzip or XML)
 * and calls the sink.  Returns the sink's value.
 */
int ci_emit_artifact(const struct source_sink *sink, const char *source,
		     const char *workflow, const char *build_id,
		     int64_t attempt, const char *name, const struct buf *body);

/* Hands rec (taken) up as kind; returns the sink's value. */
int ci_emit(const struct source_sink *sink, const char *kind, json_t *rec);

/*
 * A time as the schema keeps it ("2024-04-22T09:00:00Z", whole seconds,
 * UTC) from RFC 3339 text with any fraction or zone, or json_null().
 */
json_t *ci_time(const char *s);

/* Whether an artifact's name looks like test results worth reading. */
int ci_results_name(const char *name);

/* A new string: s percent-encoded for a URL path segment or query. */
char *ci_escape(const char *s);

/* The string member key of obj, or NULL. */
const char *ci_str(const json_t *obj, const char *key);

/* getenv(), with "" as NULL. */
const char *ci_env(const char *name);

#endif
