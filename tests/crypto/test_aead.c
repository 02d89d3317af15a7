/* test_aead.c - XChaCha20-Poly1305: round trips (incl. in place and empty),
 * a known answer, and every rejection: flipped tag, flipped ciphertext,
 * wrong key / nonce / associated data, truncation, NULL misuse. */
#include "luxc/crypto.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "testutil.h"

static uint64_t seed;

static void fill(uint8_t *p, size_t n, uint64_t *st)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)luxc_test_rand(st);
}

static void test_sizes(void **state)
{
    (void)state;
    assert_int_equal(luxc_aead_keybytes(), 32);
    assert_int_equal(luxc_aead_noncebytes(), 24);
    assert_int_equal(luxc_aead_tagbytes(), 16);
}

static void test_round_trip_lengths(void **state)
{
    (void)state;
    uint64_t st = seed;
    static uint8_t m[2048], c[2048 + 16], out[2048];
    uint8_t k[32], n[24], ad[13];
    const size_t lens[] = {0, 1, 15, 16, 17, 63, 64, 65, 1024, 2048};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        size_t clen = 0, mlen = 0;
        fill(k, 32, &st);
        fill(n, 24, &st);
        fill(ad, sizeof ad, &st);
        fill(m, lens[i], &st);
        assert_int_equal(luxc_aead_seal(c, &clen, m, lens[i], ad, sizeof ad, n, k), LUXC_OK);
        assert_int_equal(clen, lens[i] + 16);
        assert_int_equal(luxc_aead_open(out, &mlen, c, clen, ad, sizeof ad, n, k), LUXC_OK);
        assert_int_equal(mlen, lens[i]);
        if (lens[i] && memcmp(out, m, lens[i]))
            LUXC_TEST_FAIL_SEED(seed, "round trip of %zu bytes differs", lens[i]);
    }
}

/* Same bytes as libsodium's own combined-mode call: we add no framing. */
static void test_matches_libsodium(void **state)
{
    (void)state;
    uint8_t k[32] = {1}, n[24] = {2}, m[5] = {'h', 'e', 'l', 'l', 'o'};
    uint8_t c1[21], c2[21];
    size_t clen;
    unsigned long long cl2;
    assert_int_equal(luxc_aead_seal(c1, &clen, m, 5, (const uint8_t *)"ad", 2, n, k), LUXC_OK);
    crypto_aead_xchacha20poly1305_ietf_encrypt(c2, &cl2, m, 5, (const uint8_t *)"ad", 2, NULL, n, k);
    assert_int_equal(clen, cl2);
    assert_memory_equal(c1, c2, clen);
}

static void test_in_place(void **state)
{
    (void)state;
    uint8_t k[32] = {3}, n[24] = {4}, buf[64 + 16], orig[64];
    size_t clen, mlen;
    for (int i = 0; i < 64; i++)
        buf[i] = orig[i] = (uint8_t)i;
    assert_int_equal(luxc_aead_seal(buf, &clen, buf, 64, NULL, 0, n, k), LUXC_OK);
    assert_memory_not_equal(buf, orig, 64);
    assert_int_equal(luxc_aead_open(buf, &mlen, buf, clen, NULL, 0, n, k), LUXC_OK);
    assert_int_equal(mlen, 64);
    assert_memory_equal(buf, orig, 64);
}

