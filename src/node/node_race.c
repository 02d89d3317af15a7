/* node_race.c - one height's blocks and race (node_int.h): the round
 * leaders' proposals (PROPOSAL, with the polka proof of a re-proposal),
 * relayed polkas (POLKA),
 * ours when the round rule asks for one, the model's score as initial
 * preference, and snowman polls over sampled peers in round 0, whose
 * decision is this validator's round-0 prevote (docs/CONSENSUS.md s3).
 * Owns: node_race - the per-height snowman engine, the poll in flight,
 * the proposals by round, our proposal.
 * Not here: the round rule and the votes (node_votes.c, consensus/
 * rounds.c); the proposal table itself (node_base.c). */
#include "node_int.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t zero_id[32];

static void on_accepted(void *ctx, const luxc_block *b)
{
    luxc_node *n = ctx;
    if (b->height == n->tip.height + 1 && !n->race.decided) {
        n->race.decided = 1;
        memcpy(n->race.decided_id, b->id, 32);
    }
}


const node_proposal *node_race_decided(luxc_node *n)
{
    return n->race.decided ? node_proposal_find(n, n->race.decided_id) : NULL;
}

void node_race_clear(luxc_node *n)
{
    node_race *r = &n->race;
    luxc_snowman_free(r->engine);
    r->engine = NULL;
    node_proposals_clear(n);
    r->decided = 0;
    r->poll.active = 0;
    r->proposed_round = r->propose_round = UINT32_MAX;
    free(r->proposal_wire);
    r->proposal_wire = NULL;
    free(r->propose_proof);
    r->propose_proof = NULL;
    memset(r->props, 0, sizeof r->props);
}

const node_round_prop *node_race_proposal(const luxc_node *n, uint32_t round)
{
    const node_round_prop *p = &n->race.props[round % NODE_ROUND_PROPS];
    return p->have && p->round == round ? p : NULL;
}

static int engine_new(luxc_node *n)
{
    luxc_snowman_cfg sc;
    memset(&sc, 0, sizeof sc);
    sc.params = n->cfg.params;
    memcpy(sc.genesis.id, n->tip.last_id, 32);
    memcpy(sc.genesis.parent, n->tip.last_hdr.parent, 32);
    sc.genesis.height = n->tip.height;
    memcpy(sc.genesis.digest, n->tip.last_hdr.payload_digest, 32);
    sc.cb.accepted = on_accepted;
    sc.cb.ctx = n;
    sc.max_blocks = 4 * NODE_MAX_PROPOSALS;
    sc.max_pending = 1;
    return luxc_snowman_new(&n->race.engine, &sc);
}

/* The race for height + 1 on top of the last finalized block. */
int node_race_start(luxc_node *n, uint64_t now_us)
{
    (void)now_us;
    node_race_clear(n);
    return engine_new(n);
}

/* Our preference at height + 1: the decided block, else the engine's tip
 * if it is a block of this height, else none (zero). */
static void preference(const luxc_node *n, uint8_t id[32])
{
    if (n->race.decided) {
        memcpy(id, n->race.decided_id, 32);
        return;
    }
    luxc_snowman_preference(n->race.engine, id);
    if (!memcmp(id, n->tip.last_id, 32))
        memset(id, 0, 32);
}

static int add_to_engine(luxc_node *n, node_proposal *p)
{
    if (p->in_engine)
        return LUXC_OK;
    luxc_block b;
    memcpy(b.id, p->id, 32);
    memcpy(b.parent, p->hdr.parent, 32);
    b.height = p->hdr.height;
    memcpy(b.digest, p->hdr.payload_digest, 32);
    int rc = luxc_snowman_add(n->race.engine, &b);
    if (rc == LUXC_OK)
        p->in_engine = 1;
    return rc;
}

void node_race_adopt_table(luxc_node *n)
{
    for (uint32_t i = 0; i < n->table.count && !n->race.decided; i++)
        (void)add_to_engine(n, &n->table.items[i]);
}

/* A block from `from`, decoded: 1 when it is for our next height, 0 when
 * stale or early (harmless; a later one tells us `from` is ahead), or an
 * error. */
static int block_for_next(luxc_node *n, uint32_t from, const uint8_t *block, size_t len,
                          luxc_chain_block *hdr, uint8_t id[32])
{
    int rc = luxc_chain_block_decode(hdr, id, block, len);
    if (rc != LUXC_OK)
        return rc;
    if (hdr->height == n->tip.height + 1)
        return 1;
    if (hdr->height > n->tip.height + 1)
        node_note_height(n, from, hdr->height - 1);
    return 0;
}

