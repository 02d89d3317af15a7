/* test_node_race.c - node_race.c: one height's race. Proposals refused
 * (not the leader's, not a child of our last final block, a round too far
 * ahead) or ignored (duplicates, other heights - an early one notes the
 * peer's height); a block we asked for taken from anyone; QUERY answered
 * with our preference; polls over k sampled peers, closed early once
 * settled, late and unsampled answers; our proposal when we lead and the
 * block time has passed, and its resend; round timeouts; a block the
 * model scores negative kept out of the engine until peers name it.
 *
 * Poll tests give validator 0 (the node) no stake: the sampler then never
 * picks it, so every sample is k of the peers and each poll's answers are
 * the test's alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/be.h"
#include "node_fixture.h"

static uint8_t msg[NODE_MSG_MAX];
static const uint8_t zero[32];

/* n validators; validator 0 without stake when unstaked. */
static void init(fx *f, uint32_t n, int store, int unstaked)
{
    fx_setup(f, n, "local", store, 0);
    if (unstaked) {
        f->vals[0].stake = 0;
        f->genesis.total_stake -= 100;
    }
    fx_start(f);
}

static int tick(fx *f)
{
    uint64_t next;
    return luxc_node_tick(f->node, f->now, &next);
}

static int deliver_block(fx *f, uint32_t from, const fx_block *b)
{
    size_t len = fx_propose_msg(b, msg);
    return fx_deliver(f, from, msg, len);
}

static void certify(fx *f, const fx_block *b, uint32_t nvoters)
{
    for (uint32_t v = 1; v <= nvoters; v++)
        assert_int_equal(fx_vote(f, v, b), LUXC_OK);
    fx_advance(f, b);
    assert_int_equal(f->node->tip.height, b->hdr.height);
}

static int send_query(fx *f, uint32_t from, uint8_t type, uint32_t req, uint64_t height,
                      const uint8_t id[32])
{
    uint8_t q[45];
    size_t len;
    assert_int_equal(luxc_wire_query(q, sizeof q, &len, type, req, height, id), LUXC_OK);
    return fx_deliver(f, from, q, len);
}

static int chits(fx *f, uint32_t from, uint32_t req, const uint8_t id[32])
{
    return send_query(f, from, LUXC_WIRE_CHITS, req, f->node->tip.height + 1, id);
}

/* The CHITS the node sent to `to` last, decoded. */
static void last_chits(const fx *f, uint32_t to, luxc_wire_msg *m)
{
    const fx_msg *c;
    assert_true(fx_sent(f, LUXC_WIRE_CHITS, to, &c) >= 1);
    assert_int_equal(luxc_wire_decode(m, c->data, c->len), LUXC_OK);
}

typedef struct spec {
    uint32_t proposer, round;
    uint64_t height_add; /* 0: the next height */
    int bad_parent, bad_root, bad_chain, before_parent;
    uint64_t salt;
} spec;

/* A block of the next height with any proposer and defects. */
static void custom_block(const fx *f, fx_block *b, const spec *s)
{
    luxc_chain_block c;
    memset(&c, 0, sizeof c);
    memcpy(c.chain_id, f->tip.hdr.chain_id, 32);
    c.height = f->tip.hdr.height + 1 + s->height_add;
    memcpy(c.parent, f->tip.id, 32);
    c.timestamp_us = s->before_parent ? f->tip.hdr.timestamp_us - 1
                                      : f->tip.hdr.timestamp_us + 1000 + s->salt;
    c.proposer = s->proposer;
    c.round = s->round;
    if (s->bad_chain)
        c.chain_id[0] ^= 1;
    if (s->bad_parent)
        c.parent[0] ^= 1;
    assert_int_equal(luxc_chain_block_prepare(&c, f->tip.hdr.state_root), LUXC_OK);
    if (s->bad_root)
        c.state_root[0] ^= 1;
    assert_int_equal(luxc_chain_block_encode(&c, b->bytes, sizeof b->bytes, &b->len, b->id),
                     LUXC_OK);
    assert_int_equal(luxc_chain_block_decode(&b->hdr, NULL, b->bytes, b->len), LUXC_OK);
}

static void test_proposals_refused(void **state)
{
    (void)state;
    fx f;
    init(&f, 4, 0, 0);
    luxc_node *n = f.node;
    fx_block b;
    /* the leader of round 0 is 1: from anyone else refused */
    fx_make_block(&f, &b, 0, NULL, 0, 0, 0);
    assert_int_equal(b.hdr.proposer, 1);
    assert_int_equal(deliver_block(&f, 2, &b), LUXC_EAUTH);
    assert_int_equal(deliver_block(&f, 3, &b), LUXC_EAUTH);
    /* a block claiming a round its proposer does not lead */
    custom_block(&f, &b, &(spec){.proposer = 2, .round = 0});
    assert_int_equal(deliver_block(&f, 2, &b), LUXC_EAUTH);
    custom_block(&f, &b, &(spec){.proposer = 4, .round = 3});
    assert_int_equal(deliver_block(&f, 1, &b), LUXC_EAUTH);
    /* not a child of our last final block */
    custom_block(&f, &b, &(spec){.proposer = 1, .round = 0, .bad_parent = 1});
    assert_int_equal(deliver_block(&f, 1, &b), LUXC_EINVAL);
    custom_block(&f, &b, &(spec){.proposer = 1, .round = 0, .bad_root = 1});
    assert_int_equal(deliver_block(&f, 1, &b), LUXC_EINVAL);
    custom_block(&f, &b, &(spec){.proposer = 1, .round = 0, .bad_chain = 1});
    assert_int_equal(deliver_block(&f, 1, &b), LUXC_EINVAL);
    custom_block(&f, &b, &(spec){.proposer = 1, .round = 0, .before_parent = 1});
    assert_int_equal(deliver_block(&f, 1, &b), LUXC_EINVAL);
    /* damaged */
    fx_make_block(&f, &b, 0, (const uint8_t *)"\0\1x", 3, 1, 0);
    size_t len = fx_propose_msg(&b, msg);
    msg[len - 1] ^= 1;
    assert_int_equal(fx_deliver(&f, 1, msg, len), LUXC_ECORRUPT);
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.dropped_msgs, 9);
    assert_int_equal(n->table.count, 0);
    /* a block of any round from that round's leader is taken (the table
     * gives way to what the rule needs when it fills) */
    fx_make_block(&f, &b, 5, NULL, 0, 0, 0);
    assert_int_equal(deliver_block(&f, b.hdr.proposer, &b), LUXC_OK);
    assert_int_equal(n->table.count, 1);
    fx_make_block(&f, &b, 4, NULL, 0, 0, 0);
    assert_int_equal(deliver_block(&f, 1, &b), LUXC_OK);
    assert_int_equal(n->table.count, 2);
    /* a duplicate is ignored */
    assert_int_equal(deliver_block(&f, b.hdr.proposer, &b), LUXC_OK);
    assert_int_equal(n->table.count, 2);
    st = fx_status(&f);
    assert_int_equal(st.dropped_msgs, 9);
    fx_free(&f);
}

