/*
 * fuzz_history.c - libFuzzer harness for the disruption and alert JSON
 * readers: a run's files (ingest/runhistory.c, both shapes, then the
 * context completion) and the historical percentile files
 * (ingest/percentiles.c).
 *
 * The readers take a path, so each input is written to one temporary
 * file (rewritten per input); input[0] picks the reader and the kind.
 * A failure must carry a message.  Built and run by tests/fuzz/run-fuzz.sh.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/history.h"
#include "core/err.h"
#include "ingest/percentiles.h"
#include "ingest/runhistory.h"
#include "core/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

/* The one file the inputs go through, made on the first call. */
static void put(const uint8_t *data, size_t size)
{
	int fd;

	if (!path[0]) {
		snprintf(path, sizeof(path), "/tmp/fuzz-history-%ld.json",
			 (long)getpid());
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum hist_kind kind;
	int ret;

	err_clear();
	if (size < 1)
		return 0;
	kind = data[0] & 1 ? HIST_ALERTS : HIST_DISRUPTIONS;
	put(data + 1, size - 1);
	if (data[0] & 2) {
		struct hist_set s;

		hist_set_init(&s, kind);
		ret = percentiles_read(path, &s);
		hist_set_release(&s);
	} else {
		struct runhistory rh;
		struct hist_context jv;

		memset(&jv, 0, sizeof(jv));
		jv.release = data[0] & 4 ? "4.16" : NULL;
		runhistory_init(&rh, kind);
		ret = runhistory_read(&rh, path);
		/* A second file of the same run: the merge rules. */
		if (!ret && data[0] & 8)
			ret = runhistory_read(&rh, path);
		if (!ret)
			ret = runhistory_complete_context(&rh, &jv, "job", "1");
		runhistory_release(&rh);
	}
	if (ret < 0 && !*err_msg())
		abort();
	unlink(path);
	return 0;
}
