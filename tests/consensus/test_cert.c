/* test_cert.c - horizon certificates: build, canonical encoding, decode
 * against a validator set with a distinct error for every malformation,
 * verification through a fake signature scheme that counts calls, and
 * the finality boundary (exactly 2/3 of stake is not final, one more
 * unit is), and polka proofs (prevotes under their own magic). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/be.h"
#include "luxc/consensus.h"
#include "testutil.h"

/* Fake scheme: sig = 24 bytes, byte i = msg[(i * 7) % mlen] ^ pk[0] ^ i.
 * Not secure; it lets tests forge and count. */
typedef struct fake {
    int sign_calls, verify_calls;
} fake;

static int fake_sign_pk(uint8_t pk0, uint8_t *sig, size_t *siglen, size_t cap, const uint8_t *m,
                        size_t mlen)
{
    if (cap < 24)
        return LUXC_EFULL;
    for (size_t i = 0; i < 24; i++)
        sig[i] = (uint8_t)(m[(i * 7) % mlen] ^ pk0 ^ i);
    *siglen = 24;
    return LUXC_OK;
}

static int fake_verify(void *ctx, const uint8_t *sig, size_t siglen, const uint8_t *m,
                       size_t mlen, const uint8_t *pk, size_t pklen)
{
    fake *f = ctx;
    f->verify_calls++;
    uint8_t want[24];
    size_t wl;
    if (pklen != 1 || siglen != 24 || fake_sign_pk(pk[0], want, &wl, 24, m, mlen) != LUXC_OK)
        return LUXC_EAUTH;
    return memcmp(want, sig, 24) ? LUXC_EAUTH : LUXC_OK;
}

typedef struct signer_ctx {
    fake *f;
    uint8_t pk0;
} signer_ctx;

static int fake_sign(void *ctx, uint8_t *sig, size_t *siglen, size_t cap, const uint8_t *m,
                     size_t mlen)
{
    signer_ctx *s = ctx;
    s->f->sign_calls++;
    return fake_sign_pk(s->pk0, sig, siglen, cap, m, mlen);
}

enum { NVAL = 4 };
static uint8_t pks[NVAL];
static luxc_cert_member set[NVAL];

/* Stakes 100, 100, 99, 1: total 300, 2/3 = 200. */
static void setup_set(void)
{
    const uint64_t st[NVAL] = {100, 100, 99, 1};
    for (int i = 0; i < NVAL; i++) {
        pks[i] = (uint8_t)(0x30 + i);
        set[i].stake = st[i];
        set[i].pk = &pks[i];
        set[i].pklen = 1;
    }
}

static luxc_vote the_vote(void)
{
    luxc_vote v;
    memset(&v, 0, sizeof v);
    memset(v.chain_id, 0xc1, 32);
    memset(v.block, 0xb1, 32);
    memset(v.parent, 0xa1, 32);
    memset(v.state_root, 0x51, 32);
    v.height = 77;
    v.round = 3;
    v.accept = 1;
    return v;
}

static luxc_cert *signed_cert(fake *f, const uint32_t *who, size_t n)
{
    luxc_vote v = the_vote();
    luxc_cert *c;
    assert_int_equal(luxc_cert_new(&c, &v), LUXC_OK);
    for (size_t i = 0; i < n; i++) {
        signer_ctx sc = {f, pks[who[i]]};
        luxc_signer s = {fake_sign, &sc};
        uint8_t sig[64];
        size_t len;
        assert_int_equal(luxc_vote_sign(&v, &s, sig, sizeof sig, &len), LUXC_OK);
        assert_int_equal(luxc_cert_add(c, who[i], sig, len), LUXC_OK);
    }
    return c;
}

