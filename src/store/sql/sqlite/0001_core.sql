-- 0001_core: the core tables of testpump (SQLite).
--
-- This file is the data dictionary: BI tools (Looker, Metabase, Grafana)
-- read these tables directly, so every table and column is described here.
--
-- Conventions, the same in every table:
--   * id columns are INTEGER surrogate keys; the natural key of each table
--     is declared UNIQUE beside it, and writers upsert on it.
--   * Times are TEXT in RFC 3339 UTC with whole seconds, exactly
--     'YYYY-MM-DDTHH:MM:SSZ' (for example '2024-05-01T12:34:56Z'), so that
--     text order is time order.  A CHECK holds every time column to that
--     shape.
--   * Durations are INTEGER milliseconds.
--   * Enumerations are TEXT with a CHECK listing the allowed values.
--   * Tables are STRICT: a value of the wrong type is refused, not coerced.
--
-- Migrations are forward-only: this file never changes once released; a
-- change to the schema is a new file, 0002_..., beside it.

-- project: a product whose tests testpump follows (fenix, focus-ios, ...).
-- Projects come from the configuration; pumps and reports name them.
CREATE TABLE project (
	id INTEGER PRIMARY KEY,
	-- The name used on the command line: --project fenix.
	name TEXT NOT NULL UNIQUE,
	-- The project's id in TestRail, NULL when it has none.
	testrail_project_id INTEGER,
	created_at TEXT NOT NULL CHECK (created_at GLOB '????-??-??T??:??:??Z')
) STRICT;

-- source_cursor: how far each pump has read from each upstream, so the
-- next pump asks only for what is new.  A pump moves its cursor in the same
-- transaction as the rows it read, never before they commit.
CREATE TABLE source_cursor (
	-- The upstream: 'testrail', 'bugzilla', 'github', 'taskcluster',
	-- 'bitrise', ...
	source TEXT NOT NULL,
	-- What the cursor belongs to within that source: the project name,
	-- the repository ('owner/name') or the app the pump read.
	scope TEXT NOT NULL,
	-- The high-water mark, in the source's own terms (a time, an id, a
	-- page token); only the pump that wrote it interprets it.
	cursor TEXT NOT NULL,
	updated_at TEXT NOT NULL CHECK (updated_at GLOB '????-??-??T??:??:??Z'),
	PRIMARY KEY (source, scope)
) STRICT, WITHOUT ROWID;

-- pump_run: the audit trail of pumps.  One row per source and report type
-- of every 'testpump pump', written when it starts and finished when it
-- ends, whatever the outcome.
CREATE TABLE pump_run (
	id INTEGER PRIMARY KEY,
	-- The upstream read, as in source_cursor.source.
	source TEXT NOT NULL,
	-- The project name as given to the pump, NULL when the source is not
	-- read per project.  Kept as text so the audit outlives the project.
	project TEXT,
	-- 'test-case-coverage', 'test-run-counts', 'issue-regression',
	-- 'ci-builds', ...
	report_type TEXT NOT NULL,
	started_at TEXT NOT NULL CHECK (started_at GLOB '????-??-??T??:??:??Z'),
	-- NULL while the pump runs.
	finished_at TEXT CHECK (finished_at GLOB '????-??-??T??:??:??Z'),
	-- running: not finished (or the process died); success: everything
	-- was read and stored; failed: nothing was stored; partial: some of
	-- the source's data was stored, the rest failed (see error).
	status TEXT NOT NULL DEFAULT 'running'
		CHECK (status IN ('running', 'success', 'failed', 'partial')),
	-- Rows inserted or updated by this pump.
	rows_written INTEGER NOT NULL DEFAULT 0 CHECK (rows_written >= 0),
	-- The error message of a failed or partial pump (never a secret).
	error TEXT,
	CHECK (finished_at IS NULL OR finished_at >= started_at)
) STRICT;

CREATE INDEX pump_run_started_at ON pump_run (started_at);

-- job: a CI job whose runs are ingested and judged, for example
-- 'periodic-ci-e2e-aws'.  Created by 'testpump jobs prime' or by the
-- first 'testpump ingest junit --job J'.
CREATE TABLE job (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL CHECK (created_at GLOB '????-??-??T??:??:??Z')
) STRICT;

-- job_variant: what distinguishes a job from its siblings, as key/value
-- pairs (platform=aws, arch=arm64, network=ovn).  Reports group by them.
CREATE TABLE job_variant (
	job_id INTEGER NOT NULL REFERENCES job (id) ON DELETE CASCADE,
	key TEXT NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY (job_id, key)
) STRICT, WITHOUT ROWID;

