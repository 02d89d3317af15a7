/* test_node_base.c - node_base.c: the leader rule, sending with counters,
 * logging by level, the proposal table, asking for blocks (the ring of
 * NODE_ASKED_RING), the block we want and its re-asking, and the timing
 * of polls (answers, completion, wait bounds, the answer time's EWMA). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "node_fixture.h"
#include "testutil.h"

static void id_of(uint8_t id[32], uint32_t i)
{
    memset(id, 0, 32);
    id[0] = 0xA5;
    id[1] = (uint8_t)(i + 1);
}

/* The id a GET_BLOCK message asks for. */
static void asked_id(const fx_msg *m, uint8_t id[32])
{
    luxc_wire_msg w;
    assert_int_equal(luxc_wire_decode(&w, m->data, m->len), LUXC_OK);
    assert_int_equal(w.type, LUXC_WIRE_GET_BLOCK);
    memcpy(id, w.id, 32);
}

static void test_leader_rule(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    static const struct {
        uint64_t h;
        uint32_t r, want;
    } cases[] = {{0, 0, 0}, {1, 0, 1}, {1, 3, 0}, {1, 4, 1}, {2, 1, 3},
                 {5, 2, 3}, {7, 9, 0}, {1000003, 0, 3}, {UINT64_MAX, 0, 3}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(node_leader(f.node, cases[i].h, cases[i].r), cases[i].want);
    /* the fixture's view of the next height agrees: height 1 */
    for (uint32_t r = 0; r < 8; r++) {
        assert_int_equal(node_leader(f.node, 1, r), fx_leader(&f, r));
        assert_int_equal(node_leader(f.node, 1, fx_round_of(&f, r % 4)), r % 4);
    }
    fx_free(&f);
    fx_init(&f, 3, "local", 0, 0);
    assert_int_equal(node_leader(f.node, 1, 0), 1);
    assert_int_equal(node_leader(f.node, 1, 2), 0);
    assert_int_equal(node_leader(f.node, 4, 1), 2);
    fx_free(&f);
}

static void test_send_counters(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    luxc_node *n = f.node;
    luxc_node_status st0 = fx_status(&f);
    assert_int_equal(st0.msgs_out, 0);
    assert_int_equal(st0.bytes_out, 0);
    const uint8_t msg[10] = {7, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    node_send(n, 2, msg, sizeof msg);
    assert_int_equal(f.nout, 1);
    assert_int_equal(f.outbox[0].to, 2);
    assert_int_equal(f.outbox[0].len, sizeof msg);
    assert_memory_equal(f.outbox[0].data, msg, sizeof msg);
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.msgs_out, 1);
    assert_int_equal(st.bytes_out, 10);
    /* never to ourselves, never outside the set */
    node_send(n, 0, msg, sizeof msg);
    node_send(n, 4, msg, sizeof msg);
    node_send(n, UINT32_MAX, msg, sizeof msg);
    assert_int_equal(f.nout, 1);
    st = fx_status(&f);
    assert_int_equal(st.msgs_out, 1);
    assert_int_equal(st.bytes_out, 10);
    /* broadcast: everyone but us, once each */
    fx_clear_outbox(&f);
    node_broadcast(n, msg, 4);
    assert_int_equal(f.nout, 3);
    for (uint32_t i = 0; i < 3; i++) {
        assert_int_equal(f.outbox[i].to, i + 1);
        assert_int_equal(f.outbox[i].len, 4);
    }
    st = fx_status(&f);
    assert_int_equal(st.msgs_out, 4);
    assert_int_equal(st.bytes_out, 10 + 3 * 4);
    /* no transport: nothing sent, nothing counted */
    n->cfg.io.send = NULL;
    node_broadcast(n, msg, 4);
    node_send(n, 1, msg, 4);
    st = fx_status(&f);
    assert_int_equal(st.msgs_out, 4);
    assert_int_equal(st.bytes_out, 22);
    assert_int_equal(f.nout, 3);
    fx_free(&f);
}

static void test_log_by_level(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    int p[2];
    assert_int_equal(pipe(p), 0);
    assert_int_equal(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
    luxc_logger lg;
    luxc_logger_init(&lg, p[1], LUXC_LOG_WARN, "node=t");
    char buf[4096];
    node_logf(f.node, LUXC_LOG_ERROR, "no logger", NULL); /* cfg.log NULL: silent */
    /* the program's wiring: the logger through its sink, at its level */
    f.node->cfg.log = luxc_logger_sink;
    f.node->cfg.log_ctx = &lg;
    f.node->cfg.log_level = lg.level;
    node_logf(f.node, LUXC_LOG_DEBUG, "too low", "x=%d", 1);
    node_logf(f.node, LUXC_LOG_INFO, "too low", NULL);
    assert_true(read(p[0], buf, sizeof buf) < 0);
    node_logf(f.node, LUXC_LOG_WARN, "shown", "x=%d", 42);
    ssize_t got = read(p[0], buf, sizeof buf - 1);
    assert_true(got > 0);
    buf[got] = '\0';
    assert_non_null(strstr(buf, "level=warn"));
    assert_non_null(strstr(buf, "node=t"));
    assert_non_null(strstr(buf, "msg=\"shown\""));
    assert_non_null(strstr(buf, "x=42"));
    assert_null(strstr(buf, "too low"));
    assert_null(strstr(buf, "no logger"));
    /* cfg.log_level filters before the sink sees anything (a logger that
     * would take debug lines gets none when the node is set to error) */
    luxc_logger_init(&lg, p[1], LUXC_LOG_DEBUG, "node=t");
    f.node->cfg.log_level = LUXC_LOG_ERROR;
    node_logf(f.node, LUXC_LOG_WARN, "filtered by the node", "x=%d", 2);
    assert_true(read(p[0], buf, sizeof buf) < 0);
    node_logf(f.node, LUXC_LOG_ERROR, "error", "peer=%s", "p1");
    got = read(p[0], buf, sizeof buf - 1);
    assert_true(got > 0);
    buf[got] = '\0';
    assert_non_null(strstr(buf, "msg=\"error\" peer=p1"));
    f.node->cfg.log = NULL;
    close(p[0]);
    close(p[1]);
    fx_free(&f);
}

static void test_note_height(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    luxc_node *n = f.node;
    assert_int_equal(n->sync.peer_height_hint, 0);
    node_note_height(n, 1, 5);
    assert_int_equal(n->sync.peer_height_hint, 5);
    assert_int_equal(n->sync.peer, 1);
    node_note_height(n, 2, 5); /* not beyond: the first peer stays */
    node_note_height(n, 3, 4);
    assert_int_equal(n->sync.peer_height_hint, 5);
    assert_int_equal(n->sync.peer, 1);
    node_note_height(n, 3, 6);
    assert_int_equal(n->sync.peer_height_hint, 6);
    assert_int_equal(n->sync.peer, 3);
    uint64_t next = 77;
    node_earliest(&next, 78);
    assert_int_equal(next, 77);
    node_earliest(&next, 76);
    assert_int_equal(next, 76);
    fx_free(&f);
}

static void test_proposal_table(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    luxc_node *n = f.node;
    static fx_block b[NODE_MAX_PROPOSALS + 1];
    for (uint32_t i = 0; i <= NODE_MAX_PROPOSALS; i++)
        fx_make_block(&f, &b[i], i % 4, NULL, 0, 0, i);
    node_proposal *p;
    assert_null(node_proposal_find(n, b[0].id));
    for (uint32_t i = 0; i < NODE_MAX_PROPOSALS; i++) {
        p = NULL;
        assert_int_equal(node_proposal_add(n, b[i].id, b[i].bytes, b[i].len, &p), LUXC_OK);
        assert_non_null(p);
        assert_int_equal(n->table.count, i + 1);
        assert_memory_equal(p->id, b[i].id, 32);
        assert_int_equal(p->len, b[i].len);
        assert_memory_equal(p->bytes, b[i].bytes, b[i].len);
        assert_true(p->bytes != b[i].bytes); /* a copy */
        assert_int_equal(p->hdr.height, 1);
        assert_int_equal(p->hdr.round, i % 4);
        assert_int_equal(p->hdr.timestamp_us, b[i].hdr.timestamp_us);
        assert_int_equal(p->in_engine, 0);
    }
    for (uint32_t i = 0; i < NODE_MAX_PROPOSALS; i++) {
        p = node_proposal_find(n, b[i].id);
        assert_non_null(p);
        assert_memory_equal(p->id, b[i].id, 32);
    }
    /* the table is full: a new block takes the place of the one whose
     * round is farthest from ours (0): the first of round 3, b[3] */
    p = NULL;
    assert_int_equal(node_proposal_add(n, b[NODE_MAX_PROPOSALS].id, b[NODE_MAX_PROPOSALS].bytes,
                                       b[NODE_MAX_PROPOSALS].len, &p),
                     LUXC_OK);
    assert_non_null(p);
    assert_memory_equal(p->id, b[NODE_MAX_PROPOSALS].id, 32);
    assert_int_equal(n->table.count, NODE_MAX_PROPOSALS);
    assert_null(node_proposal_find(n, b[3].id));
    assert_int_equal(fx_status(&f).proposals_evicted, 1);
    /* a block the rule may need stays: the one we fetch, our lock */
    node_want(n, b[7].id, 2);
    luxc_round_state st = *luxc_rounds_state(n->ballot.rule);
    st.locked_round = st.valid_round = 0;
    memcpy(st.locked_id, b[11].id, 32);
    memcpy(st.valid_id, b[11].id, 32);
    assert_int_equal(luxc_rounds_restore(n->ballot.rule, &st, f.now), LUXC_OK);
    fx_block extra[3];
    for (uint32_t i = 0; i < 3; i++) {
        fx_make_block(&f, &extra[i], 2, NULL, 0, 0, 100 + i);
        assert_int_equal(node_proposal_add(n, extra[i].id, extra[i].bytes, extra[i].len, &p),
                         LUXC_OK);
    }
    assert_non_null(node_proposal_find(n, b[7].id));
    assert_non_null(node_proposal_find(n, b[11].id));
    assert_null(node_proposal_find(n, b[15].id)); /* the last round-3 one went */
    assert_int_equal(fx_status(&f).proposals_evicted, 4);
    /* clear frees them all (ASan: no leak) and forgets the wanted block */
    node_proposals_clear(n);
    assert_int_equal(n->table.count, 0);
    assert_int_equal(n->table.want, 0);
    assert_null(node_proposal_find(n, b[0].id));
    assert_int_equal(node_proposal_add(n, b[0].id, b[0].bytes, b[0].len, &p), LUXC_OK);
    assert_int_equal(n->table.count, 1);
    fx_free(&f);
}

static void test_proposal_refused(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    luxc_node *n = f.node;
    fx_block b;
    const uint8_t payload[] = {0, 2, 'h', 'i'};
    fx_make_block(&f, &b, 0, payload, sizeof payload, 1, 0);
    node_proposal *p = (node_proposal *)1;
    /* a flipped payload byte: the payload digest does not match */
    uint8_t bad[LUXC_CHAIN_BLOCK_MAXBYTES];
    memcpy(bad, b.bytes, b.len);
    bad[b.len - 1] ^= 1;
    assert_int_equal(node_proposal_add(n, b.id, bad, b.len, &p), LUXC_ECORRUPT);
    assert_null(p);
    assert_int_equal(n->table.count, 0);
    /* cut short, and with a byte too many */
    p = (node_proposal *)1;
    assert_int_equal(node_proposal_add(n, b.id, b.bytes, b.len - 1, &p), LUXC_ETRUNC);
    assert_null(p);
    memcpy(bad, b.bytes, b.len);
    bad[b.len] = 0;
    assert_int_equal(node_proposal_add(n, b.id, bad, b.len + 1, &p), LUXC_ETRAILING);
    bad[0] = 9; /* version */
    assert_int_equal(node_proposal_add(n, b.id, bad, b.len, &p), LUXC_EVERSION);
    assert_int_equal(n->table.count, 0);
    assert_null(node_proposal_find(n, b.id));
    /* out of memory: nothing added */
    luxc_test_alloc_fail_after(0);
    assert_int_equal(node_proposal_add(n, b.id, b.bytes, b.len, &p), LUXC_ENOMEM);
    luxc_test_alloc_fail_after(-1);
    assert_null(p);
    assert_int_equal(n->table.count, 0);
    /* and the good one is taken */
    assert_int_equal(node_proposal_add(n, b.id, b.bytes, b.len, &p), LUXC_OK);
    assert_int_equal(p->hdr.tx_count, 1);
    assert_int_equal(p->hdr.payload_len, sizeof payload);
    assert_ptr_equal(p->hdr.payload, p->bytes + LUXC_CHAIN_BLOCK_HEADERBYTES);
    fx_free(&f);
}

static void test_want_cleared_when_added(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    luxc_node *n = f.node;
    fx_block a, b;
    fx_make_block(&f, &a, 0, NULL, 0, 0, 0);
    fx_make_block(&f, &b, 1, NULL, 0, 0, 0);
    node_want(n, b.id, 3);
    assert_int_equal(n->table.want, 1);
    assert_memory_equal(n->table.want_id, b.id, 32);
    assert_int_equal(n->table.want_peer, 3);
    node_proposal *p;
    assert_int_equal(node_proposal_add(n, a.id, a.bytes, a.len, &p), LUXC_OK);
    assert_int_equal(n->table.want, 1); /* another block: still wanted */
    assert_int_equal(node_proposal_add(n, b.id, b.bytes, b.len, &p), LUXC_OK);
    assert_int_equal(n->table.want, 0);
    /* nothing wanted: the tick asks nobody and sets no timer */
    uint64_t next = UINT64_MAX;
    node_want_tick(n, f.now, &next);
    assert_int_equal(next, UINT64_MAX);
    assert_int_equal(f.nout, 0);
    fx_free(&f);
}

static void test_ask_ring(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    luxc_node *n = f.node;
    uint8_t id[NODE_ASKED_RING + 2][32], got[32];
    for (uint32_t i = 0; i < NODE_ASKED_RING + 2; i++)
        id_of(id[i], i);
    /* one peer: one GET_BLOCK to it */
    node_ask_block(n, 2, id[0]);
    assert_int_equal(f.nout, 1);
    assert_int_equal(f.outbox[0].to, 2);
    assert_int_equal(f.outbox[0].len, 33);
    asked_id(&f.outbox[0], got);
    assert_memory_equal(got, id[0], 32);
    assert_true(node_was_asked(n, id[0]));
    assert_false(node_was_asked(n, id[1]));
    /* ourselves as the peer: everyone */
    fx_clear_outbox(&f);
    node_ask_block(n, 0, id[1]);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_GET_BLOCK, UINT32_MAX, NULL), 3);
    for (uint32_t p = 1; p < 4; p++) {
        const fx_msg *m;
        assert_int_equal(fx_sent(&f, LUXC_WIRE_GET_BLOCK, p, &m), 1);
        asked_id(m, got);
        assert_memory_equal(got, id[1], 32);
    }
    /* the ring holds the last NODE_ASKED_RING */
    for (uint32_t i = 2; i < NODE_ASKED_RING; i++)
        node_ask_block(n, 1, id[i]);
    for (uint32_t i = 0; i < NODE_ASKED_RING; i++)
        assert_true(node_was_asked(n, id[i]));
    assert_false(node_was_asked(n, id[NODE_ASKED_RING]));
    node_ask_block(n, 1, id[NODE_ASKED_RING]); /* overwrites the oldest */
    assert_false(node_was_asked(n, id[0]));
    for (uint32_t i = 1; i <= NODE_ASKED_RING; i++)
        assert_true(node_was_asked(n, id[i]));
    node_ask_block(n, 1, id[NODE_ASKED_RING + 1]);
    assert_false(node_was_asked(n, id[1]));
    assert_true(node_was_asked(n, id[2]));
    assert_true(node_was_asked(n, id[NODE_ASKED_RING + 1]));
    fx_free(&f);
}

