# Every C file is formatted by the checked-in .clang-format, and includes
# banned.h last.
. "$(dirname "$0")/lib.sh"
cd "$SRCDIR" || exit 1

files=$(find src tests bench -name '*.[ch]' 2>/dev/null | sort)
# One clang-format for all files; only when it objects, find which.
# shellcheck disable=SC2086
if clang-format --dry-run --Werror $files >/dev/null 2>&1; then
	ok
else
	for f in $files; do
		clang-format --dry-run --Werror "$f" >/dev/null 2>&1 ||
			fail "$f is not clang-formatted (run 'make format')"
	done
fi
for f in $(find src -name '*.c' | sort); do
	case "$f" in */generated/*) continue ;; esac
	last=$(grep '^#include' "$f" | tail -n 1)
	[ "$last" = '#include "core/banned.h"' ] && ok ||
		fail "$f must include \"core/banned.h\" last"
done
finish
