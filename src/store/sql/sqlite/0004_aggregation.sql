-- 0004_aggregation: the verdicts of 'testpump aggregate' (SQLite).
--
-- 'testpump aggregate --job J --payload P' judges the runs of one job on
-- one payload test by test against the job's history, as openshift/ci-tools
-- job-run-aggregator does (seed-systems.md 2.1), and keeps every verdict
-- here with its explanation and the parameters it was reached with, so a
-- gate's decision can be read back and audited.  Conventions as in
-- 0001_core.

-- aggregation: one judgement of one job's runs on one payload.
-- Aggregating the same (job, payload) again replaces the row and its
-- aggregation_test and aggregation_run rows.
CREATE TABLE aggregation (
	id INTEGER PRIMARY KEY,
	job_id INTEGER NOT NULL REFERENCES job (id) ON DELETE CASCADE,
	payload_id INTEGER NOT NULL REFERENCES payload (id) ON DELETE CASCADE,
	-- passed: no blocking test failed; failed: at least one did (the
	-- command exits 2).
	verdict TEXT NOT NULL CHECK (verdict IN ('passed', 'failed')),
	-- When the aggregation ran.
	aggregated_at TEXT NOT NULL
		CHECK (aggregated_at GLOB '????-??-??T??:??:??Z'),
	-- The payload's runs judged.
	runs INTEGER NOT NULL CHECK (runs >= 0),
	-- The job's runs the history was read from (the payload's own runs
	-- are never among them).
	history_runs_used INTEGER NOT NULL CHECK (history_runs_used >= 0),
	-- Verdict counts over aggregation_test.
	tests INTEGER NOT NULL CHECK (tests >= 0),
	passed INTEGER NOT NULL CHECK (passed >= 0),
	failed INTEGER NOT NULL CHECK (failed >= 0),
	skipped INTEGER NOT NULL CHECK (skipped >= 0),
	-- Failed tests that block the payload (not lifecycle informing).
	blocking_failures INTEGER NOT NULL CHECK (blocking_failures >= 0),
	-- The parameters: fewer distinct runs than min_attempts fail a test;
	-- up to pity failures are always forgiven; required passes come from
	-- a one-sided Fisher exact test at alpha against a corpus of corpus
	-- runs; history is the job's last history_runs runs within
	-- history_days days, with no_history_pct assumed for a test without
	-- history and failed_history_pct when history could not be read.
	min_attempts INTEGER NOT NULL,
	pity INTEGER NOT NULL,
	alpha REAL NOT NULL,
	corpus INTEGER NOT NULL,
	history_runs INTEGER NOT NULL,
	history_days INTEGER NOT NULL,
	no_history_pct INTEGER NOT NULL,
	failed_history_pct INTEGER NOT NULL,
	UNIQUE (job_id, payload_id)
) STRICT;

CREATE INDEX aggregation_payload_id ON aggregation (payload_id);

-- aggregation_run: the job runs an aggregation judged.
CREATE TABLE aggregation_run (
	aggregation_id INTEGER NOT NULL
		REFERENCES aggregation (id) ON DELETE CASCADE,
	job_run_id INTEGER NOT NULL REFERENCES job_run (id) ON DELETE CASCADE,
	PRIMARY KEY (aggregation_id, job_run_id)
) STRICT, WITHOUT ROWID;

-- aggregation_test: the verdict on one test (or one disruption check,
-- stored as a test of suite 'BackendDisruption') in one aggregation.
-- Enumerations are OR chains, not IN lists: SQLite builds a temporary
-- index per row for an IN list in a CHECK (see 0001_core.sql).
CREATE TABLE aggregation_test (
	aggregation_id INTEGER NOT NULL
		REFERENCES aggregation (id) ON DELETE CASCADE,
	test_id INTEGER NOT NULL REFERENCES test (id),
	-- passed, failed or skipped, as the original's statuses.
	verdict TEXT NOT NULL CHECK (verdict = 'passed' OR verdict = 'failed'
		OR verdict = 'skipped'),
	-- The rule that decided, in the order they are tried: always-pass,
	-- not-run, never-fail, probably-skipped, min-attempts, no-pass,
	-- required-passes; disruption checks say disruption.
	rule TEXT NOT NULL CHECK (rule = 'always-pass' OR rule = 'not-run'
		OR rule = 'never-fail' OR rule = 'probably-skipped'
		OR rule = 'min-attempts' OR rule = 'no-pass'
		OR rule = 'required-passes' OR rule = 'disruption'),
	-- Distinct runs with a pass or a failure; runs with a pass (a flake
	-- within a run is a pass); runs that failed and never passed;
	-- skipped results.
	attempts INTEGER NOT NULL CHECK (attempts >= 0),
	passes INTEGER NOT NULL CHECK (passes >= 0),
	failures INTEGER NOT NULL CHECK (failures >= 0),
	skips INTEGER NOT NULL CHECK (skips >= 0),
	-- The historical working percentage used (truncated), NULL when the
	-- rule decided before history was read.
	history_pct INTEGER CHECK (history_pct BETWEEN 0 AND 100),
	-- Where it came from: found (the test's own history), none (no
	-- history: the configured default) or failed (unreadable history).
	history_source TEXT CHECK (history_source = 'found'
		OR history_source = 'none' OR history_source = 'failed'),
	-- Required passes after the pity factor, and the Fisher table's
	-- strict value; NULL when not reached.
	required_passes INTEGER,
	strict_required_passes INTEGER,
	-- 1 when the test's lifecycle is informing: reported, never blocks.
	informing INTEGER NOT NULL CHECK (informing = 0 OR informing = 1),
	-- 1 when the test failed and is not informing: it fails the payload.
	blocking INTEGER NOT NULL CHECK (blocking = 0 OR blocking = 1),
	-- The explanation, in the original's exact words ("Passed: Passed 8
	-- times, failed 2 times.  The historical pass rate is ...").
	explanation TEXT NOT NULL,
	PRIMARY KEY (aggregation_id, test_id)
) STRICT, WITHOUT ROWID;

-- Every aggregation verdict of one test, across payloads.
CREATE INDEX aggregation_test_test_id ON aggregation_test (test_id);
