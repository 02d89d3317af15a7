/* test_node_worker.c - node_worker.c (luxc_node_cfg.async): the worker
 * thread signs our vote and makes it durable before the loop sends it,
 * makes final blocks durable before they are reported (status.height
 * lags until then), runs its jobs in FIFO order, signals through the
 * event fd, and drains what is queued when the node is freed. A store
 * write that fails stops the node.
 * The waits below block on the event fd (poll with a generous bound):
 * nothing asserts how long the worker takes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>

#include <cmocka.h>

#include "common/be.h"
#include "node_fixture.h"
#include "testutil.h"

static uint8_t msg[NODE_MSG_MAX];
static uint8_t cert[LUXC_WIRE_CERT_MAX];
static const uint32_t peers[] = {1, 2, 3};

static int readable(int fd, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int rc = poll(&p, 1, timeout_ms);
    assert_true(rc >= 0);
    return rc == 1 && (p.revents & POLLIN);
}

/* Block until the worker signals a finished job. */
static void wait_event(fx *f) { assert_true(readable(luxc_node_event_fd(f->node), 30000)); }

static int tick(fx *f)
{
    uint64_t next;
    return luxc_node_tick(f->node, f->now, &next);
}

/* A block of the next height by a peer (round 0, or 1 when we lead 0). */
static void peer_block(const fx *f, fx_block *b)
{
    fx_make_block(f, b, fx_leader(f, 0) == 0 ? 1 : 0, NULL, 0, 0, 0);
}

static void certify(fx *f, const fx_block *b)
{
    for (uint32_t v = 1; v <= 3; v++)
        assert_int_equal(fx_vote(f, v, b), LUXC_OK);
    fx_advance(f, b);
}

/* Tick once a (simulated) millisecond, answering every poll with chits
 * for id, until the race has decided: the tick that decides queues our
 * vote to the worker. */
static void tick_until_decided(fx *f, const uint8_t id[32])
{
    for (int i = 0; i < 200 && !f->node->race.decided; i++) {
        assert_int_equal(tick(f), LUXC_OK);
        if (f->node->race.decided)
            break;
        fx_answer_queries(f, id);
        f->now += 1000;
    }
    assert_true(f->node->race.decided);
    assert_memory_equal(f->node->race.decided_id, id, 32);
}

typedef struct own_rec {
    const uint8_t *pk;
    uint8_t rec[8192];
    size_t len;
    uint32_t found;
} own_rec;

static int find_own(void *ctx, uint64_t height, uint32_t round, const uint8_t *voter,
                    const uint8_t *vote, size_t vote_len)
{
    (void)height;
    (void)round;
    own_rec *o = ctx;
    if (memcmp(voter, o->pk, LUXC_STORE_VOTERBYTES))
        return 0;
    assert_true(vote_len <= sizeof o->rec);
    memcpy(o->rec, vote, vote_len);
    o->len = vote_len;
    o->found++;
    return 0;
}

typedef struct finals {
    uint32_t count;
    uint64_t height[16];
} finals;

static void on_final(void *ctx, uint64_t height, const uint8_t id[32], const uint8_t *block,
                     size_t len, double latency_ms)
{
    (void)id;
    (void)block;
    (void)len;
    (void)latency_ms;
    finals *r = ctx;
    assert_true(r->count < 16);
    r->height[r->count++] = height;
}

static void test_event_fd(void **state)
{
    (void)state;
    assert_int_equal(luxc_node_event_fd(NULL), -1);
    fx f;
    fx_init(&f, 4, "local", 1, 0); /* sync: no worker */
    assert_null(f.node->worker);
    assert_int_equal(luxc_node_event_fd(f.node), -1);
    fx_free(&f);
    fx_init(&f, 4, "local", 0, 1); /* async needs a store */
    assert_null(f.node->worker);
    assert_int_equal(luxc_node_event_fd(f.node), -1);
    fx_free(&f);
    fx_init(&f, 4, "local", 1, 1);
    assert_non_null(f.node->worker);
    int fd = luxc_node_event_fd(f.node);
    assert_true(fd >= 0);
    assert_int_equal(node_worker_fd(f.node->worker), fd);
    assert_false(readable(fd, 0)); /* no job yet */
    fx_block b;
    fx_make_block(&f, &b, 0, NULL, 0, 0, 0);
    fx_propose(&f, &b);
    certify(&f, &b); /* an ACCEPT job */
    wait_event(&f);
    assert_int_equal(tick(&f), LUXC_OK); /* takes it: the fd is drained */
    assert_false(readable(fd, 0));
    assert_int_equal(fx_status(&f).height, 1);
    assert_null(node_worker_take_done(f.node->worker)); /* nothing left */
    fx_free(&f);
}

