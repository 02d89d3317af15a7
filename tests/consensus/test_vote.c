/* test_vote.c - the signed vote message: exact SPEC layout, round trip,
 * the two phases (a precommit is SPEC's vote, a prevote differs only in its
 * tag), every decode error, signing through the interface, the finality rule
 * (exactly 2/3 is not final) and stake sums. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "luxc/consensus.h"
#include "testutil.h"

static luxc_vote sample_vote(void)
{
    luxc_vote v;
    memset(&v, 0, sizeof v);
    for (int i = 0; i < 32; i++) {
        v.chain_id[i] = (uint8_t)(0x10 + i);
        v.block[i] = (uint8_t)(0x40 + i);
        v.parent[i] = (uint8_t)(0x80 + i);
        v.state_root[i] = (uint8_t)(0xc0 + i);
    }
    v.height = 0x0102030405060708ull;
    v.round = 0x0a0b0c0du;
    v.accept = 1;
    return v;
}

static void test_layout(void **state)
{
    (void)state;
    luxc_vote v = sample_vote();
    uint8_t m[LUXC_VOTE_BYTES];
    assert_int_equal(luxc_vote_bytes(), 161);
    assert_int_equal(luxc_vote_encode(m, &v), LUXC_OK);
    assert_memory_equal(m, "LUX/chain/vote/v2\0", 18);
    assert_int_equal(m[18], 0);
    assert_int_equal(m[19], 2);
    assert_int_equal(m[20], 0x10);
    assert_int_equal(m[51], 0x2f);
    const uint8_t h[8] = {1, 2, 3, 4, 5, 6, 7, 8}, r[4] = {0x0a, 0x0b, 0x0c, 0x0d};
    assert_memory_equal(m + 52, h, 8);
    assert_memory_equal(m + 60, r, 4);
    assert_int_equal(m[64], 0x40);
    assert_int_equal(m[96], 0x80);
    assert_int_equal(m[128], 0xc0);
    assert_int_equal(m[160], 1);
    luxc_vote w;
    assert_int_equal(luxc_vote_decode(&w, m, sizeof m), LUXC_OK);
    assert_memory_equal(&w.chain_id, &v.chain_id, 32);
    assert_true(w.height == v.height);
    assert_int_equal(w.round, v.round);
    assert_memory_equal(w.block, v.block, 32);
    assert_memory_equal(w.parent, v.parent, 32);
    assert_memory_equal(w.state_root, v.state_root, 32);
    assert_int_equal(w.accept, 1);
    v.accept = 2;
    assert_int_equal(luxc_vote_encode(m, &v), LUXC_EINVAL);
    assert_int_equal(luxc_vote_encode(NULL, &v), LUXC_EINVAL);
}

static void expect_decode(const uint8_t *buf, size_t len, int want)
{
    luxc_vote w;
    memset(&w, 0xaa, sizeof w);
    assert_int_equal(luxc_vote_decode(&w, buf, len), want);
    luxc_vote zero;
    memset(&zero, 0, sizeof zero);
    assert_memory_equal(&w, &zero, sizeof w);
}

static void test_phases(void **state)
{
    (void)state;
    luxc_vote v = sample_vote(), back;
    uint8_t pre[LUXC_VOTE_BYTES], com[LUXC_VOTE_BYTES];
    assert_int_equal(v.phase, LUXC_PRECOMMIT); /* zeroed = SPEC's accept vote */
    assert_int_equal(luxc_vote_encode(com, &v), LUXC_OK);
    v.phase = LUXC_PREVOTE;
    assert_int_equal(luxc_vote_encode(pre, &v), LUXC_OK);
    assert_memory_equal(pre, "LUX/chain/prev/v2\0", 18);
    assert_memory_equal(com, "LUX/chain/vote/v2\0", 18);
    assert_memory_equal(pre + 18, com + 18, LUXC_VOTE_BYTES - 18); /* only the tag differs */
    assert_int_equal(luxc_vote_decode(&back, pre, sizeof pre), LUXC_OK);
    assert_int_equal(back.phase, LUXC_PREVOTE);
    assert_memory_equal(&back, &v, sizeof v);
    assert_int_equal(luxc_vote_decode(&back, com, sizeof com), LUXC_OK);
    assert_int_equal(back.phase, LUXC_PRECOMMIT);
    v.phase = 2;
    assert_int_equal(luxc_vote_encode(pre, &v), LUXC_EINVAL);
}

