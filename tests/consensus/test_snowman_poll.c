/* test_snowman_poll.c - applying polls to the snowman tree
 * (src/consensus/snowman_poll.c): which votes count (duplicates, unknown,
 * pending and decided blocks), votes for a block counting for its
 * processing ancestors, subtree sums deciding a parent's instance,
 * transitive falter and the empty poll, the accept cascade along a chain,
 * pruning pending blocks that can no longer join, the order of callbacks,
 * the epoch wrap of the vote marks, explicit thresholds, and that a poll
 * never allocates. Reads the engine's private state (snowman_internal.h)
 * to see confidences directly; test_snowman.c tests the public contract. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "consensus/snowman_internal.h"
#include "testutil.h"

typedef struct log {
    char ev[64]; /* 'A' accepted, 'R' rejected */
    uint8_t id[64];
    uint64_t h[64];
    int n;
} log_t;

static void logit(log_t *l, char ev, const luxc_block *b)
{
    if (l->n < 64) {
        l->ev[l->n] = ev;
        l->id[l->n] = b->id[0];
        l->h[l->n++] = b->height;
    }
}
static void on_acc(void *ctx, const luxc_block *b) { logit(ctx, 'A', b); }
static void on_rej(void *ctx, const luxc_block *b) { logit(ctx, 'R', b); }

/* Block ids differ in their first byte (the first id bits decide the
 * instance's trie); the last byte keeps them apart from an all-zero id. */
static luxc_block blk(uint8_t id, uint8_t parent, uint64_t height)
{
    luxc_block b;
    memset(&b, 0, sizeof b);
    b.id[0] = id;
    b.id[31] = 0x5a;
    b.parent[0] = parent;
    b.parent[31] = 0x5a;
    b.height = height;
    return b;
}

static luxc_snowman *mk(log_t *l, uint32_t k, uint32_t ap, uint32_t ac, uint32_t beta)
{
    luxc_snowman_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.params.k = k;
    cfg.params.alpha_pref = ap;
    cfg.params.alpha_conf = ac;
    cfg.params.beta = beta;
    cfg.genesis = blk(0, 0xff, 0);
    cfg.cb.accepted = on_acc;
    cfg.cb.rejected = on_rej;
    cfg.cb.ctx = l;
    luxc_snowman *s = NULL;
    assert_int_equal(luxc_snowman_new(&s, &cfg), LUXC_OK);
    return s;
}

static void add(luxc_snowman *s, uint8_t id, uint8_t parent, uint64_t height)
{
    luxc_block b = blk(id, parent, height);
    assert_int_equal(luxc_snowman_add(s, &b), LUXC_OK);
}

static uint32_t node_of(const luxc_snowman *s, uint8_t id)
{
    luxc_block b = blk(id, 0, 0);
    return luxc_sm_lookup(s, b.id);
}

/* Confidence of block id's own snowflake (its leaf in its parent). */
static uint32_t conf(const luxc_snowman *s, uint8_t id)
{
    uint32_t i = node_of(s, id);
    assert_int_not_equal(i, SM_NONE);
    return s->nodes[i].leaf.confidence;
}

/* One poll: ids[i] repeated cnt[i] times, m entries. */
static void poll(luxc_snowman *s, const uint8_t *ids, const uint32_t *cnt, int m)
{
    uint8_t v[32][32];
    size_t n = 0;
    for (int i = 0; i < m; i++)
        for (uint32_t j = 0; j < cnt[i]; j++) {
            luxc_block b = blk(ids[i], 0, 0);
            memcpy(v[n++], b.id, 32);
        }
    assert_int_equal(luxc_snowman_record_poll(s, (const uint8_t(*)[32])v, n), LUXC_OK);
}

static void poll1(luxc_snowman *s, uint8_t id, uint32_t cnt) { poll(s, &id, &cnt, 1); }