static void test_exactly_two_thirds_is_not_final(void **state)
{
    (void)state;
    setup_set();
    fake f = {0};
    luxc_verifier vf = {fake_verify, &f};
    const uint32_t two[2] = {1, 0};
    luxc_cert *c = signed_cert(&f, two, 2);
    uint64_t stake;
    assert_int_equal(luxc_cert_stake(c, set, NVAL, &stake), LUXC_OK);
    assert_true(stake == 200);
    assert_int_equal(luxc_cert_verify(c, set, NVAL, &vf), LUXC_ENOQUORUM);
    assert_int_equal(f.verify_calls, 0); /* quorum is checked before signatures */
    /* One more unit of stake (validator 3 holds 1): final. */
    signer_ctx sc = {&f, pks[3]};
    luxc_signer s = {fake_sign, &sc};
    luxc_vote v = the_vote();
    uint8_t sig[64];
    size_t len;
    assert_int_equal(luxc_vote_sign(&v, &s, sig, sizeof sig, &len), LUXC_OK);
    assert_int_equal(luxc_cert_add(c, 3, sig, len), LUXC_OK);
    assert_int_equal(luxc_cert_verify(c, set, NVAL, &vf), LUXC_OK);
    assert_int_equal(f.verify_calls, 3);
    assert_int_equal(f.sign_calls, 3);
    /* Signers are kept ascending whatever the insertion order. */
    assert_int_equal(luxc_cert_signer(c, 0), 0);
    assert_int_equal(luxc_cert_signer(c, 1), 1);
    assert_int_equal(luxc_cert_signer(c, 2), 3);
    assert_int_equal(luxc_cert_signer(c, 3), UINT32_MAX);
    luxc_cert_free(c);
}

static void test_forged_signature(void **state)
{
    (void)state;
    setup_set();
    fake f = {0};
    luxc_verifier vf = {fake_verify, &f};
    const uint32_t all[4] = {0, 1, 2, 3};
    luxc_cert *c = signed_cert(&f, all, 4);
    assert_int_equal(luxc_cert_verify(c, set, NVAL, &vf), LUXC_OK);
    /* A flipped bit in the last signature: EAUTH. */
    uint8_t buf[1024];
    size_t len;
    assert_int_equal(luxc_cert_encode(c, buf, sizeof buf, &len), LUXC_OK);
    luxc_cert_free(c);
    buf[len - 1] ^= 0x01; /* last byte of the last signature */
    assert_int_equal(luxc_cert_decode(&c, buf, len, set, NVAL), LUXC_OK);
    assert_int_equal(luxc_cert_verify(c, set, NVAL, &vf), LUXC_EAUTH);
    /* Verifying against another set (different keys) fails too. */
    luxc_cert_free(c);
    buf[len - 1] ^= 0x01;
    assert_int_equal(luxc_cert_decode(&c, buf, len, set, NVAL), LUXC_OK);
    uint8_t other_pk = 0x99;
    luxc_cert_member other[NVAL];
    memcpy(other, set, sizeof other);
    other[0].pk = &other_pk;
    assert_int_equal(luxc_cert_verify(c, other, NVAL, &vf), LUXC_EAUTH);
    /* A set smaller than the signer indices. */
    assert_int_equal(luxc_cert_verify(c, set, 2, &vf), LUXC_ENOTMEMBER);
    assert_int_equal(luxc_cert_verify(c, set, NVAL, NULL), LUXC_EINVAL);
    luxc_cert_free(c);
}

static void test_roundtrip_canonical(void **state)
{
    (void)state;
    setup_set();
    fake f = {0};
    const uint32_t who[3] = {3, 0, 2};
    luxc_cert *c = signed_cert(&f, who, 3), *d;
    uint8_t a[1024], b[1024];
    size_t la, lb;
    assert_int_equal(luxc_cert_encoded_len(c), LUXC_CERT_HEADERBYTES + 3 * (8 + 24));
    assert_int_equal(luxc_cert_encode(c, a, sizeof a, &la), LUXC_OK);
    assert_int_equal(la, luxc_cert_encoded_len(c));
    assert_memory_equal(a, "LUXCERT\0", 8);
    assert_int_equal(luxc_be16_load(a + 8), 1);
    assert_int_equal(luxc_be32_load(a + 150), 3);
    assert_int_equal(luxc_be32_load(a + 154), 0); /* first signer index */
    assert_int_equal(luxc_cert_encode(c, a, la - 1, &lb), LUXC_EFULL);
    assert_int_equal(luxc_cert_decode(&d, a, la, set, NVAL), LUXC_OK);
    assert_int_equal(luxc_cert_num_signers(d), 3);
    const luxc_vote *v = luxc_cert_vote(d);
    assert_true(v->height == 77);
    assert_int_equal(v->round, 3);
    assert_int_equal(v->accept, 1);
    assert_int_equal(luxc_cert_encode(d, b, sizeof b, &lb), LUXC_OK);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    luxc_cert_free(c);
    luxc_cert_free(d);
}

