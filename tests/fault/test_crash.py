"""Crash safety: ingest, pump and aggregate killed with SIGKILL at many
points leave the store as it was before or after, never between.

Needs a binary built with -DTESTPUMP_FAULTS=ON (make check does): store.c
then kills its own process right after its Nth write when
TESTPUMP_FAULT_KILL_AFTER=N is set, and writes the number of writes and
the commit points among them (a commit, or a write outside a transaction)
to TESTPUMP_FAULT_COUNT_FILE.  For each command this script

  1. builds a store in its 'before' state and dumps it (every row of every
     table, sorted: a canonical dump);
  2. runs the command whole on a copy: the 'after' dump, the number of
     writes W and the commit points;
  3. kills the command on fresh copies after N = 1, 2, 3, 5, 8, ... writes
     (Fibonacci up to W), after W - 1, and just before and at a few commit
     points, and checks that the store equals the state of the last commit
     point at or before N: 'before' when there was none, 'after' when it
     was the last; for ingest and aggregate, which commit once, that is
     exactly before or after.  Files the command writes (aggregate's
     report) are either absent or whole;
  4. reruns the command on the killed store: it succeeds as the whole run
     did and gives the 'after' state (but for the audit table pump_run,
     where a killed pump leaves its rows, and surrogate ids on PostgreSQL,
     whose sequences are not transactional).

On SQLite always; on PostgreSQL too when TESTPUMP_TEST_PG is set
(scripts/with-postgres), each copy a database made from a template.
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faultlib  # noqa: E402

TESTPUMP = os.environ["TESTPUMP"]
FIXTURES = os.environ["FIXTURES"]
RUN1 = os.path.join(FIXTURES, "ingest", "run1")
NOW = "2024-05-01T10:00:00Z"
MAX_POINTS = 16

checks = faultlib.Checks()


def run(url, args, env=None, cwd=None):
    e = dict(os.environ)
    e.pop("TESTPUMP_DB", None)
    e.pop("TESTPUMP_CONFIG", None)
    e["TESTPUMP_NOW"] = NOW
    e.update(env or {})
    return subprocess.run([TESTPUMP, "--db", url, "--no-progress"] + args,
                          env=e, cwd=cwd, capture_output=True, text=True,
                          timeout=120)


# Each scenario: setup commands that make the 'before' store, and the
# command under test.  WD is replaced by a fresh working directory.
SCENARIOS = [
    ("ingest junit (replacing a run)",
     [["db", "init"],
      ["ingest", "junit", RUN1, "--job", "unit", "--run-id", "7",
       "--payload", "p0"],
      ["ingest", "junit", os.path.join(RUN1, "unit.xml"),
       "--job", "unit", "--run-id", "8", "--payload", "p1"]],
     ["ingest", "junit", RUN1, "--job", "unit", "--run-id", "8",
      "--payload", "p1", "--variant", "arch=arm64"]),
    # TestRail only: the other sources write tens of thousands of rows
    # through the same per-job transactions of pump.c, too slow to kill
    # at many points here.
    ("pump --faux ALL ALL --source testrail",
     [["db", "init"]],
     ["--faux", "pump", "--project", "ALL", "--report-type", "ALL",
      "--source", "testrail"]),
    ("aggregate",
     [["db", "init"]] +
     [["ingest", "junit", RUN1, "--job", "unit", "--run-id", f"r{i}",
       "--payload", "p1", "--started-at", f"2024-05-01T0{i}:00:00Z"]
      for i in range(1, 8)],
     ["aggregate", "--job", "unit", "--payload", "p1", "--working-dir",
      "WD"]),
]


def fib_points(total):
    points, a, b = [], 1, 2
    while a <= total:
        points.append(a)
        a, b = b, a + b
    return points


def kill_points(total, commits):
    """Where to kill: Fibonacci, W - 1, and around some commit points."""
    pts = set(fib_points(total))
    pts.add(max(1, total - 1))
    step = max(1, len(commits) // 4)
    for c in commits[::step]:
        pts.update(p for p in (c - 1, c) if 1 <= p <= total)
    pts = sorted(pts)
    if len(pts) > MAX_POINTS:
        keep = [pts[round(i * (len(pts) - 1) / (MAX_POINTS - 1))]
                for i in range(MAX_POINTS)]
        pts = sorted(set(keep))
    return pts


def subst(args, wd):
    return [wd if a == "WD" else a for a in args]


def read_counts(path):
    writes, commits = 0, []
    with open(path) as f:
        for line in f:
            kind, n = line.split()
            if kind == "writes":
                writes = int(n)
            else:
                commits.append(int(n))
    return writes, commits


def files_of(wd):
    out = {}
    for name in sorted(os.listdir(wd)):
        with open(os.path.join(wd, name), "rb") as f:
            out[name] = f.read()
    return out


def scenario(engine, tmp, idx, title, setup, command):
    what = f"{engine.name}: {title}"
    pre = engine.new_db(f"pre{idx}")
    for args in setup:
        r = run(pre, args)
        if r.returncode != 0:
            checks.fail(f"{what}: setup {args[:2]}", r)
            return
    engine.seal(pre)
    before = engine.dump(pre)

    wd = os.path.join(tmp, f"wd{idx}-full")
    os.mkdir(wd)
    full = engine.clone(pre, f"full{idx}")
    count_file = os.path.join(tmp, f"count{idx}")
    r = run(full, subst(command, wd), {"TESTPUMP_FAULT_COUNT_FILE": count_file})
    want_rc = r.returncode
    if want_rc not in (0, 2) or not os.path.exists(count_file):
        checks.fail(f"{what}: the whole run (built with TESTPUMP_FAULTS?)", r)
        return
    after = engine.dump(full)
    full_files = files_of(wd)
    total, commits = read_counts(count_file)
    checks.check(before != after, f"{what}: the command changes the store")
    checks.check(total > 0 and commits, f"{what}: writes and commits counted",
                 f"{total} writes, commits {commits}")

    boundary = {0: before}
    if commits[-1] == total:
        boundary[total] = after

    def state_at(c):
        if c not in boundary:
            db = engine.clone(pre, f"b{idx}_{c}")
            bwd = os.path.join(tmp, f"wd{idx}-b{c}")
            os.mkdir(bwd)
            run(db, subst(command, bwd), {"TESTPUMP_FAULT_KILL_AFTER": str(c)})
            boundary[c] = engine.dump(db)
            engine.drop(db)
        return boundary[c]

    points = kill_points(total, commits)
    held = 0
    for n in points:
        db = engine.clone(pre, f"k{idx}_{n}")
        kwd = os.path.join(tmp, f"wd{idx}-k{n}")
        os.mkdir(kwd)
        r = run(db, subst(command, kwd), {"TESTPUMP_FAULT_KILL_AFTER": str(n)})
        if r.returncode != -signal.SIGKILL:
            checks.fail(f"{what}: killed after {n} of {total} writes", r)
            engine.drop(db)
            continue
        last = max([c for c in commits if c <= n], default=0)
        got = engine.dump(db)
        want = state_at(last)
        ok = faultlib.same(got, want, f"{what}: killed after write {n}/"
                           f"{total} (last commit point {last})", checks)
        if last == 0:
            ok = faultlib.same(got, before, f"{what}: killed after write "
                               f"{n}, before any commit: the state before",
                               checks) and ok
        for name, data in files_of(kwd).items():
            checks.check(full_files.get(name) == data,
                         f"{what}: killed after write {n}: '{name}' is whole")
        # The rerun completes and gives the whole run's state.
        rwd = os.path.join(tmp, f"wd{idx}-r{n}")
        shutil.rmtree(kwd)
        os.mkdir(rwd)
        r = run(db, subst(command, rwd))
        checks.check(r.returncode == want_rc,
                     f"{what}: rerun after a kill at {n} exits {want_rc}",
                     r.stderr[-400:])
        ok = faultlib.same(engine.dump(db, rerun=True),
                           engine.normal_rerun(after),
                           f"{what}: rerun after a kill at {n} gives the "
                           f"whole result", checks) and ok
        held += ok
        engine.drop(db)
    print(f"{what}: {total} writes, {len(commits)} commit points, "
          f"killed at {len(points)} points {points}, {held} held, "
          f"{len(boundary) - 1} commit states compared")
    engine.drop(full)
    engine.drop(pre)


def main():
    base = tempfile.mkdtemp(prefix="tp-crash-")
    engines = [faultlib.Sqlite(base)]
    if os.environ.get("TESTPUMP_TEST_PG"):
        engines.append(faultlib.Postgres(os.environ["TESTPUMP_TEST_PG"]))
    elif os.environ.get("CI") == "true":
        checks.check(False, "CI=true needs TESTPUMP_TEST_PG")
    else:
        print("PostgreSQL part skipped: TESTPUMP_TEST_PG is not set")
    try:
        for engine in engines:
            tmp = os.path.join(base, engine.name)
            os.mkdir(tmp)
            for idx, (title, setup, command) in enumerate(SCENARIOS):
                scenario(engine, tmp, idx, title, setup, command)
    finally:
        for engine in engines:
            engine.cleanup()
        shutil.rmtree(base, ignore_errors=True)
    sys.exit(checks.finish())


if __name__ == "__main__":
    main()
