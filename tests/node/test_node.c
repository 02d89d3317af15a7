/* test_node.c - the validator core over a simulated network: agreement,
 * certificates, Byzantine validators below 1/3, message loss, restart with
 * catch-up from certified blocks, and garbage on the wire. (Upgrade
 * decisions over the simulated network: test_node_upgrade.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "luxc/node.h"
#include "luxc/node_wire.h"
#include "sim_net.h"
#include "testutil.h"

static uint64_t seed;

static void expect_progress(sim_net *net, uint64_t height, uint64_t max_ms, const char *what)
{
    if (!sim_net_run(net, height, max_ms))
        LUXC_TEST_FAIL_SEED(seed, "%s: honest nodes did not reach height %llu", what,
                            (unsigned long long)height);
    uint64_t bad = sim_net_safety_violations(net);
    if (bad)
        LUXC_TEST_FAIL_SEED(seed, "%s: %llu safety violations", what, (unsigned long long)bad);
}

static void test_honest_network_finalizes(void **state)
{
    (void)state;
    sim_net net;
    assert_int_equal(sim_net_init(&net, 4, "localbft", NULL, seed), 0);
    for (int i = 0; i < 40; i++)
        assert_int_equal(luxc_node_submit_tx(net.nodes[i % 4].node, (const uint8_t *)"tx", 2),
                         LUXC_OK);
    expect_progress(&net, 30, 60000, "honest");
    luxc_node_status st;
    luxc_node_status_get(net.nodes[0].node, &st);
    assert_true(st.blocks_finalized >= 30);
    assert_true(st.votes_sent >= 30);
    assert_int_equal(st.equivocations_seen, 0);
    /* every submitted transaction ended up in a final block */
    uint64_t txs = 0;
    for (int i = 0; i < 4; i++) {
        luxc_node_status_get(net.nodes[i].node, &st);
        assert_int_equal(st.mempool_len, 0);
    }
    luxc_node_status_get(net.nodes[1].node, &st);
    txs = st.txs_finalized;
    assert_int_equal(txs, 40);
    /* every block is in every store with a certificate */
    for (int i = 0; i < 4; i++) {
        luxc_store_info info;
        assert_int_equal(luxc_store_info_get(net.nodes[i].store, &info), LUXC_OK);
        assert_true(info.has_blocks);
        assert_int_equal(info.first_height, 1);
        assert_true(info.last_height >= 30);
        size_t len;
        assert_int_equal(luxc_store_cert_get(net.nodes[i].store, 1, NULL, 0, &len), LUXC_ETOOBIG);
        assert_true(len > 3 * LUXC_MLDSA_BYTES); /* > 2/3 of 4 equal stakes: 3 signers */
    }
    sim_net_free(&net);
}

static void run_byzantine(luxc_behaviour bad, const char *what)
{
    luxc_behaviour b[4] = {LUXC_HONEST, LUXC_HONEST, LUXC_HONEST, LUXC_HONEST};
    b[seed % 4] = bad; /* one of four: 1/4 of stake, below 1/3 */
    sim_net net;
    assert_int_equal(sim_net_init(&net, 4, "localbft", b, seed), 0);
    expect_progress(&net, 20, 120000, what);
    if (bad == LUXC_EQUIVOCATE) {
        uint64_t seen = 0;
        for (int i = 0; i < 4; i++) {
            luxc_node_status st;
            luxc_node_status_get(net.nodes[i].node, &st);
            if (b[i] == LUXC_HONEST)
                seen += st.equivocations_seen;
        }
        if (seen == 0)
            LUXC_TEST_FAIL_SEED(seed, "equivocation never detected");
    }
    sim_net_free(&net);
}

static void test_silent_validator(void **state)
{
    (void)state;
    run_byzantine(LUXC_SILENT, "silent");
}

static void test_random_validator(void **state)
{
    (void)state;
    run_byzantine(LUXC_RANDOM, "random");
}

static void test_equivocating_validator(void **state)
{
    (void)state;
    run_byzantine(LUXC_EQUIVOCATE, "equivocate");
}

/* A slow round timeout (100 ms, so 100 ms polls) and a silent validator in
 * every full sample: polls must end as soon as their outcome is settled,
 * and a round change must not throw away the confidence gathered. */
static void test_silent_validator_slow_rounds(void **state)
{
    (void)state;
    luxc_behaviour b[4] = {LUXC_HONEST, LUXC_HONEST, LUXC_HONEST, LUXC_SILENT};
    sim_net net;
    assert_int_equal(sim_net_init(&net, 4, "localbft", b, seed), 0);
    net.params.round_timeout_ms = 100;
    for (uint32_t i = 0; i < 4; i++) {
        sim_node_stop(&net, i);
        assert_int_equal(sim_node_start(&net, i), LUXC_OK);
    }
    expect_progress(&net, 20, 20000, "silent validator, 100 ms rounds");
    sim_net_free(&net);
}

static void test_message_loss(void **state)
{
    (void)state;
    sim_net net;
    assert_int_equal(sim_net_init(&net, 4, "localbft", NULL, seed), 0);
    net.loss_per_mille = 50; /* 5 % */
    net.delay_ms = 3;
    expect_progress(&net, 15, 120000, "5% loss");
    assert_true(net.lost > 0);
    sim_net_free(&net);
}

