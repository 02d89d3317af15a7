/* test_snowman_inst.c - the snowball instance over one block's children
 * (src/consensus/snowman_inst.c): the trie of branching bits built as
 * children arrive (n - 1 bins at the first differing bits, across byte
 * boundaries up to bit 255, strengths still pointing at their own bin
 * after the bins array grows), the initial preference, polls decided bit
 * by bit where a flat snowball would stall, the lazy reset of the side
 * that lost, finality needing every bin on the path and the leaf, and a
 * seeded random check that a child voted for consistently is finally
 * accepted. Drives the instance through the engine's public calls and
 * reads it through snowman_internal.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "consensus/snowman_internal.h"
#include "testutil.h"

static uint64_t seed;

typedef struct log {
    int accepted, rejected;
    uint8_t last[32];
} log_t;

static void on_acc(void *ctx, const luxc_block *b)
{
    log_t *l = ctx;
    l->accepted++;
    memcpy(l->last, b->id, 32);
}
static void on_rej(void *ctx, const luxc_block *b)
{
    (void)b;
    ((log_t *)ctx)->rejected++;
}

static luxc_snowman *mk(log_t *l, uint32_t k, uint32_t alpha, uint32_t beta)
{
    luxc_snowman_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.params.k = k;
    cfg.params.alpha_pref = cfg.params.alpha_conf = alpha;
    cfg.params.beta = beta;
    cfg.genesis.id[31] = 0xee; /* all-zero but for one byte no child uses */
    cfg.genesis.parent[0] = 0xff;
    cfg.cb.accepted = on_acc;
    cfg.cb.rejected = on_rej;
    cfg.cb.ctx = l;
    luxc_snowman *s = NULL;
    assert_int_equal(luxc_snowman_new(&s, &cfg), LUXC_OK);
    return s;
}

/* An id with only the given bits set (bit 0 = MSB of byte 0). */
static void id_bits(uint8_t id[32], const int *bits, int n)
{
    memset(id, 0, 32);
    for (int i = 0; i < n; i++)
        id[bits[i] >> 3] |= (uint8_t)(0x80u >> (bits[i] & 7));
}

/* Add a child of the genesis; returns its node index. */
static uint32_t child(luxc_snowman *s, const uint8_t id[32])
{
    luxc_block b;
    memset(&b, 0, sizeof b);
    memcpy(b.id, id, 32);
    b.parent[31] = 0xee;
    b.height = 1;
    assert_int_equal(luxc_snowman_add(s, &b), LUXC_OK);
    uint32_t i = luxc_sm_lookup(s, id);
    assert_int_not_equal(i, SM_NONE);
    return i;
}

static void poll_counts(luxc_snowman *s, const uint8_t (*ids)[32], const uint32_t *cnt, int m)
{
    uint8_t v[64][32];
    size_t n = 0;
    for (int i = 0; i < m; i++)
        for (uint32_t j = 0; j < cnt[i]; j++)
            memcpy(v[n++], ids[i], 32);
    assert_int_equal(luxc_snowman_record_poll(s, (const uint8_t(*)[32])v, n), LUXC_OK);
}

static const sm_bin *bin_at(const luxc_snowman *s, unsigned depth)
{
    const sm_node *r = &s->nodes[s->root];
    for (uint32_t i = 0; i < r->nbins; i++)
        if (r->bins[i].depth == depth)
            return &r->bins[i];
    return NULL;
}

/* Bins sit at the first bit where a new child leaves the trie; each
 * bin's snowball prefers the side that was there first. */
