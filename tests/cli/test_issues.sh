# issue-regression end to end: pump from the faux Bugzilla and GitHub
# (in-process and over `faux serve`), report issue-regression, a second
# pump that reads only what changed, scenarios, secrets, and the same
# report on PostgreSQL when TESTPUMP_TEST_PG is set.
. "$(dirname "$0")/lib.sh"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
SERVER_PID=""
stop_server() {
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
	SERVER_PID=""
}
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
trap 'stop_server; rm -rf "$TMP"' EXIT

sql() {
	python3 - "$1" "$2" <<'EOF'
import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
EOF
}

DB=sqlite:$TMP/issues.db
tp --db "$DB" db init
expect_rc 0 "db init"

# 1. Every project, both sources, from the built-in faux upstream.
tp --db "$DB" --faux --format json pump --project ALL \
	--report-type issue-regression
expect_rc 0 "pump --faux issue-regression"
expect_json "pump answers JSON"
[ "$(json_get 'd["report_types"]')" = "['issue-regression']" ] && ok ||
	fail "the report type is named once"
[ "$(json_get 'sorted((r["source"], r["project"], r["records"]) for r in d["results"] if r["status"] == "success")')" = \
	"[('bugzilla', 'fenix', 10450), ('bugzilla', 'firefox-ios', 240), ('bugzilla', 'focus-android', 75), ('github', 'fenix', 1120), ('github', 'firefox-ios', 273), ('github', 'focus-android', 1120), ('github', 'focus-ios', 266), ('github', 'reference-browser', 41)]" ] &&
	ok || fail "every bug past Bugzilla's 10,000 cap and every issue past GitHub's 1,000"
# 10,765 bugs; issues of firefox-android 1,120 (fenix and focus-android
# share it), firefox-ios 273 (focus-ios's 266 are among them),
# reference-browser 41.
[ "$(sql "$TMP/issues.db" "SELECT count(*) FROM issue")" = 12199 ] && ok ||
	fail "each bug and issue stored once (shared repositories too)"
[ "$(sql "$TMP/issues.db" "SELECT count(*) FROM issue_project WHERE project = 'focus-ios'")" = 266 ] &&
	ok || fail "an issue of a shared repository is linked to each project"

# 2. The report: weeks are Mondays, counts add up to the table.
tp --db "$DB" --format json report issue-regression
expect_rc 0 "report issue-regression"
[ "$(json_get 'd["report"]')" = issue-regression ] && ok || fail "report name"
[ "$(json_get 'sorted(d["rows"][0].keys())')" = \
	"['component', 'opened', 'product', 'project', 'resolved', 'source', 'week']" ] &&
	ok || fail "report columns"
[ "$(json_get 'all(__import__("datetime").date.fromisoformat(r["week"]).weekday() == 0 for r in d["rows"])')" = True ] &&
	ok || fail "every week is an ISO week's Monday"
[ "$(json_get 'sum(r["opened"] for r in d["rows"] if r["project"] == "fenix" and r["source"] == "bugzilla")')" = 10450 ] &&
	ok || fail "fenix's bugs all counted as opened"
want=$(sql "$TMP/issues.db" "SELECT count(*) FROM issue WHERE source = 'github' AND product = 'mozilla-mobile/firefox-ios' AND resolved_at IS NOT NULL AND regression = 1")
[ "$(json_get 'sum(r["resolved"] for r in d["rows"] if r["project"] == "firefox-ios" and r["source"] == "github")')" = "$want" ] &&
	ok || fail "resolved counts match the closed issues ($want)"
cp "$TMP/.out" "$TMP/report-sqlite.json"
tp --db "$DB" report issue-regression --project focus-android --days 28
expect_rc 0 "report --project --days"
expect_out_has "Focus" "focus-android's Bugzilla product"
case "$out" in *fenix*) fail "--project keeps one project" ;; *) ok ;; esac

# 3. A second pump reads only what changed since the cursor.
tp --db "$DB" --faux --format json pump --project fenix \
	--report-type issue-regression
expect_rc 0 "second pump"
[ "$(json_get 'max(r["records"] for r in d["results"])')" -lt 500 ] && ok ||
	fail "the second pump is incremental"
[ "$(sql "$TMP/issues.db" "SELECT count(*) FROM source_cursor WHERE scope = 'fenix:issue-regression'")" = 2 ] &&
	ok || fail "a cursor per source"
[ "$(sql "$TMP/issues.db" "SELECT count(*) FROM issue")" = 12199 ] && ok ||
	fail "the second pump updates, it does not duplicate"

# 4. --source, and a project without what a source needs.
tp --db "$DB" --faux --format json pump --project firefox-ios \
	--report-type issue-regression --source bugzilla
expect_rc 0 "pump --source bugzilla"
[ "$(json_get '[r["source"] for r in d["results"]]')" = "['bugzilla']" ] &&
	ok || fail "--source keeps one source"
tp --db "$DB" --faux pump --project reference-browser \
	--report-type issue-regression --source bugzilla
expect_rc 1 "a project without bugzilla_products"
expect_err_has "reference-browser" "the error names the project"
tp --db "$DB" --faux --format json pump --project reference-browser \
	--report-type issue-regression
