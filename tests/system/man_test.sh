#!/usr/bin/env bash
# man_test.sh - man/luxc.1 covers the program: every command that
# `luxc --help` lists has a section, every long option of each command's
# --help appears in that section, the page's version is the program's, and
# groff formats it without a warning.
# Usage: man_test.sh /path/to/luxc /path/to/luxc.1
set -euo pipefail
luxc=${1:?usage: $0 LUXC MANPAGE}
page=${2:?usage: $0 LUXC MANPAGE}
fail=0

version=$("$luxc" --version | awk '{print $2}')
grep -q "^\.TH LUXC 1 .*\"luxc $version\"" "$page" ||
  { echo "FAIL: the .TH line does not name luxc $version"; fail=1; }

# Commands: the indented lines of `luxc --help` that start with a name.
mapfile -t cmds < <("$luxc" --help | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' | grep -vx luxc)
[[ ${#cmds[@]} -ge 8 ]] || { echo "FAIL: found only ${#cmds[@]} commands in luxc --help"; exit 1; }

# The section of one command: from its .SS line to the next .SS/.SH line,
# with roff's escaped hyphens made plain.
section() {
  sed 's/\\-/-/g' "$page" | awk -v c="$1" '
    /^\.S[SH] / { on = (index($0, ".SS \"luxc " c " ") == 1 || index($0, ".SS \"luxc " c "\"") == 1) }
    on'
}
for c in "${cmds[@]}"; do
  sec=$(section "$c")
  if [[ -z $sec ]]; then
    echo "FAIL: no section for 'luxc $c'"
    fail=1
    continue
  fi
  mapfile -t opts < <("$luxc" "$c" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
  for o in "${opts[@]}"; do
    [[ $o == --help ]] && continue
    grep -qE -- "$o([^a-z-]|$)" <<<"$sec" || { echo "FAIL: 'luxc $c $o' is not in the man page"; fail=1; }
  done
done

warn=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" 2>&1 || true)
[[ -z $warn ]] || { echo "FAIL: groff warns:"; echo "$warn"; fail=1; }

[[ $fail -eq 0 ]] && echo "ok: man page covers ${#cmds[@]} commands and their options (luxc $version)"
exit $fail
