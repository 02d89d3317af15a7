/* node_int.h - the inside of luxc_node (luxc/node.h). One sub-struct per
 * file that writes it; the files and who calls whom (no circles):
 *
 *   node.c          the driver: lifecycle, dispatch, timers; drives each
 *                   height with the round rule and its view of the node
 *                   (votes are cast, rounds change, a certified block is
 *                   committed, the next height starts and its buffered
 *                   messages are replayed)
 *     -> node_race.c    one height's blocks: proposals, snowman engine, polls
 *                       (-> node_votes.c for a re-proposal's polka proof)
 *     -> node_votes.c   our votes and peers', per round; the certificate
 *     -> node_sync.c    catch-up from peers' certified blocks; recovery
 *     -> node_commit.c  a final block: durable, reported, mempool, learning
 *     -> node_upgrade.c the network's decision on upgrade proposals
 *   node_worker.c   the durability thread (async mode) -> node_durable.c
 *   node_durable.c  signing and store writes, callable from any thread
 *   node_mempool.c  the transaction queue
 *   node_base.c     the leaf all of them call: send, leader, log, the
 *                   proposal table, block fetching, poll timing
 *
 * Handlers change only their own part and return; they never call a
 * sibling or the public API, so a height ends in one place (node.c).
 * One thread at a time (the runtime loop); no locks inside, except the
 * worker's queue. */
#ifndef LUXC_NODE_INT_H
#define LUXC_NODE_INT_H

#include "common/logfmt.h"
#include "luxc/chain_block.h"
#include "luxc/node.h"
#include "luxc/node_wire.h"
#include "luxc/rng.h"

#include <pthread.h>

#define NODE_MAX_PROPOSALS 16u
#define NODE_OWN_VOTES 64u     /* our signed votes at one height, resent */
#define NODE_ROUND_PROPS 16u   /* leaders' proposals, by round % this */
#define NODE_HELD_ROUNDS 32u   /* rounds whose votes a height keeps */
#define NODE_MAX_ROUND (1u << 30) /* a vote's store key is round * 4 + kind */
#define NODE_LATENCY_RING 1024u
#define NODE_FUTURE_MAX 64u /* buffered messages for the next height */
#define NODE_ASKED_RING 8u
#define NODE_VOTE_CTX "luxc/vote/v1"
#define NODE_MAX_UPGRADES 16u
#define NODE_MSG_MAX (1u + LUXC_CHAIN_BLOCK_MAXBYTES + 4u + LUXC_WIRE_CERT_MAX)

/* ---- set by luxc_node_new, read-only afterwards ----------------------- */
typedef struct node_setup {
    const luxc_genesis *genesis;
    uint32_t self, n;
    luxc_keypair keys;
    luxc_params params;
    luxc_store *store;
    luxc_node_io io;
    luxc_node_model model;
    luxc_node_final_fn on_final;
    void *on_final_ctx;
    luxc_log_fn log;
    void *log_ctx;
    luxc_log_level log_level;
    luxc_behaviour behaviour;
    uint32_t max_block_txs;
    uint64_t round_timeout_us, poll_timeout_us, block_time_us;
    uint8_t chain_id[32];
    uint64_t *stakes;
    luxc_cert_member *members; /* consensus view of the set (ML-DSA keys) */
    uint64_t total_stake;
} node_setup;

/* ---- node_commit.c: the last final block ------------------------------ */
typedef struct node_tip {
    uint64_t height;
    uint8_t last_id[32];
    luxc_chain_block last_hdr; /* payload NULL */
    uint64_t last_final_us;
    uint64_t durable_height; /* what the store holds (async: lags height) */
    uint8_t durable_id[32];  /* the block at durable_height */
} node_tip;

/* ---- node_base.c: blocks seen for height + 1, and fetching ------------ */
typedef struct node_proposal {
    uint8_t id[32];
    uint8_t *bytes; /* the encoded block (owned) */
    size_t len;
    luxc_chain_block hdr; /* payload points into bytes */
    double score;
    int in_engine;
} node_proposal;

