/* mldsa.c - ML-DSA-65 (FIPS 204): key generation, signing, verification.
 * Owns: the FIPS 204 algorithms as steps over PQClean's ml-dsa-65/clean
 * arithmetic (NTT, sampling, rounding, packing): KeyGen_internal (Alg. 6)
 * from a caller's xi, Sign_internal (Alg. 7) with a caller's rnd or an
 * external mu, Verify_internal (Alg. 8), and the external "pure" interface
 * ML-DSA.Sign/Verify (Alg. 2/3) with M' = 0x00 || len(ctx) || ctx || M.
 * Not here: the hybrid with Ed25519 (hsign.c).
 *
 * Why not PQClean's crypto_sign_*: those draw xi and rnd from randombytes
 * and always frame M'; deterministic key generation, caller-chosen rnd, the
 * internal interface and external mu (all needed for the ACVP vectors) are
 * not reachable through them. Writing the algorithm steps here, over the
 * same PQClean primitives, needs no global or thread-local override of the
 * random source. tests/crypto/test_mldsa.c also checks our signatures with
 * PQClean's own verifier and vice versa.
 *
 * Secrets (s1, s2, t0, K, rho', y, ...) are wiped before returning. */
#include "luxc/crypto.h"

#include <string.h>

#include <sodium.h>

#include "fips202.h"
#include "mldsa_expand.h"
#include "mldsa_ntt.h"
#include "packing.h"
#include "params.h"
#include "poly.h"
#include "polyvec.h"
#include "sign.h"

_Static_assert(LUXC_MLDSA_PUBLICKEYBYTES == PQCLEAN_MLDSA65_CLEAN_CRYPTO_PUBLICKEYBYTES, "pk size");
_Static_assert(LUXC_MLDSA_SECRETKEYBYTES == PQCLEAN_MLDSA65_CLEAN_CRYPTO_SECRETKEYBYTES, "sk size");
_Static_assert(LUXC_MLDSA_BYTES == PQCLEAN_MLDSA65_CLEAN_CRYPTO_BYTES, "sig size");
_Static_assert(LUXC_MLDSA_SEEDBYTES == SEEDBYTES, "xi size");
_Static_assert(LUXC_MLDSA_RNDBYTES == RNDBYTES, "rnd size");
_Static_assert(LUXC_MLDSA_MUBYTES == CRHBYTES, "mu size");

/* NTTs of whole vectors with our vectorizable NTT (mldsa_ntt.c). */
static void vl_ntt(polyvecl *v)
{
    for (unsigned i = 0; i < L; i++)
        luxc_mldsa_ntt(v->vec[i].coeffs);
}
static void vk_ntt(polyveck *v)
{
    for (unsigned i = 0; i < K; i++)
        luxc_mldsa_ntt(v->vec[i].coeffs);
}
static void vl_invntt(polyvecl *v)
{
    for (unsigned i = 0; i < L; i++)
        luxc_mldsa_invntt_tomont(v->vec[i].coeffs);
}
static void vk_invntt(polyveck *v)
{
    for (unsigned i = 0; i < K; i++)
        luxc_mldsa_invntt_tomont(v->vec[i].coeffs);
}

size_t luxc_mldsa_publickeybytes(void) { return LUXC_MLDSA_PUBLICKEYBYTES; }
size_t luxc_mldsa_secretkeybytes(void) { return LUXC_MLDSA_SECRETKEYBYTES; }
size_t luxc_mldsa_bytes(void) { return LUXC_MLDSA_BYTES; }

