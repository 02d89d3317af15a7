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
 * Thread safety: luxc_status_json is a pure function of its arguments;
 * see luxc_status_metrics_render. */
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

/* The /metrics body: a luxc_metrics registry holding one metric per
 * figure of the snapshot (luxc_height, luxc_blocks_finalized_total, ...,
 * luxc_cpu_seconds_total). LUXC_ENOMEM. */
typedef struct luxc_status_metrics luxc_status_metrics;
int luxc_status_metrics_new(luxc_status_metrics **out);
void luxc_status_metrics_free(luxc_status_metrics *sm);
/* Set every metric from p, then render the Prometheus text into body.
 * Sets then renders: calls on one sm must not overlap (the runtime makes
 * them under its status lock, so a scrape is one snapshot).
 * LUXC_ETOOBIG (*len = the size needed), LUXC_EINVAL. */
int luxc_status_metrics_render(luxc_status_metrics *sm, const luxc_published *p, char *body,
                               size_t cap, size_t *len);

#endif
