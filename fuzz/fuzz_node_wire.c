/* fuzz_node_wire.c - libFuzzer target for the validator message decoder
 * (luxc_wire_decode, luxc/node_wire.h). Properties checked on every input:
 *  - a rejected input leaves the message all zero and returns a
 *    documented code (the wire's own or luxc_vote_decode's);
 *  - an accepted input round-trips: the encoder of its type
 *    (luxc_wire_propose, _proposal, _polka, _query, _vote, _sync_req,
 *    _sync_block, _get_block, _upgrade) fed the decoded fields reproduces the input
 *    bytes exactly (decode -> encode -> compare), and a buffer one byte
 *    short is LUXC_EFULL;
 *  - pointers in the decoded message point into the input.
 * Deterministic; the only allocation is the encode buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "luxc/node_wire.h"

static int all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

static int inside(const uint8_t *p, size_t n, const uint8_t *buf, size_t len)
{
    return p >= buf && n <= len && (size_t)(p - buf) <= len - n;
}

static int encode(const luxc_wire_msg *m, uint8_t *out, size_t cap, size_t *len)
{
    switch (m->type) {
    case LUXC_WIRE_PROPOSE:
        return luxc_wire_propose(out, cap, len, m->block, m->block_len);
    case LUXC_WIRE_PROPOSAL:
        return luxc_wire_proposal(out, cap, len, m->round, m->valid_round, m->block,
                                  m->block_len, m->cert, m->cert_len);
    case LUXC_WIRE_POLKA:
        return luxc_wire_polka(out, cap, len, m->round, m->block, m->block_len, m->cert,
                               m->cert_len);
    case LUXC_WIRE_QUERY:
    case LUXC_WIRE_CHITS:
        return luxc_wire_query(out, cap, len, m->type, m->req, m->height, m->id);
    case LUXC_WIRE_VOTE:
        return luxc_wire_vote(out, cap, len, m->vote_msg, m->sig, m->sig_len);
    case LUXC_WIRE_SYNC_REQ:
        return luxc_wire_sync_req(out, cap, len, m->height, m->max);
    case LUXC_WIRE_SYNC_BLOCK:
        return luxc_wire_sync_block(out, cap, len, m->block, m->block_len, m->cert, m->cert_len);
    case LUXC_WIRE_GET_BLOCK:
        return luxc_wire_get_block(out, cap, len, m->id);
    case LUXC_WIRE_UPQUERY:
    case LUXC_WIRE_UPCHITS:
        return luxc_wire_upgrade(out, cap, len, m->type, m->req, m->id, m->choice);
    default:
        abort(); /* the decoder accepted a type with no encoder */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    luxc_wire_msg m;
    memset(&m, 0xa5, sizeof m);
    int rc = luxc_wire_decode(&m, data, size);
    if (rc != LUXC_OK) {
        if (!all_zero(&m, sizeof m) ||
            (rc != LUXC_ETRUNC && rc != LUXC_ETRAILING && rc != LUXC_ECORRUPT &&
             rc != LUXC_ETOOBIG && rc != LUXC_EVERSION && rc != LUXC_ERANGE))
            abort();
        return 0;
    }
    if (size == 0 || m.type != data[0])
        abort();
    if ((m.block && !inside(m.block, m.block_len, data, size)) ||
        (m.cert && !inside(m.cert, m.cert_len, data, size)) ||
        (m.sig && !inside(m.sig, m.sig_len, data, size)) ||
        (m.vote_msg && !inside(m.vote_msg, LUXC_VOTE_BYTES, data, size)))
        abort();
    if (m.type == LUXC_WIRE_VOTE) {
        uint8_t v[LUXC_VOTE_BYTES];
        if (luxc_vote_encode(v, &m.vote) != LUXC_OK || memcmp(v, m.vote_msg, sizeof v) != 0)
            abort();
    }
    uint8_t *enc = malloc(size);
    size_t len = 0;
    if (!enc)
        abort();
    rc = encode(&m, enc, size, &len);
    if (rc != LUXC_OK || len != size || memcmp(enc, data, size) != 0)
        abort();
    if (encode(&m, enc, size - 1, &len) != LUXC_EFULL)
        abort();
    free(enc);
    return 0;
}
