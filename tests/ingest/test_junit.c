/*
 * test_junit.c - the JUnit XML parser over real files (golden) and over
 * small hand-made documents, one per dialect feature of peers.md section 6.
 *
 * Golden files: every file under $FIXTURES/junit (real files from public
 * repositories, see PROVENANCE.md there) is parsed and summarised (counts,
 * suites, one line per attempt "suite|classname|name|status|retry|flaky|
 * duration_ms"), and the summary is compared with
 * tests/ingest/golden/<path under fixtures/junit>.txt under $SRCDIR.  With
 * UPDATE_GOLDEN=1 in the environment the golden files are written from the
 * current output instead; before committing them, check their counts
 * with tests/ingest/junit_count.py --check, an independent count in
 * python3 xml.etree that shares no code with the parser.
 *
 * Safety, input and error cases are in test_junit_input.c.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/strmap.h"
#include "core/xalloc.h"
#include "ingest/junit.h"
#include "junit_collect.h"
#include "core/banned.h"

/* ---- golden files ---------------------------------------------------- */

/* Appends s with '|', '\\' and control characters escaped. */
static void add_escaped(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '|' || c == '\\')
			buf_addf(b, "\\%c", c);
		else if (c == '\n')
			buf_adds(b, "\\n");
		else if (c < 0x20)
			buf_addf(b, "\\x%02x", c);
		else
			buf_addch(b, (char)c);
	}
}

/* Replaces every occurrence of from in b with to. */
static void replace_all(struct buf *b, const char *from, const char *to)
{
	struct buf out = BUF_INIT;
	const char *p = b->data, *hit;
	size_t n = strlen(from);

	if (!n)
		return;
	while ((hit = strstr(p, from)) != NULL) {
		buf_add(&out, p, (size_t)(hit - p));
		buf_adds(&out, to);
		p = hit + n;
	}
	buf_adds(&out, p);
	buf_release(b);
	*b = out;
}

