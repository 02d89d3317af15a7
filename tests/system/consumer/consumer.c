/* consumer.c - a program outside the tree, built against an installed
 * libluxc (tests/system/install_test.sh): the umbrella header, one call
 * into each layer, and an ML-DSA-65 sign/verify round trip. Prints one line
 * and exits 0 when every call behaved. */
#include <luxc.h>

#include <stdio.h>
#include <string.h>

int main(void)
{
    if (luxc_crypto_init() != LUXC_OK)
        return 1;
    static uint8_t pk[LUXC_MLDSA_PUBLICKEYBYTES], sk[LUXC_MLDSA_SECRETKEYBYTES];
    static uint8_t sig[LUXC_MLDSA_BYTES];
    const uint8_t msg[] = "block 1";
    if (luxc_mldsa_keypair(pk, sk) != LUXC_OK ||
        luxc_mldsa_sign(sig, msg, sizeof msg, NULL, 0, sk) != LUXC_OK ||
        luxc_mldsa_verify(sig, msg, sizeof msg, NULL, 0, pk) != LUXC_OK)
        return 1;
    sig[7] ^= 1;
    if (luxc_mldsa_verify(sig, msg, sizeof msg, NULL, 0, pk) != LUXC_EAUTH)
        return 1;
    double s = luxc_ai_sigmoid(0.0);
    if (s != 0.5 || strcmp(luxc_strerror(LUXC_EAUTH), "") == 0)
        return 1;
    printf("C consumer ok: luxc %s, ML-DSA-65 round trip, sigmoid(0)=%.1f\n",
           luxc_version(), s);
    return 0;
}
