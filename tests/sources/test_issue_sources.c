/*
 * test_issue_sources.c - the Bugzilla and GitHub connectors: over the
 * faux upstream in-process (every call seen through a counting
 * transport), over `faux serve` on loopback (real HTTP, rate limits,
 * server errors, secrets kept out of messages and logs), and on real
 * recorded responses ($FIXTURES/api/bugzilla/, api/github-actions/).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include <cmocka.h>

#include "config/config.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/timestamp.h"
#include "server/faux_server.h"
#include "sources/faux.h"
#include "sources/faux_util.h"
#include "sources/http.h"
#include "sources/source.h"

#define SECRET "ghp_TOPSECRET0123456789abcdef"
#define BZ_SECRET "bzkey-TOPSECRET-4711"

/* A transport answering from a faux, remembering every URL asked. */
struct counting {
	struct faux *f;
	json_t *urls;
	/* Recorded answers instead of the faux: path fragment -> file. */
	const char *const (*files)[2];
};

static void read_path(const char *path, struct buf *out)
{
	char chunk[4096];
	size_t n;
	FILE *fp = fopen(path, "rb");

	if (!fp)
		fail_msg("cannot open '%s'", path);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(out, chunk, n);
	fclose(fp);
}

static void read_file(const char *dir, const char *name, struct buf *out)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/api/%s/%s", getenv("FIXTURES"), dir,
		 name);
	read_path(path, out);
}

static int counting_get(const char *url, struct http_response *resp, void *ctx)
{
	struct counting *c = ctx;
	const char *p = strstr(url, "://");

	json_array_append_new(c->urls, json_string(url));
	p = p ? strchr(p + 3, '/') : NULL;
	if (c->files) {
		buf_reset(&resp->body);
		buf_reset(&resp->headers);
		resp->retry_after_ms = -1;
		for (size_t i = 0; c->files[i][0]; i++) {
			const char *spec = c->files[i][1];
			const char *colon = strchr(spec, ':');

			if (!strstr(url, c->files[i][0]))
				continue;
			resp->status = 200;
			if (!strcmp(spec, "zip")) {
				static const char xml[] =
					"<testsuite name=\"s\" tests=\"1\">"
					"<testcase name=\"t\"/></testsuite>";

				faux_zip_one(&resp->body, "junit.xml", xml,
					     strlen(xml), 1700000000);
			} else if (!strcmp(spec, "empty")) {
				buf_adds(&resp->body,
					 "{\"bugs\":[],\"faults\":[]}");
			} else if (spec[0] == '/') {
				read_path(spec, &resp->body);
			} else {
				char d[64];

				snprintf(d, sizeof(d), "%.*s",
					 (int)(colon - spec), spec);
				read_file(d, colon + 1, &resp->body);
			}
			return 0;
		}
		resp->status = 404;
		buf_adds(&resp->body, "{\"message\":\"Not Found\"}");
		return 0;
	}
	faux_respond(c->f, p ? p : "/", 1, resp);
	return 0;
}

/* Inflates the first entry of zip data; returns its text. */
static char *unzip_first(const char *path)
{
	struct buf z = BUF_INIT;
	char chunk[4096], *out;
	size_t n, nlen, xlen, csize, usize;
	FILE *fp = fopen(path, "rb");
	const unsigned char *p;
	z_stream s = {0};

	assert_non_null(fp);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&z, chunk, n);
	fclose(fp);
	p = (const unsigned char *)z.data;
	csize = p[18] | p[19] << 8 | (size_t)p[20] << 16 | (size_t)p[21] << 24;
	usize = p[22] | p[23] << 8 | (size_t)p[24] << 16 | (size_t)p[25] << 24;
	nlen = p[26] | p[27] << 8;
	xlen = p[28] | p[29] << 8;
	out = calloc(1, usize + 1);
	inflateInit2(&s, -15);
	s.next_in = (Bytef *)(p + 30 + nlen + xlen);
	s.avail_in = (uInt)csize;
	s.next_out = (Bytef *)out;
	s.avail_out = (uInt)usize;
	assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
	inflateEnd(&s);
	buf_release(&z);
	return out;
}

