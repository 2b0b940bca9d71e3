# pump --report-type ci-builds from Taskcluster and Bitrise, and report
# ci-builds, black-box: in-process (--faux) and over HTTP against `testpump
# faux serve` (redirects to storage, the Bitrise token), on SQLite and, with
# TESTPUMP_TEST_PG, on PostgreSQL.  A JUnit artifact becomes a job run with
# its results, linked from its build; a retried Taskcluster run is its own
# attempt and job run; pumps are idempotent and Bitrise's incremental.
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

start_server() {
	stop_server
	PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	"$TESTPUMP" faux serve --listen "127.0.0.1:$PORT" --scenario "$1" \
		>"$TMP/serve.out" 2>"$TMP/serve.err" &
	SERVER_PID=$!
	for _ in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$PORT/" && return 0
		sleep 0.1
	done
	fail "faux serve --scenario $1 did not start"
}

sql() {
	python3 - "$1" "$2" <<'PY'
import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
PY
}

export TESTPUMP_NOW=2024-05-01T10:00:00Z
TOKEN=brt-TOPSECRET-token-4711

tp --db sqlite:a.db db init
tp --db sqlite:a.db --faux pump --project ALL --report-type ci-builds \
	--source taskcluster
expect_rc 0 "--faux pump ci-builds from taskcluster"
expect_out_has "reference-browser" "the Android projects are pumped"
tp --db sqlite:a.db --faux --format json pump --project ALL \
	--report-type ci-builds --source bitrise
expect_rc 0 "--faux pump ci-builds from bitrise"
[ "$(json_get '",".join(r["project"] for r in d["results"])')" = \
	"firefox-ios,focus-ios" ] && ok || fail "the iOS projects are pumped"

# Builds: 7 pushes x 9 task runs on Taskcluster, 15 Bitrise builds.
[ "$(sql a.db "SELECT count(*) FROM ci_build WHERE source = 'taskcluster'")" = 63 ] &&
	ok || fail "63 Taskcluster task runs"
[ "$(sql a.db "SELECT count(*) FROM ci_build WHERE source = 'bitrise'")" = 15 ] &&
	ok || fail "15 Bitrise builds (more than one page each)"
[ "$(sql a.db "SELECT status FROM ci_build WHERE workflow = 'beetmover-apk-fenix' LIMIT 1")" = superseded ] &&
	ok || fail "a superseded task is superseded, not failed"
[ "$(sql a.db "SELECT count(*) FROM ci_build WHERE retry = 1 AND attempt = 2 AND status = 'success'")" = 7 ] &&
	ok || fail "automatic retries are recorded as attempt 2 with retry"
[ "$(sql a.db "SELECT count(*) FROM ci_build WHERE status = 'running' AND source = 'bitrise'")" = 2 ] &&
	ok || fail "running builds"

# Every JUnit artifact became a job run with its results.
[ "$(sql a.db "SELECT count(*) FROM ci_build WHERE job_run_id IS NOT NULL")" = 27 ] &&
	ok || fail "27 builds link a job run"
tid=$(sql a.db "SELECT build_id FROM ci_build WHERE workflow = 'ui-test-arm-fenix' AND attempt = 2 LIMIT 1")
[ "$(sql a.db "SELECT j.name || '|' || r.source FROM job_run r JOIN job j ON j.id = r.job_id WHERE r.run_id = '$tid.2'")" = \
	"taskcluster:ui-test-arm-fenix|taskcluster" ] &&
	ok || fail "attempt 2's JUnit is job run '<task>.2' of job 'taskcluster:<name>'"
[ "$(sql a.db "SELECT count(*) FROM test_run_status s JOIN ci_build b ON b.job_run_id = s.job_run_id WHERE b.build_id = '$tid' AND b.attempt = 2 AND s.status = 'flaky'")" -eq 0 ] &&
	ok || fail "results hang off the linked job run"
# The zipped Surefire reports (two files in one zip) are one job run.
zr=$(sql a.db "SELECT b.job_run_id FROM ci_build b WHERE b.workflow = 'ui-test-x86-fenix' LIMIT 1")
[ "$(sql a.db "SELECT count(*) FROM job_run_suite WHERE job_run_id = $zr")" -ge 2 ] &&
	ok || fail "both files of the zip are in one job run"
