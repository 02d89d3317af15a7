/* luxc/chain_block.h - the blocks a luxc chain is made of, and their one
 * canonical binary encoding (big-endian, fixed header then payload):
 *
 *   off  len  field
 *   0    1    version          LUXC_CHAIN_BLOCK_VERSION (1)
 *   1    32   chain_id         BLAKE2b-256 of the genesis chain_id string
 *   33   8    height           parent's height + 1 (genesis block: 0)
 *   41   32   parent           parent's block id (genesis: all zero)
 *   73   8    timestamp_us     proposer's wall clock, Unix microseconds
 *   81   4    proposer         validator index of the proposer
 *   85   4    round            proposal round at this height (leader rotation)
 *   89   32   state_root       BLAKE2b-256(parent's state_root || payload_digest)
 *   121  32   payload_digest   BLAKE2b-256(payload)
 *   153  4    tx_count         number of transactions in the payload
 *   157  4    payload_len      bytes of payload that follow (<= LUXC_CHAIN_PAYLOAD_MAX)
 *   161  n    payload          tx_count times: u16 length (1..LUXC_TX_MAX) || bytes
 *
 * block id = BLAKE2b-256 of the whole encoding. Decoding checks every field
 * it can check alone (lengths, the payload's tx framing against tx_count,
 * the payload digest); linkage (parent, height, state root) is checked by
 * luxc_chain_block_check_child against the parent.
 *
 * Thread safety: plain values and pure functions. */
#ifndef LUXC_CHAIN_BLOCK_H
#define LUXC_CHAIN_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LUXC_CHAIN_BLOCK_VERSION 1u
#define LUXC_CHAIN_BLOCK_HEADERBYTES 161u
#define LUXC_CHAIN_PAYLOAD_MAX (256u << 10) /* 256 KiB of transactions */
#define LUXC_TX_MAX 4096u                    /* largest transaction */
#define LUXC_CHAIN_BLOCK_MAXBYTES (LUXC_CHAIN_BLOCK_HEADERBYTES + LUXC_CHAIN_PAYLOAD_MAX)

typedef struct luxc_chain_block {
    uint8_t chain_id[32];
    uint64_t height;
    uint8_t parent[32];
    uint64_t timestamp_us;
    uint32_t proposer;
    uint32_t round;
    uint8_t state_root[32];
    uint8_t payload_digest[32];
    uint32_t tx_count;
    uint32_t payload_len;
    const uint8_t *payload; /* borrowed: points into the decoded buffer or
                               the caller's payload */
} luxc_chain_block;

/* BLAKE2b-256 of the chain id string: the 32-byte chain id on the wire. */
LUXC_API
LUXC_MUST_CHECK int luxc_chain_id_hash(uint8_t out[32], const char *chain_id);

/* Set b->payload_digest from b->payload and b->state_root from the
 * parent's state root: call before encode when building a block.
 * Errors: LUXC_EINVAL (NULL, tx framing does not match tx_count),
 * LUXC_ETOOBIG (payload too large). */
LUXC_API
LUXC_MUST_CHECK int luxc_chain_block_prepare(luxc_chain_block *b,
                                             const uint8_t parent_state_root[32]);

/* Recompute payload_digest from b->payload (checking the framing), then
 * encode into out (cap bytes, *len = LUXC_CHAIN_BLOCK_HEADERBYTES +
 * payload_len) and compute the id. Errors: LUXC_EINVAL (NULL, bad tx
 * framing), LUXC_ETOOBIG (payload too large), LUXC_EFULL (cap too small). */
LUXC_API
LUXC_MUST_CHECK int luxc_chain_block_encode(luxc_chain_block *b, uint8_t *out, size_t cap,
                                            size_t *len, uint8_t id[32]);

/* Decode buf; b->payload points into buf. Errors (distinct):
 * LUXC_ETRUNC (short), LUXC_ETRAILING (bytes after the payload),
 * LUXC_EVERSION, LUXC_ETOOBIG (payload_len above the maximum),
 * LUXC_ECORRUPT (tx framing or payload digest wrong), LUXC_EINVAL (NULL).
 * id (may be NULL) gets the block id. *b zeroed on failure. */
LUXC_API
LUXC_MUST_CHECK int luxc_chain_block_decode(luxc_chain_block *b, uint8_t id[32],
                                            const uint8_t *buf, size_t len);

/* State root of a child: BLAKE2b-256(parent_root || payload_digest). */
LUXC_API
LUXC_MUST_CHECK int luxc_chain_state_root(uint8_t out[32], const uint8_t parent_root[32],
                                          const uint8_t payload_digest[32]);

/* Is child a valid child of parent (id parent_id)? Same chain id, height
 * + 1, parent link, state root, timestamp not before the parent's.
 * LUXC_OK, or LUXC_EINVAL with the field that failed ("height",
 * "state_root", ...) in err (luxc/common.h's convention; "" on success). */
LUXC_API
LUXC_MUST_CHECK int luxc_chain_block_check_child(const luxc_chain_block *child,
                                                 const luxc_chain_block *parent,
                                                 const uint8_t parent_id[32], char *err,
                                                 size_t errlen);

/* The genesis block (height 0) of a chain: chain id hash, genesis time,
 * empty payload, zero parent and state root. */
LUXC_API
LUXC_MUST_CHECK int luxc_chain_block_genesis(luxc_chain_block *b, const char *chain_id,
                                             uint64_t genesis_time_us);

#ifdef __cplusplus
}
#endif
#endif
