/* test_sim_rounds.c - the simulator's rounds model (sim_rounds.c): the
 * network from issue 12 that the snowman race alone splits and stalls
 * finishes every height with the round rule; seeded random networks
 * (Byzantine stake below 1/3 of every strategy, loss, delay, crashes,
 * GST) never certify two blocks at a height, never decide differently,
 * and finish every height that starts after GST; the presets do so at
 * 10,000 validators; negative controls (1/3 or more Byzantine) show the
 * counters fire; GST really ends loss; errors and allocation failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "luxc/consensus_sim.h"
#include "testutil.h"

/* The run of issue 12: 10 validators, local preset, 5 rounds of delay,
 * half the messages lost, 3 candidates, 500 heights. */
static void issue_run(luxc_sim_cfg *cfg)
{
    luxc_sim_defaults(cfg);
    assert_int_equal(luxc_params_preset(&cfg->params, "local"), LUXC_OK);
    cfg->nodes = 10;
    cfg->delay = 5;
    cfg->loss = 0.5;
    cfg->candidates = 3;
    cfg->blocks = 500;
    cfg->seed = 1;
}

static void test_issue_network_finishes_every_height(void **state)
{
    (void)state;
    luxc_sim_cfg cfg;
    luxc_sim_result r;
    issue_run(&cfg);
    cfg.finality = LUXC_SIM_FINALITY_SNOWMAN; /* the race alone: the finding */
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_OK);
    assert_int_equal(r.safety_violations, 159);
    assert_int_equal(r.stalled_blocks, 16);
    issue_run(&cfg); /* the node's rule over the same race */
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_OK);
    assert_int_equal(r.safety_violations, 0);
    assert_int_equal(r.conflicting_certificates, 0);
    assert_int_equal(r.stalled_blocks, 0);
    assert_int_equal(r.blocks_finalized, 500);
    assert_true(r.agreement);
    assert_true(r.max_consensus_rounds >= 2); /* the split made later rounds */
}

static void test_deterministic_and_gst_ends_loss(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed();
    luxc_sim_cfg cfg;
    luxc_sim_defaults(&cfg);
    assert_int_equal(luxc_params_preset(&cfg.params, "local"), LUXC_OK);
    cfg.nodes = 40;
    cfg.blocks = 20;
    cfg.seed = seed;
    cfg.byzantine = 0.2;
    cfg.strategy = LUXC_SIM_EQUIVOCATE;
    cfg.loss = 0.3;
    cfg.delay = 4;
    cfg.crash = 0.01;
    cfg.gst = 200;
    luxc_sim_result a, b;
    assert_int_equal(luxc_sim_run(&cfg, &a), LUXC_OK);
    assert_int_equal(luxc_sim_run(&cfg, &b), LUXC_OK);
    if (memcmp(&a, &b, sizeof a))
        LUXC_TEST_FAIL_SEED(seed, "two runs with one seed differ");
    if (a.lost == 0 || a.crashes == 0 || a.heights_after_gst == 0)
        LUXC_TEST_FAIL_SEED(seed, "lost %llu crashes %llu after-GST heights %u: nothing happened",
                            (unsigned long long)a.lost, (unsigned long long)a.crashes,
                            a.heights_after_gst);
    /* timely from the start: nothing lost, nobody crashes */
    cfg.gst = 0;
    assert_int_equal(luxc_sim_run(&cfg, &b), LUXC_OK);
    assert_int_equal(b.lost, 0);
    assert_int_equal(b.crashes, 0);
    assert_int_equal(b.heights_after_gst, 20);
    assert_int_equal(b.stalled_heights_after_gst, 0);
}

