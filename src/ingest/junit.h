/*
 * junit.h - a streaming parser for JUnit XML in all its dialects.
 *
 * There is no JUnit XML standard; this parser takes what Ant, Maven
 * Surefire, Gradle, pytest, Go (gotestsum, go-junit-report), Jest, CTest,
 * GoogleTest, Bazel, Flank, PHPUnit, mocha and friends write (see
 * peers.md section 6).  It reads with expat through ingest/sanitize.h and
 * hands records up through callbacks as it goes, so a file of any size is
 * parsed in bounded memory: nothing grows with the number of testcases,
 * and every text is capped (JUNIT_TEXT_MAX) with its middle cut out.
 *
 * What is read:
 *   - the root is <testsuites>, <testsuite> or a bare <testcase>; suites
 *     nest (up to JUNIT_MAX_DEPTH elements deep);
 *   - control characters (raw ANSI escapes, "&#x1b;", "&#27;") and broken
 *     UTF-8 become U+FFFD before expat sees them, so they cost nothing;
 *   - counts come from the elements, never from header attributes;
 *   - each <testcase> element is one or more attempts (struct
 *     junit_attempt), in the order described at struct junit_attempt;
 *     duplicate testcases are simply more attempts of the same test;
 *   - a <testsuite> is reported when it ends (struct junit_suite), after
 *     the attempts of the testcases inside it.
 *
 * What is refused, as a parse error (junit_error filled, message set):
 *   - any DOCTYPE: JUnit never needs one, and refusing it before its
 *     internal subset is read means no entity is declared, so none is
 *     expanded (billion laughs) and none is loaded from outside (XXE);
 *   - NUnit 2 and 3, xUnit.net and MSTest TRX files, recognised from their
 *     root element ("'x.xml' is an NUnit 3 result file, not JUnit XML"),
 *     and any other root element ("'x.xml' is not JUnit XML (root element
 *     'suites')");
 *   - malformed XML, with file, line and column.
 * An empty input (no bytes, or only white space) is not an error: it has
 * zero testcases.  Attempts and suites delivered before a parse error stay
 * delivered; the caller decides whether to keep them.
 *
 * Nothing here knows about commands, argv or the store.
 */
#ifndef TESTPUMP_INGEST_JUNIT_H
#define TESTPUMP_INGEST_JUNIT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Limits.  Each may be lowered at build time (-DJUNIT_TEXT_MAX=512): the
 * fuzzer does, so that small inputs reach every cap and chunk boundary.
 */
/* Bytes kept of each text (failure body, system-out, system-err, message
 * and property values); longer texts keep their first and last halves
 * around CAPTEXT_MARKER ("\n[... N bytes elided ...]\n", see captext.h). */
#ifndef JUNIT_TEXT_MAX
#define JUNIT_TEXT_MAX (64 * 1024)
#endif
/* Bytes kept of a message taken from the first line of a failure body. */
#ifndef JUNIT_MESSAGE_LINE_MAX
#define JUNIT_MESSAGE_LINE_MAX 1024
#endif
/* Deepest element nesting accepted; deeper is a parse error. */
#ifndef JUNIT_MAX_DEPTH
#define JUNIT_MAX_DEPTH 256
#endif
/* Properties kept per suite and per testcase; more are counted, not kept. */
#ifndef JUNIT_MAX_PROPERTIES
#define JUNIT_MAX_PROPERTIES 1024
#endif
/* Retry elements (flaky*, rerun*) kept per testcase; more are ignored. */
#ifndef JUNIT_MAX_RETRIES
#define JUNIT_MAX_RETRIES 64
#endif
/* Bytes read and parsed at a time (at least SANITIZE_DECL_MAX, so that
 * the XML declaration is read whole before expat starts). */
#ifndef JUNIT_CHUNK
#define JUNIT_CHUNK (256 * 1024)
#endif

/* The outcome of one attempt. */
enum junit_status {
	JUNIT_PASS,
	JUNIT_FAIL,
	JUNIT_ERROR,
	JUNIT_SKIP,
};

/* "pass", "fail", "error" or "skip"; "unknown" for anything else. */
const char *junit_status_name(enum junit_status status);

/* One <property>: value from its value attribute, else its trimmed text. */
struct junit_property {
	const char *name;
	const char *value;
};

/*
 * One execution of one testcase.  Every string is NUL-terminated, never
 * NULL ("" when absent), owned by the parser and valid only during the
 * callback; copy what you keep.
 *
 * Attempt order.  A <testcase> element is delivered when it ends, as:
 *   1. one attempt per Surefire <flakyFailure>/<flakyError> child, in
 *      document order: these runs failed BEFORE the final one (Surefire
 *      writes them for a test that passed on a rerun);
 *   2. the testcase's own outcome (retry 0), decided by its <error>,
 *      <failure> and <skipped> children and its status/result attributes;
 *   3. one attempt per <rerunFailure>/<rerunError> child, in document
 *      order: these runs came AFTER the first one, which Surefire writes as
 *      the <failure> or <error> itself, and failed again.
 * `retry` numbers the flaky and rerun children 1, 2, ... in document order
 * (both kinds together), so a flaky test with two flakyFailures arrives as
 * retry 1 (fail), retry 2 (fail), retry 0 (pass).  Callers that number
 * attempts per test should number them in delivery order, which is
 * execution order.
 *
 * The own outcome takes the highest of: <error> (error) > <failure> (fail)
 * > <skipped> (skip) > pass; status="fail|failed" counts as a failure,
 * status="error" as an error, status="notrun|disabled|skipped" and
 * result="skipped|suppressed" (CTest, GoogleTest) as a skip.
 */
