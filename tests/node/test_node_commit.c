/* test_node_commit.c - node_commit.c: a certified block becomes final -
 * stored with its certificate before it is reported (status counters,
 * latency, on_final once), the model learns from every proposal of the
 * height, our own block's transactions leave the mempool only when it is
 * final; a synced block adds no latency sample; a store that refuses the
 * block leaves the height where it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "node_fixture.h"

static uint8_t msg[NODE_MSG_MAX];
static uint8_t cert[LUXC_WIRE_CERT_MAX];
static const uint32_t peers[] = {1, 2, 3};

typedef struct finals {
    uint32_t count;
    uint64_t height[8];
    uint8_t id[8][32];
    size_t len[8];
    double latency[8];
} finals;

static void on_final(void *ctx, uint64_t height, const uint8_t id[32], const uint8_t *block,
                     size_t len, double latency_ms)
{
    finals *r = ctx;
    assert_true(r->count < 8);
    uint8_t check[32];
    luxc_chain_block hdr;
    assert_int_equal(luxc_chain_block_decode(&hdr, check, block, len), LUXC_OK);
    assert_memory_equal(check, id, 32);
    assert_int_equal(hdr.height, height);
    r->height[r->count] = height;
    memcpy(r->id[r->count], id, 32);
    r->len[r->count] = len;
    r->latency[r->count] = latency_ms;
    r->count++;
}

typedef struct learned {
    uint32_t count;
    uint8_t id[16][32];
    double feedback[16];
} learned;

static void learn(void *ctx, const uint8_t *block, size_t len, double feedback)
{
    learned *l = ctx;
    assert_true(l->count < 16);
    assert_int_equal(luxc_chain_block_decode(&(luxc_chain_block){0}, l->id[l->count], block, len),
                     LUXC_OK);
    l->feedback[l->count++] = feedback;
}

/* Peers 1..3 certify b (the node has b); the fixture's chain moves on. */
static void certify(fx *f, const fx_block *b)
{
    for (uint32_t v = 1; v <= 3; v++)
        assert_int_equal(fx_vote(f, v, b), LUXC_OK);
    fx_advance(f, b);
}

static size_t payload_of(uint8_t *p, uint32_t count, uint8_t tag)
{
    size_t off = 0;
    for (uint32_t i = 0; i < count; i++) {
        p[off] = 0;
        p[off + 1] = 3;
        p[off + 2] = 't';
        p[off + 3] = tag;
        p[off + 4] = (uint8_t)('0' + i);
        off += 5;
    }
    return off;
}

