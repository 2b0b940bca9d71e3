/*
 * runhistory.h - one job run's disruptions or alerts, as JSON files.
 *
 * The shape mirrors the job-run-aggregator's BackendDisruption and
 * Alerts tables (seed-systems.md 2.5): the run's variant once, then one
 * entry per backend or alert.  Disruptions:
 *
 *	{"Release": "4.16", "FromRelease": "4.15", "Platform": "aws",
 *	 "Architecture": "amd64", "Network": "ovn", "Topology": "ha",
 *	 "MasterNodesUpdated": "Y",
 *	 "BackendDisruptions": [
 *	   {"BackendName": "kube-api-new-connections",
 *	    "DisruptionSeconds": 3}]}
 *
 * Alerts: the same variant fields, then
 *
 *	 "Alerts": [{"Name": "KubePodNotReady", "Namespace": "openshift-etcd",
 *	             "Level": "Warning", "AlertSeconds": 120}]
 *
 * Release is required and not empty; FromRelease may be "" (not an
 * upgrade); Platform, Architecture, Network and Topology are required
 * strings; MasterNodesUpdated is "Y", "N", null or absent.  Seconds are
 * numbers >= 0 (fractions kept to the millisecond, rounded).  A backend
 * (or alert name, namespace and level) given twice for one run is
 * refused.  Several files of one run must agree on the variant.
 * Errors name the file, the entry's index (from 0) and the field.
 *
 * Disruptions also come as the original's artifact files (openshift
 * origin's backend-disruption*.json, BackendDisruptionList), where
 * BackendDisruptions is an object keyed by backend:
 *
 *	{"BackendDisruptions": {
 *	   "kube-api-new-connections": {"Name": "kube-api-new-connections",
 *	     "ConnectionType": "New", "DisruptedDuration": "2.5s",
 *	     "DisruptionMessages": [...], "LoadBalancerType": "external-lb"}}}
 *
 * The backend is the entry's Name, or its key when Name is absent or
 * "".  DisruptedDuration is required: a Go duration string as
 * metav1.Duration writes it ("0s", "2.5s", "1m3.25s", "350ms"), never
 * negative; each entry counts ceil(seconds), and the files of one run
 * add up per backend, as the job-run-aggregator did (a backend twice in
 * one file is refused).  Other fields are ignored.  The variant fields
 * are optional in this shape (those given must agree across files);
 * runhistory_complete_context() fills the rest.  One run's files must
 * all have the same shape.  Errors name the file, the backend's key and
 * the field.
 */
#ifndef TESTPUMP_INGEST_RUNHISTORY_H
#define TESTPUMP_INGEST_RUNHISTORY_H

#include "analysis/history.h"
#include "core/arena.h"
#include "core/strmap.h"

/* The shape of a run's files: none read yet, BigQuery rows, artifacts. */
enum runhistory_shape {
	RUNHISTORY_NONE = 0,
	RUNHISTORY_ROWS,
	RUNHISTORY_ARTIFACT,
};

/* What the files of one run hold; strings live in the arena. */
struct runhistory {
	enum hist_kind kind;
	enum runhistory_shape shape;
	int have_context;
	struct hist_context context;
	struct hist_sample *samples;
	size_t *sample_file; /* artifacts: the file that last added to each */
	size_t count, cap, file_cap;
	size_t nfiles; /* files read so far */
	struct arena arena;
	struct strmap seen; /* sample identity -> index in samples */
};

/* Makes rh empty, for samples of the given kind. */
void runhistory_init(struct runhistory *rh, enum hist_kind kind);

/* Frees everything rh holds. */
void runhistory_release(struct runhistory *rh);

/*
 * Reads one file of the run into rh.  Returns 0, or -1 with the message
 * set (rh may then hold part of the file: release it).
 */
int runhistory_read(struct runhistory *rh, const char *path);

/*
 * Completes the context of an artifact-shaped run (a no-op for the row
 * shape): every variant field the files did not give is taken from
 * job_variants (the job's stored variants, fields NULL when absent; may
 * be NULL itself), else "" (FromRelease, Platform, ...) or NULL
 * (MasterNodesUpdated).  Returns 0, or -1 with the message set, naming
 * job and run_id, when neither gives a release.
 */
int runhistory_complete_context(struct runhistory *rh,
				const struct hist_context *job_variants,
				const char *job, const char *run_id);

/*
 * Parses a Go duration string ("1h2m3.5s", "350ms", "0"; units ns, us,
 * \u00b5s, \u03bcs, ms, s, m, h) as time.ParseDuration does, into
 * *ns.  Negative and overflowing durations are refused.  Returns 0, or
 * -1 (no message set) when text is not such a duration.
 */
int runhistory_parse_duration(const char *text, int64_t *ns);

#endif
