/* runtime_status.c - the /status JSON and /metrics text of `luxc node`
 * (runtime_status.h).
 * Owns: field names, order and number formats of /status, and the
 * metric families of /metrics (rendered by luxc_metrics, metrics.c).
 * Not here: taking the snapshot (runtime.c publish()), HTTP (http.c). */
#include "daemon/runtime_status.h"

#include <stdio.h>
#include <stdlib.h>

#include "chain/json_util.h"
#include "daemon/metrics.h"

int luxc_status_json(const char *name, const luxc_published *p, char *body, size_t cap,
                     size_t *len)
{
    const luxc_node_status *s = &p->st;
    char id[65];
    luxc_hex_encode(id, s->last_id, 32);
    cJSON *o = cJSON_CreateObject();
    /* cJSON escapes the name: it comes from a config file and may hold
     * quotes, backslashes or control characters */
    int ok = o && cJSON_AddStringToObject(o, "name", name ? name : "") &&
             luxc_jadd_u64(o, "height", s->height) && cJSON_AddStringToObject(o, "last_id", id) &&
             luxc_jadd_u64(o, "round", s->round) && luxc_jadd_u64(o, "peers", p->peers) &&
             luxc_jadd_u64(o, "links", p->links) &&
             luxc_jadd_u64(o, "blocks_finalized", s->blocks_finalized) &&
             luxc_jadd_u64(o, "blocks_synced", s->blocks_synced) &&
             luxc_jadd_u64(o, "txs_finalized", s->txs_finalized) &&
             luxc_jadd_fixed(o, "finality_last_ms", s->last_latency_ms, 3) &&
             luxc_jadd_fixed(o, "finality_p50_ms", s->latency_p50_ms, 3) &&
             luxc_jadd_fixed(o, "finality_p99_ms", s->latency_p99_ms, 3) &&
             luxc_jadd_u64(o, "finality_samples", s->latency_samples) &&
             luxc_jadd_u64(o, "msgs_in", s->msgs_in) && luxc_jadd_u64(o, "msgs_out", s->msgs_out) &&
             luxc_jadd_u64(o, "bytes_in", s->bytes_in) &&
             luxc_jadd_u64(o, "bytes_out", s->bytes_out) &&
             luxc_jadd_u64(o, "dropped_msgs", s->dropped_msgs) &&
             luxc_jadd_u64(o, "dropped_txs", s->dropped_txs) &&
             luxc_jadd_u64(o, "dropped_frames", p->dropped_frames) &&
             luxc_jadd_u64(o, "refused_peers", p->refused) &&
             luxc_jadd_u64(o, "equivocations_seen", s->equivocations_seen) &&
             luxc_jadd_u64(o, "mempool", s->mempool_len) &&
             luxc_jadd_u64(o, "upgrades_pending", s->upgrades_pending) &&
             luxc_jadd_u64(o, "upgrades_approved", s->upgrades_approved) &&
             luxc_jadd_u64(o, "upgrades_rejected", s->upgrades_rejected) &&
             luxc_jadd_fixed(o, "cpu_seconds", p->cpu_seconds, 3) &&
             luxc_jadd_fixed(o, "uptime_seconds", p->uptime_seconds, 3);
    int rc = ok ? luxc_jprint_line(o, body, cap, len) : LUXC_ENOMEM;
    cJSON_Delete(o);
    return rc;
}

/* The metrics of /metrics, in the order they are rendered. */
enum {
    M_HEIGHT, M_ROUND, M_PEERS, M_LINKS, M_BLOCKS_FINALIZED, M_BLOCKS_SYNCED, M_TXS_FINALIZED,
    M_LATENCY, M_LATENCY_P50, M_LATENCY_P99, M_MSGS_IN, M_MSGS_OUT, M_BYTES_IN, M_BYTES_OUT,
    M_DROPPED_MSGS, M_DROPPED_TXS, M_DROPPED_FRAMES, M_REFUSED, M_EQUIVOCATIONS, M_MEMPOOL,
    M_CPU, M_COUNT
};

