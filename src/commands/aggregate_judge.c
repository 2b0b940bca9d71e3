/*
 * aggregate_judge.c - the verdict on every test and disruption check of a
 * payload, with the analysis modules doing the deciding.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/disruption.h"
#include "commands/aggregate.h"
#include "core/buf.h"
#include "core/xalloc.h"
#include "core/banned.h"

static const char *const rule_names[] = {
	[PASSFAIL_RULE_ALWAYS_PASS] = "always-pass",
	[PASSFAIL_RULE_NOT_RUN] = "not-run",
	[PASSFAIL_RULE_NEVER_FAIL] = "never-fail",
	[PASSFAIL_RULE_PROBABLY_SKIPPED] = "probably-skipped",
	[PASSFAIL_RULE_MIN_ATTEMPTS] = "min-attempts",
	[PASSFAIL_RULE_NO_PASS] = "no-pass",
	[PASSFAIL_RULE_REQUIRED_PASSES] = "required-passes",
};

static const char *const history_names[] = {
	[PASSFAIL_HISTORY_FOUND] = "found",
	[PASSFAIL_HISTORY_NONE] = "none",
	[PASSFAIL_HISTORY_FAILED] = "failed",
};

/* Whether a config list entry, SUITE:NAME or NAME, names the test. */
static int listed(const struct config_list *list, const char *suite,
		  const char *name)
{
	size_t slen = strlen(suite);

	for (size_t i = 0; list && i < list->count; i++) {
		const char *e = list->items[i];

		if (!strcmp(e, name) ||
		    (!strncmp(e, suite, slen) && e[slen] == ':' &&
		     !strcmp(e + slen + 1, name)))
			return 1;
	}
	return 0;
}

static struct agg_verdict *add_verdict(struct agg_judged *j)
{
	if (j->n == j->cap) {
		j->cap = j->cap ? 2 * j->cap : 256;
		j->v = xrealloc(j->v, j->cap * sizeof(*j->v));
	}
	memset(&j->v[j->n], 0, sizeof(j->v[0]));
	return &j->v[j->n++];
}

static json_t *int_or_null(int x)
{
	return x < 0 ? json_null() : json_integer(x);
}

/* The response object of verdict x (classname "" when not a JUnit test). */
static json_t *verdict_json(const struct agg_verdict *x, const char *classname)
{
	json_t *o = json_object();

	json_object_set_new(o, "suite", json_string(x->suite));
	json_object_set_new(o, "classname", json_string(classname));
	json_object_set_new(o, "name", json_string(x->name));
	json_object_set_new(o, "verdict", json_string(x->verdict));
	json_object_set_new(o, "attempts", json_integer(x->attempts));
	json_object_set_new(o, "passes", json_integer(x->passes));
	json_object_set_new(o, "failures", json_integer(x->failures));
	json_object_set_new(o, "skips", json_integer(x->skips));
	json_object_set_new(o, "history_pct", int_or_null(x->history_pct));
	json_object_set_new(o, "history_source",
			    x->history_source ? json_string(x->history_source)
					      : json_null());
	json_object_set_new(o, "required_passes", int_or_null(x->required));
	json_object_set_new(o, "strict_required_passes",
			    int_or_null(x->strict));
	json_object_set_new(o, "blocking", json_boolean(x->blocking));
	json_object_set_new(o, "informing", json_boolean(x->informing));
	json_object_set_new(o, "rule", json_string(x->rule));
	json_object_set_new(o, "explanation", json_string(x->explanation));
	return o;
}

static void count(struct agg_judged *j, const struct agg_verdict *x)
{
	if (!strcmp(x->verdict, "passed"))
		j->passed++;
	else if (!strcmp(x->verdict, "skipped"))
		j->skipped++;
	else {
		j->failed++;
		j->blocking += x->blocking;
		j->informing_failures += !x->blocking;
	}
}

/*
 * What each run said of t, one letter per run in the order of the
 * response's "runs": p pass, f fail, k flaky, s skip, - not reported.
 */
