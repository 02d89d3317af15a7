/* luxc/node_wire.h - the messages validators exchange inside secure
 * channel records (luxc/net.h carries them; this is what they say).
 *
 * Every message starts with a type byte; integers are big-endian:
 *   1 PROPOSE     block (rest: the chain block encoding, luxc/chain_block.h)
 *   2 QUERY       req u32 | height u64 | block id (32): "what do you prefer
 *                 at this height?" - the id is the asker's preference, so
 *                 the answerer can fetch a block it has not seen
 *   3 CHITS       req u32 | height u64 | preferred block id (32; all zero
 *                 when it has none)
 *   4 VOTE        vote message (161, luxc/consensus.h) | sig_len u16 |
 *                 ML-DSA-65 signature (sig_len bytes, rest)
 *   5 SYNC_REQ    from height u64 | max blocks u32
 *   6 SYNC_BLOCK  block_len u32 | block (block_len) | certificate (rest)
 *   7 GET_BLOCK   block id (32)
 *   8 UPQUERY     req u32 | upgrade proposal id (32): "approve or reject?"
 *   9 UPCHITS     req u32 | upgrade proposal id (32) | choice u8 (0 reject,
 *                 1 approve, 2 not seen yet)
 *  10 PROPOSAL    round u32 | valid round u32 (LUXC_WIRE_NO_ROUND: none) |
 *                 block_len u32 | block | polka proof (rest): the round
 *                 leader's proposal of the round-based rule
 *                 (docs/CONSENSUS.md); with a valid round, the block had a
 *                 polka in it and the proof (luxc_cert_decode_polka's
 *                 encoding) shows it; without one the proof is empty.
 *                 PROPOSE stays the plain block transfer (GET_BLOCK).
 *  11 POLKA       round u32 | block_len u32 | block | polka proof (rest,
 *                 not empty): a polka of `round` for the block, relayed
 *                 by a validator whose round went slow (precommits of
 *                 more than 2/3 of stake, no decision), so validators
 *                 that Byzantine prevotes did not reach learn it too.
 *
 * Decoding checks every length against what remains and rejects trailing
 * bytes; pointers in a decoded message point into the input buffer.
 * Thread safety: pure functions. */
#ifndef LUXC_NODE_WIRE_H
#define LUXC_NODE_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/common.h"
#include "luxc/consensus.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    LUXC_WIRE_PROPOSE = 1,
    LUXC_WIRE_QUERY = 2,
    LUXC_WIRE_CHITS = 3,
    LUXC_WIRE_VOTE = 4,
    LUXC_WIRE_SYNC_REQ = 5,
    LUXC_WIRE_SYNC_BLOCK = 6,
    LUXC_WIRE_GET_BLOCK = 7,
    LUXC_WIRE_UPQUERY = 8,
    LUXC_WIRE_UPCHITS = 9,
    LUXC_WIRE_PROPOSAL = 10,
    LUXC_WIRE_POLKA = 11,
};

#define LUXC_WIRE_NO_ROUND UINT32_MAX

#define LUXC_WIRE_SIG_MAX 4096u
#define LUXC_WIRE_CERT_MAX (1u << 22) /* 4 MiB: ~1200 ML-DSA-65 signers */
#define LUXC_WIRE_SYNC_MAX 256u       /* blocks per SYNC_REQ answer */

typedef struct luxc_wire_msg {
    uint8_t type;
    uint32_t req;
    uint64_t height;          /* QUERY, CHITS; SYNC_REQ: from */
    uint32_t max;             /* SYNC_REQ */
    uint32_t round;           /* PROPOSAL, POLKA */
    uint32_t valid_round;     /* PROPOSAL: LUXC_WIRE_NO_ROUND or < round */
    uint8_t id[32];           /* QUERY, CHITS, GET_BLOCK, UPQUERY, UPCHITS */
    uint8_t choice;           /* UPCHITS: 0, 1 or 2 */
    const uint8_t *block;     /* PROPOSE, PROPOSAL, POLKA, SYNC_BLOCK */
    size_t block_len;
    const uint8_t *cert;      /* SYNC_BLOCK; PROPOSAL, POLKA: the polka proof */
    size_t cert_len;
    luxc_vote vote;           /* VOTE */
    const uint8_t *vote_msg;  /* VOTE: the 161 encoded bytes that were signed */
    const uint8_t *sig;       /* VOTE */
    size_t sig_len;
} luxc_wire_msg;

/* Errors (distinct): LUXC_EINVAL (NULL), LUXC_ETRUNC (also: an empty
 * PROPOSE, PROPOSAL or POLKA block, POLKA proof or VOTE signature), LUXC_ETRAILING,
 * LUXC_ECORRUPT (unknown type; a PROPOSAL whose valid round is not below
 * its round, or with a proof exactly when it has no valid round), LUXC_ETOOBIG (signature, certificate or
 * sync count over its maximum, empty SYNC_BLOCK block), and luxc_vote_decode's codes
 * for a bad vote. *m zeroed on failure. */
LUXC_API
LUXC_MUST_CHECK int luxc_wire_decode(luxc_wire_msg *m, const uint8_t *buf, size_t len);

/* Encoders write into out (cap bytes) and set *len; LUXC_EFULL if cap is
 * too small, LUXC_EINVAL on NULL or an oversized field. */
LUXC_API
LUXC_MUST_CHECK int luxc_wire_propose(uint8_t *out, size_t cap, size_t *len,
                                      const uint8_t *block, size_t block_len);
/* PROPOSAL: valid_round is LUXC_WIRE_NO_ROUND with no proof, or below
 * round with one (else LUXC_EINVAL). */
LUXC_API
LUXC_MUST_CHECK int luxc_wire_proposal(uint8_t *out, size_t cap, size_t *len, uint32_t round,
                                       uint32_t valid_round, const uint8_t *block,
                                       size_t block_len, const uint8_t *proof,
                                       size_t proof_len);
/* POLKA: block and proof both non-empty (else LUXC_EINVAL). */
LUXC_API
LUXC_MUST_CHECK int luxc_wire_polka(uint8_t *out, size_t cap, size_t *len, uint32_t round,
                                    const uint8_t *block, size_t block_len, const uint8_t *proof,
                                    size_t proof_len);
LUXC_API
LUXC_MUST_CHECK int luxc_wire_query(uint8_t *out, size_t cap, size_t *len, uint8_t type,
                                    uint32_t req, uint64_t height, const uint8_t id[32]);
LUXC_API
LUXC_MUST_CHECK int luxc_wire_vote(uint8_t *out, size_t cap, size_t *len,
                                   const uint8_t vote_msg[LUXC_VOTE_BYTES], const uint8_t *sig,
                                   size_t sig_len);
LUXC_API
LUXC_MUST_CHECK int luxc_wire_sync_req(uint8_t *out, size_t cap, size_t *len, uint64_t from,
                                       uint32_t max);
LUXC_API
LUXC_MUST_CHECK int luxc_wire_sync_block(uint8_t *out, size_t cap, size_t *len,
                                         const uint8_t *block, size_t block_len,
                                         const uint8_t *cert, size_t cert_len);
LUXC_API
LUXC_MUST_CHECK int luxc_wire_get_block(uint8_t *out, size_t cap, size_t *len,
                                        const uint8_t id[32]);
/* UPQUERY (choice ignored) or UPCHITS (choice 0..2). */
LUXC_API
LUXC_MUST_CHECK int luxc_wire_upgrade(uint8_t *out, size_t cap, size_t *len, uint8_t type,
                                      uint32_t req, const uint8_t id[32], uint8_t choice);

#ifdef __cplusplus
}
#endif
#endif
