/* test_node_sync.c - node_sync.c: a certified block from a peer is checked
 * (child of our tip, certificate of more than 2/3 of the stake, for this
 * very block) before it is committed; our blocks are served to a peer
 * that asks; a peer seen ahead is asked; a restart recovers the tip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "node_fixture.h"

static uint8_t msg[NODE_MSG_MAX];
static uint8_t cert[LUXC_WIRE_CERT_MAX];
static const uint32_t quorum[] = {1, 2, 3};

/* Deliver b with a certificate of validators 1..3 as a SYNC_BLOCK. */
static int sync_block(fx *f, uint32_t from, const fx_block *b, const fx_block *signed_block)
{
    size_t cl = fx_cert(f, signed_block, quorum, 3, cert, sizeof cert);
    size_t len = fx_sync_block_msg(b, cert, cl, msg);
    return fx_deliver(f, from, msg, len);
}

static void test_certified_block_is_committed(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 1, 0);
    fx_block b;
    fx_make_block(&f, &b, 0, NULL, 0, 0, 0);
    assert_int_equal(sync_block(&f, 2, &b, &b), LUXC_OK);
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.height, 1);
    assert_memory_equal(st.last_id, b.id, 32);
    assert_int_equal(st.blocks_synced, 1);
    assert_int_equal(st.blocks_finalized, 1);
    assert_int_equal(f.node->nlat, 0); /* a caught-up block's age is no latency */
    /* the next one, on top */
    fx_advance(&f, &b);
    fx_block b2;
    fx_make_block(&f, &b2, 1, NULL, 0, 0, 0);
    assert_int_equal(sync_block(&f, 2, &b2, &b2), LUXC_OK);
    assert_int_equal(fx_status(&f).height, 2);
    fx_free(&f);
}

static void test_bad_certificates_are_refused(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    fx_block b, other;
    fx_make_block(&f, &b, 0, NULL, 0, 0, 0);
    fx_make_block(&f, &other, 0, NULL, 0, 0, 9);
    /* a certificate for another block of the height */
    assert_int_equal(sync_block(&f, 2, &b, &other), LUXC_EINVAL);
    /* a damaged signature inside the certificate */
    size_t cl = fx_cert(&f, &b, quorum, 3, cert, sizeof cert);
    cert[cl - 10] ^= 1;
    size_t len = fx_sync_block_msg(&b, cert, cl, msg);
    assert_int_equal(fx_deliver(&f, 2, msg, len), LUXC_EAUTH);
    /* a truncated certificate */
    cl = fx_cert(&f, &b, quorum, 3, cert, sizeof cert);
    len = fx_sync_block_msg(&b, cert, cl - 100, msg);
    assert_true(fx_deliver(&f, 2, msg, len) < 0);
    /* a block that is not a child of our tip */
    fx_block orphan = b;
    fx_block genesis = f.tip;
    fx_advance(&f, &other);
    fx_make_block(&f, &orphan, 0, NULL, 0, 0, 0); /* height 2 */
    fx_advance(&f, &genesis);
    orphan.hdr.height = 1;
    assert_int_equal(sync_block(&f, 2, &orphan, &orphan), LUXC_OK); /* height 2: not next, ignored */
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.height, 0);
    assert_int_equal(st.blocks_synced, 0);
    assert_int_equal(st.dropped_msgs, 3);
    /* the good one still goes in */
    assert_int_equal(sync_block(&f, 2, &b, &b), LUXC_OK);
    assert_int_equal(fx_status(&f).height, 1);
    fx_free(&f);
}

static void test_blocks_are_served_to_a_peer_behind(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 1, 0);
    fx_block b1, b2;
    fx_make_block(&f, &b1, 0, NULL, 0, 0, 0);
    assert_int_equal(sync_block(&f, 2, &b1, &b1), LUXC_OK);
    fx_advance(&f, &b1);
    fx_make_block(&f, &b2, 0, NULL, 0, 0, 0);
    assert_int_equal(sync_block(&f, 2, &b2, &b2), LUXC_OK);
    fx_clear_outbox(&f);
    size_t len;
    assert_int_equal(luxc_wire_sync_req(msg, sizeof msg, &len, 1, 64), LUXC_OK);
    assert_int_equal(fx_deliver(&f, 3, msg, len), LUXC_OK);
    const fx_msg *last;
    assert_int_equal(fx_sent(&f, LUXC_WIRE_SYNC_BLOCK, 3, &last), 2);
    luxc_wire_msg m;
    assert_int_equal(luxc_wire_decode(&m, last->data, last->len), LUXC_OK);
    assert_int_equal(m.block_len, b2.len);
    assert_memory_equal(m.block, b2.bytes, b2.len);
    /* beyond our tip, or height 0: nothing */
    fx_clear_outbox(&f);
    assert_int_equal(luxc_wire_sync_req(msg, sizeof msg, &len, 3, 64), LUXC_OK);
    assert_int_equal(fx_deliver(&f, 3, msg, len), LUXC_OK);
    assert_int_equal(luxc_wire_sync_req(msg, sizeof msg, &len, 0, 64), LUXC_OK);
    assert_int_equal(fx_deliver(&f, 3, msg, len), LUXC_OK);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_SYNC_BLOCK, UINT32_MAX, NULL), 0);
    fx_free(&f);
}

