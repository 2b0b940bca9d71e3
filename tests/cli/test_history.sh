#!/bin/bash
# history, ingest disruptions, ingest alerts: the three outputs against
# hand-made golden files, reruns, bad input that leaves every file as it
# was, and the store-backed new data, releases and test summaries.
. "$(dirname "$0")/lib.sh"
H=$FIXTURES/history
export TESTPUMP_NOW=2024-05-20T12:00:00Z

same_file() { cmp -s "$1" "$2" && ok || fail "$3 ('$1' differs from '$2')"; }

# --- files in, the golden outputs out, for both kinds -----------------------
for t in disruptions alerts; do
	mkdir -p "$TMP/$t" && cd "$TMP/$t" || exit 1
	tp history --data-type $t --current "$H/${t}_current.json" \
		--new "$H/${t}_new.json" --leeway 30 --target-release 4.16 \
		--previous-release 4.15 --format json
	expect_rc 0 "$t: compare"
	[ "$(json_get 'd["message"]')" = "successfully compared ($t) with specified leeway of 30.00%" ] &&
		ok || fail "$t: the original's summary line"
	same_file results_$t.json "$H/golden_${t}_results.json" "$t: results"
	same_file pr_message.md "$H/golden_${t}_pr_message.md" "$t: pr_message.md"
	same_file require_review "$H/golden_${t}_require_review" "$t: require_review"
	# A rerun: the same results bytes; the two notes grow, as in the original.
	tp history --data-type $t --current "$H/${t}_current.json" \
		--new "$H/${t}_new.json" --leeway 30 --target-release 4.16 \
		--previous-release 4.15
	expect_rc 0 "$t: rerun"
	same_file results_$t.json "$H/golden_${t}_results.json" "$t: rerun results"
	cat "$H/golden_${t}_pr_message.md" "$H/golden_${t}_pr_message.md" >twice.md
	same_file pr_message.md twice.md "$t: pr_message.md appended"
	cat "$H/golden_${t}_require_review" "$H/golden_${t}_require_review" >twice
	same_file require_review twice "$t: require_review appended"
done
cd "$TMP" || exit 1

tp history --data-type disruptions --current "$H/disruptions_current.json" \
	--new "$H/disruptions_new.json" --leeway 30 --target-release 4.16 \
	--previous-release 4.15 --format json
[ "$(json_get '[c["change"] for c in d["changes"]]')" = \
	"['increased', 'increased', 'decreased', 'increased', 'added', 'missing', 'missing']" ] &&
	ok || fail "changes listed in order"
[ "$(json_get '(d["increases"], d["decreases"], d["added"], d["missing"])')" = "(3, 1, 1, 2)" ] &&
	ok || fail "counts"

# --- the outputs beside --output-file ----------------------------------------
mkdir out
tp history --data-type disruptions --current "$H/disruptions_current.json" \
	--new "$H/disruptions_new.json" --leeway 30 --target-release 4.16 \
	--previous-release 4.15 --output-file out/q.json
expect_rc 0 "output file in a folder"
same_file out/q.json "$H/golden_disruptions_results.json" "results at --output-file"
same_file out/pr_message.md "$H/golden_disruptions_pr_message.md" "pr_message.md beside it"

# A higher leeway: no increase, so no table, and only the decrease line.
tp history --data-type disruptions --current "$H/disruptions_current.json" \
	--new "$H/disruptions_new.json" --leeway 200 --target-release 4.16 \
	--previous-release 4.15 --output-file lee/q.json
expect_rc 1 "a missing output folder is an error"
mkdir lee
tp history --data-type disruptions --current "$H/disruptions_current.json" \
	--new "$H/disruptions_new.json" --leeway 200 --target-release 4.16 \
	--previous-release 4.15 --output-file lee/q.json