static void test_vote_durable_before_sent(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 1, 1);
    fx_block b;
    fx_make_block(&f, &b, 0, NULL, 0, 0, 0);
    fx_propose(&f, &b);
    fx_clear_outbox(&f);
    tick_until_decided(&f, b.id);
    /* queued, not signed here: nothing sent, nothing kept, and the round
     * rule waits for it */
    assert_int_equal(f.node->ballot.pending, 1);
    assert_int_equal(f.node->ballot.nown, 0);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_VOTE, UINT32_MAX, NULL), 0);
    assert_int_equal(fx_status(&f).votes_sent, 0);
    wait_event(&f);
    /* the worker has stored it (the signal comes after the write), and
     * still nothing is sent until the loop takes the job */
    own_rec o = {.pk = f.keys[0].pk};
    assert_int_equal(luxc_store_votes_foreach(f.store, 1, find_own, &o), LUXC_OK);
    assert_int_equal(o.found, 1);
    const uint8_t *wire, *blk;
    size_t wire_len, blk_len;
    assert_int_equal(node_vote_record_split(o.rec, o.len, &wire, &wire_len, &blk, &blk_len),
                     LUXC_OK);
    assert_int_equal(blk_len, b.len);
    assert_memory_equal(blk, b.bytes, b.len);
    luxc_wire_msg m;
    assert_int_equal(luxc_wire_decode(&m, wire, wire_len), LUXC_OK);
    assert_memory_equal(m.vote.block, b.id, 32);
    assert_int_equal(node_vote_verify(m.sig, m.sig_len, m.vote_msg, LUXC_VOTE_BYTES,
                                      f.keys[0].pk + LUXC_ED25519_PUBLICKEYBYTES,
                                      LUXC_MLDSA_PUBLICKEYBYTES),
                     LUXC_OK);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_VOTE, UINT32_MAX, NULL), 0);
    /* the next tick sends exactly the stored vote to everyone */
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_VOTE, UINT32_MAX, NULL), 3);
    for (uint32_t p = 1; p < 4; p++) {
        const fx_msg *v;
        assert_int_equal(fx_sent(&f, LUXC_WIRE_VOTE, p, &v), 1);
        assert_int_equal(v->len, wire_len);
        assert_memory_equal(v->data, wire, wire_len);
    }
    assert_int_equal(fx_status(&f).votes_sent, 1);
    assert_int_equal(f.node->ballot.nown, 1);
    assert_int_equal(f.node->ballot.pending, 0);
    assert_int_equal(m.vote.phase, LUXC_PREVOTE);
    /* and it counts: two more prevotes make a polka, our precommit goes
     * through the worker too, and two more precommits certify the block */
    assert_int_equal(fx_round_vote(&f, 1, LUXC_PREVOTE, 0, &b), LUXC_OK);
    assert_int_equal(fx_round_vote(&f, 2, LUXC_PREVOTE, 0, &b), LUXC_OK);
    assert_int_equal(f.node->ballot.pending, 1);
    wait_event(&f);
    assert_int_equal(tick(&f), LUXC_OK);
    assert_int_equal(f.node->ballot.nown, 2);
    assert_int_equal(fx_vote(&f, 1, &b), LUXC_OK);
    assert_int_equal(fx_vote(&f, 2, &b), LUXC_OK);
    assert_int_equal(f.node->tip.height, 1);
    fx_free(&f);
}

/* A vote signed for a height that became final meanwhile (by catch-up)
 * is not sent. */
static void test_stale_vote_not_sent(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 1, 1);
    fx_block b;
    fx_make_block(&f, &b, 0, NULL, 0, 0, 0);
    fx_propose(&f, &b);
    tick_until_decided(&f, b.id);
    size_t cert_len = fx_cert(&f, &b, peers, 3, cert, sizeof cert);
    size_t len = fx_sync_block_msg(&b, cert, cert_len, msg);
    assert_int_equal(fx_deliver(&f, 2, msg, len), LUXC_OK);
    assert_int_equal(f.node->tip.height, 1);
    fx_clear_outbox(&f);
    for (int i = 0; i < 10 && fx_status(&f).height < 1; i++) {
        wait_event(&f);
        assert_int_equal(tick(&f), LUXC_OK);
    }
    assert_int_equal(fx_status(&f).height, 1); /* both jobs are back */
    assert_int_equal(fx_sent(&f, LUXC_WIRE_VOTE, UINT32_MAX, NULL), 0);
    assert_int_equal(fx_status(&f).votes_sent, 0);
    assert_int_equal(f.node->ballot.nown, 0); /* height 2: not voted */
    assert_int_equal(f.node->ballot.pending, 0);
    fx_free(&f);
}

