/* test_hash.c - luxc_hash is BLAKE2b-256 (RFC 7693): known answers, NULL
 * handling, and that it is not a truncated BLAKE2b-512. */
#include "luxc/crypto.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

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
    uint8_t out[32], want[32];
    assert_int_equal(luxc_hash_bytes(), 32);
    /* BLAKE2b-256("") and BLAKE2b-256("abc") */
    unhex(want, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
    assert_int_equal(luxc_hash(out, NULL, 0), LUXC_OK);
    assert_memory_equal(out, want, 32);
    unhex(want, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
    assert_int_equal(luxc_hash(out, (const uint8_t *)"abc", 3), LUXC_OK);
    assert_memory_equal(out, want, 32);
}

static void test_null_with_length(void **state)
{
    (void)state;
    uint8_t out[32];
    assert_int_equal(luxc_hash(out, NULL, 1), LUXC_EINVAL);
}

static void test_distinct(void **state)
{
    (void)state;
    uint8_t a[32], b[32], m[2] = {0, 0};
    assert_int_equal(luxc_hash(a, m, 1), LUXC_OK);
    assert_int_equal(luxc_hash(b, m, 2), LUXC_OK);
    assert_memory_not_equal(a, b, 32);
}

int main(void)
{
    assert_int_equal(luxc_crypto_init(), LUXC_OK);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answers),
        cmocka_unit_test(test_null_with_length),
        cmocka_unit_test(test_distinct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