static void test_certified_block_commits(void **state)
{
    (void)state;
    fx f;
    finals r = {0};
    fx_setup(&f, 4, "local", 1, 0);
    f.cfg.on_final = on_final;
    f.cfg.on_final_ctx = &r;
    fx_start(&f);
    uint8_t payload[64];
    size_t plen = payload_of(payload, 2, 'a');
    fx_block b;
    fx_make_block(&f, &b, 0, payload, plen, 2, 0);
    fx_propose(&f, &b);
    assert_int_equal(fx_vote(&f, 1, &b), LUXC_OK);
    assert_int_equal(fx_vote(&f, 2, &b), LUXC_OK);
    assert_int_equal(r.count, 0);
    assert_int_equal(luxc_store_last(f.store, &(uint64_t){0}, NULL), LUXC_ENOTFOUND);
    assert_int_equal(fx_vote(&f, 3, &b), LUXC_OK);
    fx_advance(&f, &b);
    /* reported once, with the block and its latency (ts is 999 ms ago) */
    assert_int_equal(r.count, 1);
    assert_int_equal(r.height[0], 1);
    assert_memory_equal(r.id[0], b.id, 32);
    assert_int_equal(r.len[0], b.len);
    assert_true(r.latency[0] == 999.0);
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.height, 1);
    assert_memory_equal(st.last_id, b.id, 32);
    assert_int_equal(st.blocks_finalized, 1);
    assert_int_equal(st.blocks_synced, 0);
    assert_int_equal(st.txs_finalized, 2);
    assert_true(st.last_latency_ms == 999.0);
    assert_true(st.latency_p50_ms == 999.0);
    assert_true(st.latency_p99_ms == 999.0);
    assert_int_equal(f.node->tip.height, 1);
    assert_int_equal(f.node->tip.durable_height, 1);
    assert_memory_equal(f.node->tip.last_id, b.id, 32);
    assert_int_equal(f.node->tip.last_hdr.height, 1);
    assert_null(f.node->tip.last_hdr.payload);
    assert_int_equal(f.node->tip.last_final_us, f.now);
    /* in the store: the block and a certificate of its three signers */
    uint64_t h;
    uint8_t id[32];
    size_t len;
    assert_int_equal(luxc_store_last(f.store, &h, id), LUXC_OK);
    assert_int_equal(h, 1);
    assert_memory_equal(id, b.id, 32);
    assert_int_equal(luxc_store_block_get(f.store, 1, id, NULL, msg, sizeof msg, &len), LUXC_OK);
    assert_int_equal(len, b.len);
    assert_memory_equal(msg, b.bytes, b.len);
    assert_int_equal(luxc_store_cert_get(f.store, 1, cert, sizeof cert, &len), LUXC_OK);
    luxc_cert *c;
    assert_int_equal(luxc_cert_decode(&c, cert, len, f.node->cfg.members, 4), LUXC_OK);
    assert_memory_equal(luxc_cert_vote(c)->block, b.id, 32);
    assert_int_equal(luxc_cert_vote(c)->height, 1);
    luxc_cert_free(c);
    /* later votes and ticks report nothing again */
    assert_int_equal(fx_vote(&f, 3, &b), LUXC_OK);
    assert_int_equal(fx_run_ms(&f, 5), LUXC_OK);
    assert_int_equal(r.count, 1);
    /* the next height adds to the counters */
    fx_block b2;
    plen = payload_of(payload, 3, 'b');
    fx_make_block(&f, &b2, 0, payload, plen, 3, 0);
    fx_propose(&f, &b2);
    certify(&f, &b2);
    assert_int_equal(r.count, 2);
    assert_int_equal(r.height[1], 2);
    st = fx_status(&f);
    assert_int_equal(st.height, 2);
    assert_int_equal(st.blocks_finalized, 2);
    assert_int_equal(st.txs_finalized, 5);
    fx_free(&f);
}

static void test_learn_from_every_proposal(void **state)
{
    (void)state;
    fx f;
    learned l = {0};
    fx_setup(&f, 4, "local", 0, 0);
    f.cfg.model.learn = learn;
    f.cfg.model.ctx = &l;
    fx_start(&f);
    fx_block a, b, c;
    fx_make_block(&f, &a, 0, NULL, 0, 0, 0); /* by 1 */
    fx_make_block(&f, &b, 1, NULL, 0, 0, 0); /* by 2 */
    fx_make_block(&f, &c, 2, NULL, 0, 0, 0); /* by 3 */
    fx_propose(&f, &a);
    fx_propose(&f, &b);
    fx_propose(&f, &c);
    assert_int_equal(f.node->table.count, 3);
    assert_int_equal(fx_vote(&f, 1, &b), LUXC_OK);
    assert_int_equal(fx_vote(&f, 2, &b), LUXC_OK);
    assert_int_equal(l.count, 0); /* nothing before it is final */
    assert_int_equal(fx_vote(&f, 3, &b), LUXC_OK);
    fx_advance(&f, &b);
    assert_int_equal(fx_status(&f).height, 1);
    assert_int_equal(l.count, 3);
    assert_memory_equal(l.id[0], a.id, 32);
    assert_true(l.feedback[0] == -1.0);
    assert_memory_equal(l.id[1], b.id, 32);
    assert_true(l.feedback[1] == 1.0);
    assert_memory_equal(l.id[2], c.id, 32);
    assert_true(l.feedback[2] == -1.0);
    /* the next height: its one proposal, once */
    fx_block d;
    fx_make_block(&f, &d, 0, NULL, 0, 0, 0);
    fx_propose(&f, &d);
    certify(&f, &d);
    assert_int_equal(l.count, 4);
    assert_memory_equal(l.id[3], d.id, 32);
    assert_true(l.feedback[3] == 1.0);
    fx_free(&f);
}

