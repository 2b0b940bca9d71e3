#!/bin/bash
# Builds one libFuzzer harness with clang and runs it for a bounded time
# over a corpus of real files.  Any crash, leak, timeout or sanitizer
# report fails the run (libFuzzer exits non-zero); the input that caused
# it is kept as $FUZZ_ARTIFACTS/fuzz-NAME-crash-* (default: the current
# directory).
#
# Usage: tests/fuzz/run-fuzz.sh NAME
#   junit      the JUnit parser and sanitizer (its own small build)
#   testrail   the TestRail connector's pages (one hostile response)
#   history    disruption and alert files, run and percentile shapes
#   config     the INI configuration file
#   args       the command line and the option validation
# All but junit link the whole library, built once with clang, libFuzzer's
# coverage and the sanitizers into FUZZ_BUILD (default build/fuzz-lib;
# concurrent runs wait for one another's build).
# Environment: SRCDIR (the source tree; default: found from this script),
#   FUZZ_SECONDS (default 60), FUZZ_ARTIFACTS, FUZZ_BUILD, CC (default
#   clang).  The last line printed is "fuzz NAME: N runs, cov C, ft F".
set -euo pipefail

name=${1:?usage: run-fuzz.sh NAME}
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
seconds=${FUZZ_SECONDS:-60}
artifacts=${FUZZ_ARTIFACTS:-$PWD}
cc=${CC:-clang}

case $name in
junit)
	sources="src/ingest/junit.c src/ingest/jcase.c src/ingest/jattr.c
		src/ingest/jprops.c src/ingest/captext.c src/ingest/sanitize.c
		src/core/buf.c src/core/err.c src/core/xalloc.c
		src/core/timestamp.c src/core/log.c"
	corpus_from=tests/fixtures/junit
	libs="-lexpat -lz -ljansson -lm"
	# Small limits, so that inputs of a few KiB reach every cap, every
	# chunk boundary and the depth limit.
	defines="-DJUNIT_TEXT_MAX=512 -DJUNIT_MESSAGE_LINE_MAX=64
		-DJUNIT_MAX_DEPTH=32 -DJUNIT_MAX_PROPERTIES=8
		-DJUNIT_MAX_RETRIES=4 -DJUNIT_CHUNK=1021"
	;;
testrail | history | config | args)
	uses_lib=1
	;;
*)
	echo "run-fuzz.sh: unknown harness '$name'" >&2
	exit 2
	;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$name.XXXXXX")
trap 'rm -rf "$work"' EXIT

cd "$SRCDIR"
cflags="-std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Isrc"
if [ "${uses_lib:-0}" = 1 ]; then
	lib=${FUZZ_BUILD:-$SRCDIR/build/fuzz-lib}
	mkdir -p "$lib"
	# One build at a time: ctest runs the harnesses side by side.
	(
		flock 9
		cmake -S "$SRCDIR" -B "$lib" -G Ninja -DCMAKE_C_COMPILER="$cc" \
			-DCMAKE_BUILD_TYPE=None -DTESTPUMP_WERROR=OFF \
			"-DCMAKE_C_FLAGS=-g -O1 -w -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
			>"$lib/configure.log" 2>&1 &&
			cmake --build "$lib" --target testpump_lib \
				>"$lib/build.log" 2>&1
	) 9>"$lib.lock" || {
		tail -n 20 "$lib/configure.log" "$lib/build.log" >&2
		echo "run-fuzz.sh: cannot build the library with $cc" >&2
		exit 1
	}
	# shellcheck disable=SC2046,SC2086
	"$cc" $cflags "tests/fuzz/fuzz_$name.c" "$lib/libtestpump_lib.a" \
		$(pkg-config --libs jansson sqlite3 inih expat zlib libcurl \
			libmicrohttpd libpq) -lm -lpthread -o "$work/fuzz" || {
		echo "run-fuzz.sh: cannot link the harness '$name'" >&2
		exit 1
	}
fi
seed() { # seed FILE PREFIX-BYTES-IN-OCTAL: one corpus entry
	i=$((i + 1))
	{ printf "$2"; cat "$1"; } >"$work/corpus/seed-$i"
}
mkdir "$work/corpus"
i=0
case $name in
testrail)
	# Each faux page, as the hostile answer of several calls of both
	# report types, one by one and in parallel.
	for f in src/sources/faux/testrail/*.json; do
		for k in 0 1 2 3 5 8 13; do
			seed "$f" "\\$(printf %03o $k)\\$(printf %03o $((k % 4)))"
		done
	done
	;;
history)
	for f in tests/fixtures/history/*.json; do
		case $f in *alert*) kind=1 ;; *) kind=0 ;; esac
		seed "$f" "\\$(printf %03o $((2 | kind)))"
	done
	for f in tests/fuzz/corpus/history/*.json; do
		for flags in 0 1 4 8 12; do
			seed "$f" "\\$(printf %03o $flags)"
		done
	done
	;;
config)
	for f in tests/fixtures/config/*.conf; do seed "$f" ""; done
	;;
args)
	for f in tests/fuzz/corpus/args/*; do seed "$f" ""; done
	;;
esac
if [ "${uses_lib:-0}" = 0 ]; then
# shellcheck disable=SC2086
"$cc" -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-g -O1 -Isrc $defines tests/fuzz/fuzz_$name.c $sources $libs \
	-o "$work/fuzz" || {
	echo "run-fuzz.sh: cannot build the harness with $cc" \
		"(libFuzzer needs clang and its runtime, libclang-rt-dev)" >&2
	exit 1
}

# The corpus is a copy: libFuzzer adds the inputs it finds to it.
while IFS= read -r -d '' f; do
	i=$((i + 1))
	cp "$f" "$work/corpus/seed-$i"
done < <(find "$corpus_from" -type f \( -name '*.xml' -o -name '*.trx' \) -print0)
fi

mkdir -p "$artifacts"
set +e
"$work/fuzz" -max_total_time="$seconds" -max_len=16384 -timeout=20 \
	-rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$artifacts/fuzz-$name-" "$work/corpus" 2>"$work/log"
status=$?
set -e
# The whole log on a failure (the stack and the input), the end otherwise.
if [ "$status" = 0 ]; then tail -n 12 "$work/log"; else cat "$work/log"; fi
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
last=$(grep -E '^#[0-9]+' "$work/log" | tail -1)
cov=$(printf '%s' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
ft=$(printf '%s' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
echo "fuzz $name: ${runs:-?} runs, cov ${cov:-?}, ft ${ft:-?}, ${seconds} s"
exit $status
