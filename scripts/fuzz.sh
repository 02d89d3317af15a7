#!/usr/bin/env bash
# fuzz.sh BUILD_DIR SECONDS - run every fuzz/fuzz_*.c target for SECONDS each,
# with its seed corpus from fuzz/corpus/<target>/ when present. A crash or
# leak makes the script fail and leaves the reproducer in BUILD_DIR/crashes.
set -euo pipefail
build=$1 secs=$2
src=$(cd "$(dirname "$0")/.." && pwd)
shopt -s nullglob
targets=("$src"/fuzz/fuzz_*.c)
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "fuzz: no fuzz targets yet"
  exit 0
fi
mkdir -p "$build/crashes"
for t in "${targets[@]}"; do
  name=$(basename "$t" .c)
  corpus="$build/corpus/$name"
  mkdir -p "$corpus"
  seeds=()
  [[ -d "$src/fuzz/corpus/$name" ]] && seeds=("$src/fuzz/corpus/$name")
  echo "== fuzz: $name for ${secs}s =="
  "$build/$name" -max_total_time="$secs" -print_final_stats=1 \
    -artifact_prefix="$build/crashes/$name-" "$corpus" "${seeds[@]+"${seeds[@]}"}" \
    >"$build/$name.log" 2>&1 || { tail -n 40 "$build/$name.log"; echo "fuzz: $name FAILED"; exit 1; }
  { grep -E '^stat::number_of_executed_units' "$build/$name.log" || true; } | sed "s/^/  $name: /"
done
