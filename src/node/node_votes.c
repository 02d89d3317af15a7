/* node_votes.c - the votes of height + 1 (node_int.h): peers' signed
 * PREVOTEs and PRECOMMITs, verified and counted per round in the height's
 * luxc_heightvotes; ours, signed as the round rule (luxc_rounds) asks,
 * persisted before they leave and resent until the height is final; the
 * certificate; and, after a restart, our votes and the rule's state read
 * back from the store.
 * Owns: node_ballot.
 * Not here: the rule (consensus/rounds.c), counting (heightvotes.c),
 * signing and the vote record (node_durable.c), proposals and snowman
 * (node_race.c), making the certified block final (node_commit.c). */
#include "node_int.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t zero_id[32];

/* ---- votes ------------------------------------------------------------- */

/* Count a verified vote of validator i. A second, different vote in one
 * round and phase is equivocation: counted and logged; the first stands. */
static int record_vote(luxc_node *n, uint32_t i, const luxc_wire_msg *m)
{
    int rc = luxc_heightvotes_add(n->ballot.votes, i, m->vote_msg, m->sig, m->sig_len);
    if (rc == LUXC_EEXIST)
        return LUXC_OK;
    if (rc == LUXC_EDUPLICATE) {
        n->st.equivocations_seen++;
        node_logf(n, LUXC_LOG_WARN, "equivocation", "validator=%u height=%llu round=%u", i,
                  (unsigned long long)m->vote.height, m->vote.round);
    }
    return rc;
}

/* Our vote becomes this height's: counted, kept for resending. wire is
 * handed over. */
static int adopt_own_vote(luxc_node *n, uint8_t *wire, size_t wire_len)
{
    node_ballot *b = &n->ballot;
    luxc_wire_msg m;
    int rc = luxc_wire_decode(&m, wire, wire_len);
    if (rc == LUXC_OK && (m.type != LUXC_WIRE_VOTE || m.vote.height != n->tip.height + 1))
        rc = LUXC_ECORRUPT;
    if (rc == LUXC_OK)
        rc = record_vote(n, n->cfg.self, &m);
    if (rc == LUXC_EDUPLICATE)
        rc = LUXC_OK; /* an older vote of ours in this slot (a restart) stands */
    if (rc != LUXC_OK && rc != LUXC_EFULL) {
        free(wire);
        return rc;
    }
    if (b->nown == NODE_OWN_VOTES) { /* the oldest goes: later rounds matter */
        free(b->own[0].wire);
        memmove(b->own, b->own + 1, (NODE_OWN_VOTES - 1) * sizeof *b->own);
        b->nown--;
    }
    b->own[b->nown++] = (node_own_vote){m.vote.round, m.vote.phase, wire, wire_len};
    return LUXC_OK;
}

static void vote_of(const luxc_node *n, luxc_vote_phase phase, uint32_t round,
                    const uint8_t id[32], luxc_vote *v)
{
    memset(v, 0, sizeof *v);
    memcpy(v->chain_id, n->cfg.chain_id, 32);
    v->height = n->tip.height + 1;
    v->round = round;
    v->phase = (uint8_t)phase;
    memcpy(v->parent, n->tip.last_id, 32);
    if (memcmp(id, zero_id, 32) != 0) {
        const node_proposal *p = node_proposal_find((luxc_node *)n, id);
        memcpy(v->block, id, 32);
        if (p)
            memcpy(v->state_root, p->hdr.state_root, 32);
        v->accept = 1;
    }
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
    if (adopt_own_vote(n, wire, wire_len) == LUXC_OK)
        n->ballot.vote_sent_us = now_us;
}

