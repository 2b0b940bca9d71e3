"""Fills a testpump SQLite database (schema from 'testpump db init') with
one job's 200-run history and one payload's 10 runs of N tests each
(default 20,000: 4.2M test_run_status rows), straight in SQL.

Each test has its own failure rate (most near 0, a few high); each
result is pass, fail, flaky or skip from a deterministic hash, so the
verdicts are the same on every run of the benchmark.

Usage: gen.py DB [TESTS]
"""
import sqlite3
import sys

db, ntests = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20000
c = sqlite3.connect(db)
c.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;")
now = "2024-05-22T00:00:00Z"
with c:
    c.execute("INSERT INTO job (id, name, created_at) VALUES "
              "(1, 'periodic-ci-e2e-aws', ?)", (now,))
    c.execute("INSERT INTO payload (id, tag, created_at) VALUES "
              "(1, 'bench-payload', ?), (2, 'hist', ?)", (now, now))
    runs = []
    for i in range(200):
        h, m = divmod(i * 90, 60)
        t = f"2024-05-{21 - h // 24:02d}T{23 - h % 24:02d}:{59 - m:02d}:00Z"
        runs.append((i + 1, f"h{i:04d}", 2, t))
    for i in range(10):
        runs.append((201 + i, f"p{i:02d}", 1, f"2024-05-21T23:59:{i:02d}Z"))
    c.executemany("INSERT INTO job_run (id, job_id, run_id, payload_id, "
                  "status, started_at, ingested_at) VALUES "
                  "(?, 1, ?, ?, 'pass', ?, '2024-05-22T00:00:00Z')", runs)
    c.execute("""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1
                 FROM n WHERE i < ?)
                 INSERT INTO test (id, suite, classname, name)
                 SELECT i, 'openshift-tests', 'e2e',
                        '[sig-bench] test number ' || i || ' should work'
                 FROM n""", (ntests,))
    # h: a hash of (run, test) in 0..9999; rate: the test's failure
    # rate in 1/10000 (90% of tests 0.2%, 9% 5%, 1% 40%).
    c.execute("""INSERT INTO test_run_status (job_run_id, test_id, status,
                   attempts, failures, lifecycle)
                 SELECT rid, tid,
                   CASE WHEN h < rate THEN 'fail'
                        WHEN h < rate + 30 THEN 'flaky'
                        WHEN h >= 9950 THEN 'skip' ELSE 'pass' END,
                   CASE WHEN h >= rate AND h < rate + 30 THEN 2 ELSE 1 END,
                   CASE WHEN h < rate + 30 THEN 1 ELSE 0 END,
                   CASE WHEN tid % 500 = 0 THEN 'informing'
                        ELSE 'blocking' END
                 FROM (SELECT r.id AS rid, t.id AS tid,
                         (r.id * 2654435761 + t.id * 40503) % 10000 AS h,
                         CASE WHEN t.id % 100 = 0 THEN 4000
                              WHEN t.id % 10 = 0 THEN 500
                              ELSE 20 END AS rate
                       FROM job_run r CROSS JOIN test t
                       ORDER BY r.id, t.id)""")
    # Twenty tests regress on the payload: they fail 6 of its 10 runs.
    c.execute("""UPDATE test_run_status SET status = 'fail', attempts = 1,
                 failures = 1 WHERE job_run_id > 200 AND test_id % 1000 = 7
                 AND job_run_id % 10 < 6""")
c.execute("ANALYZE")
c.close()
