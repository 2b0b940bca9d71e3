# ingest disruptions with the original's backend-disruption artifact files
# (openshift origin's BackendDisruptionList: an object keyed by backend,
# DisruptedDuration a Go duration string): files of one run summed per
# backend after rounding each up to whole seconds, the run's variant from
# the job's stored variants, bad input refused naming file, backend and
# field with nothing stored, and aggregate's disruption checks on the
# rows ingested this way.
. "$(dirname "$0")/lib.sh"
export TESTPUMP_NOW=2024-05-22T00:00:00Z
export TESTPUMP_DB=sqlite:$TMP/t.db

# sql QUERY: prints the rows, '|'-separated, from $TESTPUMP_DB.
sql() {
	python3 - "${TESTPUMP_DB#sqlite:}" "$1" <<'PY'
import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
PY
}

# artifact NAME=DURATION...: one artifact file as origin writes it
# (json.MarshalIndent of BackendDisruptionList), on stdout.
artifact() {
	python3 - "$@" <<'PY'
import json, sys
d = {}
for arg in sys.argv[1:]:
    name, dur = arg.split("=", 1)
    d[name] = {"Name": name, "BackendName": name.split("-new")[0],
               "ConnectionType": "New", "DisruptedDuration": dur,
               "DisruptionMessages": ["x"], "LoadBalancerType": "external-lb",
               "Protocol": "http1", "TargetAPI": ""}
print(json.dumps({"BackendDisruptions": d}, indent=4))
PY
}

tp db init
expect_rc 0 "db init"
cat >jobs.json <<'EOF'
[{"name": "e2e-aws", "variants": {"release": "4.16", "from_release": "4.15",
  "platform": "aws", "architecture": "amd64", "network": "ovn",
  "topology": "ha"}},
 {"name": "e2e-gcp", "variants": {"platform": "gcp", "topology": "ha"}}]
EOF
tp jobs prime jobs.json
expect_rc 0 "jobs prime"

# --- two files of one run: ceil per entry, summed per backend -------------
artifact kube-api-new-connections=2.5s ingress-new-connections=0s \
	oauth-api-new-connections=350ms >backend-disruption_a.json
artifact kube-api-new-connections=1m0.001s oauth-api-new-connections=1.5µs \
	>backend-disruption_b.json
tp --format json ingest disruptions backend-disruption_a.json \
	backend-disruption_b.json --job e2e-aws --run-id 1 \
	--started-at 2024-05-10T00:00:00Z
expect_rc 0 "two artifact files of one run"
expect_json "json response"
[ "$(json_get '(d["release"], d["files"], d["rows"], d["total_seconds"])')" = "('4.16', 2, 3, 66.0)" ] &&
	ok || fail "response: release from the job, 3 backends, 3+61+0+1+1 s"
[ "$(sql "SELECT backend, disruption_ms FROM disruption ORDER BY backend" | tr '\n' ' ')" = \
	"ingress-new-connections|0 kube-api-new-connections|64000 oauth-api-new-connections|2000 " ] &&
	ok || fail "ceil(2.5)+ceil(60.001), 0, ceil(0.35)+ceil(0.0000015)"
[ "$(sql "SELECT release, from_release, platform, architecture, network, topology, master_nodes_updated IS NULL FROM job_run_context")" = \
	"4.16|4.15|aws|amd64|ovn|ha|1" ] &&
	ok || fail "the run's context from the job's variants"

# Ingesting the run again replaces its rows (no summing across ingests).
tp --format json ingest disruptions backend-disruption_b.json --job e2e-aws --run-id 1
expect_rc 0 "re-ingest one file"
[ "$(json_get '(d["replaced"], d["created_run"], d["total_seconds"])')" = "(True, False, 62.0)" ] &&
	ok || fail "re-ingest replaces the run's rows"
[ "$(sql "SELECT sum(disruption_ms) FROM disruption")" = 62000 ] && ok ||
	fail "only the second ingest's rows remain"

