# db init, db migrate, db status against real SQLite files.
. "$(dirname "$0")/lib.sh"

tp --db sqlite:/nonexistent/dir/x.db db init
expect_rc 1 "db init in a missing directory fails"
expect_err_has "/nonexistent/dir/x.db" "the error names the path"
expect_out_empty "no response on error"
[ ! -e /nonexistent/dir/x.db ] && ok || fail "nothing was created"

tp --db sqlite:a.db --format json db init
expect_rc 0 "db init creates the database"
expect_json "db init prints JSON"
[ "$(json_get 'd["created"], d["previous_version"], d["schema_version"] > 0, len(d["migrations_applied"]) > 0')" = "True 0 True True" ] && ok || fail "first db init applies the schema"
first=$(json_get 'd["schema_version"]')

tp --db sqlite:a.db --format json db init
expect_rc 0 "db init again succeeds"
[ "$(json_get 'd["created"], d["migrations_applied"], d["schema_version"]')" = "False [] $first" ] && ok || fail "db init twice is a no-op the second time"

tp --db sqlite:a.db --format json db status
expect_rc 0 "db status"
expect_json "db status --format json is valid JSON"
[ "$(json_get 'd["schema_version"] == d["latest_version"], d["up_to_date"], "job_run" in [t["table"] for t in d["tables"]]')" = "True True True" ] && ok || fail "db status reports version and tables"

tp --db sqlite:a.db db status
expect_rc 0 "db status as a table"
expect_out_has "TABLE" "the table has a header"
expect_out_has "test_result" "the table lists test_result"

tp --db sqlite:a.db --format csv db status
expect_out_has "table,rows" "csv header"

TESTPUMP_DB=sqlite:a.db tp --format json db status
expect_rc 0 "TESTPUMP_DB names the database"

tp --db sqlite:missing.db db status
expect_rc 1 "db status on a missing database fails"
expect_err_has "missing.db" "and names it"
[ ! -e missing.db ] && ok || fail "db status created no file"

tp --db sqlite:missing.db db migrate
expect_rc 1 "db migrate needs an existing database"
expect_err_has "db init" "and says to run db init"

tp --db sqlite:a.db --format json db migrate
expect_rc 0 "db migrate on an up-to-date database"
[ "$(json_get 'd["migrations_applied"]')" = "[]" ] && ok || fail "nothing to apply"

tp --dry-run --db sqlite:dry.db --format json db init
expect_rc 0 "dry-run db init"
[ ! -e dry.db ] && ok || fail "dry-run created no database"
[ "$(json_get 'd["dry_run"], len(d["migrations_applied"]) > 0')" = "True True" ] && ok || fail "dry-run lists what it would apply"

echo "not a database, just text" >junk.db
tp --db sqlite:junk.db db status
expect_rc 1 "a non-SQLite file is refused"
expect_err_has "junk.db" "naming it"
[ "$(cat junk.db)" = "not a database, just text" ] && ok || fail "the file is untouched"

# An applied migration that changed is refused, naming it.
sqlite3 a.db "UPDATE schema_migrations SET sha256 = 'x' WHERE version = 1"
tp --db sqlite:a.db db migrate
expect_rc 1 "an edited migration is refused"
expect_err_has "0001" "naming the migration"

finish
