/*
 * golden.h - shared by the output tests: render into memory, compare with
 * a golden file, load JSON test data.
 *
 * Golden files live in tests/output/golden/<name> under $SRCDIR (ctest
 * sets it).  With UPDATE_GOLDEN=1 in the environment they are written
 * from the current output instead; read them before committing.
 * Included by each test program (static functions, one copy each).
 */
#ifndef TESTPUMP_TESTS_OUTPUT_GOLDEN_H
#define TESTPUMP_TESTS_OUTPUT_GOLDEN_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/buf.h"

struct render {
	FILE *fp;
	char *data;
	size_t len;
};

static void render_open(struct render *r)
{
	r->data = NULL;
	r->len = 0;
	r->fp = open_memstream(&r->data, &r->len);
	assert_non_null(r->fp);
}

static void render_close(struct render *r)
{
	assert_int_equal(fclose(r->fp), 0);
}

static void read_file(const char *path, struct buf *out)
{
	char chunk[4096];
	size_t n;
	FILE *fp = fopen(path, "rb");

	if (!fp)
		fail_msg("cannot open golden file '%s' (UPDATE_GOLDEN=1 "
			 "writes it)",
			 path);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(out, chunk, n);
	fclose(fp);
}

static void check_golden(const char *name, const struct render *r)
{
	const char *srcdir = getenv("SRCDIR");
	const char *update = getenv("UPDATE_GOLDEN");
	struct buf path = BUF_INIT, want = BUF_INIT;
	FILE *fp;

	if (!srcdir)
		fail_msg("SRCDIR is not set");
	buf_addf(&path, "%s/tests/output/golden/%s", srcdir, name);
	if (update && !strcmp(update, "1")) {
		fp = fopen(path.data, "wb");
		assert_non_null(fp);
		assert_int_equal(fwrite(r->data, 1, r->len, fp), r->len);
		assert_int_equal(fclose(fp), 0);
	} else {
		read_file(path.data, &want);
		if (want.len != r->len || memcmp(want.data, r->data, r->len))
			fail_msg("'%s' differs:\n--- want\n%s--- got\n%s",
				 path.data, want.data, r->data);
	}
	buf_release(&path);
	buf_release(&want);
}

static json_t *load(const char *text)
{
	json_error_t error;
	json_t *v = json_loads(text, 0, &error);

	if (!v)
		fail_msg("bad test json: %s", error.text);
	return v;
}

#endif
