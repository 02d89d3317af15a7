/* sim_net.c - the in-process test network (see sim_net.h). */
#include "sim_net.h"

#include "luxc/node_wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

static void enqueue(sim_net *net, uint32_t from, uint32_t to, const uint8_t *msg, size_t len)
{
    sim_msg *m = malloc(sizeof *m);
    m->data = malloc(len);
    memcpy(m->data, msg, len);
    m->len = len;
    m->from = from;
    m->to = to;
    uint64_t delay = net->delay_ms;
    if (net->jitter_ms)
        delay += luxc_test_rand(&net->rng) % (net->jitter_ms + 1u);
    m->at = net->now + delay * 1000u;
    sim_msg **p = &net->queue;
    while (*p && (*p)->at <= m->at)
        p = &(*p)->next;
    m->next = *p;
    *p = m;
}

static int net_send(void *ctx, uint32_t peer, const uint8_t *msg, size_t len)
{
    sim_node *sn = ctx;
    sim_net *net = sn->net;
    if (len && msg[0] == LUXC_WIRE_VOTE && sn->crash_after_votes &&
        ++sn->votes_out >= sn->crash_after_votes)
        sn->crash_pending = 1; /* this vote still goes out: it was durable first */
    if (peer >= net->n || net->cut[sn->index][peer] ||
        (net->loss_per_mille && luxc_test_rand(&net->rng) % 1000 < net->loss_per_mille)) {
        net->lost++;
        return 0;
    }
    enqueue(net, sn->index, peer, msg, len);
    if (net->dup_per_mille && luxc_test_rand(&net->rng) % 1000 < net->dup_per_mille)
        enqueue(net, sn->index, peer, msg, len);
    return 0;
}

void sim_net_partition(sim_net *net, const uint32_t *groups)
{
    for (uint32_t i = 0; i < net->n; i++)
        for (uint32_t j = 0; j < net->n; j++)
            net->cut[i][j] = groups && groups[i] != groups[j];
}

uint64_t sim_net_min_height(const sim_net *net)
{
    uint64_t min = UINT64_MAX;
    for (uint32_t i = 0; i < net->n; i++) {
        const sim_node *sn = &net->nodes[i];
        if (sn->down || sn->behaviour != LUXC_HONEST)
            continue;
        luxc_node_status st;
        luxc_node_status_get(sn->node, &st);
        min = st.height < min ? st.height : min;
    }
    return min == UINT64_MAX ? 0 : min;
}

static void on_final(void *ctx, uint64_t height, const uint8_t id[32], const uint8_t *block,
                     size_t len, double latency_ms)
{
    (void)block;
    (void)len;
    (void)latency_ms;
    sim_node *sn = ctx;
    if (height < SIM_MAX_HEIGHT) {
        memcpy(sn->final_ids[height], id, 32);
        if (height > sn->final_count)
            sn->final_count = height;
    }
}

int sim_net_init(sim_net *net, uint32_t n, const char *preset, const luxc_behaviour *behaviours,
                 uint64_t seed)
{
    return sim_net_init_models(net, n, preset, behaviours, NULL, seed);
}

