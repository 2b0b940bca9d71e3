#!/bin/bash
# report flaky and report regressions as a new user runs them: JUnit files
# of 130 builds of one job ingested with `ingest junit`, then the reports.
# The history (one build every 4 hours from 2024-01-01):
#   t07 breaks at build 120 (fails 120..129);
#   t03 flaky: fails then passes on retry in every 8th build;
#   t05 flaky: fails alone in builds 5, 16, 27, ... (every 11th);
#   build 60 is an infrastructure storm (11 of 12 tests fail);
#   every other test passes.
. "$(dirname "$0")/lib.sh"
db="$TMP/t.db"
tp --db "$db" db init
expect_rc 0 "db init"

python3 - "$TMP/junit" <<'PY'
import os, sys, datetime
out = sys.argv[1]
os.makedirs(out)
t0 = datetime.datetime(2024, 1, 1)
for b in range(130):
    cases = []
    for t in range(12):
        name = 't%02d' % t
        fail = '<testcase classname="demo" name="%s"><failure message="boom %d"/></testcase>' % (name, b)
        ok = '<testcase classname="demo" name="%s"/>' % name
        if b == 60 and t != 11:
            cases.append(fail)
        elif t == 7 and b >= 120:
            cases.append(fail)
        elif t == 3 and b % 8 == 0:
            cases += [fail, ok]
        elif t == 5 and b % 11 == 5:
            cases.append(fail)
        else:
            cases.append(ok)
    at = (t0 + datetime.timedelta(hours=4 * b)).strftime('%Y-%m-%dT%H:%M:%SZ')
    with open('%s/b%03d_%s.xml' % (out, b, at), 'w') as f:
        f.write('<testsuite name="demo">%s</testsuite>' % ''.join(cases))
PY
bad=0
for f in "$TMP"/junit/*.xml; do
	base=$(basename "$f" .xml)
	"$TESTPUMP" --db "$db" ingest junit "$f" --job e2e --run-id "${base%%_*}" \
		--started-at "${base#*_}" --variant project=demo >/dev/null 2>&1 || bad=1
done
[ $bad = 0 ] && ok || fail "ingest 130 builds"

export TESTPUMP_NOW=2024-01-22T12:00:00Z
tp --db "$db" --format json report flaky
expect_rc 0 "report flaky"
expect_json "report flaky is JSON"
[ "$(json_get "' '.join(r['kind'] + ':' + str(r['test'] or r['run']) for r in d['rows'])")" = \
	"flaky:demo.t03 flaky:demo.t05 broken:demo.t07 storm:b060" ] && ok ||
	fail "flaky finds exactly t03 and t05, t07 broken and storm b060"
[ "$(json_get "len({tuple(sorted(r)) for r in d['rows']})")" = 1 ] && ok ||
	fail "every row has the same keys"
[ "$(json_get "d['rows'][2]['explanation']")" != "" ] && ok || fail "explanation"
expect_out_has "failed 10 runs in a row from run b120 (2024-01-21T00:00:00Z) to run b129, and is still failing" \
	"the break at build 120 is explained"
expect_out_has "Infrastructure storm: run b060 (2024-01-11T00:00:00Z) failed 11 of 12 tests" \
	"the storm is explained"
expect_out_has "streak=3 min_flakes=2" "parameters"

# Table output: one table, the storm row with empty test cells.
tp --db "$db" report flaky
expect_rc 0 "report flaky as a table"
expect_out_has "KIND" "table header"
expect_out_has "storm" "storm row in the table"

tp --db "$db" --format json report flaky --project other
[ "$(json_get "len(d['rows'])")" = 0 ] && ok || fail "--project other has no rows"
tp --db "$db" --format json report flaky --project demo --job e2e --days 3
expect_rc 0 "report flaky --project --job --days"
[ "$(json_get "[r['kind'] + ':' + r['test'] for r in d['rows']]")" = \
	"['flaky:demo.t03', 'flaky:demo.t05', 'broken:demo.t07']" ] && ok ||
	fail "--days 3 (builds 112..129): t03 and t05 flaky, t07 broken, no storm"

count_regressions() {
	python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM regression ' + sys.argv[2]).fetchone()[0])" "$db" "${1:-}"
}
# --dry-run computes and stores nothing.
tp --db "$db" --dry-run --format json report regressions --sample-days 2
expect_rc 0 "report regressions --dry-run"
[ "$(json_get "[(r['state'], r['test'], r['severity']) for r in d['rows']]")" = \
	"[('opened', 'demo.t07', 'extreme')]" ] && ok || fail "dry run finds t07"
[ "$(count_regressions)" = 0 ] && ok || fail "--dry-run wrote a regression"
tp --db "$db" --format json report regressions --sample-days 2
expect_rc 0 "report regressions"
[ "$(count_regressions "WHERE closed_at IS NULL AND first_seen = '2024-01-21T00:00:00Z'")" = 1 ] && ok ||
	fail "the regression is stored with its first failure"
tp --db "$db" --format json report regressions --sample-days 2
[ "$(json_get "d['rows'][0]['state']")" = open ] && ok || fail "still open the next time"
# Flakes as failures: t03's flaky runs count as failures but stay rare.
tp --db "$db" --dry-run --format json report regressions --sample-days 2 \
	--flakes-as-failures --confidence 90 --pity 2 --min-failures 4
expect_rc 0 "regression options"
expect_out_has "flakes_as_failures=1" "the parameters say so"
tp --db "$db" report regressions --confidence 101
expect_rc 1 "confidence out of range"
finish
