/* sim_net.h - an in-process network of luxc_node cores for tests: a
 * simulated clock, per-message delay and seeded loss, nodes that can be
 * stopped and restarted from their stores. Deterministic for one seed
 * (except ML-DSA's hedged signatures, which do not steer the protocol). */
#ifndef LUXC_TEST_SIM_NET_H
#define LUXC_TEST_SIM_NET_H

#include <stdint.h>

#include "luxc/chain_block.h"
#include "luxc/node.h"

#define SIM_MAX_NODES 8
#define SIM_MAX_HEIGHT 4096

typedef struct sim_msg {
    uint32_t from, to;
    uint64_t at;
    uint8_t *data;
    size_t len;
    struct sim_msg *next;
} sim_msg;

typedef struct sim_net sim_net;

typedef struct sim_node {
    sim_net *net;
    uint32_t index;
    luxc_node *node;
    luxc_store *store;
    luxc_keypair keys;
    char dir[128];
    luxc_behaviour behaviour;
    uint64_t next_tick;
    int down;
    int paused;        /* SIGSTOP-like: neither ticks nor takes messages */
    int crash_pending; /* crash after the current call (see crash_after_votes) */
    uint32_t crash_after_votes; /* crash once this many VOTEs went out; 0 = never */
    uint32_t votes_out;
    uint64_t restart_at; /* a crashed node comes back then (0 = stays down) */
    /* finalized block ids by height, as this node reported them */
    uint8_t (*final_ids)[32];
    uint64_t final_count;
} sim_node;

struct sim_net {
    uint32_t n;
    uint64_t now;
    uint64_t seed, rng;
    uint32_t delay_ms;
    uint32_t loss_per_mille;
    uint32_t jitter_ms;       /* extra random delay 0..jitter: reorders */
    uint32_t dup_per_mille;   /* messages delivered twice */
    uint8_t cut[SIM_MAX_NODES][SIM_MAX_NODES]; /* partition: from -> to dropped */
    uint64_t restart_delay_ms; /* for crash_after_votes */
    luxc_genesis genesis;
    luxc_genesis_validator vals[SIM_MAX_NODES];
    luxc_params params;
    luxc_node_model models[SIM_MAX_NODES];
    sim_node nodes[SIM_MAX_NODES];
    sim_msg *queue; /* sorted by at */
    uint64_t delivered, lost;
};

/* n nodes, params preset name, behaviours (NULL = all honest), stores in
 * fresh temp dirs (NOSYNC: the crash tests of the store cover durability). */
int sim_net_init(sim_net *net, uint32_t n, const char *preset, const luxc_behaviour *behaviours,
                 uint64_t seed);
/* Same, with a model hook per node (models[i] may have NULL members). */
int sim_net_init_models(sim_net *net, uint32_t n, const char *preset,
                        const luxc_behaviour *behaviours, const luxc_node_model *models,
                        uint64_t seed);
int sim_node_start(sim_net *net, uint32_t i);
void sim_node_stop(sim_net *net, uint32_t i); /* like a crash: state only in the store */
/* Run until every up honest node has finalized `height` or `max_ms` of
 * simulated time passed. Returns 1 if reached. */
int sim_net_run(sim_net *net, uint64_t height, uint64_t max_ms);
/* Partitions: groups[i] is node i's side; links between sides are cut
 * (NULL heals every link). */
void sim_net_partition(sim_net *net, const uint32_t *groups);
/* Lowest height every up honest node has finalized. */
uint64_t sim_net_min_height(const sim_net *net);
/* Honest nodes never disagree at a height: returns the number of heights
 * where two of them finalized different blocks. */
uint64_t sim_net_safety_violations(const sim_net *net);
void sim_net_free(sim_net *net);

#endif
