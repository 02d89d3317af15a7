/* sim_rounds.c - the simulator's rounds finality (luxc/consensus_sim.h):
 * every honest validator runs the node's round rule (luxc_rounds, the
 * same code the node drives) over what its region has heard, with the
 * snowman race (sim_poll.c) as round 0's choice.
 * Owns: the validators' rules and their views, Byzantine votes and
 * proposals, crashes and restarts from persisted state, and the
 * per-height accounting of decisions and signed certificates.
 * Not here: the snowball poll and the Byzantine poll answers (sim_poll.c);
 * what regions hear and the messages in flight (sim_regions.c). */
#include "sim_regions.h"
#include "sim_rounds.h"

#include <stdlib.h>
#include <string.h>

#define ROUNDS_HELD LUXC_SIMNET_ROUNDS

typedef struct rsim {
    sim *s;
    luxc_simnet net;
    luxc_rounds **rule;
    luxc_round_state *saved; /* what a crashed validator persisted */
    uint64_t *down_until;    /* 0 = up */
    uint16_t *fin;           /* the rule's decision: value + 1 */
    uint32_t *fin_round;
    uint64_t *honest_pc;     /* [round][candidate]: honest precommits signed */
    uint8_t *byz_signed;     /* [round][candidate]: Byzantine ones signed it */
    uint32_t *byz_tally;     /* [value]: one region's Byzantine votes */
    uint64_t start;          /* the tick this height began (now: net.now) */
    uint32_t height, byz_round, top_round;
    int byz_active;
} rsim;

typedef struct voter { /* the rule's view of validator i */
    rsim *rs;
    uint32_t i;
} voter;

static void id_of(const rsim *rs, uint32_t value, uint8_t id[32])
{
    luxc_simnet_id(rs->s->c, value, id);
}

static uint32_t value_of(const rsim *rs, const uint8_t id[32])
{
    return luxc_simnet_value(rs->s->c, id);
}

static int honest(const rsim *rs, uint32_t i) { return !(rs->byz_active && rs->s->byz[i]); }

/* ---- the rule's view ------------------------------------------------------ */

static uint32_t region_of(const voter *v) { return v->i % v->rs->net.regions; }

static int view_leads(void *ctx, uint32_t round)
{
    const voter *v = ctx;
    return (uint32_t)(((uint64_t)v->rs->height + round) % v->rs->s->n) == v->i;
}

static int view_proposal(void *ctx, uint32_t round, uint8_t id[32], uint32_t *vr)
{
    const voter *v = ctx;
    const luxc_simnet_region *g = &v->rs->net.reg[region_of(v)];
    if (round >= ROUNDS_HELD || !g->prop[round])
        return 0;
    id_of(v->rs, g->prop[round] - 1u, id);
    *vr = g->prop_vr[round];
    return 1;
}

static int view_valid(void *ctx, const uint8_t id[32])
{
    const voter *v = ctx;
    return value_of(v->rs, id) < v->rs->s->c; /* every candidate is held */
}

static int view_choice(void *ctx, uint8_t id[32])
{
    const voter *v = ctx;
    if (!luxc_sim_finalized(v->rs->s, v->i))
        return 0;
    id_of(v->rs, luxc_sim_preference(v->rs->s, v->i), id);
    return 1;
}

/* ---- validators ------------------------------------------------------------ */

/* Byzantine votes and the Byzantine leader's proposal of `round`, sent as
 * soon as an honest validator reaches it, without loss or delay. */
static int byzantine_round(rsim *rs, uint32_t round)
{
    sim *s = rs->s;
    uint32_t c = s->c, strat = s->cfg->strategy;
    if (strat == LUXC_SIM_SILENT || round >= ROUNDS_HELD)
        return LUXC_OK;
    uint32_t leader = (uint32_t)(((uint64_t)rs->height + round) % s->n);
    for (uint32_t d = 0; d < rs->net.regions; d++) {
        for (uint8_t phase = 0; phase < 2 && s->nbyz; phase++) {
            memset(rs->byz_tally, 0, rs->net.values * sizeof *rs->byz_tally);
            if (strat == LUXC_SIM_FIXED)
                rs->byz_tally[c - 1] = s->nbyz;
            else if (strat == LUXC_SIM_EQUIVOCATE)
                rs->byz_tally[d % c] = s->nbyz; /* each region its own block */
            else
                for (uint32_t b = 0; b < s->nbyz; b++)
                    rs->byz_tally[luxc_xoshiro_below(&s->x, c)]++;
            for (uint32_t v = 0; v < c; v++) {
                if (!rs->byz_tally[v])
                    continue;
                if (phase == LUXC_PRECOMMIT)
                    rs->byz_signed[(size_t)round * c + v] = 1;
                luxc_simnet_event e = {d, round, rs->byz_tally[v], (uint16_t)v, phase};
                int rc = luxc_simnet_push(&rs->net, rs->net.now + 1, &e);
                if (rc != LUXC_OK)
                    return rc;
            }
        }
        if (!honest(rs, leader)) {
            uint32_t v = strat == LUXC_SIM_FIXED        ? c - 1
                         : strat == LUXC_SIM_EQUIVOCATE ? d % c
                                                        : (uint32_t)luxc_xoshiro_below(&s->x, c);
            luxc_simnet_event e = {d, round, LUXC_NO_ROUND, (uint16_t)v, LUXC_SIMNET_PROPOSAL};
            int rc = luxc_simnet_push(&rs->net, rs->net.now + 1, &e);
            if (rc != LUXC_OK)
                return rc;
        }
    }
    return LUXC_OK;
}

