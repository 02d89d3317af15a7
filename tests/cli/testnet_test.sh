#!/usr/bin/env bash
# testnet_test.sh - `luxc testnet`: the files it writes for several machines.
#
# Usage: testnet_test.sh /path/to/luxc /path/to/cli_json_expect
#   1. 4 validators on 2 hosts (--json): the summary, folders and file modes
#      (keys 0600 in 0700 folders), genesis with 4 validators at the right
#      addresses (two per host on distinct ports), every node folder
#      self-contained (its genesis copy is the same file, `luxc node --check`
#      loads config, genesis and keys and finds them matching), and
#      `luxc node --check` refusing a folder holding another validator's keys.
#   2. every systemd unit passes `systemd-analyze verify` with no message
#      (skipped with a note when systemd-analyze is missing), and a unit
#      whose ExecStart binary does not exist fails it (the check bites).
#      The options (--user, --install-dir, --chain-id, --preset, --stake,
#      --round-timeout-ms, --block-time-ms, --log-level, --listen-any,
#      --metrics-listen none, --submit-listen, --p2p-port) reach the files.
#   3. error paths: existing non-empty --out (left untouched), --validators
#      0, bad hosts, more hosts than validators; nothing written on error.
#   4. the folders run: 4 validators on 127.0.0.1 started from their own
#      folders finalize blocks, and exit 0 on SIGTERM.
# Exit 0 pass, 1 fail.
set -euo pipefail

