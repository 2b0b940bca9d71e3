# Resource faults, black-box: a full disk, a read-only database, a database
# locked by another writer, an unreachable and a slow upstream, and a
# PostgreSQL server restarted in the middle of a pump.  Each must give a
# clear error and the exit code of DESIGN.md (1: nothing done; 3: a pump
# that completed unsuccessfully), and keep every row stored before it.
#
# The full disk is a 2 MiB tmpfs when this runs as root and may mount one;
# otherwise RLIMIT_FSIZE (ulimit -f, with SIGXFSZ ignored so that write()
# fails with EFBIG).  The read-only database is a file without write
# permission (run as 'nobody' when root, whom permissions do not stop) and,
# as root, a read-only mount.  The PostgreSQL restart uses a private
# cluster started here from TESTPUMP_TEST_PG_BIN (scripts/with-postgres):
# restarting the shared one would break the tests that run beside this.
. "$SRCDIR/tests/cli/lib.sh"
RUN1=$FIXTURES/ingest/run1
export TESTPUMP_NOW=2024-05-01T10:00:00Z
MOUNTS=""
SERVER_PID=
PGDATA_DIR=
cleanup() {
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
	for m in $MOUNTS; do umount "$m" 2>/dev/null; done
	if [ -n "$PGDATA_DIR" ]; then
		as_pg "$TESTPUMP_TEST_PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m immediate \
			-w stop >/dev/null 2>&1
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

as_pg() { "$@"; }
[ "$(id -u)" = 0 ] && as_pg() { runuser -u postgres -- "$@"; }

# sql DB QUERY: the rows of a SQLite query, '|'-separated.
sql() {
	python3 - "$1" "$2" <<'EOF'
import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
EOF
}
# digest DB [immutable]: every table's row count and content hash (SQLite);
# immutable reads a file on a read-only mount (no WAL, no locks).
digest() {
	python3 - "$1" "${2:-}" <<'EOF'
import hashlib, sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?immutable=1" if sys.argv[2]
                    else sys.argv[1], uri=bool(sys.argv[2]))
for (t,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
    rows = sorted(repr(r) for r in c.execute(f'SELECT * FROM "{t}"'))
    print(t, len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16])
EOF
}
intact() { [ "$(sql "$1" 'PRAGMA integrity_check')" = ok ]; }

# A JUnit file of about 3.5 MB, too big for the small disk.
python3 - >"$TMP/big.xml" <<'EOF'
print('<testsuite name="big">')
for i in range(3000):
    print(f'<testcase classname="c{i}" name="t{i}"><failure message="m{i}">'
          + ("x%d " % i) * 200 + '</failure></testcase>')
print('</testsuite>')
EOF

# --- a full disk -------------------------------------------------------------
mkdir "$TMP/small"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=2m tmpfs "$TMP/small" 2>/dev/null; then
	MOUNTS="$MOUNTS $TMP/small"
	echo "full disk: a 2 MiB tmpfs"
	limited() { "$@"; }
	full_msg="disk is full"
else
	echo "full disk: RLIMIT_FSIZE (ulimit -f 2048)"
	limited() { (trap '' XFSZ; ulimit -f 2048; "$@"); }
	# SQLite reports EFBIG as an I/O error, not as SQLITE_FULL.
	full_msg="disk I/O error"
fi
DB=sqlite:$TMP/small/a.db
limited tp --db "$DB" db init
expect_rc 0 "db init on the small disk"
limited tp --db "$DB" ingest junit "$RUN1" --job unit --run-id 1 --payload p1
expect_rc 0 "a small ingest fits"
before=$(digest "$TMP/small/a.db")
limited tp --db "$DB" ingest junit "$TMP/big.xml" --job unit --run-id 2 --payload p1
expect_rc 1 "an ingest that fills the disk"
expect_err_has "$full_msg" "says the disk is full"
intact "$TMP/small/a.db" && ok || fail "the database is intact after ENOSPC"
[ "$(digest "$TMP/small/a.db")" = "$before" ] && ok ||
	fail "every row stored before is still there, nothing of run 2"
limited tp --db "$DB" --faux pump --project ALL --report-type ALL --source testrail
[ "$rc" = 0 ] || [ "$rc" = 3 ] && ok || fail "a pump on a nearly full disk ends 0 or 3"
[ "$(sql "$TMP/small/a.db" "SELECT count(*) FROM test_result")" = \
	"$(echo "$before" | awk '$1 == "test_result" {print $2}')" ] && ok ||
	fail "the pump keeps the ingested results"
intact "$TMP/small/a.db" && ok || fail "intact after the pump"
limited tp --db "$DB" ingest junit "$RUN1" --job unit --run-id 3 --payload p1
[ "$rc" = 0 ] || [ "$rc" = 1 ] && ok || fail "an ingest after that ends 0 or 1"
intact "$TMP/small/a.db" && ok || fail "still intact"

