/*
 * fuzz_junit.c - libFuzzer harness for the JUnit parser and its filter.
 *
 * Each input is parsed from memory with callbacks that read every field
 * of every record (so a bad pointer or an unterminated string shows up
 * under AddressSanitizer), and is run through the sanitizer twice, whole
 * and one byte at a time, which must give the same bytes.  Built and run
 * by tests/fuzz/run-fuzz.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"
#include "ingest/junit.h"
#include "ingest/sanitize.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Folds a string into h, reading every byte up to the NUL. */
static uint64_t touch(uint64_t h, const char *s)
{
	size_t n = strlen(s);

	return h * 31 + n + (n ? (unsigned char)s[n - 1] : 0);
}

static uint64_t touch_props(uint64_t h, const struct junit_property *p,
			    size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = touch(touch(h, p[i].name), p[i].value);
	return h;
}

static int on_attempt(const struct junit_attempt *a, void *ctx)
{
	uint64_t *h = ctx;
	const char *s[] = {a->suite,	  a->classname,
			   a->name,	  a->file,
			   a->message,	  a->type,
			   a->text,	  a->system_out,
			   a->system_err, junit_status_name(a->status)};
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		*h = touch(*h, s[i]);
	if (strlen(a->text) > a->text_length + 64 ||
	    strlen(a->text) > JUNIT_TEXT_MAX + 64)
		abort();
	*h += (uint64_t)a->duration_ms + (uint64_t)a->timestamp_ms +
	      (uint64_t)a->flaky + (uint64_t)a->retry +
	      (uint64_t)a->lifecycle_informing + a->system_out_length +
	      a->system_err_length + a->line + a->column +
	      (uint64_t)a->nfailures;
	*h = touch_props(*h, a->properties, a->nproperties);
	return 0;
}

static int on_suite(const struct junit_suite *s, void *ctx)
{
	uint64_t *h = ctx;

	*h = touch(touch(touch(*h, s->path), s->name), s->hostname);
	*h = touch(touch(*h, s->system_out), s->system_err);
	*h += (uint64_t)s->timestamp_ms + (uint64_t)s->duration_ms +
	      (uint64_t)s->tests + (uint64_t)s->failures + (uint64_t)s->errors +
	      (uint64_t)s->skipped + (uint64_t)s->header_tests +
	      (uint64_t)s->header_failures + (uint64_t)s->header_errors +
	      (uint64_t)s->header_skipped + s->system_out_length +
	      s->system_err_length + s->line + s->column +
	      s->properties_dropped;
	*h = touch_props(*h, s->properties, s->nproperties);
	if (s->tests < s->failures + s->errors + s->skipped)
		abort();
	return 0;
}

/* The sanitizer must not depend on how its input is split. */
static void check_sanitize(const uint8_t *data, size_t size)
{
	struct sanitize whole, bytes;
	char *a = xmalloc(SANITIZE_OUT_MAX(size));
	char *b = xmalloc(SANITIZE_OUT_MAX(size));
	size_t na, nb = 0, i;

	sanitize_init(&whole);
	na = sanitize_feed(&whole, (const char *)data, size, a);
	na += sanitize_finish(&whole, a + na);
	sanitize_init(&bytes);
	for (i = 0; i < size; i++)
		nb += sanitize_feed(&bytes, (const char *)data + i, 1, b + nb);
	nb += sanitize_finish(&bytes, b + nb);
	if (na != nb || memcmp(a, b, na))
		abort();
	free(a);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t h = 0;
	struct junit_handler handler = {on_attempt, on_suite, &h};
	struct junit_error err;

	junit_parse_memory("fuzz.xml", (const char *)data, size, &handler,
			   &err);
	if (err.message)
		h = touch(touch(h, err.file), err.message) + err.line;
	junit_error_release(&err);
	check_sanitize(data, size);
	return 0;
}
