/* test_store.c - the store API: round trips of every record kind, the
 * accept rules, reopen, read-only mode, every documented argument error,
 * and allocation failure in luxc_store_new. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "store/helpers.h"

typedef struct fixture {
    char dir[64], path[80];
    test_log log;
    luxc_store *s;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    test_tmpdir(f->dir, f->path);
    f->s = test_open(f->path, LUXC_STORE_CREATE, &f->log);
    *state = f;
    return f->s ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    luxc_store_free(f->s);
    test_rmdir(f->dir);
    free(f);
    return 0;
}

static void test_sizes(void **state)
{
    (void)state;
    assert_int_equal(luxc_store_idbytes(), LUXC_STORE_IDBYTES);
    assert_int_equal(luxc_store_chainidbytes(), LUXC_STORE_CHAINIDBYTES);
    assert_int_equal(luxc_store_voterbytes(), LUXC_STORE_VOTERBYTES);
    assert_int_equal(luxc_store_namemaxbytes(), LUXC_STORE_NAMEMAXBYTES);
    assert_int_equal(luxc_store_valuemaxbytes(), LUXC_STORE_VALUEMAXBYTES);
}

static void test_new_store_is_empty(void **state)
{
    fixture *f = *state;
    luxc_store_info info;
    uint64_t h = 77;
    assert_int_equal(luxc_store_info_get(f->s, &info), LUXC_OK);
    assert_int_equal(info.format_version, LUXC_STORE_FORMAT_VERSION);
    assert_memory_equal(info.chain_id, test_chain, 32);
    assert_int_equal(info.has_blocks, 0);
    assert_int_equal(info.votes, 0);
    assert_true(info.map_size >= LUXC_STORE_MAPSIZE_DEFAULT);
    assert_true(info.map_used > 0 && info.map_used <= info.map_size);
    assert_int_equal(luxc_store_last(f->s, &h, NULL), LUXC_ENOTFOUND);
    assert_int_equal(h, 77);
    size_t len;
    assert_int_equal(luxc_store_block_get(f->s, 0, NULL, NULL, NULL, 0, &len),
                     LUXC_ENOTFOUND);
    assert_int_equal(luxc_store_check(f->s), LUXC_OK);
    assert_int_equal(f->log.count, 0);
}

static void test_accept_and_read_back(void **state)
{
    fixture *f = *state;
    const uint64_t seed = 11;
    uint8_t id[32], parent[32], buf[TEST_BLOCK_MAX];
    uint64_t h;
    size_t len;
    assert_int_equal(test_accept_range(f->s, seed, 0, 40), LUXC_OK);
    assert_int_equal(test_verify_range(f->s, seed, 0, 40), 0);
    assert_int_equal(luxc_store_last(f->s, &h, id), LUXC_OK);
    assert_int_equal(h, 40);
    uint8_t want[32];
    test_id(want, seed, 40);
    assert_memory_equal(id, want, 32);
    /* By id, for every height. */
    for (uint64_t i = 0; i <= 40; i++) {
        test_id(want, seed, i);
        assert_int_equal(luxc_store_block_get_by_id(f->s, want, &h, parent, buf,
                                                    sizeof buf, &len), LUXC_OK);
        assert_int_equal(h, i);
        assert_int_equal(len, test_block_len(i));
    }
    /* Size query, exact fit, one short. */
    assert_int_equal(luxc_store_block_get(f->s, 5, NULL, NULL, NULL, 0, &len),
                     LUXC_ETOOBIG);
    assert_int_equal(len, test_block_len(5));
    memset(buf, 0xee, sizeof buf);
    assert_int_equal(luxc_store_block_get(f->s, 5, NULL, NULL, buf, len - 1, &len),
                     LUXC_ETOOBIG);
    assert_int_equal(buf[0], 0xee);
    assert_int_equal(luxc_store_block_get(f->s, 5, NULL, NULL, buf, len, &len), LUXC_OK);
    assert_int_equal(luxc_store_cert_get(f->s, 5, NULL, 0, &len), LUXC_ETOOBIG);
    assert_int_equal(len, test_cert_len(5));
    assert_int_equal(luxc_store_cert_get(f->s, 41, buf, sizeof buf, &len),
                     LUXC_ENOTFOUND);
    memset(want, 0x55, 32);
    assert_int_equal(luxc_store_block_get_by_id(f->s, want, &h, NULL, buf, sizeof buf,
                                                &len), LUXC_ENOTFOUND);
    luxc_store_info info;
    assert_int_equal(luxc_store_info_get(f->s, &info), LUXC_OK);
    assert_int_equal(info.has_blocks, 1);
    assert_int_equal(info.first_height, 0);
    assert_int_equal(info.last_height, 40);
    assert_int_equal(luxc_store_check(f->s), LUXC_OK);
    assert_int_equal(f->log.count, 0); /* ENOTFOUND/ETOOBIG are not logged */
}

