/* test_rounds.c - the round rule (Algorithm 1 of Buchman-Kwon-Milosevic,
 * round 0 from snowman): each upon-rule fires under its condition and only
 * then, the lock (a locked validator prevotes nil on another fresh block,
 * unlocks only on a polka at or above its lock), the leader re-proposes its
 * valid value, timeouts grow by round, f+1 of a higher round moves us
 * there, a decision in any round, restore, and seeded runs of four rule
 * instances (one of them a Byzantine equivocator) under random delay and
 * loss before GST that must never decide two blocks and must all decide
 * within 5 rounds of GST. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "luxc/consensus.h"
#include "testutil.h"

#define MAXR 64

/* What one validator has seen, scripted by the test. */
typedef struct scene {
    uint32_t self, n;
    luxc_heightvotes *hv;
    int has_prop[MAXR];
    uint8_t prop[MAXR];   /* block byte of round r's proposal */
    uint32_t prop_vr[MAXR];
    uint8_t choice;       /* 0: snowman has not decided */
    uint8_t invalid;      /* a block byte that fails the checks */
    luxc_round_view view;
} scene;

static void id_of(uint8_t id[32], uint8_t b) { memset(id, b, 32); }

static int sc_leads(void *ctx, uint32_t round)
{
    scene *s = ctx;
    return round % s->n == s->self;
}

static int sc_proposal(void *ctx, uint32_t round, uint8_t id[32], uint32_t *vr)
{
    scene *s = ctx;
    if (round >= MAXR || !s->has_prop[round])
        return 0;
    id_of(id, s->prop[round]);
    *vr = s->prop_vr[round];
    return 1;
}

static int sc_valid(void *ctx, const uint8_t id[32])
{
    scene *s = ctx;
    return id[0] != 0 && id[0] != s->invalid;
}

static int sc_choice(void *ctx, uint8_t id[32])
{
    scene *s = ctx;
    if (!s->choice)
        return 0;
    id_of(id, s->choice);
    return 1;
}

static void scene_init(scene *s, uint32_t self)
{
    static const uint64_t st[4] = {1, 1, 1, 1};
    memset(s, 0, sizeof *s);
    s->self = self;
    s->n = 4;
    assert_int_equal(luxc_heightvotes_new(&s->hv, 4, st, 16), LUXC_OK);
    s->view.ctx = s;
    s->view.leads = sc_leads;
    s->view.proposal = sc_proposal;
    s->view.valid = sc_valid;
    s->view.choice = sc_choice;
    luxc_round_view_votes(&s->view, s->hv);
}

static void propose(scene *s, uint32_t round, uint8_t b, uint32_t vr)
{
    s->has_prop[round] = 1;
    s->prop[round] = b;
    s->prop_vr[round] = vr;
}

/* validator i's vote; b = 0 is nil */
static void vote(scene *s, uint32_t i, luxc_vote_phase ph, uint32_t round, uint8_t b)
{
    luxc_vote v;
    memset(&v, 0, sizeof v);
    v.height = 1;
    v.round = round;
    id_of(v.block, b);
    v.accept = b != 0;
    v.phase = (uint8_t)ph;
    uint8_t m[LUXC_VOTE_BYTES];
    assert_int_equal(luxc_vote_encode(m, &v), LUXC_OK);
    int rc = luxc_heightvotes_add(s->hv, i, m, NULL, 0);
    assert_true(rc == LUXC_OK || rc == LUXC_EEXIST);
}

static const luxc_rounds_cfg CFG = {.propose_us = 1000, .prevote_us = 500,
                                    .precommit_us = 500, .step_up_us = 100};

static luxc_rounds *rule(void)
{
    luxc_rounds *r;
    assert_int_equal(luxc_rounds_new(&r, &CFG), LUXC_OK);
    luxc_rounds_start(r, 0);
    return r;
}

