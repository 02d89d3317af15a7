/* test_snowman.c - the snowman block engine: adding blocks (duplicates,
 * stale, pending with unknown parents, bounds), polls, preference,
 * acceptance with transitive rejection, callbacks in height order,
 * allocation failure, and avalanchego's randomized consistency case
 * (random trees of 50 blocks, 100 nodes, K=20, alpha=15, beta=20). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "luxc/consensus.h"
#include "testutil.h"

typedef struct log {
    char ev[256];     /* 'A' accepted, 'R' rejected */
    uint8_t id[256][32];
    uint64_t h[256];
    int n;
} log_t;

static void on_acc(void *ctx, const luxc_block *b)
{
    log_t *l = ctx;
    if (l->n < 256) {
        l->ev[l->n] = 'A';
        memcpy(l->id[l->n], b->id, 32);
        l->h[l->n++] = b->height;
    }
}

static void on_rej(void *ctx, const luxc_block *b)
{
    log_t *l = ctx;
    if (l->n < 256) {
        l->ev[l->n] = 'R';
        memcpy(l->id[l->n], b->id, 32);
        l->h[l->n++] = b->height;
    }
}

static luxc_block blk(uint8_t id, uint8_t parent, uint64_t height)
{
    luxc_block b;
    memset(&b, 0, sizeof b);
    b.id[0] = id;
    b.id[31] = 0x5a;
    b.parent[0] = parent;
    b.parent[31] = 0x5a;
    b.height = height;
    b.digest[0] = id;
    return b;
}

static luxc_snowman *mk(log_t *l, uint32_t k, uint32_t alpha, uint32_t beta, uint32_t max_blocks,
                        uint32_t max_pending)
{
    luxc_snowman_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.params.k = k;
    cfg.params.alpha_pref = cfg.params.alpha_conf = alpha;
    cfg.params.beta = beta;
    cfg.genesis = blk(0, 0xff, 0);
    cfg.cb.accepted = on_acc;
    cfg.cb.rejected = on_rej;
    cfg.cb.ctx = l;
    cfg.max_blocks = max_blocks;
    cfg.max_pending = max_pending;
    luxc_snowman *s = NULL;
    assert_int_equal(luxc_snowman_new(&s, &cfg), LUXC_OK);
    return s;
}

/* k votes for block id. */
static int vote(luxc_snowman *s, uint8_t id, size_t k)
{
    uint8_t v[32][32];
    luxc_block b = blk(id, 0, 0);
    for (size_t i = 0; i < k; i++)
        memcpy(v[i], b.id, 32);
    return luxc_snowman_record_poll(s, (const uint8_t(*)[32])v, k);
}

static void test_new_errors(void **state)
{
    (void)state;
    luxc_snowman_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    luxc_snowman *s = (luxc_snowman *)1;
    assert_int_equal(luxc_snowman_new(NULL, &cfg), LUXC_EINVAL);
    assert_int_equal(luxc_snowman_new(&s, NULL), LUXC_EINVAL);
    assert_null(s);
    assert_int_equal(luxc_snowman_new(&s, &cfg), LUXC_EPARAM);
    luxc_snowman_free(NULL);
}

static void test_add_rules(void **state)
{
    (void)state;
    log_t l = {0};
    luxc_snowman *s = mk(&l, 5, 4, 2, 0, 0);
    luxc_block a = blk(1, 0, 1), b = blk(2, 1, 2);
    assert_int_equal(luxc_snowman_add(s, &a), LUXC_OK);
    assert_int_equal(luxc_snowman_add(s, &a), LUXC_OK); /* duplicate: no-op */
    assert_int_equal(luxc_snowman_num_processing(s), 1);
    luxc_block g = blk(0, 0xff, 0);
    assert_int_equal(luxc_snowman_add(s, &g), LUXC_OK); /* the last accepted itself */
    luxc_block stale = blk(9, 0xfe, 0);
    assert_int_equal(luxc_snowman_add(s, &stale), LUXC_ESTALE);
    /* Parent unknown at height last+1: can never join. */
    luxc_block orphan = blk(8, 0xee, 1);
    assert_int_equal(luxc_snowman_add(s, &orphan), LUXC_ESTALE);
    /* Height must be parent + 1. */
    luxc_block wrong = blk(7, 1, 5);
    assert_int_equal(luxc_snowman_add(s, &wrong), LUXC_EINVAL);
    assert_int_equal(luxc_snowman_add(s, &b), LUXC_OK);
    assert_int_equal(luxc_snowman_num_processing(s), 2);
    assert_true(luxc_snowman_is_processing(s, b.id));
    assert_false(luxc_snowman_is_processing(s, g.id));
    assert_int_equal(luxc_snowman_add(NULL, &b), LUXC_EINVAL);
    assert_int_equal(luxc_snowman_add(s, NULL), LUXC_EINVAL);
    uint8_t pref[32];
    luxc_snowman_preference(s, pref);
    assert_memory_equal(pref, b.id, 32);
    assert_int_equal(l.n, 0);
    luxc_snowman_free(s);
}

