/*
 * source.h - the contract of an upstream connector (TestRail, Bugzilla, ...).
 *
 * A connector reads one upstream API and hands what it reads up as
 * records: one JSON object per entity, already normalised (labels instead
 * of option ids, times as RFC 3339 text, counts as integers), with a kind
 * naming its shape ("testrail_case", "testrail_run", ...).  It never
 * touches the store: the pump decides what to write and when to commit.
 * Records stream: a connector holds at most a round of pages in memory.
 *
 * Every connector answers in two ways with the same code: over the network
 * (http.h), or from its built-in faux responses (faux.h) when the pump runs
 * with --faux; only the transport differs.  Credentials come only from the
 * environment and never reach a record, a log line or a message.
 *
 * Adding an upstream is adding a file with a `const struct source_ops` and
 * a row in sources_all[] (source.c).
 */
#ifndef TESTPUMP_SOURCES_SOURCE_H
#define TESTPUMP_SOURCES_SOURCE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct http_transport;
struct config_project;

/* How a pump wants a source opened. */
struct source_config {
	int faux;	      /* answer from built-in responses */
	const char *base_url; /* NULL: the source's environment variable */
	int parallel;	      /* pages in flight per list; 1 = one by one */
	int max_tries;	      /* HTTP tries per call; 0 = the default */
	long backoff_ms;      /* first retry backoff; 0 = the default */
	/*
	 * A stand-in for the network (tests serving recorded responses);
	 * NULL: the network, or the faux upstream with `faux`.  Like faux,
	 * it needs no credentials.
	 */
	const struct http_transport *transport;
};

/* One pull: which project, what for, since when. */
struct source_query {
	const char *project;	 /* the project's name in the config */
	int64_t upstream_id;	 /* its id upstream (TestRail project id) */
	const char *report_type; /* "test-case-coverage", ... */
	int64_t since_ms;	 /* records created from this time on */
	/*
	 * The project's settings (config/config.h: Bugzilla products,
	 * GitHub repository and labels, Taskcluster index, Bitrise app).
	 */
	const struct config_project *config;
	/*
	 * The high-water mark the last successful pull of this project and
	 * report type stored (RFC 3339 text, or the connector's own cursor
	 * text), "" when none: incremental sources start from it.
	 */
	const char *cursor;
};

/*
 * Where records go.  record() gets each record (borrowed: copy what you
 * keep; a connector may refill one record object for the next record of
 * its kind, so a reference kept is not a copy) and returns 0, or a negative value with the message set to stop
 * the pull.  progress() (may be NULL) is told the pages and records read so
 * far of the current list.
 */
struct source_sink {
	int (*record)(const char *kind, json_t *rec, void *ctx);
	void (*progress)(const char *what, size_t pages, size_t records,
			 void *ctx);
	void *ctx;
};

struct source;

struct source_ops {
	const char *name;    /* "testrail": --source, source_cursor.source */
	const char *summary; /* one line, lower-case */
	/* The report types it can pull, NULL-terminated. */
	const char *const *report_types;
	/*
	 * Makes the source's state in *out: reads its environment
	 * variables, checks them, and prepares the HTTP client (or the faux
	 * transport).  -1 with a message naming a missing variable.
	 */
	int (*open)(struct source **out, const struct source_config *cfg);
	/* Reads what q asks for, calling sink for every record. */
	int (*pull)(struct source *src, const struct source_query *q,
		    const struct source_sink *sink);
	/* Frees the state; NULL is ignored. */
	void (*close)(struct source *src);
	/*
	 * True when project p has what this source needs (a TestRail
	 * project id, a GitHub repository, ...); pump --project ALL skips
	 * the others and names them for a single project.  NULL: always.
	 */
	int (*configured)(const struct config_project *p);
};

/* Every source, NULL-terminated. */
extern const struct source_ops *const sources_all[];

/* The source called name, or NULL. */
const struct source_ops *source_find(const char *name);

/* True when ops can pull report type `type`. */
int source_has_report(const struct source_ops *ops, const char *type);

extern const struct source_ops source_testrail;
extern const struct source_ops source_taskcluster;
extern const struct source_ops source_bitrise;
extern const struct source_ops source_bugzilla;
extern const struct source_ops source_github;

#endif