static void test_args(void **state)
{
    (void)state;
    log_t l = {0};
    luxc_snowman *s = mk(&l, 5, 4, 4, 2);
    uint8_t v[1][32] = {{0}};
    assert_int_equal(luxc_snowman_record_poll(NULL, (const uint8_t(*)[32])v, 1), LUXC_EINVAL);
    assert_int_equal(luxc_snowman_record_poll_at(NULL, NULL, 0, 4, 4), LUXC_EINVAL);
    assert_int_equal(luxc_snowman_record_poll_at(s, NULL, 1, 4, 4), LUXC_EINVAL);
    /* NULL with n = 0 is an empty poll: the tree falters. */
    assert_int_equal(luxc_snowman_record_poll(s, NULL, 0), LUXC_OK);
    assert_int_equal(s->nodes[s->root].falter, 1);
    luxc_snowman_free(s);
}

/* Votes for a grandchild count for its parent at the root's instance;
 * the same id listed k times is k votes. */
static void test_votes_count_for_ancestors(void **state)
{
    (void)state;
    log_t l = {0};
    luxc_snowman *s = mk(&l, 5, 4, 4, 10);
    add(s, 0x01, 0, 1);    /* A */
    add(s, 0x02, 0x01, 2); /* B under A */
    add(s, 0x81, 0, 1);    /* A2, conflicts with A at bit 0 */
    poll1(s, 0x02, 4);
    assert_int_equal(conf(s, 0x01), 1); /* A polled successfully through B */
    assert_int_equal(conf(s, 0x02), 1);
    assert_int_equal(conf(s, 0x81), 0);
    /* Subtree sums: 2 votes for B and 2 for A itself reach alpha 4 at the
     * root's instance; B alone (2) does not at A's. */
    const uint8_t ids[2] = {0x02, 0x01};
    const uint32_t cnt[2] = {2, 2};
    poll(s, ids, cnt, 2);
    assert_int_equal(conf(s, 0x01), 2);
    assert_int_equal(conf(s, 0x02), 0);
    uint8_t pref[32];
    luxc_snowman_preference(s, pref);
    assert_int_equal(pref[0], 0x02);
    assert_int_equal(l.n, 0);
    luxc_snowman_free(s);
}

/* Votes for unknown, pending or decided blocks are dropped; a poll of
 * only such votes is an empty poll. */
static void test_dropped_votes(void **state)
{
    (void)state;
    log_t l = {0};
    luxc_snowman *s = mk(&l, 5, 4, 4, 1);
    add(s, 0x01, 0, 1);
    add(s, 0x81, 0, 1);
    add(s, 0x30, 0x77, 5); /* pending: parent unknown */
    assert_int_equal(luxc_snowman_num_pending(s), 1);
    poll1(s, 0x30, 5);
    assert_int_equal(s->nodes[s->root].falter, 1);
    assert_int_equal(conf(s, 0x01), 0);
    poll1(s, 0x55, 5); /* unknown */
    assert_int_equal(conf(s, 0x01), 0);
    /* Mixed: 3 for A plus 2 dropped is below alpha 4. */
    const uint8_t ids[3] = {0x01, 0x30, 0x55};
    const uint32_t cnt[3] = {3, 1, 1};
    poll(s, ids, cnt, 3);
    assert_int_equal(l.n, 0);
    poll1(s, 0x01, 4); /* beta 1: A accepted, A2 rejected */
    assert_int_equal(l.n, 2);
    assert_memory_equal(l.ev, "AR", 2);
    /* A2 is gone, A is the root: votes for either are dropped now. */
    s->nodes[s->root].falter = 0;
    poll1(s, 0x81, 5);
    assert_int_equal(s->nodes[s->root].falter, 1);
    s->nodes[s->root].falter = 0;
    poll1(s, 0x01, 5);
    assert_int_equal(s->nodes[s->root].falter, 1);
    luxc_snowman_free(s);
}

/* A child whose parent lost a poll has its confidence reset before its
 * next poll (transitive falter), even though its own votes never failed. */
