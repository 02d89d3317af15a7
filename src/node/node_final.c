/* node_final.c - horizon finality for the node (luxc/node.h): signing our
 * one accept vote per height, collecting peers' signed votes, building the
 * certificate once signers hold more than 2/3 of stake, storing the block
 * durably, and catching up from peers' certified blocks.
 * Owns: the vote table, equivocation detection, finalization, sync. */
#include "node_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/be.h"

static int mldsa_sign_cb(void *ctx, uint8_t *sig, size_t *siglen, size_t cap, const uint8_t *msg,
                         size_t mlen)
{
    const luxc_node *n = ctx;
    if (cap < LUXC_MLDSA_BYTES)
        return LUXC_EFULL;
    *siglen = LUXC_MLDSA_BYTES;
    return luxc_mldsa_sign(sig, msg, mlen, (const uint8_t *)NODE_VOTE_CTX,
                           sizeof NODE_VOTE_CTX - 1, n->keys.sk + LUXC_ED25519_SECRETKEYBYTES);
}

static int mldsa_verify_cb(void *ctx, const uint8_t *sig, size_t siglen, const uint8_t *msg,
                           size_t mlen, const uint8_t *pk, size_t pklen)
{
    (void)ctx;
    if (siglen != LUXC_MLDSA_BYTES || pklen != LUXC_MLDSA_PUBLICKEYBYTES)
        return LUXC_EAUTH;
    return luxc_mldsa_verify(sig, msg, mlen, (const uint8_t *)NODE_VOTE_CTX,
                             sizeof NODE_VOTE_CTX - 1, pk);
}

void node_note_height(luxc_node *n, uint32_t from, uint64_t height)
{
    if (height > n->peer_height_hint) {
        n->peer_height_hint = height;
        n->sync_peer = from;
    }
}

static void vote_of(const luxc_node *n, const node_proposal *p, luxc_vote *v)
{
    memset(v, 0, sizeof *v);
    memcpy(v->chain_id, n->chain_id, 32);
    v->height = p->hdr.height;
    v->round = p->hdr.round;
    memcpy(v->block, p->id, 32);
    memcpy(v->parent, p->hdr.parent, 32);
    memcpy(v->state_root, p->hdr.state_root, 32);
    v->accept = 1;
}

/* Record a verified vote of validator i in the height's vote set. An
 * honest validator signs one vote per height: a second, different one is
 * equivocation - counted and logged, and the first vote stands. */
static int record_vote(luxc_node *n, uint32_t i, const uint8_t msg[LUXC_VOTE_BYTES],
                       const luxc_vote *v, const uint8_t *sig, size_t sig_len)
{
    int rc = luxc_voteset_add(n->votes, i, msg, sig, sig_len);
    if (rc == LUXC_EEXIST)
        return LUXC_OK;
    if (rc == LUXC_EDUPLICATE) {
        n->st.equivocations_seen++;
        node_logf(n, LUXC_LOG_WARN, "equivocation", "validator=%u height=%llu", i,
                  (unsigned long long)v->height);
    }
    return rc;
}

/* Our vote record in the store: wire_len u32 | vote wire | block bytes. */
int node_vote_store(const luxc_node *n, const luxc_vote *v, const uint8_t *wire, size_t wire_len,
                    const uint8_t *block, size_t block_len)
{
    size_t len = 4 + wire_len + block_len;
    uint8_t *rec = malloc(len);
    if (!rec)
        return LUXC_ENOMEM;
    luxc_be32_store(rec, (uint32_t)wire_len);
    memcpy(rec + 4, wire, wire_len);
    memcpy(rec + 4 + wire_len, block, block_len);
    int rc = luxc_store_vote_put(n->store, v->height, v->round, n->keys.pk, rec, len);
    free(rec);
    return rc;
}

