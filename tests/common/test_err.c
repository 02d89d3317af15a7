/* test_err.c - luxc_strerror covers every code; the allocator wrapper works. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "luxc/common.h"
#include "testutil.h"

static void test_every_code_has_distinct_text(void **state)
{
    (void)state;
    for (int e = 0; e >= LUXC_ELAST; e--) {
        const char *m = luxc_strerror(e);
        assert_non_null(m);
        assert_string_not_equal(m, "unknown error");
        for (int f = e - 1; f >= LUXC_ELAST; f--)
            assert_string_not_equal(m, luxc_strerror(f));
    }
}

static void test_unknown_codes(void **state)
{
    (void)state;
    assert_string_equal(luxc_strerror(LUXC_ELAST - 1), "unknown error");
    assert_string_equal(luxc_strerror(1), "unknown error");
    assert_string_equal(luxc_strerror(-100000), "unknown error");
    assert_string_equal(luxc_strerror(LUXC_OK), "success");
}

static void test_version(void **state)
{
    (void)state;
    assert_string_equal(luxc_version(), LUXC_VERSION_STRING);
}

static void test_alloc_failure_wrapper(void **state)
{
    (void)state;
    luxc_test_alloc_fail_after(1);
    void *a = malloc(8);
    void *b = malloc(8);
    void *c = malloc(8);
    assert_non_null(a);
    assert_null(b);
    assert_non_null(c);
    free(a);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_code_has_distinct_text),
        cmocka_unit_test(test_unknown_codes),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_alloc_failure_wrapper),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
