/* test_node_votes.c - node_votes.c: peers' votes verified and counted,
 * the certificate at more than 2/3 of the stake, our one vote per height
 * (persisted before it is sent, resent after a restart, never a second),
 * and votes for the next height kept and replayed once it starts; a
 * slow round's polka relayed once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "node_fixture.h"

static uint8_t msg[NODE_MSG_MAX];

/* Answer every poll the node sends with chits naming id, until it has
 * decided and voted (beta polls in a row). */
static void poll_until_voted(fx *f, const uint8_t id[32])
{
    fx_clear_outbox(f);
    for (int round = 0; round < 20 && !fx_sent(f, LUXC_WIRE_VOTE, UINT32_MAX, NULL); round++) {
        assert_int_equal(fx_run_ms(f, 1), LUXC_OK);
        uint32_t count = f->nout;
        for (uint32_t i = 0; i < count; i++) {
            fx_msg *q = &f->outbox[i];
            luxc_wire_msg m;
            if (q->data[0] != LUXC_WIRE_QUERY || q->len == 0 ||
                luxc_wire_decode(&m, q->data, q->len) != LUXC_OK)
                continue;
            uint8_t out[45];
            size_t len;
            assert_int_equal(luxc_wire_query(out, sizeof out, &len, LUXC_WIRE_CHITS, m.req,
                                             m.height, id),
                             LUXC_OK);
            fx_deliver(f, q->to, out, len);
            q->data[0] = 0; /* answered */
        }
    }
}

static void test_certificate_needs_more_than_two_thirds(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 1, 0);
    fx_block b;
    fx_make_block(&f, &b, 0, NULL, 0, 0, 0);
    fx_propose(&f, &b);
    assert_int_equal(fx_vote(&f, 1, &b), LUXC_OK);
    assert_int_equal(fx_vote(&f, 2, &b), LUXC_OK);
    assert_int_equal(fx_status(&f).height, 0); /* 200 of 400: not > 2/3 */
    assert_int_equal(fx_vote(&f, 3, &b), LUXC_OK);
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.height, 1);
    assert_memory_equal(st.last_id, b.id, 32);
    assert_int_equal(st.blocks_finalized, 1);
    assert_int_equal(f.finals, 1);
    /* the certificate is in the store with the block */
    uint8_t id[32];
    size_t len;
    assert_int_equal(luxc_store_block_get(f.store, 1, id, NULL, msg, sizeof msg, &len), LUXC_OK);
    assert_memory_equal(id, b.id, 32);
    fx_free(&f);
}

static void test_forged_and_foreign_votes_are_dropped(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    fx_block b;
    fx_make_block(&f, &b, 0, NULL, 0, 0, 0);
    fx_propose(&f, &b);
    /* a flipped signature byte */
    size_t len = fx_vote_msg(&f, 1, &b, msg);
    msg[len - 5] ^= 1;
    assert_int_equal(fx_deliver(&f, 1, msg, len), LUXC_EAUTH);
    /* signed by 2 but sent as 3's */
    len = fx_vote_msg(&f, 2, &b, msg);
    assert_int_equal(fx_deliver(&f, 3, msg, len), LUXC_EAUTH);
    /* a vote on another parent */
    fx_block other = b;
    other.hdr.parent[0] ^= 1;
    assert_int_equal(fx_vote(&f, 2, &other), LUXC_EINVAL);
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.dropped_msgs, 3);
    assert_int_equal(st.msgs_in, f.delivered);
    /* none of them counted: two good votes do not make a certificate */
    assert_int_equal(fx_vote(&f, 1, &b), LUXC_OK);
    assert_int_equal(fx_vote(&f, 2, &b), LUXC_OK);
    assert_int_equal(fx_status(&f).height, 0);
    assert_int_equal(fx_vote(&f, 3, &b), LUXC_OK);
    assert_int_equal(fx_status(&f).height, 1);
    fx_free(&f);
}

static void test_resend_is_harmless_and_equivocation_counted(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    fx_block b, twin;
    fx_make_block(&f, &b, 0, NULL, 0, 0, 0);
    fx_make_block(&f, &twin, 0, NULL, 0, 0, 7); /* the leader's second block */
    fx_propose(&f, &b);
    fx_propose(&f, &twin);
    assert_int_equal(fx_vote(&f, 1, &b), LUXC_OK);
    assert_int_equal(fx_vote(&f, 1, &b), LUXC_OK); /* resent */
    assert_int_equal(fx_status(&f).equivocations_seen, 0);
    assert_int_equal(fx_vote(&f, 2, &twin), LUXC_OK);
    assert_int_equal(fx_vote(&f, 2, &b), LUXC_OK); /* 2 signs both */
    assert_int_equal(fx_status(&f).equivocations_seen, 1);
    /* 2's first vote stands: 1 and 3 for b are 200 + 2's twin vote -> none */
    assert_int_equal(fx_vote(&f, 3, &b), LUXC_OK);
    assert_int_equal(fx_status(&f).height, 0);
    fx_free(&f);
}

