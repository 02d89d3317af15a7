# luxc - the commands people type. See README.md.
#   make            build build/luxc and libluxc (static + shared)
#   make test       normal build + ASan/UBSan build, all tests in both;
#                   ThreadSanitizer build of the threaded tests; fuzz smoke
#   make bench      run the benchmarks (build/luxc bench)
#   make devnet     the main job: 5 local validators for ~30 s, live progress
#   make bench-devnet  3- and 5-node devnet throughput, latency, CPU
#   make fuzz       run each fuzz target for FUZZ_SECONDS (default 300)
# Every target first runs scripts/setup.sh, which installs missing Debian
# packages and prints nothing when all are present.

BUILD       ?= build
ASAN_BUILD  ?= build-asan
FUZZ_BUILD  ?= build-fuzz
TSAN_BUILD  ?= build-tsan
JOBS        ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 30
CTEST_FLAGS ?= --output-on-failure

.PHONY: all setup build asan test test-normal test-asan test-tsan bench bench-devnet fuzz fuzz-build fuzz-smoke devnet clean

all: build

setup:
	@bash scripts/setup.sh

$(BUILD)/CMakeCache.txt: | setup
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DLUXC_NATIVE=ON >/dev/null

build: setup $(BUILD)/CMakeCache.txt
	@cmake --build $(BUILD) -j $(JOBS)

$(ASAN_BUILD)/CMakeCache.txt: | setup
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLUXC_SANITIZE=ON >/dev/null

asan: setup $(ASAN_BUILD)/CMakeCache.txt
	@cmake --build $(ASAN_BUILD) -j $(JOBS)

test-normal: build
	@echo "== tests: normal build =="
	@cd $(BUILD) && ctest $(CTEST_FLAGS) -j $(JOBS)

test-asan: asan
	@echo "== tests: ASan + UBSan build =="
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest $(CTEST_FLAGS) -j $(JOBS)

# ThreadSanitizer over the programs that run threads on our own code: the
# ai layer (registry: lock-free lookup, backoff lock, ticker; pipeline;
# model) and crypto's multi-threaded test. Not the node/net tests: libzmq
# and LMDB are not instrumented, and TSan reports their internals.
TSAN_TESTS := $(patsubst tests/ai/%.c,ai_%,$(wildcard tests/ai/test_*.c)) crypto_test_threads
empty :=
space := $(empty) $(empty)

$(TSAN_BUILD)/CMakeCache.txt: | setup
	@cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLUXC_NATIVE=ON -DLUXC_TSAN=ON >/dev/null

test-tsan: setup $(TSAN_BUILD)/CMakeCache.txt
	@cmake --build $(TSAN_BUILD) -j $(JOBS) --target $(TSAN_TESTS)
	@echo "== tests: ThreadSanitizer build (threaded programs) =="
	@cd $(TSAN_BUILD) && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	  ctest $(CTEST_FLAGS) -j $(JOBS) -R '^($(subst $(space),|,$(strip $(TSAN_TESTS))))$$'

test: test-normal test-asan test-tsan fuzz-smoke

bench: build
	@$(BUILD)/luxc bench

$(FUZZ_BUILD)/CMakeCache.txt: | setup
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLUXC_FUZZ=ON >/dev/null

fuzz-build: setup $(FUZZ_BUILD)/CMakeCache.txt
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)

# Each fuzz target runs for a bounded time; a crash fails the target.
fuzz-smoke: fuzz-build
	@bash scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SMOKE_SECONDS)

fuzz: fuzz-build
	@bash scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# The main job: a local network of 5 validator processes on loopback for
# about 30 s, with a live progress line and a summary (luxc devnet --help).
DEVNET_NODES ?= 5
DEVNET_SECONDS ?= 30
devnet: build
	@$(BUILD)/luxc devnet --nodes $(DEVNET_NODES) --seconds $(DEVNET_SECONDS)

# Devnet benchmark: 3 and 5 nodes flat out, then 5 nodes at 5 blocks/s
# (block time 200 ms) for the CPU figure. JSON lines on stdout.
bench-devnet: build
	@echo "== 3 nodes, 20 s" && $(BUILD)/luxc devnet --nodes 3 --seconds 20 --json
	@echo "== 5 nodes, 20 s" && $(BUILD)/luxc devnet --nodes 5 --seconds 20 --json
	@echo "== 5 nodes at 5 blocks/s, 20 s" && \
	  $(BUILD)/luxc devnet --nodes 5 --seconds 20 --block-time 200 --json

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(TSAN_BUILD)