/* What a pull handed up. */
struct got {
	json_t *recs; /* kind -> [records] */
	int artifacts_ok;
	char last_path[256];
	char *xml; /* the first artifact's first file */
};

static int on_record(const char *kind, json_t *rec, void *ctx)
{
	struct got *g = ctx;
	json_t *list = json_object_get(g->recs, kind);

	if (!list) {
		list = json_array();
		json_object_set_new(g->recs, kind, list);
	}
	json_array_append_new(list, json_deep_copy(rec));
	if (!strcmp(kind, "ci_artifact")) {
		const char *path =
			json_string_value(json_object_get(rec, "path"));
		struct stat sb;
		FILE *fp = fopen(path, "rb");
		char magic[4] = {0};

		assert_non_null(fp);
		assert_int_equal(fread(magic, 1, 4, fp), 4);
		fclose(fp);
		assert_memory_equal(magic, "PK\x03\x04", 4);
		assert_int_equal(stat(path, &sb), 0);
		snprintf(g->last_path, sizeof(g->last_path), "%s", path);
		g->artifacts_ok++;
		if (!g->xml)
			g->xml = unzip_first(path);
	}
	return 0;
}

static size_t count(const struct got *g, const char *kind)
{
	return json_array_size(json_object_get(g->recs, kind));
}

/* Pulls report type `type` of project `name` with the built-in config. */
static int pull(const struct source_ops *ops, const struct source_config *sc,
		const char *name, const char *type, const char *cursor,
		struct got *g)
{
	struct config cfg;
	struct source *src = NULL;
	struct source_query q = {0};
	struct source_sink sink = {on_record, NULL, g};
	int rc;

	config_init(&cfg);
	q.project = name;
	q.report_type = type;
	q.since_ms = timestamp_now_ms() - 14 * 86400000LL;
	q.config = config_project(&cfg, name);
	q.cursor = cursor ? cursor : "";
	g->recs = json_object();
	rc = ops->open(&src, sc);
	if (rc == 0)
		rc = ops->pull(src, &q, &sink);
	ops->close(src);
	config_release(&cfg);
	if (rc < 0)
		print_message("pull %s %s: %s\n", name, type, err_msg());
	return rc;
}

static void got_release(struct got *g)
{
	json_decref(g->recs);
	g->recs = NULL;
}

static size_t urls_with(const struct counting *c, const char *part)
{
	size_t n = 0, i;
	json_t *u;

	json_array_foreach (c->urls, i, u)
		n += strstr(json_string_value(u), part) != NULL;
	return n;
}

static void counting_open(struct counting *c, enum faux_scenario sc,
			  struct http_transport *t)
{
	struct faux_options fo = {sc, 0, timestamp_now_ms()};

	memset(c, 0, sizeof(*c));
	assert_int_equal(faux_new(&c->f, &fo), 0);
	c->urls = json_array();
	t->get = counting_get;
	t->ctx = c;
}

static void counting_close(struct counting *c)
{
	faux_free(c->f);
	json_decref(c->urls);
}

/* No id twice, in one list of records. */
static void assert_unique(json_t *recs, const char *key)
{
	json_t *seen = json_object(), *r;
	size_t i;

	json_array_foreach (recs, i, r) {
		const char *id = json_string_value(json_object_get(r, key));

		assert_non_null(id);
		if (json_object_get(seen, id))
			fail_msg("'%s' %s handed up twice", key, id);
		json_object_set_new(seen, id, json_true());
	}
	json_decref(seen);
}

