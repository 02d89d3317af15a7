/* test_util.c - luxc_crypto_init, randomness, constant-time compare, wipe. */
#include "luxc/crypto.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

static void test_init_idempotent(void **state)
{
    (void)state;
    assert_int_equal(luxc_crypto_init(), LUXC_OK);
    assert_int_equal(luxc_crypto_init(), LUXC_OK);
}

static void test_randombytes(void **state)
{
    (void)state;
    uint8_t a[64] = {0}, b[64] = {0}, z[64] = {0};
    luxc_randombytes(a, sizeof a);
    luxc_randombytes(b, sizeof b);
    assert_memory_not_equal(a, b, sizeof a);
    assert_memory_not_equal(a, z, sizeof a);
    luxc_randombytes(NULL, 0); /* no-op */
}

static void test_memeq_ct(void **state)
{
    (void)state;
    uint8_t a[33] = {1, 2, 3}, b[33] = {1, 2, 3};
    assert_int_equal(luxc_memeq_ct(a, b, sizeof a), 0);
    for (size_t i = 0; i < sizeof a; i++) {
        b[i] ^= 0x80;
        assert_int_equal(luxc_memeq_ct(a, b, sizeof a), -1);
        b[i] ^= 0x80;
    }
    assert_int_equal(luxc_memeq_ct(a, b, 0), 0);
}

static void test_wipe(void **state)
{
    (void)state;
    uint8_t a[40];
    memset(a, 0xff, sizeof a);
    luxc_wipe(a + 1, 38);
    assert_int_equal(a[0], 0xff);
    assert_int_equal(a[39], 0xff);
    for (size_t i = 1; i < 39; i++)
        assert_int_equal(a[i], 0);
    luxc_wipe(NULL, 10); /* no-op */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_idempotent),
        cmocka_unit_test(test_randombytes),
        cmocka_unit_test(test_memeq_ct),
        cmocka_unit_test(test_wipe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