struct junit_attempt {
	/* Names of the enclosing named <testsuite>s joined with "/" (an
	 * unnamed suite adds nothing); "" outside any named suite. */
	const char *suite;
	/* classname attribute (or class); name; file. */
	const char *classname;
	const char *name;
	const char *file;
	enum junit_status status;
	/* From time (seconds; "1,234.5", "8.7e-05" and a decimal comma
	 * "0,5" accepted), else duration (Bazel); -1 when missing, empty,
	 * NaN, negative or unreadable.  A retry element's own time, or -1. */
	int64_t duration_ms;
	/* 1 for a flaky or rerun retry element and for Flank flaky="true". */
	int flaky;
	/* 0 for the testcase's own outcome, 1.. for retry elements. */
	int retry;
	/* 1 when lifecycle="informing" (never blocks a payload), else 0. */
	int lifecycle_informing;
	/* message and type attributes of the deciding element (for a pass,
	 * ""); a missing message is the first non-blank line of its body. */
	const char *message;
	const char *type;
	/* Body of the deciding kind, capped: for fail and error the bodies
	 * of all <failure>/<error> children in document order, the second and
	 * later each after a line "--- <element> <n>: <message> ---"; for
	 * skip the <skipped> bodies; for a retry its <stackTrace> and text. */
	const char *text;
	uint64_t text_length;
	/* <system-out>/<system-err> of the testcase (all of them, joined) or
	 * of the retry element, capped; lengths before capping. */
	const char *system_out;
	uint64_t system_out_length;
	const char *system_err;
	uint64_t system_err_length;
	/* The testcase's timestamp, else the nearest enclosing suite's (or
	 * <testsuites>'), in ms since the epoch, zone-less read as UTC; -1
	 * when none parses. */
	int64_t timestamp_ms;
	/* Where the <testcase> start tag is (1-based). */
	unsigned long line;
	unsigned long column;
	/* <failure>/<error> children deciding this attempt: the testcase's
	 * count for retry 0, 1 for a failed retry element. */
	int nfailures;
	/* The testcase's <properties> (shared by its retries). */
	const struct junit_property *properties;
	size_t nproperties;
};

/* One <testsuite>, delivered when it ends; strings as for attempts. */
struct junit_suite {
	/* As junit_attempt.suite, this suite included. */
	const char *path;
	const char *name;
	const char *hostname;
	/* Its timestamp, else the nearest enclosing one's; -1 if none. */
	int64_t timestamp_ms;
	/* Its time attribute, -1 if unreadable; for display only. */
	int64_t duration_ms;
	/* Testcase elements inside it (nested suites included), counted,
	 * and how many of them ended as fail, error and skip. */
	int64_t tests;
	int64_t failures;
	int64_t errors;
	int64_t skipped;
	/* The header attributes tests, failures, errors and skipped (or
	 * skip); -1 when absent or not a number.  For warnings only. */
	int64_t header_tests;
	int64_t header_failures;
	int64_t header_errors;
	int64_t header_skipped;
	/* Its <properties>, in order, repeated names kept; properties past
	 * JUNIT_MAX_PROPERTIES are only counted in properties_dropped. */
	const struct junit_property *properties;
	size_t nproperties;
	size_t properties_dropped;
	/* Suite-level <system-out>/<system-err> (Bazel puts the whole test
	 * log here), capped; lengths before capping. */
	const char *system_out;
	uint64_t system_out_length;
	const char *system_err;
	uint64_t system_err_length;
	/* Where the <testsuite> start tag is (1-based). */
	unsigned long line;
	unsigned long column;
};

/*
 * Where parsed records go.  Either callback may be NULL.  A callback that
 * returns non-zero stops the parse, and the parse function returns that
 * value.  ctx is passed back untouched.
 */
struct junit_handler {
	int (*on_attempt)(const struct junit_attempt *a, void *ctx);
	int (*on_suite)(const struct junit_suite *s, void *ctx);
	void *ctx;
};

/*
 * Why a file was rejected, filled by the parse functions when the file is
 * at fault (unreadable, malformed, refused).  The fields are allocated and
 * owned by the caller once filled; junit_error_release() frees them.
 * file is the name given (or "<stdin>"); line and column are 1-based, 0
 * when there is no position (I/O errors); message has no position in it.
 */
struct junit_error {
	char *file;
	unsigned long line;
	unsigned long column;
	char *message;
};

/*
 * Parses the file at path, or standard input for "-".  gzip-compressed
 * input is recognised by its magic bytes, whatever the name.  Returns 0;
 * a callback's non-zero value when one stopped the parse (err untouched);
 * or -1 when the file is at fault, with *err filled (if err is not NULL)
 * and the message set to "FILE:LINE:COLUMN: message" (or, for a refused
 * format and for I/O errors, a message naming the file).
 */
int junit_parse_path(const char *path, const struct junit_handler *h,
		     struct junit_error *err);

/*
 * As junit_parse_path() for the len bytes at data (plain XML, not gzip);
 * name is used in messages.  data need not be NUL-terminated.
 */
int junit_parse_memory(const char *name, const char *data, size_t len,
		       const struct junit_handler *h, struct junit_error *err);

/* Frees what a parse function put in err and zeroes it; err may be empty. */
void junit_error_release(struct junit_error *err);

#endif
