/* node_height.c - one height's race (luxc/node.h): the leader's proposal,
 * the model's score as initial preference, and snowman polls over sampled
 * peers until the engine decides.
 * Owns: proposals, the per-height snowman engine, the poll in flight. */
#include "node_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/be.h"

static const uint8_t zero_id[32];

node_proposal *node_find_proposal(luxc_node *n, const uint8_t id[32])
{
    for (uint32_t i = 0; i < n->nproposals; i++)
        if (!memcmp(n->proposals[i].id, id, 32))
            return &n->proposals[i];
    return NULL;
}

static void on_accepted(void *ctx, const luxc_block *b)
{
    luxc_node *n = ctx;
    if (b->height == n->height + 1 && !n->decided) {
        n->decided = 1;
        memcpy(n->decided_id, b->id, 32);
    }
}

void node_height_clear(luxc_node *n)
{
    luxc_snowman_free(n->engine);
    n->engine = NULL;
    for (uint32_t i = 0; i < n->nproposals; i++)
        free(n->proposals[i].bytes);
    n->nproposals = 0;
    luxc_voteset_clear(n->votes);
    free(n->my_vote_wire);
    n->my_vote_wire = NULL;
    n->voted = 0;
    n->decided = 0;
    n->want = 0;
    n->poll.active = 0;
    n->proposed_round = UINT32_MAX;
    n->own_block_txs = 0;
}

/* Start the race for height + 1 on top of the last finalized block, then
 * replay what arrived early for it. */
static int engine_new(luxc_node *n)
{
    luxc_snowman_cfg sc;
    memset(&sc, 0, sizeof sc);
    sc.params = n->params;
    memcpy(sc.genesis.id, n->last_id, 32);
    memcpy(sc.genesis.parent, n->last_hdr.parent, 32);
    sc.genesis.height = n->height;
    memcpy(sc.genesis.digest, n->last_hdr.payload_digest, 32);
    sc.cb.accepted = on_accepted;
    sc.cb.ctx = n;
    sc.max_blocks = 4 * NODE_MAX_PROPOSALS;
    sc.max_pending = 1;
    return luxc_snowman_new(&n->engine, &sc);
}

int node_height_start(luxc_node *n, uint64_t now_us)
{
    node_height_clear(n);
    n->round = 0;
    /* round 0 starts when its block is due, not when the last one became
     * final: with a long block time the timer would otherwise fire first */
    uint64_t due = n->last_hdr.timestamp_us + n->block_time_us;
    n->round_start_us = due > now_us ? due : now_us;
    int rc = engine_new(n);
    if (rc != LUXC_OK)
        return rc;
    uint32_t count = n->nfuture;
    node_future future[NODE_FUTURE_MAX];
    memcpy(future, n->future, count * sizeof *future);
    n->nfuture = 0;
    for (uint32_t i = 0; i < count; i++) {
        luxc_node_receive(n, future[i].from, future[i].msg, future[i].len, now_us);
        free(future[i].msg);
    }
    return LUXC_OK;
}

/* Our preference at height + 1: the decided block, else the engine's tip
 * if it is a block of this height, else none (zero). */
void node_preference(const luxc_node *n, uint8_t id[32])
{
    if (n->decided) {
        memcpy(id, n->decided_id, 32);
        return;
    }
    luxc_snowman_preference(n->engine, id);
    if (!memcmp(id, n->last_id, 32))
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
    int rc = luxc_snowman_add(n->engine, &b);
    if (rc == LUXC_OK)
        p->in_engine = 1;
    return rc;
}

/* Ask peer for a block we lack; remember that we did, so its answer (a
 * PROPOSE from someone who is not the proposer) is accepted. */
void node_ask_block(luxc_node *n, uint32_t peer, const uint8_t id[32])
{
    uint8_t msg[33];
    size_t len;
    memcpy(n->asked[n->asked_pos], id, 32);
    n->asked_pos = (n->asked_pos + 1) % 8;
    if (luxc_wire_get_block(msg, sizeof msg, &len, id) != LUXC_OK)
        return;
    if (peer == n->self)
        node_broadcast(n, msg, len);
    else
        node_send(n, peer, msg, len);
}

