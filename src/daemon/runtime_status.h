/* runtime_status.h - what `luxc node` publishes over HTTP (program code).
 * Owns: the snapshot the loop publishes, its JSON (GET /status) and its
 * Prometheus text (GET /metrics).
 * Not here: taking the snapshot and the HTTP server (runtime.c, http.c).
 *
 * Status JSON, one line: {"name", "height", "last_id", "round", "peers"
 * (validators heard from in the last 3 s), "links" (outgoing links up),
 * "blocks_finalized", "blocks_synced", "txs_finalized", "finality_last_ms",
 * "finality_p50_ms", "finality_p99_ms", "msgs_in", "msgs_out", "bytes_in",
 * "bytes_out", "dropped_msgs", "dropped_txs", "dropped_frames",
 * "refused_peers", "equivocations_seen", "mempool", "upgrades_pending",
 * "upgrades_approved", "upgrades_rejected", "cpu_seconds",
 * "uptime_seconds"}, in that order.
 *
 * Thread safety: pure functions of their arguments; the caller holds
 * whatever lock guards the snapshot. */
#ifndef LUXC_DAEMON_RUNTIME_STATUS_H
#define LUXC_DAEMON_RUNTIME_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/node.h"

typedef struct luxc_published {
    luxc_node_status st;
    uint32_t peers, links;
    uint64_t refused, dropped_frames;
    double cpu_seconds, uptime_seconds;
} luxc_published;

/* The /status body for the node called name. LUXC_ETOOBIG, LUXC_ENOMEM. */
int luxc_status_json(const char *name, const luxc_published *p, char *body, size_t cap,
                     size_t *len);

/* The /metrics body. LUXC_ETOOBIG. */
int luxc_status_metrics(const luxc_published *p, char *body, size_t cap, size_t *len);

#endif
