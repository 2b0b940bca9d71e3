/*
 * test_zip.c - the zip reader over the fixtures of tests/fixtures/zip
 * (written by make.py there): a good archive (stored, deflated, folders,
 * filtering), unsafe names, a bomb past the cap, an entry that inflates
 * past what it declared, a truncated archive, a wrong CRC, not a zip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/xalloc.h"
#include "ingest/zip.h"
#include "core/banned.h"

struct seen {
	struct buf names;
	size_t bytes;
	int n;
};

static char *fixture(const char *name)
{
	const char *dir = getenv("FIXTURES");

	return xasprintf("%s/zip/%s", dir ? dir : "tests/fixtures", name);
}

static int on_entry(const char *name, const char *data, size_t len, void *ctx)
{
	struct seen *s = ctx;

	assert_int_equal(data[len], '\0');
	buf_addf(&s->names, "%s%s", s->n ? "," : "", name);
	s->bytes += len;
	s->n++;
	return 0;
}

static int xml_only(const char *name, void *ctx)
{
	size_t n = strlen(name);

	(void)ctx;
	return n > 4 && !strcmp(name + n - 4, ".xml");
}

/* Walks fixture name with want; returns zip_each()'s value. */
static int walk(const char *name, int (*want)(const char *, void *),
		struct seen *s)
{
	struct zip_limits lim;
	char *path = fixture(name);
	int rc;

	zip_limits_init(&lim);
	buf_init(&s->names);
	s->bytes = 0;
	s->n = 0;
	rc = zip_each(path, &lim, want, on_entry, s);
	free(path);
	return rc;
}

static void test_good(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(walk("good.zip", NULL, &s), 0);
	assert_string_equal(s.names.data, "results/TEST-a.xml,"
					  "results/nested/TEST-b.xml,"
					  "results/summary.txt");
	buf_release(&s.names);
	assert_int_equal(walk("good.zip", xml_only, &s), 0);
	assert_int_equal(s.n, 2);
	/* Both are the same JUnit file, stored and deflated. */
	assert_int_equal(s.bytes % 2, 0);
	assert_true(s.bytes > 1000);
	buf_release(&s.names);
}

static int stop_at_first(const char *name, const char *data, size_t len,
			 void *ctx)
{
	(void)name;
	(void)data;
	(void)len;
	(void)ctx;
	return 7;
}

static void test_callback_stops(void **state)
{
	struct zip_limits lim;
	char *path = fixture("good.zip");

	(void)state;
	zip_limits_init(&lim);
	assert_int_equal(zip_each(path, &lim, NULL, stop_at_first, NULL), 7);
	free(path);
}

/* Expects fixture name to be refused with a message holding what. */
static void refused(const char *name, const char *what)
{
	struct seen s;

	assert_int_equal(walk(name, NULL, &s), -1);
	if (!strstr(err_msg(), what))
		fail_msg("%s: '%s' lacks '%s'", name, err_msg(), what);
	assert_non_null(strstr(err_msg(), name));
	buf_release(&s.names);
}

static void test_traversal(void **state)
{
	struct seen s;

	(void)state;
	refused("traversal.zip", "'results/../../evil.xml' has an unsafe name");
	refused("absolute.zip", "'/etc/evil.xml' has an unsafe name");
	/* Even when the caller does not want the entry. */
	assert_int_equal(walk("traversal.zip", xml_only, &s), -1);
	buf_release(&s.names);
	assert_true(zip_name_safe("a/b.xml"));
	assert_true(zip_name_safe("a/..b/c..xml"));
	assert_false(zip_name_safe(".."));
	assert_false(zip_name_safe("a/../b"));
	assert_false(zip_name_safe("a\\b"));
	assert_false(zip_name_safe("a\nb"));
	assert_false(zip_name_safe(""));
}

static void test_bomb(void **state)
{
	struct zip_limits lim;
	struct seen s = {BUF_INIT, 0, 0};
	char *path = fixture("bomb.zip");

	(void)state;
	refused("bomb.zip", "past the cap of 67108864");
	refused("liar.zip", "inflates past its declared 100 bytes");
	/* A higher cap lets the honest one through. */
	zip_limits_init(&lim);
	lim.max_entry = lim.max_total = 100u << 20;
	assert_int_equal(zip_each(path, &lim, NULL, on_entry, &s), 0);
	assert_int_equal(s.bytes, 80u << 20);
	/* The total cap counts every entry. */
	lim.max_total = 1u << 20;
	assert_int_equal(zip_each(path, &lim, NULL, on_entry, &s), -1);
	buf_release(&s.names);
	free(path);
}

static void test_damaged(void **state)
{
	char *path;
	FILE *f;

	(void)state;
	refused("truncated.zip", "truncated");
	refused("badcrc.zip", "CRC-32 mismatch");
	refused("make.py", "not a zip archive");
	refused("nosuch.zip", "cannot open");
	path = xasprintf("%s/tiny.zip",
			 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	f = fopen(path, "wb");
	assert_non_null(f);
	fputs("PK", f);
	fclose(f);
	{
		struct zip_limits lim;

		zip_limits_init(&lim);
		assert_int_equal(zip_each(path, &lim, NULL, on_entry, NULL),
				 -1);
		assert_non_null(strstr(err_msg(), "too short"));
	}
	remove(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_traversal),
		cmocka_unit_test(test_bomb),
		cmocka_unit_test(test_damaged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
