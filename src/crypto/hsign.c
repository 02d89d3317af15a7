/* hsign.c - the hybrid signature: Ed25519 + ML-DSA-65, both must verify.
 * Owns: key, signature layout (ed25519 part || ml-dsa part) and the rule
 * that a hybrid signature is valid only if both halves are valid, so it
 * stays unforgeable while either scheme stands.
 * Binding of the context: ML-DSA signs (m, ctx) through FIPS 204's own
 * M' = 0 || len(ctx) || ctx || m; Ed25519 (pure, RFC 8032) signs
 * len(ctx) (1 byte) || ctx || m. That framed message is built on the stack
 * up to FRAME_STACK bytes, else in one malloc (LUXC_ENOMEM if that fails).
 * Not here: the primitives (mldsa.c, libsodium). */
#include "luxc/crypto.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

_Static_assert(LUXC_ED25519_PUBLICKEYBYTES == crypto_sign_ed25519_PUBLICKEYBYTES, "ed pk");
_Static_assert(LUXC_ED25519_SECRETKEYBYTES == crypto_sign_ed25519_SECRETKEYBYTES, "ed sk");
_Static_assert(LUXC_ED25519_SEEDBYTES == crypto_sign_ed25519_SEEDBYTES, "ed seed");
_Static_assert(LUXC_ED25519_BYTES == crypto_sign_ed25519_BYTES, "ed sig");
_Static_assert(LUXC_HSIGN_SEEDBYTES == LUXC_ED25519_SEEDBYTES + LUXC_MLDSA_SEEDBYTES, "seed");

#define FRAME_STACK 1024u

/* A framed Ed25519 message: len(ctx) || ctx || m. */
typedef struct frame {
    uint8_t stack[FRAME_STACK];
    uint8_t *p;
    size_t len;
} frame;

static int frame_build(frame *f, const uint8_t *m, size_t mlen,
                       const uint8_t *ctx, size_t ctxlen)
{
    if ((m == NULL && mlen != 0) || (ctx == NULL && ctxlen != 0))
        return LUXC_EINVAL;
    if (ctxlen > LUXC_MLDSA_CONTEXTMAX)
        return LUXC_ETOOBIG;
    if (mlen > SIZE_MAX - 1 - ctxlen)
        return LUXC_ETOOBIG;
    f->len = 1 + ctxlen + mlen;
    if (f->len <= FRAME_STACK) {
        f->p = f->stack;
    } else {
        f->p = malloc(f->len);
        if (f->p == NULL)
            return LUXC_ENOMEM;
    }
    f->p[0] = (uint8_t)ctxlen;
    if (ctxlen > 0)
        memcpy(f->p + 1, ctx, ctxlen);
    if (mlen > 0)
        memcpy(f->p + 1 + ctxlen, m, mlen);
    return LUXC_OK;
}

static void frame_free(frame *f)
{
    if (f->p != NULL && f->p != f->stack)
        free(f->p);
    f->p = NULL;
}

int luxc_hsign_keypair_from_seed(uint8_t pk[LUXC_HSIGN_PUBLICKEYBYTES],
                                 uint8_t sk[LUXC_HSIGN_SECRETKEYBYTES],
                                 const uint8_t seed[LUXC_HSIGN_SEEDBYTES])
{
    if (crypto_sign_ed25519_seed_keypair(pk, sk, seed) != 0) {
        sodium_memzero(sk, LUXC_HSIGN_SECRETKEYBYTES);
        return LUXC_ECRYPTO;
    }
    return luxc_mldsa_keypair_from_seed(pk + LUXC_ED25519_PUBLICKEYBYTES,
                                        sk + LUXC_ED25519_SECRETKEYBYTES,
                                        seed + LUXC_ED25519_SEEDBYTES);
}

int luxc_hsign_keypair(uint8_t pk[LUXC_HSIGN_PUBLICKEYBYTES],
                       uint8_t sk[LUXC_HSIGN_SECRETKEYBYTES])
{
    uint8_t seed[LUXC_HSIGN_SEEDBYTES];
    randombytes_buf(seed, sizeof seed);
    int rc = luxc_hsign_keypair_from_seed(pk, sk, seed);
    sodium_memzero(seed, sizeof seed);
    return rc;
}

int luxc_hsign_sign(uint8_t sig[LUXC_HSIGN_BYTES], const uint8_t *m, size_t mlen,
                    const uint8_t *ctx, size_t ctxlen,
                    const uint8_t sk[LUXC_HSIGN_SECRETKEYBYTES])
{
    frame f = {.p = NULL};
    int rc = frame_build(&f, m, mlen, ctx, ctxlen);
    if (rc != LUXC_OK)
        goto out;
    if (crypto_sign_ed25519_detached(sig, NULL, f.p, f.len, sk) != 0) {
        rc = LUXC_ECRYPTO;
        goto out;
    }
    rc = luxc_mldsa_sign(sig + LUXC_ED25519_BYTES, m, mlen, ctx, ctxlen,
                         sk + LUXC_ED25519_SECRETKEYBYTES);
out:
    frame_free(&f);
    if (rc != LUXC_OK)
        memset(sig, 0, LUXC_HSIGN_BYTES);
    return rc;
}

int luxc_hsign_verify(const uint8_t sig[LUXC_HSIGN_BYTES], const uint8_t *m,
                      size_t mlen, const uint8_t *ctx, size_t ctxlen,
                      const uint8_t pk[LUXC_HSIGN_PUBLICKEYBYTES])
{
    frame f = {.p = NULL};
    int rc = frame_build(&f, m, mlen, ctx, ctxlen);
    if (rc != LUXC_OK)
        goto out;
    /* Both halves are checked; either failing fails the whole. */
    int ed = crypto_sign_ed25519_verify_detached(sig, f.p, f.len, pk);
    int pq = luxc_mldsa_verify(sig + LUXC_ED25519_BYTES, m, mlen, ctx, ctxlen,
                               pk + LUXC_ED25519_PUBLICKEYBYTES);
    rc = (ed == 0 && pq == LUXC_OK) ? LUXC_OK : LUXC_EAUTH;
out:
    frame_free(&f);
    return rc;
}