int node_race_on_propose(luxc_node *n, uint32_t from, const uint8_t *block, size_t len,
                         uint64_t now_us, int requested)
{
    luxc_chain_block hdr;
    uint8_t id[32];
    int rc = block_for_next(n, from, block, len, &hdr, id);
    if (rc <= 0)
        return rc;
    if (node_proposal_find(n, id))
        return LUXC_OK;
    char why[32];
    if (luxc_chain_block_check_child(&hdr, &n->tip.last_hdr, n->tip.last_id, why, sizeof why) !=
        LUXC_OK) {
        node_logf(n, LUXC_LOG_WARN, "proposal refused", "from=%u height=%llu field=%s", from,
                  (unsigned long long)hdr.height, why);
        return LUXC_EINVAL;
    }
    /* Only the round's leader proposes; a block we asked for (named by
     * chits or certified by votes) may come from anyone. */
    int wanted = requested || (n->table.want && !memcmp(n->table.want_id, id, 32)) ||
                 node_was_asked(n, id);
    if (hdr.proposer >= n->cfg.n || hdr.proposer != node_leader(n, hdr.height, hdr.round) ||
        (!wanted && from != hdr.proposer && from != n->cfg.self))
        return LUXC_EAUTH;
    node_proposal *p;
    rc = node_proposal_add(n, id, block, len, &p);
    if (rc != LUXC_OK)
        return rc;
    const luxc_node_model *m = &n->cfg.model;
    p->score = m->score ? m->score(m->ctx, block, len, now_us) : 0.5;
    /* The model's score sets our initial preference in round 0's race: a
     * block it rejects is polled for only when peers name it. It never
     * keeps the block out of the table, so the round rule can still
     * prevote it (an AI that fails cannot stop liveness). An engine that
     * has already decided takes nothing more; that is no error here. */
    if (!n->race.decided && (p->score >= 0 || wanted))
        (void)add_to_engine(n, p);
    return LUXC_OK;
}

int node_race_on_query(luxc_node *n, uint32_t from, const luxc_wire_msg *m)
{
    uint8_t pref[32];
    if (m->height == n->tip.height + 1) {
        preference(n, pref);
        if (n->cfg.behaviour == LUXC_RANDOM)
            luxc_randombytes(pref, 32);
        if (memcmp(m->id, zero_id, 32) && !node_proposal_find(n, m->id) &&
            !node_was_asked(n, m->id))
            node_ask_block(n, from, m->id); /* the asker prefers a block we lack */
    } else if (m->height <= n->tip.height && m->height > 0 && n->cfg.store) {
        size_t blen; /* a size query: fills the id, copies no block bytes */
        int rc = luxc_store_block_get(n->cfg.store, m->height, pref, NULL, NULL, 0, &blen);
        if (rc != LUXC_OK && rc != LUXC_ETOOBIG)
            memset(pref, 0, 32);
    } else {
        if (m->height > n->tip.height + 1)
            node_note_height(n, from, m->height - 1);
        memset(pref, 0, 32);
    }
    uint8_t msg[45];
    size_t len;
    int rc = luxc_wire_query(msg, sizeof msg, &len, LUXC_WIRE_CHITS, m->req, m->height, pref);
    if (rc == LUXC_OK)
        node_send(n, from, msg, len);
    return rc;
}

/* Early termination, as avalanchego's polls: once one block holds
 * alpha_conf votes, or no block can reach alpha_pref with the answers still
 * missing, waiting longer cannot change the poll's outcome (a silent
 * validator in the sample then costs nothing). */
static int poll_settled(const luxc_node *n)
{
    const node_poll *q = &n->race.poll;
    uint32_t best = 0, missing = 0;
    for (uint32_t i = 0; i < q->k; i++)
        missing += !q->answered[i];
    for (uint32_t i = 0; i < q->nvotes; i++) {
        uint32_t c = 0;
        for (uint32_t j = 0; j < q->nvotes; j++)
            c += !memcmp(q->votes[i], q->votes[j], 32);
        best = c > best ? c : best;
    }
    return best >= n->cfg.params.alpha_conf || best + missing < n->cfg.params.alpha_pref;
}

