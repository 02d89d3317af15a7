#!/usr/bin/env bash
# self_contained.sh - the repository stands alone: no tracked file reads a
# path outside the checkout. A user's clone has only the repository, so a
# build file, test or script that names the sibling folder the project was
# developed beside (dot-dot slash "shared"), or an absolute path of the
# development machine (its work folder), would fail on their machine.
#
# Usage: self_contained.sh SOURCE_DIR
# Lists the tracked files (git ls-files; every file under SOURCE_DIR but the
# build folders when it is not a git checkout) and fails on any hit, naming
# the file and line.
set -euo pipefail
src=${1:?usage: $0 SOURCE_DIR}
cd "$src"

# The patterns are assembled so that this file does not match itself.
sib="\.\./"'shared'
dev='/wo''rk/'

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -d '' files < <(git ls-files -z)
else
  mapfile -d '' files < <(find . -path './build*' -prune -o -path './.git' -prune \
    -o -type f -print0)
fi
[[ ${#files[@]} -gt 0 ]] || { echo "FAIL: no files found under $src"; exit 1; }

hits=$(grep -nIE -- "$sib|$dev" "${files[@]}" 2>/dev/null || true)
if [[ -n $hits ]]; then
  echo "FAIL: tracked files name a path outside the repository:"
  printf '%s\n' "$hits"
  exit 1
fi
echo "ok: ${#files[@]} tracked files, none names a path outside the repository"