static int act(rsim *rs, uint32_t i, const luxc_round_action *a, luxc_sim_result *res)
{
    uint32_t value = value_of(rs, a->id);
    switch (a->act) {
    case LUXC_ACT_PROPOSE: {
        if (a->valid_round == LUXC_NO_ROUND) /* a block of our choosing: our race's */
            value = luxc_sim_preference(rs->s, i);
        luxc_simnet_event e = {0, a->round, a->valid_round, (uint16_t)value, LUXC_SIMNET_PROPOSAL};
        return luxc_simnet_broadcast(&rs->net, i % rs->net.regions, e, res);
    }
    case LUXC_ACT_PREVOTE:
        return luxc_simnet_cast(&rs->net, i % rs->net.regions, LUXC_PREVOTE, a->round, value);
    case LUXC_ACT_PRECOMMIT:
        if (a->round < ROUNDS_HELD && value < rs->s->c)
            rs->honest_pc[(size_t)a->round * rs->s->c + value]++;
        return luxc_simnet_cast(&rs->net, i % rs->net.regions, LUXC_PRECOMMIT, a->round, value);
    case LUXC_ACT_DECIDE:
        rs->fin[i] = (uint16_t)(value + 1);
        rs->fin_round[i] = a->round;
        return LUXC_OK;
    default:
        return LUXC_OK;
    }
}

static int step_rule(rsim *rs, uint32_t i, luxc_sim_result *res)
{
    voter v = {rs, i};
    luxc_simnet_view rv;
    luxc_round_view view = {.ctx = &v, .leads = view_leads, .proposal = view_proposal,
                            .valid = view_valid, .choice = view_choice};
    luxc_simnet_view_votes(&rs->net, region_of(&v), &rv, &view);
    luxc_round_action a;
    for (int k = 0; k < 16 && !rs->fin[i]; k++) {
        if (!luxc_rounds_step(rs->rule[i], &view, rs->net.now, &a, NULL))
            break;
        int rc = act(rs, i, &a, res);
        if (rc != LUXC_OK)
            return rc;
    }
    uint32_t round = luxc_rounds_state(rs->rule[i])->round;
    if (round > rs->top_round)
        rs->top_round = round;
    return LUXC_OK;
}

/* Snowball polls of the validators still racing in round 0, as sim.c's
 * lock-step rounds: everyone reads the previous tick's preferences. */
static int polls(rsim *rs, uint64_t t, const uint8_t seed[LUXC_FPC_SEEDBYTES],
                 luxc_sim_result *res)
{
    sim *s = rs->s;
    uint32_t ap, ac, n = s->n;
    int rc = luxc_wave_thresholds(&s->cfg->params, seed, t, &ap, &ac);
    if (rc != LUXC_OK)
        return rc;
    uint8_t *cur = s->hist + (size_t)(t % s->h) * n;
    const uint8_t *prev = s->hist + (size_t)((t - 1) % s->h) * n;
    for (uint32_t i = 0; i < n; i++) {
        int racing = honest(rs, i) && !rs->down_until[i] && !rs->fin[i] &&
                     !luxc_sim_finalized(s, i) &&
                     luxc_rounds_state(rs->rule[i])->round == 0 &&
                     luxc_rounds_state(rs->rule[i])->step == LUXC_STEP_PROPOSE;
        if (!racing) {
            cur[i] = honest(rs, i) && luxc_sim_finalized(s, i) ? (uint8_t)luxc_sim_preference(s, i)
                                                               : prev[i];
            continue;
        }
        if ((rc = luxc_sim_poll(s, i, t, ap, ac, res)) != LUXC_OK)
            return rc;
        cur[i] = (uint8_t)luxc_sim_preference(s, i);
    }
    return LUXC_OK;
}

/* Crashes before GST; a crashed validator returns with what it persisted
 * (its round state) and a snowball started afresh. */