static void test_other_heights_ignored(void **state)
{
    (void)state;
    fx f;
    init(&f, 4, 0, 0);
    luxc_node *n = f.node;
    fx_block b1, b2, b3;
    fx_block genesis = f.tip;
    fx_make_block(&f, &b1, 0, NULL, 0, 0, 0);
    fx_advance(&f, &b1);
    fx_make_block(&f, &b2, 0, NULL, 0, 0, 0);
    fx_advance(&f, &b2);
    fx_make_block(&f, &b3, 0, NULL, 0, 0, 0);
    fx_advance(&f, &genesis);
    /* early: ignored, but 2 shows it is at height 1 or beyond */
    assert_int_equal(deliver_block(&f, 2, &b2), LUXC_OK);
    assert_int_equal(n->table.count, 0);
    assert_int_equal(n->sync.peer_height_hint, 1);
    assert_int_equal(n->sync.peer, 2);
    assert_int_equal(deliver_block(&f, 3, &b3), LUXC_OK);
    assert_int_equal(n->sync.peer_height_hint, 2);
    assert_int_equal(n->sync.peer, 3);
    assert_int_equal(fx_status(&f).dropped_msgs, 0);
    /* the next tick asks 3 for certified blocks from height 1 on */
    fx_clear_outbox(&f);
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_SYNC_REQ, UINT32_MAX, NULL), 1);
    const fx_msg *r;
    assert_int_equal(fx_sent(&f, LUXC_WIRE_SYNC_REQ, 3, &r), 1);
    luxc_wire_msg m;
    assert_int_equal(luxc_wire_decode(&m, r->data, r->len), LUXC_OK);
    assert_int_equal(m.height, 1);
    assert_int_equal(m.max, 64);
    /* stale: once 1 is final, blocks of height 1 are ignored */
    fx_propose(&f, &b1);
    certify(&f, &b1, 3);
    fx_block late;
    fx_advance(&f, &genesis);
    fx_make_block(&f, &late, 1, NULL, 0, 0, 0);
    fx_advance(&f, &b1);
    assert_int_equal(deliver_block(&f, late.hdr.proposer, &late), LUXC_OK);
    assert_int_equal(deliver_block(&f, 1, &b1), LUXC_OK);
    assert_int_equal(n->table.count, 0);
    assert_int_equal(fx_status(&f).dropped_msgs, 0);
    fx_free(&f);
}

static void test_asked_block_from_anyone(void **state)
{
    (void)state;
    fx f;
    init(&f, 4, 0, 0);
    luxc_node *n = f.node;
    fx_block x;
    fx_make_block(&f, &x, 0, NULL, 0, 0, 0); /* by 1 */
    /* 2 prefers x, which we lack: answered (no preference) and asked */
    fx_clear_outbox(&f);
    assert_int_equal(send_query(&f, 2, LUXC_WIRE_QUERY, 9, 1, x.id), LUXC_OK);
    luxc_wire_msg m;
    last_chits(&f, 2, &m);
    assert_memory_equal(m.id, zero, 32);
    const fx_msg *g;
    assert_int_equal(fx_sent(&f, LUXC_WIRE_GET_BLOCK, UINT32_MAX, &g), 1);
    assert_int_equal(g->to, 2);
    assert_int_equal(luxc_wire_decode(&m, g->data, g->len), LUXC_OK);
    assert_memory_equal(m.id, x.id, 32);
    /* asked once: a second query naming it does not ask again */
    assert_int_equal(send_query(&f, 3, LUXC_WIRE_QUERY, 10, 1, x.id), LUXC_OK);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_GET_BLOCK, UINT32_MAX, NULL), 1);
    /* the answer comes from 2, not the proposer: taken */
    assert_int_equal(deliver_block(&f, 2, &x), LUXC_OK);
    node_proposal *p = node_proposal_find(n, x.id);
    assert_non_null(p);
    assert_int_equal(p->in_engine, 1);
    /* asked for or not, a block must be its round leader's */
    fx_block y;
    custom_block(&f, &y, &(spec){.proposer = 3, .round = 0, .salt = 1});
    node_ask_block(n, 2, y.id);
    assert_int_equal(deliver_block(&f, 2, &y), LUXC_EAUTH);
    /* a block we did not ask for, from a non-proposer: refused */
    fx_block z;
    fx_make_block(&f, &z, 1, NULL, 0, 0, 0); /* by 2 */
    assert_int_equal(deliver_block(&f, 3, &z), LUXC_EAUTH);
    node_ask_block(n, 0, z.id); /* asked everyone */
    assert_int_equal(deliver_block(&f, 3, &z), LUXC_OK);
    assert_int_equal(n->table.count, 2);
    fx_free(&f);
}

