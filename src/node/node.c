/* node.c - the validator core's driver (luxc/node.h).
 * Owns: construction and recovery, message dispatch with drop counting,
 * the timer entry point, status, and the height loop: after every message
 * and tick, drive() applies the round rule (consensus/rounds.c) until it
 * has nothing more to do - a proposal is asked for, a vote is cast, a
 * round changes, a certified block is committed - then the next height
 * starts and the messages that arrived early for it are replayed (through
 * dispatch, not the public API, so they are counted once).
 * Not here: the rules of each step (node_race.c, node_votes.c,
 * node_sync.c, node_commit.c, node_upgrade.c; see node_int.h). */
#include "node_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int luxc_behaviour_parse(const char *s)
{
    static const char *const names[] = {"honest", "silent", "random", "equivocate"};
    for (int i = 0; s && i < 4; i++)
        if (!strcmp(s, names[i]))
            return i;
    return -1;
}

/* ---- the round rule's view of this node ------------------------------- */

static int view_leads(void *ctx, uint32_t round)
{
    luxc_node *n = ctx;
    return node_leader(n, n->tip.height + 1, round) == n->cfg.self;
}

static int view_proposal(void *ctx, uint32_t round, uint8_t id[32], uint32_t *valid_round)
{
    luxc_node *n = ctx;
    const node_round_prop *p = node_race_proposal(n, round);
    if (!p || !node_proposal_find(n, p->id))
        return 0;
    memcpy(id, p->id, 32);
    *valid_round = p->valid_round;
    return 1;
}

/* Held means checked: the table takes only blocks that passed the chain's
 * checks as the child of our tip. */
static int view_valid(void *ctx, const uint8_t id[32])
{
    return node_proposal_find(ctx, id) != NULL;
}

static int view_choice(void *ctx, uint8_t id[32])
{
    const node_proposal *p = node_race_decided(ctx);
    if (!p)
        return 0;
    memcpy(id, p->id, 32);
    return 1;
}

static void rule_view(luxc_node *n)
{
    luxc_round_view *v = &n->ballot.view;
    v->ctx = n;
    v->leads = view_leads;
    v->proposal = view_proposal;
    v->valid = view_valid;
    v->choice = view_choice;
    luxc_round_view_votes(v, n->ballot.votes);
}

static int build_members(luxc_node *n, uint32_t mempool_max)
{
    node_setup *c = &n->cfg;
    c->stakes = calloc(c->n, sizeof *c->stakes);
    c->members = calloc(c->n, sizeof *c->members);
    n->buf = malloc(NODE_MSG_MAX);
    n->race.poll.votes = calloc(LUXC_CONSENSUS_MAX_K, sizeof *n->race.poll.votes);
    n->sync.peer_heights = calloc(c->n, sizeof *n->sync.peer_heights);
    if (!c->stakes || !c->members || !n->buf || !n->race.poll.votes || !n->sync.peer_heights ||
        node_mempool_init(&n->pool, mempool_max) != LUXC_OK)
        return LUXC_ENOMEM;
    for (uint32_t i = 0; i < c->n; i++) {
        const luxc_genesis_validator *v = &c->genesis->validators[i];
        c->stakes[i] = v->stake;
        c->members[i].stake = v->stake;
        c->members[i].pk = v->mldsa65_pk;
        c->members[i].pklen = LUXC_MLDSA_PUBLICKEYBYTES;
    }
    c->total_stake = c->genesis->total_stake;
    int rc = luxc_heightvotes_new(&n->ballot.votes, c->n, c->stakes, NODE_HELD_ROUNDS);
    if (rc != LUXC_OK)
        return rc;
    /* timeouts: a round's first step waits a round timeout, the two vote
     * steps half of one, and every round waits half a timeout longer than
     * the one before (so after GST some round is long enough) */
    uint64_t half = c->round_timeout_us / 2 ? c->round_timeout_us / 2 : 1;
    luxc_rounds_cfg rc_cfg = {.propose_us = c->round_timeout_us, .prevote_us = half,
                              .precommit_us = half, .step_up_us = half};
    if ((rc = luxc_rounds_new(&n->ballot.rule, &rc_cfg)) != LUXC_OK)
        return rc;
    rule_view(n);
    return luxc_photon_new(&n->photon, c->n, LUXC_PHOTON_STAKE, c->stakes, 0);
}

