/*
 * ingest_history.c - ingest disruptions, ingest alerts: one job run's
 * backend disruptions or firing alerts into the store, the data
 * 'testpump history' computes percentiles from.
 *
 * The files are read whole (ingest/runhistory.h) before anything is
 * written, then stored in one transaction (store/history.h): ingesting
 * the same run again replaces its rows of that kind.
 */
#include <string.h>

#include "commands/commands.h"
#include "core/err.h"
#include "core/timestamp.h"
#include "ingest/runhistory.h"
#include "store/history.h"
#include "store/job_context.h"
#include "core/banned.h"

/* The database, or NULL in a dry run where there is none yet. */
static int open_store(struct request *req, struct store **st)
{
	int exists;

	*st = NULL;
	if (req->env->dry_run) {
		if (store_exists(req->db_url, &exists) < 0)
			return -1;
		if (!exists)
			return 0;
	}
	return request_store_current(req, st);
}

static void describe(const struct request *req, const struct runhistory *rh,
		     size_t nfiles, const struct history_run_counts *c,
		     json_t *resp)
{
	int64_t total = 0;

	for (size_t i = 0; i < rh->count && rh->samples; i++)
		total += rh->samples[i].ms;
	json_object_set_new(resp, "job", json_string(request_str(req, "job")));
	json_object_set_new(resp, "run_id",
			    json_string(request_str(req, "run-id")));
	json_object_set_new(
		resp, "release",
		json_string(rh->context.release ? rh->context.release : ""));
	json_object_set_new(resp, "files", json_integer((json_int_t)nfiles));
	json_object_set_new(resp, "rows", json_integer((json_int_t)rh->count));
	json_object_set_new(resp, "total_seconds",
			    json_real((double)total / 1000.0));
	json_object_set_new(resp, "created_run", json_boolean(c->created_run));
	json_object_set_new(resp, "replaced", json_boolean(c->replaced));
	json_object_set_new(resp, "dry_run", json_boolean(req->env->dry_run));
}

/*
 * Artifact files carry no variant: what they lack comes from the job's
 * stored variants (none when there is no database yet, in a dry run).
 */
static int complete_context(struct store *st, struct runhistory *rh,
			    const struct history_run *run)
{
	struct hist_context jv = {0};

	if (rh->shape != RUNHISTORY_ARTIFACT)
		return 0;
	if (st && job_context_load(st, run->job, &rh->arena, &jv) < 0)
		return -1;
	return runhistory_complete_context(rh, &jv, run->job, run->run_id);
}

static int ingest_kind(struct request *req, json_t *resp, enum hist_kind kind)
{
	const json_t *paths = request_list(req, "paths"), *p;
	struct runhistory rh;
	struct history_run run = {
		.job = request_str(req, "job"),
		.run_id = request_str(req, "run-id"),
		.started_at_ms = -1,
		.kind = kind,
	};
	struct history_run_counts counts;
	struct store *st;
	size_t i;
	int rc = -1;

	runhistory_init(&rh, kind);
	if (request_str(req, "started-at") &&
	    timestamp_parse(request_str(req, "started-at"),
			    &run.started_at_ms) < 0)
		goto out;
	json_array_foreach (paths, i, p)
		if (runhistory_read(&rh, json_string_value(p)) < 0) {
			err_prefix("nothing of the run was stored");
			goto out;
		}
	if (open_store(req, &st) < 0 || complete_context(st, &rh, &run) < 0)
		goto out;
	run.context = rh.context;
	run.samples = rh.samples;
	run.nsamples = rh.count;
	if (history_store_run(st, &run, req->env->dry_run, &counts) < 0)
		goto out;
	describe(req, &rh, json_array_size(paths), &counts, resp);
	rc = API_EXIT_OK;
out:
	runhistory_release(&rh);
	return rc;
}

static int ingest_disruptions(struct request *req, json_t *resp)
{
	return ingest_kind(req, resp, HIST_DISRUPTIONS);
}

static int ingest_alerts(struct request *req, json_t *resp)
{
	return ingest_kind(req, resp, HIST_ALERTS);
}

static void mock_success(const struct request *req, json_t *resp)
{
	struct runhistory rh = {.count = 14};
	struct history_run_counts c = {.created_run = 0, .replaced = 0};
	const struct request mock = {
		.options = json_pack("{s:s, s:s}", "job",
				     "periodic-ci-e2e-aws-upgrade", "run-id",
				     "1785000000000000001"),
		.env = req->env};

	rh.context.release = "4.16";
	describe(&mock, &rh, 1, &c, resp);
	json_object_set_new(resp, "total_seconds", json_real(9.5));
	json_decref(mock.options);
}

