/*
 * passfail.h - the aggregator's verdict on one test across a payload's runs.
 *
 * A port of CheckFailed() from openshift/ci-tools job-run-aggregator
 * (pass_fail.go, with the 2026 pity factor): the same rules in the same
 * order, the same defaults and the same explanation strings, character
 * for character, so reports and tools that parse them keep working.
 *
 * The caller counts (distinct runs, flakes as passes), looks up the
 * history and matches the always-pass / never-fail lists; this module
 * only decides.  Plain structs in, plain structs out; no I/O.
 */
#ifndef TESTPUMP_ANALYSIS_PASSFAIL_H
#define TESTPUMP_ANALYSIS_PASSFAIL_H

#include <stdbool.h>

#include "core/buf.h"

/* The original's three statuses; the names are passfail_verdict_name(). */
enum passfail_verdict {
	PASSFAIL_PASSED,
	PASSFAIL_FAILED,
	PASSFAIL_SKIPPED,
};

/* Where the historical working percentage came from. */
enum passfail_history {
	PASSFAIL_HISTORY_FOUND, /* the test's own history: working_pct */
	PASSFAIL_HISTORY_NONE,	/* no row for the test: no_history_pct */
	PASSFAIL_HISTORY_FAILED, /* the history query failed: failed_history_pct */
};

/* Which rule decided, in the order they are tried. */
enum passfail_rule {
	PASSFAIL_RULE_ALWAYS_PASS,
	PASSFAIL_RULE_NOT_RUN,
	PASSFAIL_RULE_NEVER_FAIL,
	PASSFAIL_RULE_PROBABLY_SKIPPED,
	PASSFAIL_RULE_MIN_ATTEMPTS,
	PASSFAIL_RULE_NO_PASS,
	PASSFAIL_RULE_REQUIRED_PASSES,
};

/* The knobs; passfail_params_init() gives the original's values. */
struct passfail_params {
	int min_attempts;	/* 6: fewer attempts fail the test */
	int pity;		/* 2: failures always tolerated */
	double alpha;		/* 0.05: significance of the Fisher test */
	int corpus;		/* 250: size of the modelled history */
	int no_history_pct;	/* 70: assumed when the test has no history */
	int failed_history_pct; /* 99: assumed when the history query failed */
};

/*
 * One test of one payload.  Strings are borrowed and only read during
 * passfail_check(); name must not be NULL.
 */
struct passfail_test {
	const char *suite; /* for the caller's list matching and reports */
	const char *name;  /* quoted in the always-pass explanation */
	int attempts;	   /* distinct runs with a pass or a failure */
	int passes;	   /* distinct runs with a pass (a flake is a pass) */
	int failures;	   /* distinct runs that failed and never passed */
	/*
	 * Failing results, every one, including repeats within a run and
	 * the failures of flakes: the original tests this list, not the
	 * distinct count, for never-fail and probably-intended-to-skip.
	 * Values below `failures` are read as `failures`.
	 */
	int failure_results;
	int skips; /* skipped results, every one, as the original counts */
	double working_pct;	       /* history, when FOUND; truncated */
	enum passfail_history history; /* where the percentage comes from */
	bool informing;		       /* lifecycle "informing": never blocks */
	/* The reason of the matching always-pass entry, or NULL. */
	const char *always_pass_reason;
	/* The reason of the matching never-fail entry, or NULL. */
	const char *never_fail_reason;
};

/* The verdict; filled whole by passfail_check(). */
struct passfail_result {
	enum passfail_verdict verdict;
	enum passfail_rule rule;
	bool blocking;	     /* failed and not informing */
	int working_pct;     /* the percentage used, or -1 if not reached */
	int strict_required; /* the Fisher table's value, or -1 */
	int required;	     /* after the pity factor, or -1 */
};

/*
 * Prefixed to the explanation of a failed informing test, as the
 * original prefixes its failure message ("*** NON-BLOCKING FAILURE: ...
 * from passing.\n").
 */
extern const char passfail_informing_prefix[];

/* Sets p to the original's values: 6, 2, 0.05, 250, 70 and 99. */
void passfail_params_init(struct passfail_params *p);

/*
 * Decides one test.  Rules, in the original's order: always-pass reason
 * (passed), did not run (passed), never-fail reason with a failure
 * (failed), no pass and more skips than failures (passed, "probably
 * intended to skip"), fewer than min_attempts attempts (failed), no pass
 * (failed), then passes against the required passes: the Fisher value
 * for (attempts, percentage) lowered by the pity factor to at most
 * attempts - pity.
 *
 * *res is filled; msg is emptied and receives the explanation in the
 * original's exact format, prefixed with passfail_informing_prefix when
 * an informing test fails.  The caller owns msg.
 */
void passfail_check(const struct passfail_params *params,
		    const struct passfail_test *test,
		    struct passfail_result *res, struct buf *msg);

/* "passed", "failed" or "skipped", as the original's statuses. */
const char *passfail_verdict_name(enum passfail_verdict v);

/*
 * The original's built-in always-pass rules (pass_fail.go
 * testShouldAlwaysPass, less its job-specific history rewrites): the
 * reason, a static string, or NULL when the test is not one of them.
 */
const char *passfail_builtin_always_pass(const char *suite, const char *name);

/*
 * The original's built-in never-fail rule (testShouldNeverFail): the
 * reason, a static string, or NULL.
 */
const char *passfail_builtin_never_fail(const char *name);

#endif
