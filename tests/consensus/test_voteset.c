/* test_voteset.c - the vote set: one vote per validator, equivocation
 * counted and the first vote kept, running stake sums per message and per
 * block, "more than 2/3" exactly at the boundary, the certificate of the
 * final message (checked by luxc_cert_verify), clear and reuse without
 * allocating, every allocation failure, and a seeded random run against a
 * naive recount. */
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

/* Vote message for (height, round, block byte b). */
static void msg_for(uint8_t out[LUXC_VOTE_BYTES], uint64_t height, uint32_t round, uint8_t b)
{
    luxc_vote v;
    memset(&v, 0, sizeof v);
    v.height = height;
    v.round = round;
    memset(v.block, b, 32);
    v.accept = 1;
    assert_int_equal(luxc_vote_encode(out, &v), LUXC_OK);
}

static const uint8_t SIG[4] = {1, 2, 3, 4};

static void test_new_errors(void **state)
{
    (void)state;
    luxc_voteset *vs = (luxc_voteset *)1;
    uint64_t st[3] = {1, 1, 1};
    assert_int_equal(luxc_voteset_new(&vs, 0, st), LUXC_EINVAL);
    assert_null(vs);
    assert_int_equal(luxc_voteset_new(&vs, 3, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_voteset_new(NULL, 3, st), LUXC_EINVAL);
    assert_int_equal(luxc_voteset_new(&vs, LUXC_CERT_MAX_SIGNERS + 1, st), LUXC_EINVAL);
    uint64_t big[2] = {UINT64_MAX, 1};
    assert_int_equal(luxc_voteset_new(&vs, 2, big), LUXC_EOVERFLOW);
    /* Every allocation of _new may fail; each failure leaks nothing. */
    for (long k = 0;; k++) {
        luxc_test_alloc_fail_after(k);
        int rc = luxc_voteset_new(&vs, 3, st);
        luxc_test_alloc_fail_after(-1);
        if (rc == LUXC_OK) {
            luxc_voteset_free(vs);
            break;
        }
        assert_int_equal(rc, LUXC_ENOMEM);
        assert_null(vs);
    }
    luxc_voteset_free(NULL);
}

static void test_one_vote_per_validator(void **state)
{
    (void)state;
    uint64_t st[4] = {1, 1, 1, 1};
    luxc_voteset *vs;
    assert_int_equal(luxc_voteset_new(&vs, 4, st), LUXC_OK);
    uint8_t a[LUXC_VOTE_BYTES], b[LUXC_VOTE_BYTES];
    msg_for(a, 5, 0, 0xaa);
    msg_for(b, 5, 1, 0xbb);
    assert_int_equal(luxc_voteset_add(vs, 4, a, SIG, 4), LUXC_ENOTMEMBER);
    assert_int_equal(luxc_voteset_add(vs, 0, NULL, SIG, 4), LUXC_EINVAL);
    assert_int_equal(luxc_voteset_add(vs, 0, a, NULL, 4), LUXC_EINVAL);
    assert_int_equal(luxc_voteset_add(vs, 0, a, SIG, LUXC_CERT_MAX_SIGBYTES + 1), LUXC_EINVAL);
    assert_int_equal(luxc_voteset_add(vs, 0, a, SIG, 4), LUXC_OK);
    assert_int_equal(luxc_voteset_add(vs, 0, a, SIG, 4), LUXC_EEXIST);
    assert_int_equal(luxc_voteset_stake(vs, a), 1);
    assert_int_equal(luxc_voteset_add(vs, 0, b, SIG, 4), LUXC_EDUPLICATE);
    assert_int_equal(luxc_voteset_equivocations(vs), 1);
    assert_memory_equal(luxc_voteset_vote_of(vs, 0), a, LUXC_VOTE_BYTES); /* first stands */
    assert_int_equal(luxc_voteset_stake(vs, b), 0);
    assert_int_equal(luxc_voteset_voters(vs), 1);
    assert_null(luxc_voteset_vote_of(vs, 1));
    assert_null(luxc_voteset_vote_of(vs, 9));
    luxc_voteset_free(vs);
}

static void test_two_thirds_boundary(void **state)
{
    (void)state;
    /* Three equal stakes: two votes are exactly 2/3, not final. */
    uint64_t st3[3] = {1, 1, 1};
    luxc_voteset *vs;
    assert_int_equal(luxc_voteset_new(&vs, 3, st3), LUXC_OK);
    uint8_t a[LUXC_VOTE_BYTES];
    msg_for(a, 1, 0, 0x11);
    assert_int_equal(luxc_voteset_add(vs, 0, a, SIG, 4), LUXC_OK);
    assert_int_equal(luxc_voteset_add(vs, 2, a, SIG, 4), LUXC_OK);
    assert_null(luxc_voteset_final(vs, NULL));
    luxc_cert *c = (luxc_cert *)1;
    assert_int_equal(luxc_voteset_cert(vs, &c), LUXC_ENOQUORUM);
    assert_null(c);
    uint32_t who = 99;
    assert_int_equal(luxc_voteset_add(vs, 1, a, SIG, 4), LUXC_OK);
    assert_memory_equal(luxc_voteset_final(vs, &who), a, LUXC_VOTE_BYTES);
    assert_int_equal(who, 1);
    luxc_voteset_free(vs);
    /* Unequal stakes: 70 of 100 is final alone; the other 30 never are. */
    uint64_t st[3] = {70, 20, 10};
    assert_int_equal(luxc_voteset_new(&vs, 3, st), LUXC_OK);
    uint8_t b[LUXC_VOTE_BYTES];
    msg_for(b, 1, 0, 0x22);
    assert_int_equal(luxc_voteset_add(vs, 1, b, SIG, 4), LUXC_OK);
    assert_int_equal(luxc_voteset_add(vs, 2, b, SIG, 4), LUXC_OK);
    assert_null(luxc_voteset_final(vs, NULL));
    assert_int_equal(luxc_voteset_add(vs, 0, a, SIG, 4), LUXC_OK);
    assert_memory_equal(luxc_voteset_final(vs, NULL), a, LUXC_VOTE_BYTES);
    assert_int_equal(luxc_voteset_total(vs), 100);
    luxc_voteset_free(vs);
}

static void test_block_stake_across_rounds(void **state)
{
    (void)state;
    uint64_t st[4] = {1, 2, 3, 4};
    luxc_voteset *vs;
    assert_int_equal(luxc_voteset_new(&vs, 4, st), LUXC_OK);
    uint8_t r0[LUXC_VOTE_BYTES], r1[LUXC_VOTE_BYTES], other[LUXC_VOTE_BYTES];
    msg_for(r0, 9, 0, 0x33);
    msg_for(r1, 9, 1, 0x33);
    msg_for(other, 9, 1, 0x44);
    assert_int_equal(luxc_voteset_add(vs, 0, r0, SIG, 4), LUXC_OK);
    assert_int_equal(luxc_voteset_add(vs, 1, r1, SIG, 4), LUXC_OK);
    assert_int_equal(luxc_voteset_add(vs, 3, other, SIG, 4), LUXC_OK);
    uint8_t block[32];
    memset(block, 0x33, 32);
    assert_int_equal(luxc_voteset_block_stake(vs, block), 3);
    memset(block, 0x44, 32);
    assert_int_equal(luxc_voteset_block_stake(vs, block), 4);
    memset(block, 0x55, 32);
    assert_int_equal(luxc_voteset_block_stake(vs, block), 0);
    assert_int_equal(luxc_voteset_stake(vs, r0), 1);
    assert_int_equal(luxc_voteset_stake(vs, r1), 2);
    luxc_voteset_free(vs);
}

static int accept_all(void *ctx, const uint8_t *sig, size_t siglen, const uint8_t *m, size_t mlen,
                      const uint8_t *pk, size_t pklen)
{
    (void)ctx, (void)m, (void)mlen, (void)pk, (void)pklen;
    return siglen == 4 && sig[0] == 1 ? LUXC_OK : LUXC_EAUTH;
}

static void test_cert_of_final(void **state)
{
    (void)state;
    enum { N = 7 };
    uint64_t st[N] = {1, 1, 1, 1, 1, 1, 1};
    luxc_voteset *vs;
    assert_int_equal(luxc_voteset_new(&vs, N, st), LUXC_OK);
    uint8_t a[LUXC_VOTE_BYTES], b[LUXC_VOTE_BYTES];
    msg_for(a, 3, 2, 0x66);
    msg_for(b, 3, 2, 0x77);
    /* Validators 1..5 sign a, 0 signs b, 6 is silent: 5/7 > 2/3. */
    assert_int_equal(luxc_voteset_add(vs, 0, b, SIG, 4), LUXC_OK);
    for (uint32_t i = 1; i <= 5; i++)
        assert_int_equal(luxc_voteset_add(vs, i, a, SIG, 4), LUXC_OK);
    luxc_cert *c = NULL;
    assert_int_equal(luxc_voteset_cert(vs, &c), LUXC_OK);
    assert_int_equal(luxc_cert_num_signers(c), 5);
    for (size_t k = 0; k < 5; k++)
        assert_int_equal(luxc_cert_signer(c, k), k + 1);
    assert_int_equal(luxc_cert_vote(c)->round, 2);
    static const uint8_t pk[1] = {0};
    luxc_cert_member set[N];
    for (int i = 0; i < N; i++)
        set[i] = (luxc_cert_member){1, pk, sizeof pk};
    luxc_verifier vf = {accept_all, NULL};
    assert_int_equal(luxc_cert_verify(c, set, N, &vf), LUXC_OK);
    luxc_cert_free(c);
    /* Allocation failures while building the certificate leak nothing. */
    for (long k = 0;; k++) {
        luxc_test_alloc_fail_after(k);
        int rc = luxc_voteset_cert(vs, &c);
        luxc_test_alloc_fail_after(-1);
        if (rc == LUXC_OK) {
            luxc_cert_free(c);
            break;
        }
        assert_int_equal(rc, LUXC_ENOMEM);
        assert_null(c);
    }
    luxc_voteset_free(vs);
}

static void test_clear_and_reuse_without_allocating(void **state)
{
    (void)state;
    uint64_t st[4] = {1, 1, 1, 1};
    luxc_voteset *vs;
    assert_int_equal(luxc_voteset_new(&vs, 4, st), LUXC_OK);
    uint8_t a[LUXC_VOTE_BYTES], sig[3309];
    memset(sig, 1, sizeof sig);
    msg_for(a, 1, 0, 0x88);
    for (uint32_t i = 0; i < 4; i++)
        assert_int_equal(luxc_voteset_add(vs, i, a, sig, sizeof sig), LUXC_OK);
    assert_non_null(luxc_voteset_final(vs, NULL));
    luxc_voteset_clear(vs);
    assert_null(luxc_voteset_final(vs, NULL));
    assert_int_equal(luxc_voteset_voters(vs), 0);
    assert_int_equal(luxc_voteset_stake(vs, a), 0);
    /* The next height: same-sized signatures, and no allocation at all. */
    msg_for(a, 2, 0, 0x99);
    luxc_test_alloc_fail_after(0);
    for (uint32_t i = 0; i < 4; i++)
        assert_int_equal(luxc_voteset_add(vs, i, a, sig, sizeof sig), LUXC_OK);
    luxc_test_alloc_fail_after(-1);
    assert_non_null(luxc_voteset_final(vs, NULL));
    /* A failed signature-buffer allocation changes nothing. */
    luxc_voteset_clear(vs);
    uint8_t bigsig[4000];
    memset(bigsig, 1, sizeof bigsig);
    luxc_test_alloc_fail_after(0);
    assert_int_equal(luxc_voteset_add(vs, 0, a, bigsig, sizeof bigsig), LUXC_ENOMEM);
    luxc_test_alloc_fail_after(-1);
    assert_int_equal(luxc_voteset_voters(vs), 0);
    assert_null(luxc_voteset_vote_of(vs, 0));
    luxc_voteset_free(vs);
}

/* Random votes (some repeated, some equivocating) against a recount from
 * scratch after every add. */
static void test_random_against_recount(void **state)
{
    (void)state;
    enum { N = 40, M = 5 };
    uint64_t seed = luxc_test_seed(), r = seed;
    uint64_t st[N], total = 0;
    for (int i = 0; i < N; i++)
        total += st[i] = luxc_test_rand(&r) % 10;
    luxc_voteset *vs;
    assert_int_equal(luxc_voteset_new(&vs, N, st), LUXC_OK);
    uint8_t msgs[M][LUXC_VOTE_BYTES];
    for (int m = 0; m < M; m++)
        msg_for(msgs[m], 4, (uint32_t)(m % 2), (uint8_t)(m / 2));
    int first[N];
    for (int i = 0; i < N; i++)
        first[i] = -1;
    for (int step = 0; step < 200; step++) {
        uint32_t i = (uint32_t)(luxc_test_rand(&r) % N);
        int m = (int)(luxc_test_rand(&r) % M);
        int rc = luxc_voteset_add(vs, i, msgs[m], SIG, 4);
        int want = first[i] < 0 ? LUXC_OK : first[i] == m ? LUXC_EEXIST : LUXC_EDUPLICATE;
        if (rc != want)
            LUXC_TEST_FAIL_SEED(seed, "step %d: add(%u, %d) = %d, want %d", step, i, m, rc, want);
        if (first[i] < 0)
            first[i] = m;
        for (int k = 0; k < M; k++) {
            uint64_t s = 0;
            for (int j = 0; j < N; j++)
                if (first[j] == k)
                    s += st[j];
            if (luxc_voteset_stake(vs, msgs[k]) != s)
                LUXC_TEST_FAIL_SEED(seed, "step %d: stake of message %d", step, k);
            const uint8_t *f = luxc_voteset_final(vs, NULL);
            if (luxc_horizon_is_final(s, total) && (!f || memcmp(f, msgs[k], LUXC_VOTE_BYTES)))
                LUXC_TEST_FAIL_SEED(seed, "step %d: message %d is final but not reported", step, k);
        }
    }
    luxc_voteset_free(vs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_errors),
        cmocka_unit_test(test_one_vote_per_validator),
        cmocka_unit_test(test_two_thirds_boundary),
        cmocka_unit_test(test_block_stake_across_rounds),
        cmocka_unit_test(test_cert_of_final),
        cmocka_unit_test(test_clear_and_reuse_without_allocating),
        cmocka_unit_test(test_random_against_recount),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
