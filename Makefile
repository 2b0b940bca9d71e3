# The README's two commands live here:
#   make demo   install what is missing, build, run the main job end to end
#   make check  install what is missing, build with the sanitizers, run
#               every test under ctest
# Both work on a fresh Debian bookworm machine (root, or sudo).

BUILD := build/release
CHECK := build/check
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps build demo check format clean

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
# CI=true a PostgreSQL that cannot start fails the check.
check: deps
	@cmake -S . -B $(CHECK) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
		-DTESTPUMP_SANITIZE=ON >/dev/null
	@cmake --build $(CHECK)
	@cd $(CHECK) && \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		../../scripts/with-postgres ctest --output-on-failure -j$(JOBS)

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf build
