/* kdf.c - key derivation: keyed BLAKE2b with a purpose label.
 * Owns: luxc_kdf. Construction (extract, then expand-by-label):
 *   k   = BLAKE2b-256(ikm)                         (LUXC_KDF_KEYBYTES)
 *   out = BLAKE2b-outlen(key = k, label || 0x00 || info)
 * The label's NUL terminator is hashed too, so (label, info) pairs can never
 * collide ("a" + "bc" vs "ab" + "c"). Outputs are 16..64 bytes, BLAKE2b's
 * range for a full-strength keyed output. k is wiped before returning. */
#include "luxc/crypto.h"

#include <string.h>

#include <sodium.h>

int luxc_kdf(uint8_t *out, size_t outlen, const uint8_t *ikm, size_t ikmlen,
             const char *label, const uint8_t *info, size_t infolen)
{
    if (outlen < 16 || outlen > 64 || (info == NULL && infolen != 0)) {
        if (outlen <= 64)
            sodium_memzero(out, outlen);
        return LUXC_EINVAL;
    }
    uint8_t k[LUXC_KDF_KEYBYTES];
    crypto_generichash_state st;

    crypto_generichash(k, sizeof k, ikm, ikmlen, NULL, 0);
    crypto_generichash_init(&st, k, sizeof k, outlen);
    crypto_generichash_update(&st, (const uint8_t *)label, strlen(label) + 1);
    if (infolen > 0)
        crypto_generichash_update(&st, info, infolen);
    crypto_generichash_final(&st, out, outlen);
    sodium_memzero(k, sizeof k);
    sodium_memzero(&st, sizeof st);
    return LUXC_OK;
}