/* Run the clock until the node proposes at the next height; returns its
 * block (decoded into b). */
static void run_until_proposed(fx *f, fx_block *b)
{
    const fx_msg *m = NULL;
    if (fx_round_of(f, 0) > 0)
        fx_skip_to_round(f, fx_round_of(f, 0), LUXC_PREVOTE); /* peers are there */
    for (int i = 0; i < 20 && !fx_sent(f, LUXC_WIRE_PROPOSAL, 1, &m); i++)
        assert_int_equal(fx_run_ms(f, 50), LUXC_OK);
    assert_non_null(m);
    luxc_wire_msg w;
    assert_int_equal(luxc_wire_decode(&w, m->data, m->len), LUXC_OK);
    memcpy(b->bytes, w.block, w.block_len);
    b->len = w.block_len;
    assert_int_equal(luxc_chain_block_decode(&b->hdr, b->id, b->bytes, b->len), LUXC_OK);
    assert_int_equal(b->hdr.proposer, 0);
}

static void test_own_txs_leave_when_final(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    assert_int_equal(fx_leader(&f, 3), 0);
    assert_int_equal(fx_round_of(&f, 0), 3);
    assert_int_equal(luxc_node_submit_tx(f.node, (const uint8_t *)"tx-1", 4), LUXC_OK);
    assert_int_equal(luxc_node_submit_tx(f.node, (const uint8_t *)"tx-2", 4), LUXC_OK);
    fx_block own;
    run_until_proposed(&f, &own);
    assert_int_equal(own.hdr.round, 3);
    assert_int_equal(own.hdr.tx_count, 2);
    /* proposed is not final: the transactions stay */
    assert_int_equal(fx_status(&f).mempool_len, 2);
    assert_int_equal(fx_vote(&f, 1, &own), LUXC_OK);
    assert_int_equal(fx_vote(&f, 2, &own), LUXC_OK);
    assert_int_equal(fx_status(&f).mempool_len, 2);
    assert_int_equal(fx_vote(&f, 3, &own), LUXC_OK);
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.height, 1);
    assert_int_equal(st.mempool_len, 0);
    assert_int_equal(st.txs_finalized, 2);
    fx_free(&f);
}

static void test_others_block_final_keeps_our_txs(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    fx_block a;
    fx_make_block(&f, &a, 0, NULL, 0, 0, 0);
    fx_propose(&f, &a);
    assert_int_equal(luxc_node_submit_tx(f.node, (const uint8_t *)"tx-1", 4), LUXC_OK);
    fx_block own;
    run_until_proposed(&f, &own);
    assert_int_equal(own.hdr.tx_count, 1);
    /* the network certifies 1's block of round 0 instead */
    certify(&f, &a);
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.height, 1);
    assert_memory_equal(st.last_id, a.id, 32);
    assert_int_equal(st.mempool_len, 1);
    assert_int_equal(st.txs_finalized, 0);
    /* at height 2 we lead round 2: the same transaction again */
    fx_clear_outbox(&f);
    run_until_proposed(&f, &own);
    assert_int_equal(own.hdr.height, 2);
    assert_int_equal(own.hdr.round, 2);
    assert_int_equal(own.hdr.tx_count, 1);
    assert_memory_equal(own.hdr.payload, "\0\4tx-1", 6);
    certify(&f, &own);
    st = fx_status(&f);
    assert_int_equal(st.height, 2);
    assert_int_equal(st.mempool_len, 0);
    assert_int_equal(st.txs_finalized, 1);
    fx_free(&f);
}

/* We lead rounds 3 and 7 at height 1. A transaction that arrived between
 * our two proposals is only in the second; when the first becomes final,
 * only its transaction may leave the mempool. */
