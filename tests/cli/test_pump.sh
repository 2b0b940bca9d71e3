# pump, report, faux list and faux serve, black-box.  The connector runs
# in-process (--faux) and over the real libcurl path against
# `testpump faux serve` on a free loopback port, in every scenario.
. "$(dirname "$0")/lib.sh"

SERVER_PID=
stop_server() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
		SERVER_PID=
	fi
}
trap 'stop_server; rm -rf "$TMP"' EXIT

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_server SCENARIO: faux serve in the background on $PORT, waiting
# (at most 10 s) until it answers.
start_server() {
	stop_server
	PORT=$(free_port)
	"$TESTPUMP" faux serve --listen "127.0.0.1:$PORT" --scenario "$1" \
		>"$TMP/serve.out" 2>"$TMP/serve.err" &
	SERVER_PID=$!
	for _ in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$PORT/" && return 0
		sleep 0.1
	done
	fail "faux serve --scenario $1 did not start"
}

# sql DB QUERY: prints the rows, '|'-separated.
sql() {
	python3 - "$1" "$2" <<'EOF'
import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
EOF
}

dump() {
	python3 -c 'import sqlite3,sys; print("\n".join(sqlite3.connect(sys.argv[1]).iterdump()))' "$1"
}

SECRET_USER=qa-bot@example.com
SECRET_PW=Xy9-TOPSECRET-pw-4711
remote() {
	TESTRAIL_HOST="http://127.0.0.1:$PORT" TESTRAIL_USERNAME=$SECRET_USER \
		TESTRAIL_PASSWORD=$SECRET_PW tp "$@"
}

# faux list names the scenarios and the endpoints.
tp --format json faux list
expect_rc 0 "faux list"
[ "$(json_get '",".join(r["scenario"] for r in d["scenarios"])')" = \
	"ok,rate-limited,server-error,malformed,legacy" ] && ok ||
	fail "faux list names the five scenarios"
expect_out_has "testrail/get_cases" "faux list names the endpoints"

# --faux, in-process: the store fills, the report shows the counts.
tp --db sqlite:a.db db init
TESTPUMP_NOW=2024-05-01T10:00:00Z tp --db sqlite:a.db --faux pump \
	--project ALL --source testrail --report-type ALL
expect_rc 0 "--faux pump ALL ALL"
expect_out_has "focus-ios" "the summary lists every project"
[ "$(sql a.db 'SELECT count(*) FROM testrail_case')" = 77 ] && ok ||
	fail "77 cases stored"
[ "$(sql a.db "SELECT count(*) FROM pump_run WHERE status = 'success'")" = 10 ] &&
	ok || fail "10 pump_run rows (5 projects x 2 report types)"
TESTPUMP_NOW=2024-05-01T10:00:00Z tp --db sqlite:a.db --format json report \
	test-case-coverage --project fenix
expect_rc 0 "report test-case-coverage"
[ "$(json_get 'd["report"]')" = test-case-coverage ] && ok ||
	fail "the report names itself"
[ "$(json_get 'sorted(d["rows"][0].keys())')" = \
	"['automation_status', 'count', 'coverage', 'date', 'project', 'sub_suite', 'suite']" ] &&
	ok || fail "a coverage row has its seven keys"
[ "$(json_get 'sum(r["count"] for r in d["rows"])')" = \
	"$(sql a.db "SELECT sum(count) FROM coverage_snapshot WHERE project = 'fenix'")" ] &&
	ok || fail "the report sums to the snapshot"
expect_out_has '"automation_status": "Completed"' "labels, not option ids"
expect_out_has '"sub_suite": "Smoke & Sanity"' "sub-suite labels from the case fields"
tp --db sqlite:a.db --format csv report test-case-coverage --project focus-ios
expect_out_has "Blocked by XCUITest" "focus-ios uses its own field config"
TESTPUMP_NOW=2024-05-01T10:00:00Z tp --db sqlite:a.db --format json report \
	test-run-counts --project fenix --num-days 7
