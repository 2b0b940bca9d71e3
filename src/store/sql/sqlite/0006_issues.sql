-- 0006_issues: Bugzilla bugs and GitHub issues, and the issue-regression
-- report; SQLite.
--
-- Written by 'testpump pump --report-type issue-regression' (sources
-- 'bugzilla' and 'github'): Bugzilla bugs with the regression keyword in
-- the project's products and components, and GitHub issues of the
-- project's repository with any of its configured labels.  Rows are
-- upserted on (source, issue_id); a pull reads what changed since the
-- source cursor (last_change_time or updated_at).  Conventions as in
-- 0001_core.

-- issue: one Bugzilla bug or GitHub issue.
CREATE TABLE issue (
	-- 'bugzilla' or 'github'.
	source TEXT NOT NULL CHECK (source = 'bugzilla' OR source = 'github'),
	-- The bug id ('1890123'), or the issue as 'OWNER/REPO#NUMBER'.
	issue_id TEXT NOT NULL,
	-- The Bugzilla product, or the GitHub repository 'OWNER/REPO'.
	product TEXT NOT NULL,
	-- The Bugzilla component, or the first configured label the issue
	-- carries ('' when none).
	component TEXT NOT NULL,
	title TEXT NOT NULL,
	-- Bugzilla keywords or GitHub labels, comma-separated, as given.
	keywords TEXT NOT NULL,
	-- 1 when it counts as a regression: the 'regression' keyword, or a
	-- configured label.
	regression INTEGER NOT NULL CHECK (regression = 0 OR regression = 1),
	-- Bugzilla's status (NEW, ASSIGNED, RESOLVED, VERIFIED, ...) or
	-- GitHub's state (open, closed).
	status TEXT NOT NULL,
	-- Bugzilla's resolution (FIXED, DUPLICATE, ...) or GitHub's
	-- state_reason (completed, not_planned); NULL while open.
	resolution TEXT,
	created_at TEXT NOT NULL CHECK (created_at GLOB '????-??-??T??:??:??Z'),
	-- When it was last resolved (Bugzilla's history: the last change of
	-- status to RESOLVED; GitHub's closed_at); NULL while open.
	resolved_at TEXT CHECK (resolved_at GLOB '????-??-??T??:??:??Z'),
	-- Bugzilla's last_change_time or GitHub's updated_at.
	changed_at TEXT NOT NULL CHECK (changed_at GLOB '????-??-??T??:??:??Z'),
	url TEXT,
	-- When a pump last wrote the row.
	updated_at TEXT NOT NULL CHECK (updated_at GLOB '????-??-??T??:??:??Z'),
	PRIMARY KEY (source, issue_id)
) STRICT;

-- issue_project: which project's pull found the issue (two projects may
-- share a repository or a product).
CREATE TABLE issue_project (
	project TEXT NOT NULL,
	source TEXT NOT NULL,
	issue_id TEXT NOT NULL,
	PRIMARY KEY (project, source, issue_id),
	FOREIGN KEY (source, issue_id) REFERENCES issue (source, issue_id)
		ON DELETE CASCADE
) STRICT;

CREATE INDEX issue_project_issue ON issue_project (source, issue_id);

-- report_issue_regression: regression issues opened and resolved, per
-- project, source, product or repository, component and ISO week (the
-- date of its Monday); for BI tools and 'report issue-regression'.
CREATE VIEW report_issue_regression AS
SELECT project, source, product, component, week,
	sum(opened) AS opened, sum(resolved) AS resolved
FROM (
	SELECT p.project, i.source, i.product, i.component,
		date(i.created_at, 'weekday 0', '-6 days') AS week,
		1 AS opened, 0 AS resolved
	FROM issue AS i
	JOIN issue_project AS p
		ON p.source = i.source AND p.issue_id = i.issue_id
	WHERE i.regression = 1
	UNION ALL
	SELECT p.project, i.source, i.product, i.component,
		date(i.resolved_at, 'weekday 0', '-6 days') AS week,
		0 AS opened, 1 AS resolved
	FROM issue AS i
	JOIN issue_project AS p
		ON p.source = i.source AND p.issue_id = i.issue_id
	WHERE i.regression = 1 AND i.resolved_at IS NOT NULL
) AS e
GROUP BY project, source, product, component, week;
