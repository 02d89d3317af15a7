/* test_heightvotes.c - one height's votes by round and phase: majorities
 * per (round, phase) with nil as a block of its own, "2f+1 of any kind",
 * "f+1 from a higher round", the decision in the lowest certified round,
 * equivocation per (round, phase) only, majorities proven whole, which
 * round slot is given up (never the current round, the latest polka or a
 * certificate), every allocation
 * failure, and a seeded random run against a naive recount. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "luxc/consensus.h"
#include "testutil.h"

static const uint8_t SIG[4] = {1, 2, 3, 4};
static const uint8_t NIL[32];

/* The vote message for (phase, round, block byte b); b = 0 is nil. */
static void msg_for(uint8_t out[LUXC_VOTE_BYTES], luxc_vote_phase ph, uint32_t round, uint8_t b)
{
    luxc_vote v;
    memset(&v, 0, sizeof v);
    v.height = 7;
    v.round = round;
    memset(v.block, b, 32);
    v.accept = b != 0;
    v.phase = (uint8_t)ph;
    assert_int_equal(luxc_vote_encode(out, &v), LUXC_OK);
}

static int add(luxc_heightvotes *hv, uint32_t i, luxc_vote_phase ph, uint32_t round, uint8_t b)
{
    uint8_t m[LUXC_VOTE_BYTES];
    msg_for(m, ph, round, b);
    return luxc_heightvotes_add(hv, i, m, SIG, sizeof SIG);
}

static luxc_heightvotes *four(uint32_t max_rounds)
{
    static const uint64_t st[4] = {100, 100, 100, 100};
    luxc_heightvotes *hv;
    assert_int_equal(luxc_heightvotes_new(&hv, 4, st, max_rounds), LUXC_OK);
    return hv;
}

static void test_thresholds(void **state)
{
    (void)state;
    assert_false(luxc_horizon_is_third(100, 300));
    assert_true(luxc_horizon_is_third(101, 300));
    assert_false(luxc_horizon_is_third(100, 301));
    assert_true(luxc_horizon_is_third(101, 301));
    assert_true(luxc_horizon_is_third(1, 2));
    assert_false(luxc_horizon_is_third(0, 0));
    assert_false(luxc_horizon_is_third(5, 4)); /* more than the total */
    assert_true(luxc_horizon_is_third(UINT64_MAX, UINT64_MAX));
}

static void test_new_errors(void **state)
{
    (void)state;
    uint64_t st[3] = {1, 1, 1};
    luxc_heightvotes *hv = (luxc_heightvotes *)1;
    assert_int_equal(luxc_heightvotes_new(&hv, 0, st, 4), LUXC_EINVAL);
    assert_null(hv);
    assert_int_equal(luxc_heightvotes_new(&hv, 3, NULL, 4), LUXC_EINVAL);
    assert_int_equal(luxc_heightvotes_new(NULL, 3, st, 4), LUXC_EINVAL);
    assert_int_equal(luxc_heightvotes_new(&hv, 3, st, 1), LUXC_EINVAL);
    assert_int_equal(luxc_heightvotes_new(&hv, 3, st, LUXC_HEIGHTVOTES_MAX_ROUNDS + 1),
                     LUXC_EINVAL);
    uint64_t big[2] = {UINT64_MAX, 1};
    assert_int_equal(luxc_heightvotes_new(&hv, 2, big, 4), LUXC_EOVERFLOW);
    for (long k = 0;; k++) {
        luxc_test_alloc_fail_after(k);
        int rc = luxc_heightvotes_new(&hv, 3, st, 4);
        luxc_test_alloc_fail_after(-1);
        if (rc == LUXC_OK) {
            luxc_heightvotes_free(hv);
            break;
        }
        assert_int_equal(rc, LUXC_ENOMEM);
        assert_null(hv);
    }
    luxc_heightvotes_free(NULL);
    hv = four(4);
    uint8_t m[LUXC_VOTE_BYTES];
    msg_for(m, LUXC_PREVOTE, 0, 1);
    assert_int_equal(luxc_heightvotes_add(hv, 4, m, SIG, 4), LUXC_ENOTMEMBER);
    assert_int_equal(luxc_heightvotes_add(hv, 0, NULL, SIG, 4), LUXC_EINVAL);
    assert_int_equal(luxc_heightvotes_add(hv, 0, m, NULL, 4), LUXC_EINVAL);
    m[3] ^= 1; /* neither tag */
    assert_int_equal(luxc_heightvotes_add(hv, 0, m, SIG, 4), LUXC_ECORRUPT);
    assert_int_equal(luxc_heightvotes_round_stake(hv, 0), 0);
    assert_null(luxc_heightvotes_set(hv, LUXC_PREVOTE, 0));
    luxc_heightvotes_free(hv);
}

