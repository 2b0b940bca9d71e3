# report change-points and report clusters end to end, on SQLite and (with
# TESTPUMP_TEST_PG, as scripts/with-postgres sets it) on PostgreSQL: a
# synthetic history of 200 builds ingested as JUnit, where t_break passes
# until build 120 and fails from then on, t_flaky fails in a fixed one
# build in eight (its runs flaky: failed, then passed on retry), and
# every other test passes.  Failure messages differ only in numbers, hex,
# paths and ids, so they fall into two clusters.
. "$(dirname "$0")/lib.sh"

export TESTPUMP_NOW=2024-03-01T00:00:00Z

# The JUnit of build b (0..N): started 2024-01-01 plus b * 4 hours.
python3 - "$TMP/junit" <<'EOF'
import datetime, os, sys
out = sys.argv[1]
t0 = datetime.datetime(2024, 1, 1)
os.makedirs(out)
for b in range(201):
    cases = []
    for t in ("t_ok1", "t_ok2", "t_ok3"):
        cases.append('<testcase classname="synth" name="%s" time="0.1"/>' % t)
    if b >= 120:
        cases.append('<testcase classname="synth" name="t_break" time="0.2">'
                     '<failure message="expected 200 but got %d at 0x%08x in /srv/ci/%d/app.py"/>'
                     '</testcase>' % (500 + b % 4, b * 2654435761 % 2**32, b))
    else:
        cases.append('<testcase classname="synth" name="t_break" time="0.2"/>')
    if b % 8 == 3:
        cases.append('<testcase classname="synth" name="t_flaky" time="0.3">'
                     '<flakyFailure message="timeout after %d ms waiting for pod web-%05xf"/>'
                     '</testcase>' % (1000 + b, b * 7919))
    else:
        cases.append('<testcase classname="synth" name="t_flaky" time="0.3"/>')
    at = (t0 + datetime.timedelta(hours=4 * b)).strftime("%Y-%m-%dT%H:%M:%S")
    with open(os.path.join(out, "b%04d.xml" % b), "w") as f:
        f.write('<testsuite name="synth" timestamp="%s">%s</testsuite>\n'
                % (at, "".join(cases)))
EOF

# rows TABLE: the table's row count, from db status.
rows() {
	tp --db "$DB" --format json db status
	json_get "[t['rows'] for t in d['tables'] if t['table'] == '$1'][0]"
}

# ingest_builds FIRST LAST INGESTED_AT
ingest_builds() {
	for b in $(seq "$1" "$2"); do
		f=$(printf '%s/junit/b%04d.xml' "$TMP" "$b")
		TESTPUMP_NOW=$3 "$TESTPUMP" --db "$DB" -q ingest junit "$f" \
			--job synth-e2e --run-id "b$(printf %04d "$b")" \
			--variant platform=aws >/dev/null ||
			{ fail "ingest build $b"; return; }
	done
}