int sim_net_init_models(sim_net *net, uint32_t n, const char *preset,
                        const luxc_behaviour *behaviours, const luxc_node_model *models,
                        uint64_t seed)
{
    memset(net, 0, sizeof *net);
    for (uint32_t i = 0; models && i < n; i++)
        net->models[i] = models[i];
    net->n = n;
    net->seed = seed;
    net->rng = seed;
    net->delay_ms = 1;
    net->now = 1764000000000000ull; /* microseconds */
    if (luxc_crypto_init() != LUXC_OK || luxc_params_preset(&net->params, preset) != LUXC_OK)
        return -1;
    snprintf(net->genesis.chain_id, sizeof net->genesis.chain_id, "sim-%llu",
             (unsigned long long)seed);
    snprintf(net->genesis.consensus.preset, sizeof net->genesis.consensus.preset, "%s", preset);
    net->genesis.genesis_time = net->now / 1000000 - 1;
    net->genesis.validators = net->vals;
    net->genesis.n_validators = n;
    for (uint32_t i = 0; i < n; i++) {
        sim_node *sn = &net->nodes[i];
        sn->net = net;
        sn->index = i;
        sn->behaviour = behaviours ? behaviours[i] : LUXC_HONEST;
        sn->final_ids = calloc(SIM_MAX_HEIGHT, 32);
        uint8_t s[LUXC_HSIGN_SEEDBYTES];
        memset(s, (int)(i + 1), sizeof s);
        if (luxc_hsign_keypair_from_seed(sn->keys.pk, sn->keys.sk, s) != LUXC_OK)
            return -1;
        luxc_genesis_validator *v = &net->vals[i];
        snprintf(v->name, sizeof v->name, "node%u", i);
        snprintf(v->address, sizeof v->address, "sim://%u", i);
        v->stake = 100;
        memcpy(v->ed25519_pk, sn->keys.pk, LUXC_ED25519_PUBLICKEYBYTES);
        memcpy(v->mldsa65_pk, sn->keys.pk + LUXC_ED25519_PUBLICKEYBYTES,
               LUXC_MLDSA_PUBLICKEYBYTES);
        net->genesis.total_stake += v->stake;
        snprintf(sn->dir, sizeof sn->dir, "/tmp/luxc-simnet-XXXXXX");
        if (!mkdtemp(sn->dir))
            return -1;
        sn->down = 1;
    }
    for (uint32_t i = 0; i < n; i++)
        if (sim_node_start(net, i) != LUXC_OK)
            return -1;
    return 0;
}

/* SIM_LOG=1 in the environment: every node's events on stderr. */
static void sim_log(void *ctx, luxc_log_level level, const char *event, const char *fields)
{
    const sim_node *sn = ctx;
    fprintf(stderr, "%llu node%u %d %s %s\n", (unsigned long long)(sn->net->now / 1000 % 1000000),
            sn->index, (int)level, event, fields ? fields : "");
}

int sim_node_start(sim_net *net, uint32_t i)
{
    sim_node *sn = &net->nodes[i];
    uint8_t chain[32];
    if (luxc_chain_id_hash(chain, net->genesis.chain_id) != LUXC_OK)
        return LUXC_EINVAL;
    luxc_store_cfg sc = {.path = sn->dir, .chain_id = chain,
                         .flags = LUXC_STORE_CREATE | LUXC_STORE_NOSYNC,
                         .map_size = (size_t)64 << 20};
    char err[512];
    int rc = luxc_store_new(&sn->store, &sc, err, sizeof err);
    if (rc != LUXC_OK) {
        fprintf(stderr, "sim_node_start: %s\n", err);
        return rc;
    }
    luxc_node_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.genesis = &net->genesis;
    cfg.self = i;
    cfg.keys = &sn->keys;
    cfg.params = net->params;
    cfg.store = sn->store;
    cfg.io = (luxc_node_io){net_send, sn};
    cfg.model = net->models[i];
    cfg.on_final = on_final;
    cfg.on_final_ctx = sn;
    cfg.behaviour = sn->behaviour;
    cfg.seed = net->seed * 131 + i + 1;
    if (getenv("SIM_LOG")) {
        cfg.log = sim_log;
        cfg.log_ctx = sn;
        cfg.log_level = LUXC_LOG_DEBUG;
    }
    rc = luxc_node_new(&sn->node, &cfg);
    if (rc != LUXC_OK) {
        luxc_store_free(sn->store);
        sn->store = NULL;
        return rc;
    }
    sn->down = 0;
    sn->next_tick = net->now;
    return LUXC_OK;
}

void sim_node_stop(sim_net *net, uint32_t i)
{
    sim_node *sn = &net->nodes[i];
    luxc_node_free(sn->node);
    luxc_store_free(sn->store);
    sn->node = NULL;
    sn->store = NULL;
    sn->down = 1;
}

