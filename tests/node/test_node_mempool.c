/* test_node_mempool.c - node_mempool.c: the transaction FIFO ring - push
 * limits, order, the framing a proposal peeks (u16 big-endian length |
 * bytes) under a count and a byte cap, dropping the front, wrap-around,
 * dropping what a final block of ours holds - and luxc_node_submit_tx
 * counting what it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "node_fixture.h"
#include "testutil.h"

static uint8_t out[2 * (2 + LUXC_TX_MAX)];

static void push(node_mempool *p, const char *tx)
{
    assert_int_equal(node_mempool_push(p, (const uint8_t *)tx, strlen(tx)), LUXC_OK);
}

/* The framing of the given strings, as peek must produce it. */
static size_t frame(uint8_t *buf, const char *const *txs, uint32_t count)
{
    size_t off = 0;
    for (uint32_t i = 0; i < count; i++) {
        size_t l = strlen(txs[i]);
        buf[off] = (uint8_t)(l >> 8);
        buf[off + 1] = (uint8_t)l;
        memcpy(buf + off + 2, txs[i], l);
        off += 2 + l;
    }
    return off;
}

static void expect_peek(const node_mempool *p, uint32_t max, size_t cap,
                        const char *const *txs, uint32_t count)
{
    uint8_t want[256];
    size_t wlen = frame(want, txs, count);
    uint32_t c = 99;
    memset(out, 0xEE, 256);
    size_t len = node_mempool_peek(p, max, out, cap, &c);
    assert_int_equal(c, count);
    assert_int_equal(len, wlen);
    assert_memory_equal(out, want, wlen);
    assert_int_equal(out[wlen], 0xEE); /* nothing written past it */
}

static void test_push_limits(void **state)
{
    (void)state;
    node_mempool p;
    assert_int_equal(node_mempool_init(&p, 3), LUXC_OK);
    static uint8_t big[LUXC_TX_MAX + 1];
    memset(big, 0x42, sizeof big);
    assert_int_equal(node_mempool_push(&p, NULL, 1), LUXC_EINVAL);
    assert_int_equal(node_mempool_push(&p, big, 0), LUXC_EINVAL);
    assert_int_equal(node_mempool_push(&p, big, LUXC_TX_MAX + 1), LUXC_EINVAL);
    assert_int_equal(p.count, 0);
    assert_int_equal(node_mempool_push(&p, big, LUXC_TX_MAX), LUXC_OK);
    assert_int_equal(node_mempool_push(&p, big, 1), LUXC_OK);
    /* out of memory: refused, nothing queued */
    luxc_test_alloc_fail_after(0);
    assert_int_equal(node_mempool_push(&p, big, 1), LUXC_ENOMEM);
    luxc_test_alloc_fail_after(-1);
    assert_int_equal(p.count, 2);
    push(&p, "x");
    assert_int_equal(p.count, 3);
    assert_int_equal(node_mempool_push(&p, big, 1), LUXC_EFULL);
    assert_int_equal(node_mempool_push(&p, big, LUXC_TX_MAX + 1), LUXC_EINVAL);
    assert_int_equal(p.count, 3);
    /* the largest transaction is framed with length 0x1000 */
    uint32_t c;
    size_t len = node_mempool_peek(&p, 1, out, sizeof out, &c);
    assert_int_equal(c, 1);
    assert_int_equal(len, 2 + LUXC_TX_MAX);
    assert_int_equal(out[0], LUXC_TX_MAX >> 8);
    assert_int_equal(out[1], LUXC_TX_MAX & 0xff);
    assert_memory_equal(out + 2, big, LUXC_TX_MAX);
    node_mempool_free(&p); /* frees what is queued (ASan) */
    assert_null(p.txs);
    node_mempool_free(&p); /* twice is harmless */
    /* init out of memory */
    luxc_test_alloc_fail_after(0);
    assert_int_equal(node_mempool_init(&p, 3), LUXC_ENOMEM);
    luxc_test_alloc_fail_after(-1);
    node_mempool_free(&p);
}