expect_rc 0 "report test-run-counts"
[ "$(json_get 'sorted(set(["project","run_id","name","created_on","passed","failed","blocked","retest","untested"]) - set(d["rows"][0]))')" = "[]" ] &&
	ok || fail "a run-count row has its keys"
[ "$(json_get 'sum(1 for r in d["rows"] if r["plan_id"])')" = 2 ] && ok ||
	fail "plan runs are counted"

# test-run-counts also stores every run's results (get_results_for_run),
# consistent with the run's own counts: one result per tested test.
results=$(sql a.db 'SELECT count(*) FROM testrail_result')
[ "$results" -gt 100 ] && ok || fail "results stored ($results)"
[ "$(sql a.db "SELECT count(*) FROM testrail_run t LEFT JOIN report_test_run_results r USING (run_id) WHERE coalesce(r.passed, 0) <> t.passed OR coalesce(r.failed, 0) <> t.failed OR coalesce(r.blocked, 0) <> t.blocked OR coalesce(r.retest, 0) <> t.retest")" = 0 ] &&
	ok || fail "every run's results match its counts"
[ "$(sql a.db "SELECT count(*) FROM testrail_result r JOIN testrail_run t USING (run_id) WHERE t.project <> r.project")" = 0 ] &&
	ok || fail "results belong to their run's project"
[ "$(sql a.db "SELECT DISTINCT status FROM testrail_result WHERE status_id = 5")" = Failed ] &&
	ok || fail "results carry the status label"
[ "$(sql a.db "SELECT count(*) FROM testrail_result WHERE elapsed_ms = 90000")" -gt 0 ] &&
	ok || fail "'1m 30s' is stored as 90000 ms"
[ "$(sql a.db "SELECT count(*) FROM testrail_result WHERE elapsed_ms IS NULL")" -gt 0 ] &&
	ok || fail "a result without elapsed time keeps NULL"
TESTPUMP_NOW=2024-05-01T11:00:00Z tp --db sqlite:a.db --faux pump \
	--project ALL --report-type test-run-counts
expect_rc 0 "pump test-run-counts again"
[ "$(sql a.db 'SELECT count(*) FROM testrail_result')" = "$results" ] && ok ||
	fail "results are upserted, not doubled"

# One day twice: no double snapshot; the next day: both kept.
snap() { sql a.db "SELECT count(DISTINCT date) || '/' || count(*) FROM coverage_snapshot"; }
first=$(snap)
TESTPUMP_NOW=2024-05-01T18:00:00Z tp --db sqlite:a.db --faux pump \
	--project ALL --report-type test-case-coverage
expect_rc 0 "pump again the same day"
[ "$(snap)" = "$first" ] && ok || fail "same day: snapshot replaced ($first -> $(snap))"
TESTPUMP_NOW=2024-05-02T09:00:00Z tp --db sqlite:a.db --faux pump \
	--project ALL --report-type test-case-coverage
[ "$(snap | cut -d/ -f1)" = 2 ] && ok || fail "next day: two snapshots ($(snap))"
[ "$(sql a.db 'SELECT count(*) FROM testrail_case')" = 77 ] && ok ||
	fail "cases are upserted, not doubled"

# --dry-run reads and writes nothing.
before=$(dump a.db | sha256sum)
tp --db sqlite:a.db --faux --dry-run pump --report-type ALL
expect_rc 0 "dry run"
[ "$(dump a.db | sha256sum)" = "$before" ] && ok || fail "dry run wrote"

# Validation.
tp --db sqlite:a.db --faux pump --project nosuch --report-type ALL
expect_rc 1 "unknown project"
expect_err_has "nosuch" "the error names the project"
tp --db sqlite:a.db --faux pump --report-type nosuch
expect_rc 1 "unknown report type"
tp --db sqlite:a.db pump --report-type ALL
expect_rc 1 "no TESTRAIL_HOST"
expect_err_has "TESTRAIL_HOST" "the error names the variable"