/* Bugzilla: 10,450 bugs of one product, past the 10,000 cap, in slices. */
static void test_bugzilla_past_cap(void **state)
{
	struct counting c;
	struct http_transport t;
	struct source_config sc = {.transport = &t};
	struct got g = {0};
	json_t *bugs, *b;
	size_t i, resolved = 0;

	(void)state;
	counting_open(&c, FAUX_OK, &t);
	assert_int_equal(pull(&source_bugzilla, &sc, "fenix",
			      "issue-regression", NULL, &g),
			 0);
	bugs = json_object_get(g.recs, "issue");
	assert_int_equal(json_array_size(bugs), 10450);
	assert_unique(bugs, "issue_id");
	/* 500 a page: 20 pages to the cap, one more slice, one empty. */
	assert_true(urls_with(&c, "f1=bug_id") >= 2);
	assert_true(urls_with(&c, "limit=500") >= 22);
	assert_true(urls_with(&c, "include_fields=") ==
		    json_array_size(c.urls));
	assert_true(urls_with(&c, "product=Firefox%20for%20Android") ==
		    json_array_size(c.urls));
	json_array_foreach (bugs, i, b) {
		assert_string_equal(
			json_string_value(json_object_get(b, "product")),
			"Firefox for Android");
		assert_true(json_is_true(json_object_get(b, "regression")));
		if (json_is_string(json_object_get(b, "resolved_at"))) {
			resolved++;
			assert_true(strcmp(json_string_value(json_object_get(
						   b, "resolved_at")),
					   json_string_value(json_object_get(
						   b, "created_at"))) >= 0);
		}
	}
	assert_true(resolved > 5000 && resolved < 8000);
	got_release(&g);
	counting_close(&c);
}

/* With a cursor only what changed since (less 10 minutes) is asked. */
static void test_bugzilla_incremental(void **state)
{
	struct counting c;
	struct http_transport t;
	struct source_config sc = {.transport = &t};
	struct got g = {0};
	char cursor[TIMESTAMP_MAX];
	json_t *b;
	size_t i;

	(void)state;
	timestamp_format((timestamp_now_ms() / 86400000 - 30) * 86400000,
			 cursor);
	counting_open(&c, FAUX_OK, &t);
	assert_int_equal(pull(&source_bugzilla, &sc, "focus-android",
			      "issue-regression", cursor, &g),
			 0);
	assert_true(urls_with(&c, "last_change_time=") > 0);
	assert_true(count(&g, "issue") < 75);
	json_array_foreach (json_object_get(g.recs, "issue"), i, b) {
		const char *comp =
			json_string_value(json_object_get(b, "component"));

		assert_true(strcmp(json_string_value(
					   json_object_get(b, "changed_at")),
				   cursor) >= -1);
		assert_true(!strcmp(comp, "General") ||
			    !strcmp(comp, "Privacy"));
	}
	got_release(&g);
	counting_close(&c);
}

/* A Bugzilla without cf_last_resolved: the history gives the same date. */
static void test_bugzilla_legacy_history(void **state)
{
	struct counting c1, c2;
	struct http_transport t1, t2;
	struct source_config s1 = {.transport = &t1}, s2 = {.transport = &t2};
	struct got a = {0}, b = {0};

	(void)state;
	counting_open(&c1, FAUX_OK, &t1);
	counting_open(&c2, FAUX_LEGACY, &t2);
	assert_int_equal(pull(&source_bugzilla, &s1, "firefox-ios",
			      "issue-regression", NULL, &a),
			 0);
	assert_int_equal(pull(&source_bugzilla, &s2, "firefox-ios",
			      "issue-regression", NULL, &b),
			 0);
	assert_int_equal(urls_with(&c1, "/history"), 0);
	assert_true(urls_with(&c2, "/history") >= 1);
	assert_int_equal(count(&a, "issue"), 240);
	for (size_t i = 0; i < count(&a, "issue"); i++) {
		json_t *x = json_array_get(json_object_get(a.recs, "issue"), i);
		json_t *y = json_array_get(json_object_get(b.recs, "issue"), i);

		if (!json_equal(x, y)) {
			char *p = json_dumps(x, 0), *q = json_dumps(y, 0);

			fail_msg("ok %s\nlegacy %s", p, q);
		}
	}
	got_release(&a);
	got_release(&b);
	counting_close(&c1);
	counting_close(&c2);
}