# --- a read-only database ----------------------------------------------------
mkdir -m 777 "$TMP/ro"
tp --db "sqlite:$TMP/ro/a.db" db init
tp --db "sqlite:$TMP/ro/a.db" ingest junit "$RUN1" --job unit --run-id 1
chmod 444 "$TMP/ro/a.db"
before=$(digest "$TMP/ro/a.db")
as_user() { "$@"; }
if [ "$(id -u)" = 0 ]; then
	as_user() { runuser -u nobody -- "$@"; }
	chmod -R a+rX "$TMP"
fi
as_user "$TESTPUMP" --db "sqlite:$TMP/ro/a.db" ingest junit "$RUN1" --job unit \
	--run-id 2 >"$TMP/.out" 2>"$TMP/.err"
rc=$? out=$(cat "$TMP/.out") err=$(cat "$TMP/.err")
expect_rc 1 "an ingest into a read-only file"
expect_err_has "readonly database" "says the database is read-only"
as_user "$TESTPUMP" --db "sqlite:$TMP/ro/a.db" --faux pump --project fenix \
	--report-type test-case-coverage >"$TMP/.out" 2>"$TMP/.err"
rc=$? out=$(cat "$TMP/.out") err=$(cat "$TMP/.err")
[ "$rc" = 1 ] || [ "$rc" = 3 ] && ok || fail "a pump into a read-only file fails"
expect_err_has "readonly database" "says so"
as_user "$TESTPUMP" --db "sqlite:$TMP/ro/a.db" --format json report \
	test-run-counts >"$TMP/.out" 2>"$TMP/.err"
rc=$? out=$(cat "$TMP/.out") err=$(cat "$TMP/.err")
expect_rc 0 "reading a read-only file still works"
[ "$(digest "$TMP/ro/a.db")" = "$before" ] && ok || fail "the read-only file is unchanged"
mkdir "$TMP/rofs"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=4m tmpfs "$TMP/rofs" 2>/dev/null; then
	MOUNTS="$MOUNTS $TMP/rofs"
	cp "$TMP/ro/a.db" "$TMP/rofs/a.db"
	mount -o remount,ro "$TMP/rofs"
	tp --db "sqlite:$TMP/rofs/a.db" ingest junit "$RUN1" --job unit --run-id 2
	expect_rc 1 "an ingest on a read-only file system"
	expect_err_has "rofs/a.db" "names the database"
	[ "$(digest "$TMP/rofs/a.db" immutable)" = "$before" ] && ok ||
		fail "unchanged"
else
	echo "read-only file system: skipped (needs root and mount)"
fi

# --- a database locked by another writer ---------------------------------------
tp --db "sqlite:$TMP/lock.db" db init
tp --db "sqlite:$TMP/lock.db" ingest junit "$RUN1" --job unit --run-id 1
before=$(digest "$TMP/lock.db")
python3 - "$TMP/lock.db" "$TESTPUMP" "$RUN1" >"$TMP/lock.out" <<'EOF'
import sqlite3, subprocess, sys, time
db, tp, run1 = sys.argv[1:]
c = sqlite3.connect(db, isolation_level=None)
c.execute("BEGIN IMMEDIATE")
t = time.time()
r = subprocess.run([tp, "--db", "sqlite:" + db, "ingest", "junit", run1,
                    "--job", "unit", "--run-id", "2"], capture_output=True,
                   text=True)
waited = time.time() - t
c.execute("ROLLBACK")
print(r.returncode)
print(r.stderr.strip())
print("waited" if 4.0 <= waited < 30 else f"waited {waited:.1f} s")
EOF
rc=$(sed -n 1p "$TMP/lock.out") err=$(sed -n 2p "$TMP/lock.out") out=""
expect_rc 1 "an ingest while another writer holds the lock"
expect_err_has "is locked by another writer" "says so"
expect_err_has "lock.db" "names the database"
[ "$(sed -n 3p "$TMP/lock.out")" = waited ] && ok ||
	fail "it waited the busy timeout (5 s) first: $(sed -n 3p "$TMP/lock.out")"
[ "$(digest "$TMP/lock.db")" = "$before" ] && ok || fail "nothing changed"
tp --db "sqlite:$TMP/lock.db" ingest junit "$RUN1" --job unit --run-id 2
expect_rc 0 "once the lock is gone the ingest goes through"

# --- an unreachable upstream -------------------------------------------------
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
tp --db "sqlite:$TMP/up.db" db init
tp --db "sqlite:$TMP/up.db" --faux pump --project ALL --report-type ALL --source testrail
expect_rc 0 "a first pump"
cases=$(sql "$TMP/up.db" "SELECT count(*) FROM testrail_case")
dead=$(free_port)
TESTRAIL_HOST="http://127.0.0.1:$dead" TESTRAIL_USERNAME=u TESTRAIL_PASSWORD=p \
	tp --db "sqlite:$TMP/up.db" pump --project ALL --report-type ALL --source testrail
expect_rc 3 "a pump whose upstream refuses connections completes unsuccessfully"
expect_err_has "Couldn't connect to server" "says it cannot connect"
expect_err_has "127.0.0.1:$dead" "names the address"
[ "$(sql "$TMP/up.db" "SELECT count(*) FROM testrail_case")" = "$cases" ] && ok ||
	fail "no stored case is lost"