/* Seeded networks below 1/3 Byzantine: safe always, live after GST. */
static void test_safe_and_live_after_gst_many_seeds(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed();
    uint64_t g = seed;
    static const char *const presets[] = {"local", "localbft", "testnet", "default"};
    const char *env = getenv("LUXC_SIM_ROUNDS_RUNS");
    int runs = env ? atoi(env) : 120;
    for (int run = 0; run < runs; run++) {
        luxc_sim_cfg cfg;
        luxc_sim_defaults(&cfg);
        uint64_t rs = luxc_test_rand(&g);
        const char *preset = presets[luxc_test_rand(&g) % 4];
        assert_int_equal(luxc_params_preset(&cfg.params, preset), LUXC_OK);
        cfg.seed = rs;
        cfg.nodes = 4 + (uint32_t)(luxc_test_rand(&g) % 120);
        if (cfg.nodes < cfg.params.k)
            cfg.nodes = cfg.params.k;
        /* strictly below 1/3 of the validators */
        uint32_t fmax = (cfg.nodes - 1) / 3;
        uint32_t f = (uint32_t)(luxc_test_rand(&g) % (fmax + 1));
        cfg.byzantine = ((double)f + 0.5) / (double)cfg.nodes;
        cfg.strategy = (luxc_sim_strategy)(luxc_test_rand(&g) % 5);
        cfg.candidates = 2 + (uint32_t)(luxc_test_rand(&g) % 3);
        cfg.loss = (double)(luxc_test_rand(&g) % 6) * 0.1; /* 0 .. 0.5 */
        cfg.delay = (uint32_t)(luxc_test_rand(&g) % 6);
        cfg.crash = (double)(luxc_test_rand(&g) % 3) * 0.01;
        cfg.gst = 100 + luxc_test_rand(&g) % 400;
        cfg.blocks = 12;
        cfg.max_rounds = 20000; /* a bound far above what any run needs */
        luxc_sim_result r;
        assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_OK);
        if (r.conflicting_certificates || r.safety_violations || r.stalled_heights_after_gst ||
            r.max_rounds_after_gst > 30)
            LUXC_TEST_FAIL_SEED(seed,
                                "run %d (seed %llu: %s, %u nodes, %u Byzantine %s, %u candidates, "
                                "loss %.1f, delay %u, crash %.2f, gst %llu): %u conflicting "
                                "certificates, %u split decisions, %u of %u heights after GST "
                                "stalled, up to %u rounds",
                                run, (unsigned long long)rs, preset, cfg.nodes, r.byzantine_nodes,
                                luxc_sim_strategy_name(cfg.strategy), cfg.candidates, cfg.loss,
                                cfg.delay, cfg.crash, (unsigned long long)cfg.gst,
                                r.conflicting_certificates, r.safety_violations,
                                r.stalled_heights_after_gst, r.heights_after_gst,
                                r.max_rounds_after_gst);
    }
}

/* Every preset at 10,000 validators, a fifth of them equivocating, loss
 * and delay until GST: 0 stalls after GST, 0 conflicts. */
static void test_presets_at_10000_validators(void **state)
{
    (void)state;
    static const char *const presets[] = {"default", "mainnet", "testnet", "local", "localbft"};
    const char *env = getenv("LUXC_SIM_ROUNDS_BIG_BLOCKS");
    uint32_t blocks = env ? (uint32_t)atoi(env) : 12;
    for (int p = 0; p < 5; p++) {
        luxc_sim_cfg cfg;
        luxc_sim_defaults(&cfg);
        assert_int_equal(luxc_params_preset(&cfg.params, presets[p]), LUXC_OK);
        cfg.nodes = 10000;
        cfg.byzantine = 0.2;
        cfg.strategy = LUXC_SIM_EQUIVOCATE;
        cfg.candidates = 3;
        cfg.loss = 0.2;
        cfg.delay = 5;
        /* A height takes 20-30 ticks here: GST a third of the way in leaves
         * heights on both sides of it however short the chain. */
        cfg.gst = 10 * (uint64_t)blocks;
        cfg.blocks = blocks;
        cfg.seed = 7;
        luxc_sim_result r;
        assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_OK);
        if (r.conflicting_certificates || r.safety_violations || r.stalled_blocks ||
            r.heights_after_gst == 0 || r.stalled_heights_after_gst)
            fail_msg("preset %s at 10,000: %u conflicting, %u split, %u stalled (%u of %u after "
                     "GST)",
                     presets[p], r.conflicting_certificates, r.safety_violations,
                     r.stalled_blocks, r.stalled_heights_after_gst, r.heights_after_gst);
        assert_int_equal(r.blocks_finalized, blocks);
    }
}

