/* test_blocks.c - accepted blocks and certificates: accept and read back
 * (by height, by id, size queries), the accept rules, batches, the top
 * height, range walks, and argument errors of the reads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "store/helpers.h"

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

/* A callback may read the same store (documented): nested reads work. */
typedef struct nested {
    luxc_store *s;
    int n, bad;
} nested;

static int nested_fn(void *ctx, const luxc_store_block_view *b)
{
    nested *c = ctx;
    uint8_t buf[512];
    size_t len;
    if (luxc_store_cert_get(c->s, b->height, buf, sizeof buf, &len) != LUXC_OK ||
        len != b->cert_len || memcmp(buf, b->cert, len) != 0)
        c->bad++;
    c->n++;
    return 0;
}

static void test_foreach_nested_reads(void **state)
{
    fixture *f = *state;
    nested c = {.s = f->s};
    assert_int_equal(test_accept_range(f->s, 15, 0, 20), LUXC_OK);
    assert_int_equal(luxc_store_blocks_foreach(f->s, 0, 20, nested_fn, &c), LUXC_OK);
    assert_int_equal(c.n, 21);
    assert_int_equal(c.bad, 0);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_accept_and_read_back, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_accept_rules, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_accept_batch, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_height_overflow, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_blocks_foreach, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_foreach_nested_reads, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_read_null_args, fixture_setup, fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