static int was_asked(const luxc_node *n, const uint8_t id[32])
{
    for (int i = 0; i < 8; i++)
        if (!memcmp(n->asked[i], id, 32))
            return 1;
    return 0;
}

int node_on_propose(luxc_node *n, uint32_t from, const uint8_t *block, size_t len,
                    uint64_t now_us, int requested)
{
    luxc_chain_block hdr;
    uint8_t id[32];
    int rc = luxc_chain_block_decode(&hdr, id, block, len);
    if (rc != LUXC_OK)
        return rc;
    if (hdr.height != n->height + 1) {
        if (hdr.height > n->height + 1)
            node_note_height(n, from, hdr.height - 1);
        return LUXC_OK; /* stale or early: harmless */
    }
    if (node_find_proposal(n, id))
        return LUXC_OK;
    const char *why = NULL;
    if (luxc_chain_block_check_child(&hdr, &n->last_hdr, n->last_id, &why) != LUXC_OK) {
        node_logf(n, LUXC_LOG_WARN, "proposal refused", "from=%u height=%llu field=%s", from,
                  (unsigned long long)hdr.height, why);
        return LUXC_EINVAL;
    }
    /* Only the round's leader proposes; a block we asked for (named by
     * chits or certified by votes) may come from anyone. */
    int wanted = requested || (n->want && !memcmp(n->want_id, id, 32)) || was_asked(n, id);
    if (hdr.proposer >= n->n || hdr.proposer != node_leader(n, hdr.height, hdr.round) ||
        (!wanted && from != hdr.proposer && from != n->self) || hdr.round > n->round + n->n)
        return LUXC_EAUTH;
    if (n->nproposals == NODE_MAX_PROPOSALS)
        return LUXC_EFULL;
    node_proposal *p = &n->proposals[n->nproposals];
    memset(p, 0, sizeof *p);
    p->bytes = malloc(len);
    if (!p->bytes)
        return LUXC_ENOMEM;
    memcpy(p->bytes, block, len);
    p->len = len;
    memcpy(p->id, id, 32);
    rc = luxc_chain_block_decode(&p->hdr, NULL, p->bytes, len);
    if (rc != LUXC_OK) {
        free(p->bytes);
        return rc;
    }
    n->nproposals++;
    p->score = n->model.score ? n->model.score(n->model.ctx, block, len, now_us) : 0.5;
    /* The model's score sets our initial preference: a block it rejects
     * is polled for only when peers name it (then the network decides). */
    if (p->score >= 0 || wanted)
        rc = add_to_engine(n, p);
    if (n->want && !memcmp(n->want_id, id, 32))
        n->want = 0;
    if (rc == LUXC_OK)
        node_try_finalize(n, now_us);
    return rc;
}

