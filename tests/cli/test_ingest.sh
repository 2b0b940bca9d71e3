# ingest junit: counts, statuses, retries, idempotence, atomicity, errors.
. "$(dirname "$0")/lib.sh"
F=$FIXTURES/ingest

# The whole store as text, to prove a failed ingest changed nothing.
dump() { sqlite3 t.db .dump | grep -v '^INSERT INTO schema_migrations'; }
count() { sqlite3 t.db "SELECT count(*) FROM $1"; }

tp --db sqlite:t.db ingest junit "$F/run1" --job j --run-id 1
expect_rc 1 "ingest needs a database"
expect_err_has "db init" "and says how to make one"

tp --db sqlite:t.db db init
tp --db sqlite:t.db --format json ingest junit "$F/run1" --job unit --run-id 101 \
	--payload p1 --release 4.16 --variant platform=aws --variant arch=arm64 \
	--url https://ci.example/101
expect_rc 0 "ingest a directory"
expect_json "the summary is JSON"
[ "$(json_get 'd["files"], d["suites"], d["tests"]')" = "2 2 7" ] && ok || fail "files, suites, distinct tests"
[ "$(json_get 'd["statuses"]')" = "{'pass': 1, 'fail': 4, 'flaky': 1, 'skip': 1}" ] && ok || fail "run statuses (an error is a fail, a retried pass is flaky)"
[ "$(json_get 'd["attempts"]')" = "{'pass': 2, 'fail': 5, 'error': 1, 'skip': 1}" ] && ok || fail "every attempt counted, retries included"
[ "$(json_get 'd["run_status"], d["started_at"], d["payload"], d["replaced"]')" = "fail 2024-05-01T11:59:00Z p1 False" ] && ok || fail "run status, start from the earliest timestamp"
[ "$(json_get 'round(d["duration_s"], 3)')" = "1235.4" ] && ok || fail "durations summed, 1,234.5 read"

[ "$(count test_result) $(count test_run_status) $(count job_run_suite)" = "9 7 2" ] && ok || fail "rows written"
[ "$(sqlite3 t.db "SELECT r.status FROM test_run_status r JOIN test t ON t.id = r.test_id WHERE t.name = 'connects'")" = flaky ] && ok || fail "the surefire flaky test is flaky"
[ "$(sqlite3 t.db "SELECT group_concat(status || retried, ',') FROM (SELECT r.status, r.retried FROM test_result r JOIN test t ON t.id = r.test_id WHERE t.name = 'connects' ORDER BY attempt)")" = "fail1,pass0" ] && ok || fail "the flaky failure is attempt 1, the pass attempt 2"
[ "$(sqlite3 t.db "SELECT lifecycle FROM test_run_status r JOIN test t ON t.id = r.test_id WHERE t.name = 'informs'")" = informing ] && ok || fail "lifecycle informing kept"
[ "$(sqlite3 t.db "SELECT group_concat(key || '=' || value, ',') FROM job_variant ORDER BY key")" = "arch=arm64,platform=aws" ] && ok || fail "variants stored"
[ "$(sqlite3 t.db "SELECT r.name FROM payload p JOIN release r ON r.id = p.release_id WHERE p.tag = 'p1'")" = "4.16" ] && ok || fail "payload and release linked"
[ "$(sqlite3 t.db "SELECT o.text FROM test_result r JOIN test t ON t.id = r.test_id JOIN test_output o ON o.hash = r.message_hash WHERE t.name = 'overflows'")" = "expected 0, got 1" ] && ok || fail "the failure message is in test_output"

before=$(dump)
tp --db sqlite:t.db --format json ingest junit "$F/run1" --job unit --run-id 101 \
	--payload p1 --release 4.16 --variant platform=aws --variant arch=arm64 \
	--url https://ci.example/101
expect_rc 0 "ingest the same run again"
[ "$(json_get 'd["replaced"]')" = True ] && ok || fail "it says it replaced the run"
[ "$(dump | grep -v job_run | grep -v ingested_at)" = "$(printf '%s\n' "$before" | grep -v job_run | grep -v ingested_at)" ] && ok || fail "the same rows after a second ingest"
[ "$(count job_run) $(count test_result) $(count test_output)" = "1 9 $(sqlite3 t.db 'SELECT count(*) FROM test_output')" ] && ok || fail "no duplicate run"

before=$(dump)
tp --db sqlite:t.db ingest junit "$F/run1" "$F/bad.xml" --job unit --run-id 102
expect_rc 1 "a malformed file rejects the run"
expect_err_has "bad.xml:4:" "naming file and line"
expect_err_has "nothing of the run was stored" "and saying nothing was stored"
[ "$(dump)" = "$before" ] && ok || fail "the store is exactly as before"

tp --db sqlite:t.db --format json ingest junit "$F/run1" "$F/bad.xml" --job unit --run-id 102 --keep-going
expect_rc 3 "--keep-going stores the good files and exits 3"
[ "$(json_get 'd["files"], len(d["rejected_files"]), d["rejected_files"][0]["line"], d["tests"]')" = "2 1 4 7" ] && ok || fail "the bad file is listed with its line"

tp --db sqlite:t.db ingest junit "$F/nunit3.xml" --job unit --run-id 103
expect_rc 1 "an NUnit file is refused"
expect_err_has "NUnit 3" "naming the format"

tp --db sqlite:t.db --format json ingest junit - --job unit --run-id 104 <"$F/run1/unit.xml"
expect_rc 0 "standard input"
[ "$(json_get 'd["tests"]')" = 4 ] && ok || fail "four tests from stdin"

gzip -c "$F/run1/unit.xml" >u.xml.gz
mkdir gz && cp u.xml.gz gz/
tp --db sqlite:t.db --format json ingest junit gz --job unit --run-id 105
expect_rc 0 "a directory of .xml.gz"
[ "$(json_get 'd["tests"], d["files"]')" = "4 1" ] && ok || fail "gzip read"

: >empty.xml
tp --db sqlite:t.db --format json ingest junit empty.xml --job unit --run-id 106
expect_rc 0 "an empty file is zero tests"
[ "$(json_get 'd["tests"], d["run_status"]')" = "0 unknown" ] && ok || fail "zero tests, status unknown"

before=$(dump)
tp --db sqlite:t.db --dry-run --format json ingest junit "$F/run1" --job unit --run-id 200
expect_rc 0 "dry run"
[ "$(json_get 'd["tests"], d["dry_run"]')" = "7 True" ] && ok || fail "a dry run counts"
[ "$(dump)" = "$before" ] && ok || fail "a dry run writes nothing"

tp --db sqlite:t.db ingest junit "$F/run1" --job unit --run-id 107 --release 4.16
expect_rc 1 "--release needs --payload"
expect_err_has "--payload" "saying so"

mkdir nothing
tp --db sqlite:t.db ingest junit nothing --job unit --run-id 108
expect_rc 1 "a directory without JUnit files"
expect_err_has "nothing" "naming it"

tp --db sqlite:t.db ingest junit "$F/run1" --job unit --run-id 109 --started-at yesterday
expect_rc 1 "a bad --started-at"
expect_err_has "--started-at" "naming the option"

finish
