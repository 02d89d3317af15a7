/* node_mempool.c - the node's transaction queue (node_int.h).
 * Owns: a FIFO ring of copied transactions; a proposal frames the front
 * without removing it, and the front leaves when that block is final.
 * Not here: who may submit (luxc_node_submit_tx in node.c counts drops). */
#include "node_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/be.h"

int node_mempool_init(node_mempool *p, uint32_t max)
{
    memset(p, 0, sizeof *p);
    p->txs = calloc(max, sizeof *p->txs);
    p->max = max;
    return p->txs ? LUXC_OK : LUXC_ENOMEM;
}

void node_mempool_free(node_mempool *p)
{
    if (p->txs)
        node_mempool_drop_front(p, p->count);
    free(p->txs);
    p->txs = NULL;
}

int node_mempool_push(node_mempool *p, const uint8_t *tx, size_t len)
{
    if (!tx || len == 0 || len > LUXC_TX_MAX)
        return LUXC_EINVAL;
    if (p->count == p->max)
        return LUXC_EFULL;
    uint8_t *copy = malloc(len);
    if (!copy)
        return LUXC_ENOMEM;
    memcpy(copy, tx, len);
    node_tx *slot = &p->txs[(p->head + p->count) % p->max];
    slot->len = (uint16_t)len;
    slot->data = copy;
    p->count++;
    return LUXC_OK;
}

size_t node_mempool_peek(const node_mempool *p, uint32_t max, uint8_t *out, size_t cap,
                         uint32_t *count)
{
    size_t off = 0;
    uint32_t c = 0;
    for (uint32_t i = 0; i < p->count && c < max; i++) {
        const node_tx *t = &p->txs[(p->head + i) % p->max];
        if (off + 2 + t->len > cap)
            break;
        luxc_be16_store(out + off, t->len);
        memcpy(out + off + 2, t->data, t->len);
        off += 2u + t->len;
        c++;
    }
    *count = c;
    return off;
}

/* Our proposals frame a prefix of the queue; which one became final is
 * known only by its payload (we may have proposed in several rounds, or
 * before a restart with a queue since lost). */
uint32_t node_mempool_drop_included(node_mempool *p, const uint8_t *payload, size_t len)
{
    size_t off = 0;
    uint32_t dropped = 0;
    while (p->count && off + 2 <= len) {
        const node_tx *t = &p->txs[p->head];
        size_t tl = luxc_be16_load(payload + off);
        if (tl != t->len || tl > len - off - 2 || memcmp(payload + off + 2, t->data, tl))
            break;
        node_mempool_drop_front(p, 1);
        off += 2 + tl;
        dropped++;
    }
    return dropped;
}

void node_mempool_drop_front(node_mempool *p, uint32_t count)
{
    for (uint32_t i = 0; i < count && p->count; i++) {
        free(p->txs[p->head].data);
        p->head = (p->head + 1) % p->max;
        p->count--;
    }
}
