/* node_int.h - the inside of luxc_node (luxc/node.h), shared by its files:
 *   node.c        lifecycle, status, mempool, message dispatch, timers
 *   node_height.c one height's race: proposals, the snowman engine, polls
 *   node_final.c  votes, certificates, finalization, catch-up (sync)
 * One thread at a time (the runtime loop); no locks inside. */
#ifndef LUXC_NODE_INT_H
#define LUXC_NODE_INT_H

#include "luxc/chain_block.h"
#include "luxc/node.h"
#include "luxc/node_wire.h"
#include "luxc/rng.h"

#include <pthread.h>

#define NODE_MAX_PROPOSALS 16u
#define NODE_LATENCY_RING 1024u
#define NODE_FUTURE_MAX 64u       /* buffered messages for the next height */
#define NODE_VOTE_CTX "luxc/vote/v1"
#define NODE_MAX_UPGRADES 16u
#define NODE_MSG_MAX (1u + LUXC_CHAIN_BLOCK_MAXBYTES + 4u + LUXC_WIRE_CERT_MAX)

typedef struct node_proposal {
    uint8_t id[32];
    uint8_t *bytes; /* the encoded block (owned) */
    size_t len;
    luxc_chain_block hdr; /* payload points into bytes */
    double score;
    int in_engine;
} node_proposal;


/* An upgrade proposal the network is deciding (node_upgrade.c). */
typedef struct node_upgrade {
    uint8_t id[32];
    luxc_upgrade_proposal u;
    luxc_snowball sb;
    uint32_t strengths[2];
    int reported; /* decision logged and counted */
} node_upgrade;

typedef struct node_future {
    uint32_t from;
    uint8_t *msg;
    size_t len;
} node_future;

/* Work for the durability worker (node_worker.c). */
typedef enum node_job_kind { NODE_JOB_VOTE = 1, NODE_JOB_ACCEPT = 2 } node_job_kind;

typedef struct node_job {
    node_job_kind kind;
    uint64_t height;
    uint8_t id[32], parent[32];
    uint8_t *block; /* owned: the voted-for / finalized block */
    size_t block_len;
    uint8_t *cert;  /* ACCEPT: owned certificate */
    size_t cert_len;
    int synced;     /* ACCEPT: came from catch-up */
    luxc_vote vote; /* VOTE: what to sign */
    uint8_t *wire;  /* VOTE result: the signed vote message, owned */
    size_t wire_len;
    int rc;
    int pruned_failed;
    struct node_job *next;
} node_job;

typedef struct node_worker node_worker;

typedef struct node_tx {
    uint16_t len;
    uint8_t *data;
} node_tx;

struct luxc_node {
    /* configuration */
    const luxc_genesis *genesis;
    uint32_t self, n;
    luxc_keypair keys;
    luxc_params params;
    luxc_store *store;
    luxc_node_io io;
    luxc_node_model model;
    luxc_node_final_fn on_final;
    void *on_final_ctx;
    const luxc_logger *log;
    luxc_behaviour behaviour;
    uint32_t max_block_txs, mempool_max;
    uint64_t round_timeout_us, poll_timeout_us, block_time_us;
    uint8_t chain_id[32];
    uint64_t *stakes;
    luxc_cert_member *members; /* consensus view of the set (ML-DSA keys) */
    uint64_t total_stake;

    /* randomness for sampling */
    luxc_photon *photon;
    luxc_xoshiro xo;
    luxc_rng rng;

    /* last finalized block */
    uint64_t height;
    uint8_t last_id[32];
    luxc_chain_block last_hdr; /* payload NULL */
    uint64_t last_final_us;

    /* the race for height + 1 */
    uint32_t round;
    uint64_t round_start_us;
    uint32_t proposed_round; /* UINT32_MAX: not proposed at this height */
    uint64_t proposal_sent_us;
    node_proposal proposals[NODE_MAX_PROPOSALS];
    uint32_t nproposals;
    luxc_snowman *engine;
    int decided;
    uint8_t decided_id[32];
    struct {
        int active;
        uint32_t req;
        uint64_t start_us;
        uint32_t k;
        uint32_t sampled[LUXC_CONSENSUS_MAX_K];
        uint8_t answered[LUXC_CONSENSUS_MAX_K];
        uint32_t nvotes;
        uint8_t (*votes)[32]; /* k entries */
        int settled; /* the outcome cannot change any more: close now */
    } poll;
    uint32_t next_req;
    uint64_t rtt_us; /* smoothed time for a poll answer (EWMA 1/8) */
    luxc_voteset *votes; /* the votes for height + 1 (consensus/voteset.c) */
    int voted;
    uint8_t my_vote_msg[LUXC_VOTE_BYTES];
    uint8_t *my_vote_wire;
    size_t my_vote_wire_len;
    uint64_t vote_sent_us;
    uint8_t *recovered_vote; /* our vote found in the store at start */
    size_t recovered_vote_len;
    uint8_t asked[8][32]; /* blocks we asked peers for (GET_BLOCK), a ring */
    uint32_t asked_pos;
    uint8_t want_id[32]; /* a block certified (or chit-named) we lack */
    int want;
    uint64_t want_sent_us;

    /* messages for the next height, replayed when it starts */
    node_future future[NODE_FUTURE_MAX];
    uint32_t nfuture;

