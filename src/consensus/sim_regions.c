/* sim_regions.c - the network of the simulator's rounds model
 * (sim_regions.h): the regions' counts, which answer the round rule's
 * vote questions, and the queue of messages in flight.
 * Owns: delivery times (1 + up to `delay` ticks before GST, RESEND more
 * per loss, the next tick from GST on), counting what a region hears,
 * relaying certificates (catch-up) and slow rounds' polkas.
 * Not here: the validators and what they send (sim_rounds.c). */
#include "sim_regions.h"

#include <stdlib.h>

#define RESEND 2u /* ticks between a lost message and its resend */
#define MAX_RESENDS 64u

/* An array of *cap elements made twice as long (first when empty); the
 * new pointer with *cap updated, or NULL with both as they were. */
static void *grow(void *p, size_t *cap, size_t elem, size_t first)
{
    size_t n = *cap ? *cap * 2 : first;
    if (n > SIZE_MAX / elem)
        return NULL;
    void *q = realloc(p, n * elem);
    if (q)
        *cap = n;
    return q;
}

int luxc_simnet_push(luxc_simnet *net, uint64_t at, const luxc_simnet_event *e)
{
    luxc_simnet_queue *q = &net->ring[at % LUXC_SIMNET_RING];
    if (q->len) { /* the same message to the same region: one luxc_simnet_event */
        luxc_simnet_event *last = &q->ev[q->len - 1];
        if (last->region == e->region && last->round == e->round && last->kind == e->kind &&
            last->value == e->value && e->kind < LUXC_SIMNET_PROPOSAL) {
            last->count += e->count;
            return LUXC_OK;
        }
    }
    if (q->len == q->cap) {
        luxc_simnet_event *ev = grow(q->ev, &q->cap, sizeof *ev, 256);
        if (!ev)
            return LUXC_ENOMEM;
        q->ev = ev;
    }
    q->ev[q->len++] = *e;
    return LUXC_OK;
}

/* When a message sent now reaches another region: before GST after 1 to
 * 1 + delay ticks and RESEND more per loss; from GST on, the next tick. */
static uint64_t arrival(luxc_simnet *net, luxc_sim_result *res)
{
    sim *s = net->s;
    uint64_t now = net->now, gst = s->cfg->gst;
    if (now >= gst)
        return now + 1;
    uint64_t at = now + 1;
    for (uint32_t k = 0; s->loss > 0 && k < MAX_RESENDS && luxc_sim_uniform(&s->x) < s->loss;
         k++) {
        at += RESEND;
        res->lost++;
    }
    if (s->delay)
        at += luxc_xoshiro_below(&s->x, (uint64_t)s->delay + 1);
    if (gst != LUXC_SIM_NO_GST && at > gst + 1)
        at = gst + 1; /* in flight at GST: delivered within a tick of it */
    return at < now + LUXC_SIMNET_RING ? at : now + LUXC_SIMNET_RING - 1;
}

/* What a region hears of a height. */
void luxc_simnet_hear(luxc_simnet *net, const luxc_simnet_event *e)
{
    luxc_simnet_region *g = &net->reg[e->region];
    uint32_t n = net->s->n, c = net->s->c;
    if (e->round >= LUXC_SIMNET_ROUNDS)
        return;
    if (e->kind == LUXC_SIMNET_POLKA) {
        if (!g->major[luxc_simnet_slot(e->round, LUXC_PREVOTE)])
            g->major[luxc_simnet_slot(e->round, LUXC_PREVOTE)] = (uint16_t)(e->value + 1);
        return;
    }
    if (e->kind == LUXC_SIMNET_CERT) {
        if (g->dec_round < 0) {
            g->dec_round = e->round;
            g->dec_value = e->value;
        }
        return;
    }
    if (e->kind == LUXC_SIMNET_PROPOSAL) {
        if (!g->prop[e->round]) {
            g->prop[e->round] = (uint16_t)(e->value + 1);
            g->prop_vr[e->round] = e->count;
        }
        /* a re-proposal carries its polka's prevotes (the node's proof) */
        size_t vr = e->count;
        if (e->count < LUXC_SIMNET_ROUNDS && !g->major[luxc_simnet_slot(e->count, LUXC_PREVOTE)])
            g->major[luxc_simnet_slot(vr, LUXC_PREVOTE)] = (uint16_t)(e->value + 1);
        return;
    }
    size_t k = luxc_simnet_slot(e->round, e->kind);
    uint32_t *cnt = &g->count[k * net->values + e->value];
    *cnt += e->count;
    g->total[k] += e->count;
    if (!g->major[k] && luxc_horizon_is_final(*cnt, n)) {
        g->major[k] = (uint16_t)(e->value + 1);
        if (e->kind == LUXC_PRECOMMIT && e->value < c && g->dec_round < 0) {
            g->dec_round = e->round;
            g->dec_value = e->value;
        }
    }
    uint32_t pv = g->total[luxc_simnet_slot(e->round, LUXC_PREVOTE)];
    uint32_t pc = g->total[luxc_simnet_slot(e->round, LUXC_PRECOMMIT)];
    /* distinct voters of the round, at least: a voter sends one of each */
    if (luxc_horizon_is_third(pv > pc ? pv : pc, n) && (int64_t)e->round > g->skip)
        g->skip = e->round;
}

