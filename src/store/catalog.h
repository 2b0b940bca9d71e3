/*
 * catalog.h - jobs with their variants, and releases with their payloads:
 * the store's side of 'testpump jobs' and 'testpump releases'.
 *
 * Every write is an upsert on the natural key (job name, release name,
 * payload tag), so doing it twice changes nothing.  Uses only store.h.
 */
#ifndef TESTPUMP_STORE_CATALOG_H
#define TESTPUMP_STORE_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* One variant of a job; strings are borrowed. */
struct catalog_variant {
	const char *key, *value;
};

/* What catalog_upsert_job() changed. */
struct catalog_counts {
	int created;	  /* the job (or release) did not exist */
	int variants_set; /* variants added or changed */
	int linked;	  /* payloads newly attached to the release */
};

/*
 * Creates the job called name if missing and sets each of its variants
 * (other variants of the job are kept).  Runs inside the caller's
 * transaction when there is one.  *c receives what changed.
 */
int catalog_upsert_job(struct store *st, const char *name,
		       const struct catalog_variant *v, size_t n,
		       struct catalog_counts *c);

/*
 * Creates release name if missing (and previous, when not NULL, which it
 * then follows) and attaches the payload tags to it, creating the
 * payloads that are missing; one transaction.  A release may not follow
 * itself.  *c receives what changed.
 */
int catalog_upsert_release(struct store *st, const char *name,
			   const char *previous, const char *const *payloads,
			   size_t npayloads, struct catalog_counts *c);

/*
 * Calls fn for each job in name order, with row columns name, variants
 * ("key=value" pairs joined by ", ", in key order; NULL when none), runs
 * (its job runs), last_run_at (NULL when none).  Only the jobs with every
 * variant of filter[0..nfilter-1] are listed.
 */
int catalog_list_jobs(struct store *st, const struct catalog_variant *filter,
		      size_t nfilter, store_row_fn fn, void *ctx);

/*
 * Calls fn for each release in name order, with row columns name,
 * previous (NULL when none), payloads, runs (of its payloads),
 * created_at.
 */
int catalog_list_releases(struct store *st, store_row_fn fn, void *ctx);

#endif
