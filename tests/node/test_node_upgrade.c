/* test_node_upgrade.c - node_upgrade.c: upgrade proposals found in final
 * blocks, each decided by a binary snowball instance the node polls its
 * peers for (UPQUERY / UPCHITS), started from its model's vote.
 * Over the simulated network (sim_net.c): the majority's answer wins
 * everywhere. With one node among scripted peers (node_fixture.c): the
 * answers to UPQUERY, the poll's sampling and answers, the outcome kept in
 * the store, and the table of NODE_MAX_UPGRADES.
 *
 * Fixture tests give validator 0 no stake, so every poll samples k of the
 * staked peers (and one of four is left out). */
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
#include "node_fixture.h"
#include "sim_net.h"
#include "testutil.h"

static uint64_t seed;

/* ---- over the simulated network (moved from test_node.c) --------------- */

static int approve_all(void *ctx, const luxc_upgrade_proposal *u)
{
    (void)ctx;
    (void)u;
    return 1;
}

static int reject_all(void *ctx, const luxc_upgrade_proposal *u)
{
    (void)ctx;
    (void)u;
    return 0;
}

/* One proposal, submitted to one validator: it travels in a block, every
 * validator votes with its own model, and the network converges on the
 * majority's answer - the same everywhere. */
static void run_upgrade(int rejecters, int want_approved)
{
    luxc_node_model m[4];
    memset(m, 0, sizeof m);
    for (int i = 0; i < 4; i++)
        m[i].upgrade = i < rejecters ? reject_all : approve_all;
    sim_net net;
    assert_int_equal(sim_net_init_models(&net, 4, "localbft", NULL, m, seed), 0);
    luxc_upgrade_proposal u = {.version = "v2.1.0", .change_count = 12, .risk = 1,
                               .test_count = 40, .timestamp_us = net.now};
    uint8_t tx[LUXC_UPGRADE_MAXBYTES];
    size_t len;
    assert_int_equal(luxc_upgrade_encode(tx, sizeof tx, &len, &u), LUXC_OK);
    assert_int_equal(luxc_node_submit_tx(net.nodes[2].node, tx, len), LUXC_OK);
    int decided = 0;
    for (int step = 0; step < 200 && !decided; step++) {
        sim_net_run(&net, 5 + (uint64_t)step * 5, 60000);
        decided = 1;
        for (int i = 0; i < 4; i++) {
            luxc_node_status st;
            luxc_node_status_get(net.nodes[i].node, &st);
            decided &= st.upgrades_approved + st.upgrades_rejected == 1;
        }
    }
    if (!decided)
        LUXC_TEST_FAIL_SEED(seed, "upgrade proposal never decided everywhere");
    for (int i = 0; i < 4; i++) {
        luxc_node_status st;
        luxc_node_status_get(net.nodes[i].node, &st);
        if (st.upgrades_approved != (uint64_t)want_approved)
            LUXC_TEST_FAIL_SEED(seed, "node %d decided %s, majority said %s", i,
                                st.upgrades_approved ? "approve" : "reject",
                                want_approved ? "approve" : "reject");
        assert_int_equal(st.upgrades_pending, 0);
    }
    sim_net_free(&net);
}

static void test_upgrade_majority_approves(void **state)
{
    (void)state;
    run_upgrade(1, 1);
}

static void test_upgrade_majority_rejects(void **state)
{
    (void)state;
    run_upgrade(3, 0);
}

static void test_upgrade_encoding(void **state)
{
    (void)state;
    luxc_upgrade_proposal u = {.version = "v9", .change_count = 7, .risk = 3, .test_count = 0},
                          v;
    uint8_t tx[LUXC_UPGRADE_MAXBYTES];
    size_t len;
    assert_int_equal(luxc_upgrade_encode(tx, sizeof tx, &len, &u), LUXC_OK);
    assert_int_equal(luxc_upgrade_decode(&v, tx, len), LUXC_OK);
    assert_memory_equal(&u, &v, sizeof u);
    assert_int_equal(luxc_upgrade_decode(&v, tx, len - 1), LUXC_ETRUNC);
    tx[len] = 0;
    assert_int_equal(luxc_upgrade_decode(&v, tx, len + 1), LUXC_ETRAILING);
    tx[8 + 1 + 2 + 4] = 4; /* risk byte */
    assert_int_equal(luxc_upgrade_decode(&v, tx, len), LUXC_ERANGE);
    tx[0] = 'X';
    assert_int_equal(luxc_upgrade_decode(&v, tx, len), LUXC_EINVAL);
    u.risk = 4;
    assert_int_equal(luxc_upgrade_encode(tx, sizeof tx, &len, &u), LUXC_EINVAL);
    u.risk = 0;
    u.version[0] = '\0';
    assert_int_equal(luxc_upgrade_encode(tx, sizeof tx, &len, &u), LUXC_EINVAL);
    assert_int_equal(luxc_upgrade_risk_parse("critical"), 3);
    assert_int_equal(luxc_upgrade_risk_parse("extreme"), -1);
}