/* Majorities per (round, phase): a block, nil, or neither; "any kind". */
static void test_majority_and_any_quorum(void **state)
{
    (void)state;
    luxc_heightvotes *hv = four(8);
    uint8_t id[32];
    uint32_t signer = 99;
    assert_int_equal(add(hv, 0, LUXC_PREVOTE, 2, 0xaa), LUXC_OK);
    assert_int_equal(add(hv, 1, LUXC_PREVOTE, 2, 0xaa), LUXC_OK);
    assert_int_equal(add(hv, 2, LUXC_PREVOTE, 2, 0), LUXC_OK); /* nil */
    assert_false(luxc_heightvotes_majority(hv, LUXC_PREVOTE, 2, id, NULL));
    assert_true(luxc_heightvotes_any_quorum(hv, LUXC_PREVOTE, 2)); /* 300 of 400 */
    assert_false(luxc_heightvotes_any_quorum(hv, LUXC_PRECOMMIT, 2));
    assert_int_equal(luxc_heightvotes_phase_stake(hv, LUXC_PREVOTE, 2), 300);
    assert_int_equal(add(hv, 3, LUXC_PREVOTE, 2, 0xaa), LUXC_OK);
    assert_true(luxc_heightvotes_majority(hv, LUXC_PREVOTE, 2, id, &signer)); /* a polka */
    assert_int_equal(id[0], 0xaa);
    assert_true(signer < 4);
    /* the other phase and other rounds are apart */
    assert_false(luxc_heightvotes_majority(hv, LUXC_PRECOMMIT, 2, id, NULL));
    assert_false(luxc_heightvotes_majority(hv, LUXC_PREVOTE, 1, id, NULL));
    /* a majority for nil */
    for (uint32_t i = 0; i < 3; i++)
        assert_int_equal(add(hv, i, LUXC_PRECOMMIT, 2, 0), LUXC_OK);
    assert_true(luxc_heightvotes_majority(hv, LUXC_PRECOMMIT, 2, id, NULL));
    assert_memory_equal(id, NIL, 32);
    assert_false(luxc_heightvotes_decided(hv, NULL, id)); /* nil decides nothing */
    assert_int_equal(luxc_heightvotes_round_stake(hv, 2), 400);
    const luxc_voteset *vs = luxc_heightvotes_set(hv, LUXC_PRECOMMIT, 2);
    assert_non_null(vs);
    assert_int_equal(luxc_voteset_voters(vs), 3);
    luxc_heightvotes_free(hv);
}

/* One vote per (round, phase): a validator votes in every round, and
 * prevotes and precommits in one; a second, different vote in the same
 * round and phase is equivocation and the first stands. */