/* A polka proof: prevotes, its own magic, verified over the prevote's
 * bytes; each decoder takes only its own kind. */
static void test_polka_proof(void **state)
{
    (void)state;
    setup_set();
    fake f = {0};
    luxc_verifier vf = {fake_verify, &f};
    luxc_vote v = the_vote();
    v.phase = LUXC_PREVOTE;
    luxc_cert *c, *d;
    assert_int_equal(luxc_cert_new(&c, &v), LUXC_OK);
    for (uint32_t i = 0; i < 3; i++) {
        signer_ctx sc = {&f, pks[i]};
        luxc_signer s = {fake_sign, &sc};
        uint8_t sig[64];
        size_t len;
        assert_int_equal(luxc_vote_sign(&v, &s, sig, sizeof sig, &len), LUXC_OK);
        assert_int_equal(luxc_cert_add(c, i, sig, len), LUXC_OK);
    }
    assert_int_equal(luxc_cert_verify(c, set, NVAL, &vf), LUXC_OK);
    uint8_t a[1024];
    size_t la;
    assert_int_equal(luxc_cert_encode(c, a, sizeof a, &la), LUXC_OK);
    assert_memory_equal(a, "LUXPOLK\0", 8);
    assert_int_equal(luxc_cert_decode(&d, a, la, set, NVAL), LUXC_ECORRUPT);
    assert_int_equal(luxc_cert_decode_polka(&d, a, la, set, NVAL), LUXC_OK);
    assert_int_equal(luxc_cert_vote(d)->phase, LUXC_PREVOTE);
    assert_int_equal(luxc_cert_verify(d, set, NVAL, &vf), LUXC_OK);
    luxc_cert_free(d);
    /* the same signatures under the finality magic are checked against a
     * precommit's bytes (another tag), which they did not sign (the fake
     * scheme here does not read the tag bytes; ML-DSA does) */
    memcpy(a, "LUXCERT\0", 8);
    assert_int_equal(luxc_cert_decode(&d, a, la, set, NVAL), LUXC_OK);
    assert_int_equal(luxc_cert_vote(d)->phase, LUXC_PRECOMMIT);
    uint8_t m1[LUXC_VOTE_BYTES], m2[LUXC_VOTE_BYTES];
    assert_int_equal(luxc_vote_encode(m1, luxc_cert_vote(d)), LUXC_OK);
    assert_int_equal(luxc_vote_encode(m2, &v), LUXC_OK);
    assert_memory_not_equal(m1, m2, LUXC_VOTE_BYTES);
    luxc_cert_free(d);
    assert_int_equal(luxc_cert_decode_polka(&d, a, la, set, NVAL), LUXC_ECORRUPT);
    assert_null(d);
    luxc_cert_free(c);
    v.phase = 2;
    assert_int_equal(luxc_cert_new(&c, &v), LUXC_EINVAL);
}

static void test_builder_errors(void **state)
{
    (void)state;
    luxc_vote v = the_vote();
    luxc_cert *c = (luxc_cert *)1;
    v.accept = 0;
    assert_int_equal(luxc_cert_new(&c, &v), LUXC_EINVAL);
    assert_null(c);
    assert_int_equal(luxc_cert_new(NULL, &v), LUXC_EINVAL);
    v.accept = 1;
    assert_int_equal(luxc_cert_new(&c, &v), LUXC_OK);
    static uint8_t big[LUXC_CERT_MAX_SIGBYTES + 1];
    assert_int_equal(luxc_cert_add(c, 1, big, sizeof big), LUXC_ETOOBIG);
    assert_int_equal(luxc_cert_add(c, 1, big, LUXC_CERT_MAX_SIGBYTES), LUXC_OK);
    assert_int_equal(luxc_cert_add(c, 1, big, 3), LUXC_EDUPLICATE);
    assert_int_equal(luxc_cert_add(c, 2, NULL, 3), LUXC_EINVAL);
    assert_int_equal(luxc_cert_add(NULL, 2, big, 3), LUXC_EINVAL);
    assert_int_equal(luxc_cert_num_signers(c), 1);
    luxc_cert_free(c);
    luxc_cert_free(NULL);
}

