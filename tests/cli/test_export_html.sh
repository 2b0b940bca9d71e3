# testpump export html DIR, black-box: every page and asset written with
# relative links, the demo's data on the pages, a test named
# "<script>..." shown as text, the empty store's pages naming the command
# that fills them, --dry-run writing nothing, the mock call types, bad
# DIRs refused with the path named; and, with TESTPUMP_TEST_PG, the same
# pages read from PostgreSQL.
. "$(dirname "$0")/lib.sh"

PAGES="index coverage runs regressions aggregation history flaky comparisons"
XSS_XML='&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot;'

# fill DB: a job's runs, one payload aggregated, a script-named test.
fill() {
	for i in 1 2 3 4 5 6 7 8; do
		status='<testcase classname="c" name="plain"/>'
		[ "$i" = 7 ] && status='<testcase classname="c" name="plain"><failure message="x"/></testcase>'
		printf '<testsuite name="s"><testcase classname="c" name="%s"/>%s</testsuite>\n' \
			"$XSS_XML" "$status" >"$TMP/r$i.xml"
		pl=""
		[ "$i" -gt 2 ] && pl="--payload 4.16-p"
		# shellcheck disable=SC2086
		tp --db "$1" ingest junit "$TMP/r$i.xml" --job "job-<i>x</i>" \
			--run-id "r$i" --started-at "2024-05-0${i}T10:00:00Z" $pl
		[ "$rc" = 0 ] || fail "ingest r$i"
	done
	tp --db "$1" aggregate --job "job-<i>x</i>" --payload 4.16-p \
		--working-dir "$TMP/agg" --min-attempts 3
	[ "$rc" -le 2 ] && ok || fail "aggregate"
}

# check_site DIR WHAT: every page and asset, relative links, no raw markup
check_site() {
	for p in $PAGES; do
		[ -s "$1/$p.html" ] && ok || fail "$2: $p.html written"
	done
	for a in app.js style.css favicon.svg; do
		[ -s "$1/static/$a" ] && ok || fail "$2: static/$a written"
	done
	grep -q 'href="history.html"' "$1/index.html" && ok ||
		fail "$2: links end in .html"
	! grep -q 'href="/' "$1"/*.html && ok || fail "$2: no absolute links"
	! grep -q '<script>alert' "$1"/*.html && ok ||
		fail "$2: no raw <script> from the data"
	! grep -q ' style=\| onclick=\| onerror=' "$1"/*.html && ok ||
		fail "$2: no inline style or handler"
	[ "$(ls "$1"/*.tmp-* 2>/dev/null | wc -l)" = 0 ] && ok ||
		fail "$2: no temporary files left"
}

DB=sqlite:$TMP/t.db
tp --db "$DB" db init
fill "$DB"
tp --db "$DB" --format json export html "$TMP/site"
expect_rc 0 "export html"
expect_json "export html answers JSON"
[ "$(json_get 'len(d["files"])')" = 11 ] && ok || fail "11 files listed"
[ "$(json_get 'd["failed"]')" = "[]" ] && ok || fail "no page failed"
check_site "$TMP/site" sqlite
grep -q "Verdict: <b>failed</b>\|Verdict: <b>passed</b>" "$TMP/site/aggregation.html" && ok ||
	fail "aggregation page shows the verdict"
grep -q "&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot;" "$TMP/site/history.html" && ok ||
	fail "the script-named test shows as text"
grep -q "job-&lt;i&gt;x&lt;/i&gt;" "$TMP/site/index.html" && ok ||
	fail "the job name is escaped on the overview"
grep -q "<svg" "$TMP/site/history.html" && ok || fail "history has a chart"

# Again: the same bytes (deterministic), files replaced whole.
cp "$TMP/site/aggregation.html" "$TMP/before.html"
tp --db "$DB" export html "$TMP/site"
expect_rc 0 "export html again"
cmp -s "$TMP/before.html" "$TMP/site/aggregation.html" && ok ||
	fail "a second export writes the same page"

# An empty store: each page says which command fills it.
tp --db "sqlite:$TMP/empty.db" db init
tp --db "sqlite:$TMP/empty.db" export html "$TMP/empty"
expect_rc 0 "export html of an empty store"
for p in coverage runs aggregation history; do
	grep -q 'class="empty".*<code>testpump ' "$TMP/empty/$p.html" && ok ||
		fail "empty $p.html names the command that fills it"
done

# --dry-run lists the files and writes none.
tp --db "$DB" --dry-run --format json export html "$TMP/dry"
expect_rc 0 "export html --dry-run"
[ ! -e "$TMP/dry" ] && ok || fail "--dry-run wrote nothing"
[ "$(json_get 'd["dry_run"]')" = True ] && ok || fail "dry_run is true"

# Bad DIRs name the path.
: >"$TMP/file"
tp --db "$DB" export html "$TMP/file"
expect_rc 1 "export html into a file"
expect_err_has "$TMP/file" "the error names the path"
tp --db "$DB" export html "$TMP/no/such/dir"
expect_rc 1 "export html under a missing parent"
expect_err_has "no/such/dir" "the error names the missing directory"

# The mock call types.
tp --mock-success --format json export html x
expect_rc 0 "mock-success"
expect_json "mock-success answers JSON"
tp --mock-failure --format json export html x
expect_rc 3 "mock-failure exits 3"
[ "$(json_get 'd["failed"][0]["file"]')" = history.html ] && ok ||
	fail "mock-failure lists the failed page"
tp --validate-only export html "$TMP/v"
expect_rc 0 "validate-only"
[ ! -e "$TMP/v" ] && ok || fail "validate-only wrote nothing"

# PostgreSQL: the same pages, read from the server.
if [ -n "${TESTPUMP_TEST_PG:-}" ]; then
	PSQL=psql
	[ -n "${TESTPUMP_TEST_PG_BIN:-}" ] && [ -x "$TESTPUMP_TEST_PG_BIN/psql" ] &&
		PSQL=$TESTPUMP_TEST_PG_BIN/psql
	s="tp_export_$$"
	"$PSQL" -XAtq "$TESTPUMP_TEST_PG" -c "SET client_min_messages = warning" \
		-c "DROP SCHEMA IF EXISTS $s CASCADE" -c "CREATE SCHEMA $s"
	PG="$TESTPUMP_TEST_PG options='-c search_path=$s'"
	tp --db "$PG" db init
	fill "$PG"
	tp --db "$PG" export html "$TMP/pg"
	expect_rc 0 "export html from PostgreSQL"
	check_site "$TMP/pg" postgresql
	! grep -q 'class="error"' "$TMP/pg/index.html" "$TMP/pg/aggregation.html" \
		"$TMP/pg/history.html" "$TMP/pg/comparisons.html" && ok ||
		fail "postgresql: every query of the pages runs"
	for p in aggregation history; do
		sed 's/aggregated [0-9TZ:-]*/aggregated/' "$TMP/site/$p.html" >"$TMP/a"
		sed 's/aggregated [0-9TZ:-]*/aggregated/' "$TMP/pg/$p.html" >"$TMP/b"
		cmp -s "$TMP/a" "$TMP/b" && ok ||
			fail "postgresql: $p.html as on SQLite: $(diff "$TMP/a" "$TMP/b" | head -5)"
	done
	"$PSQL" -XAtq "$TESTPUMP_TEST_PG" -c "DROP SCHEMA $s CASCADE"
fi
finish
