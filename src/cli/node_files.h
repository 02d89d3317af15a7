/* node_files.h - the files of a validator set, written the same way by
 * `luxc devnet` (devnet_setup.c, one machine) and `luxc testnet`
 * (cmd_testnet.c, folders to copy to several machines):
 *   node_files_genesis_init   a genesis with room for n validators
 *   node_files_validator      a node folder with fresh keys, and its entry
 *   node_files_write_config   a node's config.json
 *   node_files_write_genesis  genesis.json
 * Formats: include/luxc/node_config.h and include/luxc/keys.h.
 * One thread. Calls returning int give 0, or -1 with one line in err. */
#ifndef LUXC_CLI_NODE_FILES_H
#define LUXC_CLI_NODE_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/node_config.h"

/* What a node's config.json says; paths are relative to its folder. */
typedef struct node_files_config {
    const char *genesis;   /* the genesis file, e.g. "../genesis.json" */
    const char *name;      /* validator name in the genesis */
    const char *listen;    /* peer endpoint to bind, tcp://HOST:PORT */
    const char *metrics;   /* HOST:PORT for /metrics and /status, "" = none */
    const char *submit;    /* transaction endpoint tcp://HOST:PORT, "" = none */
    const char *log_level; /* error, warn, info or debug */
} node_files_config;

/* The consensus preset for a network of n validators when none is asked
 * for: "single" for 1, "local" up to 3, "localbft" from 4 (the presets
 * whose K and alpha small networks can reach). */
const char *node_files_default_preset(size_t n);

/* Fill g: chain_id, preset, genesis time now, and n zeroed validator
 * entries (g->validators, the caller frees it with free()). */
int node_files_genesis_init(luxc_genesis *g, const char *chain_id, const char *preset, size_t n,
                            char *err, size_t errlen);

/* Create node_dir (mode 0700, may exist) with a new key pair in
 * node_dir/keys, and fill g->validators[i] with name, address, stake and
 * the public keys; adds stake to g->total_stake. The secret key never
 * leaves the key file. */
int node_files_validator(luxc_genesis *g, size_t i, const char *node_dir, const char *name,
                         const char *address, uint64_t stake, char *err, size_t errlen);

/* Write a node configuration file (JSON) at path. */
int node_files_write_config(const char *path, const node_files_config *c, char *err,
                            size_t errlen);

/* Write g as JSON at each of the n_paths paths (the same bytes each),
 * after checking that the genesis parser accepts it. */
int node_files_write_genesis(const luxc_genesis *g, const char *const *paths, size_t n_paths,
                             char *err, size_t errlen);

#endif