/* FIPS 204 Alg. 6, ML-DSA.KeyGen_internal(xi). */
int luxc_mldsa_keypair_from_seed(uint8_t pk[LUXC_MLDSA_PUBLICKEYBYTES],
                                 uint8_t sk[LUXC_MLDSA_SECRETKEYBYTES],
                                 const uint8_t seed[LUXC_MLDSA_SEEDBYTES])
{
    struct {
        uint8_t seedbuf[2 * SEEDBYTES + CRHBYTES]; /* rho || rho' || K */
        uint8_t tr[TRBYTES];
        polyvecl mat[K];
        polyvecl s1, s1hat;
        polyveck s2, t1, t0;
    } w;
    uint8_t in[SEEDBYTES + 2];

    memcpy(in, seed, SEEDBYTES);
    in[SEEDBYTES] = K; /* H(xi || IntegerToBytes(k,1) || IntegerToBytes(l,1)) */
    in[SEEDBYTES + 1] = L;
    shake256(w.seedbuf, sizeof w.seedbuf, in, sizeof in);
    const uint8_t *rho = w.seedbuf, *rhoprime = rho + SEEDBYTES;
    const uint8_t *key = rhoprime + CRHBYTES;

    luxc_mldsa_expand_a(w.mat, rho);
    PQCLEAN_MLDSA65_CLEAN_polyvecl_uniform_eta(&w.s1, rhoprime, 0);
    PQCLEAN_MLDSA65_CLEAN_polyveck_uniform_eta(&w.s2, rhoprime, L);

    /* t = NTT^-1(A_hat o NTT(s1)) + s2 */
    w.s1hat = w.s1;
    vl_ntt(&w.s1hat);
    PQCLEAN_MLDSA65_CLEAN_polyvec_matrix_pointwise_montgomery(&w.t1, w.mat, &w.s1hat);
    PQCLEAN_MLDSA65_CLEAN_polyveck_reduce(&w.t1);
    vk_invntt(&w.t1);
    PQCLEAN_MLDSA65_CLEAN_polyveck_add(&w.t1, &w.t1, &w.s2);

    /* (t1, t0) = Power2Round(t); pk = pkEncode(rho, t1); tr = H(pk, 64) */
    PQCLEAN_MLDSA65_CLEAN_polyveck_caddq(&w.t1);
    PQCLEAN_MLDSA65_CLEAN_polyveck_power2round(&w.t1, &w.t0, &w.t1);
    PQCLEAN_MLDSA65_CLEAN_pack_pk(pk, rho, &w.t1);
    shake256(w.tr, TRBYTES, pk, LUXC_MLDSA_PUBLICKEYBYTES);
    PQCLEAN_MLDSA65_CLEAN_pack_sk(sk, rho, w.tr, key, &w.t0, &w.s1, &w.s2);

    sodium_memzero(&w, sizeof w);
    sodium_memzero(in, sizeof in);
    return LUXC_OK;
}

int luxc_mldsa_keypair(uint8_t pk[LUXC_MLDSA_PUBLICKEYBYTES],
                       uint8_t sk[LUXC_MLDSA_SECRETKEYBYTES])
{
    uint8_t xi[SEEDBYTES];
    randombytes_buf(xi, sizeof xi);
    int rc = luxc_mldsa_keypair_from_seed(pk, sk, xi);
    sodium_memzero(xi, sizeof xi);
    return rc;
}

/* Sign_internal's working set: the expanded key, the current attempt. */
typedef struct sign_work {
    uint8_t rho[SEEDBYTES], tr[TRBYTES], key[SEEDBYTES];
    uint8_t rhoprime[CRHBYTES];
    uint8_t w1buf[K * POLYW1_PACKEDBYTES];
    uint8_t ctilde[CTILDEBYTES];
    polyvecl mat[K], s1, y, z;
    polyveck t0, s2, w1, w0, h;
    poly cp;
    shake256incctx st;
} sign_work;

/* One pass of FIPS 204 Alg. 7's rejection loop (lines 11-31) with mask
 * counter kappa. Returns 1 if (c~, z, h) in w is a signature, 0 to retry. */