static void test_earlier_own_block_final_keeps_later_txs(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    assert_int_equal(luxc_node_submit_tx(f.node, (const uint8_t *)"tx-1", 4), LUXC_OK);
    fx_block first, second;
    run_until_proposed(&f, &first);
    assert_int_equal(first.hdr.round, 3);
    assert_int_equal(first.hdr.tx_count, 1);
    assert_int_equal(luxc_node_submit_tx(f.node, (const uint8_t *)"tx-2", 4), LUXC_OK);
    fx_clear_outbox(&f);
    fx_skip_to_round(&f, 7, LUXC_PREVOTE);
    run_until_proposed(&f, &second);
    assert_int_equal(second.hdr.round, 7);
    assert_int_equal(second.hdr.tx_count, 2);
    certify(&f, &first);
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.height, 1);
    assert_memory_equal(st.last_id, first.id, 32);
    assert_int_equal(st.txs_finalized, 1);
    assert_int_equal(st.mempool_len, 1); /* tx-2 is in no final block */
    uint32_t c;
    uint8_t out[16];
    assert_int_equal(node_mempool_peek(&f.node->pool, 10, out, sizeof out, &c), 6);
    assert_memory_equal(out, "\0\4tx-2", 6);
    fx_free(&f);
}

/* Our block, certified by the others while we missed their votes, comes
 * back by catch-up: its transactions are final all the same. */
static void test_own_block_synced_txs_leave(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    assert_int_equal(luxc_node_submit_tx(f.node, (const uint8_t *)"tx-1", 4), LUXC_OK);
    fx_block own;
    run_until_proposed(&f, &own);
    size_t cert_len = fx_cert(&f, &own, peers, 3, cert, sizeof cert);
    size_t len = fx_sync_block_msg(&own, cert, cert_len, msg);
    assert_int_equal(fx_deliver(&f, 2, msg, len), LUXC_OK);
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.height, 1);
    assert_int_equal(st.blocks_synced, 1);
    assert_int_equal(st.txs_finalized, 1);
    assert_int_equal(st.mempool_len, 0); /* not proposed a second time */
    fx_free(&f);
}

/* Our block from before a restart becomes final after it: the mempool
 * (memory only) now holds other transactions, which stay. The block
 * itself survived the restart in the record of our prevote for it. */
static void test_own_block_from_before_restart_keeps_new_txs(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 1, 0);
    assert_int_equal(luxc_node_submit_tx(f.node, (const uint8_t *)"tx-1", 4), LUXC_OK);
    fx_block own;
    run_until_proposed(&f, &own);
    fx_restart(&f);
    assert_int_equal(fx_status(&f).mempool_len, 0);
    assert_int_equal(luxc_node_submit_tx(f.node, (const uint8_t *)"tx-2", 4), LUXC_OK);
    certify(&f, &own);
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.height, 1);
    assert_int_equal(st.txs_finalized, 1);
    assert_int_equal(st.mempool_len, 1);
    uint32_t c;
    uint8_t out[16];
    assert_int_equal(node_mempool_peek(&f.node->pool, 10, out, sizeof out, &c), 6);
    assert_memory_equal(out, "\0\4tx-2", 6);
    fx_free(&f);
}

static void test_synced_block_no_latency_sample(void **state)
{
    (void)state;
    fx f;
    finals r = {0};
    fx_setup(&f, 4, "local", 1, 0);
    f.cfg.on_final = on_final;
    f.cfg.on_final_ctx = &r;
    fx_start(&f);
    fx_block b;
    fx_make_block(&f, &b, 0, NULL, 0, 0, 0);
    size_t cert_len = fx_cert(&f, &b, peers, 3, cert, sizeof cert);
    size_t len = fx_sync_block_msg(&b, cert, cert_len, msg);
    assert_int_equal(fx_deliver(&f, 2, msg, len), LUXC_OK);
    fx_advance(&f, &b);
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.height, 1);
    assert_int_equal(st.blocks_finalized, 1);
    assert_int_equal(st.blocks_synced, 1);
    assert_true(st.last_latency_ms == 0.0);
    assert_true(st.latency_p50_ms == 0.0);
    assert_int_equal(f.node->nlat, 0);
    assert_int_equal(r.count, 1); /* reported all the same */
    assert_int_equal(r.height[0], 1);
    assert_int_equal(luxc_store_cert_get(f.store, 1, msg, sizeof msg, &len), LUXC_OK);
    assert_int_equal(len, cert_len);
    assert_memory_equal(msg, cert, cert_len);
    /* a block final by votes: one sample (ts 998 ms ago) */
    fx_block b2;
    fx_make_block(&f, &b2, 0, NULL, 0, 0, 0);
    fx_propose(&f, &b2);
    certify(&f, &b2);
    st = fx_status(&f);
    assert_int_equal(st.height, 2);
    assert_int_equal(st.blocks_synced, 1);
    assert_int_equal(f.node->nlat, 1);
    assert_true(st.last_latency_ms == 998.0);
    assert_true(st.latency_p50_ms == 998.0);
    fx_free(&f);
}