static void test_durable_height_lags(void **state)
{
    (void)state;
    fx f;
    finals r = {0};
    fx_setup(&f, 4, "local", 1, 1);
    f.cfg.on_final = on_final;
    f.cfg.on_final_ctx = &r;
    fx_start(&f);
    fx_block b, genesis = f.tip;
    const uint8_t payload[] = {0, 2, 'o', 'k'};
    fx_make_block(&f, &b, 0, payload, sizeof payload, 1, 0);
    fx_propose(&f, &b);
    certify(&f, &b);
    /* final for consensus (the next height's race runs), not yet durable:
     * the status names the durable block, height and id alike */
    assert_int_equal(f.node->tip.height, 1);
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.height, 0);
    assert_memory_equal(st.last_id, genesis.id, 32);
    assert_int_equal(st.blocks_finalized, 0);
    assert_int_equal(st.txs_finalized, 0);
    assert_int_equal(r.count, 0);
    wait_event(&f);
    assert_int_equal(fx_status(&f).height, 0); /* the loop has not taken it */
    uint64_t h;
    assert_int_equal(luxc_store_last(f.store, &h, NULL), LUXC_OK);
    assert_int_equal(h, 1);
    assert_int_equal(tick(&f), LUXC_OK);
    st = fx_status(&f);
    assert_int_equal(st.height, 1);
    assert_memory_equal(st.last_id, b.id, 32);
    assert_int_equal(st.blocks_finalized, 1);
    assert_int_equal(st.txs_finalized, 1);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.height[0], 1);
    fx_free(&f);
}

static void test_jobs_in_order(void **state)
{
    (void)state;
    fx f;
    finals r = {0};
    fx_setup(&f, 4, "local", 1, 1);
    f.cfg.on_final = on_final;
    f.cfg.on_final_ctx = &r;
    fx_start(&f);
    for (int i = 0; i < 4; i++) {
        fx_block b;
        peer_block(&f, &b);
        fx_propose(&f, &b);
        certify(&f, &b);
    }
    assert_int_equal(f.node->tip.height, 4);
    for (int i = 0; i < 50 && r.count < 4; i++) {
        wait_event(&f);
        assert_int_equal(tick(&f), LUXC_OK);
    }
    assert_int_equal(r.count, 4);
    for (uint32_t i = 0; i < 4; i++)
        assert_int_equal(r.height[i], i + 1);
    assert_int_equal(fx_status(&f).height, 4);
    fx_free(&f);
}

static node_job *accept_job(const fx *f, const fx_block *b, uint64_t height)
{
    node_job *j = calloc(1, sizeof *j);
    assert_non_null(j);
    j->kind = NODE_JOB_ACCEPT;
    j->height = height;
    memcpy(j->id, b->id, 32);
    memcpy(j->parent, b->hdr.parent, 32);
    j->block = malloc(b->len);
    assert_non_null(j->block);
    memcpy(j->block, b->bytes, b->len);
    j->block_len = b->len;
    size_t len = fx_cert(f, b, peers, 3, cert, sizeof cert);
    j->cert = malloc(len);
    assert_non_null(j->cert);
    memcpy(j->cert, cert, len);
    j->cert_len = len;
    return j;
}

static node_job *vote_job(const fx_block *b)
{
    node_job *j = calloc(1, sizeof *j);
    assert_non_null(j);
    j->kind = NODE_JOB_VOTE;
    j->height = b->hdr.height;
    memcpy(j->vote.chain_id, b->hdr.chain_id, 32);
    j->vote.height = b->hdr.height;
    j->vote.round = b->hdr.round;
    memcpy(j->vote.block, b->id, 32);
    memcpy(j->vote.parent, b->hdr.parent, 32);
    memcpy(j->vote.state_root, b->hdr.state_root, 32);
    j->vote.accept = 1;
    j->block = malloc(b->len);
    assert_non_null(j->block);
    memcpy(j->block, b->bytes, b->len);
    j->block_len = b->len;
    return j;
}

/* The worker by itself, on a node's keys and store: FIFO, each result
 * back with its job, errors in j->rc. */
