/* test_logfmt.c - logfmt values (bare or quoted, escaped, cut to fit) and
 * events built with luxc_log_emitf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/logfmt.h"

static void test_value(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(luxc_logfmt_value(b, sizeof b, "node0"), "node0");
    assert_string_equal(luxc_logfmt_value(b, sizeof b, ""), "\"\"");
    assert_string_equal(luxc_logfmt_value(b, sizeof b, NULL), "\"\"");
    assert_string_equal(luxc_logfmt_value(b, sizeof b, "a b"), "\"a b\"");
    assert_string_equal(luxc_logfmt_value(b, sizeof b, "k=v"), "\"k=v\"");
    assert_string_equal(luxc_logfmt_value(b, sizeof b, "a\"b\\c"), "\"a\\\"b\\\\c\"");
    assert_string_equal(luxc_logfmt_value(b, sizeof b, "l1\nl2"), "\"l1 l2\"");
    /* cut to fit, still closed */
    assert_string_equal(luxc_logfmt_value(b, 6, "abcdefgh"), "abcde");
    assert_string_equal(luxc_logfmt_value(b, 6, "ab cdefgh"), "\"ab \"");
    assert_string_equal(luxc_logfmt_value(b, 6, "a\"\"\"\""), "\"a\\\"\"");  /* "a\"" */
    assert_string_equal(luxc_logfmt_value(b, 2, "a b"), "");
}

typedef struct seen {
    luxc_log_level level;
    char event[64], fields[128];
    int null_fields, calls;
} seen;

static void sink(void *ctx, luxc_log_level level, const char *event, const char *fields)
{
    seen *s = ctx;
    s->calls++;
    s->level = level;
    strncpy(s->event, event, sizeof s->event - 1);
    s->null_fields = fields == NULL;
    if (fields)
        strncpy(s->fields, fields, sizeof s->fields - 1);
}

static void test_emitf(void **state)
{
    (void)state;
    seen s;
    memset(&s, 0, sizeof s);
    luxc_log_emitf(NULL, &s, LUXC_LOG_INFO, "nobody", NULL); /* no sink: no-op */
    assert_int_equal(s.calls, 0);
    char v[32];
    luxc_log_emitf(sink, &s, LUXC_LOG_WARN, "peer refused", "peer=%d reason=%s", 3,
                   luxc_logfmt_value(v, sizeof v, "bad key"));
    assert_int_equal(s.calls, 1);
    assert_int_equal(s.level, LUXC_LOG_WARN);
    assert_string_equal(s.event, "peer refused");
    assert_string_equal(s.fields, "peer=3 reason=\"bad key\"");
    luxc_log_emitf(sink, &s, LUXC_LOG_DEBUG, "tick", NULL);
    assert_int_equal(s.calls, 2);
    assert_true(s.null_fields);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value),
        cmocka_unit_test(test_emitf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
