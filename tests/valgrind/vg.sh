#!/bin/sh
# Runs one program under valgrind memcheck for `make valgrind`: any memory
# error, and any definite leak, makes it exit 99, which fails the test that
# ran it.  Each process writes its report to VG_LOGS/vg.PID.log (default:
# the current directory), so tests that read a program's stderr are not
# disturbed; `make valgrind` lists the reports that found something.
dir=$(cd "$(dirname "$0")" && pwd)
logs=${VG_LOGS:-.}
exec valgrind --tool=memcheck --quiet --error-exitcode=99 \
	--leak-check=full --show-leak-kinds=definite \
	--errors-for-leak-kinds=definite --track-origins=no \
	--child-silent-after-fork=yes --num-callers=30 \
	--suppressions="$dir/testpump.supp" \
	--log-file="$logs/vg.%p.log" "$@"
