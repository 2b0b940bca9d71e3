-- 0002_history: per-run disruption and alert data (PostgreSQL).
--
-- 'testpump ingest disruptions' and 'testpump ingest alerts' write these
-- tables, one job run at a time; 'testpump history' without --new reads
-- them and computes, per backend (or alert) and job variant, the
-- P50/P75/P95/P99 that it compares with the current percentile file, as
-- the job-run-aggregator's BigQuery views did (BackendDisruption,
-- Alerts; seed-systems.md 2.4 and 2.5).  Conventions as in 0001_core.

-- job_run_context: the variant of one job run, as historical percentile
-- data groups runs (the columns of the original's JobsWithVariants
-- view).  Written by the ingest of the run's disruptions or alerts; a
-- later ingest of the same run replaces it.
CREATE TABLE job_run_context (
	job_run_id bigint PRIMARY KEY
		REFERENCES job_run (id) ON DELETE CASCADE,
	-- The release the run tested, for example '4.16'.
	release text COLLATE "C" NOT NULL CHECK (release <> ''),
	-- The release an upgrade run started from; '' when the run was not
	-- an upgrade.
	from_release text COLLATE "C" NOT NULL DEFAULT '',
	-- 'aws', 'gcp', 'metal', ...
	platform text COLLATE "C" NOT NULL,
	-- 'amd64', 'arm64', ...
	architecture text COLLATE "C" NOT NULL,
	-- 'ovn', 'sdn', ...
	network text COLLATE "C" NOT NULL,
	-- 'ha', 'single', ...
	topology text COLLATE "C" NOT NULL,
	-- Whether an upgrade run updated its master nodes: 'Y', 'N', or
	-- NULL when not known.  Upgrade runs that did not ('N') are left out
	-- of the disruption percentiles, as in the original.
	master_nodes_updated text COLLATE "C" CHECK (master_nodes_updated IN ('Y', 'N')),
	-- 1 once the run's alerts were ingested: from then on an alert the
	-- run does not list counts as firing 0 seconds in it (the original's
	-- populateZeros), so quiet runs pull the percentiles down.
	alerts_ingested bigint NOT NULL DEFAULT 0
		CHECK (alerts_ingested IN (0, 1))
);

-- Runs of one release and variant, for the percentile queries.
CREATE INDEX job_run_context_release ON job_run_context (release);

-- disruption: how long each backend (an API endpoint probed all through
-- the run) was unreachable in one job run.  Ingesting the run's
-- disruptions again replaces its rows.
CREATE TABLE disruption (
	job_run_id bigint NOT NULL REFERENCES job_run (id) ON DELETE CASCADE,
	-- The backend, for example 'kube-api-new-connections'.
	backend text COLLATE "C" NOT NULL CHECK (backend <> ''),
	-- Total time unreachable, in milliseconds (0 when it never was).
	disruption_ms bigint NOT NULL CHECK (disruption_ms >= 0),
	PRIMARY KEY (job_run_id, backend)
);

-- One backend's history across runs.
CREATE INDEX disruption_backend ON disruption (backend, job_run_id);

-- alert: how long each alert fired in one job run.  Ingesting the run's
-- alerts again replaces its rows.
CREATE TABLE alert (
	job_run_id bigint NOT NULL REFERENCES job_run (id) ON DELETE CASCADE,
	-- The alert's name, for example 'KubePodNotReady'.
	name text COLLATE "C" NOT NULL CHECK (name <> ''),
	-- The namespace it fired in, '' when none.
	namespace text COLLATE "C" NOT NULL DEFAULT '',
	-- Its severity: 'Warning', 'Critical', 'Info', ...
	level text COLLATE "C" NOT NULL,
	-- Total time firing, in milliseconds (the original's AlertSeconds,
	-- which rounds up to whole seconds, is this divided by 1000).
	firing_ms bigint NOT NULL CHECK (firing_ms >= 0),
	PRIMARY KEY (job_run_id, name, namespace, level)
);

-- One alert's history across runs.
CREATE INDEX alert_name ON alert (name, namespace, level, job_run_id);
