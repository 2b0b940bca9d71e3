# The README's two commands live here:
#   make demo   install what is missing, build, run the main job end to end
#   make check  install what is missing, build with the sanitizers, run
#               every test under ctest
# Both work on a fresh Debian bookworm machine (root, or sudo).

BUILD := build/release
CHECK := build/check
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build demo check fuzz valgrind format clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD)

demo: build
	@scripts/demo $(BUILD)/testpump

# The test build uses AddressSanitizer and UBSan; any report fails its test.
# The tests run beside a private, throw-away PostgreSQL cluster
# (scripts/with-postgres), so every store test runs on both engines; with
# CI=true a PostgreSQL that cannot start fails the check.  The check build
# has the crash hook of tests/fault/ (TESTPUMP_FAULTS); a release never has.
check: deps
	@cmake -S . -B $(CHECK) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
		-DTESTPUMP_SANITIZE=ON -DTESTPUMP_FAULTS=ON >/dev/null
	@cmake --build $(CHECK)
	@cd $(CHECK) && \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		../../scripts/with-postgres ctest --output-on-failure -j$(JOBS)

# The libFuzzer harnesses of tests/fuzz/, 5 minutes each (FUZZ_SECONDS);
# make check runs them 24 s each.  Inputs that fail land in build/fuzz/.
FUZZ_SECONDS ?= 300
fuzz: deps
	@mkdir -p build/fuzz
	@for h in junit testrail history config args; do \
		FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_BUILD=$(CURDIR)/build/fuzz/lib \
		FUZZ_ARTIFACTS=$(CURDIR)/build/fuzz \
		bash tests/fuzz/run-fuzz.sh $$h >build/fuzz/$$h.log 2>&1; rc=$$?; \
		tail -n 1 build/fuzz/$$h.log; \
		[ $$rc = 0 ] || { tail -n 40 build/fuzz/$$h.log; exit 1; }; \
	done

# The whole suite under valgrind memcheck, in a build without sanitizers
# (build/valgrind): every unit test program and every testpump a script
# starts runs under tests/valgrind/vg.sh; a memory error or a definite leak
# fails its test, and the reports are listed at the end (a process a test
# kills on purpose leaves only a note, not listed).  The fuzz
# harnesses (libFuzzer and ASan) and the headless-browser tests are left
# out.
VALGRIND := build/valgrind
valgrind: deps
	@command -v valgrind >/dev/null || { \
		echo "make valgrind: valgrind is not installed" \
			"(apt-get install valgrind)" >&2; exit 1; }
	@cmake -S . -B $(VALGRIND) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
		-DTESTPUMP_VALGRIND=ON >/dev/null
	@cmake --build $(VALGRIND)
	@rm -rf $(VALGRIND)/vg-logs && mkdir -p $(VALGRIND)/vg-logs
	@cd $(VALGRIND) && ../../scripts/with-postgres ctest --output-on-failure \
		-j$(JOBS) -E '^(fuzz|browser)/' --timeout 3600; rc=$$?; \
		find vg-logs -type f -empty -delete; \
		for f in $$(grep -lE 'definitely lost|Invalid (read|write|free)|uninitialised|Mismatched free|overlap|Syscall param' vg-logs/*.log 2>/dev/null); do \
			echo "== $$f"; cat "$$f"; rc=1; done; \
		exit $$rc

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf build