static void test_worker_fifo_direct(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 1, 0);
    static fx_block b[4];
    for (int i = 0; i < 4; i++) {
        fx_make_block(&f, &b[i], 0, NULL, 0, 0, 0);
        fx_advance(&f, &b[i]);
    }
    node_worker *w;
    assert_int_equal(node_worker_new(&w, f.node), LUXC_OK);
    node_job *jobs[6] = {
        accept_job(&f, &b[0], 1), vote_job(&b[1]),          accept_job(&f, &b[1], 2),
        vote_job(&b[2]),          accept_job(&f, &b[3], 4), /* a gap: refused */
        accept_job(&f, &b[2], 3),
    };
    for (int i = 0; i < 6; i++)
        node_worker_push(w, jobs[i]);
    node_job *done[6];
    uint32_t ndone = 0;
    for (int guard = 0; guard < 100 && ndone < 6; guard++) {
        assert_true(readable(node_worker_fd(w), 30000));
        for (node_job *j = node_worker_take_done(w); j; j = j->next) {
            assert_true(ndone < 6);
            done[ndone++] = j;
        }
    }
    assert_int_equal(ndone, 6);
    for (int i = 0; i < 6; i++)
        assert_ptr_equal(done[i], jobs[i]);
    static const int want_rc[6] = {LUXC_OK, LUXC_OK, LUXC_OK, LUXC_OK, LUXC_ESTATE, LUXC_OK};
    for (int i = 0; i < 6; i++)
        assert_int_equal(done[i]->rc, want_rc[i]);
    /* the vote jobs carry their signed messages, and the store has them */
    for (int i = 1; i <= 3; i += 2) {
        luxc_wire_msg m;
        assert_non_null(done[i]->wire);
        assert_int_equal(luxc_wire_decode(&m, done[i]->wire, done[i]->wire_len), LUXC_OK);
        assert_memory_equal(m.vote.block, done[i]->vote.block, 32);
        own_rec o = {.pk = f.keys[0].pk};
        assert_int_equal(luxc_store_votes_foreach(f.store, done[i]->height, find_own, &o),
                         LUXC_OK);
        assert_int_equal(o.found, 1);
        assert_int_equal(luxc_be32_load(o.rec), done[i]->wire_len);
        assert_memory_equal(o.rec + 4, done[i]->wire, done[i]->wire_len);
    }
    uint64_t h;
    uint8_t id[32];
    assert_int_equal(luxc_store_last(f.store, &h, id), LUXC_OK);
    assert_int_equal(h, 3);
    assert_memory_equal(id, b[2].id, 32);
    for (int i = 0; i < 6; i++)
        node_job_free(done[i]);
    assert_null(node_worker_take_done(w));
    node_worker_free(w);
    node_worker_free(NULL);
    assert_int_equal(node_worker_fd(NULL), -1);
    node_job_free(NULL);
    fx_free(&f);
}

/* Freed with work queued: the queue is drained first (what is done and
 * not taken is freed too - ASan). */
static void test_worker_free_drains(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 1, 0);
    static fx_block b[6];
    for (int i = 0; i < 6; i++) {
        fx_make_block(&f, &b[i], 0, NULL, 0, 0, 0);
        fx_advance(&f, &b[i]);
    }
    node_worker *w;
    assert_int_equal(node_worker_new(&w, f.node), LUXC_OK);
    for (int i = 0; i < 6; i++) {
        node_worker_push(w, vote_job(&b[i])); /* slow work first: ML-DSA signing */
        node_worker_push(w, accept_job(&f, &b[i], (uint64_t)i + 1));
    }
    node_worker_free(w);
    uint64_t h;
    uint8_t id[32];
    assert_int_equal(luxc_store_last(f.store, &h, id), LUXC_OK);
    assert_int_equal(h, 6);
    assert_memory_equal(id, b[5].id, 32);
    for (uint64_t i = 1; i <= 6; i++) {
        own_rec o = {.pk = f.keys[0].pk};
        assert_int_equal(luxc_store_votes_foreach(f.store, i, find_own, &o), LUXC_OK);
        assert_int_equal(o.found, 1);
    }
    fx_free(&f);
}

/* The same through the node: blocks final but not yet reported are
 * durable after luxc_node_free, and a restart recovers them. */
static void test_node_free_drains(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 1, 1);
    for (int i = 0; i < 5; i++) {
        fx_block b;
        peer_block(&f, &b);
        fx_propose(&f, &b);
        certify(&f, &b);
    }
    assert_int_equal(f.node->tip.height, 5);
    assert_int_equal(fx_status(&f).blocks_finalized, 0); /* never ticked */
    fx_restart(&f);
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.height, 5);
    assert_memory_equal(st.last_id, f.tip.id, 32);
    uint64_t h;
    assert_int_equal(luxc_store_last(f.store, &h, NULL), LUXC_OK);
    assert_int_equal(h, 5);
    fx_free(&f);
}