static const struct {
    const char *name, *help;
    luxc_metric_type type;
} defs[M_COUNT] = {
    [M_HEIGHT] = {"luxc_height", "Last finalized height.", LUXC_METRIC_GAUGE},
    [M_ROUND] = {"luxc_round", "Proposal round at the next height.", LUXC_METRIC_GAUGE},
    [M_PEERS] = {"luxc_peers", "Validators heard from in the last 3 s.", LUXC_METRIC_GAUGE},
    [M_LINKS] = {"luxc_links_connected", "Outgoing secure links up.", LUXC_METRIC_GAUGE},
    [M_BLOCKS_FINALIZED] = {"luxc_blocks_finalized_total", "Blocks finalized (with a certificate).",
                            LUXC_METRIC_COUNTER},
    [M_BLOCKS_SYNCED] = {"luxc_blocks_synced_total", "Certified blocks taken from peers.",
                         LUXC_METRIC_COUNTER},
    [M_TXS_FINALIZED] = {"luxc_txs_finalized_total", "Transactions in finalized blocks.",
                         LUXC_METRIC_COUNTER},
    [M_LATENCY] = {"luxc_finality_latency_ms", "Proposal to finality, last block.",
                   LUXC_METRIC_GAUGE},
    [M_LATENCY_P50] = {"luxc_finality_latency_p50_ms", "Median finality, last 1024 blocks.",
                       LUXC_METRIC_GAUGE},
    [M_LATENCY_P99] = {"luxc_finality_latency_p99_ms", "p99 finality, last 1024 blocks.",
                       LUXC_METRIC_GAUGE},
    [M_MSGS_IN] = {"luxc_messages_in_total", "Consensus messages received.", LUXC_METRIC_COUNTER},
    [M_MSGS_OUT] = {"luxc_messages_out_total", "Consensus messages sent.", LUXC_METRIC_COUNTER},
    [M_BYTES_IN] = {"luxc_bytes_in_total", "Consensus bytes received.", LUXC_METRIC_COUNTER},
    [M_BYTES_OUT] = {"luxc_bytes_out_total", "Consensus bytes sent.", LUXC_METRIC_COUNTER},
    [M_DROPPED_MSGS] = {"luxc_dropped_messages_total", "Malformed or invalid messages dropped.",
                        LUXC_METRIC_COUNTER},
    [M_DROPPED_TXS] = {"luxc_dropped_txs_total", "Submitted transactions refused.",
                       LUXC_METRIC_COUNTER},
    [M_DROPPED_FRAMES] = {"luxc_dropped_frames_total",
                          "Transport frames dropped (auth, replay, ...).", LUXC_METRIC_COUNTER},
    [M_REFUSED] = {"luxc_refused_peers_total", "Handshakes refused.", LUXC_METRIC_COUNTER},
    [M_EQUIVOCATIONS] = {"luxc_equivocations_total", "Validators caught signing twice.",
                         LUXC_METRIC_COUNTER},
    [M_MEMPOOL] = {"luxc_mempool_transactions", "Transactions waiting.", LUXC_METRIC_GAUGE},
    [M_CPU] = {"luxc_cpu_seconds_total", "CPU time of this process.", LUXC_METRIC_COUNTER},
};

struct luxc_status_metrics {
    luxc_metrics *reg;
    luxc_metric *m[M_COUNT];
};

int luxc_status_metrics_new(luxc_status_metrics **out)
{
    if (!out)
        return LUXC_EINVAL;
    *out = NULL;
    luxc_status_metrics *sm = calloc(1, sizeof *sm);
    if (!sm)
        return LUXC_ENOMEM;
    int rc = luxc_metrics_new(&sm->reg, M_COUNT);
    for (size_t i = 0; rc == LUXC_OK && i < M_COUNT; i++)
        rc = luxc_metrics_add(sm->reg, defs[i].type, defs[i].name, NULL, defs[i].help, &sm->m[i]);
    if (rc != LUXC_OK) {
        luxc_status_metrics_free(sm);
        return rc;
    }
    *out = sm;
    return LUXC_OK;
}

void luxc_status_metrics_free(luxc_status_metrics *sm)
{
    if (!sm)
        return;
    luxc_metrics_free(sm->reg);
    free(sm);
}

int luxc_status_metrics_render(luxc_status_metrics *sm, const luxc_published *p, char *body,
                               size_t cap, size_t *len)
{
    if (!sm || !p || !len)
        return LUXC_EINVAL;
    const luxc_node_status *s = &p->st;
    const double v[M_COUNT] = {
        [M_HEIGHT] = (double)s->height,
        [M_ROUND] = s->round,
        [M_PEERS] = p->peers,
        [M_LINKS] = p->links,
        [M_BLOCKS_FINALIZED] = (double)s->blocks_finalized,
        [M_BLOCKS_SYNCED] = (double)s->blocks_synced,
        [M_TXS_FINALIZED] = (double)s->txs_finalized,
        [M_LATENCY] = s->last_latency_ms,
        [M_LATENCY_P50] = s->latency_p50_ms,
        [M_LATENCY_P99] = s->latency_p99_ms,
        [M_MSGS_IN] = (double)s->msgs_in,
        [M_MSGS_OUT] = (double)s->msgs_out,
        [M_BYTES_IN] = (double)s->bytes_in,
        [M_BYTES_OUT] = (double)s->bytes_out,
        [M_DROPPED_MSGS] = (double)s->dropped_msgs,
        [M_DROPPED_TXS] = (double)s->dropped_txs,
        [M_DROPPED_FRAMES] = (double)p->dropped_frames,
        [M_REFUSED] = (double)p->refused,
        [M_EQUIVOCATIONS] = (double)s->equivocations_seen,
        [M_MEMPOOL] = (double)s->mempool_len,
        [M_CPU] = p->cpu_seconds,
    };
    for (size_t i = 0; i < M_COUNT; i++)
        luxc_metric_set(sm->m[i], v[i]);
    return luxc_metrics_render(sm->reg, body, cap, len);
}