static void test_want_reasks(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    luxc_node *n = f.node;
    const uint64_t resend = 2 * n->cfg.poll_timeout_us;
    assert_int_equal(resend, 40000); /* local: 20 ms polls */
    uint8_t id[32], other[32], got[32];
    id_of(id, 0);
    id_of(other, 1);
    node_want(n, id, 2);
    uint64_t t0 = f.now, next = UINT64_MAX;
    /* the first tick asks at once */
    node_want_tick(n, t0, &next);
    assert_int_equal(f.nout, 1);
    assert_int_equal(f.outbox[0].to, 2);
    asked_id(&f.outbox[0], got);
    assert_memory_equal(got, id, 32);
    assert_int_equal(next, t0 + resend);
    assert_true(node_was_asked(n, id));
    /* wanting it again changes nothing: no second ask before the time */
    node_want(n, id, 3);
    assert_int_equal(n->table.want_peer, 2);
    next = UINT64_MAX;
    node_want_tick(n, t0 + resend - 1, &next);
    assert_int_equal(f.nout, 1);
    assert_int_equal(next, t0 + resend);
    /* 2x the poll timeout later: asked again, same peer */
    next = UINT64_MAX;
    node_want_tick(n, t0 + resend, &next);
    assert_int_equal(f.nout, 2);
    assert_int_equal(f.outbox[1].to, 2);
    asked_id(&f.outbox[1], got);
    assert_memory_equal(got, id, 32);
    assert_int_equal(next, t0 + 2 * resend);
    /* an earlier timer stays */
    next = t0;
    node_want_tick(n, t0 + resend + 1, &next);
    assert_int_equal(next, t0);
    assert_int_equal(f.nout, 2);
    /* another block replaces it and is asked for at once, from its peer;
     * ourselves as the peer asks everyone */
    node_want(n, other, 0);
    assert_memory_equal(n->table.want_id, other, 32);
    next = UINT64_MAX;
    fx_clear_outbox(&f);
    node_want_tick(n, t0 + resend + 2, &next);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_GET_BLOCK, UINT32_MAX, NULL), 3);
    asked_id(&f.outbox[0], got);
    assert_memory_equal(got, other, 32);
    assert_int_equal(next, t0 + 2 * resend + 2);
    fx_free(&f);
}

