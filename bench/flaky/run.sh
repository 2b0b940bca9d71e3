#!/bin/bash
# Times 'testpump report flaky' over 10M run verdicts in SQLite (2 jobs x
# 500 runs x 10,000 tests of test_run_status), from the command's start
# to its rows printed as JSON, beside the bound: one plain SQL scan of
# the rows in the same SQLite library (python3's sqlite3 module), and the
# same read the report makes (job_run joined to test_run_status) without
# the computation.  Prints all (best of 3, wall and CPU time: the
# machine may be shared) and the ratios.
#
# Usage: bench/flaky/run.sh [JOBS RUNS TESTS]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-flaky.XXXXXX")
trap 'rm -rf "$work"' EXIT
build="${BUILD:-$root/build/bench-flaky}"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target testpump >/dev/null
tp="$build/testpump"

cd "$work"
"$tp" --db sqlite:bench.db db init >/dev/null
echo "generating ${1:-2} jobs x ${2:-500} runs x ${3:-10000} tests..."
python3 "$root/bench/flaky/gen.py" bench.db "$@"

export TESTPUMP_NOW=2024-06-01T00:00:00Z
python3 - "$tp" <<'PY'
import json, resource, sqlite3, subprocess, sys, time

tp = sys.argv[1]
c = sqlite3.connect("bench.db")
rows = c.execute("SELECT count(*) FROM test_run_status").fetchone()[0]


def cpu():
    s, c = (resource.getrusage(w) for w in
            (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def best(fn, n=3):
    """(best wall time, best CPU time, last result) of n calls of fn."""
    times, cpus = [], []
    for _ in range(n):
        t, c = time.perf_counter(), cpu()
        r = fn()
        times.append(time.perf_counter() - t)
        cpus.append(cpu() - c)
    return min(times), min(cpus), r


scan, scan_cpu, _ = best(lambda: c.execute(
    "SELECT count(*), sum(status = 'fail') FROM test_run_status"
).fetchone())
read, read_cpu, _ = best(lambda: c.execute(
    "SELECT count(*), sum(s.status = 'fail') FROM job_run r JOIN job j "
    "ON j.id = r.job_id JOIN test_run_status s ON s.job_run_id = r.id "
    "WHERE r.started_at >= '0000-01-01T00:00:00Z' "
    "AND r.started_at <= '2024-06-01T00:00:00Z'").fetchone())
cmd = [tp, "--db", "sqlite:bench.db", "-q", "--format", "json", "report",
       "flaky"]
rep, rep_cpu, r = best(lambda: subprocess.run(cmd, stdout=subprocess.PIPE))
out = json.loads(r.stdout)["rows"]
kinds = {}
for row in out:
    kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
print(f"rows:                      {rows:,} test_run_status")
print(f"bound (one SQL scan):      {scan:.3f} s ({scan_cpu:.3f} s CPU)")
print(f"same read, no computation: {read:.3f} s ({read_cpu:.3f} s CPU)")
print(f"testpump report flaky:     {rep:.3f} s ({rep_cpu:.3f} s CPU; exit "
      f"{r.returncode}; {len(out)} rows: {kinds})")
print(f"ratio (wall):              {rep / scan:.2f}x the scan, "
      f"{rep / read:.2f}x the same read")
print(f"ratio (CPU):               {rep_cpu / scan_cpu:.2f}x the scan, "
      f"{rep_cpu / read_cpu:.2f}x the same read")
PY