static void test_certified_block_we_lack_is_fetched(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    fx_block b;
    fx_make_block(&f, &b, 0, NULL, 0, 0, 0);
    for (uint32_t v = 1; v <= 3; v++)
        assert_int_equal(fx_vote(&f, v, &b), LUXC_OK);
    assert_int_equal(fx_status(&f).height, 0);
    fx_clear_outbox(&f);
    assert_int_equal(fx_run_ms(&f, 1), LUXC_OK);
    const fx_msg *ask;
    assert_int_equal(fx_sent(&f, LUXC_WIRE_GET_BLOCK, UINT32_MAX, &ask), 1);
    assert_true(ask->to >= 1 && ask->to <= 3);
    luxc_wire_msg m;
    assert_int_equal(luxc_wire_decode(&m, ask->data, ask->len), LUXC_OK);
    assert_memory_equal(m.id, b.id, 32);
    /* the answer comes from a signer that is not the proposer */
    size_t len = fx_propose_msg(&b, msg);
    assert_int_equal(fx_deliver(&f, 3, msg, len), LUXC_OK);
    assert_int_equal(fx_status(&f).height, 1);
    fx_free(&f);
}

static void test_next_height_votes_replayed_once(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    fx_block b1, b2;
    fx_make_block(&f, &b1, 0, NULL, 0, 0, 0);
    fx_block genesis = f.tip;
    fx_advance(&f, &b1);
    fx_make_block(&f, &b2, 0, NULL, 0, 0, 0);
    fx_advance(&f, &genesis);
    /* 3 is a height ahead of us: its vote for 2 arrives first */
    assert_int_equal(fx_vote(&f, 3, &b2), LUXC_OK);
    fx_propose(&f, &b1);
    for (uint32_t v = 1; v <= 3; v++)
        assert_int_equal(fx_vote(&f, v, &b1), LUXC_OK);
    assert_int_equal(fx_status(&f).height, 1);
    fx_propose(&f, &b2);
    assert_int_equal(fx_vote(&f, 1, &b2), LUXC_OK);
    assert_int_equal(fx_status(&f).height, 1);
    assert_int_equal(fx_vote(&f, 2, &b2), LUXC_OK); /* with 3's kept vote: 300 */
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.height, 2);
    assert_int_equal(st.msgs_in, f.delivered); /* the replay is not a second receipt */
    assert_int_equal(st.dropped_msgs, 0);
    fx_free(&f);
}

static void test_own_vote_durable_and_resent_after_restart(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 1, 0);
    fx_block b;
    fx_make_block(&f, &b, 0, NULL, 0, 0, 0);
    fx_propose(&f, &b);
    poll_until_voted(&f, b.id);
    assert_true(fx_status(&f).polls_run >= 2); /* beta = 2 */
    const fx_msg *v;
    assert_int_equal(fx_sent(&f, LUXC_WIRE_VOTE, UINT32_MAX, &v), 3);
    assert_int_equal(fx_status(&f).votes_sent, 1);
    uint8_t first[NODE_MSG_MAX];
    size_t first_len = v->len;
    memcpy(first, v->data, v->len);
    luxc_wire_msg m;
    assert_int_equal(luxc_wire_decode(&m, first, first_len), LUXC_OK);
    assert_memory_equal(m.vote.block, b.id, 32);
    assert_int_equal(m.vote.phase, LUXC_PREVOTE); /* round 0: snowman's choice */
    /* crash and restart: the same vote goes out again, no second one */
    fx_restart(&f);
    fx_clear_outbox(&f);
    assert_int_equal(fx_run_ms(&f, 1), LUXC_OK);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_VOTE, UINT32_MAX, &v), 3);
    assert_int_equal(v->len, first_len);
    assert_memory_equal(v->data, first, first_len);
    assert_int_equal(fx_status(&f).votes_sent, 0);
    /* and it still prefers the block it voted for */
    uint8_t q[45];
    size_t len;
    assert_int_equal(luxc_wire_query(q, sizeof q, &len, LUXC_WIRE_QUERY, 99, 1, b.id), LUXC_OK);
    fx_clear_outbox(&f);
    assert_int_equal(fx_deliver(&f, 2, q, len), LUXC_OK);
    const fx_msg *chits;
    assert_int_equal(fx_sent(&f, LUXC_WIRE_CHITS, 2, &chits), 1);
    assert_int_equal(luxc_wire_decode(&m, chits->data, chits->len), LUXC_OK);
    assert_memory_equal(m.id, b.id, 32);
    /* two peers' prevotes with ours (restored) are a polka: we precommit;
     * two peers' precommits with ours certify it */
    fx_clear_outbox(&f);
    assert_int_equal(fx_round_vote(&f, 1, LUXC_PREVOTE, 0, &b), LUXC_OK);
    assert_int_equal(fx_round_vote(&f, 2, LUXC_PREVOTE, 0, &b), LUXC_OK);
    const fx_msg *pc;
    assert_int_equal(fx_sent(&f, LUXC_WIRE_VOTE, UINT32_MAX, &pc), 3);
    assert_int_equal(luxc_wire_decode(&m, pc->data, pc->len), LUXC_OK);
    assert_int_equal(m.vote.phase, LUXC_PRECOMMIT);
    assert_memory_equal(m.vote.block, b.id, 32);
    assert_int_equal(fx_vote(&f, 1, &b), LUXC_OK);
    assert_int_equal(fx_vote(&f, 2, &b), LUXC_OK);
    assert_int_equal(fx_status(&f).height, 1);
    fx_free(&f);
}

