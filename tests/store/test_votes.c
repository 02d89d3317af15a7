/* test_votes.c - votes in flight: put/get, first vote wins, the walk of one
 * height in (round, voter) order, pruning, argument errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "store/helpers.h"

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


int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_votes, fixture_setup, fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
