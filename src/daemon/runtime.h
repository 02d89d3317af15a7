/* daemon/runtime.h - `luxc node`: one validator process. Program code, not
 * part of libluxc. Loads the node configuration, genesis and keys, opens
 * the LMDB store, links to every other validator over the secure
 * transport, runs the consensus core
 * (luxc/node.h) in one loop thread, takes transactions from a ZeroMQ PULL
 * socket and/or a built-in load generator, serves Prometheus /metrics and
 * JSON /status over HTTP, and logs logfmt lines to stderr. SIGTERM and
 * SIGINT stop it cleanly (model weights saved, store closed).
 *
 * The fields of GET /status and the metrics of GET /metrics are listed
 * in daemon/runtime_status.h. */
#ifndef LUXC_DAEMON_RUNTIME_H
#define LUXC_DAEMON_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/node.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct luxc_run_opts {
    const char *config_path;
    luxc_behaviour behaviour;  /* LUXC_HONEST unless testing */
    uint32_t load_tps;         /* built-in load generator, tx/s (0 = off) */
    uint32_t load_tx_bytes;    /* 0 = 128 */
    uint64_t stop_height;      /* stop once this height is final (0 = run) */
    int store_nosync;          /* tests only: commits not fsync'd */
} luxc_run_opts;

/* Run until a signal (or stop_height). Returns a process exit status:
 * 0 after a clean stop, 1 on a start-up or fatal error (message in err and
 * on the log). */
int luxc_node_run(const luxc_run_opts *o, char *err, size_t errlen);

/* `luxc node --check`: the start-up steps that read files (configuration,
 * genesis, the name's place in it, keys that must be that validator's,
 * consensus parameters), without binding a socket or opening the store.
 * LUXC_OK with a one-line summary, or a luxc_err with the reason in err. */
int luxc_node_check(const char *config_path, char *summary, size_t slen, char *err,
                    size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