/* Real bugzilla.mozilla.org answers: fields, keywords, history. */
static void test_bugzilla_recorded(void **state)
{
	static char path[256];
	static const char *const files[][2] = {
		{"/history", "bugzilla:bug-history-1005958.json"},
		{"v1=", "empty"},
		{"offset=0", path},
		{NULL, NULL},
	};
	struct counting c = {0};
	struct http_transport t = {counting_get, &c};
	struct source_config sc = {.transport = &t};
	struct got g = {0};
	struct buf page = BUF_INIT;
	json_t *bugs, *b, *one, *two;
	FILE *fp;

	(void)state;
	/* One page: the real 12345-12347 and 1234567, and bug 1005958 as
	 * an upstream Bugzilla 5 gives it (no cf_last_resolved). */
	read_file("bugzilla", "bug-search-12345-12347.json", &page);
	one = json_loads(page.data, 0, NULL);
	buf_reset(&page);
	read_file("bugzilla", "bug-search-1234567.json", &page);
	two = json_loads(page.data, 0, NULL);
	json_array_extend(json_object_get(one, "bugs"),
			  json_object_get(two, "bugs"));
	b = json_deep_copy(json_array_get(json_object_get(one, "bugs"), 0));
	json_object_set_new(b, "id", json_integer(1005958));
	json_object_set_new(b, "status", json_string("RESOLVED"));
	json_object_del(b, "cf_last_resolved");
	json_array_append_new(json_object_get(one, "bugs"), b);
	snprintf(path, sizeof(path), "/tmp/test_issue_sources_%d.json",
		 (int)getpid());
	fp = fopen(path, "w");
	assert_non_null(fp);
	json_dumpf(one, fp, 0);
	fclose(fp);
	json_decref(one);
	json_decref(two);
	buf_release(&page);
	c.urls = json_array();
	c.files = files;
	assert_int_equal(pull(&source_bugzilla, &sc, "fenix",
			      "issue-regression", NULL, &g),
			 0);
	bugs = json_object_get(g.recs, "issue");
	assert_int_equal(json_array_size(bugs), 5);
	b = json_array_get(bugs, 0);
	assert_string_equal(json_string_value(json_object_get(b, "issue_id")),
			    "12345");
	assert_string_equal(json_string_value(json_object_get(b, "status")),
			    "VERIFIED");
	assert_string_equal(
		json_string_value(json_object_get(b, "resolved_at")),
		"1999-11-04T19:50:21Z");
	assert_false(json_is_true(json_object_get(b, "regression")));
	b = json_array_get(bugs, 3);
	assert_string_equal(json_string_value(json_object_get(b, "issue_id")),
			    "1234567");
	assert_true(json_is_null(json_object_get(b, "resolution")));
	assert_true(json_is_null(json_object_get(b, "resolved_at")));
	assert_string_equal(json_string_value(json_object_get(b, "keywords")),
			    "intermittent-failure");
	assert_string_equal(
		json_string_value(json_object_get(b, "url")),
		"https://bugzilla.mozilla.org/show_bug.cgi?id=1234567");
	/* No cf_last_resolved: the history's open-to-resolved change, not
	 * the later RESOLVED-to-VERIFIED one. */
	b = json_array_get(bugs, 4);
	assert_string_equal(
		json_string_value(json_object_get(b, "resolved_at")),
		"2014-05-06T04:01:24Z");
	assert_int_equal(urls_with(&c, "/history?ids=1005958"), 1);
	/* The second slice starts after the last id. */
	assert_int_equal(urls_with(&c, "v1=1234567"), 1);
	remove(path);
	got_release(&g);
	json_decref(c.urls);
}

