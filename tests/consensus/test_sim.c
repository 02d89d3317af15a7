/* test_sim.c - the deterministic simulator's snowman model (the race
 * alone decides; the rounds model is test_sim_rounds.c): reproducibility, liveness
 * without adversaries, the safety property over many seeds (Byzantine
 * stake below 1/3: no two honest validators decide differently with the
 * default parameters, and never two certified blocks at one height),
 * negative controls showing the counters do fire, argument errors and
 * allocation failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "luxc/consensus_sim.h"
#include "testutil.h"

static void test_names(void **state)
{
    (void)state;
    const char *names[] = {"honest", "fixed", "random", "equivocate", "silent"};
    for (int i = 0; i < 5; i++) {
        luxc_sim_strategy s;
        assert_int_equal(luxc_sim_strategy_parse(names[i], &s), LUXC_OK);
        assert_int_equal(s, i);
        assert_string_equal(luxc_sim_strategy_name(s), names[i]);
    }
    luxc_sim_strategy s;
    assert_int_equal(luxc_sim_strategy_parse("evil", &s), LUXC_EINVAL);
    assert_string_equal(luxc_sim_strategy_name((luxc_sim_strategy)9), "unknown");
    luxc_sim_cfg cfg;
    luxc_sim_defaults(&cfg);
    assert_int_equal(cfg.params.k, 20);
    assert_int_equal(cfg.candidates, 2);
    assert_int_equal(cfg.finality, LUXC_SIM_FINALITY_ROUNDS);
    assert_true(cfg.gst == LUXC_SIM_NO_GST);
}

static void test_deterministic(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed();
    luxc_sim_cfg cfg;
    luxc_sim_defaults(&cfg);
    cfg.finality = LUXC_SIM_FINALITY_SNOWMAN;
    cfg.nodes = 300;
    cfg.blocks = 4;
    cfg.seed = seed;
    cfg.byzantine = 0.2;
    cfg.strategy = LUXC_SIM_RANDOM;
    cfg.loss = 0.05;
    cfg.delay = 2;
    luxc_sim_result a, b;
    assert_int_equal(luxc_sim_run(&cfg, &a), LUXC_OK);
    assert_int_equal(luxc_sim_run(&cfg, &b), LUXC_OK);
    if (memcmp(&a, &b, sizeof a))
        LUXC_TEST_FAIL_SEED(seed, "two runs with one seed differ");
    assert_true(a.lost > 0);
    int differ = 0;
    for (uint64_t d = 1; d <= 3 && !differ; d++) {
        cfg.seed = seed + d;
        assert_int_equal(luxc_sim_run(&cfg, &b), LUXC_OK);
        differ = a.polls != b.polls || a.rounds != b.rounds;
    }
    assert_true(differ);
}

static void test_honest_network_agrees(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed();
    luxc_sim_cfg cfg;
    luxc_sim_defaults(&cfg);
    cfg.finality = LUXC_SIM_FINALITY_SNOWMAN;
    cfg.nodes = 500;
    cfg.blocks = 5;
    cfg.seed = seed;
    luxc_sim_result r;
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_OK);
    if (!r.agreement || r.blocks_finalized != 5 || r.stalled_blocks || r.safety_violations)
        LUXC_TEST_FAIL_SEED(seed, "honest run: agreement %d finalized %u", r.agreement,
                            r.blocks_finalized);
    assert_int_equal(r.nodes, 500);
    assert_int_equal(r.byzantine_nodes, 0);
    assert_true(r.rounds >= 5 * 14); /* beta rounds at least per block */
    assert_true(r.bytes_per_validator > 0 && r.bytes_per_validator < 256);
    /* Loss and delay slow it down but keep agreement. */
    cfg.loss = 0.1;
    cfg.delay = 3;
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_OK);
    if (!r.agreement || r.blocks_finalized != 5)
        LUXC_TEST_FAIL_SEED(seed, "lossy run: agreement %d finalized %u", r.agreement,
                            r.blocks_finalized);
    /* FPC thresholds. */
    cfg.loss = 0;
    cfg.delay = 0;
    cfg.params.fpc = 1;
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_OK);
    if (!r.agreement)
        LUXC_TEST_FAIL_SEED(seed, "FPC run disagreed");
    /* Ten candidates per height: bitwise snowball trees converge. */
    cfg.params.fpc = 0;
    cfg.candidates = 10;
    cfg.nodes = 200;
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_OK);
    if (!r.agreement || r.blocks_finalized != 5)
        LUXC_TEST_FAIL_SEED(seed, "10 candidates: agreement %d finalized %u stalled %u",
                            r.agreement, r.blocks_finalized, r.stalled_blocks);
}

