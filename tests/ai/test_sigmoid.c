/* test_sigmoid.c - luxc_ai_exp / luxc_ai_sigmoid against libm, and the
 * batch form against the scalar one. */
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

static double rel_err(double got, double want)
{
    return want == 0.0 ? fabs(got) : fabs(got - want) / fabs(want);
}

/* The documented bound: relative error < 1e-14 on [-708, 709]. */
static void test_exp_matches_libm_sweep(void **state)
{
    (void)state;
    double worst = 0.0, at = 0.0;
    for (double x = -708.0; x <= 709.0; x += 0.001953125 * 3.0) {
        double e = rel_err(luxc_ai_exp(x), exp(x));
        if (e > worst) {
            worst = e;
            at = x;
        }
    }
    if (worst >= 1e-14)
        fail_msg("exp relative error %.3g at x=%.17g", worst, at);
}

static void test_exp_random_points(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed(), st = seed;
    for (int i = 0; i < 200000; i++) {
        double u = (double)(luxc_test_rand(&st) >> 11) / 9007199254740992.0;
        double x = -708.0 + u * 1417.0;
        double e = rel_err(luxc_ai_exp(x), exp(x));
        if (!(e < 1e-14))
            LUXC_TEST_FAIL_SEED(seed, "exp(%.17g): rel err %.3g", x, e);
    }
}

static void test_sigmoid_values(void **state)
{
    (void)state;
    assert_true(luxc_ai_sigmoid(0.0) == 0.5);
    assert_true(rel_err(luxc_ai_sigmoid(1.0), 0.7310585786300049) < 1e-14);
    assert_true(rel_err(luxc_ai_sigmoid(-1.0), 0.2689414213699951) < 1e-14);
    assert_true(rel_err(luxc_ai_sigmoid(10.5), 1.0 / (1.0 + exp(-10.5))) < 1e-14);
    assert_true(luxc_ai_sigmoid(1000.0) == 1.0);
    assert_true(luxc_ai_sigmoid(1e300) == 1.0);
    double lo = luxc_ai_sigmoid(-1000.0);
    assert_true(lo >= 0.0 && lo < 1e-300);
    assert_true(isnan(luxc_ai_sigmoid(NAN)));
    assert_true(luxc_ai_sigmoid(INFINITY) == 1.0);
    assert_true(luxc_ai_sigmoid(-INFINITY) >= 0.0 && luxc_ai_sigmoid(-INFINITY) < 1e-300);
    for (double x = -700.0; x <= 700.0; x += 0.37) {
        double want = 1.0 / (1.0 + exp(-x));
        double e = rel_err(luxc_ai_sigmoid(x), want);
        if (e >= 2e-14)
            fail_msg("sigmoid(%g) rel err %.3g", x, e);
    }
}

static void test_batch_equals_scalar(void **state)
{
    (void)state;
    enum { N = 1027 }; /* not a multiple of any vector width */
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    uint64_t seed = luxc_test_seed(), st = seed;
    for (size_t i = 0; i < N; i++)
        x[i] = ((double)(luxc_test_rand(&st) % 2000001) - 1000000.0) / 1000.0;
    x[5] = NAN;
    x[6] = INFINITY;
    x[7] = -INFINITY;
    x[8] = 800.0;
    luxc_ai_sigmoid_batch(y, x, N);
    for (size_t i = 0; i < N; i++) {
        double s = luxc_ai_sigmoid(x[i]);
        if (isnan(s) ? !isnan(y[i]) : fabs(y[i] - s) > 2e-16 * s)
            LUXC_TEST_FAIL_SEED(seed, "batch[%zu] %.17g vs %.17g", i, y[i], s);
    }
    /* In place. */
    memcpy(y, x, N * sizeof *x);
    luxc_ai_sigmoid_batch(y, y, N);
    for (size_t i = 0; i < N; i++) {
        double s = luxc_ai_sigmoid(x[i]);
        assert_true(isnan(s) ? isnan(y[i]) : fabs(y[i] - s) <= 2e-16 * s);
    }
    luxc_ai_sigmoid_batch(NULL, x, N); /* no-op, no crash */
    luxc_ai_sigmoid_batch(y, NULL, N);
    luxc_ai_sigmoid_batch(y, x, 0);
    free(x);
    free(y);
    assert_int_equal(luxc_ai_max_features(), LUXC_AI_MAX_FEATURES);
    assert_int_equal(luxc_ai_reasoningbytes(), LUXC_AI_REASONINGBYTES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exp_matches_libm_sweep),
        cmocka_unit_test(test_exp_random_points),
        cmocka_unit_test(test_sigmoid_values),
        cmocka_unit_test(test_batch_equals_scalar),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
