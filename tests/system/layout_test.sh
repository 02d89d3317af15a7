#!/usr/bin/env bash
# layout_test.sh - the tree keeps its shape (docs/HACKING.md "Layout"):
#   1. every src/<layer>/X.c with logic (a function body) has its own
#      tests/<layer>/test_X.c, or an entry in ALLOW below saying where it
#      is tested instead;
#   2. no file in src/<layer> includes a header of a layer above it;
#   3. every folder under src/ is a layer or the program, and a layer's
#      dependencies come before it in LUXC_LAYERS (CMake links only the
#      layers already defined: a later one would be dropped silently);
#   4. no source file is over 600 lines unless its top says why.
#
# Usage: layout_test.sh SOURCE_DIR
# The layers, their order and who may use whom are read from CMakeLists.txt
# (LUXC_LAYERS, LUXC_PROGRAM_LAYERS, LUXC_DEPS_<layer>), so a new layer
# needs no edit here: a layer may include its own headers and those of the
# layers its LUXC_DEPS_ reach (transitively; "luxc" means every library
# layer). Program code (LUXC_PROGRAM_LAYERS and src/cli) may include
# everything. A public header include/luxc/H.h belongs to the layer whose
# src/ defines the first function it declares (else the longest layer name
# H starts with); include/luxc.h is the whole library.
set -euo pipefail
src=${1:?usage: $0 SOURCE_DIR}
cd "$src"

# Files without a test of their own name, and why. One per line:
# <layer>/<file>.c <reason>. An entry whose file has gained its test fails
# (remove it); one whose file is gone is only reported (a rename or a merge
# must not break the check).
ALLOW='
ai/batch.c              covered by tests/ai/test_model.c (decide_batch, merge_weighted)
ai/normalizer.c         covered by tests/ai/test_features.c and test_model.c
ai_parity/node_weights.c    covered by tests/ai_parity/test_pipeline.c
ai_parity/snapshot.c        covered by tests/ai_parity/test_registry.c
chain/upgrade.c         covered by tests/node/test_node_upgrade.c (encode, decode, risk names)
consensus/focus_tree.c  covered by tests/consensus/test_focus.c (the snowball tree)
consensus/sim_poll.c    covered by tests/consensus/test_sim.c and test_sim_rounds.c (every run polls through it)
crypto/mldsa_expand.c   covered by tests/crypto/test_keccak4x.c (against PQClean expand_a / mask)
crypto/randombytes.c    PQClean key generation hook, exercised by tests/crypto/test_mldsa.c
daemon/node_model.c     the ai glue of luxc node: tests/system/runtime_test.sh, cli_devnet_*
daemon/runtime.c        the luxc node loop: tests/system/runtime_test.sh, cli_devnet_*
daemon/runtime_links.c  peer dialling of luxc node: tests/system/runtime_test.sh, netns_test.sh
daemon/runtime_status.c covered by tests/daemon/test_status.c
net/netcfg.c            limits and header codec: tests/net/test_chan.c, test_handshake.c
net/zutil.c             socket helpers: tests/net/test_zserver.c, test_zclient.c, test_zmq.c
'
# Not a layer: the luxc program's commands (CMakeLists.txt luxc_cli), tested
# by running the program (tests/cli, tests/system, the cli_devnet_* tests).
PROGRAM_DIRS='cli'

fail=0
err() { echo "FAIL: $*"; fail=1; }

[[ -f CMakeLists.txt ]] || { echo "FAIL: no CMakeLists.txt in $src"; exit 1; }
cm=$(sed 's/#.*//' CMakeLists.txt | tr '\n' ' ')
# Values of set(NAME ...) plus any list(APPEND NAME ...).
cmake_values() {
  { grep -oE "set\($1[[:space:]][^)]*\)" <<<"$cm" | head -1 |
      sed -E "s/^set\($1[[:space:]]+//; s/\)$//"
    grep -oE "list\(APPEND $1[[:space:]][^)]*\)" <<<"$cm" |
      sed -E "s/^list\(APPEND $1[[:space:]]+//; s/\)$//"
  } | tr ' ' '\n' | grep -v '^$' || true
}

