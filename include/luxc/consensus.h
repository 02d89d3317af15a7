/* luxc/consensus.h - the consensus layer: parameters, photon sampling, wave
 * threshold rounds (+FPC), focus confidence (snowflake/snowball), the
 * snowman block engine with its prism frontier; horizon finality (votes,
 * certificates, vote sets) is in luxc/horizon.h and the round rule of a
 * height (propose, prevote, precommit, locks) in luxc/rounds.h; this header
 * includes both. The simulator is in luxc/consensus_sim.h.
 *
 * Model (SPEC section 4). One decision runs in phases:
 *   photon  - sample K validators (uniform or stake-weighted, optional
 *             luminance weighting);
 *   wave    - one poll: count the K answers against alpha (or an FPC
 *             per-phase threshold);
 *   focus   - snowflake/snowball confidence: decided after beta
 *             consecutive successful polls;
 *   prism   - blocks form a tree; conflicting children of one parent are
 *             one snowball instance (snowman); a block is decidable only
 *             after its ancestors;
 *   horizon - a block is final only with a certificate: accept votes
 *             signed by validators holding strictly more than 2/3 of the
 *             total stake.
 *
 * The layer depends on libc only: randomness comes through luxc_rng
 * (luxc/rng.h), signatures through luxc_signer / luxc_verifier.
 *
 * Errors: LUXC_OK or a negative luxc_err (luxc/common.h).
 * Thread safety is stated per object below. Rules (focus, wave) are plain
 * values without I/O, clocks, threads or allocation: deterministic. */
#ifndef LUXC_CONSENSUS_H
#define LUXC_CONSENSUS_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/common.h"
#include "luxc/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Parameters (params.c). Immutable values; any thread.
 * ------------------------------------------------------------------- */

#define LUXC_CONSENSUS_MAX_K 1024u   /* bound on K (sample buffers) */

typedef struct luxc_params {
    uint32_t k;                  /* sample size */
    uint32_t alpha_pref;         /* votes for a successful poll */
    uint32_t alpha_conf;         /* votes that also count towards beta */
    uint32_t beta;               /* consecutive successes to decide */
    uint32_t block_time_ms;      /* target block interval (0 = none) */
    uint32_t round_timeout_ms;   /* poll timeout (0 = none) */
    int fpc;                     /* 1: per-phase thresholds (wave.c) */
    double theta_min, theta_max; /* FPC range, within [0.5, 0.8] */
} luxc_params;

/* Presets of SPEC section 4: "default", "mainnet", "testnet", "local",
 * "localbft", "single". FPC off, theta range [0.5, 0.8].
 * Errors: LUXC_EINVAL (NULL), LUXC_ENOTFOUND (unknown name; *out zeroed). */
LUXC_API
LUXC_MUST_CHECK int luxc_params_preset(luxc_params *out, const char *name);

/* Names of the presets, NULL-terminated, static. */
LUXC_API
const char *const *luxc_params_preset_names(void);

/* Check every rule of SPEC section 4:
 *   K >= 1 and K <= LUXC_CONSENSUS_MAX_K;  beta >= 1;
 *   K/2 < alpha_pref  (2*alpha_pref > K);
 *   alpha_pref <= alpha_conf <= K;
 *   alpha/K in [0.66, 1] for alpha_pref (and so alpha_conf);
 *   BFT floor: 2*alpha_pref - K >= f + 1 with f = floor((K-1)/3);
 *   with fpc: 0.5 <= theta_min <= theta_max <= 0.8, both finite.
 * (The stake rule "strictly more than 2/3 of total stake" is fixed in
 * horizon and not a parameter.)
 * On a violation returns LUXC_EPARAM and writes a message naming the rule
 * and the values into err (luxc/common.h's convention: NULL/0 allowed, cut
 * to errlen). On success err gets "". Errors: LUXC_EINVAL (p NULL),
 * LUXC_EPARAM. */
LUXC_API
LUXC_MUST_CHECK int luxc_params_validate(const luxc_params *p, char *err, size_t errlen);

/* ---------------------------------------------------------------------
 * Photon: sampling without replacement (photon.c).
 * A luxc_photon is one thread at a time; _free must not overlap.
 * ------------------------------------------------------------------- */

typedef enum luxc_photon_mode {
    LUXC_PHOTON_UNIFORM = 0, /* each validator equally likely */
    LUXC_PHOTON_STAKE = 1,   /* probability proportional to weight */
} luxc_photon_mode;

