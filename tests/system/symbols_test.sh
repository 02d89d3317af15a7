#!/usr/bin/env bash
# symbols_test.sh - libluxc.so exports the public API and nothing else:
# every defined dynamic symbol starts with luxc_ (the library is built with
# -fvisibility=hidden; LUXC_API in the headers marks what is exported), and
# the functions a user needs most are among them.
# Usage: symbols_test.sh /path/to/libluxc.so
set -euo pipefail
lib=${1:?usage: $0 LIBLUXC_SO}
mapfile -t syms < <(nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | sort -u)
[[ ${#syms[@]} -gt 0 ]] || { echo "FAIL: nm -D found no symbols in $lib"; exit 1; }
bad=$(printf '%s\n' "${syms[@]}" | grep -v '^luxc_' || true)
if [[ -n $bad ]]; then
  echo "FAIL: $(wc -l <<<"$bad") exported symbols do not start with luxc_:"
  head -n 40 <<<"$bad"
  exit 1
fi
for want in luxc_strerror luxc_version luxc_mldsa_sign luxc_mlkem_encaps luxc_node_new \
  luxc_store_new luxc_ai_model_new luxc_snowman_new; do
  printf '%s\n' "${syms[@]}" | grep -qx "$want" || { echo "FAIL: $want is not exported"; exit 1; }
done
echo "ok: ${#syms[@]} exported symbols, all luxc_*"