int node_on_query(luxc_node *n, uint32_t from, const luxc_wire_msg *m)
{
    uint8_t pref[32];
    if (m->height == n->height + 1) {
        node_preference(n, pref);
        if (n->behaviour == LUXC_RANDOM)
            luxc_randombytes(pref, 32);
        if (memcmp(m->id, zero_id, 32) && !node_find_proposal(n, m->id) &&
            !was_asked(n, m->id))
            node_ask_block(n, from, m->id); /* the asker prefers a block we lack */
    } else if (m->height <= n->height && m->height > 0 && n->store) {
        size_t blen; /* a size query: fills the id, copies no block bytes */
        int rc = luxc_store_block_get(n->store, m->height, pref, NULL, NULL, 0, &blen);
        if (rc != LUXC_OK && rc != LUXC_ETOOBIG)
            memset(pref, 0, 32);
    } else {
        if (m->height > n->height + 1)
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

uint64_t node_poll_wait(const luxc_node *n)
{
    uint64_t w = 3 * n->rtt_us;
    if (w > n->round_timeout_us / 2)
        w = n->round_timeout_us / 2;
    return w > n->poll_timeout_us ? w : n->poll_timeout_us;
}

void node_note_rtt(luxc_node *n, uint64_t start_us, uint64_t now_us)
{
    uint64_t rtt = now_us > start_us ? now_us - start_us : 0;
    n->rtt_us = n->rtt_us ? n->rtt_us - n->rtt_us / 8 + rtt / 8 : rtt;
}

/* Early termination, as avalanchego's polls: once one block holds
 * alpha_conf votes, or no block can reach alpha_pref with the answers still
 * missing, waiting longer cannot change the poll's outcome (a silent
 * validator in the sample then costs nothing). */
static int poll_settled(const luxc_node *n)
{
    uint32_t best = 0, missing = 0;
    for (uint32_t i = 0; i < n->poll.k; i++)
        missing += !n->poll.answered[i];
    for (uint32_t i = 0; i < n->poll.nvotes; i++) {
        uint32_t c = 0;
        for (uint32_t j = 0; j < n->poll.nvotes; j++)
            c += !memcmp(n->poll.votes[i], n->poll.votes[j], 32);
        best = c > best ? c : best;
    }
    return best >= n->params.alpha_conf || best + missing < n->params.alpha_pref;
}

int node_on_chits(luxc_node *n, uint32_t from, const luxc_wire_msg *m, uint64_t now_us)
{
    if (!n->poll.active || m->req != n->poll.req || m->height != n->height + 1)
        return LUXC_OK; /* a late answer to an old poll */
    int rc = node_poll_answer(n->poll.sampled, n->poll.answered, n->poll.k, from);
    if (rc != LUXC_OK)
        return rc;
    node_note_rtt(n, n->poll.start_us, now_us);
    if (memcmp(m->id, zero_id, 32))
        memcpy(n->poll.votes[n->poll.nvotes++], m->id, 32);
    n->poll.settled = poll_settled(n);
    if (!memcmp(m->id, zero_id, 32))
        return LUXC_OK;
    node_proposal *p = node_find_proposal(n, m->id);
    if (p && !p->in_engine)
        add_to_engine(n, p);
    else if (!p && !n->want) {
        memcpy(n->want_id, m->id, 32);
        n->want = 1;
        n->want_sent_us = 0;
        n->sync_peer = from;
    }
    return LUXC_OK;
}

int node_on_get_block(luxc_node *n, uint32_t from, const luxc_wire_msg *m)
{
    node_proposal *p = node_find_proposal(n, m->id);
    if (!p)
        return LUXC_OK;
    size_t len;
    int rc = luxc_wire_propose(n->buf, NODE_MSG_MAX, &len, p->bytes, p->len);
    if (rc == LUXC_OK)
        node_send(n, from, n->buf, len);
    return rc;
}

/* Take up to max_block_txs from the mempool front without removing them:
 * they leave only when our block is final. */
static size_t gather_txs(luxc_node *n, uint8_t *out, size_t cap, uint32_t *count)
{
    size_t off = 0;
    uint32_t c = 0;
    for (uint32_t i = 0; i < n->tx_count && c < n->max_block_txs; i++) {
        const node_tx *t = &n->txs[(n->tx_head + i) % n->mempool_max];
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

static int propose(luxc_node *n, uint64_t now_us, int variant)
{
    uint8_t *payload = malloc(LUXC_CHAIN_PAYLOAD_MAX);
    if (!payload)
        return LUXC_ENOMEM;
    luxc_chain_block b;
    memset(&b, 0, sizeof b);
    memcpy(b.chain_id, n->chain_id, 32);
    b.height = n->height + 1;
    memcpy(b.parent, n->last_id, 32);
    b.timestamp_us = now_us > n->last_hdr.timestamp_us ? now_us : n->last_hdr.timestamp_us;
    b.timestamp_us += (uint64_t)variant; /* an equivocating twin differs */
    b.proposer = n->self;
    b.round = n->round;
    b.payload = payload;
    b.payload_len = (uint32_t)gather_txs(n, payload, LUXC_CHAIN_PAYLOAD_MAX, &b.tx_count);
    size_t len;
    uint8_t id[32];
    int rc = luxc_chain_block_prepare(&b, n->last_hdr.state_root);
    if (rc == LUXC_OK)
        rc = luxc_chain_block_encode(&b, n->buf + 1, NODE_MSG_MAX - 1, &len, id);
    free(payload);
    if (rc != LUXC_OK)
        return rc;
    n->buf[0] = LUXC_WIRE_PROPOSE;
    node_logf(n, LUXC_LOG_DEBUG, "proposing", "height=%llu round=%u txs=%u",
              (unsigned long long)b.height, b.round, b.tx_count);
    if (variant == 0)
        n->own_block_txs = b.tx_count;
    n->st.proposals_made++;
    if (n->behaviour == LUXC_EQUIVOCATE) {
        /* each half of the validators sees a different block */
        for (uint32_t i = 0; i < n->n; i++)
            if ((i % 2) == (uint32_t)variant)
                node_send(n, i, n->buf, len + 1);
    } else {
        node_broadcast(n, n->buf, len + 1);
    }
    /* handle our own proposal like anyone's (copy: buf is reused) */
    uint8_t *copy = malloc(len);
    if (!copy)
        return LUXC_ENOMEM;
    memcpy(copy, n->buf + 1, len);
    rc = node_on_propose(n, n->self, copy, len, now_us, 0);
    free(copy);
    return rc;
}

/* Re-send our proposal (peers that connected late never saw it). */
static void resend_proposal(luxc_node *n)
{
    for (uint32_t i = 0; i < n->nproposals; i++) {
        node_proposal *p = &n->proposals[i];
        if (p->hdr.proposer != n->self || p->hdr.round != n->round)
            continue;
        size_t len;
        if (luxc_wire_propose(n->buf, NODE_MSG_MAX, &len, p->bytes, p->len) == LUXC_OK)
            node_broadcast(n, n->buf, len);
    }
}

static void close_poll(luxc_node *n)
{
    n->poll.active = 0;
    n->st.polls_run++;
    node_logf(n, LUXC_LOG_DEBUG, "poll closed", "height=%llu req=%u votes=%u",
              (unsigned long long)n->height + 1, n->poll.req, n->poll.nvotes);
    if (luxc_snowman_record_poll(n->engine, (const uint8_t(*)[32])n->poll.votes,
                                 n->poll.nvotes) != LUXC_OK)
        node_logf(n, LUXC_LOG_WARN, "poll not recorded", NULL);
}

static void start_poll(luxc_node *n, uint64_t now_us)
{
    uint32_t k = n->params.k < n->n ? n->params.k : n->n;
    if (luxc_photon_sample(n->photon, &n->rng, n->poll.sampled, k) != LUXC_OK)
        return;
    n->poll.active = 1;
    n->poll.req = ++n->next_req;
    n->poll.start_us = now_us;
    n->poll.k = k;
    n->poll.nvotes = 0;
    n->poll.settled = 0;
    memset(n->poll.answered, 0, k);
    uint8_t pref[32], msg[45];
    size_t len;
    node_preference(n, pref);
    if (luxc_wire_query(msg, sizeof msg, &len, LUXC_WIRE_QUERY, n->poll.req, n->height + 1, pref) !=
        LUXC_OK)
        return;
    for (uint32_t i = 0; i < k; i++) {
        if (n->poll.sampled[i] == n->self) {
            n->poll.answered[i] = 1; /* our own answer, at once */
            if (memcmp(pref, zero_id, 32))
                memcpy(n->poll.votes[n->poll.nvotes++], pref, 32);
        } else {
            node_send(n, n->poll.sampled[i], msg, len);
        }
    }
    n->poll.settled = poll_settled(n);
}

/* Stake of the votes we hold for block id. */
static uint64_t vote_stake(const luxc_node *n, const uint8_t id[32])
{
    return luxc_voteset_block_stake(n->votes, id);
}

/* Order for re-polling after a stalled round: blocks others already voted
 * for first (an honest voter is locked on its block), then a coin that
 * changes every round, so honest nodes that start split cannot stay split
 * by the same tie forever. */
static int reset_before(const luxc_node *n, const node_proposal *a, const node_proposal *b)
{
    uint64_t sa = vote_stake(n, a->id), sb = vote_stake(n, b->id);
    if (sa != sb)
        return sa > sb;
    uint8_t in[36], ha[32], hb[32];
    memcpy(in, &n->round, 4);
    memcpy(in + 4, a->id, 32);
    if (luxc_hash(ha, in, sizeof in) != LUXC_OK)
        return 0;
    memcpy(in + 4, b->id, 32);
    if (luxc_hash(hb, in, sizeof in) != LUXC_OK)
        return 0;
    return memcmp(ha, hb, 32) < 0;
}

/* A round passed without finality and we have not voted: snowman's state is
 * only our local opinion, so start it again with a preference every honest
 * node holding the same votes computes alike. (A leader that equivocates
 * can split first-seen preferences so that no poll ever succeeds.) */
static void engine_reset(luxc_node *n)
{
    luxc_snowman_free(n->engine);
    n->engine = NULL;
    n->poll.active = 0;
    if (engine_new(n) != LUXC_OK)
        return;
    uint8_t used[NODE_MAX_PROPOSALS] = {0};
    for (uint32_t k = 0; k < n->nproposals; k++) {
        int best = -1;
        for (uint32_t i = 0; i < n->nproposals; i++) {
            node_proposal *p = &n->proposals[i];
            if (used[i] || !(p->in_engine || vote_stake(n, p->id) > 0))
                continue;
            if (best < 0 || reset_before(n, p, &n->proposals[best]))
                best = (int)i;
        }
        if (best < 0)
            break;
        used[best] = 1;
        n->proposals[best].in_engine = 0;
        add_to_engine(n, &n->proposals[best]);
    }
    for (uint32_t i = 0; i < n->nproposals; i++)
        if (!used[i])
            n->proposals[i].in_engine = 0;
}

void node_height_tick(luxc_node *n, uint64_t now_us, uint64_t *next_us)
{
    /* round change: nothing final in time -> next leader */
    if (now_us >= n->round_start_us + n->round_timeout_us) {
        n->round++;
        n->round_start_us = now_us;
        /* only a split between proposals can keep polls from succeeding */
        if (!n->voted && !n->decided && n->nproposals > 1)
            engine_reset(n);
        node_logf(n, LUXC_LOG_DEBUG, "round timeout", "height=%llu round=%u",
                  (unsigned long long)n->height + 1, n->round);
    }
    node_earliest(next_us, n->round_start_us + n->round_timeout_us);
    /* propose when we lead this round and the block time has passed */
    if (node_leader(n, n->height + 1, n->round) == n->self && n->proposed_round != n->round) {
        /* block time = least spacing of block timestamps, so a block that
         * took longer than that to finalize is followed at once */
        uint64_t due = n->last_hdr.timestamp_us + n->block_time_us;
        if (now_us >= due) {
            n->proposed_round = n->round;
            n->proposal_sent_us = now_us;
            if (propose(n, now_us, 0) == LUXC_OK && n->behaviour == LUXC_EQUIVOCATE)
                (void)propose(n, now_us, 1);
        } else {
            node_earliest(next_us, due);
        }
    } else if (n->proposed_round == n->round &&
               now_us >= n->proposal_sent_us + n->round_timeout_us / 4 + 1) {
        n->proposal_sent_us = now_us;
        resend_proposal(n);
    }
    /* polls until decided */
    if (n->decided)
        return;
    if (n->poll.active && (n->poll.settled || node_poll_complete(n->poll.answered, n->poll.k) ||
                           now_us >= n->poll.start_us + node_poll_wait(n)))
        close_poll(n);
    if (n->decided) {
        node_proposal *p = node_find_proposal(n, n->decided_id);
        if (p)
            node_sign_vote(n, p, now_us);
        return;
    }
    if (!n->poll.active && luxc_snowman_num_processing(n->engine) > 0)
        start_poll(n, now_us);
    if (n->poll.active)
        node_earliest(next_us, n->poll.start_us + node_poll_wait(n));
}