static void test_pending_joins_when_parent_arrives(void **state)
{
    (void)state;
    log_t l = {0};
    luxc_snowman *s = mk(&l, 5, 4, 2, 0, 0);
    luxc_block a = blk(1, 0, 1), b = blk(2, 1, 2), c = blk(3, 2, 3), c2 = blk(4, 2, 3);
    assert_int_equal(luxc_snowman_add(s, &c), LUXC_OK);
    assert_int_equal(luxc_snowman_add(s, &c2), LUXC_OK);
    assert_int_equal(luxc_snowman_add(s, &b), LUXC_OK);
    assert_int_equal(luxc_snowman_num_pending(s), 3);
    assert_int_equal(luxc_snowman_num_processing(s), 0);
    /* A pending duplicate is a no-op; a height mismatch with a pending
     * parent is caught too. */
    assert_int_equal(luxc_snowman_add(s, &b), LUXC_OK);
    luxc_block bad = blk(5, 2, 9);
    assert_int_equal(luxc_snowman_add(s, &bad), LUXC_EINVAL);
    /* Votes for pending blocks are dropped (an empty poll). */
    assert_int_equal(vote(s, 3, 5), LUXC_OK);
    assert_int_equal(luxc_snowman_add(s, &a), LUXC_OK);
    assert_int_equal(luxc_snowman_num_pending(s), 0);
    assert_int_equal(luxc_snowman_num_processing(s), 4);
    for (int i = 0; i < 2; i++)
        assert_int_equal(vote(s, 4, 5), LUXC_OK);
    /* Accept 1, 2, 4 (cascade) and reject 3, in height order. */
    assert_int_equal(l.n, 4);
    assert_memory_equal(l.ev, "AAAR", 4);
    assert_int_equal(l.id[0][0], 1);
    assert_int_equal(l.id[1][0], 2);
    assert_int_equal(l.id[2][0], 4);
    assert_int_equal(l.id[3][0], 3);
    assert_int_equal(luxc_snowman_num_processing(s), 0);
    uint8_t la[32];
    uint64_t h;
    luxc_snowman_last_accepted(s, la, &h);
    assert_int_equal(la[0], 4);
    assert_int_equal(h, 3);
    luxc_snowman_free(s);
}

static void test_pending_pruned_when_it_cannot_join(void **state)
{
    (void)state;
    log_t l = {0};
    luxc_snowman *s = mk(&l, 5, 4, 1, 0, 0);
    luxc_block a = blk(1, 0, 1), x = blk(2, 0x77, 2), y = blk(3, 0x78, 5);
    assert_int_equal(luxc_snowman_add(s, &x), LUXC_OK);
    assert_int_equal(luxc_snowman_add(s, &y), LUXC_OK);
    assert_int_equal(luxc_snowman_add(s, &a), LUXC_OK);
    assert_int_equal(luxc_snowman_num_pending(s), 2);
    assert_int_equal(vote(s, 1, 5), LUXC_OK); /* beta 1: accept a */
    /* x (height 2) needs a parent at height 1 other than a: dropped.
     * y (height 5) may still join later. */
    assert_int_equal(luxc_snowman_num_pending(s), 1);
    assert_int_equal(l.n, 2);
    assert_memory_equal(l.ev, "AR", 2);
    assert_int_equal(l.id[1][0], 2);
    luxc_snowman_free(s);
}