static void test_poll_answer_and_complete(void **state)
{
    (void)state;
    const uint32_t sampled[3] = {3, 1, 2};
    uint8_t answered[3] = {0, 0, 0};
    assert_int_equal(node_poll_complete(answered, 3), 0);
    assert_int_equal(node_poll_answer(sampled, answered, 3, 1), LUXC_OK);
    assert_int_equal(answered[0], 0);
    assert_int_equal(answered[1], 1);
    assert_int_equal(answered[2], 0);
    assert_int_equal(node_poll_answer(sampled, answered, 3, 1), LUXC_EDUPLICATE);
    assert_int_equal(node_poll_answer(sampled, answered, 3, 0), LUXC_ENOTMEMBER);
    assert_int_equal(node_poll_answer(sampled, answered, 3, 4), LUXC_ENOTMEMBER);
    assert_int_equal(node_poll_complete(answered, 3), 0);
    assert_int_equal(node_poll_answer(sampled, answered, 3, 3), LUXC_OK);
    assert_int_equal(node_poll_complete(answered, 3), 0);
    assert_int_equal(node_poll_answer(sampled, answered, 3, 2), LUXC_OK);
    assert_int_equal(node_poll_complete(answered, 3), 1);
    assert_int_equal(node_poll_answer(sampled, answered, 3, 2), LUXC_EDUPLICATE);
    /* only the first k entries count */
    uint8_t two[3] = {0, 0, 0};
    assert_int_equal(node_poll_answer(sampled, two, 2, 2), LUXC_ENOTMEMBER);
    assert_int_equal(node_poll_answer(sampled, two, 2, 3), LUXC_OK);
    assert_int_equal(node_poll_answer(sampled, two, 2, 1), LUXC_OK);
    assert_int_equal(node_poll_complete(two, 2), 1);
    assert_int_equal(node_poll_complete(two, 0), 1);
}