static void test_transitive_falter(void **state)
{
    (void)state;
    log_t l = {0};
    luxc_snowman *s = mk(&l, 5, 4, 4, 10);
    add(s, 0x01, 0, 1);
    add(s, 0x02, 0x01, 2);
    add(s, 0x81, 0, 1);
    poll1(s, 0x02, 4);
    poll1(s, 0x02, 4);
    assert_int_equal(conf(s, 0x02), 2);
    poll1(s, 0x81, 4); /* A not chosen: A's subtree falters */
    assert_int_equal(s->nodes[node_of(s, 0x01)].falter, 1);
    assert_int_equal(conf(s, 0x02), 2); /* lazily: not touched yet */
    poll1(s, 0x02, 4);
    assert_int_equal(conf(s, 0x02), 1); /* reset, then this poll */
    assert_int_equal(s->nodes[node_of(s, 0x01)].falter, 0);
    poll1(s, 0x02, 4);
    assert_int_equal(conf(s, 0x02), 2);
    /* The empty poll falters from the root down. */
    assert_int_equal(luxc_snowman_record_poll(s, NULL, 0), LUXC_OK);
    poll1(s, 0x02, 4);
    assert_int_equal(conf(s, 0x01), 1);
    assert_int_equal(conf(s, 0x02), 1);
    assert_int_equal(l.n, 0);
    luxc_snowman_free(s);
}

/* A finalized chain is accepted in one poll, bottom up, each accept
 * reported once in ascending height; the genesis (replaced root) is
 * never reported. */
static void test_accept_cascade(void **state)
{
    (void)state;
    log_t l = {0};
    luxc_snowman *s = mk(&l, 5, 4, 4, 2);
    add(s, 0x01, 0, 1);
    add(s, 0x02, 0x01, 2);
    add(s, 0x03, 0x02, 3);
    poll1(s, 0x03, 5);
    assert_int_equal(l.n, 0);
    poll1(s, 0x03, 5);
    assert_int_equal(l.n, 3);
    assert_memory_equal(l.ev, "AAA", 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(l.id[i], i + 1);
        assert_int_equal(l.h[i], (uint64_t)i + 1);
    }
    uint8_t id[32];
    uint64_t h = 0;
    luxc_snowman_last_accepted(s, id, &h);
    assert_int_equal(id[0], 0x03);
    assert_int_equal(h, 3);
    assert_int_equal(luxc_snowman_num_processing(s), 0);
    assert_int_equal(s->nodes[s->root].state, SM_ROOT);
    assert_int_equal(s->nodes[s->root].parent, SM_NONE);
    /* The old roots are released and no longer found. */
    assert_int_equal(node_of(s, 0x00), SM_NONE);
    assert_int_equal(node_of(s, 0x01), SM_NONE);
    luxc_snowman_free(s);
}

/* Accepting stops where the next instance is not finalized; rejections
 * of one decision come after its accept at the same height. */
static void test_cascade_stops_and_order(void **state)
{
    (void)state;
    log_t l = {0};
    luxc_snowman *s = mk(&l, 5, 4, 4, 2);
    add(s, 0x01, 0, 1);    /* A */
    add(s, 0x81, 0, 1);    /* A2 */
    add(s, 0x82, 0x81, 2); /* under A2 */
    add(s, 0x02, 0x01, 2); /* B */
    add(s, 0x42, 0x01, 2); /* B2: conflicts with B at bit 1 */
    poll1(s, 0x02, 4);
    poll1(s, 0x01, 4);     /* A finalized at the root; B only once */
    assert_int_equal(l.n, 3);
    /* Accept A, then reject A2 and its child, in height order. */
    assert_memory_equal(l.ev, "ARR", 3);
    assert_int_equal(l.id[0], 0x01);
    assert_int_equal(l.id[1], 0x81);
    assert_int_equal(l.id[2], 0x82);
    assert_int_equal(luxc_snowman_num_processing(s), 2); /* B, B2 */
    /* A's instance was not polled by the A-only poll (no votes under A):
     * B keeps its one success and the next poll finalizes it. */
    assert_int_equal(conf(s, 0x02), 1);
    poll1(s, 0x02, 4);
    assert_int_equal(l.n, 5);
    assert_memory_equal(l.ev + 3, "AR", 2);
    assert_int_equal(l.id[3], 0x02);
    assert_int_equal(l.id[4], 0x42);
    luxc_snowman_free(s);
}

