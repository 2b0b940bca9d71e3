# ingest junit in batches: results cross the 10,000-row flush, retries of a
# test span it, tests new after it get ids, and a failure after a flush
# still leaves the store as it was.
. "$(dirname "$0")/lib.sh"

dump() { sqlite3 t.db .dump | grep -v '^INSERT INTO schema_migrations'; }
q() { sqlite3 t.db "$1"; }

# gen N: a suite of N passing tests t1..tN, then 'again' failing twice
# more (its first attempt comes first), then a test seen only at the end.
gen() {
	python3 - "$1" <<'PY'
import sys
n = int(sys.argv[1])
print('<testsuite name="s" tests="%d">' % (n + 3))
print('<testcase classname="c" name="again"><failure message="m1">x</failure></testcase>')
for i in range(1, n + 1):
    print('<testcase classname="c" name="t%d" time="0.001"/>' % i)
print('<testcase classname="c" name="again"><failure message="m2">y</failure></testcase>')
print('<testcase classname="c" name="again"/>')
print('<testcase classname="c" name="last"/>')
print('</testsuite>')
PY
}
gen 10005 >big.xml

tp --db sqlite:t.db db init
tp --db sqlite:t.db --format json ingest junit big.xml --job j --run-id 1
expect_rc 0 "ingest 10,009 results"
[ "$(json_get 'd["tests"], d["attempts"]["pass"], d["attempts"]["fail"]')" = "10007 10007 2" ] && ok || fail "counts over the flush"
[ "$(q 'SELECT count(*) FROM test_result') $(q 'SELECT count(*) FROM test_run_status') $(q 'SELECT count(*) FROM test')" = "10009 10007 10007" ] && ok || fail "every row written once"
[ "$(q "SELECT group_concat(attempt || r.status, ',') FROM (SELECT attempt, r.status FROM test_result r JOIN test t ON t.id = r.test_id WHERE t.name = 'again' ORDER BY attempt) r")" = "1fail,2fail,3pass" ] && ok || fail "attempts numbered across the flush"
[ "$(q "SELECT s.status FROM test_run_status s JOIN test t ON t.id = s.test_id WHERE t.name = 'again'")" = flaky ] && ok || fail "folded across the flush"
[ "$(q "SELECT count(*) FROM test_result r JOIN test_output o ON o.hash = r.message_hash")" = 2 ] && ok || fail "messages stored and referred to"
[ "$(q "SELECT group_concat(name, ',') FROM (SELECT name FROM test ORDER BY id LIMIT 3)") $(q "SELECT name FROM test ORDER BY id DESC LIMIT 1")" = "again,t1,t2 last" ] && ok || fail "test ids in order of first appearance"

# A second run reuses the tests; a re-ingest replaces in place.
tp --db sqlite:t.db ingest junit big.xml --job j --run-id 2
expect_rc 0 "a second run"
tp --db sqlite:t.db --format json ingest junit big.xml --job j --run-id 2
expect_rc 0 "re-ingest"
[ "$(json_get 'd["replaced"]')" = True ] && ok || fail "re-ingest replaces"
[ "$(q 'SELECT count(*) FROM test') $(q 'SELECT count(*) FROM test_result') $(q 'SELECT count(*) FROM job_run')" = "10007 20018 2" ] && ok || fail "tests shared, results replaced"

# The bad file comes after the good one: rows were flushed, then rolled back.
before=$(dump)
gen 10005 | sed 's/name="last"/name="new"/' >a.xml
printf '<testsuite name="z"><testcase name="x">' >b.xml
tp --db sqlite:t.db ingest junit a.xml b.xml --job j --run-id 3
expect_rc 1 "a malformed file fails the run"
expect_err_has "b.xml" "naming the file"
[ "$(dump)" = "$before" ] && ok || fail "the store is exactly as before"

# A dry run writes nothing.
tp --db sqlite:t.db --dry-run ingest junit a.xml --job j --run-id 4
expect_rc 0 "dry run"
[ "$(dump)" = "$before" ] && ok || fail "the dry run wrote nothing"

finish
