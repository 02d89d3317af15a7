/* chain_block.c - encode, decode and link-check chain blocks (format in
 * include/luxc/chain_block.h).
 * Owns: the block id and state root definitions; the decoder never trusts
 * a length before checking it against what remains. */
#include "luxc/chain_block.h"

#include <stdio.h>
#include <string.h>

#include "common/be.h"
#include "luxc/crypto.h"

int luxc_chain_id_hash(uint8_t out[32], const char *chain_id)
{
    if (!out || !chain_id)
        return LUXC_EINVAL;
    return luxc_hash(out, (const uint8_t *)chain_id, strlen(chain_id));
}

/* Walk the payload's u16-length framing; count txs. */
static int check_framing(const uint8_t *p, size_t len, uint32_t *count)
{
    size_t off = 0;
    uint32_t n = 0;
    while (off < len) {
        if (len - off < 2)
            return LUXC_ECORRUPT;
        uint16_t tl = luxc_be16_load(p + off);
        off += 2;
        if (tl == 0 || tl > LUXC_TX_MAX || tl > len - off)
            return LUXC_ECORRUPT;
        off += tl;
        n++;
    }
    *count = n;
    return LUXC_OK;
}

static void put_header(uint8_t *o, const luxc_chain_block *b)
{
    o[0] = LUXC_CHAIN_BLOCK_VERSION;
    memcpy(o + 1, b->chain_id, 32);
    luxc_be64_store(o + 33, b->height);
    memcpy(o + 41, b->parent, 32);
    luxc_be64_store(o + 73, b->timestamp_us);
    luxc_be32_store(o + 81, b->proposer);
    luxc_be32_store(o + 85, b->round);
    memcpy(o + 89, b->state_root, 32);
    memcpy(o + 121, b->payload_digest, 32);
    luxc_be32_store(o + 153, b->tx_count);
    luxc_be32_store(o + 157, b->payload_len);
}

/* The payload a block is about to carry: present if it has a length, not
 * too big, framed as tx_count transactions. */
static int check_payload(const luxc_chain_block *b)
{
    if (b->payload_len && !b->payload)
        return LUXC_EINVAL;
    if (b->payload_len > LUXC_CHAIN_PAYLOAD_MAX)
        return LUXC_ETOOBIG;
    uint32_t count;
    if (check_framing(b->payload, b->payload_len, &count) != LUXC_OK || count != b->tx_count)
        return LUXC_EINVAL;
    return LUXC_OK;
}

int luxc_chain_block_encode(luxc_chain_block *b, uint8_t *out, size_t cap, size_t *len,
                            uint8_t id[32])
{
    if (!b || !out || !len || !id)
        return LUXC_EINVAL;
    int rc = check_payload(b);
    if (rc)
        return rc;
    size_t total = LUXC_CHAIN_BLOCK_HEADERBYTES + b->payload_len;
    if (cap < total)
        return LUXC_EFULL;
    if ((rc = luxc_hash(b->payload_digest, b->payload, b->payload_len)) != LUXC_OK)
        return rc;
    put_header(out, b);
    if (b->payload_len)
        memmove(out + LUXC_CHAIN_BLOCK_HEADERBYTES, b->payload, b->payload_len);
    *len = total;
    return luxc_hash(id, out, total);
}

int luxc_chain_block_prepare(luxc_chain_block *b, const uint8_t parent_state_root[32])
{
    if (!b || !parent_state_root)
        return LUXC_EINVAL;
    int rc = check_payload(b);
    if (rc == LUXC_OK)
        rc = luxc_hash(b->payload_digest, b->payload, b->payload_len);
    if (rc == LUXC_OK)
        rc = luxc_chain_state_root(b->state_root, parent_state_root, b->payload_digest);
    return rc;
}