int node_race_on_chits(luxc_node *n, uint32_t from, const luxc_wire_msg *m, uint64_t now_us)
{
    node_poll *q = &n->race.poll;
    if (!q->active || m->req != q->req || m->height != n->tip.height + 1)
        return LUXC_OK; /* a late answer to an old poll */
    int rc = node_poll_answer(q->sampled, q->answered, q->k, from);
    if (rc != LUXC_OK)
        return rc;
    node_note_rtt(n, q->start_us, now_us);
    if (memcmp(m->id, zero_id, 32))
        memcpy(q->votes[q->nvotes++], m->id, 32);
    q->settled = poll_settled(n);
    if (!memcmp(m->id, zero_id, 32))
        return LUXC_OK;
    node_proposal *p = node_proposal_find(n, m->id);
    if (p && !p->in_engine)
        add_to_engine(n, p);
    else if (!p && !n->table.want)
        node_want(n, m->id, from);
    return LUXC_OK;
}

int node_race_on_get_block(luxc_node *n, uint32_t from, const luxc_wire_msg *m)
{
    node_proposal *p = node_proposal_find(n, m->id);
    if (!p)
        return LUXC_OK;
    size_t len;
    int rc = luxc_wire_propose(n->buf, NODE_MSG_MAX, &len, p->bytes, p->len);
    if (rc == LUXC_OK)
        node_send(n, from, n->buf, len);
    return rc;
}

/* Our PROPOSAL of `round` (block bytes, valid round, proof) goes out and
 * is kept for resending; our own copy is taken like anyone's. */
static int send_proposal(luxc_node *n, uint32_t round, uint32_t vr, const uint8_t *block,
                         size_t len, const uint8_t *proof, size_t proof_len, int variant)
{
    size_t wlen = 13 + len + proof_len;
    uint8_t *w = malloc(wlen);
    if (!w)
        return LUXC_ENOMEM;
    int rc = luxc_wire_proposal(w, wlen, &wlen, round, vr, block, len, proof, proof_len);
    if (rc != LUXC_OK) {
        free(w);
        return rc;
    }
    n->st.proposals_made++;
    if (n->cfg.behaviour == LUXC_EQUIVOCATE) {
        /* each half of the validators sees a different block */
        for (uint32_t i = 0; i < n->cfg.n; i++)
            if ((i % 2) == (uint32_t)variant)
                node_send(n, i, w, wlen);
    } else {
        node_broadcast(n, w, wlen);
    }
    luxc_wire_msg m;
    rc = luxc_wire_decode(&m, w, wlen);
    if (rc == LUXC_OK)
        rc = node_race_on_proposal(n, n->cfg.self, &m, 0);
    if (variant == 0) {
        free(n->race.proposal_wire);
        n->race.proposal_wire = w;
        n->race.proposal_len = wlen;
    } else {
        free(w);
    }
    return rc;
}

static int propose(luxc_node *n, uint32_t round, uint64_t now_us, int variant)
{
    uint8_t *payload = malloc(LUXC_CHAIN_PAYLOAD_MAX);
    if (!payload)
        return LUXC_ENOMEM;
    const luxc_chain_block *last = &n->tip.last_hdr;
    luxc_chain_block b;
    memset(&b, 0, sizeof b);
    memcpy(b.chain_id, n->cfg.chain_id, 32);
    b.height = n->tip.height + 1;
    memcpy(b.parent, n->tip.last_id, 32);
    b.timestamp_us = now_us > last->timestamp_us ? now_us : last->timestamp_us;
    b.timestamp_us += (uint64_t)variant; /* an equivocating twin differs */
    b.proposer = n->cfg.self;
    b.round = round;
    b.payload = payload;
    b.payload_len = (uint32_t)node_mempool_peek(&n->pool, n->cfg.max_block_txs, payload,
                                                LUXC_CHAIN_PAYLOAD_MAX, &b.tx_count);
    size_t len;
    uint8_t id[32];
    int rc = luxc_chain_block_prepare(&b, last->state_root);
    if (rc == LUXC_OK)
        rc = luxc_chain_block_encode(&b, n->buf + 1, NODE_MSG_MAX - 1, &len, id);
    free(payload);
    if (rc != LUXC_OK)
        return rc;
    node_logf(n, LUXC_LOG_DEBUG, "proposing", "height=%llu round=%u txs=%u",
              (unsigned long long)b.height, b.round, b.tx_count);
    /* buf is reused by what follows: the block goes out from a copy */
    uint8_t *copy = malloc(len);
    if (!copy)
        return LUXC_ENOMEM;
    memcpy(copy, n->buf + 1, len);
    rc = send_proposal(n, round, LUXC_NO_ROUND, copy, len, NULL, 0, variant);
    free(copy);
    return rc;
}

