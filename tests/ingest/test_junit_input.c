/*
 * test_junit_input.c - what the JUnit parser does with hostile, broken,
 * empty, compressed and foreign input, and with callbacks that stop it.
 *
 * Dialect features and golden files are in test_junit.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "ingest/junit.h"
#include "junit_collect.h"
#include "core/banned.h"

/* Parses len bytes from memory as "t.xml" into c, filling err. */
static int parse_n(const char *xml, size_t len, struct collect *c,
		   struct junit_error *err)
{
	struct junit_handler h = collect_handler(c);

	return junit_parse_memory("t.xml", xml, len, &h, err);
}

static int parse(const char *xml, struct collect *c, struct junit_error *err)
{
	return parse_n(xml, strlen(xml), c, err);
}

/* A temporary file holding len bytes of data; the caller unlinks it. */
static char *temp_file(const void *data, size_t len)
{
	const char *dir = getenv("TMPDIR");
	char *path = xasprintf("%s/test_junit_XXXXXX", dir ? dir : "/tmp");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	return path;
}

/* A temporary gzip file of the NUL-terminated xml, cut to keep bytes
 * (all when keep is 0). */
static char *temp_gzip(const char *xml, size_t keep)
{
	char *path = temp_file("", 0);
	gzFile gz = gzopen(path, "wb");
	struct buf all = BUF_INIT;
	FILE *fp;

	assert_non_null(gz);
	assert_int_equal(gzwrite(gz, xml, (unsigned)strlen(xml)),
			 (int)strlen(xml));
	assert_int_equal(gzclose(gz), Z_OK);
	if (keep) {
		char chunk[4096];
		size_t n;

		fp = fopen(path, "rb");
		while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
			buf_add(&all, chunk, n);
		fclose(fp);
		assert_true(keep < all.len);
		fp = fopen(path, "wb");
		assert_int_equal(fwrite(all.data, 1, keep, fp), keep);
		fclose(fp);
	}
	buf_release(&all);
	return path;
}

/* True if needle occurs anywhere in what c collected. */
static int collected_contains(const struct collect *c, const char *needle)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		const struct rec *r = &c->recs[i];
		const char *f[] = {r->suite,   r->classname, r->name,
				   r->message, r->type,	     r->text,
				   r->out,     r->err,	     r->props};
		size_t j;

		for (j = 0; j < ARRAY_SIZE(f); j++)
			if (strstr(f[j], needle))
				return 1;
	}
	for (i = 0; i < c->nsuites; i++)
		if (strstr(c->suites[i].name, needle) ||
		    strstr(c->suites[i].props, needle) ||
		    strstr(c->suites[i].out, needle))
			return 1;
	return 0;
}

static void test_empty_input(void **state)
{
	static const char *const blank[] = {"", " ", " \n\t\r\n ",
					    "\xef\xbb\xbf", "\xef\xbb\xbf\n "};
	struct collect c = {0};
	struct junit_error err;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(blank); i++) {
		assert_int_equal(parse(blank[i], &c, &err), 0);
		assert_int_equal(c.n, 0);
		assert_int_equal(c.nsuites, 0);
		assert_null(err.message);
	}
	/* Empty suites are fine too. */
	assert_int_equal(parse("<testsuites/>", &c, &err), 0);
	assert_int_equal(parse("<?xml version='1.0'?>\n<testsuite/>", &c, &err),
			 0);
	assert_int_equal(c.nsuites, 1);
	assert_int_equal(c.suites[0].tests, 0);
	collect_release(&c);
}

static void test_malformed(void **state)
{
	static const char truncated[] =
		"<?xml version='1.0'?>\n<testsuite name='s'>\n"
		"  <testcase name='a'/>\n  <testcase name='b'><failure>";
	struct collect c = {0};
	struct junit_error err;

	(void)state;
	assert_int_equal(parse(truncated, &c, &err), -1);
	/* What came before the error has been delivered. */
	assert_int_equal(c.n, 1);
	assert_string_equal(c.recs[0].name, "a");
	assert_string_equal(err.file, "t.xml");
	assert_int_equal(err.line, 4);
	assert_int_equal(err.column, 31);
	assert_string_equal(err.message, "no element found");
	assert_string_equal(err_msg(), "t.xml:4:31: no element found");
	junit_error_release(&err);
	assert_null(err.message);
	collect_release(&c);
	assert_int_equal(parse("<testsuite>\n<testcase></testsuite>", &c, &err),
			 -1);
	assert_string_equal(err_msg(), "t.xml:2:13: mismatched tag");
	junit_error_release(&err);
	assert_int_equal(parse("this is not xml", &c, &err), -1);
	assert_string_equal(err_msg(), "t.xml:1:1: syntax error");
	junit_error_release(&err);
	/* err may be NULL. */
	assert_int_equal(parse("<testsuite>", &c, NULL), -1);
	collect_release(&c);
}

