/* test_params.c - presets carry the SPEC section 4 values; every
 * validation rule rejects with LUXC_EPARAM and a message naming it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>

#include "luxc/consensus.h"
#include "testutil.h"

static void expect_preset(const char *name, uint32_t k, uint32_t a, uint32_t b, uint32_t bt,
                          uint32_t to)
{
    luxc_params p;
    char msg[200];
    assert_int_equal(luxc_params_preset(&p, name), LUXC_OK);
    assert_int_equal(p.k, k);
    assert_int_equal(p.alpha_pref, a);
    assert_int_equal(p.alpha_conf, a);
    assert_int_equal(p.beta, b);
    assert_int_equal(p.block_time_ms, bt);
    assert_int_equal(p.round_timeout_ms, to);
    assert_int_equal(p.fpc, 0);
    assert_int_equal(luxc_params_validate(&p, msg, sizeof msg), LUXC_OK);
    assert_string_equal(msg, "");
}

static void test_presets(void **state)
{
    (void)state;
    expect_preset("default", 20, 14, 14, 100, 250);
    expect_preset("mainnet", 21, 15, 15, 200, 400);
    expect_preset("testnet", 11, 8, 8, 100, 225);
    expect_preset("local", 3, 2, 2, 1, 5);
    expect_preset("localbft", 4, 3, 2, 1, 5);
    expect_preset("single", 1, 1, 1, 0, 0);
    size_t n = 0;
    for (const char *const *s = luxc_params_preset_names(); *s; s++, n++) {
        luxc_params p;
        assert_int_equal(luxc_params_preset(&p, *s), LUXC_OK);
    }
    assert_int_equal(n, 6);
}

static void test_unknown_preset(void **state)
{
    (void)state;
    luxc_params p;
    memset(&p, 0xaa, sizeof p);
    assert_int_equal(luxc_params_preset(&p, "devnet"), LUXC_ENOTFOUND);
    assert_int_equal(p.k, 0);
    assert_int_equal(luxc_params_preset(NULL, "default"), LUXC_EINVAL);
    assert_int_equal(luxc_params_preset(&p, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_params_validate(NULL, NULL, 0), LUXC_EINVAL);
}

static void expect_reject(uint32_t k, uint32_t ap, uint32_t ac, uint32_t beta, const char *rule,
                          const char *values)
{
    luxc_params p;
    char msg[256];
    assert_int_equal(luxc_params_preset(&p, "default"), LUXC_OK);
    p.k = k;
    p.alpha_pref = ap;
    p.alpha_conf = ac;
    p.beta = beta;
    assert_int_equal(luxc_params_validate(&p, msg, sizeof msg), LUXC_EPARAM);
    if (!strstr(msg, rule) || !strstr(msg, values))
        fail_msg("message '%s' lacks '%s' / '%s'", msg, rule, values);
    /* NULL message buffer is allowed. */
    assert_int_equal(luxc_params_validate(&p, NULL, 0), LUXC_EPARAM);
}

static void test_rules(void **state)
{
    (void)state;
    expect_reject(0, 1, 1, 1, "1 <= K", "K=0");
    expect_reject(LUXC_CONSENSUS_MAX_K + 1, 1000, 1000, 1, "1 <= K", "K=1025");
    expect_reject(20, 14, 14, 0, "beta >= 1", "beta=0");
    expect_reject(20, 10, 14, 14, "K/2 < alpha_pref", "K=20 alpha_pref=10");
    expect_reject(20, 15, 14, 14, "alpha_pref <= alpha_conf", "alpha_pref=15 alpha_conf=14");
    expect_reject(20, 15, 21, 14, "alpha_conf <= K", "alpha_conf=21 K=20");
    /* 13/20 = 0.65 < 0.66 but 2*13-20 = 6 < 7 too: ratio is checked first. */
    expect_reject(20, 13, 13, 14, "alpha/K in [0.66, 1]", "alpha_pref=13 K=20");
    expect_reject(100, 65, 65, 10, "alpha/K in [0.66, 1]", "alpha_pref=65 K=100");
    /* Ratio fine (66/100) but BFT floor: f = 33, 2*66-100 = 32 < 34. */
    expect_reject(100, 66, 66, 10, "BFT floor", "alpha_pref=66 K=100 f=floor((K-1)/3)=33");
    /* Boundaries that pass: 67/100 -> 34 >= 34; local 2/3. */
    luxc_params p;
    assert_int_equal(luxc_params_preset(&p, "default"), LUXC_OK);
    p.k = 100;
    p.alpha_pref = p.alpha_conf = 67;
    assert_int_equal(luxc_params_validate(&p, NULL, 0), LUXC_OK);
    p.alpha_conf = 100;
    assert_int_equal(luxc_params_validate(&p, NULL, 0), LUXC_OK);
}

static void test_fpc_rules(void **state)
{
    (void)state;
    luxc_params p;
    char msg[256];
    assert_int_equal(luxc_params_preset(&p, "default"), LUXC_OK);
    p.fpc = 1;
    assert_int_equal(luxc_params_validate(&p, msg, sizeof msg), LUXC_OK);
    p.theta_min = 0.49;
    assert_int_equal(luxc_params_validate(&p, msg, sizeof msg), LUXC_EPARAM);
    assert_non_null(strstr(msg, "theta_min=0.49"));
    p.theta_min = 0.6;
    p.theta_max = 0.81;
    assert_int_equal(luxc_params_validate(&p, msg, sizeof msg), LUXC_EPARAM);
    p.theta_min = 0.7;
    p.theta_max = 0.6;
    assert_int_equal(luxc_params_validate(&p, msg, sizeof msg), LUXC_EPARAM);
    p.theta_min = NAN;
    p.theta_max = 0.8;
    assert_int_equal(luxc_params_validate(&p, msg, sizeof msg), LUXC_EPARAM);
    assert_non_null(strstr(msg, "finite"));
    /* The same out-of-range thetas are fine with FPC off. */
    p.fpc = 0;
    assert_int_equal(luxc_params_validate(&p, msg, sizeof msg), LUXC_OK);
}

static void test_message_truncates(void **state)
{
    (void)state;
    luxc_params p;
    char msg[8];
    assert_int_equal(luxc_params_preset(&p, "default"), LUXC_OK);
    p.beta = 0;
    assert_int_equal(luxc_params_validate(&p, msg, sizeof msg), LUXC_EPARAM);
    assert_int_equal(strlen(msg), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_presets),  cmocka_unit_test(test_unknown_preset),
        cmocka_unit_test(test_rules),    cmocka_unit_test(test_fpc_rules),
        cmocka_unit_test(test_message_truncates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
