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
 * Finality (rounds, the default): what the node runs. The race above
 * only gives each honest validator its round-0 choice; the round rule
 * of luxc/rounds.h - the same code the node drives - then decides, one
 * luxc_rounds per honest validator, with proposals, prevotes, precommits,
 * locks and growing timeouts. Time is counted in ticks, one tick = one
 * poll round. Messages of the rule are broadcast; a lost one is sent
 * again (as the node resends its votes), so loss delays, it never
 * silences. Before GST (cfg.gst) each message waits 1 + a random number
 * up to `delay` ticks plus the resends that `loss` costs; from GST on
 * every message arrives at the next tick. Validators sit in
 * min(nodes, LUXC_SIM_REGIONS) regions (validator i in region i mod
 * regions): a message reaches a region's validators together, so with
 * up to 64 validators every validator has its own view and 10,000
 * validators cost as much network as 64. Byzantine validators (other
 * than honest) vote and propose in every round the honest ones reach,
 * at once and without loss: fixed always for the last candidate,
 * random and equivocate a different candidate to different regions
 * (and sign every one), silent never. A crash (cfg.crash, before GST
 * only) stops an honest validator for `down` ticks; it comes back with
 * the state it persisted (luxc_rounds_restore) and a fresh snowball. A
 * height ends when every honest validator decided, or is "stalled"
 * after max_rounds ticks. Certificates are counted from the precommits
 * actually signed: a conflict is two blocks each with > 2/3 of stake.
 *
 * Finality (snowman): the race alone, as the reference simulates it: a
 * validator's snowball decision is its final answer.
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

typedef enum luxc_sim_finality {
    LUXC_SIM_FINALITY_ROUNDS = 0,  /* the node's rule (default) */
    LUXC_SIM_FINALITY_SNOWMAN,     /* the snowman race's decisions */
} luxc_sim_finality;

#define LUXC_SIM_MAX_NODES 10000000u
#define LUXC_SIM_MAX_ROUNDS_NODES 1000000u /* rounds: one rule each */
#define LUXC_SIM_REGIONS 64u
#define LUXC_SIM_NO_GST UINT64_MAX
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
    uint32_t max_rounds;        /* per height, in ticks (0 = 1000) */
    luxc_sim_finality finality;
    uint64_t gst;               /* rounds: tick from which the network is
                                   timely (LUXC_SIM_NO_GST: never) */
    double crash;               /* rounds: per honest validator and tick
                                   before GST, probability of a crash */
    uint32_t down;              /* rounds: ticks a crashed one is down (0 = 10) */
    uint32_t round_ticks;       /* rounds: propose timeout of round 0 in
                                   ticks (0 = beta + 4); the vote steps
                                   and each later round add half of it */
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
    /* rounds finality only: */
    uint64_t consensus_rounds;       /* rounds of the rule used, all heights */
    uint32_t max_consensus_rounds;   /* most rounds one height used */
    uint32_t heights_after_gst;      /* heights that started at or after GST */
    uint32_t stalled_heights_after_gst;
    uint32_t max_rounds_after_gst;   /* most rule rounds such a height used */
    uint64_t crashes;
    uint64_t polls, votes, lost;     /* polls run, answers counted, dropped
                                        (rounds: and rule messages resent) */
    uint64_t bytes;                  /* memory the simulation allocated */
    double bytes_per_validator;
} luxc_sim_result;

/* Fill cfg with defaults: preset "default", 2 candidates, honest, rounds
 * finality, no GST. */
LUXC_API
void luxc_sim_defaults(luxc_sim_cfg *cfg);

/* Parse a strategy name ("honest", "fixed", "random", "equivocate",
 * "silent"). Errors: LUXC_EINVAL. */
LUXC_API
LUXC_MUST_CHECK int luxc_sim_strategy_parse(const char *name, luxc_sim_strategy *out);
LUXC_API
const char *luxc_sim_strategy_name(luxc_sim_strategy s);

/* Parse "rounds" or "snowman". Errors: LUXC_EINVAL. */
LUXC_API
LUXC_MUST_CHECK int luxc_sim_finality_parse(const char *name, luxc_sim_finality *out);

/* Run the simulation. Errors: LUXC_EINVAL (NULL, bad ranges; rounds
 * finality above LUXC_SIM_MAX_ROUNDS_NODES),
 * LUXC_EPARAM (params invalid), LUXC_ERANGE (K > nodes),
 * LUXC_ENOMEM. *res is zeroed first. */
LUXC_API
LUXC_MUST_CHECK int luxc_sim_run(const luxc_sim_cfg *cfg, luxc_sim_result *res);

#ifdef __cplusplus
}
#endif
#endif /* LUXC_CONSENSUS_SIM_H */