static void test_decode_errors(void **state)
{
    (void)state;
    luxc_vote v = sample_vote();
    uint8_t m[LUXC_VOTE_BYTES + 1];
    assert_int_equal(luxc_vote_encode(m, &v), LUXC_OK);
    m[LUXC_VOTE_BYTES] = 0;
    for (size_t len = 0; len < LUXC_VOTE_BYTES; len++)
        expect_decode(m, len, LUXC_ETRUNC);
    expect_decode(m, LUXC_VOTE_BYTES + 1, LUXC_ETRAILING);
    m[3] ^= 1;
    expect_decode(m, LUXC_VOTE_BYTES, LUXC_ECORRUPT);
    m[3] ^= 1;
    m[17] = '!'; /* the tag's NUL is part of the tag */
    expect_decode(m, LUXC_VOTE_BYTES, LUXC_ECORRUPT);
    m[17] = 0;
    m[19] = 3;
    expect_decode(m, LUXC_VOTE_BYTES, LUXC_EVERSION);
    m[19] = 2;
    m[18] = 1;
    expect_decode(m, LUXC_VOTE_BYTES, LUXC_EVERSION);
    m[18] = 0;
    m[160] = 2;
    expect_decode(m, LUXC_VOTE_BYTES, LUXC_ERANGE);
    m[160] = 0;
    luxc_vote w;
    assert_int_equal(luxc_vote_decode(&w, m, LUXC_VOTE_BYTES), LUXC_OK);
    assert_int_equal(w.accept, 0);
    assert_int_equal(luxc_vote_decode(NULL, m, LUXC_VOTE_BYTES), LUXC_EINVAL);
    assert_int_equal(luxc_vote_decode(&w, NULL, 5), LUXC_EINVAL);
}

typedef struct fake {
    int calls;
    uint8_t last[LUXC_VOTE_BYTES];
    int fail;
} fake;

static int fake_sign(void *ctx, uint8_t *sig, size_t *siglen, size_t cap, const uint8_t *msg,
                     size_t mlen)
{
    fake *f = ctx;
    f->calls++;
    if (f->fail)
        return LUXC_ECRYPTO;
    if (cap < 4 || mlen != LUXC_VOTE_BYTES)
        return LUXC_EFULL;
    memcpy(f->last, msg, mlen);
    memcpy(sig, "SIG!", 4);
    *siglen = 4;
    return LUXC_OK;
}

static void test_sign_through_interface(void **state)
{
    (void)state;
    luxc_vote v = sample_vote();
    fake f = {0};
    luxc_signer s = {fake_sign, &f};
    uint8_t sig[8], m[LUXC_VOTE_BYTES];
    size_t len;
    assert_int_equal(luxc_vote_sign(&v, &s, sig, sizeof sig, &len), LUXC_OK);
    assert_int_equal(f.calls, 1);
    assert_int_equal(len, 4);
    assert_int_equal(luxc_vote_encode(m, &v), LUXC_OK);
    assert_memory_equal(f.last, m, sizeof m);
    f.fail = 1;
    assert_int_equal(luxc_vote_sign(&v, &s, sig, sizeof sig, &len), LUXC_ECRYPTO);
    v.accept = 7;
    assert_int_equal(luxc_vote_sign(&v, &s, sig, sizeof sig, &len), LUXC_EINVAL);
    assert_int_equal(f.calls, 2); /* not called for an unencodable vote */
    assert_int_equal(luxc_vote_sign(&v, NULL, sig, sizeof sig, &len), LUXC_EINVAL);
}

static void test_finality_rule(void **state)
{
    (void)state;
    assert_int_equal(luxc_horizon_is_final(2, 3), 0); /* exactly 2/3 */
    assert_int_equal(luxc_horizon_is_final(3, 3), 1);
    assert_int_equal(luxc_horizon_is_final(200, 300), 0);
    assert_int_equal(luxc_horizon_is_final(201, 300), 1);
    assert_int_equal(luxc_horizon_is_final(6, 10), 0);
    assert_int_equal(luxc_horizon_is_final(7, 10), 1); /* 21 > 20 */
    assert_int_equal(luxc_horizon_is_final(0, 0), 0);
    assert_int_equal(luxc_horizon_is_final(5, 4), 0);
    const uint64_t max = UINT64_MAX; /* 3 * 6148914691236517205 */
    assert_int_equal(luxc_horizon_is_final(max / 3 * 2, max), 0);
    assert_int_equal(luxc_horizon_is_final(max / 3 * 2 + 1, max), 1);
    assert_int_equal(luxc_horizon_is_final(max - 1, max - 1), 1);
    uint64_t seed = luxc_test_seed(), r = seed;
    for (int i = 0; i < 100000; i++) {
        uint64_t t = luxc_test_rand(&r) >> 32, s = t ? luxc_test_rand(&r) % (t + 1) : 0;
        int want = t && 3 * s > 2 * t;
        if (luxc_horizon_is_final(s, t) != want)
            LUXC_TEST_FAIL_SEED(seed, "s=%llu t=%llu", (unsigned long long)s,
                                (unsigned long long)t);
    }
}

static void test_valset_total(void **state)
{
    (void)state;
    luxc_cert_member set[3] = {{10, NULL, 0}, {20, NULL, 0}, {30, NULL, 0}};
    uint64_t t;
    assert_int_equal(luxc_cert_members_total(set, 3, &t), LUXC_OK);
    assert_true(t == 60);
    set[1].stake = UINT64_MAX - 10;
    assert_int_equal(luxc_cert_members_total(set, 2, &t), LUXC_OK);
    assert_int_equal(luxc_cert_members_total(set, 3, &t), LUXC_EOVERFLOW);
    assert_int_equal(luxc_cert_members_total(NULL, 3, &t), LUXC_EINVAL);
    assert_int_equal(luxc_cert_members_total(NULL, 0, &t), LUXC_OK);
    assert_true(t == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_phases),
        cmocka_unit_test(test_decode_errors),
        cmocka_unit_test(test_sign_through_interface),
        cmocka_unit_test(test_finality_rule),
        cmocka_unit_test(test_valset_total),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