static void test_query_answered_with_preference(void **state)
{
    (void)state;
    fx f;
    init(&f, 4, 1, 0);
    luxc_node *n = f.node;
    luxc_wire_msg m;
    /* nothing seen: zero */
    fx_clear_outbox(&f);
    assert_int_equal(send_query(&f, 1, LUXC_WIRE_QUERY, 5, 1, zero), LUXC_OK);
    assert_int_equal(f.nout, 1);
    assert_int_equal(f.outbox[0].to, 1);
    last_chits(&f, 1, &m);
    assert_int_equal(m.req, 5);
    assert_int_equal(m.height, 1);
    assert_memory_equal(m.id, zero, 32);
    /* a proposal: our preference, to whoever asks */
    fx_block b;
    fx_make_block(&f, &b, 0, NULL, 0, 0, 0);
    fx_propose(&f, &b);
    fx_clear_outbox(&f);
    assert_int_equal(send_query(&f, 3, LUXC_WIRE_QUERY, 6, 1, b.id), LUXC_OK);
    assert_int_equal(f.nout, 1); /* we hold b: no GET_BLOCK */
    last_chits(&f, 3, &m);
    assert_int_equal(m.req, 6);
    assert_memory_equal(m.id, b.id, 32);
    /* a height beyond the next: zero, and the asker is ahead */
    assert_int_equal(send_query(&f, 2, LUXC_WIRE_QUERY, 7, 3, zero), LUXC_OK);
    last_chits(&f, 2, &m);
    assert_int_equal(m.height, 3);
    assert_memory_equal(m.id, zero, 32);
    assert_int_equal(n->sync.peer_height_hint, 2);
    assert_int_equal(n->sync.peer, 2);
    /* height 0 (genesis) is nobody's to name */
    assert_int_equal(send_query(&f, 2, LUXC_WIRE_QUERY, 8, 0, zero), LUXC_OK);
    last_chits(&f, 2, &m);
    assert_memory_equal(m.id, zero, 32);
    /* a final height: the stored block */
    certify(&f, &b, 3);
    assert_int_equal(send_query(&f, 1, LUXC_WIRE_QUERY, 11, 1, zero), LUXC_OK);
    last_chits(&f, 1, &m);
    assert_int_equal(m.req, 11);
    assert_int_equal(m.height, 1);
    assert_memory_equal(m.id, b.id, 32);
    /* and the new next height has no preference yet */
    assert_int_equal(send_query(&f, 1, LUXC_WIRE_QUERY, 12, 2, zero), LUXC_OK);
    last_chits(&f, 1, &m);
    assert_memory_equal(m.id, zero, 32);
    fx_free(&f);
    /* without a store a final height is not known */
    init(&f, 4, 0, 0);
    fx_make_block(&f, &b, 0, NULL, 0, 0, 0);
    fx_propose(&f, &b);
    certify(&f, &b, 3);
    fx_clear_outbox(&f);
    assert_int_equal(send_query(&f, 1, LUXC_WIRE_QUERY, 13, 1, zero), LUXC_OK);
    last_chits(&f, 1, &m);
    assert_memory_equal(m.id, zero, 32);
    fx_free(&f);
}

/* The peers a poll sampled and the QUERY each got. */
static void check_poll_sent(const fx *f, const uint8_t pref[32])
{
    const node_poll *q = &f->node->race.poll;
    assert_int_equal(q->active, 1);
    assert_int_equal(q->k, 3);
    assert_int_equal(fx_sent(f, LUXC_WIRE_QUERY, UINT32_MAX, NULL), 3);
    for (uint32_t i = 0; i < q->k; i++) {
        assert_true(q->sampled[i] >= 1 && q->sampled[i] < f->n);
        for (uint32_t j = 0; j < i; j++)
            assert_int_not_equal(q->sampled[i], q->sampled[j]);
        const fx_msg *s;
        assert_int_equal(fx_sent(f, LUXC_WIRE_QUERY, q->sampled[i], &s), 1);
        luxc_wire_msg m;
        assert_int_equal(luxc_wire_decode(&m, s->data, s->len), LUXC_OK);
        assert_int_equal(m.req, q->req);
        assert_int_equal(m.height, f->node->tip.height + 1);
        assert_memory_equal(m.id, pref, 32);
    }
}