/* The summary that golden files hold. */
static void summarise(struct buf *b, const struct collect *c, int rc,
		      const struct junit_error *err)
{
	struct strmap tests = STRMAP_INIT;
	struct buf key = BUF_INIT;
	size_t by[4] = {0, 0, 0, 0}, flaky = 0, i;

	for (i = 0; i < c->n; i++) {
		const struct rec *r = &c->recs[i];

		by[r->status]++;
		flaky += r->flaky != 0;
		buf_reset(&key);
		buf_addf(&key, "%s%c%s%c%s", r->suite, 0x1f, r->classname, 0x1f,
			 r->name);
		strmap_intern(&tests, key.data, key.len);
	}
	if (!rc)
		buf_adds(b, "result: ok\n");
	else
		buf_addf(b, "result: error %lu:%lu: %s\n", err->line,
			 err->column, err->message);
	buf_addf(b, "attempts: %zu (pass %zu, fail %zu, error %zu, skip %zu)\n",
		 c->n, by[JUNIT_PASS], by[JUNIT_FAIL], by[JUNIT_ERROR],
		 by[JUNIT_SKIP]);
	buf_addf(b, "tests: %zu\nflaky attempts: %zu\nsuites: %zu\n",
		 strmap_count(&tests), flaky, c->nsuites);
	for (i = 0; i < c->nsuites; i++) {
		const struct srec *s = &c->suites[i];

		buf_adds(b, "suite ");
		add_escaped(b, s->path);
		buf_addf(b,
			 " tests=%lld failures=%lld errors=%lld "
			 "skipped=%lld header_tests=%lld\n",
			 (long long)s->tests, (long long)s->failures,
			 (long long)s->errors, (long long)s->skipped,
			 (long long)s->header_tests);
	}
	for (i = 0; i < c->n; i++) {
		const struct rec *r = &c->recs[i];

		add_escaped(b, r->suite);
		buf_addch(b, '|');
		add_escaped(b, r->classname);
		buf_addch(b, '|');
		add_escaped(b, r->name);
		buf_addf(b, "|%s|%d|%d|%lld\n", junit_status_name(r->status),
			 r->retry, r->flaky, (long long)r->duration_ms);
	}
	strmap_release(&tests);
	buf_release(&key);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends the paths of the .xml and .trx files under dir, relative. */
static void list_fixtures(const char *root, const char *rel, char ***out,
			  size_t *n, size_t *alloc)
{
	struct buf path = BUF_INIT;
	struct dirent *de;
	DIR *d;

	buf_addf(&path, "%s/%s", root, rel);
	d = opendir(path.data);
	if (!d)
		fail_msg("cannot open '%s': %s", path.data, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		struct buf sub = BUF_INIT;
		const char *dot = strrchr(de->d_name, '.');
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		buf_addf(&sub, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		buf_reset(&path);
		buf_addf(&path, "%s/%s", root, sub.data);
		assert_int_equal(stat(path.data, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			list_fixtures(root, sub.data, out, n, alloc);
		} else if (dot &&
			   (!strcmp(dot, ".xml") || !strcmp(dot, ".trx"))) {
			ALLOC_GROW(*out, *n + 1, *alloc);
			(*out)[(*n)++] = buf_detach(&sub, NULL);
		}
		buf_release(&sub);
	}
	closedir(d);
	buf_release(&path);
}

static void read_all(const char *path, struct buf *out)
{
	char chunk[65536];
	size_t n;
	FILE *fp = fopen(path, "rb");

	if (!fp)
		fail_msg("cannot open '%s' (UPDATE_GOLDEN=1 writes golden "
			 "files)",
			 path);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(out, chunk, n);
	fclose(fp);
}

/* mkdir -p of the directory part of path. */
static void make_parents(const char *path)
{
	char *copy = xstrdup(path), *p;

	for (p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0777) < 0 && errno != EEXIST)
			fail_msg("cannot create '%s': %s", copy,
				 strerror(errno));
		*p = '/';
	}
	free(copy);
}

/* Parses one fixture both from its path and from memory; 1 if golden ok. */
static int check_fixture(const char *fixtures, const char *rel,
			 const char *srcdir, int update)
{
	struct buf path = BUF_INIT, golden = BUF_INIT, got = BUF_INIT;
	struct buf got_mem = BUF_INIT, data = BUF_INIT, want = BUF_INIT;
	struct buf prefix = BUF_INIT;
	struct collect c = {0}, cm = {0};
	struct junit_handler h = collect_handler(&c);
	struct junit_handler hm = collect_handler(&cm);
	struct junit_error err, err_mem;
	int rc, ok = 1;

	buf_addf(&path, "%s/junit/%s", fixtures, rel);
	buf_addf(&golden, "%s/tests/ingest/golden/%s.txt", srcdir, rel);
	buf_addf(&prefix, "%s/junit/", fixtures);
	rc = junit_parse_path(path.data, &h, &err);
	summarise(&got, &c, rc, &err);
	replace_all(&got, prefix.data, "");
	/* The same bytes from memory must give the same records. */
	read_all(path.data, &data);
	rc = junit_parse_memory(path.data, data.data, data.len, &hm, &err_mem);
	summarise(&got_mem, &cm, rc, &err_mem);
	replace_all(&got_mem, prefix.data, "");
	if (strcmp(got.data, got_mem.data)) {
		print_error("'%s': path and memory differ\n", rel);
		ok = 0;
	}
	if (update) {
		FILE *fp;

		make_parents(golden.data);
		fp = fopen(golden.data, "wb");
		assert_non_null(fp);
		assert_int_equal(fwrite(got.data, 1, got.len, fp), got.len);
		assert_int_equal(fclose(fp), 0);
	} else {
		read_all(golden.data, &want);
		if (strcmp(want.data, got.data)) {
			print_error("'%s' differs:\n--- want\n%.2000s--- got\n"
				    "%.2000s",
				    golden.data, want.data, got.data);
			ok = 0;
		}
	}
	junit_error_release(&err);
	junit_error_release(&err_mem);
	collect_release(&c);
	collect_release(&cm);
	buf_release(&path);
	buf_release(&golden);
	buf_release(&got);
	buf_release(&got_mem);
	buf_release(&data);
	buf_release(&want);
	buf_release(&prefix);
	return ok;
}

static void test_golden_fixtures(void **state)
{
	const char *fixtures = getenv("FIXTURES");
	const char *srcdir = getenv("SRCDIR");
	const char *update = getenv("UPDATE_GOLDEN");
	char **files = NULL;
	size_t n = 0, alloc = 0, i, bad = 0;
	struct buf root = BUF_INIT;

	(void)state;
	if (!fixtures || !srcdir)
		fail_msg("FIXTURES and SRCDIR must be set");
	buf_addf(&root, "%s/junit", fixtures);
	list_fixtures(root.data, "", &files, &n, &alloc);
	qsort(files, n, sizeof(*files), by_name);
	assert_true(n > 150);
	for (i = 0; i < n; i++) {
		bad += !check_fixture(fixtures, files[i], srcdir,
				      update && !strcmp(update, "1"));
		free(files[i]);
	}
	free(files);
	buf_release(&root);
	if (bad)
		fail_msg("%zu of %zu fixtures differ from their golden file",
			 bad, n);
}

/* ---- dialect features, one small document each ----------------------- */

/* Parses xml from memory into c; returns the parse's result. */
static int parse(const char *xml, struct collect *c)
{
	struct junit_handler h = collect_handler(c);
	struct junit_error err;
	int rc = junit_parse_memory("t.xml", xml, strlen(xml), &h, &err);

	if (rc)
		print_message("parse: %s\n", err_msg());
	junit_error_release(&err);
	return rc;
}

static void test_precedence(void **state)
{
	static const char xml[] =
		"<testsuite name='s'>"
		"<testcase classname='c' name='all'><skipped message='s'/>"
		"<failure message='f' type='F'>fbody</failure>"
		"<error message='e' type='E'>ebody</error></testcase>"
		"<testcase classname='c' name='fs'><skipped message='s'/>"
		"<failure message='f'>fbody</failure></testcase>"
		"<testcase classname='c' name='s'><skipped message='why'/>"
		"</testcase>"
		"<testcase classname='c' name='p'/>"
		"<testcase classname='c' name='bare'><skipped/></testcase>"
		"</testsuite>";
	struct collect c = {0};

	(void)state;
	assert_int_equal(parse(xml, &c), 0);
	assert_int_equal(c.n, 5);
	assert_int_equal(c.recs[0].status, JUNIT_ERROR);
	assert_string_equal(c.recs[0].message, "e");
	assert_string_equal(c.recs[0].type, "E");
	assert_string_equal(c.recs[0].text, "fbody\n--- error 2: e ---\nebody");
	assert_int_equal(c.recs[0].nfailures, 2);
	assert_int_equal(c.recs[1].status, JUNIT_FAIL);
	assert_string_equal(c.recs[1].message, "f");
	assert_string_equal(c.recs[1].text, "fbody");
	assert_int_equal(c.recs[2].status, JUNIT_SKIP);
	assert_string_equal(c.recs[2].message, "why");
	assert_int_equal(c.recs[3].status, JUNIT_PASS);
	assert_string_equal(c.recs[3].message, "");
	assert_string_equal(c.recs[3].text, "");
	assert_int_equal(c.recs[4].status, JUNIT_SKIP);
	assert_int_equal(c.nsuites, 1);
	assert_int_equal(c.suites[0].tests, 5);
	assert_int_equal(c.suites[0].failures, 1);
	assert_int_equal(c.suites[0].errors, 1);
	assert_int_equal(c.suites[0].skipped, 2);
	assert_int_equal(c.suites[0].header_tests, -1);
	collect_release(&c);
}

static void test_multiple_failures(void **state)
{
	static const char xml[] =
		"<testsuite><testcase name='m'>"
		"<failure message='first'>one</failure>"
		"<failure message='second'>two</failure>"
		"<failure>three\nline</failure></testcase></testsuite>";
	struct collect c = {0};

	(void)state;
	assert_int_equal(parse(xml, &c), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.recs[0].status, JUNIT_FAIL);
	assert_string_equal(c.recs[0].message, "first");
	assert_int_equal(c.recs[0].nfailures, 3);
	assert_string_equal(c.recs[0].text,
			    "one\n--- failure 2: second ---\ntwo\n"
			    "--- failure 3 ---\nthree\nline");
	collect_release(&c);
}

static void test_surefire_flaky(void **state)
{
	static const char xml[] =
		"<testsuite name='S'><testcase classname='C' name='t' "
		"time='3'>"
		"<flakyFailure message='m1' type='T1' time='1.0'>"
		"<stackTrace>trace1</stackTrace><system-out>out1</system-out>"
		"<system-err>err1</system-err></flakyFailure>"
		"<flakyError message='m2' type='T2'><stackTrace>trace2"
		"</stackTrace></flakyError>"
		"<system-out>own out</system-out></testcase></testsuite>";
	struct collect c = {0};

	(void)state;
	assert_int_equal(parse(xml, &c), 0);
	assert_int_equal(c.n, 3);
	/* The failed runs came first, the passing one last. */
	assert_int_equal(c.recs[0].status, JUNIT_FAIL);
	assert_int_equal(c.recs[0].retry, 1);
	assert_int_equal(c.recs[0].flaky, 1);
	assert_string_equal(c.recs[0].message, "m1");
	assert_string_equal(c.recs[0].type, "T1");
	assert_string_equal(c.recs[0].text, "trace1");
	assert_string_equal(c.recs[0].out, "out1");
	assert_string_equal(c.recs[0].err, "err1");
	assert_int_equal(c.recs[0].duration_ms, 1000);
	assert_int_equal(c.recs[1].status, JUNIT_ERROR);
	assert_int_equal(c.recs[1].retry, 2);
	assert_int_equal(c.recs[1].flaky, 1);
	assert_string_equal(c.recs[1].text, "trace2");
	assert_string_equal(c.recs[1].out, "");
	assert_int_equal(c.recs[1].duration_ms, -1);
	assert_int_equal(c.recs[2].status, JUNIT_PASS);
	assert_int_equal(c.recs[2].retry, 0);
	assert_int_equal(c.recs[2].flaky, 0);
	assert_string_equal(c.recs[2].out, "own out");
	assert_int_equal(c.recs[2].duration_ms, 3000);
	assert_string_equal(c.recs[2].name, "t");
	assert_string_equal(c.recs[0].name, "t");
	/* The suite counts the testcase once, by its own outcome. */
	assert_int_equal(c.suites[0].tests, 1);
	assert_int_equal(c.suites[0].failures, 0);
	collect_release(&c);
}

static void test_surefire_rerun(void **state)
{
	static const char xml[] =
		"<testsuite><testcase name='t'>"
		"<failure message='first' type='A'>t0</failure>"
		"<rerunFailure message='second'><stackTrace>t1</stackTrace>"
		"</rerunFailure>"
		"<rerunError message='third'><stackTrace>t2</stackTrace>"
		"</rerunError></testcase>"
		"<testcase name='mixed'><rerunFailure message='a'/>"
		"<flakyFailure>\n  line one\nline two</flakyFailure>"
		"</testcase></testsuite>";
	struct collect c = {0};

	(void)state;
	assert_int_equal(parse(xml, &c), 0);
	assert_int_equal(c.n, 6);
	/* The first run is the <failure>; the reruns came after it. */
	assert_int_equal(c.recs[0].status, JUNIT_FAIL);
	assert_int_equal(c.recs[0].retry, 0);
	assert_int_equal(c.recs[0].flaky, 0);
	assert_string_equal(c.recs[0].message, "first");
	assert_int_equal(c.recs[1].status, JUNIT_FAIL);
	assert_int_equal(c.recs[1].retry, 1);
	assert_int_equal(c.recs[1].flaky, 1);
	assert_string_equal(c.recs[1].text, "t1");
	assert_int_equal(c.recs[2].status, JUNIT_ERROR);
	assert_int_equal(c.recs[2].retry, 2);
	assert_string_equal(c.recs[2].message, "third");
	/* flaky* before the own outcome, rerun* after, retry by position. */
	assert_int_equal(c.recs[3].retry, 2);
	assert_string_equal(c.recs[3].message, "line one");
	assert_int_equal(c.recs[4].retry, 0);
	assert_int_equal(c.recs[4].status, JUNIT_PASS);
	assert_int_equal(c.recs[5].retry, 1);
	assert_string_equal(c.recs[5].message, "a");
	collect_release(&c);
}

static void test_flank_and_duplicates(void **state)
{
	static const char xml[] =
		"<testsuites><testsuite name='s'>"
		"<testcase name='f' classname='k' flaky='true'/>"
		"<testcase name='g' classname='k' flaky='false'/>"
		"<testcase name='d' classname='k'><failure/></testcase>"
		"<testcase name='d' classname='k'><error message='teardown'/>"
		"</testcase><testcase name='e' class='viaclass'/>"
		"</testsuite></testsuites>";
	struct collect c = {0};

	(void)state;
	assert_int_equal(parse(xml, &c), 0);
	assert_int_equal(c.n, 5);
	assert_int_equal(c.recs[0].flaky, 1);
	assert_int_equal(c.recs[0].status, JUNIT_PASS);
	assert_int_equal(c.recs[1].flaky, 0);
	/* pytest reports call and teardown as two testcases: two attempts. */
	assert_string_equal(c.recs[2].name, "d");
	assert_string_equal(c.recs[3].name, "d");
	assert_int_equal(c.recs[2].status, JUNIT_FAIL);
	assert_int_equal(c.recs[3].status, JUNIT_ERROR);
	assert_int_equal(c.recs[2].retry, 0);
	assert_int_equal(c.recs[3].retry, 0);
	assert_string_equal(c.recs[4].classname, "viaclass");
	assert_int_equal(c.suites[0].tests, 5);
	collect_release(&c);
}

static void test_gtest_ctest_status(void **state)
{
	static const char xml[] =
		"<testsuites><testsuite name='g'>"
		"<testcase name='a' status='run' result='completed'/>"
		"<testcase name='b' status='notrun' result='suppressed'/>"
		"<testcase name='c' status='run' result='skipped'>"
		"<skipped message='GTEST_SKIP'/></testcase>"
		"<testcase name='d' status='run' result='skipped'/>"
		"<testcase name='e' status='run'><failure message='boom' "
		"type=''><![CDATA[x.cc:3\nExpected 1]]></failure></testcase>"
		"</testsuite><testsuite name='ctest' tests='4'>"
		"<testcase name='fail' status='fail'><failure message='Failed'/>"
		"</testcase><testcase name='failattr' status='fail'/>"
		"<testcase name='notrun' status='notrun'><skipped "
		"message='Disabled'/></testcase>"
		"<testcase name='disabled' status='disabled'/>"
		"<testcase name='err' status='ERROR'><skipped/></testcase>"
		"</testsuite></testsuites>";
	static const enum junit_status want[] = {
		JUNIT_PASS, JUNIT_SKIP, JUNIT_SKIP, JUNIT_SKIP, JUNIT_FAIL,
		JUNIT_FAIL, JUNIT_FAIL, JUNIT_SKIP, JUNIT_SKIP, JUNIT_ERROR};
	struct collect c = {0};
	size_t i;

	(void)state;
	assert_int_equal(parse(xml, &c), 0);
	assert_int_equal(c.n, ARRAY_SIZE(want));
	for (i = 0; i < c.n; i++)
		assert_int_equal(c.recs[i].status, want[i]);
	assert_string_equal(c.recs[2].message, "GTEST_SKIP");
	assert_string_equal(c.recs[3].message, "");
	assert_string_equal(c.recs[4].text, "x.cc:3\nExpected 1");
	assert_string_equal(c.recs[5].message, "Failed");
	/* Decided by an attribute: no element's message applies. */
	assert_string_equal(c.recs[6].message, "");
	assert_string_equal(c.recs[7].message, "Disabled");
	assert_string_equal(c.recs[9].message, "");
	assert_int_equal(c.suites[1].header_tests, 4);
	assert_int_equal(c.suites[1].tests, 5);
	collect_release(&c);
}

static void test_time_variants(void **state)
{
	static const struct {
		const char *attrs;
		int64_t ms;
	} cases[] = {
		{"time='1.5'", 1500},
		{"time=''", -1},
		{"time='NaN'", -1},
		{"time='1,234.5'", 1234500},
		{"", -1},
		{"duration='2.5'", 2500},
		{"time='-3'", -1},
		{"time='0,5'", 500},
		{"time='8.7e-05'", 0},
		{"time='inf'", -1},
		{"time='abc' duration='1'", 1000},
		{"time='2,503.1'", 2503100},
		{"time=' 12 '", 12000},
		{"time='<<computed>>'", -1},
	};
	struct buf xml = BUF_INIT;
	struct collect c = {0};
	size_t i;

	(void)state;
	buf_adds(&xml, "<testsuite>");
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		buf_addf(&xml, "<testcase name='t%zu' %s/>", i,
			 strcmp(cases[i].attrs, "time='<<computed>>'")
				 ? cases[i].attrs
				 : "time='&lt;&lt;computed>>'");
	buf_adds(&xml, "</testsuite>");
	assert_int_equal(parse(xml.data, &c), 0);
	assert_int_equal(c.n, ARRAY_SIZE(cases));
	for (i = 0; i < c.n; i++) {
		if (c.recs[i].duration_ms != cases[i].ms)
			fail_msg("%s: got %lld, want %lld", cases[i].attrs,
				 (long long)c.recs[i].duration_ms,
				 (long long)cases[i].ms);
	}
	collect_release(&c);
	buf_release(&xml);
}

static void test_timestamps(void **state)
{
	static const char xml[] =
		"<testsuites timestamp='2020-01-01T00:00:00Z'>"
		"<testsuite name='a' timestamp='2021-04-02T15:48:23'>"
		"<testcase name='x'/>"
		"<testcase name='y' timestamp='2021-04-02T15:48:24+02:00'/>"
		"<testcase name='z' timestamp='garbage'/></testsuite>"
		"<testsuite name='b'><testcase name='w'/></testsuite>"
		"<testsuite name='c' timestamp='2020-08-31T09:23:11.677701'/>"
		"</testsuites>";
	struct collect c = {0};

	(void)state;
	assert_int_equal(parse(xml, &c), 0);
	assert_int_equal(c.n, 4);
	assert_int_equal(c.recs[0].timestamp_ms, 1617378503000LL);
	assert_int_equal(c.recs[1].timestamp_ms, 1617371304000LL);
	assert_int_equal(c.recs[2].timestamp_ms, 1617378503000LL);
	assert_int_equal(c.recs[3].timestamp_ms, 1577836800000LL);
	assert_int_equal(c.suites[0].timestamp_ms, 1617378503000LL);
	assert_int_equal(c.suites[2].timestamp_ms, 1598865791677LL);
	collect_release(&c);
	assert_int_equal(
		parse("<testsuite><testcase name='n'/></testsuite>", &c), 0);
	assert_int_equal(c.recs[0].timestamp_ms, -1);
	collect_release(&c);
}

static void test_properties(void **state)
{
	static const char xml[] =
		"<testsuite name='p' hostname='host1'><properties>"
		"<property name='a' value='1'/>"
		"<property name='b'>  text body\n </property>"
		"<property name='a' value='2'/></properties>"
		"<testcase name='t'><properties><property name='k' value='v'/>"
		"</properties></testcase><testcase name='u'/></testsuite>";
	struct buf many = BUF_INIT;
	struct collect c = {0};
	int i;

	(void)state;
	assert_int_equal(parse(xml, &c), 0);
	assert_string_equal(c.suites[0].props, "a=1;b=text body;a=2");
	assert_string_equal(c.suites[0].hostname, "host1");
	assert_string_equal(c.recs[0].props, "k=v");
	/* Properties belong to their testcase only. */
	assert_string_equal(c.recs[1].props, "");
	collect_release(&c);
	/* Past the cap they are counted, not kept. */
	buf_adds(&many, "<testsuite><properties>");
	for (i = 0; i < JUNIT_MAX_PROPERTIES + 6; i++)
		buf_addf(&many, "<property name='p%d' value='%d'/>", i, i);
	buf_adds(&many, "</properties></testsuite>");
	assert_int_equal(parse(many.data, &c), 0);
	assert_int_equal(c.suites[0].nprops, JUNIT_MAX_PROPERTIES);
	assert_int_equal(c.suites[0].dropped, 6);
	collect_release(&c);
	buf_release(&many);
}

/* True when s is valid UTF-8. */
static int valid_utf8(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	while (*u) {
		size_t n = *u < 0x80 ? 0 : *u < 0xe0 ? 1 : *u < 0xf0 ? 2 : 3;

		if (*u >= 0x80 && *u < 0xc2)
			return 0;
		for (u++; n; n--, u++)
			if ((*u & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

/* Checks that text is head, marker and tail of a total-byte original. */
static void check_elided(const char *text, uint64_t total, const char *head,
			 const char *tail)
{
	const char *m = strstr(text, "\n[... ");
	unsigned long long elided = 0;
	const char *end;

	assert_non_null(m);
	assert_int_equal(sscanf(m, "\n[... %llu bytes elided ...]\n", &elided),
			 1);
	end = strstr(m, "elided ...]\n") + strlen("elided ...]\n");
	assert_int_equal((uint64_t)(m - text) + strlen(end) + elided, total);
	assert_true(strlen(text) < JUNIT_TEXT_MAX + 64);
	assert_int_equal(strncmp(text, head, strlen(head)), 0);
	assert_string_equal(text + strlen(text) - strlen(tail), tail);
	assert_true(valid_utf8(text));
}

static void test_output_elision(void **state)
{
	struct buf xml = BUF_INIT, big = BUF_INIT;
	struct collect c = {0};
	uint64_t total;
	int i;

	(void)state;
	/* Two-byte characters everywhere, so the cuts land inside one. */
	buf_adds(&big, "HEAD");
	for (i = 0; i < 100001; i++)
		buf_adds(&big, "\xc3\xa9");
	buf_adds(&big, "TAIL");
	total = big.len;
	buf_addf(&xml,
		 "<testsuite><testcase name='t'><system-out>%s"
		 "</system-out><system-err>e1</system-err><system-err>"
		 "e2</system-err><failure message='m'><![CDATA[%s]]>"
		 "</failure></testcase><system-out>%s</system-out>"
		 "</testsuite>",
		 big.data, big.data, big.data);
	assert_int_equal(parse(xml.data, &c), 0);
	assert_int_equal(c.recs[0].out_length, total);
	check_elided(c.recs[0].out, total, "HEAD\xc3\xa9", "\xc3\xa9TAIL");
	assert_int_equal(c.recs[0].text_length, total);
	check_elided(c.recs[0].text, total, "HEAD", "TAIL");
	/* Several system-err elements are joined. */
	assert_string_equal(c.recs[0].err, "e1e2");
	assert_int_equal(c.recs[0].err_length, 4);
	assert_int_equal(c.suites[0].out_length, total);
	check_elided(c.suites[0].out, total, "HEAD", "TAIL");
	collect_release(&c);
	buf_release(&xml);
	buf_release(&big);
}

static void test_lifecycle(void **state)
{
	static const char xml[] =
		"<testsuite><testcase name='a' lifecycle='informing'/>"
		"<testcase name='b' lifecycle='blocking'/><testcase name='c'/>"
		"<testcase name='d' lifecycle='Informing'/></testsuite>";
	struct collect c = {0};

	(void)state;
	assert_int_equal(parse(xml, &c), 0);
	assert_int_equal(c.recs[0].informing, 1);
	assert_int_equal(c.recs[1].informing, 0);
	assert_int_equal(c.recs[2].informing, 0);
	assert_int_equal(c.recs[3].informing, 1);
	collect_release(&c);
}

static void test_nested_suites(void **state)
{
	static const char xml[] =
		"<testsuites><testsuite name='outer'><testsuite>"
		"<testsuite name='inner'><testcase name='t1'><failure/>"
		"</testcase></testsuite><testcase name='t2'/></testsuite>"
		"<testcase name='t3'/></testsuite><testcase name='loose'/>"
		"</testsuites>";
	struct collect c = {0};

	(void)state;
	assert_int_equal(parse(xml, &c), 0);
	assert_int_equal(c.n, 4);
	assert_string_equal(c.recs[0].suite, "outer/inner");
	/* An unnamed suite adds nothing to the path. */
	assert_string_equal(c.recs[1].suite, "outer");
	assert_string_equal(c.recs[2].suite, "outer");
	assert_string_equal(c.recs[3].suite, "");
	assert_int_equal(c.nsuites, 3);
	assert_string_equal(c.suites[0].path, "outer/inner");
	assert_int_equal(c.suites[0].tests, 1);
	assert_int_equal(c.suites[0].failures, 1);
	assert_string_equal(c.suites[1].path, "outer");
	assert_string_equal(c.suites[1].name, "");
	assert_int_equal(c.suites[1].tests, 2);
	assert_string_equal(c.suites[2].path, "outer");
	assert_int_equal(c.suites[2].tests, 3);
	assert_int_equal(c.suites[2].failures, 1);
	collect_release(&c);
	/* A bare testcase may be the root. */
	assert_int_equal(parse("<testcase classname='c' name='solo'/>", &c), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.recs[0].suite, "");
	assert_int_equal(c.nsuites, 0);
	collect_release(&c);
}

static void test_bazel_and_jest(void **state)
{
	static const char xml[] =
		"<testsuites><testsuite name='//pkg:t' tests='1' "
		"failures='0' errors='1'><testcase name='//pkg:t' status='run' "
		"duration='12' time='12'><error message='exited with error "
		"code 1'></error></testcase><system-out><![CDATA[a]]>]]"
		"<![CDATA[>b]]></system-out></testsuite>"
		"<testsuite name='jest'><testcase classname='d \xe2\x80\xba t' "
		"name='t'><failure>\n   Error: expected 1\n    at foo"
		"</failure></testcase></testsuite></testsuites>";
	struct collect c = {0};

	(void)state;
	assert_int_equal(parse(xml, &c), 0);
	assert_int_equal(c.recs[0].status, JUNIT_ERROR);
	assert_int_equal(c.recs[0].duration_ms, 12000);
	assert_string_equal(c.recs[0].message, "exited with error code 1");
	assert_string_equal(c.suites[0].path, "//pkg:t");
	/* Bazel's "]]>" split across two CDATA sections. */
	assert_string_equal(c.suites[0].out, "a]]>b");
	assert_int_equal(c.suites[0].header_errors, 1);
	/* Jest writes no message attribute: the first line stands in. */
	assert_string_equal(c.recs[1].message, "Error: expected 1");
	assert_string_equal(c.recs[1].classname, "d \xe2\x80\xba t");
	collect_release(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_fixtures),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_multiple_failures),
		cmocka_unit_test(test_surefire_flaky),
		cmocka_unit_test(test_surefire_rerun),
		cmocka_unit_test(test_flank_and_duplicates),
		cmocka_unit_test(test_gtest_ctest_status),
		cmocka_unit_test(test_time_variants),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_properties),
		cmocka_unit_test(test_output_elision),
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_nested_suites),
		cmocka_unit_test(test_bazel_and_jest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