[ "$(sql a.db "SELECT count(*) FROM test_run_status WHERE job_run_id = $zr AND status = 'flaky'")" -ge 1 ] &&
	ok || fail "the zip's flaky Surefire test is flaky"
tp --db sqlite:a.db --format json jobs list
expect_out_has '"name": "bitrise:firefox_ios_unit_tests"' "jobs list names a Bitrise JUnit job"
expect_out_has '"name": "taskcluster:test-unit-fenix"' "jobs list names a Taskcluster JUnit job"

# report ci-builds: builds per day, source and workflow with test counts.
tp --db sqlite:a.db --format json report ci-builds
expect_rc 0 "report ci-builds"
[ "$(json_get 'sorted(d["rows"][0].keys())')" = \
	"['builds', 'canceled', 'day', 'error', 'failure', 'project', 'retries', 'running', 'source', 'success', 'tests_fail', 'tests_flaky', 'tests_pass', 'tests_skip', 'with_tests', 'workflow']" ] &&
	ok || fail "a ci-builds row has its keys"
[ "$(json_get 'sum(r["builds"] for r in d["rows"])')" = 78 ] && ok ||
	fail "the report counts every build"
[ "$(json_get 'sum(r["tests_pass"] + r["tests_fail"] + r["tests_flaky"] + r["tests_skip"] for r in d["rows"])')" = \
	"$(sql a.db "SELECT count(*) FROM test_run_status s JOIN ci_build b ON b.job_run_id = s.job_run_id")" ] &&
	ok || fail "the report's test counts are the linked runs' statuses"
[ "$(json_get 'sum(r["tests_flaky"] for r in d["rows"])')" -gt 0 ] && ok ||
	fail "flaky tests are counted"
[ "$(json_get 'sum(r["retries"] for r in d["rows"] if r["source"] == "taskcluster")')" = 7 ] &&
	ok || fail "retries are counted"
tp --db sqlite:a.db --format json report ci-builds --project focus-ios
[ "$(json_get 'sorted(set(r["source"] for r in d["rows"]))')" = "['bitrise']" ] &&
	ok || fail "--project keeps one project"

# Again: upserts, the job runs replaced, not doubled.
runs=$(sql a.db "SELECT count(*) FROM job_run")
tests=$(sql a.db "SELECT count(*) FROM test_run_status")
tp --db sqlite:a.db --faux pump --report-type ci-builds --source taskcluster
expect_rc 0 "pump taskcluster again"
[ "$(sql a.db "SELECT count(*) FROM job_run")|$(sql a.db "SELECT count(*) FROM test_run_status")|$(sql a.db "SELECT count(*) FROM ci_build")" = \
	"$runs|$tests|78" ] && ok || fail "a second pump changes no counts"

# Bitrise is incremental: the cursor stops before the running build.
cur=$(sql a.db "SELECT cursor FROM source_cursor WHERE source = 'bitrise' AND scope = 'firefox-ios:ci-builds'")
[ -n "$cur" ] && [ "$cur" \< "2024-04-29T09:07:00Z" ] && ok ||
	fail "the cursor stays before the running build ($cur)"
tp --db sqlite:a.db --faux --format json pump --project firefox-ios \
	--report-type ci-builds --source bitrise
[ "$(json_get 'd["results"][0]["records"]')" = 1 ] && ok ||
	fail "the next pull reads only from the cursor on"

# --dry-run writes nothing.
before=$(sql a.db "SELECT count(*), max(updated_at) FROM ci_build")
TESTPUMP_NOW=2024-05-01T12:00:00Z tp --db sqlite:a.db --faux --dry-run pump \
	--report-type ci-builds --source taskcluster
expect_rc 0 "dry run"
[ "$(sql a.db "SELECT count(*), max(updated_at) FROM ci_build")" = "$before" ] &&
	ok || fail "the dry run wrote"

