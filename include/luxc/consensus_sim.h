/* luxc/consensus_sim.h - deterministic simulator of a snowman network.
 *
 * Model: N virtual validators with equal stake in one process; a
 * seeded-random fraction is Byzantine. Heights are decided one after
 * another (lock-step): at each height `candidates` conflicting blocks
 * exist (candidate 0 is the honest proposer's, the last one the
 * Byzantine block) and each honest validator starts preferring a random
 * one (network arrival order). In every synchronous round each undecided
 * honest validator samples K validators (photon, uniform), collects their
 * preferences as of the previous round (or older, with delay), and runs
 * one snowball poll (wave + focus). Decided validators keep answering
 * with their decision. A height ends when every protocol-running honest
 * validator has decided, or after max_rounds (then it is "stalled").
 *
 * Byzantine strategies: honest (they follow the protocol), fixed (always
 * answer and sign the Byzantine block), random (a random candidate per
 * answer and signature), equivocate (tell each querier the candidate it
 * does NOT prefer, and sign every candidate), silent (never answer or
 * sign). Loss drops each answer independently with probability `loss`;
 * delay makes each answer reflect the responder's state up to `delay`
 * rounds old.
 *
 * Finality (horizon): a candidate is certified when validators holding
 * strictly more than 2/3 of stake (honest ones that decided it plus the
 * Byzantine ones that sign it) signed accept. Signatures are counted, not
 * computed (that is the crypto layer's cost, benchmarked there).
 *
 * Determinism: all randomness comes from one xoshiro256** stream seeded
 * with `seed`, consumed in a fixed order; no clock is read. One seed, one
 * configuration -> one result, bit for bit.
 *
 * Thread safety: luxc_sim_run is reentrant (no shared state). */
#ifndef LUXC_CONSENSUS_SIM_H
#define LUXC_CONSENSUS_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/consensus.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum luxc_sim_strategy {
    LUXC_SIM_HONEST = 0,
    LUXC_SIM_FIXED,
    LUXC_SIM_RANDOM,
    LUXC_SIM_EQUIVOCATE,
    LUXC_SIM_SILENT,
} luxc_sim_strategy;

#define LUXC_SIM_MAX_NODES 10000000u
#define LUXC_SIM_MAX_CANDIDATES 255u
#define LUXC_SIM_MAX_DELAY 64u

typedef struct luxc_sim_cfg {
    uint32_t nodes;             /* >= 1 and >= params.k */
    double byzantine;           /* fraction in [0, 1): floor(fraction * nodes) */
    uint32_t blocks;            /* heights to decide, >= 1 */
    uint64_t seed;
    luxc_sim_strategy strategy;
    double loss;                /* [0, 1] */
    uint32_t delay;             /* max answer age in rounds, <= LUXC_SIM_MAX_DELAY */
    uint32_t candidates;        /* conflicting blocks per height, 1..255 (0 = 2) */
    luxc_params params;         /* validated; with fpc, per-round thresholds */
    uint32_t max_rounds;        /* per height (0 = 1000) */
    /* Called after each height (may be NULL). */
    void (*progress)(void *ctx, uint32_t height, uint64_t rounds);
    void *progress_ctx;
} luxc_sim_cfg;

typedef struct luxc_sim_result {
    uint32_t nodes, byzantine_nodes;
    uint32_t blocks;                 /* heights run */
    uint32_t blocks_finalized;       /* heights with a certified candidate */
    uint64_t rounds;                 /* total rounds over all heights */
    uint32_t max_rounds_per_block;
    double mean_rounds_per_block;
    int agreement;                   /* every honest validator decided the
                                        same block at every height */
    uint32_t safety_violations;      /* heights where two honest validators
                                        decided different blocks */
    uint32_t conflicting_certificates; /* heights with two certified blocks */
    uint32_t stalled_blocks;         /* heights where some honest validator
                                        had not decided at max_rounds */
    uint32_t byzantine_wins;         /* heights the Byzantine block won */
    uint64_t polls, votes, lost;     /* polls run, answers counted, dropped */
    uint64_t bytes;                  /* memory the simulation allocated */
    double bytes_per_validator;
} luxc_sim_result;

/* Fill cfg with defaults: preset "default", 2 candidates, honest. */
LUXC_API
void luxc_sim_defaults(luxc_sim_cfg *cfg);

/* Parse a strategy name ("honest", "fixed", "random", "equivocate",
 * "silent"). Errors: LUXC_EINVAL. */
LUXC_API
LUXC_MUST_CHECK int luxc_sim_strategy_parse(const char *name, luxc_sim_strategy *out);
LUXC_API
const char *luxc_sim_strategy_name(luxc_sim_strategy s);

/* Run the simulation. Errors: LUXC_EINVAL (NULL, bad ranges),
 * LUXC_EPARAM (params invalid), LUXC_ERANGE (K > nodes),
 * LUXC_ENOMEM. *res is zeroed first. */
LUXC_API
LUXC_MUST_CHECK int luxc_sim_run(const luxc_sim_cfg *cfg, luxc_sim_result *res);

#ifdef __cplusplus
}
#endif
#endif /* LUXC_CONSENSUS_SIM_H */
