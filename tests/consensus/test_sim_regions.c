/* test_sim_regions.c - the rounds model's network (sim_regions.c): a
 * vote is heard in its own region at once and elsewhere after the flush;
 * from GST on the next tick, before it 1 + delay ticks plus 2 per loss;
 * the 2/3 majority, nil, skip (> 1/3 of a later round) and decision
 * answers of the view; a re-proposal carries its polka; certificates
 * travel; a slow round's polka is relayed once, a fast one's never. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "consensus/sim_regions.h"

typedef struct net_fx {
    luxc_sim_cfg cfg;
    sim s;
    luxc_simnet net;
    luxc_sim_result res;
} net_fx;

/* 9 validators in 9 regions (one each), 2 candidates. */
static void fx_init(net_fx *f, uint64_t gst, double loss, uint32_t delay)
{
    memset(f, 0, sizeof *f);
    luxc_sim_defaults(&f->cfg);
    f->cfg.nodes = 9;
    f->cfg.gst = gst;
    f->s.cfg = &f->cfg;
    f->s.n = 9;
    f->s.c = 2;
    f->s.loss = loss;
    f->s.delay = delay;
    luxc_xoshiro_seed(&f->s.x, 42);
    assert_int_equal(luxc_simnet_init(&f->net, &f->s), LUXC_OK);
    assert_int_equal(f->net.regions, 9);
}

static void fx_free(net_fx *f) { luxc_simnet_free(&f->net); }

/* Advance to tick t, delivering what arrives on the way. */
static void run_to(net_fx *f, uint64_t t)
{
    while (f->net.now < t) {
        f->net.now++;
        luxc_simnet_deliver(&f->net);
    }
}

static luxc_round_view view_of(net_fx *f, uint32_t region, luxc_simnet_view *rv)
{
    luxc_round_view v;
    memset(&v, 0, sizeof v);
    luxc_simnet_view_votes(&f->net, region, rv, &v);
    return v;
}

static uint32_t prevotes_heard(const net_fx *f, uint32_t region, uint32_t round, uint32_t value)
{
    return f->net.reg[region].count[luxc_simnet_slot(round, LUXC_PREVOTE) * f->net.values + value];
}

static void test_timely_after_gst(void **state)
{
    (void)state;
    net_fx f;
    fx_init(&f, 0, 0.9, 5); /* GST at 0: loss and delay do not apply */
    assert_int_equal(luxc_simnet_cast(&f.net, 3, LUXC_PREVOTE, 0, 1), LUXC_OK);
    assert_int_equal(prevotes_heard(&f, 3, 0, 1), 1); /* its own region: at once */
    assert_int_equal(prevotes_heard(&f, 4, 0, 1), 0);
    assert_int_equal(luxc_simnet_flush(&f.net, 0, &f.res), LUXC_OK);
    run_to(&f, 1);
    for (uint32_t d = 0; d < 9; d++)
        assert_int_equal(prevotes_heard(&f, d, 0, 1), 1);
    assert_int_equal(f.res.lost, 0);
    fx_free(&f);
}

static void test_loss_and_delay_before_gst(void **state)
{
    (void)state;
    net_fx f;
    fx_init(&f, LUXC_SIM_NO_GST, 0.5, 3);
    assert_int_equal(luxc_simnet_cast(&f.net, 0, LUXC_PREVOTE, 0, 0), LUXC_OK);
    assert_int_equal(luxc_simnet_flush(&f.net, 0, &f.res), LUXC_OK);
    uint64_t last = 0;
    for (uint64_t t = 1; t < 200; t++) {
        run_to(&f, t);
        uint32_t heard = 0;
        for (uint32_t d = 0; d < 9; d++)
            heard += prevotes_heard(&f, d, 0, 0);
        if (heard == 9 && !last)
            last = t;
    }
    /* every region hears it (lost copies are resent), and the latest no
     * sooner than 1 tick and no later than 1 + 3 + 2 * resends */
    assert_true(last >= 1);
    assert_true(last <= 1 + 3 + 2 * f.res.lost);
    assert_true(f.res.lost > 0);
    fx_free(&f);
}

static void test_gst_cuts_what_is_in_flight(void **state)
{
    (void)state;
    net_fx f;
    fx_init(&f, 3, 1.0, 0); /* everything lost until tick 3 */
    assert_int_equal(luxc_simnet_cast(&f.net, 0, LUXC_PREVOTE, 0, 0), LUXC_OK);
    assert_int_equal(luxc_simnet_flush(&f.net, 0, &f.res), LUXC_OK);
    run_to(&f, 3);
    assert_int_equal(prevotes_heard(&f, 5, 0, 0), 0);
    run_to(&f, 4); /* in flight at GST: within a tick of it */
    for (uint32_t d = 0; d < 9; d++)
        assert_int_equal(prevotes_heard(&f, d, 0, 0), 1);
    fx_free(&f);
}