static int check_cfg(const luxc_node_cfg *cfg)
{
    if (!cfg->genesis || !cfg->keys || cfg->self >= cfg->genesis->n_validators ||
        cfg->behaviour > LUXC_EQUIVOCATE)
        return LUXC_EINVAL;
    const luxc_genesis_validator *me = &cfg->genesis->validators[cfg->self];
    if (memcmp(me->ed25519_pk, cfg->keys->pk, LUXC_ED25519_PUBLICKEYBYTES) != 0 ||
        memcmp(me->mldsa65_pk, cfg->keys->pk + LUXC_ED25519_PUBLICKEYBYTES,
               LUXC_MLDSA_PUBLICKEYBYTES) != 0)
        return LUXC_ENOTMEMBER; /* our keys are not the genesis entry's */
    return luxc_params_validate(&cfg->params, NULL, 0) == LUXC_OK ? LUXC_OK : LUXC_EPARAM;
}

static void copy_setup(node_setup *c, const luxc_node_cfg *cfg)
{
    c->genesis = cfg->genesis;
    c->self = cfg->self;
    c->n = (uint32_t)cfg->genesis->n_validators;
    c->keys = *cfg->keys;
    c->params = cfg->params;
    c->store = cfg->store;
    c->io = cfg->io;
    c->model = cfg->model;
    c->on_final = cfg->on_final;
    c->on_final_ctx = cfg->on_final_ctx;
    c->log = cfg->log;
    c->log_ctx = cfg->log_ctx;
    c->log_level = cfg->log_level;
    c->behaviour = cfg->behaviour;
    c->max_block_txs = cfg->max_block_txs ? cfg->max_block_txs : 1000;
    uint32_t round_ms = cfg->round_timeout_ms ? cfg->round_timeout_ms
                        : cfg->params.round_timeout_ms > 200 ? cfg->params.round_timeout_ms
                                                              : 200;
    uint32_t poll_ms = cfg->poll_timeout_ms ? cfg->poll_timeout_ms
                       : cfg->params.round_timeout_ms > 20 ? cfg->params.round_timeout_ms
                                                           : 20;
    c->round_timeout_us = (uint64_t)round_ms * 1000u;
    c->poll_timeout_us = (uint64_t)poll_ms * 1000u;
    c->block_time_us = (uint64_t)cfg->params.block_time_ms * 1000u;
}

/* The last final block from the store (else genesis), and our votes at
 * the height after it: re-adopted with the blocks they were for, and the
 * round rule's state rebuilt from them. */
static int recover(luxc_node *n, uint64_t genesis_us)
{
    int rc = luxc_chain_block_genesis(&n->tip.last_hdr, n->cfg.genesis->chain_id, genesis_us);
    if (rc == LUXC_OK) {
        memcpy(n->cfg.chain_id, n->tip.last_hdr.chain_id, 32);
        size_t len; /* the genesis block's id: hash of its encoding */
        rc = luxc_chain_block_encode(&n->tip.last_hdr, n->buf, NODE_MSG_MAX, &len,
                                     n->tip.last_id);
    }
    if (rc == LUXC_OK)
        rc = node_sync_recover(n, &n->tip);
    n->tip.durable_height = n->tip.height;
    memcpy(n->tip.durable_id, n->tip.last_id, 32);
    if (rc == LUXC_OK)
        rc = node_race_start(n, 0);
    if (rc == LUXC_OK)
        rc = node_votes_restore(n); /* the rule starts at the first event */
    if (rc == LUXC_OK)
        node_race_adopt_table(n);
    return rc;
}

int luxc_node_new(luxc_node **out, const luxc_node_cfg *cfg)
{
    if (!out)
        return LUXC_EINVAL;
    *out = NULL;
    if (!cfg)
        return LUXC_EINVAL;
    int rc = check_cfg(cfg);
    if (rc)
        return rc;
    luxc_node *n = calloc(1, sizeof *n);
    if (!n)
        return LUXC_ENOMEM;
    copy_setup(&n->cfg, cfg);
    n->race.proposed_round = n->race.propose_round = UINT32_MAX;
    n->ballot.wake_us = UINT64_MAX;
    uint64_t seed = cfg->seed;
    if (seed == 0)
        luxc_randombytes((uint8_t *)&seed, sizeof seed);
    luxc_xoshiro_seed(&n->xo, seed);
    n->rng = luxc_rng_xoshiro(&n->xo);
    uint64_t gen_us = cfg->genesis_time_us ? cfg->genesis_time_us
                                           : cfg->genesis->genesis_time * 1000000u;
    rc = build_members(n, cfg->mempool_max ? cfg->mempool_max : 100000);
    if (rc == LUXC_OK)
        rc = recover(n, gen_us);
    if (rc == LUXC_OK && cfg->async && n->cfg.store)
        rc = node_worker_new(&n->worker, n);
    if (rc != LUXC_OK) {
        luxc_node_free(n);
        return rc;
    }
    *out = n;
    return LUXC_OK;
}

