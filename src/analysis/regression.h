/*
 * regression.h - is a test's pass rate in a sample window significantly
 * worse than in a basis window?  Sippy Component Readiness's rules
 * (peers.md 2.1, 3.4), pure: counts in, a judgement out.
 *
 * With a basis: not significant when the sample has fewer than
 * min_failures failures, or passes at least as often as the basis, or
 * dropped by no more than `pity` percentage points; else significant when
 * the one-sided Fisher exact p-value of [[sample failures, sample
 * passes], [basis failures, basis passes]] (alternative: the sample fails
 * more often) is below 1 - confidence/100; extreme when it dropped more
 * than extreme_drop points.  Without a basis (a new test): a regression
 * when it has at least new_min_runs sample runs, at least min_failures
 * failures and a pass rate below new_pass_rate percent.
 *
 * Hysteresis: while a regression is open, confidence is lowered by
 * open_confidence_relief (5) and pity by open_pity_relief (2), so a blip
 * at the threshold does not close and reopen it.
 */
#ifndef TESTPUMP_ANALYSIS_REGRESSION_H
#define TESTPUMP_ANALYSIS_REGRESSION_H

#include <stddef.h>

struct regression_params {
	double confidence;	       /* percent: 95 */
	double pity;		       /* percentage points: 5 */
	long min_failures;	       /* 3 */
	double new_pass_rate;	       /* percent a new test needs: 95 */
	long new_min_runs;	       /* sample runs a new test needs: 6 */
	double extreme_drop;	       /* percentage points: 15 */
	double open_confidence_relief; /* 5 */
	double open_pity_relief;       /* 2 */
};

/* The defaults above. */
struct regression_params regression_defaults(void);

enum regression_verdict {
	REGRESSION_NONE = 0,
	REGRESSION_SIGNIFICANT,
	REGRESSION_EXTREME,
	REGRESSION_NEW_TEST,
};

struct regression_judgement {
	enum regression_verdict verdict;
	/*
	 * Why, as a short code: no-sample, few-failures, improved,
	 * within-pity, not-significant, significant, extreme,
	 * new-few-runs, new-passing, new-test.
	 */
	const char *reason;
	double p_value;		      /* NAN when no test was run */
	double basis_pct, sample_pct; /* pass rates; NAN without runs */
	double confidence, pity;      /* as applied (after hysteresis) */
};

/*
 * Judges basis (bp passes, bf failures) against sample (sp, sf); open:
 * whether the regression is open (hysteresis).
 */
void regression_judge(long bp, long bf, long sp, long sf, int open,
		      const struct regression_params *p,
		      struct regression_judgement *out);

/* The verdict's name: none, significant, extreme, new-test. */
const char *regression_verdict_name(enum regression_verdict v);

/*
 * A sentence saying what was compared, the rule that decided and the
 * numbers, into out[size] (always terminated).
 */
void regression_explain(const struct regression_judgement *j, long bp, long bf,
			long sp, long sf, char *out, size_t size);

/* The parameters as text ("confidence=95 pity=5 ..."). */
void regression_params_text(const struct regression_params *p, char *out,
			    size_t size);

#endif
