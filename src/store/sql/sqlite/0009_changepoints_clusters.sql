-- 0009_changepoints_clusters: change points and failure clusters (SQLite).
--
-- 'testpump report change-points' finds where a test's failure rate
-- changed in a job's build order (Beta-Binomial segmentation, as LUCI
-- Analysis does it) and keeps what it found in change_point, so the
-- dashboard can mark it on the test's history.  'testpump report
-- clusters' groups failure messages that differ only in numbers,
-- addresses, ids, paths, times and quoted values into failure_cluster,
-- and links every failing attempt to its cluster in
-- failure_cluster_result.  Conventions as in 0001_core.

-- change_point: one change of one test's failure rate in one job, found
-- by the last 'testpump report change-points' that analysed the test.
-- Each report replaces the change points of the tests it analysed.
CREATE TABLE change_point (
	id INTEGER PRIMARY KEY,
	job_id INTEGER NOT NULL REFERENCES job (id) ON DELETE CASCADE,
	test_id INTEGER NOT NULL REFERENCES test (id),
	-- The job's variants as 'key=value,key=value' (by key), '' for none.
	variant TEXT NOT NULL DEFAULT '',
	-- The first job run of the new segment (the nominal change), and the
	-- first and last job run that could be it at 99% confidence.
	job_run_id INTEGER NOT NULL REFERENCES job_run (id) ON DELETE CASCADE,
	lower_job_run_id INTEGER NOT NULL
		REFERENCES job_run (id) ON DELETE CASCADE,
	upper_job_run_id INTEGER NOT NULL
		REFERENCES job_run (id) ON DELETE CASCADE,
	-- The same three as 1-based positions in the test's runs of the job
	-- (in start order) that the report read.
	ordinal INTEGER NOT NULL CHECK (ordinal >= 1),
	lower_ordinal INTEGER NOT NULL CHECK (lower_ordinal >= 1),
	upper_ordinal INTEGER NOT NULL CHECK (upper_ordinal >= 1),
	-- The start of the nominal job run.
	started_at TEXT NOT NULL CHECK (started_at GLOB '????-??-??T??:??:??Z'),
	-- Runs and runs with a failing attempt (failures and flakes) in the
	-- segments before and after the change (up to the neighbouring
	-- changes).
	runs_before INTEGER NOT NULL CHECK (runs_before >= 0),
	failing_before INTEGER NOT NULL CHECK (failing_before >= 0),
	runs_after INTEGER NOT NULL CHECK (runs_after >= 0),
	failing_after INTEGER NOT NULL CHECK (failing_after >= 0),
	-- worse: the failure rate went up; better: it went down.
	direction TEXT NOT NULL
		CHECK (direction = 'worse' OR direction = 'better'),
	-- The log-likelihood gain of the split, in nats.
	gain REAL NOT NULL,
	-- Why, in words, and the parameters it was found with
	-- ('prior=0.05,0.5 retry_prior=0.5,0.5 ...').
	explanation TEXT NOT NULL,
	parameters TEXT NOT NULL,
	-- When the report that found it ran.
	computed_at TEXT NOT NULL CHECK (computed_at GLOB '????-??-??T??:??:??Z'),
	UNIQUE (job_id, test_id, job_run_id)
) STRICT;

-- The change points of one test (the test history page).
CREATE INDEX change_point_test_id ON change_point (test_id);

-- failure_cluster: failure messages that are the same once normalised
-- (numbers, hex, UUIDs, times, paths, URLs, quoted strings and long
-- tokens masked; white space collapsed).
CREATE TABLE failure_cluster (
	id INTEGER PRIMARY KEY,
	-- The first 16 bytes of the SHA-256 of pattern, in hex (32 digits).
	hash TEXT NOT NULL UNIQUE,
	-- The normaliser that made pattern ('mask-v1').
	algorithm TEXT NOT NULL,
	-- The normalised message, for example 'timeout after <n> ms'.
	pattern TEXT NOT NULL,
	-- One message of the cluster as it was reported (the first seen,
	-- cut to 1000 bytes).
	example TEXT NOT NULL,
	-- The start of the first and the last job run with a failure of it.
	first_seen TEXT NOT NULL CHECK (first_seen GLOB '????-??-??T??:??:??Z'),
	last_seen TEXT NOT NULL CHECK (last_seen GLOB '????-??-??T??:??:??Z')
) STRICT;

-- failure_cluster_result: the cluster of each failing attempt (a
-- test_result of status fail or error with a message or text).  Filled
-- incrementally: each clustering reads only the job runs ingested since
-- the last one (source_cursor 'failure-cluster'), and replaces their
-- rows, so a re-ingested run is clustered again.
CREATE TABLE failure_cluster_result (
	job_run_id INTEGER NOT NULL REFERENCES job_run (id) ON DELETE CASCADE,
	test_id INTEGER NOT NULL REFERENCES test (id),
	attempt INTEGER NOT NULL CHECK (attempt >= 1),
	cluster_id INTEGER NOT NULL
		REFERENCES failure_cluster (id) ON DELETE CASCADE,
	PRIMARY KEY (job_run_id, test_id, attempt)
) STRICT, WITHOUT ROWID;

-- The failures of one cluster.
CREATE INDEX failure_cluster_result_cluster_id
	ON failure_cluster_result (cluster_id);
