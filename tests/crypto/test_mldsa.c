/* test_mldsa.c - ML-DSA-65 API: round trips, contexts, the internal and
 * external-mu entry points, determinism, every error path, and agreement
 * with PQClean's own crypto_sign_signature_ctx / verify_ctx (a second
 * implementation of the orchestration in src/crypto/mldsa.c). */
#include "luxc/crypto.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

/* PQClean's public entry points, compiled into luxc_crypto (api.h). */
int PQCLEAN_MLDSA65_CLEAN_crypto_sign_signature_ctx(uint8_t *sig, size_t *siglen,
                                                    const uint8_t *m, size_t mlen,
                                                    const uint8_t *ctx, size_t ctxlen,
                                                    const uint8_t *sk);
int PQCLEAN_MLDSA65_CLEAN_crypto_sign_verify_ctx(const uint8_t *sig, size_t siglen,
                                                 const uint8_t *m, size_t mlen,
                                                 const uint8_t *ctx, size_t ctxlen,
                                                 const uint8_t *pk);

static uint64_t seed;
static uint8_t pk[LUXC_MLDSA_PUBLICKEYBYTES], sk[LUXC_MLDSA_SECRETKEYBYTES];
static uint8_t pk2[LUXC_MLDSA_PUBLICKEYBYTES], sk2[LUXC_MLDSA_SECRETKEYBYTES];

static void fill(uint8_t *p, size_t n, uint64_t *st)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)luxc_test_rand(st);
}

static int setup(void **state)
{
    (void)state;
    uint8_t xi[32] = {7}, xi2[32] = {8};
    if (luxc_mldsa_keypair_from_seed(pk, sk, xi) != LUXC_OK)
        return -1;
    return luxc_mldsa_keypair_from_seed(pk2, sk2, xi2) == LUXC_OK ? 0 : -1;
}

static void test_sizes(void **state)
{
    (void)state;
    assert_int_equal(luxc_mldsa_publickeybytes(), 1952);
    assert_int_equal(luxc_mldsa_secretkeybytes(), 4032);
    assert_int_equal(luxc_mldsa_bytes(), 3309);
}

static void test_round_trip(void **state)
{
    (void)state;
    uint64_t st = seed;
    static uint8_t m[5000], ctx[255];
    uint8_t sig[LUXC_MLDSA_BYTES], rpk[LUXC_MLDSA_PUBLICKEYBYTES], rsk[LUXC_MLDSA_SECRETKEYBYTES];
    assert_int_equal(luxc_mldsa_keypair(rpk, rsk), LUXC_OK);
    const size_t mlens[] = {0, 1, 64, 4999};
    const size_t ctxlens[] = {0, 1, 255, 17};
    for (int i = 0; i < 4; i++) {
        fill(m, mlens[i], &st);
        fill(ctx, ctxlens[i], &st);
        assert_int_equal(luxc_mldsa_sign(sig, m, mlens[i], ctx, ctxlens[i], rsk), LUXC_OK);
        if (luxc_mldsa_verify(sig, m, mlens[i], ctx, ctxlens[i], rpk) != LUXC_OK)
            LUXC_TEST_FAIL_SEED(seed, "round trip %d failed", i);
        /* wrong message, wrong context, wrong key */
        if (mlens[i] > 0) {
            m[0] ^= 1;
            assert_int_equal(luxc_mldsa_verify(sig, m, mlens[i], ctx, ctxlens[i], rpk), LUXC_EAUTH);
            m[0] ^= 1;
        }
        assert_int_equal(luxc_mldsa_verify(sig, m, mlens[i] + 1, ctx, ctxlens[i], rpk), LUXC_EAUTH);
        if (ctxlens[i] > 0) {
            ctx[ctxlens[i] - 1] ^= 0x80;
            assert_int_equal(luxc_mldsa_verify(sig, m, mlens[i], ctx, ctxlens[i], rpk), LUXC_EAUTH);
            ctx[ctxlens[i] - 1] ^= 0x80;
            assert_int_equal(luxc_mldsa_verify(sig, m, mlens[i], ctx, ctxlens[i] - 1, rpk), LUXC_EAUTH);
        } else {
            uint8_t one = 0;
            assert_int_equal(luxc_mldsa_verify(sig, m, mlens[i], &one, 1, rpk), LUXC_EAUTH);
        }
        assert_int_equal(luxc_mldsa_verify(sig, m, mlens[i], ctx, ctxlens[i], pk), LUXC_EAUTH);
    }
}