typedef struct node_table {
    node_proposal items[NODE_MAX_PROPOSALS];
    uint32_t count;
    uint8_t asked[NODE_ASKED_RING][32]; /* blocks we asked peers for, a ring */
    uint32_t asked_pos;
    uint8_t want_id[32]; /* a block certified (or chit-named) we lack */
    int want;
    uint32_t want_peer;
    uint64_t want_sent_us;
    uint32_t next_req; /* request ids of block and upgrade polls */
    uint64_t rtt_us;   /* smoothed time for a poll answer (EWMA 1/8) */
} node_table;

/* ---- node_race.c: the race for height + 1 ----------------------------- */
typedef struct node_poll {
    int active;
    uint32_t req;
    uint64_t start_us;
    uint32_t k;
    uint32_t sampled[LUXC_CONSENSUS_MAX_K];
    uint8_t answered[LUXC_CONSENSUS_MAX_K];
    uint32_t nvotes;
    uint8_t (*votes)[32]; /* k entries */
    int settled;          /* the outcome cannot change any more: close now */
} node_poll;

/* A round's proposal from its leader, as the round rule asks for it. */
typedef struct node_round_prop {
    int have;
    uint32_t round, valid_round;
    uint8_t id[32];
} node_round_prop;

typedef struct node_race {
    luxc_snowman *engine; /* round 0's choice (docs/CONSENSUS.md s3) */
    int decided;
    uint8_t decided_id[32];
    node_poll poll;
    /* our turn to propose: the rule asked (LUXC_ACT_PROPOSE); sent once the
     * block is due */
    uint32_t propose_round; /* UINT32_MAX: nothing to propose */
    uint32_t propose_vr;
    uint8_t propose_id[32];
    uint8_t *propose_proof; /* its polka proof (owned; NULL: none) */
    size_t propose_proof_len;
    uint32_t proposed_round; /* UINT32_MAX: not proposed at this height */
    uint64_t proposal_sent_us;
    uint8_t *proposal_wire; /* our PROPOSAL message, resent in its round */
    size_t proposal_len;
    node_round_prop props[NODE_ROUND_PROPS];
} node_race;

/* ---- node_votes.c: votes for height + 1 ------------------------------- */
typedef struct node_own_vote {
    uint32_t round;
    uint8_t phase;
    uint8_t *wire; /* the signed VOTE message */
    size_t len;
} node_own_vote;

typedef struct node_ballot {
    luxc_heightvotes *votes; /* consensus/heightvotes.c */
    luxc_rounds *rule;       /* consensus/rounds.c */
    luxc_round_view view;
    node_own_vote own[NODE_OWN_VOTES];
    uint32_t nown;
    uint64_t vote_sent_us;
    int pending;     /* a vote in the worker: the rule waits until it is durable */
    uint64_t wake_us; /* the rule's next timeout */
    int started;      /* the rule's timers run (from the first event) */
    int relayed;      /* relayed_round's polka went out (node_votes_relay) */
    uint32_t relayed_round;
    int restored;     /* restored_state holds our votes' state from the store */
    luxc_round_state restored_state;
    int decided;      /* the rule decided: committing until the store takes it */
    uint32_t decided_round;
    uint8_t decided_id[32];
} node_ballot;

/* ---- node_sync.c: catching up ----------------------------------------- */
typedef struct node_catchup {
    uint64_t *peer_heights;   /* [n]: the highest final height each peer showed */
    uint64_t peer_height_hint; /* the highest of them */
    uint32_t peer;            /* asked now; another one when it brings nothing */
    uint64_t sent_us;
    uint64_t asked_tip;       /* our height when `peer` was last asked */
} node_catchup;

/* ---- node.c: messages for the next height, replayed when it starts ---- */
typedef struct node_future {
    uint32_t from;
    uint8_t *msg;
    size_t len;
} node_future;

/* ---- node_upgrade.c ---------------------------------------------------- */
typedef struct node_upgrade {
    uint8_t id[32];
    luxc_upgrade_proposal u;
    luxc_snowball sb;
    uint32_t strengths[2];
    int reported; /* decision logged and counted */
} node_upgrade;

typedef struct node_upgrades {
    node_upgrade items[NODE_MAX_UPGRADES];
    uint32_t count, next;
    struct {
        int active;
        uint32_t req, which, k, nvotes;
        uint64_t start_us;
        uint32_t sampled[LUXC_CONSENSUS_MAX_K];
        uint8_t answered[LUXC_CONSENSUS_MAX_K];
        uint32_t votes[LUXC_CONSENSUS_MAX_K];
    } poll;
} node_upgrades;