static void test_poll_k(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    assert_int_equal(node_poll_k(f.node), 3); /* k */
    fx_free(&f);
    fx_init(&f, 2, "local", 0, 0);
    assert_int_equal(node_poll_k(f.node), 2); /* capped at n */
    fx_free(&f);
}

static void test_poll_wait_bounds(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    luxc_node *n = f.node;
    assert_int_equal(n->cfg.poll_timeout_us, 20000);
    assert_int_equal(n->cfg.round_timeout_us, 200000);
    n->table.rtt_us = 0;
    assert_int_equal(node_poll_wait(n), 20000); /* the floor */
    n->table.rtt_us = 6666;
    assert_int_equal(node_poll_wait(n), 20000); /* 3x = 19998 */
    n->table.rtt_us = 6667;
    assert_int_equal(node_poll_wait(n), 20001);
    n->table.rtt_us = 10000;
    assert_int_equal(node_poll_wait(n), 30000);
    n->table.rtt_us = 33333;
    assert_int_equal(node_poll_wait(n), 99999);
    n->table.rtt_us = 33334;
    assert_int_equal(node_poll_wait(n), 100000); /* half a round */
    n->table.rtt_us = 1000000;
    assert_int_equal(node_poll_wait(n), 100000);
    /* a poll timeout above half a round: the floor wins */
    n->cfg.poll_timeout_us = 150000;
    assert_int_equal(node_poll_wait(n), 150000);
    n->table.rtt_us = 0;
    assert_int_equal(node_poll_wait(n), 150000);
    fx_free(&f);
}

