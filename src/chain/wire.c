/* wire.c - encode and decode validator messages (luxc/node_wire.h).
 * Owns: message framing; the decoder checks each length before use. */
#include "luxc/node_wire.h"

#include <string.h>

#include "common/be.h"

static int fixed(size_t len, size_t need)
{
    if (len < need)
        return LUXC_ETRUNC;
    return len > need ? LUXC_ETRAILING : LUXC_OK;
}

/* A block with its be32 length at p, then a certificate or proof to the
 * end: the tail of PROPOSAL, POLKA and SYNC_BLOCK. The block is never
 * empty; the proof may be (cert NULL), which the caller decides. */
static int block_then_proof(luxc_wire_msg *m, const uint8_t *p, size_t len)
{
    if (len < 4)
        return LUXC_ETRUNC;
    size_t bl = luxc_be32_load(p);
    if (bl == 0 || bl > len - 4)
        return LUXC_ETRUNC;
    size_t pl = len - 4 - bl;
    if (pl > LUXC_WIRE_CERT_MAX)
        return LUXC_ETOOBIG;
    m->block = p + 4;
    m->block_len = bl;
    m->cert = pl ? p + 4 + bl : NULL;
    m->cert_len = pl;
    return LUXC_OK;
}

static int decode_body(luxc_wire_msg *m, const uint8_t *p, size_t len)
{
    int rc;
    switch (m->type) {
    case LUXC_WIRE_PROPOSE:
        if (len == 0)
            return LUXC_ETRUNC;
        m->block = p;
        m->block_len = len;
        return LUXC_OK;
    case LUXC_WIRE_PROPOSAL: {
        if (len < 12)
            return LUXC_ETRUNC;
        m->round = luxc_be32_load(p);
        m->valid_round = luxc_be32_load(p + 4);
        if ((rc = block_then_proof(m, p + 8, len - 8)) != LUXC_OK)
            return rc;
        int reproposal = m->valid_round != LUXC_WIRE_NO_ROUND;
        if ((reproposal && m->valid_round >= m->round) || reproposal != (m->cert_len > 0))
            return LUXC_ECORRUPT;
        return LUXC_OK;
    }
    case LUXC_WIRE_POLKA: {
        if (len < 8)
            return LUXC_ETRUNC;
        m->round = luxc_be32_load(p);
        if ((rc = block_then_proof(m, p + 4, len - 4)) != LUXC_OK)
            return rc;
        return m->cert_len ? LUXC_OK : LUXC_ETRUNC; /* a polka is its proof */
    }
    case LUXC_WIRE_QUERY:
    case LUXC_WIRE_CHITS:
        if ((rc = fixed(len, 4 + 8 + 32)) != LUXC_OK)
            return rc;
        m->req = luxc_be32_load(p);
        m->height = luxc_be64_load(p + 4);
        memcpy(m->id, p + 12, 32);
        return LUXC_OK;
    case LUXC_WIRE_VOTE: {
        if (len < LUXC_VOTE_BYTES + 2)
            return LUXC_ETRUNC;
        size_t sl = luxc_be16_load(p + LUXC_VOTE_BYTES);
        if (sl == 0) /* luxc_wire_vote never sends an unsigned vote */
            return LUXC_ETRUNC;
        if (sl > LUXC_WIRE_SIG_MAX)
            return LUXC_ETOOBIG;
        if ((rc = fixed(len, LUXC_VOTE_BYTES + 2 + sl)) != LUXC_OK)
            return rc;
        if ((rc = luxc_vote_decode(&m->vote, p, LUXC_VOTE_BYTES)) != LUXC_OK)
            return rc;
        m->vote_msg = p;
        m->sig = p + LUXC_VOTE_BYTES + 2;
        m->sig_len = sl;
        return LUXC_OK;
    }
    case LUXC_WIRE_SYNC_REQ:
        if ((rc = fixed(len, 12)) != LUXC_OK)
            return rc;
        m->height = luxc_be64_load(p);
        m->max = luxc_be32_load(p + 8);
        return m->max > LUXC_WIRE_SYNC_MAX ? LUXC_ETOOBIG : LUXC_OK;
    case LUXC_WIRE_SYNC_BLOCK: {
        if ((rc = block_then_proof(m, p, len)) != LUXC_OK)
            return rc;
        return m->cert_len ? LUXC_OK : LUXC_ETRUNC; /* certified, or nothing */
    }
    case LUXC_WIRE_GET_BLOCK:
        if ((rc = fixed(len, 32)) != LUXC_OK)
            return rc;
        memcpy(m->id, p, 32);
        return LUXC_OK;
    case LUXC_WIRE_UPQUERY:
    case LUXC_WIRE_UPCHITS: {
        size_t need = m->type == LUXC_WIRE_UPQUERY ? 36u : 37u;
        if ((rc = fixed(len, need)) != LUXC_OK)
            return rc;
        m->req = luxc_be32_load(p);
        memcpy(m->id, p + 4, 32);
        if (m->type == LUXC_WIRE_UPCHITS) {
            m->choice = p[36];
            if (m->choice > 2)
                return LUXC_ECORRUPT;
        }
        return LUXC_OK;
    }
    default:
        return LUXC_ECORRUPT;
    }
}