/* GitHub issues: more than the search's 1,000, in creation slices. */
static void test_github_issues_past_cap(void **state)
{
	struct counting c;
	struct http_transport t;
	struct source_config sc = {.transport = &t};
	struct got g = {0};
	json_t *is, *i1;
	size_t i, closed = 0;

	(void)state;
	counting_open(&c, FAUX_OK, &t);
	assert_int_equal(pull(&source_github, &sc, "fenix", "issue-regression",
			      NULL, &g),
			 0);
	is = json_object_get(g.recs, "issue");
	/* 1,260 issues, every 9th without the regression label. */
	assert_int_equal(json_array_size(is), 1120);
	assert_unique(is, "issue_id");
	assert_true(urls_with(&c, "created%3A%3E%3D") >= 1);
	assert_true(urls_with(&c, "page=2") >= 1);
	json_array_foreach (is, i, i1) {
		assert_string_equal(
			json_string_value(json_object_get(i1, "component")),
			"regression");
		assert_string_equal(
			json_string_value(json_object_get(i1, "product")),
			"mozilla-mobile/firefox-android");
		if (!strcmp(json_string_value(json_object_get(i1, "status")),
			    "closed")) {
			closed++;
			assert_true(json_is_string(
				json_object_get(i1, "resolved_at")));
		}
	}
	assert_true(closed > 600);
	got_release(&g);
	counting_close(&c);
}

/* GitHub runs: past the 1,000 cap by created ranges; attempts, jobs,
 * artifacts downloaded through the redirect and deleted afterwards. */
static void test_github_runs(void **state)
{
	struct counting c;
	struct http_transport t;
	struct source_config sc = {.transport = &t};
	struct got g = {0};
	json_t *builds, *b;
	size_t i, retries = 0, running = 0, failures = 0;

	(void)state;
	counting_open(&c, FAUX_OK, &t);
	assert_int_equal(pull(&source_github, &sc, "focus-android", "ci-builds",
			      NULL, &g),
			 0);
	builds = json_object_get(g.recs, "ci_build");
	assert_true(json_array_size(builds) > 1000);
	assert_true(urls_with(&c, "created=") >= 3);
	json_array_foreach (builds, i, b) {
		const char *st =
			json_string_value(json_object_get(b, "status"));

		retries += json_is_true(json_object_get(b, "retry"));
		running += !strcmp(st, "running");
		failures += !strcmp(st, "failure");
		assert_true(json_integer_value(json_object_get(b, "attempt")) >=
			    1);
		assert_non_null(
			json_string_value(json_object_get(b, "build_id")));
	}
	assert_int_equal(running, 3);
	assert_true(retries > 50 && failures > 100);
	/* attempt 1 of a re-run run and its retry, the same build_id */
	assert_true(count(&g, "ci_job") >= 3 * json_array_size(builds));
	assert_true(g.artifacts_ok >= 20);
	assert_int_equal(count(&g, "ci_artifact"), (size_t)g.artifacts_ok);
	assert_true(urls_with(&c, "/_blobs/artifacts/") >= 20);
	/* The expired artifacts are never asked for. */
	assert_int_equal(urls_with(&c, "1/zip"), 0);
	{
		struct stat sb;

		assert_int_not_equal(stat(g.last_path, &sb), 0);
	}
	assert_non_null(g.xml);
	assert_non_null(strstr(g.xml, "<testsuite name=\"org.mozilla.fenix.ui."
				      "SmokeTest\""));
	free(g.xml);
	got_release(&g);
	counting_close(&c);
}