int luxc_chain_block_decode(luxc_chain_block *b, uint8_t id[32], const uint8_t *buf, size_t len)
{
    if (!b)
        return LUXC_EINVAL;
    memset(b, 0, sizeof *b);
    if (!buf)
        return LUXC_EINVAL;
    if (len < LUXC_CHAIN_BLOCK_HEADERBYTES)
        return LUXC_ETRUNC;
    if (buf[0] != LUXC_CHAIN_BLOCK_VERSION)
        return LUXC_EVERSION;
    uint32_t plen = luxc_be32_load(buf + 157);
    if (plen > LUXC_CHAIN_PAYLOAD_MAX)
        return LUXC_ETOOBIG;
    size_t rest = len - LUXC_CHAIN_BLOCK_HEADERBYTES;
    if (plen > rest)
        return LUXC_ETRUNC;
    if (plen < rest)
        return LUXC_ETRAILING;
    luxc_chain_block t;
    memcpy(t.chain_id, buf + 1, 32);
    t.height = luxc_be64_load(buf + 33);
    memcpy(t.parent, buf + 41, 32);
    t.timestamp_us = luxc_be64_load(buf + 73);
    t.proposer = luxc_be32_load(buf + 81);
    t.round = luxc_be32_load(buf + 85);
    memcpy(t.state_root, buf + 89, 32);
    memcpy(t.payload_digest, buf + 121, 32);
    t.tx_count = luxc_be32_load(buf + 153);
    t.payload_len = plen;
    t.payload = buf + LUXC_CHAIN_BLOCK_HEADERBYTES;
    uint32_t count;
    uint8_t digest[32];
    if (check_framing(t.payload, plen, &count) != LUXC_OK || count != t.tx_count)
        return LUXC_ECORRUPT;
    int rc = luxc_hash(digest, t.payload, plen);
    if (rc)
        return rc;
    if (memcmp(digest, t.payload_digest, 32) != 0)
        return LUXC_ECORRUPT;
    if (id && (rc = luxc_hash(id, buf, len)) != LUXC_OK)
        return rc;
    *b = t;
    return LUXC_OK;
}

int luxc_chain_state_root(uint8_t out[32], const uint8_t parent_root[32],
                          const uint8_t payload_digest[32])
{
    if (!out || !parent_root || !payload_digest)
        return LUXC_EINVAL;
    uint8_t in[64];
    memcpy(in, parent_root, 32);
    memcpy(in + 32, payload_digest, 32);
    return luxc_hash(out, in, sizeof in);
}

int luxc_chain_block_check_child(const luxc_chain_block *child, const luxc_chain_block *parent,
                                 const uint8_t parent_id[32], char *err, size_t errlen)
{
    const char *w = NULL;
    uint8_t root[32];
    if (!child || !parent || !parent_id)
        w = "missing argument";
    else if (memcmp(child->chain_id, parent->chain_id, 32) != 0)
        w = "chain_id";
    else if (child->height == 0 || child->height - 1 != parent->height) /* no wrap at 2^64 */
        w = "height";
    else if (memcmp(child->parent, parent_id, 32) != 0)
        w = "parent";
    else if (child->timestamp_us < parent->timestamp_us)
        w = "timestamp";
    else if (luxc_chain_state_root(root, parent->state_root, child->payload_digest) != LUXC_OK ||
             memcmp(root, child->state_root, 32) != 0)
        w = "state_root";
    if (err && errlen)
        snprintf(err, errlen, "%s", w ? w : "");
    return w ? LUXC_EINVAL : LUXC_OK;
}

int luxc_chain_block_genesis(luxc_chain_block *b, const char *chain_id, uint64_t genesis_time_us)
{
    if (!b || !chain_id)
        return LUXC_EINVAL;
    memset(b, 0, sizeof *b);
    b->timestamp_us = genesis_time_us;
    int rc = luxc_chain_id_hash(b->chain_id, chain_id);
    if (rc == LUXC_OK)
        rc = luxc_hash(b->payload_digest, NULL, 0);
    return rc;
}