static void test_trie_shape(void **state)
{
    (void)state;
    log_t l = {0};
    luxc_snowman *s = mk(&l, 5, 4, 3);
    uint8_t a[32], b[32], c[32], d[32], e[32];
    id_bits(a, NULL, 0);
    id_bits(b, (const int[]){7}, 1);      /* last bit of byte 0 */
    id_bits(c, (const int[]){8}, 1);      /* first bit of byte 1 */
    id_bits(d, (const int[]){255}, 1);    /* the very last bit */
    id_bits(e, (const int[]){7, 100}, 2); /* under b, differs at 100 */
    uint32_t ia = child(s, a);
    const sm_node *r = &s->nodes[s->root];
    assert_int_equal(r->nchildren, 1);
    assert_int_equal(r->nbins, 0); /* one child: its leaf only */
    assert_int_equal(luxc_sm_inst_preference(s, s->root), ia);
    child(s, b);
    child(s, c);
    child(s, d);
    child(s, e);
    r = &s->nodes[s->root];
    assert_int_equal(r->nchildren, 5);
    assert_int_equal(r->nbins, 4);
    const unsigned depths[4] = {7, 8, 255, 100};
    for (int i = 0; i < 4; i++) {
        const sm_bin *bn = bin_at(s, depths[i]);
        if (!bn)
            fail_msg("no bin at depth %u", depths[i]);
        /* Strengths live in the bin itself, also after the array grew. */
        assert_ptr_equal(bn->sb.strengths, bn->str);
        assert_int_equal(bn->sb.nchoices, 2);
        /* The side that was there first: bit 0 for every one here but
         * the bin at 100, whose existing side is b (bit 100 = 0) too. */
        assert_int_equal(luxc_snowball_preference(&bn->sb), 0);
    }
    assert_int_equal(luxc_sm_inst_preference(s, s->root), ia);
    assert_false(luxc_sm_inst_finalized(s, s->root));
    luxc_snowman_free(s);
}

/* Votes spread over two children that share a prefix decide that prefix
 * against a third: the branching bin succeeds though no child has
 * alpha votes. A flat snowball over the three would see no success. */
static void test_split_votes_decide_prefix(void **state)
{
    (void)state;
    log_t l = {0};
    luxc_snowman *s = mk(&l, 5, 4, 2);
    uint8_t ids[3][32];
    id_bits(ids[0], NULL, 0);              /* X: bit 0 = 0 */
    id_bits(ids[1], (const int[]){0}, 1);  /* Y: 1 0 */
    id_bits(ids[2], (const int[]){0, 1}, 2); /* Z: 1 1 */
    uint32_t ix = child(s, ids[0]), iy = child(s, ids[1]), iz = child(s, ids[2]);
    (void)iz;
    assert_int_equal(luxc_sm_inst_preference(s, s->root), ix);
    const uint32_t cnt[3] = {1, 2, 2};
    poll_counts(s, (const uint8_t(*)[32])ids, cnt, 3);
    const sm_bin *top = bin_at(s, 0), *yz = bin_at(s, 1);
    assert_non_null(top);
    assert_non_null(yz);
    assert_int_equal(luxc_snowball_preference(&top->sb), 1);
    assert_int_equal(top->sb.sf.confidence, 1);
    assert_int_equal(top->str[1], 1);
    /* Y vs Z: 2 against 2, below alpha: unsuccessful, both leaves untouched
     * by success; the preference walks to Y (the first of the pair). */
    assert_int_equal(yz->sb.sf.confidence, 0);
    assert_int_equal(s->nodes[iy].leaf.confidence, 0);
    assert_int_equal(luxc_sm_inst_preference(s, s->root), iy);
    /* Four for Z: both bins on its path succeed, and Z's own leaf. */
    const uint32_t cz[3] = {0, 0, 4};
    poll_counts(s, (const uint8_t(*)[32])ids, cz, 3);
    assert_int_equal(luxc_sm_inst_preference(s, s->root), iz);
    assert_int_equal(top->sb.sf.confidence, 2);
    assert_int_equal(s->nodes[iz].leaf.confidence, 1);
    assert_false(luxc_sm_inst_finalized(s, s->root)); /* Y/Z bin and leaf: 1 < beta */
    assert_int_equal(l.accepted, 0);
    poll_counts(s, (const uint8_t(*)[32])ids, cz, 3);
    assert_int_equal(l.accepted, 1);
    assert_memory_equal(l.last, ids[2], 32);
    assert_int_equal(l.rejected, 2);
    luxc_snowman_free(s);
}