expect_rc 0 "without --source, a source the project lacks is skipped"
expect_err_has "has no bugzilla settings" "the skip is named"
[ "$(json_get '[r["source"] for r in d["results"]]')" = "['github']" ] &&
	ok || fail "the other source is pumped"
tp --db "$DB" --faux --dry-run --format json pump --project focus-android \
	--report-type issue-regression
expect_rc 0 "dry run"
[ "$(sql "$TMP/issues.db" "SELECT count(*) FROM issue")" = 12199 ] && ok ||
	fail "a dry run writes nothing"

# 5. Credentials: GitHub needs its token, named when missing.
env -u GITHUB_TOKEN "$TESTPUMP" --db "$DB" pump --project focus-ios \
	--report-type issue-regression --source github >"$TMP/o" 2>"$TMP/e"
rc=$? out=$(cat "$TMP/o") err=$(cat "$TMP/e")
expect_rc 1 "no GITHUB_TOKEN"
expect_err_has "GITHUB_TOKEN" "the error names the variable"

# 6. Over HTTP (faux serve): secrets never in output, logs or the store.
SECRET=ghp_TOPSECRET_4711_abcdef
BZSECRET=bz-TOPSECRET-0815
remote() {
	GITHUB_TOKEN=$SECRET GITHUB_API_URL="http://127.0.0.1:$PORT/api/v3" \
		BUGZILLA_HOST="http://127.0.0.1:$PORT" BUGZILLA_API_KEY=$BZSECRET \
		tp "$@"
}
start_server rate-limited
DB2=sqlite:$TMP/remote.db
tp --db "$DB2" db init
remote --db "$DB2" -v --format json pump --project firefox-ios \
	--report-type issue-regression
expect_rc 0 "pump over faux serve, rate limits waited out"
[ "$(json_get 'sorted((r["source"], r["records"]) for r in d["results"])')" = \
	"[('bugzilla', 240), ('github', 273)]" ] && ok || fail "over HTTP: every bug and issue"
expect_err_has " 429 " "-v logs the rate-limited call"
case "$out$err" in *"$SECRET"* | *"$BZSECRET"*) fail "a secret was shown" ;; *) ok ;; esac
python3 -c 'import sqlite3,sys; print("\n".join(sqlite3.connect(sys.argv[1]).iterdump()))' \
	"$TMP/remote.db" >"$TMP/dump.sql"
grep -q -e "$SECRET" -e "$BZSECRET" "$TMP/dump.sql" && fail "a secret reached the database" || ok

start_server server-error
DB3=sqlite:$TMP/remote3.db
tp --db "$DB3" db init
remote --db "$DB3" --format json pump --project ALL \
	--report-type issue-regression
expect_rc 3 "server-error: some projects fail, the others are kept"
[ "$(json_get 'sorted((r["source"], r["project"]) for r in d["results"] if r["status"] == "failed")')" = \
	"[('bugzilla', 'focus-android'), ('github', 'firefox-ios'), ('github', 'focus-ios')]" ] &&
	ok || fail "server-error fails focus-android's product and firefox-ios's repository"
[ "$(json_get 'any("500" in (r["error"] or "") for r in d["results"])')" = True ] &&
	ok || fail "the error names the HTTP status"
case "$out$err" in *"$SECRET"* | *"$BZSECRET"*) fail "a secret in an error" ;; *) ok ;; esac

start_server malformed
remote --db "$DB3" --format json pump --project reference-browser \
	--report-type issue-regression --source github
expect_rc 3 "malformed answers fail the project"
[ "$(json_get '"not a JSON object" in d["results"][0]["error"]')" = True ] &&
	ok || fail "the error says the answer is not JSON"
stop_server

# 7. PostgreSQL: the same pump gives the same report.
if [ -n "${TESTPUMP_TEST_PG:-}" ]; then
	PSQL=psql
	[ -n "${TESTPUMP_TEST_PG_BIN:-}" ] && [ -x "$TESTPUMP_TEST_PG_BIN/psql" ] &&
		PSQL=$TESTPUMP_TEST_PG_BIN/psql
	S=tp_issues_$$
	"$PSQL" -XAtq -v ON_ERROR_STOP=1 "$TESTPUMP_TEST_PG" \
		-c "SET client_min_messages = warning" \
		-c "DROP SCHEMA IF EXISTS $S CASCADE" -c "CREATE SCHEMA $S" || exit 1
	PG="$TESTPUMP_TEST_PG options='-c search_path=$S'"
	tp --db "$PG" db init
	expect_rc 0 "pg: db init"
	tp --db "$PG" --faux --format json pump --project ALL \
		--report-type issue-regression
	expect_rc 0 "pg: pump issue-regression"
	tp --db "$PG" --format json report issue-regression
	expect_rc 0 "pg: report issue-regression"
	python3 - "$TMP/report-sqlite.json" "$TMP/.out" <<'EOF' && ok || fail "pg: the same report as SQLite"
import json, sys
a = json.load(open(sys.argv[1]))["rows"]
b = json.load(open(sys.argv[2]))["rows"]
sys.exit(0 if a == b and len(a) > 100 else 1)
EOF
	"$PSQL" -XAtq "$TESTPUMP_TEST_PG" -c "DROP SCHEMA $S CASCADE"
else
	echo "PostgreSQL part skipped: TESTPUMP_TEST_PG is not set"
fi

finish