/* A message from `from_region`: heard there at once, elsewhere later. */
int luxc_simnet_broadcast(luxc_simnet *net, uint32_t from_region, luxc_simnet_event e, luxc_sim_result *res)
{
    e.region = from_region;
    luxc_simnet_hear(net, &e);
    for (uint32_t d = 0; d < net->regions; d++) {
        if (d == from_region)
            continue;
        e.region = d;
        int rc = luxc_simnet_push(net, arrival(net, res), &e);
        if (rc != LUXC_OK)
            return rc;
    }
    return LUXC_OK;
}

/* A region that holds a polka of round r, and precommits of more than 2/3
 * of stake in r but no decision, relays the polka's prevotes once: what
 * the node does (node_relay.c) so that every honest validator learns a
 * polka that Byzantine votes sent to only some of them made. */
static int relay_polkas(luxc_simnet *net, uint32_t top_round, luxc_sim_result *res)
{
    uint32_t top = top_round < LUXC_SIMNET_ROUNDS ? top_round : LUXC_SIMNET_ROUNDS - 1;
    for (uint32_t d = 0; d < net->regions; d++) {
        luxc_simnet_region *g = &net->reg[d];
        if (g->dec_round >= 0)
            continue;
        for (uint32_t r = 0; r <= top; r++) {
            uint16_t polka = g->major[luxc_simnet_slot(r, LUXC_PREVOTE)];
            if (g->relayed[r] || !polka || polka - 1u >= net->s->c ||
                !luxc_horizon_is_final(g->total[luxc_simnet_slot(r, LUXC_PRECOMMIT)], net->s->n))
                continue;
            g->relayed[r] = 1;
            luxc_simnet_event e = {d, r, 0, (uint16_t)(polka - 1u), LUXC_SIMNET_POLKA};
            int rc = luxc_simnet_broadcast(net, d, e, res);
            if (rc != LUXC_OK)
                return rc;
        }
    }
    return LUXC_OK;
}

/* This tick's votes go on the wire region by region, so that equal votes
 * to one region with one arrival merge into one event; so do the
 * certificates regions have newly seen (a validator behind fetches one
 * from a peer that is ahead, node_sync.c). */
int luxc_simnet_flush(luxc_simnet *net, uint32_t top_round, luxc_sim_result *res)
{
    int rc = relay_polkas(net, top_round, res);
    if (rc != LUXC_OK)
        return rc;
    for (uint32_t d = 0; d < net->regions; d++) {
        luxc_simnet_region *g = &net->reg[d];
        if (g->dec_round < 0 || g->cert_sent)
            continue;
        g->cert_sent = 1;
        luxc_simnet_event e = {d, (uint32_t)g->dec_round, 0, g->dec_value, LUXC_SIMNET_CERT};
        int rc = luxc_simnet_broadcast(net, d, e, res);
        if (rc != LUXC_OK)
            return rc;
    }
    for (uint32_t d = 0; d < net->regions; d++)
        for (size_t k = 0; k < net->ncast; k++) {
            const luxc_simnet_cast_vote *v = &net->cast[k];
            if (v->region == d)
                continue;
            luxc_simnet_event e = {d, v->round, 1, v->value, v->phase};
            int rc = luxc_simnet_push(net, arrival(net, res), &e);
            if (rc != LUXC_OK)
                return rc;
        }
    net->ncast = 0;
    return LUXC_OK;
}

int luxc_simnet_cast(luxc_simnet *net, uint32_t from, uint8_t phase, uint32_t round,
                     uint32_t value)
{
    if (round >= LUXC_SIMNET_ROUNDS)
        return LUXC_OK; /* past what the regions count: never heard */
    luxc_simnet_event e = {from, round, 1, (uint16_t)value, phase};
    luxc_simnet_hear(net, &e);
    if (net->ncast == net->cast_cap) {
        luxc_simnet_cast_vote *cv = grow(net->cast, &net->cast_cap, sizeof *cv, 1024);
        if (!cv)
            return LUXC_ENOMEM;
        net->cast = cv;
    }
    net->cast[net->ncast++] = (luxc_simnet_cast_vote){from, round, (uint16_t)value, phase};
    return LUXC_OK;
}

/* The vote questions get the region (view.votes) and the sim through it. */

static int view_majority(const void *votes, luxc_vote_phase phase, uint32_t round, uint8_t id[32])
{
    const luxc_simnet_view *rv = votes;
    if (round >= LUXC_SIMNET_ROUNDS || !rv->g->major[luxc_simnet_slot(round, phase)])
        return 0;
    luxc_simnet_id(rv->net->s->c, rv->g->major[luxc_simnet_slot(round, phase)] - 1u, id);
    return 1;
}

