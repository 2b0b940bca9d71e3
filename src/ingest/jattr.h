/*
 * jattr.h - reading the attribute values of JUnit XML.
 *
 * Each dialect writes numbers, times and outcomes its own way: "1,234.5"
 * seconds from Surefire, "8.7e-05" from pytest, "NaN" and negative times
 * from broken clocks, status="notrun" from CTest, result="suppressed" from
 * GoogleTest.  These functions read one value each and say "unknown"
 * rather than fail, because a bad attribute must never cost a testcase.
 * None of them allocates or keeps a pointer.
 */
#ifndef TESTPUMP_INGEST_JATTR_H
#define TESTPUMP_INGEST_JATTR_H

#include <stdint.h>

/* Outcomes in precedence order: the highest one seen decides. */
enum jattr_rank {
	JATTR_PASS,
	JATTR_SKIP,
	JATTR_FAIL,
	JATTR_ERROR,
};

/*
 * The value of attribute name in expat's NULL-terminated name, value, ...
 * array, or NULL when it is absent.
 */
const char *jattr_get(const char **attrs, const char *name);

/* As jattr_get(), but "" when absent. */
const char *jattr_str(const char **attrs, const char *name);

/*
 * Seconds as CI tools write them, in milliseconds (rounded).  Accepted:
 * "1.5", ".5", "8.7e-05", "1,234.5" and "12,345" (commas grouping
 * thousands, as Surefire writes them), "0,5" and "1,5" (one decimal
 * comma), white space around.  Returns -1 for NULL, "", "NaN", "inf",
 * negative values, more than 1e12 s, and anything else.
 */
int64_t jattr_seconds(const char *s);

/* A non-negative decimal count such as tests="12"; -1 otherwise. */
int64_t jattr_count(const char *s);

/*
 * A timestamp attribute in ms since the epoch (RFC 3339 and ISO 8601
 * forms, zone-less read as UTC, or epoch seconds; see timestamp.h), or
 * fallback when s is NULL, empty or unreadable.  The thread's error
 * message may be changed.
 */
int64_t jattr_timestamp(const char *s, int64_t fallback);

/*
 * The outcome that a testcase's status= (CTest, GoogleTest, others) and
 * result= (GoogleTest) attributes imply, either may be NULL; words are
 * compared without case:
 *	notrun disabled skipped skip ignored suppressed -> JATTR_SKIP
 *	fail failed failure                             -> JATTR_FAIL
 *	error errored                                   -> JATTR_ERROR
 * and JATTR_PASS for anything else ("run", "completed", "passed").
 */
enum jattr_rank jattr_status(const char *status, const char *result);

/* True for "true" (any case) and "1", as in Flank's flaky="true". */
int jattr_true(const char *s);

#endif
