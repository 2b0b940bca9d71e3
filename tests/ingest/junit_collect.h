/*
 * junit_collect.h - test helper: keeps copies of everything the JUnit
 * parser delivers, so tests can look at it after the parse.
 *
 * Header-only (static functions) so each test program that includes it
 * stays one file under tests/ingest/.
 */
#ifndef TESTPUMP_TESTS_INGEST_JUNIT_COLLECT_H
#define TESTPUMP_TESTS_INGEST_JUNIT_COLLECT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/xalloc.h"
#include "ingest/junit.h"

/* A copy of one junit_attempt; properties joined as "k=v;k=v". */
struct rec {
	char *suite, *classname, *name, *file;
	enum junit_status status;
	int64_t duration_ms, timestamp_ms;
	int flaky, retry, informing, nfailures;
	char *message, *type, *text, *out, *err, *props;
	uint64_t text_length, out_length, err_length;
	unsigned long line, column;
};

/* A copy of one junit_suite. */
struct srec {
	char *path, *name, *hostname, *props, *out, *err;
	int64_t timestamp_ms, duration_ms;
	int64_t tests, failures, errors, skipped;
	int64_t header_tests, header_failures, header_errors, header_skipped;
	uint64_t out_length, err_length;
	size_t nprops, dropped;
};

struct collect {
	struct rec *recs;
	size_t n, alloc;
	struct srec *suites;
	size_t nsuites, suites_alloc;
	/* Return this from the callback delivering attempt number stop_at
	 * (1-based), or suite number stop_suite_at; 0 means never. */
	size_t stop_at, stop_suite_at;
	int stop_rc;
};

static char *join_props(const struct junit_property *p, size_t n)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < n; i++)
		buf_addf(&b, "%s%s=%s", i ? ";" : "", p[i].name, p[i].value);
	return buf_detach(&b, NULL);
}

static int collect_attempt(const struct junit_attempt *a, void *ctx)
{
	struct collect *c = ctx;
	struct rec *r;

	ALLOC_GROW(c->recs, c->n + 1, c->alloc);
	r = &c->recs[c->n++];
	r->suite = xstrdup(a->suite);
	r->classname = xstrdup(a->classname);
	r->name = xstrdup(a->name);
	r->file = xstrdup(a->file);
	r->status = a->status;
	r->duration_ms = a->duration_ms;
	r->timestamp_ms = a->timestamp_ms;
	r->flaky = a->flaky;
	r->retry = a->retry;
	r->informing = a->lifecycle_informing;
	r->nfailures = a->nfailures;
	r->message = xstrdup(a->message);
	r->type = xstrdup(a->type);
	r->text = xstrdup(a->text);
	r->out = xstrdup(a->system_out);
	r->err = xstrdup(a->system_err);
	r->props = join_props(a->properties, a->nproperties);
	r->text_length = a->text_length;
	r->out_length = a->system_out_length;
	r->err_length = a->system_err_length;
	r->line = a->line;
	r->column = a->column;
	return c->stop_at && c->n == c->stop_at ? c->stop_rc : 0;
}

static int collect_suite(const struct junit_suite *s, void *ctx)
{
	struct collect *c = ctx;
	struct srec *r;

	ALLOC_GROW(c->suites, c->nsuites + 1, c->suites_alloc);
	r = &c->suites[c->nsuites++];
	r->path = xstrdup(s->path);
	r->name = xstrdup(s->name);
	r->hostname = xstrdup(s->hostname);
	r->props = join_props(s->properties, s->nproperties);
	r->out = xstrdup(s->system_out);
	r->err = xstrdup(s->system_err);
	r->timestamp_ms = s->timestamp_ms;
	r->duration_ms = s->duration_ms;
	r->tests = s->tests;
	r->failures = s->failures;
	r->errors = s->errors;
	r->skipped = s->skipped;
	r->header_tests = s->header_tests;
	r->header_failures = s->header_failures;
	r->header_errors = s->header_errors;
	r->header_skipped = s->header_skipped;
	r->out_length = s->system_out_length;
	r->err_length = s->system_err_length;
	r->nprops = s->nproperties;
	r->dropped = s->properties_dropped;
	return c->stop_suite_at && c->nsuites == c->stop_suite_at ? c->stop_rc
								  : 0;
}

static void collect_release(struct collect *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct rec *r = &c->recs[i];

		free(r->suite);
		free(r->classname);
		free(r->name);
		free(r->file);
		free(r->message);
		free(r->type);
		free(r->text);
		free(r->out);
		free(r->err);
		free(r->props);
	}
	for (i = 0; i < c->nsuites; i++) {
		struct srec *s = &c->suites[i];

		free(s->path);
		free(s->name);
		free(s->hostname);
		free(s->props);
		free(s->out);
		free(s->err);
	}
	free(c->recs);
	free(c->suites);
	memset(c, 0, sizeof(*c));
}

/* A handler that fills c. */
static struct junit_handler collect_handler(struct collect *c)
{
	struct junit_handler h = {collect_attempt, collect_suite, c};

	return h;
}

#endif
