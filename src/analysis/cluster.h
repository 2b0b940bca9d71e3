/*
 * cluster.h - failure clusters: failure messages that differ only in
 * what changes from run to run (numbers, addresses, ids, paths, times,
 * quoted values) fall into one cluster, named by a hash of the message
 * with those parts masked.  In the manner of LUCI Analysis's reason-v6
 * algorithm (peers.md 2.3, 3.5), with more masks.
 *
 * cluster_normalise() masks, in one left-to-right pass:
 *   - UUIDs (8-4-4-4-12 hex digits)                -> <uuid>
 *   - dates and times (2024-05-01T12:00:00.123Z,
 *     2024-05-01 12:00, 12:00:00.5)                 -> <time>
 *   - URLs (scheme://...)                           -> <url>
 *   - paths (/a/b, ./a, ~/a, C:\a\b, a/b/c)         -> <path>
 *   - quoted strings ('...', "...", `...`)          -> '<str>' etc.
 *   - 0x hex, and hex words of 5+ with a digit      -> <hex>
 *     (commit ids, pod suffixes, addresses)
 *   - long tokens: 20+ letters and digits, both     -> <token>
 *   - every other run of digits                     -> <n>
 * and collapses every run of white space to one space, trimmed.  Only
 * the first CLUSTER_INPUT_MAX bytes of a message are read.
 *
 * Pure: no I/O, no state.
 */
#ifndef TESTPUMP_ANALYSIS_CLUSTER_H
#define TESTPUMP_ANALYSIS_CLUSTER_H

#include <stddef.h>

#include "core/buf.h"

/* How much of a message is read. */
#define CLUSTER_INPUT_MAX 2048

/* A cluster id: 32 lower-case hex digits (16 bytes of SHA-256) and NUL. */
#define CLUSTER_ID_SIZE 33

/*
 * Appends the normalised form of the len bytes at msg to out (which the
 * caller owns and resets as it likes).
 */
void cluster_normalise(const char *msg, size_t len, struct buf *out);

/*
 * The cluster id of a normalised message: the first 16 bytes of its
 * SHA-256 in hex, as LUCI names clusters.
 */
void cluster_id(const char *normalised, size_t len, char out[CLUSTER_ID_SIZE]);

/*
 * The part of a result's texts that names its failure: message when it
 * has a non-blank character, else the first non-blank line of text
 * (a stack trace's first line); *len is set, and NULL is returned when
 * both are blank.  message and text may be NULL.
 */
const char *cluster_reason(const char *message, const char *text, size_t *len);

#endif
