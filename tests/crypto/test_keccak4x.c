/* test_keccak4x.c - the 4-way sponge equals four scalar SHAKEs, and the
 * ML-DSA samplers built on it (mldsa_expand.c) equal PQClean's scalar
 * polyvec_matrix_expand / polyvecl_uniform_gamma1 for random seeds. */
#include "keccak4x.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fips202.h"
#include "mldsa_expand.h"
#include "polyvec.h"
#include "testutil.h"

static uint64_t seed;

static void test_shakex4_equals_scalar(void **state)
{
    (void)state;
    uint64_t st = seed;
    static uint8_t in[4][200], out4[4][3 * SHAKE128_RATE], out1[3 * SHAKE128_RATE];
    for (int round = 0; round < 20; round++) {
        size_t rate = round % 2 ? SHAKE128_RATE : SHAKE256_RATE;
        size_t inlen = (size_t)(luxc_test_rand(&st) % rate); /* < rate */
        const uint8_t *inp[4];
        uint8_t *outp[4];
        for (int t = 0; t < 4; t++) {
            for (size_t i = 0; i < inlen; i++)
                in[t][i] = (uint8_t)luxc_test_rand(&st);
            inp[t] = in[t];
            outp[t] = out4[t];
        }
        luxc_keccakx4 ks;
        luxc_shakex4_absorb_once(&ks, rate, inp, inlen);
        luxc_shakex4_squeezeblocks(outp, 2, rate, &ks);
        luxc_shakex4_squeezeblocks(outp, 1, rate, &ks); /* overwrites block 0 with block 2 */
        for (int t = 0; t < 4; t++) {
            if (rate == SHAKE128_RATE)
                shake128(out1, 3 * rate, in[t], inlen);
            else
                shake256(out1, 3 * rate, in[t], inlen);
            if (memcmp(out4[t], out1 + 2 * rate, rate) || memcmp(out4[t] + rate, out1 + rate, rate))
                LUXC_TEST_FAIL_SEED(seed, "4-way SHAKE instance %d (rate %zu, inlen %zu) differs",
                                    t, rate, inlen);
        }
    }
}

static void test_expand_a_equals_pqclean(void **state)
{
    (void)state;
    uint64_t st = seed ^ 0xa;
    static polyvecl a[K], b[K];
    uint8_t rho[SEEDBYTES];
    for (int round = 0; round < 4; round++) {
        for (size_t i = 0; i < sizeof rho; i++)
            rho[i] = (uint8_t)luxc_test_rand(&st);
        PQCLEAN_MLDSA65_CLEAN_polyvec_matrix_expand(b, rho);
        luxc_mldsa_expand_a(a, rho);
        if (memcmp(a, b, sizeof a))
            LUXC_TEST_FAIL_SEED(seed, "ExpandA differs from PQClean's");
        /* 1..4 first blocks: the extra-block path runs (1 block = 56
         * candidates, so every polynomial needs more) and must agree */
        for (unsigned nb = 1; nb <= 4; nb++) {
            memset(a, 0, sizeof a);
            luxc_mldsa_expand_a_blocks(a, rho, nb);
            if (memcmp(a, b, sizeof a))
                LUXC_TEST_FAIL_SEED(seed, "ExpandA with %u first blocks differs", nb);
        }
    }
}

static void test_expand_mask_equals_pqclean(void **state)
{
    (void)state;
    uint64_t st = seed ^ 0xb;
    polyvecl y1, y2;
    uint8_t rho[CRHBYTES];
    const uint16_t kappas[] = {0, 1, 5, 250, 65535};
    for (size_t k = 0; k < sizeof kappas / sizeof kappas[0]; k++) {
        for (size_t i = 0; i < sizeof rho; i++)
            rho[i] = (uint8_t)luxc_test_rand(&st);
        luxc_mldsa_expand_mask(&y1, rho, (uint16_t)(L * kappas[k]));
        PQCLEAN_MLDSA65_CLEAN_polyvecl_uniform_gamma1(&y2, rho, kappas[k]);
        if (memcmp(&y1, &y2, sizeof y1))
            LUXC_TEST_FAIL_SEED(seed, "ExpandMask(kappa=%u) differs from PQClean's",
                                (unsigned)(L * kappas[k]));
    }
}

int main(void)
{
    seed = luxc_test_seed();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shakex4_equals_scalar),
        cmocka_unit_test(test_expand_a_equals_pqclean),
        cmocka_unit_test(test_expand_mask_equals_pqclean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