LUXC=$(readlink -f "${1:?usage: $0 /path/to/luxc /path/to/cli_json_expect}")
EXPECT=$(readlink -f "${2:?usage: $0 /path/to/luxc /path/to/cli_json_expect}")
TMP=$(mktemp -d /tmp/luxc-testnet-test.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
mode() { stat -c %a "$1"; }
# json_str FILE KEY: every value of "KEY": "..." in FILE, one a line
json_str() { grep -o "\"$2\":[[:space:]]*\"[^\"]*\"" "$1" | sed 's/.*"\([^"]*\)"$/\1/'; }

# --- 1. four validators on two hosts ---------------------------------------
T=$TMP/t
"$LUXC" testnet --validators 4 --hosts 10.0.0.1,10.0.0.2 --out "$T" --bin "$LUXC" --json \
  >"$TMP/summary.json" || fail "luxc testnet exited $?"
"$EXPECT" n_validators=4 n_hosts=2 <"$TMP/summary.json" >/dev/null ||
  fail "the JSON summary does not say 4 validators on 2 hosts"
[[ $(json_str "$TMP/summary.json" host | tr '\n' ' ') == "10.0.0.1 10.0.0.2 10.0.0.1 10.0.0.2 " ]] ||
  fail "summary hosts: $(json_str "$TMP/summary.json" host | tr '\n' ' ')"
[[ $(json_str "$TMP/summary.json" ed25519_public_key | sort -u | grep -c '^[0-9a-f]\{64\}$') == 4 ]] ||
  fail "the summary does not list 4 distinct Ed25519 public keys"
ok "JSON summary: 4 validators, hosts in turn, 4 distinct public keys"

want_addr=(tcp://10.0.0.1:7000 tcp://10.0.0.2:7000 tcp://10.0.0.1:7001 tcp://10.0.0.2:7001)
[[ -f $T/genesis.json ]] || fail "no $T/genesis.json"
mapfile -t addr < <(json_str "$T/genesis.json" address)
[[ ${#addr[@]} -eq 4 ]] || fail "genesis lists ${#addr[@]} validator addresses, want 4"
[[ "${addr[*]}" == "${want_addr[*]}" ]] || fail "genesis addresses: ${addr[*]}; want ${want_addr[*]}"
[[ $(json_str "$T/genesis.json" name | tr '\n' ' ') == "node0 node1 node2 node3 " ]] ||
  fail "genesis names: $(json_str "$T/genesis.json" name | tr '\n' ' ')"
[[ $(json_str "$T/genesis.json" chain_id) == luxc-testnet ]] || fail "chain_id is not luxc-testnet"
ok "genesis: 4 validators, two per host on ports 7000 and 7001"

[[ $(mode "$T") == 700 ]] || fail "$T has mode $(mode "$T"), want 700"
for i in 0 1 2 3; do
  d=$T/node$i
  for f in config.json genesis.json keys/validator.key keys/validator.pub luxc-node$i.service; do
    [[ -f $d/$f ]] || fail "missing $d/$f"
  done
  [[ $(mode "$d") == 700 && $(mode "$d/keys") == 700 ]] ||
    fail "$d or its keys/ is not mode 700 ($(mode "$d"), $(mode "$d/keys"))"
  [[ $(mode "$d/keys/validator.key") == 600 && $(mode "$d/keys/validator.pub") == 600 ]] ||
    fail "key files of node$i are not mode 600"
  cmp -s "$d/genesis.json" "$T/genesis.json" || fail "node$i/genesis.json differs from genesis.json"
  [[ $(json_str "$d/config.json" genesis) == genesis.json ]] ||
    fail "node$i/config.json does not point at its own genesis.json"
  [[ $(json_str "$d/config.json" listen) == "${want_addr[i]}" ]] ||
    fail "node$i listens on $(json_str "$d/config.json" listen), want ${want_addr[i]}"
  [[ $(json_str "$d/config.json" metrics) == "127.0.0.1:910$((i / 2))" ]] ||
    fail "node$i metrics $(json_str "$d/config.json" metrics), want 127.0.0.1:910$((i / 2))"
  out=$("$LUXC" node --config "$d/config.json" --check) || fail "luxc node --check on node$i: $out"
  [[ $out == *"ok: validator node$i of chain luxc-testnet (4 validators)"* ]] ||
    fail "luxc node --check on node$i printed: $out"
done
ok "4 folders: files present, keys 0600 in 0700 folders, configs pass luxc node --check"

cp -a "$T/node1" "$TMP/swapped"
rm -rf "$TMP/swapped/keys"
cp -a "$T/node0/keys" "$TMP/swapped/keys"
if out=$("$LUXC" node --config "$TMP/swapped/config.json" --check 2>&1); then
  fail "luxc node --check accepted node1's folder holding node0's keys"
fi
[[ $out == *"other keys"* ]] || fail "luxc node --check on swapped keys said: $out"
ok "luxc node --check refuses a folder with another validator's keys"

# Consensus parameters are part of the check (the node's own start-up step):
# alpha_pref 1 with K > 2 breaks the rule K/2 < alpha_pref.
cp -a "$T/node2" "$TMP/badparams"
sed -E 's/("preset":[[:space:]]*"[a-z]*")/\1, "alpha_pref": 1/' "$T/node2/genesis.json" \
  >"$TMP/badparams/genesis.json"
grep -q '"alpha_pref": 1' "$TMP/badparams/genesis.json" || fail "could not write the bad genesis"
if out=$("$LUXC" node --config "$TMP/badparams/config.json" --check 2>&1); then
  fail "luxc node --check accepted a genesis with alpha_pref 1"
fi
[[ $out == *"consensus:"* ]] || fail "luxc node --check on bad parameters said: $out"
ok "luxc node --check refuses invalid consensus parameters"

# --- 2. systemd units -------------------------------------------------------
for i in 0 1 2 3; do
  u=$T/node$i/luxc-node$i.service
  for line in "Type=simple" "User=luxc" "WorkingDirectory=/var/lib/luxc/node$i" \
    "ExecStart=$LUXC node --config /var/lib/luxc/node$i/config.json" "Restart=on-failure" \
    "NoNewPrivileges=yes" "ProtectSystem=strict" "ProtectHome=yes" "PrivateTmp=yes" \
    "ReadWritePaths=/var/lib/luxc/node$i" "KillSignal=SIGTERM" "WantedBy=multi-user.target" \
    "After=network-online.target" "Wants=network-online.target" "Documentation=man:luxc(1)"; do
    grep -qxF "$line" "$u" || fail "$u lacks the line '$line'"
  done
  grep -q '^LimitNOFILE=[0-9]' "$u" && grep -q '^RestartSec=' "$u" && grep -q '^TimeoutStopSec=' "$u" ||
    fail "$u lacks LimitNOFILE, RestartSec or TimeoutStopSec"
done
ok "units name the hardening options, user, folder and binary"
if command -v systemd-analyze >/dev/null 2>&1; then
  # --man=no: the luxc(1) page of Documentation= is not installed on a
  # build machine. A missing User= does not fail verify (checked here as
  # root and as a user).
  for i in 0 1 2 3; do
    u=$T/node$i/luxc-node$i.service
    msg=$(systemd-analyze verify --man=no "$u" 2>&1) || fail "systemd-analyze verify $u: $msg"
    [[ -z $msg ]] || fail "systemd-analyze verify $u warned: $msg"
  done
  "$LUXC" testnet --validators 1 --hosts 10.0.0.9 --out "$TMP/nobin" --bin /nonexistent/luxc \
    >/dev/null
  if systemd-analyze verify --man=no "$TMP/nobin/node0/luxc-node0.service" >/dev/null 2>&1; then
    fail "systemd-analyze verify accepted a unit whose binary does not exist (is it checking?)"
  fi
  ok "systemd-analyze verify: the 4 units pass silently; a unit with a missing binary fails"
else
  echo "note: systemd-analyze not installed: unit verification skipped"
fi

# The options reach the files: unit user and folder, genesis consensus and
# stake, config log level, bind addresses.
O=$TMP/opts
"$LUXC" testnet --validators 2 --hosts 10.0.0.7 --out "$O" --bin "$LUXC" --install-dir /srv/luxc \
  --user validator --chain-id my-chain.1 --stake 5 --round-timeout-ms 80 --block-time-ms 10 \
  --log-level debug --listen-any --metrics-listen none --submit-listen 127.0.0.1:7200 \
  --preset local --p2p-port 26656 >/dev/null
u=$O/node1/luxc-node1.service
grep -qx "User=validator" "$u" && grep -qx "WorkingDirectory=/srv/luxc/node1" "$u" &&
  grep -qx "ExecStart=$LUXC node --config /srv/luxc/node1/config.json" "$u" ||
  fail "--user/--install-dir not in $u"
tr -d ' \t\n' <"$O/genesis.json" >"$TMP/g1"
for want in '"chain_id":"my-chain.1"' '"preset":"local"' '"round_timeout_ms":80' \
  '"block_time_ms":10' '"address":"tcp://10.0.0.7:26657","stake":5'; do
  grep -qF "$want" "$TMP/g1" || fail "genesis lacks $want"
done
c=$O/node1/config.json
[[ $(json_str "$c" log_level) == debug && $(json_str "$c" listen) == tcp://0.0.0.0:26657 &&
  $(json_str "$c" submit) == tcp://127.0.0.1:7201 ]] || fail "options not in $c: $(cat "$c")"
! grep -q '"metrics"' "$c" || fail "--metrics-listen none still wrote a metrics address"
"$LUXC" node --config "$c" --check >/dev/null || fail "luxc node --check on $c"
ok "options reach unit, genesis and config (user, folder, chain, consensus, stake, binds)"

# --- 3. error paths -----------------------------------------------------------
# expect_fail STATUS TEXT ARGS...: luxc testnet ARGS exits STATUS saying TEXT
expect_fail() {
  local want=$1 text=$2 rc=0
  shift 2
  "$LUXC" testnet "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
  [[ $rc -eq $want ]] || fail "luxc testnet $* exited $rc, want $want: $(cat "$TMP/err")"
  grep -qF -- "$text" "$TMP/err" || fail "luxc testnet $* said '$(cat "$TMP/err")', want '$text'"
  [[ $(wc -l <"$TMP/err") -eq 1 ]] || fail "luxc testnet $* printed more than one error line"
}
sum=$(cat "$T"/genesis.json "$T"/node*/keys/* | md5sum)
expect_fail 1 "refusing to overwrite" --validators 4 --hosts 10.0.0.1 --out "$T"
[[ $(cat "$T"/genesis.json "$T"/node*/keys/* | md5sum) == "$sum" ]] || fail "the refused --out changed"
expect_fail 1 "refusing to overwrite" --validators 4 --hosts 10.0.0.1 --out "$T/genesis.json"
X=$TMP/x
expect_fail 2 "--validators wants 1..4096" --validators 0 --hosts 10.0.0.1 --out "$X"
expect_fail 2 "--validators wants 1..4096" --validators 4097 --hosts 10.0.0.1 --out "$X"
expect_fail 2 'without a scheme such as tcp://' --validators 4 --hosts tcp://10.0.0.1 --out "$X"
expect_fail 2 "no spaces" --validators 4 --hosts "10.0.0.1, 10.0.0.2" --out "$X"
expect_fail 2 "empty host" --validators 4 --hosts "10.0.0.1,,10.0.0.2" --out "$X"
expect_fail 2 "not a valid IPv4 address" --validators 4 --hosts 10.0.0.256 --out "$X"
expect_fail 2 "no ports" --validators 4 --hosts 10.0.0.1:7000 --out "$X"
expect_fail 2 "character '_'" --validators 4 --hosts bad_name.example --out "$X"
expect_fail 2 "twice" --validators 4 --hosts 10.0.0.1,10.0.0.1 --out "$X"
expect_fail 2 "3 hosts for 2 validators" --validators 2 --hosts a.example,b.example,c.example --out "$X"
expect_fail 2 "needs at least 14 validators" --validators 4 --hosts 10.0.0.1 --out "$X" --preset default
[[ ! -e $X ]] || fail "a refused run created $X"
[[ -z $(find "$TMP" -maxdepth 1 -name '*.partial-*') ]] || fail "a scratch folder was left behind"
mkdir "$TMP/empty"
"$LUXC" testnet --validators 1 --hosts node.example.org --out "$TMP/empty" >/dev/null ||
  fail "luxc testnet refused an empty --out folder"
[[ $(json_str "$TMP/empty/node0/config.json" listen) == tcp://0.0.0.0:7000 ]] ||
  fail "a node on a DNS-named host should bind 0.0.0.0"
ok "errors: existing --out refused and untouched, bad counts and hosts refused, nothing written"

# --- 4. the folders run -------------------------------------------------------
# ports base..base+3 (p2p) and base+10..base+13 (metrics): pick a base
# where nothing listens yet, below the kernel's ephemeral range (an
# outgoing connection there took a node's port once: "bind failed ...
# Address already in use"); if a node still cannot bind, start again
# on another base.
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
eph_lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
span=$((eph_lo > 12000 ? eph_lo - 10020 : 2000))
pick_base() {
  local try p busy
  for ((try = 0; try < 50; try++)); do
    base=$((10000 + ($$ * 7 + RANDOM + try * 131) % span))
    busy=0
    for p in 0 1 2 3 10 11 12 13; do if in_use $((base + p)); then busy=1; fi; done
    [[ $busy -eq 0 ]] && return 0
  done
  fail "no free ports found for 4 loopback nodes"
}
L=$TMP/loop
start_loop() {
  local i
  rm -rf "$L"
  "$LUXC" testnet --validators 4 --hosts 127.0.0.1 --out "$L" --p2p-port "$base" \
    --metrics-listen "127.0.0.1:$((base + 10))" --submit-listen none --chain-id luxc-loop >/dev/null
  PIDS=()
  for i in 0 1 2 3; do
    (cd "$L/node$i" && exec "$LUXC" node --config config.json 2>node.log) &
    PIDS+=($!)
  done
}
for ((attempt = 1; ; attempt++)); do
  pick_base
  start_loop
  sleep 0.3
  bind_failed=0
  for i in 0 1 2 3; do
    if ! kill -0 "${PIDS[i]}" 2>/dev/null && grep -q "bind failed" "$L/node$i/node.log"; then
      bind_failed=1
    fi
  done
  [[ $bind_failed -eq 0 ]] && break
  for i in 0 1 2 3; do kill -KILL "${PIDS[i]}" 2>/dev/null || true; wait "${PIDS[i]}" 2>/dev/null || true; done
  [[ $attempt -lt 3 ]] || fail "3 attempts, each with a port taken at bind: $(grep -h "bind failed" "$L"/node*/node.log | head -n 1)"
  echo "note: base port $base taken at bind; trying another"
done
heights=""
for ((t = 0; t < 100; t++)); do
  sleep 0.2
  heights=""
  done_all=1
  for i in 0 1 2 3; do
    kill -0 "${PIDS[i]}" 2>/dev/null || fail "node$i exited: $(tail -n 3 "$L/node$i/node.log")"
    h=$("$LUXC" status --metrics "127.0.0.1:$((base + 10 + i))" --json 2>/dev/null |
      sed -n 's/.*"height":[[:space:]]*\([0-9]*\).*/\1/p') || true
    heights+="${h:--} "
    [[ -n $h && $h -ge 5 ]] || done_all=0
  done
  [[ $done_all -eq 1 ]] && break
done
[[ $done_all -eq 1 ]] || fail "4 loopback nodes did not all reach height 5 in 20 s: $heights"
for i in 0 1 2 3; do kill -TERM "${PIDS[i]}"; done
for i in 0 1 2 3; do
  rc=0
  wait "${PIDS[i]}" || rc=$?
  [[ $rc -eq 0 ]] || fail "node$i exited $rc after SIGTERM"
done
PIDS=()
ok "4 validators started from their folders on loopback reached heights ${heights% }; exit 0 on SIGTERM"
echo "PASS"