static json_t *results(const struct agg_data *d, const struct agg_test *t,
		       struct buf *tmp)
{
	static const char letter[] = {
		[AGG_ABSENT] = '-', [AGG_PASS] = 'p', [AGG_FAIL] = 'f',
		[AGG_FLAKY] = 'k',  [AGG_SKIP] = 's',
	};

	buf_reset(tmp);
	for (size_t i = 0; i < d->nruns; i++)
		buf_addch(tmp, letter[t->marks[i]]);
	return json_stringn(tmp->data, tmp->len);
}

/* Says where an assumed percentage came from, after the original's words. */
static void history_note(const struct agg_settings *s, const struct agg_data *d,
			 enum passfail_history h, struct buf *msg)
{
	if (h == PASSFAIL_HISTORY_NONE)
		buf_addf(msg,
			 "  The test has no history in the job's last %d runs "
			 "within %d days, so %d%% is assumed.",
			 s->history_runs, s->history_days,
			 s->pf.no_history_pct);
	else if (h == PASSFAIL_HISTORY_FAILED)
		buf_addf(msg,
			 "  The history could not be read (%s), so %d%% is "
			 "assumed.",
			 d->history_error ? d->history_error : "unknown error",
			 s->pf.failed_history_pct);
}

static void judge_test(const struct agg_settings *s, const struct agg_data *d,
		       const struct agg_test *t, json_t *tests,
		       struct agg_judged *j, struct buf *msg)
{
	struct passfail_test pt = {
		.suite = t->suite,
		.name = t->name,
		.attempts = t->attempts,
		.passes = t->passes,
		.failures = t->failures,
		.failure_results = t->failure_results,
		.skips = t->skips,
		.informing = t->informing,
	};
	struct passfail_result res;
	struct agg_verdict *x;
	json_t *o;

	if (d->history_failed)
		pt.history = PASSFAIL_HISTORY_FAILED;
	else if (!t->hist_total)
		pt.history = PASSFAIL_HISTORY_NONE;
	else
		pt.working_pct =
			100.0 * (double)t->hist_working / (double)t->hist_total;
	if (listed(s->always_pass, t->suite, t->name))
		pt.always_pass_reason =
			"listed in [aggregation] always_pass of the "
			"configuration";
	else
		pt.always_pass_reason =
			passfail_builtin_always_pass(t->suite, t->name);
	if (listed(s->never_fail, t->suite, t->name))
		pt.never_fail_reason = "listed in [aggregation] never_fail of "
				       "the configuration";
	else
		pt.never_fail_reason = passfail_builtin_never_fail(t->name);
	passfail_check(&s->pf, &pt, &res, msg);
	if (res.working_pct >= 0)
		history_note(s, d, pt.history, msg);

	x = add_verdict(j);
	x->test_id = t->test_id;
	x->suite = t->suite;
	x->name = t->name;
	x->verdict = passfail_verdict_name(res.verdict);
	x->rule = rule_names[res.rule];
	x->attempts = t->attempts;
	x->passes = t->passes;
	x->failures = t->failures;
	x->skips = t->skips;
	x->history_pct = res.working_pct;
	x->history_source =
		res.working_pct >= 0 ? history_names[pt.history] : NULL;
	x->required = res.required;
	x->strict = res.strict_required;
	x->informing = t->informing;
	x->blocking = res.blocking;
	x->explanation = arena_strdup(&j->strings, msg->data);
	count(j, x);
	o = verdict_json(x, t->classname);
	json_object_set_new(o, "results", results(d, t, msg));
	json_array_append_new(tests, o);
}

/*
 * Appends a disruption verdict and its object; res is its "results" (p
 * passed, f failed, - no data, per run).
 */