int node_vote_build(const luxc_node *n, const luxc_vote *v, uint8_t **wire, size_t *wire_len)
{
    uint8_t msg[LUXC_VOTE_BYTES], sig[LUXC_MLDSA_BYTES];
    size_t sig_len = 0;
    luxc_signer signer = {mldsa_sign_cb, (void *)n};
    *wire = NULL;
    int rc = luxc_vote_encode(msg, v);
    if (rc == LUXC_OK)
        rc = luxc_vote_sign(v, &signer, sig, sizeof sig, &sig_len);
    size_t len = 3 + LUXC_VOTE_BYTES + sig_len;
    uint8_t *w = rc == LUXC_OK ? malloc(len) : NULL;
    if (rc == LUXC_OK && !w)
        rc = LUXC_ENOMEM;
    if (rc == LUXC_OK)
        rc = luxc_wire_vote(w, len, &len, msg, sig, sig_len);
    if (rc != LUXC_OK) {
        free(w);
        return rc;
    }
    *wire = w;
    *wire_len = len;
    return LUXC_OK;
}

/* A signed (and, when it is ours to keep, durable) vote goes out. wire is
 * handed over. */
static void vote_out(luxc_node *n, uint8_t *wire, size_t wire_len, int record, uint64_t now_us)
{
    node_broadcast(n, wire, wire_len);
    n->st.votes_sent++;
    luxc_wire_msg m;
    if (!record || luxc_wire_decode(&m, wire, wire_len) != LUXC_OK) {
        free(wire);
        return;
    }
    node_logf(n, LUXC_LOG_DEBUG, "vote sent", "height=%llu", (unsigned long long)m.vote.height);
    record_vote(n, n->self, m.vote_msg, &m.vote, m.sig, m.sig_len);
    memcpy(n->my_vote_msg, m.vote_msg, LUXC_VOTE_BYTES);
    free(n->my_vote_wire);
    n->my_vote_wire = wire;
    n->my_vote_wire_len = wire_len;
    n->vote_sent_us = now_us;
}

static int send_vote_for(luxc_node *n, const node_proposal *p, int record, uint64_t now_us)
{
    luxc_vote v;
    vote_of(n, p, &v);
    if (record && n->worker) {
        /* sign and persist off the loop; vote_out when durable */
        node_job *j = calloc(1, sizeof *j);
        uint8_t *block = malloc(p->len);
        if (!j || !block) {
            free(j);
            free(block);
            return LUXC_ENOMEM;
        }
        memcpy(block, p->bytes, p->len);
        j->kind = NODE_JOB_VOTE;
        j->height = v.height;
        j->vote = v;
        j->block = block;
        j->block_len = p->len;
        node_worker_push(n->worker, j);
        return LUXC_OK;
    }
    uint8_t *wire;
    size_t wire_len;
    int rc = node_vote_build(n, &v, &wire, &wire_len);
    /* durable before it leaves: after a crash we resend this same vote
     * instead of signing a second one at this height - and keep the block
     * with it, or nobody might hold the bytes of a block everyone voted for */
    if (rc == LUXC_OK && record && n->store)
        rc = node_vote_store(n, &v, wire, wire_len, p->bytes, p->len);
    if (rc != LUXC_OK) {
        if (rc != LUXC_ENOMEM)
            free(wire);
        node_logf(n, LUXC_LOG_ERROR, "vote not sent", "height=%llu error=\"%s\"",
                  (unsigned long long)v.height, luxc_strerror(rc));
        return rc;
    }
    vote_out(n, wire, wire_len, record, now_us);
    return LUXC_OK;
}

int node_sign_vote(luxc_node *n, const node_proposal *p, uint64_t now_us)
{
    if (n->behaviour == LUXC_EQUIVOCATE) {
        for (uint32_t i = 0; i < n->nproposals; i++)
            send_vote_for(n, &n->proposals[i], !n->voted && i == 0, now_us);
        n->voted = 1;
        return node_try_finalize(n, now_us);
    }
    if (n->voted)
        return LUXC_OK;
    int rc = send_vote_for(n, p, 1, now_us);
    if (rc != LUXC_OK)
        return rc;
    n->voted = 1;
    return node_try_finalize(n, now_us);
}

