/* runtime_status.c - the /status JSON and /metrics text of `luxc node`
 * (runtime_status.h).
 * Owns: field names, order and number formats of both bodies.
 * Not here: taking the snapshot (runtime.c publish()), HTTP (http.c). */
#include "daemon/runtime_status.h"

#include <stdio.h>

#include "chain/json_util.h"

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

int luxc_status_metrics(const luxc_published *pp, char *body, size_t cap, size_t *len)
{
    const luxc_published p = *pp;
    const luxc_node_status *s = &p.st;
    struct {
        const char *name, *type, *help;
        double v;
    } m[] = {
        {"luxc_height", "gauge", "Last finalized height.", (double)s->height},
        {"luxc_round", "gauge", "Proposal round at the next height.", s->round},
        {"luxc_peers", "gauge", "Validators heard from in the last 3 s.", p.peers},
        {"luxc_links_connected", "gauge", "Outgoing secure links up.", p.links},
        {"luxc_blocks_finalized_total", "counter", "Blocks finalized (with a certificate).",
         (double)s->blocks_finalized},
        {"luxc_blocks_synced_total", "counter", "Certified blocks taken from peers.",
         (double)s->blocks_synced},
        {"luxc_txs_finalized_total", "counter", "Transactions in finalized blocks.",
         (double)s->txs_finalized},
        {"luxc_finality_latency_ms", "gauge", "Proposal to finality, last block.",
         s->last_latency_ms},
        {"luxc_finality_latency_p50_ms", "gauge", "Median finality, last 1024 blocks.",
         s->latency_p50_ms},
        {"luxc_finality_latency_p99_ms", "gauge", "p99 finality, last 1024 blocks.",
         s->latency_p99_ms},
        {"luxc_messages_in_total", "counter", "Consensus messages received.", (double)s->msgs_in},
        {"luxc_messages_out_total", "counter", "Consensus messages sent.", (double)s->msgs_out},
        {"luxc_bytes_in_total", "counter", "Consensus bytes received.", (double)s->bytes_in},
        {"luxc_bytes_out_total", "counter", "Consensus bytes sent.", (double)s->bytes_out},
        {"luxc_dropped_messages_total", "counter", "Malformed or invalid messages dropped.",
         (double)s->dropped_msgs},
        {"luxc_dropped_txs_total", "counter", "Submitted transactions refused.",
         (double)s->dropped_txs},
        {"luxc_dropped_frames_total", "counter", "Transport frames dropped (auth, replay, ...).",
         (double)p.dropped_frames},
        {"luxc_refused_peers_total", "counter", "Handshakes refused.", (double)p.refused},
        {"luxc_equivocations_total", "counter", "Validators caught signing twice.",
         (double)s->equivocations_seen},
        {"luxc_mempool_transactions", "gauge", "Transactions waiting.", (double)s->mempool_len},
        {"luxc_cpu_seconds_total", "counter", "CPU time of this process.", p.cpu_seconds},
    };
    size_t off = 0;
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        int n = snprintf(body + off, cap - off, "# HELP %s %s\n# TYPE %s %s\n%s %.17g\n",
                         m[i].name, m[i].help, m[i].name, m[i].type, m[i].name, m[i].v);
        if (n < 0 || (size_t)n >= cap - off)
            return LUXC_ETOOBIG;
        off += (size_t)n;
    }
    *len = off;
    return LUXC_OK;
}

