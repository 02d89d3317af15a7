#!/usr/bin/env bash
# install_test.sh - `make install` works as a packager expects.
#
# Installs BUILD into a temporary DESTDIR (what `make install DESTDIR=...`
# runs: cmake --install), checks the installed files (program, libluxc.a,
# libluxc.so.X.Y.Z with SONAME libluxc.so.X and its links, headers, luxc.pc,
# the CMake package, the man page), then builds the programs in
# tests/system/consumer/ outside the tree against the installed copy only:
#   1. pkg-config --cflags --libs luxc: a C program and a C++17 program
#      (shared library), and the C program statically (pkg-config --static);
#   2. CMake find_package(luxc CONFIG): the same against luxc::luxc and
#      luxc::luxc_static.
# Each program runs and must print its "ok" line; the shared ones must have
# loaded the installed libluxc.so. Finally the uninstall step (cmake/
# uninstall.cmake, what `make uninstall` runs) must leave no file behind.
# The build's own install_manifest.txt (of a real install) is kept as it was.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(readlink -f "${1:?usage: $0 BUILD_DIR SOURCE_DIR}")
src=$(readlink -f "${2:?usage: $0 BUILD_DIR SOURCE_DIR}")
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' "$build/CMakeCache.txt")
[[ -n $prefix && -n $libdir ]] || { echo "FAIL: no install prefix in $build/CMakeCache.txt"; exit 1; }
version=$("$build/luxc" --version | awk '{print $2}')
major=${version%%.*}