static int sign_and_send(luxc_node *n, const luxc_vote *v, int record, uint64_t now_us)
{
    const node_proposal *p = v->accept ? node_proposal_find(n, v->block) : NULL;
    if (record && n->worker) {
        /* sign and persist off the loop; vote_out when durable */
        node_job *j = calloc(1, sizeof *j);
        uint8_t *block = p ? malloc(p->len) : NULL;
        if (!j || (p && !block)) {
            free(j);
            free(block);
            return LUXC_ENOMEM;
        }
        if (p)
            memcpy(block, p->bytes, p->len);
        j->kind = NODE_JOB_VOTE;
        j->height = v->height;
        j->vote = *v;
        j->block = block;
        j->block_len = p ? p->len : 0;
        node_worker_push(n->worker, j);
        n->ballot.pending = 1; /* the rule waits: nothing depends on an undurable vote */
        return LUXC_OK;
    }
    uint8_t *wire;
    size_t wire_len;
    int rc = node_vote_build(n, v, &wire, &wire_len);
    /* durable before it leaves: after a crash we resend this same vote
     * instead of signing a second one in this round and phase */
    if (rc == LUXC_OK && record && n->cfg.store)
        rc = node_vote_store(n, v, wire, wire_len, p ? p->bytes : NULL, p ? p->len : 0);
    if (rc != LUXC_OK) {
        if (rc != LUXC_ENOMEM)
            free(wire);
        node_logf(n, LUXC_LOG_ERROR, "vote not sent", "height=%llu round=%u error=\"%s\"",
                  (unsigned long long)v->height, v->round, luxc_strerror(rc));
        return rc;
    }
    vote_out(n, wire, wire_len, record, now_us);
    return LUXC_OK;
}

int node_votes_cast(luxc_node *n, luxc_vote_phase phase, uint32_t round, const uint8_t id[32],
                    uint64_t now_us)
{
    luxc_vote v;
    vote_of(n, phase, round, id, &v);
    node_logf(n, LUXC_LOG_DEBUG, phase == LUXC_PREVOTE ? "prevote" : "precommit",
              "height=%llu round=%u nil=%d", (unsigned long long)v.height, round, !v.accept);
    int rc = sign_and_send(n, &v, 1, now_us);
    if (rc == LUXC_OK && n->cfg.behaviour == LUXC_EQUIVOCATE) {
        /* signs every other block too (kept nowhere, counted by peers as
         * equivocation) */
        for (uint32_t i = 0; i < n->table.count; i++) {
            if (!memcmp(n->table.items[i].id, v.block, 32))
                continue;
            luxc_vote w;
            vote_of(n, phase, round, n->table.items[i].id, &w);
            (void)sign_and_send(n, &w, 0, now_us);
        }
    }
    return rc;
}

void node_votes_signed(luxc_node *n, node_job *j, uint64_t now_us)
{
    n->ballot.pending = 0;
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
    int nil = !memcmp(v->block, zero_id, 32);
    if (memcmp(v->chain_id, n->cfg.chain_id, 32) != 0 || v->accept != !nil ||
        memcmp(v->parent, n->tip.last_id, 32) != 0)
        return LUXC_EINVAL;
    const luxc_voteset *vs =
        luxc_heightvotes_set(n->ballot.votes, (luxc_vote_phase)v->phase, v->round);
    const uint8_t *held = luxc_voteset_vote_of(vs, from);
    if (held && !memcmp(held, m->vote_msg, LUXC_VOTE_BYTES))
        return LUXC_OK; /* a resend */
    const luxc_cert_member *who = &n->cfg.members[from];
    if (node_vote_verify(m->sig, m->sig_len, m->vote_msg, LUXC_VOTE_BYTES, who->pk,
                         who->pklen) != LUXC_OK)
        return LUXC_EAUTH; /* forged or damaged: dropped */
    int rc = record_vote(n, from, m);
    if (!nil && rc == LUXC_OK && !node_proposal_find(n, v->block) && !n->table.want &&
        luxc_heightvotes_majority(n->ballot.votes, (luxc_vote_phase)v->phase, v->round, NULL,
                                  NULL))
        node_want(n, v->block, from); /* a majority for a block we lack: fetch it */
    return rc == LUXC_EDUPLICATE ? LUXC_OK : rc;
}

