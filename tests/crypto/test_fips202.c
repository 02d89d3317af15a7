/* test_fips202.c - our SHA-3 / SHAKE (src/crypto/fips202.c, which replaces
 * PQClean's allocating fips202.c): FIPS 202 known answers, incremental
 * absorb/squeeze in random pieces equal to one shot, block-API equal to the
 * byte API, and (with OpenSSL's libcrypto) agreement with an independent
 * implementation for every length around the rate boundaries. */
#include "crypto/fips202.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#ifdef LUXC_HAVE_LIBCRYPTO
#include <openssl/evp.h>
#endif

#include "testutil.h"

static uint64_t seed;

static void unhex(uint8_t *out, const char *h)
{
    for (size_t i = 0; h[2 * i]; i++) {
        unsigned v;
        assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

static void test_known_answers(void **state)
{
    (void)state;
    uint8_t out[64], want[64];
    sha3_256(out, NULL, 0);
    unhex(want, "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
    assert_memory_equal(out, want, 32);
    sha3_256(out, (const uint8_t *)"abc", 3);
    unhex(want, "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
    assert_memory_equal(out, want, 32);
    sha3_512(out, (const uint8_t *)"abc", 3);
    unhex(want, "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e"
                "10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0");
    assert_memory_equal(out, want, 64);
    shake128(out, 32, NULL, 0);
    unhex(want, "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26");
    assert_memory_equal(out, want, 32);
    shake256(out, 64, NULL, 0);
    unhex(want, "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f"
                "d75dc4ddd8c0f200cb05019d67b592f6fc821c49479ab48640292eacb3b7c4be");
    assert_memory_equal(out, want, 64);
}

/* Absorb and squeeze in random pieces: same bytes as one shot. */
static void test_incremental(void **state)
{
    (void)state;
    uint64_t st = seed;
    static uint8_t in[1000], one[700], inc[700];
    for (size_t i = 0; i < sizeof in; i++)
        in[i] = (uint8_t)luxc_test_rand(&st);
    for (int round = 0; round < 40; round++) {
        size_t inlen = (size_t)(luxc_test_rand(&st) % sizeof in);
        size_t outlen = (size_t)(luxc_test_rand(&st) % sizeof one);
        int use128 = round % 2;
        luxc_keccak_ctx c;
        if (use128) {
            shake128(one, outlen, in, inlen);
            shake128_inc_init(&c);
        } else {
            shake256(one, outlen, in, inlen);
            shake256_inc_init(&c);
        }
        for (size_t off = 0; off < inlen;) {
            size_t n = (size_t)(luxc_test_rand(&st) % 200);
            if (n > inlen - off)
                n = inlen - off;
            if (use128)
                shake128_inc_absorb(&c, in + off, n);
            else
                shake256_inc_absorb(&c, in + off, n);
            off += n;
        }
        if (use128)
            shake128_inc_finalize(&c);
        else
            shake256_inc_finalize(&c);
        for (size_t off = 0; off < outlen;) {
            size_t n = (size_t)(luxc_test_rand(&st) % 300);
            if (n > outlen - off)
                n = outlen - off;
            if (use128)
                shake128_inc_squeeze(inc + off, n, &c);
            else
                shake256_inc_squeeze(inc + off, n, &c);
            off += n;
        }
        if (memcmp(one, inc, outlen) != 0)
            LUXC_TEST_FAIL_SEED(seed, "incremental SHAKE%d in=%zu out=%zu differs",
                                use128 ? 128 : 256, inlen, outlen);
    }
}

/* absorb + squeezeblocks == the byte API's first blocks. */
static void test_block_api(void **state)
{
    (void)state;
    uint8_t in[34] = {1, 2, 3}, a[3 * SHAKE128_RATE], b[3 * SHAKE128_RATE];
    shake128ctx c;
    shake128_absorb(&c, in, sizeof in);
    shake128_squeezeblocks(a, 1, &c);
    shake128_squeezeblocks(a + SHAKE128_RATE, 2, &c);
    shake128_ctx_release(&c);
    shake128(b, sizeof b, in, sizeof in);
    assert_memory_equal(a, b, sizeof a);
    shake256ctx d;
    uint8_t e[2 * SHAKE256_RATE], f[2 * SHAKE256_RATE];
    shake256_absorb(&d, in, sizeof in);
    shake256_squeezeblocks(e, 2, &d);
    shake256(f, sizeof f, in, sizeof in);
    assert_memory_equal(e, f, sizeof e);
    /* release wipes the state */
    shake256_ctx_release(&d);
    for (size_t i = 0; i < 25; i++)
        assert_true(d.s[i] == 0);
}

#ifdef LUXC_HAVE_LIBCRYPTO
static void ossl(const char *name, uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen)
{
    EVP_MD *md = EVP_MD_fetch(NULL, name, NULL);
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    assert_non_null(md);
    assert_non_null(c);
    assert_int_equal(EVP_DigestInit_ex(c, md, NULL), 1);
    assert_int_equal(EVP_DigestUpdate(c, in, inlen), 1);
    if (strncmp(name, "SHAKE", 5) == 0) {
        assert_int_equal(EVP_DigestFinalXOF(c, out, outlen), 1);
    } else {
        unsigned n;
        assert_int_equal(EVP_DigestFinal_ex(c, out, &n), 1);
        assert_int_equal(n, outlen);
    }
    EVP_MD_CTX_free(c);
    EVP_MD_free(md);
}
#endif

/* Every input length 0..400 (crossing the 72/136/168-byte rates) against
 * OpenSSL; without libcrypto this test is skipped. */
static void test_against_openssl(void **state)
{
    (void)state;
#ifdef LUXC_HAVE_LIBCRYPTO
    static uint8_t in[400], a[400], b[400];
    uint64_t st = seed ^ 0x202;
    for (size_t i = 0; i < sizeof in; i++)
        in[i] = (uint8_t)luxc_test_rand(&st);
    for (size_t len = 0; len <= sizeof in; len++) {
        sha3_256(a, in, len);
        ossl("SHA3-256", b, 32, in, len);
        assert_memory_equal(a, b, 32);
        sha3_512(a, in, len);
        ossl("SHA3-512", b, 64, in, len);
        assert_memory_equal(a, b, 64);
        size_t out = 1 + len % 399;
        shake128(a, out, in, len);
        ossl("SHAKE128", b, out, in, len);
        if (memcmp(a, b, out))
            LUXC_TEST_FAIL_SEED(seed, "SHAKE128 len %zu out %zu differs from OpenSSL", len, out);
        shake256(a, out, in, len);
        ossl("SHAKE256", b, out, in, len);
        if (memcmp(a, b, out))
            LUXC_TEST_FAIL_SEED(seed, "SHAKE256 len %zu out %zu differs from OpenSSL", len, out);
    }
#else
    skip();
#endif
}

int main(void)
{
    seed = luxc_test_seed();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answers),
        cmocka_unit_test(test_incremental),
        cmocka_unit_test(test_block_api),
        cmocka_unit_test(test_against_openssl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
