/*
 * aggregate.h - what the aggregate command's files share: judging the
 * payload's tests and disruptions (aggregate_judge.c) for the command
 * record and its outputs (aggregate.c).  Not used outside commands/.
 */
#ifndef TESTPUMP_COMMANDS_AGGREGATE_H
#define TESTPUMP_COMMANDS_AGGREGATE_H

#include <jansson.h>

#include "analysis/passfail.h"
#include "config/config.h"
#include "core/arena.h"
#include "store/aggregate.h"

/* The parameters of one aggregation, from the config and the options. */
struct agg_settings {
	struct passfail_params pf;
	int history_runs, history_days;
	const struct config_list *always_pass; /* SUITE:NAME or NAME */
	const struct config_list *never_fail;
};

/* The verdicts of one aggregation, in the order of the response's tests. */
struct agg_judged {
	struct agg_verdict *v;
	size_t n, cap;
	struct arena strings; /* explanations and check names */
	int blocking;	      /* blocking failures */
	int informing_failures;
	int passed, failed, skipped;
};

/*
 * Judges every test of d (analysis/passfail.h) and, unless the job's
 * topology is "single", every backend's disruption checks
 * (analysis/disruption.h).  Appends one object per verdict to tests (a
 * JSON array) and fills *out, which agg_judged_release() frees.
 */
void agg_judge(const struct agg_settings *s, const struct agg_data *d,
	       json_t *tests, struct agg_judged *out);

/* Frees what out holds. */
void agg_judged_release(struct agg_judged *out);

#endif