/* The counters fire: 45% equivocators certify two blocks at some height;
 * silent validators holding more than 1/3 stop every height. */
static void test_negative_controls(void **state)
{
    (void)state;
    luxc_sim_cfg cfg;
    luxc_sim_result r;
    luxc_sim_defaults(&cfg);
    assert_int_equal(luxc_params_preset(&cfg.params, "local"), LUXC_OK);
    cfg.nodes = 30;
    cfg.blocks = 40;
    cfg.byzantine = 0.45;
    cfg.strategy = LUXC_SIM_EQUIVOCATE;
    cfg.candidates = 2; /* two blocks: the honest split in halves easily */
    cfg.loss = 0.2;
    cfg.delay = 3;
    cfg.seed = 3;
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_OK);
    assert_true(r.conflicting_certificates > 0);
    assert_true(r.safety_violations > 0);
    cfg.strategy = LUXC_SIM_SILENT;
    cfg.byzantine = 0.34;
    cfg.blocks = 2;
    cfg.max_rounds = 300;
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_OK);
    assert_int_equal(r.stalled_blocks, 2);
    assert_int_equal(r.blocks_finalized, 0);
    assert_false(r.agreement);
}

static void test_errors_and_names(void **state)
{
    (void)state;
    luxc_sim_finality f;
    assert_int_equal(luxc_sim_finality_parse("rounds", &f), LUXC_OK);
    assert_int_equal(f, LUXC_SIM_FINALITY_ROUNDS);
    assert_int_equal(luxc_sim_finality_parse("snowman", &f), LUXC_OK);
    assert_int_equal(f, LUXC_SIM_FINALITY_SNOWMAN);
    assert_int_equal(luxc_sim_finality_parse("tendermint", &f), LUXC_EINVAL);
    assert_int_equal(luxc_sim_finality_parse(NULL, &f), LUXC_EINVAL);
    luxc_sim_cfg cfg;
    luxc_sim_result r;
    luxc_sim_defaults(&cfg);
    cfg.crash = 1.5;
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_EINVAL);
    cfg.crash = 0;
    cfg.finality = (luxc_sim_finality)7;
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_EINVAL);
    cfg.finality = LUXC_SIM_FINALITY_ROUNDS;
    cfg.nodes = LUXC_SIM_MAX_ROUNDS_NODES + 1;
    assert_int_equal(luxc_sim_run(&cfg, &r), LUXC_EINVAL);
}

static void test_alloc_failure(void **state)
{
    (void)state;
    luxc_sim_cfg cfg;
    luxc_sim_defaults(&cfg);
    assert_int_equal(luxc_params_preset(&cfg.params, "local"), LUXC_OK);
    cfg.nodes = 20;
    cfg.blocks = 2;
    cfg.byzantine = 0.2;
    cfg.strategy = LUXC_SIM_RANDOM;
    cfg.loss = 0.2;
    cfg.delay = 2;
    cfg.candidates = 3;
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
        cmocka_unit_test(test_issue_network_finishes_every_height),
        cmocka_unit_test(test_deterministic_and_gst_ends_loss),
        cmocka_unit_test(test_safe_and_live_after_gst_many_seeds),
        cmocka_unit_test(test_presets_at_10000_validators),
        cmocka_unit_test(test_negative_controls),
        cmocka_unit_test(test_errors_and_names),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
