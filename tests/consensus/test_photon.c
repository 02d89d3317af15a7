/* test_photon.c - sampling without replacement: uniform (partial
 * Fisher-Yates), stake-weighted, luminance; distributions, bounds,
 * errors and allocation failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "luxc/consensus.h"
#include "testutil.h"

static void assert_distinct(uint64_t seed, const uint32_t *s, size_t k, size_t n)
{
    for (size_t i = 0; i < k; i++) {
        if (s[i] >= n)
            LUXC_TEST_FAIL_SEED(seed, "index %u out of range %zu", s[i], n);
        for (size_t j = 0; j < i; j++)
            if (s[i] == s[j])
                LUXC_TEST_FAIL_SEED(seed, "index %u drawn twice", s[i]);
    }
}

static void test_uniform_distinct_and_fair(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed();
    luxc_xoshiro x;
    luxc_xoshiro_seed(&x, seed);
    luxc_rng rng = luxc_rng_xoshiro(&x);
    luxc_photon *p;
    assert_int_equal(luxc_photon_new(&p, 10, LUXC_PHOTON_UNIFORM, NULL, 0), LUXC_OK);
    uint32_t s[10], counts[10] = {0};
    const unsigned rounds = 30000;
    for (unsigned r = 0; r < rounds; r++) {
        assert_int_equal(luxc_photon_sample(p, &rng, s, 3), LUXC_OK);
        assert_distinct(seed, s, 3, 10);
        for (int i = 0; i < 3; i++)
            counts[s[i]]++;
    }
    /* Each index appears with probability 0.3: mean 9000, sd ~ 79. */
    for (int i = 0; i < 10; i++)
        if (counts[i] < 8400 || counts[i] > 9600)
            LUXC_TEST_FAIL_SEED(seed, "index %d drawn %u times", i, counts[i]);
    /* k == n is a permutation; k == 0 is fine; k > n is a range error. */
    assert_int_equal(luxc_photon_sample(p, &rng, s, 10), LUXC_OK);
    assert_distinct(seed, s, 10, 10);
    assert_int_equal(luxc_photon_sample(p, &rng, s, 0), LUXC_OK);
    assert_int_equal(luxc_photon_sample(p, &rng, s, 11), LUXC_ERANGE);
    luxc_photon_free(p);
}

static void test_reproducible(void **state)
{
    (void)state;
    luxc_xoshiro a, b;
    luxc_xoshiro_seed(&a, 99);
    luxc_xoshiro_seed(&b, 99);
    luxc_rng ra = luxc_rng_xoshiro(&a), rb = luxc_rng_xoshiro(&b);
    luxc_photon *p, *q;
    assert_int_equal(luxc_photon_new(&p, 1000, LUXC_PHOTON_UNIFORM, NULL, 0), LUXC_OK);
    assert_int_equal(luxc_photon_new(&q, 1000, LUXC_PHOTON_UNIFORM, NULL, 0), LUXC_OK);
    for (int r = 0; r < 100; r++) {
        uint32_t s1[20], s2[20];
        assert_int_equal(luxc_photon_sample(p, &ra, s1, 20), LUXC_OK);
        assert_int_equal(luxc_photon_sample(q, &rb, s2, 20), LUXC_OK);
        assert_memory_equal(s1, s2, sizeof s1);
    }
    luxc_photon_free(p);
    luxc_photon_free(q);
}

