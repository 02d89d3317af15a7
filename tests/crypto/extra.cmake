# tests/crypto/extra.cmake - what the crypto tests need beyond luxc_crypto.
# Included from the root CMakeLists.txt after the crypto test programs exist.

# ACVP vectors: JSON via cJSON; HashML-DSA's pre-hash PH(M) via OpenSSL's
# libcrypto (an independent SHA-2/SHA-3 implementation) when it is present.
# test_fips202 also compares our SHA-3 with libcrypto's.
pkg_check_modules(LUXC_LIBCRYPTO IMPORTED_TARGET libcrypto)
if(TARGET crypto_test_vectors)
  target_link_libraries(crypto_test_vectors PRIVATE PkgConfig::LUXC_CJSON)
endif()
foreach(t crypto_test_vectors crypto_test_fips202)
  if(TARGET ${t} AND LUXC_LIBCRYPTO_FOUND)
    target_link_libraries(${t} PRIVATE PkgConfig::LUXC_LIBCRYPTO)
    target_compile_definitions(${t} PRIVATE LUXC_HAVE_LIBCRYPTO=1)
  endif()
endforeach()

# Cross-check against @noble/post-quantum (independent implementation).
# The C side is noble_helper; the test-only npm package is installed at
# configure time into ${CMAKE_BINARY_DIR}/noble with `npm ci --ignore-scripts`
# from the committed package-lock.json (npm checks each tarball's sha512
# integrity from the lock). Re-done only when the lock file changes, so an
# offline re-configure works once installed. The test skips (77) only when
# node is missing.
add_executable(crypto_noble_helper ${CMAKE_SOURCE_DIR}/tests/crypto/noble_helper.c)
target_compile_options(crypto_noble_helper PRIVATE ${LUXC_WARN})
target_link_libraries(crypto_noble_helper PRIVATE luxc_crypto)

set(LUXC_NOBLE_DIR ${CMAKE_BINARY_DIR}/noble)
set(_luxc_noble_src ${CMAKE_SOURCE_DIR}/tests/crypto/noble)
file(SHA256 ${_luxc_noble_src}/package-lock.json _luxc_noble_lock)
set(_luxc_noble_stamp ${LUXC_NOBLE_DIR}/installed-${_luxc_noble_lock}.stamp)
find_program(LUXC_NPM_FOR_NOBLE npm)
if(NOT EXISTS ${_luxc_noble_stamp} AND LUXC_NPM_FOR_NOBLE)
  file(MAKE_DIRECTORY ${LUXC_NOBLE_DIR})
  file(COPY ${_luxc_noble_src}/package.json ${_luxc_noble_src}/package-lock.json
       DESTINATION ${LUXC_NOBLE_DIR})
  message(STATUS "noble: npm ci @noble/post-quantum (test-only) -> ${LUXC_NOBLE_DIR}")
  execute_process(
    COMMAND ${LUXC_NPM_FOR_NOBLE} ci --ignore-scripts --no-audit --no-fund
            --prefer-offline --loglevel=error
    WORKING_DIRECTORY ${LUXC_NOBLE_DIR}
    RESULT_VARIABLE _luxc_noble_rc ERROR_VARIABLE _luxc_noble_err TIMEOUT 300)
  if(_luxc_noble_rc EQUAL 0)
    file(GLOB _luxc_noble_old ${LUXC_NOBLE_DIR}/installed-*.stamp)
    if(_luxc_noble_old)
      file(REMOVE ${_luxc_noble_old})
    endif()
    file(WRITE ${_luxc_noble_stamp} "npm ci ok\n")
  else()
    message(WARNING "noble: npm ci failed (rc=${_luxc_noble_rc}); "
                    "crypto_noble_crosscheck will fail: ${_luxc_noble_err}")
  endif()
endif()
add_test(NAME crypto_noble_crosscheck
         COMMAND sh ${CMAKE_SOURCE_DIR}/tests/crypto/noble_crosscheck.sh
                 $<TARGET_FILE:crypto_noble_helper> ${LUXC_NOBLE_DIR}
                 ${CMAKE_SOURCE_DIR}/tests/crypto/noble_crosscheck.mjs)
set_tests_properties(crypto_noble_crosscheck PROPERTIES LABELS crypto TIMEOUT 300
                     SKIP_RETURN_CODE 77)

# test_keccak4x / test_mldsa_ntt compare our samplers and NTT with PQClean's
# internal functions, so they see the library-internal headers (src/crypto) and ML-DSA's.
foreach(t crypto_test_keccak4x crypto_test_mldsa_ntt)
  if(TARGET ${t})
    target_include_directories(${t} PRIVATE ${CMAKE_SOURCE_DIR}/src/crypto
                               ${LUXC_PQCLEAN_SIGN_DIR})
  endif()
endforeach()
