/* node_commit.c - a block becomes final (node_int.h).
 * Owns: node_tip (the last final block) and what finality does: the block
 * and its certificate go to the store (sync mode: before anything else;
 * async mode: queued to the worker, in order), the model learns from the
 * height's proposals, our block's transactions leave the mempool, upgrade
 * proposals in the block are taken up, and - once durable - the block is
 * reported (status, latency, on_final).
 * Not here: deciding that it is final (node_votes.c, node_sync.c) and
 * starting the next height (node.c). */
#include "node_int.h"

#include <stdlib.h>
#include <string.h>

static void note_latency(luxc_node *n, double ms)
{
    n->lat[n->lat_pos] = ms;
    n->lat_pos = (n->lat_pos + 1) % NODE_LATENCY_RING;
    if (n->nlat < NODE_LATENCY_RING)
        n->nlat++;
    n->st.last_latency_ms = ms;
}

/* Everything that reports a block final; runs once it is durable. */
static void report_final(luxc_node *n, uint64_t height, const uint8_t id[32], const uint8_t *block,
                         size_t len, int synced, uint64_t now_us)
{
    luxc_chain_block hdr;
    if (luxc_chain_block_decode(&hdr, NULL, block, len) != LUXC_OK)
        return;
    double latency = now_us > hdr.timestamp_us ? (double)(now_us - hdr.timestamp_us) / 1e3 : 0.0;
    if (!synced) /* a caught-up block's age is not this network's finality time */
        note_latency(n, latency);
    n->tip.durable_height = height;
    memcpy(n->tip.durable_id, id, 32);
    n->st.blocks_finalized++;
    n->st.txs_finalized += hdr.tx_count;
    if (synced)
        n->st.blocks_synced++;
    if (n->cfg.on_final)
        n->cfg.on_final(n->cfg.on_final_ctx, height, id, block, len, latency);
}

void node_commit_durable(luxc_node *n, const node_job *j, uint64_t now_us)
{
    if (j->pruned_failed)
        node_logf(n, LUXC_LOG_WARN, "vote pruning failed", NULL);
    report_final(n, j->height, j->id, j->block, j->block_len, j->synced, now_us);
}

/* Async mode: the worker makes the block durable; consensus moves on
 * meanwhile (a crash before that loses only what peers hold with
 * certificates). */
static int queue_durable(luxc_node *n, const node_final_block *f, const luxc_chain_block *hdr)
{
    node_job *j = calloc(1, sizeof *j);
    uint8_t *b = malloc(f->len), *c = malloc(f->cert_len);
    if (!j || !b || !c) {
        free(j);
        free(b);
        free(c);
        return LUXC_ENOMEM;
    }
    memcpy(b, f->block, f->len);
    memcpy(c, f->cert, f->cert_len);
    *j = (node_job){.kind = NODE_JOB_ACCEPT, .height = hdr->height, .block = b,
                    .block_len = f->len, .cert = c, .cert_len = f->cert_len,
                    .synced = f->synced};
    memcpy(j->id, f->id, 32);
    memcpy(j->parent, hdr->parent, 32);
    node_worker_push(n->worker, j);
    return LUXC_OK;
}

int node_commit(luxc_node *n, const node_final_block *f, uint64_t now_us)
{
    luxc_chain_block hdr;
    int rc = luxc_chain_block_decode(&hdr, NULL, f->block, f->len);
    if (rc != LUXC_OK)
        return rc;
    if (n->worker) {
        rc = queue_durable(n, f, &hdr);
    } else if (n->cfg.store) {
        int pruned_failed;
        rc = node_block_store(n, hdr.height, f->id, hdr.parent, f->block, f->len, f->cert,
                              f->cert_len, &pruned_failed);
        if (pruned_failed)
            node_logf(n, LUXC_LOG_WARN, "vote pruning failed", NULL);
        if (rc != LUXC_OK)
            node_logf(n, LUXC_LOG_ERROR, "store refused final block",
                      "height=%llu error=\"%s\"", (unsigned long long)hdr.height,
                      luxc_strerror(rc));
    }
    if (rc != LUXC_OK)
        return rc;
    const luxc_node_model *m = &n->cfg.model;
    for (uint32_t i = 0; i < n->table.count && m->learn; i++) {
        const node_proposal *p = &n->table.items[i];
        m->learn(m->ctx, p->bytes, p->len, memcmp(p->id, f->id, 32) ? -1.0 : 1.0);
    }
    if (hdr.proposer == n->cfg.self) /* our block made it (by votes or catch-up) */
        (void)node_mempool_drop_included(&n->pool, hdr.payload, hdr.payload_len);
    node_upgrades_from_block(n, &hdr);
    n->tip.height = hdr.height;
    memcpy(n->tip.last_id, f->id, 32);
    n->tip.last_hdr = hdr;
    n->tip.last_hdr.payload = NULL;
    n->tip.last_final_us = now_us;
    if (!n->worker)
        report_final(n, hdr.height, f->id, f->block, f->len, f->synced, now_us);
    return LUXC_OK;
}