/* A single child needs beta successful polls of its leaf; an
 * unsuccessful poll in between starts it over. */
static void test_leaf_needs_beta(void **state)
{
    (void)state;
    log_t l = {0};
    luxc_snowman *s = mk(&l, 5, 4, 3);
    uint8_t id[1][32];
    id_bits(id[0], (const int[]){3}, 1);
    uint32_t ic = child(s, id[0]);
    const uint32_t ok[1] = {4}, weak[1] = {3};
    poll_counts(s, (const uint8_t(*)[32])id, ok, 1);
    poll_counts(s, (const uint8_t(*)[32])id, ok, 1);
    assert_int_equal(s->nodes[ic].leaf.confidence, 2);
    poll_counts(s, (const uint8_t(*)[32])id, weak, 1);
    assert_int_equal(s->nodes[ic].leaf.confidence, 0);
    poll_counts(s, (const uint8_t(*)[32])id, ok, 1);
    poll_counts(s, (const uint8_t(*)[32])id, ok, 1);
    assert_false(luxc_sm_inst_finalized(s, s->root));
    assert_int_equal(l.accepted, 0);
    poll_counts(s, (const uint8_t(*)[32])id, ok, 1);
    assert_int_equal(l.accepted, 1);
    luxc_snowman_free(s);
}

/* The side of a bin that lost is reset lazily: its leaf keeps its count
 * until the side is polled again, and then starts from zero. */
static void test_lazy_reset(void **state)
{
    (void)state;
    log_t l = {0};
    luxc_snowman *s = mk(&l, 5, 4, 10);
    uint8_t ids[2][32];
    id_bits(ids[0], (const int[]){20}, 1);
    id_bits(ids[1], (const int[]){19}, 1);
    uint32_t i0 = child(s, ids[0]), i1 = child(s, ids[1]);
    const uint32_t for0[2] = {4, 0}, for1[2] = {0, 4};
    poll_counts(s, (const uint8_t(*)[32])ids, for0, 2);
    poll_counts(s, (const uint8_t(*)[32])ids, for0, 2);
    assert_int_equal(s->nodes[i0].leaf.confidence, 2);
    poll_counts(s, (const uint8_t(*)[32])ids, for1, 2);
    const sm_bin *bn = bin_at(s, 19);
    assert_non_null(bn);
    assert_int_equal(bn->reset[0], 1);
    assert_int_equal(s->nodes[i0].leaf.confidence, 2); /* not yet */
    assert_int_equal(s->nodes[i1].leaf.confidence, 1);
    /* Strengths 2 : 1 keep the preference on child 0 (bit 19 = 0). */
    assert_int_equal(luxc_sm_inst_preference(s, s->root), i0);
    poll_counts(s, (const uint8_t(*)[32])ids, for0, 2);
    assert_int_equal(s->nodes[i0].leaf.confidence, 1);
    assert_int_equal(bn->reset[0], 0);
    assert_int_equal(bn->sb.sf.confidence, 1);
    luxc_snowman_free(s);
}

/* Growing the children and bins arrays fails cleanly: ENOMEM from add,
 * the instance unchanged, and the next add works. */