mapfile -t layers < <(cmake_values LUXC_LAYERS)
[[ ${#layers[@]} -gt 0 ]] || { echo "FAIL: no LUXC_LAYERS in CMakeLists.txt"; exit 1; }
mapfile -t program < <(cmake_values LUXC_PROGRAM_LAYERS)
program+=($PROGRAM_DIRS)

is_in() { local x=$1; shift; local y; for y in "$@"; do [[ $x == "$y" ]] && return 0; done; return 1; }
library=()
for l in "${layers[@]}"; do is_in "$l" "${program[@]}" || library+=("$l"); done

# Direct layer dependencies of a layer (other tokens: packages, ignored).
direct_deps() {
  local t
  for t in $(cmake_values "LUXC_DEPS_$1"); do
    if [[ $t == luxc ]]; then
      printf '%s\n' "${library[@]}"
    elif [[ $t == luxc_* ]] && is_in "${t#luxc_}" "${layers[@]}"; then
      echo "${t#luxc_}"
    fi
  done
}

# 3a. dependencies come earlier in LUXC_LAYERS.
declare -A pos reach
for i in "${!layers[@]}"; do pos[${layers[$i]}]=$i; done
for l in "${layers[@]}"; do
  for d in $(direct_deps "$l"); do
    [[ $d == "$l" ]] && continue
    if (( pos[$d] > pos[$l] )); then
      err "CMakeLists.txt: layer $l depends on $d, which comes after it in LUXC_LAYERS"
    fi
  done
done
# What each layer may include: itself and everything its deps reach.
for l in "${layers[@]}"; do
  set_=" $l "
  todo=$(direct_deps "$l")
  while [[ -n $todo ]]; do
    next=''
    for d in $todo; do
      [[ $set_ == *" $d "* ]] && continue
      set_+="$d "
      next+=" $(direct_deps "$d")"
    done
    todo=$next
  done
  reach[$l]=$set_
done

# 3b. every folder under src/ is known.
for dir in src/*/; do
  d=$(basename "$dir")
  is_in "$d" "${layers[@]}" "${program[@]}" ||
    err "src/$d is neither a layer in CMakeLists.txt LUXC_LAYERS nor the program"
done

# Layer of a public header include/luxc/H.h (cached).
declare -A hdr_layer
header_layer() {
  local h=$1 fn f best='' l
  if [[ -n ${hdr_layer[$h]+x} ]]; then echo "${hdr_layer[$h]}"; return; fi
  if [[ -f include/luxc/$h.h ]]; then
    # names from declarations only (the line after LUXC_API, or the rest of
    # its line), never from a comment that mentions another layer's call
    for fn in $(awk '/^LUXC_API/ { if (NF > 1) print; else { getline; print } }' \
                  "include/luxc/$h.h" | grep -oE '\bluxc_[a-z0-9_]+\(' | tr -d '(' | head -5); do
      f=$(grep -lE "^[A-Za-z].*[ *]$fn\(" src/*/*.c 2>/dev/null | head -1 || true)
      if [[ -n $f ]]; then best=$(basename "$(dirname "$f")"); break; fi
    done
  fi
  if [[ -z $best ]]; then
    for l in "${layers[@]}"; do
      [[ $h == "$l" || $h == "$l"_* ]] && (( ${#l} > ${#best} )) && best=$l
    done
  fi
  hdr_layer[$h]=$best
  echo "$best"
}

# 2. includes point down.
for l in "${layers[@]}"; do
  is_in "$l" "${program[@]}" && continue
  [[ -d src/$l ]] || continue
  for f in src/"$l"/*.[ch]; do
    [[ -f $f ]] || continue
    while IFS= read -r inc; do
      target=''
      case $inc in
        luxc.h) target='(the whole library)' ;;
        luxc/*.h) h=${inc#luxc/}; h=${h%.h}; target=$(header_layer "$h")
                  [[ -n $target ]] || err "$f: cannot tell the layer of include/$inc" ;;
        */*) target=${inc%%/*} ;;
        *) continue ;; # same folder, or a vendored header (PQClean)
      esac
      [[ -z $target ]] && continue
      if [[ ${reach[$l]} != *" $target "* ]]; then
        err "$f includes \"$inc\" (layer $target), not a layer below $l; $l may use:${reach[$l]}"
      fi
    done < <(sed -nE 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]+)".*/\1/p' "$f")
  done
done

# 1. a test per file with logic.
declare -A allowed
while read -r key reason; do
  [[ -n $key ]] || continue
  [[ -n $reason ]] || err "ALLOW entry $key has no reason"
  allowed[$key]=$reason
done <<<"$ALLOW"
has_logic() { grep -qE '^\{|^[A-Za-z_][^;=]*\)[[:space:]]*\{' "$1"; }
for l in "${layers[@]}"; do
  for f in src/"$l"/*.c; do
    [[ -f $f ]] || continue
    x=$(basename "$f" .c)
    has_logic "$f" || continue
    if [[ -f tests/$l/test_$x.c ]]; then
      [[ -n ${allowed[$l/$x.c]+x} ]] &&
        err "ALLOW lists $l/$x.c but tests/$l/test_$x.c exists: remove the entry"
    elif [[ -z ${allowed[$l/$x.c]+x} ]]; then
      err "src/$l/$x.c has no tests/$l/test_$x.c (write it, or add a reason to ALLOW in $0)"
    fi
  done
done
for key in $(printf "%s\n" "${!allowed[@]}" | sort); do
  [[ -f src/$key ]] || echo "note: ALLOW lists $key, which does not exist (stale entry?)"
done

# 2. one idea per file: a source file over MAX_LINES says at its top why
# ("Long because: ..." in its opening comment).
MAX_LINES=600
for f in src/*/*.c src/*/*.h include/luxc/*.h include/luxc.h; do
  [[ -f $f ]] || continue
  n=$(wc -l <"$f")
  if (( n > MAX_LINES )) && ! head -n 30 "$f" | grep -q 'Long because:'; then
    err "$f has $n lines (> $MAX_LINES): split it, or say why at its top (\"Long because: ...\")"
  fi
done

if (( fail )); then
  exit 1
fi
echo "ok: ${#layers[@]} layers (${layers[*]}), includes point down, every file tested, none over $MAX_LINES lines"
