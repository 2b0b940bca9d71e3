-- 0007_ci_builds: CI builds read from GitHub Actions, Taskcluster and
-- Bitrise, their jobs, and the CI-builds report (SQLite).
--
-- Written by 'testpump pump --report-type ci-builds' (sources 'github',
-- 'taskcluster', 'bitrise').  A build is one attempt of one run of one
-- workflow upstream: a GitHub workflow run attempt, a Taskcluster task run,
-- a Bitrise build.  Rows are upserted on (source, project, build_id,
-- attempt): projects that share a repository (fenix and focus-android)
-- each count its builds.  Each
-- project's rows of one pump are written in one transaction with its
-- source_cursor.  The JUnit XML a build published as artifacts is ingested
-- as one job_run per build attempt (job '<source>:<workflow>', run_id
-- '<build_id>' for attempt 1, '<build_id>.<attempt>' after), which
-- job_run_id links.  Conventions as in 0001_core.

-- ci_build: one attempt of one CI build.
CREATE TABLE ci_build (
	id INTEGER PRIMARY KEY,
	-- Where it ran: 'github', 'taskcluster' or 'bitrise'.
	source TEXT NOT NULL CHECK (source = 'github'
		OR source = 'taskcluster' OR source = 'bitrise'),
	-- The project's name in the configuration (fenix, ...).
	project TEXT NOT NULL,
	-- The workflow (GitHub workflow name, Taskcluster task name, Bitrise
	-- triggered workflow).
	workflow TEXT NOT NULL,
	-- The upstream's id of the build (run id, task id, build slug).
	build_id TEXT NOT NULL,
	-- 1 for the first attempt, 2.. for re-runs and retries.
	attempt INTEGER NOT NULL CHECK (attempt >= 1),
	-- The build number people see, NULL when the upstream has none.
	number INTEGER,
	-- success, failure, error (the infrastructure broke), canceled,
	-- superseded (a newer push replaced it: not a failure), running,
	-- skipped.
	status TEXT NOT NULL CHECK (status = 'success' OR status = 'failure'
		OR status = 'canceled' OR status = 'superseded'
		OR status = 'running' OR status = 'error'
		OR status = 'skipped'),
	-- 1 when the upstream retried it by itself (Taskcluster reasonCreated
	-- 'retry'), not a person.
	retry INTEGER NOT NULL DEFAULT 0 CHECK (retry IN (0, 1)),
	-- Branch, commit (named commit_sha: COMMIT is an SQL keyword) and the
	-- event that started it (push, pull_request, schedule, ...); NULL when
	-- not known.
	branch TEXT,
	commit_sha TEXT,
	event TEXT,
	started_at TEXT CHECK (started_at GLOB '????-??-??T??:??:??Z'),
	finished_at TEXT CHECK (finished_at GLOB '????-??-??T??:??:??Z'),
	-- Where a person sees the build, NULL when not known.
	url TEXT,
	-- The job run its JUnit artifacts became, NULL when it had none.
	job_run_id INTEGER REFERENCES job_run (id) ON DELETE SET NULL,
	-- When a pump last wrote the row.
	updated_at TEXT NOT NULL CHECK (updated_at GLOB '????-??-??T??:??:??Z'),
	UNIQUE (source, project, build_id, attempt)
) STRICT;

CREATE INDEX ci_build_project_started ON ci_build (project, started_at);
CREATE INDEX ci_build_job_run ON ci_build (job_run_id);

-- ci_job: a job of a build (GitHub Actions jobs), deleted with its build.
CREATE TABLE ci_job (
	build INTEGER NOT NULL REFERENCES ci_build (id) ON DELETE CASCADE,
	-- The upstream's id of the job.
	job_id TEXT NOT NULL,
	name TEXT NOT NULL,
	-- As ci_build.status.
	status TEXT NOT NULL CHECK (status = 'success' OR status = 'failure'
		OR status = 'canceled' OR status = 'superseded'
		OR status = 'running' OR status = 'error'
		OR status = 'skipped'),
	started_at TEXT CHECK (started_at GLOB '????-??-??T??:??:??Z'),
	finished_at TEXT CHECK (finished_at GLOB '????-??-??T??:??:??Z'),
	PRIMARY KEY (build, job_id)
) STRICT;

-- report_ci_builds: builds per project, source, workflow and day (of their
-- start, else their end, else when pumped) with their counts by status,
-- the automatic retries among them, and the tests of their JUnit by run
-- status (test_run_status of the linked job runs); for BI tools and
-- 'testpump report ci-builds'.
CREATE VIEW report_ci_builds AS
SELECT b.project, b.source, b.workflow,
	substr(coalesce(b.started_at, b.finished_at, b.updated_at), 1, 10)
		AS day,
	count(*) AS builds,
	count(CASE WHEN b.status = 'success' THEN 1 END) AS success,
	count(CASE WHEN b.status = 'failure' THEN 1 END) AS failure,
	count(CASE WHEN b.status = 'error' THEN 1 END) AS error,
	count(CASE WHEN b.status = 'canceled' OR b.status = 'superseded'
		THEN 1 END) AS canceled,
	count(CASE WHEN b.status = 'running' THEN 1 END) AS running,
	count(CASE WHEN b.retry = 1 THEN 1 END) AS retries,
	count(b.job_run_id) AS with_tests,
	coalesce(sum(t.pass), 0) AS tests_pass,
	coalesce(sum(t.fail), 0) AS tests_fail,
	coalesce(sum(t.flaky), 0) AS tests_flaky,
	coalesce(sum(t.skip), 0) AS tests_skip
FROM ci_build AS b
LEFT JOIN (SELECT s.job_run_id,
		count(CASE WHEN s.status = 'pass' THEN 1 END) AS pass,
		count(CASE WHEN s.status = 'fail' THEN 1 END) AS fail,
		count(CASE WHEN s.status = 'flaky' THEN 1 END) AS flaky,
		count(CASE WHEN s.status = 'skip' THEN 1 END) AS skip
	FROM test_run_status AS s
	WHERE s.job_run_id IN (SELECT job_run_id FROM ci_build)
	GROUP BY s.job_run_id) AS t ON t.job_run_id = b.job_run_id
GROUP BY b.project, b.source, b.workflow,
	substr(coalesce(b.started_at, b.finished_at, b.updated_at), 1, 10);