/* A store that cannot take the final block: the node stops (every tick
 * returns the error) and reports nothing. */
static void test_failed_block_write_stops(void **state)
{
    (void)state;
    fx f;
    finals r = {0};
    fx_setup(&f, 4, "local", 1, 1);
    f.map_size = LUXC_STORE_MAPSIZE_MIN;
    f.cfg.on_final = on_final;
    f.cfg.on_final_ctx = &r;
    fx_start(&f);
    static uint8_t payload[LUXC_CHAIN_PAYLOAD_MAX];
    size_t plen = 0;
    for (uint32_t i = 0; i < 60; i++) {
        payload[plen] = 4000 >> 8;
        payload[plen + 1] = 4000 & 0xff;
        memset(payload + plen + 2, (int)i, 4000);
        plen += 4002;
    }
    static fx_block b;
    fx_make_block(&f, &b, 0, payload, plen, 60, 0);
    fx_propose(&f, &b);
    certify(&f, &b); /* queued: the loop does not wait for the store */
    wait_event(&f);
    assert_int_equal(tick(&f), LUXC_EFULL);
    assert_int_equal(f.node->fatal, LUXC_EFULL);
    assert_int_equal(tick(&f), LUXC_EFULL);
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.height, 0);
    assert_int_equal(st.blocks_finalized, 0);
    assert_int_equal(r.count, 0);
    fx_free(&f);
}

/* Our vote cannot be made durable (its record holds the big block): it
 * is never sent, and the node stops. */
static void test_failed_vote_write_stops(void **state)
{
    (void)state;
    fx f;
    fx_setup(&f, 4, "local", 1, 1);
    f.map_size = LUXC_STORE_MAPSIZE_MIN;
    fx_start(&f);
    static uint8_t payload[LUXC_CHAIN_PAYLOAD_MAX];
    size_t plen = 0;
    for (uint32_t i = 0; i < 60; i++) {
        payload[plen] = 4000 >> 8;
        payload[plen + 1] = 4000 & 0xff;
        memset(payload + plen + 2, (int)i, 4000);
        plen += 4002;
    }
    static fx_block b;
    fx_make_block(&f, &b, 0, payload, plen, 60, 0);
    fx_propose(&f, &b);
    fx_clear_outbox(&f);
    tick_until_decided(&f, b.id);
    wait_event(&f);
    assert_int_equal(tick(&f), LUXC_EFULL);
    assert_int_equal(tick(&f), LUXC_EFULL);
    assert_int_equal(fx_sent(&f, LUXC_WIRE_VOTE, UINT32_MAX, NULL), 0);
    assert_int_equal(fx_status(&f).votes_sent, 0);
    fx_free(&f);
}

/* Out of memory: no worker; no job, and the height stays. */
static void test_out_of_memory(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 1, 1);
    node_worker *w = (node_worker *)1;
    luxc_test_alloc_fail_after(0);
    assert_int_equal(node_worker_new(&w, f.node), LUXC_ENOMEM);
    luxc_test_alloc_fail_after(-1);
    assert_null(w);
    fx_block b;
    fx_make_block(&f, &b, 0, NULL, 0, 0, 0);
    static const uint8_t c[] = {1};
    node_final_block fb = {.block = b.bytes, .len = b.len, .cert = (uint8_t *)c, .cert_len = 1};
    memcpy(fb.id, b.id, 32);
    luxc_test_alloc_fail_after(0);
    assert_int_equal(node_commit(f.node, &fb, f.now), LUXC_ENOMEM);
    luxc_test_alloc_fail_after(-1);
    assert_int_equal(f.node->tip.height, 0);
    fx_restart(&f); /* drains the queue: nothing was in it */
    assert_int_equal(luxc_store_last(f.store, &(uint64_t){0}, NULL), LUXC_ENOTFOUND);
    assert_int_equal(fx_status(&f).height, 0);
    fx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event_fd),
        cmocka_unit_test(test_vote_durable_before_sent),
        cmocka_unit_test(test_stale_vote_not_sent),
        cmocka_unit_test(test_durable_height_lags),
        cmocka_unit_test(test_jobs_in_order),
        cmocka_unit_test(test_worker_fifo_direct),
        cmocka_unit_test(test_worker_free_drains),
        cmocka_unit_test(test_node_free_drains),
        cmocka_unit_test(test_failed_block_write_stops),
        cmocka_unit_test(test_failed_vote_write_stops),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
