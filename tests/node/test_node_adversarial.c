/* test_node_adversarial.c - seeded adversarial runs of the real node core
 * over the simulated network (sim_net.c). Each seed picks one scenario and
 * its parameters:
 *   0 loss and delay: a third of the messages lost, the rest delayed and
 *     reordered (3 validators: one divergent vote used to stall them);
 *   1 a 2|1 partition (3 validators);
 *   2 a 2|2|1 partition (5 validators: no side can finalize);
 *   3 a 3|2 partition (5 validators: 3 of 5 is not more than 2/3);
 *   4 one Byzantine equivocator of 4 (two blocks when it leads, a vote for
 *     every block), with delays;
 *   5 reordered and duplicated messages, some lost;
 *   6 a crash of one validator right after its k-th vote went out (k
 *     picked by the seed: every persisted step of a height is hit), or of
 *     all of them at once, each restarted from its store later;
 *   7 a validator paused for several rounds (its messages wait), then
 *     resumed.
 * The perturbation lasts 0.5 to 3 s of simulated time, then the network
 * heals (timely: 1 ms delay, nothing lost). Every run must end with no two
 * honest validators having finalized different blocks at a height, and
 * with every honest validator three heights further within the bound:
 * ADV_BOUND_MS of simulated time after the heal, and no validator more
 * than ADV_BOUND_ROUNDS rounds past the round it was in at the heal.
 * LUXC_ADV_SEEDS sets how many seeds run (default 1000; `make soak` runs
 * 100,000); LUXC_TEST_SEED the first one. The seed is printed on failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sim_net.h"
#include "testutil.h"

#define ADV_BOUND_MS 30000u
#define ADV_BOUND_ROUNDS 12u
#define ADV_SCENARIOS 8u

static const char *const names[ADV_SCENARIOS] = {
    "loss+delay", "partition 2|1", "partition 2|2|1", "partition 3|2",
    "equivocator", "reorder+duplicate", "crash", "pause"};

/* Rounds since the heal: for a validator still at the height it was at
 * when the network healed, its round minus its round then; at a later
 * height, its round there. The most over all honest validators. */
typedef struct heal_mark {
    uint64_t height[SIM_MAX_NODES];
    uint32_t round[SIM_MAX_NODES];
} heal_mark;

static void mark_heal(const sim_net *net, heal_mark *h)
{
    for (uint32_t i = 0; i < net->n; i++) {
        h->height[i] = 0;
        h->round[i] = 0;
        const sim_node *sn = &net->nodes[i];
        if (sn->down)
            continue;
        luxc_node_status st;
        luxc_node_status_get(sn->node, &st);
        h->height[i] = st.height;
        h->round[i] = st.round;
    }
}

static uint32_t rounds_since(const sim_net *net, const heal_mark *h)
{
    uint32_t m = 0;
    for (uint32_t i = 0; i < net->n; i++) {
        const sim_node *sn = &net->nodes[i];
        if (sn->down || sn->behaviour != LUXC_HONEST)
            continue;
        luxc_node_status st;
        luxc_node_status_get(sn->node, &st);
        uint32_t r = st.height == h->height[i] && st.round >= h->round[i] ? st.round - h->round[i]
                     : st.height == h->height[i] ? 0
                                                 : st.round;
        m = r > m ? r : m;
    }
    return m;
}

