/* luxc/rounds.h - the round rule of one height: when a validator proposes,
 * prevotes, precommits, moves to another round and decides (Tendermint's
 * Algorithm 1, Buchman, Kwon and Milosevic 2018; docs/CONSENSUS.md says
 * how we use it and why it is safe and live).
 *
 * The rule is a plain state machine without I/O or clocks: the caller
 * gives it what it has seen through a luxc_round_view (proposals, the
 * votes, whether a block is held and valid, the snowman choice of round 0)
 * and the time, and gets back one action at a time. For each action the
 * caller must make the step durable before anything of it leaves the node
 * (a signed vote, a proposal): luxc_rounds_state() is what to persist, and
 * luxc_rounds_restore() takes it back after a restart. The state changes as
 * the action is returned, so an action whose persistence fails is never
 * retried for that round (the node logs and counts it, and stays silent
 * there rather than risk a second, different vote).
 *
 * The node (src/node) drives it with real votes counted in a
 * luxc_heightvotes; the simulator (luxc sim) drives the same rule with
 * aggregate counts, so what the simulator shows is what the node does.
 * Thread safety: one thread at a time per luxc_rounds. */
#ifndef LUXC_ROUNDS_H
#define LUXC_ROUNDS_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/common.h"
#include "luxc/horizon.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LUXC_NO_ROUND UINT32_MAX

typedef enum luxc_round_step {
    LUXC_STEP_PROPOSE = 0,
    LUXC_STEP_PREVOTE = 1,
    LUXC_STEP_PRECOMMIT = 2,
} luxc_round_step;

/* What the rule needs to persist (and what a restart restores). */
typedef struct luxc_round_state {
    uint32_t round;
    uint8_t step;            /* luxc_round_step */
    uint8_t proposed;        /* we sent this round's proposal */
    uint32_t locked_round;   /* LUXC_NO_ROUND: not locked */
    uint8_t locked_id[32];
    uint32_t valid_round;    /* LUXC_NO_ROUND: none */
    uint8_t valid_id[32];
} luxc_round_state;

typedef enum luxc_round_act {
    LUXC_ACT_NONE = 0,
    LUXC_ACT_PROPOSE,   /* we lead `round`: propose id with valid_round, or,
                           when valid_round is LUXC_NO_ROUND, a block of our
                           choosing (id is zero) */
    LUXC_ACT_PREVOTE,   /* sign and send PREVOTE(round, id); zero id = nil */
    LUXC_ACT_PRECOMMIT, /* sign and send PRECOMMIT(round, id); zero = nil */
    LUXC_ACT_ROUND,     /* we moved to `round` (nothing to send) */
    LUXC_ACT_DECIDE,    /* id is final with the precommits of `round` */
} luxc_round_act;

typedef struct luxc_round_action {
    luxc_round_act act;
    uint32_t round;
    uint8_t id[32];
    uint32_t valid_round; /* PROPOSE */
} luxc_round_action;

/* What the caller has seen. Every callback is required. */
typedef struct luxc_round_view {
    void *ctx;
    /* 1 when we lead `round` of this height. */
    int (*leads)(void *ctx, uint32_t round);
    /* The proposal of `round` from its leader: 1 with the block id and the
     * valid round it came with, 0 when none has arrived. */
    int (*proposal)(void *ctx, uint32_t round, uint8_t id[32], uint32_t *valid_round);
    /* 1 when the block is held and passes the chain's checks. */
    int (*valid)(void *ctx, const uint8_t id[32]);
    /* Round 0 only: 1 with the block this validator's snowman race
     * decided, 0 while it has not. */
    int (*choice)(void *ctx, uint8_t id[32]);
    /* The votes (luxc_round_view_votes fills these from a heightvotes). */
    const void *votes;
    int (*majority)(const void *votes, luxc_vote_phase phase, uint32_t round, uint8_t id[32]);
    int (*any_quorum)(const void *votes, luxc_vote_phase phase, uint32_t round);
    int (*skip_round)(const void *votes, uint32_t after, uint32_t *round);
    int (*decided)(const void *votes, uint32_t *round, uint8_t id[32]);
} luxc_round_view;

/* Point view's vote questions at a luxc_heightvotes. */
LUXC_API
void luxc_round_view_votes(luxc_round_view *view, const luxc_heightvotes *hv);

/* Timeouts of round r: base + r * step_up, per step (microseconds). They
 * grow without bound, so after GST some round's timeouts are long enough. */
typedef struct luxc_rounds_cfg {
    uint64_t propose_us, prevote_us, precommit_us;
    uint64_t step_up_us;
} luxc_rounds_cfg;

typedef struct luxc_rounds luxc_rounds;

/* Errors: LUXC_EINVAL (NULL, a zero base timeout), LUXC_ENOMEM. */
LUXC_API
LUXC_MUST_CHECK int luxc_rounds_new(luxc_rounds **out, const luxc_rounds_cfg *cfg);
LUXC_API
void luxc_rounds_free(luxc_rounds *r);

/* A new height: round 0, nothing locked; round 0's propose timeout runs
 * from start_us (when the height's block is due). */
LUXC_API
void luxc_rounds_start(luxc_rounds *r, uint64_t start_us);
/* After a restart: the persisted state of this height; its round's timers
 * run from now_us. LUXC_EINVAL on NULL or an inconsistent state (a step
 * out of range, a lock above the round). */
LUXC_API
LUXC_MUST_CHECK int luxc_rounds_restore(luxc_rounds *r, const luxc_round_state *st,
                                        uint64_t now_us);
LUXC_API
const luxc_round_state *luxc_rounds_state(const luxc_rounds *r);

/* Apply the rule once: 1 with *act set when there is something to do (call
 * again: there may be more), 0 when nothing is due now; *wake_us (may be
 * NULL) gets the time the next timeout falls due. Deciding ends the height:
 * after LUXC_ACT_DECIDE the rule does nothing until luxc_rounds_start. */
LUXC_API
int luxc_rounds_step(luxc_rounds *r, const luxc_round_view *view, uint64_t now_us,
                     luxc_round_action *act, uint64_t *wake_us);

/* The timeout of `step` in `round`. */
LUXC_API
uint64_t luxc_rounds_timeout(const luxc_rounds *r, luxc_round_step step, uint32_t round);

#ifdef __cplusplus
}
#endif
#endif /* LUXC_ROUNDS_H */
