/*
 * passfail.c - the per-test verdict of the job-run-aggregator.
 *
 * The format strings below are copied from openshift/ci-tools
 * pass_fail.go; the double spaces after full stops are the original's.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "analysis/fisher.h"
#include "analysis/passfail.h"
#include "core/xalloc.h"
#include "core/banned.h"

const char passfail_informing_prefix[] =
	"*** NON-BLOCKING FAILURE: This test failure is not considered terminal because its lifecycle is 'informing' and will not prevent the overall suite from passing.\n";

enum match {
	MATCH_SUITE_IS,
	MATCH_NAME_IS,
	MATCH_NAME_CONTAINS,
	MATCH_NAME_ENDS,
};

struct builtin_rule {
	enum match how;
	const char *pattern;
	const char *reason;
};

/* testShouldAlwaysPass, in its order. */
static const struct builtin_rule always_pass_rules[] = {
	{MATCH_SUITE_IS, "step graph",
	 "step graph tests are added by ci and are not useful for aggregation"},
	{MATCH_NAME_CONTAINS, "Cluster should remain functional during upgrade",
	 "this test is a side-effect of other tests"},
	{MATCH_NAME_ENDS, "-gather-azure-cli container test",
	 "used only to collect artifacts"},
	{MATCH_NAME_IS, "initialize", "ignore initialize"},
};

/* testShouldNeverFail. */
static const struct builtin_rule never_fail_rules[] = {
	{MATCH_NAME_IS, "Undiagnosed panic detected in pod",
	 "Pods must not panic"},
};

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !memcmp(s + n - m, suffix, m);
}

static int rule_matches(const struct builtin_rule *r, const char *suite,
			const char *name)
{
	switch (r->how) {
	case MATCH_SUITE_IS:
		return suite && !strcmp(suite, r->pattern);
	case MATCH_NAME_IS:
		return !strcmp(name, r->pattern);
	case MATCH_NAME_CONTAINS:
		return strstr(name, r->pattern) != NULL;
	case MATCH_NAME_ENDS:
		return ends_with(name, r->pattern);
	}
	return 0;
}

static const char *first_match(const struct builtin_rule *rules, size_t n,
			       const char *suite, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rule_matches(&rules[i], suite, name))
			return rules[i].reason;
	return NULL;
}

const char *passfail_builtin_always_pass(const char *suite, const char *name)
{
	return first_match(always_pass_rules, ARRAY_SIZE(always_pass_rules),
			   suite, name);
}

const char *passfail_builtin_never_fail(const char *name)
{
	return first_match(never_fail_rules, ARRAY_SIZE(never_fail_rules), NULL,
			   name);
}

const char *passfail_verdict_name(enum passfail_verdict v)
{
	switch (v) {
	case PASSFAIL_PASSED:
		return "passed";
	case PASSFAIL_FAILED:
		return "failed";
	case PASSFAIL_SKIPPED:
		return "skipped";
	}
	return "unknown";
}

void passfail_params_init(struct passfail_params *p)
{
	p->min_attempts = 6;
	p->pity = 2;
	p->alpha = FISHER_ALPHA;
	p->corpus = FISHER_CORPUS;
	p->no_history_pct = 70;
	p->failed_history_pct = 99;
}

/* Length of the valid UTF-8 sequence at s (2..4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/*
 * Appends s quoted as Go's %q (strconv.Quote) writes it: backslash
 * escapes for \a \b \f \n \r \t \v \\ \", \xNN for other control bytes
 * and invalid UTF-8.  Valid multi-byte UTF-8 is copied as it is; Go
 * would also escape the few non-printable code points above U+007F.
 */
static void add_go_quoted(struct buf *b, const char *s)
{
	static const char esc_from[] = "\a\b\f\n\r\t\v\\\"";
	static const char esc_to[] = "abfnrtv\\\"";
	const unsigned char *p = (const unsigned char *)s;

	buf_addch(b, '"');
	while (*p) {
		const char *e = strchr(esc_from, *p);
		size_t n;

		if (e) {
			buf_addch(b, '\\');
			buf_addch(b, esc_to[e - esc_from]);
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			buf_addf(b, "\\x%02x", *p++);
		} else if (*p < 0x80) {
			buf_addch(b, (char)*p++);
		} else if ((n = utf8_len(p)) > 0) {
			buf_add(b, p, n);
			p += n;
		} else {
			buf_addf(b, "\\x%02x", *p++);
		}
	}
	buf_addch(b, '"');
}

static void decide(struct passfail_result *res, enum passfail_verdict v,
		   enum passfail_rule rule)
{
	res->verdict = v;
	res->rule = rule;
}

