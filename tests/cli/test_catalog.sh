#!/bin/bash
# jobs prime, jobs list, releases add, releases list: upserts that are
# idempotent, filters, dry runs, and bad files named by entry.
. "$(dirname "$0")/lib.sh"

db=sqlite:c.db
tp --db $db db init
expect_rc 0 "db init"

cat >jobs.json <<'JSON'
[{"name": "periodic-ci-e2e-aws",
  "variants": {"platform": "aws", "architecture": "amd64", "network": "ovn",
               "topology": "ha", "release": "4.16"}},
 {"name": "periodic-ci-e2e-gcp-single",
  "variants": {"platform": "gcp", "topology": "single"}}]
JSON
tp --db $db --dry-run --format json jobs prime jobs.json
expect_rc 0 "jobs prime --dry-run"
[ "$(json_get 'd["created"], d["dry_run"]')" = "2 True" ] && ok || fail "dry run counts new jobs"
tp --db $db --format json jobs list
[ "$(json_get 'len(d["jobs"])')" = "0" ] && ok || fail "dry run wrote nothing"

tp --db $db --format json jobs prime jobs.json
expect_rc 0 "jobs prime"
[ "$(json_get 'd["jobs"], d["created"], d["variants_set"]')" = "2 2 7" ] && ok || fail "jobs prime counts"
tp --db $db --format json jobs prime jobs.json
[ "$(json_get 'd["created"], d["variants_set"]')" = "0 0" ] && ok || fail "priming twice changes nothing"

tp --db $db --format json jobs list
expect_rc 0 "jobs list"
[ "$(json_get 'd["jobs"][0]["name"], d["jobs"][0]["variants"]')" = "periodic-ci-e2e-aws architecture=amd64, network=ovn, platform=aws, release=4.16, topology=ha" ] && ok || fail "jobs list shows variants"
tp --db $db --format json jobs list --variant topology=single --variant platform=gcp
[ "$(json_get '[j["name"] for j in d["jobs"]]')" = "['periodic-ci-e2e-gcp-single']" ] && ok || fail "jobs list filters by variant"

printf '[{"name": "ok"}, {"name": "x", "variants": {"platform": 3}}]' >bad.json
tp --db $db jobs prime bad.json
expect_rc 1 "a bad jobs file"
expect_err_has "jobs file 'bad.json', entry 1: variant 'platform' must be a string" "the error names the entry"
tp --db $db --format json jobs list
[ "$(json_get 'len(d["jobs"])')" = "2" ] && ok || fail "a bad file writes nothing"
printf '{"name": "x"' >broken.json
tp --db $db jobs prime broken.json
expect_rc 1 "malformed JSON"
expect_err_has "jobs file 'broken.json', line 1" "the error names the line"

tp --db $db --format json releases add 4.16 --previous 4.15 --payload 4.16.0-a --payload 4.16.0-b
expect_rc 0 "releases add"
[ "$(json_get 'd["created"], d["payloads_linked"]')" = "True 2" ] && ok || fail "releases add creates"
tp --db $db --format json releases add 4.16 --previous 4.15 --payload 4.16.0-a
[ "$(json_get 'd["created"], d["payloads_linked"]')" = "False 0" ] && ok || fail "releases add twice changes nothing"
tp --db $db --format json releases list
expect_rc 0 "releases list"
[ "$(json_get '[(r["name"], r["previous"], r["payloads"]) for r in d["releases"]]')" = "[('4.15', None, 0), ('4.16', '4.15', 2)]" ] && ok || fail "releases list"
tp --db $db releases add 4.17 --previous 4.17
expect_rc 1 "a release cannot follow itself"
expect_err_has "release '4.17' cannot follow itself" "the error names the release"

finish
