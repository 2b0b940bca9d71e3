/*
 * faux.h - the built-in static upstream: every endpoint a connector calls,
 * answered from data compiled into the binary.
 *
 * Each connector ships its responses as src/sources/faux/<source>/<endpoint>.json
 * (embedded by cmake/embed-faux.cmake), realistic in shape and consistent
 * across endpoints, for the built-in projects.  A scenario decides how the
 * upstream behaves:
 *
 *	ok            every call answers
 *	rate-limited  the first call gets 429 with Retry-After: 1, the second
 *	              409 (TestRail maintenance); every later call answers
 *	server-error  the calls of one project (focus-android) get HTTP 500
 *	              after its first suite; the others answer
 *	malformed     one project's (reference-browser) cases arrive as
 *	              truncated JSON and its runs without their array
 *	legacy        paginated endpoints answer a bare array (before TestRail
 *	              6.7)
 *
 * `--faux` answers in-process through faux_transport(); `testpump faux
 * serve` answers over HTTP (server/faux_server.h).  Times in the data sit
 * before an anchor day and are moved forward so the anchor is today.  With
 * a size, the suites and cases are generated instead (benchmarks).
 *
 * A struct faux is read-only once made, so several threads may answer
 * from it at once; only the call counter changes, atomically.
 */
#ifndef TESTPUMP_SOURCES_FAUX_H
#define TESTPUMP_SOURCES_FAUX_H

#include <stddef.h>
#include <stdint.h>

#include "sources/http.h"

/* One embedded file: "testrail/get_cases" and its bytes (NUL-terminated). */
struct faux_file {
	const char *name;
	const char *data;
	size_t len;
};

/* Generated: every embedded file, sorted by name. */
extern const struct faux_file faux_files[];
extern const unsigned faux_files_count;

enum faux_scenario {
	FAUX_OK = 0,
	FAUX_RATE_LIMITED,
	FAUX_SERVER_ERROR,
	FAUX_MALFORMED,
	FAUX_LEGACY,
};

struct faux_scenario_info {
	const char *name;
	const char *summary;
};

/* The scenarios, in enum order; the table ends with a NULL name. */
extern const struct faux_scenario_info faux_scenarios[];

/* The scenario called name; -1 with a message listing them otherwise. */
int faux_scenario_parse(const char *name, enum faux_scenario *out);

struct faux_options {
	enum faux_scenario scenario;
	int64_t size;	/* 0: the static data; N: N generated cases */
	int64_t now_ms; /* "today" for the times in the data */
};

struct faux;

/*
 * Loads and checks every embedded file into *out.  Returns 0, or -1 with
 * a message naming a file that is not valid (a build error, really).
 */
int faux_new(struct faux **out, const struct faux_options *o);

/* Frees f; NULL is ignored. */
void faux_free(struct faux *f);

/*
 * Answers one GET of target (path and query, "/index.php?/api/v2/..."):
 * fills out's status, body and Retry-After.  authorized says whether the
 * call carried credentials (an upstream refuses it with 401 otherwise).
 * Unknown paths get 404, unknown methods and ids 400, as upstream does.
 */
void faux_respond(struct faux *f, const char *target, int authorized,
		  struct http_response *out);

/* How many API calls f has answered (401s and 404s not counted). */
uint64_t faux_calls(const struct faux *f);

/*
 * Makes t a transport that answers any URL's path and query from f, for
 * --faux; f must outlive t.
 */
void faux_transport(struct faux *f, struct http_transport *t);

/* The base URL connectors use with the in-process transport. */
#define FAUX_BASE_URL "http://faux.invalid"

#endif