static int crashes(rsim *rs, luxc_sim_result *res)
{
    sim *s = rs->s;
    const luxc_sim_cfg *cfg = s->cfg;
    uint32_t down = cfg->down ? cfg->down : 10;
    for (uint32_t i = 0; i < s->n; i++) {
        if (!honest(rs, i) || rs->fin[i])
            continue;
        if (rs->down_until[i]) {
            if (rs->net.now < rs->down_until[i])
                continue;
            rs->down_until[i] = 0;
            int rc = luxc_rounds_restore(rs->rule[i], &rs->saved[i], rs->net.now);
            if (rc == LUXC_OK)
                rc = luxc_sim_snowball_start(s, i, (uint8_t)luxc_sim_preference(s, i));
            if (rc != LUXC_OK)
                return rc;
            continue;
        }
        if (cfg->crash > 0 && rs->net.now < cfg->gst && luxc_sim_uniform(&s->x) < cfg->crash) {
            rs->saved[i] = *luxc_rounds_state(rs->rule[i]);
            rs->down_until[i] = rs->net.now + down;
            res->crashes++;
        }
    }
    return LUXC_OK;
}

/* ---- heights ----------------------------------------------------------------- */

static int start_height(rsim *rs, uint32_t height)
{
    sim *s = rs->s;
    rs->height = height;
    rs->start = rs->net.now;
    rs->byz_round = rs->top_round = 0;
    luxc_simnet_clear(&rs->net);
    memset(rs->honest_pc, 0, (size_t)ROUNDS_HELD * s->c * sizeof *rs->honest_pc);
    memset(rs->byz_signed, 0, (size_t)ROUNDS_HELD * s->c);
    for (uint32_t i = 0; i < s->n; i++) {
        uint8_t init = (uint8_t)luxc_xoshiro_below(&s->x, s->c);
        rs->fin[i] = 0;
        rs->down_until[i] = 0; /* a crash ends with its height */
        if (!honest(rs, i)) {
            for (uint32_t sl = 0; sl < s->h; sl++)
                s->hist[(size_t)sl * s->n + i] = init;
            continue;
        }
        int rc = luxc_sim_snowball_start(s, i, init);
        if (rc != LUXC_OK)
            return rc;
        luxc_rounds_start(rs->rule[i], rs->net.now);
    }
    return LUXC_OK;
}

/* One tick of a height: 1 when every honest validator has decided. */
static int tick(rsim *rs, const uint8_t seed[LUXC_FPC_SEEDBYTES], luxc_sim_result *res)
{
    sim *s = rs->s;
    rs->net.now++;
    int timely = rs->net.now >= s->cfg->gst;
    s->loss = timely ? 0 : s->cfg->loss;
    s->delay = timely ? 0 : s->cfg->delay;
    luxc_simnet_deliver(&rs->net);
    int rc = LUXC_OK;
    while (rc == LUXC_OK && rs->byz_active && rs->byz_round <= rs->top_round)
        rc = byzantine_round(rs, rs->byz_round++);
    if (rc == LUXC_OK)
        rc = polls(rs, rs->net.now - rs->start, seed, res);
    uint32_t undecided = 0;
    for (uint32_t i = 0; rc == LUXC_OK && i < s->n; i++) {
        if (!honest(rs, i) || rs->down_until[i] || rs->fin[i])
            continue;
        rc = step_rule(rs, i, res);
        undecided += !rs->fin[i];
    }
    if (rc == LUXC_OK)
        rc = luxc_simnet_flush(&rs->net, rs->top_round, res);
    if (rc == LUXC_OK)
        rc = crashes(rs, res);
    if (rc != LUXC_OK)
        return rc;
    for (uint32_t i = 0; i < s->n && !undecided; i++)
        undecided += honest(rs, i) && !rs->fin[i];
    return undecided == 0;
}

/* Decisions, certificates and rounds of one finished height. */
static void account(rsim *rs, int done, luxc_sim_result *res)
{
    sim *s = rs->s;
    uint32_t c = s->c, first = UINT32_MAX, rounds = 0;
    int split = 0;
    for (uint32_t i = 0; i < s->n; i++) {
        if (!honest(rs, i))
            continue;
        uint32_t used = rs->fin[i] ? rs->fin_round[i] + 1 : luxc_rounds_state(rs->rule[i])->round + 1;
        if (used > rounds)
            rounds = used;
        if (!rs->fin[i])
            continue;
        if (first == UINT32_MAX)
            first = rs->fin[i];
        else if (rs->fin[i] != first)
            split = 1;
    }
    uint32_t certified = 0, winner = UINT32_MAX;
    for (uint32_t v = 0; v < c; v++) {
        int cert = 0;
        for (uint32_t r = 0; r < ROUNDS_HELD && !cert; r++) {
            size_t k = (size_t)r * c + v;
            uint64_t signers = rs->honest_pc[k] + (rs->byz_signed[k] ? s->nbyz : 0);
            cert = luxc_horizon_is_final(signers, s->n);
        }
        if (cert) {
            certified++;
            winner = v;
        }
    }
    res->safety_violations += split;
    res->stalled_blocks += !done;
    res->conflicting_certificates += certified > 1;
    res->blocks_finalized += certified >= 1;
    if (certified == 1 && c > 1 && winner == c - 1 && rs->byz_active)
        res->byzantine_wins++;
    res->consensus_rounds += rounds;
    if (rounds > res->max_consensus_rounds)
        res->max_consensus_rounds = rounds;
    if (s->cfg->gst != LUXC_SIM_NO_GST && rs->start >= s->cfg->gst) {
        res->heights_after_gst++;
        res->stalled_heights_after_gst += !done;
        if (rounds > res->max_rounds_after_gst)
            res->max_rounds_after_gst = rounds;
    }
}