/* ---- one node among scripted peers ---------------------------------- */

static uint8_t msg[NODE_MSG_MAX];

/* The model's vote: approve, unless the version starts with 'r'. */
static int model_vote(void *ctx, const luxc_upgrade_proposal *u)
{
    uint32_t *calls = ctx;
    if (calls)
        (*calls)++;
    return u->version[0] != 'r';
}

/* Five validators, validator 0 (the node) without stake. */
static void init_fx(fx *f, int store, uint32_t *calls)
{
    fx_setup(f, 5, "local", store, 0);
    f->vals[0].stake = 0;
    f->genesis.total_stake -= 100;
    f->cfg.model.upgrade = model_vote;
    f->cfg.model.ctx = calls;
    fx_start(f);
}

static size_t upgrade_tx(uint8_t *tx, const char *version, uint8_t id[32])
{
    luxc_upgrade_proposal u = {.change_count = 3, .risk = 1, .test_count = 9, .timestamp_us = 1};
    snprintf(u.version, sizeof u.version, "%s", version);
    size_t len;
    assert_int_equal(luxc_upgrade_encode(tx, LUXC_UPGRADE_MAXBYTES, &len, &u), LUXC_OK);
    if (id)
        assert_int_equal(luxc_hash(id, tx, len), LUXC_OK);
    return len;
}

/* Frame the upgrade proposals of these versions (and one plain tx) into
 * payload; returns its length, *count the txs. */
static size_t upgrade_payload(uint8_t *payload, const char *const *versions, uint32_t n,
                              uint8_t ids[][32], uint32_t *count)
{
    size_t off = 0;
    payload[off] = 0;
    payload[off + 1] = 2;
    memcpy(payload + off + 2, "tx", 2);
    off += 4;
    for (uint32_t i = 0; i < n; i++) {
        size_t l = upgrade_tx(payload + off + 2, versions[i], ids ? ids[i] : NULL);
        payload[off] = (uint8_t)(l >> 8);
        payload[off + 1] = (uint8_t)l;
        off += 2 + l;
    }
    *count = n + 1;
    return off;
}

/* The next block holds the proposals; peers 1..3 certify it (300 of 400). */
static void commit_upgrades(fx *f, const char *const *versions, uint32_t n, uint8_t ids[][32])
{
    static uint8_t payload[8192];
    uint32_t count;
    size_t plen = upgrade_payload(payload, versions, n, ids, &count);
    fx_block b;
    fx_make_block(f, &b, fx_leader(f, 0) == 0 ? 1 : 0, payload, plen, count, 0);
    size_t len = fx_propose_msg(&b, msg);
    assert_int_equal(fx_deliver(f, b.hdr.proposer, msg, len), LUXC_OK);
    for (uint32_t v = 1; v <= 3; v++) {
        len = fx_vote_msg(f, v, &b, msg);
        assert_int_equal(fx_deliver(f, v, msg, len), LUXC_OK);
    }
    fx_advance(f, &b);
    assert_int_equal(f->node->tip.height, b.hdr.height);
}

static int upquery(fx *f, uint32_t from, uint32_t req, const uint8_t id[32])
{
    uint8_t m[38];
    size_t len;
    assert_int_equal(luxc_wire_upgrade(m, sizeof m, &len, LUXC_WIRE_UPQUERY, req, id, 0), LUXC_OK);
    return fx_deliver(f, from, m, len);
}

static int upchits(fx *f, uint32_t from, uint32_t req, const uint8_t id[32], uint8_t choice)
{
    uint8_t m[38];
    size_t len;
    assert_int_equal(luxc_wire_upgrade(m, sizeof m, &len, LUXC_WIRE_UPCHITS, req, id, choice),
                     LUXC_OK);
    return fx_deliver(f, from, m, len);
}

/* Ask the node about id as `from` and return its choice. */
static uint8_t choice_of(fx *f, uint32_t from, uint32_t req, const uint8_t id[32])
{
    fx_clear_outbox(f);
    assert_int_equal(upquery(f, from, req, id), LUXC_OK);
    /* one answer, to the asker (the round rule may send votes beside it) */
    const fx_msg *a;
    assert_int_equal(fx_sent(f, LUXC_WIRE_UPCHITS, UINT32_MAX, &a), 1);
    assert_int_equal(a->to, from);
    luxc_wire_msg m;
    assert_int_equal(luxc_wire_decode(&m, a->data, a->len), LUXC_OK);
    assert_int_equal(m.type, LUXC_WIRE_UPCHITS);
    assert_int_equal(m.req, req);
    assert_memory_equal(m.id, id, 32);
    return m.choice;
}

