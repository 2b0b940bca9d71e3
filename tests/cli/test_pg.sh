# The commands end to end on PostgreSQL: db, ingest, jobs, pump, report,
# aggregate (the whole of test_aggregate.py), and two ingests and a pump
# writing at once while a reader reads.  Needs TESTPUMP_TEST_PG (a libpq
# conninfo; scripts/with-postgres sets it): without it the script says so
# and passes, unless CI=true, where a missing PostgreSQL is a failure.
. "$(dirname "$0")/lib.sh"
F=$FIXTURES/ingest

if [ -z "${TESTPUMP_TEST_PG:-}" ]; then
	if [ "${CI:-}" = true ]; then
		rc=1 out="" err=""
		fail "CI=true and TESTPUMP_TEST_PG is not set (run under scripts/with-postgres)"
		finish
		exit 1
	fi
	echo "skipped: TESTPUMP_TEST_PG is not set (make check sets it)"
	finish
	exit 0
fi
PSQL=psql
[ -n "${TESTPUMP_TEST_PG_BIN:-}" ] && [ -x "$TESTPUMP_TEST_PG_BIN/psql" ] &&
	PSQL=$TESTPUMP_TEST_PG_BIN/psql

# Every database here is a fresh schema of the test database, dropped at
# the end.
SCHEMAS=""
new_db() {
	local s="tp_cli_$$_$1"
	"$PSQL" -XAtq -v ON_ERROR_STOP=1 "$TESTPUMP_TEST_PG" \
		-c "SET client_min_messages = warning" \
		-c "DROP SCHEMA IF EXISTS $s CASCADE" -c "CREATE SCHEMA $s" || exit 1
	SCHEMAS="$SCHEMAS $s"
	printf "%s options='-c search_path=%s'" "$TESTPUMP_TEST_PG" "$s"
}
drop_schemas() {
	for s in $SCHEMAS; do
		"$PSQL" -XAtq "$TESTPUMP_TEST_PG" -c "DROP SCHEMA $s CASCADE"
	done
	rm -rf "$TMP"
}
trap drop_schemas EXIT
q() { "$PSQL" -XAtq -v ON_ERROR_STOP=1 "$DB" -c "$1"; }
count() { q "SELECT count(*) FROM $1"; }

# --- db ------------------------------------------------------------------
DB=$(new_db db)
tp --db "$DB" jobs list
expect_rc 1 "an empty database is refused"
expect_err_has "db migrate" "and says how to set it up"
tp --db "$DB" --format json db init
expect_rc 0 "db init"
latest=$(ls "$SRCDIR/src/store/sql/pg" | sed -n 's/^0*\([0-9][0-9]*\)_.*/\1/p' | sort -n | tail -1)
[ "$(json_get 'd["engine"], d["schema_version"], d["created"]')" = "pg $latest False" ] &&
	ok || fail "engine pg, schema $latest, database not created by testpump"
tp --db "$DB password=n0t-logged" --format json db status
expect_rc 0 "db status"
[ "$(json_get 'd["up_to_date"], d["migrations_pending"]')" = "True 0" ] && ok ||
	fail "up to date"
[ "$(json_get 'len(d["tables"])')" = "$(q "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")" ] &&
	ok || fail "every table counted"
case "$out$err" in *n0t-logged*) fail "the password is shown" ;; *) ok ;; esac
tp --db "$DB" --format json db migrate
[ "$(json_get 'd["migrations_applied"]')" = "[]" ] && ok || fail "db migrate again applies nothing"
tp --db "host=127.0.0.1 port=1 password=n0t-logged dbname=x" db status
expect_rc 1 "no server"
expect_err_has "cannot connect to database" "says so"
case "$err" in *n0t-logged*) fail "the password is in the message" ;; *) ok ;; esac

# --- ingest ----------------------------------------------------------------
tp --db "$DB" --format json ingest junit "$F/run1" --job unit --run-id 101 \
	--payload p1 --release 4.16 --variant platform=aws --variant arch=arm64 \
	--url https://ci.example/101
expect_rc 0 "ingest a directory"
[ "$(json_get 'd["files"], d["suites"], d["tests"]')" = "2 2 7" ] && ok || fail "files, suites, tests"
[ "$(json_get 'd["statuses"]')" = "{'pass': 1, 'fail': 4, 'flaky': 1, 'skip': 1}" ] && ok || fail "run statuses"
[ "$(json_get 'd["run_status"], d["started_at"], d["replaced"]')" = "fail 2024-05-01T11:59:00Z False" ] && ok || fail "run status and start"
[ "$(count test_result) $(count test_run_status) $(count job_run_suite)" = "9 7 2" ] && ok || fail "rows written"
[ "$(q "SELECT string_agg(r.status || r.retried, ',' ORDER BY attempt) FROM test_result r JOIN test t ON t.id = r.test_id WHERE t.name = 'connects'")" = "fail1,pass0" ] && ok || fail "the flaky failure is attempt 1"
[ "$(q "SELECT o.text FROM test_result r JOIN test t ON t.id = r.test_id JOIN test_output o ON o.hash = r.message_hash WHERE t.name = 'overflows'")" = "expected 0, got 1" ] && ok || fail "the message is in test_output"
before=$(q "SELECT count(*) FROM test_result")/$(count test_output)/$(count test)
tp --db "$DB" --format json ingest junit "$F/run1" --job unit --run-id 101 \
	--payload p1 --release 4.16