static void test_equivocation_per_round_and_phase(void **state)
{
    (void)state;
    luxc_heightvotes *hv = four(8);
    assert_int_equal(add(hv, 1, LUXC_PREVOTE, 0, 0xaa), LUXC_OK);
    assert_int_equal(add(hv, 1, LUXC_PRECOMMIT, 0, 0xaa), LUXC_OK);
    assert_int_equal(add(hv, 1, LUXC_PREVOTE, 1, 0xbb), LUXC_OK);
    assert_int_equal(add(hv, 1, LUXC_PREVOTE, 0, 0xaa), LUXC_EEXIST);
    assert_int_equal(luxc_heightvotes_equivocations(hv), 0);
    assert_int_equal(add(hv, 1, LUXC_PREVOTE, 0, 0xbb), LUXC_EDUPLICATE);
    assert_int_equal(luxc_heightvotes_equivocations(hv), 1);
    const luxc_voteset *vs = luxc_heightvotes_set(hv, LUXC_PREVOTE, 0);
    luxc_vote v;
    assert_int_equal(luxc_vote_decode(&v, luxc_voteset_vote_of(vs, 1), LUXC_VOTE_BYTES),
                     LUXC_OK);
    assert_int_equal(v.block[0], 0xaa);
    /* heard-from stake counts a validator once per round */
    assert_int_equal(luxc_heightvotes_round_stake(hv, 0), 100);
    luxc_heightvotes_free(hv);
}

/* f+1 from a higher round: the highest such round above `after`. */
static void test_skip_round(void **state)
{
    (void)state;
    luxc_heightvotes *hv = four(8);
    uint32_t r = 0;
    assert_int_equal(add(hv, 1, LUXC_PREVOTE, 5, 0xaa), LUXC_OK);
    assert_false(luxc_heightvotes_skip_round(hv, 0, &r)); /* 100 of 400 */
    assert_int_equal(add(hv, 2, LUXC_PRECOMMIT, 5, 0), LUXC_OK);
    assert_true(luxc_heightvotes_skip_round(hv, 0, &r)); /* 200: two validators */
    assert_int_equal(r, 5);
    assert_false(luxc_heightvotes_skip_round(hv, 5, &r));
    assert_int_equal(add(hv, 0, LUXC_PREVOTE, 9, 0), LUXC_OK);
    assert_int_equal(add(hv, 3, LUXC_PREVOTE, 9, 0), LUXC_OK);
    assert_true(luxc_heightvotes_skip_round(hv, 2, &r));
    assert_int_equal(r, 9);
    /* one validator twice in a round is still one validator */
    assert_int_equal(add(hv, 1, LUXC_PRECOMMIT, 11, 0), LUXC_OK);
    assert_int_equal(add(hv, 1, LUXC_PREVOTE, 11, 0), LUXC_OK);
    assert_true(luxc_heightvotes_skip_round(hv, 9, &r) == 0);
    luxc_heightvotes_free(hv);
}

/* The decision is the lowest round with a precommit majority for a block. */
static void test_decided(void **state)
{
    (void)state;
    luxc_heightvotes *hv = four(8);
    uint32_t r = 0;
    uint8_t id[32];
    for (uint32_t i = 0; i < 3; i++)
        assert_int_equal(add(hv, i, LUXC_PRECOMMIT, 6, 0xcc), LUXC_OK);
    assert_true(luxc_heightvotes_decided(hv, &r, id));
    assert_int_equal(r, 6);
    assert_int_equal(id[0], 0xcc);
    for (uint32_t i = 0; i < 3; i++)
        assert_int_equal(add(hv, i, LUXC_PRECOMMIT, 4, 0xcc), LUXC_OK);
    assert_true(luxc_heightvotes_decided(hv, &r, id));
    assert_int_equal(r, 4);
    luxc_heightvotes_clear(hv);
    assert_false(luxc_heightvotes_decided(hv, &r, id));
    assert_int_equal(luxc_heightvotes_round_stake(hv, 4), 0);
    luxc_heightvotes_free(hv);
}

/* A majority proven whole counts where an equivocator's first vote keeps
 * the count short: the polka and the decision are reported, and pinned. */
