/*
 * test_ci.c - the Taskcluster and Bitrise connectors over the built-in
 * faux upstream, in-process and over HTTP on loopback (faux_server.h, the
 * real libcurl path with redirects), in the ok, server-error and malformed
 * scenarios: every record of the CI contract, paging past one page,
 * statuses, automatic retries, artifacts followed to storage, Bitrise's
 * incremental cursor and its token.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/timestamp.h"
#include "core/xalloc.h"
#include "server/faux_server.h"
#include "sources/source.h"
#include "core/banned.h"

#define NOW "2024-05-01T10:00:00Z"
#define TOKEN "brt-SECRET-7f3e91"

/* What a pull handed up. */
struct got {
	int builds, jobs, artifacts, retries, running;
	int status_canceled, status_superseded, status_error, status_failure;
	int xml, gzip, zip;
	struct buf statuses; /* "build_id/attempt=status;" */
	json_t *first_build;
	int artifacts_readable;
};

static int on_record(const char *kind, json_t *rec, void *ctx)
{
	struct got *g = ctx;
	const char *status = json_string_value(json_object_get(rec, "status"));

	if (!strcmp(kind, "ci_build")) {
		g->builds++;
		g->retries += json_is_true(json_object_get(rec, "retry"));
		g->running += !strcmp(status, "running");
		g->status_canceled += !strcmp(status, "canceled");
		g->status_superseded += !strcmp(status, "superseded");
		g->status_error += !strcmp(status, "error");
		g->status_failure += !strcmp(status, "failure");
		if (!g->first_build)
			g->first_build = json_deep_copy(rec);
	} else if (!strcmp(kind, "ci_artifact")) {
		const char *type =
			json_string_value(json_object_get(rec, "content_type"));
		const char *path =
			json_string_value(json_object_get(rec, "path"));

		g->artifacts++;
		g->xml += !strcmp(type, "application/xml");
		g->gzip += !strcmp(type, "application/gzip");
		g->zip += !strcmp(type, "application/zip");
		g->artifacts_readable += access(path, R_OK) == 0;
	} else if (!strcmp(kind, "ci_job")) {
		g->jobs++;
	}
	return 0;
}

static void got_release(struct got *g)
{
	json_decref(g->first_build);
	buf_release(&g->statuses);
}

/* Pulls project through source name; returns the pull's value. */
static int pull(const char *name, const struct source_config *cfg,
		const char *project, const char *cursor, struct got *g)
{
	const struct source_ops *ops = source_find(name);
	struct config c;
	struct source *src;
	int64_t now;
	int rc;

	memset(g, 0, sizeof(*g));
	buf_init(&g->statuses);
	assert_non_null(ops);
	config_init(&c);
	assert_int_equal(timestamp_parse(NOW, &now), 0);
	{
		struct source_query q = {project,
					 0,
					 "ci-builds",
					 now - 14 * 86400000LL,
					 config_project(&c, project),
					 cursor};
		struct source_sink sink = {on_record, NULL, g};

		assert_true(ops->configured(q.config));
		if (ops->open(&src, cfg) < 0) {
			config_release(&c);
			return -2;
		}
		rc = ops->pull(src, &q, &sink);
		ops->close(src);
	}
	config_release(&c);
	return rc;
}

/* fenix: 3 pushes of a decision task and 7 tasks, one retried. */
static void check_fenix(const struct got *g)
{
	assert_int_equal(g->builds, 3 * 9);
	assert_int_equal(g->retries, 3);
	assert_int_equal(g->status_canceled, 3);
	assert_int_equal(g->status_superseded, 3);
	assert_int_equal(g->status_error, 3);
	assert_int_equal(g->status_failure, 6);
	assert_int_equal(g->artifacts, 9);
	assert_int_equal(g->xml, 3);
	assert_int_equal(g->gzip, 3);
	assert_int_equal(g->zip, 3);
	assert_int_equal(g->artifacts_readable, 9);
}

static void test_taskcluster_faux(void **state)
{
	struct source_config cfg = {.faux = 1};
	struct got g;
	json_t *b;

	(void)state;
	assert_int_equal(pull("taskcluster", &cfg, "fenix", "", &g), 0);
	check_fenix(&g);
	b = g.first_build;
	assert_string_equal(json_string_value(json_object_get(b, "source")),
			    "taskcluster");
	assert_string_equal(json_string_value(json_object_get(b, "workflow")),
			    "Decision Task");
	assert_int_equal(json_integer_value(json_object_get(b, "attempt")), 1);
	assert_true(json_is_null(json_object_get(b, "number")));
	assert_int_equal(
		strlen(json_string_value(json_object_get(b, "commit"))), 40);
	assert_string_equal(json_string_value(json_object_get(b, "event")),
			    "github-push");
	/* Whole seconds, as the schema keeps times. */
	assert_int_equal(
		strlen(json_string_value(json_object_get(b, "started_at"))),
		20);
	got_release(&g);
}