static void test_conflict_transitive_rejection(void **state)
{
    (void)state;
    log_t l = {0};
    luxc_snowman *s = mk(&l, 5, 4, 3, 0, 0);
    /* G <- A <- B <- C, G <- A2 <- B2. */
    luxc_block A = blk(1, 0, 1), B = blk(2, 1, 2), C = blk(3, 2, 3), A2 = blk(4, 0, 1),
               B2 = blk(5, 4, 2);
    assert_int_equal(luxc_snowman_add(s, &A), LUXC_OK);
    assert_int_equal(luxc_snowman_add(s, &B), LUXC_OK);
    assert_int_equal(luxc_snowman_add(s, &C), LUXC_OK);
    assert_int_equal(luxc_snowman_add(s, &A2), LUXC_OK);
    assert_int_equal(luxc_snowman_add(s, &B2), LUXC_OK);
    uint8_t pref[32];
    luxc_snowman_preference(s, pref);
    assert_int_equal(pref[0], 3); /* first child is the initial preference */
    /* Votes for B2 count for A2: after one successful poll A2 is strongest. */
    assert_int_equal(vote(s, 5, 4), LUXC_OK);
    luxc_snowman_preference(s, pref);
    assert_int_equal(pref[0], 5);
    /* A split poll (below alpha) resets confidence. */
    uint8_t v[5][32];
    luxc_block b5 = blk(5, 0, 0), b3 = blk(3, 0, 0);
    for (int i = 0; i < 5; i++)
        memcpy(v[i], i < 3 ? b5.id : b3.id, 32);
    assert_int_equal(luxc_snowman_record_poll(s, (const uint8_t(*)[32])v, 5), LUXC_OK);
    assert_int_equal(vote(s, 5, 4), LUXC_OK);
    assert_int_equal(vote(s, 5, 4), LUXC_OK);
    assert_int_equal(l.n, 0); /* confidence 2 < beta 3 after the reset */
    assert_int_equal(vote(s, 5, 4), LUXC_OK);
    /* Accept A2 and B2; reject A, B, C. Height order, accepts first. */
    assert_int_equal(l.n, 5);
    assert_memory_equal(l.ev, "ARARR", 5);
    assert_int_equal(l.id[0][0], 4);
    assert_int_equal(l.id[1][0], 1);
    assert_int_equal(l.id[2][0], 5);
    assert_int_equal(l.id[3][0], 2);
    assert_int_equal(l.id[4][0], 3);
    for (int i = 1; i < l.n; i++)
        assert_true(l.h[i] >= l.h[i - 1]);
    assert_int_equal(luxc_snowman_num_processing(s), 0);
    /* Children of a rejected block are now stale or can never join. */
    luxc_block D = blk(6, 3, 4);
    assert_int_equal(luxc_snowman_add(s, &D), LUXC_OK);
    assert_int_equal(luxc_snowman_num_pending(s), 1);
    luxc_snowman_free(s);
}

static void test_empty_poll_falters(void **state)
{
    (void)state;
    log_t l = {0};
    luxc_snowman *s = mk(&l, 5, 4, 2, 0, 0);
    luxc_block A = blk(1, 0, 1), B = blk(2, 1, 2);
    assert_int_equal(luxc_snowman_add(s, &A), LUXC_OK);
    assert_int_equal(luxc_snowman_add(s, &B), LUXC_OK);
    assert_int_equal(vote(s, 2, 5), LUXC_OK);
    assert_int_equal(luxc_snowman_record_poll(s, NULL, 0), LUXC_OK); /* falter */
    assert_int_equal(vote(s, 2, 5), LUXC_OK);
    assert_int_equal(l.n, 0);
    /* Unknown votes are an empty poll too. */
    assert_int_equal(vote(s, 0x99, 5), LUXC_OK);
    assert_int_equal(vote(s, 2, 5), LUXC_OK);
    assert_int_equal(l.n, 0);
    assert_int_equal(vote(s, 2, 5), LUXC_OK);
    assert_int_equal(l.n, 2);
    assert_memory_equal(l.ev, "AA", 2);
    assert_int_equal(luxc_snowman_record_poll(s, NULL, 3), LUXC_EINVAL);
    assert_int_equal(luxc_snowman_record_poll(NULL, NULL, 0), LUXC_EINVAL);
    luxc_snowman_free(s);
}

static void test_poll_at_thresholds(void **state)
{
    (void)state;
    log_t l = {0};
    luxc_snowman *s = mk(&l, 5, 4, 1, 0, 0);
    luxc_block A = blk(1, 0, 1);
    assert_int_equal(luxc_snowman_add(s, &A), LUXC_OK);
    uint8_t v[3][32];
    for (int i = 0; i < 3; i++)
        memcpy(v[i], A.id, 32);
    assert_int_equal(luxc_snowman_record_poll(s, (const uint8_t(*)[32])v, 3), LUXC_OK);
    assert_int_equal(l.n, 0); /* 3 < alpha 4 */
    assert_int_equal(luxc_snowman_record_poll_at(s, (const uint8_t(*)[32])v, 3, 3, 3), LUXC_OK);
    assert_int_equal(l.n, 1);
    luxc_snowman_free(s);
}