static void test_view_answers(void **state)
{
    (void)state;
    net_fx f;
    fx_init(&f, 0, 0, 0);
    luxc_simnet_view rv;
    luxc_round_view v = view_of(&f, 0, &rv);
    uint8_t id[32];
    uint32_t round;
    /* 6 of 9 prevotes is exactly 2/3: not a majority; 7 is */
    for (uint32_t k = 0; k < 6; k++)
        assert_int_equal(luxc_simnet_cast(&f.net, 0, LUXC_PREVOTE, 2, 1), LUXC_OK);
    assert_false(v.majority(v.votes, LUXC_PREVOTE, 2, id));
    assert_false(v.any_quorum(v.votes, LUXC_PREVOTE, 2));
    assert_true(v.skip_round(v.votes, 1, &round)); /* > 1/3 in round 2 */
    assert_int_equal(round, 2);
    assert_false(v.skip_round(v.votes, 2, &round));
    assert_int_equal(luxc_simnet_cast(&f.net, 0, LUXC_PREVOTE, 2, 2), LUXC_OK); /* nil */
    assert_true(v.any_quorum(v.votes, LUXC_PREVOTE, 2));
    assert_false(v.majority(v.votes, LUXC_PREVOTE, 2, id));
    assert_int_equal(luxc_simnet_cast(&f.net, 0, LUXC_PREVOTE, 2, 1), LUXC_OK);
    assert_true(v.majority(v.votes, LUXC_PREVOTE, 2, id));
    assert_int_equal(luxc_simnet_value(2, id), 1);
    /* nil precommits past 2/3: a majority for nil, no decision */
    for (uint32_t k = 0; k < 7; k++)
        assert_int_equal(luxc_simnet_cast(&f.net, 0, LUXC_PRECOMMIT, 3, 2), LUXC_OK);
    assert_true(v.majority(v.votes, LUXC_PRECOMMIT, 3, id));
    assert_int_equal(luxc_simnet_value(2, id), 2);
    assert_false(v.decided(v.votes, &round, id));
    for (uint32_t k = 0; k < 7; k++)
        assert_int_equal(luxc_simnet_cast(&f.net, 0, LUXC_PRECOMMIT, 4, 0), LUXC_OK);
    assert_true(v.decided(v.votes, &round, id));
    assert_int_equal(round, 4);
    assert_int_equal(luxc_simnet_value(2, id), 0);
    /* past the rounds held: not counted */
    assert_int_equal(luxc_simnet_cast(&f.net, 0, LUXC_PREVOTE, LUXC_SIMNET_ROUNDS, 0), LUXC_OK);
    assert_false(v.any_quorum(v.votes, LUXC_PREVOTE, LUXC_SIMNET_ROUNDS));
    /* ids that name no candidate */
    memset(id, 0, 32);
    id[0] = 3;
    assert_int_equal(luxc_simnet_value(2, id), UINT32_MAX);
    id[0] = 1;
    id[31] = 1;
    assert_int_equal(luxc_simnet_value(2, id), UINT32_MAX);
    fx_free(&f);
}

static void test_reproposal_carries_its_polka(void **state)
{
    (void)state;
    net_fx f;
    fx_init(&f, 0, 0, 0);
    luxc_simnet_event e = {0, 5, 3, 1, LUXC_SIMNET_PROPOSAL}; /* round 5, valid round 3 */
    assert_int_equal(luxc_simnet_broadcast(&f.net, 2, e, &f.res), LUXC_OK);
    run_to(&f, 1);
    luxc_simnet_view rv;
    luxc_round_view v = view_of(&f, 7, &rv);
    uint8_t id[32];
    assert_true(v.majority(v.votes, LUXC_PREVOTE, 3, id));
    assert_int_equal(luxc_simnet_value(2, id), 1);
    assert_int_equal(f.net.reg[7].prop[5], 2);
    assert_int_equal(f.net.reg[7].prop_vr[5], 3);
    /* the first proposal of a round stands (an equivocating leader) */
    e.value = 0;
    assert_int_equal(luxc_simnet_broadcast(&f.net, 2, e, &f.res), LUXC_OK);
    run_to(&f, 2);
    assert_int_equal(f.net.reg[7].prop[5], 2);
    fx_free(&f);
}