/* ---- node_mempool.c: FIFO ring ---------------------------------------- */
typedef struct node_tx {
    uint16_t len;
    uint8_t *data;
} node_tx;

typedef struct node_mempool {
    node_tx *txs;
    uint32_t max, head, count;
} node_mempool;

/* ---- node_worker.c: work for the durability thread --------------------- */
typedef enum node_job_kind { NODE_JOB_VOTE = 1, NODE_JOB_ACCEPT = 2 } node_job_kind;

typedef struct node_job {
    node_job_kind kind;
    uint64_t height;
    uint8_t id[32], parent[32];
    uint8_t *block; /* owned: the voted-for / finalized block */
    size_t block_len;
    uint8_t *cert; /* ACCEPT: owned certificate */
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

/* A block with its certificate, ready to be committed (owned). */
typedef struct node_final_block {
    uint8_t id[32];
    uint8_t *block;
    size_t len;
    uint8_t *cert;
    size_t cert_len;
    int synced; /* from catch-up, not from this network's votes */
} node_final_block;

struct luxc_node {
    node_setup cfg;
    node_tip tip;
    node_table table;
    node_race race;
    node_ballot ballot;
    node_catchup sync;
    node_upgrades up;
    node_mempool pool;
    node_future future[NODE_FUTURE_MAX];
    uint32_t nfuture;

    /* peer sampling, shared by block and upgrade polls */
    luxc_photon *photon;
    luxc_xoshiro xo;
    luxc_rng rng;

    luxc_node_status st;
    double lat[NODE_LATENCY_RING];
    uint32_t nlat, lat_pos;

    node_worker *worker; /* async mode only */
    int fatal;           /* a store write failed: LUXC_E* */
    uint8_t *buf;        /* scratch, NODE_MSG_MAX */
};

/* ---- node_base.c -------------------------------------------------------- */
void node_logf(const luxc_node *n, luxc_log_level lvl, const char *msg, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void node_send(luxc_node *n, uint32_t peer, const uint8_t *msg, size_t len);
void node_broadcast(luxc_node *n, const uint8_t *msg, size_t len);
uint32_t node_leader(const luxc_node *n, uint64_t height, uint32_t round);
/* A peer showed it is at `height` or beyond: catch-up may ask it. */
void node_note_height(luxc_node *n, uint32_t from, uint64_t height);
/* Lower a timer deadline to t if t comes sooner. */
static inline void node_earliest(uint64_t *next, uint64_t t)
{
    if (t < *next)
        *next = t;
}

node_proposal *node_proposal_find(luxc_node *n, const uint8_t id[32]);
/* Copy a checked block of height + 1 into the table. LUXC_EFULL when full. */
int node_proposal_add(luxc_node *n, const uint8_t id[32], const uint8_t *block, size_t len,
                      node_proposal **out);
void node_proposals_clear(luxc_node *n);
void node_final_block_free(node_final_block *f);

/* Fetching a block we lack: ask `peer` (self = everyone) and remember it,
 * so the answer - a PROPOSE from someone not the proposer - is taken. */
void node_ask_block(luxc_node *n, uint32_t peer, const uint8_t id[32]);
int node_was_asked(const luxc_node *n, const uint8_t id[32]);
/* We need block id (certified, or named by chits): fetch it from peer on
 * the next tick, and keep asking. */
void node_want(luxc_node *n, const uint8_t id[32], uint32_t peer);
void node_want_tick(luxc_node *n, uint64_t now_us, uint64_t *next_us);

/* Poll bookkeeping shared by block and upgrade polls. */
int node_poll_answer(const uint32_t *sampled, uint8_t *answered, uint32_t k, uint32_t from);
int node_poll_complete(const uint8_t *answered, uint32_t k);
/* How long a poll waits: the configured timeout, stretched to 3x the
 * measured answer time on slow links (at most half a round). */
uint64_t node_poll_wait(const luxc_node *n);
void node_note_rtt(luxc_node *n, uint64_t start_us, uint64_t now_us);
/* The size of a poll's sample. */
uint32_t node_poll_k(const luxc_node *n);

/* ---- node_mempool.c ----------------------------------------------------- */
int node_mempool_init(node_mempool *p, uint32_t max);
void node_mempool_free(node_mempool *p);
int node_mempool_push(node_mempool *p, const uint8_t *tx, size_t len);
/* Frame up to max txs from the front into out (u16 length | bytes each),
 * without removing them: they leave only when their block is final. */
size_t node_mempool_peek(const node_mempool *p, uint32_t max, uint8_t *out, size_t cap,
                         uint32_t *count);
void node_mempool_drop_front(node_mempool *p, uint32_t count);
/* A final block of ours: drop the front txs it holds (its payload, in
 * order); returns how many. A tx it does not hold stops the drop. */
uint32_t node_mempool_drop_included(node_mempool *p, const uint8_t *payload, size_t len);

/* ---- node_durable.c (thread-safe: reads only keys, store, chain id) ---- */
/* Sign v into a new vote message (*wire, owned by the caller). */
int node_vote_build(const luxc_node *n, const luxc_vote *v, uint8_t **wire, size_t *wire_len);
/* Persist our vote with the block it is for (may be NULL/0), under the
 * key (height, round * 4 + phase, our id): one record per round and phase,
 * and the store refuses a second, different one. */
int node_vote_store(const luxc_node *n, const luxc_vote *v, const uint8_t *wire, size_t wire_len,
                    const uint8_t *block, size_t block_len);
/* Split a stored vote record into its vote message and block. */
int node_vote_record_split(const uint8_t *rec, size_t len, const uint8_t **wire,
                           size_t *wire_len, const uint8_t **block, size_t *block_len);
/* Store a final block (and every 64 heights prune old votes: *pruned_failed
 * set when that housekeeping failed). LUXC_EEXIST counts as done. */
int node_block_store(const luxc_node *n, uint64_t height, const uint8_t id[32],
                     const uint8_t parent[32], const uint8_t *block, size_t len,
                     const uint8_t *cert, size_t cert_len, int *pruned_failed);
int node_vote_verify(const uint8_t *sig, size_t siglen, const uint8_t *msg, size_t mlen,
                     const uint8_t *pk, size_t pklen);
/* A certificate of `phase` (PRECOMMIT: finality; PREVOTE: a polka proof)
 * for block id at our next height: decoded against the validator set, its
 * vote naming id as the child of our tip in this chain (in `round`, unless
 * LUXC_NO_ROUND; with state_root, unless NULL), signed by more than 2/3 of
 * the stake. */
int node_cert_check(const luxc_node *n, luxc_vote_phase phase, const uint8_t *cert, size_t len,
                    const uint8_t id[32], uint32_t round, const uint8_t *state_root);

/* ---- node_worker.c ------------------------------------------------------ */
int node_worker_new(node_worker **out, luxc_node *n);
void node_worker_free(node_worker *w); /* drains: queued work becomes durable */
void node_worker_push(node_worker *w, node_job *j);
node_job *node_worker_take_done(node_worker *w);
int node_worker_fd(const node_worker *w);
void node_job_free(node_job *j);

/* ---- node_race.c -------------------------------------------------------- */
int node_race_start(luxc_node *n, uint64_t now_us);
void node_race_clear(luxc_node *n);
/* A block for height + 1 (PROPOSE: a leader's block, or one we asked for;
 * requested: we asked for it, or it is our own restored from the store). */
int node_race_on_propose(luxc_node *n, uint32_t from, const uint8_t *block, size_t len,
                         uint64_t now_us, int requested);
/* A round leader's PROPOSAL (with its polka proof when it re-proposes). */
int node_race_on_proposal(luxc_node *n, uint32_t from, const luxc_wire_msg *m, uint64_t now_us);
int node_race_on_query(luxc_node *n, uint32_t from, const luxc_wire_msg *m);
int node_race_on_chits(luxc_node *n, uint32_t from, const luxc_wire_msg *m, uint64_t now_us);
int node_race_on_get_block(luxc_node *n, uint32_t from, const luxc_wire_msg *m);
/* A relayed POLKA: its proof checked, its prevotes counted, its block held. */
int node_race_on_polka(luxc_node *n, uint32_t from, const luxc_wire_msg *m, uint64_t now_us);
/* The rule says we lead `round`: propose id with its valid round and the
 * polka proof (handed over; NULL: a new block instead), or a new block
 * (valid_round LUXC_NO_ROUND), once the block is due. */
void node_race_want_proposal(luxc_node *n, uint32_t round, uint32_t valid_round,
                             const uint8_t id[32], uint8_t *proof, size_t proof_len,
                             uint64_t now_us);
/* round: the rule's round (snowman polls run in round 0 only). */
void node_race_tick(luxc_node *n, uint32_t round, uint64_t now_us, uint64_t *next_us);
/* Blocks put in the table by others (restored from our vote records) join
 * the engine: our preference after a restart is what we voted for. */
void node_race_adopt_table(luxc_node *n);
/* The decided block, when the race has decided and we hold it. */
const node_proposal *node_race_decided(luxc_node *n);
/* The proposal of `round` from its leader, if it came and we hold it. */
const node_round_prop *node_race_proposal(const luxc_node *n, uint32_t round);

/* ---- node_votes.c ------------------------------------------------------- */
int node_votes_on_vote(luxc_node *n, uint32_t from, const luxc_wire_msg *m);
/* Sign our vote of `phase` in round for id (zero: nil), persist it, then
 * send it (async: the worker persists, node_votes_signed sends). */
int node_votes_cast(luxc_node *n, luxc_vote_phase phase, uint32_t round, const uint8_t id[32],
                    uint64_t now_us);
/* A vote the worker signed and made durable goes out. */
void node_votes_signed(luxc_node *n, node_job *j, uint64_t now_us);
/* A slow round's polka goes to everyone, once: our round holds a polka
 * for a block we hold and precommits of more than 2/3 of the stake, but no
 * decision (Byzantine prevotes sent to some of us may have made it). */
void node_votes_relay(luxc_node *n);
/* The certificate of `round` for id with the block: 1 and *out filled. */
int node_votes_final(luxc_node *n, uint32_t round, const uint8_t id[32], node_final_block *out);
/* A polka proof for id in round (encoded, owned), for a re-proposal. */
int node_votes_polka_proof(luxc_node *n, uint32_t round, uint8_t **out, size_t *out_len);
/* After a restart: our vote records at height + 1 (as the store holds
 * them) give back our votes, their blocks and the rule's state (kept for
 * node_votes_begin). */
int node_votes_restore(luxc_node *n);
/* The first event: the rule starts (or resumes its restored state) with
 * its timers running from now. */
int node_votes_begin(luxc_node *n, uint64_t now_us);
void node_votes_clear(luxc_node *n);
void node_votes_tick(luxc_node *n, uint64_t now_us, uint64_t *next_us);

/* ---- node_sync.c -------------------------------------------------------- */
int node_sync_on_req(luxc_node *n, uint32_t from, const luxc_wire_msg *m);
/* A certified block from a peer: 1 and *out filled when it is our next. */
int node_sync_on_block(luxc_node *n, const luxc_wire_msg *m, node_final_block *out);
void node_sync_tick(luxc_node *n, uint64_t now_us, uint64_t *next_us);
/* After a restart: the last final block from the store into *tip (left
 * as it is when the store is empty). Uses n->buf. */
int node_sync_recover(const luxc_node *n, node_tip *tip);

/* ---- node_commit.c ------------------------------------------------------ */
/* Make f (checked as the child of the last final block) final: durable
 * (sync mode) or queued to the worker, then the tip moves. The caller
 * starts the next height. */
int node_commit(luxc_node *n, const node_final_block *f, uint64_t now_us);
/* An ACCEPT job came back from the worker: the block is durable. */
void node_commit_durable(luxc_node *n, const node_job *j, uint64_t now_us);

/* ---- node_upgrade.c ----------------------------------------------------- */
void node_upgrades_from_block(luxc_node *n, const luxc_chain_block *b);
int node_upgrade_on_query(luxc_node *n, uint32_t from, const luxc_wire_msg *m);
int node_upgrade_on_chits(luxc_node *n, uint32_t from, const luxc_wire_msg *m,
                          uint64_t now_us);
void node_upgrade_tick(luxc_node *n, uint64_t now_us, uint64_t *next_us);

#endif
