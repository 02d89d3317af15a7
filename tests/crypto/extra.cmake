# tests/crypto/extra.cmake - what the crypto tests need beyond luxc_crypto.
# Included from the root CMakeLists.txt after the crypto test programs exist.

# ACVP vectors: JSON via cJSON; HashML-DSA's pre-hash PH(M) via OpenSSL's
# libcrypto (an independent SHA-2/SHA-3 implementation) when it is present.
if(TARGET crypto_test_vectors)
  target_link_libraries(crypto_test_vectors PRIVATE PkgConfig::CJSON)
  pkg_check_modules(LUXC_LIBCRYPTO IMPORTED_TARGET libcrypto)
  if(LUXC_LIBCRYPTO_FOUND)
    target_link_libraries(crypto_test_vectors PRIVATE PkgConfig::LUXC_LIBCRYPTO)
    target_compile_definitions(crypto_test_vectors PRIVATE LUXC_HAVE_LIBCRYPTO=1)
  endif()
endif()
