# ingest junit with more distinct tests than the writer's cache holds
# (16,384): the cache is emptied between batches, a test that comes back
# after that continues its attempt numbers from the store, and the run
# statuses folded in SQL at commit equal the dry run's in-memory fold.
# On SQLite, and on PostgreSQL when TESTPUMP_TEST_PG is set.
. "$(dirname "$0")/lib.sh"

# A run of N passing tests, 'back' failing first and passing at the end
# (flaky across the evictions), a Flank flaky="true" pass (flaky), an
# informing failure, a blocking skip, and 'twice' reported two times far
# apart with outputs.
python3 - 40000 >big.xml <<'PY'
import sys
n = int(sys.argv[1])
print('<testsuites><testsuite name="s">')
print('<testcase classname="c" name="back"><failure message="m">x</failure></testcase>')
print('<testcase classname="c" name="twice"><system-out>o1</system-out></testcase>')
for i in range(1, n + 1):
    print('<testcase classname="c" name="t%d" time="0.002"/>' % i)
    if i == n // 2:
        print('<testcase classname="c" name="flank" flaky="true"/>')
        print('<testcase classname="c" name="inf" lifecycle="informing"><failure message="i"/></testcase>')
        print('<testcase classname="c" name="sk"><skipped/></testcase>')
print('<testcase classname="c" name="twice"><system-out>o1</system-out></testcase>')
print('<testcase classname="c" name="back"/>')
print('</testsuite></testsuites>')
PY

summary='d["tests"], d["statuses"], d["attempts"]'
check_db() { # engine db q
	local engine=$1 db=$2
	tp --db "$db" --format json --dry-run ingest junit big.xml --job j --run-id 1
	expect_rc 0 "$engine: dry run"
	dry=$(json_get "$summary")
	tp --db "$db" --format json ingest junit big.xml --job j --run-id 1
	expect_rc 0 "$engine: ingest 40,008 results"
	[ "$(json_get "$summary")" = "$dry" ] && ok || fail "$engine: the SQL fold equals the in-memory fold ($dry)"
	[ "$(json_get 'd["tests"], d["statuses"]["flaky"], d["statuses"]["fail"], d["statuses"]["skip"], d["run_status"]')" = "40005 2 1 1 pass" ] &&
		ok || fail "$engine: flaky back and flank, an informing failure does not fail the run"
	[ "$($3 "SELECT count(*) FROM test_result") $($3 "SELECT count(*) FROM test_run_status")" = "40007 40005" ] &&
		ok || fail "$engine: every row written once"
	[ "$($3 "SELECT r.attempt || r.status FROM test_result r JOIN test t ON t.id = r.test_id WHERE t.name = 'back' ORDER BY r.attempt")" = "$(printf '1fail\n2pass')" ] &&
		ok || fail "$engine: attempts numbered across an eviction"
	[ "$($3 "SELECT s.attempts || s.status || s.lifecycle FROM test_run_status s JOIN test t ON t.id = s.test_id WHERE t.name IN ('twice', 'inf', 'flank') ORDER BY t.name")" = "$(printf '1flakyblocking\n1failinforming\n2passblocking')" ] &&
		ok || fail "$engine: folded statuses"
	[ "$($3 "SELECT count(*) FROM test_output WHERE text = 'o1'")" = 1 ] && ok || fail "$engine: one text stored once"
	# A re-ingest replaces the run: same rows, no new tests.
	tp --db "$db" --format json ingest junit big.xml --job j --run-id 1
	expect_rc 0 "$engine: re-ingest"
	[ "$(json_get 'd["replaced"]') $($3 "SELECT count(*) FROM test_result") $($3 "SELECT count(*) FROM test")" = "True 40007 40005" ] &&
		ok || fail "$engine: re-ingest replaces in place"
}

tp --db sqlite:t.db db init
expect_rc 0 "db init"
sq() { sqlite3 t.db "$1"; }
check_db sqlite sqlite:t.db sq

if [ -n "${TESTPUMP_TEST_PG:-}" ]; then
	PSQL=psql
	[ -n "${TESTPUMP_TEST_PG_BIN:-}" ] && [ -x "$TESTPUMP_TEST_PG_BIN/psql" ] &&
		PSQL=$TESTPUMP_TEST_PG_BIN/psql
	schema="tp_bounded_$$"
	"$PSQL" -XAtq -v ON_ERROR_STOP=1 "$TESTPUMP_TEST_PG" \
		-c "SET client_min_messages = warning" \
		-c "DROP SCHEMA IF EXISTS $schema CASCADE" -c "CREATE SCHEMA $schema" || exit 1
	trap '"$PSQL" -XAtq "$TESTPUMP_TEST_PG" -c "DROP SCHEMA $schema CASCADE" >/dev/null; rm -rf "$TMP"' EXIT
	PGDB="$TESTPUMP_TEST_PG options='-c search_path=$schema'"
	pq() { "$PSQL" -XAtq -v ON_ERROR_STOP=1 "$PGDB" -c "$1"; }
	tp --db "$PGDB" db init
	expect_rc 0 "pg: db init"
	check_db pg "$PGDB" pq
fi
finish