/* Luminance in milli-units: start 100.000, x1.1 on a good answer (max
 * 1000.000), x0.9 on a bad one (min 10.000). Integer arithmetic so that
 * runs are bit-identical everywhere. */
#define LUXC_PHOTON_LUM_START 100000u
#define LUXC_PHOTON_LUM_MAX 1000000u
#define LUXC_PHOTON_LUM_MIN 10000u

typedef struct luxc_photon luxc_photon;

/* n validators (1..2^31). stakes: n weights for LUXC_PHOTON_STAKE (NULL
 * means all 1; ignored in UNIFORM mode). luminance: 1 to weight every
 * draw by stake x luminance (forces weighted sampling).
 * Errors: LUXC_EINVAL (out NULL, n 0 or too large, bad mode),
 * LUXC_EOVERFLOW (sum of weights does not fit in u64), LUXC_ENOMEM. */
LUXC_API
LUXC_MUST_CHECK int luxc_photon_new(luxc_photon **out, size_t n, luxc_photon_mode mode,
                                    const uint64_t *stakes, int luminance);
LUXC_API
void luxc_photon_free(luxc_photon *p);

/* Draw k distinct validator indices into out[0..k). Uniform mode is a
 * partial Fisher-Yates shuffle (O(k)); weighted mode draws sequentially
 * with probability weight/remaining and removes each pick (Fenwick tree,
 * O(k log n)). Errors: LUXC_EINVAL (NULL args), LUXC_ERANGE (k larger
 * than n, or than the number of validators with non-zero weight), or the
 * rng's error. out is unspecified on error. */
LUXC_API
LUXC_MUST_CHECK int luxc_photon_sample(luxc_photon *p, const luxc_rng *rng, uint32_t *out,
                                       size_t k);

/* Luminance feedback for validator i: good != 0 multiplies by 1.1, else by
 * 0.9, clamped. Errors: LUXC_EINVAL (i out of range), LUXC_ESTATE
 * (luminance disabled). */
LUXC_API
LUXC_MUST_CHECK int luxc_photon_report(luxc_photon *p, uint32_t i, int good);

/* Luminance (milli-units) of validator i; 0 if i is out of range. */
LUXC_API
uint32_t luxc_photon_luminance(const luxc_photon *p, uint32_t i);

/* ---------------------------------------------------------------------
 * Wave: one poll (wave.c). Pure functions and a plain-value round.
 * ------------------------------------------------------------------- */

/* Result of tallying answers: the choice with the most votes (ties to the
 * lowest choice), its count, and the number of votes counted. */
typedef struct luxc_wave_tally {
    uint32_t choice;
    uint32_t count;
    uint32_t votes;
} luxc_wave_tally;

/* Tally n votes (choice indices < nchoices) using counts[nchoices] as
 * scratch. Votes >= nchoices are ignored (not counted in votes).
 * Errors: LUXC_EINVAL (NULL, nchoices 0). */
LUXC_API
LUXC_MUST_CHECK int luxc_wave_tally_votes(luxc_wave_tally *out, const uint32_t *votes, size_t n,
                                          uint32_t *counts, uint32_t nchoices);

/* FPC (SPEC section 4):
 *   epoch seed = sha256(epoch_be64 || chain_id || prev_block_hash)
 *   theta(phase) = theta_min + (first 8 bytes, big-endian, of
 *                  sha256(seed || phase_be64)) / (2^64 - 1) * (theta_max - theta_min)
 *   threshold = ceil(theta * K). */
#define LUXC_FPC_SEEDBYTES 32u
LUXC_API
void luxc_fpc_epoch_seed(uint8_t seed[LUXC_FPC_SEEDBYTES], uint64_t epoch,
                         const uint8_t chain_id[32], const uint8_t prev_block_hash[32]);
LUXC_API
double luxc_fpc_theta(const uint8_t seed[LUXC_FPC_SEEDBYTES], uint64_t phase, double theta_min,
                      double theta_max);

/* The thresholds of one poll: alpha_pref/alpha_conf from p, or with
 * p->fpc both = ceil(theta(phase) * K) (seed required then).
 * Errors: LUXC_EINVAL (NULL p, out, or seed with fpc). */
LUXC_API
LUXC_MUST_CHECK int luxc_wave_thresholds(const luxc_params *p, const uint8_t *seed,
                                         uint64_t phase, uint32_t *alpha_pref,
                                         uint32_t *alpha_conf);