static void test_bitrise_faux(void **state)
{
	struct source_config cfg = {.faux = 1};
	struct got g;

	(void)state;
	/* 8 builds on three pages; the newest still runs. */
	assert_int_equal(pull("bitrise", &cfg, "firefox-ios", "", &g), 0);
	assert_int_equal(g.builds, 8);
	assert_int_equal(g.running, 1);
	assert_int_equal(g.status_canceled, 2);
	assert_int_equal(g.status_failure, 2);
	assert_int_equal(g.artifacts, 3);
	assert_int_equal(g.zip, 1);
	assert_int_equal(g.xml, 2);
	assert_int_equal(g.artifacts_readable, 3);
	assert_string_equal(
		json_string_value(json_object_get(g.first_build, "status")),
		"running");
	assert_int_equal(
		json_integer_value(json_object_get(g.first_build, "number")),
		1007);
	assert_non_null(
		json_string_value(json_object_get(g.first_build, "cursor")));
	got_release(&g);
	/* Incremental: only builds triggered after the stored cursor. */
	assert_int_equal(pull("bitrise", &cfg, "firefox-ios",
			      "2024-04-26T00:00:00Z", &g),
			 0);
	assert_int_equal(g.builds, 4);
	got_release(&g);
}

/* Starts a faux server in scenario sc; sets the connectors' URLs. */
static struct faux_server *serve(enum faux_scenario sc)
{
	struct faux_server_options o = {"127.0.0.1", 0, {sc, 0, 0}, 0};
	struct faux_server *s;
	char url[64];

	assert_int_equal(timestamp_parse(NOW, &o.faux.now_ms), 0);
	assert_int_equal(faux_server_start(&s, &o), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", faux_server_port(s));
	setenv("TASKCLUSTER_ROOT_URL", url, 1);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/v0.1",
		 faux_server_port(s));
	setenv("BITRISE_API_URL", url, 1);
	setenv("BITRISE_TOKEN", TOKEN, 1);
	return s;
}

static void test_over_http(void **state)
{
	struct source_config cfg = {.max_tries = 2, .backoff_ms = 10};
	struct faux_server *s = serve(FAUX_OK);
	struct got g;

	(void)state;
	assert_int_equal(pull("taskcluster", &cfg, "fenix", "", &g), 0);
	check_fenix(&g);
	got_release(&g);
	/* More calls than records: every list took several pages. */
	assert_true(faux_server_calls(s) > 60);
	assert_int_equal(pull("bitrise", &cfg, "focus-ios", "", &g), 0);
	assert_int_equal(g.builds, 7);
	assert_int_equal(g.artifacts, 3);
	got_release(&g);
	/* Bitrise refuses a call without its token. */
	unsetenv("BITRISE_TOKEN");
	assert_int_equal(pull("bitrise", &cfg, "focus-ios", "", &g), -2);
	assert_non_null(strstr(err_msg(), "BITRISE_TOKEN is not set"));
	got_release(&g);
	faux_server_stop(s);
}

static void test_scenarios(void **state)
{
	struct source_config cfg = {.max_tries = 1};
	struct faux_server *s = serve(FAUX_SERVER_ERROR);
	struct got g;

	(void)state;
	assert_int_equal(pull("taskcluster", &cfg, "focus-android", "", &g),
			 -1);
	assert_non_null(strstr(err_msg(), "HTTP 500"));
	got_release(&g);
	assert_int_equal(pull("taskcluster", &cfg, "fenix", "", &g), 0);
	got_release(&g);
	assert_int_equal(pull("bitrise", &cfg, "focus-ios", "", &g), -1);
	assert_non_null(strstr(err_msg(), "HTTP 500"));
	assert_null(strstr(err_msg(), TOKEN));
	got_release(&g);
	faux_server_stop(s);

	s = serve(FAUX_MALFORMED);
	assert_int_equal(pull("taskcluster", &cfg, "reference-browser", "", &g),
			 -1);
	assert_non_null(strstr(err_msg(), "malformed response"));
	got_release(&g);
	assert_int_equal(pull("bitrise", &cfg, "firefox-ios", "", &g), -1);
	assert_non_null(strstr(err_msg(), "no 'data' array"));
	got_release(&g);
	faux_server_stop(s);

	/* rate-limited: 429 then 503, both waited out. */
	cfg.max_tries = 4;
	s = serve(FAUX_RATE_LIMITED);
	assert_int_equal(pull("bitrise", &cfg, "firefox-ios", "", &g), 0);
	assert_int_equal(g.builds, 8);
	got_release(&g);
	faux_server_stop(s);
}

static void test_unconfigured(void **state)
{
	struct config c;

	(void)state;
	config_init(&c);
	assert_false(source_find("taskcluster")
			     ->configured(config_project(&c, "firefox-ios")));
	assert_true(source_find("taskcluster")
			    ->configured(config_project(&c, "fenix")));
	unsetenv("BITRISE_APP_SLUG");
	assert_false(source_find("bitrise")->configured(
		config_project(&c, "fenix")));
	config_release(&c);
	unsetenv("TASKCLUSTER_ROOT_URL");
	{
		struct source_config cfg = {0};
		struct source *src;

		assert_int_equal(source_find("taskcluster")->open(&src, &cfg),
				 -1);
		assert_non_null(strstr(err_msg(), "TASKCLUSTER_ROOT_URL"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_taskcluster_faux),
		cmocka_unit_test(test_bitrise_faux),
		cmocka_unit_test(test_over_http),
		cmocka_unit_test(test_scenarios),
		cmocka_unit_test(test_unconfigured),
	};

	setenv("TESTPUMP_NOW", NOW, 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