scenario() {
	tp --db "$DB" db init
	expect_rc 0 "$ENGINE: db init"
	ingest_builds 0 199 2024-02-29T12:00:00Z

	# --- change points ---------------------------------------------------
	tp --db "$DB" --dry-run --format json report change-points
	expect_rc 0 "$ENGINE: change-points, dry run"
	[ "$(json_get 'len(d["rows"])')" = 1 ] && ok || fail "$ENGINE: one change"
	[ "$(rows change_point)" = 0 ] && ok || fail "$ENGINE: a dry run stores nothing"
	tp --db "$DB" --format json report change-points
	expect_rc 0 "$ENGINE: change-points"
	[ "$(json_get 'len(d["rows"])')" = 1 ] && ok || fail "$ENGINE: exactly one change (not the flaky test)"
	[ "$(json_get 'd["rows"][0]["test"], d["rows"][0]["change"], d["rows"][0]["run"], d["rows"][0]["ordinal"]')" = "synth.t_break worse b0120 121" ] &&
		ok || fail "$ENGINE: t_break got worse at b0120"
	[ "$(json_get 'd["rows"][0]["pass_rate_before"], d["rows"][0]["pass_rate_after"], d["rows"][0]["runs_before"], d["rows"][0]["runs_after"]')" = "100.0 0.0 120 80" ] &&
		ok || fail "$ENGINE: rates and runs on each side"
	[ "$(json_get 'd["rows"][0]["earliest_run"] <= "b0120" <= d["rows"][0]["latest_run"], d["rows"][0]["latest_run"] <= "b0122"')" = "True True" ] &&
		ok || fail "$ENGINE: the interval bounds the change narrowly"
	[ "$(json_get 'd["rows"][0]["started_at"], d["rows"][0]["variant"], d["rows"][0]["job"]')" = "2024-01-21T00:00:00Z platform=aws synth-e2e" ] &&
		ok || fail "$ENGINE: the run's time, variant and job"
	expl=$(json_get 'd["rows"][0]["explanation"]')
	case "$expl" in *"passed 100.0% of 120 runs before run 'b0120'"*"Beta-Binomial"*) ok ;;
	*) fail "$ENGINE: explanation: $expl" ;; esac
	case "$(json_get 'd["rows"][0]["parameters"]')" in
	*"prior=0.05,0.5 retry_prior=0.5,0.5 changepoint_likelihood=0.0001 confidence=99"*) ok ;;
	*) fail "$ENGINE: parameters" ;; esac
	[ "$(rows change_point)" = 1 ] && ok || fail "$ENGINE: the change is stored"
	tp --db "$DB" --format json report change-points
	[ "$(rows change_point)" = 1 ] && ok || fail "$ENGINE: a second report replaces it"
	tp --db "$DB" --format json report change-points --test t_flaky
	[ "$(json_get 'len(d["rows"])')" = 0 ] && ok || fail "$ENGINE: --test keeps one test"
	tp --db "$DB" --format json report change-points --test synth.t_break --job synth-e2e --days 365
	[ "$(json_get 'len(d["rows"])')" = 1 ] && ok || fail "$ENGINE: --test classname.name, --job, --days"
	tp --db "$DB" --format json report change-points --days 30
	[ "$(json_get 'len(d["rows"])')" = 0 ] && ok || fail "$ENGINE: the last 30 days hold no change"
	tp --db "$DB" report change-points --job nosuch
	expect_rc 1 "$ENGINE: an unknown job"
	expect_err_has "no job 'nosuch'" "$ENGINE: is named"

	# --- clusters --------------------------------------------------------
	tp --db "$DB" --dry-run --format json report clusters
	expect_rc 0 "$ENGINE: clusters, dry run"
	dry=$(json_get '[(r["cluster"], r["failures"]) for r in d["rows"]]')
	[ "$(rows failure_cluster) $(rows failure_cluster_result)" = "0 0" ] && ok ||
		fail "$ENGINE: a dry run stores no cluster"
	tp --db "$DB" --format json report clusters
	expect_rc 0 "$ENGINE: clusters"
	[ "$(json_get '[(r["cluster"], r["failures"]) for r in d["rows"]]')" = "$dry" ] && ok ||
		fail "$ENGINE: the dry run computed the same clusters"
	[ "$(json_get 'len(d["rows"]), [r["failures"] for r in d["rows"]], [r["tests"] for r in d["rows"]]')" = "2 [80, 25] [1, 1]" ] &&
		ok || fail "$ENGINE: two clusters: 80 breakage failures, 25 flakes"
	[ "$(json_get 'd["rows"][0]["pattern"]')" = "expected <n> but got <n> at <hex> in <path>" ] && ok ||
		fail "$ENGINE: the pattern masks numbers, hex and paths"
	[ "$(json_get 'd["rows"][1]["pattern"], d["rows"][1]["test_names"]')" = "timeout after <n> ms waiting for pod web-<hex> synth.t_flaky" ] &&
		ok || fail "$ENGINE: the flake's pattern and test"
	[ "$(json_get 'd["rows"][0]["first_seen"], d["rows"][0]["last_seen"], d["rows"][0]["runs"]')" = "2024-01-21T00:00:00Z 2024-02-03T04:00:00Z 80" ] &&
		ok || fail "$ENGINE: first and last seen, runs"
	[ "$(json_get 'sum(c["failures"] for c in d["rows"][0]["counts"]), len(d["rows"][0]["counts"]), d["rows"][0]["counts"][0]')" = "80 3 {'period': '2024-01-15', 'failures': 6}" ] &&
		ok || fail "$ENGINE: counts per week (Mondays)"
	case "$(json_get 'd["rows"][0]["explanation"], d["rows"][0]["parameters"]')" in
	*"80 failures in 80 runs of 1 tests"*"algorithm=mask-v1"*"period=week"*) ok ;;
	*) fail "$ENGINE: explanation and parameters" ;; esac
	[ "$(rows failure_cluster) $(rows failure_cluster_result)" = "2 105" ] && ok ||
		fail "$ENGINE: clusters and links stored"
	# Incremental: one new build, and one build ingested again.
	ingest_builds 200 200 2024-03-01T00:00:00Z
	ingest_builds 195 195 2024-03-01T00:00:00Z
	tp --db "$DB" --format json report clusters --days 31
	[ "$(json_get '[r["failures"] for r in d["rows"]], d["rows"][0]["counts"][-1]')" = "[27, 3] {'period': '2024-02-03', 'failures': 3}" ] &&
		ok || fail "$ENGINE: the new build counted once, per day in 31 days"
	[ "$(rows failure_cluster) $(rows failure_cluster_result)" = "2 106" ] && ok ||
		fail "$ENGINE: a re-ingested run is not counted twice"
	tp --db "$DB" --format json report clusters --job synth-e2e --days 35
	[ "$(json_get '[r["failures"] for r in d["rows"]]')" = "[51, 6]" ] && ok ||
		fail "$ENGINE: --days 35 and --job"
	tp --db "$DB" --format json --dry-run report clusters
	[ "$(json_get '[r["failures"] for r in d["rows"]]')" = "[81, 25]" ] && ok ||
		fail "$ENGINE: a dry run after clustering counts each failure once"
	tp --db "$DB" -v --format json report clusters
	[ "$(json_get '[r["failures"] for r in d["rows"]]')" = "[81, 25]" ] && ok ||
		fail "$ENGINE: clustering again changes nothing"
	expect_err_has "clusters: 2 runs ingested since 2024-02-29T23:50:00Z, 3 failures linked" \
		"$ENGINE: only the runs ingested since the cursor are read"
}

ENGINE=sqlite DB="sqlite:$TMP/cp.db"
scenario

if [ -n "${TESTPUMP_TEST_PG:-}" ]; then
	PSQL=psql
	[ -n "${TESTPUMP_TEST_PG_BIN:-}" ] && [ -x "$TESTPUMP_TEST_PG_BIN/psql" ] &&
		PSQL=$TESTPUMP_TEST_PG_BIN/psql
	S="tp_cp_$$"
	"$PSQL" -XAtq -v ON_ERROR_STOP=1 "$TESTPUMP_TEST_PG" \
		-c "SET client_min_messages = warning" \
		-c "DROP SCHEMA IF EXISTS $S CASCADE" -c "CREATE SCHEMA $S" || exit 1
	trap '"$PSQL" -XAtq "$TESTPUMP_TEST_PG" -c "SET client_min_messages = warning" -c "DROP SCHEMA $S CASCADE"; rm -rf "$TMP"' EXIT
	ENGINE=pg DB="$TESTPUMP_TEST_PG options='-c search_path=$S'"
	scenario
else
	echo "PostgreSQL part skipped: TESTPUMP_TEST_PG is not set"
fi
finish