/* A poll in progress: the sampled validators and their answers. The
 * caller asks the sample, feeds answers as they arrive and closes the
 * round after K answers or when its own round timer fires (no clock here).
 * Plain value; one thread at a time. */
typedef struct luxc_wave_round {
    uint32_t k;
    uint32_t answered;
    uint32_t sampled[LUXC_CONSENSUS_MAX_K];
    uint32_t vote[LUXC_CONSENSUS_MAX_K];
    uint8_t has[LUXC_CONSENSUS_MAX_K];
} luxc_wave_round;

/* Start a round over k sampled validator indices (distinct).
 * Errors: LUXC_EINVAL (NULL, k 0 or > LUXC_CONSENSUS_MAX_K),
 * LUXC_EDUPLICATE (an index sampled twice). */
LUXC_API
LUXC_MUST_CHECK int luxc_wave_round_start(luxc_wave_round *r, const uint32_t *sample, uint32_t k);

/* Record validator v's answer. Errors: LUXC_ENOTMEMBER (v not sampled:
 * unsolicited), LUXC_EDUPLICATE (v already answered: the first answer
 * stands). Returns 1 (not an error) when this answer completed the round. */
LUXC_API
LUXC_MUST_CHECK int luxc_wave_round_answer(luxc_wave_round *r, uint32_t v, uint32_t choice);

/* Tally the answers received so far (missing answers are no votes).
 * counts: nchoices scratch. Errors as luxc_wave_tally_votes. */
LUXC_API
LUXC_MUST_CHECK int luxc_wave_round_close(const luxc_wave_round *r, luxc_wave_tally *out,
                                          uint32_t *counts, uint32_t nchoices);

/* ---------------------------------------------------------------------
 * Focus: snowflake / snowball confidence (focus.c), avalanchego
 * semantics. Plain values; one thread at a time per value.
 * ------------------------------------------------------------------- */

typedef struct luxc_snowflake {
    uint32_t preference;
    uint32_t confidence;   /* consecutive polls >= alpha_conf */
    uint32_t alpha_pref, alpha_conf, beta;
    uint32_t finalized;
} luxc_snowflake;

/* Start with preference `initial`, confidence 0. */
LUXC_API
void luxc_snowflake_init(luxc_snowflake *sf, const luxc_params *p, uint32_t initial);

/* A poll where `choice` got `count` votes out of K:
 *   count < alpha_pref            -> unsuccessful: confidence = 0;
 *   choice != preference          -> preference = choice, confidence = 0;
 *   count >= alpha_conf           -> confidence++, finalized at beta;
 *   alpha_pref <= count < alpha_conf -> confidence = 0 (preference kept).
 * No effect once finalized. */
LUXC_API
void luxc_snowflake_record_poll(luxc_snowflake *sf, uint32_t count, uint32_t choice);
/* Same with explicit thresholds (FPC phases). */
LUXC_API
void luxc_snowflake_record_poll_at(luxc_snowflake *sf, uint32_t count, uint32_t choice,
                                   uint32_t alpha_pref, uint32_t alpha_conf);
LUXC_API
void luxc_snowflake_record_unsuccessful(luxc_snowflake *sf);

/* Snowball = snowflake + per-choice success counts in a caller array
 * (strengths[nchoices], owned by the caller, zeroed by init). The
 * preference is the choice with the most successful polls (a new choice
 * must strictly exceed the current maximum); once finalized the
 * snowflake's choice is the preference. */
typedef struct luxc_snowball {
    luxc_snowflake sf;
    uint32_t preference;
    uint32_t max_strength;
    uint32_t nchoices;
    uint32_t *strengths;
} luxc_snowball;

/* Errors: LUXC_EINVAL (NULL, nchoices 0, initial >= nchoices). */
LUXC_API
LUXC_MUST_CHECK int luxc_snowball_init(luxc_snowball *sb, const luxc_params *p,
                                       uint32_t *strengths, uint32_t nchoices, uint32_t initial);
/* Point at a larger strengths array (contents copied by the caller, new
 * tail zeroed by the caller) when choices are added. Errors: LUXC_EINVAL
 * (nchoices smaller than before). */
LUXC_API
LUXC_MUST_CHECK int luxc_snowball_grow(luxc_snowball *sb, uint32_t *strengths, uint32_t nchoices);
/* Errors: LUXC_EINVAL (choice >= nchoices). */
LUXC_API
LUXC_MUST_CHECK int luxc_snowball_record_poll(luxc_snowball *sb, uint32_t count, uint32_t choice);
LUXC_API
LUXC_MUST_CHECK int luxc_snowball_record_poll_at(luxc_snowball *sb, uint32_t count,
                                                 uint32_t choice, uint32_t alpha_pref,
                                                 uint32_t alpha_conf);