static int sign_attempt(sign_work *w, const uint8_t mu[CRHBYTES], uint16_t kappa)
{
    /* y = ExpandMask(rho'', kappa); w = NTT^-1(A_hat o NTT(y)) */
    luxc_mldsa_expand_mask(&w->y, w->rhoprime, kappa);
    w->z = w->y;
    vl_ntt(&w->z);
    PQCLEAN_MLDSA65_CLEAN_polyvec_matrix_pointwise_montgomery(&w->w1, w->mat, &w->z);
    PQCLEAN_MLDSA65_CLEAN_polyveck_reduce(&w->w1);
    vk_invntt(&w->w1);

    /* w1 = HighBits(w); c~ = H(mu || w1Encode(w1), lambda/4) */
    PQCLEAN_MLDSA65_CLEAN_polyveck_caddq(&w->w1);
    PQCLEAN_MLDSA65_CLEAN_polyveck_decompose(&w->w1, &w->w0, &w->w1);
    PQCLEAN_MLDSA65_CLEAN_polyveck_pack_w1(w->w1buf, &w->w1);
    shake256_inc_init(&w->st);
    shake256_inc_absorb(&w->st, mu, CRHBYTES);
    shake256_inc_absorb(&w->st, w->w1buf, sizeof w->w1buf);
    shake256_inc_finalize(&w->st);
    shake256_inc_squeeze(w->ctilde, CTILDEBYTES, &w->st);
    PQCLEAN_MLDSA65_CLEAN_poly_challenge(&w->cp, w->ctilde);
    luxc_mldsa_ntt(w->cp.coeffs);

    /* z = y + c*s1; reject if ||z||inf >= gamma1 - beta */
    PQCLEAN_MLDSA65_CLEAN_polyvecl_pointwise_poly_montgomery(&w->z, &w->cp, &w->s1);
    vl_invntt(&w->z);
    PQCLEAN_MLDSA65_CLEAN_polyvecl_add(&w->z, &w->z, &w->y);
    PQCLEAN_MLDSA65_CLEAN_polyvecl_reduce(&w->z);
    if (PQCLEAN_MLDSA65_CLEAN_polyvecl_chknorm(&w->z, GAMMA1 - BETA))
        return 0;

    /* r0 = LowBits(w - c*s2); reject if ||r0||inf >= gamma2 - beta */
    PQCLEAN_MLDSA65_CLEAN_polyveck_pointwise_poly_montgomery(&w->h, &w->cp, &w->s2);
    vk_invntt(&w->h);
    PQCLEAN_MLDSA65_CLEAN_polyveck_sub(&w->w0, &w->w0, &w->h);
    PQCLEAN_MLDSA65_CLEAN_polyveck_reduce(&w->w0);
    if (PQCLEAN_MLDSA65_CLEAN_polyveck_chknorm(&w->w0, GAMMA2 - BETA))
        return 0;

    /* h = MakeHint(-c*t0, w - c*s2 + c*t0); reject on ||c*t0|| or weight */
    PQCLEAN_MLDSA65_CLEAN_polyveck_pointwise_poly_montgomery(&w->h, &w->cp, &w->t0);
    vk_invntt(&w->h);
    PQCLEAN_MLDSA65_CLEAN_polyveck_reduce(&w->h);
    if (PQCLEAN_MLDSA65_CLEAN_polyveck_chknorm(&w->h, GAMMA2))
        return 0;
    PQCLEAN_MLDSA65_CLEAN_polyveck_add(&w->w0, &w->w0, &w->h);
    return PQCLEAN_MLDSA65_CLEAN_polyveck_make_hint(&w->h, &w->w0, &w->w1) <= OMEGA;
}

/* FIPS 204 Alg. 7 from line 7 on: Sign_internal given mu = H(tr || M', 64). */
static void sign_mu(uint8_t sig[LUXC_MLDSA_BYTES], const uint8_t mu[CRHBYTES],
                    const uint8_t sk[LUXC_MLDSA_SECRETKEYBYTES],
                    const uint8_t rnd[RNDBYTES])
{
    sign_work w;

    PQCLEAN_MLDSA65_CLEAN_unpack_sk(w.rho, w.tr, w.key, &w.t0, &w.s1, &w.s2, sk);

    /* rho'' = H(K || rnd || mu, 64) */
    shake256_inc_init(&w.st);
    shake256_inc_absorb(&w.st, w.key, SEEDBYTES);
    shake256_inc_absorb(&w.st, rnd, RNDBYTES);
    shake256_inc_absorb(&w.st, mu, CRHBYTES);
    shake256_inc_finalize(&w.st);
    shake256_inc_squeeze(w.rhoprime, CRHBYTES, &w.st);

    luxc_mldsa_expand_a(w.mat, w.rho);
    vl_ntt(&w.s1);
    vk_ntt(&w.s2);
    vk_ntt(&w.t0);

    /* kappa advances by l per attempt (a 16-bit counter, as in PQClean;
     * 13,107 rejections in a row have probability ~0.8^13107). */
    for (uint16_t kappa = 0; !sign_attempt(&w, mu, kappa); kappa = (uint16_t)(kappa + L))
        ;
    PQCLEAN_MLDSA65_CLEAN_pack_sig(sig, w.ctilde, &w.z, &w.h);
    sodium_memzero(&w, sizeof w);
}

