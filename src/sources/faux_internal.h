/*
 * faux_internal.h - what faux.c shares with the per-upstream responders
 * (faux_testrail.c); nothing outside src/sources/ includes it.
 */
#ifndef TESTPUMP_SOURCES_FAUX_INTERNAL_H
#define TESTPUMP_SOURCES_FAUX_INTERNAL_H

#include <jansson.h>

#include "sources/faux.h"

/* One embedded file, parsed (see scripts/gen-faux-testrail.py). */
struct faux_doc {
	const char *name;     /* "testrail/get_cases" */
	const char *envelope; /* the paginated array's key, or NULL */
	const char *by;	      /* "path", "suite_id", or NULL */
	json_t *data;	      /* times moved to today; read-only */
};

/* The document called name ("testrail/get_cases"), or NULL. */
const struct faux_doc *faux_find(const struct faux *f, const char *name);

/* The options f was made with. */
const struct faux_options *faux_options(const struct faux *f);

/* Seconds added to every time in the data (the anchor day to today). */
int64_t faux_shift_s(const struct faux *f);

/* Counts one call; returns its number, from 1. */
uint64_t faux_count_call(struct faux *f);

/* Sets out to status and {"error": message}. */
void faux_error(struct http_response *out, long status, const char *message);

/*
 * The per-upstream parts of faux_respond(), one per row of its route table
 * (faux.c): each gets the target after its prefix and fills out (status,
 * body, headers as "Name: value\r\n" lines, Retry-After).
 */

/* TestRail: api is the text after "/index.php?/api/v2/"
 * ("get_cases/59&suite_id=5901&limit=250"). */
void faux_testrail_respond(struct faux *f, const char *api,
			   struct http_response *out);

/* Taskcluster: the text after "/api/index/v1/" and "/api/queue/v1/". */
void faux_taskcluster_index_respond(struct faux *f, const char *rest,
				    struct http_response *out);
void faux_taskcluster_queue_respond(struct faux *f, const char *rest,
				    struct http_response *out);
/* Bitrise: the text after "/v0.1/". */
void faux_bitrise_respond(struct faux *f, const char *rest,
			  struct http_response *out);
/* Artifact storage (no credentials): the blob name after "/faux-storage/". */
void faux_storage_respond(struct faux *f, const char *rest,
			  struct http_response *out);

/* Bugzilla: rest is the text after "/rest/" ("bug?product=Focus&..."). */
void faux_bugzilla_respond(struct faux *f, const char *rest,
			   struct http_response *out);

/* GitHub: rest is the text after "/api/v3/" ("search/issues?q=..."). */
void faux_github_respond(struct faux *f, const char *rest,
			 struct http_response *out);

/* 2024-05-01T00:00:00Z: the data's "today". */
#define FAUX_ANCHOR_S 1714521600

#endif
