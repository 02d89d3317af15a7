/* node_sync.c - catching up (node_int.h): asking a peer that is ahead for
 * certified blocks, serving ours from the store, checking a received
 * block's certificate against the validator set; and, at start, recovering
 * the last final block from the store (our votes: node_votes.c).
 * Owns: node_catchup.
 * Not here: committing the checked block (node_commit.c, called by
 * node.c); checking certificates (node_durable.c). */
#include "node_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct serve_ctx {
    luxc_node *n;
    uint32_t to;
} serve_ctx;

static int serve_block(void *ctx, const luxc_store_block_view *b)
{
    serve_ctx *s = ctx;
    size_t len;
    if (luxc_wire_sync_block(s->n->buf, NODE_MSG_MAX, &len, b->block, b->block_len, b->cert,
                             b->cert_len) == LUXC_OK)
        node_send(s->n, s->to, s->n->buf, len);
    return 0;
}

int node_sync_on_req(luxc_node *n, uint32_t from, const luxc_wire_msg *m)
{
    uint64_t top = n->tip.height;
    if (!n->cfg.store || m->height == 0 || m->height > top)
        return LUXC_OK;
    uint32_t max = m->max ? m->max : 1;
    uint64_t to = m->height + max - 1;
    if (to > top || to < m->height)
        to = top;
    serve_ctx s = {n, from};
    return luxc_store_blocks_foreach(n->cfg.store, m->height, to, serve_block, &s);
}

int node_sync_on_block(luxc_node *n, const luxc_wire_msg *m, node_final_block *out)
{
    memset(out, 0, sizeof *out);
    luxc_chain_block hdr;
    uint8_t id[32];
    int rc = luxc_chain_block_decode(&hdr, id, m->block, m->block_len);
    if (rc != LUXC_OK)
        return rc;
    if (hdr.height != n->tip.height + 1)
        return LUXC_OK; /* not the next one: ignore, we ask again */
    if (luxc_chain_block_check_child(&hdr, &n->tip.last_hdr, n->tip.last_id, NULL, 0) != LUXC_OK)
        return LUXC_EINVAL;
    rc = node_cert_check(n, LUXC_PRECOMMIT, m->cert, m->cert_len, id, LUXC_NO_ROUND, hdr.state_root);
    if (rc != LUXC_OK) {
        node_logf(n, LUXC_LOG_WARN, "synced block refused", "height=%llu error=\"%s\"",
                  (unsigned long long)hdr.height, luxc_strerror(rc));
        return rc;
    }
    out->block = malloc(m->block_len);
    out->cert = malloc(m->cert_len);
    if (!out->block || !out->cert) {
        node_final_block_free(out);
        return LUXC_ENOMEM;
    }
    memcpy(out->id, id, 32);
    memcpy(out->block, m->block, m->block_len);
    out->len = m->block_len;
    memcpy(out->cert, m->cert, m->cert_len);
    out->cert_len = m->cert_len;
    out->synced = 1;
    return 1;
}

/* The next peer, in index order, that showed a height above ours: a
 * partitioned or crashed peer must not be asked forever. */
static void next_peer(luxc_node *n)
{
    node_catchup *s = &n->sync;
    for (uint32_t k = 1; k < n->cfg.n; k++) {
        uint32_t c = (s->peer + k) % n->cfg.n;
        if (c != n->cfg.self && s->peer_heights[c] > n->tip.height) {
            s->peer = c;
            return;
        }
    }
}

void node_sync_tick(luxc_node *n, uint64_t now_us, uint64_t *next_us)
{
    node_catchup *s = &n->sync;
    if (s->peer_height_hint <= n->tip.height)
        return;
    /* behind the network: ask for certified blocks */
    uint64_t resend = n->cfg.poll_timeout_us * 2u;
    if (now_us >= s->sent_us + resend) {
        if (s->sent_us && s->asked_tip == n->tip.height)
            next_peer(n); /* the last one brought nothing: it may be cut off */
        s->asked_tip = n->tip.height;
        size_t len;
        uint8_t msg[13];
        if (luxc_wire_sync_req(msg, sizeof msg, &len, n->tip.height + 1, 64) == LUXC_OK)
            node_send(n, s->peer, msg, len);
        s->sent_us = now_us;
    }
    node_earliest(next_us, s->sent_us + resend);
}

int node_sync_recover(const luxc_node *n, node_tip *tip)
{
    if (!n->cfg.store)
        return LUXC_OK;
    uint64_t h;
    uint8_t id[32];
    int rc = luxc_store_last(n->cfg.store, &h, id);
    if (rc == LUXC_ENOTFOUND)
        return LUXC_OK; /* nothing final yet: the tip stays genesis */
    if (rc != LUXC_OK)
        return rc;
    size_t len;
    rc = luxc_store_block_get(n->cfg.store, h, NULL, NULL, n->buf, NODE_MSG_MAX, &len);
    luxc_chain_block hdr;
    uint8_t check[32];
    if (rc == LUXC_OK)
        rc = luxc_chain_block_decode(&hdr, check, n->buf, len);
    if (rc == LUXC_OK && (memcmp(check, id, 32) || memcmp(hdr.chain_id, n->cfg.chain_id, 32)))
        rc = LUXC_ECORRUPT;
    if (rc != LUXC_OK)
        return LUXC_ECORRUPT;
    tip->height = h;
    memcpy(tip->last_id, id, 32);
    tip->last_hdr = hdr;
    tip->last_hdr.payload = NULL;
    return LUXC_OK;
}