/* The property: Byzantine stake below 1/3, any strategy, loss, delay. */
static void test_safety_property_many_seeds(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed(), g = seed;
    for (int run = 0; run < 24; run++) {
        luxc_sim_cfg cfg;
        luxc_sim_defaults(&cfg);
    cfg.finality = LUXC_SIM_FINALITY_SNOWMAN;
        uint64_t rs = luxc_test_rand(&g);
        cfg.seed = rs;
        cfg.nodes = 100 + (uint32_t)(luxc_test_rand(&g) % 200);
        cfg.byzantine = (double)(luxc_test_rand(&g) % 33) / 100.0; /* 0 .. 0.32 */
        cfg.strategy = (luxc_sim_strategy)(luxc_test_rand(&g) % 5);
        cfg.loss = (double)(luxc_test_rand(&g) % 3) * 0.05;
        cfg.delay = (uint32_t)(luxc_test_rand(&g) % 3);
        cfg.blocks = 3;
        cfg.max_rounds = 300;
        luxc_sim_result r;
        assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_OK);
        if (r.safety_violations || r.conflicting_certificates)
            LUXC_TEST_FAIL_SEED(seed,
                                "run %d (sim seed %llu, %u nodes, byz %.2f, %s, loss %.2f, "
                                "delay %u): %u safety violations, %u conflicting certs",
                                run, (unsigned long long)rs, cfg.nodes, cfg.byzantine,
                                luxc_sim_strategy_name(cfg.strategy), cfg.loss, cfg.delay,
                                r.safety_violations, r.conflicting_certificates);
        assert_int_equal(r.blocks, 3);
        assert_true(r.blocks_finalized <= r.blocks);
    }
}

/* Certificates stay conflict-free below 1/3 even when the snowball level
 * breaks (tiny K); above 1/3 they do not. Shows both counters fire. */
static void test_negative_controls(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed();
    luxc_sim_cfg cfg;
    luxc_sim_defaults(&cfg);
    cfg.finality = LUXC_SIM_FINALITY_SNOWMAN;
    assert_int_equal(luxc_params_preset(&cfg.params, "local"), LUXC_OK);
    cfg.nodes = 200;
    cfg.blocks = 20;
    cfg.seed = seed;
    cfg.byzantine = 0.3;
    cfg.strategy = LUXC_SIM_EQUIVOCATE;
    luxc_sim_result r;
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_OK);
    if (r.safety_violations == 0 || r.agreement)
        LUXC_TEST_FAIL_SEED(seed, "K=3 under 30%% equivocation showed no violation");
    if (r.conflicting_certificates)
        LUXC_TEST_FAIL_SEED(seed, "conflicting certificates below 1/3");
    cfg.byzantine = 0.45;
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_OK);
    if (r.conflicting_certificates == 0)
        LUXC_TEST_FAIL_SEED(seed, "45%% equivocators certified no conflict");
    /* Silent 45% with alpha 14/20: no height can finish. */
    assert_int_equal(luxc_params_preset(&cfg.params, "default"), LUXC_OK);
    cfg.strategy = LUXC_SIM_SILENT;
    cfg.blocks = 2;
    cfg.max_rounds = 50;
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_OK);
    assert_int_equal(r.stalled_blocks, 2);
    assert_int_equal(r.blocks_finalized, 0);
    assert_false(r.agreement);
    assert_true(r.rounds == 100);
}

static void test_errors(void **state)
{
    (void)state;
    luxc_sim_cfg cfg;
    luxc_sim_result r;
    luxc_sim_defaults(&cfg);
    assert_int_equal(luxc_sim_run(NULL, &r), LUXC_EINVAL);
    assert_int_equal(luxc_sim_run(&cfg, NULL), LUXC_EINVAL);
    cfg.nodes = 0;
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_EINVAL);
    cfg.nodes = 10;
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_ERANGE); /* K = 20 > 10 */
    cfg.nodes = 50;
    cfg.byzantine = 1.0;
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_EINVAL);
    cfg.byzantine = -0.1;
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_EINVAL);
    cfg.byzantine = 0;
    cfg.loss = 1.5;
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_EINVAL);
    cfg.loss = 0;
    cfg.delay = LUXC_SIM_MAX_DELAY + 1;
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_EINVAL);
    cfg.delay = 0;
    cfg.candidates = LUXC_SIM_MAX_CANDIDATES + 1;
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_EINVAL);
    cfg.candidates = 2;
    cfg.blocks = 0;
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_EINVAL);
    cfg.blocks = 1;
    cfg.params.alpha_pref = 5;
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_EPARAM);
}

static void test_alloc_failure(void **state)
{
    (void)state;
    luxc_sim_cfg cfg;
    luxc_sim_defaults(&cfg);
    cfg.finality = LUXC_SIM_FINALITY_SNOWMAN;
    cfg.nodes = 60;
    cfg.blocks = 1;
    cfg.byzantine = 0.1;
    cfg.candidates = 3; /* trees allocate too */
    for (long n = 0;; n++) {
        luxc_sim_result r;
        luxc_test_alloc_fail_after(n);
        int rc = luxc_sim_run(&cfg, &r);
        luxc_test_alloc_fail_after(-1);
        if (rc == LUXC_OK)
            break;
        assert_int_equal(rc, LUXC_ENOMEM);
        assert_int_equal(r.nodes, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_honest_network_agrees),
        cmocka_unit_test(test_safety_property_many_seeds),
        cmocka_unit_test(test_negative_controls),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