static void test_restart_catches_up(void **state)
{
    (void)state;
    sim_net net;
    assert_int_equal(sim_net_init(&net, 4, "localbft", NULL, seed), 0);
    expect_progress(&net, 5, 60000, "before crash");
    sim_node_stop(&net, 2);
    expect_progress(&net, 25, 60000, "three of four");
    assert_int_equal(sim_node_start(&net, 2), LUXC_OK);
    luxc_node_status st;
    luxc_node_status_get(net.nodes[2].node, &st);
    assert_true(st.height >= 5); /* recovered from its store */
    expect_progress(&net, 35, 60000, "after restart");
    luxc_node_status_get(net.nodes[2].node, &st);
    if (st.blocks_synced == 0)
        LUXC_TEST_FAIL_SEED(seed, "restarted node did not sync certified blocks");
    sim_net_free(&net);
}

static void test_garbage_is_dropped(void **state)
{
    (void)state;
    sim_net net;
    assert_int_equal(sim_net_init(&net, 4, "localbft", NULL, seed), 0);
    luxc_node *n0 = net.nodes[0].node;
    uint64_t rs = seed;
    uint8_t buf[600];
    for (int i = 0; i < 2000; i++) {
        size_t len = 1 + luxc_test_rand(&rs) % sizeof buf;
        for (size_t j = 0; j < len; j++)
            buf[j] = (uint8_t)luxc_test_rand(&rs);
        buf[0] = (uint8_t)(1 + i % 11); /* every message type, and one unknown */
        luxc_node_receive(n0, 1 + (uint32_t)(i % 3), buf, len, net.now);
    }
    /* a vote with a forged signature, from a member */
    luxc_vote v = {.height = 1, .round = 0, .accept = 1};
    memset(v.block, 7, 32);
    luxc_node_status st0;
    luxc_node_status_get(n0, &st0);
    memcpy(v.parent, st0.last_id, 32);
    assert_int_equal(luxc_chain_id_hash(v.chain_id, net.genesis.chain_id), LUXC_OK);
    uint8_t vm[LUXC_VOTE_BYTES], sig[LUXC_MLDSA_BYTES] = {1}, wire[4000];
    size_t wl;
    assert_int_equal(luxc_vote_encode(vm, &v), LUXC_OK);
    assert_int_equal(luxc_wire_vote(wire, sizeof wire, &wl, vm, sig, sizeof sig), LUXC_OK);
    assert_int_equal(luxc_node_receive(n0, 1, wire, wl, net.now), LUXC_EAUTH);
    /* from outside the set, and from ourselves */
    assert_int_equal(luxc_node_receive(n0, 9, wire, wl, net.now), LUXC_ENOTMEMBER);
    assert_int_equal(luxc_node_receive(n0, 0, wire, wl, net.now), LUXC_ENOTMEMBER);
    luxc_node_status st;
    luxc_node_status_get(n0, &st);
    assert_true(st.dropped_msgs >= 1000);
    expect_progress(&net, 5, 60000, "after garbage");
    sim_net_free(&net);
}

/* A query about a height that is already final is answered with the block
 * final there (a peer that lags behind learns what to catch up to). */
static void test_query_for_final_height(void **state)
{
    (void)state;
    sim_net net;
    assert_int_equal(sim_net_init(&net, 4, "localbft", NULL, seed), 0);
    expect_progress(&net, 6, 60000, "before query");
    uint8_t want[32], zero[32] = {0}, msg[45];
    size_t blen, len;
    int rc = luxc_store_block_get(net.nodes[0].store, 3, want, NULL, NULL, 0, &blen);
    assert_true(rc == LUXC_OK || rc == LUXC_ETOOBIG);
    assert_int_equal(luxc_wire_query(msg, sizeof msg, &len, LUXC_WIRE_QUERY, 777, 3, zero), LUXC_OK);
    assert_int_equal(luxc_node_receive(net.nodes[0].node, 1, msg, len, net.now), LUXC_OK);
    int found = 0;
    for (sim_msg *m = net.queue; m; m = m->next) {
        luxc_wire_msg w;
        if (m->from == 0 && m->to == 1 && luxc_wire_decode(&w, m->data, m->len) == LUXC_OK &&
            w.type == LUXC_WIRE_CHITS && w.req == 777) {
            assert_int_equal(w.height, 3);
            assert_memory_equal(w.id, want, 32);
            found = 1;
        }
    }
    assert_true(found);
    sim_net_free(&net);
}

static void test_bad_config(void **state)
{
    (void)state;
    sim_net net;
    assert_int_equal(sim_net_init(&net, 4, "localbft", NULL, seed), 0);
    luxc_node_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    luxc_node *n;
    assert_int_equal(luxc_node_new(&n, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_node_new(&n, &cfg), LUXC_EINVAL);
    cfg.genesis = &net.genesis;
    cfg.keys = &net.nodes[1].keys;
    cfg.self = 0; /* keys of node 1 claiming to be node 0 */
    cfg.params = net.params;
    assert_int_equal(luxc_node_new(&n, &cfg), LUXC_ENOTMEMBER);
    cfg.self = 1;
    cfg.params.alpha_pref = 1; /* breaks K/2 < alpha */
    assert_int_equal(luxc_node_new(&n, &cfg), LUXC_EPARAM);
    assert_null(n);
    sim_net_free(&net);
}

int main(void)
{
    seed = luxc_test_seed();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_honest_network_finalizes),
        cmocka_unit_test(test_silent_validator),
        cmocka_unit_test(test_random_validator),
        cmocka_unit_test(test_equivocating_validator),
        cmocka_unit_test(test_message_loss),
        cmocka_unit_test(test_silent_validator_slow_rounds),
        cmocka_unit_test(test_restart_catches_up),
        cmocka_unit_test(test_garbage_is_dropped),
        cmocka_unit_test(test_bad_config),
        cmocka_unit_test(test_query_for_final_height),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