static void test_polls(void **state)
{
    (void)state;
    fx f;
    init(&f, 5, 0, 1); /* 4 staked peers, k = 3: one is left out of each poll */
    luxc_node *n = f.node;
    fx_block b;
    fx_make_block(&f, &b, 0, NULL, 0, 0, 0);
    fx_propose(&f, &b);
    fx_clear_outbox(&f);
    assert_int_equal(tick(&f), LUXC_OK);
    node_poll *q = &n->race.poll;
    check_poll_sent(&f, b.id);
    uint32_t req = q->req;
    uint32_t s0 = q->sampled[0], s1 = q->sampled[1], s2 = q->sampled[2];
    uint32_t out = 10 - s0 - s1 - s2; /* peers 1..4 sum to 10 */
    /* an unsampled peer's answer is refused, a second answer too */
    uint64_t dropped = fx_status(&f).dropped_msgs;
    assert_int_equal(chits(&f, out, req, b.id), LUXC_ENOTMEMBER);
    assert_int_equal(chits(&f, s0, req, zero), LUXC_OK);
    assert_int_equal(chits(&f, s0, req, b.id), LUXC_EDUPLICATE);
    assert_int_equal(fx_status(&f).dropped_msgs, dropped + 2);
    assert_int_equal(q->nvotes, 0); /* zero is no vote */
    /* one zero and two missing: b could still reach alpha = 2 */
    assert_int_equal(q->settled, 0);
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(q->active, 1);
    assert_int_equal(q->req, req);
    assert_int_equal(fx_status(&f).polls_run, 0);
    /* a second zero: it cannot - closed at once, before its timeout */
    assert_int_equal(chits(&f, s1, req, zero), LUXC_OK);
    assert_int_equal(q->settled, 1);
    assert_int_equal(node_poll_complete(q->answered, q->k), 0);
    fx_clear_outbox(&f);
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(fx_status(&f).polls_run, 1);
    /* the next poll started at once */
    assert_int_equal(q->active, 1);
    assert_int_equal(q->req, req + 1);
    check_poll_sent(&f, b.id);
    /* the late answer to the old poll is ignored, not counted */
    dropped = fx_status(&f).dropped_msgs;
    assert_int_equal(chits(&f, s2, req, b.id), LUXC_OK);
    assert_int_equal(send_query(&f, s2, LUXC_WIRE_CHITS, req + 1, 2, b.id), LUXC_OK);
    assert_int_equal(fx_status(&f).dropped_msgs, dropped);
    for (uint32_t i = 0; i < q->k; i++)
        assert_int_equal(q->answered[i], 0);
    /* two answers for b: settled with one missing */
    req = q->req;
    assert_int_equal(chits(&f, q->sampled[0], req, b.id), LUXC_OK);
    assert_int_equal(q->settled, 0);
    assert_int_equal(chits(&f, q->sampled[2], req, b.id), LUXC_OK);
    assert_int_equal(q->nvotes, 2);
    assert_int_equal(q->settled, 1);
    assert_int_equal(node_poll_complete(q->answered, q->k), 0);
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(fx_status(&f).polls_run, 2);
    assert_int_equal(q->req, req + 1);
    /* a poll nobody answers closes at its timeout: 20 ms (no answer time
     * measured beyond it) */
    req = q->req;
    uint64_t start = q->start_us;
    assert_int_equal(node_poll_wait(n), 20000);
    f.now = start + 19999;
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(q->req, req);
    f.now = start + 20000;
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(fx_status(&f).polls_run, 3);
    assert_int_equal(q->req, req + 1);
    /* that failure undid the success before it: beta = 2 successful polls
     * in a row are needed from here */
    for (int round = 0; round < 2; round++) {
        assert_int_equal(n->race.decided, 0);
        req = q->req;
        for (uint32_t i = 0; i < 3; i++)
            assert_int_equal(chits(&f, q->sampled[i], req, b.id), LUXC_OK);
        assert_int_equal(tick(&f), LUXC_OK);
        assert_int_equal(fx_status(&f).polls_run, 4 + (uint64_t)round);
    }
    assert_int_equal(n->race.decided, 1);
    assert_memory_equal(n->race.decided_id, b.id, 32);
    assert_ptr_equal(node_race_decided(n), node_proposal_find(n, b.id));
    /* decided: no poll open, a late answer to the last one is ignored */
    assert_int_equal(q->active, 0);
    dropped = fx_status(&f).dropped_msgs;
    assert_int_equal(chits(&f, q->sampled[1], q->req, b.id), LUXC_OK);
    assert_int_equal(fx_status(&f).dropped_msgs, dropped);
    /* and no more polls */
    fx_clear_outbox(&f);
    f.now += 100000;
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_QUERY, UINT32_MAX, NULL), 0);
    fx_free(&f);
}

static void test_chits_for_unknown_block_fetch_it(void **state)
{
    (void)state;
    fx f;
    init(&f, 4, 0, 1);
    luxc_node *n = f.node;
    fx_block a, x;
    fx_make_block(&f, &a, 0, NULL, 0, 0, 0); /* by 1 */
    fx_make_block(&f, &x, 1, NULL, 0, 0, 0); /* by 2, unseen */
    fx_propose(&f, &a);
    assert_int_equal(tick(&f), LUXC_OK);
    node_poll *q = &n->race.poll;
    assert_int_equal(q->active, 1);
    uint32_t peer = q->sampled[0] != 2 ? q->sampled[0] : q->sampled[1]; /* not x's proposer */
    fx_clear_outbox(&f);
    assert_int_equal(chits(&f, peer, q->req, x.id), LUXC_OK);
    assert_int_equal(n->table.want, 1);
    assert_memory_equal(n->table.want_id, x.id, 32);
    assert_int_equal(n->table.want_peer, peer);
    /* asked of that peer on the next tick */
    assert_int_equal(tick(&f), LUXC_OK);
    const fx_msg *g;
    assert_int_equal(fx_sent(&f, LUXC_WIRE_GET_BLOCK, UINT32_MAX, &g), 1);
    assert_int_equal(g->to, peer);
    luxc_wire_msg m;
    assert_int_equal(luxc_wire_decode(&m, g->data, g->len), LUXC_OK);
    assert_memory_equal(m.id, x.id, 32);
    /* its answer is taken though it is not from the proposer */
    assert_int_equal(deliver_block(&f, peer, &x), LUXC_OK);
    node_proposal *p = node_proposal_find(n, x.id);
    assert_non_null(p);
    assert_int_equal(p->in_engine, 1);
    assert_int_equal(n->table.want, 0);
    /* GET_BLOCK from a peer: we send what we hold, nothing otherwise */
    fx_clear_outbox(&f);
    uint8_t gb[33];
    size_t len;
    assert_int_equal(luxc_wire_get_block(gb, sizeof gb, &len, a.id), LUXC_OK);
    assert_int_equal(fx_deliver(&f, 3, gb, len), LUXC_OK);
    const fx_msg *pm;
    assert_int_equal(fx_sent(&f, LUXC_WIRE_PROPOSE, 3, &pm), 1);
    assert_int_equal(luxc_wire_decode(&m, pm->data, pm->len), LUXC_OK);
    assert_int_equal(m.block_len, a.len);
    assert_memory_equal(m.block, a.bytes, a.len);
    uint8_t other[32];
    memset(other, 0x77, 32);
    assert_int_equal(luxc_wire_get_block(gb, sizeof gb, &len, other), LUXC_OK);
    assert_int_equal(fx_deliver(&f, 3, gb, len), LUXC_OK);
    assert_int_equal(f.nout, 1);
    fx_free(&f);
}

