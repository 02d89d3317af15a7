/* test_hsign.c - hybrid Ed25519 + ML-DSA-65 signatures: round trips, the
 * "both halves must verify" rule (either half broken, halves mixed from
 * two keys), context binding, error paths and allocation failure on the
 * large-message path. */
#include "luxc/crypto.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "testutil.h"

static uint64_t seed;
static uint8_t pk[LUXC_HSIGN_PUBLICKEYBYTES], sk[LUXC_HSIGN_SECRETKEYBYTES];
static uint8_t pk2[LUXC_HSIGN_PUBLICKEYBYTES], sk2[LUXC_HSIGN_SECRETKEYBYTES];
static const uint8_t CTX[] = "luxc/test";

static int setup(void **state)
{
    (void)state;
    uint8_t s[LUXC_HSIGN_SEEDBYTES] = {1}, s2[LUXC_HSIGN_SEEDBYTES] = {2};
    s2[32] = 2; /* both halves of the two identities differ */
    if (luxc_hsign_keypair_from_seed(pk, sk, s) != LUXC_OK)
        return -1;
    return luxc_hsign_keypair_from_seed(pk2, sk2, s2) == LUXC_OK ? 0 : -1;
}

static void test_round_trip(void **state)
{
    (void)state;
    uint8_t sig[LUXC_HSIGN_BYTES], m[40] = {5};
    uint8_t rpk[LUXC_HSIGN_PUBLICKEYBYTES], rsk[LUXC_HSIGN_SECRETKEYBYTES];
    assert_int_equal(luxc_hsign_keypair(rpk, rsk), LUXC_OK);
    assert_int_equal(luxc_hsign_sign(sig, m, sizeof m, CTX, sizeof CTX - 1, rsk), LUXC_OK);
    assert_int_equal(luxc_hsign_verify(sig, m, sizeof m, CTX, sizeof CTX - 1, rpk), LUXC_OK);
    assert_int_equal(luxc_hsign_verify(sig, m, sizeof m, CTX, sizeof CTX - 1, pk), LUXC_EAUTH);
    m[39] ^= 1;
    assert_int_equal(luxc_hsign_verify(sig, m, sizeof m, CTX, sizeof CTX - 1, rpk), LUXC_EAUTH);
    /* empty message and empty context */
    assert_int_equal(luxc_hsign_sign(sig, NULL, 0, NULL, 0, rsk), LUXC_OK);
    assert_int_equal(luxc_hsign_verify(sig, NULL, 0, NULL, 0, rpk), LUXC_OK);
}

/* The layout is ed25519 || ml-dsa for keys and signatures, and each half is
 * a valid signature of its own scheme over the documented framing. */
static void test_layout(void **state)
{
    (void)state;
    uint8_t sig[LUXC_HSIGN_BYTES], m[3] = {1, 2, 3}, framed[1 + 9 + 3];
    uint8_t s[LUXC_HSIGN_SEEDBYTES] = {1}, edpk[32], edsk[64];
    assert_int_equal(crypto_sign_ed25519_seed_keypair(edpk, edsk, s), 0);
    assert_memory_equal(pk, edpk, 32);
    assert_int_equal(luxc_hsign_sign(sig, m, 3, CTX, 9, sk), LUXC_OK);
    framed[0] = 9;
    memcpy(framed + 1, CTX, 9);
    memcpy(framed + 10, m, 3);
    assert_int_equal(crypto_sign_ed25519_verify_detached(sig, framed, sizeof framed, pk), 0);
    assert_int_equal(luxc_mldsa_verify(sig + 64, m, 3, CTX, 9, pk + 32), LUXC_OK);
}