static void test_reserve_failure(void **state)
{
    (void)state;
    log_t l = {0};
    luxc_snowman *s = mk(&l, 5, 4, 3);
    uint8_t id[32];
    int added = 0;
    for (int i = 0; i < 9; i++) {
        id_bits(id, (const int[]){i * 3, 200}, 2);
        for (long n = 0;; n++) {
            luxc_test_alloc_fail_after(n);
            luxc_block b;
            memset(&b, 0, sizeof b);
            memcpy(b.id, id, 32);
            b.parent[31] = 0xee;
            b.height = 1;
            int rc = luxc_snowman_add(s, &b);
            luxc_test_alloc_fail_after(-1);
            if (rc == LUXC_OK)
                break;
            assert_int_equal(rc, LUXC_ENOMEM);
            const sm_node *r = &s->nodes[s->root];
            assert_int_equal(r->nchildren, (uint32_t)added);
            assert_int_equal(r->nbins, added ? (uint32_t)added - 1 : 0);
            assert_int_equal(luxc_sm_lookup(s, id), SM_NONE);
        }
        added++;
    }
    const sm_node *r = &s->nodes[s->root];
    assert_int_equal(r->nchildren, 9);
    assert_int_equal(r->nbins, 8);
    for (uint32_t i = 0; i < r->nbins; i++)
        assert_ptr_equal(r->bins[i].sb.strengths, r->bins[i].str);
    luxc_snowman_free(s);
}

/* Random children (some sharing long prefixes); polls with noise around
 * one target child. The target must end up accepted and every other
 * child rejected, and before that the bins' strengths stay their own. */
static void test_random_target_wins(void **state)
{
    (void)state;
    uint64_t st = seed;
    for (int round = 0; round < 30; round++) {
        log_t l = {0};
        luxc_snowman *s = mk(&l, 20, 15, 4);
        int n = 2 + (int)(luxc_test_rand(&st) % 30);
        uint8_t ids[32][32];
        for (int i = 0; i < n; i++) {
            for (;;) {
                if (i > 0 && luxc_test_rand(&st) % 2) {
                    /* Share a prefix with an earlier child, flip one bit. */
                    memcpy(ids[i], ids[luxc_test_rand(&st) % (uint64_t)i], 32);
                    unsigned bit = (unsigned)(luxc_test_rand(&st) % 256);
                    ids[i][bit >> 3] ^= (uint8_t)(0x80u >> (bit & 7));
                } else {
                    for (int j = 0; j < 32; j++)
                        ids[i][j] = (uint8_t)luxc_test_rand(&st);
                }
                ids[i][31] &= 0x0f; /* never the genesis id (…0xee) */
                if (luxc_sm_lookup(s, ids[i]) == SM_NONE)
                    break;
            }
            child(s, ids[i]);
        }
        const sm_node *r = &s->nodes[s->root];
        if (r->nbins != (uint32_t)n - 1)
            LUXC_TEST_FAIL_SEED(seed, "round %d: %u bins for %d children", round,
                                (unsigned)r->nbins, n);
        int target = (int)(luxc_test_rand(&st) % (uint64_t)n);
        int polls = 0;
        while (!l.accepted && polls < 500) {
            uint8_t v[20][32];
            for (int j = 0; j < 20; j++) {
                int t = luxc_test_rand(&st) % 10 ? target : (int)(luxc_test_rand(&st) % (uint64_t)n);
                memcpy(v[j], ids[t], 32);
            }
            assert_int_equal(luxc_snowman_record_poll(s, (const uint8_t(*)[32])v, 20), LUXC_OK);
            polls++;
        }
        if (l.accepted != 1 || memcmp(l.last, ids[target], 32) || l.rejected != n - 1)
            LUXC_TEST_FAIL_SEED(seed, "round %d: %d children, target %d: accepted %d, rejected %d "
                                "after %d polls", round, n, target, l.accepted, l.rejected, polls);
        luxc_snowman_free(s);
    }
}

int main(void)
{
    seed = luxc_test_seed();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trie_shape),
        cmocka_unit_test(test_split_votes_decide_prefix),
        cmocka_unit_test(test_leaf_needs_beta),
        cmocka_unit_test(test_lazy_reset),
        cmocka_unit_test(test_reserve_failure),
        cmocka_unit_test(test_random_target_wins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
