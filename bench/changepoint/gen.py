"""Writes a large synthetic history into a migrated testpump SQLite
database, for bench/changepoint/run.sh: one job, RUNS runs four hours
apart, TESTS tests.  Every run verdict goes to test_run_status and every
attempt to test_result.  One test in fifty flakes (3% of its runs fail
once, then pass on retry); one in two hundred breaks at a random run and
fails from then on.  Failure messages come in twenty shapes, with the
numbers, addresses and paths in them varying run to run.

Usage: gen.py DB RUNS TESTS
"""
import datetime
import hashlib
import random
import sqlite3
import sys

db, runs, tests = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(20261122)
c = sqlite3.connect(db)
c.execute("PRAGMA synchronous = OFF")
c.execute("PRAGMA journal_mode = MEMORY")
c.execute("INSERT INTO job (name, created_at) VALUES "
          "('bench-e2e', '2024-01-01T00:00:00Z')")
job = c.execute("SELECT id FROM job").fetchone()[0]
c.executemany("INSERT INTO test (suite, classname, name) VALUES (?, ?, ?)",
              (("bench", "pkg.Class%d" % (t // 50), "test_%05d" % t)
               for t in range(tests)))
ids = [r[0] for r in c.execute("SELECT id FROM test ORDER BY id")]
kind = {}
for t in range(tests):
    if t % 200 == 7:
        kind[t] = ("break", rnd.randrange(runs // 4, runs))
    elif t % 50 == 3:
        kind[t] = ("flaky", 0.03)
shapes = ["expected %d but got %d at 0x%08x in /srv/ci/%d/mod.py",
          "timeout after %d ms waiting for pod web-%05xf on node %d (%d)",
          "connection refused: 10.0.%d.%d:%d (attempt %d)",
          "assert len(items) == %d, got %d [%x] run %d"]
shapes = [s + " [shape %d]" % i for i in range(5) for s in shapes]
t0 = datetime.datetime(2024, 1, 1)
outputs = set()
for b in range(runs):
    at = (t0 + datetime.timedelta(hours=4 * b)).strftime("%Y-%m-%dT%H:%M:%SZ")
    c.execute("INSERT INTO job_run (job_id, run_id, status, started_at, "
              "ingested_at) VALUES (?, ?, 'fail', ?, ?)",
              (job, "r%05d" % b, at, at))
    run = c.execute("SELECT last_insert_rowid()").fetchone()[0]
    status, results, texts = [], [], []
    for t in range(tests):
        k = kind.get(t)
        fail = False
        flaky = False
        if k and k[0] == "break":
            fail = b >= k[1]
        elif k and k[0] == "flaky" and rnd.random() < k[1]:
            flaky = True
        if fail or flaky:
            msg = shapes[(t * 7) % len(shapes)] % (
                rnd.randrange(1000), rnd.randrange(1000),
                rnd.randrange(1 << 32), b)
            h = hashlib.sha256(msg.encode()).hexdigest()
            if h not in outputs:
                outputs.add(h)
                texts.append((h, msg, len(msg)))
            results.append((run, ids[t], 1, "fail", 12, h))
            if flaky:
                results.append((run, ids[t], 2, "pass", 12, None))
            status.append((run, ids[t], "flaky" if flaky else "fail",
                           2 if flaky else 1, 1))
        else:
            results.append((run, ids[t], 1, "pass", 12, None))
            status.append((run, ids[t], "pass", 1, 0))
    c.executemany("INSERT INTO test_output (hash, text, original_length) "
                  "VALUES (?, ?, ?)", texts)
    c.executemany("INSERT INTO test_result (job_run_id, test_id, attempt, "
                  "status, duration_ms, message_hash) VALUES "
                  "(?, ?, ?, ?, ?, ?)", results)
    c.executemany("INSERT INTO test_run_status (job_run_id, test_id, "
                  "status, attempts, failures, duration_ms) VALUES "
                  "(?, ?, ?, ?, ?, 12)", status)
c.commit()
