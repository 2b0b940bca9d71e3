"""Fills a testpump SQLite database (schema from 'testpump db init') with
JOBS jobs x RUNS runs x TESTS tests of run verdicts (default 2 x 500 x
10,000: 10M test_run_status rows), straight in SQL.

Each test has its own failure rate (most 0.2%, some 5%, 1% flaky at 40%),
every 97th run is an infrastructure storm (nearly every test fails), and
tests 10..19 of each job break for the last 50 runs.  Every verdict is a
deterministic hash, so the report is the same on every run.

Usage: gen.py DB [JOBS RUNS TESTS]
"""
import sqlite3
import sys

db = sys.argv[1]
jobs, runs, tests = (int(x) for x in (sys.argv[2:5] or (2, 500, 10000)))
c = sqlite3.connect(db)
c.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;")
now = "2024-05-22T00:00:00Z"
with c:
    for j in range(jobs):
        c.execute("INSERT INTO job (id, name, created_at) VALUES (?, ?, ?)",
                  (j + 1, f"periodic-ci-e2e-{j}", now))
        rows = []
        for i in range(runs):
            m = i * 40
            t = (f"2024-05-{1 + m // 1440:02d}T{m % 1440 // 60:02d}:"
                 f"{m % 60:02d}:00Z")
            rows.append((j * runs + i + 1, j + 1, f"r{i:05d}", t))
        c.executemany("INSERT INTO job_run (id, job_id, run_id, status, "
                      "started_at, ingested_at) VALUES (?, ?, ?, 'pass', "
                      "?, '2024-05-22T00:00:00Z')", rows)
    c.execute("""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1
                 FROM n WHERE i < ?)
                 INSERT INTO test (id, suite, classname, name)
                 SELECT i, 'bench', 'e2e', 'test number ' || i FROM n""",
              (tests,))
    # h: a hash of (run, test) in 0..9999; rate: the test's failure rate
    # in 1/10000.
    c.execute("""INSERT INTO test_run_status (job_run_id, test_id, status,
                   attempts, failures)
                 SELECT rid, tid,
                   CASE WHEN storm OR broken OR h < rate THEN 'fail'
                        WHEN h < rate + 30 THEN 'flaky'
                        WHEN h >= 9990 THEN 'skip' ELSE 'pass' END,
                   1, 0
                 FROM (SELECT r.id AS rid, t.id AS tid,
                         (r.id * 2654435761 + t.id * 40503) % 10007 % 10000
                           AS h,
                         CASE WHEN t.id % 100 = 0 THEN 4000
                              WHEN t.id % 11 = 0 THEN 500 ELSE 20 END
                           AS rate,
                         r.id % 97 = 0 AND t.id % 20 <> 0 AS storm,
                         t.id BETWEEN 10 AND 19
                           AND (r.id - 1) % ? >= ? - 50 AS broken
                       FROM job_run r, test t)
                 ORDER BY rid, tid""", (runs, runs))
c.execute("ANALYZE")
c.close()
