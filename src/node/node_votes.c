/* node_votes.c - horizon finality's votes for height + 1 (node_int.h):
 * our one accept vote per height, persisted before it is sent; peers'
 * signed votes, verified and counted in the height's vote set
 * (consensus/voteset.c); the certificate once signers hold more than 2/3
 * of the stake.
 * Owns: node_ballot.
 * Not here: counting rules (luxc_voteset), signing and the vote record
 * (node_durable.c), making the certified block final (node_commit.c). */
#include "node_int.h"

#include <stdlib.h>
#include <string.h>

static void vote_of(const luxc_node *n, const node_proposal *p, luxc_vote *v)
{
    memset(v, 0, sizeof *v);
    memcpy(v->chain_id, n->cfg.chain_id, 32);
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
static int record_vote(luxc_node *n, uint32_t i, const luxc_wire_msg *m)
{
    int rc = luxc_voteset_add(n->ballot.set, i, m->vote_msg, m->sig, m->sig_len);
    if (rc == LUXC_EEXIST)
        return LUXC_OK;
    if (rc == LUXC_EDUPLICATE) {
        n->st.equivocations_seen++;
        node_logf(n, LUXC_LOG_WARN, "equivocation", "validator=%u height=%llu", i,
                  (unsigned long long)m->vote.height);
    }
    return rc;
}

/* Our vote becomes this height's: counted, kept for resending. wire is
 * handed over. */
static int adopt_own_vote(luxc_node *n, uint8_t *wire, size_t wire_len)
{
    luxc_wire_msg m;
    int rc = luxc_wire_decode(&m, wire, wire_len);
    if (rc == LUXC_OK && (m.type != LUXC_WIRE_VOTE || m.vote.height != n->tip.height + 1))
        rc = LUXC_ECORRUPT;
    if (rc == LUXC_OK)
        rc = record_vote(n, n->cfg.self, &m);
    if (rc != LUXC_OK) {
        free(wire);
        return rc;
    }
    free(n->ballot.my_vote_wire);
    n->ballot.my_vote_wire = wire;
    n->ballot.my_vote_wire_len = wire_len;
    n->ballot.voted = 1;
    return LUXC_OK;
}

/* A signed (and, when it is ours to keep, durable) vote goes out. wire is
 * handed over. */
static void vote_out(luxc_node *n, uint8_t *wire, size_t wire_len, int record, uint64_t now_us)
{
    node_broadcast(n, wire, wire_len);
    n->st.votes_sent++;
    if (!record) {
        free(wire);
        return;
    }
    node_logf(n, LUXC_LOG_DEBUG, "vote sent", "height=%llu", (unsigned long long)n->tip.height + 1);
    if (adopt_own_vote(n, wire, wire_len) == LUXC_OK)
        n->ballot.vote_sent_us = now_us;
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
        n->ballot.voted = 1; /* one vote per height: never a second job */
        return LUXC_OK;
    }
    uint8_t *wire;
    size_t wire_len;
    int rc = node_vote_build(n, &v, &wire, &wire_len);
    /* durable before it leaves: after a crash we resend this same vote
     * instead of signing a second one at this height */
    if (rc == LUXC_OK && record && n->cfg.store)
        rc = node_vote_store(n, &v, wire, wire_len, p->bytes, p->len);
    if (rc != LUXC_OK) {
        if (rc != LUXC_ENOMEM)
            free(wire);
        node_logf(n, LUXC_LOG_ERROR, "vote not sent", "height=%llu error=\"%s\"",
                  (unsigned long long)v.height, luxc_strerror(rc));
        return rc;
    }
    if (record)
        n->ballot.voted = 1; /* signed and durable: never a second one */
    vote_out(n, wire, wire_len, record, now_us);
    return LUXC_OK;
}

int node_votes_cast(luxc_node *n, const node_proposal *p, uint64_t now_us)
{
    if (n->ballot.voted)
        return LUXC_OK;
    if (n->cfg.behaviour == LUXC_EQUIVOCATE) {
        /* signs every proposal; keeps (and stores) only the first */
        for (uint32_t i = 0; i < n->table.count; i++)
            send_vote_for(n, &n->table.items[i], i == 0, now_us);
        n->ballot.voted = 1;
        return LUXC_OK;
    }
    return send_vote_for(n, p, 1, now_us);
}

void node_votes_signed(luxc_node *n, node_job *j, uint64_t now_us)
{
    if (j->height != n->tip.height + 1)
        return; /* the height became final meanwhile (catch-up) */
    vote_out(n, j->wire, j->wire_len, 1, now_us);
    j->wire = NULL;
}

