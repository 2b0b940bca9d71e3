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
 */
#ifndef TESTPUMP_INGEST_RUNHISTORY_H
#define TESTPUMP_INGEST_RUNHISTORY_H

#include "analysis/history.h"
#include "core/arena.h"
#include "core/strmap.h"

/* What the files of one run hold; strings live in the arena. */
struct runhistory {
	enum hist_kind kind;
	int have_context;
	struct hist_context context;
	struct hist_sample *samples;
	size_t count, cap;
	struct arena arena;
	struct strmap seen; /* sample identities, to refuse repeats */
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

#endif
