#!/bin/bash
# The dashboard in a real browser: loads the demo data (the faux TestRail
# pump, a payload aggregated against its job's history, and runs of a test
# named "<script>alert(1)</script>..."), starts `testpump serve` on a free
# loopback port, and runs pages.mjs in headless Chromium (Debian's
# /usr/bin/chromium, driven by playwright-core from npm, installed into
# $NODE_PREFIX on first use), then over the same pages written by
# `testpump export html` and opened from file://.  Screenshots of every
# page are kept in $ARTIFACTS.  ctest runs it as browser/dashboard.
set -u
: "${TESTPUMP:?set TESTPUMP to the binary}"
: "${SRCDIR:?set SRCDIR to the source tree}"
ARTIFACTS=${ARTIFACTS:-$PWD/browser-artifacts}
NODE_PREFIX=${NODE_PREFIX:-$PWD/browser-node}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export NODE_PREFIX CHROMIUM

for tool in node npm "$CHROMIUM"; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "browser test: '$tool' is missing (scripts/install-deps installs it)" >&2
		exit 1
	fi
done
if [ ! -d "$NODE_PREFIX/node_modules/playwright-core" ]; then
	mkdir -p "$NODE_PREFIX"
	cp "$SRCDIR/tests/browser/package.json" "$NODE_PREFIX/"
	(cd "$NODE_PREFIX" && npm install --no-audit --no-fund --silent) ||
		{ echo "browser test: cannot install playwright-core" >&2; exit 1; }
fi

TMP=$(mktemp -d)
server=
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
cd "$TMP" || exit 1
unset TESTPUMP_CONFIG
export TESTPUMP_DB="sqlite:$TMP/demo.db"
tp() { "$TESTPUMP" -q "$@" >/dev/null; }

XSS="<script>alert(1)</script><img src=x onerror=window.__xss=1> \"q\" 'a'"
XSS_XML="&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=window.__xss=1&gt; &quot;q&quot; &apos;a&apos;"

tp db init || exit 1
tp --faux pump --project ALL --report-type ALL || exit 1
"$SRCDIR/scripts/demo-aggregate" "$TESTPUMP" "$TESTPUMP_DB" "$TMP/agg" \
	>/dev/null 2>&1
[ $? -le 2 ] || { echo "browser test: demo aggregation failed" >&2; exit 1; }
for i in 1 2 3 4; do
	outcome='<testcase classname="c" name="'"$XSS_XML"'"/>'
	[ $i = 3 ] && outcome='<testcase classname="c" name="'"$XSS_XML"'"><failure message="&lt;b&gt;boom&lt;/b&gt;"/></testcase>'
	printf '<testsuite name="hostile">%s</testsuite>\n' "$outcome" >"r$i.xml"
	tp ingest junit "r$i.xml" --job "browser-<b>job</b>" --run-id "r$i" \
		--started-at "2024-05-0${i}T10:00:00Z" || exit 1
done

tp export html "$TMP/site" || exit 1

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$TESTPUMP" serve --listen "127.0.0.1:$port" >"$TMP/serve.log" 2>&1 &
server=$!
for _ in $(seq 50); do
	curl -sf -o /dev/null "http://127.0.0.1:$port/" && break
	sleep 0.2
done

rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"
node "$SRCDIR/tests/browser/pages.mjs" "http://127.0.0.1:$port" "$ARTIFACTS" \
	"$XSS" "$TMP/site"
rc=$?
echo "browser test: screenshots in $ARTIFACTS"
exit $rc
