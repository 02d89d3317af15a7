/* luxc/node.h - a validator's consensus core: proposes blocks by leader
 * rotation, runs the round rule of docs/CONSENSUS.md (Tendermint's
 * PROPOSAL / PREVOTE / PRECOMMIT with a lock; in round 0 the prevote is
 * the block its snowman race over sampled peers decided), and finalizes a
 * block only with a horizon certificate: ML-DSA-65-signed PRECOMMITs for
 * it from more than 2/3 of stake in one round.
 *
 * The core does no I/O of its own: messages go out through cfg.io.send and
 * come in through luxc_node_receive; time comes in through luxc_node_tick.
 * So the same code runs in `luxc node` (ZeroMQ transport, the program's
 * runtime) and in deterministic in-process tests with a simulated network.
 *
 * Heights move one at a time: the block at height h is proposed on top of
 * the finalized block h-1 and finalized before h+1 is proposed. The leader
 * of (height, round) is validator (height + round) mod n. A validator signs
 * at most one PREVOTE and one PRECOMMIT per round, each persisted in the
 * store before it is sent, so a restart can neither double-sign nor forget
 * its lock; two conflicting certificates would need more than 1/3 of stake
 * to sign twice. Rounds' timeouts grow, so once the network is timely every
 * honest validator finalizes again, whatever happened before.
 *
 * A node that falls behind (restart, partition) asks peers for finalized
 * blocks with their certificates and verifies each certificate before it
 * stores the block.
 *
 * Thread safety: one thread at a time per luxc_node (the runtime's loop);
 * luxc_node_status may be called from that thread only - the runtime
 * publishes copies for other threads. */
#ifndef LUXC_NODE_H
#define LUXC_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/common.h"
#include "luxc/consensus.h"
#include "luxc/keys.h"
#include "luxc/log.h"
#include "luxc/node_config.h"
#include "luxc/store.h"
#include "luxc/upgrade.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How this node behaves; anything but HONEST is for Byzantine testing. */
typedef enum luxc_behaviour {
    LUXC_HONEST = 0,
    LUXC_SILENT = 1,     /* never answers, proposes or votes */
    LUXC_RANDOM = 2,     /* answers polls with random ids, votes for any proposal */
    LUXC_EQUIVOCATE = 3, /* as leader proposes two blocks; signs every proposal */
} luxc_behaviour;

/* Parse "honest", "silent", "random", "equivocate"; -1 if unknown. */
LUXC_API
int luxc_behaviour_parse(const char *s);

typedef struct luxc_node_io {
    /* Send msg to validator `peer` (never self). Best effort: a lost
     * message is recovered by timeouts. Return value is only counted. */
    int (*send)(void *ctx, uint32_t peer, const uint8_t *msg, size_t len);
    void *ctx;
} luxc_node_io;

/* The model hook: score a proposal (>= 0 approve) and learn from its
 * outcome (+1 finalized, -1 lost); decide an upgrade proposal (1 approve,
 * 0 reject: this node's initial vote, the network then decides). Any may be
 * NULL (score 0.5, upgrades approved). */
typedef struct luxc_node_model {
    double (*score)(void *ctx, const uint8_t *block, size_t len, uint64_t now_us);
    void (*learn)(void *ctx, const uint8_t *block, size_t len, double feedback);
    int (*upgrade)(void *ctx, const luxc_upgrade_proposal *u);
    void *ctx;
} luxc_node_model;

/* Called after a block is durably final (stored with its certificate). */
typedef void (*luxc_node_final_fn)(void *ctx, uint64_t height, const uint8_t id[32],
                                   const uint8_t *block, size_t len, double latency_ms);

