/*
 * fuzz_testrail.c - libFuzzer harness for the TestRail connector's
 * response parsing: pages, paging links, case fields, statuses, runs,
 * results (sources/testrail*.c, paging.c, jscan.c).
 *
 * The connector pulls through a transport that answers the calls from
 * the built-in faux upstream, except one: call number input[0] % 32 gets
 * the rest of the input as its body (status 200), so a hostile page can
 * stand at any point of a pull, with real pages before and after it.
 * Calls more than two past it get a 400, which ends the pull: the pages
 * after the hostile one are not what is fuzzed, and a whole pull per
 * input would make the harness a few times slower.
 * input[1] picks the report type and whether pages are read in parallel.
 * Every record the sink gets is read whole.  A pull may fail (with a
 * message); it must not crash, leak or hang.  Built and run by
 * tests/fuzz/run-fuzz.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"
#include "sources/faux.h"
#include "sources/http.h"
#include "sources/source.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct hostile {
	struct http_transport faux;
	unsigned call, target;
	const uint8_t *body;
	size_t size;
};

static int answer(const char *url, struct http_response *resp, void *ctx)
{
	struct hostile *h = ctx;

	unsigned call = h->call++;

	if (call > h->target + 2) {
		resp->status = 400;
		buf_adds(&resp->body, "{\"error\":\"stop\"}");
		return 0;
	}
	if (call != h->target)
		return h->faux.get(url, resp, h->faux.ctx);
	resp->status = 200;
	buf_add(&resp->body, (const char *)h->body, h->size);
	return 0;
}

/* Reads every byte of every record: a dangling string shows up here. */
static int take(const char *kind, json_t *rec, void *ctx)
{
	char *text = json_dumps(rec, JSON_COMPACT);

	*(size_t *)ctx += strlen(kind) + (text ? strlen(text) : 0);
	free(text);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {"test-case-coverage",
					    "test-run-counts"};
	struct faux_options fo = {FAUX_OK, 0, 1714557600000};
	struct hostile h;
	struct source_config cfg = {0};
	struct source_query q = {"fenix", 59, NULL, 0, NULL, ""};
	size_t seen = 0;
	struct source_sink sink = {take, NULL, &seen};
	struct source *src = NULL;
	/* Made once: loading the embedded pages costs more than a pull. */
	static struct faux *f;

	err_clear();
	if (size < 2)
		return 0;
	memset(&h, 0, sizeof(h));
	h.target = data[0] % 32;
	h.body = data + 2;
	h.size = size - 2;
	q.report_type = types[data[1] & 1];
	if (!f && faux_new(&f, &fo) < 0)
		abort();
	faux_transport(f, &h.faux);
	struct http_transport t = {answer, &h};
	cfg.transport = &t;
	cfg.parallel = data[1] & 2 ? 4 : 1;
	cfg.max_tries = 1;
	if (source_testrail.open(&src, &cfg) < 0)
		abort();
	if (source_testrail.pull(src, &q, &sink) < 0 && !*err_msg())
		abort(); /* a failure always says why */
	source_testrail.close(src);
	return 0;
}
