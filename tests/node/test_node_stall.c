/* test_node_stall.c - the five ways the one-vote-per-height node stalled
 * for good (the issue "Finality that cannot stall"), each replayed
 * deterministically against the node core, which must now get through:
 *
 *  1. split first votes: with 3 equal stakes, our vote for A, one peer's
 *     for A and one for B. Before, each vote was the validator's only one
 *     at the height, kept in its store (votes sub-database, key (1, 0,
 *     voter)): 200 of 300 is not more than 2/3, and nobody could ever vote
 *     again. Now round 1 follows, in which everyone may vote anew.
 *  2. a restart in the middle of a height: the round went back to 0 and
 *     our vote's lock was forgotten. Now round and lock come back from our
 *     vote records, and the valid value is proposed again with its polka.
 *  3. a restart after voting for a block of a round above n: its block
 *     was fed back at round 0 and refused ("voted block not restored").
 *     Now the block comes back from our vote's record whatever its round.
 *  4. a proposal table full after ~3 s of rounds refused every further
 *     block with LUXC_EFULL, even the one a certificate names. Now it
 *     gives up the block farthest from the current round.
 *  5. a model that scores every block negative kept every block out of
 *     the engine: no poll, no vote, ever. Now the score only orders
 *     round 0's snowman; the round rule prevotes the leader's block. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "node_fixture.h"
#include "sim_net.h"
#include "testutil.h"

static const uint8_t nil[32];

/* The last VOTE of `phase` in `round` the node sent since the outbox was
 * cleared, decoded into *m (1), or 0. */
static int sent_vote(const fx *f, luxc_vote_phase phase, uint32_t round, luxc_wire_msg *m)
{
    int found = 0;
    for (uint32_t i = 0; i < f->nout; i++) {
        luxc_wire_msg w;
        if (f->outbox[i].len == 0 || f->outbox[i].data[0] != LUXC_WIRE_VOTE ||
            luxc_wire_decode(&w, f->outbox[i].data, f->outbox[i].len) != LUXC_OK)
            continue;
        if (w.vote.phase == phase && w.vote.round == round) {
            *m = w;
            found = 1;
        }
    }
    return found;
}

static void expect_vote(const fx *f, luxc_vote_phase phase, uint32_t round, const uint8_t id[32])
{
    luxc_wire_msg m;
    if (!sent_vote(f, phase, round, &m)) {
        fprintf(stderr, "no %s of round %u sent\n", phase == LUXC_PREVOTE ? "prevote" : "precommit",
                round);
        fail();
    }
    assert_memory_equal(m.vote.block, id, 32);
}

/* 1. Three validators; the first votes split 2:1 between A and B. */
static void test_split_first_votes_resolve(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 3, "local", 1, 0);
    fx_block a, b;
    fx_make_block(&f, &a, 0, NULL, 0, 0, 0); /* round 0: leader 1 */
    fx_make_block(&f, &b, 1, NULL, 0, 0, 0); /* round 1: leader 2 */
    assert_int_equal(a.hdr.proposer, 1);
    assert_int_equal(b.hdr.proposer, 2);
    assert_int_equal(fx_run_ms(&f, 0), LUXC_OK); /* the first event */
    fx_propose(&f, &a);
    /* our snowman race decides A: our round-0 prevote */
    fx_clear_outbox(&f);
    for (int i = 0; i < 20 && !fx_sent(&f, LUXC_WIRE_VOTE, UINT32_MAX, NULL); i++) {
        assert_int_equal(fx_run_ms(&f, 1), LUXC_OK);
        fx_answer_queries(&f, a.id);
    }
    expect_vote(&f, LUXC_PREVOTE, 0, a.id);
    /* validator 1 votes A, validator 2 (which saw B first) votes B */
    assert_int_equal(fx_round_vote(&f, 1, LUXC_PREVOTE, 0, &a), LUXC_OK);
    assert_int_equal(fx_round_vote(&f, 2, LUXC_PREVOTE, 0, &b), LUXC_OK);
    assert_int_equal(fx_status(&f).height, 0); /* 200 of 300: no polka, no certificate */
    /* every prevote is in: after the prevote timeout, a nil precommit */
    fx_clear_outbox(&f);
    assert_int_equal(fx_run_ms(&f, 100), LUXC_OK);
    expect_vote(&f, LUXC_PRECOMMIT, 0, nil);
    assert_int_equal(fx_round_vote(&f, 1, LUXC_PRECOMMIT, 0, NULL), LUXC_OK);
    assert_int_equal(fx_round_vote(&f, 2, LUXC_PRECOMMIT, 0, NULL), LUXC_OK);
    assert_int_equal(fx_run_ms(&f, 100), LUXC_OK);
    assert_int_equal(fx_status(&f).round, 1);
    /* round 1: B from its leader; nobody is locked, so everyone may vote
     * for it - which the old rule forbade */
    fx_clear_outbox(&f);
    fx_propose(&f, &b);
    expect_vote(&f, LUXC_PREVOTE, 1, b.id);
    assert_int_equal(fx_round_vote(&f, 1, LUXC_PREVOTE, 1, &b), LUXC_OK);
    assert_int_equal(fx_round_vote(&f, 2, LUXC_PREVOTE, 1, &b), LUXC_OK);
    expect_vote(&f, LUXC_PRECOMMIT, 1, b.id); /* a polka with ours */
    assert_int_equal(fx_round_vote(&f, 2, LUXC_PRECOMMIT, 1, &b), LUXC_OK);
    assert_int_equal(fx_status(&f).height, 0);
    assert_int_equal(fx_round_vote(&f, 1, LUXC_PRECOMMIT, 1, &b), LUXC_OK);
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.height, 1);
    assert_memory_equal(st.last_id, b.id, 32);
    /* the certificate holds all three precommits of round 1, ours too */
    size_t len;
    assert_int_equal(luxc_store_cert_get(f.store, 1, NULL, 0, &len), LUXC_ETOOBIG);
    assert_true(len > 3 * LUXC_MLDSA_BYTES);
    fx_free(&f);
}