static void test_accept_rules(void **state)
{
    fixture *f = *state;
    const uint64_t seed = 12;
    uint8_t id[32], parent[32], other[32], cert[4] = {1, 2, 3, 4};
    uint64_t h;
    /* The first block may sit at any height. */
    assert_int_equal(test_accept_range(f->s, seed, 100, 104), LUXC_OK);
    test_id(id, seed, 104);
    test_id(parent, seed, 103);
    /* Replay of the same block: EEXIST, not logged. */
    assert_int_equal(luxc_store_accept_block(f->s, 104, id, parent, NULL, 0, cert, 4),
                     LUXC_EEXIST);
    assert_int_equal(f->log.count, 0);
    /* A different block at a final height. */
    memset(other, 9, 32);
    assert_int_equal(luxc_store_accept_block(f->s, 104, other, parent, NULL, 0, cert, 4),
                     LUXC_ESTALE);
    assert_int_equal(f->log.last_err, LUXC_ESTALE);
    assert_non_null(strstr(f->log.last, "104"));
    assert_int_equal(luxc_store_accept_block(f->s, 50, other, parent, NULL, 0, cert, 4),
                     LUXC_ESTALE);
    /* A gap. */
    assert_int_equal(luxc_store_accept_block(f->s, 106, other, id, NULL, 0, cert, 4),
                     LUXC_ESTATE);
    /* Wrong parent. */
    assert_int_equal(luxc_store_accept_block(f->s, 105, other, other, NULL, 0, cert, 4),
                     LUXC_EINVAL);
    /* An id already final at another height. */
    test_id(other, seed, 101);
    assert_int_equal(luxc_store_accept_block(f->s, 105, other, id, NULL, 0, cert, 4),
                     LUXC_EDUPLICATE);
    /* Arguments. */
    memset(other, 7, 32);
    assert_int_equal(luxc_store_accept_block(NULL, 105, other, id, NULL, 0, cert, 4),
                     LUXC_EINVAL);
    assert_int_equal(luxc_store_accept_block(f->s, 105, NULL, id, NULL, 0, cert, 4),
                     LUXC_EINVAL);
    assert_int_equal(luxc_store_accept_block(f->s, 105, other, NULL, NULL, 0, cert, 4),
                     LUXC_EINVAL);
    assert_int_equal(luxc_store_accept_block(f->s, 105, other, id, NULL, 1, cert, 4),
                     LUXC_EINVAL);
    assert_int_equal(luxc_store_accept_block(f->s, 105, other, id, NULL, 0, NULL, 4),
                     LUXC_EINVAL);
    assert_int_equal(luxc_store_accept_block(f->s, 105, other, id, NULL, 0, cert, 0),
                     LUXC_EINVAL);
    assert_int_equal(luxc_store_accept_block(f->s, 105, other, id, cert,
                                             LUXC_STORE_VALUEMAXBYTES + 1u, cert, 4),
                     LUXC_ETOOBIG);
    assert_int_equal(luxc_store_accept_block(f->s, 105, other, id, NULL, 0, cert,
                                             LUXC_STORE_VALUEMAXBYTES + 1u),
                     LUXC_ETOOBIG);
    /* Nothing above changed the store. */
    assert_int_equal(luxc_store_last(f->s, &h, NULL), LUXC_OK);
    assert_int_equal(h, 104);
    assert_int_equal(test_verify_range(f->s, seed, 100, 104), 0);
    assert_int_equal(luxc_store_check(f->s), LUXC_OK);
    /* An empty block body is fine. */
    assert_int_equal(luxc_store_accept_block(f->s, 105, other, id, NULL, 0, cert, 4),
                     LUXC_OK);
    size_t len = 99;
    assert_int_equal(luxc_store_block_get(f->s, 105, NULL, NULL, NULL, 0, &len), LUXC_OK);
    assert_int_equal(len, 0);
}