/* Pending blocks that can no longer join are dropped (and reported
 * rejected) when the block at their parent's height is accepted. */
static void test_pending_pruned(void **state)
{
    (void)state;
    log_t l = {0};
    luxc_snowman *s = mk(&l, 5, 4, 4, 1);
    add(s, 0x01, 0, 1);
    add(s, 0x02, 0x01, 2);
    add(s, 0x20, 0x70, 2); /* height 2, unknown parent: dies when 1 is accepted */
    add(s, 0x21, 0x71, 3); /* height 3: dies when 2 is accepted */
    add(s, 0x22, 0x72, 4); /* height 4: may still join after 3 */
    assert_int_equal(luxc_snowman_num_pending(s), 3);
    poll1(s, 0x01, 4); /* accepts A (height 1) */
    assert_int_equal(l.n, 2);
    assert_memory_equal(l.ev, "AR", 2);
    assert_int_equal(l.id[1], 0x20);
    assert_int_equal(luxc_snowman_num_pending(s), 2);
    assert_int_equal(node_of(s, 0x20), SM_NONE);
    poll1(s, 0x02, 4); /* accepts B (height 2) */
    assert_int_equal(l.n, 4);
    assert_memory_equal(l.ev + 2, "AR", 2);
    assert_int_equal(l.id[3], 0x21);
    assert_int_equal(luxc_snowman_num_pending(s), 1);
    assert_int_not_equal(node_of(s, 0x22), SM_NONE);
    luxc_snowman_free(s);
}

/* When the poll epoch wraps, old marks must not pass for this poll's:
 * a sibling voted at epoch 1 must not count again at the new epoch 1. */
static void test_epoch_wrap(void **state)
{
    (void)state;
    log_t l = {0};
    luxc_snowman *s = mk(&l, 5, 4, 4, 10);
    add(s, 0x01, 0, 1);
    add(s, 0x81, 0, 1);
    poll1(s, 0x81, 4); /* epoch 1: A2 marked with 4 votes */
    assert_int_equal(s->epoch, 1);
    assert_int_equal(conf(s, 0x81), 1);
    s->epoch = UINT32_MAX;
    poll1(s, 0x01, 2); /* below alpha; with A2's stale 4 it would pass */
    assert_int_equal(s->epoch, 1);
    assert_int_equal(conf(s, 0x81), 1);
    assert_int_equal(conf(s, 0x01), 0);
    uint8_t pref[32];
    luxc_snowman_preference(s, pref);
    assert_int_equal(pref[0], 0x81);
    poll1(s, 0x01, 4);
    assert_int_equal(s->epoch, 2);
    assert_int_equal(conf(s, 0x01), 1);
    luxc_snowman_free(s);
}

/* Explicit thresholds: alpha_pref moves the preference, only alpha_conf
 * builds confidence. */
static void test_poll_at_thresholds(void **state)
{
    (void)state;
    log_t l = {0};
    luxc_snowman *s = mk(&l, 5, 4, 4, 2);
    add(s, 0x01, 0, 1);
    add(s, 0x81, 0, 1);
    uint8_t v[5][32];
    luxc_block b = blk(0x81, 0, 0);
    for (int i = 0; i < 5; i++)
        memcpy(v[i], b.id, 32);
    assert_int_equal(luxc_snowman_record_poll_at(s, (const uint8_t(*)[32])v, 3, 3, 5), LUXC_OK);
    uint8_t pref[32];
    luxc_snowman_preference(s, pref);
    assert_int_equal(pref[0], 0x81);
    assert_int_equal(conf(s, 0x81), 0);
    assert_int_equal(luxc_snowman_record_poll_at(s, (const uint8_t(*)[32])v, 5, 3, 5), LUXC_OK);
    assert_int_equal(conf(s, 0x81), 1);
    /* Below alpha_pref: A2's side of the bin is marked for reset, and the
     * reset reaches A2's leaf lazily, at its next poll. */
    assert_int_equal(luxc_snowman_record_poll_at(s, (const uint8_t(*)[32])v, 2, 3, 5), LUXC_OK);
    assert_int_equal(conf(s, 0x81), 1);
    assert_int_equal(luxc_snowman_record_poll_at(s, (const uint8_t(*)[32])v, 5, 3, 5), LUXC_OK);
    assert_int_equal(conf(s, 0x81), 1);
    assert_int_equal(l.n, 0);
    luxc_snowman_free(s);
}