static void test_foreign_formats(void **state)
{
	static const struct {
		const char *xml, *msg;
	} cases[] = {
		{"<test-run id='2'><test-suite/></test-run>",
		 "'t.xml' is an NUnit 3 result file, not JUnit XML"},
		{"<test-results total='4'/>",
		 "'t.xml' is an NUnit 2 result file, not JUnit XML"},
		{"<assemblies><assembly/></assemblies>",
		 "'t.xml' is an xUnit.net result file, not JUnit XML"},
		{"<TestRun xmlns='http://microsoft.com/schemas/VisualStudio/"
		 "TeamTest/2010'/>",
		 "'t.xml' is an MSTest TRX result file, not JUnit XML"},
		{"<suites><suite/></suites>",
		 "'t.xml' is not JUnit XML (root element 'suites')"},
	};
	struct collect c = {0};
	struct junit_error err;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(parse(cases[i].xml, &c, &err), -1);
		assert_string_equal(err.message, cases[i].msg);
		assert_string_equal(err_msg(), cases[i].msg);
		assert_int_equal(err.line, 1);
		assert_int_equal(err.column, 1);
		junit_error_release(&err);
	}
	assert_int_equal(c.n, 0);
	collect_release(&c);
}

static void test_doctype_and_xxe(void **state)
{
	static const char secret[] = "SECRET-XXE-CONTENT-4711";
	char *file = temp_file(secret, strlen(secret));
	struct collect c = {0};
	struct junit_error err;
	struct buf xml = BUF_INIT;

	(void)state;
	assert_int_equal(parse("<!DOCTYPE testsuite><testsuite/>", &c, &err),
			 -1);
	assert_non_null(strstr(err.message, "DOCTYPE refused"));
	assert_int_equal(c.nsuites, 0);
	junit_error_release(&err);
	buf_addf(&xml,
		 "<?xml version='1.0'?>\n<!DOCTYPE testsuite [\n"
		 "<!ENTITY xxe SYSTEM 'file://%s'>\n"
		 "<!ENTITY %% pe SYSTEM 'file://%s'> %%pe; ]>\n"
		 "<testsuite name='&xxe;'><testcase name='&xxe;'>"
		 "<failure message='&xxe;'>&xxe;</failure><system-out>&xxe;"
		 "</system-out></testcase></testsuite>",
		 file, file);
	assert_int_equal(parse(xml.data, &c, &err), -1);
	assert_string_equal(err_msg(),
			    "t.xml:2:21: DOCTYPE refused: JUnit XML has none, "
			    "and entities are never expanded or loaded");
	assert_int_equal(c.n, 0);
	assert_false(collected_contains(&c, secret));
	assert_null(strstr(err_msg(), secret));
	junit_error_release(&err);
	/* Without a DOCTYPE an entity is merely undefined. */
	assert_int_equal(parse("<testsuite name='&xxe;'/>", &c, &err), -1);
	assert_string_equal(err.message, "undefined entity");
	junit_error_release(&err);
	collect_release(&c);
	unlink(file);
	free(file);
	buf_release(&xml);
}

static void test_billion_laughs(void **state)
{
	struct buf xml = BUF_INIT;
	struct collect c = {0};
	struct junit_error err;
	int i;

	(void)state;
	buf_adds(&xml, "<?xml version='1.0'?>\n<!DOCTYPE lolz [\n"
		       "<!ENTITY lol 'lol'>\n");
	for (i = 1; i < 10; i++)
		buf_addf(&xml,
			 "<!ENTITY lol%d '&lol%s;&lol%s;&lol%s;&lol%s;&lol%s;"
			 "&lol%s;&lol%s;&lol%s;&lol%s;&lol%s;'>\n",
			 i, "", "", "", "", "", "", "", "", "", "");
	buf_adds(&xml, "]>\n<testsuite name='&lol9;'><testcase "
		       "name='&lol9;'/></testsuite>");
	assert_int_equal(parse(xml.data, &c, &err), -1);
	assert_non_null(strstr(err.message, "DOCTYPE refused"));
	assert_int_equal(c.n, 0);
	junit_error_release(&err);
	collect_release(&c);
	buf_release(&xml);
}