#define RUN_OPTIONS(what)                                                    \
	{"paths",                                                            \
	 OPT_PATH,                                                           \
	 OPT_POSITIONAL | OPT_MULTI | OPT_REQUIRED | OPT_EXISTS,             \
	 "FILE",                                                             \
	 "JSON files of the run's " what,                                    \
	 NULL,                                                               \
	 0,                                                                  \
	 0,                                                                  \
	 NULL},                                                              \
		{"job",                                                      \
		 OPT_STRING,                                                 \
		 OPT_REQUIRED,                                               \
		 "J",                                                        \
		 "the CI job the run belongs to",                            \
		 NULL,                                                       \
		 0,                                                          \
		 0,                                                          \
		 NULL},                                                      \
		{"run-id",                                                   \
		 OPT_STRING,                                                 \
		 OPT_REQUIRED,                                               \
		 "R",                                                        \
		 "the CI's id of the run",                                   \
		 NULL,                                                       \
		 0,                                                          \
		 0,                                                          \
		 NULL},                                                      \
		{"started-at",                                               \
		 OPT_TIME,                                                   \
		 0,                                                          \
		 "T",                                                        \
		 "when the run started, for a run not yet stored (default: " \
		 "now)",                                                     \
		 NULL,                                                       \
		 0,                                                          \
		 0,                                                          \
		 NULL},                                                      \
	{                                                                    \
		0                                                            \
	}

static const struct resp_field run_response[] = {
	{"job", RESP_STRING, 0, "the job"},
	{"run_id", RESP_STRING, 0, "the run"},
	{"release", RESP_STRING, 0, "the release the run tested"},
	{"files", RESP_INT, 0, "files read"},
	{"rows", RESP_INT, 0, "backends or alerts stored"},
	{"total_seconds", RESP_NUMBER, 0, "their seconds, summed"},
	{"created_run", RESP_BOOL, 0, "the job run was not stored before"},
	{"replaced", RESP_BOOL, 0, "earlier rows of the run were replaced"},
	{"dry_run", RESP_BOOL, 0, "nothing was written"},
	{0},
};

const struct command cmd_ingest_disruptions = {
	.name = "ingest disruptions",
	.summary = "load one job run's backend disruption into the store",
	.description =
		"Reads JSON files of one run of one CI job, in one of two "
		"shapes. Rows: the run's variant (Release, FromRelease, "
		"Platform, Architecture, Network, Topology, "
		"MasterNodesUpdated) and, in the array BackendDisruptions, how "
		"many seconds each backend was unreachable "
		"({\"BackendName\": ..., \"DisruptionSeconds\": ...}); a "
		"backend given twice is refused. Artifacts: the original's "
		"backend-disruption*.json files, where BackendDisruptions is an "
		"object keyed by backend ({\"Name\": ..., "
		"\"DisruptedDuration\": \"2.5s\", ...}, the duration as Go "
		"writes it); each backend counts its seconds rounded up, summed "
		"over the run's files. Artifacts need no variant fields: those "
		"absent come from the job's variants (release, from_release, "
		"platform, architecture, network, topology, as 'testpump jobs "
		"prime' sets them), and a run with no release from either is "
		"refused. The job run is created when it is not stored yet. "
		"Ingesting the same run again replaces its disruptions; a bad "
		"file leaves the store as it was. 'testpump history "
		"--data-type disruptions' without --new computes its "
		"percentiles from these rows, and 'testpump aggregate' its "
		"disruption checks.",
	.options = (const struct opt_spec[]){RUN_OPTIONS("disruptions")},
	.response = run_response,
	.handler = ingest_disruptions,
	.mock_success = mock_success,
};

const struct command cmd_ingest_alerts = {
	.name = "ingest alerts",
	.summary = "load one job run's firing alerts into the store",
	.description =
		"Reads JSON files of one run of one CI job giving the run's "
		"variant (as for 'ingest disruptions') and, in Alerts, how "
		"many seconds each alert fired ({\"Name\": ..., \"Namespace\": "
		"..., \"Level\": ..., \"AlertSeconds\": ...}). An alert known "
		"for the release but absent from a run whose alerts were "
		"ingested counts as 0 seconds in that run. Ingesting the same "
		"run again replaces its alerts; a bad file leaves the store "
		"as it was.",
	.options = (const struct opt_spec[]){RUN_OPTIONS("alerts")},
	.response = run_response,
	.handler = ingest_alerts,
	.mock_success = mock_success,
};
