/*
 * job_context.h - a job's stored variants as a job run's context, for
 * per-run files (the original's backend-disruption artifacts) that say
 * nothing of the release, platform or topology they ran on.
 *
 * Uses only store.h; the variants are the job_variant rows that
 * 'testpump jobs prime' (or 'ingest junit --variant') wrote.
 */
#ifndef TESTPUMP_STORE_JOB_CONTEXT_H
#define TESTPUMP_STORE_JOB_CONTEXT_H

#include "analysis/history.h"
#include "core/arena.h"
#include "store/store.h"

/*
 * Fills *out from the variants of job: the keys release, from_release,
 * platform, architecture, network and topology (master_nodes_updated is
 * left NULL).  A key the job lacks, or a job not stored, leaves its
 * field NULL.  Strings are copied into arena.  Returns 0, or -1 with the
 * message set on a database error.
 */
int job_context_load(struct store *st, const char *job, struct arena *arena,
		     struct hist_context *out);

#endif