[ "$rc/$(json_get 'd["replaced"]')" = "0/True" ] && ok || fail "the same run again replaces it"
[ "$(count job_run) $(q "SELECT count(*) FROM test_result")/$(count test_output)/$(count test)" = "1 $before" ] && ok || fail "no duplicate rows"
dump() { "$TESTPUMP" --db "$DB" --format json db status; }
before=$(dump)
tp --db "$DB" ingest junit "$F/run1" "$F/bad.xml" --job unit --run-id 102
expect_rc 1 "a malformed file rejects the run"
expect_err_has "bad.xml:4:" "naming file and line"
[ "$(dump)" = "$before" ] && ok || fail "nothing of the run was stored"
tp --db "$DB" --format json ingest junit "$F/run1" "$F/bad.xml" --job unit --run-id 102 --keep-going
expect_rc 3 "--keep-going stores the good files and exits 3"
tp --db "$DB" --dry-run ingest junit "$F/run1" --job unit --run-id 103
expect_rc 0 "--dry-run ingest"
[ "$(q "SELECT count(*) FROM job_run WHERE run_id = '103'")" = 0 ] && ok || fail "--dry-run writes nothing"
tp --db "$DB" --format json jobs list
[ "$(json_get '[(j["name"], j["variants"], j["runs"]) for j in d["jobs"]]')" = "[('unit', 'arch=arm64, platform=aws', 2)]" ] &&
	ok || fail "jobs list: variants joined, runs counted ($out)"

# --- pump and reports ----------------------------------------------------
TESTPUMP_NOW=2024-05-01T10:00:00Z tp --db "$DB" --faux pump --project ALL --source testrail --report-type ALL
expect_rc 0 "--faux pump ALL ALL"
[ "$(count testrail_case)" = 77 ] && ok || fail "77 cases stored"
[ "$(q "SELECT count(*) FROM pump_run WHERE status = 'success'")" = 10 ] && ok || fail "10 pump runs"
TESTPUMP_NOW=2024-05-01T10:00:00Z tp --db "$DB" --format json report test-case-coverage --project fenix
expect_rc 0 "report test-case-coverage"
[ "$(json_get 'sum(r["count"] for r in d["rows"])')" = "$(q "SELECT sum(count) FROM report_test_case_coverage WHERE project = 'fenix'")" ] &&
	ok || fail "the report sums to the view"
TESTPUMP_NOW=2024-05-01T10:00:00Z tp --db "$DB" --format json report test-run-counts --project fenix --num-days 7
expect_rc 0 "report test-run-counts"

# --- aggregate: the whole black-box suite, on PostgreSQL -----------------
AGG=$(new_db agg)
if TESTPUMP_TEST_DB=$AGG python3 "$SRCDIR/tests/cli/test_aggregate.py" >agg.log 2>&1; then
	ok
else
	rc=$? out=$(tail -20 agg.log) err=""
	fail "test_aggregate.py on PostgreSQL"
fi

# --- two ingests and a pump at once, and a reader ------------------------
CON=$(new_db con)
DB=$CON
tp --db "$CON" db init
python3 - <<'PY'
# Two runs of 3,000 tests each (different runs, many tests in common).
for run, first in (("a", 0), ("b", 1500)):
    with open(f"run-{run}.xml", "w") as f:
        f.write('<testsuites><testsuite name="s" tests="3000">\n')
        for i in range(first, first + 3000):
            fail = '<failure message="m%d">trace %d</failure>' % (i % 7, i) if i % 10 == 0 else ""
            f.write('<testcase classname="c%d" name="t%d" time="0.01">%s</testcase>\n' % (i % 50, i, fail))
        f.write("</testsuite></testsuites>\n")
PY
reader() {
	while [ ! -e done ]; do
		"$TESTPUMP" --db "$CON" --format json jobs list >/dev/null 2>>reader.err ||
			echo "reader failed" >>reader.err
	done
}
reader &
rpid=$!
start=$(date +%s)
for round in 1 2 3; do
	timeout 120 "$TESTPUMP" --db "$CON" ingest junit run-a.xml --job ja --run-id "a$round" >a.log 2>&1 &
	p1=$!
	timeout 120 "$TESTPUMP" --db "$CON" ingest junit run-b.xml --job jb --run-id "b$round" >b.log 2>&1 &
	p2=$!
	TESTPUMP_NOW=2024-05-0${round}T10:00:00Z timeout 120 "$TESTPUMP" --db "$CON" --faux pump \
		--project ALL --source testrail --report-type ALL >p.log 2>&1 &
	p3=$!
	wait $p1; r1=$?
	wait $p2; r2=$?
	wait $p3; r3=$?
	rc="$r1 $r2 $r3" out="" err="$(cat a.log b.log p.log)"
	[ "$rc" = "0 0 0" ] && ok || fail "round $round: two ingests and a pump at once all succeed"
done
touch done
wait $rpid
elapsed=$(($(date +%s) - start))
rc=$elapsed out="" err=""
[ "$elapsed" -lt 240 ] && ok || fail "no deadlock: the rounds ended in bounded time"
[ "$(q "SELECT count(*) FROM test_result")" = 18000 ] && ok || fail "no result lost: 3 rounds x 2 runs x 3,000"
[ "$(q "SELECT count(*) FROM test")" = 4500 ] && ok || fail "each test interned once"
[ "$(q "SELECT count(*) FROM job_run")" = 6 ] && ok || fail "six runs"
[ "$(q "SELECT count(*) FROM pump_run WHERE status = 'success'")" = 30 ] && ok || fail "30 pump runs, all successful"
[ "$(count testrail_case)" = 77 ] && ok || fail "pumped cases upserted, not duplicated"
[ "$(q "SELECT count(DISTINCT date) FROM coverage_snapshot")" = 3 ] && ok || fail "three days of snapshots"
out=$(cat reader.err 2>/dev/null)
[ -z "$out" ] && ok || fail "the reader read all along"

finish
