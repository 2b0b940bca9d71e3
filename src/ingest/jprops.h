/*
 * jprops.h - the <properties> of one suite or testcase.
 *
 * Names and values are copied into one buffer that is reset, not freed,
 * between owners, so reading millions of testcases allocates nothing in
 * steady state.  At most JUNIT_MAX_PROPERTIES are kept; the rest are only
 * counted.  Repeated names are kept, in document order.
 */
#ifndef TESTPUMP_INGEST_JPROPS_H
#define TESTPUMP_INGEST_JPROPS_H

#include <stddef.h>

#include "core/buf.h"
#include "ingest/junit.h"

struct jprops {
	/* "name\0value\0" pairs; off[i] is where pair i starts. */
	struct buf data;
	size_t *off;
	size_t n, alloc;
	/* What jprops_view() hands out. */
	struct junit_property *view;
	size_t view_alloc;
	/* Properties seen past the cap. */
	size_t dropped;
};

/* Sets pr to an empty list; nothing is allocated until the first add. */
void jprops_init(struct jprops *pr);

/* Empties pr but keeps its memory. */
void jprops_reset(struct jprops *pr);

/* Frees pr's memory and leaves it empty. */
void jprops_release(struct jprops *pr);

/*
 * Appends a copy of name (NUL-terminated) and of the value_len bytes at
 * value, or only counts it in pr->dropped when pr is full.
 */
void jprops_add(struct jprops *pr, const char *name, const char *value,
		size_t value_len);

/*
 * The properties as an array of pr->n entries pointing into pr; valid
 * until the next change to pr.
 */
const struct junit_property *jprops_view(struct jprops *pr);

#endif