static void test_fifo_and_peek(void **state)
{
    (void)state;
    node_mempool p;
    assert_int_equal(node_mempool_init(&p, 8), LUXC_OK);
    static const char *const txs[] = {"a", "bc", "def", "ghij"};
    uint32_t c = 7;
    assert_int_equal(node_mempool_peek(&p, 10, out, sizeof out, &c), 0); /* empty */
    assert_int_equal(c, 0);
    for (int i = 0; i < 4; i++)
        push(&p, txs[i]);
    /* all of them, in order: 00 01 'a' 00 02 'b' 'c' ... */
    expect_peek(&p, 10, sizeof out, txs, 4);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[1], 1);
    assert_int_equal(out[2], 'a');
    assert_int_equal(out[3], 0);
    assert_int_equal(out[4], 2);
    /* peek removes nothing */
    assert_int_equal(p.count, 4);
    expect_peek(&p, 10, sizeof out, txs, 4);
    /* at most max */
    expect_peek(&p, 0, sizeof out, txs, 0);
    expect_peek(&p, 1, sizeof out, txs, 1);
    expect_peek(&p, 3, sizeof out, txs, 3);
    /* the byte cap: a frame fits only whole (a 3, bc 4, def 5, ghij 6) */
    expect_peek(&p, 10, 0, txs, 0);
    expect_peek(&p, 10, 2, txs, 0);
    expect_peek(&p, 10, 3, txs, 1);
    expect_peek(&p, 10, 6, txs, 1);
    expect_peek(&p, 10, 7, txs, 2);
    expect_peek(&p, 10, 11, txs, 2);
    expect_peek(&p, 10, 12, txs, 3);
    expect_peek(&p, 10, 17, txs, 3);
    expect_peek(&p, 10, 18, txs, 4);
    expect_peek(&p, 2, 18, txs, 2);
    /* the front leaves first */
    node_mempool_drop_front(&p, 1);
    assert_int_equal(p.count, 3);
    expect_peek(&p, 10, sizeof out, txs + 1, 3);
    node_mempool_drop_front(&p, 0);
    expect_peek(&p, 10, 4, txs + 1, 1);
    expect_peek(&p, 10, 3, txs + 1, 0);
    node_mempool_drop_front(&p, 2);
    expect_peek(&p, 10, sizeof out, txs + 3, 1);
    /* more than there is: empty, not below zero */
    node_mempool_drop_front(&p, 5);
    assert_int_equal(p.count, 0);
    expect_peek(&p, 10, sizeof out, txs, 0);
    push(&p, "a");
    expect_peek(&p, 10, sizeof out, txs, 1);
    /* a front too big for the cap stops the frame, though a later one fits:
     * the block takes a prefix of the queue, never skips ahead */
    static const char *const big_first[] = {"ghij", "a"};
    node_mempool_drop_front(&p, 1);
    push(&p, "ghij");
    push(&p, "a");
    expect_peek(&p, 10, 5, big_first, 0);
    expect_peek(&p, 10, 6, big_first, 1);
    expect_peek(&p, 10, 9, big_first, 2);
    node_mempool_free(&p);
}

static void test_wrap_around(void **state)
{
    (void)state;
    node_mempool p;
    assert_int_equal(node_mempool_init(&p, 3), LUXC_OK);
    static const char *const txs[] = {"t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7"};
    push(&p, "t0");
    push(&p, "t1");
    push(&p, "t2");
    node_mempool_drop_front(&p, 2);
    assert_int_equal(p.head, 2);
    push(&p, "t3"); /* slot 0 */
    push(&p, "t4"); /* slot 1 */
    assert_int_equal(p.count, 3);
    assert_int_equal(node_mempool_push(&p, (const uint8_t *)"t5", 2), LUXC_EFULL);
    expect_peek(&p, 10, sizeof out, txs + 2, 3); /* t2 t3 t4 across the end */
    node_mempool_drop_front(&p, 1);
    assert_int_equal(p.head, 0);
    push(&p, "t5");
    expect_peek(&p, 10, sizeof out, txs + 3, 3);
    node_mempool_drop_front(&p, 2);
    assert_int_equal(p.head, 2);
    push(&p, "t6");
    push(&p, "t7");
    expect_peek(&p, 10, sizeof out, txs + 5, 3);
    expect_peek(&p, 2, sizeof out, txs + 5, 2);
    node_mempool_drop_front(&p, 3);
    assert_int_equal(p.count, 0);
    assert_int_equal(p.head, 2);
    node_mempool_free(&p);
}

