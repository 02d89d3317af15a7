/* node_fixture.h - one real node core (validator 0) among scripted peers,
 * for the tests of one node file at a time. The test builds the exact
 * blocks, signed votes and certificates the peers would send, delivers
 * them, and reads what the node sent (its outbox) and its status.
 * Deterministic: fixed keys, a simulated clock, a seeded sampler. */
#ifndef LUXC_TEST_NODE_FIXTURE_H
#define LUXC_TEST_NODE_FIXTURE_H

#include <stdint.h>

#include "node/node_int.h"

#define FX_MAX_NODES 8
#define FX_OUTBOX_MAX 4096

typedef struct fx_msg {
    uint32_t to;
    uint8_t *data;
    size_t len;
} fx_msg;

typedef struct fx_block {
    uint8_t id[32];
    uint8_t bytes[LUXC_CHAIN_BLOCK_MAXBYTES];
    size_t len;
    luxc_chain_block hdr; /* payload points into bytes */
} fx_block;

typedef struct fx {
    uint32_t n;
    uint64_t now; /* microseconds */
    luxc_params params;
    luxc_genesis genesis;
    luxc_genesis_validator vals[FX_MAX_NODES];
    luxc_keypair keys[FX_MAX_NODES];
    char dir[64];
    luxc_store *store;
    luxc_node *node;
    luxc_node_cfg cfg;
    fx_block tip; /* the fixture's last final block (genesis at first) */
    fx_msg outbox[FX_OUTBOX_MAX];
    uint32_t nout;
    uint64_t finals; /* on_final calls */
    uint64_t last_final_height;
    uint64_t delivered; /* messages given to luxc_node_receive */
    size_t map_size;    /* of the node's store; 0 = 64 MiB */
} fx;

/* n validators of stake 100 under preset; node 0 on a fresh store
 * (store = 0: none), async worker when async. Asserts on failure. */
void fx_init(fx *f, uint32_t n, const char *preset, int store, int async);
/* fx_init in two steps: everything but the node, so a test can change
 * f->cfg (model, mempool_max, ...) or f->map_size first; then the node. */
void fx_setup(fx *f, uint32_t n, const char *preset, int store, int async);
void fx_start(fx *f);
/* Node stopped as in a crash (its store stays) and started again. */
void fx_restart(fx *f);
void fx_free(fx *f);

/* A block of height tip + 1 by the leader of `round`, with txs framed
 * payload (may be NULL/0), timestamp tip + 1 ms + salt. */
void fx_make_block(const fx *f, fx_block *b, uint32_t round, const uint8_t *payload,
                   size_t payload_len, uint32_t tx_count, uint64_t salt);
/* The fixture's chain moves to b (as if it became final elsewhere). */
void fx_advance(fx *f, const fx_block *b);

/* Wire messages (out has room for NODE_MSG_MAX bytes; return the length). */
/* PROPOSE: the block alone (what answers a GET_BLOCK). */
size_t fx_propose_msg(const fx_block *b, uint8_t *out);
/* PROPOSAL: the leader's proposal of b's round (no valid round). */
size_t fx_proposal_msg(const fx_block *b, uint8_t *out);
size_t fx_vote_msg(const fx *f, uint32_t voter, const fx_block *b, uint8_t *out);
/* voter's signed vote of `phase` in `round` at the next height for b
 * (NULL: nil). */
size_t fx_round_vote_msg(const fx *f, uint32_t voter, luxc_vote_phase phase, uint32_t round,
                         const fx_block *b, uint8_t *out);
int fx_round_vote(fx *f, uint32_t voter, luxc_vote_phase phase, uint32_t round, const fx_block *b);
/* Peers with more than 1/3 of the stake (validators 1, 2, ...) are heard
 * from in `round` (nil votes of `phase`, which they then cannot give
 * otherwise in that round): the node's round rule moves there. */
void fx_skip_to_round(fx *f, uint32_t round, luxc_vote_phase phase);
/* A certificate by voters[0..count) for b, encoded into out. */
size_t fx_cert(const fx *f, const fx_block *b, const uint32_t *voters, uint32_t count,
               uint8_t *out, size_t cap);
/* The same for votes of `phase` in `round` (PREVOTE: a polka proof). */
size_t fx_round_cert(const fx *f, luxc_vote_phase phase, uint32_t round, const fx_block *b,
                     const uint32_t *voters, uint32_t count, uint8_t *out, size_t cap);
size_t fx_sync_block_msg(const fx_block *b, const uint8_t *cert, size_t cert_len, uint8_t *out);

/* luxc_node_receive from `from`; returns its result. */
int fx_deliver(fx *f, uint32_t from, const uint8_t *msg, size_t len);
/* b's PROPOSAL from its proposer, which the node must take (asserted). */
void fx_propose(fx *f, const fx_block *b);
/* voter's signed vote for b, delivered from voter; returns the result. */
int fx_vote(fx *f, uint32_t voter, const fx_block *b);
/* Advance the clock by ms and tick the node (several times when its
 * timers ask for it), returning the last tick's result. */
int fx_run_ms(fx *f, uint64_t ms);

/* Answer every QUERY in the outbox not answered yet with CHITS naming id
 * (marks them answered); returns how many. */
uint32_t fx_answer_queries(fx *f, const uint8_t id[32]);

/* Messages of wire type `type` the node sent (to = UINT32_MAX: to anyone)
 * since the outbox was last cleared; *last gets the newest (may be NULL). */
uint32_t fx_sent(const fx *f, uint8_t type, uint32_t to, const fx_msg **last);
void fx_clear_outbox(fx *f);

luxc_node_status fx_status(const fx *f);
/* Validator leading `round` at the fixture's next height. */
uint32_t fx_leader(const fx *f, uint32_t round);
/* The round validator `who` leads at the next height. */
uint32_t fx_round_of(const fx *f, uint32_t who);

#endif
