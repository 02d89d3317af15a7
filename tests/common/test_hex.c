/* test_hex.c - hex both ways through libsodium (common/hex.h): case, odd
 * length, bad digits, wrong size, the returned pointer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "common/hex.h"

static void test_hex(void **state)
{
    (void)state;
    const uint8_t in[4] = {0x00, 0xab, 0x7f, 0xff};
    char hex[9];
    assert_ptr_equal(luxc_hex_encode(hex, in, sizeof in), hex);
    assert_string_equal(hex, "00ab7fff");
    uint8_t back[4];
    assert_int_equal(luxc_hex_decode(back, sizeof back, "00ab7fff"), 0);
    assert_memory_equal(back, in, sizeof in);
    assert_int_equal(luxc_hex_decode(back, sizeof back, "00AB7FFF"), 0);
    assert_memory_equal(back, in, sizeof in);
    assert_int_equal(luxc_hex_decode(back, sizeof back, "00ab7ff"), -1);   /* odd */
    assert_int_equal(luxc_hex_decode(back, sizeof back, "00ab7fffee"), -1); /* long */
    assert_int_equal(luxc_hex_decode(back, sizeof back, "00ab7fgf"), -1);   /* digit */
    assert_int_equal(luxc_hex_decode(back, sizeof back, "00ab 7ff"), -1);   /* space */
    assert_int_equal(luxc_hex_decode(back, 0, ""), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
