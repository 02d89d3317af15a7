/* sim_poll.h - what the simulator's two finality models share
 * (sim.c: the snowman race alone; sim_rounds.c: the race feeding the
 * round rule, luxc/rounds.h): the validators, their preferences and the
 * one snowball poll (sim_poll.c, which both call). Not part of the public
 * API. */
#ifndef LUXC_SIM_POLL_H
#define LUXC_SIM_POLL_H

#include "luxc/consensus_sim.h"
#include "luxc/rng.h"

typedef struct sim {
    const luxc_sim_cfg *cfg;
    uint32_t n, c, h;          /* nodes, candidates, history slots */
    uint32_t nbyz;
    double loss;               /* now: the network's loss and delay, which */
    uint32_t delay;            /* the rounds model turns off at GST */
    uint8_t *byz;              /* 1 = Byzantine */
    uint8_t *hist;             /* h slots x n preferences, slot-major */
    uint8_t *decided;          /* snowball: 0 = undecided, else choice + 1 */
    luxc_snowball *sb;
    uint32_t *strengths;       /* n x c */
    uint32_t *sample;
    uint32_t *counts;
    uint64_t *dec, *signed_c;  /* per candidate: honest decisions, signers */
    luxc_snowball_tree **trees; /* more than 2 candidates: bitwise trees */
    uint32_t *votes;           /* K answers of one poll (trees) */
    luxc_photon *photon;
    luxc_xoshiro x;
    uint64_t bytes;
} sim;

/* calloc that counts what the run allocated (res->bytes). */
void *luxc_sim_alloc(sim *s, size_t n, size_t size);

/* Validator i's snowball starts a height preferring `init`, and every
 * history slot says so. */
int luxc_sim_snowball_start(sim *s, uint32_t i, uint8_t init);

/* One poll of honest validator i in round r: K answers as of round r - 1
 * (or older, with delay), lost with s->loss. */
int luxc_sim_poll(sim *s, uint32_t i, uint64_t r, uint32_t ap, uint32_t ac,
                       luxc_sim_result *res);

/* Validator i's snowball preference, and whether it decided. */
uint32_t luxc_sim_preference(const sim *s, uint32_t i);
int luxc_sim_finalized(const sim *s, uint32_t i);

/* The FPC seed of `height` (zero without fpc). */
void luxc_sim_fpc_seed(const sim *s, uint32_t height, uint8_t seed[LUXC_FPC_SEEDBYTES]);

/* Draw in [0, 1). */
static inline double luxc_sim_uniform(luxc_xoshiro *x)
{
    return (double)(luxc_xoshiro_next(x) >> 11) * 0x1p-53;
}

#endif /* LUXC_SIM_POLL_H */
