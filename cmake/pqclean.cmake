# pqclean.cmake - fetch, verify and compile PQClean's ML-KEM-768 and ML-DSA-65.
#
# Source: the npm package `pqclean`, pinned to one version and one sha512
# integrity value (the value `npm view pqclean@0.8.1 dist.integrity` prints).
# At configure time, into the BUILD directory (never the source tree):
#   1. if ${LUXC_PQCLEAN_DIR}/pqclean-0.8.1.tgz exists and its sha512 matches,
#      use it (no network: an offline re-configure works once fetched);
#   2. otherwise `npm pack pqclean@0.8.1 --ignore-scripts` downloads the
#      tarball (no install scripts, no node-gyp: only the .tgz is fetched);
#   3. the tarball's sha512 is compared with the pinned integrity; a mismatch
#      stops the configure with FATAL_ERROR;
#   4. the tarball is extracted (only deps/PQClean/...) once per hash.
#
# Compiled: crypto_kem/ml-kem-768/clean/*.c and crypto_sign/ml-dsa-65/clean/*.c
# into the OBJECT library luxc_pqclean (linked into luxc_crypto and libluxc),
# with -O3, PIC and PQClean's own relaxed warnings (not -Werror).
# NOT compiled: common/randombytes.c (our src/crypto/randombytes.c supplies
# PQCLEAN_randombytes from libsodium's randombytes_buf) and common/fips202.c:
# PQClean's fips202.c allocates every SHAKE context with malloc and calls
# exit(111) when malloc fails, which would turn an allocation failure into a
# process exit and count as allocations in benchmarks. Our src/crypto/fips202.c
# implements the same API (FIPS 202) with the state inside the context struct;
# src/crypto/fips202.h is put first on PQClean's include path so that its
# sources see our context types.

set(LUXC_PQCLEAN_VERSION 0.8.1)
set(LUXC_PQCLEAN_INTEGRITY
    "sha512-+5FtknAJdiNtVBiyLiKW3OnanhcqSWy44KCaZz1tELhalp5HfuIcxNsX9uS0t7ne2tEWc7NBd4GpiQBTGTIJBA==")
set(LUXC_PQCLEAN_DIR ${CMAKE_BINARY_DIR}/_deps/pqclean)
set(LUXC_PQCLEAN_TGZ ${LUXC_PQCLEAN_DIR}/pqclean-${LUXC_PQCLEAN_VERSION}.tgz)

