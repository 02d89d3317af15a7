/* test_rng.c - xoshiro256** known answers and reproducibility, unbiased
 * bounded draws, the luxc_rng interface and the getrandom back-end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "luxc/rng.h"
#include "testutil.h"

/* Expected values computed independently (Python transcription of the
 * reference xoshiro256** and splitmix64). */
static void test_known_answers(void **state)
{
    (void)state;
    luxc_xoshiro x;
    luxc_xoshiro_seed(&x, 0);
    assert_true(luxc_xoshiro_next(&x) == 0x99ec5f36cb75f2b4ull);
    assert_true(luxc_xoshiro_next(&x) == 0xbf6e1f784956452aull);
    assert_true(luxc_xoshiro_next(&x) == 0x1a5f849d4933e6e0ull);
    luxc_xoshiro_seed(&x, 42);
    assert_true(luxc_xoshiro_next(&x) == 0x15780b2e0c2ec716ull);
    assert_true(luxc_xoshiro_next(&x) == 0x6104d9866d113a7eull);
    assert_true(luxc_xoshiro_next(&x) == 0xae17533239e499a1ull);
}

static void test_interface_stream_is_little_endian_words(void **state)
{
    (void)state;
    luxc_xoshiro x;
    luxc_xoshiro_seed(&x, 0);
    luxc_rng r = luxc_rng_xoshiro(&x);
    uint8_t b[12];
    assert_int_equal(r.fill(r.ctx, b, sizeof b), LUXC_OK);
    assert_int_equal(b[0], 0xb4);
    assert_int_equal(b[7], 0x99);
    assert_int_equal(b[8], 0x2a); /* second word, low byte first */
    uint64_t v;
    luxc_xoshiro_seed(&x, 42);
    assert_int_equal(luxc_rng_u64(&r, &v), LUXC_OK);
    assert_true(v == 0x15780b2e0c2ec716ull);
}

static void test_below_range_and_uniformity(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed();
    luxc_xoshiro x;
    luxc_xoshiro_seed(&x, seed);
    assert_true(luxc_xoshiro_below(&x, 0) == 0);
    assert_true(luxc_xoshiro_below(&x, 1) == 0);
    unsigned counts[10] = {0};
    const unsigned n = 200000;
    for (unsigned i = 0; i < n; i++) {
        uint64_t v = luxc_xoshiro_below(&x, 10);
        if (v >= 10)
            LUXC_TEST_FAIL_SEED(seed, "below(10) gave %llu", (unsigned long long)v);
        counts[v]++;
    }
    /* Binomial sd = sqrt(n * 0.1 * 0.9) ~ 134; allow 8 sd. */
    for (int i = 0; i < 10; i++)
        if (counts[i] < n / 10 - 1100 || counts[i] > n / 10 + 1100)
            LUXC_TEST_FAIL_SEED(seed, "bucket %d has %u", i, counts[i]);
    /* Large bounds stay below. */
    for (int i = 0; i < 1000; i++) {
        uint64_t b = (1ull << 63) + 12345;
        if (luxc_xoshiro_below(&x, b) >= b)
            LUXC_TEST_FAIL_SEED(seed, "large bound");
    }
}

static void test_rng_below_matches_interface(void **state)
{
    (void)state;
    luxc_xoshiro x;
    luxc_xoshiro_seed(&x, 7);
    luxc_rng r = luxc_rng_xoshiro(&x);
    uint64_t v;
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(luxc_rng_below(&r, 1000, &v), LUXC_OK);
        assert_true(v < 1000);
    }
    assert_int_equal(luxc_rng_below(&r, 0, &v), LUXC_OK);
    assert_true(v == 0);
}

static void test_same_seed_same_stream(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed();
    luxc_xoshiro a, b, c;
    luxc_xoshiro_seed(&a, seed);
    luxc_xoshiro_seed(&b, seed);
    luxc_xoshiro_seed(&c, seed + 1);
    int differ = 0;
    for (int i = 0; i < 100; i++) {
        uint64_t va = luxc_xoshiro_next(&a), vb = luxc_xoshiro_next(&b);
        if (va != vb)
            LUXC_TEST_FAIL_SEED(seed, "streams differ at %d", i);
        differ |= va != luxc_xoshiro_next(&c);
    }
    assert_true(differ);
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
    uint64_t v = 5;
    luxc_rng bad = {failing_fill, NULL}, none = {NULL, NULL};
    assert_int_equal(luxc_rng_u64(NULL, &v), LUXC_EINVAL);
    assert_int_equal(luxc_rng_u64(&none, &v), LUXC_EINVAL);
    assert_int_equal(luxc_rng_u64(&bad, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_rng_u64(&bad, &v), LUXC_EIO);
    assert_int_equal(luxc_rng_below(&bad, 10, &v), LUXC_EIO);
    assert_int_equal(luxc_rng_below(NULL, 10, &v), LUXC_EINVAL);
}

static void test_os_rng(void **state)
{
    (void)state;
    luxc_rng r = luxc_rng_os();
    uint8_t a[64] = {0}, b[64] = {0}, zero[64] = {0};
    assert_int_equal(r.fill(r.ctx, a, sizeof a), LUXC_OK);
    assert_int_equal(r.fill(r.ctx, b, sizeof b), LUXC_OK);
    assert_memory_not_equal(a, zero, sizeof a);
    assert_memory_not_equal(a, b, sizeof a);
    uint64_t v;
    assert_int_equal(luxc_rng_below(&r, 6, &v), LUXC_OK);
    assert_true(v < 6);
    assert_int_equal(r.fill(r.ctx, a, 0), LUXC_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answers),
        cmocka_unit_test(test_interface_stream_is_little_endian_words),
        cmocka_unit_test(test_below_range_and_uniformity),
        cmocka_unit_test(test_rng_below_matches_interface),
        cmocka_unit_test(test_same_seed_same_stream),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_os_rng),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