/* A valid encoding with signers {0, 1} and 2-byte signatures. */
static size_t make(uint8_t *buf, size_t cap)
{
    luxc_vote v = the_vote();
    luxc_cert *c;
    assert_int_equal(luxc_cert_new(&c, &v), LUXC_OK);
    assert_int_equal(luxc_cert_add(c, 0, (const uint8_t *)"ab", 2), LUXC_OK);
    assert_int_equal(luxc_cert_add(c, 1, (const uint8_t *)"cd", 2), LUXC_OK);
    size_t len;
    assert_int_equal(luxc_cert_encode(c, buf, cap, &len), LUXC_OK);
    luxc_cert_free(c);
    return len;
}

static void expect(const uint8_t *buf, size_t len, const luxc_cert_member *vs, size_t n, int want)
{
    luxc_cert *c = (luxc_cert *)1;
    int rc = luxc_cert_decode(&c, buf, len, vs, n);
    if (rc != want)
        fail_msg("decode gave %d (%s), want %d (%s)", rc, luxc_strerror(rc), want,
                 luxc_strerror(want));
    if (rc == LUXC_OK)
        luxc_cert_free(c);
    else
        assert_null(c);
}

enum { S0 = LUXC_CERT_HEADERBYTES, S1 = LUXC_CERT_HEADERBYTES + 10 };

static void test_decode_errors(void **state)
{
    (void)state;
    setup_set();
    uint8_t buf[512], m[512];
    size_t len = make(buf, sizeof buf);
    assert_int_equal(len, S1 + 10);
    expect(buf, len, set, NVAL, LUXC_OK);
    /* Every truncation is ETRUNC. */
    for (size_t l = 0; l < len; l++)
        expect(buf, l, set, NVAL, LUXC_ETRUNC);
    /* Trailing byte. */
    memcpy(m, buf, len);
    m[len] = 0;
    expect(m, len + 1, set, NVAL, LUXC_ETRAILING);
    /* Magic, version. */
    memcpy(m, buf, len);
    m[0] = 'X';
    expect(m, len, set, NVAL, LUXC_ECORRUPT);
    memcpy(m, buf, len);
    luxc_be16_store(m + 8, 2);
    expect(m, len, set, NVAL, LUXC_EVERSION);
    /* Count above the set size (checked before any allocation). */
    memcpy(m, buf, len);
    luxc_be32_store(m + LUXC_CERT_HEADERBYTES - 4, NVAL + 1);
    expect(m, len, set, NVAL, LUXC_ETOOBIG);
    luxc_be32_store(m + LUXC_CERT_HEADERBYTES - 4, 0xffffffffu);
    expect(m, len, set, NVAL, LUXC_ETOOBIG);
    /* Count larger than the signers present: truncated. */
    luxc_be32_store(m + LUXC_CERT_HEADERBYTES - 4, 3);
    expect(m, len, set, NVAL, LUXC_ETRUNC);
    /* Count smaller: the rest is trailing. */
    luxc_be32_store(m + LUXC_CERT_HEADERBYTES - 4, 1);
    expect(m, len, set, NVAL, LUXC_ETRAILING);
    /* Signature length beyond the buffer / beyond the cap. */
    memcpy(m, buf, len);
    luxc_be32_store(m + S1 + 4, 3);
    expect(m, len, set, NVAL, LUXC_ETRUNC);
    luxc_be32_store(m + S1 + 4, LUXC_CERT_MAX_SIGBYTES + 1);
    expect(m, len, set, NVAL, LUXC_ETOOBIG);
    luxc_be32_store(m + S1 + 4, 0xffffffffu);
    expect(m, len, set, NVAL, LUXC_ETOOBIG);
    /* Signer not in the set. */
    memcpy(m, buf, len);
    luxc_be32_store(m + S1, NVAL);
    expect(m, len, set, NVAL, LUXC_ENOTMEMBER);
    luxc_be32_store(m + S1, 0xffffffffu);
    expect(m, len, set, NVAL, LUXC_ENOTMEMBER);
    expect(buf, len, set, 1, LUXC_ETOOBIG); /* 2 signers, set of 1 */
    /* Duplicate signer. */
    memcpy(m, buf, len);
    luxc_be32_store(m + S1, 0);
    expect(m, len, set, NVAL, LUXC_EDUPLICATE);
    /* Not ascending (non-canonical). */
    memcpy(m, buf, len);
    luxc_be32_store(m + S0, 2);
    expect(m, len, set, NVAL, LUXC_ECORRUPT);
    /* Stake overflow. */
    luxc_cert_member huge[2] = {{UINT64_MAX, pks, 1}, {1, pks + 1, 1}};
    expect(buf, len, huge, 2, LUXC_EOVERFLOW);
    /* Argument errors. */
    expect(NULL, 5, set, NVAL, LUXC_EINVAL);
    expect(buf, len, NULL, 2, LUXC_EINVAL);
    assert_int_equal(luxc_cert_decode(NULL, buf, len, set, NVAL), LUXC_EINVAL);
    /* Empty certificate: valid encoding, never final. */
    luxc_vote v = the_vote();
    luxc_cert *c;
    assert_int_equal(luxc_cert_new(&c, &v), LUXC_OK);
    size_t el;
    assert_int_equal(luxc_cert_encode(c, m, sizeof m, &el), LUXC_OK);
    luxc_cert_free(c);
    assert_int_equal(luxc_cert_decode(&c, m, el, set, NVAL), LUXC_OK);
    fake f = {0};
    luxc_verifier vf = {fake_verify, &f};
    assert_int_equal(luxc_cert_verify(c, set, NVAL, &vf), LUXC_ENOQUORUM);
    luxc_cert_free(c);
}