static void test_either_half_broken(void **state)
{
    (void)state;
    uint64_t st = seed;
    uint8_t sig[LUXC_HSIGN_BYTES], mix[LUXC_HSIGN_BYTES], m[32] = {3};
    uint8_t sig2[LUXC_HSIGN_BYTES];
    assert_int_equal(luxc_hsign_sign(sig, m, sizeof m, CTX, 9, sk), LUXC_OK);
    assert_int_equal(luxc_hsign_sign(sig2, m, sizeof m, CTX, 9, sk2), LUXC_OK);
    for (int i = 0; i < 16; i++) {
        /* flip a bit in the Ed25519 half (i even) or the ML-DSA half (i odd) */
        size_t lo = (i % 2) ? 64 : 0, n = (i % 2) ? LUXC_MLDSA_BYTES : 64;
        size_t bit = 8 * lo + (size_t)(luxc_test_rand(&st) % (8 * n));
        memcpy(mix, sig, sizeof mix);
        mix[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        if (luxc_hsign_verify(mix, m, sizeof m, CTX, 9, pk) != LUXC_EAUTH)
            LUXC_TEST_FAIL_SEED(seed, "hybrid signature with bit %zu flipped verified", bit);
    }
    /* Ed25519 half from key 2 + ML-DSA half from key 1, and vice versa */
    memcpy(mix, sig2, 64);
    memcpy(mix + 64, sig + 64, LUXC_MLDSA_BYTES);
    assert_int_equal(luxc_hsign_verify(mix, m, sizeof m, CTX, 9, pk), LUXC_EAUTH);
    memcpy(mix, sig, 64);
    memcpy(mix + 64, sig2 + 64, LUXC_MLDSA_BYTES);
    assert_int_equal(luxc_hsign_verify(mix, m, sizeof m, CTX, 9, pk), LUXC_EAUTH);
    /* a public key mixing both identities accepts neither signature */
    uint8_t mixpk[LUXC_HSIGN_PUBLICKEYBYTES];
    memcpy(mixpk, pk, 32);
    memcpy(mixpk + 32, pk2 + 32, LUXC_MLDSA_PUBLICKEYBYTES);
    assert_int_equal(luxc_hsign_verify(sig, m, sizeof m, CTX, 9, mixpk), LUXC_EAUTH);
    assert_int_equal(luxc_hsign_verify(sig2, m, sizeof m, CTX, 9, mixpk), LUXC_EAUTH);
    /* zeroed halves */
    memcpy(mix, sig, sizeof mix);
    memset(mix, 0, 64);
    assert_int_equal(luxc_hsign_verify(mix, m, sizeof m, CTX, 9, pk), LUXC_EAUTH);
    memcpy(mix, sig, sizeof mix);
    memset(mix + 64, 0, LUXC_MLDSA_BYTES);
    assert_int_equal(luxc_hsign_verify(mix, m, sizeof m, CTX, 9, pk), LUXC_EAUTH);
    assert_int_equal(luxc_hsign_verify(sig, m, sizeof m, CTX, 9, pk), LUXC_OK);
}

/* Context binding: the context is part of both halves; "ab"+"c" != "a"+"bc". */
static void test_context_binding(void **state)
{
    (void)state;
    uint8_t sig[LUXC_HSIGN_BYTES];
    const uint8_t abc[] = {'a', 'b', 'c'};
    assert_int_equal(luxc_hsign_sign(sig, abc + 2, 1, abc, 2, sk), LUXC_OK);
    assert_int_equal(luxc_hsign_verify(sig, abc + 2, 1, abc, 2, pk), LUXC_OK);
    assert_int_equal(luxc_hsign_verify(sig, abc + 1, 2, abc, 1, pk), LUXC_EAUTH);
    assert_int_equal(luxc_hsign_verify(sig, abc, 3, NULL, 0, pk), LUXC_EAUTH);
}

static void test_error_paths(void **state)
{
    (void)state;
    uint8_t sig[LUXC_HSIGN_BYTES], m[4] = {0};
    static uint8_t ctx[256];
    assert_int_equal(luxc_hsign_sign(sig, m, 4, ctx, 256, sk), LUXC_ETOOBIG);
    assert_int_equal(luxc_hsign_verify(sig, m, 4, ctx, 256, pk), LUXC_ETOOBIG);
    assert_int_equal(luxc_hsign_sign(sig, NULL, 4, NULL, 0, sk), LUXC_EINVAL);
    assert_int_equal(luxc_hsign_sign(sig, m, 4, NULL, 4, sk), LUXC_EINVAL);
    assert_int_equal(luxc_hsign_verify(sig, NULL, 4, NULL, 0, pk), LUXC_EINVAL);
    assert_int_equal(luxc_hsign_verify(sig, m, 4, NULL, 1, pk), LUXC_EINVAL);
    /* a failed sign leaves no partial signature behind */
    memset(sig, 0x5a, sizeof sig);
    assert_int_equal(luxc_hsign_sign(sig, m, 4, ctx, 256, sk), LUXC_ETOOBIG);
    for (size_t i = 0; i < sizeof sig; i++)
        assert_int_equal(sig[i], 0);
    /* length that would overflow 1 + ctxlen + mlen */
    assert_int_equal(luxc_hsign_sign(sig, m, SIZE_MAX, ctx, 1, sk), LUXC_ETOOBIG);
    assert_int_equal(luxc_hsign_verify(sig, m, SIZE_MAX - 1, ctx, 1, pk), LUXC_ETOOBIG);
}

/* Messages over 1 KiB take the heap path: fail each allocation in turn. */
static void test_large_message_alloc_failure(void **state)
{
    (void)state;
    size_t n = 5000;
    uint8_t *m = malloc(n), sig[LUXC_HSIGN_BYTES];
    assert_non_null(m);
    memset(m, 0x42, n);
    int rc;
    long k = 0;
    for (;; k++) {
        luxc_test_alloc_fail_after(k);
        rc = luxc_hsign_sign(sig, m, n, CTX, 9, sk);
        luxc_test_alloc_fail_after(-1);
        if (rc == LUXC_OK)
            break;
        assert_int_equal(rc, LUXC_ENOMEM);
        assert_true(k < 10);
    }
    assert_true(k >= 1); /* at least one allocation was failed */
    for (k = 0;; k++) {
        luxc_test_alloc_fail_after(k);
        rc = luxc_hsign_verify(sig, m, n, CTX, 9, pk);
        luxc_test_alloc_fail_after(-1);
        if (rc == LUXC_OK)
            break;
        assert_int_equal(rc, LUXC_ENOMEM);
        assert_true(k < 10);
    }
    m[n - 1] ^= 1;
    assert_int_equal(luxc_hsign_verify(sig, m, n, CTX, 9, pk), LUXC_EAUTH);
    free(m);
}

static void test_from_seed_deterministic(void **state)
{
    (void)state;
    uint8_t s[LUXC_HSIGN_SEEDBYTES] = {1};
    uint8_t p[LUXC_HSIGN_PUBLICKEYBYTES], k[LUXC_HSIGN_SECRETKEYBYTES];
    assert_int_equal(luxc_hsign_keypair_from_seed(p, k, s), LUXC_OK);
    assert_memory_equal(p, pk, sizeof p);
    assert_memory_equal(k, sk, sizeof k);
    /* the ML-DSA half comes from the second 32 bytes of the seed */
    uint8_t dpk[LUXC_MLDSA_PUBLICKEYBYTES], dsk[LUXC_MLDSA_SECRETKEYBYTES];
    assert_int_equal(luxc_mldsa_keypair_from_seed(dpk, dsk, s + 32), LUXC_OK);
    assert_memory_equal(p + 32, dpk, sizeof dpk);
}

int main(void)
{
    assert_int_equal(luxc_crypto_init(), LUXC_OK);
    seed = luxc_test_seed();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_either_half_broken),
        cmocka_unit_test(test_context_binding),
        cmocka_unit_test(test_error_paths),
        cmocka_unit_test(test_large_message_alloc_failure),
        cmocka_unit_test(test_from_seed_deterministic),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
