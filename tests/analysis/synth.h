/*
 * synth.h - a seeded synthetic test history for the analysis tests
 * (flaky tests, regressions, change points, failure clusters).
 *
 * One job runs `builds` times (build b starts at SYNTH_T0_MS + b *
 * SYNTH_STEP_MS) over `tests` tests named t000, t001, ... in suite
 * "synth".  Every (build, test) outcome is a pure function of the seed,
 * the build and the test (a splitmix64 hash, no hidden state), so any
 * single cell can be asked for in any order and two runs agree:
 *
 *   - the test break_test passes until break_build, then fails in every
 *     build from break_build until fix_build (exclusive; builds = never);
 *   - the tests flaky[0] and flaky[1] are flaky at rates flaky_rate[i]:
 *     in that share of builds the run is "flaky" (attempt 1 fails,
 *     attempt 2 passes), or, in flaky_fail_share of those, a plain
 *     failure (one failed attempt);
 *   - in the storm builds (storm[], up to SYNTH_MAX_STORMS, -1 unused)
 *     every test fails except one in ten (an infrastructure storm);
 *   - every other cell passes, except the test skip_test, which is
 *     always skipped.
 *
 * synth_default() is the history of issue 10's "Done when": 200 builds,
 * 40 tests, a break of t007 at build 120, t013 flaky at 12% and t021 at
 * 25%, storms at builds 50 and 160, t030 always skipped.
 *
 * synth_load() writes the history into a migrated store (job, job_run,
 * test, test_result, test_run_status rows), with failure messages that
 * differ only in digits and hex (for failure clusters).  Header-only:
 * every function is static inline.
 */
#ifndef TESTPUMP_TESTS_ANALYSIS_SYNTH_H
#define TESTPUMP_TESTS_ANALYSIS_SYNTH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

#define SYNTH_T0_MS INT64_C(1704067200000) /* 2024-01-01T00:00:00Z */
#define SYNTH_STEP_MS INT64_C(14400000)	   /* one build every 4 hours */
#define SYNTH_MAX_STORMS 4

enum synth_status { SYNTH_PASS, SYNTH_FAIL, SYNTH_FLAKY, SYNTH_SKIP };

struct synth_spec {
	uint64_t seed;
	int builds, tests;
	int break_test, break_build, fix_build; /* break_test -1: none */
	int flaky[2];				/* -1: none */
	double flaky_rate[2];
	double flaky_fail_share;
	int storm[SYNTH_MAX_STORMS]; /* -1: unused */
	int skip_test;		     /* -1: none */
	const char *job;
};

/* The history of the "Done when" (see the file comment). */
static inline struct synth_spec synth_default(void)
{
	struct synth_spec s = {
		.seed = 20261122,
		.builds = 200,
		.tests = 40,
		.break_test = 7,
		.break_build = 120,
		.fix_build = 200,
		.flaky = {13, 21},
		.flaky_rate = {0.12, 0.25},
		.flaky_fail_share = 0.25,
		.storm = {50, 160, -1, -1},
		.skip_test = 30,
		.job = "synth-e2e",
	};
	return s;
}

/* A uniform double in [0, 1) from (seed, build, test, salt). */
static inline double synth_uniform(uint64_t seed, int build, int test, int salt)
{
	uint64_t z = seed ^ ((uint64_t)(uint32_t)build << 32) ^
		     ((uint64_t)(uint32_t)test << 8) ^ (uint64_t)salt;

	z += UINT64_C(0x9e3779b97f4a7c15);
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0;
}

/* Whether build is one of s's storms. */
static inline int synth_is_storm(const struct synth_spec *s, int build)
{
	for (int i = 0; i < SYNTH_MAX_STORMS; i++)
		if (s->storm[i] >= 0 && s->storm[i] == build)
			return 1;
	return 0;
}

/* The outcome of test in build (see the file comment). */
static inline enum synth_status synth_status(const struct synth_spec *s,
					     int build, int test)
{
	if (test == s->skip_test)
		return SYNTH_SKIP;
	if (synth_is_storm(s, build))
		return test % 10 == 9 ? SYNTH_PASS : SYNTH_FAIL;
	if (test == s->break_test && build >= s->break_build &&
	    build < s->fix_build)
		return SYNTH_FAIL;
	for (int i = 0; i < 2; i++) {
		if (test != s->flaky[i])
			continue;
		if (synth_uniform(s->seed, build, test, 1) >= s->flaky_rate[i])
			return SYNTH_PASS;
		return synth_uniform(s->seed, build, test, 2) <
				       s->flaky_fail_share
			       ? SYNTH_FAIL
			       : SYNTH_FLAKY;
	}
	return SYNTH_PASS;
}

/* The run id of build b ("b0042") into out[16]. */
static inline void synth_run_id(int build, char out[16])
{
	snprintf(out, 16, "b%04d", build);
}

/* The name of test t ("t007") into out[16]. */
static inline void synth_test_name(int test, char out[16])
{
	snprintf(out, 16, "t%03d", test);
}

/* A failure message: the same shape per test, digits and hex varying. */
static inline void synth_message(int build, int test, char out[96])
{
	snprintf(out, 96, "assertion failed in t%03d at 0x%08x after %d ms",
		 test, (unsigned)(build * 2654435761u), 100 + build % 50);
}