/* Random corruption never crashes and never yields a certificate that
 * re-encodes differently (decode is strict and canonical). */
static void test_random_corruption(void **state)
{
    (void)state;
    setup_set();
    uint64_t seed = luxc_test_seed(), r = seed;
    uint8_t buf[512], m[512], re[512];
    size_t len = make(buf, sizeof buf);
    for (int i = 0; i < 20000; i++) {
        memcpy(m, buf, len);
        size_t l = len;
        int flips = 1 + (int)(luxc_test_rand(&r) % 3);
        for (int j = 0; j < flips; j++)
            m[luxc_test_rand(&r) % len] ^= (uint8_t)(1u << (luxc_test_rand(&r) % 8));
        if (luxc_test_rand(&r) % 4 == 0)
            l = luxc_test_rand(&r) % (len + 1);
        luxc_cert *c;
        int rc = luxc_cert_decode(&c, m, l, set, NVAL);
        if (rc != LUXC_OK)
            continue;
        size_t rl;
        if (luxc_cert_encode(c, re, sizeof re, &rl) != LUXC_OK || rl != l || memcmp(re, m, l))
            LUXC_TEST_FAIL_SEED(seed, "iteration %d: decoded input does not re-encode", i);
        luxc_cert_free(c);
    }
}

static void test_alloc_failure(void **state)
{
    (void)state;
    setup_set();
    uint8_t buf[512];
    size_t len = make(buf, sizeof buf);
    for (long n = 0;; n++) {
        luxc_cert *c = (luxc_cert *)1;
        luxc_test_alloc_fail_after(n);
        int rc = luxc_cert_decode(&c, buf, len, set, NVAL);
        luxc_test_alloc_fail_after(-1);
        if (rc == LUXC_OK) {
            luxc_cert_free(c);
            break;
        }
        assert_int_equal(rc, LUXC_ENOMEM);
        assert_null(c);
    }
    luxc_vote v = the_vote();
    luxc_cert *c;
    assert_int_equal(luxc_cert_new(&c, &v), LUXC_OK);
    for (uint32_t i = 0; i < 20; i++)
        for (long n = 0;; n++) {
            luxc_test_alloc_fail_after(n);
            int rc = luxc_cert_add(c, i * 3 % 20, (const uint8_t *)"xy", 2);
            luxc_test_alloc_fail_after(-1);
            if (rc == LUXC_OK)
                break;
            assert_int_equal(rc, LUXC_ENOMEM);
            assert_int_equal(luxc_cert_num_signers(c), i);
        }
    assert_int_equal(luxc_cert_num_signers(c), 20);
    luxc_cert_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exactly_two_thirds_is_not_final),
        cmocka_unit_test(test_forged_signature),
        cmocka_unit_test(test_roundtrip_canonical),
        cmocka_unit_test(test_polka_proof),
        cmocka_unit_test(test_builder_errors),
        cmocka_unit_test(test_decode_errors),
        cmocka_unit_test(test_random_corruption),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