LUXC_API
void luxc_snowball_record_unsuccessful(luxc_snowball *sb);
LUXC_API
uint32_t luxc_snowball_preference(const luxc_snowball *sb);
LUXC_API
int luxc_snowball_finalized(const luxc_snowball *sb);

/* Snowball tree (focus_tree.c): an n-ary decision made bit by bit, as
 * avalanchego's tree.go. Choices 0..n-1 are leaves of a binary trie over
 * their index bits (most significant first); every trie node is a binary
 * snowball fed only the votes that share its prefix. A flat n-ary
 * snowball with many choices rarely sees alpha votes for one choice; the
 * tree always compares two groups, so it converges.
 * One thread at a time; _free must not overlap. */
typedef struct luxc_snowball_tree luxc_snowball_tree;

/* nchoices in 1..65536, initial < nchoices. Errors: LUXC_EINVAL,
 * LUXC_EPARAM (params invalid), LUXC_ENOMEM. *out NULL on failure. */
LUXC_API
LUXC_MUST_CHECK int luxc_snowball_tree_new(luxc_snowball_tree **out, const luxc_params *p,
                                           uint32_t nchoices, uint32_t initial);
LUXC_API
void luxc_snowball_tree_free(luxc_snowball_tree *t);
/* One poll: votes[n] are choice indices (>= nchoices ignored), n <= K.
 * Errors: LUXC_EINVAL (NULL with n > 0, n > LUXC_CONSENSUS_MAX_K). */
LUXC_API
LUXC_MUST_CHECK int luxc_snowball_tree_record_poll(luxc_snowball_tree *t, const uint32_t *votes,
                                                   size_t n);
LUXC_API
uint32_t luxc_snowball_tree_preference(const luxc_snowball_tree *t);
/* 1 when every node on the preferred path has decided. */
LUXC_API
int luxc_snowball_tree_finalized(const luxc_snowball_tree *t);
/* Heap bytes one tree over nchoices allocates (memory accounting). */
LUXC_API
size_t luxc_snowball_tree_bytes(uint32_t nchoices);

/* ---------------------------------------------------------------------
 * Snowman block engine + prism frontier (snowman.c, prism.c).
 * A luxc_snowman is one thread at a time; callbacks run on that thread,
 * inside the call that decided the block, and must not call back into
 * the same engine.
 * ------------------------------------------------------------------- */

#define LUXC_BLOCK_IDBYTES 32u

typedef struct luxc_block {
    uint8_t id[LUXC_BLOCK_IDBYTES];
    uint8_t parent[LUXC_BLOCK_IDBYTES];
    uint64_t height;                       /* parent's height + 1 */
    uint8_t digest[32];                    /* payload digest, carried */
} luxc_block;

/* Decision callbacks, called in height order (accepts strictly ascending;
 * the rejected subtrees of one decision breadth-first). Either may be NULL. */
typedef struct luxc_snowman_cb {
    void (*accepted)(void *ctx, const luxc_block *b);
    void (*rejected)(void *ctx, const luxc_block *b);
    void *ctx;
} luxc_snowman_cb;

typedef struct luxc_snowman_cfg {
    luxc_params params;
    luxc_block genesis;        /* the last accepted block at start */
    luxc_snowman_cb cb;
    uint32_t max_blocks;       /* processing + pending bound (0 = 65536) */
    uint32_t max_pending;      /* pending (unknown parent) bound (0 = 1024) */
} luxc_snowman_cfg;

typedef struct luxc_snowman luxc_snowman;

/* Errors: LUXC_EINVAL (NULL), LUXC_EPARAM (params fail validation),
 * LUXC_ENOMEM. *out NULL on failure. */
LUXC_API
LUXC_MUST_CHECK int luxc_snowman_new(luxc_snowman **out, const luxc_snowman_cfg *cfg);
LUXC_API
void luxc_snowman_free(luxc_snowman *s);

/* Add a block.
 *   known id (processing, pending or the last accepted) -> LUXC_OK, no-op;
 *   height <= last accepted height               -> LUXC_ESTALE;
 *   parent unknown                                -> held pending, LUXC_OK;
 *     joins (with its pending descendants) when the parent is added;
 *   parent known but height != parent height + 1  -> LUXC_EINVAL;
 *   bounds reached -> LUXC_EFULL; allocation -> LUXC_ENOMEM (no change). */
