/* node.c - the validator core's lifecycle and plumbing (luxc/node.h).
 * Owns: construction and recovery, the mempool, message dispatch with
 * drop counting, the timer entry point and status.
 * Not here: a height's race (node_height.c), votes and finality
 * (node_final.c). */
#include "node_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int luxc_behaviour_parse(const char *s)
{
    static const char *const names[] = {"honest", "silent", "random", "equivocate"};
    for (int i = 0; s && i < 4; i++)
        if (!strcmp(s, names[i]))
            return i;
    return -1;
}

void node_logf(const luxc_node *n, luxc_log_level lvl, const char *msg, const char *fmt, ...)
{
    if (!n->log || lvl > n->log->level)
        return;
    va_list ap;
    va_start(ap, fmt);
    luxc_logv(n->log, lvl, msg, fmt, ap);
    va_end(ap);
}

void node_send(luxc_node *n, uint32_t peer, const uint8_t *msg, size_t len)
{
    if (peer == n->self || peer >= n->n || !n->io.send)
        return;
    n->st.msgs_out++;
    n->st.bytes_out += len;
    (void)n->io.send(n->io.ctx, peer, msg, len);
}

void node_broadcast(luxc_node *n, const uint8_t *msg, size_t len)
{
    for (uint32_t i = 0; i < n->n; i++)
        node_send(n, i, msg, len);
}

uint32_t node_leader(const luxc_node *n, uint64_t height, uint32_t round)
{
    return (uint32_t)((height + round) % n->n);
}

static int build_members(luxc_node *n)
{
    n->stakes = calloc(n->n, sizeof *n->stakes);
    n->members = calloc(n->n, sizeof *n->members);
    n->txs = calloc(n->mempool_max, sizeof *n->txs);
    n->buf = malloc(NODE_MSG_MAX);
    n->poll.votes = calloc(LUXC_CONSENSUS_MAX_K, sizeof *n->poll.votes);
    if (!n->stakes || !n->members || !n->txs || !n->buf || !n->poll.votes)
        return LUXC_ENOMEM;
    for (uint32_t i = 0; i < n->n; i++) {
        const luxc_genesis_validator *v = &n->genesis->validators[i];
        n->stakes[i] = v->stake;
        n->members[i].stake = v->stake;
        n->members[i].pk = v->mldsa65_pk;
        n->members[i].pklen = LUXC_MLDSA_PUBLICKEYBYTES;
    }
    n->total_stake = n->genesis->total_stake;
    int rc = luxc_voteset_new(&n->votes, n->n, n->stakes);
    if (rc != LUXC_OK)
        return rc;
    return luxc_photon_new(&n->photon, n->n, LUXC_PHOTON_STAKE, n->stakes, 0);
}

static int check_cfg(const luxc_node_cfg *cfg)
{
    if (!cfg->genesis || !cfg->keys || cfg->self >= cfg->genesis->n_validators ||
        cfg->behaviour > LUXC_EQUIVOCATE)
        return LUXC_EINVAL;
    const luxc_genesis_validator *me = &cfg->genesis->validators[cfg->self];
    if (memcmp(me->ed25519_pk, cfg->keys->pk, LUXC_ED25519_PUBLICKEYBYTES) != 0 ||
        memcmp(me->mldsa65_pk, cfg->keys->pk + LUXC_ED25519_PUBLICKEYBYTES,
               LUXC_MLDSA_PUBLICKEYBYTES) != 0)
        return LUXC_ENOTMEMBER; /* our keys are not the genesis entry's */
    return luxc_params_validate(&cfg->params, NULL, 0) == LUXC_OK ? LUXC_OK : LUXC_EPARAM;
}