/* Real GitHub answers: runs, jobs and artifacts of pygithub's recordings. */
static void test_github_recorded(void **state)
{
	static const char *const files[][2] = {
		{"/jobs", "github-actions:list-jobs-for-run.json"},
		{"/artifacts?", "github-actions:list-run-artifacts.json"},
		{"/zip", "zip"},
		{"/actions/runs?", "github-actions:list-workflow-runs.json"},
		{NULL, NULL},
	};
	struct counting c = {0};
	struct http_transport t = {counting_get, &c};
	struct source_config sc = {.transport = &t};
	struct got g = {0};
	json_t *b;

	(void)state;
	c.files = files;
	c.urls = json_array();
	assert_int_equal(pull(&source_github, &sc, "reference-browser",
			      "ci-builds", "2020-01-01T00:00:00Z", &g),
			 0);
	assert_int_equal(count(&g, "ci_build"), 4);
	b = json_array_get(json_object_get(g.recs, "ci_build"), 0);
	assert_non_null(b);
	assert_string_equal(json_string_value(json_object_get(b, "source")),
			    "github");
	assert_int_equal(json_integer_value(json_object_get(b, "attempt")), 1);
	assert_false(json_is_true(json_object_get(b, "retry")));
	assert_non_null(json_string_value(json_object_get(b, "workflow")));
	assert_non_null(json_string_value(json_object_get(b, "started_at")));
	/* 5 jobs and 2 artifacts (real zips made here) per run */
	assert_int_equal(count(&g, "ci_job"), 20);
	assert_int_equal(count(&g, "ci_artifact"), 8);
	assert_string_equal(g.xml, "<testsuite name=\"s\" tests=\"1\">"
				   "<testcase name=\"t\"/></testsuite>");
	free(g.xml);
	assert_non_null(json_string_value(json_object_get(
		json_array_get(json_object_get(g.recs, "ci_job"), 0),
		"job_id")));
	assert_true(urls_with(&c, "created=2019-12-31T00%3A00%3A00Z..") == 1);
	got_release(&g);
	json_decref(c.urls);
}

/* Sends the log to a new file at path; log_done() checks and removes it. */
static FILE *log_start(char *path, size_t size)
{
	FILE *log;

	snprintf(path, size, "/tmp/test_issue_sources_log_%d", (int)getpid());
	log = fopen(path, "w+");
	assert_non_null(log);
	log_set_stream(log);
	log_set_level(LOG_DEBUG);
	return log;
}

/* The log holds want and no secret. */
static void log_done(FILE *log, const char *path, const char *want)
{
	struct buf text = BUF_INIT;
	char chunk[4096];
	size_t n;

	log_set_stream(stderr);
	log_set_level(LOG_WARN);
	fseek(log, 0, SEEK_SET);
	while ((n = fread(chunk, 1, sizeof(chunk), log)) > 0)
		buf_add(&text, chunk, n);
	fclose(log);
	remove(path);
	if (!strstr(text.data, want))
		fail_msg("the log lacks '%s': %s", want, text.data);
	assert_null(strstr(text.data, SECRET));
	assert_null(strstr(text.data, BZ_SECRET));
	buf_release(&text);
}

/* faux serve: real HTTP, rate limits waited out, secrets never shown. */
static void test_loopback_rate_limits(void **state)
{
	struct faux_server_options fo = {
		"127.0.0.1", 0, {FAUX_RATE_LIMITED, 0, 0}, 0};
	struct faux_server *s;
	struct source_config sc = {.backoff_ms = 10};
	struct got g = {0};
	char url[128], logpath[256];
	FILE *log;
	int64_t t0;

	(void)state;
	fo.faux.now_ms = timestamp_now_ms();
	assert_int_equal(faux_server_start(&s, &fo), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/api/v3",
		 faux_server_port(s));
	setenv("GITHUB_API_URL", url, 1);
	setenv("GITHUB_TOKEN", SECRET, 1);
	log = log_start(logpath, sizeof(logpath));
	t0 = timestamp_now_ms();
	/* 403 with the primary limit used up, then 429 with Retry-After. */
	assert_int_equal(pull(&source_github, &sc, "reference-browser",
			      "issue-regression", NULL, &g),
			 0);
	assert_true(timestamp_now_ms() - t0 >= 1000);
	/* 45 issues: 5 lack "regression", one of them has "crash" */
	assert_int_equal(count(&g, "issue"), 41);
	got_release(&g);
	faux_server_stop(s);
	log_done(log, logpath, "GitHub rate limit (HTTP 403): waiting");
}

