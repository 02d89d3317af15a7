/* luxc/node_config.h - the genesis file and the node configuration file.
 *
 * Genesis (JSON) - shared by every validator of a chain:
 *   {
 *     "chain_id": "luxc-devnet",            1..64 chars [A-Za-z0-9._-]
 *     "genesis_time": 1764000000,           unix seconds, optional (0)
 *     "consensus": {                        optional; default preset "default"
 *       "preset": "local",                  default|mainnet|testnet|local|localbft|single
 *       "k": 3, "alpha_pref": 2, "alpha_conf": 2, "beta": 2,   optional overrides
 *       "block_time_ms": 1, "round_timeout_ms": 5             optional overrides
 *     },
 *     "validators": [                       1..LUXC_GENESIS_MAX_VALIDATORS
 *       { "name": "node0",                  1..63 chars, unique
 *         "address": "tcp://127.0.0.1:7000", peer endpoint, 1..127 chars, unique
 *         "stake": 100,                     integer > 0 (a decimal string for
 *                                           values above 2^53); sum < 2^63
 *         "ed25519_public_key": "<64 hex>",
 *         "mldsa65_public_key": "<3904 hex>" } ]
 *   }
 *
 * Node configuration (JSON) - one per validator process; relative paths are
 * resolved against the directory of the configuration file:
 *   { "genesis": "genesis.json",            required
 *     "key_dir": "keys/node0",              required (written by luxc keygen)
 *     "name": "node0",                      required: this node's validator name
 *     "listen": "tcp://127.0.0.1:7000",     required: peer endpoint to bind
 *     "data_dir": "data/node0",             required: LMDB store folder
 *     "submit": "tcp://127.0.0.1:7100",     optional: transaction submission socket
 *     "metrics": "127.0.0.1:9100",          optional: Prometheus /metrics (host:port)
 *     "log_level": "info" }                 optional: error|warn|info|debug
 *
 * Errors: the loaders return LUXC_EINVAL (bad value), LUXC_ECORRUPT (not
 * JSON), LUXC_EIO (unreadable file), LUXC_ETOOBIG, LUXC_EDUPLICATE or
 * LUXC_EOVERFLOW, and write one line into the caller's `err` buffer naming
 * the file, the field and what was expected, e.g.
 *   "genesis.json: validators[2].stake: expected an integer > 0, got -5".
 * Unknown fields are errors too (a typo must not silently use a default).
 *
 * Thread safety: loaded objects are immutable; free them from one thread. */
#ifndef LUXC_NODE_CONFIG_H
#define LUXC_NODE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/common.h"
#include "luxc/crypto.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LUXC_CHAIN_ID_MAX 64u
#define LUXC_NAME_MAX 63u
#define LUXC_ADDRESS_MAX 127u
#define LUXC_PATH_MAX 4095u
#define LUXC_GENESIS_MAX_VALIDATORS 4096u
#define LUXC_CONFIG_FILE_MAX (16u << 20) /* bigger files are refused */

typedef struct luxc_genesis_validator {
    char name[LUXC_NAME_MAX + 1];
    char address[LUXC_ADDRESS_MAX + 1];
    uint64_t stake;
    uint8_t ed25519_pk[LUXC_ED25519_PUBLICKEYBYTES];
    uint8_t mldsa65_pk[LUXC_MLDSA_PUBLICKEYBYTES];
} luxc_genesis_validator;

/* Consensus settings as written; 0 = not overridden (take the preset's). */
typedef struct luxc_genesis_consensus {
    char preset[16];
    uint32_t k, alpha_pref, alpha_conf, beta;
    uint32_t block_time_ms, round_timeout_ms;
} luxc_genesis_consensus;

typedef struct luxc_genesis {
    char chain_id[LUXC_CHAIN_ID_MAX + 1];
    uint64_t genesis_time;
    luxc_genesis_consensus consensus;
    uint64_t total_stake;
    size_t n_validators;
    luxc_genesis_validator *validators; /* n_validators entries */
} luxc_genesis;

/* Parse genesis JSON text. `origin` names the source in messages (a path). */
LUXC_API
LUXC_MUST_CHECK
int luxc_genesis_parse(luxc_genesis **out, const char *json, size_t len,
                       const char *origin, char *err, size_t errlen);
/* Read and parse a genesis file. */
LUXC_API
LUXC_MUST_CHECK
int luxc_genesis_load(luxc_genesis **out, const char *path, char *err,
                      size_t errlen);
/* Serialise to JSON text the parser reads back (caller frees *json with
 * free()). */
LUXC_API
LUXC_MUST_CHECK
int luxc_genesis_to_json(const luxc_genesis *g, char **json);
/* Index of the validator named `name`, or -1. */
LUXC_API
long luxc_genesis_find(const luxc_genesis *g, const char *name);
LUXC_API
void luxc_genesis_free(luxc_genesis *g);

typedef struct luxc_node_config {
    char genesis_path[LUXC_PATH_MAX + 1];
    char key_dir[LUXC_PATH_MAX + 1];
    char data_dir[LUXC_PATH_MAX + 1];
    char name[LUXC_NAME_MAX + 1];
    char listen[LUXC_ADDRESS_MAX + 1];
    char submit[LUXC_ADDRESS_MAX + 1];  /* "" = none */
    char metrics[LUXC_ADDRESS_MAX + 1]; /* "" = none */
    luxc_log_level log_level;
} luxc_node_config;

/* Parse node configuration JSON; relative paths are resolved against
 * `base_dir` (NULL = as written). */
LUXC_API
LUXC_MUST_CHECK
int luxc_node_config_parse(luxc_node_config *out, const char *json, size_t len,
                           const char *origin, const char *base_dir, char *err,
                           size_t errlen);
LUXC_API
LUXC_MUST_CHECK
int luxc_node_config_load(luxc_node_config *out, const char *path, char *err,
                          size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
