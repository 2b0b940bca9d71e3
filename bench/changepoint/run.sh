#!/bin/bash
# Times 'testpump report change-points' and 'testpump report clusters'
# over a large history in SQLite (RUNS runs x TESTS tests: 2M run
# verdicts and results by default) beside the bound: one plain SQL scan
# of the rows each report must read, in the same SQLite library
# (python3's sqlite3 module).  change-points reads every run verdict
# (test_run_status); clusters reads every failing attempt with its
# message (test_result joined to test_output) the first time, and only
# the runs ingested since its cursor after that.  Prints each (best of 3;
# the first clustering once, on a fresh copy each time) and the ratios.
#
# Usage: bench/changepoint/run.sh [RUNS [TESTS]]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-1000}
tests=${2:-2000}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-changepoint.XXXXXX")
trap 'rm -rf "$work"' EXIT
build="$root/build/bench-changepoint"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target testpump >/dev/null
tp="$build/testpump"

cd "$work"
"$tp" --db sqlite:bench.db db init >/dev/null
echo "generating $runs runs x $tests tests..."
python3 "$root/bench/changepoint/gen.py" bench.db "$runs" "$tests"

export TESTPUMP_NOW=2024-12-31T00:00:00Z
python3 - "$tp" <<'PY'
import shutil, sqlite3, subprocess, sys, time

tp = sys.argv[1]
c = sqlite3.connect("bench.db")
verdicts = c.execute("SELECT count(*) FROM test_run_status").fetchone()[0]
failing = c.execute("SELECT count(*) FROM test_result WHERE status = 'fail' "
                    "OR status = 'error'").fetchone()[0]


def best(fn, n=3):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        r = fn()
        times.append(time.perf_counter() - t)
    return min(times), r


def report(db, name):
    return subprocess.run([tp, "--db", "sqlite:" + db, "-q", "--format",
                           "json", "report", name],
                          stdout=subprocess.PIPE, check=True)


scan_cp, _ = best(lambda: c.execute(
    "SELECT count(*), sum(s.failures), sum(r.started_at > '') FROM "
    "test_run_status s JOIN job_run r ON r.id = s.job_run_id").fetchone())
scan_cl, _ = best(lambda: c.execute(
    "SELECT count(*), sum(length(o.text)) FROM test_result r JOIN "
    "test_output o ON o.hash = r.message_hash WHERE r.status = 'fail' OR "
    "r.status = 'error'").fetchone())
c.close()
cp, r = best(lambda: report("bench.db", "change-points"))
changes = r.stdout.count(b'"explanation"')


def first_clustering():
    shutil.copy("bench.db", "fresh.db")
    t = time.perf_counter()
    r = report("fresh.db", "clusters")
    return time.perf_counter() - t, r


firsts = [first_clustering() for _ in range(3)]
cl_first, r = min(firsts, key=lambda x: x[0])
clusters = r.stdout.count(b'"explanation"')
cl_again, _ = best(lambda: report("fresh.db", "clusters"))
print(f"rows:                     {verdicts:,} run verdicts, "
      f"{failing:,} failing attempts")
print(f"bound, verdict scan:      {scan_cp:.3f} s")
print(f"report change-points:     {cp:.3f} s ({changes} changes, stored)")
print(f"ratio:                    {cp / scan_cp:.2f}x the bound")
print(f"bound, failure scan:      {scan_cl:.3f} s")
print(f"report clusters, first:   {cl_first:.3f} s ({clusters} clusters, "
      f"{failing:,} links written)")
print(f"ratio:                    {cl_first / scan_cl:.2f}x the bound")
print(f"report clusters, again:   {cl_again:.3f} s (nothing new to cluster)")
print(f"ratio:                    {cl_again / scan_cl:.2f}x the bound")
PY