static void add_check(struct agg_judged *j, json_t *tests, const char *name,
		      enum passfail_verdict v,
		      const struct disruption_result *r,
		      const char *explanation, const char *res)
{
	struct agg_verdict *x = add_verdict(j);
	json_t *o;

	x->suite = DISRUPTION_SUITE;
	x->name = arena_strdup(&j->strings, name);
	x->verdict = passfail_verdict_name(v);
	x->rule = "disruption";
	x->attempts = r ? r->passes + r->failures : 0;
	x->passes = r ? r->passes : 0;
	x->failures = r ? r->failures : 0;
	x->history_pct = -1;
	x->required = r ? r->required : -1;
	x->strict = -1;
	x->blocking = v == PASSFAIL_FAILED;
	x->explanation = arena_strdup(&j->strings, explanation);
	count(j, x);
	o = verdict_json(x, "");
	json_object_set_new(o, "results", json_string(res));
	json_array_append_new(tests, o);
}

/* Runs every check of the table on one backend. */
static void judge_backend(const struct agg_settings *s,
			  const struct agg_data *d, const struct agg_backend *b,
			  json_t *tests, struct agg_judged *j, struct buf *msg)
{
	struct disruption_run *runs = xcalloc(d->nruns + 1, sizeof(*runs));
	size_t *at = xcalloc(d->nruns + 1, sizeof(size_t)); /* run index */
	bool *failed = xcalloc(d->nruns + 1, sizeof(bool));
	char *res = xmalloc(d->nruns + 1);
	struct disruption_history h;
	struct disruption_input in = {.backend = b->name, .runs = runs};
	struct buf name = BUF_INIT;

	for (size_t i = 0; i < d->nruns; i++) {
		if (b->seconds[i] < 0)
			continue;
		at[in.nr_runs] = i;
		runs[in.nr_runs++] = (struct disruption_run){d->runs[i].run_id,
							     b->seconds[i]};
	}
	if (b->nhistory) {
		disruption_history_compute(&h, b->history, b->nhistory);
		in.history = &h;
	}
	for (size_t c = 0; c < disruption_nr_checks; c++) {
		struct disruption_result r;

		disruption_run_check(&disruption_checks[c], &in, &s->pf, &r,
				     failed, msg);
		memset(res, '-', d->nruns);
		res[d->nruns] = '\0';
		for (size_t i = 0; i < in.nr_runs; i++)
			res[at[i]] = failed[i] ? 'f' : 'p';
		buf_reset(&name);
		buf_addf(&name, disruption_checks[c].name_fmt, b->name);
		add_check(j, tests, name.data, r.verdict, &r, msg->data, res);
	}
	buf_release(&name);
	free(res);
	free(failed);
	free(at);
	free(runs);
}

static void judge_disruptions(const struct agg_settings *s,
			      const struct agg_data *d, json_t *tests,
			      struct agg_judged *j, struct buf *msg)
{
	char *res = xmalloc(d->nruns + 1);
	size_t with = 0;

	for (size_t i = 0; i < d->nruns; i++) {
		with += d->runs[i].has_disruptions;
		res[i] = d->runs[i].has_disruptions ? 'p' : 'f';
	}
	res[d->nruns] = '\0';
	if (!with || (d->topology && !strcmp(d->topology, "single")))
		goto out;
	if (with < DISRUPTION_MIN_RUNS) {
		add_check(j, tests, DISRUPTION_COLLECT_TEST, PASSFAIL_FAILED,
			  NULL, DISRUPTION_NOT_ENOUGH_DATA, res);
		goto out;
	}
	add_check(j, tests, DISRUPTION_COLLECT_TEST, PASSFAIL_PASSED, NULL, "",
		  res);
	for (size_t i = 0; i < d->nbackends; i++)
		if (!disruption_backend_ignored(d->backends[i].name))
			judge_backend(s, d, &d->backends[i], tests, j, msg);
out:
	free(res);
}

void agg_judge(const struct agg_settings *s, const struct agg_data *d,
	       json_t *tests, struct agg_judged *out)
{
	struct buf msg = BUF_INIT;

	memset(out, 0, sizeof(*out));
	arena_init(&out->strings);
	for (size_t i = 0; i < d->ntests; i++)
		judge_test(s, d, &d->tests[i], tests, out, &msg);
	judge_disruptions(s, d, tests, out, &msg);
	buf_release(&msg);
}

void agg_judged_release(struct agg_judged *out)
{
	free(out->v);
	arena_release(&out->strings);
	memset(out, 0, sizeof(*out));
}