tmp=$(mktemp -d /tmp/luxc-install-test.XXXXXX)
manifest=$build/install_manifest.txt
saved=""
if [[ -f $manifest ]]; then saved=$tmp/manifest.saved; cp "$manifest" "$saved"; fi
cleanup() {
  rc=$?
  if [[ -n $saved ]]; then cp "$saved" "$manifest"; else rm -f "$manifest"; fi
  rm -rf "$tmp"
  exit $rc
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
step() { echo "-- $*"; }

root=$tmp/root
P=$root$prefix
L=$P/$libdir
step "install into DESTDIR=$root (prefix $prefix)"
DESTDIR=$root cmake --install "$build" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log"; fail "cmake --install failed"; }

for f in bin/luxc "$libdir/libluxc.a" "$libdir/libluxc.so.$version" \
  include/luxc.h include/luxc/common.h include/luxc/crypto.h \
  "$libdir/pkgconfig/luxc.pc" "$libdir/cmake/luxc/luxc-config.cmake" \
  "$libdir/cmake/luxc/luxc-config-version.cmake" share/man/man1/luxc.1; do
  [[ -f $P/$f ]] || fail "$prefix/$f was not installed"
done
[[ $(readlink "$L/libluxc.so.$major") == "libluxc.so.$version" ]] ||
  fail "libluxc.so.$major does not point at libluxc.so.$version"
[[ $(readlink "$L/libluxc.so") == "libluxc.so.$major" ]] || fail "libluxc.so does not point at libluxc.so.$major"
soname=$(readelf -d "$L/libluxc.so.$version" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[[ $soname == "libluxc.so.$major" ]] || fail "SONAME is '$soname', want libluxc.so.$major"
[[ $("$P/bin/luxc" --version) == "luxc $version" ]] || fail "installed luxc --version"
man -l "$P/share/man/man1/luxc.1" >/dev/null 2>&1 || fail "man -l cannot format the installed page"
hdrs=$(find "$P/include" -name '*.h' | wc -l)
echo "   $hdrs headers, SONAME $soname, luxc $version"

out=$tmp/out
mkdir -p "$out"
run_shared() { # run_shared EXE: runs, prints ok, and loaded the installed libluxc
  local exe=$1 lib
  lib=$(LD_LIBRARY_PATH=$L ldd "$exe" | awk '$1 ~ /^libluxc\.so/ {print $3}')
  [[ $lib == "$L/libluxc.so.$major" ]] || fail "$exe loads libluxc from '$lib', not from $L"
  grep -q ' ok' <<<"$(LD_LIBRARY_PATH=$L "$exe")" || fail "$exe did not print ok"
  echo "   $(LD_LIBRARY_PATH=$L "$exe")"
}

step "pkg-config --cflags --libs luxc"
export PKG_CONFIG_PATH=$L/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root
pkg-config --exists --print-errors luxc || fail "pkg-config cannot find luxc"
[[ $(pkg-config --modversion luxc) == "$version" ]] || fail "pkg-config --modversion luxc"
flags=$(pkg-config --cflags --libs luxc)
echo "   $flags"
# shellcheck disable=SC2086 # word splitting of the flags is intended
cc -std=c17 -Wall -Wextra -Wpedantic -Werror -o "$out/pc_c" "$src/tests/system/consumer/consumer.c" $flags ||
  fail "C program does not build with pkg-config's flags"
# shellcheck disable=SC2086
c++ -std=c++17 -Wall -Wextra -Wpedantic -Werror -o "$out/pc_cpp" "$src/tests/system/consumer/consumer.cpp" $flags ||
  fail "C++17 program does not build with pkg-config's flags"
run_shared "$out/pc_c"
run_shared "$out/pc_cpp"
# Static: libluxc.a is named because the linker prefers the .so for -lluxc;
# the rest of the line (its dependencies) comes from pkg-config --static.
sflags=$(pkg-config --static --libs luxc | sed 's/\(^\| \)-lluxc\( \|$\)/ /')
# shellcheck disable=SC2086
cc -std=c17 -o "$out/pc_static" "$src/tests/system/consumer/consumer.c" $(pkg-config --cflags luxc) \
  "$L/libluxc.a" $sflags || fail "C program does not link statically with pkg-config --static"
# (Here-strings rather than pipes into grep -q: see symbols_test.sh.)
grep -q libluxc <<<"$(ldd "$out/pc_static")" && fail "the static program still loads libluxc.so"
grep -q ' ok' <<<"$("$out/pc_static")" || fail "the static program did not print ok"
echo "   static: $("$out/pc_static")"
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

step "CMake find_package(luxc CONFIG)"
gen=()
command -v ninja >/dev/null 2>&1 && gen=(-G Ninja)
cmake -S "$src/tests/system/consumer" -B "$tmp/cmake" "${gen[@]}" -DCMAKE_PREFIX_PATH="$P" \
  -DCMAKE_BUILD_TYPE=Release >"$tmp/cmake.log" 2>&1 || { cat "$tmp/cmake.log"; fail "consumer: cmake configure"; }
cmake --build "$tmp/cmake" >>"$tmp/cmake.log" 2>&1 || { cat "$tmp/cmake.log"; fail "consumer: cmake build"; }
grep -q "luxc_DIR:PATH=$L/cmake/luxc" "$tmp/cmake/CMakeCache.txt" || fail "find_package found luxc elsewhere"
run_shared "$tmp/cmake/consumer_c"
run_shared "$tmp/cmake/consumer_cpp"
grep -q libluxc <<<"$(ldd "$tmp/cmake/consumer_static")" && fail "luxc::luxc_static links libluxc.so"
grep -q ' ok' <<<"$("$tmp/cmake/consumer_static")" || fail "the luxc::luxc_static program did not print ok"
echo "   static: $("$tmp/cmake/consumer_static")"

step "uninstall"
DESTDIR=$root cmake -DMANIFEST="$manifest" -P "$src/cmake/uninstall.cmake" >"$tmp/uninstall.log" 2>&1 ||
  { cat "$tmp/uninstall.log"; fail "uninstall failed"; }
left=$(find "$root" \( -type f -o -type l \) | sed "s#^$root##")
[[ -z $left ]] || fail "uninstall left files behind: $left"
[[ ! -d $P/include/luxc && ! -d $L/cmake/luxc ]] || fail "uninstall left luxc's own folders"
echo "   $(tail -n 1 "$tmp/uninstall.log" | sed 's/^-- //')"
echo "ok: install, pkg-config (C, C++17, static), find_package (shared, static), uninstall"