/* Batches: all or nothing, each block extending the one before. */
static void test_accept_batch(void **state)
{
    fixture *f = *state;
    const uint64_t seed = 14;
    uint8_t ids[12][32], parents[12][32], blocks[12][64], cert[8] = {8};
    luxc_store_accepted b[12];
    uint64_t h;
    assert_int_equal(test_accept_range(f->s, seed, 0, 4), LUXC_OK);
    for (int i = 0; i < 12; i++) {
        uint64_t height = 5 + (uint64_t)i;
        test_id(ids[i], seed, height);
        test_id(parents[i], seed, height - 1);
        test_fill(blocks[i], sizeof blocks[i], seed, height, 1);
        b[i] = (luxc_store_accepted){.height = height, .id = ids[i],
                                     .parent = parents[i], .block = blocks[i],
                                     .block_len = sizeof blocks[i], .cert = cert,
                                     .cert_len = sizeof cert};
    }
    /* A bad block in the middle: nothing of the batch is written. */
    b[6].parent = ids[0];
    assert_int_equal(luxc_store_accept_batch(f->s, b, 12), LUXC_EINVAL);
    assert_non_null(strstr(f->log.last, "height 11"));
    assert_int_equal(luxc_store_last(f->s, &h, NULL), LUXC_OK);
    assert_int_equal(h, 4);
    size_t len;
    assert_int_equal(luxc_store_block_get(f->s, 5, NULL, NULL, NULL, 0, &len),
                     LUXC_ENOTFOUND);
    b[6].parent = parents[6];
    b[3].cert_len = 0;
    assert_int_equal(luxc_store_accept_batch(f->s, b, 12), LUXC_EINVAL);
    b[3].cert_len = sizeof cert;
    b[3].block_len = LUXC_STORE_VALUEMAXBYTES + 1u;
    assert_int_equal(luxc_store_accept_batch(f->s, b, 12), LUXC_ETOOBIG);
    b[3].block_len = sizeof blocks[3];
    /* The whole batch, then read back. */
    assert_int_equal(luxc_store_accept_batch(f->s, b, 6), LUXC_OK);
    assert_int_equal(luxc_store_accept_batch(f->s, b + 6, 6), LUXC_OK);
    assert_int_equal(luxc_store_last(f->s, &h, NULL), LUXC_OK);
    assert_int_equal(h, 16);
    for (int i = 0; i < 12; i++) {
        uint8_t got[64], id[32], parent[32];
        assert_int_equal(luxc_store_block_get(f->s, 5 + (uint64_t)i, id, parent, got,
                                              sizeof got, &len), LUXC_OK);
        assert_memory_equal(got, blocks[i], sizeof got);
        assert_memory_equal(id, ids[i], 32);
        assert_memory_equal(parent, parents[i], 32);
    }
    /* A replayed batch is refused as a whole; a replay of one is EEXIST. */
    assert_int_equal(luxc_store_accept_batch(f->s, b + 10, 2), LUXC_EEXIST);
    assert_int_equal(luxc_store_accept_batch(f->s, b + 11, 1), LUXC_EEXIST);
    assert_int_equal(luxc_store_accept_batch(NULL, b, 1), LUXC_EINVAL);
    assert_int_equal(luxc_store_accept_batch(f->s, NULL, 1), LUXC_EINVAL);
    assert_int_equal(luxc_store_accept_batch(f->s, b, 0), LUXC_EINVAL);
    assert_int_equal(luxc_store_check(f->s), LUXC_OK);
}

typedef struct collect_none {
    int n;
} collect_none;

static int count_fn(void *ctx, const luxc_store_block_view *b)
{
    collect_none *c = ctx;
    c->n += b->height == UINT64_MAX;
    return 0;
}

static void test_height_overflow(void **state)
{
    fixture *f = *state;
    uint8_t a[32] = {1}, b[32] = {2}, z[32] = {0}, cert[1] = {1};
    assert_int_equal(luxc_store_accept_block(f->s, UINT64_MAX, a, z, NULL, 0, cert, 1),
                     LUXC_OK);
    assert_int_equal(luxc_store_accept_block(f->s, 0, b, a, NULL, 0, cert, 1),
                     LUXC_ESTALE);
    /* Nothing lies above UINT64_MAX: every height is now stale or a replay. */
    assert_int_equal(luxc_store_accept_block(f->s, UINT64_MAX, a, z, NULL, 0, cert, 1),
                     LUXC_EEXIST);
    collect_none c = {0};
    assert_int_equal(luxc_store_blocks_foreach(f->s, UINT64_MAX - 1, UINT64_MAX,
                                               count_fn, &c), LUXC_OK);
    assert_int_equal(c.n, 1);
    uint64_t h;
    assert_int_equal(luxc_store_last(f->s, &h, NULL), LUXC_OK);
    assert_int_equal(h, UINT64_MAX);
    assert_int_equal(luxc_store_check(f->s), LUXC_OK);
}

typedef struct collect {
    uint64_t seed, heights[64];
    int n, stop_after, bad;
} collect;

static int collect_fn(void *ctx, const luxc_store_block_view *b)
{
    collect *c = ctx;
    uint8_t want[TEST_BLOCK_MAX];
    uint8_t id[32];
    test_id(id, c->seed, b->height);
    size_t wl = test_fill(want, test_block_len(b->height), c->seed, b->height, 1);
    if (b->block_len != wl || memcmp(b->block, want, wl) || memcmp(b->id, id, 32))
        c->bad++;
    wl = test_fill(want, test_cert_len(b->height), c->seed, b->height, 2);
    if (b->cert_len != wl || memcmp(b->cert, want, wl))
        c->bad++;
    test_id(id, c->seed, b->height - 1);
    if (memcmp(b->parent, id, 32))
        c->bad++;
    c->heights[c->n++] = b->height;
    return c->n == c->stop_after ? 7 : 0;
}