int node_on_vote(luxc_node *n, uint32_t from, const luxc_wire_msg *m, uint64_t now_us)
{
    const luxc_vote *v = &m->vote;
    if (v->height != n->height + 1) {
        if (v->height > n->height + 1)
            node_note_height(n, from, v->height - 1);
        return LUXC_OK; /* an old height: already final here */
    }
    if (memcmp(v->chain_id, n->chain_id, 32) != 0 || !v->accept ||
        memcmp(v->parent, n->last_id, 32) != 0)
        return LUXC_EINVAL;
    const uint8_t *held = luxc_voteset_vote_of(n->votes, from);
    if (held && !memcmp(held, m->vote_msg, LUXC_VOTE_BYTES))
        return LUXC_OK; /* a resend */
    if (mldsa_verify_cb(NULL, m->sig, m->sig_len, m->vote_msg, LUXC_VOTE_BYTES,
                        n->members[from].pk, n->members[from].pklen) != LUXC_OK)
        return LUXC_EAUTH; /* forged or damaged: dropped */
    int rc = record_vote(n, from, m->vote_msg, v, m->sig, m->sig_len);
    if (rc != LUXC_OK)
        return rc == LUXC_EDUPLICATE ? LUXC_OK : rc;
    return node_try_finalize(n, now_us);
}

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
    n->durable_height = height;
    n->st.blocks_finalized++;
    n->st.txs_finalized += hdr.tx_count;
    if (synced)
        n->st.blocks_synced++;
    if (n->on_final)
        n->on_final(n->on_final_ctx, height, id, block, len, latency);
}

/* Make block (already checked as a child of the last final block) final.
 * Sync mode: durable first, then reported. Async mode: the worker makes it
 * durable and report_final runs when it is; consensus moves on meanwhile
 * (a crash before that loses only what peers hold with certificates). */
static int finalize(luxc_node *n, const uint8_t id[32], const uint8_t *block, size_t len,
                    const uint8_t *cert, size_t cert_len, uint64_t now_us, int synced)
{
    luxc_chain_block hdr;
    int rc = luxc_chain_block_decode(&hdr, NULL, block, len);
    if (rc != LUXC_OK)
        return rc;
    if (n->worker) {
        node_job *j = calloc(1, sizeof *j);
        uint8_t *b = malloc(len), *c = malloc(cert_len);
        if (!j || !b || !c) {
            free(j);
            free(b);
            free(c);
            return LUXC_ENOMEM;
        }
        memcpy(b, block, len);
        memcpy(c, cert, cert_len);
        *j = (node_job){.kind = NODE_JOB_ACCEPT, .height = hdr.height, .block = b,
                        .block_len = len, .cert = c, .cert_len = cert_len, .synced = synced};
        memcpy(j->id, id, 32);
        memcpy(j->parent, hdr.parent, 32);
        node_worker_push(n->worker, j);
    } else if (n->store) {
        rc = luxc_store_accept_block(n->store, hdr.height, id, hdr.parent, block, len, cert,
                                     cert_len);
        if (rc != LUXC_OK && rc != LUXC_EEXIST) {
            node_logf(n, LUXC_LOG_ERROR, "store refused final block",
                      "height=%llu error=\"%s\"", (unsigned long long)hdr.height,
                      luxc_strerror(rc));
            return rc;
        }
        if (hdr.height % 64 == 0 && luxc_store_votes_prune(n->store, hdr.height, NULL) != LUXC_OK)
            node_logf(n, LUXC_LOG_WARN, "vote pruning failed", NULL);
    }
    for (uint32_t i = 0; i < n->nproposals && n->model.learn; i++) {
        node_proposal *p = &n->proposals[i];
        n->model.learn(n->model.ctx, p->bytes, p->len, memcmp(p->id, id, 32) ? -1.0 : 1.0);
    }
    if (hdr.proposer == n->self && !synced) {
        /* our block made it: its transactions leave the mempool */
        for (uint32_t i = 0; i < n->own_block_txs && n->tx_count; i++) {
            free(n->txs[n->tx_head].data);
            n->tx_head = (n->tx_head + 1) % n->mempool_max;
            n->tx_count--;
        }
    }
    node_upgrades_from_block(n, &hdr);
    n->height = hdr.height;
    memcpy(n->last_id, id, 32);
    n->last_hdr = hdr;
    n->last_hdr.payload = NULL;
    n->last_final_us = now_us;
    if (!n->worker)
        report_final(n, hdr.height, id, block, len, synced, now_us);
    return node_height_start(n, now_us);
}

