#!/usr/bin/env bash
# devnet_quoted_dir.sh LUXC JSON_EXPECT - `luxc devnet --json` with a work
# folder whose name holds a quote and a backslash still prints one valid
# JSON object (the "dir" field is escaped), and the network runs there.
set -euo pipefail
luxc=$1 expect=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dir="$tmp/dev\"net\\x"
"$luxc" devnet --nodes 3 --blocks 3 --keep --dir "$dir" --json >"$tmp/out.json"
"$expect" safety_violations=0 blocks_finalized\>=3 <"$tmp/out.json"
# the escaped value is the folder's name, quote and backslash included
grep -qF '"dir":"'"$tmp"'/dev\"net\\x"' "$tmp/out.json" || {
  echo "dir not escaped as expected: $(cat "$tmp/out.json")" >&2; exit 1; }
test -d "$dir/node0"
