/* test_features.c - the extractors and their string measures with
 * hand-computed values, and the Welford normaliser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "luxc/ai_model.h"
#include "testutil.h"

#define NS 1000000000LL

static void near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.17g want %.17g", got, want);
}

static void test_hash_complexity(void **state)
{
    (void)state;
    assert_true(luxc_ai_hash_complexity("", 0) == 0.0);
    assert_true(luxc_ai_hash_complexity(NULL, 5) == 0.0);
    near(luxc_ai_hash_complexity("1234567890", 10), 0.1, 1e-15);  /* 10 * 0.1 / 10 */
    near(luxc_ai_hash_complexity("abcdef", 6), 0.2, 1e-15);       /* 6 * 0.2 / 6 */
    near(luxc_ai_hash_complexity("a1b2c3", 6), 0.15, 1e-15);      /* (.6 + .3) / 6 */
    near(luxc_ai_hash_complexity("0xab", 4), 0.125, 1e-15);       /* (.1 + .2 + .2) / 4 */
    near(luxc_ai_hash_complexity("GHZ!", 4), 0.0, 0.0);           /* no hex digits */
    near(luxc_ai_hash_complexity("ABCDEF", 6), 0.0, 0.0);         /* upper case: 0 */
}

static void test_entropy(void **state)
{
    (void)state;
    assert_true(luxc_ai_entropy("", 0) == 0.0);
    assert_true(luxc_ai_entropy(NULL, 3) == 0.0);
    near(luxc_ai_entropy("a", 1), 0.0, 0.0);
    near(luxc_ai_entropy("aaaa", 4), 0.0, 0.0);
    near(luxc_ai_entropy("ab", 2), 1.0, 1e-15);
    near(luxc_ai_entropy("abcd", 4), 2.0, 1e-15);
    near(luxc_ai_entropy("abcdefgh", 8), 3.0, 1e-15);
    /* -(2/3 log2 2/3 + 1/3 log2 1/3) */
    near(luxc_ai_entropy("aab", 3), 0.91829583405448956, 1e-15);
    /* "0x123": 5 distinct of 5 -> log2 5 */
    near(luxc_ai_entropy("0x123", 5), 2.3219280948873622, 1e-15);
}

static void test_version_entropy_and_risk(void **state)
{
    (void)state;
    assert_true(luxc_ai_version_entropy("", 0) == 0.0);
    /* "1.2.3": digits at 0, 2, 4 -> 0 + .2 + .4; dots .5 + .5 -> 1.6 / 5 */
    near(luxc_ai_version_entropy("1.2.3", 5), 0.32, 1e-15);
    /* "v2.0.0": digits at 1, 3, 5 -> .1 + .3 + .5; dots 1.0 -> 1.9 / 6 */
    near(luxc_ai_version_entropy("v2.0.0", 6), 1.9 / 6.0, 1e-15);
    near(luxc_ai_risk_score("low"), 0.25, 0);
    near(luxc_ai_risk_score("medium"), 0.5, 0);
    near(luxc_ai_risk_score("high"), 0.75, 0);
    near(luxc_ai_risk_score("critical"), 1.0, 0);
    near(luxc_ai_risk_score("unknown"), 0.0, 0);
    near(luxc_ai_risk_score("LOW"), 0.0, 0);
    near(luxc_ai_risk_score(NULL), 0.0, 0);
}

static void test_block_extractors(void **state)
{
    (void)state;
    double x[6];
    luxc_ai_block b = {.height = 100, .tx_count = 10, .size = 2048, .gas_used = 50000};
    assert_int_equal(luxc_ai_extract_block_basic(&b, x), LUXC_OK);
    assert_true(x[0] == 100 && x[1] == 10 && x[2] == 2048 && x[3] == 50000);
    assert_int_equal(luxc_ai_extractor_block_basic.n_features, LUXC_AI_BLOCK_BASIC_FEATURES);
    assert_string_equal(luxc_ai_extractor_block_basic.names[1], "tx_count");

    int64_t now = 1700000000LL * NS + 200000000; /* .2 s into a second */
    b.hash = "0xab";
    b.timestamp_ns = now - 7200 * NS;
    assert_int_equal(luxc_ai_extract_block(&b, now, x), LUXC_OK);
    near(x[0], 100, 0);
    near(x[1], 10, 0);
    near(x[2], 7200.0, 1e-9);                         /* age_seconds */
    near(x[3], 1.0 / (1.0 + exp(-2.0)), 1e-14);       /* sigmoid(7200/3600) */
    near(x[4], 0.125, 1e-15);                         /* hash_complexity */
    near(x[5], 7200.0, 0);                            /* whole seconds */
    /* time_since_last counts whole-second boundaries like Go's Unix(). */
    b.timestamp_ns = now - 1500000000; /* 1.5 s earlier: 8.7 -> 10.2 */
    assert_int_equal(luxc_ai_extract_block(&b, now, x), LUXC_OK);
    near(x[2], 1.5, 1e-9);
    near(x[5], 2.0, 0);
    b.timestamp_ns = -1; /* before the epoch: floor(-1 ns) is -1 s */
    assert_int_equal(luxc_ai_extract_block(&b, 0, x), LUXC_OK);
    near(x[5], 1.0, 0);
    b.hash = NULL;
    assert_int_equal(luxc_ai_extract_block(&b, now, x), LUXC_OK);
    near(x[4], 0.0, 0);
    assert_int_equal(luxc_ai_extractor_block.n_features, LUXC_AI_BLOCK_FEATURES);
    assert_int_equal(luxc_ai_extractor_block.extract(&b, now, x), LUXC_OK);
}