static void test_blocks_foreach(void **state)
{
    fixture *f = *state;
    collect c = {.seed = 13};
    assert_int_equal(test_accept_range(f->s, c.seed, 10, 30), LUXC_OK);
    assert_int_equal(luxc_store_blocks_foreach(f->s, 0, 14, collect_fn, &c), LUXC_OK);
    assert_int_equal(c.n, 5);
    assert_int_equal(c.heights[0], 10);
    assert_int_equal(c.heights[4], 14);
    c.n = 0;
    assert_int_equal(luxc_store_blocks_foreach(f->s, 28, UINT64_MAX, collect_fn, &c),
                     LUXC_OK);
    assert_int_equal(c.n, 3);
    assert_int_equal(c.heights[2], 30);
    c.n = 0;
    assert_int_equal(luxc_store_blocks_foreach(f->s, 20, 10, collect_fn, &c), LUXC_OK);
    assert_int_equal(luxc_store_blocks_foreach(f->s, 31, 100, collect_fn, &c), LUXC_OK);
    assert_int_equal(c.n, 0);
    c.stop_after = 4;
    assert_int_equal(luxc_store_blocks_foreach(f->s, 12, 30, collect_fn, &c), 7);
    assert_int_equal(c.n, 4);
    assert_int_equal(c.heights[3], 15);
    assert_int_equal(c.bad, 0);
    assert_int_equal(luxc_store_blocks_foreach(NULL, 0, 1, collect_fn, &c), LUXC_EINVAL);
    assert_int_equal(luxc_store_blocks_foreach(f->s, 0, 1, NULL, &c), LUXC_EINVAL);
}

typedef struct vote_seen {
    uint32_t rounds[16];
    uint8_t voters[16];
    int n, stop_after;
    uint64_t height;
} vote_seen;

static int vote_fn(void *ctx, uint64_t height, uint32_t round, const uint8_t *voter,
                   const uint8_t *vote, size_t vote_len)
{
    vote_seen *v = ctx;
    if (height != v->height || vote_len != 3 || vote[0] != voter[0])
        return -99;
    v->rounds[v->n] = round;
    v->voters[v->n++] = voter[0];
    return v->n == v->stop_after ? 5 : 0;
}

