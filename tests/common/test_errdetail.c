/* test_errdetail.c - the one line of error detail (common/errdetail.h):
 * the code comes back, NULL/0 buffers are allowed, long text is cut to
 * fit, control characters never break the line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/errdetail.h"
#include "luxc/common.h"

static void test_writes_and_returns_code(void **state)
{
    (void)state;
    char err[64];
    assert_int_equal(luxc_errf(err, sizeof err, LUXC_EPARAM, "K=%u", 7u), LUXC_EPARAM);
    assert_string_equal(err, "K=7");
    assert_int_equal(luxc_errf(NULL, 0, LUXC_EIO, "ignored %d", 1), LUXC_EIO);
    memset(err, 'x', sizeof err);
    assert_int_equal(luxc_errf(err, 0, LUXC_EIO, "ignored"), LUXC_EIO);
    assert_int_equal(err[0], 'x'); /* errlen 0: not touched */
}

static void test_cut_to_fit(void **state)
{
    (void)state;
    char err[8];
    luxc_errf(err, sizeof err, LUXC_EINVAL, "%s", "0123456789");
    assert_string_equal(err, "0123456");
    char one[1];
    luxc_errf(one, sizeof one, LUXC_EINVAL, "abc");
    assert_int_equal(one[0], '\0');
}

static void test_one_line(void **state)
{
    (void)state;
    char err[64];
    luxc_errf(err, sizeof err, LUXC_ECORRUPT, "a\nb\rc\td%ce", 0x7f);
    assert_string_equal(err, "a?b?c?d?e");
}

static int relay(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = luxc_verrf(err, errlen, LUXC_ENOTFOUND, fmt, ap);
    va_end(ap);
    return rc;
}

static void test_va_list_form(void **state)
{
    (void)state;
    char err[32];
    assert_int_equal(relay(err, sizeof err, "%s=%d", "height", 42), LUXC_ENOTFOUND);
    assert_string_equal(err, "height=42");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writes_and_returns_code),
        cmocka_unit_test(test_cut_to_fit),
        cmocka_unit_test(test_one_line),
        cmocka_unit_test(test_va_list_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