/* 2. Locked in round 2, then a restart: round and lock come back, and as
 * the leader of round 3 we propose the locked block again with its polka. */
static void test_restart_keeps_round_and_lock(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 1, 0);
    assert_int_equal(fx_run_ms(&f, 0), LUXC_OK);
    fx_skip_to_round(&f, 2, LUXC_PRECOMMIT);
    fx_block a, b;
    fx_make_block(&f, &a, 2, NULL, 0, 0, 0); /* leader of round 2: 3 */
    fx_clear_outbox(&f);
    fx_propose(&f, &a);
    expect_vote(&f, LUXC_PREVOTE, 2, a.id);
    assert_int_equal(fx_round_vote(&f, 1, LUXC_PREVOTE, 2, &a), LUXC_OK);
    assert_int_equal(fx_round_vote(&f, 3, LUXC_PREVOTE, 2, &a), LUXC_OK);
    expect_vote(&f, LUXC_PRECOMMIT, 2, a.id);
    luxc_wire_msg before = {0};
    assert_true(sent_vote(&f, LUXC_PRECOMMIT, 2, &before));
    uint8_t before_msg[LUXC_VOTE_BYTES]; /* the outbox goes with the restart */
    memcpy(before_msg, before.vote_msg, LUXC_VOTE_BYTES);
    /* a crash */
    fx_restart(&f);
    fx_clear_outbox(&f);
    assert_int_equal(fx_run_ms(&f, 1), LUXC_OK);
    assert_int_equal(fx_status(&f).round, 2); /* not 0 */
    const luxc_round_state *st = luxc_rounds_state(f.node->ballot.rule);
    assert_int_equal(st->locked_round, 2);
    assert_memory_equal(st->locked_id, a.id, 32);
    /* it resends the very votes it signed, and signs nothing new */
    luxc_wire_msg again = {0};
    assert_true(sent_vote(&f, LUXC_PRECOMMIT, 2, &again));
    assert_memory_equal(again.vote_msg, before_msg, LUXC_VOTE_BYTES);
    assert_int_equal(fx_status(&f).votes_sent, 0);
    /* peers resend their votes of the height too (as every node does) */
    assert_int_equal(fx_round_vote(&f, 1, LUXC_PREVOTE, 2, &a), LUXC_OK);
    assert_int_equal(fx_round_vote(&f, 3, LUXC_PREVOTE, 2, &a), LUXC_OK);
    /* round 3 is ours: A again, with round 2's polka as its proof */
    assert_int_equal(fx_leader(&f, 3), 0);
    fx_clear_outbox(&f);
    fx_skip_to_round(&f, 3, LUXC_PRECOMMIT);
    assert_int_equal(fx_run_ms(&f, 0), LUXC_OK);
    const fx_msg *p;
    assert_int_equal(fx_sent(&f, LUXC_WIRE_PROPOSAL, 1, &p), 1);
    luxc_wire_msg m;
    assert_int_equal(luxc_wire_decode(&m, p->data, p->len), LUXC_OK);
    assert_int_equal(m.round, 3);
    assert_int_equal(m.valid_round, 2);
    assert_true(m.cert_len > 0);
    luxc_cert *c;
    assert_int_equal(luxc_cert_decode_polka(&c, m.cert, m.cert_len, f.node->cfg.members, 4),
                     LUXC_OK);
    assert_memory_equal(luxc_cert_vote(c)->block, a.id, 32);
    assert_int_equal(luxc_cert_vote(c)->round, 2);
    assert_int_equal(luxc_cert_num_signers(c), 3);
    luxc_cert_free(c);
    uint8_t id[32];
    assert_int_equal(luxc_chain_block_decode(&(luxc_chain_block){0}, id, m.block, m.block_len),
                     LUXC_OK);
    assert_memory_equal(id, a.id, 32);
    /* and a fresh block of another leader gets our nil: the lock holds */
    fx_skip_to_round(&f, 5, LUXC_PRECOMMIT);
    fx_make_block(&f, &b, 5, NULL, 0, 0, 0);
    fx_clear_outbox(&f);
    fx_propose(&f, &b);
    expect_vote(&f, LUXC_PREVOTE, 5, nil);
    fx_free(&f);
}