/* Step until nothing more: the actions, in order, into acts. */
static int run(luxc_rounds *r, scene *s, uint64_t now, luxc_round_action *acts, int max)
{
    int k = 0;
    while (k < max && luxc_rounds_step(r, &s->view, now, &acts[k], NULL))
        k++;
    assert_true(k < max);
    return k;
}

/* The next action is of this kind, round and block byte (0 = nil/none). */
static void expect1(luxc_rounds *r, scene *s, uint64_t now, luxc_round_act kind, uint32_t round,
                    uint8_t b)
{
    luxc_round_action a;
    int k = luxc_rounds_step(r, &s->view, now, &a, NULL);
    if (!k || a.act != kind || a.round != round || a.id[0] != b) {
        fprintf(stderr, "got %s act %d round %u id %02x; want act %d round %u id %02x\n",
                k ? "" : "nothing, last", (int)a.act, a.round, a.id[0], (int)kind, round, b);
        fail();
    }
}

/* Nothing is due. */
static void expect_none(luxc_rounds *r, scene *s, uint64_t now)
{
    luxc_round_action a;
    memset(&a, 0, sizeof a);
    if (luxc_rounds_step(r, &s->view, now, &a, NULL)) {
        fprintf(stderr, "unexpected act %d round %u id %02x\n", (int)a.act, a.round, a.id[0]);
        fail();
    }
}

