# serve, black-box: the real binary on a free loopback port, driven with
# curl: the real pages and assets, the API in every call type, the token,
# the fixed headers, refusals, the request log, and a clean stop on
# SIGTERM and SIGINT.  The hostile clients are tests/server's.
. "$(dirname "$0")/lib.sh"

SERVER_PID=
stop_server() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
		SERVER_PID=
	fi
}
trap 'stop_server; rm -rf "$TMP"' EXIT

# start ARGS...: serve on port 0 in the background; $BASE is its URL once
# it has said where (at most 10 s).
start() {
	stop_server
	: >"$TMP/serve.err"
	"$TESTPUMP" --db "sqlite:$TMP/t.db" "$@" >"$TMP/serve.out" \
		2>"$TMP/serve.err" &
	SERVER_PID=$!
	BASE=
	for _ in $(seq 100); do
		BASE=$(sed -n 's|.*serving the dashboard at \(http://[0-9.:]*\)/.*|\1|p' \
			"$TMP/serve.err")
		[ -n "$BASE" ] && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	fail "serve $* did not start: $(cat "$TMP/serve.err")"
}

# get PATH [CURL ARGS...]: sets $code, $out (body) and $hdr (headers).
get() {
	local path=$1
	shift
	code=$(curl -s --path-as-is -o "$TMP/.body" -D "$TMP/.hdr" \
		-w '%{http_code}' "$@" "$BASE$path")
	out=$(cat "$TMP/.body")
	hdr=$(tr -d '\r' <"$TMP/.hdr")
}
# post PATH JSON [CURL ARGS...]: POST to the API.
post() {
	local path=$1 body=$2
	shift 2
	get "$path" -X POST -H 'Content-Type: application/json' \
		--data-binary "$body" "$@"
}
expect_code() { [ "$code" = "$1" ] && ok || fail "$2 (wanted HTTP $1, got $code: $out)"; }
expect_hdr() { case "$hdr" in *"$1"*) ok ;; *) fail "$2 (headers lack '$1')" ;; esac; }

tp --db "sqlite:$TMP/t.db" db init
expect_rc 0 "db init"

# Bad options are refused before anything listens.
tp serve --listen 127.0.0.1
expect_rc 1 "serve --listen without a port"
expect_err_has "--listen" "the error names --listen"
unset TP_NO_SUCH_TOKEN
tp serve --token-env TP_NO_SUCH_TOKEN
expect_rc 1 "serve --token-env naming an unset variable"
expect_err_has "TP_NO_SUCH_TOKEN" "the error names the variable"
tp --validate-only serve --listen 127.0.0.1:0
expect_rc 0 "serve --validate-only"

start -v serve --listen 127.0.0.1:0
get /
expect_code 200 "the overview page"
expect_hdr "Content-Security-Policy: default-src 'self'" "CSP on a page"
expect_hdr "X-Content-Type-Options: nosniff" "nosniff on a page"
expect_hdr "X-Frame-Options: DENY" "X-Frame-Options on a page"
expect_hdr "Referrer-Policy: no-referrer" "Referrer-Policy on a page"
expect_hdr "Content-Type: text/html" "a page is HTML"
# Every asset a page links is served.
assets=$(printf '%s' "$out" | grep -o 'static/[A-Za-z0-9._-]*' | sort -u)
[ -n "$assets" ] && ok || fail "the overview links its assets"
for a in $assets; do
	get "/$a"
	expect_code 200 "the page's asset $a"
done
get /no/such/page
expect_code 404 "an unknown page"
expect_hdr "Content-Security-Policy: default-src 'self'" "CSP on a 404"
for probe in /static/../../../../etc/passwd /static/%2e%2e/%2e%2e/etc/passwd \
	/static/..%2f..%2fetc%2fpasswd /static%2f..%2fetc/passwd; do
	get "$probe"
	expect_code 400 "traversal probe $probe"
	case "$out" in *root:*) fail "traversal probe $probe leaked a file" ;; esac
done