/* A final block of ours takes the transactions it holds off the front. */
static void test_drop_included(void **state)
{
    (void)state;
    node_mempool p;
    assert_int_equal(node_mempool_init(&p, 4), LUXC_OK);
    static const char *const txs[] = {"a", "bc", "def", "x"};
    uint8_t block[64];
    size_t blen = frame(block, txs, 2);
    assert_int_equal(node_mempool_drop_included(&p, block, blen), 0); /* empty queue */
    push(&p, "a");
    push(&p, "bc");
    push(&p, "def");
    /* the block holds the first two */
    assert_int_equal(node_mempool_drop_included(&p, block, blen), 2);
    expect_peek(&p, 10, sizeof out, txs + 2, 1);
    /* a block holding something else, or a longer or shorter tx, drops nothing */
    assert_int_equal(node_mempool_drop_included(&p, block, blen), 0);
    static const char *const de[] = {"de"}, *const defg[] = {"defg"};
    blen = frame(block, de, 1);
    assert_int_equal(node_mempool_drop_included(&p, block, blen), 0);
    blen = frame(block, defg, 1);
    assert_int_equal(node_mempool_drop_included(&p, block, blen), 0);
    /* a frame cut short is not the tx */
    blen = frame(block, txs + 2, 1);
    assert_int_equal(node_mempool_drop_included(&p, block, blen - 1), 0);
    assert_int_equal(node_mempool_drop_included(&p, block, 1), 0);
    assert_int_equal(node_mempool_drop_included(&p, block, 0), 0);
    assert_int_equal(p.count, 1);
    /* a block with more than the queue: all of it goes, then it stops */
    push(&p, "x");
    blen = frame(block, txs, 4);
    assert_int_equal(node_mempool_drop_included(&p, block + 3 + 4, blen - 7), 2);
    assert_int_equal(p.count, 0);
    /* the first tx differs: none leave, though a later one matches */
    push(&p, "bc");
    push(&p, "a");
    blen = frame(block, txs, 2);
    assert_int_equal(node_mempool_drop_included(&p, block, blen), 0);
    assert_int_equal(p.count, 2);
    node_mempool_free(&p);
}

static void test_submit_counts_drops(void **state)
{
    (void)state;
    assert_int_equal(luxc_node_submit_tx(NULL, (const uint8_t *)"x", 1), LUXC_EINVAL);
    fx f;
    fx_setup(&f, 4, "local", 0, 0);
    f.cfg.mempool_max = 2;
    fx_start(&f);
    assert_int_equal(f.node->pool.max, 2);
    static uint8_t big[LUXC_TX_MAX + 1];
    assert_int_equal(luxc_node_submit_tx(f.node, (const uint8_t *)"tx1", 3), LUXC_OK);
    luxc_node_status st = fx_status(&f);
    assert_int_equal(st.mempool_len, 1);
    assert_int_equal(st.dropped_txs, 0);
    assert_int_equal(luxc_node_submit_tx(f.node, big, 0), LUXC_EINVAL);
    assert_int_equal(luxc_node_submit_tx(f.node, big, sizeof big), LUXC_EINVAL);
    assert_int_equal(luxc_node_submit_tx(f.node, NULL, 3), LUXC_EINVAL);
    st = fx_status(&f);
    assert_int_equal(st.mempool_len, 1);
    assert_int_equal(st.dropped_txs, 3);
    assert_int_equal(luxc_node_submit_tx(f.node, big, LUXC_TX_MAX), LUXC_OK);
    assert_int_equal(luxc_node_submit_tx(f.node, (const uint8_t *)"tx3", 3), LUXC_EFULL);
    st = fx_status(&f);
    assert_int_equal(st.mempool_len, 2);
    assert_int_equal(st.dropped_txs, 4);
    /* queued in order, copied */
    uint32_t c;
    size_t len = node_mempool_peek(&f.node->pool, 10, out, sizeof out, &c);
    assert_int_equal(c, 2);
    assert_int_equal(len, 2 + 3 + 2 + LUXC_TX_MAX);
    assert_memory_equal(out, "\0\3tx1\x10\0", 7);
    fx_free(&f);
    /* the default size */
    fx_init(&f, 4, "local", 0, 0);
    assert_int_equal(f.node->pool.max, 100000);
    fx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_push_limits),
        cmocka_unit_test(test_fifo_and_peek),
        cmocka_unit_test(test_wrap_around),
        cmocka_unit_test(test_drop_included),
        cmocka_unit_test(test_submit_counts_drops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