# A key without a Name is the backend; a file's own variant fields win
# over the job's, and the rest still come from the job.
printf '{"Release": "4.17", "Topology": "single", "BackendDisruptions": {"cache-new": {"DisruptedDuration": "1h0m0s"}}}' >own.json
tp ingest disruptions own.json --job e2e-aws --run-id 2
expect_rc 0 "artifact with some variant fields"
[ "$(sql "SELECT c.release, c.from_release, c.platform, c.topology, d.backend, d.disruption_ms FROM job_run_context c JOIN job_run r ON r.id = c.job_run_id JOIN disruption d ON d.job_run_id = r.id WHERE r.run_id = '2'")" = \
	"4.17|4.15|aws|single|cache-new|3600000" ] &&
	ok || fail "file's Release and Topology, the job's from_release and platform, the key as backend"

# --- refusals: exit 1, the message names file, backend and field, and
# --- nothing of the run is stored -----------------------------------------
before="$(sql "SELECT count(*) FROM job_run")|$(sql "SELECT count(*) FROM disruption")"
refuse() { # WHAT TEXT FILE...: ingest as run 9 of e2e-aws, expect a refusal
	local what=$1 text=$2
	shift 2
	tp ingest disruptions "$@" --job e2e-aws --run-id 9
	expect_rc 1 "$what: exit 1"
	expect_err_has "$text" "$what: message"
	[ "$(sql "SELECT count(*) FROM job_run")|$(sql "SELECT count(*) FROM disruption")" = "$before" ] &&
		ok || fail "$what: nothing stored"
}
bad_duration() { # NAME VALUE (JSON)
	printf '{"BackendDisruptions": {"kube-api-new-connections": {"Name": "kube-api-new-connections", "DisruptedDuration": %s}}}' "$2" >"$1"
}
bad_duration nounit.json '"2.5"'
refuse "a duration without a unit" \
	"'nounit.json': BackendDisruptions 'kube-api-new-connections': field 'DisruptedDuration' is not a duration" \
	backend-disruption_a.json nounit.json
bad_duration nanos.json 2500000000
refuse "a duration as a number" \
	"'nanos.json': BackendDisruptions 'kube-api-new-connections': field 'DisruptedDuration' must be a duration string" \
	nanos.json
for v in '"-1s"' '"1d"' '"s"' '"."' '""' '"1.5 s"' '"9999999999h"' null; do
	bad_duration odd.json "$v"
	refuse "DisruptedDuration $v" "field 'DisruptedDuration'" odd.json
done
printf '{"BackendDisruptions": {"kube-api-new-connections": {"Name": "kube-api-new-connections"}}}' >missing.json
refuse "no DisruptedDuration" "field 'DisruptedDuration' is missing" missing.json
printf '{"BackendDisruptions": {"a": {"Name": "x", "DisruptedDuration": "1s"}, "b": {"Name": "x", "DisruptedDuration": "1s"}}}' >twice.json
refuse "one backend twice in a file" "backend 'x' is given twice in this file" twice.json
printf '{"BackendDisruptions": {"a": {"Name": 7, "DisruptedDuration": "1s"}}}' >name.json
refuse "a Name not a string" "'name.json': BackendDisruptions 'a': field 'Name' must be a string" name.json
printf '{"BackendDisruptions": {"a": "1s"}}' >entry.json
refuse "an entry not an object" "BackendDisruptions 'a' is not an object" entry.json
printf '{"Release": "4.16", "FromRelease": "", "Platform": "aws", "Architecture": "amd64", "Network": "ovn", "Topology": "ha", "BackendDisruptions": [{"BackendName": "x", "DisruptionSeconds": 1}]}' >rows.json
refuse "row and artifact shapes in one run" "give one run's files in one shape" \
	backend-disruption_a.json rows.json
printf '{"Release": "4.18", "BackendDisruptions": {}}' >rel.json
refuse "artifacts that disagree on Release" "'rel.json': field 'Release' differs" \
	own.json rel.json
printf '{"Release": "4.16", "FromRelease": "", "Platform": "aws", "Architecture": "amd64", "Network": "ovn", "Topology": "ha", "BackendDisruptions": 3}' >three.json
refuse "BackendDisruptions neither array nor object" \
	"field 'BackendDisruptions' must be an array of rows or an object" three.json

# No release from the file nor from the job's variants.
tp ingest disruptions backend-disruption_a.json --job e2e-gcp --run-id 1
expect_rc 1 "a job without a release variant"
expect_err_has "run '1' of job 'e2e-gcp' has no release" "names the run and the job"
expect_err_has "testpump jobs prime" "says to prime the job with a release"
tp ingest disruptions backend-disruption_a.json --job never-primed --run-id 1
expect_rc 1 "a job not stored"
expect_err_has "of job 'never-primed' has no release" "names the unknown job"
[ "$(sql "SELECT count(*) FROM job_run r JOIN job j ON j.id = r.job_id WHERE j.name IN ('e2e-gcp', 'never-primed')")" = 0 ] &&
	ok || fail "no run stored without a release"