void luxc_node_free(luxc_node *n)
{
    if (!n)
        return;
    node_worker_free(n->worker); /* drains: queued blocks become durable */
    node_race_clear(n);
    node_votes_clear(n);
    for (uint32_t i = 0; i < n->nfuture; i++)
        free(n->future[i].msg);
    node_mempool_free(&n->pool);
    luxc_photon_free(n->photon);
    free(n->cfg.stakes);
    free(n->cfg.members);
    luxc_heightvotes_free(n->ballot.votes);
    luxc_rounds_free(n->ballot.rule);
    free(n->buf);
    free(n->race.poll.votes);
    free(n->sync.peer_heights);
    luxc_keypair_wipe(&n->cfg.keys);
    free(n);
}

int luxc_node_submit_tx(luxc_node *n, const uint8_t *tx, size_t len)
{
    if (!n)
        return LUXC_EINVAL;
    int rc = node_mempool_push(&n->pool, tx, len);
    if (rc != LUXC_OK)
        n->st.dropped_txs++;
    return rc;
}

/* A vote one height ahead of our race: kept for when we get there. */
static int keep_for_next(luxc_node *n, uint32_t from, const uint8_t *raw, size_t len)
{
    uint8_t *copy = malloc(len);
    if (!copy)
        return LUXC_ENOMEM;
    memcpy(copy, raw, len);
    n->future[n->nfuture++] = (node_future){from, copy, len};
    return LUXC_OK;
}

/* The handler of one decoded message. *final is filled (return 1 from
 * the sync handler) when a certified next block arrived. */
static int dispatch(luxc_node *n, uint32_t from, const luxc_wire_msg *m, const uint8_t *raw,
                    size_t len, uint64_t now_us, node_final_block *final)
{
    switch (m->type) {
    case LUXC_WIRE_PROPOSE:
        return node_race_on_propose(n, from, m->block, m->block_len, now_us, 0);
    case LUXC_WIRE_PROPOSAL:
        return node_race_on_proposal(n, from, m, now_us);
    case LUXC_WIRE_POLKA:
        return node_race_on_polka(n, from, m, now_us);
    case LUXC_WIRE_QUERY:
        return node_race_on_query(n, from, m);
    case LUXC_WIRE_CHITS:
        return node_race_on_chits(n, from, m, now_us);
    case LUXC_WIRE_GET_BLOCK:
        return node_race_on_get_block(n, from, m);
    case LUXC_WIRE_VOTE:
        if (m->vote.height == n->tip.height + 2 && n->nfuture < NODE_FUTURE_MAX) {
            node_note_height(n, from, m->vote.height - 1);
            return keep_for_next(n, from, raw, len);
        }
        return node_votes_on_vote(n, from, m);
    case LUXC_WIRE_SYNC_REQ:
        return node_sync_on_req(n, from, m);
    case LUXC_WIRE_SYNC_BLOCK: {
        int rc = node_sync_on_block(n, m, final);
        return rc == 1 ? LUXC_OK : rc;
    }
    case LUXC_WIRE_UPQUERY:
        return node_upgrade_on_query(n, from, m);
    case LUXC_WIRE_UPCHITS:
        return node_upgrade_on_chits(n, from, m, now_us);
    }
    return LUXC_ECORRUPT;
}

/* Decode and handle one message (received, or replayed from the buffer);
 * a refused one is counted as dropped. */
static int handle(luxc_node *n, uint32_t from, const uint8_t *msg, size_t len, uint64_t now_us,
                  node_final_block *final)
{
    luxc_wire_msg m;
    int rc = luxc_wire_decode(&m, msg, len);
    if (rc == LUXC_OK)
        rc = dispatch(n, from, &m, msg, len, now_us, final);
    if (rc != LUXC_OK) {
        n->st.dropped_msgs++;
        node_logf(n, LUXC_LOG_DEBUG, "message dropped", "from=%u type=%u reason=\"%s\"", from,
                  len ? msg[0] : 0, luxc_strerror(rc));
    }
    return rc;
}