/* Random trees and random polls never allocate and keep the engine's
 * counts consistent with its nodes. */
static void test_polls_never_allocate(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed(), st = seed;
    int accepts = 0;
    for (int round = 0; round < 20; round++) {
        log_t l = {0};
        luxc_snowman *s = mk(&l, 5, 4, 5, 2);
        uint8_t ids[40];
        uint64_t hs[40];
        int n = 0;
        ids[n] = 0;
        hs[n++] = 0;
        for (int i = 1; i < 40; i++) {
            int p = (int)(luxc_test_rand(&st) % (uint64_t)n);
            luxc_block b = blk((uint8_t)(i * 37 + round), ids[p], hs[p] + 1);
            b.id[1] = (uint8_t)i;
            b.parent[1] = (uint8_t)p;
            ids[n] = b.id[0];
            hs[n++] = b.height;
            assert_int_equal(luxc_snowman_add(s, &b), LUXC_OK);
        }
        for (int k = 0; k < 60 && luxc_snowman_num_processing(s); k++) {
            uint8_t v[5][32];
            /* Mostly one block per poll, so that some polls succeed. */
            int target = 1 + (int)(luxc_test_rand(&st) % 39);
            for (int j = 0; j < 5; j++) {
                int t = luxc_test_rand(&st) % 8 ? target : 1 + (int)(luxc_test_rand(&st) % 39);
                memset(v[j], 0, 32);
                v[j][0] = ids[t];
                v[j][1] = (uint8_t)t;
                v[j][31] = 0x5a;
            }
            unsigned long before = luxc_test_alloc_calls();
            luxc_test_alloc_fail_after(0);
            int rc = luxc_snowman_record_poll(s, (const uint8_t(*)[32])v, 5);
            luxc_test_alloc_fail_after(-1);
            if (rc != LUXC_OK || luxc_test_alloc_calls() != before)
                LUXC_TEST_FAIL_SEED(seed, "poll allocated or failed (round %d, poll %d)", round,
                                    k);
            uint32_t proc = 0, pend = 0;
            for (uint32_t i = 0; i < s->used; i++) {
                proc += s->nodes[i].state == SM_PROCESSING;
                pend += s->nodes[i].state == SM_PENDING;
            }
            if (proc != luxc_snowman_num_processing(s) || pend != luxc_snowman_num_pending(s))
                LUXC_TEST_FAIL_SEED(seed, "counts %u/%u vs nodes %u/%u (round %d)",
                                    (unsigned)luxc_snowman_num_processing(s),
                                    (unsigned)luxc_snowman_num_pending(s), proc, pend, round);
        }
        for (int i = 1; i < l.n; i++)
            if (l.ev[i] == 'A' && l.ev[i - 1] == 'A' && l.h[i] <= l.h[i - 1])
                LUXC_TEST_FAIL_SEED(seed, "accepts not ascending (round %d)", round);
        for (int i = 0; i < l.n; i++)
            accepts += l.ev[i] == 'A';
        luxc_snowman_free(s);
    }
    if (accepts == 0) /* the polls above must decide something */
        LUXC_TEST_FAIL_SEED(seed, "no block accepted in 20 rounds");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_args),
        cmocka_unit_test(test_votes_count_for_ancestors),
        cmocka_unit_test(test_dropped_votes),
        cmocka_unit_test(test_transitive_falter),
        cmocka_unit_test(test_accept_cascade),
        cmocka_unit_test(test_cascade_stops_and_order),
        cmocka_unit_test(test_pending_pruned),
        cmocka_unit_test(test_epoch_wrap),
        cmocka_unit_test(test_poll_at_thresholds),
        cmocka_unit_test(test_polls_never_allocate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
