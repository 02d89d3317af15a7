// consumer.cpp - the same checks from C++17 (tests/system/install_test.sh):
// the headers compile as C++ and link without name mangling.
#include <luxc.h>

#include <array>
#include <cstdio>
#include <string>

int main()
{
    if (luxc_crypto_init() != LUXC_OK)
        return 1;
    static std::array<uint8_t, LUXC_MLDSA_PUBLICKEYBYTES> pk;
    static std::array<uint8_t, LUXC_MLDSA_SECRETKEYBYTES> sk;
    static std::array<uint8_t, LUXC_MLDSA_BYTES> sig;
    const std::string msg = "block 1";
    const auto *m = reinterpret_cast<const uint8_t *>(msg.data());
    if (luxc_mldsa_keypair(pk.data(), sk.data()) != LUXC_OK ||
        luxc_mldsa_sign(sig.data(), m, msg.size(), nullptr, 0, sk.data()) != LUXC_OK ||
        luxc_mldsa_verify(sig.data(), m, msg.size(), nullptr, 0, pk.data()) != LUXC_OK)
        return 1;
    if (std::string(luxc_strerror(LUXC_EAUTH)).empty() || luxc_ai_sigmoid(0.0) != 0.5)
        return 1;
    std::printf("C++17 consumer ok: luxc %s\n", luxc_version());
    return 0;
}
