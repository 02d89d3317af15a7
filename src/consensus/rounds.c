/* rounds.c - the round rule of one height (luxc/rounds.h): Algorithm 1 of
 * "The latest gossip on BFT consensus" (Buchman, Kwon, Milosevic, 2018),
 * whose line numbers the comments below cite, with one change in round 0
 * (docs/CONSENSUS.md section 3): nobody is locked there, so an unlocked
 * validator may prevote the block its snowman race decided.
 * Owns: round, step, lock and valid value, the three timers, which rule
 * fires next. Not here: counting votes (heightvotes.c), signing, storing,
 * sending (the node), where the blocks come from. */
#include "luxc/rounds.h"

#include <stdlib.h>
#include <string.h>

struct luxc_rounds {
    luxc_rounds_cfg cfg;
    luxc_round_state st;
    int decided;
    int polka_done;             /* line 36 fired in this round */
    uint64_t propose_deadline;  /* step propose: prevote nil then */
    uint64_t prevote_deadline;  /* 0: not scheduled (line 34) */
    uint64_t precommit_deadline; /* 0: not scheduled (line 47) */
};

static const uint8_t nil_id[32];

static int is_nil(const uint8_t id[32]) { return memcmp(id, nil_id, 32) == 0; }

static uint64_t add_sat(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

uint64_t luxc_rounds_timeout(const luxc_rounds *r, luxc_round_step step, uint32_t round)
{
    if (!r)
        return 0;
    uint64_t base = step == LUXC_STEP_PROPOSE   ? r->cfg.propose_us
                    : step == LUXC_STEP_PREVOTE ? r->cfg.prevote_us
                                                : r->cfg.precommit_us;
    uint64_t up = r->cfg.step_up_us;
    uint64_t grow = up && round > UINT64_MAX / up ? UINT64_MAX : (uint64_t)round * up;
    return add_sat(base, grow);
}

int luxc_rounds_new(luxc_rounds **out, const luxc_rounds_cfg *cfg)
{
    if (!out)
        return LUXC_EINVAL;
    *out = NULL;
    if (!cfg || !cfg->propose_us || !cfg->prevote_us || !cfg->precommit_us)
        return LUXC_EINVAL;
    luxc_rounds *r = calloc(1, sizeof *r);
    if (!r)
        return LUXC_ENOMEM;
    r->cfg = *cfg;
    luxc_rounds_start(r, 0);
    *out = r;
    return LUXC_OK;
}

void luxc_rounds_free(luxc_rounds *r) { free(r); }

/* StartRound (lines 11-21) but for the proposal, which step() sends. */
static void enter_round(luxc_rounds *r, uint32_t round, uint64_t from_us)
{
    r->st.round = round;
    r->st.step = LUXC_STEP_PROPOSE;
    r->st.proposed = 0;
    r->polka_done = 0;
    r->prevote_deadline = r->precommit_deadline = 0;
    r->propose_deadline = add_sat(from_us, luxc_rounds_timeout(r, LUXC_STEP_PROPOSE, round));
}

void luxc_rounds_start(luxc_rounds *r, uint64_t start_us)
{
    if (!r)
        return;
    memset(&r->st, 0, sizeof r->st);
    r->st.locked_round = r->st.valid_round = LUXC_NO_ROUND;
    r->decided = 0;
    enter_round(r, 0, start_us);
}

int luxc_rounds_restore(luxc_rounds *r, const luxc_round_state *st, uint64_t now_us)
{
    if (!r || !st || st->step > LUXC_STEP_PRECOMMIT ||
        (st->locked_round != LUXC_NO_ROUND && st->locked_round > st->round) ||
        (st->valid_round != LUXC_NO_ROUND && st->valid_round > st->round))
        return LUXC_EINVAL;
    luxc_rounds_start(r, now_us);
    enter_round(r, st->round, now_us);
    r->st = *st;
    return LUXC_OK;
}

const luxc_round_state *luxc_rounds_state(const luxc_rounds *r) { return r ? &r->st : NULL; }

static int hv_majority(const void *hv, luxc_vote_phase phase, uint32_t round, uint8_t id[32])
{
    return luxc_heightvotes_majority(hv, phase, round, id, NULL);
}

static int hv_any_quorum(const void *hv, luxc_vote_phase phase, uint32_t round)
{
    return luxc_heightvotes_any_quorum(hv, phase, round);
}

static int hv_skip_round(const void *hv, uint32_t after, uint32_t *round)
{
    return luxc_heightvotes_skip_round(hv, after, round);
}

static int hv_decided(const void *hv, uint32_t *round, uint8_t id[32])
{
    return luxc_heightvotes_decided(hv, round, id);
}

void luxc_round_view_votes(luxc_round_view *view, const luxc_heightvotes *hv)
{
    if (!view)
        return;
    view->votes = hv;
    view->majority = hv_majority;
    view->any_quorum = hv_any_quorum;
    view->skip_round = hv_skip_round;
    view->decided = hv_decided;
}

static int emit(luxc_round_action *a, luxc_round_act kind, uint32_t round, const uint8_t id[32])
{
    memset(a, 0, sizeof *a);
    a->act = kind;
    a->round = round;
    a->valid_round = LUXC_NO_ROUND;
    if (id)
        memcpy(a->id, id, 32);
    return 1;
}

static int prevote(luxc_rounds *r, luxc_round_action *a, const uint8_t id[32])
{
    r->st.step = LUXC_STEP_PREVOTE;
    return emit(a, LUXC_ACT_PREVOTE, r->st.round, id);
}

static int precommit(luxc_rounds *r, luxc_round_action *a, const uint8_t id[32])
{
    r->st.step = LUXC_STEP_PRECOMMIT;
    return emit(a, LUXC_ACT_PRECOMMIT, r->st.round, id);
}

/* May we prevote this round's proposal (lines 22-33)? 1 = prevote id, 0 =
 * prevote nil, -1 = not yet (a re-proposal whose polka we have not seen). */
static int proposal_verdict(const luxc_rounds *r, const luxc_round_view *v, const uint8_t id[32],
                            uint32_t vr)
{
    const luxc_round_state *s = &r->st;
    if (!v->valid(v->ctx, id))
        return 0;
    if (vr == LUXC_NO_ROUND) /* line 22 */
        return s->locked_round == LUXC_NO_ROUND || !memcmp(s->locked_id, id, 32);
    uint8_t polka[32]; /* line 28 */
    if (vr >= s->round || !v->majority(v->votes, LUXC_PREVOTE, vr, polka) ||
        memcmp(polka, id, 32) != 0)
        return -1;
    return s->locked_round == LUXC_NO_ROUND || s->locked_round <= vr ||
           !memcmp(s->locked_id, id, 32);
}

static int step_propose(luxc_rounds *r, const luxc_round_view *v, uint64_t now,
                        luxc_round_action *a)
{
    luxc_round_state *s = &r->st;
    if (!s->proposed && v->leads(v->ctx, s->round)) { /* line 14-19 */
        s->proposed = 1;
        int reuse = s->valid_round != LUXC_NO_ROUND;
        emit(a, LUXC_ACT_PROPOSE, s->round, reuse ? s->valid_id : NULL);
        a->valid_round = reuse ? s->valid_round : LUXC_NO_ROUND;
        return 1;
    }
    uint8_t id[32];
    uint32_t vr = LUXC_NO_ROUND;
    int have = v->proposal(v->ctx, s->round, id, &vr);
    int timed_out = now >= r->propose_deadline;
    if (s->round == 0 && s->locked_round == LUXC_NO_ROUND) {
        /* round 0: snowman's choice, the leader's block as a fallback */
        uint8_t pick[32];
        if (v->choice(v->ctx, pick) && v->valid(v->ctx, pick))
            return prevote(r, a, pick);
        if (!timed_out)
            return 0;
        return prevote(r, a, have && proposal_verdict(r, v, id, vr) == 1 ? id : nil_id);
    }
    if (have) {
        int verdict = proposal_verdict(r, v, id, vr);
        if (verdict >= 0)
            return prevote(r, a, verdict ? id : nil_id);
    }
    if (timed_out) /* line 57 */
        return prevote(r, a, nil_id);
    return 0;
}

static int step_votes(luxc_rounds *r, const luxc_round_view *v, uint64_t now,
                      luxc_round_action *a)
{
    luxc_round_state *s = &r->st;
    uint8_t id[32];
    int polka = v->majority(v->votes, LUXC_PREVOTE, s->round, id);
    if (s->step == LUXC_STEP_PREVOTE && !r->prevote_deadline &&
        v->any_quorum(v->votes, LUXC_PREVOTE, s->round)) /* line 34 */
        r->prevote_deadline = add_sat(now, luxc_rounds_timeout(r, LUXC_STEP_PREVOTE, s->round));
    if (polka && !is_nil(id) && !r->polka_done && s->step >= LUXC_STEP_PREVOTE &&
        v->valid(v->ctx, id)) { /* line 36 */
        r->polka_done = 1;
        memcpy(s->valid_id, id, 32);
        s->valid_round = s->round;
        if (s->step == LUXC_STEP_PREVOTE) {
            memcpy(s->locked_id, id, 32);
            s->locked_round = s->round;
            return precommit(r, a, id);
        }
    }
    if (s->step == LUXC_STEP_PREVOTE && polka && is_nil(id)) /* line 44 */
        return precommit(r, a, nil_id);
    if (s->step == LUXC_STEP_PREVOTE && r->prevote_deadline && now >= r->prevote_deadline)
        return precommit(r, a, nil_id); /* line 61 */
    if (!r->precommit_deadline && v->any_quorum(v->votes, LUXC_PRECOMMIT, s->round)) /* 47 */
        r->precommit_deadline =
            add_sat(now, luxc_rounds_timeout(r, LUXC_STEP_PRECOMMIT, s->round));
    if (r->precommit_deadline && now >= r->precommit_deadline) { /* line 65 */
        enter_round(r, s->round + 1, now);
        return emit(a, LUXC_ACT_ROUND, s->round, NULL);
    }
    return 0;
}

static void earliest(uint64_t *wake, uint64_t t)
{
    if (t && t < *wake)
        *wake = t;
}

int luxc_rounds_step(luxc_rounds *r, const luxc_round_view *v, uint64_t now_us,
                     luxc_round_action *act, uint64_t *wake_us)
{
    if (wake_us)
        *wake_us = UINT64_MAX;
    if (!r || !v || !act || r->decided)
        return 0;
    luxc_round_state *s = &r->st;
    uint8_t id[32];
    uint32_t round;
    if (v->decided(v->votes, &round, id) && v->valid(v->ctx, id)) { /* line 49 */
        r->decided = 1;
        return emit(act, LUXC_ACT_DECIDE, round, id);
    }
    if (v->skip_round(v->votes, s->round, &round)) { /* line 55 */
        enter_round(r, round, now_us);
        return emit(act, LUXC_ACT_ROUND, round, NULL);
    }
    int fired = s->step == LUXC_STEP_PROPOSE ? step_propose(r, v, now_us, act) : 0;
    if (!fired && s->step != LUXC_STEP_PROPOSE)
        fired = step_votes(r, v, now_us, act);
    if (!fired && s->step == LUXC_STEP_PROPOSE)
        fired = step_votes(r, v, now_us, act); /* lines 47/65 hold in every step */
    if (wake_us && !fired) {
        if (s->step == LUXC_STEP_PROPOSE)
            earliest(wake_us, r->propose_deadline);
        if (s->step == LUXC_STEP_PREVOTE)
            earliest(wake_us, r->prevote_deadline);
        earliest(wake_us, r->precommit_deadline);
    }
    return fired;
}
