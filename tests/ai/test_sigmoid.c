/* test_sigmoid.c - luxc_ai_exp / luxc_ai_sigmoid against libm, the batch
 * form against the scalar one, and the public functions against the
 * inline kernels the library's loops use (src/ai/sigmoid_kernel.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "ai/sigmoid_kernel.h"
#include "luxc/ai_model.h"
#include "testutil.h"

static double rel_err(double got, long double want)
{
    return want == 0.0L ? fabs(got) : (double)(fabsl((long double)got - want) / fabsl(want));
}

/* References in long double (64-bit mantissa): the double results of
 * libm's exp and of 1 / (1 + exp) carry up to ~1.5e-16 error of their
 * own, which would eat into the bounds under test. */
static long double ref_exp(double x) { return expl((long double)x); }
static long double ref_sigmoid(double x) { return 1.0L / (1.0L + expl(-(long double)x)); }

/* The documented bound: relative error < 1e-15 on [-708, 709]. */
static void test_exp_matches_libm_sweep(void **state)
{
    (void)state;
    double worst = 0.0, at = 0.0;
    for (double x = -708.0; x <= 709.0; x += 0.001953125 * 3.0) {
        double e = rel_err(luxc_ai_exp(x), ref_exp(x));
        if (e > worst) {
            worst = e;
            at = x;
        }
    }
    if (worst >= 1e-15)
        fail_msg("exp relative error %.3g at x=%.17g", worst, at);
}

static void test_exp_random_points(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed(), st = seed;
    for (int i = 0; i < 200000; i++) {
        double u = (double)(luxc_test_rand(&st) >> 11) / 9007199254740992.0;
        double x = -708.0 + u * 1417.0;
        double e = rel_err(luxc_ai_exp(x), ref_exp(x));
        if (!(e < 1e-15))
            LUXC_TEST_FAIL_SEED(seed, "exp(%.17g): rel err %.3g", x, e);
    }
}

static void test_sigmoid_values(void **state)
{
    (void)state;
    assert_true(luxc_ai_sigmoid(0.0) == 0.5);
    assert_true(rel_err(luxc_ai_sigmoid(1.0), 0.7310585786300049) < 1e-14);
    assert_true(rel_err(luxc_ai_sigmoid(-1.0), 0.2689414213699951) < 1e-14);
    assert_true(rel_err(luxc_ai_sigmoid(10.5), ref_sigmoid(10.5)) < 1e-14);
    assert_true(luxc_ai_sigmoid(1000.0) == 1.0);
    assert_true(luxc_ai_sigmoid(1e300) == 1.0);
    double lo = luxc_ai_sigmoid(-1000.0);
    assert_true(lo >= 0.0 && lo < 1e-300);
    assert_true(isnan(luxc_ai_sigmoid(NAN)));
    assert_true(luxc_ai_sigmoid(INFINITY) == 1.0);
    assert_true(luxc_ai_sigmoid(-INFINITY) >= 0.0 && luxc_ai_sigmoid(-INFINITY) < 1e-300);
}

/* The documented bound: relative error < 5e-16 + 3.4e-17 |x|, against
 * the long double reference. Over the whole clamp range, swept and at
 * random. */
static double sigmoid_bound(double x) { return 5e-16 + 3.4e-17 * fabs(x); }

static void test_sigmoid_accuracy(void **state)
{
    (void)state;
    double worst = 0.0, at = 0.0;
    for (double x = -708.0; x <= 708.0; x += 0.001953125 * 3.0) {
        double e = rel_err(luxc_ai_sigmoid(x), ref_sigmoid(x)) / sigmoid_bound(x);
        if (e > worst) {
            worst = e;
            at = x;
        }
    }
    if (worst >= 1.0)
        fail_msg("sigmoid(%.17g): error %.3g of the bound", at, worst);
    uint64_t seed = luxc_test_seed(), st = seed;
    for (int i = 0; i < 200000; i++) {
        double u = (double)(luxc_test_rand(&st) >> 11) / 9007199254740992.0;
        double x = i % 2 ? -708.0 + u * 1416.0 : -40.0 + u * 80.0;
        double e = rel_err(luxc_ai_sigmoid(x), ref_sigmoid(x));
        if (!(e < sigmoid_bound(x)))
            LUXC_TEST_FAIL_SEED(seed, "sigmoid(%.17g): rel err %.3g", x, e);
    }
}

