#!/bin/bash
# Builds one libFuzzer harness with clang and runs it for a bounded time
# over a corpus of real files.  Any crash, leak, timeout or sanitizer
# report fails the run (libFuzzer exits non-zero); the input that caused
# it is kept as $FUZZ_ARTIFACTS/fuzz-NAME-crash-* (default: the current
# directory).
#
# Usage: tests/fuzz/run-fuzz.sh NAME     (NAME: junit)
# Environment: SRCDIR (the source tree; default: found from this script),
#   FUZZ_SECONDS (default 60), FUZZ_ARTIFACTS, CC (default clang).
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
*)
	echo "run-fuzz.sh: unknown harness '$name'" >&2
	exit 2
	;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$name.XXXXXX")
trap 'rm -rf "$work"' EXIT

cd "$SRCDIR"
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
mkdir "$work/corpus"
i=0
while IFS= read -r -d '' f; do
	i=$((i + 1))
	cp "$f" "$work/corpus/seed-$i"
done < <(find "$corpus_from" -type f \( -name '*.xml' -o -name '*.trx' \) -print0)

mkdir -p "$artifacts"
"$work/fuzz" -max_total_time="$seconds" -max_len=16384 -timeout=20 \
	-rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$artifacts/fuzz-$name-" "$work/corpus"
