/* test_prism.c - views of the undecided tree: decidable blocks, the
 * frontier, transitive closure up and down, lowest common ancestor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "luxc/consensus.h"
#include "testutil.h"

static luxc_block blk(uint8_t id, uint8_t parent, uint64_t height)
{
    luxc_block b;
    memset(&b, 0, sizeof b);
    b.id[0] = id;
    b.parent[0] = parent;
    b.height = height;
    return b;
}

static int has(uint8_t (*ids)[32], size_t n, uint8_t id)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i][0] == id)
            return 1;
    return 0;
}

/* G(0) <- A(1) <- B(2) <- C(3); G <- A2(4); A <- B2(5). */
static luxc_snowman *tree(void)
{
    luxc_snowman_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    assert_int_equal(luxc_params_preset(&cfg.params, "local"), LUXC_OK);
    cfg.genesis = blk(0, 0xff, 0);
    luxc_snowman *s;
    assert_int_equal(luxc_snowman_new(&s, &cfg), LUXC_OK);
    const luxc_block bs[] = {blk(1, 0, 1), blk(2, 1, 2), blk(3, 2, 3), blk(4, 0, 1), blk(5, 1, 2)};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(luxc_snowman_add(s, &bs[i]), LUXC_OK);
    return s;
}

static void test_decidable_and_frontier(void **state)
{
    (void)state;
    luxc_snowman *s = tree();
    uint8_t out[8][32];
    size_t n;
    assert_int_equal(luxc_prism_decidable(s, out, 8, &n), LUXC_OK);
    assert_int_equal(n, 2);
    assert_true(has(out, n, 1) && has(out, n, 4));
    assert_int_equal(luxc_prism_frontier(s, out, 8, &n), LUXC_OK);
    assert_int_equal(n, 3);
    assert_true(has(out, n, 3) && has(out, n, 4) && has(out, n, 5));
    /* A short buffer still reports the full count. */
    assert_int_equal(luxc_prism_frontier(s, out, 1, &n), LUXC_OK);
    assert_int_equal(n, 3);
    assert_int_equal(luxc_prism_frontier(s, NULL, 0, &n), LUXC_OK);
    assert_int_equal(n, 3);
    assert_int_equal(luxc_prism_frontier(s, NULL, 2, &n), LUXC_EINVAL);
    assert_int_equal(luxc_prism_decidable(NULL, out, 8, &n), LUXC_EINVAL);
    assert_int_equal(luxc_prism_decidable(s, out, 8, NULL), LUXC_EINVAL);
    luxc_snowman_free(s);
}

static void test_closure(void **state)
{
    (void)state;
    luxc_snowman *s = tree();
    uint8_t out[8][32], id[32] = {3};
    size_t n;
    assert_int_equal(luxc_prism_ancestors(s, id, out, 8, &n), LUXC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(out[0][0], 2); /* nearest first */
    assert_int_equal(out[1][0], 1);
    id[0] = 1;
    assert_int_equal(luxc_prism_ancestors(s, id, out, 8, &n), LUXC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(luxc_prism_descendants(s, id, out, 8, &n), LUXC_OK);
    assert_int_equal(n, 3);
    assert_int_equal(out[2][0], 3); /* breadth-first: C after B and B2 */
    assert_true(has(out, 2, 2) && has(out, 2, 5));
    id[0] = 0;
    assert_int_equal(luxc_prism_descendants(s, id, out, 8, &n), LUXC_OK);
    assert_int_equal(n, 5);
    assert_int_equal(luxc_prism_ancestors(s, id, out, 8, &n), LUXC_OK);
    assert_int_equal(n, 0);
    id[0] = 0x42;
    assert_int_equal(luxc_prism_ancestors(s, id, out, 8, &n), LUXC_ENOTFOUND);
    assert_int_equal(luxc_prism_descendants(s, id, out, 8, &n), LUXC_ENOTFOUND);
    assert_int_equal(luxc_prism_ancestors(s, NULL, out, 8, &n), LUXC_EINVAL);
    luxc_snowman_free(s);
}

static void test_lca(void **state)
{
    (void)state;
    luxc_snowman *s = tree();
    uint8_t a[32] = {3}, b[32] = {5}, out[32];
    assert_int_equal(luxc_prism_lca(s, a, b, out), LUXC_OK);
    assert_int_equal(out[0], 1);
    b[0] = 4;
    assert_int_equal(luxc_prism_lca(s, a, b, out), LUXC_OK);
    assert_int_equal(out[0], 0);
    assert_int_equal(luxc_prism_lca(s, b, a, out), LUXC_OK);
    assert_int_equal(out[0], 0);
    b[0] = 2;
    assert_int_equal(luxc_prism_lca(s, a, b, out), LUXC_OK);
    assert_int_equal(out[0], 2); /* an ancestor of a is the LCA itself */
    assert_int_equal(luxc_prism_lca(s, a, a, out), LUXC_OK);
    assert_int_equal(out[0], 3);
    b[0] = 0;
    assert_int_equal(luxc_prism_lca(s, a, b, out), LUXC_OK);
    assert_int_equal(out[0], 0);
    b[0] = 0x42;
    assert_int_equal(luxc_prism_lca(s, a, b, out), LUXC_ENOTFOUND);
    assert_int_equal(luxc_prism_lca(s, a, NULL, out), LUXC_EINVAL);
    luxc_snowman_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decidable_and_frontier),
        cmocka_unit_test(test_closure),
        cmocka_unit_test(test_lca),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