/* A committed height is over: the race for the next starts, and what
 * arrived early for it is handled now. A replayed message may certify the
 * new height at once: *final then holds that block. */
static int next_height(luxc_node *n, uint64_t now_us, node_final_block *final)
{
    node_votes_clear(n);
    int rc = node_race_start(n, now_us);
    if (rc != LUXC_OK)
        return rc;
    (void)node_votes_begin(n, now_us); /* nothing restored: cannot fail */
    uint32_t count = n->nfuture;
    node_future future[NODE_FUTURE_MAX];
    memcpy(future, n->future, count * sizeof *future);
    n->nfuture = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (!final->block)
            (void)handle(n, future[i].from, future[i].msg, future[i].len, now_us, final);
        else if (n->nfuture < NODE_FUTURE_MAX) /* the height moves on: keep the rest */
            n->future[n->nfuture++] = future[i], future[i].msg = NULL;
        free(future[i].msg);
    }
    return LUXC_OK;
}

/* One action of the round rule. *final is filled by a decision. */
static int act(luxc_node *n, const luxc_round_action *a, uint64_t now_us, node_final_block *final)
{
    switch (a->act) {
    case LUXC_ACT_PROPOSE: {
        /* a re-proposal carries its polka's proof, built from our votes */
        uint8_t *proof = NULL;
        size_t proof_len = 0;
        if (a->valid_round != LUXC_NO_ROUND &&
            node_votes_polka_proof(n, a->valid_round, &proof, &proof_len) != LUXC_OK)
            proof = NULL; /* the polka's votes are gone: a new block instead */
        node_race_want_proposal(n, a->round, a->valid_round, a->id, proof, proof_len, now_us);
        return LUXC_OK;
    }
    case LUXC_ACT_PREVOTE:
        return node_votes_cast(n, LUXC_PREVOTE, a->round, a->id, now_us);
    case LUXC_ACT_PRECOMMIT:
        return node_votes_cast(n, LUXC_PRECOMMIT, a->round, a->id, now_us);
    case LUXC_ACT_ROUND:
        luxc_heightvotes_set_round(n->ballot.votes, a->round);
        node_logf(n, LUXC_LOG_DEBUG, "round", "height=%llu round=%u",
                  (unsigned long long)n->tip.height + 1, a->round);
        return LUXC_OK;
    case LUXC_ACT_DECIDE: /* committed by drive(), again until the store takes it */
        n->ballot.decided = 1;
        n->ballot.decided_round = a->round;
        memcpy(n->ballot.decided_id, a->id, 32);
        (void)final;
        return LUXC_OK;
    case LUXC_ACT_NONE:
        break;
    }
    return LUXC_OK;
}

/* Move the height on as far as what we hold allows. `pending` is a block
 * certified by catch-up (or NULL). */
static int drive(luxc_node *n, node_final_block *pending, uint64_t now_us)
{
    node_final_block f = {0};
    if (pending) {
        f = *pending;
        *pending = (node_final_block){0};
    }
    int rc = node_votes_begin(n, now_us);
    if (rc != LUXC_OK)
        return rc;
    for (;;) {
        if (!f.block && n->ballot.decided) {
            if (!node_votes_final(n, n->ballot.decided_round, n->ballot.decided_id, &f))
                break; /* out of memory: tried again at the next event */
        }
        if (!f.block) {
            luxc_round_action a;
            n->ballot.wake_us = UINT64_MAX;
            if (n->ballot.pending) {
                /* a vote of ours not yet durable: the rule waits for it;
                 * a certificate of others does not need it */
                uint32_t r;
                uint8_t id[32];
                if (!luxc_heightvotes_decided(n->ballot.votes, &r, id) ||
                    !node_proposal_find(n, id))
                    break;
                n->ballot.decided = 1;
                n->ballot.decided_round = r;
                memcpy(n->ballot.decided_id, id, 32);
                continue;
            }
            if (!luxc_rounds_step(n->ballot.rule, &n->ballot.view, now_us, &a, &n->ballot.wake_us))
                break;
            if ((rc = act(n, &a, now_us, &f)) != LUXC_OK)
                break; /* logged; tried again at the next event */
            continue;
        }
        rc = node_commit(n, &f, now_us);
        node_final_block_free(&f);
        if (rc != LUXC_OK)
            break; /* the store refused: nothing moved, tried again later */
        rc = next_height(n, now_us, &f);
        if (rc != LUXC_OK)
            break;
    }
    node_final_block_free(&f);
    node_votes_relay(n); /* a round that went slow shares its polka */
    return rc;
}

