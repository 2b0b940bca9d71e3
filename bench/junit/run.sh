#!/bin/bash
# Generates a JUnit file (default 100 MB), builds bench_junit optimised
# without sanitizers, and prints the parser's speed beside raw expat's.
#
# Usage: bench/junit/run.sh [MB]
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
size=${1:-100}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-junit.XXXXXX")
trap 'rm -rf "$work"' EXIT

cd "$root"
python3 bench/junit/gen.py --size "$size" "$work/junit.xml"
"${CC:-cc}" -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 \
	-DNDEBUG -Isrc bench/junit/bench_junit.c src/ingest/junit.c \
	src/ingest/jcase.c src/ingest/jattr.c src/ingest/jprops.c \
	src/ingest/captext.c src/ingest/sanitize.c src/core/buf.c \
	src/core/err.c src/core/xalloc.c src/core/timestamp.c src/core/log.c \
	-lexpat -lz -lm -o "$work/bench_junit"
"$work/bench_junit" "$work/junit.xml"