# The row shape keeps its rules: every variant field, no repeats.
printf '{"BackendDisruptions": [{"BackendName": "x", "DisruptionSeconds": 1}]}' >rowsbare.json
tp ingest disruptions rowsbare.json --job e2e-aws --run-id 9
expect_rc 1 "the row shape still needs its variant"
expect_err_has "field 'Release' is missing" "row shape: names the field"

# --dry-run: nothing written, and without a database no job variants.
tp --dry-run --format json ingest disruptions backend-disruption_a.json --job e2e-aws --run-id 5
expect_rc 0 "dry run"
[ "$(json_get '(d["dry_run"], d["release"], d["rows"])')" = "(True, '4.16', 3)" ] && ok ||
	fail "dry run reads the job's variants"
[ "$(sql "SELECT count(*) FROM job_run WHERE run_id = '5'")" = 0 ] && ok || fail "dry run stored nothing"
TESTPUMP_DB=sqlite:$TMP/none.db tp --dry-run ingest disruptions backend-disruption_a.json --job e2e-aws --run-id 5
expect_rc 1 "dry run without a database: no release"
expect_err_has "has no release" "dry run without a database says why"

# --- aggregate's disruption checks over artifact data ----------------------
# 12 history runs (0 to 2 s a backend) and 10 payload runs: kube-api
# stays quiet, ingress is disrupted 40 s in every payload run.
export TESTPUMP_DB=sqlite:$TMP/agg.db
tp db init
tp jobs prime jobs.json
expect_rc 0 "aggregate: jobs prime"
junit() {
	printf '<testsuite name="openshift-tests" tests="1"><testcase classname="e2e" name="works" time="1"/></testsuite>\n'
}
junit >run.xml
i=0
while [ $i -lt 12 ]; do
	i=$((i + 1))
	d=$(printf '%02d' $((i + 5)))
	case $((i % 3)) in 0) k=0s ;; 1) k=0.5s ;; *) k=1.5s ;; esac
	artifact kube-api-new-connections=$k ingress-new-connections=1s >h$i.json
	tp ingest disruptions h$i.json --job e2e-aws --run-id h$i \
		--started-at 2024-05-${d}T00:00:00Z
	[ "$rc" = 0 ] || fail "aggregate: history run $i"
done
P=4.16.0-0.nightly-2024-05-21-000000
for i in 0 1 2 3 4 5 6 7 8 9; do
	tp ingest junit run.xml --job e2e-aws --run-id p$i --payload $P \
		--started-at 2024-05-21T0$i:00:00Z
	[ "$rc" = 0 ] || fail "aggregate: payload run $i junit"
	artifact kube-api-new-connections=0.4s ingress-new-connections=15s >p$i-a.json
	artifact ingress-new-connections=24.2s >p$i-b.json
	tp ingest disruptions p$i-a.json p$i-b.json --job e2e-aws --run-id p$i
	[ "$rc" = 0 ] || fail "aggregate: payload run $i disruptions"
done
[ "$(sql "SELECT count(*) FROM disruption WHERE backend = 'ingress-new-connections' AND disruption_ms = 40000")" = 10 ] &&
	ok || fail "aggregate: ceil(15)+ceil(24.2) = 40 s in each payload run"
tp --format json aggregate --job e2e-aws --payload $P --working-dir out
expect_rc 2 "aggregate: the disrupted backend fails the payload"
python3 - "$out" <<'PY' && ok || fail "aggregate: verdicts of the disruption checks"
import json, sys
d = {t["name"]: t for t in json.loads(sys.argv[1])["tests"]
     if t["suite"] == "BackendDisruption"}
assert d["should collect disruption data"]["verdict"] == "passed", d
for check in ("disruption P70 should not be worse",
              "disruption P85 should not be worse",
              "mean disruption should be less than historical plus five "
              "standard deviations"):
    q = d["kube-api-new-connections " + check]
    b = d["ingress-new-connections " + check]
    assert q["verdict"] == "passed", (check, q)
    assert b["verdict"] == "failed" and b["blocking"], (check, b)
PY

finish
