#!/usr/bin/env bash
# setup.sh - install what luxc needs to build and test on Debian 12.
# Idempotent and quiet: when every package is present it prints nothing.
# Called by every make target that needs a toolchain; safe to run by hand.
set -euo pipefail

# Build toolchain (Ninja), libraries, test and fuzz tools, and Node.js/npm
# (the PQClean sources come from the pinned npm package `pqclean`). systemd
# gives systemd-analyze (luxc testnet's units are verified), man-db and
# groff-base format the man page in its test.
packages=(
  build-essential cmake ninja-build pkg-config git
  libsodium-dev libzmq3-dev liblmdb-dev libcjson-dev libcmocka-dev
  libmicrohttpd-dev libssl-dev
  clang libclang-rt-14-dev
  nodejs npm
  iproute2 procps kmod nftables
  systemd man-db groff-base
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# A machine may carry node/npm outside Debian's packages; accept those.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  tmp=()
  for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || tmp+=("$p"); done
  missing=("${tmp[@]+"${tmp[@]}"}")
fi
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done" >&2