# base64 (RFC 4648, with padding) -> lowercase hex, to compare an npm
# integrity value with file(SHA512), which CMake reports in hex.
function(luxc_base64_to_hex b64 out_var)
  set(alphabet "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
  set(hexdigits "0123456789abcdef")
  string(REGEX REPLACE "=+$" "" b64 "${b64}")
  string(LENGTH "${b64}" n)
  set(acc 0)
  set(bits 0)
  set(hex "")
  math(EXPR last "${n} - 1")
  foreach(i RANGE 0 ${last})
    string(SUBSTRING "${b64}" ${i} 1 ch)
    string(FIND "${alphabet}" "${ch}" v)
    if(v LESS 0)
      message(FATAL_ERROR "pqclean: bad base64 character '${ch}' in integrity value")
    endif()
    math(EXPR acc "((${acc} << 6) | ${v}) & 4095")
    math(EXPR bits "${bits} + 6")
    if(bits GREATER_EQUAL 8)
      math(EXPR bits "${bits} - 8")
      math(EXPR byte "(${acc} >> ${bits}) & 255")
      math(EXPR hi "${byte} >> 4")
      math(EXPR lo "${byte} & 15")
      string(SUBSTRING "${hexdigits}" ${hi} 1 h1)
      string(SUBSTRING "${hexdigits}" ${lo} 1 h2)
      string(APPEND hex "${h1}${h2}")
    endif()
  endforeach()
  set(${out_var} "${hex}" PARENT_SCOPE)
endfunction()

string(REGEX REPLACE "^sha512-" "" _luxc_pq_b64 "${LUXC_PQCLEAN_INTEGRITY}")
luxc_base64_to_hex("${_luxc_pq_b64}" LUXC_PQCLEAN_SHA512)

function(luxc_pqclean_hash_ok out_var)
  set(ok FALSE)
  if(EXISTS ${LUXC_PQCLEAN_TGZ})
    file(SHA512 ${LUXC_PQCLEAN_TGZ} h)
    if(h STREQUAL LUXC_PQCLEAN_SHA512)
      set(ok TRUE)
    endif()
  endif()
  set(${out_var} ${ok} PARENT_SCOPE)
endfunction()

file(MAKE_DIRECTORY ${LUXC_PQCLEAN_DIR})
luxc_pqclean_hash_ok(_luxc_pq_ok)
if(NOT _luxc_pq_ok)
  if(EXISTS ${LUXC_PQCLEAN_TGZ})
    message(STATUS "pqclean: cached tarball has the wrong sha512; fetching again")
    file(REMOVE ${LUXC_PQCLEAN_TGZ})
  endif()
  find_program(LUXC_NPM npm)
  if(NOT LUXC_NPM)
    message(FATAL_ERROR "pqclean: npm not found (run scripts/setup.sh); it is needed "
                        "once to fetch pqclean@${LUXC_PQCLEAN_VERSION}")
  endif()
  message(STATUS "pqclean: npm pack pqclean@${LUXC_PQCLEAN_VERSION} -> ${LUXC_PQCLEAN_DIR}")
  execute_process(
    COMMAND ${LUXC_NPM} pack pqclean@${LUXC_PQCLEAN_VERSION} --ignore-scripts
            --pack-destination ${LUXC_PQCLEAN_DIR} --loglevel=error
    WORKING_DIRECTORY ${LUXC_PQCLEAN_DIR}
    RESULT_VARIABLE _luxc_pq_rc OUTPUT_VARIABLE _luxc_pq_out ERROR_VARIABLE _luxc_pq_err
    TIMEOUT 300)
  if(NOT _luxc_pq_rc EQUAL 0 OR NOT EXISTS ${LUXC_PQCLEAN_TGZ})
    message(FATAL_ERROR "pqclean: `npm pack pqclean@${LUXC_PQCLEAN_VERSION}` failed "
                        "(rc=${_luxc_pq_rc}): ${_luxc_pq_err}")
  endif()
  luxc_pqclean_hash_ok(_luxc_pq_ok)
  if(NOT _luxc_pq_ok)
    file(SHA512 ${LUXC_PQCLEAN_TGZ} _luxc_pq_got)
    file(RENAME ${LUXC_PQCLEAN_TGZ} ${LUXC_PQCLEAN_TGZ}.rejected)
    message(FATAL_ERROR "pqclean: INTEGRITY MISMATCH for pqclean-${LUXC_PQCLEAN_VERSION}.tgz\n"
                        "  expected sha512 ${LUXC_PQCLEAN_SHA512}\n"
                        "  got      sha512 ${_luxc_pq_got}\n"
                        "  (kept as ${LUXC_PQCLEAN_TGZ}.rejected; refusing to build)")
  endif()
endif()

# Extract once per verified hash (the stamp names the hash).
set(LUXC_PQCLEAN_SRC ${LUXC_PQCLEAN_DIR}/package/deps/PQClean)
set(_luxc_pq_stamp ${LUXC_PQCLEAN_DIR}/extracted-${LUXC_PQCLEAN_SHA512}.stamp)
if(NOT EXISTS ${_luxc_pq_stamp} OR NOT EXISTS ${LUXC_PQCLEAN_SRC}/common/fips202.h)
  file(REMOVE_RECURSE ${LUXC_PQCLEAN_DIR}/package)
  file(ARCHIVE_EXTRACT INPUT ${LUXC_PQCLEAN_TGZ} DESTINATION ${LUXC_PQCLEAN_DIR}
       PATTERNS package/deps/PQClean/common package/deps/PQClean/crypto_kem/ml-kem-768
                package/deps/PQClean/crypto_sign/ml-dsa-65 package/LICENSE)
  file(GLOB _luxc_pq_old_stamps ${LUXC_PQCLEAN_DIR}/extracted-*.stamp)
  if(_luxc_pq_old_stamps)
    file(REMOVE ${_luxc_pq_old_stamps})
  endif()
  file(WRITE ${_luxc_pq_stamp} "pqclean ${LUXC_PQCLEAN_VERSION} ${LUXC_PQCLEAN_INTEGRITY}\n")
endif()

set(LUXC_PQCLEAN_KEM_DIR ${LUXC_PQCLEAN_SRC}/crypto_kem/ml-kem-768/clean)
set(LUXC_PQCLEAN_SIGN_DIR ${LUXC_PQCLEAN_SRC}/crypto_sign/ml-dsa-65/clean)
# Each scheme is compiled as ONE translation unit (a generated file that
# #includes its .c files): PQClean keeps montgomery_reduce, reduce32, etc. in
# reduce.c, called per coefficient from ntt.c / poly.c; as separate units
# they cannot be inlined, and perf showed montgomery_reduce alone at ~38 % of
# ML-DSA signing. One unit per scheme lets -O3 inline them, without LTO
# (which would tie the static library to one compiler's linker plugin).
# The two schemes stay separate units: they share file and macro names.
set(_luxc_pq_kem_files cbd indcpa kem ntt poly polyvec reduce symmetric-shake verify)
set(_luxc_pq_sign_files ntt packing poly polyvec reduce rounding sign symmetric-shake)
set(_luxc_pq_srcs "")
foreach(scheme kem sign)
  if(scheme STREQUAL "kem")
    set(_dir ${LUXC_PQCLEAN_KEM_DIR})
  else()
    set(_dir ${LUXC_PQCLEAN_SIGN_DIR})
  endif()
  set(_unity "/* generated by cmake/pqclean.cmake: PQClean ${scheme} sources as one unit */\n")
  foreach(f IN LISTS _luxc_pq_${scheme}_files)
    if(NOT EXISTS ${_dir}/${f}.c)
      message(FATAL_ERROR "pqclean: expected source ${_dir}/${f}.c is missing from the tarball")
    endif()
    string(APPEND _unity "#include \"${_dir}/${f}.c\"\n")
  endforeach()
  set(_unity_file ${LUXC_PQCLEAN_DIR}/luxc_pqclean_${scheme}.c)
  # Rewrite only on change, so a re-configure does not force a rebuild.
  set(_old "")
  if(EXISTS ${_unity_file})
    file(READ ${_unity_file} _old)
  endif()
  if(NOT _old STREQUAL _unity)
    file(WRITE ${_unity_file} "${_unity}")
  endif()
  list(APPEND _luxc_pq_srcs ${_unity_file})
endforeach()

add_library(luxc_pqclean OBJECT ${_luxc_pq_srcs})
# Our fips202.h (state inside the context) must shadow common/fips202.h.
target_include_directories(luxc_pqclean BEFORE PRIVATE ${CMAKE_SOURCE_DIR}/src/crypto)
target_include_directories(luxc_pqclean PRIVATE ${LUXC_PQCLEAN_SRC}/common)
# PQClean's own flags (its Makefiles: -O3 -std=c99 -Wall -Wextra -Wpedantic),
# but not -Werror: third-party code must not break our build on a new compiler.
# -fno-semantic-interposition: with -fPIC, GCC otherwise may not inline an
# exported function (montgomery_reduce) because the dynamic linker could
# interpose it; nothing interposes PQClean's internals.
target_compile_options(luxc_pqclean PRIVATE -O3 -Wall -Wextra -Wpedantic
                       -Wno-unused-parameter -fno-semantic-interposition)
set_target_properties(luxc_pqclean PROPERTIES POSITION_INDEPENDENT_CODE ON
                      C_STANDARD 99 C_EXTENSIONS OFF)

# Our wrappers reach PQClean's internal functions (the FIPS 203/204
# *_internal building blocks): each sees only its own scheme's headers
# (both schemes have a params.h / poly.h) plus our fips202.h.
set_source_files_properties(${CMAKE_SOURCE_DIR}/src/crypto/mlkem.c PROPERTIES
  INCLUDE_DIRECTORIES "${CMAKE_SOURCE_DIR}/src/crypto;${LUXC_PQCLEAN_KEM_DIR}")
set_source_files_properties(${CMAKE_SOURCE_DIR}/src/crypto/mldsa.c
                            ${CMAKE_SOURCE_DIR}/src/crypto/mldsa_expand.c PROPERTIES
  INCLUDE_DIRECTORIES "${CMAKE_SOURCE_DIR}/src/crypto;${LUXC_PQCLEAN_SIGN_DIR}")