static void test_note_rtt_ewma(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    luxc_node *n = f.node;
    assert_int_equal(n->table.rtt_us, 0);
    node_note_rtt(n, 1000, 9000); /* the first sample is taken as it is */
    assert_int_equal(n->table.rtt_us, 8000);
    node_note_rtt(n, 0, 16000); /* 8000 - 1000 + 2000 */
    assert_int_equal(n->table.rtt_us, 9000);
    node_note_rtt(n, 5000, 5000); /* 9000 - 1125 + 0 */
    assert_int_equal(n->table.rtt_us, 7875);
    node_note_rtt(n, 9000, 1000); /* a clock going back counts as 0 */
    assert_int_equal(n->table.rtt_us, 7875 - 984);
    for (int i = 0; i < 200; i++)
        node_note_rtt(n, 0, 80000);
    assert_int_equal(n->table.rtt_us, 80000); /* the fixed point: s / 8 = 10000 */
    fx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leader_rule),
        cmocka_unit_test(test_send_counters),
        cmocka_unit_test(test_log_by_level),
        cmocka_unit_test(test_note_height),
        cmocka_unit_test(test_proposal_table),
        cmocka_unit_test(test_proposal_refused),
        cmocka_unit_test(test_want_cleared_when_added),
        cmocka_unit_test(test_ask_ring),
        cmocka_unit_test(test_want_reasks),
        cmocka_unit_test(test_poll_answer_and_complete),
        cmocka_unit_test(test_poll_k),
        cmocka_unit_test(test_poll_wait_bounds),
        cmocka_unit_test(test_note_rtt_ewma),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