static void test_proven_majority(void **state)
{
    (void)state;
    luxc_heightvotes *hv = four(2);
    uint8_t id[32], x[32];
    memset(x, 0xaa, 32);
    assert_int_equal(add(hv, 3, LUXC_PREVOTE, 4, 0xbb), LUXC_OK); /* 3 equivocates */
    assert_int_equal(add(hv, 0, LUXC_PREVOTE, 4, 0xaa), LUXC_OK);
    assert_int_equal(add(hv, 1, LUXC_PREVOTE, 4, 0xaa), LUXC_OK);
    assert_int_equal(add(hv, 3, LUXC_PREVOTE, 4, 0xaa), LUXC_EDUPLICATE);
    assert_false(luxc_heightvotes_majority(hv, LUXC_PREVOTE, 4, id, NULL));
    assert_int_equal(luxc_heightvotes_add_proven(hv, LUXC_PREVOTE, 4, x), LUXC_OK);
    uint32_t signer = 0;
    assert_true(luxc_heightvotes_majority(hv, LUXC_PREVOTE, 4, id, &signer));
    assert_memory_equal(id, x, 32);
    assert_int_equal(signer, UINT32_MAX);
    assert_false(luxc_heightvotes_decided(hv, NULL, id));
    /* a certificate for a round not held yet takes a slot and decides */
    assert_int_equal(luxc_heightvotes_add_proven(hv, LUXC_PRECOMMIT, 9, x), LUXC_OK);
    uint32_t r = 0;
    assert_true(luxc_heightvotes_decided(hv, &r, id));
    assert_int_equal(r, 9);
    assert_memory_equal(id, x, 32);
    /* both rounds are pinned now (the polka, the certificate): nothing
     * else gets a slot */
    assert_int_equal(add(hv, 2, LUXC_PREVOTE, 12, 0), LUXC_EFULL);
    assert_int_equal(luxc_heightvotes_add_proven(hv, LUXC_PRECOMMIT, 13, x), LUXC_EFULL);
    assert_int_equal(luxc_heightvotes_add_proven(hv, (luxc_vote_phase)5, 4, x), LUXC_EINVAL);
    assert_int_equal(luxc_heightvotes_add_proven(hv, LUXC_PREVOTE, 4, NULL), LUXC_EINVAL);
    luxc_heightvotes_clear(hv);
    assert_false(luxc_heightvotes_majority(hv, LUXC_PREVOTE, 4, id, NULL));
    luxc_heightvotes_free(hv);
}

/* Slots: a new round takes the least heard-from slot; the current round
 * and rounds with a majority are never given up; EFULL otherwise. */
static void test_slots(void **state)
{
    (void)state;
    luxc_heightvotes *hv = four(3);
    luxc_heightvotes_set_round(hv, 1);
    assert_int_equal(add(hv, 0, LUXC_PREVOTE, 1, 0xaa), LUXC_OK); /* current */
    for (uint32_t i = 0; i < 3; i++)                              /* a polka */
        assert_int_equal(add(hv, i, LUXC_PREVOTE, 2, 0xbb), LUXC_OK);
    assert_int_equal(add(hv, 3, LUXC_PREVOTE, 50, 0), LUXC_OK); /* a far-off round */
    /* round 60 (heard from as much as round 50) takes round 50's slot */
    assert_int_equal(add(hv, 3, LUXC_PREVOTE, 60, 0), LUXC_OK);
    assert_int_equal(luxc_heightvotes_round_stake(hv, 50), 0);
    assert_int_equal(luxc_heightvotes_round_stake(hv, 60), 100);
    /* round 60 now heard from by two: one more vote elsewhere cannot take it */
    assert_int_equal(add(hv, 2, LUXC_PRECOMMIT, 60, 0), LUXC_OK);
    assert_int_equal(add(hv, 1, LUXC_PREVOTE, 70, 0), LUXC_EFULL);
    assert_int_equal(luxc_heightvotes_dropped(hv), 1);
    /* the current round, its one vote notwithstanding, and the polka stay */
    assert_int_equal(luxc_heightvotes_round_stake(hv, 1), 100);
    assert_true(luxc_heightvotes_majority(hv, LUXC_PREVOTE, 2, NULL, NULL));
    /* moving to round 70: it is the current round, so it gets a slot */
    luxc_heightvotes_set_round(hv, 70);
    assert_int_equal(add(hv, 1, LUXC_PREVOTE, 70, 0), LUXC_OK);
    assert_true(luxc_heightvotes_majority(hv, LUXC_PREVOTE, 2, NULL, NULL));
    assert_int_equal(luxc_heightvotes_round_stake(hv, 70), 100);
    luxc_heightvotes_free(hv);
}