-- Finds the jobs of one variant value (all jobs with platform=aws).
CREATE INDEX job_variant_key_value ON job_variant (key, value);

-- release: a product release (or release line) that payloads belong to.
CREATE TABLE release (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	-- The release this one follows, for comparisons between releases;
	-- NULL for the first one.
	previous_release_id INTEGER REFERENCES release (id) ON DELETE SET NULL
		CHECK (previous_release_id <> id),
	created_at TEXT NOT NULL CHECK (created_at GLOB '????-??-??T??:??:??Z')
) STRICT;

CREATE INDEX release_previous_release_id ON release (previous_release_id);

-- payload: one build under test (a payload or build tag), which many job
-- runs test and 'testpump aggregate' judges.
CREATE TABLE payload (
	id INTEGER PRIMARY KEY,
	-- The tag as CI names it, for example '4.16.0-0.nightly-2024-05-01-123456'.
	tag TEXT NOT NULL UNIQUE,
	-- The release it belongs to, NULL when not known.
	release_id INTEGER REFERENCES release (id) ON DELETE SET NULL,
	created_at TEXT NOT NULL CHECK (created_at GLOB '????-??-??T??:??:??Z')
) STRICT;

CREATE INDEX payload_release_id ON payload (release_id);

-- job_run: one run of a job in CI, whose JUnit results were ingested.  A
-- rerun of the whole job is another row with its own run_id; retries of
-- single tests inside a run are attempts in test_result.  Ingesting the
-- same (job, run_id) again replaces the run and its results.
CREATE TABLE job_run (
	id INTEGER PRIMARY KEY,
	-- A job with runs cannot be deleted (no cascade): history is kept.
	job_id INTEGER NOT NULL REFERENCES job (id),
	-- The CI's own id of the run (build number, task id, prow id).
	run_id TEXT NOT NULL,
	-- The payload the run tested, NULL when it tested none in particular.
	payload_id INTEGER REFERENCES payload (id) ON DELETE SET NULL,
	-- pass: every blocking test passed (flakes count as passes);
	-- fail: a test failed; error: the run broke outside the tests;
	-- unknown: the results do not say; running: not finished;
	-- aborted: cancelled before it finished.
	status TEXT NOT NULL CHECK (status IN
		('pass', 'fail', 'error', 'unknown', 'running', 'aborted')),
	-- When the run started: --started-at, else the JUnit timestamp, else
	-- the ingest time.  Never NULL, so "the last 200 runs" is an index
	-- range on (job_id, started_at).
	started_at TEXT NOT NULL CHECK (started_at GLOB '????-??-??T??:??:??Z'),
	-- NULL when not known.
	finished_at TEXT CHECK (finished_at GLOB '????-??-??T??:??:??Z'),
	-- Where a person can look at the run, NULL when not known.
	url TEXT,
	-- How the run reached testpump: 'junit' (testpump ingest junit),
	-- 'taskcluster', 'github', 'bitrise' (pumps).
	source TEXT NOT NULL DEFAULT 'junit',
	-- When testpump stored (or last replaced) the run.
	ingested_at TEXT NOT NULL CHECK (ingested_at GLOB '????-??-??T??:??:??Z'),
	UNIQUE (job_id, run_id),
	CHECK (finished_at IS NULL OR finished_at >= started_at)
) STRICT;

-- The runs of one payload ('testpump aggregate --payload P').
CREATE INDEX job_run_payload_id ON job_run (payload_id);
-- A job's recent runs: the last 200 runs behind the historical working
-- percentage, newest first.
CREATE INDEX job_run_job_id_started_at ON job_run (job_id, started_at);

-- test: every distinct test ever seen, interned once; results refer to it
-- by id.  A test is its (suite, classname, name), as JUnit names it.
CREATE TABLE test (
	id INTEGER PRIMARY KEY,
	-- The JUnit <testsuite name>.
	suite TEXT NOT NULL,
	-- The JUnit <testcase classname>, '' when the dialect has none.
	classname TEXT NOT NULL DEFAULT '',
	-- The JUnit <testcase name>.
	name TEXT NOT NULL,
	UNIQUE (suite, classname, name)
) STRICT;