/* faux serve: Bugzilla's 429, server errors, malformed answers. */
static void test_loopback_errors(void **state)
{
	struct faux_server_options fo = {
		"127.0.0.1", 0, {FAUX_RATE_LIMITED, 0, 0}, 0};
	struct faux_server *s;
	struct source_config sc = {.backoff_ms = 10};
	struct got g = {0};
	char url[128], logpath[256];
	FILE *log = log_start(logpath, sizeof(logpath));

	(void)state;
	fo.faux.now_ms = timestamp_now_ms();
	setenv("GITHUB_TOKEN", SECRET, 1);

	/* Bugzilla over HTTP with its key, after a 429. */
	assert_int_equal(faux_server_start(&s, &fo), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", faux_server_port(s));
	setenv("BUGZILLA_HOST", url, 1);
	setenv("BUGZILLA_API_KEY", BZ_SECRET, 1);
	assert_int_equal(pull(&source_bugzilla, &sc, "focus-android",
			      "issue-regression", NULL, &g),
			 0);
	assert_int_equal(count(&g, "issue"), 75);
	assert_true(faux_server_calls(s) >= 2);
	got_release(&g);
	faux_server_stop(s);

	/* server-error: firefox-ios fails, naming the URL, not the token. */
	fo.faux.scenario = FAUX_SERVER_ERROR;
	assert_int_equal(faux_server_start(&s, &fo), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/api/v3",
		 faux_server_port(s));
	setenv("GITHUB_API_URL", url, 1);
	sc.max_tries = 2;
	assert_int_equal(
		pull(&source_github, &sc, "firefox-ios", "ci-builds", NULL, &g),
		-1);
	assert_non_null(strstr(err_msg(), "500"));
	assert_null(strstr(err_msg(), SECRET));
	got_release(&g);
	fo.faux.scenario = FAUX_MALFORMED;
	faux_server_stop(s);
	assert_int_equal(faux_server_start(&s, &fo), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", faux_server_port(s));
	setenv("BUGZILLA_HOST", url, 1);
	assert_int_equal(pull(&source_bugzilla, &sc, "focus-android",
			      "issue-regression", NULL, &g),
			 -1);
	assert_non_null(strstr(err_msg(), "not a JSON object"));
	assert_null(strstr(err_msg(), BZ_SECRET));
	got_release(&g);
	faux_server_stop(s);

	log_done(log, logpath, " 429 ");
	unsetenv("GITHUB_API_URL");
	unsetenv("BUGZILLA_HOST");
	unsetenv("BUGZILLA_API_KEY");
	unsetenv("GITHUB_TOKEN");
}

/* No GITHUB_TOKEN: a message naming the variable. */
static void test_github_needs_token(void **state)
{
	struct source *src = NULL;
	struct source_config sc = {0};

	(void)state;
	unsetenv("GITHUB_TOKEN");
	assert_int_equal(source_github.open(&src, &sc), -1);
	assert_non_null(strstr(err_msg(), "GITHUB_TOKEN"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bugzilla_past_cap),
		cmocka_unit_test(test_bugzilla_incremental),
		cmocka_unit_test(test_bugzilla_legacy_history),
		cmocka_unit_test(test_bugzilla_recorded),
		cmocka_unit_test(test_github_issues_past_cap),
		cmocka_unit_test(test_github_runs),
		cmocka_unit_test(test_github_recorded),
		cmocka_unit_test(test_loopback_rate_limits),
		cmocka_unit_test(test_loopback_errors),
		cmocka_unit_test(test_github_needs_token),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