static int view_any_quorum(const void *votes, luxc_vote_phase phase, uint32_t round)
{
    const luxc_simnet_view *rv = votes;
    return round < LUXC_SIMNET_ROUNDS && luxc_horizon_is_final(rv->g->total[luxc_simnet_slot(round, phase)], rv->net->s->n);
}

static int view_skip_round(const void *votes, uint32_t after, uint32_t *round)
{
    const luxc_simnet_view *rv = votes;
    if (rv->g->skip < 0 || rv->g->skip <= (int64_t)after)
        return 0;
    *round = (uint32_t)rv->g->skip;
    return 1;
}

static int view_decided(const void *votes, uint32_t *round, uint8_t id[32])
{
    const luxc_simnet_view *rv = votes;
    if (rv->g->dec_round < 0)
        return 0;
    *round = (uint32_t)rv->g->dec_round;
    luxc_simnet_id(rv->net->s->c, rv->g->dec_value, id);
    return 1;
}


void luxc_simnet_view_votes(const luxc_simnet *net, uint32_t region, luxc_simnet_view *rv,
                            luxc_round_view *view)
{
    rv->net = net;
    rv->g = &net->reg[region];
    view->votes = rv;
    view->majority = view_majority;
    view->any_quorum = view_any_quorum;
    view->skip_round = view_skip_round;
    view->decided = view_decided;
}

void luxc_simnet_deliver(luxc_simnet *net)
{
    luxc_simnet_queue *q = &net->ring[net->now % LUXC_SIMNET_RING];
    for (size_t k = 0; k < q->len; k++)
        luxc_simnet_hear(net, &q->ev[k]);
    q->len = 0;
}

void luxc_simnet_clear(luxc_simnet *net)
{
    size_t held = (size_t)LUXC_SIMNET_ROUNDS * 2u, g = net->regions;
    memset(net->reg_count, 0, g * held * net->values * sizeof *net->reg_count);
    memset(net->reg_total, 0, g * held * sizeof *net->reg_total);
    memset(net->reg_major, 0, g * held * sizeof *net->reg_major);
    memset(net->reg_prop, 0, g * LUXC_SIMNET_ROUNDS * sizeof *net->reg_prop);
    memset(net->reg_relayed, 0, g * LUXC_SIMNET_ROUNDS);
    for (uint32_t d = 0; d < net->regions; d++) {
        net->reg[d].skip = net->reg[d].dec_round = -1;
        net->reg[d].cert_sent = 0;
    }
    for (uint32_t q = 0; q < LUXC_SIMNET_RING; q++)
        net->ring[q].len = 0; /* the last height's messages no longer matter */
    net->ncast = 0;
}

int luxc_simnet_init(luxc_simnet *net, sim *s)
{
    memset(net, 0, sizeof *net);
    net->s = s;
    net->regions = s->n < LUXC_SIM_REGIONS ? s->n : LUXC_SIM_REGIONS;
    net->values = s->c + 1;
    size_t held = (size_t)LUXC_SIMNET_ROUNDS * 2u, g = net->regions;
    net->reg = luxc_sim_alloc(s, g, sizeof *net->reg);
    net->reg_count = luxc_sim_alloc(s, g * held * net->values, sizeof *net->reg_count);
    net->reg_total = luxc_sim_alloc(s, g * held, sizeof *net->reg_total);
    net->reg_major = luxc_sim_alloc(s, g * held, sizeof *net->reg_major);
    net->reg_prop = luxc_sim_alloc(s, g * LUXC_SIMNET_ROUNDS, sizeof *net->reg_prop);
    net->reg_prop_vr = luxc_sim_alloc(s, g * LUXC_SIMNET_ROUNDS, sizeof *net->reg_prop_vr);
    net->reg_relayed = luxc_sim_alloc(s, g * LUXC_SIMNET_ROUNDS, 1);
    if (!net->reg || !net->reg_count || !net->reg_total || !net->reg_major || !net->reg_prop ||
        !net->reg_prop_vr || !net->reg_relayed)
        return LUXC_ENOMEM;
    for (uint32_t d = 0; d < g; d++) {
        luxc_simnet_region *r = &net->reg[d];
        r->count = net->reg_count + d * held * net->values;
        r->total = net->reg_total + d * held;
        r->major = net->reg_major + d * held;
        r->prop = net->reg_prop + d * LUXC_SIMNET_ROUNDS;
        r->prop_vr = net->reg_prop_vr + d * LUXC_SIMNET_ROUNDS;
        r->relayed = net->reg_relayed + d * LUXC_SIMNET_ROUNDS;
    }
    luxc_simnet_clear(net);
    return LUXC_OK;
}

void luxc_simnet_free(luxc_simnet *net)
{
    free(net->reg);
    free(net->reg_count);
    free(net->reg_total);
    free(net->reg_major);
    free(net->reg_prop);
    free(net->reg_prop_vr);
    free(net->reg_relayed);
    free(net->cast);
    for (uint32_t q = 0; q < LUXC_SIMNET_RING; q++)
        free(net->ring[q].ev);
}
