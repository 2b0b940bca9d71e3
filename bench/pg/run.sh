#!/bin/bash
# The PostgreSQL store benchmark (issue 8).  On one generated JUnit file
# (default 100 MB, bench/junit/gen.py) it measures, each best of 3:
#   (a) `testpump ingest junit` into a fresh SQLite file
#   (b) `testpump ingest junit` into a fresh PostgreSQL schema
#   (c) the bound: a plain COPY ... FROM STDIN (psql \copy) of exactly the
#       rows (b) wrote, table by table, into empty same-shaped tables
# and prints rows/s of each and the ratios (b)/(a) and (b)/(c).  "Rows"
# are every row the ingest writes: test, test_output, test_result,
# test_run_status, job_run_suite (and the one job_run).
#
# The PostgreSQL server is a private throw-away cluster on 127.0.0.1
# (scripts/with-postgres), unless TESTPUMP_TEST_PG already names one.
#
# Usage: bench/pg/run.sh [MB]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${TESTPUMP_TEST_PG:-}" ]; then
	TESTPUMP_REQUIRE_PG=1 exec "$root/scripts/with-postgres" "$0" "$@"
fi
size=${1:-100}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-pg.XXXXXX")
chmod 755 "$work"
PSQL=psql
[ -n "${TESTPUMP_TEST_PG_BIN:-}" ] && PSQL=$TESTPUMP_TEST_PG_BIN/psql
pg() { "$PSQL" -XAtq -v ON_ERROR_STOP=1 "$TESTPUMP_TEST_PG" -c "SET client_min_messages = warning" "$@"; }
trap 'rm -rf "$work"; pg -c "DROP SCHEMA IF EXISTS bench_pg CASCADE" -c "DROP SCHEMA IF EXISTS bench_copy CASCADE" >/dev/null 2>&1 || true' EXIT
cd "$root"

build=${BENCH_BUILD:-build/release}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target testpump >/dev/null
tp=$root/$build/testpump
python3 bench/junit/gen.py --size "$size" "$work/junit.xml"
mb=$(python3 -c "import os; print(round(os.path.getsize('$work/junit.xml') / 1e6, 1))")

pgdb="$TESTPUMP_TEST_PG options='-c search_path=bench_pg'"
tables="job_run test test_output test_result test_run_status job_run_suite"

# now: seconds since the epoch, with nanoseconds
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.3f}')"; }
min() { python3 -c "print(min(float(x) for x in '$*'.split()))"; }

sqlite_times="" pg_times="" copy_times=""
for i in 1 2 3; do
	rm -f "$work/s.db"*
	"$tp" --db "sqlite:$work/s.db" db init >/dev/null
	t0=$(now)
	"$tp" --db "sqlite:$work/s.db" --no-progress -q ingest junit "$work/junit.xml" --job bench --run-id 1 >/dev/null
	sqlite_times="$sqlite_times $(secs "$t0" "$(now)")"

	pg -c "DROP SCHEMA IF EXISTS bench_pg CASCADE" -c "CREATE SCHEMA bench_pg" >/dev/null
	"$tp" --db "$pgdb" db init >/dev/null
	t0=$(now)
	"$tp" --db "$pgdb" --no-progress -q ingest junit "$work/junit.xml" --job bench --run-id 1 >/dev/null
	pg_times="$pg_times $(secs "$t0" "$(now)")"

	# The bound: the same rows, COPYed into empty tables of the same
	# shape (indexes, keys and checks included, foreign keys left out).
	for t in $tables; do
		pg -c "\\copy bench_pg.$t TO '$work/$t.tsv'"
	done
	pg -c "DROP SCHEMA IF EXISTS bench_copy CASCADE" -c "CREATE SCHEMA bench_copy" >/dev/null
	for t in $tables; do
		pg -c "CREATE TABLE bench_copy.$t (LIKE bench_pg.$t INCLUDING ALL)" >/dev/null
	done
	args=()
	for t in $tables; do args+=(-c "\\copy bench_copy.$t FROM '$work/$t.tsv'"); done
	t0=$(now)
	pg -1 "${args[@]}"
	copy_times="$copy_times $(secs "$t0" "$(now)")"
done

rows=0
for t in $tables; do
	n=$(pg -c "SELECT count(*) FROM bench_pg.$t")
	rows=$((rows + n))
done
lite_rows=0
for t in $tables; do
	n=$(sqlite3 "$work/s.db" "SELECT count(*) FROM $t")
	lite_rows=$((lite_rows + n))
done
[ "$rows" = "$lite_rows" ] || { echo "bench/pg: SQLite wrote $lite_rows rows, PostgreSQL $rows" >&2; exit 1; }
results=$(pg -c "SELECT count(*) FROM bench_pg.test_result")
s=$(min $sqlite_times) p=$(min $pg_times) c=$(min $copy_times)
python3 - "$mb" "$rows" "$results" "$s" "$p" "$c" "$(pg -c 'SHOW server_version')" <<'PY'
import sys
mb, rows, results = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
s, p, c = (float(x) for x in sys.argv[4:7])
print(f"JUnit file: {mb} MB, {results} results, {rows} rows written "
      f"(PostgreSQL {sys.argv[7]}, best of 3)")
print(f"  (a) ingest into SQLite      {s:8.2f} s  {rows / s:10.0f} rows/s")
print(f"  (b) ingest into PostgreSQL  {p:8.2f} s  {rows / p:10.0f} rows/s")
print(f"  (c) plain COPY of the rows  {c:8.2f} s  {rows / c:10.0f} rows/s  (bound)")
print(f"  PostgreSQL / SQLite: {s / p:.2f}x   PostgreSQL / COPY bound: {c / p:.3f}")
PY