/* The valid value again, with the polka that makes it valid. A block we
 * no longer hold, or a proof we cannot build, falls back to a new block. */
static int repropose(luxc_node *n, uint32_t round, uint32_t vr, const uint8_t id[32],
                     uint64_t now_us)
{
    node_proposal *p = node_proposal_find(n, id);
    const uint8_t *proof = n->race.propose_proof;
    size_t proof_len = n->race.propose_proof_len;
    if (!p || !proof)
        return propose(n, round, now_us, 0);
    node_logf(n, LUXC_LOG_DEBUG, "proposing again", "height=%llu round=%u valid_round=%u",
              (unsigned long long)n->tip.height + 1, round, vr);
    uint8_t *copy = malloc(p->len);
    int rc = copy ? LUXC_OK : LUXC_ENOMEM;
    if (copy) {
        memcpy(copy, p->bytes, p->len);
        rc = send_proposal(n, round, vr, copy, p->len, proof, proof_len, 0);
    }
    free(copy);
    return rc;
}


int node_race_on_proposal(luxc_node *n, uint32_t from, const luxc_wire_msg *m, uint64_t now_us)
{
    luxc_chain_block hdr;
    uint8_t id[32];
    int rc = block_for_next(n, from, m->block, m->block_len, &hdr, id);
    if (rc <= 0)
        return rc;
    if (from != node_leader(n, hdr.height, m->round) && from != n->cfg.self)
        return LUXC_EAUTH; /* only the round's leader proposes in it */
    /* a fresh block is the leader's own of this round; a re-proposal names
     * an earlier round's block with the polka it had */
    int fresh = m->valid_round == LUXC_WIRE_NO_ROUND;
    if ((fresh && (hdr.round != m->round || hdr.proposer != from)) ||
        (!fresh && hdr.round > m->valid_round))
        return LUXC_EINVAL;
    if (!fresh) {
        rc = node_cert_check(n, LUXC_PREVOTE, m->cert, m->cert_len, id, m->valid_round, NULL);
        if (rc != LUXC_OK)
            return rc;
        rc = luxc_heightvotes_add_proven(n->ballot.votes, LUXC_PREVOTE, m->valid_round, id);
        if (rc != LUXC_OK && rc != LUXC_EFULL)
            return rc;
    }
    if (!node_proposal_find(n, id)) {
        rc = node_race_on_propose(n, from, m->block, m->block_len, now_us, !fresh);
        if (rc != LUXC_OK)
            return rc;
    }
    node_round_prop *p = &n->race.props[m->round % NODE_ROUND_PROPS];
    if (!p->have || p->round <= m->round) {
        /* a second proposal of one round from its leader: the first stands */
        if (p->have && p->round == m->round)
            return LUXC_OK;
        *p = (node_round_prop){1, m->round, m->valid_round, {0}};
        memcpy(p->id, id, 32);
    }
    return LUXC_OK;
}

int node_race_on_polka(luxc_node *n, uint32_t from, const luxc_wire_msg *m, uint64_t now_us)
{
    luxc_chain_block hdr;
    uint8_t id[32], have[32];
    int rc = block_for_next(n, from, m->block, m->block_len, &hdr, id);
    if (rc <= 0)
        return rc;
    if (luxc_heightvotes_majority(n->ballot.votes, LUXC_PREVOTE, m->round, have, NULL) &&
        !memcmp(have, id, 32))
        return LUXC_OK; /* known: no signatures to check again */
    rc = node_cert_check(n, LUXC_PREVOTE, m->cert, m->cert_len, id, m->round, NULL);
    if (rc != LUXC_OK)
        return rc;
    rc = luxc_heightvotes_add_proven(n->ballot.votes, LUXC_PREVOTE, m->round, id);
    if (rc != LUXC_OK && rc != LUXC_EFULL)
        return rc;
    if (!node_proposal_find(n, id))
        rc = node_race_on_propose(n, from, m->block, m->block_len, now_us, 1);
    return rc;
}

/* Re-send our proposal (peers that connected late never saw it). */
static void resend_proposal(luxc_node *n)
{
    if (n->race.proposal_wire)
        node_broadcast(n, n->race.proposal_wire, n->race.proposal_len);
}

