/* test_crc32c.c - the store's CRC-32C against RFC 3720 check values and a
 * bitwise reference, including chaining and unaligned starts (the SSE4.2
 * back-end in native builds, the table in the others). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "store/crc32c.h"
#include "testutil.h"

/* Bit at a time, straight from the definition (reflected 0x82F63B78). */
static uint32_t crc_ref(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
    }
    return ~c;
}

static void test_check_values(void **state)
{
    (void)state;
    uint8_t buf[32];
    assert_int_equal(luxc_crc32c(0, "123456789", 9), 0xe3069283u);
    assert_int_equal(luxc_crc32c(0, NULL, 0), 0);
    /* RFC 3720 B.4: 32 bytes of zeros, of ones, incrementing, decrementing. */
    memset(buf, 0, 32);
    assert_int_equal(luxc_crc32c(0, buf, 32), 0x8a9136aau);
    memset(buf, 0xff, 32);
    assert_int_equal(luxc_crc32c(0, buf, 32), 0x62a8ab43u);
    for (int i = 0; i < 32; i++)
        buf[i] = (uint8_t)i;
    assert_int_equal(luxc_crc32c(0, buf, 32), 0x46dd794eu);
    for (int i = 0; i < 32; i++)
        buf[i] = (uint8_t)(31 - i);
    assert_int_equal(luxc_crc32c(0, buf, 32), 0x113fdb5cu);
}

static void test_random_against_reference(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed(), st = seed;
    uint8_t buf[1100];
    for (int iter = 0; iter < 300; iter++) {
        size_t off = luxc_test_rand(&st) % 8, n = luxc_test_rand(&st) % 1024;
        for (size_t i = 0; i < off + n; i++)
            buf[i] = (uint8_t)luxc_test_rand(&st);
        uint32_t want = crc_ref(buf + off, n);
        if (luxc_crc32c(0, buf + off, n) != want)
            LUXC_TEST_FAIL_SEED(seed, "iter %d off %zu n %zu", iter, off, n);
        size_t cut = n ? luxc_test_rand(&st) % n : 0;
        uint32_t c = luxc_crc32c(luxc_crc32c(0, buf + off, cut), buf + off + cut, n - cut);
        if (c != want)
            LUXC_TEST_FAIL_SEED(seed, "chained iter %d cut %zu", iter, cut);
        if (n > 0) {
            buf[off + luxc_test_rand(&st) % n] ^= (uint8_t)(1u << (luxc_test_rand(&st) % 8));
            if (luxc_crc32c(0, buf + off, n) == want)
                LUXC_TEST_FAIL_SEED(seed, "bit flip undetected iter %d", iter);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_values),
        cmocka_unit_test(test_random_against_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
