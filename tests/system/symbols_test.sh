#!/usr/bin/env bash
# symbols_test.sh - libluxc.so exports the public API and nothing else:
# every defined dynamic symbol starts with luxc_ (the library is built with
# -fvisibility=hidden; LUXC_API in the headers marks what is exported), and
# the functions a user needs most are among them; and it does not link
# libmicrohttpd (the HTTP endpoint is the program's, not the library's).
# With the luxc program as second argument, also: the program carries no
# benchmark code (no malloc of its own, no luxc_bench_* functions): the
# benchmarks' malloc interposer belongs to luxc-bench alone.
# With luxc-bench as third argument: its malloc interposer is exported, so
# that allocations made inside shared libraries are counted too (the build
# hides symbols by default).
# Usage: symbols_test.sh /path/to/libluxc.so [/path/to/luxc [/path/to/luxc-bench]]
set -euo pipefail
lib=${1:?usage: $0 LIBLUXC_SO [LUXC [LUXC_BENCH]]}
prog=${2:-}
bench_prog=${3:-}
mapfile -t syms < <(nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | sort -u)
[[ ${#syms[@]} -gt 0 ]] || { echo "FAIL: nm -D found no symbols in $lib"; exit 1; }
# Here-strings, not pipes into grep -q: under pipefail a grep that stops at
# its first match can fail the pipeline by SIGPIPE on the writer.
all=$(printf '%s\n' "${syms[@]}")
bad=$(grep -v '^luxc_' <<<"$all" || true)
if [[ -n $bad ]]; then
  echo "FAIL: $(wc -l <<<"$bad") exported symbols do not start with luxc_:"
  head -n 40 <<<"$bad"
  exit 1
fi
for want in luxc_strerror luxc_version luxc_mldsa_sign luxc_mlkem_encaps luxc_node_new \
  luxc_store_new luxc_ai_model_new luxc_snowman_new; do
  grep -qx "$want" <<<"$all" || { echo "FAIL: $want is not exported"; exit 1; }
done
# The library holds no daemon code: HTTP (libmicrohttpd) is the program's.
if grep -q 'NEEDED.*libmicrohttpd' <<<"$(readelf -d "$lib")"; then
  echo "FAIL: $lib depends on libmicrohttpd (HTTP belongs to the luxc program)"
  exit 1
fi
if [[ -n $prog ]]; then
  bench=$(nm --defined-only "$prog" | awk '$3 ~ /^(malloc|calloc|realloc|free|luxc_bench_.*)$/ {print $3}')
  [[ -z $bench ]] || { echo "FAIL: $prog defines benchmark code: $(echo $bench)"; exit 1; }
fi
if [[ -n $bench_prog ]]; then
  for f in malloc calloc realloc free; do
    grep -qx "$f" <<<"$(nm -D --defined-only "$bench_prog" | awk '{print $3}')" ||
      { echo "FAIL: $bench_prog does not export its $f interposer"; exit 1; }
  done
fi
echo "ok: ${#syms[@]} exported symbols, all luxc_*; no libmicrohttpd dependency${prog:+; luxc has no benchmark code}${bench_prog:+; luxc-bench interposes malloc}"