static void test_bounds(void **state)
{
    (void)state;
    log_t l = {0};
    luxc_snowman *s = mk(&l, 5, 4, 2, 3, 1);
    luxc_block a = blk(1, 0, 1), b = blk(2, 1, 2), p1 = blk(3, 0x60, 7), p2 = blk(4, 0x61, 7),
               c = blk(5, 2, 3), d = blk(6, 0, 1);
    assert_int_equal(luxc_snowman_add(s, &a), LUXC_OK);
    assert_int_equal(luxc_snowman_add(s, &p1), LUXC_OK);
    assert_int_equal(luxc_snowman_add(s, &p2), LUXC_EFULL); /* max_pending 1 */
    assert_int_equal(luxc_snowman_add(s, &b), LUXC_OK);
    assert_int_equal(luxc_snowman_add(s, &c), LUXC_EFULL); /* max_blocks 3 */
    assert_int_equal(luxc_snowman_add(s, &d), LUXC_EFULL);
    luxc_snowman_free(s);
}

static void test_alloc_failure(void **state)
{
    (void)state;
    luxc_snowman_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    assert_int_equal(luxc_params_preset(&cfg.params, "local"), LUXC_OK);
    cfg.genesis = blk(0, 0xff, 0);
    for (long n = 0;; n++) {
        luxc_snowman *s = (luxc_snowman *)1;
        luxc_test_alloc_fail_after(n);
        int rc = luxc_snowman_new(&s, &cfg);
        luxc_test_alloc_fail_after(-1);
        if (rc == LUXC_OK) {
            luxc_snowman_free(s);
            break;
        }
        assert_int_equal(rc, LUXC_ENOMEM);
        assert_null(s);
    }
    /* Adds that grow the pool, the table and child arrays: a failed add
     * changes nothing, the retry succeeds. */
    luxc_snowman *s;
    assert_int_equal(luxc_snowman_new(&s, &cfg), LUXC_OK);
    for (int i = 1; i <= 40; i++) {
        luxc_block b = blk((uint8_t)i, (uint8_t)(i <= 3 ? 0 : i - 3), i <= 3 ? 1 : 0);
        if (i > 3) {
            b = blk((uint8_t)i, (uint8_t)(i - 3), 0);
            b.height = (uint64_t)((i - 1) / 3 + 1);
        }
        for (long n = 0;; n++) {
            size_t before = luxc_snowman_num_processing(s);
            luxc_test_alloc_fail_after(n);
            int rc = luxc_snowman_add(s, &b);
            luxc_test_alloc_fail_after(-1);
            if (rc == LUXC_OK)
                break;
            assert_int_equal(rc, LUXC_ENOMEM);
            assert_int_equal(luxc_snowman_num_processing(s), before);
            assert_false(luxc_snowman_is_processing(s, b.id));
        }
    }
    assert_int_equal(luxc_snowman_num_processing(s), 40);
    luxc_snowman_free(s);
}

/* avalanchego RandomizedConsistencyTest: a random tree of 50 blocks, 100
 * nodes each given every block in its own random order (exercising
 * pending joins), K=20, alpha=15, beta=20; a random running node polls 20
 * random nodes' preferred tips until no node has processing blocks. All
 * nodes must accept the same chain. */
typedef struct accepted_log {
    uint8_t id[64][32];
    int n;
} accepted_log;

static void acc_only(void *ctx, const luxc_block *b)
{
    accepted_log *a = ctx;
    if (a->n < 64)
        memcpy(a->id[a->n], b->id, 32);
    a->n++;
}