expect_rc 0 "leeway 200"
printf '## disruptions Information\n\nThere were (`1`) added jobs and (`4`) were removed.\n' >want.md
same_file lee/pr_message.md want.md "no table without increases"
printf '(disruptions) had (1) results decreased in duration beyond specified leeway of 200.00%%\n' >want
same_file lee/require_review want "only the decrease line"

# --- bad input: named, exit 1, nothing written or half-written ------------
cd "$TMP/disruptions" || exit 1
cp results_disruptions.json before.json
cp pr_message.md before.md
python3 - "$H/disruptions_new.json" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
rows[3]["P99"] = "16,0"
json.dump(rows, open("bad_value.json", "w"))
rows[3]["P99"] = 16.0
json.dump(rows, open("bad_type.json", "w"))
del rows[3]["P99"]
json.dump(rows, open("bad_missing.json", "w"))
PY
run_bad() {
	tp history --data-type disruptions --current "$H/disruptions_current.json" \
		--new "$1" --leeway 30 --target-release 4.16 --previous-release 4.15
	expect_rc 1 "$1 refused"
	expect_err_has "$2" "$1: the message"
	same_file results_disruptions.json before.json "$1: results untouched"
	same_file pr_message.md before.md "$1: pr_message.md untouched"
}
run_bad bad_value.json "row index 3: field 'P99': '16,0' is not a number of seconds"
run_bad bad_type.json "row index 3: field 'P99' must be a string, not a number"
run_bad bad_missing.json "row index 3: field 'P99' is missing"
ls ./*.tmp-* >/dev/null 2>&1 && fail "a temporary file was left behind" || ok

tp history --data-type disruptions --current "$H/disruptions_current.json" \
	--new "$H/disruptions_new.json" --leeway -1 --target-release 4.16 \
	--previous-release 4.15
expect_rc 1 "negative leeway refused"
expect_err_has "leeway" "the message names the leeway"
tp history --data-type disruptions --current "$H/disruptions_current.json" \
	--new "$H/disruptions_new.json" --leeway 30 --target-release 4.16
expect_rc 1 "--target-release alone"
expect_err_has "'--previous-release'" "names the missing option"
tp history --data-type disruptions --current "$H/disruptions_current.json" \
	--new "$H/disruptions_new.json" --leeway 30 --target-release 4.16 \
	--previous-release 4.16
expect_rc 1 "the same release twice"
tp history --data-type disruptions --current "$H/disruptions_current.json" \
	--new "$H/disruptions_new.json" --leeway 30 --target-release 5.1 \
	--previous-release 5.0
expect_rc 1 "no rows of the releases"
expect_err_has "no new row belongs to release '5.0' or '5.1'; nothing was written" "says so"
same_file results_disruptions.json before.json "no rows: results untouched"
echo '[]' >empty.json
tp history --data-type disruptions --current empty.json \
	--new "$H/disruptions_new.json" --leeway 30 --target-release 4.16 \
	--previous-release 4.15
expect_rc 1 "empty current data"
expect_err_has "holds no rows" "says the current data is empty"

# --dry-run writes nothing and says what it would write.
mkdir "$TMP/dry" && cd "$TMP/dry" || exit 1
tp -v --dry-run history --data-type alerts --current "$H/alerts_current.json" \
	--new "$H/alerts_new.json" --leeway 30 --target-release 4.16 \
	--previous-release 4.15
expect_rc 0 "dry run"
expect_err_has "would write" "dry run says what it would write"
[ -z "$(ls)" ] && ok || fail "dry run wrote files: $(ls)"

# --- the store: ingest per-run data, then compare without --new -----------
mkdir "$TMP/store" && cd "$TMP/store" || exit 1
export TESTPUMP_DB=sqlite:$TMP/store/t.db
tp db init
expect_rc 0 "db init"
run_file() { # RELEASE FROM MNU BACKEND SECONDS...
	local rel=$1 from=$2 mnu=$3 name=$4 list="" s
	shift 4
	printf '{"Release": "%s", "FromRelease": "%s", "Platform": "aws", "Architecture": "amd64", "Network": "ovn", "Topology": "ha", "MasterNodesUpdated": %s, "BackendDisruptions": [{"BackendName": "%s", "DisruptionSeconds": %s}]}\n' \
		"$rel" "$from" "$mnu" "$name" "$1"
}
i=0
for s in 1 2 3 4 10; do
	i=$((i + 1))
	run_file 4.16 "" null kube-api "$s" >r$i.json
	tp ingest disruptions r$i.json --job e2e-aws --run-id $i --started-at 2024-05-1${i}T00:00:00Z
	expect_rc 0 "ingest disruptions run $i"
done
# An upgrade run whose masters were not updated is left out.
run_file 4.16 4.15 '"N"' kube-api 500 >r6.json
tp ingest disruptions r6.json --job e2e-aws-upgrade --run-id 6 --started-at 2024-05-16T00:00:00Z
expect_rc 0 "ingest an upgrade run"
# A run older than 30 days is left out.
run_file 4.16 "" null kube-api 900 >r7.json
tp ingest disruptions r7.json --job e2e-aws --run-id 7 --started-at 2024-03-01T00:00:00Z
expect_rc 0 "ingest an old run"
run_file 4.15 "" null kube-api 2 >r8.json
tp ingest disruptions r8.json --job e2e-aws --run-id 8 --started-at 2024-05-18T00:00:00Z
# Ingesting a run again replaces its rows.
tp ingest disruptions r8.json --job e2e-aws --run-id 8 --format json
expect_rc 0 "re-ingest"
[ "$(json_get '(d["replaced"], d["created_run"])')" = "(True, False)" ] && ok ||
	fail "re-ingest replaces"
printf '{"Release": "4.16"}' >bad_run.json
tp ingest disruptions bad_run.json --job e2e-aws --run-id 9
expect_rc 1 "a bad run file"
expect_err_has "field 'FromRelease' is missing" "names the field"

tp history --data-type disruptions --current "$H/disruptions_current.json" \
	--leeway 30 --format json
expect_rc 0 "history from the store"
[ "$(json_get '(d["source"], d["target_release"], d["previous_release"])')" = "('store', '4.16', '4.15')" ] &&
	ok || fail "the newest release and its predecessor from the store"
python3 - <<'PY' && ok || fail "percentiles computed from the store"
import json
rows = {r["Release"]: r for r in json.load(open("results_disruptions.json"))}
r = rows["4.16"]
# PERCENTILE_CONT over 1, 2, 3, 4, 10 seconds
assert (r["JobRuns"], r["P50"], r["P75"]) == (5, "3.0", "4.0"), r
assert (r["P95"], r["P99"]) == ("8.8", "9.76"), r
assert r["MasterNodesUpdated"] is None and r["BackendName"] == "kube-api", r
assert rows["4.15"]["JobRuns"] == 1 and rows["4.15"]["P99"] == "2.0"
PY

# Alerts (over the last 7 days): a run that lacks a known alert counts
# it as 0 s.
alert_file() { # NAME SECONDS (or "" for no alert)
	local list=""
	[ -n "$1" ] && list=$(printf '{"Name": "%s", "Namespace": "openshift-etcd", "Level": "Warning", "AlertSeconds": %s}' "$1" "$2")
	printf '{"Release": "4.16", "FromRelease": "", "Platform": "aws", "Architecture": "amd64", "Network": "ovn", "Topology": "ha", "Alerts": [%s]}\n' "$list"
}
alert_file KubePodNotReady 100 >a1.json
alert_file "" 0 >a2.json
tp ingest alerts a1.json --job e2e-aws --run-id 4
expect_rc 0 "ingest alerts"
tp ingest alerts a2.json --job e2e-aws --run-id 5
expect_rc 0 "ingest a quiet run"
tp history --data-type alerts --current "$H/alerts_current.json" --leeway 30 \
	--target-release 4.16 --previous-release 4.15 --format json
expect_rc 0 "alert history from the store"
python3 - <<'PY' && ok || fail "alert percentiles with zeros"
import json
r, = json.load(open("results_alerts.json"))
assert (r["AlertName"], r["JobRuns"], r["P50"], r["P99"]) == ("KubePodNotReady", 2, "50.0", "99.0"), r
assert r["FirstObserved"] == r["LastObserved"] == "2024-05-14T00:00:00Z", r
PY

# --- tests: the per-test summary of the target release ----------------------
python3 - "$TMP/store/t.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO job (name, created_at) VALUES ('e2e-gcp', '2024-05-01T00:00:00Z')")
job = db.execute("SELECT id FROM job WHERE name = 'e2e-gcp'").fetchone()[0]
db.execute("INSERT INTO job_variant VALUES (?, 'platform', 'gcp')", (job,))
rel = db.execute("SELECT id FROM release WHERE name = '4.16'").fetchone()[0]
db.execute("INSERT INTO payload (tag, release_id, created_at) VALUES ('p1', ?, '2024-05-01T00:00:00Z')", (rel,))
pay = db.execute("SELECT id FROM payload WHERE tag = 'p1'").fetchone()[0]
for name in ("test-a", "test-b", "test-rare"):
    db.execute("INSERT INTO test (suite, name) VALUES ('openshift-tests', ?)", (name,))
ids = dict(db.execute("SELECT name, id FROM test"))
for i in range(120):
    day = 1 + i % 12
    db.execute("INSERT INTO job_run (job_id, run_id, payload_id, status, started_at, ingested_at) "
               "VALUES (?, ?, ?, 'pass', ?, '2024-05-20T00:00:00Z')",
               (job, "g%d" % i, pay, "2024-05-%02dT01:00:00Z" % day))
    run = db.execute("SELECT last_insert_rowid()").fetchone()[0]
    st = "fail" if i % 10 == 0 else "flaky" if i % 10 == 1 else "pass"
    db.execute("INSERT INTO test_run_status VALUES (?, ?, ?, 1, 0, 1000, 'blocking')", (run, ids["test-a"], st))
    db.execute("INSERT INTO test_run_status VALUES (?, ?, 'pass', 1, 0, ?, 'blocking')", (run, ids["test-b"], 2 * i))
    if i < 50:
        db.execute("INSERT INTO test_run_status VALUES (?, ?, 'pass', 1, 0, NULL, 'blocking')", (run, ids["test-rare"]))
db.commit()
PY
tp history --data-type tests --current "$H/disruptions_current.json" --leeway 0 \
	--target-release 4.16 --format json
expect_rc 0 "tests summary"
python3 - <<'PY' && ok || fail "tests summary rows"
import json
a, b = json.load(open("results_tests.json"))
assert list(a) == ["Release", "Platform", "Topology", "Architecture", "TestName", "TotalTestCount", "TotalFailureCount", "TotalFlakeCount", "FailureRate", "AvgDurationMs", "PeriodStart", "PeriodEnd", "DaysWithData"]
assert (a["TestName"], a["Platform"], a["TotalTestCount"], a["TotalFailureCount"], a["TotalFlakeCount"]) == ("test-a", "gcp", 120, 12, 12), a
assert (a["FailureRate"], a["AvgDurationMs"], a["DaysWithData"]) == (0.1, 1000, 12), a
assert (b["TestName"], b["AvgDurationMs"], b["PeriodStart"], b["PeriodEnd"]) == ("test-b", 119, "2024-04-20", "2024-05-20"), b
PY
cp results_tests.json tests_before.json
tp history --data-type tests --current "$H/disruptions_current.json" --leeway 0 \
	--target-release 4.16 --suite other-suite
expect_rc 0 "tests with no data"
expect_err_has "was kept as it was" "says the file is kept"
same_file results_tests.json tests_before.json "the tests file is kept"

finish