-- test_result: the hot fact table, one row per attempt of a test in a job
-- run (10,000 runs of 10,000 tests a day is 100M rows a day).  It holds
-- only integers and short codes; texts live in test_output, by hash.
-- The hot tables spell their enumerations as OR chains: SQLite builds a
-- temporary index for every row it checks against an IN list, which made
-- each insert several times slower.
CREATE TABLE test_result (
	-- Deleting (or re-ingesting) a run deletes its results.
	job_run_id INTEGER NOT NULL REFERENCES job_run (id) ON DELETE CASCADE,
	test_id INTEGER NOT NULL REFERENCES test (id),
	-- 1 for the first execution of the test in the run, 2 for the next
	-- (a retry, a rerun, or the same testcase reported again), and so on,
	-- in the order the run executed them.
	attempt INTEGER NOT NULL CHECK (attempt >= 1),
	-- pass, fail (an assertion failed), error (the test broke rather than
	-- failed), or skip.
	status TEXT NOT NULL CHECK (status = 'pass' OR status = 'fail'
		OR status = 'error' OR status = 'skip'),
	-- 1 when the attempt is a retry the test runner itself made and
	-- reported as such (surefire <flakyFailure>, <rerunFailure>, Flank
	-- flaky="true"), else 0.
	retried INTEGER NOT NULL DEFAULT 0 CHECK (retried = 0 OR retried = 1),
	-- The reported time of the attempt, NULL when not reported.
	duration_ms INTEGER CHECK (duration_ms >= 0),
	-- The failure's or skip's message attribute, its body (usually a
	-- stack trace), and the attempt's captured output: each the hash of a
	-- test_output row, NULL when there is none.
	message_hash TEXT,
	text_hash TEXT,
	stdout_hash TEXT,
	stderr_hash TEXT,
	-- blocking: the result can fail an aggregation; informing: it is
	-- reported but never blocks a payload.
	lifecycle TEXT NOT NULL DEFAULT 'blocking'
		CHECK (lifecycle = 'blocking' OR lifecycle = 'informing'),
	PRIMARY KEY (job_run_id, test_id, attempt)
) STRICT, WITHOUT ROWID;

-- test_run_status: the verdict of one test in one job run, folded from its
-- attempts: pass (passed, never failed), fail (failed or errored, never
-- passed), flaky (passed and failed within the run: a retried-then-passed
-- test is flaky, never a clean pass), skip (only skipped).  This is what
-- aggregation and history read, one row per test and run.
CREATE TABLE test_run_status (
	job_run_id INTEGER NOT NULL REFERENCES job_run (id) ON DELETE CASCADE,
	test_id INTEGER NOT NULL REFERENCES test (id),
	status TEXT NOT NULL CHECK (status = 'pass' OR status = 'fail'
		OR status = 'flaky' OR status = 'skip'),
	-- How many attempts the run made, and how many failed or errored.
	attempts INTEGER NOT NULL CHECK (attempts >= 1),
	failures INTEGER NOT NULL CHECK (failures >= 0),
	-- The sum of the attempts' reported times, NULL when none reported.
	duration_ms INTEGER CHECK (duration_ms >= 0),
	lifecycle TEXT NOT NULL DEFAULT 'blocking'
		CHECK (lifecycle = 'blocking' OR lifecycle = 'informing'),
	PRIMARY KEY (job_run_id, test_id)
) STRICT, WITHOUT ROWID;

-- One test's history across runs (working percentage over the last 200
-- runs, flake rates, regressions).
CREATE INDEX test_run_status_test_id ON test_run_status (test_id, job_run_id);

-- job_run_suite: each JUnit <testsuite> of a run, with its suite-level
-- output (setup logs, Bazel's test log).
CREATE TABLE job_run_suite (
	job_run_id INTEGER NOT NULL REFERENCES job_run (id) ON DELETE CASCADE,
	-- The suite path: nested suite names joined by '/'.
	suite TEXT NOT NULL,
	-- Testcases counted in the suite (not its header's tests attribute).
	tests INTEGER NOT NULL CHECK (tests >= 0),
	hostname TEXT,
	started_at TEXT CHECK (started_at GLOB '????-??-??T??:??:??Z'),
	stdout_hash TEXT,
	stderr_hash TEXT,
	PRIMARY KEY (job_run_id, suite)
) STRICT, WITHOUT ROWID;

-- test_output: every distinct text that came with results (failure
-- messages, stack traces, captured output), stored once however many
-- results share it, and kept apart so test_result stays small.  Long text
-- is stored with its middle elided; original_length says how long it was.
CREATE TABLE test_output (
	-- SHA-256 (hex) of the text as stored.
	hash TEXT PRIMARY KEY,
	text TEXT NOT NULL,
	-- Length in bytes of the text before elision.
	original_length INTEGER NOT NULL CHECK (original_length >= 0)
) STRICT, WITHOUT ROWID;
