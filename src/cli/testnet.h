/* testnet.h - pieces of `luxc testnet` shared by its files:
 *   cmd_testnet.c     options, checks of hosts and ports, placing validators
 *   testnet_write.c   the output tree, systemd units and the summaries
 * One thread. */
#ifndef LUXC_CLI_TESTNET_H
#define LUXC_CLI_TESTNET_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/node_config.h"

#define TESTNET_DIR_MAX 400u  /* --out and --install-dir, so derived paths fit */
#define TESTNET_HOST_MAX 100u /* "tcp://" HOST ":65535" fits LUXC_ADDRESS_MAX */

typedef struct testnet_opts {
    uint32_t validators;
    char *hosts_list;   /* our copy of --hosts, split in place */
    const char **hosts; /* n_hosts entries into hosts_list */
    size_t n_hosts;
    char out[TESTNET_DIR_MAX + 1]; /* --out without trailing slashes */
    const char *chain_id, *preset, *log_level, *bin, *install_parent, *user;
    const char *metrics, *submit; /* IPV4:PORT of the first node on a host, or "none" */
    uint16_t p2p_port;
    uint32_t round_timeout_ms, block_time_ms;
    uint64_t stake;
    int listen_any, json;
} testnet_opts;

/* Where one validator runs and what it binds. */
typedef struct testnet_node {
    const char *host;
    uint32_t slot; /* index among the validators on the same host */
    char name[16];
    char address[LUXC_ADDRESS_MAX + 1]; /* what peers dial (genesis) */
    char listen[LUXC_ADDRESS_MAX + 1];  /* what the node binds */
    char metrics[LUXC_ADDRESS_MAX + 1]; /* "" = none */
    char submit[LUXC_ADDRESS_MAX + 1];  /* "" = none */
    char install_dir[TESTNET_DIR_MAX + 32];
    char unit[32];
} testnet_node;

/* Write o->out: DIR/genesis.json and DIR/node<i>/ (keys, config.json,
 * genesis.json, the unit) for every planned node, filling g's entries. The
 * tree is built in a scratch folder next to DIR and renamed into place, so
 * on failure (-1, message in err) nothing is left behind. */
int testnet_write(const testnet_opts *o, const testnet_node *nodes, luxc_genesis *g, char *err,
                  size_t errlen);

/* Summaries on stdout: a table with the next steps, or one JSON object. */
void testnet_print_human(const testnet_opts *o, const testnet_node *nodes);
void testnet_print_json(const testnet_opts *o, const testnet_node *nodes, const luxc_genesis *g);

#endif