static void rsim_free(rsim *rs)
{
    if (rs->rule)
        for (uint32_t i = 0; i < rs->s->n; i++)
            luxc_rounds_free(rs->rule[i]);
    free(rs->rule);
    luxc_simnet_free(&rs->net);
    free(rs->saved);
    free(rs->down_until);
    free(rs->fin);
    free(rs->fin_round);
    free(rs->honest_pc);
    free(rs->byz_signed);
    free(rs->byz_tally);
}

static int rsim_init(rsim *rs, sim *s)
{
    uint32_t n = s->n, c = s->c;
    rs->s = s;
    rs->byz_active = s->cfg->strategy != LUXC_SIM_HONEST;
    int rc = luxc_simnet_init(&rs->net, s);
    if (rc != LUXC_OK)
        return rc;
    rs->rule = luxc_sim_alloc(s, n, sizeof *rs->rule);
    rs->saved = luxc_sim_alloc(s, n, sizeof *rs->saved);
    rs->down_until = luxc_sim_alloc(s, n, sizeof *rs->down_until);
    rs->fin = luxc_sim_alloc(s, n, sizeof *rs->fin);
    rs->fin_round = luxc_sim_alloc(s, n, sizeof *rs->fin_round);
    rs->honest_pc = luxc_sim_alloc(s, (size_t)ROUNDS_HELD * c, sizeof *rs->honest_pc);
    rs->byz_signed = luxc_sim_alloc(s, (size_t)ROUNDS_HELD * c, 1);
    rs->byz_tally = luxc_sim_alloc(s, rs->net.values, sizeof *rs->byz_tally);
    if (!rs->rule || !rs->saved || !rs->down_until || !rs->fin || !rs->fin_round ||
        !rs->honest_pc || !rs->byz_signed || !rs->byz_tally)
        return LUXC_ENOMEM;
    const luxc_sim_cfg *cfg = s->cfg;
    uint64_t base = cfg->round_ticks ? cfg->round_ticks : (uint64_t)cfg->params.beta + 4;
    uint64_t half = base / 2 ? base / 2 : 1;
    luxc_rounds_cfg rc_cfg = {.propose_us = base, .prevote_us = half, .precommit_us = half,
                              .step_up_us = half};
    for (uint32_t i = 0; i < n; i++) {
        if (!honest(rs, i))
            continue;
        rc = luxc_rounds_new(&rs->rule[i], &rc_cfg);
        if (rc != LUXC_OK)
            return rc;
        s->bytes += 160; /* a luxc_rounds, about */
    }
    return LUXC_OK;
}

int luxc_sim_rounds_run(sim *s, luxc_sim_result *res)
{
    rsim rs = {0};
    int rc = rsim_init(&rs, s);
    const luxc_sim_cfg *cfg = s->cfg;
    uint32_t max_ticks = cfg->max_rounds ? cfg->max_rounds : 1000;
    for (uint32_t height = 1; rc == LUXC_OK && height <= cfg->blocks; height++) {
        uint8_t seed[LUXC_FPC_SEEDBYTES];
        luxc_sim_fpc_seed(s, height, seed);
        if ((rc = start_height(&rs, height)) != LUXC_OK)
            break;
        int done = 0;
        while (!done && rs.net.now - rs.start < max_ticks) {
            done = tick(&rs, seed, res);
            if (done < 0)
                rc = done;
            if (rc != LUXC_OK)
                break;
        }
        if (rc != LUXC_OK)
            break;
        uint64_t used = rs.net.now - rs.start;
        res->rounds += used;
        if (used > res->max_rounds_per_block)
            res->max_rounds_per_block = (uint32_t)used;
        account(&rs, done, res);
        if (cfg->progress)
            cfg->progress(cfg->progress_ctx, height, res->rounds);
    }
    rsim_free(&rs);
    return rc;
}