LUXC_API
LUXC_MUST_CHECK int luxc_snowman_add(luxc_snowman *s, const luxc_block *b);

/* Record one poll: votes[n] are block ids (one per answering validator).
 * A vote for a block counts for its processing ancestors; votes for
 * unknown or decided blocks are dropped. Each parent whose children got
 * votes runs one poll of its instance: as in avalanchego, conflicting
 * children are decided bit by bit over their ids (a binary snowball at
 * each branching bit, alpha_pref successful, alpha_conf confidence) and
 * the chosen child itself needs beta successful polls; children that
 * were not polled successfully, and their subtrees, have confidence
 * reset (transitive falter); an empty poll falters the whole tree. A finalized instance at the last accepted block
 * accepts its preference (transitively, in height order) and rejects the
 * other children's subtrees. Errors: LUXC_EINVAL (NULL with n > 0),
 * LUXC_ENOMEM (no state changed). */
LUXC_API
LUXC_MUST_CHECK int luxc_snowman_record_poll(luxc_snowman *s, const uint8_t (*votes)[32],
                                             size_t n);
/* Same with explicit thresholds (FPC phase thresholds, luxc_wave_thresholds). */
LUXC_API
LUXC_MUST_CHECK int luxc_snowman_record_poll_at(luxc_snowman *s, const uint8_t (*votes)[32],
                                                size_t n, uint32_t alpha_pref,
                                                uint32_t alpha_conf);

/* The preferred tip: follow each instance's preference from the last
 * accepted block. */
LUXC_API
void luxc_snowman_preference(const luxc_snowman *s, uint8_t id[LUXC_BLOCK_IDBYTES]);
LUXC_API
void luxc_snowman_last_accepted(const luxc_snowman *s, uint8_t id[LUXC_BLOCK_IDBYTES],
                                uint64_t *height);
LUXC_API
size_t luxc_snowman_num_processing(const luxc_snowman *s);
LUXC_API
size_t luxc_snowman_num_pending(const luxc_snowman *s);
/* 1 if id is processing (added, joined, undecided), else 0. */
LUXC_API
int luxc_snowman_is_processing(const luxc_snowman *s, const uint8_t id[LUXC_BLOCK_IDBYTES]);

/* Prism (prism.c): views of the undecided tree.
 * Each writes up to cap ids into out and the number that exist into *n
 * (may exceed cap: call again with a larger buffer). Errors: LUXC_EINVAL. */
/* Decidable blocks: processing blocks whose parent is the last accepted
 * block (a block is decidable only after all its ancestors are). */
LUXC_API
LUXC_MUST_CHECK int luxc_prism_decidable(const luxc_snowman *s, uint8_t (*out)[32], size_t cap,
                                         size_t *n);
/* Frontier: processing blocks with no processing children (the tips). */
LUXC_API
LUXC_MUST_CHECK int luxc_prism_frontier(const luxc_snowman *s, uint8_t (*out)[32], size_t cap,
                                        size_t *n);
/* Transitive closure: the processing ancestors of id (nearest first,
 * excluding id and the last accepted block). Errors: LUXC_ENOTFOUND. */
LUXC_API
LUXC_MUST_CHECK int luxc_prism_ancestors(const luxc_snowman *s, const uint8_t id[32],
                                         uint8_t (*out)[32], size_t cap, size_t *n);
/* Transitive closure downwards: every processing descendant of id (the
 * last accepted id allowed), breadth-first. Errors: LUXC_ENOTFOUND. */
LUXC_API
LUXC_MUST_CHECK int luxc_prism_descendants(const luxc_snowman *s, const uint8_t id[32],
                                           uint8_t (*out)[32], size_t cap, size_t *n);
/* Lowest common ancestor of a and b (each processing or the last
 * accepted block; the last accepted block is the ancestor of everything).
 * A block is its own ancestor. Errors: LUXC_ENOTFOUND. */
LUXC_API
LUXC_MUST_CHECK int luxc_prism_lca(const luxc_snowman *s, const uint8_t a[32],
                                   const uint8_t b[32], uint8_t out[32]);

#ifdef __cplusplus
}
#endif

/* The horizon rules (votes, certificates, vote sets) have a header of
 * their own; it is part of this layer's API. */
#include "luxc/horizon.h"
#include "luxc/rounds.h"

#endif /* LUXC_CONSENSUS_H */