[ "$(sql "$TMP/up.db" "SELECT count(*) FROM pump_run WHERE status = 'failed' AND error LIKE '%connect%'")" = 10 ] &&
	ok || fail "each failed pump is recorded with its error"

# --- a slow upstream -------------------------------------------------------------
PORT=$(free_port)
"$TESTPUMP" faux serve --listen "127.0.0.1:$PORT" --delay-ms 150 \
	>"$TMP/serve.out" 2>"$TMP/serve.err" &
SERVER_PID=$!
for _ in $(seq 100); do
	curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
	sleep 0.1
done
tp --db "sqlite:$TMP/slow.db" db init
start=$(date +%s%N)
TESTRAIL_HOST="http://127.0.0.1:$PORT" TESTRAIL_USERNAME=u TESTRAIL_PASSWORD=p \
	tp --db "sqlite:$TMP/slow.db" pump --project ALL --report-type ALL --source testrail
ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_rc 0 "a pump from an upstream answering after 150 ms"
[ "$(sql "$TMP/slow.db" "SELECT count(*) FROM testrail_case")" = "$cases" ] && ok ||
	fail "it stores everything"
[ "$ms" -ge 150 ] && ok || fail "the delay was felt ($ms ms)"
echo "slow upstream: pump took $ms ms"

# --- PostgreSQL restarted in the middle of a pump ---------------------------------
if [ -z "${TESTPUMP_TEST_PG_BIN:-}" ]; then
	echo "PostgreSQL restart: skipped (TESTPUMP_TEST_PG_BIN is not set)"
	[ "${CI:-}" = true ] && fail "CI=true needs scripts/with-postgres"
	finish
	exit
fi
PGB=$TESTPUMP_TEST_PG_BIN
PGDIR=$TMP/pg
mkdir "$PGDIR"
[ "$(id -u)" = 0 ] && chown postgres "$PGDIR" && chmod 755 "$TMP"
pgport=$(free_port)
as_pg "$PGB/initdb" -D "$PGDIR/data" -U postgres -A trust -E UTF8 --no-locale \
	--no-sync >"$TMP/initdb.log" 2>&1 || { cat "$TMP/initdb.log"; fail "initdb"; finish; exit; }
PGDATA_DIR=$PGDIR/data
pg_start() {
	as_pg "$PGB/pg_ctl" -D "$PGDATA_DIR" -l "$PGDIR/server.log" -w -t 30 \
		-o "-c listen_addresses=127.0.0.1 -p $pgport -k $PGDIR -c fsync=off" \
		start >/dev/null
}
pg_start || { cat "$PGDIR/server.log"; fail "the private server starts"; finish; exit; }
"$PGB/createdb" -h 127.0.0.1 -p "$pgport" -U postgres tp
PG="host=127.0.0.1 port=$pgport user=postgres dbname=tp"
pgq() { "$PGB/psql" -XAtq -h 127.0.0.1 -p "$pgport" -U postgres tp -c "$1"; }
tp --db "$PG" db init
tp --db "$PG" ingest junit "$RUN1" --job unit --run-id 1 --payload p1
expect_rc 0 "an ingest into the private server"
results=$(pgq "SELECT count(*) FROM test_result")
# The pump reads a slow upstream; the server goes down under it.
TESTRAIL_HOST="http://127.0.0.1:$PORT" TESTRAIL_USERNAME=u TESTRAIL_PASSWORD=p \
	"$TESTPUMP" --db "$PG" pump --project ALL --report-type ALL --source testrail \
	>"$TMP/pump.out" 2>"$TMP/pump.err" &
pump=$!
sleep 1.5
as_pg "$PGB/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null
sleep 0.5
pg_start || fail "the server comes back"
wait "$pump"
rc=$? out=$(cat "$TMP/pump.out") err=$(cat "$TMP/pump.err")
[ "$rc" = 1 ] || [ "$rc" = 3 ] && ok || fail "a pump that loses its server fails (1 or 3)"
case "$err" in
*"server closed the connection"* | *"terminating connection"* | *"connection"*) ok ;;
*) fail "the error says the connection was lost" ;;
esac
echo "PostgreSQL restart: pump exit $rc: $(printf '%s' "$err" | head -2)"
[ "$(pgq "SELECT count(*) FROM test_result")" = "$results" ] && ok ||
	fail "the results ingested before are all there"
[ "$(pgq "SELECT count(*) FROM testrail_case WHERE pump_run_id IS NULL")" = 0 ] && ok ||
	fail "no case without its pump"
TESTRAIL_HOST="http://127.0.0.1:$PORT" TESTRAIL_USERNAME=u TESTRAIL_PASSWORD=p \
	tp --db "$PG" pump --project ALL --report-type ALL --source testrail
expect_rc 0 "the pump run again completes"
[ "$(pgq "SELECT count(*) FROM testrail_case")" = "$cases" ] && ok ||
	fail "and stores every case"
finish