int luxc_node_new(luxc_node **out, const luxc_node_cfg *cfg)
{
    if (!out)
        return LUXC_EINVAL;
    *out = NULL;
    if (!cfg)
        return LUXC_EINVAL;
    int rc = check_cfg(cfg);
    if (rc)
        return rc;
    luxc_node *n = calloc(1, sizeof *n);
    if (!n)
        return LUXC_ENOMEM;
    n->genesis = cfg->genesis;
    n->self = cfg->self;
    n->n = (uint32_t)cfg->genesis->n_validators;
    n->keys = *cfg->keys;
    n->params = cfg->params;
    n->store = cfg->store;
    n->io = cfg->io;
    n->model = cfg->model;
    n->on_final = cfg->on_final;
    n->on_final_ctx = cfg->on_final_ctx;
    n->log = cfg->log;
    n->behaviour = cfg->behaviour;
    n->max_block_txs = cfg->max_block_txs ? cfg->max_block_txs : 1000;
    uint32_t round_ms = cfg->round_timeout_ms ? cfg->round_timeout_ms
                        : cfg->params.round_timeout_ms > 200 ? cfg->params.round_timeout_ms
                                                              : 200;
    uint32_t poll_ms = cfg->poll_timeout_ms ? cfg->poll_timeout_ms
                       : cfg->params.round_timeout_ms > 20 ? cfg->params.round_timeout_ms
                                                           : 20;
    n->round_timeout_us = (uint64_t)round_ms * 1000u;
    n->poll_timeout_us = (uint64_t)poll_ms * 1000u;
    n->block_time_us = (uint64_t)cfg->params.block_time_ms * 1000u;
    n->mempool_max = cfg->mempool_max ? cfg->mempool_max : 100000;
    n->proposed_round = UINT32_MAX;
    luxc_xoshiro_seed(&n->xo, cfg->seed);
    if (cfg->seed == 0) {
        uint64_t s;
        luxc_randombytes((uint8_t *)&s, sizeof s);
        luxc_xoshiro_seed(&n->xo, s);
    }
    n->rng = luxc_rng_xoshiro(&n->xo);
    uint64_t gen_us = cfg->genesis_time_us ? cfg->genesis_time_us
                                           : cfg->genesis->genesis_time * 1000000u;
    rc = build_members(n);
    if (rc == LUXC_OK)
        rc = luxc_chain_block_genesis(&n->last_hdr, cfg->genesis->chain_id, gen_us);
    if (rc == LUXC_OK) {
        memcpy(n->chain_id, n->last_hdr.chain_id, 32);
        /* the genesis block's id: hash of its encoding */
        size_t len;
        rc = luxc_chain_block_encode(&n->last_hdr, n->buf, NODE_MSG_MAX, &len, n->last_id);
    }
    if (rc == LUXC_OK)
        rc = node_recover(n);
    if (rc == LUXC_OK)
        rc = node_height_start(n, 0);
    if (rc == LUXC_OK)
        rc = node_apply_recovered_vote(n);
    n->durable_height = n->height;
    if (rc == LUXC_OK && cfg->async && n->store)
        rc = node_worker_new(&n->worker, n);
    if (rc != LUXC_OK) {
        luxc_node_free(n);
        return rc;
    }
    *out = n;
    return LUXC_OK;
}

void luxc_node_free(luxc_node *n)
{
    if (!n)
        return;
    node_worker_free(n->worker); /* drains: queued blocks become durable */
    node_height_clear(n);
    free(n->recovered_vote);
    for (uint32_t i = 0; i < n->nfuture; i++)
        free(n->future[i].msg);
    for (uint32_t i = 0; i < n->tx_count; i++)
        free(n->txs[(n->tx_head + i) % n->mempool_max].data);
    luxc_photon_free(n->photon);
    free(n->stakes);
    free(n->members);
    luxc_voteset_free(n->votes);
    free(n->txs);
    free(n->buf);
    free(n->poll.votes);
    luxc_keypair_wipe(&n->keys);
    free(n);
}

int luxc_node_submit_tx(luxc_node *n, const uint8_t *tx, size_t len)
{
    if (!n)
        return LUXC_EINVAL;
    if (!tx || len == 0 || len > LUXC_TX_MAX) {
        n->st.dropped_txs++;
        return LUXC_EINVAL;
    }
    if (n->tx_count == n->mempool_max) {
        n->st.dropped_txs++;
        return LUXC_EFULL;
    }
    uint8_t *copy = malloc(len);
    if (!copy) {
        n->st.dropped_txs++;
        return LUXC_ENOMEM;
    }
    memcpy(copy, tx, len);
    node_tx *slot = &n->txs[(n->tx_head + n->tx_count) % n->mempool_max];
    slot->len = (uint16_t)len;
    slot->data = copy;
    n->tx_count++;
    return LUXC_OK;
}

