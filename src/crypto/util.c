/* util.c - crypto layer start-up and the small helpers every primitive uses.
 * Owns: libsodium initialisation, OS randomness, constant-time compare,
 * wiping. All thin wrappers over libsodium (thread-safe). */
#include "luxc/crypto.h"

#include <sodium.h>

int luxc_crypto_init(void)
{
    /* 0 = initialised now, 1 = already initialised, -1 = failure. */
    return sodium_init() < 0 ? LUXC_ECRYPTO : LUXC_OK;
}

void luxc_randombytes(uint8_t *buf, size_t len)
{
    if (len > 0)
        randombytes_buf(buf, len);
}

int luxc_memeq_ct(const uint8_t *a, const uint8_t *b, size_t len)
{
    if (len == 0)
        return 0;
    return sodium_memcmp(a, b, len) == 0 ? 0 : -1;
}

void luxc_wipe(void *p, size_t len)
{
    if (p != NULL && len > 0)
        sodium_memzero(p, len);
}
