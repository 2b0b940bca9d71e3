/*
 * jcase.h - one <testcase> while it is read, and its attempts.
 *
 * The parser feeds a jcase the testcase's attributes, then each child that
 * matters (<failure>, <error>, <skipped>, the Surefire flaky and rerun
 * elements, <system-out>, <system-err>, properties), and at the end tag
 * asks it to deliver the attempts, in the order junit.h describes.  All
 * memory is kept between testcases and bounded: every text is a captext of
 * JUNIT_TEXT_MAX, and at most JUNIT_MAX_RETRIES retry elements are kept.
 */
#ifndef TESTPUMP_INGEST_JCASE_H
#define TESTPUMP_INGEST_JCASE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "ingest/captext.h"
#include "ingest/jattr.h"
#include "ingest/jprops.h"
#include "ingest/junit.h"

struct jcase_retry;

struct jcase {
	struct buf classname, name, file;
	/* message and type of the deciding child, capped */
	struct buf message, type;
	/* Best outcome from children, and from status/result attributes. */
	enum jattr_rank rank, attr_rank;
	/* <failure> and <error> children; flaky="true"; informing. */
	int nfail, flaky, informing;
	/* The deciding child's body starts at decide_off in decide_text. */
	struct captext *decide_text;
	uint64_t decide_off;
	/* Bodies of <failure>/<error> children, of <skipped> children. */
	struct captext fail_text, skip_text;
	struct captext out, err;
	int64_t duration_ms, timestamp_ms;
	unsigned long line, column;
	/* The testcase's own <properties>; the parser adds to it. */
	struct jprops props;
	/* Retry elements: nretries in use, retries_made allocated. */
	struct jcase_retry **retries;
	size_t nretries, retries_made, retries_alloc;
	/* Index of the open retry element, -1 if none. */
	int cur_retry;
	/* Joined texts handed to the callback. */
	struct buf scratch[5];
};

/* Sets c up empty; c owns what it allocates until jcase_release(). */
void jcase_init(struct jcase *c);

/* Frees everything c holds. */
void jcase_release(struct jcase *c);

/*
 * Starts a new testcase from the attributes of its start tag (expat's
 * name, value, ... array), forgetting the previous one.  timestamp_ms is
 * what the testcase inherits when it has no timestamp of its own; line
 * and column locate the start tag.
 */
void jcase_start(struct jcase *c, const char **attrs, int64_t timestamp_ms,
		 unsigned long line, unsigned long column);

/*
 * A <failure>, <error> or <skipped> child (el is its name) starts.
 * Returns the captext its body text goes into; owned by c.
 */
struct captext *jcase_result(struct jcase *c, const char *el,
			     const char **attrs);

/*
 * A flakyFailure, flakyError, rerunFailure or rerunError child starts.
 * Returns the captext its body (stackTrace included) goes into, or NULL
 * when JUNIT_MAX_RETRIES are already kept and this one is ignored.
 */
struct captext *jcase_retry(struct jcase *c, const char *el,
			    const char **attrs);

/* The open retry element ends. */
void jcase_retry_end(struct jcase *c);

/*
 * Where a <system-out> (is_err 0) or <system-err> (1) goes: into the open
 * retry element when in_retry, else into the testcase.
 */
struct captext *jcase_output(struct jcase *c, int in_retry, int is_err);

/* The testcase's own outcome from its children and attributes. */
enum jattr_rank jcase_outcome(const struct jcase *c);

/*
 * Hands the testcase's attempts to on_attempt(a, ctx) in execution order:
 * flaky retries, the testcase's own outcome, rerun retries.  suite is the
 * suite path.  Stops at and returns the first non-zero value; else 0.
 */
int jcase_deliver(struct jcase *c, const char *suite,
		  int (*on_attempt)(const struct junit_attempt *a, void *ctx),
		  void *ctx);

#endif
