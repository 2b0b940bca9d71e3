/*
 * percentiles.h - reading historical percentile files (disruptions and
 * alerts), the query_results.json files of openshift/origin.
 *
 * A file is a JSON array of objects.  Disruption rows:
 *
 *	{"BackendName": "kube-api-new-connections", "Release": "4.16",
 *	 "FromRelease": "4.15", "Platform": "aws", "Architecture": "amd64",
 *	 "Network": "ovn", "Topology": "ha", "MasterNodesUpdated": "Y",
 *	 "JobRuns": 312, "P95": "2.0", "P99": "4.5", "P75": "0.0",
 *	 "P50": "0.0"}
 *
 * Alert rows have "AlertName", "AlertNamespace", "AlertLevel",
 * "FirstObserved" and "LastObserved" (RFC 3339 times) in place of
 * "BackendName", and the same other fields.  Every field is required
 * and must have its type (strings; JobRuns a non-negative integer),
 * except MasterNodesUpdated, which may be null or absent.  P values are
 * strings of float seconds ("299.4"); see hist_parse_seconds().  Other
 * fields are ignored.  A repeated key inside one object is refused.
 *
 * Errors name the file and the row by its index in the array (from 0),
 * and the field: "'new.json': row index 3: field 'P95' must be a string,
 * not a number".  Nothing here knows a command or the store.
 */
#ifndef TESTPUMP_INGEST_PERCENTILES_H
#define TESTPUMP_INGEST_PERCENTILES_H

#include "analysis/history.h"

/*
 * Reads the file at path into s (whose kind says which fields to
 * expect), appending rows with their keys set.  Returns 0, or -1 with
 * the message set; on failure the rows already added stay in s.
 */
int percentiles_read(const char *path, struct hist_set *s);

/*
 * Normalises an RFC 3339 time ("2024-05-01T12:34:56.120+00:00") as Go's
 * time.Time writes it back to JSON: the fraction without trailing zeros
 * (and without the point when it is 0), a zero offset as "Z".  Refuses
 * what Go's UnmarshalJSON refuses (lower-case 't' or 'z', a missing
 * zone, a field out of range).  out needs 40 bytes.  Returns 0, or -1
 * with a message naming text.
 */
int percentiles_time_text(const char *text, char out[40]);

#endif