get /api/v1/commands
expect_code 200 "GET /api/v1/commands"
[ "$(json_get '"serve" in [c["name"] for c in d["commands"]]')" = True ] &&
	ok || fail "the command table lists serve"
post /api/v1/db/status '{}'
expect_code 200 "POST /api/v1/db/status"
expect_hdr "X-Testpump-Exit: 0" "exit code header"
[ "$(json_get 'd["up_to_date"]')" = True ] && ok || fail "db status over HTTP"
for ct in execute validate-only mock-success; do
	post "/api/v1/report?call_type=$ct" '{"name": "test-case-coverage"}'
	expect_code 200 "report, call type $ct"
done
post /api/v1/aggregate '{}' -H 'X-Call-Type: mock-failure'
expect_code 422 "aggregate mock-failure (exit 2)"
post /api/v1/pump '{}' -H 'X-Call-Type: mock-failure'
expect_code 207 "pump mock-failure (exit 3)"
post '/api/v1/report?call_type=mock-invalid' '{}'
expect_code 400 "mock-invalid"
post /api/v1/report '{"name": "test-case-coverage", "days": "x"}'
expect_code 400 "a bad option"
[ "$(json_get '"days" in d["error"]')" = True ] && ok || fail "the error names --days"
post /api/v1/report '{"name": '
expect_code 400 "malformed JSON"
post /api/v1/nosuch '{}'
expect_code 404 "an unknown command"
post /api/v1/serve '{}'
expect_code 403 "serve from the API"
post /api/v1/ingest/junit "{\"paths\": [\"$FIXTURES\"], \"job\": \"j\", \"run-id\": \"1\"}"
expect_code 403 "ingest of a server path"
get /api/v1/report -X PUT
expect_code 405 "PUT"
head -c 2000000 /dev/zero | tr '\0' ' ' >"$TMP/big.json"
post /api/v1/version "@$TMP/big.json"
expect_code 413 "a 2 MB body"

kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
rc=$?
SERVER_PID=
expect_rc 0 "SIGTERM stops serve with exit 0"
grep -q 'GET /api/v1/commands 200 ' "$TMP/serve.err" && ok ||
	fail "-v logs each request"
grep -q '^requests' "$TMP/serve.out" && ok || fail "serve prints what it served"

# With a token: every request needs it; it never reaches the log.
export TP_SERVE_TOKEN=tok-Secret-31337
start -v serve --listen 127.0.0.1:0 --token-env TP_SERVE_TOKEN
get /
expect_code 401 "no token"
expect_hdr 'WWW-Authenticate: Bearer' "401 asks for a bearer token"
get / -H 'Authorization: Bearer tok-Secret-31338'
expect_code 401 "a wrong token"
get /static/nothing -H "Authorization: Bearer $TP_SERVE_TOKEN"
expect_code 404 "the right token reaches the 404"
post /api/v1/version '{}' -H "Authorization: Bearer $TP_SERVE_TOKEN"
expect_code 200 "the right token runs the API"
post '/api/v1/version?token=tok-Secret-31337' '{}'
expect_code 401 "a token in the query string does not count"
kill -INT "$SERVER_PID"
wait "$SERVER_PID"
rc=$?
SERVER_PID=
expect_rc 0 "SIGINT stops serve with exit 0"
grep -q 'tok-Secret' "$TMP/serve.err" "$TMP/serve.out" &&
	fail "the token reached the log" || ok
unset TP_SERVE_TOKEN

# [server] listen of the config applies without --listen.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf '[server]\nlisten = 127.0.0.1:%s\n' "$port" >"$TMP/tp.conf"
start --config "$TMP/tp.conf" serve
[ "$BASE" = "http://127.0.0.1:$port" ] && ok ||
	fail "serve listens where the config says"
get /api/v1/commands
expect_code 200 "the config's address serves"
# A second server on the same port is refused, naming the address.
tp serve --listen "127.0.0.1:$port"
expect_rc 1 "a busy port"
expect_err_has "127.0.0.1:$port" "the error names the address"
stop_server

finish