# Over HTTP: the same builds, artifacts through redirects to storage.
start_server ok
export TASKCLUSTER_ROOT_URL="http://127.0.0.1:$PORT"
export BITRISE_API_URL="http://127.0.0.1:$PORT/v0.1"
tp --db sqlite:b.db db init
tp --db sqlite:b.db -vv pump --report-type ci-builds --source taskcluster
expect_rc 0 "pump ci-builds from taskcluster against faux serve"
expect_err_has "GET http://127.0.0.1:$PORT/api/queue/v1/task-group/" "-v logs the calls"
all="$out $err"
BITRISE_TOKEN=$TOKEN tp --db sqlite:b.db -vv pump --report-type ci-builds --source bitrise
expect_rc 0 "pump ci-builds from bitrise against faux serve"
[ "$(sql b.db "SELECT count(*) FROM ci_build WHERE job_run_id IS NOT NULL")" = 27 ] &&
	ok || fail "27 linked job runs over HTTP"
all="$all $out $err $(python3 -c 'import sqlite3,sys; print("\n".join(sqlite3.connect(sys.argv[1]).iterdump()))' b.db)"
case "$all" in *"$TOKEN"*) fail "the Bitrise token leaked" ;; *) ok ;; esac
tp --db sqlite:b.db pump --report-type ci-builds --source bitrise
expect_rc 1 "no BITRISE_TOKEN"
expect_err_has "BITRISE_TOKEN is not set" "the error names the variable"

# server-error: focus-android fails and is left as it was; exit 3.
start_server server-error
export TASKCLUSTER_ROOT_URL="http://127.0.0.1:$PORT"
TESTPUMP_NOW=2024-05-02T10:00:00Z tp --db sqlite:b.db pump \
	--report-type ci-builds --source taskcluster
expect_rc 3 "server-error: exit 3"
expect_out_has "HTTP 500" "the summary says why"
[ "$(sql b.db "SELECT count(*) FROM ci_build WHERE project = 'focus-android' AND updated_at >= '2024-05-02'")" = 0 ] &&
	ok || fail "focus-android as before"
[ "$(sql b.db "SELECT count(*) FROM ci_build WHERE project = 'fenix' AND updated_at >= '2024-05-02'")" -gt 0 ] &&
	ok || fail "the others are stored"
stop_server
unset TASKCLUSTER_ROOT_URL BITRISE_API_URL

# PostgreSQL: the same pump and report.
if [ -n "${TESTPUMP_TEST_PG:-}" ]; then
	S="tp_ci_$$"
	psql -XAtq "$TESTPUMP_TEST_PG" -c "SET client_min_messages = warning" \
		-c "DROP SCHEMA IF EXISTS $S CASCADE" -c "CREATE SCHEMA $S"
	PG="$TESTPUMP_TEST_PG options='-c search_path=$S'"
	tp --db "$PG" db init
	expect_rc 0 "pg: db init"
	tp --db "$PG" --faux pump --report-type ci-builds --source taskcluster
	expect_rc 0 "pg: pump taskcluster"
	tp --db "$PG" --faux pump --report-type ci-builds --source bitrise
	expect_rc 0 "pg: pump bitrise"
	tp --db "$PG" --faux pump --report-type ci-builds --source taskcluster
	expect_rc 0 "pg: pump again (replaces the job runs)"
	tp --db "$PG" --format json report ci-builds
	expect_rc 0 "pg: report ci-builds"
	pgsum=$(json_get 'sum(r["builds"] for r in d["rows"]), sum(r["tests_pass"] + r["tests_fail"] + r["tests_flaky"] + r["tests_skip"] for r in d["rows"]), sum(r["with_tests"] for r in d["rows"])')
	tp --db sqlite:a.db --format json report ci-builds
	[ "$pgsum" = "$(json_get 'sum(r["builds"] for r in d["rows"]), sum(r["tests_pass"] + r["tests_fail"] + r["tests_flaky"] + r["tests_skip"] for r in d["rows"]), sum(r["with_tests"] for r in d["rows"])')" ] &&
		ok || fail "pg: the same builds and test counts as SQLite ($pgsum)"
	psql -XAtq "$TESTPUMP_TEST_PG" -c "SET client_min_messages = warning" \
		-c "DROP SCHEMA $S CASCADE"
else
	echo "PostgreSQL part skipped: TESTPUMP_TEST_PG is not set"
fi

finish