/* Commit heights 1..3 (by 1, 2, 3), the last with a timestamp ahead of
 * the clock, so that we lead round 0 of height 4 and must wait for the
 * block time. */
static void test_propose_when_leading(void **state)
{
    (void)state;
    fx f;
    init(&f, 4, 0, 0);
    luxc_node *n = f.node;
    for (int h = 1; h <= 3; h++) {
        fx_block b;
        uint64_t salt = h == 3 ? f.now + 100000 - f.tip.hdr.timestamp_us - 1000 : 0;
        fx_make_block(&f, &b, 0, NULL, 0, 0, salt);
        fx_propose(&f, &b);
        certify(&f, &b, 3);
    }
    assert_int_equal(fx_leader(&f, 0), 0);
    uint64_t due = f.tip.hdr.timestamp_us + 1000; /* block time 1 ms */
    assert_int_equal(due, f.now + 101000);
    assert_int_equal(luxc_node_submit_tx(n, (const uint8_t *)"tx-a", 4), LUXC_OK);
    assert_int_equal(luxc_node_submit_tx(n, (const uint8_t *)"tx-bb", 5), LUXC_OK);
    fx_clear_outbox(&f);
    uint64_t next;
    assert_int_equal(luxc_node_tick(n, f.now, &next), LUXC_OK);
    assert_int_equal(next, due);
    assert_int_equal(fx_run_ms(&f, 100), LUXC_OK);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_PROPOSAL, UINT32_MAX, NULL), 0);
    assert_int_equal(fx_status(&f).proposals_made, 0);
    assert_int_equal(fx_run_ms(&f, 1), LUXC_OK);
    assert_int_equal(f.now, due);
    /* at the block time: one PROPOSAL to each peer */
    assert_int_equal(fx_sent(&f, LUXC_WIRE_PROPOSAL, UINT32_MAX, NULL), 3);
    assert_int_equal(fx_status(&f).proposals_made, 1);
    const fx_msg *p;
    uint8_t first[1024];
    size_t first_len = 0;
    for (uint32_t to = 1; to < 4; to++) {
        assert_int_equal(fx_sent(&f, LUXC_WIRE_PROPOSAL, to, &p), 1);
        if (to == 1) {
            assert_true(p->len <= sizeof first);
            memcpy(first, p->data, p->len);
            first_len = p->len;
        }
        assert_int_equal(p->len, first_len);
        assert_memory_equal(p->data, first, first_len);
    }
    luxc_wire_msg m;
    assert_int_equal(luxc_wire_decode(&m, first, first_len), LUXC_OK);
    luxc_chain_block hdr;
    uint8_t id[32];
    assert_int_equal(luxc_chain_block_decode(&hdr, id, m.block, m.block_len), LUXC_OK);
    assert_int_equal(hdr.height, 4);
    assert_memory_equal(hdr.parent, f.tip.id, 32);
    assert_int_equal(hdr.proposer, 0);
    assert_int_equal(hdr.round, 0);
    assert_int_equal(hdr.timestamp_us, due);
    assert_int_equal(hdr.tx_count, 2);
    assert_int_equal(hdr.payload_len, 2 + 4 + 2 + 5);
    assert_memory_equal(hdr.payload, "\0\4tx-a\0\5tx-bb", 13);
    assert_int_equal(luxc_chain_block_check_child(&hdr, &f.tip.hdr, f.tip.id, NULL, 0), LUXC_OK);
    /* ours is in the table and the engine like anyone's */
    node_proposal *own = node_proposal_find(n, id);
    assert_non_null(own);
    assert_int_equal(own->in_engine, 1);
    assert_int_equal(fx_status(&f).mempool_len, 2);
    /* re-sent a quarter round (50 ms) later, not before */
    fx_clear_outbox(&f);
    assert_int_equal(fx_run_ms(&f, 50), LUXC_OK);
    assert_int_equal(fx_run_ms(&f, 0), LUXC_OK); /* a tick at due + 50 ms */
    assert_int_equal(fx_sent(&f, LUXC_WIRE_PROPOSAL, UINT32_MAX, NULL), 0);
    f.now += 1;
    assert_int_equal(fx_run_ms(&f, 0), LUXC_OK);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_PROPOSAL, UINT32_MAX, NULL), 3);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_PROPOSAL, 2, &p), 1);
    assert_int_equal(p->len, first_len);
    assert_memory_equal(p->data, first, first_len);
    assert_int_equal(fx_status(&f).proposals_made, 1); /* the same block */
    fx_free(&f);
}

