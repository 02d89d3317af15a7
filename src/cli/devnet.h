/* devnet.h - pieces of `luxc devnet` shared by its files:
 *   cmd_devnet.c      options, the run, progress line and summary
 *   devnet_setup.c    keys, genesis and node configs in a folder
 *   devnet_chaos.c    kill -9, kill all, SIGSTOP: the --chaos schedule
 *   devnet_report.c   network figures, stalls, the summary and the JSON
 * One thread. */
#ifndef LUXC_CLI_DEVNET_H
#define LUXC_CLI_DEVNET_H

#include <stdint.h>
#include <sys/types.h>

#include "store_compare.h"

#define DEVNET_MAX_NODES 64

typedef struct devnet_node {
    char dir[512];
    char config[600];
    char metrics[64];
    char listen[64];
    char submit[64];
    pid_t pid;
    int byzantine;
    /* exits we did not cause: a crash while running, or a failed stop */
    uint32_t crashes;
    int last_status; /* waitpid status of the latest such exit */
    int paused; /* SIGSTOPped by chaos: not asked for status */
    /* last status read */
    int up;
    uint64_t height, blocks, msgs_in, msgs_out, bytes_in, bytes_out, equivocations, dropped;
    double p50, p99, cpu, cpu0, uptime, uptime0;
    uint64_t samples; /* finalized blocks behind p50 and p99 */
    uint64_t bytes0;
    uint32_t peers;
} devnet_node;

typedef struct devnet {
    char dir[400];
    uint32_t n;
    uint16_t base_port;
    const char *preset;
    uint32_t block_time_ms;
    devnet_node nodes[DEVNET_MAX_NODES];
} devnet;

/* Start the node's process; returns its pid (the caller's, cmd_devnet.c). */
typedef pid_t (*devnet_spawn_fn)(devnet_node *nd, void *ctx);

/* kill -9 the node and reap it (pid 0, not up); nothing if it is not running. */
void devnet_node_kill(devnet_node *nd);
/* Start it again through spawn; its CPU, uptime and byte counters restart. */
void devnet_node_restart(devnet_node *nd, devnet_spawn_fn spawn, void *ctx);

typedef enum devnet_chaos_kind {
    DEVNET_CHAOS_NONE,
    DEVNET_CHAOS_KILL_ONE, /* kill -9 one honest node, restart it 0.2-1.5 s later */
    DEVNET_CHAOS_KILL_ALL, /* kill -9 every node, restart all 0.2-1.0 s later */
    DEVNET_CHAOS_PAUSE     /* SIGSTOP one honest node, SIGCONT it 1-3 s later */
} devnet_chaos_kind;

/* The --chaos schedule: a perturbation, then 4-6 s of calm, and again. */
#define DEVNET_CHAOS_DECK 5
typedef struct devnet_chaos {
    uint64_t rng;
    devnet_chaos_kind deck[DEVNET_CHAOS_DECK]; /* kinds still to come this cycle */
    int deck_left;
    double next_at;           /* when the next perturbation begins */
    double until;             /* when the one in progress is undone */
    devnet_chaos_kind active; /* in progress, or NONE */
    devnet_chaos_kind latest; /* the latest begun, or NONE before the first */
    int victim;               /* its node, -1 for all */
    uint32_t perturbations, kills, kill_alls, pauses;
    char last[48]; /* the latest, for the progress line: "SIGSTOP node2" */
} devnet_chaos;

void devnet_chaos_init(devnet_chaos *c, uint64_t seed, double now);
/* At time now (seconds, monotonic): undo the perturbation whose time is
 * up, or begin the next one that is due. Returns 1 when it did either. */
int devnet_chaos_step(devnet_chaos *c, devnet *d, double now, devnet_spawn_fn spawn, void *ctx);
/* Before stopping the network: resume a stopped node (killed ones stay down). */
void devnet_chaos_finish(devnet_chaos *c, devnet *d);
const char *devnet_chaos_kind_name(devnet_chaos_kind k);

/* Network figures over the honest nodes that answered: height range, the
 * median of their p50, the worst p99, mean CPU % and bytes/s since the run
 * phase began. */
typedef struct devnet_totals {
    uint64_t min_h, max_h, msgs, equivocations, dropped;
    double p50, p99, cpu_pct, bytes_per_s;
    uint64_t samples; /* fewest blocks behind any honest node's p50/p99 */
    uint32_t up;
} devnet_totals;
void devnet_sum_up(const devnet *d, devnet_totals *t);

/* What the run did to the network and how long it went without a new
 * height. */
typedef struct devnet_facts {
    uint32_t kills;
    double longest_stall_ms;
    /* by the kind of the latest perturbation begun when the stall ended */
    double stall_by_kind_ms[4];
    const devnet_chaos *chaos; /* NULL without --chaos */
    uint64_t chaos_seed;
    /* the stores afterwards: compared, opened, not opened (honest only) */
    store_cmp_result cmp;
    uint32_t stores_opened, store_open_errors;
    uint32_t honest_crashes, byzantine_crashes;
    const char *byzantine; /* "none", "silent", ... */
    uint32_t byzantine_nodes;
    int keep; /* the work folder stays: its path goes in the JSON */
} devnet_facts;
/* "signal 11" or "exit status 1" for a waitpid status, in buf; returns buf. */
const char *devnet_exit_text(char *buf, size_t cap, int status);
/* A stretch of seconds with no new height ended (or the run did). */
void devnet_note_stall(devnet_facts *f, devnet_chaos_kind latest, double seconds);
void devnet_print_summary(const devnet *d, const devnet_totals *t, double secs, uint64_t base_h,
                          const devnet_facts *f);
/* One JSON object on stdout; 0 (and a message) if it could not be written. */
int devnet_print_json(const devnet *d, const devnet_totals *t, double secs, uint64_t base_h,
                      const devnet_facts *f);
/* Does the run pass: no violation, no honest crash, every honest store
 * opened and read, the heights held by two or more stores, progress? */
int devnet_run_ok(const devnet *d, const devnet_totals *t, uint64_t base_h, const devnet_facts *f);

/* Create dir/node<i>/keys, dir/genesis.json and dir/node<i>/config.json.
 * Returns 0, or -1 with a message in err. */
int devnet_setup(devnet *d, char *err, size_t errlen);

#endif