int luxc_wire_decode(luxc_wire_msg *m, const uint8_t *buf, size_t len)
{
    if (!m)
        return LUXC_EINVAL;
    memset(m, 0, sizeof *m);
    if (!buf)
        return LUXC_EINVAL;
    if (len < 1)
        return LUXC_ETRUNC;
    m->type = buf[0];
    int rc = decode_body(m, buf + 1, len - 1);
    if (rc != LUXC_OK)
        memset(m, 0, sizeof *m);
    return rc;
}

static int room(uint8_t *out, size_t cap, size_t *len, size_t need)
{
    if (!out || !len)
        return LUXC_EINVAL;
    return cap < need ? LUXC_EFULL : LUXC_OK;
}

int luxc_wire_propose(uint8_t *out, size_t cap, size_t *len, const uint8_t *block,
                      size_t block_len)
{
    if (!block || block_len == 0)
        return LUXC_EINVAL;
    int rc = room(out, cap, len, 1 + block_len);
    if (rc)
        return rc;
    out[0] = LUXC_WIRE_PROPOSE;
    memcpy(out + 1, block, block_len);
    *len = 1 + block_len;
    return LUXC_OK;
}

/* The tail block_then_proof reads: be32 block length, block, proof (may
 * be empty). Returns the bytes written; the caller checked the room. */
static size_t put_block_then_proof(uint8_t *p, const uint8_t *block, size_t block_len,
                                   const uint8_t *proof, size_t proof_len)
{
    luxc_be32_store(p, (uint32_t)block_len);
    memcpy(p + 4, block, block_len);
    if (proof_len)
        memcpy(p + 4 + block_len, proof, proof_len);
    return 4 + block_len + proof_len;
}

int luxc_wire_proposal(uint8_t *out, size_t cap, size_t *len, uint32_t round,
                       uint32_t valid_round, const uint8_t *block, size_t block_len,
                       const uint8_t *proof, size_t proof_len)
{
    int reproposal = valid_round != LUXC_WIRE_NO_ROUND;
    if (!block || block_len == 0 || block_len > UINT32_MAX || (reproposal && valid_round >= round) ||
        reproposal != (proof_len > 0) || (!proof && proof_len) || proof_len > LUXC_WIRE_CERT_MAX)
        return LUXC_EINVAL;
    int rc = room(out, cap, len, 13 + block_len + proof_len);
    if (rc)
        return rc;
    out[0] = LUXC_WIRE_PROPOSAL;
    luxc_be32_store(out + 1, round);
    luxc_be32_store(out + 5, valid_round);
    *len = 9 + put_block_then_proof(out + 9, block, block_len, proof, proof_len);
    return LUXC_OK;
}

int luxc_wire_polka(uint8_t *out, size_t cap, size_t *len, uint32_t round,
                    const uint8_t *block, size_t block_len, const uint8_t *proof, size_t proof_len)
{
    if (!block || block_len == 0 || block_len > UINT32_MAX || !proof || proof_len == 0 ||
        proof_len > LUXC_WIRE_CERT_MAX)
        return LUXC_EINVAL;
    int rc = room(out, cap, len, 9 + block_len + proof_len);
    if (rc)
        return rc;
    out[0] = LUXC_WIRE_POLKA;
    luxc_be32_store(out + 1, round);
    *len = 5 + put_block_then_proof(out + 5, block, block_len, proof, proof_len);
    return LUXC_OK;
}

