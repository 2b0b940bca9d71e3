# Shared by the tests/cli/*.sh scripts: a private temporary directory, a
# way to run testpump capturing stdout, stderr and the exit code, and
# assertions that count.  Each script ends with `finish`, which prints the
# closing line "N passed, N failed" and exits non-zero on any failure.
set -u
: "${TESTPUMP:?set TESTPUMP to the binary}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
unset TESTPUMP_DB TESTPUMP_CONFIG
npass=0
nfail=0

# tp ARGS...: runs testpump; sets $out, $err and $rc.
tp() {
	"$TESTPUMP" "$@" >"$TMP/.out" 2>"$TMP/.err"
	rc=$?
	out=$(cat "$TMP/.out")
	err=$(cat "$TMP/.err")
}

ok() { npass=$((npass + 1)); }
fail() {
	nfail=$((nfail + 1))
	printf 'FAIL: %s\n  exit %s\n  stdout: %.400s\n  stderr: %.400s\n' \
		"$1" "${rc:-}" "${out:-}" "${err:-}"
}

# expect_rc N WHAT
expect_rc() { [ "$rc" = "$1" ] && ok || fail "$2 (wanted exit $1)"; }
# expect_out_has TEXT WHAT / expect_err_has TEXT WHAT
expect_out_has() { case "$out" in *"$1"*) ok ;; *) fail "$2 (stdout lacks '$1')" ;; esac; }
expect_err_has() { case "$err" in *"$1"*) ok ;; *) fail "$2 (stderr lacks '$1')" ;; esac; }
expect_out_empty() { [ -z "$out" ] && ok || fail "$1 (stdout not empty)"; }
# expect_json WHAT: stdout parses as JSON
expect_json() {
	printf '%s' "$out" | python3 -m json.tool >/dev/null 2>&1 && ok ||
		fail "$1 (stdout is not JSON)"
}
# json_get EXPR: evaluates a Python expression on the parsed stdout `d`
json_get() { printf '%s' "$out" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

finish() {
	printf '%s passed, %s failed\n' "$npass" "$nfail"
	[ "$nfail" = 0 ]
}