void node_job_done(luxc_node *n, node_job *j, uint64_t now_us)
{
    if (j->rc != LUXC_OK) {
        /* a store that cannot take a final block or our vote: stop rather
         * than go on with a memory the disk does not back */
        n->fatal = j->rc;
        node_logf(n, LUXC_LOG_ERROR, "store write failed", "height=%llu job=%s error=\"%s\"",
                  (unsigned long long)j->height, j->kind == NODE_JOB_VOTE ? "vote" : "block",
                  luxc_strerror(j->rc));
    } else if (j->kind == NODE_JOB_ACCEPT) {
        if (j->pruned_failed)
            node_logf(n, LUXC_LOG_WARN, "vote pruning failed", NULL);
        report_final(n, j->height, j->id, j->block, j->block_len, j->synced, now_us);
    } else if (j->height == n->height + 1) {
        vote_out(n, j->wire, j->wire_len, 1, now_us);
        j->wire = NULL;
        node_try_finalize(n, now_us);
    }
    node_job_free(j);
}

/* The certificate of the vote set's final message, encoded (owned by the
 * caller). */
static int build_cert(luxc_node *n, uint8_t **out, size_t *out_len)
{
    luxc_cert *c = NULL;
    int rc = luxc_voteset_cert(n->votes, &c);
    if (rc == LUXC_OK) {
        *out_len = luxc_cert_encoded_len(c);
        *out = malloc(*out_len);
        rc = *out ? luxc_cert_encode(c, *out, *out_len, out_len) : LUXC_ENOMEM;
        if (rc != LUXC_OK) {
            free(*out);
            *out = NULL;
        }
    }
    luxc_cert_free(c);
    return rc;
}

int node_try_finalize(luxc_node *n, uint64_t now_us)
{
    uint32_t signer = 0;
    const uint8_t *final_msg = luxc_voteset_final(n->votes, &signer);
    luxc_vote fv;
    if (final_msg && luxc_vote_decode(&fv, final_msg, LUXC_VOTE_BYTES) == LUXC_OK) {
        node_proposal *p = node_find_proposal(n, fv.block);
        if (!p) {
            /* certified but unseen: fetch it from a signer */
            if (!n->want || memcmp(n->want_id, fv.block, 32)) {
                memcpy(n->want_id, fv.block, 32);
                n->want = 1;
                n->want_sent_us = 0;
                n->sync_peer = signer;
            }
            return LUXC_OK;
        }
        uint8_t *cert;
        size_t cert_len;
        int rc = build_cert(n, &cert, &cert_len);
        if (rc != LUXC_OK)
            return rc;
        uint8_t id[32];
        memcpy(id, p->id, 32);
        /* finalize() restarts the height, freeing p: hand it a copy */
        uint8_t *block = malloc(p->len);
        size_t len = p->len;
        if (!block) {
            free(cert);
            return LUXC_ENOMEM;
        }
        memcpy(block, p->bytes, len);
        rc = finalize(n, id, block, len, cert, cert_len, now_us, 0);
        free(block);
        free(cert);
        return rc;
    }
    return LUXC_OK;
}

typedef struct sync_ctx {
    luxc_node *n;
    uint32_t to;
} sync_ctx;