/* A round that went slow relays its polka once: prevotes of 1, 2, 3 for
 * b (a polka), precommits of 1, 2 (nil) and 3 (b) are more than 2/3 but
 * decide nothing. The POLKA carries b and a proof of the three prevotes.
 * A round that decides relays nothing. */
static void test_slow_round_relays_its_polka_once(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    fx_block b;
    fx_make_block(&f, &b, 0, NULL, 0, 0, 0);
    fx_propose(&f, &b);
    fx_clear_outbox(&f);
    for (uint32_t v = 1; v <= 3; v++)
        assert_int_equal(fx_round_vote(&f, v, LUXC_PREVOTE, 0, &b), LUXC_OK);
    assert_int_equal(fx_round_vote(&f, 1, LUXC_PRECOMMIT, 0, NULL), LUXC_OK);
    assert_int_equal(fx_round_vote(&f, 2, LUXC_PRECOMMIT, 0, NULL), LUXC_OK);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_POLKA, UINT32_MAX, NULL), 0); /* 2 of 4: not yet */
    assert_int_equal(fx_round_vote(&f, 3, LUXC_PRECOMMIT, 0, &b), LUXC_OK);
    const fx_msg *p;
    assert_int_equal(fx_sent(&f, LUXC_WIRE_POLKA, UINT32_MAX, NULL), 3);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_POLKA, 2, &p), 1);
    luxc_wire_msg m;
    assert_int_equal(luxc_wire_decode(&m, p->data, p->len), LUXC_OK);
    assert_int_equal(m.round, 0);
    assert_int_equal(m.block_len, b.len);
    assert_memory_equal(m.block, b.bytes, b.len);
    luxc_cert *c;
    assert_int_equal(luxc_cert_decode_polka(&c, m.cert, m.cert_len, f.node->cfg.members, 4),
                     LUXC_OK);
    assert_memory_equal(luxc_cert_vote(c)->block, b.id, 32);
    assert_int_equal(luxc_cert_vote(c)->phase, LUXC_PREVOTE);
    assert_int_equal(luxc_cert_vote(c)->round, 0);
    assert_true(luxc_cert_num_signers(c) >= 3);
    luxc_cert_free(c);
    /* once: more votes and ticks of that round send no second one */
    fx_clear_outbox(&f);
    assert_int_equal(fx_round_vote(&f, 1, LUXC_PREVOTE, 0, &b), LUXC_OK);
    assert_int_equal(fx_run_ms(&f, 20), LUXC_OK);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_POLKA, UINT32_MAX, NULL), 0);
    fx_free(&f);

    /* the same polka with precommits that decide: nothing relayed */
    fx_init(&f, 4, "local", 0, 0);
    fx_make_block(&f, &b, 0, NULL, 0, 0, 0);
    fx_propose(&f, &b);
    fx_clear_outbox(&f);
    for (uint32_t v = 1; v <= 3; v++)
        assert_int_equal(fx_round_vote(&f, v, LUXC_PREVOTE, 0, &b), LUXC_OK);
    for (uint32_t v = 1; v <= 3; v++)
        assert_int_equal(fx_round_vote(&f, v, LUXC_PRECOMMIT, 0, &b), LUXC_OK);
    assert_int_equal(fx_status(&f).height, 1);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_POLKA, UINT32_MAX, NULL), 0);
    fx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_certificate_needs_more_than_two_thirds),
        cmocka_unit_test(test_forged_and_foreign_votes_are_dropped),
        cmocka_unit_test(test_resend_is_harmless_and_equivocation_counted),
        cmocka_unit_test(test_certified_block_we_lack_is_fetched),
        cmocka_unit_test(test_next_height_votes_replayed_once),
        cmocka_unit_test(test_own_vote_durable_and_resent_after_restart),
        cmocka_unit_test(test_slow_round_relays_its_polka_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