/* Bit patterns equal, or both NaN. */
static int same_double(double a, double b)
{
    return isnan(a) ? isnan(b) : memcmp(&a, &b, sizeof a) == 0;
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
        if (!same_double(y[i], s))
            LUXC_TEST_FAIL_SEED(seed, "batch[%zu] %a vs scalar %a", i, y[i], s);
    }
    /* In place. */
    memcpy(y, x, N * sizeof *x);
    luxc_ai_sigmoid_batch(y, y, N);
    for (size_t i = 0; i < N; i++) {
        double s = luxc_ai_sigmoid(x[i]);
        assert_true(same_double(y[i], s));
    }
    /* Every length up to 40 (the 16-, 8- and 1-wide loops and their
     * mixes), at every offset, leaves its neighbours alone. */
    for (size_t n = 0; n <= 40; n++) {
        for (size_t i = 0; i < 48; i++)
            y[i] = -1.0;
        luxc_ai_sigmoid_batch(y + 1, x + 100, n);
        assert_true(y[0] == -1.0 && y[n + 1] == -1.0);
        for (size_t i = 0; i < n; i++)
            assert_true(same_double(y[1 + i], luxc_ai_sigmoid(x[100 + i])));
    }
    luxc_ai_sigmoid_batch(NULL, x, N); /* no-op, no crash */
    luxc_ai_sigmoid_batch(y, NULL, N);
    luxc_ai_sigmoid_batch(y, x, 0);
    free(x);
    free(y);
    assert_int_equal(luxc_ai_max_features(), LUXC_AI_MAX_FEATURES);
    assert_int_equal(luxc_ai_reasoningbytes(), LUXC_AI_REASONINGBYTES);
}

/* The out-of-line public functions are the inline kernels, bit for bit
 * (both compiled with the library's flags), and with AVX-512 the
 * eight-lane kernel equals the scalar one lane by lane. */
static void test_public_equals_kernel(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed(), st = seed;
    static const double edge[] = {0.0, -0.0, 1.0, -1.0, 708.0, -708.0, 709.0, -709.0,
                                  1e300, -1e300, INFINITY, -INFINITY, NAN, 5e-324};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
        assert_true(same_double(luxc_ai_exp(edge[i]), luxc_ai_exp_kernel(edge[i])));
        assert_true(same_double(luxc_ai_sigmoid(edge[i]), luxc_ai_sigmoid_kernel(edge[i])));
    }
    for (int i = 0; i < 100000; i++) {
        double u = (double)(luxc_test_rand(&st) >> 11) / 9007199254740992.0;
        double x = -800.0 + u * 1600.0;
        if (!same_double(luxc_ai_exp(x), luxc_ai_exp_kernel(x)) ||
            !same_double(luxc_ai_sigmoid(x), luxc_ai_sigmoid_kernel(x)))
            LUXC_TEST_FAIL_SEED(seed, "public != kernel at %.17g", x);
    }
#ifdef LUXC_AI_HAVE_SIGMOID_PD8
    double x[8], y[8];
    for (int i = 0; i < 10000; i++) {
        for (int j = 0; j < 8; j++) {
            double u = (double)(luxc_test_rand(&st) >> 11) / 9007199254740992.0;
            x[j] = -800.0 + u * 1600.0;
        }
        if (i == 0)
            memcpy(x, edge, sizeof x);
        _mm512_storeu_pd(y, luxc_ai_sigmoid_pd8(_mm512_loadu_pd(x)));
        for (int j = 0; j < 8; j++)
            if (!same_double(y[j], luxc_ai_sigmoid_kernel(x[j])))
                LUXC_TEST_FAIL_SEED(seed, "pd8 lane %d != scalar at %.17g", j, x[j]);
    }
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exp_matches_libm_sweep),
        cmocka_unit_test(test_exp_random_points),
        cmocka_unit_test(test_sigmoid_values),
        cmocka_unit_test(test_sigmoid_accuracy),
        cmocka_unit_test(test_batch_equals_scalar),
        cmocka_unit_test(test_public_equals_kernel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
