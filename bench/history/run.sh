#!/bin/bash
# Times 'testpump history' on two generated disruption files of N rows
# (default 100,000) beside the bound: a plain jansson parse of the same
# two files (parse_json.c), each the best of 5 runs as whole processes.
# Prints both times and their ratio.  testpump is built optimised without
# sanitizers in build/bench-history (or give one in $TESTPUMP).
#
# Usage: bench/history/run.sh [ROWS]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
rows=${1:-100000}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-history.XXXXXX")
trap 'rm -rf "$work"' EXIT

cd "$root"
if [ -z "${TESTPUMP:-}" ]; then
	cmake -S . -B build/bench-history -G Ninja -DCMAKE_BUILD_TYPE=Release \
		-DTESTPUMP_SANITIZE=OFF >/dev/null
	cmake --build build/bench-history --target testpump >/dev/null
	TESTPUMP=$root/build/bench-history/testpump
fi
"${CC:-cc}" -std=c17 -O2 bench/history/parse_json.c -ljansson \
	-o "$work/parse_json"
python3 bench/history/gen.py --rows "$rows" "$work/current.json" "$work/new.json"

cd "$work"
python3 - "$TESTPUMP" "$rows" <<'PY'
import os, subprocess, sys, time

testpump, rows = sys.argv[1], int(sys.argv[2])
env = dict(os.environ, TESTPUMP_DB="sqlite:" + os.getcwd() + "/none.db")

def best(cmd, n=5):
    times = []
    for _ in range(n):
        for f in ("pr_message.md", "require_review"):
            if os.path.exists(f):
                os.unlink(f)
        t = time.perf_counter()
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return min(times)

size = sum(os.path.getsize(f) for f in ("current.json", "new.json"))
bound = best(["./parse_json", "current.json", "new.json"])
hist = best([testpump, "-q", "--format", "json", "history",
             "--data-type", "disruptions", "--current", "current.json",
             "--new", "new.json", "--leeway", "30",
             "--target-release", "4.16", "--previous-release", "4.15"])
print("rows per file:            %d (%.1f MB in both files)" % (rows, size / 1e6))
print("bound (jansson parse):    %.3f s" % bound)
print("testpump history:         %.3f s" % hist)
print("ratio (history / bound):  %.2f" % (hist / bound))
PY