/* A vote set's majority as a certificate, encoded (owned by the caller). */
static int set_cert(const luxc_voteset *vs, uint8_t **out, size_t *out_len)
{
    luxc_cert *c = NULL;
    *out = NULL;
    int rc = vs ? luxc_voteset_cert(vs, &c) : LUXC_ENOQUORUM;
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

int node_votes_polka_proof(luxc_node *n, uint32_t round, uint8_t **out, size_t *out_len)
{
    return set_cert(luxc_heightvotes_set(n->ballot.votes, LUXC_PREVOTE, round), out, out_len);
}

/* Tendermint's liveness argument assumes that what one correct validator
 * received, every correct one eventually does; relaying every vote would
 * cost that on every height, this costs it only in rounds that went slow.
 * Validators still in the round then set their valid value (Algorithm 1
 * line 36), and the next honest leader proposes it with a valid round
 * everyone can accept. */
void node_votes_relay(luxc_node *n)
{
    node_ballot *b = &n->ballot;
    uint32_t round = luxc_rounds_state(b->rule)->round;
    uint8_t id[32], any[32];
    uint32_t r;
    if (b->decided || (b->relayed && b->relayed_round == round) ||
        !luxc_heightvotes_majority(b->votes, LUXC_PREVOTE, round, id, NULL) ||
        !memcmp(id, zero_id, 32) || !luxc_heightvotes_any_quorum(b->votes, LUXC_PRECOMMIT, round) ||
        luxc_heightvotes_decided(b->votes, &r, any))
        return;
    const node_proposal *p = node_proposal_find(n, id);
    uint8_t *proof = NULL;
    size_t proof_len = 0;
    if (!p || node_votes_polka_proof(n, round, &proof, &proof_len) != LUXC_OK)
        return; /* without the block or the votes: nothing to relay */
    b->relayed = 1;
    b->relayed_round = round;
    size_t len = 9 + p->len + proof_len;
    uint8_t *w = malloc(len);
    if (w && luxc_wire_polka(w, len, &len, round, p->bytes, p->len, proof, proof_len) == LUXC_OK) {
        node_logf(n, LUXC_LOG_DEBUG, "polka relayed", "height=%llu round=%u",
                  (unsigned long long)n->tip.height + 1, round);
        node_broadcast(n, w, len);
    }
    free(w);
    free(proof);
}

int node_votes_final(luxc_node *n, uint32_t round, const uint8_t id[32], node_final_block *out)
{
    memset(out, 0, sizeof *out);
    node_proposal *p = node_proposal_find(n, id);
    if (!p)
        return 0;
    out->block = malloc(p->len);
    if (!out->block ||
        set_cert(luxc_heightvotes_set(n->ballot.votes, LUXC_PRECOMMIT, round), &out->cert,
                 &out->cert_len) != LUXC_OK) {
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
    /* a certificate for a block we lack: fetch it from a signer */
    uint32_t round;
    uint8_t id[32];
    if (luxc_heightvotes_decided(b->votes, &round, id) && !node_proposal_find(n, id)) {
        uint32_t signer = 0;
        (void)luxc_heightvotes_majority(b->votes, LUXC_PRECOMMIT, round, NULL, &signer);
        node_want(n, id, signer < n->cfg.n ? signer : n->cfg.self);
    }
    if (!b->nown)
        return;
    /* our votes may have been lost, or a peer connected after them: all of
     * this height's go again (a polka needs the old rounds' too) */
    uint64_t resend = n->cfg.poll_timeout_us * 2u;
    if (now_us >= b->vote_sent_us + resend) {
        for (uint32_t i = 0; i < b->nown; i++)
            node_broadcast(n, b->own[i].wire, b->own[i].len);
        b->vote_sent_us = now_us;
    }
    node_earliest(next_us, b->vote_sent_us + resend);
}

/* ---- restart ------------------------------------------------------------ */

typedef struct restore_ctx {
    luxc_node *n;
    luxc_round_state st;
    int any;
    int rc;
} restore_ctx;

static int restore_one(void *ctx, uint64_t height, uint32_t key, const uint8_t *voter,
                       const uint8_t *rec, size_t len)
{
    (void)height;
    (void)key;
    restore_ctx *r = ctx;
    luxc_node *n = r->n;
    if (memcmp(voter, n->cfg.keys.pk, LUXC_STORE_VOTERBYTES) != 0)
        return 0;
    const uint8_t *wire, *block;
    size_t wire_len, block_len;
    luxc_wire_msg m;
    int rc = node_vote_record_split(rec, len, &wire, &wire_len, &block, &block_len);
    if (rc == LUXC_OK)
        rc = luxc_wire_decode(&m, wire, wire_len);
    if (rc == LUXC_OK && m.type != LUXC_WIRE_VOTE)
        rc = LUXC_ECORRUPT;
    if (rc != LUXC_OK) {
        r->rc = LUXC_ECORRUPT;
        return LUXC_ECORRUPT;
    }
    const luxc_vote *v = &m.vote;
    /* the block first: our vote names it, and peers may lack it. It was
     * checked when we voted; the table takes it whatever its round. */
    if (block_len) {
        uint8_t bid[32];
        node_proposal *p;
        int prc = luxc_chain_block_decode(&(luxc_chain_block){0}, bid, block, block_len);
        if (prc == LUXC_OK && !node_proposal_find(n, bid))
            prc = node_proposal_add(n, bid, block, block_len, &p);
        if (prc != LUXC_OK)
            node_logf(n, LUXC_LOG_WARN, "voted block not restored", "round=%u error=\"%s\"",
                      v->round, luxc_strerror(prc));
    }
    uint8_t *copy = malloc(wire_len);
    if (!copy) {
        r->rc = LUXC_ENOMEM;
        return LUXC_ENOMEM;
    }
    memcpy(copy, wire, wire_len);
    if ((rc = adopt_own_vote(n, copy, wire_len)) != LUXC_OK) {
        r->rc = rc;
        return rc;
    }
    /* the rule's state: the highest round we signed in and its step; a
     * precommit for a block is a lock (the highest one counts) */
    luxc_round_state *st = &r->st;
    uint8_t step = v->phase == LUXC_PRECOMMIT ? LUXC_STEP_PRECOMMIT : LUXC_STEP_PREVOTE;
    if (!r->any || v->round > st->round || (v->round == st->round && step > st->step)) {
        st->round = v->round;
        st->step = step;
    }
    r->any = 1;
    if (v->phase == LUXC_PRECOMMIT && v->accept &&
        (st->locked_round == LUXC_NO_ROUND || v->round > st->locked_round)) {
        st->locked_round = st->valid_round = v->round;
        memcpy(st->locked_id, v->block, 32);
        memcpy(st->valid_id, v->block, 32);
    }
    return 0;
}

int node_votes_restore(luxc_node *n)
{
    if (!n->cfg.store)
        return LUXC_OK;
    restore_ctx r = {.n = n};
    r.st.locked_round = r.st.valid_round = LUXC_NO_ROUND;
    int rc = luxc_store_votes_foreach(n->cfg.store, n->tip.height + 1, restore_one, &r);
    if (r.rc != LUXC_OK)
        return r.rc;
    if (rc < 0)
        return rc;
    if (!r.any)
        return LUXC_OK;
    /* a round we voted in may have been ours to propose: not again */
    r.st.proposed = 1;
    n->ballot.vote_sent_us = 0; /* resend at the first tick */
    luxc_heightvotes_set_round(n->ballot.votes, r.st.round);
    node_logf(n, LUXC_LOG_INFO, "votes restored",
              "height=%llu round=%u step=%u locked_round=%d votes=%u",
              (unsigned long long)n->tip.height + 1, r.st.round, r.st.step,
              r.st.locked_round == LUXC_NO_ROUND ? -1 : (int)r.st.locked_round, n->ballot.nown);
    n->ballot.restored = 1;
    n->ballot.restored_state = r.st;
    return LUXC_OK;
}

int node_votes_begin(luxc_node *n, uint64_t now_us)
{
    node_ballot *b = &n->ballot;
    if (b->started)
        return LUXC_OK;
    b->started = 1;
    if (!b->restored) {
        /* round 0 starts when its block is due, not when the last one
         * became final: with a long block time the timer would otherwise
         * fire first */
        uint64_t due = n->tip.last_hdr.timestamp_us + n->cfg.block_time_us;
        luxc_rounds_start(b->rule, due > now_us ? due : now_us);
        return LUXC_OK;
    }
    b->restored = 0;
    return luxc_rounds_restore(b->rule, &b->restored_state, now_us);
}

void node_votes_clear(luxc_node *n)
{
    node_ballot *b = &n->ballot;
    luxc_heightvotes_clear(b->votes);
    for (uint32_t i = 0; i < b->nown; i++)
        free(b->own[i].wire);
    b->nown = 0;
    b->pending = 0;
    b->decided = 0;
    b->started = 0;
    b->restored = 0;
    b->relayed = 0;
    b->wake_us = UINT64_MAX;
}
