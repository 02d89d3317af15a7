/* hkx.c - the hybrid key agreement: X25519 + ML-KEM-768, one round trip.
 * Owns: the message layout, the state kept by the initiator and the
 * derivation of the shared secret from both component secrets and the
 * transcript (see crypto.h):
 *   init_msg = X25519 pk_i (32) || ML-KEM ek (1184)
 *   resp_msg = X25519 pk_r (32) || ML-KEM ct (1088)
 *   th       = BLAKE2b-256(prologue || init_msg || resp_msg)
 *   secret   = luxc_kdf(x25519_ss || mlkem_ss, "luxc/hkx/v1", th), 64 bytes
 * The two messages have fixed sizes, so the concatenation in th is
 * unambiguous whatever the prologue's length. The secret is secure while
 * either X25519 or ML-KEM-768 holds. An all-zero X25519 output (the peer
 * sent a low-order point) is refused: libsodium's crypto_scalarmult returns
 * -1 for it and we answer LUXC_EAUTH. Every secret is wiped on every path.
 * Not here: authentication (the transport signs th with hsign). */
#include "luxc/crypto.h"

#include <string.h>

#include <sodium.h>

_Static_assert(LUXC_X25519_BYTES == crypto_scalarmult_curve25519_BYTES, "x25519");
_Static_assert(LUXC_X25519_BYTES == crypto_scalarmult_curve25519_SCALARBYTES, "x25519 sk");

#define HKX_LABEL "luxc/hkx/v1"

/* secret = KDF(xss || kss, label, BLAKE2b-256(prologue || init || resp)). */
static int derive(uint8_t secret[LUXC_HKX_SECRETBYTES],
                  const uint8_t xss[LUXC_X25519_BYTES],
                  const uint8_t kss[LUXC_MLKEM_SHAREDBYTES],
                  const uint8_t init_msg[LUXC_HKX_INITBYTES],
                  const uint8_t resp_msg[LUXC_HKX_RESPBYTES],
                  const uint8_t *prologue, size_t prologuelen)
{
    uint8_t ikm[LUXC_X25519_BYTES + LUXC_MLKEM_SHAREDBYTES];
    uint8_t th[LUXC_HASH_BYTES];
    crypto_generichash_state st;

    crypto_generichash_init(&st, NULL, 0, sizeof th);
    if (prologuelen > 0)
        crypto_generichash_update(&st, prologue, prologuelen);
    crypto_generichash_update(&st, init_msg, LUXC_HKX_INITBYTES);
    crypto_generichash_update(&st, resp_msg, LUXC_HKX_RESPBYTES);
    crypto_generichash_final(&st, th, sizeof th);

    memcpy(ikm, xss, LUXC_X25519_BYTES);
    memcpy(ikm + LUXC_X25519_BYTES, kss, LUXC_MLKEM_SHAREDBYTES);
    int rc = luxc_kdf(secret, LUXC_HKX_SECRETBYTES, ikm, sizeof ikm, HKX_LABEL,
                      th, sizeof th);
    sodium_memzero(ikm, sizeof ikm);
    sodium_memzero(&st, sizeof st);
    return rc;
}

void luxc_hkx_state_wipe(luxc_hkx_state *st)
{
    if (st != NULL)
        sodium_memzero(st, sizeof *st);
}

int luxc_hkx_initiate(luxc_hkx_state *st, uint8_t init_msg[LUXC_HKX_INITBYTES])
{
    randombytes_buf(st->x25519_sk, LUXC_X25519_BYTES);
    if (crypto_scalarmult_curve25519_base(init_msg, st->x25519_sk) != 0)
        goto fail;
    if (luxc_mlkem_keypair(init_msg + LUXC_X25519_BYTES, st->mlkem_sk) != LUXC_OK)
        goto fail;
    memcpy(st->init_msg, init_msg, LUXC_HKX_INITBYTES);
    return LUXC_OK;
fail:
    luxc_hkx_state_wipe(st);
    return LUXC_ECRYPTO;
}

int luxc_hkx_respond(uint8_t resp_msg[LUXC_HKX_RESPBYTES],
                     uint8_t secret[LUXC_HKX_SECRETBYTES],
                     const uint8_t init_msg[LUXC_HKX_INITBYTES],
                     const uint8_t *prologue, size_t prologuelen)
{
    uint8_t y[LUXC_X25519_BYTES], xss[LUXC_X25519_BYTES];
    uint8_t kss[LUXC_MLKEM_SHAREDBYTES];
    int rc;

    if (prologue == NULL && prologuelen != 0) {
        rc = LUXC_EINVAL;
        goto out;
    }
    randombytes_buf(y, sizeof y);
    if (crypto_scalarmult_curve25519_base(resp_msg, y) != 0) {
        rc = LUXC_ECRYPTO;
        goto out;
    }
    if (crypto_scalarmult_curve25519(xss, y, init_msg) != 0) {
        rc = LUXC_EAUTH; /* low-order point: all-zero shared secret */
        goto out;
    }
    /* LUXC_EINVAL if the ML-KEM key fails the FIPS 203 s7.2 check. */
    rc = luxc_mlkem_encaps(resp_msg + LUXC_X25519_BYTES, kss,
                           init_msg + LUXC_X25519_BYTES);
    if (rc != LUXC_OK)
        goto out;
    rc = derive(secret, xss, kss, init_msg, resp_msg, prologue, prologuelen);
out:
    sodium_memzero(y, sizeof y);
    sodium_memzero(xss, sizeof xss);
    sodium_memzero(kss, sizeof kss);
    if (rc != LUXC_OK) {
        sodium_memzero(secret, LUXC_HKX_SECRETBYTES);
        memset(resp_msg, 0, LUXC_HKX_RESPBYTES);
    }
    return rc;
}

int luxc_hkx_finish(luxc_hkx_state *st, uint8_t secret[LUXC_HKX_SECRETBYTES],
                    const uint8_t resp_msg[LUXC_HKX_RESPBYTES],
                    const uint8_t *prologue, size_t prologuelen)
{
    uint8_t xss[LUXC_X25519_BYTES], kss[LUXC_MLKEM_SHAREDBYTES];
    int rc;

    if (prologue == NULL && prologuelen != 0) {
        rc = LUXC_EINVAL;
        goto out;
    }
    if (crypto_scalarmult_curve25519(xss, st->x25519_sk, resp_msg) != 0) {
        rc = LUXC_EAUTH;
        goto out;
    }
    rc = luxc_mlkem_decaps(kss, resp_msg + LUXC_X25519_BYTES, st->mlkem_sk);
    if (rc != LUXC_OK)
        goto out;
    rc = derive(secret, xss, kss, st->init_msg, resp_msg, prologue, prologuelen);
out:
    sodium_memzero(xss, sizeof xss);
    sodium_memzero(kss, sizeof kss);
    luxc_hkx_state_wipe(st);
    if (rc != LUXC_OK)
        sodium_memzero(secret, LUXC_HKX_SECRETBYTES);
    return rc;
}
