/*
 * regression.c - Sippy's basis-versus-sample regression rules
 * (regression.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/fisher.h"
#include "analysis/regression.h"
#include "core/banned.h"

struct regression_params regression_defaults(void)
{
	struct regression_params p = {
		.confidence = 95,
		.pity = 5,
		.min_failures = 3,
		.new_pass_rate = 95,
		.new_min_runs = 6,
		.extreme_drop = 15,
		.open_confidence_relief = 5,
		.open_pity_relief = 2,
	};
	return p;
}

static double pct(long pass, long fail)
{
	return pass + fail ? 100.0 * (double)pass / (double)(pass + fail) : NAN;
}

static void judge_new(long sp, long sf, const struct regression_params *p,
		      struct regression_judgement *j)
{
	if (sp + sf < p->new_min_runs || sf < p->min_failures)
		j->reason = "new-few-runs";
	else if (j->sample_pct >= p->new_pass_rate)
		j->reason = "new-passing";
	else {
		j->reason = "new-test";
		j->verdict = REGRESSION_NEW_TEST;
	}
}

void regression_judge(long bp, long bf, long sp, long sf, int open,
		      const struct regression_params *p,
		      struct regression_judgement *out)
{
	struct regression_judgement j = {.p_value = NAN};
	double drop;

	j.confidence = p->confidence - (open ? p->open_confidence_relief : 0);
	j.pity = p->pity - (open ? p->open_pity_relief : 0);
	j.basis_pct = pct(bp, bf);
	j.sample_pct = pct(sp, sf);
	if (sp + sf == 0)
		j.reason = "no-sample";
	else if (bp + bf == 0)
		judge_new(sp, sf, p, &j);
	else if (sf < p->min_failures)
		j.reason = "few-failures";
	else if (j.sample_pct >= j.basis_pct)
		j.reason = "improved";
	else if ((drop = j.basis_pct - j.sample_pct) <= j.pity)
		j.reason = "within-pity";
	else {
		j.p_value = fisher_greater(sf, sp, bf, bp);
		if (!(j.p_value < 1 - j.confidence / 100))
			j.reason = "not-significant";
		else if (drop > p->extreme_drop) {
			j.reason = "extreme";
			j.verdict = REGRESSION_EXTREME;
		} else {
			j.reason = "significant";
			j.verdict = REGRESSION_SIGNIFICANT;
		}
	}
	*out = j;
}

const char *regression_verdict_name(enum regression_verdict v)
{
	static const char *const names[] = {"none", "significant", "extreme",
					    "new-test"};

	return names[v];
}

/* The clause saying why, for j->reason. */
static const char *why(const struct regression_judgement *j)
{
	static const struct {
		const char *reason, *text;
	} texts[] = {
		{"no-sample", "no runs in the sample window"},
		{"few-failures", "fewer failures than the minimum"},
		{"improved",
		 "the sample passes at least as often as the basis"},
		{"within-pity", "the drop is within the pity margin"},
		{"not-significant", "the drop is not significant"},
		{"significant", "a significant regression"},
		{"extreme", "an extreme regression"},
		{"new-few-runs", "a new test with too few runs or failures"},
		{"new-passing", "a new test passing often enough"},
		{"new-test", "a new test passing less often than required"},
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (j->reason && !strcmp(texts[i].reason, j->reason))
			return texts[i].text;
	return "not judged";
}

void regression_explain(const struct regression_judgement *j, long bp, long bf,
			long sp, long sf, char *out, size_t size)
{
	char p[48] = "";

	if (!isnan(j->p_value))
		snprintf(p, sizeof(p), ", p = %.3g", j->p_value);
	if (bp + bf == 0)
		snprintf(out, size,
			 "Sample passed %ld of %ld runs (%.1f%%) with no basis "
			 "runs: %s.",
			 sp, sp + sf, isnan(j->sample_pct) ? 0 : j->sample_pct,
			 why(j));
	else
		snprintf(out, size,
			 "Sample passed %ld of %ld runs (%.1f%%), basis %ld of "
			 "%ld (%.1f%%)%s at confidence %g and pity %g points: "
			 "%s.",
			 sp, sp + sf, isnan(j->sample_pct) ? 0 : j->sample_pct,
			 bp, bp + bf, j->basis_pct, p, j->confidence, j->pity,
			 why(j));
}

void regression_params_text(const struct regression_params *p, char *out,
			    size_t size)
{
	snprintf(out, size,
		 "confidence=%g pity=%g min_failures=%ld new_pass_rate=%g "
		 "new_min_runs=%ld extreme_drop=%g open_confidence_relief=%g "
		 "open_pity_relief=%g",
		 p->confidence, p->pity, p->min_failures, p->new_pass_rate,
		 p->new_min_runs, p->extreme_drop, p->open_confidence_relief,
		 p->open_pity_relief);
}