/* NULL with length 0 is the empty string: same signature as a real empty buffer. */
static void test_null_empty(void **state)
{
    (void)state;
    uint8_t s1[LUXC_MLDSA_BYTES], s2[LUXC_MLDSA_BYTES], rnd[32] = {0}, e = 0;
    assert_int_equal(luxc_mldsa_sign_derand(s1, NULL, 0, NULL, 0, sk, rnd), LUXC_OK);
    assert_int_equal(luxc_mldsa_sign_derand(s2, &e, 0, &e, 0, sk, rnd), LUXC_OK);
    assert_memory_equal(s1, s2, sizeof s1);
    assert_int_equal(luxc_mldsa_verify(s1, NULL, 0, NULL, 0, pk), LUXC_OK);
}

static void test_error_paths(void **state)
{
    (void)state;
    uint8_t sig[LUXC_MLDSA_BYTES], mu[64], rnd[32] = {0}, m[4] = {1, 2, 3, 4};
    static uint8_t ctx[256];
    /* context too long: 256 > CONTEXTMAX */
    assert_int_equal(luxc_mldsa_sign(sig, m, 4, ctx, 256, sk), LUXC_ETOOBIG);
    assert_int_equal(luxc_mldsa_sign_derand(sig, m, 4, ctx, 256, sk, rnd), LUXC_ETOOBIG);
    assert_int_equal(luxc_mldsa_verify(sig, m, 4, ctx, 256, pk), LUXC_ETOOBIG);
    assert_int_equal(luxc_mldsa_mu(mu, m, 4, ctx, 256, pk), LUXC_ETOOBIG);
    assert_int_equal(luxc_mldsa_sign(sig, m, 4, ctx, SIZE_MAX, sk), LUXC_ETOOBIG);
    /* 255 is fine */
    assert_int_equal(luxc_mldsa_sign(sig, m, 4, ctx, 255, sk), LUXC_OK);
    assert_int_equal(luxc_mldsa_verify(sig, m, 4, ctx, 255, pk), LUXC_OK);
    /* NULL buffer with a nonzero length */
    assert_int_equal(luxc_mldsa_sign(sig, NULL, 4, NULL, 0, sk), LUXC_EINVAL);
    assert_int_equal(luxc_mldsa_sign(sig, m, 4, NULL, 3, sk), LUXC_EINVAL);
    assert_int_equal(luxc_mldsa_sign_derand(sig, NULL, 1, NULL, 0, sk, rnd), LUXC_EINVAL);
    assert_int_equal(luxc_mldsa_verify(sig, NULL, 4, NULL, 0, pk), LUXC_EINVAL);
    assert_int_equal(luxc_mldsa_verify(sig, m, 4, NULL, 1, pk), LUXC_EINVAL);
    assert_int_equal(luxc_mldsa_mu(mu, NULL, 1, NULL, 0, pk), LUXC_EINVAL);
    assert_int_equal(luxc_mldsa_mu(mu, m, 1, NULL, 1, pk), LUXC_EINVAL);
    assert_int_equal(luxc_mldsa_sign_internal(sig, NULL, 2, sk, rnd), LUXC_EINVAL);
    assert_int_equal(luxc_mldsa_verify_internal(sig, NULL, 2, pk), LUXC_EINVAL);
}

/* Flipping any bit of a signature makes it invalid (random positions over
 * c~, z and the hint). */