static int all_reached(const sim_net *net, uint64_t height)
{
    for (uint32_t i = 0; i < net->n; i++) {
        const sim_node *sn = &net->nodes[i];
        if (sn->down || sn->behaviour != LUXC_HONEST)
            continue;
        luxc_node_status st;
        luxc_node_status_get(sn->node, &st);
        if (st.height < height)
            return 0;
    }
    return 1;
}

int sim_net_run(sim_net *net, uint64_t height, uint64_t max_ms)
{
    uint64_t end = net->now + max_ms * 1000u;
    while (net->now <= end) {
        if (all_reached(net, height))
            return 1;
        /* deliver everything due now (a paused node's messages wait) */
        sim_msg **pp = &net->queue;
        while (*pp && (*pp)->at <= net->now) {
            sim_msg *m = *pp;
            sim_node *dst = &net->nodes[m->to];
            if (dst->paused) {
                pp = &m->next;
                continue;
            }
            *pp = m->next;
            if (!dst->down) {
                luxc_node_receive(dst->node, m->from, m->data, m->len, net->now);
                dst->next_tick = net->now; /* let it react at once */
                net->delivered++;
            }
            free(m->data);
            free(m);
        }
        uint64_t next = end + 1;
        for (uint32_t i = 0; i < net->n; i++) {
            sim_node *sn = &net->nodes[i];
            if (sn->crash_pending && !sn->down) {
                sn->crash_pending = 0;
                sn->crash_after_votes = 0;
                sim_node_stop(net, i);
                sn->restart_at = net->now + net->restart_delay_ms * 1000u;
            }
            if (sn->down && sn->restart_at && sn->restart_at <= net->now) {
                sn->restart_at = 0;
                if (sim_node_start(net, i) != LUXC_OK)
                    fprintf(stderr, "sim_net: restart of node %u failed\n", i);
            }
            if (sn->down && sn->restart_at && sn->restart_at < next)
                next = sn->restart_at;
            if (sn->down || sn->paused)
                continue;
            if (sn->next_tick <= net->now) {
                uint64_t nt;
                luxc_node_tick(sn->node, net->now, &nt);
                sn->next_tick = nt > net->now ? nt : net->now + 1;
            }
            if (sn->next_tick < next)
                next = sn->next_tick;
        }
        for (sim_msg *m = net->queue; m; m = m->next)
            if (!net->nodes[m->to].paused) {
                if (m->at < next)
                    next = m->at;
                break; /* sorted: the first deliverable one is the earliest */
            }
        net->now = next > net->now ? next : net->now + 1;
    }
    return all_reached(net, height);
}

uint64_t sim_net_safety_violations(const sim_net *net)
{
    static const uint8_t zero[32];
    uint64_t bad = 0;
    for (uint64_t h = 1; h < SIM_MAX_HEIGHT; h++) {
        const uint8_t *seen = NULL;
        for (uint32_t i = 0; i < net->n; i++) {
            const sim_node *sn = &net->nodes[i];
            if (sn->behaviour != LUXC_HONEST || !memcmp(sn->final_ids[h], zero, 32))
                continue;
            if (!seen)
                seen = sn->final_ids[h];
            else if (memcmp(seen, sn->final_ids[h], 32)) {
                bad++;
                break;
            }
        }
    }
    return bad;
}

void sim_net_free(sim_net *net)
{
    for (uint32_t i = 0; i < net->n; i++) {
        sim_node *sn = &net->nodes[i];
        if (!sn->down)
            sim_node_stop(net, i);
        free(sn->final_ids);
        char cmd[160];
        snprintf(cmd, sizeof cmd, "rm -rf %s", sn->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "cannot remove %s\n", sn->dir);
    }
    while (net->queue) {
        sim_msg *m = net->queue;
        net->queue = m->next;
        free(m->data);
        free(m);
    }
}