int luxc_node_receive(luxc_node *n, uint32_t from, const uint8_t *msg, size_t len,
                      uint64_t now_us)
{
    if (!n || !msg)
        return LUXC_EINVAL;
    n->st.msgs_in++;
    n->st.bytes_in += len;
    if (from >= n->cfg.n || from == n->cfg.self) {
        n->st.dropped_msgs++;
        return LUXC_ENOTMEMBER;
    }
    if (n->cfg.behaviour == LUXC_SILENT)
        return LUXC_OK;
    node_final_block final = {0};
    int rc = handle(n, from, msg, len, now_us, &final);
    int drc = drive(n, &final, now_us);
    return rc != LUXC_OK ? rc : drc;
}

static void worker_done(luxc_node *n, uint64_t now_us)
{
    node_job *j = node_worker_take_done(n->worker);
    while (j) {
        node_job *next = j->next;
        if (j->rc != LUXC_OK) {
            /* a store that cannot take a final block or our vote: stop
             * rather than go on with a memory the disk does not back */
            n->fatal = j->rc;
            node_logf(n, LUXC_LOG_ERROR, "store write failed", "height=%llu job=%s error=\"%s\"",
                      (unsigned long long)j->height, j->kind == NODE_JOB_VOTE ? "vote" : "block",
                      luxc_strerror(j->rc));
        } else if (j->kind == NODE_JOB_ACCEPT) {
            node_commit_durable(n, j, now_us);
        } else {
            node_votes_signed(n, j, now_us);
        }
        node_job_free(j);
        j = next;
    }
}

int luxc_node_tick(luxc_node *n, uint64_t now_us, uint64_t *next_us)
{
    if (!n || !next_us)
        return LUXC_EINVAL;
    *next_us = now_us + 1000000u;
    if (n->cfg.behaviour == LUXC_SILENT)
        return LUXC_OK;
    if (n->tip.last_final_us == 0)
        n->tip.last_final_us = now_us;
    if (n->worker)
        worker_done(n, now_us);
    if (n->fatal)
        return n->fatal;
    uint64_t height = n->tip.height;
    (void)drive(n, NULL, now_us); /* a vote the worker made durable may certify */
    node_sync_tick(n, now_us, next_us);
    node_want_tick(n, now_us, next_us);
    node_votes_tick(n, now_us, next_us);
    node_race_tick(n, luxc_rounds_state(n->ballot.rule)->round, now_us, next_us);
    node_upgrade_tick(n, now_us, next_us);
    (void)drive(n, NULL, now_us);
    node_earliest(next_us, n->ballot.wake_us);
    if (n->tip.height != height)
        *next_us = now_us; /* finalized inside this tick: the new height's
                              timers (our turn to propose?) were not seen */
    return LUXC_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int luxc_node_event_fd(const luxc_node *n) { return n ? node_worker_fd(n->worker) : -1; }

void luxc_node_status_get(const luxc_node *n, luxc_node_status *out)
{
    if (!n || !out)
        return;
    *out = n->st;
    out->height = n->tip.durable_height;
    memcpy(out->last_id, n->tip.durable_id, 32); /* with height: the durable block */
    out->round = luxc_rounds_state(n->ballot.rule)->round;
    out->mempool_len = n->pool.count;
    out->latency_p50_ms = out->latency_p99_ms = 0;
    out->latency_samples = n->nlat;
    if (n->nlat) {
        double sorted[NODE_LATENCY_RING];
        memcpy(sorted, n->lat, n->nlat * sizeof *sorted);
        qsort(sorted, n->nlat, sizeof *sorted, cmp_double);
        out->latency_p50_ms = sorted[(n->nlat - 1) / 2];
        size_t i99 = (size_t)ceil(0.99 * n->nlat) - 1;
        out->latency_p99_ms = sorted[i99 < n->nlat ? i99 : n->nlat - 1];
    }
}