static void test_control_characters(void **state)
{
	static const char xml[] =
		"<testsuite><testcase name='a\x1b[31mred'>"
		"<failure message='&#x1b;[31mx &#27;y &#0;z'>\x1b[0m done\x01"
		"</failure></testcase></testsuite>";
	struct collect c = {0};
	struct junit_error err;

	(void)state;
	assert_int_equal(parse(xml, &c, &err), 0);
	assert_string_equal(c.recs[0].name, "a\xef\xbf\xbd[31mred");
	assert_string_equal(c.recs[0].message,
			    "\xef\xbf\xbd[31mx \xef\xbf\xbdy "
			    "\xef\xbf\xbdz");
	assert_string_equal(c.recs[0].text, "\xef\xbf\xbd[0m done\xef\xbf\xbd");
	collect_release(&c);
	/* "&#X1;" is no reference at all (XML wants a lower-case x). */
	assert_int_equal(parse("<testsuite name='&#X1;'/>", &c, &err), -1);
	assert_string_equal(err.message, "not well-formed (invalid token)");
	junit_error_release(&err);
}

/* A document whose bytes at JUNIT_CHUNK - back onward are piece. */
static void straddle(struct buf *xml, const char *piece, size_t back)
{
	static const char head[] = "<testsuite><testcase name='t'><system-out>";

	buf_reset(xml);
	buf_adds(xml, head);
	while (xml->len < JUNIT_CHUNK - back)
		buf_addch(xml, 'x');
	buf_adds(xml, piece);
	buf_adds(xml, "END</system-out></testcase></testsuite>");
}

static void test_chunk_boundaries(void **state)
{
	struct buf xml = BUF_INIT;
	struct collect c = {0};
	struct junit_error err;
	const char *out;
	size_t back;

	(void)state;
	/* Every split of "&#x1b;" and of a 4-byte character between two
	 * reads of JUNIT_CHUNK bytes. */
	for (back = 1; back < 6; back++) {
		straddle(&xml, "&#x1b;", back);
		assert_int_equal(parse(xml.data, &c, &err), 0);
		out = c.recs[0].out;
		assert_string_equal(out + strlen(out) - 6, "\xef\xbf\xbd"
							   "END");
		collect_release(&c);
	}
	for (back = 1; back < 4; back++) {
		straddle(&xml, "\xf0\x9f\x98\x80", back);
		assert_int_equal(parse(xml.data, &c, &err), 0);
		out = c.recs[0].out;
		assert_string_equal(out + strlen(out) - 7, "\xf0\x9f\x98\x80"
							   "END");
		assert_int_equal(c.recs[0].out_length,
				 xml.len -
					 strlen("<testsuite><testcase name='t'>"
						"<system-out>") -
					 strlen("</system-out></testcase>"
						"</testsuite>"));
		collect_release(&c);
	}
	buf_release(&xml);
}

static void test_encodings(void **state)
{
	struct collect c = {0};
	struct junit_error err;

	(void)state;
	/* "utf8" is not a name expat knows; it is UTF-8 all the same. */
	assert_int_equal(parse("<?xml version='1.0' encoding='utf8'?>"
			       "<testsuite name='\xc3\xa9\xf0\x9f\x98\x80'/>",
			       &c, &err),
			 0);
	assert_string_equal(c.suites[0].name, "\xc3\xa9\xf0\x9f\x98\x80");
	collect_release(&c);
	/* ISO-8859-1 bytes are not mistaken for broken UTF-8. */
	assert_int_equal(parse("<?xml version='1.0' encoding='ISO-8859-1'?>"
			       "<testsuite name='caf\xe9'/>",
			       &c, &err),
			 0);
	assert_string_equal(c.suites[0].name, "caf\xc3\xa9");
	collect_release(&c);
	/* Broken UTF-8 becomes U+FFFD instead of stopping the parse. */
	assert_int_equal(parse("<testsuite name='a\xff"
			       "b\xc3'><testcase name='\xed\xa0\x80'/>"
			       "</testsuite>",
			       &c, &err),
			 0);
	assert_string_equal(c.suites[0].name, "a\xef\xbf\xbd"
					      "b\xef\xbf\xbd");
	assert_string_equal(c.recs[0].name, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf"
					    "\xbd");
	collect_release(&c);
	/* UTF-16 with a byte order mark goes through untouched. */
	{
		static const char u16[] =
			"\xff\xfe<\0t\0e\0s\0t\0s\0u\0i\0t\0e\0"
			" \0n\0a\0m\0e\0=\0'\0\xe9\0'\0/\0>\0";

		assert_int_equal(parse_n(u16, sizeof(u16) - 1, &c, &err), 0);
		assert_string_equal(c.suites[0].name, "\xc3\xa9");
		collect_release(&c);
	}
}