typedef struct luxc_node_cfg {
    const luxc_genesis *genesis; /* borrowed; outlives the node */
    uint32_t self;               /* own validator index in genesis */
    const luxc_keypair *keys;    /* copied */
    luxc_params params;          /* validated by luxc_node_new */
    luxc_store *store;           /* borrowed; NULL = memory only (tests) */
    luxc_node_io io;
    luxc_node_model model;
    luxc_node_final_fn on_final;
    void *on_final_ctx;
    /* Events (luxc/common.h): NULL = silent. Only levels <= log_level are
     * formatted and passed on (0 = LUXC_LOG_ERROR only); a luxc_logger
     * plugs in as log = luxc_logger_sink, log_ctx = the logger, log_level
     * = its level. Called on the thread that calls into the node. */
    luxc_log_fn log;
    void *log_ctx;
    luxc_log_level log_level;
    luxc_behaviour behaviour;
    uint64_t seed;               /* sampling RNG seed; 0 = from the OS */
    uint32_t max_block_txs;      /* 0 = 1000 */
    uint32_t round_timeout_ms;   /* 0 = max(params.round_timeout_ms, 200) */
    uint32_t poll_timeout_ms;    /* 0 = max(params.round_timeout_ms, 20) */
    uint32_t mempool_max;        /* 0 = 100000 transactions */
    uint64_t genesis_time_us;    /* 0 = genesis->genesis_time * 10^6 */
    /* 1: a worker thread signs our votes and commits them and final blocks
     * (FIFO, each durable before it is sent or reported), so the loop never
     * blocks on fsync; watch luxc_node_event_fd and tick when it is
     * readable. 0: all of it inline (deterministic tests). Needs a store. */
    int async;
} luxc_node_cfg;

typedef struct luxc_node luxc_node;

/* Build the core and recover from cfg.store (last finalized block, own
 * vote in flight). Errors: LUXC_EINVAL, LUXC_EPARAM (params), LUXC_ENOMEM,
 * LUXC_ECORRUPT (store inconsistent with the genesis), store errors. */
LUXC_API
LUXC_MUST_CHECK int luxc_node_new(luxc_node **out, const luxc_node_cfg *cfg);
LUXC_API
void luxc_node_free(luxc_node *n);

/* Handle one message from validator `from`. Malformed or invalid messages
 * are dropped and counted (luxc_node_status); the return value says why
 * (LUXC_OK when used or harmlessly ignored). */
LUXC_API
int luxc_node_receive(luxc_node *n, uint32_t from, const uint8_t *msg, size_t len,
                      uint64_t now_us);

/* Run timers: propose, poll, round change, vote resend, sync, and take the
 * worker's finished jobs. now_us is Unix microseconds (wall clock; block
 * timestamps and latency use it). *next_us gets when to call again at the
 * latest. Returns LUXC_OK, or the store error that stopped the node (a
 * final block or our vote could not be made durable: the node must exit). */
LUXC_API
int luxc_node_tick(luxc_node *n, uint64_t now_us, uint64_t *next_us);

/* With cfg.async: a file descriptor that becomes readable when the worker
 * finished a job (call luxc_node_tick then); else -1. */
LUXC_API
int luxc_node_event_fd(const luxc_node *n);

/* Queue a transaction (1..LUXC_TX_MAX bytes) for a future block.
 * LUXC_EINVAL (size), LUXC_EFULL (mempool full): counted as dropped. */
LUXC_API
int luxc_node_submit_tx(luxc_node *n, const uint8_t *tx, size_t len);

typedef struct luxc_node_status {
    uint64_t height;              /* last finalized height that is durable */
    uint8_t last_id[32];
    uint32_t round;
    uint64_t blocks_finalized;    /* since start (incl. synced) */
    uint64_t blocks_synced;
    uint64_t txs_finalized;
    uint64_t proposals_made, votes_sent, polls_run;
    uint64_t msgs_in, msgs_out, bytes_in, bytes_out;
    uint64_t dropped_msgs;        /* malformed or invalid messages */
    uint64_t dropped_txs;
    uint64_t equivocations_seen;  /* validators caught signing twice */
    uint64_t proposals_evicted;   /* blocks the full proposal table gave up */
    uint64_t mempool_len;
    uint64_t upgrades_pending;    /* proposals seen in final blocks, undecided */
    uint64_t upgrades_approved, upgrades_rejected; /* decided by the network */
    double last_latency_ms;       /* proposal timestamp -> final, last block */
    double latency_p50_ms, latency_p99_ms; /* over the last 1024 blocks */
    uint64_t latency_samples;     /* blocks behind those percentiles (<= 1024) */
} luxc_node_status;

LUXC_API
void luxc_node_status_get(const luxc_node *n, luxc_node_status *out);

#ifdef __cplusplus
}
#endif
#endif
