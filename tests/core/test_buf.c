/*
 * test_buf.c - the small core modules: buf, err, xalloc and log.
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
#include "core/log.h"
#include "core/xalloc.h"

/* n copies of c, NUL-terminated; the caller frees it. */
static char *repeat(char c, size_t n)
{
	char *s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void test_buf_empty(void **state)
{
	struct buf a = BUF_INIT;
	struct buf b;

	(void)state;
	buf_init(&b);
	assert_non_null(a.data);
	assert_non_null(b.data);
	assert_string_equal(a.data, "");
	assert_string_equal(b.data, "");
	assert_int_equal(a.len, 0);
	assert_int_equal(a.cap, 0);
	/* Operations that add nothing leave a valid empty string. */
	buf_add(&a, "ignored", 0);
	buf_adds(&a, "");
	buf_reset(&a);
	buf_truncate(&a, 0);
	assert_string_equal(a.data, "");
	assert_int_equal(a.len, 0);
	buf_release(&a);
	buf_release(&b);
	assert_non_null(a.data);
	assert_string_equal(a.data, "");
}

static void test_buf_add(void **state)
{
	struct buf b = BUF_INIT;
	size_t i;

	(void)state;
	buf_add(&b, "abc", 2);
	assert_string_equal(b.data, "ab");
	buf_adds(&b, "cd");
	buf_addch(&b, 'e');
	buf_add(&b, "\0z", 2); /* embedded NUL counts */
	assert_int_equal(b.len, 7);
	assert_memory_equal(b.data, "abcde\0z", 8);
	assert_true(b.cap > b.len);

	buf_reset(&b);
	for (i = 0; i < 10000; i++)
		buf_addch(&b, (char)('a' + i % 26));
	assert_int_equal(b.len, 10000);
	assert_int_equal(strlen(b.data), 10000);
	for (i = 0; i < 10000; i++)
		assert_int_equal(b.data[i], 'a' + i % 26);
	buf_release(&b);
}

/* Formatted appends, short and far beyond any initial guess. */
static void test_buf_addf(void **state)
{
	static const size_t sizes[] = {0, 1, 100, 4095, 4096, 4097, 20000};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct buf b = BUF_INIT;
		char *big = repeat('x', sizes[i]);

		buf_adds(&b, "pre:");
		buf_addf(&b, "[%s|%d|%s]", big, -7, "end");
		assert_int_equal(b.len, 4 + sizes[i] + 9);
		assert_int_equal(strlen(b.data), b.len);
		assert_memory_equal(b.data, "pre:[", 5);
		assert_memory_equal(b.data + 5, big, sizes[i]);
		assert_string_equal(b.data + 5 + sizes[i], "|-7|end]");
		/* Again, now with room already there. */
		buf_truncate(&b, 4);
		buf_addf(&b, "%s", big);
		assert_int_equal(b.len, 4 + sizes[i]);
		assert_int_equal(b.data[b.len], '\0');
		free(big);
		buf_release(&b);
	}
}

static void test_buf_truncate_reset(void **state)
{
	struct buf b = BUF_INIT;
	char *mem;
	size_t cap;

	(void)state;
	buf_adds(&b, "hello world");
	buf_truncate(&b, 5);
	assert_string_equal(b.data, "hello");
	assert_int_equal(b.len, 5);
	buf_truncate(&b, 5);
	assert_string_equal(b.data, "hello");

	mem = b.data;
	cap = b.cap;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_ptr_equal(b.data, mem); /* memory kept */
	assert_int_equal(b.cap, cap);
	buf_adds(&b, "again");
	assert_ptr_equal(b.data, mem);
	assert_string_equal(b.data, "again");

	buf_grow(&b, 1000);
	assert_true(b.cap >= b.len + 1000 + 1);
	assert_string_equal(b.data, "again");
	buf_release(&b);
	assert_int_equal(b.cap, 0);
	assert_string_equal(b.data, "");
}

static void test_buf_detach(void **state)
{
	struct buf b = BUF_INIT;
	size_t len = 99;
	char *p;

	(void)state;
	p = buf_detach(&b, &len);
	assert_non_null(p);
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	free(p); /* the caller owns it, even when empty */

	buf_addf(&b, "n=%d", 42);
	p = buf_detach(&b, &len);
	assert_string_equal(p, "n=42");
	assert_int_equal(len, 4);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_string_equal(b.data, "");
	free(p);

	buf_adds(&b, "x");
	p = buf_detach(&b, NULL);
	assert_string_equal(p, "x");
	free(p);
	buf_release(&b);
}