static int tick(fx *f)
{
    uint64_t next;
    return luxc_node_tick(f->node, f->now, &next);
}

/* Answer every UPQUERY in the outbox with choice. */
static void answer_upqueries(fx *f, uint8_t choice)
{
    uint32_t count = f->nout;
    for (uint32_t i = 0; i < count; i++) {
        fx_msg *q = &f->outbox[i];
        luxc_wire_msg m;
        if (q->len == 0 || q->data[0] != LUXC_WIRE_UPQUERY ||
            luxc_wire_decode(&m, q->data, q->len) != LUXC_OK)
            continue;
        assert_int_equal(upchits(f, q->to, m.req, m.id, choice), LUXC_OK);
        q->data[0] = 0;
    }
}

static void outcome_name(char *name, size_t cap, const uint8_t id[32])
{
    snprintf(name, cap, "upgrade:%02x%02x%02x%02x%02x%02x%02x%02x", id[0], id[1], id[2], id[3],
             id[4], id[5], id[6], id[7]);
}

static void test_upquery_answers(void **state)
{
    (void)state;
    fx f;
    uint32_t calls = 0;
    init_fx(&f, 0, &calls);
    uint8_t ids[2][32], unknown[32];
    memset(unknown, 0x5a, 32);
    /* never seen: 2 */
    assert_int_equal(choice_of(&f, 3, 41, unknown), 2);
    static const char *const versions[] = {"v2.0.0", "r2.0.1"};
    commit_upgrades(&f, versions, 2, ids);
    assert_int_equal(calls, 2); /* the model voted once on each */
    assert_int_equal(f.node->up.count, 2);
    /* our model's vote until the network decides */
    assert_int_equal(choice_of(&f, 2, 42, ids[0]), 1);
    assert_int_equal(choice_of(&f, 4, 43, ids[1]), 0);
    assert_int_equal(choice_of(&f, 1, 44, unknown), 2);
    /* the same proposal in a later block is not taken up again */
    commit_upgrades(&f, versions, 1, NULL);
    assert_int_equal(f.node->up.count, 2);
    assert_int_equal(calls, 2);
    fx_free(&f);
}