static void test_depth_limit(void **state)
{
	struct buf xml = BUF_INIT;
	struct collect c = {0};
	struct junit_error err;
	int i;

	(void)state;
	buf_adds(&xml, "<testsuites>");
	for (i = 0; i < JUNIT_MAX_DEPTH + 10; i++)
		buf_adds(&xml, "<testsuite>");
	assert_int_equal(parse(xml.data, &c, &err), -1);
	assert_string_equal(err.message, "elements nested deeper than 256");
	junit_error_release(&err);
	collect_release(&c);
	buf_release(&xml);
}

static void test_callback_stops(void **state)
{
	static const char xml[] =
		"<testsuites><testsuite name='a'><testcase name='1'/>"
		"<testcase name='2'/><testcase name='3'/></testsuite>"
		"<testsuite name='b'><testcase name='4'/></testsuite>"
		"</testsuites>";
	struct collect c = {0};
	struct junit_error err;

	(void)state;
	c.stop_at = 2;
	c.stop_rc = 42;
	assert_int_equal(parse(xml, &c, &err), 42);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.nsuites, 0);
	/* Not the file's fault: nothing in err. */
	assert_null(err.message);
	collect_release(&c);
	c.stop_suite_at = 1;
	c.stop_rc = -7;
	assert_int_equal(parse(xml, &c, &err), -7);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.nsuites, 1);
	assert_null(err.message);
	collect_release(&c);
}

static void test_paths_and_gzip(void **state)
{
	static const char xml[] =
		"<testsuite name='gz'><testcase name='a'/><testcase name='b'>"
		"<failure/></testcase></testsuite>";
	char *plain = temp_file(xml, strlen(xml));
	char *gz = temp_gzip(xml, 0);
	char *cut = temp_gzip(xml, 20);
	struct collect c = {0};
	struct junit_handler h = collect_handler(&c);
	struct junit_error err;
	int saved, fd;

	(void)state;
	assert_int_equal(junit_parse_path(plain, &h, &err), 0);
	assert_int_equal(c.n, 2);
	collect_release(&c);
	/* gzip is found by its magic bytes; the name says nothing. */
	assert_int_equal(junit_parse_path(gz, &h, &err), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.recs[1].status, JUNIT_FAIL);
	assert_string_equal(c.suites[0].name, "gz");
	collect_release(&c);
	assert_int_equal(junit_parse_path(cut, &h, &err), -1);
	assert_string_equal(err.file, cut);
	assert_int_equal(err.line, 0);
	assert_non_null(strstr(err.message, "unexpected end of gzip stream"));
	junit_error_release(&err);
	collect_release(&c);
	/* "-" reads standard input, gzip or not. */
	saved = dup(STDIN_FILENO);
	fd = open(gz, O_RDONLY);
	assert_true(saved >= 0 && fd >= 0);
	assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	assert_int_equal(junit_parse_path("-", &h, &err), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
	collect_release(&c);
	/* A missing file and a directory are rejected with their name. */
	assert_int_equal(junit_parse_path("/nonexistent/x.xml", &h, &err), -1);
	assert_string_equal(err.message, "cannot open '/nonexistent/x.xml': "
					 "No such file or directory");
	assert_string_equal(err_msg(), err.message);
	junit_error_release(&err);
	assert_int_equal(junit_parse_path("/", &h, &err), -1);
	assert_string_equal(err.message, "cannot read '/': Is a directory");
	junit_error_release(&err);
	unlink(plain);
	unlink(gz);
	unlink(cut);
	free(plain);
	free(gz);
	free(cut);
}

static void test_status_names(void **state)
{
	(void)state;
	assert_string_equal(junit_status_name(JUNIT_PASS), "pass");
	assert_string_equal(junit_status_name(JUNIT_FAIL), "fail");
	assert_string_equal(junit_status_name(JUNIT_ERROR), "error");
	assert_string_equal(junit_status_name(JUNIT_SKIP), "skip");
	assert_string_equal(junit_status_name((enum junit_status)9), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_foreign_formats),
		cmocka_unit_test(test_doctype_and_xxe),
		cmocka_unit_test(test_billion_laughs),
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_chunk_boundaries),
		cmocka_unit_test(test_encodings),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_paths_and_gzip),
		cmocka_unit_test(test_status_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
