#!/bin/bash
# Times 'testpump aggregate' on 10 runs x 20,000 tests over a 200-run
# history (4.2M test_run_status rows in SQLite), from the command's start
# to its verdict with every report and row written, beside the bound:
# one plain SQL scan of the same rows in the same SQLite library
# (python3's sqlite3 module).  Prints both (best of 3) and the ratio.
#
# Usage: bench/aggregate/run.sh [TESTS]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
tests=${1:-20000}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-aggregate.XXXXXX")
trap 'rm -rf "$work"' EXIT
build="$root/build/bench-aggregate"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target testpump >/dev/null
tp="$build/testpump"

cd "$work"
"$tp" --db sqlite:bench.db db init >/dev/null
echo "generating 210 runs x $tests tests..."
python3 "$root/bench/aggregate/gen.py" bench.db "$tests"

export TESTPUMP_NOW=2024-05-22T00:00:00Z
python3 - "$tp" <<'PY'
import sqlite3, subprocess, sys, time

tp = sys.argv[1]
c = sqlite3.connect("bench.db")
rows = c.execute("SELECT count(*) FROM test_run_status").fetchone()[0]


def best(fn, n=3):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        r = fn()
        times.append(time.perf_counter() - t)
    return min(times), r


scan, _ = best(lambda: c.execute(
    "SELECT count(*), sum(status <> 'fail') FROM test_run_status"
).fetchone())
cmd = [tp, "--db", "sqlite:bench.db", "-q", "--format", "json", "aggregate",
       "--job", "periodic-ci-e2e-aws", "--payload", "bench-payload",
       "--working-dir", "out"]
agg, r = best(lambda: subprocess.run(cmd, stdout=subprocess.DEVNULL))
print(f"rows:                 {rows:,} test_run_status")
print(f"bound (one SQL scan): {scan:.3f} s")
print(f"testpump aggregate:   {agg:.3f} s (exit {r.returncode}; verdict, "
      "reports and rows written)")
print(f"ratio:                {agg / scan:.2f}x the bound")
PY