static void test_stake_weighted(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed();
    luxc_xoshiro x;
    luxc_xoshiro_seed(&x, seed);
    luxc_rng rng = luxc_rng_xoshiro(&x);
    const uint64_t stakes[5] = {1, 2, 3, 4, 0};
    luxc_photon *p;
    assert_int_equal(luxc_photon_new(&p, 5, LUXC_PHOTON_STAKE, stakes, 0), LUXC_OK);
    uint32_t s[5], counts[5] = {0};
    const unsigned rounds = 40000;
    for (unsigned r = 0; r < rounds; r++) {
        assert_int_equal(luxc_photon_sample(p, &rng, s, 1), LUXC_OK);
        counts[s[0]]++;
    }
    /* P(i) = stake / 10; sd <= 100. */
    for (int i = 0; i < 4; i++) {
        unsigned want = rounds * (unsigned)stakes[i] / 10;
        if (counts[i] + 700 < want || counts[i] > want + 700)
            LUXC_TEST_FAIL_SEED(seed, "validator %d drawn %u times, want ~%u", i, counts[i], want);
    }
    assert_int_equal(counts[4], 0);
    /* Without replacement: 4 picks are the 4 staked validators. */
    for (int r = 0; r < 100; r++) {
        assert_int_equal(luxc_photon_sample(p, &rng, s, 4), LUXC_OK);
        assert_distinct(seed, s, 4, 4);
    }
    /* Zero stake cannot be drawn: 5 picks exceed the staked set. */
    assert_int_equal(luxc_photon_sample(p, &rng, s, 5), LUXC_ERANGE);
    /* The tree is restored after each sample: the 2-pick distribution of
     * the first pick still follows stake. */
    luxc_photon_free(p);
}

static void test_stake_weighted_second_pick(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed();
    luxc_xoshiro x;
    luxc_xoshiro_seed(&x, seed);
    luxc_rng rng = luxc_rng_xoshiro(&x);
    const uint64_t stakes[3] = {8, 1, 1};
    luxc_photon *p;
    assert_int_equal(luxc_photon_new(&p, 3, LUXC_PHOTON_STAKE, stakes, 0), LUXC_OK);
    unsigned heavy_second = 0;
    for (int r = 0; r < 20000; r++) {
        uint32_t s[2];
        assert_int_equal(luxc_photon_sample(p, &rng, s, 2), LUXC_OK);
        heavy_second += s[1] == 0;
    }
    /* P(heavy second) = P(first is light) * 8/9 = 0.2 * 8/9 = 0.178. */
    if (heavy_second < 3200 || heavy_second > 3900)
        LUXC_TEST_FAIL_SEED(seed, "heavy validator second %u times", heavy_second);
    luxc_photon_free(p);
}

static void test_luminance(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed();
    luxc_xoshiro x;
    luxc_xoshiro_seed(&x, seed);
    luxc_rng rng = luxc_rng_xoshiro(&x);
    luxc_photon *p;
    assert_int_equal(luxc_photon_new(&p, 4, LUXC_PHOTON_UNIFORM, NULL, 1), LUXC_OK);
    assert_int_equal(luxc_photon_luminance(p, 0), LUXC_PHOTON_LUM_START);
    assert_int_equal(luxc_photon_report(p, 0, 1), LUXC_OK);
    assert_int_equal(luxc_photon_luminance(p, 0), 110000);
    assert_int_equal(luxc_photon_report(p, 0, 0), LUXC_OK);
    assert_int_equal(luxc_photon_luminance(p, 0), 99000);
    for (int i = 0; i < 100; i++) {
        assert_int_equal(luxc_photon_report(p, 0, 1), LUXC_OK);
        assert_int_equal(luxc_photon_report(p, 1, 0), LUXC_OK);
        assert_int_equal(luxc_photon_report(p, 2, 0), LUXC_OK);
        assert_int_equal(luxc_photon_report(p, 3, 0), LUXC_OK);
    }
    assert_int_equal(luxc_photon_luminance(p, 0), LUXC_PHOTON_LUM_MAX);
    assert_int_equal(luxc_photon_luminance(p, 1), LUXC_PHOTON_LUM_MIN);
    assert_int_equal(luxc_photon_luminance(p, 9), 0);
    /* Weight 1000 vs 10 x 3: validator 0 first with p = 1000/1030. */
    unsigned first0 = 0;
    for (int r = 0; r < 10000; r++) {
        uint32_t s[2];
        assert_int_equal(luxc_photon_sample(p, &rng, s, 2), LUXC_OK);
        assert_distinct(seed, s, 2, 4);
        first0 += s[0] == 0;
    }
    if (first0 < 9550 || first0 > 9850)
        LUXC_TEST_FAIL_SEED(seed, "bright validator first %u / 10000", first0);
    assert_int_equal(luxc_photon_report(p, 4, 1), LUXC_EINVAL);
    luxc_photon_free(p);
    assert_int_equal(luxc_photon_new(&p, 4, LUXC_PHOTON_UNIFORM, NULL, 0), LUXC_OK);
    assert_int_equal(luxc_photon_report(p, 0, 1), LUXC_ESTATE);
    assert_int_equal(luxc_photon_luminance(p, 0), 0);
    luxc_photon_free(p);
}