static int serve_block(void *ctx, const luxc_store_block_view *b)
{
    sync_ctx *s = ctx;
    size_t len;
    if (luxc_wire_sync_block(s->n->buf, NODE_MSG_MAX, &len, b->block, b->block_len, b->cert,
                             b->cert_len) == LUXC_OK)
        node_send(s->n, s->to, s->n->buf, len);
    return 0;
}

int node_on_sync_req(luxc_node *n, uint32_t from, const luxc_wire_msg *m)
{
    if (!n->store || m->height == 0 || m->height > n->height)
        return LUXC_OK;
    uint32_t max = m->max ? m->max : 1;
    uint64_t to = m->height + max - 1;
    if (to > n->height || to < m->height)
        to = n->height;
    sync_ctx s = {n, from};
    return luxc_store_blocks_foreach(n->store, m->height, to, serve_block, &s);
}

int node_on_sync_block(luxc_node *n, uint32_t from, const luxc_wire_msg *m, uint64_t now_us)
{
    (void)from;
    luxc_chain_block hdr;
    uint8_t id[32];
    int rc = luxc_chain_block_decode(&hdr, id, m->block, m->block_len);
    if (rc != LUXC_OK)
        return rc;
    if (hdr.height != n->height + 1)
        return LUXC_OK; /* not the next one: ignore, we ask again */
    const char *why;
    if (luxc_chain_block_check_child(&hdr, &n->last_hdr, n->last_id, &why) != LUXC_OK)
        return LUXC_EINVAL;
    luxc_cert *c;
    rc = luxc_cert_decode(&c, m->cert, m->cert_len, n->members, n->n);
    if (rc != LUXC_OK)
        return rc;
    const luxc_vote *v = luxc_cert_vote(c);
    luxc_verifier vf = {mldsa_verify_cb, NULL};
    if (memcmp(v->block, id, 32) || v->height != hdr.height || memcmp(v->chain_id, n->chain_id, 32) ||
        memcmp(v->state_root, hdr.state_root, 32) || memcmp(v->parent, n->last_id, 32))
        rc = LUXC_EINVAL;
    else
        rc = luxc_cert_verify(c, n->members, n->n, &vf);
    luxc_cert_free(c);
    if (rc != LUXC_OK) {
        node_logf(n, LUXC_LOG_WARN, "synced block refused", "height=%llu error=\"%s\"",
                  (unsigned long long)hdr.height, luxc_strerror(rc));
        return rc;
    }
    uint8_t *copy = malloc(m->block_len + m->cert_len);
    if (!copy)
        return LUXC_ENOMEM;
    memcpy(copy, m->block, m->block_len);
    memcpy(copy + m->block_len, m->cert, m->cert_len);
    rc = finalize(n, id, copy, m->block_len, copy + m->block_len, m->cert_len, now_us, 1);
    free(copy);
    return rc;
}

void node_final_tick(luxc_node *n, uint64_t now_us, uint64_t *next_us)
{
    uint64_t resend = n->poll_timeout_us * 2u;
    /* behind the network: ask for certified blocks */
    if (n->peer_height_hint > n->height && now_us >= n->sync_sent_us + resend) {
        size_t len;
        uint8_t msg[13];
        if (luxc_wire_sync_req(msg, sizeof msg, &len, n->height + 1, 64) == LUXC_OK)
            node_send(n, n->sync_peer, msg, len);
        n->sync_sent_us = now_us;
    }
    if (n->peer_height_hint > n->height)
        node_earliest(next_us, n->sync_sent_us + resend);
    /* a block we need but lack */
    if (n->want && now_us >= n->want_sent_us + resend) {
        node_ask_block(n, n->sync_peer, n->want_id);
        n->want_sent_us = now_us;
    }
    if (n->want)
        node_earliest(next_us, n->want_sent_us + resend);
    /* our vote may have been lost, or a peer connected after it */
    if (n->voted && n->my_vote_wire && now_us >= n->vote_sent_us + resend) {
        node_broadcast(n, n->my_vote_wire, n->my_vote_wire_len);
        n->vote_sent_us = now_us;
    }
    if (n->voted)
        node_earliest(next_us, n->vote_sent_us + resend);
}

