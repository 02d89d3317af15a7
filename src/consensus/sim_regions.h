/* sim_regions.h - the network of the simulator's rounds model
 * (sim_regions.c): what each region of validators has heard of one
 * height (votes by round, phase and block; proposals; polkas and
 * certificates), and the queue of messages in flight between regions
 * (delay, loss as resends, GST). Used by sim_rounds.c only. */
#ifndef LUXC_SIM_REGIONS_H
#define LUXC_SIM_REGIONS_H

#include <string.h>

#include "luxc/rounds.h"
#include "sim_poll.h"

#define LUXC_SIMNET_ROUNDS 64u /* rounds of one height the regions count */
#define LUXC_SIMNET_RING 256u  /* ticks a message may be in flight, at most */

/* Message kinds: LUXC_PRECOMMIT, LUXC_PREVOTE and these. */
#define LUXC_SIMNET_PROPOSAL 2u /* count: its valid round, whose polka proof it carries */
#define LUXC_SIMNET_CERT 3u     /* a decided block's certificate, as catch-up brings it */
#define LUXC_SIMNET_POLKA 4u    /* a polka's prevotes, relayed when a round goes slow */

typedef struct luxc_simnet_event {
    uint32_t region, round, count; /* count: votes, or a proposal's valid round */
    uint16_t value;                /* candidate; c = nil */
    uint8_t kind;
} luxc_simnet_event;

typedef struct luxc_simnet_queue {
    luxc_simnet_event *ev;
    size_t len, cap;
} luxc_simnet_queue;

typedef struct luxc_simnet_cast_vote { /* sent in this tick, not yet on the wire */
    uint32_t region, round;
    uint16_t value;
    uint8_t phase;
} luxc_simnet_cast_vote;

typedef struct luxc_simnet_region {
    uint32_t *count;   /* [round][phase][value] */
    uint32_t *total;   /* [round][phase] */
    uint16_t *major;   /* [round][phase]: value + 1 past 2/3, 0 = none */
    uint16_t *prop;    /* [round]: value + 1 of the first proposal heard */
    uint32_t *prop_vr; /* [round] */
    uint8_t *relayed;  /* [round]: this round's polka went to the others */
    int64_t skip;      /* highest round heard from > 1/3, -1 = none */
    int64_t dec_round; /* first round with > 2/3 precommits for a block */
    uint16_t dec_value;
    int cert_sent;     /* the certificate went to the other regions */
} luxc_simnet_region;

typedef struct luxc_simnet {
    sim *s;
    uint32_t regions, values; /* values = candidates + nil */
    uint64_t now;             /* the tick (the caller advances it) */
    luxc_simnet_region *reg;
    uint32_t *reg_count, *reg_total, *reg_prop_vr;
    uint16_t *reg_major, *reg_prop;
    uint8_t *reg_relayed;
    luxc_simnet_cast_vote *cast;
    size_t ncast, cast_cap;
    luxc_simnet_queue ring[LUXC_SIMNET_RING];
} luxc_simnet;

/* What luxc_round_view.votes points at: one region's counts. */
typedef struct luxc_simnet_view {
    const luxc_simnet *net;
    const luxc_simnet_region *g;
} luxc_simnet_view;

static inline size_t luxc_simnet_slot(uint32_t round, uint32_t phase)
{
    return (size_t)round * 2u + phase;
}

/* Block ids of the model: candidate v is id[0] = v + 1, nil is zero. */
static inline void luxc_simnet_id(uint32_t c, uint32_t value, uint8_t id[32])
{
    memset(id, 0, 32);
    if (value < c)
        id[0] = (uint8_t)(value + 1);
}

/* The candidate an id names, c for nil, UINT32_MAX for no candidate. */
static inline uint32_t luxc_simnet_value(uint32_t c, const uint8_t id[32])
{
    for (int k = 1; k < 32; k++)
        if (id[k])
            return UINT32_MAX;
    return id[0] > c ? UINT32_MAX : id[0] ? id[0] - 1u : c;
}

/* Regions: min(nodes, LUXC_SIM_REGIONS). Errors: LUXC_ENOMEM. */
int luxc_simnet_init(luxc_simnet *net, sim *s);
void luxc_simnet_free(luxc_simnet *net);
/* A new height: nothing heard, nothing in flight. */
void luxc_simnet_clear(luxc_simnet *net);
/* What arrives at net->now is heard. */
void luxc_simnet_deliver(luxc_simnet *net);
/* e reaches its region at tick `at` (Byzantine messages: no loss). */
int luxc_simnet_push(luxc_simnet *net, uint64_t at, const luxc_simnet_event *e);
void luxc_simnet_hear(luxc_simnet *net, const luxc_simnet_event *e);
/* Heard in from_region at once, in the others after the network's delay. */
int luxc_simnet_broadcast(luxc_simnet *net, uint32_t from_region, luxc_simnet_event e,
                          luxc_sim_result *res);
/* An honest vote: heard in its region at once, sent by luxc_simnet_flush. */
int luxc_simnet_cast(luxc_simnet *net, uint32_t from_region, uint8_t phase, uint32_t round,
                     uint32_t value);
/* End of a tick: this tick's votes, new certificates and slow rounds'
 * polkas (rounds up to top_round) go on the wire. */
int luxc_simnet_flush(luxc_simnet *net, uint32_t top_round, luxc_sim_result *res);
/* Point view's vote questions at region `region` (rv is their storage). */
void luxc_simnet_view_votes(const luxc_simnet *net, uint32_t region, luxc_simnet_view *rv,
                            luxc_round_view *view);

#endif /* LUXC_SIM_REGIONS_H */
