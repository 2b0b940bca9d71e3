#!/bin/bash
# The JUnit ingest benchmark (issue 3).  On one generated file (default
# 100 MB) it measures, each best of 3 with the file in the page cache:
#   (a) parse only: junit_parse_memory() with callbacks reading every field
#   (b) parse and store: `testpump ingest junit` into a fresh SQLite file
#   (c) raw expat counting the same file: the bound of our parser choice
#   (d) the Python peer: python3-junitparser + sqlite3 executemany
# and prints MB/s, testcases/s, peak RSS and the ratios.  BIG=1 also
# generates a 1 GB file and reports the peak RSS of ingesting it.
#
# Usage: [BENCH_BUILD=build/DIR] bench/junit/run.sh [MB]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
size=${1:-100}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-junit.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$root"

/usr/bin/python3 -c "import junitparser" 2>/dev/null || {
	echo "installing python3-junitparser for the peer" >&2
	apt-get install -y -qq python3-junitparser >/dev/null
}
build=${BENCH_BUILD:-build/release}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target testpump >/dev/null
tp=$root/$build/testpump

python3 bench/junit/gen.py --size "$size" "$work/junit.xml"
mb=$(python3 -c "import os; print(os.path.getsize('$work/junit.xml') / 1e6)")
cases=$(grep -c '<testcase ' "$work/junit.xml")
"${CC:-cc}" -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 \
	-DNDEBUG -Isrc bench/junit/bench_junit.c src/ingest/junit.c \
	src/ingest/jcase.c src/ingest/jattr.c src/ingest/jprops.c \
	src/ingest/captext.c src/ingest/sanitize.c src/core/buf.c \
	src/core/err.c src/core/xalloc.c src/core/timestamp.c src/core/log.c \
	-lexpat -lz -lm -o "$work/bench_junit"

# best SECONDS and peak RSS (KB) of three runs of a command
best() {
	local t m bt=999999 bm=0
	for _ in 1 2 3; do
		[ -n "${PREP:-}" ] && eval "$PREP"
		/usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>&1
		read -r t m <"$work/time"
		bt=$(python3 -c "print(min($bt, $t))")
		[ "$m" -gt "$bm" ] && bm=$m
	done
	echo "$bt $bm"
}

"$work/bench_junit" "$work/junit.xml" | tee "$work/parse"
a_mbs=$(awk '/junit_parse_memory/ {print $2}' "$work/parse")
c_mbs=$(awk '/expat, empty/ {print $4}' "$work/parse")

PREP="rm -f $work/b.db*; $tp --db sqlite:$work/b.db db init >/dev/null"
read -r b_s b_kb < <(best "$tp" --db "sqlite:$work/b.db" ingest junit \
	"$work/junit.xml" --job bench --run-id 1)
PREP="rm -f $work/p.db*"
read -r d_s d_kb < <(best /usr/bin/python3 bench/junit/peer.py "$work/junit.xml" "$work/p.db")
unset PREP

python3 - "$mb" "$cases" "$a_mbs" "$c_mbs" "$b_s" "$b_kb" "$d_s" "$d_kb" <<'PY'
import sys
mb, cases, a, c, bs, bkb, ds, dkb = map(float, sys.argv[1:])
print(f"\nfile: {mb:.1f} MB, {int(cases)} testcases")
print(f"(a) parse only           {a:8.1f} MB/s  {a / mb * cases:10.0f} cases/s")
print(f"(b) parse + SQLite       {mb / bs:8.1f} MB/s  {cases / bs:10.0f} cases/s  {bkb / 1024:7.1f} MiB peak")
print(f"(c) raw expat (bound)    {c:8.1f} MB/s")
print(f"(d) junitparser+sqlite3  {mb / ds:8.1f} MB/s  {cases / ds:10.0f} cases/s  {dkb / 1024:7.1f} MiB peak")
print(f"(b)/(c) speed            {mb / bs / c:8.2f}   (target >= 0.50)")
print(f"(b) vs (d) speed         {ds / bs:8.1f}x  (target >= 6)")
print(f"(d)/(b) peak memory      {dkb / bkb:8.1f}x  (target >= 20)")
PY

if [ "${BIG:-0}" = 1 ]; then
	python3 bench/junit/gen.py --size 1000 "$work/big.xml"
	rm -f "$work/b.db"*
	"$tp" --db "sqlite:$work/b.db" db init >/dev/null
	/usr/bin/time -f "%e %M" -o "$work/time" "$tp" --db "sqlite:$work/b.db" \
		ingest junit "$work/big.xml" --job big --run-id 1 >/dev/null
	read -r t m <"$work/time"
	echo "1 GB ingest: ${t} s, $((m / 1024)) MiB peak (target < 64)"
fi
