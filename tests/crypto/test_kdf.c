/* test_kdf.c - luxc_kdf: the documented construction, output-length bounds,
 * label / info separation (no ambiguity at the label boundary), errors. */
#include "luxc/crypto.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "testutil.h"

static const uint8_t ikm[40] = {1, 2, 3, 4, 5};

static void test_construction(void **state)
{
    (void)state;
    uint8_t out[64], k[32], want[64];
    const uint8_t info[3] = {7, 8, 9};
    assert_int_equal(luxc_kdf(out, 64, ikm, sizeof ikm, "luxc/test", info, 3), LUXC_OK);
    crypto_generichash(k, 32, ikm, sizeof ikm, NULL, 0);
    crypto_generichash_state st;
    crypto_generichash_init(&st, k, 32, 64);
    crypto_generichash_update(&st, (const uint8_t *)"luxc/test", 10); /* incl. NUL */
    crypto_generichash_update(&st, info, 3);
    crypto_generichash_final(&st, want, 64);
    assert_memory_equal(out, want, 64);
}

static void test_lengths(void **state)
{
    (void)state;
    uint8_t out[65];
    memset(out, 0xaa, sizeof out);
    assert_int_equal(luxc_kdf(out, 15, ikm, sizeof ikm, "x", NULL, 0), LUXC_EINVAL);
    for (size_t i = 0; i < 15; i++)
        assert_int_equal(out[i], 0); /* wiped on error */
    assert_int_equal(luxc_kdf(out, 65, ikm, sizeof ikm, "x", NULL, 0), LUXC_EINVAL);
    assert_int_equal(luxc_kdf(out, 0, ikm, sizeof ikm, "x", NULL, 0), LUXC_EINVAL);
    assert_int_equal(luxc_kdf(out, 16, ikm, sizeof ikm, "x", NULL, 0), LUXC_OK);
    assert_int_equal(luxc_kdf(out, 64, ikm, sizeof ikm, "x", NULL, 0), LUXC_OK);
    /* an output is not a prefix of a longer one (BLAKE2b binds outlen) */
    uint8_t a[32], b[64];
    assert_int_equal(luxc_kdf(a, 32, ikm, sizeof ikm, "x", NULL, 0), LUXC_OK);
    assert_int_equal(luxc_kdf(b, 64, ikm, sizeof ikm, "x", NULL, 0), LUXC_OK);
    assert_memory_not_equal(a, b, 32);
}

static void test_separation(void **state)
{
    (void)state;
    uint8_t a[32], b[32];
    /* "ab" + "c" vs "a" + "bc" */
    assert_int_equal(luxc_kdf(a, 32, ikm, sizeof ikm, "ab", (const uint8_t *)"c", 1), LUXC_OK);
    assert_int_equal(luxc_kdf(b, 32, ikm, sizeof ikm, "a", (const uint8_t *)"bc", 2), LUXC_OK);
    assert_memory_not_equal(a, b, 32);
    /* label matters, ikm matters, info matters */
    assert_int_equal(luxc_kdf(a, 32, ikm, sizeof ikm, "luxc/qzmq/i2r", NULL, 0), LUXC_OK);
    assert_int_equal(luxc_kdf(b, 32, ikm, sizeof ikm, "luxc/qzmq/r2i", NULL, 0), LUXC_OK);
    assert_memory_not_equal(a, b, 32);
    assert_int_equal(luxc_kdf(b, 32, ikm, sizeof ikm - 1, "luxc/qzmq/i2r", NULL, 0), LUXC_OK);
    assert_memory_not_equal(a, b, 32);
    assert_int_equal(luxc_kdf(b, 32, ikm, sizeof ikm, "luxc/qzmq/i2r", ikm, 1), LUXC_OK);
    assert_memory_not_equal(a, b, 32);
    /* deterministic; empty label allowed */
    assert_int_equal(luxc_kdf(b, 32, ikm, sizeof ikm, "luxc/qzmq/i2r", NULL, 0), LUXC_OK);
    assert_memory_equal(a, b, 32);
    assert_int_equal(luxc_kdf(b, 32, ikm, sizeof ikm, "", NULL, 0), LUXC_OK);
}

static void test_null_info(void **state)
{
    (void)state;
    uint8_t out[32];
    assert_int_equal(luxc_kdf(out, 32, ikm, sizeof ikm, "x", NULL, 4), LUXC_EINVAL);
}

int main(void)
{
    assert_int_equal(luxc_crypto_init(), LUXC_OK);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_construction),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_separation),
        cmocka_unit_test(test_null_info),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
