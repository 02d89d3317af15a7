/* aead.c - authenticated encryption: XChaCha20-Poly1305 (IETF) via libsodium.
 * Owns: luxc_aead_seal / luxc_aead_open (combined mode: ciphertext || tag).
 * The 192-bit nonce may be random or a counter; the caller (net record
 * layer) guarantees it is never reused under one key. */
#include "luxc/crypto.h"

#include <sodium.h>

_Static_assert(LUXC_AEAD_KEYBYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES, "key");
_Static_assert(LUXC_AEAD_NONCEBYTES == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, "nonce");
_Static_assert(LUXC_AEAD_TAGBYTES == crypto_aead_xchacha20poly1305_ietf_ABYTES, "tag");

size_t luxc_aead_keybytes(void) { return LUXC_AEAD_KEYBYTES; }
size_t luxc_aead_noncebytes(void) { return LUXC_AEAD_NONCEBYTES; }
size_t luxc_aead_tagbytes(void) { return LUXC_AEAD_TAGBYTES; }

int luxc_aead_seal(uint8_t *c, size_t *clen, const uint8_t *m, size_t mlen,
                   const uint8_t *ad, size_t adlen,
                   const uint8_t nonce[LUXC_AEAD_NONCEBYTES],
                   const uint8_t key[LUXC_AEAD_KEYBYTES])
{
    *clen = 0;
    if ((m == NULL && mlen != 0) || (ad == NULL && adlen != 0))
        return LUXC_EINVAL;
    if (mlen > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX)
        return LUXC_ETOOBIG;
    unsigned long long cl = 0;
    if (crypto_aead_xchacha20poly1305_ietf_encrypt(c, &cl, m, mlen, ad, adlen,
                                                   NULL, nonce, key) != 0)
        return LUXC_ECRYPTO;
    *clen = (size_t)cl;
    return LUXC_OK;
}

int luxc_aead_open(uint8_t *m, size_t *mlen, const uint8_t *c, size_t clen,
                   const uint8_t *ad, size_t adlen,
                   const uint8_t nonce[LUXC_AEAD_NONCEBYTES],
                   const uint8_t key[LUXC_AEAD_KEYBYTES])
{
    *mlen = 0;
    if (ad == NULL && adlen != 0)
        return LUXC_EINVAL;
    if (clen < LUXC_AEAD_TAGBYTES)
        return LUXC_ETRUNC;
    if (c == NULL)
        return LUXC_EINVAL;
    unsigned long long ml = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(m, &ml, NULL, c, clen, ad,
                                                   adlen, nonce, key) != 0) {
        sodium_memzero(m, clen - LUXC_AEAD_TAGBYTES);
        return LUXC_EAUTH;
    }
    *mlen = (size_t)ml;
    return LUXC_OK;
}
