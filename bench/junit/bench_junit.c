/*
 * bench_junit.c - the JUnit parser beside raw expat on the same file.
 *
 * Reads a file into memory, then times (best of 3) junit_parse_memory()
 * with callbacks that read every record, and expat alone with empty
 * handlers, fed the same way (256 KiB through XML_GetBuffer and
 * XML_ParseBuffer).  Prints both speeds in MB/s and their ratio: the
 * price of sanitizing, dialect handling and capped copies over bare XML
 * tokenising.  Built and run by bench/junit/run.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <expat.h>

#include "core/buf.h"
#include "core/err.h"
#include "ingest/junit.h"
#include "core/banned.h"

struct tally {
	uint64_t attempts, suites, bytes;
};

static int on_attempt(const struct junit_attempt *a, void *ctx)
{
	struct tally *t = ctx;

	t->attempts++;
	t->bytes += strlen(a->name) + strlen(a->text) + strlen(a->system_out);
	return 0;
}

static int on_suite(const struct junit_suite *s, void *ctx)
{
	struct tally *t = ctx;

	t->suites++;
	t->bytes += strlen(s->system_out) + s->nproperties;
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void XMLCALL start(void *d, const XML_Char *el, const XML_Char **at)
{
	(void)d;
	(void)el;
	(void)at;
}

static void XMLCALL end(void *d, const XML_Char *el)
{
	(void)d;
	(void)el;
}

static void XMLCALL text(void *d, const XML_Char *s, int len)
{
	(void)d;
	(void)s;
	(void)len;
}

/* Seconds for expat alone over the len bytes at data; -1 on error. */
static double run_expat(const char *data, size_t len)
{
	XML_Parser p = XML_ParserCreate(NULL);
	double t0 = now();
	size_t off = 0, n;
	void *b;

	XML_SetElementHandler(p, start, end);
	XML_SetCharacterDataHandler(p, text);
	do {
		n = len - off < JUNIT_CHUNK ? len - off : JUNIT_CHUNK;
		b = XML_GetBuffer(p, (int)n);
		memcpy(b, data + off, n);
		off += n;
		if (XML_ParseBuffer(p, (int)n, off == len) != XML_STATUS_OK) {
			XML_ParserFree(p);
			return -1;
		}
	} while (off < len);
	XML_ParserFree(p);
	return now() - t0;
}

/* Seconds for junit_parse_memory() over the same bytes; -1 on error. */
static double run_junit(const char *data, size_t len, struct tally *t)
{
	struct junit_handler h = {on_attempt, on_suite, t};
	double t0 = now();

	memset(t, 0, sizeof(*t));
	if (junit_parse_memory("bench.xml", data, len, &h, NULL) != 0)
		return -1;
	return now() - t0;
}

int main(int argc, char **argv)
{
	struct buf data = BUF_INIT;
	struct tally t;
	char chunk[1 << 16];
	double best_junit = 1e9, best_expat = 1e9, s, mb;
	size_t n;
	FILE *fp;
	int i;

	if (argc != 2) {
		fprintf(stderr, "usage: bench_junit FILE\n");
		return 2;
	}
	fp = fopen(argv[1], "rb");
	if (!fp) {
		perror(argv[1]);
		return 1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&data, chunk, n);
	fclose(fp);
	mb = (double)data.len / 1e6;
	for (i = 0; i < 3; i++) {
		s = run_expat(data.data, data.len);
		if (s < 0) {
			fprintf(stderr, "expat rejects '%s'\n", argv[1]);
			return 1;
		}
		best_expat = s < best_expat ? s : best_expat;
		s = run_junit(data.data, data.len, &t);
		if (s < 0) {
			fprintf(stderr, "%s\n", err_msg());
			return 1;
		}
		best_junit = s < best_junit ? s : best_junit;
	}
	printf("file: %.1f MB, %llu attempts, %llu suites\n", mb,
	       (unsigned long long)t.attempts, (unsigned long long)t.suites);
	printf("expat, empty handlers: %7.1f MB/s\n", mb / best_expat);
	printf("junit_parse_memory:    %7.1f MB/s\n", mb / best_junit);
	printf("ratio junit/expat:     %7.2f\n", best_expat / best_junit);
	buf_release(&data);
	return 0;
}