static void test_max_block_txs(void **state)
{
    (void)state;
    fx f;
    fx_setup(&f, 4, "local", 0, 0);
    f.cfg.max_block_txs = 2;
    fx_start(&f);
    for (int i = 0; i < 3; i++)
        assert_int_equal(luxc_node_submit_tx(f.node, (const uint8_t *)"t", 1), LUXC_OK);
    fx_skip_to_round(&f, 3, LUXC_PREVOTE); /* ours */
    for (int i = 0; i < 20 && !fx_sent(&f, LUXC_WIRE_PROPOSAL, 1, NULL); i++)
        assert_int_equal(fx_run_ms(&f, 50), LUXC_OK);
    const fx_msg *p;
    assert_true(fx_sent(&f, LUXC_WIRE_PROPOSAL, 1, &p) >= 1);
    luxc_wire_msg m;
    luxc_chain_block hdr;
    assert_int_equal(luxc_wire_decode(&m, p->data, p->len), LUXC_OK);
    assert_int_equal(luxc_chain_block_decode(&hdr, NULL, m.block, m.block_len), LUXC_OK);
    assert_int_equal(hdr.round, 3);
    assert_int_equal(hdr.tx_count, 2);
    assert_int_equal(fx_status(&f).mempool_len, 3);
    fx_free(&f);
}

/* Rounds follow the round rule: round 0's propose timeout runs from the
 * first event; then nil prevotes and precommits of 2f+1 move us to round
 * 1 after the precommit timeout; f+1 of a later round take us there, where
 * we lead and propose once. */
static void test_rounds_follow_the_rule(void **state)
{
    (void)state;
    fx f;
    init(&f, 4, 0, 0);
    luxc_node *n = f.node;
    const fx_msg *v;
    luxc_wire_msg m;
    assert_int_equal(tick(&f), LUXC_OK); /* the first event: timers start */
    uint64_t start = f.now;
    assert_int_equal(fx_status(&f).round, 0);
    uint64_t next;
    assert_int_equal(luxc_node_tick(n, f.now, &next), LUXC_OK);
    assert_true(next <= start + 200000);
    /* no proposal in round 0's 200 ms: a nil prevote */
    f.now = start + 199999;
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_VOTE, UINT32_MAX, NULL), 0);
    f.now = start + 200000;
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_VOTE, UINT32_MAX, &v), 3);
    assert_int_equal(luxc_wire_decode(&m, v->data, v->len), LUXC_OK);
    assert_int_equal(m.vote.phase, LUXC_PREVOTE);
    assert_int_equal(m.vote.accept, 0);
    assert_memory_equal(m.vote.block, zero, 32);
    /* two peers' nil prevotes with ours: a polka for nil, a nil precommit */
    fx_clear_outbox(&f);
    assert_int_equal(fx_round_vote(&f, 1, LUXC_PREVOTE, 0, NULL), LUXC_OK);
    assert_int_equal(fx_round_vote(&f, 2, LUXC_PREVOTE, 0, NULL), LUXC_OK);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_VOTE, UINT32_MAX, &v), 3);
    assert_int_equal(luxc_wire_decode(&m, v->data, v->len), LUXC_OK);
    assert_int_equal(m.vote.phase, LUXC_PRECOMMIT);
    assert_int_equal(m.vote.accept, 0);
    /* 2f+1 precommits of any kind: round 1 after half a round timeout */
    assert_int_equal(fx_round_vote(&f, 1, LUXC_PRECOMMIT, 0, NULL), LUXC_OK);
    assert_int_equal(fx_round_vote(&f, 3, LUXC_PRECOMMIT, 0, NULL), LUXC_OK);
    uint64_t t = f.now;
    f.now = t + 99999;
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(fx_status(&f).round, 0);
    f.now = t + 100000;
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(fx_status(&f).round, 1);
    /* f+1 heard from round 3, ours: we go there and propose, once */
    assert_int_equal(fx_round_of(&f, 0), 3);
    fx_clear_outbox(&f);
    fx_skip_to_round(&f, 3, LUXC_PREVOTE);
    assert_int_equal(fx_status(&f).round, 3);
    assert_int_equal(tick(&f), LUXC_OK);
    const fx_msg *p;
    assert_int_equal(fx_sent(&f, LUXC_WIRE_PROPOSAL, UINT32_MAX, NULL), 3);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_PROPOSAL, 3, &p), 1);
    assert_int_equal(luxc_wire_decode(&m, p->data, p->len), LUXC_OK);
    assert_int_equal(m.round, 3);
    assert_int_equal(m.valid_round, LUXC_WIRE_NO_ROUND);
    luxc_chain_block hdr;
    assert_int_equal(luxc_chain_block_decode(&hdr, NULL, m.block, m.block_len), LUXC_OK);
    assert_int_equal(hdr.round, 3);
    assert_int_equal(hdr.proposer, 0);
    assert_int_equal(fx_status(&f).proposals_made, 1);
    /* a new height starts at round 0 */
    fx_block b;
    fx_make_block(&f, &b, 4, NULL, 0, 0, 0);
    fx_propose(&f, &b);
    certify(&f, &b, 3);
    assert_int_equal(fx_status(&f).round, 0);
    fx_free(&f);
}

/* A relayed POLKA (from anyone, not only the leader) brings the block and
 * its polka: checked, counted, and the rule acts on it - here, having
 * prevoted nil, we lock and precommit the block (Algorithm 1 line 36).
 * A proof of too little stake, or for another block, is dropped. */
