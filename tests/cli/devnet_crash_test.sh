#!/usr/bin/env bash
# devnet_crash_test.sh LUXC JSON_EXPECT - a node that crashes while a
# devnet runs fails the run: a SIGSEGV sent to one honest node must make
# `luxc devnet` exit 1 with node_crashes=1 in its JSON (it used to throw
# child exit statuses away and say "finalized by every honest node", 0).
# Under ASan the sanitizer takes the signal and aborts: any exit we did
# not cause counts. The stores are still compared: 0 safety violations,
# every store opened.
set -euo pipefail
luxc=$1 expect=$2
tmp=$(mktemp -d)
trap 'pkill -KILL -f "$tmp/net/" 2>/dev/null || true; rm -rf "$tmp"' EXIT
"$luxc" devnet --nodes 3 --seconds 8 --dir "$tmp/net" --json >"$tmp/out.json" 2>"$tmp/err" &
devnet=$!
victim=''
for _ in $(seq 1 200); do
  victim=$(pgrep -f -- "--config $tmp/net/node1/config.json" || true)
  [[ -n $victim ]] && break
  sleep 0.1
done
[[ -n $victim ]] || { echo "node1 never started" >&2; cat "$tmp/err" >&2; exit 1; }
sleep 3
kill -SEGV "$victim"
rc=0
wait "$devnet" || rc=$?
if [[ $rc != 1 ]]; then
  echo "luxc devnet exited $rc after a node crashed; want 1" >&2
  cat "$tmp/out.json" "$tmp/err" >&2
  exit 1
fi
"$expect" node_crashes=1 safety_violations=0 stores_opened=3 store_open_errors=0 \
  read_errors=0 <"$tmp/out.json"
grep -q "node1 exited by itself (" "$tmp/err" || {
  echo "no message naming the crash:" >&2; cat "$tmp/err" >&2; exit 1; }