# Over HTTP: ok, then rate-limited (waits and succeeds).
tp --db sqlite:b.db db init
start_server ok
# faux serve keeps connections open: a second call reuses the first's.
api="http://127.0.0.1:$PORT/index.php?/api/v2/get_statuses"
curl -sv -u u:p -o /dev/null -o /dev/null "$api" "$api" 2>"$TMP/curl.err"
grep -q "Re-using existing connection" "$TMP/curl.err" && ok ||
	fail "faux serve keeps the connection alive"
grep -qi "^< connection: close" "$TMP/curl.err" && fail "faux serve says Connection: close" || ok
remote --db sqlite:b.db -vv pump --source testrail --report-type ALL
expect_rc 0 "pump against faux serve"
expect_err_has "GET http://127.0.0.1:$PORT/index.php?/api/v2/get_cases/59&suite_id=5901&limit=250&offset=0 200" \
	"-v logs method, URL and status"
[ "$(sql b.db 'SELECT count(*) FROM testrail_case')" = 77 ] && ok ||
	fail "77 cases over HTTP"

start_server rate-limited
remote --db sqlite:b.db -v pump --report-type test-run-counts --project fenix
expect_rc 0 "rate-limited: waits and succeeds"
expect_err_has " 429 " "the 429 is logged"
expect_err_has "trying again in 1000 ms" "Retry-After is honoured"
expect_err_has " 409 " "TestRail maintenance (409) is retried"

# server-error: focus-android fails, is left as it was; exit 3.
case_rows() { sql b.db "SELECT * FROM testrail_case WHERE project = 'focus-android' ORDER BY case_id" | sha256sum; }
before=$(case_rows)
snaps=$(sql b.db "SELECT count(*) FROM coverage_snapshot WHERE project = 'focus-android'")
start_server server-error
TESTPUMP_NOW=2030-01-01T00:00:00Z remote --db sqlite:b.db pump --source testrail --report-type ALL
expect_rc 3 "server-error: exit 3"
expect_out_has "HTTP 500" "the summary says why"
[ "$(case_rows)" = "$before" ] && ok || fail "focus-android's cases as before"
[ "$(sql b.db "SELECT count(*) FROM coverage_snapshot WHERE project = 'focus-android'")" = "$snaps" ] &&
	ok || fail "no snapshot for focus-android"
[ "$(sql b.db "SELECT count(*) FROM coverage_snapshot WHERE date = '2030-01-01'")" -gt 0 ] &&
	ok || fail "the other projects were stored"
[ "$(sql b.db "SELECT count(*) FROM pump_run WHERE status = 'failed' AND project = 'focus-android' AND error LIKE '%HTTP 500%'")" = 2 ] &&
	ok || fail "pump_run records the failures"

# malformed: names the endpoint and the problem.
start_server malformed
remote --db sqlite:b.db pump --source testrail --report-type ALL
expect_rc 3 "malformed: exit 3"
expect_out_has "'get_cases/58&suite_id=5801': malformed response" \
	"names the endpoint"
expect_out_has "no 'runs' array" "names the problem"

# legacy: bare arrays.
start_server legacy
remote --db sqlite:b.db pump --source testrail --report-type ALL --parallel 1
expect_rc 0 "legacy bare arrays"
stop_server

# No secret in any output, log or row; nor a password in the host URL.
start_server ok
TESTRAIL_HOST="http://qa-bot:$SECRET_PW@127.0.0.1:$PORT" \
	TESTRAIL_USERNAME=$SECRET_USER TESTRAIL_PASSWORD=$SECRET_PW \
	tp --db sqlite:b.db -vv pump --source testrail --report-type ALL
expect_rc 0 "pump with credentials in the host URL"
expect_err_has "GET http://***@127.0.0.1:$PORT/" "the host URL is masked"
all="$out $err"
start_server server-error
remote --db sqlite:b.db -vv pump --source testrail --report-type ALL
all="$all $out $err $(dump b.db) $(cat "$TMP/serve.err")"
case "$all" in *"$SECRET_PW"*) fail "the password leaked" ;; *) ok ;; esac
stop_server

finish