static void test_relayed_polka_is_checked_and_counted(void **state)
{
    (void)state;
    fx f;
    init(&f, 4, 0, 0);
    assert_int_equal(tick(&f), LUXC_OK);
    fx_block b, other;
    fx_make_block(&f, &b, 0, NULL, 0, 0, 0);
    fx_make_block(&f, &other, 0, NULL, 0, 0, 9);
    f.now += 200000; /* no proposal in round 0: a nil prevote */
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(luxc_rounds_state(f.node->ballot.rule)->step, LUXC_STEP_PREVOTE);
    uint8_t *proof = malloc(NODE_MSG_MAX), *w = malloc(NODE_MSG_MAX);
    assert_non_null(proof);
    assert_non_null(w);
    size_t plen, len;
    const uint32_t two[] = {1, 2}, three[] = {1, 2, 3};
    /* two signers are 1/2 of the stake: refused */
    luxc_cert *c = NULL;
    for (uint32_t i = 0; i < 2; i++) {
        size_t vlen = fx_round_vote_msg(&f, two[i], LUXC_PREVOTE, 0, &b, w);
        luxc_wire_msg vm;
        assert_int_equal(luxc_wire_decode(&vm, w, vlen), LUXC_OK);
        if (!c)
            assert_int_equal(luxc_cert_new(&c, &vm.vote), LUXC_OK);
        assert_int_equal(luxc_cert_add(c, two[i], vm.sig, vm.sig_len), LUXC_OK);
    }
    assert_int_equal(luxc_cert_encode(c, proof, NODE_MSG_MAX, &plen), LUXC_OK);
    luxc_cert_free(c);
    assert_int_equal(luxc_wire_polka(w, NODE_MSG_MAX, &len, 0, b.bytes, b.len, proof, plen),
                     LUXC_OK);
    uint64_t dropped = fx_status(&f).dropped_msgs;
    assert_int_not_equal(fx_deliver(&f, 2, w, len), LUXC_OK);
    assert_int_equal(fx_status(&f).dropped_msgs, dropped + 1);
    /* a proof for b sent with another block: refused */
    plen = fx_round_cert(&f, LUXC_PREVOTE, 0, &b, three, 3, proof, NODE_MSG_MAX);
    assert_int_equal(luxc_wire_polka(w, NODE_MSG_MAX, &len, 0, other.bytes, other.len, proof,
                                     plen),
                     LUXC_OK);
    assert_int_not_equal(fx_deliver(&f, 2, w, len), LUXC_OK);
    assert_int_equal(fx_status(&f).dropped_msgs, dropped + 2);
    assert_int_equal(luxc_rounds_state(f.node->ballot.rule)->locked_round, LUXC_NO_ROUND);
    /* the real one, from a validator that does not lead round 0 */
    assert_int_not_equal(fx_leader(&f, 0), 2);
    fx_clear_outbox(&f);
    assert_int_equal(luxc_wire_polka(w, NODE_MSG_MAX, &len, 0, b.bytes, b.len, proof, plen),
                     LUXC_OK);
    assert_int_equal(fx_deliver(&f, 2, w, len), LUXC_OK);
    const luxc_round_state *st = luxc_rounds_state(f.node->ballot.rule);
    assert_int_equal(st->locked_round, 0);
    assert_memory_equal(st->locked_id, b.id, 32);
    assert_int_equal(st->valid_round, 0);
    const fx_msg *v;
    luxc_wire_msg m;
    assert_int_equal(fx_sent(&f, LUXC_WIRE_VOTE, UINT32_MAX, &v), 3);
    assert_int_equal(luxc_wire_decode(&m, v->data, v->len), LUXC_OK);
    assert_int_equal(m.vote.phase, LUXC_PRECOMMIT);
    assert_memory_equal(m.vote.block, b.id, 32);
    /* the same again is known: accepted without a second check */
    assert_int_equal(fx_deliver(&f, 3, w, len), LUXC_OK);
    free(proof);
    free(w);
    fx_free(&f);
}

/* The lock: locked on a in round 0 (a polka with our prevote), we prevote
 * nil on another fresh block in a later round. */
static void test_locked_prevotes_nil_on_other_block(void **state)
{
    (void)state;
    fx f;
    init(&f, 4, 0, 0);
    fx_block a, b;
    fx_make_block(&f, &a, 0, NULL, 0, 0, 0); /* by 1 */
    assert_int_equal(tick(&f), LUXC_OK);
    fx_propose(&f, &a);
    const fx_msg *v;
    luxc_wire_msg m;
    /* round 0's timeout without a snowman decision: the leader's block */
    for (int i = 0; i < 5 && !fx_sent(&f, LUXC_WIRE_VOTE, UINT32_MAX, NULL); i++)
        assert_int_equal(fx_run_ms(&f, 50), LUXC_OK);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_VOTE, UINT32_MAX, &v), 3);
    assert_int_equal(luxc_wire_decode(&m, v->data, v->len), LUXC_OK);
    assert_int_equal(m.vote.phase, LUXC_PREVOTE);
    assert_memory_equal(m.vote.block, a.id, 32);
    fx_clear_outbox(&f);
    assert_int_equal(fx_round_vote(&f, 1, LUXC_PREVOTE, 0, &a), LUXC_OK);
    assert_int_equal(fx_round_vote(&f, 2, LUXC_PREVOTE, 0, &a), LUXC_OK);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_VOTE, UINT32_MAX, &v), 3);
    assert_int_equal(luxc_wire_decode(&m, v->data, v->len), LUXC_OK);
    assert_int_equal(m.vote.phase, LUXC_PRECOMMIT);
    assert_memory_equal(m.vote.block, a.id, 32);
    const luxc_round_state *st = luxc_rounds_state(f.node->ballot.rule);
    assert_int_equal(st->locked_round, 0);
    /* round 2, led by 3: its fresh block gets our nil */
    fx_skip_to_round(&f, 2, LUXC_PREVOTE);
    assert_int_equal(fx_leader(&f, 2), 3);
    fx_make_block(&f, &b, 2, NULL, 0, 0, 0);
    fx_clear_outbox(&f);
    fx_propose(&f, &b);
    /* the first vote out: a nil prevote of round 2 (the nil polka the
     * skip's votes make with it then brings a nil precommit) */
    uint32_t k = 0;
    while (k < f.nout && f.outbox[k].data[0] != LUXC_WIRE_VOTE)
        k++;
    assert_true(k < f.nout);
    assert_int_equal(luxc_wire_decode(&m, f.outbox[k].data, f.outbox[k].len), LUXC_OK);
    assert_int_equal(m.vote.phase, LUXC_PREVOTE);
    assert_int_equal(m.vote.round, 2);
    assert_memory_equal(m.vote.block, zero, 32);
    fx_free(&f);
}