static void test_certificates_and_slow_polkas_travel(void **state)
{
    (void)state;
    net_fx f;
    fx_init(&f, 0, 0, 0);
    /* region 0 alone hears a polka for 1 in round 0 (Byzantine votes sent
     * there only), and precommits of 7 of 9 split: a slow round */
    luxc_simnet_event pv = {0, 0, 7, 1, LUXC_PREVOTE};
    luxc_simnet_hear(&f.net, &pv);
    for (uint32_t k = 0; k < 4; k++)
        assert_int_equal(luxc_simnet_cast(&f.net, 0, LUXC_PRECOMMIT, 0, 1), LUXC_OK);
    assert_int_equal(luxc_simnet_flush(&f.net, 0, &f.res), LUXC_OK);
    run_to(&f, 1);
    assert_int_equal(f.net.reg[0].relayed[0], 0); /* 4 precommits: not yet 2/3 */
    for (uint32_t k = 0; k < 3; k++)
        assert_int_equal(luxc_simnet_cast(&f.net, 0, LUXC_PRECOMMIT, 0, 2), LUXC_OK);
    assert_int_equal(luxc_simnet_flush(&f.net, 0, &f.res), LUXC_OK);
    assert_int_equal(f.net.reg[0].relayed[0], 1);
    run_to(&f, 2);
    luxc_simnet_view rv;
    luxc_round_view v = view_of(&f, 8, &rv);
    uint8_t id[32];
    assert_true(v.majority(v.votes, LUXC_PREVOTE, 0, id));
    assert_int_equal(luxc_simnet_value(2, id), 1);
    /* the regions that now hold the polka relay it too, each once only */
    assert_int_equal(luxc_simnet_flush(&f.net, 0, &f.res), LUXC_OK);
    for (uint32_t d = 0; d < 9; d++)
        assert_int_equal(f.net.reg[d].relayed[0], 1);
    size_t before = 0;
    for (uint32_t q = 0; q < LUXC_SIMNET_RING; q++)
        before += f.net.ring[q].len;
    assert_int_equal(luxc_simnet_flush(&f.net, 0, &f.res), LUXC_OK);
    size_t after = 0;
    for (uint32_t q = 0; q < LUXC_SIMNET_RING; q++)
        after += f.net.ring[q].len;
    assert_int_equal(before, after);
    /* a decision in region 4 reaches everyone as a certificate */
    luxc_simnet_event pc = {4, 1, 7, 0, LUXC_PRECOMMIT};
    luxc_simnet_hear(&f.net, &pc);
    assert_int_equal(f.net.reg[4].dec_round, 1);
    assert_int_equal(luxc_simnet_flush(&f.net, 1, &f.res), LUXC_OK);
    run_to(&f, 3);
    uint32_t round;
    for (uint32_t d = 0; d < 9; d++) {
        v = view_of(&f, d, &rv);
        assert_true(v.decided(v.votes, &round, id));
        assert_int_equal(round, 1);
    }
    /* a new height forgets it all */
    luxc_simnet_clear(&f.net);
    v = view_of(&f, 4, &rv);
    assert_false(v.decided(v.votes, &round, id));
    assert_false(v.majority(v.votes, LUXC_PREVOTE, 0, id));
    fx_free(&f);
}

static void test_a_fast_round_relays_nothing(void **state)
{
    (void)state;
    net_fx f;
    fx_init(&f, 0, 0, 0);
    for (uint32_t k = 0; k < 7; k++)
        assert_int_equal(luxc_simnet_cast(&f.net, 0, LUXC_PREVOTE, 0, 1), LUXC_OK);
    for (uint32_t k = 0; k < 7; k++)
        assert_int_equal(luxc_simnet_cast(&f.net, 0, LUXC_PRECOMMIT, 0, 1), LUXC_OK);
    assert_int_equal(luxc_simnet_flush(&f.net, 0, &f.res), LUXC_OK);
    assert_int_equal(f.net.reg[0].relayed[0], 0); /* decided: no polka to relay */
    fx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timely_after_gst),
        cmocka_unit_test(test_loss_and_delay_before_gst),
        cmocka_unit_test(test_gst_cuts_what_is_in_flight),
        cmocka_unit_test(test_view_answers),
        cmocka_unit_test(test_reproposal_carries_its_polka),
        cmocka_unit_test(test_certificates_and_slow_polkas_travel),
        cmocka_unit_test(test_a_fast_round_relays_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