int luxc_wire_query(uint8_t *out, size_t cap, size_t *len, uint8_t type, uint32_t req,
                    uint64_t height, const uint8_t id[32])
{
    if (!id || (type != LUXC_WIRE_QUERY && type != LUXC_WIRE_CHITS))
        return LUXC_EINVAL;
    int rc = room(out, cap, len, 45);
    if (rc)
        return rc;
    out[0] = type;
    luxc_be32_store(out + 1, req);
    luxc_be64_store(out + 5, height);
    memcpy(out + 13, id, 32);
    *len = 45;
    return LUXC_OK;
}

int luxc_wire_vote(uint8_t *out, size_t cap, size_t *len, const uint8_t vote_msg[LUXC_VOTE_BYTES],
                   const uint8_t *sig, size_t sig_len)
{
    if (!vote_msg || !sig || sig_len == 0 || sig_len > LUXC_WIRE_SIG_MAX)
        return LUXC_EINVAL;
    int rc = room(out, cap, len, 1 + LUXC_VOTE_BYTES + 2 + sig_len);
    if (rc)
        return rc;
    out[0] = LUXC_WIRE_VOTE;
    memcpy(out + 1, vote_msg, LUXC_VOTE_BYTES);
    luxc_be16_store(out + 1 + LUXC_VOTE_BYTES, (uint16_t)sig_len);
    memcpy(out + 3 + LUXC_VOTE_BYTES, sig, sig_len);
    *len = 3 + LUXC_VOTE_BYTES + sig_len;
    return LUXC_OK;
}

int luxc_wire_sync_req(uint8_t *out, size_t cap, size_t *len, uint64_t from, uint32_t max)
{
    if (max > LUXC_WIRE_SYNC_MAX)
        return LUXC_EINVAL;
    int rc = room(out, cap, len, 13);
    if (rc)
        return rc;
    out[0] = LUXC_WIRE_SYNC_REQ;
    luxc_be64_store(out + 1, from);
    luxc_be32_store(out + 9, max);
    *len = 13;
    return LUXC_OK;
}

int luxc_wire_sync_block(uint8_t *out, size_t cap, size_t *len, const uint8_t *block,
                         size_t block_len, const uint8_t *cert, size_t cert_len)
{
    if (!block || !cert || block_len == 0 || block_len > UINT32_MAX || cert_len == 0 ||
        cert_len > LUXC_WIRE_CERT_MAX)
        return LUXC_EINVAL;
    int rc = room(out, cap, len, 5 + block_len + cert_len);
    if (rc)
        return rc;
    out[0] = LUXC_WIRE_SYNC_BLOCK;
    *len = 1 + put_block_then_proof(out + 1, block, block_len, cert, cert_len);
    return LUXC_OK;
}

int luxc_wire_get_block(uint8_t *out, size_t cap, size_t *len, const uint8_t id[32])
{
    if (!id)
        return LUXC_EINVAL;
    int rc = room(out, cap, len, 33);
    if (rc)
        return rc;
    out[0] = LUXC_WIRE_GET_BLOCK;
    memcpy(out + 1, id, 32);
    *len = 33;
    return LUXC_OK;
}

int luxc_wire_upgrade(uint8_t *out, size_t cap, size_t *len, uint8_t type, uint32_t req,
                      const uint8_t id[32], uint8_t choice)
{
    if (!id || (type != LUXC_WIRE_UPQUERY && type != LUXC_WIRE_UPCHITS) || choice > 2)
        return LUXC_EINVAL;
    size_t need = type == LUXC_WIRE_UPQUERY ? 37u : 38u;
    int rc = room(out, cap, len, need);
    if (rc)
        return rc;
    out[0] = type;
    luxc_be32_store(out + 1, req);
    memcpy(out + 5, id, 32);
    if (type == LUXC_WIRE_UPCHITS)
        out[37] = choice;
    *len = need;
    return LUXC_OK;
}