static void test_rejections(void **state)
{
    (void)state;
    uint64_t st = seed ^ 99;
    uint8_t k[32], n[24], ad[8], m[100], c[116], out[100];
    size_t clen, mlen;
    fill(k, 32, &st);
    fill(n, 24, &st);
    fill(ad, 8, &st);
    fill(m, 100, &st);
    assert_int_equal(luxc_aead_seal(c, &clen, m, 100, ad, 8, n, k), LUXC_OK);

    /* flipped tag bit and flipped ciphertext bit; m is wiped on failure */
    for (int i = 0; i < 16; i++) {
        size_t bit = (size_t)(luxc_test_rand(&st) % (8 * clen));
        if (i == 0)
            bit = 8 * (clen - 1); /* last tag byte */
        c[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        memset(out, 0x77, sizeof out);
        mlen = 12345;
        if (luxc_aead_open(out, &mlen, c, clen, ad, 8, n, k) != LUXC_EAUTH)
            LUXC_TEST_FAIL_SEED(seed, "flipped bit %zu accepted", bit);
        assert_int_equal(mlen, 0);
        for (size_t j = 0; j < sizeof out; j++)
            assert_int_equal(out[j], 0);
        c[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    /* wrong key, nonce, associated data */
    k[0] ^= 1;
    assert_int_equal(luxc_aead_open(out, &mlen, c, clen, ad, 8, n, k), LUXC_EAUTH);
    k[0] ^= 1;
    n[23] ^= 1;
    assert_int_equal(luxc_aead_open(out, &mlen, c, clen, ad, 8, n, k), LUXC_EAUTH);
    n[23] ^= 1;
    assert_int_equal(luxc_aead_open(out, &mlen, c, clen, ad, 7, n, k), LUXC_EAUTH);
    assert_int_equal(luxc_aead_open(out, &mlen, c, clen, NULL, 0, n, k), LUXC_EAUTH);
    /* truncated: one byte short fails the tag; shorter than a tag is ETRUNC */
    assert_int_equal(luxc_aead_open(out, &mlen, c, clen - 1, ad, 8, n, k), LUXC_EAUTH);
    assert_int_equal(luxc_aead_open(out, &mlen, c, 16, ad, 8, n, k), LUXC_EAUTH);
    assert_int_equal(luxc_aead_open(out, &mlen, c, 15, ad, 8, n, k), LUXC_ETRUNC);
    assert_int_equal(luxc_aead_open(out, &mlen, c, 0, ad, 8, n, k), LUXC_ETRUNC);
    /* still fine after all that */
    assert_int_equal(luxc_aead_open(out, &mlen, c, clen, ad, 8, n, k), LUXC_OK);
    assert_memory_equal(out, m, 100);
}

static void test_null_misuse(void **state)
{
    (void)state;
    uint8_t k[32] = {0}, n[24] = {0}, c[32], out[16];
    size_t clen = 99, mlen = 99;
    assert_int_equal(luxc_aead_seal(c, &clen, NULL, 5, NULL, 0, n, k), LUXC_EINVAL);
    assert_int_equal(clen, 0);
    assert_int_equal(luxc_aead_seal(c, &clen, c, 5, NULL, 3, n, k), LUXC_EINVAL);
    assert_int_equal(luxc_aead_open(out, &mlen, NULL, 16, NULL, 0, n, k), LUXC_EINVAL);
    assert_int_equal(luxc_aead_open(out, &mlen, c, 16, NULL, 2, n, k), LUXC_EINVAL);
    /* a length over libsodium's limit is refused before any byte is read */
    assert_int_equal(luxc_aead_seal(c, &clen, c, SIZE_MAX, NULL, 0, n, k), LUXC_ETOOBIG);
    assert_int_equal(clen, 0);
    /* empty message with NULL m and NULL ad is fine */
    assert_int_equal(luxc_aead_seal(c, &clen, NULL, 0, NULL, 0, n, k), LUXC_OK);
    assert_int_equal(clen, 16);
    assert_int_equal(luxc_aead_open(out, &mlen, c, clen, NULL, 0, n, k), LUXC_OK);
    assert_int_equal(mlen, 0);
}

int main(void)
{
    assert_int_equal(luxc_crypto_init(), LUXC_OK);
    seed = luxc_test_seed();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_round_trip_lengths),
        cmocka_unit_test(test_matches_libsodium),
        cmocka_unit_test(test_in_place),
        cmocka_unit_test(test_rejections),
        cmocka_unit_test(test_null_misuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
