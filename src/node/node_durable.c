/* node_durable.c - signing our votes, checking others' certificates and
 * writing the store (node_int.h).
 * Owns: the vote's ML-DSA signature (context NODE_VOTE_CTX) and its check,
 * the check of a certificate or polka proof for our next height, the
 * record our vote is kept in, and storing a final block. Every function
 * reads only the node's keys, validator set, tip, store and chain id, so
 * the loop (sync mode) and the durability worker (async mode) call the
 * same code.
 * Not here: when to vote (node_votes.c), when a block is final
 * (node_commit.c). */
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
                           sizeof NODE_VOTE_CTX - 1, n->cfg.keys.sk + LUXC_ED25519_SECRETKEYBYTES);
}

int node_vote_verify(const uint8_t *sig, size_t siglen, const uint8_t *msg, size_t mlen,
                     const uint8_t *pk, size_t pklen)
{
    if (siglen != LUXC_MLDSA_BYTES || pklen != LUXC_MLDSA_PUBLICKEYBYTES)
        return LUXC_EAUTH;
    return luxc_mldsa_verify(sig, msg, mlen, (const uint8_t *)NODE_VOTE_CTX,
                             sizeof NODE_VOTE_CTX - 1, pk);
}

static int verify_cb(void *ctx, const uint8_t *sig, size_t siglen, const uint8_t *msg,
                     size_t mlen, const uint8_t *pk, size_t pklen)
{
    (void)ctx;
    return node_vote_verify(sig, siglen, msg, mlen, pk, pklen);
}

int node_cert_check(const luxc_node *n, luxc_vote_phase phase, const uint8_t *cert, size_t len,
                    const uint8_t id[32], uint32_t round, const uint8_t *state_root)
{
    luxc_cert *c;
    int rc = phase == LUXC_PREVOTE
                 ? luxc_cert_decode_polka(&c, cert, len, n->cfg.members, n->cfg.n)
                 : luxc_cert_decode(&c, cert, len, n->cfg.members, n->cfg.n);
    if (rc != LUXC_OK)
        return rc;
    const luxc_vote *v = luxc_cert_vote(c);
    luxc_verifier vf = {verify_cb, NULL};
    if (memcmp(v->block, id, 32) || v->height != n->tip.height + 1 ||
        (round != LUXC_NO_ROUND && v->round != round) ||
        memcmp(v->chain_id, n->cfg.chain_id, 32) || memcmp(v->parent, n->tip.last_id, 32) ||
        (state_root && memcmp(v->state_root, state_root, 32)))
        rc = LUXC_EINVAL;
    else
        rc = luxc_cert_verify(c, n->cfg.members, n->cfg.n, &vf);
    luxc_cert_free(c);
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

/* Our vote record in the store: wire_len u32 | vote wire | block bytes
 * (none for nil), under round * 4 + phase. The block is kept with the
 * vote, or nobody might hold the bytes of a block everyone voted for
 * after a crash. */
int node_vote_store(const luxc_node *n, const luxc_vote *v, const uint8_t *wire, size_t wire_len,
                    const uint8_t *block, size_t block_len)
{
    size_t len = 4 + wire_len + block_len;
    uint8_t *rec = malloc(len);
    if (!rec)
        return LUXC_ENOMEM;
    luxc_be32_store(rec, (uint32_t)wire_len);
    memcpy(rec + 4, wire, wire_len);
    if (block_len)
        memcpy(rec + 4 + wire_len, block, block_len);
    if (v->round >= NODE_MAX_ROUND) {
        free(rec);
        return LUXC_ERANGE;
    }
    int rc = luxc_store_vote_put(n->cfg.store, v->height, v->round * 4u + v->phase, n->cfg.keys.pk,
                                 rec, len);
    free(rec);
    return rc;
}

int node_vote_record_split(const uint8_t *rec, size_t len, const uint8_t **wire,
                           size_t *wire_len, const uint8_t **block, size_t *block_len)
{
    size_t wl = len >= 4 ? luxc_be32_load(rec) : 0;
    if (wl == 0 || wl > len - 4)
        return LUXC_ECORRUPT;
    *wire = rec + 4;
    *wire_len = wl;
    *block = rec + 4 + wl;
    *block_len = len - 4 - wl;
    return LUXC_OK;
}

int node_block_store(const luxc_node *n, uint64_t height, const uint8_t id[32],
                     const uint8_t parent[32], const uint8_t *block, size_t len,
                     const uint8_t *cert, size_t cert_len, int *pruned_failed)
{
    *pruned_failed = 0;
    int rc = luxc_store_accept_block(n->cfg.store, height, id, parent, block, len, cert,
                                     cert_len);
    if (rc == LUXC_EEXIST)
        rc = LUXC_OK; /* already there (e.g. synced twice) */
    /* pruning old votes is housekeeping: a failure is retried 64 blocks on */
    if (rc == LUXC_OK && height % 64 == 0 &&
        luxc_store_votes_prune(n->cfg.store, height, NULL) != LUXC_OK)
        *pruned_failed = 1;
    return rc;
}