static void test_tx_and_upgrade_extractors(void **state)
{
    (void)state;
    int64_t now = 1700000000LL * NS;
    double x[7];
    luxc_ai_tx t = {.from = "0x123", .to = "aaaa", .amount = 200, .fee = 50,
                    .data_size = 33, .timestamp_ns = now - 30 * NS};
    assert_int_equal(luxc_ai_extract_tx(&t, now, x), LUXC_OK);
    near(x[0], 200, 0);
    near(x[1], 50, 0);
    near(x[2], 0.25, 0);
    near(x[3], 33, 0);
    near(x[4], 30.0, 1e-9);
    near(x[5], 2.3219280948873622, 1e-15);
    near(x[6], 0.0, 0);
    t.amount = 0; /* fee / max(amount, 1) */
    assert_int_equal(luxc_ai_extract_tx(&t, now, x), LUXC_OK);
    near(x[2], 50.0, 0);
    assert_int_equal(luxc_ai_extractor_tx.n_features, LUXC_AI_TX_FEATURES);

    luxc_ai_upgrade u = {.version = "1.2.3", .change_count = 3, .risk = "high",
                         .test_count = 4, .timestamp_ns = now - 7200 * NS};
    assert_int_equal(luxc_ai_extract_upgrade(&u, now, x), LUXC_OK);
    near(x[0], 3, 0);
    near(x[1], 0.75, 0);
    near(x[2], 4, 0);
    near(x[3], 2.0, 1e-12);
    near(x[4], 0.32, 1e-15);
    assert_int_equal(luxc_ai_extractor_upgrade.n_features, LUXC_AI_UPGRADE_FEATURES);
    assert_int_equal(luxc_ai_extractor_upgrade.extract(&u, now, x), LUXC_OK);
    assert_int_equal(luxc_ai_extractor_tx.extract(&t, now, x), LUXC_OK);
}

