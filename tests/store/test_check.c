/* test_check.c - the open-time checks (lmdbcheck.c page walk, check.c
 * record walk) accept every healthy state: a seeded mix of accepts, votes,
 * prunes and weight rewrites (deep trees, overflow runs, a busy free list),
 * reopened with the full check every few hundred operations. The damaged
 * side of these checks is test_corrupt.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "store/helpers.h"

#define BLOCKS 2000u
#define REOPEN_EVERY 250u

static void test_healthy_states_pass(void **state)
{
    (void)state;
    char dir[64], path[80];
    const uint64_t seed = luxc_test_seed();
    uint64_t st = seed;
    static uint8_t blob[60000];
    uint8_t voter[32] = {0}, vote[300] = {0};
    test_log log = {0};
    test_tmpdir(dir, path);
    luxc_store *s = test_open(path, LUXC_STORE_CREATE | LUXC_STORE_NOSYNC, &log);
    assert_non_null(s);
    for (uint64_t h = 0; h < BLOCKS; h++) {
        if (test_accept_range(s, seed, h, h) != LUXC_OK)
            LUXC_TEST_FAIL_SEED(seed, "accept %llu: %s", (unsigned long long)h, log.last);
        uint64_t r = luxc_test_rand(&st);
        for (unsigned v = 0; v < (r & 31); v++) {
            voter[0] = (uint8_t)v;
            voter[1] = (uint8_t)(r >> 8);
            int rc = luxc_store_vote_put(s, h + 1 + (r >> 16) % 5, (uint32_t)(r >> 24) % 4,
                                         voter, vote, 1 + (r >> 32) % sizeof vote);
            if (rc != LUXC_OK && rc != LUXC_EEXIST)
                LUXC_TEST_FAIL_SEED(seed, "vote at %llu: %d", (unsigned long long)h, rc);
        }
        if ((r >> 40) % 8 == 0 && luxc_store_votes_prune(s, h, NULL) != LUXC_OK)
            LUXC_TEST_FAIL_SEED(seed, "prune at %llu", (unsigned long long)h);
        if ((r >> 44) % 32 == 0 &&
            luxc_store_weights_put(s, (r >> 50) & 1 ? "a" : "b", h, blob,
                                   (r >> 20) % sizeof blob) != LUXC_OK)
            LUXC_TEST_FAIL_SEED(seed, "weights at %llu", (unsigned long long)h);
        if (h % REOPEN_EVERY == REOPEN_EVERY - 1) {
            luxc_store_free(s);
            s = test_open(path, LUXC_STORE_NOSYNC, &log);
            if (!s)
                LUXC_TEST_FAIL_SEED(seed, "healthy store refused at %llu",
                                    (unsigned long long)h);
            assert_int_equal(luxc_store_check(s), LUXC_OK);
        }
    }
    assert_int_equal(test_verify_range(s, seed, 0, BLOCKS - 1), 0);
    luxc_store_free(s);
    test_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_healthy_states_pass),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
