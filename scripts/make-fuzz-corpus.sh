#!/usr/bin/env bash
# make-fuzz-corpus.sh [BUILD_DIR] - (re)write the seed corpora of the decoder
# fuzz targets (vote, cert, chain_block, node_wire, ai_model, genesis) under
# fuzz/corpus/<target>/ with scripts/make_fuzz_corpus.c, linked against
# BUILD_DIR/libluxc.a (default: build; run `make` first). The output is
# deterministic. The net targets' corpora (handshake, record) are not
# touched. A sanitizer or fuzz build's library gets the matching flags.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
lib="$build/libluxc.a"
[[ -f $lib ]] || { echo "make-fuzz-corpus: $lib missing (build first)" >&2; exit 1; }
cc=${CC:-cc}
flags=()
if grep -q '^LUXC_FUZZ:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
  cc=clang
  flags=(-fsanitize=fuzzer-no-link,address,undefined)
elif grep -q '^LUXC_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
  flags=(-fsanitize=address,undefined)
fi
exe="$build/make_fuzz_corpus"
# shellcheck disable=SC2046
"$cc" -std=c17 -O1 -D_GNU_SOURCE -Wall -Wextra -Wpedantic -Werror "${flags[@]}" \
  -I"$src/include" -I"$src/src" "$src/scripts/make_fuzz_corpus.c" "$lib" \
  $(pkg-config --libs libsodium libzmq libcjson libmicrohttpd) -llmdb -lm -lpthread -o "$exe"
ASAN_OPTIONS=detect_leaks=1 "$exe" "$src/fuzz/corpus"
echo "make-fuzz-corpus: wrote $(find "$src/fuzz/corpus" -type f | wc -l) seed files under fuzz/corpus"