static void test_store_refuses_block(void **state)
{
    (void)state;
    fx f;
    learned l = {0};
    finals r = {0};
    fx_setup(&f, 4, "local", 1, 0);
    f.map_size = LUXC_STORE_MAPSIZE_MIN;
    f.cfg.model.learn = learn;
    f.cfg.model.ctx = &l;
    f.cfg.on_final = on_final;
    f.cfg.on_final_ctx = &r;
    fx_start(&f);
    /* a block of 240 kB does not fit a 64 kB map */
    static uint8_t payload[LUXC_CHAIN_PAYLOAD_MAX];
    size_t plen = 0;
    for (uint32_t i = 0; i < 60; i++) {
        payload[plen] = 4000 >> 8;
        payload[plen + 1] = 4000 & 0xff;
        memset(payload + plen + 2, (int)i, 4000);
        plen += 4002;
    }
    fx_block b;
    fx_make_block(&f, &b, 0, payload, plen, 60, 0);
    fx_propose(&f, &b);
    assert_int_equal(fx_vote(&f, 1, &b), LUXC_OK);
    assert_int_equal(fx_vote(&f, 2, &b), LUXC_OK);
    assert_int_equal(fx_vote(&f, 3, &b), LUXC_EFULL);
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.height, 0);
    assert_int_equal(st.blocks_finalized, 0);
    assert_int_equal(st.txs_finalized, 0);
    assert_int_equal(f.node->tip.height, 0);
    assert_memory_equal(f.node->tip.last_id, f.tip.id, 32);
    assert_int_equal(r.count, 0);
    assert_int_equal(l.count, 0); /* nothing learned from a height not final */
    assert_int_equal(luxc_store_last(f.store, &(uint64_t){0}, NULL), LUXC_ENOTFOUND);
    /* tried again at the next event, refused again */
    assert_int_equal(fx_run_ms(&f, 1), LUXC_OK);
    assert_int_equal(fx_vote(&f, 2, &b), LUXC_EFULL);
    assert_int_equal(fx_status(&f).height, 0);
    assert_int_equal(f.node->tip.height, 0);
    /* node_commit itself returns the store's error, and a decode error */
    node_final_block fb = {0};
    memcpy(fb.id, b.id, 32);
    fb.block = b.bytes;
    fb.len = b.len;
    fb.cert = cert;
    fb.cert_len = fx_cert(&f, &b, peers, 3, cert, sizeof cert);
    assert_int_equal(node_commit(f.node, &fb, f.now), LUXC_EFULL);
    fb.len = 100;
    assert_int_equal(node_commit(f.node, &fb, f.now), LUXC_ETRUNC);
    assert_int_equal(f.node->tip.height, 0);
    assert_int_equal(r.count, 0);
    fx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_certified_block_commits),
        cmocka_unit_test(test_learn_from_every_proposal),
        cmocka_unit_test(test_own_txs_leave_when_final),
        cmocka_unit_test(test_others_block_final_keeps_our_txs),
        cmocka_unit_test(test_earlier_own_block_final_keeps_later_txs),
        cmocka_unit_test(test_own_block_synced_txs_leave),
        cmocka_unit_test(test_own_block_from_before_restart_keeps_new_txs),
        cmocka_unit_test(test_synced_block_no_latency_sample),
        cmocka_unit_test(test_store_refuses_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