/* FIPS 204 Alg. 8 from line 6 on: Verify_internal given mu. 0 = valid. */
static int verify_mu(const uint8_t sig[LUXC_MLDSA_BYTES], const uint8_t mu[CRHBYTES],
                     const uint8_t pk[LUXC_MLDSA_PUBLICKEYBYTES])
{
    struct {
        uint8_t w1buf[K * POLYW1_PACKEDBYTES];
        uint8_t rho[SEEDBYTES];
        uint8_t c[CTILDEBYTES], c2[CTILDEBYTES];
        poly cp;
        polyvecl mat[K], z;
        polyveck t1, w1, h;
        shake256incctx st;
    } w;

    PQCLEAN_MLDSA65_CLEAN_unpack_pk(w.rho, &w.t1, pk);
    /* sigDecode; a malformed hint (h = bottom) fails. */
    if (PQCLEAN_MLDSA65_CLEAN_unpack_sig(w.c, &w.z, &w.h, sig))
        return -1;
    if (PQCLEAN_MLDSA65_CLEAN_polyvecl_chknorm(&w.z, GAMMA1 - BETA))
        return -1;

    /* w'Approx = NTT^-1(A_hat o NTT(z) - NTT(c) o NTT(t1 * 2^d)) */
    PQCLEAN_MLDSA65_CLEAN_poly_challenge(&w.cp, w.c);
    luxc_mldsa_expand_a(w.mat, w.rho);
    vl_ntt(&w.z);
    PQCLEAN_MLDSA65_CLEAN_polyvec_matrix_pointwise_montgomery(&w.w1, w.mat, &w.z);
    luxc_mldsa_ntt(w.cp.coeffs);
    PQCLEAN_MLDSA65_CLEAN_polyveck_shiftl(&w.t1);
    vk_ntt(&w.t1);
    PQCLEAN_MLDSA65_CLEAN_polyveck_pointwise_poly_montgomery(&w.t1, &w.cp, &w.t1);
    PQCLEAN_MLDSA65_CLEAN_polyveck_sub(&w.w1, &w.w1, &w.t1);
    PQCLEAN_MLDSA65_CLEAN_polyveck_reduce(&w.w1);
    vk_invntt(&w.w1);

    /* w1' = UseHint(h, w'Approx); c~' = H(mu || w1Encode(w1'), lambda/4) */
    PQCLEAN_MLDSA65_CLEAN_polyveck_caddq(&w.w1);
    PQCLEAN_MLDSA65_CLEAN_polyveck_use_hint(&w.w1, &w.w1, &w.h);
    PQCLEAN_MLDSA65_CLEAN_polyveck_pack_w1(w.w1buf, &w.w1);
    shake256_inc_init(&w.st);
    shake256_inc_absorb(&w.st, mu, CRHBYTES);
    shake256_inc_absorb(&w.st, w.w1buf, sizeof w.w1buf);
    shake256_inc_finalize(&w.st);
    shake256_inc_squeeze(w.c2, CTILDEBYTES, &w.st);
    /* Public data: a plain comparison is fine, but keep it branch-free. */
    return sodium_memcmp(w.c, w.c2, CTILDEBYTES) == 0 ? 0 : -1;
}

/* mu = H(tr || prefix || M, 64) where tr = H(pk, 64) (or taken from sk). */
static void compute_mu(uint8_t mu[CRHBYTES], const uint8_t tr[TRBYTES],
                       const uint8_t *prefix, size_t prefixlen,
                       const uint8_t *ctx, size_t ctxlen,
                       const uint8_t *m, size_t mlen)
{
    shake256incctx st;
    shake256_inc_init(&st);
    shake256_inc_absorb(&st, tr, TRBYTES);
    shake256_inc_absorb(&st, prefix, prefixlen);
    shake256_inc_absorb(&st, ctx, ctxlen);
    shake256_inc_absorb(&st, m, mlen);
    shake256_inc_finalize(&st);
    shake256_inc_squeeze(mu, CRHBYTES, &st);
    shake256_inc_ctx_release(&st);
}

/* tr sits in sk after rho and K (skEncode, FIPS 204 Alg. 24). */
static const uint8_t *sk_tr(const uint8_t sk[LUXC_MLDSA_SECRETKEYBYTES])
{
    return sk + 2 * SEEDBYTES;
}

static int check_buf(const void *p, size_t len)
{
    return (p == NULL && len != 0) ? LUXC_EINVAL : LUXC_OK;
}

int luxc_mldsa_sign_derand(uint8_t sig[LUXC_MLDSA_BYTES], const uint8_t *m,
                           size_t mlen, const uint8_t *ctx, size_t ctxlen,
                           const uint8_t sk[LUXC_MLDSA_SECRETKEYBYTES],
                           const uint8_t rnd[LUXC_MLDSA_RNDBYTES])
{
    if (check_buf(m, mlen) || check_buf(ctx, ctxlen))
        return LUXC_EINVAL;
    if (ctxlen > LUXC_MLDSA_CONTEXTMAX)
        return LUXC_ETOOBIG;
    uint8_t mu[CRHBYTES];
    const uint8_t prefix[2] = {0, (uint8_t)ctxlen}; /* M' = 0 || len(ctx) || ctx || M */
    compute_mu(mu, sk_tr(sk), prefix, sizeof prefix, ctx, ctxlen, m, mlen);
    sign_mu(sig, mu, sk, rnd);
    sodium_memzero(mu, sizeof mu);
    return LUXC_OK;
}