static void test_upgrade_poll_and_outcome(void **state)
{
    (void)state;
    fx f;
    init_fx(&f, 1, NULL);
    luxc_node *n = f.node;
    uint8_t ids[1][32];
    static const char *const versions[] = {"v3.1.4"};
    commit_upgrades(&f, versions, 1, ids);
    fx_clear_outbox(&f);
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(fx_status(&f).upgrades_pending, 1);
    /* k = 3 sampled peers, one UPQUERY each */
    assert_int_equal(n->up.poll.active, 1);
    assert_int_equal(n->up.poll.k, 3);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_UPQUERY, UINT32_MAX, NULL), 3);
    uint32_t req = n->up.poll.req, *s = n->up.poll.sampled;
    for (uint32_t i = 0; i < 3; i++) {
        const fx_msg *q;
        assert_true(s[i] >= 1 && s[i] <= 4);
        assert_int_equal(fx_sent(&f, LUXC_WIRE_UPQUERY, s[i], &q), 1);
        luxc_wire_msg m;
        assert_int_equal(luxc_wire_decode(&m, q->data, q->len), LUXC_OK);
        assert_int_equal(m.req, req);
        assert_memory_equal(m.id, ids[0], 32);
    }
    uint32_t out = 10 - s[0] - s[1] - s[2];
    /* answers: an unsampled peer refused, a second answer refused */
    uint64_t dropped = fx_status(&f).dropped_msgs;
    assert_int_equal(upchits(&f, out, req, ids[0], 1), LUXC_ENOTMEMBER);
    assert_int_equal(upchits(&f, s[0], req, ids[0], 1), LUXC_OK);
    assert_int_equal(upchits(&f, s[0], req, ids[0], 0), LUXC_EDUPLICATE);
    assert_int_equal(fx_status(&f).dropped_msgs, dropped + 2);
    /* another poll's req or another proposal: ignored */
    uint8_t other[32];
    memset(other, 1, 32);
    assert_int_equal(upchits(&f, s[1], req + 7, ids[0], 1), LUXC_OK);
    assert_int_equal(upchits(&f, s[1], req, other, 1), LUXC_OK);
    assert_int_equal(n->up.poll.answered[1], 0);
    /* "not seen yet" is an answer without a vote */
    assert_int_equal(upchits(&f, s[1], req, ids[0], 2), LUXC_OK);
    assert_int_equal(n->up.poll.nvotes, 1);
    assert_int_equal(fx_status(&f).upgrades_approved, 0);
    /* a poll closes when all answered (no early close) */
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(n->up.poll.req, req);
    assert_int_equal(upchits(&f, s[2], req, ids[0], 1), LUXC_OK);
    fx_clear_outbox(&f);
    assert_int_equal(tick(&f), LUXC_OK); /* 2 approvals: success 1 of beta 2 */
    assert_int_equal(n->up.poll.req, req + 1);
    assert_int_equal(fx_status(&f).upgrades_approved, 0);
    answer_upqueries(&f, 1);
    fx_clear_outbox(&f);
    assert_int_equal(tick(&f), LUXC_OK); /* success 2: decided */
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.upgrades_approved, 1);
    assert_int_equal(st.upgrades_rejected, 0);
    assert_int_equal(st.upgrades_pending, 0); /* decided is not pending */
    assert_int_equal(n->up.poll.active, 0);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_UPQUERY, UINT32_MAX, NULL), 0);
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(fx_status(&f).upgrades_pending, 0);
    assert_int_equal(choice_of(&f, 1, 9, ids[0]), 1);
    /* kept in the store: "upgrade:<first 8 id bytes>" = 1, version 1 */
    char name[64];
    outcome_name(name, sizeof name, ids[0]);
    uint8_t blob[4];
    uint64_t version;
    size_t len;
    assert_int_equal(luxc_store_weights_get(f.store, name, &version, blob, sizeof blob, &len),
                     LUXC_OK);
    assert_int_equal(version, 1);
    assert_int_equal(len, 1);
    assert_int_equal(blob[0], 1);
    /* reported once */
    f.now += 1000000;
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(fx_status(&f).upgrades_approved, 1);
    fx_free(&f);
}

/* Our model approves; the peers reject: the network's answer is kept. A
 * poll nobody answers fails at its timeout and decides nothing. */
static void test_upgrade_majority_overrules_model(void **state)
{
    (void)state;
    fx f;
    init_fx(&f, 1, NULL);
    luxc_node *n = f.node;
    uint8_t ids[1][32];
    static const char *const versions[] = {"v9"};
    commit_upgrades(&f, versions, 1, ids);
    fx_clear_outbox(&f);
    assert_int_equal(tick(&f), LUXC_OK);
    uint32_t req = n->up.poll.req;
    uint64_t start = n->up.poll.start_us;
    f.now = start + 19999;
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(n->up.poll.req, req);
    f.now = start + 20000;
    fx_clear_outbox(&f);
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(n->up.poll.req, req + 1); /* closed, the next one out */
    for (int i = 0; i < 10 && !fx_status(&f).upgrades_rejected; i++) {
        answer_upqueries(&f, 0);
        fx_clear_outbox(&f);
        assert_int_equal(tick(&f), LUXC_OK);
    }
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.upgrades_rejected, 1);
    assert_int_equal(st.upgrades_approved, 0);
    assert_int_equal(choice_of(&f, 3, 1, ids[0]), 0);
    char name[64];
    outcome_name(name, sizeof name, ids[0]);
    uint8_t blob[4];
    size_t len;
    assert_int_equal(luxc_store_weights_get(f.store, name, NULL, blob, sizeof blob, &len),
                     LUXC_OK);
    assert_int_equal(len, 1);
    assert_int_equal(blob[0], 0);
    fx_free(&f);
}

/* Drive item i's snowball to a decision for choice, as polls would. */
static void decide(luxc_node *n, uint32_t i, uint32_t choice)
{
    luxc_snowball *sb = &n->up.items[i].sb;
    for (uint32_t k = 0; k < n->cfg.params.beta && !luxc_snowball_finalized(sb); k++)
        assert_int_equal(luxc_snowball_record_poll(sb, 3, choice), LUXC_OK);
    assert_true(luxc_snowball_finalized(sb));
}

static void add_block(luxc_node *n, const uint8_t *payload, size_t plen, uint32_t count)
{
    luxc_chain_block hdr = {.payload = payload, .payload_len = (uint32_t)plen, .tx_count = count};
    node_upgrades_from_block(n, &hdr);
}