/* A model that scores 2's blocks negative. */
static double score(void *ctx, const uint8_t *block, size_t len, uint64_t now_us)
{
    (void)now_us;
    uint32_t *calls = ctx;
    (*calls)++;
    luxc_chain_block hdr;
    assert_int_equal(luxc_chain_block_decode(&hdr, NULL, block, len), LUXC_OK);
    return hdr.proposer == 2 ? -1.0 : 0.0;
}

static void test_negative_score_waits_for_peers(void **state)
{
    (void)state;
    fx f;
    uint32_t calls = 0;
    fx_setup(&f, 4, "local", 0, 0);
    f.vals[0].stake = 0;
    f.genesis.total_stake -= 100;
    f.cfg.model.score = score;
    f.cfg.model.ctx = &calls;
    fx_start(&f);
    luxc_node *n = f.node;
    fx_block a, bad;
    fx_make_block(&f, &a, 0, NULL, 0, 0, 0);   /* by 1 */
    fx_make_block(&f, &bad, 1, NULL, 0, 0, 0); /* by 2: scored -1 */
    fx_propose(&f, &bad);
    assert_int_equal(calls, 1);
    node_proposal *pb = node_proposal_find(n, bad.id);
    assert_non_null(pb);
    assert_true(pb->score == -1.0);
    assert_int_equal(pb->in_engine, 0);
    /* nothing to poll about, no preference */
    fx_clear_outbox(&f);
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(n->race.poll.active, 0);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_QUERY, UINT32_MAX, NULL), 0);
    luxc_wire_msg m;
    assert_int_equal(send_query(&f, 1, LUXC_WIRE_QUERY, 1, 1, zero), LUXC_OK);
    last_chits(&f, 1, &m);
    assert_memory_equal(m.id, zero, 32);
    /* a block it scores 0 (approve) goes in and is polled for */
    fx_propose(&f, &a);
    assert_int_equal(node_proposal_find(n, a.id)->in_engine, 1);
    fx_clear_outbox(&f);
    assert_int_equal(tick(&f), LUXC_OK);
    check_poll_sent(&f, a.id);
    /* a peer names the rejected block: now the network decides */
    node_poll *q = &n->race.poll;
    assert_int_equal(chits(&f, q->sampled[0], q->req, bad.id), LUXC_OK);
    assert_int_equal(pb->in_engine, 1);
    assert_int_equal(n->table.want, 0); /* held: nothing to fetch */
    /* and the peers' choice wins */
    for (int i = 0; i < 40 && !n->race.decided; i++) {
        fx_clear_outbox(&f);
        f.now += 1000;
        assert_int_equal(tick(&f), LUXC_OK);
        fx_answer_queries(&f, bad.id);
    }
    assert_int_equal(n->race.decided, 1);
    assert_memory_equal(n->race.decided_id, bad.id, 32);
    assert_int_equal(calls, 2); /* scored once each */
    fx_free(&f);
}

/* A block we asked for goes into the engine whatever its score. */
static void test_negative_score_asked_for(void **state)
{
    (void)state;
    fx f;
    uint32_t calls = 0;
    fx_setup(&f, 4, "local", 0, 0);
    f.cfg.model.score = score;
    f.cfg.model.ctx = &calls;
    fx_start(&f);
    fx_block bad;
    fx_make_block(&f, &bad, 1, NULL, 0, 0, 0);
    node_ask_block(f.node, 3, bad.id);
    assert_int_equal(deliver_block(&f, 3, &bad), LUXC_OK);
    node_proposal *p = node_proposal_find(f.node, bad.id);
    assert_non_null(p);
    assert_true(p->score == -1.0);
    assert_int_equal(p->in_engine, 1);
    assert_int_equal(calls, 1);
    fx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proposals_refused),
        cmocka_unit_test(test_other_heights_ignored),
        cmocka_unit_test(test_asked_block_from_anyone),
        cmocka_unit_test(test_query_answered_with_preference),
        cmocka_unit_test(test_polls),
        cmocka_unit_test(test_chits_for_unknown_block_fetch_it),
        cmocka_unit_test(test_propose_when_leading),
        cmocka_unit_test(test_max_block_txs),
        cmocka_unit_test(test_rounds_follow_the_rule),
        cmocka_unit_test(test_locked_prevotes_nil_on_other_block),
        cmocka_unit_test(test_relayed_polka_is_checked_and_counted),
        cmocka_unit_test(test_negative_score_waits_for_peers),
        cmocka_unit_test(test_negative_score_asked_for),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
