/* runtime_status.c - the /status JSON and /metrics text of `luxc node`
 * (runtime_status.h).
 * Owns: field names, order and number formats of both bodies.
 * Not here: taking the snapshot (runtime.c publish()), HTTP (http.c). */
#include "daemon/runtime_status.h"

#include <stdio.h>

#include "chain/json_util.h"

int luxc_status_json(const char *node_name, const luxc_published *pp, char *body, size_t cap,
                     size_t *len)
{
    const luxc_published p = *pp;
    const luxc_node_status *s = &p.st;
    char id[65], name[6 * 64 + 8];
    luxc_hex_encode(id, s->last_id, 32);
    int qrc = luxc_json_quote(name, sizeof name, node_name);
    if (qrc != LUXC_OK)
        return qrc;
    int n = snprintf(
        body, cap,
        "{\"name\": %s, \"height\": %llu, \"last_id\": \"%s\", \"round\": %u, "
        "\"peers\": %u, \"links\": %u, \"blocks_finalized\": %llu, \"blocks_synced\": %llu, "
        "\"txs_finalized\": %llu, \"finality_last_ms\": %.3f, \"finality_p50_ms\": %.3f, "
        "\"finality_p99_ms\": %.3f, \"msgs_in\": %llu, \"msgs_out\": %llu, \"bytes_in\": %llu, "
        "\"bytes_out\": %llu, \"dropped_msgs\": %llu, \"dropped_txs\": %llu, "
        "\"dropped_frames\": %llu, \"refused_peers\": %llu, \"equivocations_seen\": %llu, "
        "\"mempool\": %llu, \"upgrades_pending\": %llu, \"upgrades_approved\": %llu, "
        "\"upgrades_rejected\": %llu, \"cpu_seconds\": %.3f, \"uptime_seconds\": %.3f}\n",
        name, (unsigned long long)s->height, id, s->round, p.peers, p.links,
        (unsigned long long)s->blocks_finalized, (unsigned long long)s->blocks_synced,
        (unsigned long long)s->txs_finalized, s->last_latency_ms, s->latency_p50_ms,
        s->latency_p99_ms, (unsigned long long)s->msgs_in, (unsigned long long)s->msgs_out,
        (unsigned long long)s->bytes_in, (unsigned long long)s->bytes_out,
        (unsigned long long)s->dropped_msgs, (unsigned long long)s->dropped_txs,
        (unsigned long long)p.dropped_frames, (unsigned long long)p.refused,
        (unsigned long long)s->equivocations_seen, (unsigned long long)s->mempool_len,
        (unsigned long long)s->upgrades_pending, (unsigned long long)s->upgrades_approved,
        (unsigned long long)s->upgrades_rejected, p.cpu_seconds, p.uptime_seconds);
    if (n < 0 || (size_t)n >= cap)
        return LUXC_ETOOBIG;
    *len = (size_t)n;
    return LUXC_OK;
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