int luxc_mldsa_sign(uint8_t sig[LUXC_MLDSA_BYTES], const uint8_t *m, size_t mlen,
                    const uint8_t *ctx, size_t ctxlen,
                    const uint8_t sk[LUXC_MLDSA_SECRETKEYBYTES])
{
    uint8_t rnd[RNDBYTES];
    randombytes_buf(rnd, sizeof rnd);
    int rc = luxc_mldsa_sign_derand(sig, m, mlen, ctx, ctxlen, sk, rnd);
    sodium_memzero(rnd, sizeof rnd);
    return rc;
}

int luxc_mldsa_verify(const uint8_t sig[LUXC_MLDSA_BYTES], const uint8_t *m,
                      size_t mlen, const uint8_t *ctx, size_t ctxlen,
                      const uint8_t pk[LUXC_MLDSA_PUBLICKEYBYTES])
{
    if (check_buf(m, mlen) || check_buf(ctx, ctxlen))
        return LUXC_EINVAL;
    if (ctxlen > LUXC_MLDSA_CONTEXTMAX)
        return LUXC_ETOOBIG;
    uint8_t tr[TRBYTES], mu[CRHBYTES];
    const uint8_t prefix[2] = {0, (uint8_t)ctxlen};
    shake256(tr, TRBYTES, pk, LUXC_MLDSA_PUBLICKEYBYTES);
    compute_mu(mu, tr, prefix, sizeof prefix, ctx, ctxlen, m, mlen);
    return verify_mu(sig, mu, pk) == 0 ? LUXC_OK : LUXC_EAUTH;
}

int luxc_mldsa_sign_internal(uint8_t sig[LUXC_MLDSA_BYTES], const uint8_t *mp,
                             size_t mplen,
                             const uint8_t sk[LUXC_MLDSA_SECRETKEYBYTES],
                             const uint8_t rnd[LUXC_MLDSA_RNDBYTES])
{
    if (check_buf(mp, mplen))
        return LUXC_EINVAL;
    uint8_t mu[CRHBYTES];
    compute_mu(mu, sk_tr(sk), NULL, 0, NULL, 0, mp, mplen);
    sign_mu(sig, mu, sk, rnd);
    sodium_memzero(mu, sizeof mu);
    return LUXC_OK;
}

int luxc_mldsa_verify_internal(const uint8_t sig[LUXC_MLDSA_BYTES],
                               const uint8_t *mp, size_t mplen,
                               const uint8_t pk[LUXC_MLDSA_PUBLICKEYBYTES])
{
    if (check_buf(mp, mplen))
        return LUXC_EINVAL;
    uint8_t tr[TRBYTES], mu[CRHBYTES];
    shake256(tr, TRBYTES, pk, LUXC_MLDSA_PUBLICKEYBYTES);
    compute_mu(mu, tr, NULL, 0, NULL, 0, mp, mplen);
    return verify_mu(sig, mu, pk) == 0 ? LUXC_OK : LUXC_EAUTH;
}

int luxc_mldsa_sign_mu(uint8_t sig[LUXC_MLDSA_BYTES],
                       const uint8_t mu[LUXC_MLDSA_MUBYTES],
                       const uint8_t sk[LUXC_MLDSA_SECRETKEYBYTES],
                       const uint8_t rnd[LUXC_MLDSA_RNDBYTES])
{
    sign_mu(sig, mu, sk, rnd);
    return LUXC_OK;
}

int luxc_mldsa_verify_mu(const uint8_t sig[LUXC_MLDSA_BYTES],
                         const uint8_t mu[LUXC_MLDSA_MUBYTES],
                         const uint8_t pk[LUXC_MLDSA_PUBLICKEYBYTES])
{
    return verify_mu(sig, mu, pk) == 0 ? LUXC_OK : LUXC_EAUTH;
}

int luxc_mldsa_mu(uint8_t mu[LUXC_MLDSA_MUBYTES], const uint8_t *m, size_t mlen,
                  const uint8_t *ctx, size_t ctxlen,
                  const uint8_t pk[LUXC_MLDSA_PUBLICKEYBYTES])
{
    if (check_buf(m, mlen) || check_buf(ctx, ctxlen))
        return LUXC_EINVAL;
    if (ctxlen > LUXC_MLDSA_CONTEXTMAX)
        return LUXC_ETOOBIG;
    uint8_t tr[TRBYTES];
    const uint8_t prefix[2] = {0, (uint8_t)ctxlen};
    shake256(tr, TRBYTES, pk, LUXC_MLDSA_PUBLICKEYBYTES);
    compute_mu(mu, tr, prefix, sizeof prefix, ctx, ctxlen, m, mlen);
    return LUXC_OK;
}
