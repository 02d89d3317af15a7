/* hash.c - the luxc digest: BLAKE2b-256 (RFC 7693) via libsodium.
 * Owns: luxc_hash, used for ids, roots and transcript hashes. */
#include "luxc/crypto.h"

#include <sodium.h>

_Static_assert(LUXC_HASH_BYTES >= crypto_generichash_BYTES_MIN &&
               LUXC_HASH_BYTES <= crypto_generichash_BYTES_MAX, "hash size");

size_t luxc_hash_bytes(void) { return LUXC_HASH_BYTES; }

int luxc_hash(uint8_t out[LUXC_HASH_BYTES], const uint8_t *m, size_t mlen)
{
    if (m == NULL && mlen != 0)
        return LUXC_EINVAL;
    crypto_generichash(out, LUXC_HASH_BYTES, m, mlen, NULL, 0);
    return LUXC_OK;
}