static int dispatch(luxc_node *n, uint32_t from, const luxc_wire_msg *m, const uint8_t *raw,
                    size_t len, uint64_t now_us)
{
    switch (m->type) {
    case LUXC_WIRE_PROPOSE:
        return node_on_propose(n, from, m->block, m->block_len, now_us, 0);
    case LUXC_WIRE_QUERY:
        return node_on_query(n, from, m);
    case LUXC_WIRE_CHITS:
        return node_on_chits(n, from, m, now_us);
    case LUXC_WIRE_VOTE:
        if (m->vote.height == n->height + 2 && n->nfuture < NODE_FUTURE_MAX) {
            /* one height ahead of our race: keep it for when we get there */
            uint8_t *copy = malloc(len);
            if (!copy)
                return LUXC_ENOMEM;
            memcpy(copy, raw, len);
            n->future[n->nfuture++] = (node_future){from, copy, len};
            node_note_height(n, from, m->vote.height - 1);
            return LUXC_OK;
        }
        return node_on_vote(n, from, m, now_us);
    case LUXC_WIRE_SYNC_REQ:
        return node_on_sync_req(n, from, m);
    case LUXC_WIRE_SYNC_BLOCK:
        return node_on_sync_block(n, from, m, now_us);
    case LUXC_WIRE_GET_BLOCK:
        return node_on_get_block(n, from, m);
    case LUXC_WIRE_UPQUERY:
        return node_on_upquery(n, from, m);
    case LUXC_WIRE_UPCHITS:
        return node_on_upchits(n, from, m, now_us);
    }
    return LUXC_ECORRUPT;
}

int luxc_node_receive(luxc_node *n, uint32_t from, const uint8_t *msg, size_t len,
                      uint64_t now_us)
{
    if (!n || !msg)
        return LUXC_EINVAL;
    n->st.msgs_in++;
    n->st.bytes_in += len;
    if (from >= n->n || from == n->self) {
        n->st.dropped_msgs++;
        return LUXC_ENOTMEMBER;
    }
    if (n->behaviour == LUXC_SILENT)
        return LUXC_OK;
    luxc_wire_msg m;
    int rc = luxc_wire_decode(&m, msg, len);
    if (rc == LUXC_OK)
        rc = dispatch(n, from, &m, msg, len, now_us);
    if (rc != LUXC_OK) {
        n->st.dropped_msgs++;
        node_logf(n, LUXC_LOG_DEBUG, "message dropped", "from=%u type=%u reason=\"%s\"", from,
                  len ? msg[0] : 0, luxc_strerror(rc));
    }
    return rc;
}

int luxc_node_tick(luxc_node *n, uint64_t now_us, uint64_t *next_us)
{
    if (!n || !next_us)
        return LUXC_EINVAL;
    *next_us = now_us + 1000000u;
    if (n->behaviour == LUXC_SILENT)
        return LUXC_OK;
    if (n->round_start_us == 0)
        n->round_start_us = now_us;
    if (n->last_final_us == 0)
        n->last_final_us = now_us;
    if (n->worker) {
        node_job *j = node_worker_take_done(n->worker);
        while (j) {
            node_job *next = j->next;
            node_job_done(n, j, now_us);
            j = next;
        }
    }
    if (n->fatal)
        return n->fatal;
    uint64_t height = n->height;
    node_final_tick(n, now_us, next_us);
    node_height_tick(n, now_us, next_us);
    node_upgrade_tick(n, now_us, next_us);
    if (n->height != height)
        *next_us = now_us; /* finalized inside this tick: the new height's
                              timers (our turn to propose?) were not seen */
    return LUXC_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int luxc_node_event_fd(const luxc_node *n) { return n ? node_worker_fd(n->worker) : -1; }

void luxc_node_status_get(const luxc_node *n, luxc_node_status *out)
{
    if (!n || !out)
        return;
    *out = n->st;
    out->height = n->durable_height;
    memcpy(out->last_id, n->last_id, 32);
    out->round = n->round;
    out->mempool_len = n->tx_count;
    out->latency_p50_ms = out->latency_p99_ms = 0;
    if (n->nlat) {
        double sorted[NODE_LATENCY_RING];
        memcpy(sorted, n->lat, n->nlat * sizeof *sorted);
        qsort(sorted, n->nlat, sizeof *sorted, cmp_double);
        out->latency_p50_ms = sorted[(n->nlat - 1) / 2];
        size_t i99 = (size_t)ceil(0.99 * n->nlat) - 1;
        out->latency_p99_ms = sorted[i99 < n->nlat ? i99 : n->nlat - 1];
    }
}
