/* devnet.h - pieces of `luxc devnet` shared by its files:
 *   cmd_devnet.c      options, the run, progress line and summary
 *   devnet_setup.c    keys, genesis and node configs in a folder
 * One thread. */
#ifndef LUXC_CLI_DEVNET_H
#define LUXC_CLI_DEVNET_H

#include <stdint.h>
#include <sys/types.h>

#define DEVNET_MAX_NODES 64

typedef struct devnet_node {
    char dir[512];
    char config[600];
    char metrics[64];
    char listen[64];
    char submit[64];
    pid_t pid;
    int byzantine;
    /* last status read */
    int up;
    uint64_t height, blocks, msgs_in, msgs_out, bytes_in, bytes_out, equivocations, dropped;
    double p50, p99, cpu, cpu0, uptime, uptime0;
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

/* Create dir/node<i>/keys, dir/genesis.json and dir/node<i>/config.json.
 * Returns 0, or -1 with a message in err. */
int devnet_setup(devnet *d, char *err, size_t errlen);

#endif