static void close_poll(luxc_node *n)
{
    node_poll *q = &n->race.poll;
    q->active = 0;
    n->st.polls_run++;
    node_logf(n, LUXC_LOG_DEBUG, "poll closed", "height=%llu req=%u votes=%u",
              (unsigned long long)n->tip.height + 1, q->req, q->nvotes);
    if (luxc_snowman_record_poll(n->race.engine, (const uint8_t(*)[32])q->votes, q->nvotes) !=
        LUXC_OK)
        node_logf(n, LUXC_LOG_WARN, "poll not recorded", NULL);
}

static void start_poll(luxc_node *n, uint64_t now_us)
{
    node_poll *q = &n->race.poll;
    uint32_t k = node_poll_k(n);
    if (luxc_photon_sample(n->photon, &n->rng, q->sampled, k) != LUXC_OK)
        return;
    q->active = 1;
    q->req = ++n->table.next_req;
    q->start_us = now_us;
    q->k = k;
    q->nvotes = 0;
    q->settled = 0;
    memset(q->answered, 0, k);
    uint8_t pref[32], msg[45];
    size_t len;
    preference(n, pref);
    if (luxc_wire_query(msg, sizeof msg, &len, LUXC_WIRE_QUERY, q->req, n->tip.height + 1,
                        pref) != LUXC_OK)
        return;
    for (uint32_t i = 0; i < k; i++) {
        if (q->sampled[i] == n->cfg.self) {
            q->answered[i] = 1; /* our own answer, at once */
            if (memcmp(pref, zero_id, 32))
                memcpy(q->votes[q->nvotes++], pref, 32);
        } else {
            node_send(n, q->sampled[i], msg, len);
        }
    }
    q->settled = poll_settled(n);
}

/* Propose when the rule asked and the block time has passed; re-send our
 * proposal a few times a round. */
static void proposer_tick(luxc_node *n, uint64_t now_us, uint64_t *next_us)
{
    node_race *r = &n->race;
    if (r->propose_round != UINT32_MAX && r->proposed_round != r->propose_round) {
        /* block time = least spacing of block timestamps, so a block that
         * took longer than that to finalize is followed at once */
        uint64_t due = n->tip.last_hdr.timestamp_us + n->cfg.block_time_us;
        if (now_us >= due) {
            uint32_t round = r->propose_round;
            r->proposed_round = round;
            r->proposal_sent_us = now_us;
            if (r->propose_vr != LUXC_NO_ROUND) {
                (void)repropose(n, round, r->propose_vr, r->propose_id, now_us);
            } else if (propose(n, round, now_us, 0) == LUXC_OK &&
                       n->cfg.behaviour == LUXC_EQUIVOCATE) {
                (void)propose(n, round, now_us, 1);
            }
        } else {
            node_earliest(next_us, due);
        }
    } else if (r->proposal_wire &&
               now_us >= r->proposal_sent_us + n->cfg.round_timeout_us / 4 + 1) {
        r->proposal_sent_us = now_us;
        resend_proposal(n);
    }
}

void node_race_want_proposal(luxc_node *n, uint32_t round, uint32_t valid_round,
                             const uint8_t id[32], uint8_t *proof, size_t proof_len,
                             uint64_t now_us)
{
    n->race.propose_round = round;
    n->race.propose_vr = valid_round;
    memcpy(n->race.propose_id, id, 32);
    free(n->race.propose_proof);
    n->race.propose_proof = proof;
    n->race.propose_proof_len = proof_len;
    uint64_t next = UINT64_MAX;
    proposer_tick(n, now_us, &next); /* at once when the block is due */
}

void node_race_tick(luxc_node *n, uint32_t round, uint64_t now_us, uint64_t *next_us)
{
    node_race *r = &n->race;
    proposer_tick(n, now_us, next_us);
    /* snowman polls until decided, in round 0 only: later rounds follow
     * the leader under the lock rule */
    if (r->decided || round > 0)
        return;
    node_poll *q = &r->poll;
    if (q->active && (q->settled || node_poll_complete(q->answered, q->k) ||
                      now_us >= q->start_us + node_poll_wait(n)))
        close_poll(n);
    if (r->decided)
        return;
    if (!q->active && luxc_snowman_num_processing(r->engine) > 0)
        start_poll(n, now_us);
    if (q->active)
        node_earliest(next_us, q->start_us + node_poll_wait(n));
}