static void test_peer_ahead_is_asked(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    fx_block b;
    fx_make_block(&f, &b, 0, NULL, 0, 0, 0);
    assert_int_equal(fx_run_ms(&f, 1), LUXC_OK);
    fx_clear_outbox(&f);
    /* a vote far ahead: 3 is at height 4 at least */
    fx_block far = b;
    far.hdr.height = 5;
    size_t len = fx_vote_msg(&f, 3, &far, msg);
    assert_int_equal(fx_deliver(&f, 3, msg, len), LUXC_OK);
    assert_int_equal(fx_run_ms(&f, 1), LUXC_OK);
    const fx_msg *req;
    assert_int_equal(fx_sent(&f, LUXC_WIRE_SYNC_REQ, UINT32_MAX, &req), 1);
    assert_int_equal(req->to, 3);
    luxc_wire_msg m;
    assert_int_equal(luxc_wire_decode(&m, req->data, req->len), LUXC_OK);
    assert_int_equal(m.height, 1);
    /* asked again after twice the poll timeout, not before */
    fx_clear_outbox(&f);
    assert_int_equal(fx_run_ms(&f, 1), LUXC_OK);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_SYNC_REQ, UINT32_MAX, NULL), 0);
    assert_int_equal(fx_run_ms(&f, 2 * f.node->cfg.poll_timeout_us / 1000), LUXC_OK);
    assert_true(fx_sent(&f, LUXC_WIRE_SYNC_REQ, 3, NULL) >= 1);
    fx_free(&f);
}

/* The peer first seen ahead may be cut off (a partition, a crash): when
 * asking it brings nothing, the next peer known to be ahead is asked, and
 * one never seen ahead is not. The CTest system_netns_faults once found
 * three of four nodes stalled for good: one lagged a height and kept
 * asking the partitioned fourth. */
static void test_silent_peer_is_not_asked_forever(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    fx_block b;
    fx_make_block(&f, &b, 0, NULL, 0, 0, 0);
    assert_int_equal(fx_run_ms(&f, 1), LUXC_OK);
    fx_block far = b;
    far.hdr.height = 5;
    size_t len = fx_vote_msg(&f, 3, &far, msg);
    assert_int_equal(fx_deliver(&f, 3, msg, len), LUXC_OK);
    far.hdr.height = 3;
    len = fx_vote_msg(&f, 1, &far, msg);
    assert_int_equal(fx_deliver(&f, 1, msg, len), LUXC_OK);
    uint64_t wait_ms = 2 * f.node->cfg.poll_timeout_us / 1000 + 1;
    uint32_t asked[4] = {0};
    for (int i = 0; i < 6; i++) {
        fx_clear_outbox(&f);
        assert_int_equal(fx_run_ms(&f, i ? wait_ms : 1), LUXC_OK);
        const fx_msg *req;
        assert_int_equal(fx_sent(&f, LUXC_WIRE_SYNC_REQ, UINT32_MAX, &req), 1);
        asked[req->to]++;
        if (i == 0)
            assert_int_equal(req->to, 3); /* the highest first */
    }
    assert_int_equal(asked[1], 3);
    assert_int_equal(asked[3], 3);
    assert_int_equal(asked[0] + asked[2], 0); /* never seen ahead */
    fx_free(&f);
}

static void test_restart_recovers_the_tip(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 1, 0);
    fx_block b1, b2;
    fx_make_block(&f, &b1, 0, NULL, 0, 0, 0);
    assert_int_equal(sync_block(&f, 2, &b1, &b1), LUXC_OK);
    fx_advance(&f, &b1);
    fx_make_block(&f, &b2, 0, NULL, 0, 0, 0);
    assert_int_equal(sync_block(&f, 2, &b2, &b2), LUXC_OK);
    fx_restart(&f);
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.height, 2);
    assert_memory_equal(st.last_id, b2.id, 32);
    assert_int_equal(st.blocks_finalized, 0); /* counters are per run */
    /* and it goes on from there */
    fx_advance(&f, &b2);
    fx_block b3;
    fx_make_block(&f, &b3, 0, NULL, 0, 0, 0);
    assert_int_equal(sync_block(&f, 2, &b3, &b3), LUXC_OK);
    assert_int_equal(fx_status(&f).height, 3);
    fx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_certified_block_is_committed),
        cmocka_unit_test(test_bad_certificates_are_refused),
        cmocka_unit_test(test_blocks_are_served_to_a_peer_behind),
        cmocka_unit_test(test_peer_ahead_is_asked),
        cmocka_unit_test(test_silent_peer_is_not_asked_forever),
        cmocka_unit_test(test_restart_recovers_the_tip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
