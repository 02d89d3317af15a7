# luxc - the commands people type. See README.md.
#   make            build build/luxc and libluxc (static + shared)
#   make test       everything: normal, ASan/UBSan and ThreadSanitizer builds
#                   with their tests, fuzz smoke; one line per stage
#                   (scripts/test.sh; V=1 shows all output)
#   make install    PREFIX=/usr/local DESTDIR= : luxc, libluxc.{a,so}, headers,
#                   luxc.pc, CMake package, man page; make uninstall undoes it
#   make bench      run the benchmarks (build/luxc bench)
#   make soak       the adversarial node runs over 100,000 seeds (SOAK_SEEDS=)
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
PREFIX      ?= /usr/local
DESTDIR     ?=
# NATIVE=OFF builds build/ for any x86-64 (what a package should ship);
# the default tunes it for this machine's CPU.
NATIVE      ?= ON
V           ?= 0
CTEST_FLAGS ?= --output-on-failure

# Ninja when it is there (setup.sh installs it), so this is evaluated when a
# build folder is first configured, after setup. An existing folder keeps
# the generator it was made with.
GENERATOR = $(if $(shell command -v ninja 2>/dev/null),-G Ninja,)
ifeq ($(V),1)
QUIET :=
BUILD_FLAGS := -v
else
QUIET := >/dev/null
BUILD_FLAGS :=
endif
CMAKE_BUILD = cmake --build $(1) -j $(JOBS) $(BUILD_FLAGS)
# A configure that fails must not leave a CMakeCache.txt behind: make would
# take the folder as configured next time and the build would find no
# build files. $(call CONFIGURE,DIR,ARGS)
CONFIGURE = cmake -S . -B $(1) $(GENERATOR) $(2) $(QUIET) || { rm -f $(1)/CMakeCache.txt; exit 1; }

.PHONY: all setup build asan tsan test test-normal test-asan test-tsan bench bench-devnet soak \
        fuzz fuzz-build fuzz-smoke devnet install uninstall clean

all: build

setup:
	@bash scripts/setup.sh

$(BUILD)/CMakeCache.txt: | setup
	@$(call CONFIGURE,$(BUILD),-DCMAKE_BUILD_TYPE=Release -DLUXC_NATIVE=$(NATIVE) \
	  -DCMAKE_INSTALL_PREFIX=$(PREFIX))

build: setup $(BUILD)/CMakeCache.txt
	@$(call CMAKE_BUILD,$(BUILD))

$(ASAN_BUILD)/CMakeCache.txt: | setup
	@$(call CONFIGURE,$(ASAN_BUILD),-DCMAKE_BUILD_TYPE=RelWithDebInfo -DLUXC_SANITIZE=ON)

asan: setup $(ASAN_BUILD)/CMakeCache.txt
	@$(call CMAKE_BUILD,$(ASAN_BUILD))

test: setup
	@V=$(V) JOBS=$(JOBS) bash scripts/test.sh

test-normal: build
	@cd $(BUILD) && ctest $(CTEST_FLAGS) -j $(JOBS)

test-asan: asan
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest $(CTEST_FLAGS) -j $(JOBS)

# ThreadSanitizer over the programs that run threads on our own code: the
# ai layer (model) and ai_parity (registry: lock-free lookup, backoff lock,
# ticker; pipeline) and crypto's multi-threaded test. Not the node/net tests: libzmq
# and LMDB are not instrumented, and TSan reports their internals.
TSAN_TESTS := $(patsubst tests/ai/%.c,ai_%,$(wildcard tests/ai/test_*.c)) \
              $(patsubst tests/ai_parity/%.c,ai_parity_%,$(wildcard tests/ai_parity/test_*.c)) \
              crypto_test_threads
empty :=
space := $(empty) $(empty)

$(TSAN_BUILD)/CMakeCache.txt: | setup
	@$(call CONFIGURE,$(TSAN_BUILD),-DCMAKE_BUILD_TYPE=RelWithDebInfo -DLUXC_NATIVE=ON -DLUXC_TSAN=ON)

tsan: setup $(TSAN_BUILD)/CMakeCache.txt
	@$(call CMAKE_BUILD,$(TSAN_BUILD)) --target $(TSAN_TESTS)

test-tsan: tsan
	@cd $(TSAN_BUILD) && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	  ctest $(CTEST_FLAGS) -j $(JOBS) -R '^($(subst $(space),|,$(strip $(TSAN_TESTS))))$$'

bench: build
	@$(BUILD)/luxc bench

# The adversarial node runs (tests/node/test_node_adversarial.c) over
# SOAK_SEEDS seeds instead of make test's 1000.
SOAK_SEEDS ?= 100000
soak: build
	@LUXC_ADV_SEEDS=$(SOAK_SEEDS) $(BUILD)/node_test_node_adversarial

$(FUZZ_BUILD)/CMakeCache.txt: | setup
	@CC=clang $(call CONFIGURE,$(FUZZ_BUILD),-DCMAKE_BUILD_TYPE=RelWithDebInfo -DLUXC_FUZZ=ON)

fuzz-build: setup $(FUZZ_BUILD)/CMakeCache.txt
	@$(call CMAKE_BUILD,$(FUZZ_BUILD))

# Each fuzz target runs for a bounded time; a crash fails the target.
fuzz-smoke: fuzz-build
	@bash scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SMOKE_SECONDS)

fuzz: fuzz-build
	@bash scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# Install (cmake/install.cmake says what goes where). The prefix is fixed
# at configure time (luxc.pc names it), so a new PREFIX reconfigures first.
install: setup $(BUILD)/CMakeCache.txt
	@cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(QUIET)
	@$(call CMAKE_BUILD,$(BUILD))
	@DESTDIR=$(DESTDIR) cmake --install $(BUILD) $(if $(filter 1,$(V)),,>$(BUILD)/install.log) && \
	  echo "install: $$(wc -l <$(BUILD)/install_manifest.txt) files under $(DESTDIR)$(PREFIX)" \
	  "(listed in $(BUILD)/install_manifest.txt)"

uninstall:
	@DESTDIR=$(DESTDIR) cmake -DMANIFEST=$(abspath $(BUILD))/install_manifest.txt \
	  -P cmake/uninstall.cmake

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
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(TSAN_BUILD) build-logs