static void random_tree_run(uint64_t seed)
{
    enum { NODES = 100, BLOCKS = 50 };
    luxc_xoshiro x;
    luxc_xoshiro_seed(&x, seed);
    luxc_rng rng = luxc_rng_xoshiro(&x);
    luxc_block *blocks = calloc(BLOCKS + 1, sizeof *blocks);
    accepted_log *logs = calloc(NODES, sizeof *logs);
    luxc_snowman **nodes = calloc(NODES, sizeof *nodes);
    assert_non_null(blocks);
    assert_non_null(logs);
    assert_non_null(nodes);
    for (int i = 0; i <= BLOCKS; i++) {
        for (int j = 0; j < 32; j++)
            blocks[i].id[j] = (uint8_t)luxc_xoshiro_next(&x);
        blocks[i].id[0] = (uint8_t)i; /* unique */
        if (i > 0) {
            int p = (int)luxc_xoshiro_below(&x, (uint64_t)i);
            memcpy(blocks[i].parent, blocks[p].id, 32);
            blocks[i].height = blocks[p].height + 1;
        }
    }
    luxc_snowman_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.params.k = 20;
    cfg.params.alpha_pref = cfg.params.alpha_conf = 15;
    cfg.params.beta = 20;
    cfg.genesis = blocks[0];
    cfg.cb.accepted = acc_only;
    int order[BLOCKS];
    for (int n = 0; n < NODES; n++) {
        cfg.cb.ctx = &logs[n];
        assert_int_equal(luxc_snowman_new(&nodes[n], &cfg), LUXC_OK);
        for (int i = 0; i < BLOCKS; i++)
            order[i] = i + 1;
        for (int i = BLOCKS - 1; i > 0; i--) {
            int j = (int)luxc_xoshiro_below(&x, (uint64_t)i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int i = 0; i < BLOCKS; i++)
            assert_int_equal(luxc_snowman_add(nodes[n], &blocks[order[i]]), LUXC_OK);
        if (luxc_snowman_num_pending(nodes[n]) != 0)
            LUXC_TEST_FAIL_SEED(seed, "node %d kept %zu pending blocks", n,
                                luxc_snowman_num_pending(nodes[n]));
    }
    luxc_photon *ph;
    assert_int_equal(luxc_photon_new(&ph, NODES, LUXC_PHOTON_UNIFORM, NULL, 0), LUXC_OK);
    uint32_t running[NODES], nrunning = 0, sample[20];
    uint8_t votes[20][32];
    for (uint32_t n = 0; n < NODES; n++)
        if (luxc_snowman_num_processing(nodes[n]))
            running[nrunning++] = n;
    uint64_t steps = 0;
    while (nrunning && steps++ < 1000000) {
        uint32_t ri = (uint32_t)luxc_xoshiro_below(&x, nrunning), n = running[ri];
        assert_int_equal(luxc_photon_sample(ph, &rng, sample, 20), LUXC_OK);
        for (int q = 0; q < 20; q++)
            luxc_snowman_preference(nodes[sample[q]], votes[q]);
        assert_int_equal(luxc_snowman_record_poll(nodes[n], (const uint8_t(*)[32])votes, 20),
                         LUXC_OK);
        if (!luxc_snowman_num_processing(nodes[n]))
            running[ri] = running[--nrunning];
    }
    if (nrunning)
        LUXC_TEST_FAIL_SEED(seed, "%u nodes still processing", nrunning);
    for (int n = 0; n < NODES; n++) {
        if (logs[n].n != logs[0].n || logs[n].n > 64 ||
            memcmp(logs[n].id, logs[0].id, (size_t)logs[0].n * 32))
            LUXC_TEST_FAIL_SEED(seed, "node %d accepted a different chain", n);
        luxc_snowman_free(nodes[n]);
    }
    if (logs[0].n == 0)
        LUXC_TEST_FAIL_SEED(seed, "nothing accepted");
    luxc_photon_free(ph);
    free(blocks);
    free(logs);
    free(nodes);
}

/* Late delivery: each node starts with a random part of the tree and
 * receives the rest at random moments while polling. Blocks may then be
 * stale (ESTALE) or wait pending; safety means every two nodes' accepted
 * chains are prefix-consistent. */
static void late_delivery_run(uint64_t seed)
{
    enum { NODES = 60, BLOCKS = 40 };
    luxc_xoshiro x;
    luxc_xoshiro_seed(&x, seed);
    luxc_rng rng = luxc_rng_xoshiro(&x);
    luxc_block blocks[BLOCKS + 1];
    memset(blocks, 0, sizeof blocks);
    for (int i = 0; i <= BLOCKS; i++) {
        for (int j = 0; j < 32; j++)
            blocks[i].id[j] = (uint8_t)luxc_xoshiro_next(&x);
        blocks[i].id[0] = (uint8_t)i;
        if (i > 0) {
            /* Mostly extend recent blocks: a chain with forks. */
            int lo = i > 4 ? i - 4 : 0;
            int p = lo + (int)luxc_xoshiro_below(&x, (uint64_t)(i - lo));
            memcpy(blocks[i].parent, blocks[p].id, 32);
            blocks[i].height = blocks[p].height + 1;
        }
    }
    accepted_log *logs = calloc(NODES, sizeof *logs);
    luxc_snowman **nodes = calloc(NODES, sizeof *nodes);
    uint8_t(*given)[BLOCKS + 1] = calloc(NODES, sizeof *given);
    assert_non_null(logs);
    assert_non_null(nodes);
    assert_non_null(given);
    luxc_snowman_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.params.k = 20;
    cfg.params.alpha_pref = cfg.params.alpha_conf = 15;
    cfg.params.beta = 20;
    cfg.genesis = blocks[0];
    cfg.cb.accepted = acc_only;
    for (int n = 0; n < NODES; n++) {
        cfg.cb.ctx = &logs[n];
        assert_int_equal(luxc_snowman_new(&nodes[n], &cfg), LUXC_OK);
    }
    luxc_photon *ph;
    assert_int_equal(luxc_photon_new(&ph, NODES, LUXC_PHOTON_UNIFORM, NULL, 0), LUXC_OK);
    uint32_t sample[20];
    uint8_t votes[20][32];
    uint32_t undelivered = NODES * BLOCKS;
    for (uint64_t step = 0; step < 400000; step++) {
        /* Deliver one random (node, block) pair now and then. */
        if (undelivered && luxc_xoshiro_below(&x, 4) == 0) {
            uint32_t n = (uint32_t)luxc_xoshiro_below(&x, NODES);
            uint32_t b = 1 + (uint32_t)luxc_xoshiro_below(&x, BLOCKS);
            if (!given[n][b]) {
                given[n][b] = 1;
                undelivered--;
                int rc = luxc_snowman_add(nodes[n], &blocks[b]);
                if (rc != LUXC_OK && rc != LUXC_ESTALE)
                    LUXC_TEST_FAIL_SEED(seed, "add gave %d", rc);
            }
        }
        uint32_t n = (uint32_t)luxc_xoshiro_below(&x, NODES);
        if (!luxc_snowman_num_processing(nodes[n]))
            continue;
        assert_int_equal(luxc_photon_sample(ph, &rng, sample, 20), LUXC_OK);
        for (int q = 0; q < 20; q++)
            luxc_snowman_preference(nodes[sample[q]], votes[q]);
        assert_int_equal(luxc_snowman_record_poll(nodes[n], (const uint8_t(*)[32])votes, 20),
                         LUXC_OK);
    }
    for (int a = 0; a < NODES; a++)
        for (int b = a + 1; b < NODES; b++) {
            int m = logs[a].n < logs[b].n ? logs[a].n : logs[b].n;
            if (m > 64)
                m = 64;
            if (memcmp(logs[a].id, logs[b].id, (size_t)m * 32))
                LUXC_TEST_FAIL_SEED(seed, "nodes %d and %d accepted conflicting chains", a, b);
        }
    int progressed = 0;
    for (int n = 0; n < NODES; n++) {
        progressed += logs[n].n > 0;
        luxc_snowman_free(nodes[n]);
    }
    if (progressed < NODES / 2)
        LUXC_TEST_FAIL_SEED(seed, "only %d nodes accepted anything", progressed);
    luxc_photon_free(ph);
    free(logs);
    free(nodes);
    free(given);
}

static void test_late_delivery_is_safe(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed();
    for (uint64_t r = 0; r < 3; r++)
        late_delivery_run(seed + r);
}

static void test_random_trees_reach_agreement(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed();
    for (uint64_t r = 0; r < 10; r++)
        random_tree_run(seed + r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_errors),
        cmocka_unit_test(test_add_rules),
        cmocka_unit_test(test_pending_joins_when_parent_arrives),
        cmocka_unit_test(test_pending_pruned_when_it_cannot_join),
        cmocka_unit_test(test_conflict_transitive_rejection),
        cmocka_unit_test(test_empty_poll_falters),
        cmocka_unit_test(test_poll_at_thresholds),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_alloc_failure),
        cmocka_unit_test(test_random_trees_reach_agreement),
        cmocka_unit_test(test_late_delivery_is_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
