#!/usr/bin/env bash
# test.sh - what `make test` runs: every build and every test, one line per
# stage, the failing stage's own output when something fails, and the total
# wall time. Stages (each a make target of the top-level Makefile):
#   setup             scripts/setup.sh (installs missing Debian packages)
#   build normal      build/       Release, -march=native
#   test normal       CTest over build/ (cmocka programs, system tests)
#   build asan        build-asan/  AddressSanitizer + UBSan
#   test asan         CTest over build-asan/
#   build tsan        build-tsan/  ThreadSanitizer (threaded programs)
#   test tsan
#   build fuzz        build-fuzz/  libFuzzer targets (clang)
#   fuzz smoke        each target for FUZZ_SMOKE_SECONDS
# Each stage's full output is in build-logs/<stage>.log. V=1 shows it all as
# it runs. The last line sums the suites: "tests: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
V=${V:-0}
MAKE=${MAKE:-make}
logs=build-logs
rm -rf "$logs"
mkdir -p "$logs"
start=$SECONDS
total_pass=0 total_fail=0 total_skip=0

elapsed() { local s=$1; if ((s >= 60)); then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi; }

# The failing part of a log: for CTest, each failed test's own output (what
# --output-on-failure printed after its status line) and the list of
# failures; for a build, the first failed command and what it printed (Ninja
# starts it with "FAILED:"); for anything else, the last 60 lines.
show_failure() {
  local log=$1
  if grep -q 'tests failed out of' "$log"; then
    awk '
      /^ *Start +[0-9]+:/ { show = 0 }
      /^ *[0-9]+\/[0-9]+ Test +#[0-9]+:/ { show = ($0 !~ /Passed|Not Run|Skipped/) }
      /The following tests FAILED/ { show = 1 }
      show' "$log" | head -n 400
  elif grep -q '^FAILED: ' "$log"; then
    sed -n '/^FAILED: /,$p' "$log" | head -n 60
  else
    tail -n 60 "$log"
  fi
}

# stage NAME TARGET: run `make TARGET`, print one line, stop on failure.
stage() {
  local name=$1 target=$2 t0=$SECONDS rc log detail=""
  log=$logs/${name// /-}.log
  if [[ $V == 1 ]]; then
    echo "== $name (make $target)"
    $MAKE --no-print-directory "$target" V=1 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
  else
    printf '%-14s ' "$name"
    $MAKE --no-print-directory "$target" >"$log" 2>&1
    rc=$?
  fi
  # CTest's summary: "100% tests passed, 0 tests failed out of 72".
  local sum
  sum=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1)
  if [[ -n $sum ]]; then
    local failed total skipped
    failed=$(sed -E 's/.* ([0-9]+) tests? failed out of.*/\1/' <<<"$sum")
    total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$sum")
    skipped=$(grep -cE '\*\*\*(Skipped|Not Run)' "$log")
    total_pass=$((total_pass + total - failed - skipped))
    total_fail=$((total_fail + failed))
    total_skip=$((total_skip + skipped))
    detail="$((total - failed - skipped)) passed, $failed failed"
    [[ $skipped -eq 0 ]] || detail+=", $skipped skipped"
  elif [[ $target == fuzz-smoke ]]; then
    local ran crashed
    ran=$(grep -c 'stat::number_of_executed_units' "$log")
    crashed=$(grep -c 'FAILED$' "$log")
    total_pass=$((total_pass + ran))
    total_fail=$((total_fail + crashed))
    detail="$ran targets ran clean, $crashed failed"
  fi
  if [[ $rc -ne 0 && -n $sum && $failed -eq 0 ]]; then
    total_fail=$((total_fail + 1)) # CTest itself failed (e.g. no tests)
  elif [[ $rc -ne 0 && -z $sum ]]; then
    total_fail=$((total_fail + 1))
  fi
  local status="ok"
  [[ $rc -eq 0 ]] || status="FAILED"
  if [[ $V == 1 ]]; then
    echo "== $name: $status${detail:+ ($detail)} in $(elapsed $((SECONDS - t0)))"
  else
    printf '%-7s %-34s %s\n' "$status" "$detail" "$(elapsed $((SECONDS - t0)))"
  fi
  if [[ $rc -ne 0 ]]; then
    if [[ $V != 1 ]]; then
      echo "---- $name failed; its output ($log):"
      show_failure "$log"
      echo "----"
    fi
    finish 1
  fi
}

finish() {
  echo "total          $(elapsed $((SECONDS - start))) (logs in $logs/)"
  local skip=""
  [[ $total_skip -eq 0 ]] || skip=", $total_skip skipped"
  echo "tests: $total_pass passed, $total_fail failed$skip"
  exit "$1"
}

stage "setup" setup
stage "build normal" build
stage "test normal" test-normal
stage "build asan" asan
stage "test asan" test-asan
stage "build tsan" tsan
stage "test tsan" test-tsan
stage "build fuzz" fuzz-build
stage "fuzz smoke" fuzz-smoke
finish 0
