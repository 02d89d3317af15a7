#!/bin/sh
# noble_crosscheck.sh - CTest entry for the @noble/post-quantum cross-check.
# usage: noble_crosscheck.sh <noble_helper> <noble dir> <script.mjs>
# Exits 77 (CTest SKIP_RETURN_CODE) only when node is not installed;
# scripts/setup.sh installs it. Anything else missing is a failure.
if ! command -v node >/dev/null 2>&1; then
    echo "SKIP: node is not installed (scripts/setup.sh installs nodejs); noble cross-check not run"
    exit 77
fi
exec node "$3" "$1" "$2"