/* 3. Our prevote for a block of round 9 (> n = 4), then a restart: the
 * block comes back from the vote's record, so its certificate finalizes
 * it without fetching anything. */
static void test_restart_restores_block_of_high_round(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 1, 0);
    assert_int_equal(fx_run_ms(&f, 0), LUXC_OK);
    fx_skip_to_round(&f, 9, LUXC_PREVOTE);
    fx_block x;
    fx_make_block(&f, &x, 9, NULL, 0, 0, 0);
    fx_clear_outbox(&f);
    fx_propose(&f, &x);
    expect_vote(&f, LUXC_PREVOTE, 9, x.id);
    fx_restart(&f);
    assert_non_null(node_proposal_find(f.node, x.id));
    fx_clear_outbox(&f);
    for (uint32_t v = 1; v <= 3; v++)
        assert_int_equal(fx_vote(&f, v, &x), LUXC_OK); /* precommits of round 9 */
    assert_int_equal(fx_status(&f).height, 1);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_GET_BLOCK, UINT32_MAX, NULL), 0);
    fx_free(&f);
}

/* 4. Forty rounds' proposals, then the block a certificate names: it is
 * taken, and final. */
static void test_full_proposal_table_takes_certified_block(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    assert_int_equal(fx_run_ms(&f, 0), LUXC_OK);
    uint32_t delivered = 0;
    for (uint32_t r = 1; r <= 40; r++) {
        if (fx_leader(&f, r) == 0)
            continue;
        fx_block b;
        fx_make_block(&f, &b, r, NULL, 0, 0, 0);
        fx_propose(&f, &b); /* asserts LUXC_OK: never EFULL */
        delivered++;
    }
    assert_true(delivered > NODE_MAX_PROPOSALS);
    fx_block a;
    fx_make_block(&f, &a, 0, NULL, 0, 0, 0);
    fx_propose(&f, &a);
    for (uint32_t v = 1; v <= 3; v++)
        assert_int_equal(fx_vote(&f, v, &a), LUXC_OK);
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.height, 1);
    assert_memory_equal(st.last_id, a.id, 32);
    assert_true(st.proposals_evicted >= delivered + 1 - NODE_MAX_PROPOSALS);
    fx_free(&f);
}

/* 5. Every node's model scores every block -1 (as a failing model does):
 * the network still finalizes. */
static double reject_all(void *ctx, const uint8_t *block, size_t len, uint64_t now_us)
{
    (void)ctx;
    (void)block;
    (void)len;
    (void)now_us;
    return -1.0;
}

static void test_model_rejecting_everything_cannot_stop_liveness(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed();
    luxc_node_model models[4];
    memset(models, 0, sizeof models);
    for (int i = 0; i < 4; i++)
        models[i].score = reject_all;
    sim_net net;
    assert_int_equal(sim_net_init_models(&net, 4, "localbft", NULL, models, seed), 0);
    if (!sim_net_run(&net, 10, 60000))
        LUXC_TEST_FAIL_SEED(seed, "no height 10 in 60 s with every block scored -1");
    assert_int_equal(sim_net_safety_violations(&net), 0);
    sim_net_free(&net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_first_votes_resolve),
        cmocka_unit_test(test_restart_keeps_round_and_lock),
        cmocka_unit_test(test_restart_restores_block_of_high_round),
        cmocka_unit_test(test_full_proposal_table_takes_certified_block),
        cmocka_unit_test(test_model_rejecting_everything_cannot_stop_liveness),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