/* One seed: 0 on success, else a message in why. */
static int run_seed(uint64_t seed, char *why, size_t whylen, uint32_t *rounds_after)
{
    uint64_t r = seed;
    uint32_t kind = (uint32_t)(seed % ADV_SCENARIOS);
    uint32_t n = kind <= 1 ? 3 : kind <= 3 ? 5 : 4;
    luxc_behaviour beh[SIM_MAX_NODES] = {0};
    if (kind == 4)
        beh[luxc_test_rand(&r) % n] = LUXC_EQUIVOCATE;
    sim_net net;
    if (sim_net_init(&net, n, "localbft", beh, seed) != 0) {
        snprintf(why, whylen, "sim_net_init failed");
        return -1;
    }
    net.restart_delay_ms = 50 + luxc_test_rand(&r) % 300;
    uint64_t perturb_ms = 500 + luxc_test_rand(&r) % 2500;
    /* a few heights first, sometimes none */
    if (luxc_test_rand(&r) % 2)
        (void)sim_net_run(&net, 1 + luxc_test_rand(&r) % 3, 5000);
    switch (kind) {
    case 0:
        net.loss_per_mille = 333;
        net.jitter_ms = 40;
        break;
    case 1: {
        uint32_t g[3] = {0, 0, 0};
        g[luxc_test_rand(&r) % 3] = 1;
        sim_net_partition(&net, g);
        break;
    }
    case 2: {
        uint32_t g[5] = {0, 0, 1, 1, 2};
        for (uint32_t i = 4; i > 0; i--) { /* shuffle the sides */
            uint32_t j = (uint32_t)(luxc_test_rand(&r) % (i + 1)), t = g[i];
            g[i] = g[j];
            g[j] = t;
        }
        sim_net_partition(&net, g);
        break;
    }
    case 3: {
        uint32_t g[5] = {0, 0, 0, 1, 1};
        for (uint32_t i = 4; i > 0; i--) {
            uint32_t j = (uint32_t)(luxc_test_rand(&r) % (i + 1)), t = g[i];
            g[i] = g[j];
            g[j] = t;
        }
        sim_net_partition(&net, g);
        break;
    }
    case 4:
        net.jitter_ms = 30;
        break;
    case 5:
        net.jitter_ms = 60;
        net.dup_per_mille = 200;
        net.loss_per_mille = 100;
        break;
    case 6:
        if (luxc_test_rand(&r) % 4 == 0) { /* all at once */
            uint32_t k = 1 + (uint32_t)(luxc_test_rand(&r) % 6);
            for (uint32_t i = 0; i < n; i++)
                net.nodes[i].crash_after_votes = net.nodes[i].votes_out + k;
        } else {
            uint32_t who = (uint32_t)(luxc_test_rand(&r) % n);
            net.nodes[who].crash_after_votes =
                net.nodes[who].votes_out + 1 + (uint32_t)(luxc_test_rand(&r) % 9);
        }
        net.jitter_ms = 5;
        break;
    case 7:
        net.nodes[luxc_test_rand(&r) % n].paused = 1;
        break;
    }
    (void)sim_net_run(&net, UINT64_MAX, perturb_ms);
    /* heal */
    net.loss_per_mille = net.dup_per_mille = net.jitter_ms = 0;
    sim_net_partition(&net, NULL);
    for (uint32_t i = 0; i < n; i++) {
        net.nodes[i].paused = 0;
        net.nodes[i].crash_after_votes = 0;
    }
    /* crashed nodes come back (their restart time), then progress */
    (void)sim_net_run(&net, UINT64_MAX, 400);
    for (uint32_t i = 0; i < n; i++)
        if (net.nodes[i].down && sim_node_start(&net, i) != LUXC_OK) {
            snprintf(why, whylen, "restart of node %u failed", i);
            sim_net_free(&net);
            return -1;
        }
    heal_mark mark;
    mark_heal(&net, &mark);
    uint32_t worst = 0;
    uint64_t target = sim_net_min_height(&net) + 3;
    int reached = 0;
    for (uint64_t t = 0; t < ADV_BOUND_MS && !reached; t += 10) {
        reached = sim_net_run(&net, target, 10);
        uint32_t rs = rounds_since(&net, &mark);
        worst = rs > worst ? rs : worst;
    }
    uint64_t bad = sim_net_safety_violations(&net);
    int rc = 0;
    if (bad) {
        snprintf(why, whylen, "%s: %llu heights with two final blocks", names[kind],
                 (unsigned long long)bad);
        rc = -1;
    } else if (!reached) {
        snprintf(why, whylen, "%s: not 3 heights further within %u ms of the heal (at %llu)",
                 names[kind], ADV_BOUND_MS, (unsigned long long)sim_net_min_height(&net));
        rc = -1;
    } else if (worst > ADV_BOUND_ROUNDS) {
        snprintf(why, whylen, "%s: %u rounds after the heal (bound %u)", names[kind], worst,
                 ADV_BOUND_ROUNDS);
        rc = -1;
    }
    *rounds_after = worst;
    sim_net_free(&net);
    return rc;
}

static void test_adversarial_seeds(void **state)
{
    (void)state;
    uint64_t first = luxc_test_seed();
    const char *env = getenv("LUXC_ADV_SEEDS");
    uint64_t count = env ? strtoull(env, NULL, 10) : 1000;
    uint32_t worst[ADV_SCENARIOS] = {0};
    uint64_t runs[ADV_SCENARIOS] = {0};
    for (uint64_t i = 0; i < count; i++) {
        uint64_t seed = first + i;
        char why[200];
        uint32_t rounds = 0;
        if (run_seed(seed, why, sizeof why, &rounds) != 0)
            LUXC_TEST_FAIL_SEED(seed, "%s (LUXC_ADV_SEEDS=1 repeats this one)", why);
        uint32_t k = (uint32_t)(seed % ADV_SCENARIOS);
        runs[k]++;
        worst[k] = rounds > worst[k] ? rounds : worst[k];
    }
    for (uint32_t k = 0; k < ADV_SCENARIOS; k++)
        fprintf(stderr, "%-18s %6llu runs, at most %u rounds after the heal\n", names[k],
                (unsigned long long)runs[k], worst[k]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_adversarial_seeds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