/* Inserts one attempt of test_id in run; -1 with the message set. */
static inline int synth_attempt(struct store *st, int64_t run, int64_t test_id,
				int attempt, const char *status,
				const char *hash)
{
	struct store_value v[5] = {STORE_INT_V(run), STORE_INT_V(test_id),
				   STORE_INT_V(attempt), STORE_TEXT_V(status),
				   STORE_TEXT_V(hash)};

	return store_exec(st,
			  "INSERT INTO test_result (job_run_id, test_id, "
			  "attempt, status, duration_ms, message_hash) "
			  "VALUES (?, ?, ?, ?, 10, ?)",
			  v, 5, NULL, NULL);
}

/* Writes one cell's test_result and test_run_status rows. */
static inline int synth_cell(struct store *st, const struct synth_spec *s,
			     int64_t run, int64_t test_id, int b, int t)
{
	static const char *const names[] = {"pass", "fail", "flaky", "skip"};
	enum synth_status k = synth_status(s, b, t);
	char msg[96], hash[24];
	int64_t fails = k == SYNTH_FAIL || k == SYNTH_FLAKY;
	struct store_value v[5];
	int rc;

	synth_message(b, t, msg);
	snprintf(hash, sizeof(hash), "synth%d-%d", b, t);
	if (fails) {
		v[0] = STORE_TEXT_V(hash);
		v[1] = STORE_TEXT_V(msg);
		v[2] = STORE_INT_V((int64_t)strlen(msg));
		if (store_exec(st,
			       "INSERT INTO test_output (hash, text, "
			       "original_length) VALUES (?, ?, ?)",
			       v, 3, NULL, NULL) < 0)
			return -1;
	}
	rc = synth_attempt(st, run, test_id, 1,
			   k == SYNTH_SKIP   ? "skip"
			   : k == SYNTH_PASS ? "pass"
					     : "fail",
			   fails ? hash : NULL);
	if (!rc && k == SYNTH_FLAKY)
		rc = synth_attempt(st, run, test_id, 2, "pass", NULL);
	if (rc < 0)
		return -1;
	v[0] = STORE_INT_V(run);
	v[1] = STORE_INT_V(test_id);
	v[2] = STORE_TEXT_V(names[k]);
	v[3] = STORE_INT_V(k == SYNTH_FLAKY ? 2 : 1);
	v[4] = STORE_INT_V(fails);
	return store_exec(st,
			  "INSERT INTO test_run_status (job_run_id, test_id, "
			  "status, attempts, failures, duration_ms) "
			  "VALUES (?, ?, ?, ?, ?, 10)",
			  v, 5, NULL, NULL);
}

/* Interns the tests t000.. of s; ids[t] gets test t's id. */
static inline int synth_tests(struct store *st, const struct synth_spec *s,
			      int64_t *ids)
{
	for (int t = 0; t < s->tests; t++) {
		char name[16];
		struct store_value v = STORE_TEXT_V(name);

		synth_test_name(t, name);
		if (store_exec(st,
			       "INSERT INTO test (suite, classname, name) "
			       "VALUES ('synth', '', ?)",
			       &v, 1, NULL, NULL) < 0 ||
		    store_query_int(st,
				    "SELECT id FROM test WHERE suite = "
				    "'synth' AND classname = '' AND name = ?",
				    &v, 1, &ids[t]) < 0)
			return -1;
	}
	return 0;
}

/* Writes one build's job_run row and cells. */
static inline int synth_build(struct store *st, const struct synth_spec *s,
			      int64_t job_id, const int64_t *ids, int b)
{
	char rid[16], at[STORE_TIME_MAX];
	struct store_value v[5];
	int any_fail = 0;
	int64_t run;

	synth_run_id(b, rid);
	store_time(SYNTH_T0_MS + b * SYNTH_STEP_MS, at);
	for (int t = 0; t < s->tests; t++) {
		enum synth_status k = synth_status(s, b, t);

		any_fail |= k == SYNTH_FAIL;
	}
	v[0] = STORE_INT_V(job_id);
	v[1] = STORE_TEXT_V(rid);
	v[2] = STORE_TEXT_V(any_fail ? "fail" : "pass");
	v[3] = v[4] = STORE_TEXT_V(at);
	if (store_exec(st,
		       "INSERT INTO job_run (job_id, run_id, status, "
		       "started_at, ingested_at) VALUES (?, ?, ?, ?, ?)",
		       v, 5, NULL, NULL) < 0 ||
	    store_query_int(st,
			    "SELECT id FROM job_run WHERE job_id = ? AND "
			    "run_id = ?",
			    v, 2, &run) < 0)
		return -1;
	for (int t = 0; t < s->tests; t++)
		if (synth_cell(st, s, run, ids[t], b, t) < 0)
			return -1;
	return 0;
}

/*
 * Writes s's history into st (migrated, with no synth rows yet) in one
 * transaction; -1 with the message set.
 */
static inline int synth_load(struct store *st, const struct synth_spec *s)
{
	int64_t job_id, *ids = calloc((size_t)s->tests, sizeof(*ids));
	int rc = -1;

	if (!ids || store_begin(st) < 0) {
		free(ids);
		return -1;
	}
	if (store_upsert_name(st, "job", "name", s->job, &job_id) < 0 ||
	    synth_tests(st, s, ids) < 0)
		goto out;
	for (int b = 0; b < s->builds; b++)
		if (synth_build(st, s, job_id, ids, b) < 0)
			goto out;
	rc = store_commit(st);
out:
	if (rc < 0 && st->in_transaction)
		store_rollback(st);
	free(ids);
	return rc;
}

#endif