static void test_extractor_bad_input(void **state)
{
    (void)state;
    double x[8];
    luxc_ai_block b = {0};
    luxc_ai_tx t = {0};
    luxc_ai_upgrade u = {0};
    assert_int_equal(luxc_ai_extract_block_basic(NULL, x), LUXC_EINVAL);
    assert_int_equal(luxc_ai_extract_block_basic(&b, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_extract_block(NULL, 0, x), LUXC_EINVAL);
    assert_int_equal(luxc_ai_extract_block(&b, 0, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_extract_tx(NULL, 0, x), LUXC_EINVAL);
    assert_int_equal(luxc_ai_extract_tx(&t, 0, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_extract_upgrade(NULL, 0, x), LUXC_EINVAL);
    assert_int_equal(luxc_ai_extract_upgrade(&u, 0, NULL), LUXC_EINVAL);
    /* Empty structs are fine: all strings empty. */
    assert_int_equal(luxc_ai_extract_tx(&t, 0, x), LUXC_OK);
    assert_int_equal(luxc_ai_extract_upgrade(&u, 0, x), LUXC_OK);
    /* Oversized strings: LUXC_AI_STRING_MAX is fine, one more is not. */
    char *big = malloc(LUXC_AI_STRING_MAX + 2);
    assert_non_null(big);
    memset(big, 'a', LUXC_AI_STRING_MAX + 1);
    big[LUXC_AI_STRING_MAX + 1] = '\0';
    b.hash = big;
    t.from = big;
    u.version = big;
    assert_int_equal(luxc_ai_extract_block(&b, 0, x), LUXC_ETOOBIG);
    assert_int_equal(luxc_ai_extract_tx(&t, 0, x), LUXC_ETOOBIG);
    t.from = NULL;
    t.to = big;
    assert_int_equal(luxc_ai_extract_tx(&t, 0, x), LUXC_ETOOBIG);
    assert_int_equal(luxc_ai_extract_upgrade(&u, 0, x), LUXC_ETOOBIG);
    u.version = NULL;
    u.risk = big;
    assert_int_equal(luxc_ai_extract_upgrade(&u, 0, x), LUXC_ETOOBIG);
    big[LUXC_AI_STRING_MAX] = '\0';
    b.hash = big;
    assert_int_equal(luxc_ai_extract_block(&b, 0, x), LUXC_OK);
    near(x[4], 0.2, 1e-12);
    free(big);
}

static void test_normalizer_welford(void **state)
{
    (void)state;
    luxc_ai_normalizer nz;
    assert_int_equal(luxc_ai_normalizer_init(&nz, 3), LUXC_OK);
    uint64_t seed = luxc_test_seed(), st = seed;
    enum { N = 500 };
    static double xs[N][3];
    for (int i = 0; i < N; i++) {
        for (int f = 0; f < 3; f++)
            xs[i][f] = (double)(luxc_test_rand(&st) % 100000) / 7.0 + 1e6 * f;
        assert_int_equal(luxc_ai_normalizer_update(&nz, xs[i]), LUXC_OK);
    }
    for (int f = 0; f < 3; f++) {
        double mean = 0, var = 0;
        for (int i = 0; i < N; i++)
            mean += xs[i][f];
        mean /= N;
        for (int i = 0; i < N; i++)
            var += (xs[i][f] - mean) * (xs[i][f] - mean);
        var /= N - 1;
        if (fabs(nz.mean[f] - mean) > 1e-9 * fabs(mean) + 1e-9 ||
            fabs(luxc_ai_normalizer_variance(&nz, (size_t)f) - var) > 1e-9 * var)
            LUXC_TEST_FAIL_SEED(seed, "feature %d: mean %.17g/%.17g var %.17g/%.17g", f,
                                nz.mean[f], mean, luxc_ai_normalizer_variance(&nz, (size_t)f),
                                var);
    }
    double z[3];
    assert_int_equal(luxc_ai_normalizer_apply(&nz, z, xs[0]), LUXC_OK);
    for (int f = 0; f < 3; f++)
        near(z[f], (xs[0][f] - nz.mean[f]) / sqrt(luxc_ai_normalizer_variance(&nz, (size_t)f)),
             1e-12);
}

static void test_normalizer_small_and_bad(void **state)
{
    (void)state;
    luxc_ai_normalizer nz;
    assert_int_equal(luxc_ai_normalizer_init(NULL, 2), LUXC_EINVAL);
    assert_int_equal(luxc_ai_normalizer_init(&nz, 0), LUXC_EINVAL);
    assert_int_equal(luxc_ai_normalizer_init(&nz, LUXC_AI_MAX_FEATURES + 1), LUXC_EINVAL);
    assert_int_equal(luxc_ai_normalizer_init(&nz, 2), LUXC_OK);
    double a[2] = {2, 4}, b[2] = {4, 4}, z[2];
    /* No samples: z = x - 0. */
    assert_int_equal(luxc_ai_normalizer_apply(&nz, z, a), LUXC_OK);
    near(z[0], 2, 0);
    assert_int_equal(luxc_ai_normalizer_update(&nz, a), LUXC_OK);
    /* One sample: variance 0, z = x - mean. */
    assert_int_equal(luxc_ai_normalizer_apply(&nz, z, b), LUXC_OK);
    near(z[0], 2, 0);
    near(z[1], 0, 0);
    assert_int_equal(luxc_ai_normalizer_update(&nz, b), LUXC_OK);
    /* mean (3, 4), sample var (2, 0): z0 = (4-3)/sqrt 2, z1 = 0 (constant). */
    assert_int_equal(luxc_ai_normalizer_apply(&nz, z, b), LUXC_OK);
    near(z[0], 1.0 / sqrt(2.0), 1e-15);
    near(z[1], 0.0, 0);
    double bad[2] = {1, NAN}, inf[2] = {INFINITY, 1};
    assert_int_equal(luxc_ai_normalizer_update(&nz, bad), LUXC_ERANGE);
    assert_int_equal(luxc_ai_normalizer_update(&nz, inf), LUXC_ERANGE);
    assert_int_equal(nz.count, 2);
    assert_int_equal(luxc_ai_normalizer_update(NULL, a), LUXC_EINVAL);
    assert_int_equal(luxc_ai_normalizer_update(&nz, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_normalizer_apply(NULL, z, a), LUXC_EINVAL);
    assert_int_equal(luxc_ai_normalizer_apply(&nz, NULL, a), LUXC_EINVAL);
    assert_int_equal(luxc_ai_normalizer_apply(&nz, z, NULL), LUXC_EINVAL);
    assert_true(luxc_ai_normalizer_variance(NULL, 0) == 0.0);
    assert_true(luxc_ai_normalizer_variance(&nz, 2) == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_complexity),
        cmocka_unit_test(test_entropy),
        cmocka_unit_test(test_version_entropy_and_risk),
        cmocka_unit_test(test_block_extractors),
        cmocka_unit_test(test_tx_and_upgrade_extractors),
        cmocka_unit_test(test_extractor_bad_input),
        cmocka_unit_test(test_normalizer_welford),
        cmocka_unit_test(test_normalizer_small_and_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