static int find_own_vote(void *ctx, uint64_t height, uint32_t round, const uint8_t *voter,
                         const uint8_t *vote, size_t vote_len)
{
    (void)height;
    (void)round;
    luxc_node *n = ctx;
    if (memcmp(voter, n->keys.pk, LUXC_STORE_VOTERBYTES) != 0 || n->recovered_vote)
        return 0;
    n->recovered_vote = malloc(vote_len);
    if (!n->recovered_vote)
        return LUXC_ENOMEM;
    memcpy(n->recovered_vote, vote, vote_len);
    n->recovered_vote_len = vote_len;
    return 0;
}

/* Re-adopt the vote found by node_recover as this height's vote. */
int node_apply_recovered_vote(luxc_node *n)
{
    if (!n->recovered_vote)
        return LUXC_OK;
    luxc_wire_msg m;
    const uint8_t *rec = n->recovered_vote;
    size_t wl = n->recovered_vote_len >= 4 ? luxc_be32_load(rec) : 0;
    int rc = wl && wl <= n->recovered_vote_len - 4 ? luxc_wire_decode(&m, rec + 4, wl)
                                                     : LUXC_ECORRUPT;
    if (rc == LUXC_OK && (m.type != LUXC_WIRE_VOTE || m.vote.height != n->height + 1))
        rc = LUXC_ECORRUPT;
    if (rc == LUXC_OK)
        rc = record_vote(n, n->self, m.vote_msg, &m.vote, m.sig, m.sig_len);
    if (rc == LUXC_OK) {
        memcpy(n->my_vote_msg, m.vote_msg, LUXC_VOTE_BYTES);
        memcpy(n->decided_id, m.vote.block, 32);
        n->decided = 1;
        n->voted = 1;
        n->vote_sent_us = 0; /* resend at the first tick */
        n->my_vote_wire = malloc(wl);
        if (!n->my_vote_wire)
            rc = LUXC_ENOMEM;
        else
            memcpy(n->my_vote_wire, rec + 4, wl);
        n->my_vote_wire_len = wl;
    }
    if (rc == LUXC_OK && n->recovered_vote_len > 4 + wl) {
        /* the block we voted for, kept with the vote */
        int prc = node_on_propose(n, n->self, rec + 4 + wl, n->recovered_vote_len - 4 - wl, 0, 1);
        if (prc != LUXC_OK)
            node_logf(n, LUXC_LOG_WARN, "voted block not restored", "error=\"%s\"",
                      luxc_strerror(prc));
    }
    free(n->recovered_vote);
    n->recovered_vote = NULL;
    return rc;
}

/* After a restart: the last final block from the store, and the vote we
 * may have signed for the next height (we must not sign another). */
int node_recover(luxc_node *n)
{
    if (!n->store)
        return LUXC_OK;
    uint64_t h;
    uint8_t id[32];
    int rc = luxc_store_last(n->store, &h, id);
    if (rc == LUXC_ENOTFOUND)
        return LUXC_OK;
    if (rc != LUXC_OK)
        return rc;
    size_t len;
    rc = luxc_store_block_get(n->store, h, NULL, NULL, n->buf, NODE_MSG_MAX, &len);
    luxc_chain_block hdr;
    uint8_t check[32];
    if (rc == LUXC_OK)
        rc = luxc_chain_block_decode(&hdr, check, n->buf, len);
    if (rc == LUXC_OK && (memcmp(check, id, 32) || memcmp(hdr.chain_id, n->chain_id, 32)))
        rc = LUXC_ECORRUPT;
    if (rc != LUXC_OK)
        return rc == LUXC_ECORRUPT ? rc : LUXC_ECORRUPT;
    n->height = h;
    memcpy(n->last_id, id, 32);
    n->last_hdr = hdr;
    n->last_hdr.payload = NULL;
    rc = luxc_store_votes_foreach(n->store, h + 1, find_own_vote, n);
    return rc < 0 ? rc : LUXC_OK;
}
