-- 0008_flaky_regressions: verdict levels and stored regressions (SQLite).
--
-- Three verdict levels, as LUCI Analysis defines them (peers.md 3.1):
--   * result: one attempt of a test in a job run (test_result, 0001);
--   * run: all attempts of a test in one job run (test_run_status, 0001):
--     pass, fail, flaky or skip;
--   * payload: all runs of a test in one job on one payload (the view
--     test_payload_verdict below), derived from the run level.
-- 'testpump report regressions' keeps the regressions it finds in the
-- table regression, so they have a lifetime: opened, seen, closed.
-- Conventions as in 0001_core.

-- test_payload_verdict: the verdict of one test over all runs of one job
-- on one payload (a build under test), folded from test_run_status:
-- flaky when some run was flaky, or some passed and some failed; fail
-- when runs failed and none passed; pass when runs passed and none
-- failed; skip when every run skipped.
CREATE VIEW test_payload_verdict AS
SELECT r.payload_id AS payload_id,
	r.job_id AS job_id,
	s.test_id AS test_id,
	count(*) AS runs,
	sum(CASE WHEN s.status = 'pass' THEN 1 ELSE 0 END) AS passes,
	sum(CASE WHEN s.status = 'fail' THEN 1 ELSE 0 END) AS failures,
	sum(CASE WHEN s.status = 'flaky' THEN 1 ELSE 0 END) AS flakes,
	sum(CASE WHEN s.status = 'skip' THEN 1 ELSE 0 END) AS skips,
	CASE
		WHEN sum(CASE WHEN s.status = 'flaky' THEN 1 ELSE 0 END) > 0
			OR (sum(CASE WHEN s.status = 'pass' THEN 1 ELSE 0 END) > 0
			AND sum(CASE WHEN s.status = 'fail' THEN 1 ELSE 0 END) > 0)
			THEN 'flaky'
		WHEN sum(CASE WHEN s.status = 'fail' THEN 1 ELSE 0 END) > 0
			THEN 'fail'
		WHEN sum(CASE WHEN s.status = 'pass' THEN 1 ELSE 0 END) > 0
			THEN 'pass'
		ELSE 'skip'
	END AS verdict
FROM test_run_status s
JOIN job_run r ON r.id = s.job_run_id
WHERE r.payload_id IS NOT NULL
GROUP BY r.payload_id, r.job_id, s.test_id;

-- regression: a test whose pass rate in one job dropped significantly,
-- found by 'testpump report regressions' comparing a basis window with
-- a sample window (one-sided Fisher exact test, as Sippy's Component
-- Readiness).  A regression is open while closed_at is NULL; at most one
-- open regression per (job, test).  While it is open the report judges
-- the test with relaxed thresholds (hysteresis), and closes it when the
-- test is no longer significantly worse.
CREATE TABLE regression (
	id INTEGER PRIMARY KEY,
	job_id INTEGER NOT NULL REFERENCES job (id) ON DELETE CASCADE,
	test_id INTEGER NOT NULL REFERENCES test (id),
	-- The job's variants as 'key=value,key=value' (by key), '' for none.
	variant TEXT NOT NULL DEFAULT '',
	-- When the report that found it ran.
	opened_at TEXT NOT NULL CHECK (opened_at GLOB '????-??-??T??:??:??Z'),
	-- The start of the first and of the last failing run seen in the
	-- sample windows while the regression was open.
	first_seen TEXT NOT NULL CHECK (first_seen GLOB '????-??-??T??:??:??Z'),
	last_seen TEXT NOT NULL CHECK (last_seen GLOB '????-??-??T??:??:??Z'),
	-- When a report found it recovered; NULL while open.
	closed_at TEXT CHECK (closed_at GLOB '????-??-??T??:??:??Z'),
	-- The counts of the last report that judged it: runs that passed
	-- (flakes count as passes unless flakes_as_failures) and failed, in
	-- the basis and in the sample window.
	basis_passes INTEGER NOT NULL CHECK (basis_passes >= 0),
	basis_failures INTEGER NOT NULL CHECK (basis_failures >= 0),
	sample_passes INTEGER NOT NULL CHECK (sample_passes >= 0),
	sample_failures INTEGER NOT NULL CHECK (sample_failures >= 0),
	-- The one-sided Fisher p-value; NULL for a new test (judged by its
	-- pass rate alone).
	p_value REAL,
	-- significant, extreme (a drop of more than 15 points) or new-test.
	severity TEXT NOT NULL CHECK (severity = 'significant'
		OR severity = 'extreme' OR severity = 'new-test'),
	-- Why, in words, and the parameters it was judged with
	-- ('confidence=95 pity=5 ...').
	explanation TEXT NOT NULL,
	parameters TEXT NOT NULL,
	CHECK (closed_at IS NULL OR closed_at >= opened_at),
	CHECK (last_seen >= first_seen)
) STRICT;

-- At most one open regression per job and test.
CREATE UNIQUE INDEX regression_open ON regression (job_id, test_id)
	WHERE closed_at IS NULL;
CREATE INDEX regression_test_id ON regression (test_id);
