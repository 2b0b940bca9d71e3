-- 0005_testrail_results: the results of the tests of TestRail runs
-- (get_results_for_run), and one index less on testrail_case; PostgreSQL.
--
-- Written by 'testpump pump --report-type test-run-counts' (source
-- 'testrail') for every run and plan run it reads, in the same transaction
-- as the runs.  Rows are upserted on TestRail's result id.  Conventions as
-- in 0001_core.

-- testrail_result: one result added to a test of a run.  A test has as
-- many results as people or tools reported (the last one is its status);
-- an untested test has none.  TestRail's own counts per run stay in
-- testrail_run; these rows say which test got which status, when.
CREATE TABLE testrail_result (
	-- TestRail's result id.
	result_id bigint PRIMARY KEY,
	-- The run (testrail_run.run_id) and the project's name.
	run_id bigint NOT NULL,
	project text COLLATE "C" NOT NULL,
	-- TestRail's test id: one case in this run.
	test_id bigint NOT NULL,
	-- The status (testrail_status.status_id: 1 Passed, 2 Blocked, 4
	-- Retest, 5 Failed, custom from 6); NULL for a comment-only result.
	status_id bigint,
	-- Its label when pumped ('Passed', 'Failed (known)'), NULL if
	-- unknown.
	status text COLLATE "C",
	created_on text COLLATE "C" NOT NULL CHECK (created_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'),
	-- TestRail's elapsed time ('1m 30s') in milliseconds; NULL when not
	-- given or not readable.
	elapsed_ms bigint CHECK (elapsed_ms >= 0),
	-- The version tested and the defects named, as given.
	version text COLLATE "C",
	defects text COLLATE "C",
	assignedto_id bigint,
	-- When a pump last wrote the row.
	updated_at text COLLATE "C" NOT NULL CHECK (updated_at ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$')
);

CREATE INDEX testrail_result_run ON testrail_result (run_id, test_id);
CREATE INDEX testrail_result_project_created_on
	ON testrail_result (project, created_on);

-- report_test_run_results: per run, the tests by the status of their
-- last result (counted with FILTER: PostgreSQL does not sum booleans),
-- from the results themselves (TestRail's counts are in
-- report_test_run_counts); for BI tools.
CREATE VIEW report_test_run_results AS
SELECT r.project, r.run_id, run.name, run.created_on,
	count(*) FILTER (WHERE r.status_id = 1) AS passed,
	count(*) FILTER (WHERE r.status_id = 5) AS failed,
	count(*) FILTER (WHERE r.status_id = 2) AS blocked,
	count(*) FILTER (WHERE r.status_id = 4) AS retest,
	count(*) FILTER (WHERE r.status_id >= 6) AS custom,
	count(*) AS tested
FROM testrail_result AS r
JOIN testrail_run AS run ON run.run_id = r.run_id
WHERE r.result_id = (SELECT max(result_id) FROM testrail_result AS l
	WHERE l.run_id = r.run_id AND l.test_id = r.test_id)
GROUP BY r.project, r.run_id, run.name, run.created_on;

-- testrail_case_project (project, pump_run_id) cost a third of every
-- case upsert, and on every later pump (pump_run_id changes on every row)
-- a delete and an insert in it per case; what it served, the end of a
-- coverage pump deleting the cases it no longer saw, runs once per
-- project and reads the table through instead.
DROP INDEX testrail_case_project;
