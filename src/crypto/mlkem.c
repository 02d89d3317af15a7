/* mlkem.c - ML-KEM-768 (FIPS 203): key generation, encapsulation,
 * decapsulation and the s7.2 / s7.3 input checks.
 * Owns: the luxc API over PQClean's ml-kem-768/clean kem.c, whose *_derand
 * functions are exactly KeyGen_internal(d, z) (Alg. 16) and
 * Encaps_internal(ek, m) (Alg. 17); crypto_kem_dec is Decaps_internal
 * (Alg. 18) with implicit rejection. Randomness for the randomized forms
 * (Alg. 19/20) is libsodium's randombytes_buf.
 * Not here: the hybrid with X25519 (hkx.c). */
#include "luxc/crypto.h"

#include <string.h>

#include <sodium.h>

#include "fips202.h"
#include "kem.h"
#include "params.h"

_Static_assert(LUXC_MLKEM_PUBLICKEYBYTES == KYBER_PUBLICKEYBYTES, "ek size");
_Static_assert(LUXC_MLKEM_SECRETKEYBYTES == KYBER_SECRETKEYBYTES, "dk size");
_Static_assert(LUXC_MLKEM_CIPHERTEXTBYTES == KYBER_CIPHERTEXTBYTES, "ct size");
_Static_assert(LUXC_MLKEM_SHAREDBYTES == KYBER_SSBYTES, "ss size");
_Static_assert(LUXC_MLKEM_SEEDBYTES == 2 * KYBER_SYMBYTES, "d||z size");
_Static_assert(LUXC_MLKEM_COINBYTES == KYBER_SYMBYTES, "m size");

size_t luxc_mlkem_publickeybytes(void) { return LUXC_MLKEM_PUBLICKEYBYTES; }
size_t luxc_mlkem_secretkeybytes(void) { return LUXC_MLKEM_SECRETKEYBYTES; }
size_t luxc_mlkem_ciphertextbytes(void) { return LUXC_MLKEM_CIPHERTEXTBYTES; }
size_t luxc_mlkem_sharedbytes(void) { return LUXC_MLKEM_SHAREDBYTES; }

int luxc_mlkem_keypair_from_seed(uint8_t pk[LUXC_MLKEM_PUBLICKEYBYTES],
                                 uint8_t sk[LUXC_MLKEM_SECRETKEYBYTES],
                                 const uint8_t seed[LUXC_MLKEM_SEEDBYTES])
{
    PQCLEAN_MLKEM768_CLEAN_crypto_kem_keypair_derand(pk, sk, seed);
    return LUXC_OK;
}

int luxc_mlkem_keypair(uint8_t pk[LUXC_MLKEM_PUBLICKEYBYTES],
                       uint8_t sk[LUXC_MLKEM_SECRETKEYBYTES])
{
    uint8_t seed[LUXC_MLKEM_SEEDBYTES];
    randombytes_buf(seed, sizeof seed);
    PQCLEAN_MLKEM768_CLEAN_crypto_kem_keypair_derand(pk, sk, seed);
    sodium_memzero(seed, sizeof seed);
    return LUXC_OK;
}

/* FIPS 203 s7.2 modulus check: ByteEncode12(ByteDecode12(ek)) == ek, i.e.
 * every 12-bit coefficient of the k*384-byte vector part is < q. Written
 * out because PQClean's polyvec_frombytes/tobytes pair does not reduce, so
 * its round trip would accept an out-of-range coefficient. Constant time. */
int luxc_mlkem_check_pk(const uint8_t pk[LUXC_MLKEM_PUBLICKEYBYTES])
{
    uint32_t bad = 0;
    for (size_t i = 0; i < KYBER_POLYVECBYTES; i += 3) {
        uint32_t a = (uint32_t)pk[i] | ((uint32_t)(pk[i + 1] & 0x0f) << 8);
        uint32_t b = ((uint32_t)pk[i + 1] >> 4) | ((uint32_t)pk[i + 2] << 4);
        /* (x - q) >> 31 is 1 iff x < q (x < 2^12) */
        bad |= 1u ^ ((a - KYBER_Q) >> 31);
        bad |= 1u ^ ((b - KYBER_Q) >> 31);
    }
    return bad ? LUXC_EINVAL : LUXC_OK;
}

/* FIPS 203 s7.3 hash check: H(ek) stored in dk equals H of the ek stored
 * in dk (dk = dk_pke || ek || H(ek) || z). The sizes are fixed by type. */
int luxc_mlkem_check_sk(const uint8_t sk[LUXC_MLKEM_SECRETKEYBYTES])
{
    uint8_t h[KYBER_SYMBYTES];
    const uint8_t *ek = sk + KYBER_INDCPA_SECRETKEYBYTES;
    sha3_256(h, ek, KYBER_PUBLICKEYBYTES);
    int eq = sodium_memcmp(h, ek + KYBER_PUBLICKEYBYTES, KYBER_SYMBYTES);
    return eq == 0 ? LUXC_OK : LUXC_EINVAL;
}

int luxc_mlkem_encaps_derand(uint8_t ct[LUXC_MLKEM_CIPHERTEXTBYTES],
                             uint8_t ss[LUXC_MLKEM_SHAREDBYTES],
                             const uint8_t pk[LUXC_MLKEM_PUBLICKEYBYTES],
                             const uint8_t coins[LUXC_MLKEM_COINBYTES])
{
    if (luxc_mlkem_check_pk(pk) != LUXC_OK) {
        sodium_memzero(ss, LUXC_MLKEM_SHAREDBYTES);
        memset(ct, 0, LUXC_MLKEM_CIPHERTEXTBYTES);
        return LUXC_EINVAL;
    }
    PQCLEAN_MLKEM768_CLEAN_crypto_kem_enc_derand(ct, ss, pk, coins);
    return LUXC_OK;
}

int luxc_mlkem_encaps(uint8_t ct[LUXC_MLKEM_CIPHERTEXTBYTES],
                      uint8_t ss[LUXC_MLKEM_SHAREDBYTES],
                      const uint8_t pk[LUXC_MLKEM_PUBLICKEYBYTES])
{
    uint8_t m[LUXC_MLKEM_COINBYTES];
    randombytes_buf(m, sizeof m);
    int rc = luxc_mlkem_encaps_derand(ct, ss, pk, m);
    sodium_memzero(m, sizeof m);
    return rc;
}

int luxc_mlkem_decaps(uint8_t ss[LUXC_MLKEM_SHAREDBYTES],
                      const uint8_t ct[LUXC_MLKEM_CIPHERTEXTBYTES],
                      const uint8_t sk[LUXC_MLKEM_SECRETKEYBYTES])
{
    if (luxc_mlkem_check_sk(sk) != LUXC_OK) {
        sodium_memzero(ss, LUXC_MLKEM_SHAREDBYTES);
        return LUXC_EINVAL;
    }
    PQCLEAN_MLKEM768_CLEAN_crypto_kem_dec(ss, ct, sk);
    return LUXC_OK;
}
