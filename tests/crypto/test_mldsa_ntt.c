/* test_mldsa_ntt.c - our ML-DSA NTT (src/crypto/mldsa_ntt.c) gives exactly
 * PQClean's ntt / invntt_tomont results, and NTT^-1(NTT(a)) = mont * a
 * (mod q), on random and extreme polynomials. */
#include "mldsa_ntt.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ntt.h"
#include "params.h"
#include "testutil.h"

static uint64_t seed;

static int32_t coeff(uint64_t *st, int kind)
{
    switch (kind) {
    case 0: return (int32_t)(luxc_test_rand(st) % (2 * Q - 1)) - (Q - 1); /* (-q, q) */
    case 1: return Q - 1;
    case 2: return -(Q - 1);
    default: return (int32_t)(luxc_test_rand(st) % 3) - 1;
    }
}

static void test_equals_pqclean(void **state)
{
    (void)state;
    uint64_t st = seed;
    int32_t a[N], b[N];
    for (int round = 0; round < 200; round++) {
        int kind = round < 150 ? 0 : round % 4;
        for (int i = 0; i < N; i++)
            a[i] = coeff(&st, kind);
        memcpy(b, a, sizeof a);
        luxc_mldsa_ntt(a);
        PQCLEAN_MLDSA65_CLEAN_ntt(b);
        if (memcmp(a, b, sizeof a))
            LUXC_TEST_FAIL_SEED(seed, "NTT differs from PQClean's (round %d)", round);
        for (int i = 0; i < N; i++)
            a[i] = b[i] = coeff(&st, kind);
        luxc_mldsa_invntt_tomont(a);
        PQCLEAN_MLDSA65_CLEAN_invntt_tomont(b);
        if (memcmp(a, b, sizeof a))
            LUXC_TEST_FAIL_SEED(seed, "NTT^-1 differs from PQClean's (round %d)", round);
    }
}

/* invntt_tomont(ntt(a)) = 2^32 * a mod q. */
static void test_round_trip(void **state)
{
    (void)state;
    uint64_t st = seed ^ 0x77;
    int32_t a[N], orig[N];
    const int64_t mont = ((int64_t)1 << 32) % Q;
    for (int i = 0; i < N; i++)
        a[i] = orig[i] = coeff(&st, 0);
    luxc_mldsa_ntt(a);
    for (int i = 0; i < N; i++) /* bring back below q for the inverse's input bound */
        a[i] = (int32_t)(a[i] % Q);
    luxc_mldsa_invntt_tomont(a);
    for (int i = 0; i < N; i++) {
        int64_t want = ((int64_t)orig[i] * mont) % Q, got = a[i] % Q;
        if (((want - got) % Q + Q) % Q != 0)
            LUXC_TEST_FAIL_SEED(seed, "round trip coefficient %d: %lld vs %lld", i,
                                (long long)got, (long long)want);
    }
}

int main(void)
{
    seed = luxc_test_seed();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equals_pqclean),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
