#!/usr/bin/env bash
# verify_test.sh - `luxc verify` against real stores written by `luxc devnet`:
# the stores of one network agree (exit 0, every height shared, no
# violation); the stores of two separate networks disagree from height 1
# (exit 1, violations counted); a missing or truncated store is reported
# (exit 1); no --data is a usage error (exit 2).
# Usage: verify_test.sh /path/to/luxc
set -euo pipefail
LUXC=$1
W=$(mktemp -d /tmp/luxc-verify-test.XXXXXX)
trap 'rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
field() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" <<<"$2"; }

"$LUXC" devnet --nodes 3 --blocks 20 --dir "$W/a" --json >/dev/null
"$LUXC" devnet --nodes 1 --blocks 5 --dir "$W/b" --json >/dev/null

rc=0
out=$("$LUXC" verify --json --data "$W/a/node0/data" --data "$W/a/node1/data" \
  --data "$W/a/node2/data") || rc=$?
[[ $rc -eq 0 ]] || fail "one network's stores: exit $rc: $out"
[[ $(field safety_violations "$out") == 0 ]] || fail "one network: violations: $out"
cmp=$(field heights_compared "$out")
[[ $cmp -ge 20 && $(field heights_shared "$out") -ge 20 ]] || fail "one network: too few heights compared: $out"
echo "ok: 3 stores of one network agree over $cmp heights"

rc=0
out=$("$LUXC" verify --json --data "$W/a/node0/data" --data "$W/b/node0/data") || rc=$?
[[ $rc -eq 1 ]] || fail "two networks: exit $rc, want 1: $out"
v=$(field safety_violations "$out")
[[ $v -ge 5 && $(field first_violation_height "$out") == 1 ]] || fail "two networks: $out"
echo "ok: stores of two networks differ at $v heights from height 1"

rc=0
out=$("$LUXC" verify --data "$W/a/node0/data" --data "$W/missing" 2>&1) || rc=$?
[[ $rc -eq 1 && $out == *"$W/missing: cannot open"* ]] || fail "missing store: exit $rc: $out"
echo "ok: a missing store is reported"

truncate -s 8192 "$W/a/node1/data/data.mdb"
rc=0
out=$("$LUXC" verify --json --data "$W/a/node1/data" 2>&1) || rc=$?
[[ $rc -eq 1 && $out == *'"ok":false'* ]] || fail "truncated store: exit $rc: $out"
echo "ok: a truncated store is reported"

rc=0
"$LUXC" verify >/dev/null 2>&1 || rc=$?
[[ $rc -eq 2 ]] || fail "no --data: exit $rc, want 2"
echo "ok: usage error"
