-- 0003_testrail: what 'testpump pump' reads from TestRail, and the dated
-- test-case coverage snapshots (PostgreSQL).
--
-- Written by 'testpump pump --report-type test-case-coverage|test-run-counts'
-- (source 'testrail').  Rows are upserted on TestRail's own ids, which are
-- unique within one TestRail instance; each project's rows of one pump are
-- written in one transaction, with the project's source_cursor, so a pump
-- that fails half-way leaves the project as it was.  Conventions as in
-- 0001_core.

-- testrail_suite: a test suite of a TestRail project.
CREATE TABLE testrail_suite (
	-- TestRail's suite id.
	suite_id bigint PRIMARY KEY,
	-- The project's name in the configuration (fenix, ...).
	project text COLLATE "C" NOT NULL,
	-- The project's id in TestRail.
	testrail_project_id bigint NOT NULL,
	name text COLLATE "C" NOT NULL,
	-- 1 when the suite is closed in TestRail.
	is_completed bigint NOT NULL DEFAULT 0 CHECK (is_completed IN (0, 1)),
	-- Where a person sees the suite, NULL when not given.
	url text COLLATE "C",
	-- When a pump last wrote the row.
	updated_at text COLLATE "C" NOT NULL CHECK (updated_at ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$')
);

CREATE INDEX testrail_suite_project ON testrail_suite (project);

-- testrail_case: a test case, with its automation fields as labels (read
-- from TestRail's case fields for the project, never hard-coded).  Cases
-- gone from TestRail are deleted by the next coverage pump of their
-- project.
CREATE TABLE testrail_case (
	-- TestRail's case id.
	case_id bigint PRIMARY KEY,
	-- The suite it belongs to (testrail_suite.suite_id).
	suite_id bigint NOT NULL,
	project text COLLATE "C" NOT NULL,
	title text COLLATE "C",
	section_id bigint,
	-- The label of custom_automation_status ('Untriaged', 'Suitable',
	-- 'Completed', ...), of its default when unset, '(not set)' when the
	-- field has no default, 'unknown (N)' for an option TestRail does
	-- not list.
	automation_status text COLLATE "C" NOT NULL,
	-- The label of custom_automation_coverage ('None', 'Partial',
	-- 'Full'), likewise.
	coverage text COLLATE "C" NOT NULL,
	-- The labels of the multi-select custom_sub_test_suites, joined by
	-- '; ' ('Functional; Smoke & Sanity').
	sub_suites text COLLATE "C" NOT NULL,
	created_on text COLLATE "C" CHECK (created_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'),
	updated_on text COLLATE "C" CHECK (updated_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'),
	-- The pump_run that last saw the case.
	pump_run_id bigint NOT NULL
);

CREATE INDEX testrail_case_project ON testrail_case (project, pump_run_id);
CREATE INDEX testrail_case_suite_id ON testrail_case (suite_id);

-- testrail_milestone: a milestone of a TestRail project (runs and plans
-- name them).
CREATE TABLE testrail_milestone (
	milestone_id bigint PRIMARY KEY,
	project text COLLATE "C" NOT NULL,
	name text COLLATE "C",
	is_completed bigint NOT NULL DEFAULT 0 CHECK (is_completed IN (0, 1)),
	due_on text COLLATE "C" CHECK (due_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'),
	url text COLLATE "C",
	updated_at text COLLATE "C" NOT NULL CHECK (updated_at ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$')
);

-- testrail_status: the result statuses of the TestRail instance (1
-- Passed, 2 Blocked, 3 Untested, 4 Retest, 5 Failed, custom from 6).
CREATE TABLE testrail_status (
	status_id bigint PRIMARY KEY,
	-- The system name: 'passed', 'custom_status1', ...
	name text COLLATE "C",
	-- What people see: 'Passed', 'Failed (known)', ...
	label text COLLATE "C"
);

-- testrail_run: a test run, standalone or inside a test plan, with the
-- counts of its tests by status as TestRail reports them.
CREATE TABLE testrail_run (
	-- TestRail's run id.
	run_id bigint PRIMARY KEY,
	project text COLLATE "C" NOT NULL,
	suite_id bigint,
	-- The plan the run belongs to and its name; NULL for a standalone run.
	plan_id bigint,
	plan text COLLATE "C",
	milestone_id bigint,
	name text COLLATE "C",
	created_on text COLLATE "C" NOT NULL CHECK (created_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'),
	is_completed bigint NOT NULL DEFAULT 0 CHECK (is_completed IN (0, 1)),
	completed_on text COLLATE "C" CHECK (completed_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'),
	-- Tests by status (TestRail's passed_count, failed_count, ...).
	passed bigint NOT NULL DEFAULT 0 CHECK (passed >= 0),
	failed bigint NOT NULL DEFAULT 0 CHECK (failed >= 0),
	blocked bigint NOT NULL DEFAULT 0 CHECK (blocked >= 0),
	retest bigint NOT NULL DEFAULT 0 CHECK (retest >= 0),
	untested bigint NOT NULL DEFAULT 0 CHECK (untested >= 0),
	url text COLLATE "C",
	updated_at text COLLATE "C" NOT NULL CHECK (updated_at ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$')
);

CREATE INDEX testrail_run_project_created_on
	ON testrail_run (project, created_on);

-- coverage_snapshot: the test-case coverage of a project on a day, as
-- the seed appended it: how many cases per suite, sub-suite, automation
-- status and coverage.  A case in two sub-suites counts in both.  A second
-- pump on the same day replaces that day's rows of the project; other days
-- are kept, so graphs show the history.
CREATE TABLE coverage_snapshot (
	-- The UTC day of the pump, 'YYYY-MM-DD'.
	date text COLLATE "C" NOT NULL CHECK (date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
	project text COLLATE "C" NOT NULL,
	suite_id bigint NOT NULL,
	-- The suite's name on that day.
	suite text COLLATE "C" NOT NULL,
	sub_suite text COLLATE "C" NOT NULL,
	automation_status text COLLATE "C" NOT NULL,
	coverage text COLLATE "C" NOT NULL,
	count bigint NOT NULL CHECK (count > 0),
	PRIMARY KEY (date, project, suite_id, sub_suite, automation_status,
		coverage)
);

CREATE INDEX coverage_snapshot_project_date
	ON coverage_snapshot (project, date);

-- report_test_case_coverage: the coverage snapshots for BI tools and
-- 'testpump report test-case-coverage', newest day first.
CREATE VIEW report_test_case_coverage AS
SELECT date, project, suite, sub_suite, automation_status, coverage, count
FROM coverage_snapshot;

-- report_test_run_counts: runs and plan runs with their counts by status,
-- for BI tools and 'testpump report test-run-counts'.
CREATE VIEW report_test_run_counts AS
SELECT project, run_id, plan_id, plan, name, created_on, completed_on,
	passed, failed, blocked, retest, untested,
	passed + failed + blocked + retest + untested AS total
FROM testrail_run;