/* Random votes in random rounds and phases (some repeated, some
 * equivocating) against a recount from what was accepted. */
static void test_random_against_recount(void **state)
{
    (void)state;
    enum { N = 13, R = 6, B = 3 };
    uint64_t seed = luxc_test_seed(), rs = seed;
    uint64_t st[N], total = 0;
    for (int i = 0; i < N; i++)
        total += st[i] = 1 + luxc_test_rand(&rs) % 9;
    luxc_heightvotes *hv;
    assert_int_equal(luxc_heightvotes_new(&hv, N, st, R), LUXC_OK); /* every round fits */
    int first[R][2][N];                                            /* block byte + 1, or 0 */
    memset(first, 0, sizeof first);
    uint64_t equiv = 0;
    for (int step = 0; step < 600; step++) {
        uint32_t i = (uint32_t)(luxc_test_rand(&rs) % N);
        uint32_t r = (uint32_t)(luxc_test_rand(&rs) % R);
        luxc_vote_phase ph = (luxc_vote_phase)(luxc_test_rand(&rs) % 2);
        uint8_t b = (uint8_t)(luxc_test_rand(&rs) % B); /* 0 = nil */
        int rc = add(hv, i, ph, r, b);
        int *f = &first[r][ph][i];
        int want = !*f ? LUXC_OK : *f == b + 1 ? LUXC_EEXIST : LUXC_EDUPLICATE;
        if (rc != want)
            LUXC_TEST_FAIL_SEED(seed, "step %d: add(%u, %d, %u, %u) = %d, want %d", step, i,
                                (int)ph, r, b, rc, want);
        if (!*f)
            *f = b + 1;
        equiv += rc == LUXC_EDUPLICATE;
        /* recount round r */
        uint64_t heard = 0, phase_stake[2] = {0, 0}, per[2][B];
        memset(per, 0, sizeof per);
        for (int j = 0; j < N; j++) {
            heard += (first[r][0][j] || first[r][1][j]) ? st[j] : 0;
            for (int p = 0; p < 2; p++)
                if (first[r][p][j]) {
                    phase_stake[p] += st[j];
                    per[p][first[r][p][j] - 1] += st[j];
                }
        }
        if (luxc_heightvotes_round_stake(hv, r) != heard)
            LUXC_TEST_FAIL_SEED(seed, "step %d: heard-from stake of round %u", step, r);
        for (int p = 0; p < 2; p++) {
            if (luxc_heightvotes_phase_stake(hv, (luxc_vote_phase)p, r) != phase_stake[p])
                LUXC_TEST_FAIL_SEED(seed, "step %d: phase %d stake of round %u", step, p, r);
            int maj = -1;
            for (int k = 0; k < B; k++)
                if (luxc_horizon_is_final(per[p][k], total))
                    maj = k;
            uint8_t id[32];
            int got = luxc_heightvotes_majority(hv, (luxc_vote_phase)p, r, id, NULL);
            if (got != (maj >= 0) || (got && id[0] != maj))
                LUXC_TEST_FAIL_SEED(seed, "step %d: majority of phase %d round %u", step, p, r);
        }
    }
    if (luxc_heightvotes_equivocations(hv) != equiv)
        LUXC_TEST_FAIL_SEED(seed, "equivocations %llu, want %llu",
                            (unsigned long long)luxc_heightvotes_equivocations(hv),
                            (unsigned long long)equiv);
    assert_int_equal(luxc_heightvotes_dropped(hv), 0);
    luxc_heightvotes_free(hv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thresholds),
        cmocka_unit_test(test_new_errors),
        cmocka_unit_test(test_majority_and_any_quorum),
        cmocka_unit_test(test_equivocation_per_round_and_phase),
        cmocka_unit_test(test_skip_round),
        cmocka_unit_test(test_decided),
        cmocka_unit_test(test_proven_majority),
        cmocka_unit_test(test_slots),
        cmocka_unit_test(test_random_against_recount),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