    /* upgrade proposals and the poll over one of them */
    node_upgrade upgrades[NODE_MAX_UPGRADES];
    uint32_t nupgrades, up_next;
    struct {
        int active;
        uint32_t req, which, k, nvotes;
        uint64_t start_us;
        uint32_t sampled[LUXC_CONSENSUS_MAX_K];
        uint8_t answered[LUXC_CONSENSUS_MAX_K];
        uint32_t votes[LUXC_CONSENSUS_MAX_K];
    } upoll;

    /* catch-up */
    uint64_t peer_height_hint;
    uint32_t sync_peer;
    uint64_t sync_sent_us;

    /* mempool: FIFO ring */
    node_tx *txs;
    uint32_t tx_head, tx_count;
    uint32_t own_block_txs; /* txs our pending proposal took */

    /* metrics */
    luxc_node_status st;
    double lat[NODE_LATENCY_RING];
    uint32_t nlat, lat_pos;

    /* durability worker (async mode) and what it has made durable */
    node_worker *worker;
    uint64_t durable_height;
    int fatal; /* a store write failed: LUXC_E* */

    /* scratch */
    uint8_t *buf; /* NODE_MSG_MAX */
};

/* A poll's answer from validator `from`: marks it answered. LUXC_OK,
 * LUXC_EDUPLICATE (it answered already) or LUXC_ENOTMEMBER (not asked). */
static inline int node_poll_answer(const uint32_t *sampled, uint8_t *answered, uint32_t k,
                                   uint32_t from)
{
    for (uint32_t i = 0; i < k; i++) {
        if (sampled[i] != from)
            continue;
        if (answered[i])
            return LUXC_EDUPLICATE;
        answered[i] = 1;
        return LUXC_OK;
    }
    return LUXC_ENOTMEMBER;
}

static inline int node_poll_complete(const uint8_t *answered, uint32_t k)
{
    for (uint32_t i = 0; i < k; i++)
        if (!answered[i])
            return 0;
    return 1;
}

/* Lower a timer deadline to t if t comes sooner. */
static inline void node_earliest(uint64_t *next, uint64_t t)
{
    if (t < *next)
        *next = t;
}

/* node_worker.c */
int node_worker_new(node_worker **out, luxc_node *n);
void node_worker_free(node_worker *w);
void node_worker_push(node_worker *w, node_job *j);
node_job *node_worker_take_done(node_worker *w);
int node_worker_fd(const node_worker *w);
void node_job_free(node_job *j);

/* node.c */
void node_send(luxc_node *n, uint32_t peer, const uint8_t *msg, size_t len);
void node_broadcast(luxc_node *n, const uint8_t *msg, size_t len);
uint32_t node_leader(const luxc_node *n, uint64_t height, uint32_t round);
void node_logf(const luxc_node *n, luxc_log_level lvl, const char *msg, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* node_height.c */
void node_ask_block(luxc_node *n, uint32_t peer, const uint8_t id[32]);
int node_height_start(luxc_node *n, uint64_t now_us);
void node_height_clear(luxc_node *n);
int node_on_propose(luxc_node *n, uint32_t from, const uint8_t *block, size_t len,
                    uint64_t now_us, int requested);
int node_on_query(luxc_node *n, uint32_t from, const luxc_wire_msg *m);
int node_on_chits(luxc_node *n, uint32_t from, const luxc_wire_msg *m, uint64_t now_us);
int node_on_get_block(luxc_node *n, uint32_t from, const luxc_wire_msg *m);
void node_height_tick(luxc_node *n, uint64_t now_us, uint64_t *next_us);
node_proposal *node_find_proposal(luxc_node *n, const uint8_t id[32]);
void node_preference(const luxc_node *n, uint8_t id[32]);

/* node_upgrade.c */
void node_upgrades_from_block(luxc_node *n, const luxc_chain_block *b);
int node_on_upquery(luxc_node *n, uint32_t from, const luxc_wire_msg *m);
int node_on_upchits(luxc_node *n, uint32_t from, const luxc_wire_msg *m, uint64_t now_us);
/* How long a poll waits: the configured timeout, stretched to 3x the
 * measured answer time on slow links (at most half a round). */
uint64_t node_poll_wait(const luxc_node *n);
void node_note_rtt(luxc_node *n, uint64_t start_us, uint64_t now_us);
void node_upgrade_tick(luxc_node *n, uint64_t now_us, uint64_t *next_us);

/* node_final.c */
int node_on_vote(luxc_node *n, uint32_t from, const luxc_wire_msg *m, uint64_t now_us);
int node_sign_vote(luxc_node *n, const node_proposal *p, uint64_t now_us);
int node_try_finalize(luxc_node *n, uint64_t now_us);
int node_on_sync_req(luxc_node *n, uint32_t from, const luxc_wire_msg *m);
int node_on_sync_block(luxc_node *n, uint32_t from, const luxc_wire_msg *m, uint64_t now_us);
void node_final_tick(luxc_node *n, uint64_t now_us, uint64_t *next_us);
int node_recover(luxc_node *n);
int node_apply_recovered_vote(luxc_node *n);
/* Sign v into a new vote message (*wire, owned by the caller). Thread-safe
 * (reads only the node's keys). */
int node_vote_build(const luxc_node *n, const luxc_vote *v, uint8_t **wire, size_t *wire_len);
/* Persist our vote with the block it is for. Thread-safe. */
int node_vote_store(const luxc_node *n, const luxc_vote *v, const uint8_t *wire, size_t wire_len,
                    const uint8_t *block, size_t block_len);
/* Handle a finished worker job on the loop thread. */
void node_job_done(luxc_node *n, node_job *j, uint64_t now_us);
void node_note_height(luxc_node *n, uint32_t from, uint64_t height);

#endif
