/*
 * faux_util.h - what the faux Bugzilla and GitHub responders share: query
 * strings read into (key, value) pairs, percent-decoded, and a small zip
 * writer for the artifacts GitHub serves.  Only src/sources/faux_*.c
 * include it.
 */
#ifndef TESTPUMP_SOURCES_FAUX_UTIL_H
#define TESTPUMP_SOURCES_FAUX_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define FQ_MAX 128

/* A request target split into its path and decoded parameters. */
struct fq {
	char *path; /* before '?', decoded */
	char *keys[FQ_MAX];
	char *values[FQ_MAX];
	size_t n;
};

/* Splits target ("bug?product=A%20B&limit=5") into q; fq_release() it. */
void fq_parse(struct fq *q, const char *target);

/* Frees what q holds. */
void fq_release(struct fq *q);

/* The idx-th value of parameter key (0 the first), or NULL. */
const char *fq_get(const struct fq *q, const char *key, size_t idx);

/* The integer value of key, or def when absent or not a number. */
int64_t fq_int(const struct fq *q, const char *key, int64_t def);

/*
 * Appends to out a zip archive holding one file, `name`, with the len
 * bytes of data, deflated (as GitHub's artifact archives are).
 */
void faux_zip_one(struct buf *out, const char *name, const char *data,
		  size_t len, int64_t mtime_s);

/* Appends an RFC 3339 UTC time of s (seconds) to out, as a JSON string. */
void faux_json_time(struct buf *out, int64_t s);

#endif