static void test_err(void **state)
{
	char *long_arg = repeat('e', 5000);

	(void)state;
	err_clear();
	assert_string_equal(err_msg(), "");
	assert_int_equal(err_set("cannot open '%s': %s", "a.xml", "gone"), -1);
	assert_string_equal(err_msg(), "cannot open 'a.xml': gone");
	assert_int_equal(err_prefix("ingest '%s'", "run1"), -1);
	assert_string_equal(err_msg(),
			    "ingest 'run1': cannot open 'a.xml': gone");
	assert_int_equal(err_prefix("job %d", 3), -1);
	assert_string_equal(err_msg(),
			    "job 3: ingest 'run1': cannot open 'a.xml': gone");

	/* A new message replaces the old one entirely. */
	err_set("short");
	assert_string_equal(err_msg(), "short");

	/* The current message may be an argument of the next one. */
	err_set("wrapped (%s)", err_msg());
	assert_string_equal(err_msg(), "wrapped (short)");
	err_set("%s", err_msg());
	assert_string_equal(err_msg(), "wrapped (short)");

	err_set("%s", long_arg);
	assert_int_equal(strlen(err_msg()), 5000);

	err_clear();
	assert_string_equal(err_msg(), "");
	/* Prefixing nothing gives just the prefix. */
	err_prefix("context");
	assert_string_equal(err_msg(), "context");
	err_clear();
	free(long_arg);
}

static void test_xalloc(void **state)
{
	char *big = repeat('y', 6000);
	char *p;
	int *v = NULL;
	size_t cap = 0, i;

	(void)state;
	p = xasprintf("%s=%d", "k", 12);
	assert_string_equal(p, "k=12");
	free(p);
	p = xasprintf("%s", "");
	assert_string_equal(p, "");
	free(p);
	p = xasprintf("<%s>", big);
	assert_int_equal(strlen(p), 6002);
	assert_int_equal(p[6001], '>');
	free(p);

	p = xstrndup("abcdef", 3);
	assert_string_equal(p, "abc");
	free(p);
	p = xstrndup("ab", 10);
	assert_string_equal(p, "ab");
	free(p);
	p = xstrndup("ab\0cd", 5);
	assert_string_equal(p, "ab");
	free(p);
	p = xstrndup("xyz", 0);
	assert_string_equal(p, "");
	free(p);
	p = xstrdup("dup");
	assert_string_equal(p, "dup");
	free(p);

	for (i = 0; i < 1000; i++) {
		ALLOC_GROW(v, i + 1, cap);
		v[i] = (int)i;
	}
	assert_true(cap >= 1000);
	for (i = 0; i < 1000; i++)
		assert_int_equal(v[i], i);
	free(v);

	p = xcalloc(16, 4);
	for (i = 0; i < 64; i++)
		assert_int_equal(p[i], 0);
	free(p);
	free(big);
}

/* Everything log wrote to fp since it was opened, in a static buffer. */
static const char *read_log(FILE *fp)
{
	static char text[1024];
	size_t n;

	fflush(fp);
	rewind(fp);
	n = fread(text, 1, sizeof(text) - 1, fp);
	text[n] = '\0';
	return text;
}

static void test_log(void **state)
{
	FILE *fp = tmpfile();
	enum log_level saved = log_get_level();

	(void)state;
	assert_non_null(fp);
	log_set_stream(fp);

	log_set_level(LOG_WARN);
	assert_true(log_enabled(LOG_ERROR));
	assert_true(log_enabled(LOG_WARN));
	assert_false(log_enabled(LOG_INFO));
	log_info("not shown %d", 1);
	log_debug("not shown either");
	assert_string_equal(read_log(fp), "");

	log_warn("disk at %d%%", 91);
	log_error("cannot open '%s'", "x.db");
	assert_string_equal(read_log(fp),
			    "testpump: warning: disk at 91%\n"
			    "testpump: error: cannot open 'x.db'\n");

	log_set_level(LOG_DEBUG);
	assert_int_equal(log_get_level(), LOG_DEBUG);
	log_info("ingested %d results", 3);
	log_debug("took %s", "1s");
	assert_string_equal(read_log(fp),
			    "testpump: warning: disk at 91%\n"
			    "testpump: error: cannot open 'x.db'\n"
			    "testpump: ingested 3 results\n"
			    "testpump: debug: took 1s\n");

	/* Levels out of range are clamped. */
	log_set_level((enum log_level)9);
	assert_int_equal(log_get_level(), LOG_DEBUG);
	log_set_level((enum log_level) - 3);
	assert_int_equal(log_get_level(), LOG_ERROR);
	log_warn("quiet");
	assert_null(strstr(read_log(fp), "quiet"));

	log_set_stream(NULL);
	log_set_level(saved);
	fclose(fp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_empty),
		cmocka_unit_test(test_buf_add),
		cmocka_unit_test(test_buf_addf),
		cmocka_unit_test(test_buf_truncate_reset),
		cmocka_unit_test(test_buf_detach),
		cmocka_unit_test(test_err),
		cmocka_unit_test(test_xalloc),
		cmocka_unit_test(test_log),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