static void test_votes(void **state)
{
    fixture *f = *state;
    uint8_t voter[32] = {0}, vote[3], buf[8];
    size_t len;
    /* Insert out of order: heights 3..6, rounds 2,1, voters 9,4. */
    for (uint64_t h = 3; h <= 6; h++)
        for (uint32_t r = 2; r >= 1; r--)
            for (int v = 9; v >= 4; v -= 5) {
                voter[0] = (uint8_t)v;
                vote[0] = (uint8_t)v;
                vote[1] = (uint8_t)h;
                vote[2] = (uint8_t)r;
                assert_int_equal(luxc_store_vote_put(f->s, h, r, voter, vote, 3), LUXC_OK);
            }
    voter[0] = 9;
    assert_int_equal(luxc_store_vote_get(f->s, 5, 2, voter, buf, sizeof buf, &len), LUXC_OK);
    assert_int_equal(len, 3);
    assert_int_equal(buf[1], 5);
    assert_int_equal(buf[2], 2);
    /* Identical re-put is fine; a different vote is refused, first kept. */
    uint8_t same[3] = {9, 5, 2}, diff[3] = {9, 5, 3};
    assert_int_equal(luxc_store_vote_put(f->s, 5, 2, voter, same, 3), LUXC_OK);
    assert_int_equal(luxc_store_vote_put(f->s, 5, 2, voter, diff, 3), LUXC_EEXIST);
    assert_int_equal(luxc_store_vote_put(f->s, 5, 2, voter, diff, 2), LUXC_EEXIST);
    assert_int_equal(luxc_store_vote_get(f->s, 5, 2, voter, buf, sizeof buf, &len), LUXC_OK);
    assert_memory_equal(buf, same, 3);
    assert_int_equal(luxc_store_vote_get(f->s, 5, 3, voter, buf, sizeof buf, &len),
                     LUXC_ENOTFOUND);
    assert_int_equal(luxc_store_vote_get(f->s, 5, 2, voter, NULL, 0, &len), LUXC_ETOOBIG);
    assert_int_equal(len, 3);
    /* Walk one height: round, then voter order. */
    vote_seen vs = {.height = 4};
    assert_int_equal(luxc_store_votes_foreach(f->s, 4, vote_fn, &vs), LUXC_OK);
    assert_int_equal(vs.n, 4);
    assert_int_equal(vs.rounds[0], 1);
    assert_int_equal(vs.voters[0], 4);
    assert_int_equal(vs.voters[1], 9);
    assert_int_equal(vs.rounds[3], 2);
    vs = (vote_seen){.height = 4, .stop_after = 2};
    assert_int_equal(luxc_store_votes_foreach(f->s, 4, vote_fn, &vs), 5);
    vs = (vote_seen){.height = 7};
    assert_int_equal(luxc_store_votes_foreach(f->s, 7, vote_fn, &vs), LUXC_OK);
    assert_int_equal(vs.n, 0);
    luxc_store_info info;
    assert_int_equal(luxc_store_info_get(f->s, &info), LUXC_OK);
    assert_int_equal(info.votes, 16);
    /* Prune below 5: heights 3 and 4 go. */
    uint64_t removed = 0;
    assert_int_equal(luxc_store_votes_prune(f->s, 5, &removed), LUXC_OK);
    assert_int_equal(removed, 8);
    assert_int_equal(luxc_store_vote_get(f->s, 4, 1, voter, buf, sizeof buf, &len),
                     LUXC_ENOTFOUND);
    assert_int_equal(luxc_store_vote_get(f->s, 5, 1, voter, buf, sizeof buf, &len), LUXC_OK);
    assert_int_equal(luxc_store_votes_prune(f->s, 5, NULL), LUXC_OK);
    assert_int_equal(luxc_store_votes_prune(f->s, UINT64_MAX, &removed), LUXC_OK);
    assert_int_equal(removed, 8);
    assert_int_equal(luxc_store_info_get(f->s, &info), LUXC_OK);
    assert_int_equal(info.votes, 0);
    /* Arguments. */
    assert_int_equal(luxc_store_vote_put(NULL, 1, 1, voter, vote, 3), LUXC_EINVAL);
    assert_int_equal(luxc_store_vote_put(f->s, 1, 1, NULL, vote, 3), LUXC_EINVAL);
    assert_int_equal(luxc_store_vote_put(f->s, 1, 1, voter, NULL, 3), LUXC_EINVAL);
    assert_int_equal(luxc_store_vote_put(f->s, 1, 1, voter, vote, 0), LUXC_EINVAL);
    assert_int_equal(luxc_store_vote_put(f->s, 1, 1, voter, vote,
                                         LUXC_STORE_VALUEMAXBYTES + 1u), LUXC_ETOOBIG);
    assert_int_equal(luxc_store_vote_get(NULL, 1, 1, voter, buf, 8, &len), LUXC_EINVAL);
    assert_int_equal(luxc_store_vote_get(f->s, 1, 1, NULL, buf, 8, &len), LUXC_EINVAL);
    assert_int_equal(luxc_store_vote_get(f->s, 1, 1, voter, buf, 8, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_store_vote_get(f->s, 1, 1, voter, NULL, 8, &len), LUXC_EINVAL);
    assert_int_equal(luxc_store_votes_foreach(NULL, 1, vote_fn, &vs), LUXC_EINVAL);
    assert_int_equal(luxc_store_votes_foreach(f->s, 1, NULL, &vs), LUXC_EINVAL);
    assert_int_equal(luxc_store_votes_prune(NULL, 1, NULL), LUXC_EINVAL);
}

static void test_weights(void **state)
{
    fixture *f = *state;
    uint8_t blob[300], buf[300];
    uint64_t ver = 0;
    size_t len;
    char name64[LUXC_STORE_NAMEMAXBYTES + 2];
    test_fill(blob, sizeof blob, 5, 5, 5);
    assert_int_equal(luxc_store_weights_put(f->s, "model", 3, blob, 200), LUXC_OK);
    assert_int_equal(luxc_store_weights_get(f->s, "model", &ver, buf, sizeof buf, &len),
                     LUXC_OK);
    assert_int_equal(ver, 3);
    assert_int_equal(len, 200);
    assert_memory_equal(buf, blob, 200);
    /* Replace with a newer, longer blob. */
    assert_int_equal(luxc_store_weights_put(f->s, "model", 4, blob, 300), LUXC_OK);
    assert_int_equal(luxc_store_weights_get(f->s, "model", &ver, NULL, 0, &len),
                     LUXC_ETOOBIG);
    assert_int_equal(len, 300);
    assert_int_equal(luxc_store_weights_get(f->s, "model", NULL, buf, sizeof buf, &len),
                     LUXC_OK);
    assert_memory_equal(buf, blob, 300);
    /* Empty blob, other names, boundaries of the name length. */
    assert_int_equal(luxc_store_weights_put(f->s, "empty", 1, NULL, 0), LUXC_OK);
    assert_int_equal(luxc_store_weights_get(f->s, "empty", &ver, NULL, 0, &len), LUXC_OK);
    assert_int_equal(len, 0);
    assert_int_equal(ver, 1);
    assert_int_equal(luxc_store_weights_get(f->s, "mode", &ver, buf, 300, &len),
                     LUXC_ENOTFOUND);
    memset(name64, 'w', sizeof name64);
    name64[LUXC_STORE_NAMEMAXBYTES] = '\0';
    assert_int_equal(luxc_store_weights_put(f->s, name64, 9, blob, 1), LUXC_OK);
    assert_int_equal(luxc_store_weights_get(f->s, name64, &ver, buf, 1, &len), LUXC_OK);
    assert_int_equal(ver, 9);
    name64[LUXC_STORE_NAMEMAXBYTES] = 'w';
    name64[LUXC_STORE_NAMEMAXBYTES + 1] = '\0';
    assert_int_equal(luxc_store_weights_put(f->s, name64, 9, blob, 1), LUXC_ETOOBIG);
    assert_int_equal(luxc_store_weights_get(f->s, name64, &ver, buf, 1, &len),
                     LUXC_ETOOBIG);
    assert_int_equal(luxc_store_weights_put(f->s, "", 9, blob, 1), LUXC_EINVAL);
    assert_int_equal(luxc_store_weights_put(f->s, NULL, 9, blob, 1), LUXC_EINVAL);
    assert_int_equal(luxc_store_weights_put(f->s, "x", 9, NULL, 1), LUXC_EINVAL);
    assert_int_equal(luxc_store_weights_put(f->s, "x", 9, blob,
                                            LUXC_STORE_VALUEMAXBYTES + 1u), LUXC_ETOOBIG);
    assert_int_equal(luxc_store_weights_put(NULL, "x", 9, blob, 1), LUXC_EINVAL);
    assert_int_equal(luxc_store_weights_get(NULL, "x", &ver, buf, 1, &len), LUXC_EINVAL);
    assert_int_equal(luxc_store_weights_get(f->s, "", &ver, buf, 1, &len), LUXC_EINVAL);
    assert_int_equal(luxc_store_weights_get(f->s, NULL, &ver, buf, 1, &len), LUXC_EINVAL);
    assert_int_equal(luxc_store_weights_get(f->s, "x", &ver, buf, 1, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_store_weights_get(f->s, "x", &ver, NULL, 1, &len), LUXC_EINVAL);
    assert_int_equal(f->log.last_err, LUXC_EINVAL);
}

static void test_read_null_args(void **state)
{
    fixture *f = *state;
    uint8_t id[32] = {0}, buf[4];
    uint64_t h;
    size_t len;
    luxc_store_info info;
    assert_int_equal(luxc_store_info_get(NULL, &info), LUXC_EINVAL);
    assert_int_equal(luxc_store_info_get(f->s, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_store_last(NULL, &h, id), LUXC_EINVAL);
    assert_int_equal(luxc_store_last(f->s, NULL, id), LUXC_EINVAL);
    assert_int_equal(luxc_store_block_get(NULL, 0, id, id, buf, 4, &len), LUXC_EINVAL);
    assert_int_equal(luxc_store_block_get(f->s, 0, id, id, buf, 4, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_store_block_get(f->s, 0, id, id, NULL, 4, &len), LUXC_EINVAL);
    assert_int_equal(luxc_store_block_get_by_id(NULL, id, &h, id, buf, 4, &len),
                     LUXC_EINVAL);
    assert_int_equal(luxc_store_block_get_by_id(f->s, NULL, &h, id, buf, 4, &len),
                     LUXC_EINVAL);
    assert_int_equal(luxc_store_block_get_by_id(f->s, id, &h, id, NULL, 4, &len),
                     LUXC_EINVAL);
    assert_int_equal(luxc_store_block_get_by_id(f->s, id, &h, id, buf, 4, NULL),
                     LUXC_EINVAL);
    assert_int_equal(luxc_store_cert_get(NULL, 0, buf, 4, &len), LUXC_EINVAL);
    assert_int_equal(luxc_store_cert_get(f->s, 0, NULL, 4, &len), LUXC_EINVAL);
    assert_int_equal(luxc_store_cert_get(f->s, 0, buf, 4, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_store_check(NULL), LUXC_EINVAL);
    luxc_store_free(NULL);
}

/* Everything written survives close and reopen, byte for byte, and a
 * read-only open reads it but refuses writes. */
static void test_reopen_identical(void **state)
{
    fixture *f = *state;
    const uint64_t seed = luxc_test_seed();
    uint64_t rs = seed;
    uint64_t first = luxc_test_rand(&rs) % 1000, n = 20 + luxc_test_rand(&rs) % 60;
    uint8_t voter[32], vote[40], buf[64], blob[500];
    size_t len;
    uint64_t ver;
    if (test_accept_range(f->s, seed, first, first + n) != LUXC_OK)
        LUXC_TEST_FAIL_SEED(seed, "accept");
    for (int i = 0; i < 30; i++) {
        test_id(voter, seed, (uint64_t)i + 1000);
        test_fill(vote, sizeof vote, seed, (uint64_t)i, 3);
        assert_int_equal(luxc_store_vote_put(f->s, first + n + 1, (uint32_t)i % 3, voter,
                                             vote, 1 + (size_t)i), LUXC_OK);
    }
    test_fill(blob, sizeof blob, seed, 0, 4);
    assert_int_equal(luxc_store_weights_put(f->s, "ai", seed, blob, sizeof blob), LUXC_OK);
    luxc_store_free(f->s);
    f->s = NULL;
    for (int pass = 0; pass < 2; pass++) {
        unsigned flags = pass == 0 ? LUXC_STORE_RDONLY : 0;
        luxc_store *s = test_open(f->path, flags, &f->log);
        assert_non_null(s);
        if (test_verify_range(s, seed, first, first + n) != 0)
            LUXC_TEST_FAIL_SEED(seed, "blocks differ after reopen (pass %d)", pass);
        uint64_t h;
        assert_int_equal(luxc_store_last(s, &h, NULL), LUXC_OK);
        assert_int_equal(h, first + n);
        for (int i = 0; i < 30; i++) {
            test_id(voter, seed, (uint64_t)i + 1000);
            test_fill(vote, sizeof vote, seed, (uint64_t)i, 3);
            assert_int_equal(luxc_store_vote_get(s, first + n + 1, (uint32_t)i % 3, voter,
                                                 buf, sizeof buf, &len), LUXC_OK);
            assert_int_equal(len, 1 + (size_t)i);
            assert_memory_equal(buf, vote, len);
        }
        uint8_t got[500];
        assert_int_equal(luxc_store_weights_get(s, "ai", &ver, got, sizeof got, &len),
                         LUXC_OK);
        assert_int_equal(ver, seed);
        assert_memory_equal(got, blob, sizeof blob);
        if (pass == 0) {
            uint8_t z[32] = {0};
            assert_int_equal(luxc_store_accept_block(s, first + n + 1, z, z, NULL, 0, z,
                                                     1), LUXC_EUNSUPPORTED);
            assert_int_equal(luxc_store_vote_put(s, 1, 1, z, z, 1), LUXC_EUNSUPPORTED);
            assert_int_equal(luxc_store_votes_prune(s, 1, NULL), LUXC_EUNSUPPORTED);
            assert_int_equal(luxc_store_weights_put(s, "x", 1, z, 1), LUXC_EUNSUPPORTED);
            assert_int_equal(f->log.last_err, LUXC_EUNSUPPORTED);
        }
        luxc_store_free(s);
    }
    /* A chain_id of NULL opens a store of any chain. */
    luxc_store_cfg c = test_cfg(f->path, 0, NULL);
    c.chain_id = NULL;
    assert_int_equal(luxc_store_new(&f->s, &c), LUXC_OK);
    luxc_store_info info;
    assert_int_equal(luxc_store_info_get(f->s, &info), LUXC_OK);
    assert_memory_equal(info.chain_id, test_chain, 32);
}

static void test_new_errors(void **state)
{
    (void)state;
    char dir[64], path[80], errbuf[512], longpath[4100];
    test_log log = {0};
    luxc_store *s = (luxc_store *)1;
    test_tmpdir(dir, path);
    luxc_store_cfg c = test_cfg(path, LUXC_STORE_CREATE, &log);
    c.errbuf = errbuf;
    c.errbuf_len = sizeof errbuf;
    assert_int_equal(luxc_store_new(NULL, &c), LUXC_EINVAL);
    assert_int_equal(luxc_store_new(&s, NULL), LUXC_EINVAL);
    assert_null(s);
    /* Each bad cfg: code, *out NULL, message in errbuf and the log. */
    struct { const char *path; unsigned flags; size_t map; int null_chain, want; } cases[] = {
        {NULL, LUXC_STORE_CREATE, 0, 0, LUXC_EINVAL},
        {"", LUXC_STORE_CREATE, 0, 0, LUXC_EINVAL},
        {path, 0x100, 0, 0, LUXC_EINVAL},
        {path, LUXC_STORE_CREATE | LUXC_STORE_RDONLY, 0, 0, LUXC_EINVAL},
        {path, LUXC_STORE_CREATE, LUXC_STORE_MAPSIZE_MIN - 1, 0, LUXC_ERANGE},
        {path, 0, 0, 0, LUXC_ENOTFOUND},
        {path, LUXC_STORE_RDONLY, 0, 0, LUXC_ENOTFOUND},
        {path, LUXC_STORE_CREATE, 0, 1, LUXC_EINVAL},
        {longpath, LUXC_STORE_CREATE, 0, 0, LUXC_ETOOBIG},
    };
    memset(longpath, 'a', sizeof longpath - 1);
    longpath[sizeof longpath - 1] = '\0';
    longpath[0] = '/';
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        c.path = cases[i].path;
        c.flags = cases[i].flags;
        c.map_size = cases[i].map;
        c.chain_id = cases[i].null_chain ? NULL : test_chain;
        errbuf[0] = '\0';
        int before = log.count;
        s = (luxc_store *)1;
        int rc = luxc_store_new(&s, &c);
        if (rc != cases[i].want)
            fail_msg("case %zu: got %d (%s), want %d", i, rc, errbuf, cases[i].want);
        assert_null(s);
        assert_true(strlen(errbuf) > 0);
        assert_int_equal(log.count, before + 1);
        assert_int_equal(log.last_err, rc);
    }
    /* A short errbuf is truncated, not overrun. */
    char small[8];
    memset(small, 'x', sizeof small);
    c = test_cfg(path, 0, NULL);
    c.errbuf = small;
    c.errbuf_len = 5;
    assert_int_equal(luxc_store_new(&s, &c), LUXC_ENOTFOUND);
    assert_int_equal(strlen(small), 4);
    assert_int_equal(small[5], 'x');
    /* The failed calls created nothing. */
    assert_int_equal(test_file_size(path), -1);
    /* Creating needs the chain id even when the directory exists. */
    assert_int_equal(mkdir(path, 0700), 0);
    c = test_cfg(path, LUXC_STORE_CREATE, NULL);
    c.chain_id = NULL;
    assert_int_equal(luxc_store_new(&s, &c), LUXC_EINVAL);
    test_rmdir(dir);
}

static void test_chain_mismatch(void **state)
{
    fixture *f = *state;
    char errbuf[512];
    uint8_t other[32];
    luxc_store *s = NULL;
    luxc_store_free(f->s);
    f->s = NULL;
    memcpy(other, test_chain, 32);
    other[31] ^= 1;
    luxc_store_cfg c = test_cfg(f->path, LUXC_STORE_CREATE, NULL);
    c.chain_id = other;
    c.errbuf = errbuf;
    c.errbuf_len = sizeof errbuf;
    assert_int_equal(luxc_store_new(&s, &c), LUXC_EPARAM);
    assert_null(s);
    assert_non_null(strstr(errbuf, "chain"));
    c.flags = LUXC_STORE_RDONLY;
    assert_int_equal(luxc_store_new(&s, &c), LUXC_EPARAM);
}

/* Fail the Nth allocation of luxc_store_new, N = 0, 1, ... until it
 * succeeds: every failure is LUXC_ENOMEM, *out stays NULL, nothing leaks
 * (LeakSanitizer in the ASan build); for a new and an existing store. */
static void test_alloc_failures(void **state)
{
    (void)state;
    char dir[64], path[80];
    test_tmpdir(dir, path);
    for (int existing = 0; existing < 2; existing++) {
        long n;
        for (n = 0; n < 100; n++) {
            luxc_store *s = (luxc_store *)1;
            luxc_store_cfg c = test_cfg(path, LUXC_STORE_CREATE, NULL);
            luxc_test_alloc_fail_after(n);
            unsigned long fails = luxc_test_alloc_failures();
            int rc = luxc_store_new(&s, &c);
            int failed = luxc_test_alloc_failures() != fails;
            luxc_test_alloc_fail_after(-1);
            if (rc == LUXC_OK) {
                assert_false(failed);
                assert_non_null(s);
                if (!existing)
                    assert_int_equal(test_accept_range(s, 1, 0, 3), LUXC_OK);
                assert_int_equal(test_verify_range(s, 1, 0, 3), 0);
                luxc_store_free(s);
                break;
            }
            assert_true(failed);
            assert_int_equal(rc, LUXC_ENOMEM);
            assert_null(s);
        }
        assert_true(n > (existing ? 2 : 1)); /* the walk allocates at open */
        assert_true(n < 100);
    }
    test_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test_setup_teardown(test_new_store_is_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_accept_and_read_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_accept_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_accept_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_height_overflow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_blocks_foreach, setup, teardown),
        cmocka_unit_test_setup_teardown(test_votes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_weights, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_null_args, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_identical, setup, teardown),
        cmocka_unit_test(test_new_errors),
        cmocka_unit_test_setup_teardown(test_chain_mismatch, setup, teardown),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