static void test_upgrade_table_forgets_oldest_decided(void **state)
{
    (void)state;
    fx f;
    init_fx(&f, 0, NULL);
    luxc_node *n = f.node;
    enum { N = NODE_MAX_UPGRADES + 3 };
    char vbuf[N][16];
    const char *versions[N];
    uint8_t ids[N][32];
    for (uint32_t i = 0; i < N; i++) {
        snprintf(vbuf[i], sizeof vbuf[i], "v%u", i);
        versions[i] = vbuf[i];
    }
    static uint8_t payload[16384];
    uint32_t count;
    size_t plen = upgrade_payload(payload, versions, NODE_MAX_UPGRADES, ids, &count);
    add_block(n, payload, plen, count);
    assert_int_equal(n->up.count, NODE_MAX_UPGRADES);
    for (uint32_t i = 0; i < NODE_MAX_UPGRADES; i++)
        assert_memory_equal(n->up.items[i].id, ids[i], 32);
    /* full of undecided proposals: a new one is ignored */
    plen = upgrade_payload(payload, versions + 16, 1, ids + 16, &count);
    add_block(n, payload, plen, count);
    assert_int_equal(n->up.count, NODE_MAX_UPGRADES);
    assert_int_equal(choice_of(&f, 1, 1, ids[16]), 2);
    /* a poll in flight; items 9 and 3 decided (9 first) */
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(n->up.poll.active, 1);
    decide(n, 9, 1);
    decide(n, 3, 0);
    plen = upgrade_payload(payload, versions + 17, 1, ids + 17, &count);
    add_block(n, payload, plen, count);
    /* the first decided in table order goes: 3; the rest move up */
    assert_int_equal(n->up.count, NODE_MAX_UPGRADES);
    assert_int_equal(n->up.poll.active, 0); /* its index may have moved */
    assert_int_equal(choice_of(&f, 1, 2, ids[3]), 2);
    assert_int_equal(choice_of(&f, 1, 3, ids[9]), 1);
    assert_int_equal(choice_of(&f, 1, 4, ids[17]), 1);
    for (uint32_t i = 0; i < NODE_MAX_UPGRADES; i++) {
        uint32_t want = i < 3 ? i : i < 15 ? i + 1 : 17;
        assert_memory_equal(n->up.items[i].id, ids[want], 32);
        /* each snowball still counts into its own item's strengths */
        assert_ptr_equal(n->up.items[i].sb.strengths, n->up.items[i].strengths);
    }
    assert_true(luxc_snowball_finalized(&n->up.items[8].sb)); /* 9, moved */
    /* then 9 */
    plen = upgrade_payload(payload, versions + 18, 1, ids + 18, &count);
    add_block(n, payload, plen, count);
    assert_int_equal(choice_of(&f, 1, 5, ids[9]), 2);
    assert_int_equal(choice_of(&f, 1, 6, ids[18]), 1);
    assert_memory_equal(n->up.items[NODE_MAX_UPGRADES - 1].id, ids[18], 32);
    assert_memory_equal(n->up.items[NODE_MAX_UPGRADES - 2].id, ids[17], 32);
    /* polls go on over the moved items */
    fx_clear_outbox(&f);
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(n->up.poll.active, 1);
    assert_false(luxc_snowball_finalized(&n->up.items[n->up.poll.which].sb));
    assert_int_equal(fx_status(&f).upgrades_pending, NODE_MAX_UPGRADES);
    fx_free(&f);
}

/* Not every tx with the magic is a proposal: a damaged one is skipped. */
static void test_damaged_proposal_skipped(void **state)
{
    (void)state;
    fx f;
    init_fx(&f, 0, NULL);
    uint8_t payload[256], id[32];
    size_t l = upgrade_tx(payload + 2, "v1", id);
    payload[0] = 0;
    payload[1] = (uint8_t)(l - 1); /* cut by one byte */
    add_block(f.node, payload, l + 1, 1);
    assert_int_equal(f.node->up.count, 0);
    payload[1] = (uint8_t)l;
    add_block(f.node, payload, l + 2, 1);
    assert_int_equal(f.node->up.count, 1);
    assert_memory_equal(f.node->up.items[0].id, id, 32);
    fx_free(&f);
}

int main(void)
{
    seed = luxc_test_seed();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upgrade_encoding),
        cmocka_unit_test(test_upgrade_majority_approves),
        cmocka_unit_test(test_upgrade_majority_rejects),
        cmocka_unit_test(test_upquery_answers),
        cmocka_unit_test(test_upgrade_poll_and_outcome),
        cmocka_unit_test(test_upgrade_majority_overrules_model),
        cmocka_unit_test(test_upgrade_table_forgets_oldest_decided),
        cmocka_unit_test(test_damaged_proposal_skipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