int node_votes_on_vote(luxc_node *n, uint32_t from, const luxc_wire_msg *m)
{
    const luxc_vote *v = &m->vote;
    if (v->height != n->tip.height + 1) {
        if (v->height > n->tip.height + 1)
            node_note_height(n, from, v->height - 1);
        return LUXC_OK; /* an old height: already final here */
    }
    if (memcmp(v->chain_id, n->cfg.chain_id, 32) != 0 || !v->accept ||
        memcmp(v->parent, n->tip.last_id, 32) != 0)
        return LUXC_EINVAL;
    const uint8_t *held = luxc_voteset_vote_of(n->ballot.set, from);
    if (held && !memcmp(held, m->vote_msg, LUXC_VOTE_BYTES))
        return LUXC_OK; /* a resend */
    const luxc_cert_member *who = &n->cfg.members[from];
    if (node_vote_verify(m->sig, m->sig_len, m->vote_msg, LUXC_VOTE_BYTES, who->pk,
                         who->pklen) != LUXC_OK)
        return LUXC_EAUTH; /* forged or damaged: dropped */
    int rc = record_vote(n, from, m);
    return rc == LUXC_EDUPLICATE ? LUXC_OK : rc;
}

uint64_t node_votes_stake(const luxc_node *n, const uint8_t id[32])
{
    return luxc_voteset_block_stake(n->ballot.set, id);
}

/* The vote set's certificate, encoded (owned by the caller). */
static int build_cert(luxc_node *n, uint8_t **out, size_t *out_len)
{
    luxc_cert *c = NULL;
    *out = NULL;
    int rc = luxc_voteset_cert(n->ballot.set, &c);
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

int node_votes_final(luxc_node *n, node_final_block *out)
{
    memset(out, 0, sizeof *out);
    uint32_t signer = 0;
    const uint8_t *final_msg = luxc_voteset_final(n->ballot.set, &signer);
    luxc_vote fv;
    if (!final_msg || luxc_vote_decode(&fv, final_msg, LUXC_VOTE_BYTES) != LUXC_OK)
        return 0;
    node_proposal *p = node_proposal_find(n, fv.block);
    if (!p) {
        node_want(n, fv.block, signer); /* certified but unseen: fetch it */
        return 0;
    }
    out->block = malloc(p->len);
    if (!out->block || build_cert(n, &out->cert, &out->cert_len) != LUXC_OK) {
        node_final_block_free(out);
        return 0; /* out of memory: the next vote or tick tries again */
    }
    memcpy(out->id, p->id, 32);
    memcpy(out->block, p->bytes, p->len);
    out->len = p->len;
    return 1;
}

void node_votes_tick(luxc_node *n, uint64_t now_us, uint64_t *next_us)
{
    node_ballot *b = &n->ballot;
    if (!b->my_vote_wire)
        return;
    /* our vote may have been lost, or a peer connected after it */
    uint64_t resend = n->cfg.poll_timeout_us * 2u;
    if (now_us >= b->vote_sent_us + resend) {
        node_broadcast(n, b->my_vote_wire, b->my_vote_wire_len);
        b->vote_sent_us = now_us;
    }
    node_earliest(next_us, b->vote_sent_us + resend);
}

int node_votes_restore(luxc_node *n, const uint8_t *rec, size_t len, uint8_t voted_id[32],
                       const uint8_t **block, size_t *block_len)
{
    const uint8_t *wire;
    size_t wire_len;
    int rc = node_vote_record_split(rec, len, &wire, &wire_len, block, block_len);
    uint8_t *copy = rc == LUXC_OK ? malloc(wire_len) : NULL;
    if (rc == LUXC_OK && !copy)
        rc = LUXC_ENOMEM;
    if (rc != LUXC_OK)
        return rc;
    memcpy(copy, wire, wire_len);
    luxc_wire_msg m;
    if (luxc_wire_decode(&m, copy, wire_len) == LUXC_OK && m.type == LUXC_WIRE_VOTE)
        memcpy(voted_id, m.vote.block, 32);
    rc = adopt_own_vote(n, copy, wire_len);
    if (rc == LUXC_OK)
        n->ballot.vote_sent_us = 0; /* resend at the first tick */
    return rc;
}

void node_votes_clear(luxc_node *n)
{
    luxc_voteset_clear(n->ballot.set);
    free(n->ballot.my_vote_wire);
    n->ballot.my_vote_wire = NULL;
    n->ballot.voted = 0;
}
