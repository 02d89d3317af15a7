/* test_sha256.c - the consensus layer's SHA-256 against FIPS 180-4
 * example vectors ("abc", the 448-bit message, one million 'a') and
 * streaming in every chunk size against the one-shot. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "consensus/sha256.h"
#include "testutil.h"

static void hex(char *out, const uint8_t *h)
{
    for (int i = 0; i < 32; i++)
        sprintf(out + 2 * i, "%02x", h[i]);
}

static void check(const void *msg, size_t len, const char *want)
{
    uint8_t h[32];
    char got[65];
    luxc_sha256(h, msg, len);
    hex(got, h);
    assert_string_equal(got, want);
}

static void test_fips_abc(void **state)
{
    (void)state;
    check("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_fips_448bit(void **state)
{
    (void)state;
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    check(m, strlen(m), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_fips_million_a(void **state)
{
    (void)state;
    luxc_sha256_ctx c;
    uint8_t chunk[1000], h[32];
    char got[65];
    memset(chunk, 'a', sizeof chunk);
    luxc_sha256_init(&c);
    for (int i = 0; i < 1000; i++)
        luxc_sha256_update(&c, chunk, sizeof chunk);
    luxc_sha256_final(&c, h);
    hex(got, h);
    assert_string_equal(got, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_empty(void **state)
{
    (void)state;
    check("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_streaming_matches_oneshot(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed(), r = seed;
    uint8_t msg[300], a[32], b[32];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)luxc_test_rand(&r);
    for (size_t len = 0; len <= sizeof msg; len += 7) {
        luxc_sha256(a, msg, len);
        for (size_t chunk = 1; chunk <= 130; chunk += 3) {
            luxc_sha256_ctx c;
            luxc_sha256_init(&c);
            for (size_t off = 0; off < len; off += chunk)
                luxc_sha256_update(&c, msg + off, len - off < chunk ? len - off : chunk);
            luxc_sha256_final(&c, b);
            if (memcmp(a, b, 32))
                LUXC_TEST_FAIL_SEED(seed, "len %zu chunk %zu", len, chunk);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fips_abc),
        cmocka_unit_test(test_fips_448bit),
        cmocka_unit_test(test_fips_million_a),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_streaming_matches_oneshot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