/* The working percentage the original would use for this test. */
static int working_pct(const struct passfail_params *params,
		       const struct passfail_test *t)
{
	switch (t->history) {
	case PASSFAIL_HISTORY_FAILED:
		return params->failed_history_pct;
	case PASSFAIL_HISTORY_NONE:
		return params->no_history_pct;
	case PASSFAIL_HISTORY_FOUND:
		break;
	}
	/* int(WorkingPercentage): truncation toward zero */
	if (!(t->working_pct > 0))
		return 0;
	return t->working_pct >= 100 ? 100 : (int)t->working_pct;
}

/* Rule 10 and 11: the required passes, the pity factor, the sentence. */
static void check_required(const struct passfail_params *params,
			   const struct passfail_test *t,
			   struct passfail_result *res, struct buf *msg)
{
	int pct = working_pct(params, t);
	int strict = fisher_required_passes(t->attempts, pct, params->corpus,
					    params->alpha);
	int required = t->attempts - params->pity;
	struct buf pity = BUF_INIT;

	if (required < 0)
		required = 0;
	if (required > strict)
		required = strict;
	res->working_pct = pct;
	res->strict_required = strict;
	res->required = required;

	if (t->passes < required) {
		decide(res, PASSFAIL_FAILED, PASSFAIL_RULE_REQUIRED_PASSES);
		buf_addf(
			msg,
			"Failed: Passed %d times, failed %d times.  The historical pass rate is %d%%.  The required number of passes is %d.",
			t->passes, t->failures, pct, required);
		return;
	}
	decide(res, PASSFAIL_PASSED, PASSFAIL_RULE_REQUIRED_PASSES);
	if (t->passes < strict)
		buf_addf(
			&pity,
			" (strict required number of passes is %d but %d failures are allowed as pity factor)",
			strict, params->pity);
	buf_addf(
		msg,
		"Passed: Passed %d times, failed %d times.  The historical pass rate is %d%%.  The required number of passes is %d%s.",
		t->passes, t->failures, pct, required, pity.data);
	buf_release(&pity);
}

/* Rules 1 to 9, then check_required(). */
static void check_rules(const struct passfail_params *params,
			const struct passfail_test *t,
			struct passfail_result *res, struct buf *msg)
{
	int failure_results = t->failure_results > t->failures
				      ? t->failure_results
				      : t->failures;

	if (t->always_pass_reason) {
		decide(res, PASSFAIL_PASSED, PASSFAIL_RULE_ALWAYS_PASS);
		buf_adds(msg, "always passing ");
		add_go_quoted(msg, t->name);
		buf_addf(msg, ": %s\n", t->always_pass_reason);
		return;
	}
	if (t->passes == 0 && failure_results == 0) {
		decide(res, PASSFAIL_PASSED, PASSFAIL_RULE_NOT_RUN);
		buf_adds(msg, "did not run");
		return;
	}
	if (t->never_fail_reason && failure_results > 0) {
		decide(res, PASSFAIL_FAILED, PASSFAIL_RULE_NEVER_FAIL);
		buf_adds(msg, t->never_fail_reason);
		return;
	}
	if (t->passes == 0 && t->skips > failure_results) {
		decide(res, PASSFAIL_PASSED, PASSFAIL_RULE_PROBABLY_SKIPPED);
		buf_adds(msg, "probably intended to skip");
		return;
	}
	if (t->attempts < params->min_attempts) {
		decide(res, PASSFAIL_FAILED, PASSFAIL_RULE_MIN_ATTEMPTS);
		buf_addf(
			msg,
			"Passed %d times, failed %d times, skipped %d times: we require at least %d attempts to have a chance at success",
			t->passes, t->failures, t->skips, params->min_attempts);
		return;
	}
	if (t->passes < 1) {
		decide(res, PASSFAIL_FAILED, PASSFAIL_RULE_NO_PASS);
		buf_addf(
			msg,
			"Passed %d times, failed %d times, skipped %d times: we require at least one pass to consider it a success",
			t->passes, t->failures, t->skips);
		return;
	}
	check_required(params, t, res, msg);
}

void passfail_check(const struct passfail_params *params,
		    const struct passfail_test *test,
		    struct passfail_result *res, struct buf *msg)
{
	struct buf why = BUF_INIT;

	res->working_pct = -1;
	res->strict_required = -1;
	res->required = -1;
	check_rules(params, test, res, &why);

	res->blocking = res->verdict == PASSFAIL_FAILED && !test->informing;
	buf_reset(msg);
	if (res->verdict == PASSFAIL_FAILED && test->informing)
		buf_adds(msg, passfail_informing_prefix);
	buf_add(msg, why.data, why.len);
	buf_release(&why);
}