static void test_config(void **state)
{
    (void)state;
    luxc_rounds *r = (luxc_rounds *)1;
    luxc_rounds_cfg c = CFG;
    c.prevote_us = 0;
    assert_int_equal(luxc_rounds_new(&r, &c), LUXC_EINVAL);
    assert_null(r);
    assert_int_equal(luxc_rounds_new(&r, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_rounds_new(NULL, &CFG), LUXC_EINVAL);
    r = rule();
    assert_int_equal(luxc_rounds_timeout(r, LUXC_STEP_PROPOSE, 0), 1000);
    assert_int_equal(luxc_rounds_timeout(r, LUXC_STEP_PREVOTE, 3), 800);
    assert_int_equal(luxc_rounds_timeout(r, LUXC_STEP_PRECOMMIT, UINT32_MAX),
                     500 + (uint64_t)UINT32_MAX * 100);
    c = CFG;
    c.step_up_us = UINT64_MAX / 2;
    luxc_rounds *big;
    assert_int_equal(luxc_rounds_new(&big, &c), LUXC_OK);
    assert_int_equal(luxc_rounds_timeout(big, LUXC_STEP_PROPOSE, 1000), UINT64_MAX); /* saturates */
    luxc_rounds_free(big);
    const luxc_round_state *st = luxc_rounds_state(r);
    assert_int_equal(st->round, 0);
    assert_int_equal(st->locked_round, LUXC_NO_ROUND);
    assert_int_equal(st->valid_round, LUXC_NO_ROUND);
    luxc_rounds_free(r);
    luxc_rounds_free(NULL);
}

/* Round 0: snowman's choice is prevoted; a polka locks and precommits; the
 * certificate decides. */
static void test_round0_fast_path(void **state)
{
    (void)state;
    scene s;
    scene_init(&s, 1); /* validator 1 does not lead round 0 */
    luxc_rounds *r = rule();
    propose(&s, 0, 0xaa, LUXC_NO_ROUND);
    expect_none(r, &s, 10); /* waits for snowman, not the leader */
    s.choice = 0xaa;
    expect1(r, &s, 20, LUXC_ACT_PREVOTE, 0, 0xaa);
    for (uint32_t i = 0; i < 2; i++)
        vote(&s, i, LUXC_PREVOTE, 0, 0xaa);
    expect_none(r, &s, 30); /* two of four: no polka */
    vote(&s, 2, LUXC_PREVOTE, 0, 0xaa);
    expect1(r, &s, 40, LUXC_ACT_PRECOMMIT, 0, 0xaa);
    const luxc_round_state *st = luxc_rounds_state(r);
    assert_int_equal(st->locked_round, 0);
    assert_int_equal(st->locked_id[0], 0xaa);
    assert_int_equal(st->valid_round, 0);
    for (uint32_t i = 0; i < 3; i++)
        vote(&s, i, LUXC_PRECOMMIT, 0, 0xaa);
    expect1(r, &s, 50, LUXC_ACT_DECIDE, 0, 0xaa);
    expect_none(r, &s, 60); /* done until the next height */
    luxc_rounds_free(r);
    luxc_heightvotes_free(s.hv);
}

/* Round 0 without a snowman decision: at the propose timeout the leader's
 * block is prevoted, or nil without one; an invalid block gets nil. */
static void test_round0_fallbacks(void **state)
{
    (void)state;
    for (int variant = 0; variant < 3; variant++) {
        scene s;
        scene_init(&s, 2);
        luxc_rounds *r = rule();
        if (variant == 0)
            propose(&s, 0, 0xaa, LUXC_NO_ROUND);
        if (variant == 2) {
            propose(&s, 0, 0xbb, LUXC_NO_ROUND);
            s.invalid = 0xbb;
        }
        expect_none(r, &s, 999);
        uint64_t wake;
        luxc_round_action a;
        assert_int_equal(luxc_rounds_step(r, &s.view, 999, &a, &wake), 0);
        assert_int_equal(wake, 1000);
        expect1(r, &s, 1000, LUXC_ACT_PREVOTE, 0, variant == 0 ? 0xaa : 0);
        luxc_rounds_free(r);
        luxc_heightvotes_free(s.hv);
    }
}

/* The leader proposes once per round: a new block, or its valid value
 * with the round of its polka. */
static void test_leader_proposes(void **state)
{
    (void)state;
    scene s;
    scene_init(&s, 0); /* leads rounds 0, 4, 8 ... */
    luxc_rounds *r = rule();
    luxc_round_action a[8];
    int k = run(r, &s, 0, a, 8);
    assert_int_equal(k, 1);
    assert_int_equal(a[0].act, LUXC_ACT_PROPOSE);
    assert_int_equal(a[0].valid_round, LUXC_NO_ROUND);
    assert_true(luxc_rounds_state(r)->proposed);
    expect_none(r, &s, 1); /* not twice */
    /* round 2: a polka for 0xcc makes it the valid value */
    for (uint32_t i = 1; i < 4; i++)
        vote(&s, i, LUXC_PREVOTE, 2, 0xcc);
    expect1(r, &s, 2, LUXC_ACT_ROUND, 2, 0); /* f+1 from round 2 */
    propose(&s, 2, 0xcc, LUXC_NO_ROUND);
    expect1(r, &s, 3, LUXC_ACT_PREVOTE, 2, 0xcc);
    expect1(r, &s, 4, LUXC_ACT_PRECOMMIT, 2, 0xcc);
    /* round 4 (ours): the valid value again, with its round */
    for (uint32_t i = 1; i < 3; i++)
        vote(&s, i, LUXC_PREVOTE, 4, 0);
    k = run(r, &s, 5, a, 8);
    assert_true(k >= 2);
    assert_int_equal(a[0].act, LUXC_ACT_ROUND);
    assert_int_equal(a[1].act, LUXC_ACT_PROPOSE);
    assert_int_equal(a[1].round, 4);
    assert_int_equal(a[1].valid_round, 2);
    assert_int_equal(a[1].id[0], 0xcc);
    luxc_rounds_free(r);
    luxc_heightvotes_free(s.hv);
}

/* The lock: locked on A in round 1, a fresh B later gets nil; A again gets
 * A; a re-proposal of B with a polka at or above the lock unlocks, one
 * below it does not. */
static void test_lock_rule(void **state)
{
    (void)state;
    scene s;
    scene_init(&s, 3);
    luxc_rounds *r = rule();
    /* round 1: polka for A (0xaa) -> locked */
    for (uint32_t i = 0; i < 2; i++)
        vote(&s, i, LUXC_PREVOTE, 1, 0xaa);
    expect1(r, &s, 0, LUXC_ACT_ROUND, 1, 0);
    propose(&s, 1, 0xaa, LUXC_NO_ROUND);
    expect1(r, &s, 1, LUXC_ACT_PREVOTE, 1, 0xaa);
    vote(&s, 3, LUXC_PREVOTE, 1, 0xaa);
    expect1(r, &s, 2, LUXC_ACT_PRECOMMIT, 1, 0xaa);
    assert_int_equal(luxc_rounds_state(r)->locked_round, 1);
    /* round 2: a fresh B -> nil */
    vote(&s, 0, LUXC_PREVOTE, 2, 0);
    vote(&s, 1, LUXC_PREVOTE, 2, 0);
    expect1(r, &s, 3, LUXC_ACT_ROUND, 2, 0);
    propose(&s, 2, 0xbb, LUXC_NO_ROUND);
    expect1(r, &s, 4, LUXC_ACT_PREVOTE, 2, 0);
    /* round 3 is ours: we propose our valid value A with its round; A
     * re-proposed with the polka of round 1 -> A */
    vote(&s, 0, LUXC_PREVOTE, 3, 0);
    vote(&s, 1, LUXC_PREVOTE, 3, 0);
    expect1(r, &s, 5, LUXC_ACT_ROUND, 3, 0);
    luxc_round_action pa;
    assert_int_equal(luxc_rounds_step(r, &s.view, 5, &pa, NULL), 1);
    assert_int_equal(pa.act, LUXC_ACT_PROPOSE);
    assert_int_equal(pa.id[0], 0xaa);
    assert_int_equal(pa.valid_round, 1);
    propose(&s, 3, 0xaa, 1);
    expect1(r, &s, 6, LUXC_ACT_PREVOTE, 3, 0xaa);
    /* round 4: B re-proposed with vr = 0 where B had a polka: below the
     * lock (1) -> nil */
    for (uint32_t i = 0; i < 3; i++)
        vote(&s, i, LUXC_PREVOTE, 0, 0xbb);
    vote(&s, 0, LUXC_PREVOTE, 4, 0);
    vote(&s, 1, LUXC_PREVOTE, 4, 0);
    expect1(r, &s, 7, LUXC_ACT_ROUND, 4, 0);
    propose(&s, 4, 0xbb, 0);
    expect1(r, &s, 8, LUXC_ACT_PREVOTE, 4, 0);
    /* round 6: B re-proposed with vr = 5, a polka above the lock ->
     * prevote B (the lock gives way) */
    for (uint32_t i = 0; i < 3; i++)
        vote(&s, i, LUXC_PREVOTE, 5, 0xbb);
    vote(&s, 0, LUXC_PREVOTE, 6, 0);
    vote(&s, 1, LUXC_PREVOTE, 6, 0);
    expect1(r, &s, 9, LUXC_ACT_ROUND, 6, 0);
    propose(&s, 6, 0xbb, 5);
    expect1(r, &s, 10, LUXC_ACT_PREVOTE, 6, 0xbb);
    /* a re-proposal whose polka we have not seen waits for it, then the
     * propose timeout gives nil */
    vote(&s, 0, LUXC_PREVOTE, 8, 0);
    vote(&s, 1, LUXC_PREVOTE, 8, 0);
    expect1(r, &s, 11, LUXC_ACT_ROUND, 8, 0);
    propose(&s, 8, 0xdd, 7);
    expect_none(r, &s, 12);
    expect1(r, &s, 11 + luxc_rounds_timeout(r, LUXC_STEP_PROPOSE, 8), LUXC_ACT_PREVOTE, 8, 0);
    luxc_rounds_free(r);
    luxc_heightvotes_free(s.hv);
}

/* Nil: a polka for nil precommits nil; 2f+1 mixed prevotes start the
 * prevote timer, whose end precommits nil; 2f+1 mixed precommits start
 * the precommit timer, whose end is the next round, with longer timers. */
static void test_nil_and_timers(void **state)
{
    (void)state;
    scene s;
    scene_init(&s, 3); /* leads round 3 only */
    luxc_rounds *r = rule();
    s.choice = 0xaa;
    expect1(r, &s, 0, LUXC_ACT_PREVOTE, 0, 0xaa);
    vote(&s, 0, LUXC_PREVOTE, 0, 0xbb);
    vote(&s, 2, LUXC_PREVOTE, 0, 0);
    expect_none(r, &s, 100); /* 2 of 4 */
    vote(&s, 1, LUXC_PREVOTE, 0, 0xaa);
    expect_none(r, &s, 200); /* 2f+1 of any kind: timer from 200 */
    expect_none(r, &s, 699);
    expect1(r, &s, 700, LUXC_ACT_PRECOMMIT, 0, 0);
    vote(&s, 0, LUXC_PRECOMMIT, 0, 0xbb);
    vote(&s, 1, LUXC_PRECOMMIT, 0, 0);
    vote(&s, 2, LUXC_PRECOMMIT, 0, 0);
    expect_none(r, &s, 800); /* timer from 800 */
    uint64_t wake;
    luxc_round_action a;
    assert_int_equal(luxc_rounds_step(r, &s.view, 1299, &a, &wake), 0);
    assert_int_equal(wake, 1300);
    expect1(r, &s, 1300, LUXC_ACT_ROUND, 1, 0);
    /* round 1: a polka for nil -> precommit nil */
    propose(&s, 1, 0xcc, LUXC_NO_ROUND);
    expect1(r, &s, 1301, LUXC_ACT_PREVOTE, 1, 0xcc);
    for (uint32_t i = 0; i < 3; i++)
        vote(&s, i, LUXC_PREVOTE, 1, 0);
    expect1(r, &s, 1302, LUXC_ACT_PRECOMMIT, 1, 0);
    /* round 1's timers are longer */
    for (uint32_t i = 0; i < 3; i++)
        vote(&s, i, LUXC_PRECOMMIT, 1, 0);
    expect_none(r, &s, 1303);
    expect_none(r, &s, 1303 + 599);
    expect1(r, &s, 1303 + 600, LUXC_ACT_ROUND, 2, 0);
    luxc_rounds_free(r);
    luxc_heightvotes_free(s.hv);
}

/* Whatever our round, a certificate of any round decides, once the block
 * is held and valid. */
static void test_decide_any_round(void **state)
{
    (void)state;
    scene s;
    scene_init(&s, 2);
    luxc_rounds *r = rule();
    s.invalid = 0xee; /* not held yet */
    for (uint32_t i = 0; i < 3; i++)
        vote(&s, i == 1 ? 3 : i, LUXC_PRECOMMIT, 9, 0xee);
    luxc_round_action a[8];
    int k = run(r, &s, 5, a, 8);
    assert_int_equal(k, 1);
    assert_int_equal(a[0].act, LUXC_ACT_ROUND); /* f+1 from round 9 */
    assert_int_equal(a[0].round, 9);
    s.invalid = 0;
    expect1(r, &s, 6, LUXC_ACT_DECIDE, 9, 0xee);
    luxc_rounds_free(r);
    luxc_heightvotes_free(s.hv);
}

static void test_restore(void **state)
{
    (void)state;
    scene s;
    scene_init(&s, 1);
    luxc_rounds *r = rule();
    luxc_round_state st;
    memset(&st, 0, sizeof st);
    st.round = 5;
    st.step = LUXC_STEP_PREVOTE;
    st.locked_round = 3;
    id_of(st.locked_id, 0xaa);
    st.valid_round = 3;
    id_of(st.valid_id, 0xaa);
    assert_int_equal(luxc_rounds_restore(r, &st, 1000), LUXC_OK);
    assert_memory_equal(luxc_rounds_state(r), &st, sizeof st);
    expect_none(r, &s, 1001); /* prevoted already: nothing is signed twice */
    /* the lock holds after the restart: round 6's fresh B gets nil */
    vote(&s, 0, LUXC_PREVOTE, 6, 0);
    vote(&s, 2, LUXC_PREVOTE, 6, 0);
    expect1(r, &s, 1002, LUXC_ACT_ROUND, 6, 0);
    propose(&s, 6, 0xbb, LUXC_NO_ROUND);
    expect1(r, &s, 1003, LUXC_ACT_PREVOTE, 6, 0);
    st.step = 3;
    assert_int_equal(luxc_rounds_restore(r, &st, 0), LUXC_EINVAL);
    st.step = LUXC_STEP_PREVOTE;
    st.locked_round = 6;
    assert_int_equal(luxc_rounds_restore(r, &st, 0), LUXC_EINVAL);
    st.locked_round = LUXC_NO_ROUND;
    st.valid_round = 9;
    assert_int_equal(luxc_rounds_restore(r, &st, 0), LUXC_EINVAL);
    assert_int_equal(luxc_rounds_restore(NULL, &st, 0), LUXC_EINVAL);
    luxc_rounds_free(r);
    luxc_heightvotes_free(s.hv);
}

/* ---- four rule instances, one Byzantine, random delivery ---------------
 * Validators 0..2 run the rule; 3 is Byzantine: it votes for both blocks in
 * every phase, to whoever it likes. Before "GST" each message is delayed at
 * random and a third of them are lost; their senders resend their votes
 * every round (as the node does). After GST every message arrives in one
 * tick. Round leaders propose A or B (the Byzantine leader sends each half
 * a different one). Safety: no two honest validators decide differently;
 * liveness: all decide within a bounded number of rounds after GST. */
#define H 3
typedef struct pending {
    uint64_t at;
    uint32_t to, from;
    int is_vote;
    luxc_vote_phase ph;
    uint32_t round;
    uint8_t b, vr;
} pending;

typedef struct world {
    scene sc[H];
    luxc_rounds *r[H];
    pending q[20000];
    uint32_t nq;
    uint64_t rng;
    uint64_t now, gst;
    int decided[H];
    uint8_t decision[H];
    uint32_t decided_round[H];
    uint8_t voted[H][2][MAXR]; /* block byte + 1 of our vote per phase, round */
} world;

static void send(world *w, uint32_t to, uint32_t from, int is_vote, luxc_vote_phase ph,
                 uint32_t round, uint8_t b, uint32_t vr)
{
    uint64_t delay = 1;
    if (w->now < w->gst) {
        if (luxc_test_rand(&w->rng) % 3 == 0)
            return; /* lost */
        delay = 1 + luxc_test_rand(&w->rng) % 4000;
    }
    if (w->nq == sizeof w->q / sizeof w->q[0])
        return;
    pending *p = &w->q[w->nq++];
    p->at = w->now + delay;
    p->to = to;
    p->from = from;
    p->is_vote = is_vote;
    p->ph = ph;
    p->round = round;
    p->b = b;
    p->vr = (uint8_t)(vr == LUXC_NO_ROUND ? 0xff : vr);
}

static const uint8_t *id32(uint8_t b)
{
    static uint8_t id[32];
    id_of(id, b);
    return id;
}

static void deliver(world *w, const pending *p)
{
    scene *s = &w->sc[p->to];
    if (p->is_vote == 2) { /* a certificate, verified whole */
        assert_int_equal(luxc_heightvotes_add_proven(s->hv, LUXC_PRECOMMIT, p->round, id32(p->b)),
                         LUXC_OK);
        return;
    }
    if (!p->is_vote) {
        if (p->round < MAXR && !s->has_prop[p->round])
            propose(s, p->round, p->b, p->vr == 0xff ? LUXC_NO_ROUND : p->vr);
        if (p->vr != 0xff) /* a re-proposal carries its polka */
            assert_int_equal(luxc_heightvotes_add_proven(s->hv, LUXC_PREVOTE, p->vr, id32(p->b)),
                             LUXC_OK);
        return;
    }
    luxc_vote v;
    memset(&v, 0, sizeof v);
    v.height = 1;
    v.round = p->round;
    id_of(v.block, p->b);
    v.accept = p->b != 0;
    v.phase = (uint8_t)p->ph;
    uint8_t m[LUXC_VOTE_BYTES];
    assert_int_equal(luxc_vote_encode(m, &v), LUXC_OK);
    int rc = luxc_heightvotes_add(s->hv, p->from, m, NULL, 0);
    assert_true(rc == LUXC_OK || rc == LUXC_EEXIST || rc == LUXC_EFULL || rc == LUXC_EDUPLICATE);
}

static void honest_act(world *w, uint32_t i, const luxc_round_action *a)
{
    if (a->act == LUXC_ACT_PROPOSE) {
        uint8_t b = a->valid_round != LUXC_NO_ROUND ? a->id[0] : (uint8_t)(0xa0 + a->round % 2);
        for (uint32_t to = 0; to < H; to++)
            send(w, to, i, 0, LUXC_PREVOTE, a->round, b, a->valid_round);
    } else if (a->act == LUXC_ACT_PREVOTE || a->act == LUXC_ACT_PRECOMMIT) {
        luxc_vote_phase ph = a->act == LUXC_ACT_PREVOTE ? LUXC_PREVOTE : LUXC_PRECOMMIT;
        if (a->round < MAXR) {
            if (w->voted[i][ph][a->round])
                LUXC_TEST_FAIL_SEED(0, "validator %u voted twice in round %u", i, a->round);
            w->voted[i][ph][a->round] = (uint8_t)(a->id[0] + 1);
        }
        for (uint32_t to = 0; to < H; to++)
            send(w, to, i, 1, ph, a->round, a->id[0], 0);
    } else if (a->act == LUXC_ACT_ROUND) {
        luxc_heightvotes_set_round(w->sc[i].hv, a->round);
    } else if (a->act == LUXC_ACT_DECIDE) {
        w->decided[i] = 1;
        w->decision[i] = a->id[0];
        w->decided_round[i] = a->round;
    }
}

static void byzantine(world *w, uint32_t round)
{
    for (uint32_t to = 0; to < H; to++) {
        uint8_t b = (uint8_t)(0xa0 + (to + round) % 2);
        send(w, to, 3, 1, LUXC_PREVOTE, round, b, 0);
        send(w, to, 3, 1, LUXC_PRECOMMIT, round, b, 0);
        if (round % 4 == 3) /* its own round: a different block to each */
            send(w, to, 3, 0, LUXC_PREVOTE, round, b, LUXC_NO_ROUND);
    }
}

/* Honest validators resend every vote of theirs at this height every
 * RESEND ticks (the node resends its votes until the height is final), so
 * after GST every honest vote arrives, as Algorithm 1's gossip assumes. */
#define RESEND 500
#define BYZ_EVERY 300

static void resend(world *w, uint32_t i)
{
    for (int ph = 0; ph < 2; ph++)
        for (uint32_t r = 0; r < MAXR; r++)
            if (w->voted[i][ph][r])
                for (uint32_t to = 0; to < H; to++)
                    send(w, to, i, 1, (luxc_vote_phase)ph, r, (uint8_t)(w->voted[i][ph][r] - 1),
                         0);
}

/* A decided validator also sends the certificate it decided with, as
 * catch-up does with a block's certificate. */
static void relay_certificate(world *w, uint32_t i)
{
    for (uint32_t to = 0; to < H; to++)
        send(w, to, i, 2, LUXC_PRECOMMIT, w->decided_round[i], w->decision[i], 0);
}

static uint32_t max_round(const world *w)
{
    uint32_t m = 0;
    for (uint32_t i = 0; i < H; i++) {
        uint32_t r = luxc_rounds_state(w->r[i])->round;
        m = r > m ? r : m;
    }
    return m;
}

static void test_random_schedules(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed();
    uint32_t worst = 0;
    for (int run_i = 0; run_i < 200; run_i++) {
        world *w = calloc(1, sizeof *w);
        assert_non_null(w);
        w->rng = seed * 1000003u + (uint64_t)run_i;
        w->gst = 2000 + luxc_test_rand(&w->rng) % 20000;
        for (uint32_t i = 0; i < H; i++) {
            scene_init(&w->sc[i], i);
            w->sc[i].choice = (uint8_t)(0xa0 + luxc_test_rand(&w->rng) % 2); /* snowman split */
            w->r[i] = rule();
        }
        uint32_t round_at_gst = UINT32_MAX, last_round = 0;
        int all = 0;
        while (!all && w->now < w->gst + 1000000) {
            for (uint32_t k = 0; k < w->nq;) { /* deliver what is due */
                if (w->q[k].at <= w->now) {
                    pending p = w->q[k];
                    w->q[k] = w->q[--w->nq];
                    deliver(w, &p);
                } else {
                    k++;
                }
            }
            uint64_t next = (w->now / RESEND + 1) * RESEND;
            uint64_t byz = (w->now / BYZ_EVERY + 1) * BYZ_EVERY;
            next = byz < next ? byz : next;
            all = 1;
            for (uint32_t i = 0; i < H; i++) {
                luxc_round_action a;
                uint64_t wake = UINT64_MAX;
                while (!w->decided[i] &&
                       luxc_rounds_step(w->r[i], &w->sc[i].view, w->now, &a, &wake))
                    honest_act(w, i, &a);
                next = wake > w->now && wake < next ? wake : next;
                all &= w->decided[i];
                if (w->now % RESEND == 0) {
                    resend(w, i);
                    if (w->decided[i])
                        relay_certificate(w, i);
                }
            }
            if (w->now % BYZ_EVERY == 0)
                byzantine(w, max_round(w));
            if (w->now >= w->gst && round_at_gst == UINT32_MAX)
                round_at_gst = max_round(w);
            last_round = max_round(w);
            for (uint32_t k = 0; k < w->nq; k++)
                next = w->q[k].at < next ? w->q[k].at : next;
            w->now = next > w->now ? next : w->now + 1;
        }
        for (uint32_t i = 0; i < H && getenv("ROUNDS_DEBUG"); i++) {
            const luxc_round_state *st = luxc_rounds_state(w->r[i]);
            fprintf(stderr, "v%u decided=%d b=%02x r=%u | round %u step %u locked %u valid %u now %llu\n", i,
                    w->decided[i], w->decision[i], w->decided_round[i], st->round, st->step,
                    st->locked_round, st->valid_round, (unsigned long long)w->now);
        }
        for (uint32_t i = 0; i < H; i++) {
            if (!w->decided[i])
                LUXC_TEST_FAIL_SEED(seed, "run %d: validator %u did not decide (gst %llu, round %u)",
                                    run_i, i, (unsigned long long)w->gst, last_round);
            if (w->decision[i] != w->decision[0])
                LUXC_TEST_FAIL_SEED(seed, "run %d: validators 0 and %u decided %02x and %02x",
                                    run_i, i, w->decision[0], w->decision[i]);
        }
        if (round_at_gst == UINT32_MAX)
            round_at_gst = last_round;
        uint32_t after = last_round > round_at_gst ? last_round - round_at_gst : 0;
        worst = after > worst ? after : worst;
        /* an honest leader within n rounds, one more round to catch up */
        if (after > 4 + 1)
            LUXC_TEST_FAIL_SEED(seed, "run %d: %u rounds after GST (round %u at GST)", run_i, after,
                                round_at_gst);
        for (uint32_t i = 0; i < H; i++) {
            luxc_rounds_free(w->r[i]);
            luxc_heightvotes_free(w->sc[i].hv);
        }
        free(w);
    }
    fprintf(stderr, "random schedules: at most %u rounds after GST\n", worst);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config),
        cmocka_unit_test(test_round0_fast_path),
        cmocka_unit_test(test_round0_fallbacks),
        cmocka_unit_test(test_leader_proposes),
        cmocka_unit_test(test_lock_rule),
        cmocka_unit_test(test_nil_and_timers),
        cmocka_unit_test(test_decide_any_round),
        cmocka_unit_test(test_restore),
        cmocka_unit_test(test_random_schedules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