static int failing_fill(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return LUXC_EIO;
}

static void test_errors(void **state)
{
    (void)state;
    luxc_photon *p = (luxc_photon *)1;
    assert_int_equal(luxc_photon_new(NULL, 4, LUXC_PHOTON_UNIFORM, NULL, 0), LUXC_EINVAL);
    assert_int_equal(luxc_photon_new(&p, 0, LUXC_PHOTON_UNIFORM, NULL, 0), LUXC_EINVAL);
    assert_null(p);
    assert_int_equal(luxc_photon_new(&p, 4, (luxc_photon_mode)7, NULL, 0), LUXC_EINVAL);
    const uint64_t big[2] = {UINT64_MAX / 2 + 1, UINT64_MAX / 2 + 1};
    assert_int_equal(luxc_photon_new(&p, 2, LUXC_PHOTON_STAKE, big, 0), LUXC_EOVERFLOW);
    assert_null(p);
    const uint64_t lum_big[1] = {UINT64_MAX / LUXC_PHOTON_LUM_MAX + 1};
    assert_int_equal(luxc_photon_new(&p, 1, LUXC_PHOTON_STAKE, lum_big, 1), LUXC_EOVERFLOW);
    assert_int_equal(luxc_photon_new(&p, 1, LUXC_PHOTON_STAKE, lum_big, 0), LUXC_OK);
    luxc_photon_free(p);
    luxc_photon_free(NULL);
    assert_int_equal(luxc_photon_new(&p, 4, LUXC_PHOTON_UNIFORM, NULL, 0), LUXC_OK);
    luxc_rng bad = {failing_fill, NULL};
    uint32_t s[4];
    assert_int_equal(luxc_photon_sample(p, &bad, s, 2), LUXC_EIO);
    assert_int_equal(luxc_photon_sample(p, NULL, s, 2), LUXC_EINVAL);
    assert_int_equal(luxc_photon_sample(NULL, &bad, s, 2), LUXC_EINVAL);
    luxc_photon_free(p);
    /* A failed weighted draw leaves the tree intact. */
    const uint64_t st[3] = {1, 1, 1};
    assert_int_equal(luxc_photon_new(&p, 3, LUXC_PHOTON_STAKE, st, 0), LUXC_OK);
    assert_int_equal(luxc_photon_sample(p, &bad, s, 2), LUXC_EIO);
    luxc_xoshiro x;
    luxc_xoshiro_seed(&x, 1);
    luxc_rng rng = luxc_rng_xoshiro(&x);
    assert_int_equal(luxc_photon_sample(p, &rng, s, 3), LUXC_OK);
    assert_distinct(0, s, 3, 3);
    luxc_photon_free(p);
}

static void test_alloc_failure(void **state)
{
    (void)state;
    for (int mode = 0; mode < 3; mode++) {
        for (long n = 0;; n++) {
            luxc_photon *p = (luxc_photon *)1;
            luxc_test_alloc_fail_after(n);
            int rc = luxc_photon_new(&p, 50, mode == 0 ? LUXC_PHOTON_UNIFORM : LUXC_PHOTON_STAKE,
                                     NULL, mode == 2);
            luxc_test_alloc_fail_after(-1);
            if (rc == LUXC_OK) {
                luxc_photon_free(p);
                break;
            }
            assert_int_equal(rc, LUXC_ENOMEM);
            assert_null(p);
            assert_true(n < 10);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uniform_distinct_and_fair),
        cmocka_unit_test(test_reproducible),
        cmocka_unit_test(test_stake_weighted),
        cmocka_unit_test(test_stake_weighted_second_pick),
        cmocka_unit_test(test_luminance),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
