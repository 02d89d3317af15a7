#!/usr/bin/env bash
# fuzz.sh BUILD_DIR SECONDS - run every fuzz/fuzz_*.c target for SECONDS each,
# with its seed corpus from fuzz/corpus/<target>/ when present, as many at
# once as there are CPUs (FUZZ_JOBS overrides). A crash, leak or round-trip
# failure makes the script fail and leaves the reproducer in
# BUILD_DIR/crashes; the grown corpus stays in BUILD_DIR/corpus for next time.
set -euo pipefail
build=$1 secs=$2
src=$(cd "$(dirname "$0")/.." && pwd)
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
shopt -s nullglob
targets=("$src"/fuzz/fuzz_*.c)
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "fuzz: no fuzz targets yet"
  exit 0
fi
mkdir -p "$build/crashes"

run_one() { # NAME -> exit status of the fuzzer; output in BUILD/NAME.log
  local name=$1 corpus="$build/corpus/$1" seeds=()
  mkdir -p "$corpus"
  [[ -d "$src/fuzz/corpus/$name" ]] && seeds=("$src/fuzz/corpus/$name")
  "$build/$name" -max_total_time="$secs" -print_final_stats=1 \
    -artifact_prefix="$build/crashes/$name-" "$corpus" "${seeds[@]+"${seeds[@]}"}" \
    >"$build/$name.log" 2>&1
}

echo "== fuzz: ${#targets[@]} targets, ${secs}s each, $jobs at a time =="
names=() pids=()
failed=0
report() { # INDEX STATUS
  local name=${names[$1]}
  if [[ $2 -ne 0 ]]; then
    tail -n 40 "$build/$name.log"
    echo "fuzz: $name FAILED"
    failed=1
  else
    { grep -E '^stat::number_of_executed_units' "$build/$name.log" || true; } |
      sed "s/^/  $name: /"
  fi
}
for t in "${targets[@]}"; do
  name=$(basename "$t" .c)
  if [[ ${#pids[@]} -ge $jobs ]]; then # wait for the oldest of the batch
    status=0
    wait "${pids[0]}" || status=$?
    report $((${#names[@]} - ${#pids[@]})) $status
    pids=("${pids[@]:1}")
  fi
  run_one "$name" &
  pids+=($!)
  names+=("$name")
done
first=$((${#names[@]} - ${#pids[@]}))
for i in "${!pids[@]}"; do
  status=0
  wait "${pids[$i]}" || status=$?
  report $((first + i)) $status
done
exit $failed