static void test_flipped_signature(void **state)
{
    (void)state;
    uint64_t st = seed ^ 0xabc;
    uint8_t sig[LUXC_MLDSA_BYTES], m[32] = {9};
    assert_int_equal(luxc_mldsa_sign(sig, m, sizeof m, NULL, 0, sk), LUXC_OK);
    const size_t fixed[] = {0, 47, 48, 3309 - 62, 3309 - 61, 3308};
    for (size_t i = 0; i < 6 + 24; i++) {
        size_t bit = i < 6 ? 8 * fixed[i] : (size_t)(luxc_test_rand(&st) % (8 * sizeof sig));
        sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        if (luxc_mldsa_verify(sig, m, sizeof m, NULL, 0, pk) != LUXC_EAUTH)
            LUXC_TEST_FAIL_SEED(seed, "signature with bit %zu flipped verified", bit);
        sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    assert_int_equal(luxc_mldsa_verify(sig, m, sizeof m, NULL, 0, pk), LUXC_OK);
}

/* Malformed hint encodings (FIPS 204 Alg. 21 HintBitUnpack returns bottom). */
static void test_malformed_hint(void **state)
{
    (void)state;
    uint8_t sig[LUXC_MLDSA_BYTES], bad[LUXC_MLDSA_BYTES], m[8] = {1};
    const size_t h = LUXC_MLDSA_BYTES - 61; /* omega (55) indices + k (6) counts */
    assert_int_equal(luxc_mldsa_sign(sig, m, sizeof m, NULL, 0, sk), LUXC_OK);
    /* a count above omega */
    memcpy(bad, sig, sizeof bad);
    bad[h + 55 + 5] = 56;
    assert_int_equal(luxc_mldsa_verify(bad, m, sizeof m, NULL, 0, pk), LUXC_EAUTH);
    /* counts not monotonic */
    memcpy(bad, sig, sizeof bad);
    bad[h + 55 + 0] = (uint8_t)(bad[h + 55 + 1] + 1);
    if (bad[h + 55 + 0] <= 55)
        assert_int_equal(luxc_mldsa_verify(bad, m, sizeof m, NULL, 0, pk), LUXC_EAUTH);
    /* nonzero padding after the last index */
    memcpy(bad, sig, sizeof bad);
    uint8_t used = bad[h + 55 + 5];
    if (used < 55) {
        bad[h + 54] = 1;
        assert_int_equal(luxc_mldsa_verify(bad, m, sizeof m, NULL, 0, pk), LUXC_EAUTH);
    }
    /* all-zero and all-0xff signatures */
    memset(bad, 0, sizeof bad);
    assert_int_equal(luxc_mldsa_verify(bad, m, sizeof m, NULL, 0, pk), LUXC_EAUTH);
    memset(bad, 0xff, sizeof bad);
    assert_int_equal(luxc_mldsa_verify(bad, m, sizeof m, NULL, 0, pk), LUXC_EAUTH);
}

static void test_deterministic_and_hedged(void **state)
{
    (void)state;
    uint8_t s1[LUXC_MLDSA_BYTES], s2[LUXC_MLDSA_BYTES], rnd[32] = {0}, m[3] = {1, 2, 3};
    assert_int_equal(luxc_mldsa_sign_derand(s1, m, 3, NULL, 0, sk, rnd), LUXC_OK);
    assert_int_equal(luxc_mldsa_sign_derand(s2, m, 3, NULL, 0, sk, rnd), LUXC_OK);
    assert_memory_equal(s1, s2, sizeof s1);
    rnd[31] = 1;
    assert_int_equal(luxc_mldsa_sign_derand(s2, m, 3, NULL, 0, sk, rnd), LUXC_OK);
    assert_memory_not_equal(s1, s2, sizeof s1);
    assert_int_equal(luxc_mldsa_verify(s2, m, 3, NULL, 0, pk), LUXC_OK);
    /* two hedged signatures differ (fresh rnd) and both verify */
    assert_int_equal(luxc_mldsa_sign(s1, m, 3, NULL, 0, sk), LUXC_OK);
    assert_int_equal(luxc_mldsa_sign(s2, m, 3, NULL, 0, sk), LUXC_OK);
    assert_memory_not_equal(s1, s2, sizeof s1);
    assert_int_equal(luxc_mldsa_verify(s1, m, 3, NULL, 0, pk), LUXC_OK);
    assert_int_equal(luxc_mldsa_verify(s2, m, 3, NULL, 0, pk), LUXC_OK);
}

/* sign_derand(m, ctx) == sign_internal(0 || len(ctx) || ctx || m)
 *                     == sign_mu(mldsa_mu(m, ctx, pk)). */
static void test_internal_interfaces_agree(void **state)
{
    (void)state;
    uint64_t st = seed ^ 0xdef;
    uint8_t m[100], ctx[20], rnd[32], mp[2 + 20 + 100], mu[64];
    uint8_t s1[LUXC_MLDSA_BYTES], s2[LUXC_MLDSA_BYTES], s3[LUXC_MLDSA_BYTES];
    fill(m, sizeof m, &st);
    fill(ctx, sizeof ctx, &st);
    fill(rnd, sizeof rnd, &st);
    mp[0] = 0;
    mp[1] = sizeof ctx;
    memcpy(mp + 2, ctx, sizeof ctx);
    memcpy(mp + 2 + sizeof ctx, m, sizeof m);
    assert_int_equal(luxc_mldsa_sign_derand(s1, m, sizeof m, ctx, sizeof ctx, sk, rnd), LUXC_OK);
    assert_int_equal(luxc_mldsa_sign_internal(s2, mp, sizeof mp, sk, rnd), LUXC_OK);
    assert_int_equal(luxc_mldsa_mu(mu, m, sizeof m, ctx, sizeof ctx, pk), LUXC_OK);
    assert_int_equal(luxc_mldsa_sign_mu(s3, mu, sk, rnd), LUXC_OK);
    if (memcmp(s1, s2, sizeof s1) || memcmp(s1, s3, sizeof s1))
        LUXC_TEST_FAIL_SEED(seed, "external / internal / mu signatures differ");
    assert_int_equal(luxc_mldsa_verify_internal(s1, mp, sizeof mp, pk), LUXC_OK);
    assert_int_equal(luxc_mldsa_verify_mu(s1, mu, pk), LUXC_OK);
    /* the internal interface does not add the prefix: M' without it fails */
    assert_int_equal(luxc_mldsa_verify_internal(s1, m, sizeof m, pk), LUXC_EAUTH);
    mu[0] ^= 1;
    assert_int_equal(luxc_mldsa_verify_mu(s1, mu, pk), LUXC_EAUTH);
    assert_int_equal(luxc_mldsa_verify_mu(s1, mu, pk2), LUXC_EAUTH);
}

/* Our orchestration vs PQClean's: each verifies the other's signatures. */
static void test_agrees_with_pqclean(void **state)
{
    (void)state;
    uint64_t st = seed ^ 0x777;
    uint8_t m[333], ctx[9], sig[LUXC_MLDSA_BYTES];
    size_t siglen = 0;
    fill(m, sizeof m, &st);
    fill(ctx, sizeof ctx, &st);
    for (int i = 0; i < 3; i++) {
        m[0] = (uint8_t)i;
        assert_int_equal(luxc_mldsa_sign(sig, m, sizeof m, ctx, sizeof ctx, sk), LUXC_OK);
        assert_int_equal(PQCLEAN_MLDSA65_CLEAN_crypto_sign_verify_ctx(sig, sizeof sig, m, sizeof m,
                                                                      ctx, sizeof ctx, pk), 0);
        assert_int_equal(PQCLEAN_MLDSA65_CLEAN_crypto_sign_signature_ctx(sig, &siglen, m, sizeof m,
                                                                         ctx, sizeof ctx, sk), 0);
        assert_int_equal(siglen, LUXC_MLDSA_BYTES);
        assert_int_equal(luxc_mldsa_verify(sig, m, sizeof m, ctx, sizeof ctx, pk), LUXC_OK);
        sig[100] ^= 4;
        assert_int_not_equal(PQCLEAN_MLDSA65_CLEAN_crypto_sign_verify_ctx(sig, sizeof sig, m,
                                                                          sizeof m, ctx, sizeof ctx, pk), 0);
        assert_int_equal(luxc_mldsa_verify(sig, m, sizeof m, ctx, sizeof ctx, pk), LUXC_EAUTH);
    }
}

/* Random bytes as signature / public key never verify and never read out
 * of bounds (the ASan build checks); half of the signatures get a
 * well-formed hint section so the check reaches the challenge compare. */
static void test_random_inputs(void **state)
{
    (void)state;
    uint64_t st = seed ^ 0x5151;
    uint8_t sig[LUXC_MLDSA_BYTES], rpk[LUXC_MLDSA_PUBLICKEYBYTES], m[16] = {0};
    const size_t h = LUXC_MLDSA_BYTES - 61;
    for (int i = 0; i < 200; i++) {
        fill(sig, sizeof sig, &st);
        if (i % 2) {
            /* z small enough, hint: k counts non-decreasing, indices increasing */
            memset(sig + h, 0, 61);
            for (int p = 0; p < 6; p++)
                sig[h + 55 + p] = (uint8_t)(p * 9);
            for (int j = 0; j < 45; j++)
                sig[h + j] = (uint8_t)(j % 9 * 20 + (i & 7));
        }
        if (i % 3 == 0)
            fill(rpk, sizeof rpk, &st);
        else
            memcpy(rpk, pk, sizeof rpk);
        if (luxc_mldsa_verify(sig, m, sizeof m, NULL, 0, rpk) != LUXC_EAUTH)
            LUXC_TEST_FAIL_SEED(seed, "random signature %d verified", i);
    }
}

static void test_keypair_from_seed(void **state)
{
    (void)state;
    uint8_t xi[32] = {7}, p[LUXC_MLDSA_PUBLICKEYBYTES], s[LUXC_MLDSA_SECRETKEYBYTES];
    assert_int_equal(luxc_mldsa_keypair_from_seed(p, s, xi), LUXC_OK);
    assert_memory_equal(p, pk, sizeof p);
    assert_memory_equal(s, sk, sizeof s);
    assert_memory_not_equal(pk, pk2, sizeof pk);
    /* skEncode starts with rho, which is pk's first 32 bytes */
    assert_memory_equal(s, p, 32);
}

int main(void)
{
    assert_int_equal(luxc_crypto_init(), LUXC_OK);
    seed = luxc_test_seed();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_null_empty),
        cmocka_unit_test(test_error_paths),
        cmocka_unit_test(test_flipped_signature),
        cmocka_unit_test(test_malformed_hint),
        cmocka_unit_test(test_deterministic_and_hedged),
        cmocka_unit_test(test_internal_interfaces_agree),
        cmocka_unit_test(test_agrees_with_pqclean),
        cmocka_unit_test(test_random_inputs),
        cmocka_unit_test(test_keypair_from_seed),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
