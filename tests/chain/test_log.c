/* test_log.c - log lines: format, level filter, quoting, truncation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "luxc/log.h"
#include "testutil.h"

static size_t capture(int fds[2], char *buf, size_t cap)
{
    ssize_t n = read(fds[0], buf, cap - 1);
    assert_true(n >= 0);
    buf[n] = '\0';
    return (size_t)n;
}

static void test_line_format_and_filter(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    luxc_logger lg;
    luxc_logger_init(&lg, fds[1], LUXC_LOG_INFO, "node=node0");
    luxc_log(&lg, LUXC_LOG_INFO, "block \"final\"", "height=%d latency_ms=%.1f", 42, 3.25);
    luxc_log(&lg, LUXC_LOG_DEBUG, "dropped by level", NULL);
    luxc_log(&lg, LUXC_LOG_ERROR, "two\nlines", NULL);
    char buf[4096];
    capture(fds, buf, sizeof buf);
    char *second = strchr(buf, '\n');
    assert_non_null(second);
    *second++ = '\0';
    assert_int_equal(strncmp(buf, "ts=", 3), 0);
    assert_int_equal(buf[26], 'Z'); /* ts=YYYY-MM-DDTHH:MM:SS.mmmZ */
    assert_string_equal(buf + 27,
                        " level=info node=node0 msg=\"block \\\"final\\\"\" height=42 latency_ms=3.2");
    assert_non_null(strstr(second, " level=error node=node0 msg=\"two lines\"\n"));
    assert_null(strstr(second, "dropped by level"));
    assert_string_equal(luxc_log_level_name(LUXC_LOG_WARN), "warn");
    close(fds[0]);
    close(fds[1]);
}

/* The luxc_log_fn adapter: event -> msg, fields appended as data (a '%'
 * in them is not a format), no trailing space without fields, the
 * logger's level still applies. */
static void test_sink(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    luxc_logger lg;
    luxc_logger_init(&lg, fds[1], LUXC_LOG_INFO, NULL);
    luxc_log_fn fn = luxc_logger_sink;
    fn(&lg, LUXC_LOG_WARN, "peer refused", "peer=3 reason=\"100% bad\"");
    char buf[4096];
    capture(fds, buf, sizeof buf);
    assert_non_null(strstr(buf, " level=warn msg=\"peer refused\" peer=3 reason=\"100% bad\"\n"));
    fn(&lg, LUXC_LOG_INFO, "started", NULL);
    capture(fds, buf, sizeof buf);
    assert_non_null(strstr(buf, " msg=\"started\"\n"));
    fn(&lg, LUXC_LOG_INFO, "empty", "");
    capture(fds, buf, sizeof buf);
    assert_non_null(strstr(buf, " msg=\"empty\"\n"));
    fn(&lg, LUXC_LOG_DEBUG, "dropped", "x=1");
    fn(&lg, LUXC_LOG_ERROR, "kept", NULL);
    capture(fds, buf, sizeof buf);
    assert_null(strstr(buf, "dropped"));
    assert_non_null(strstr(buf, "kept"));
    close(fds[0]);
    close(fds[1]);
}

static void test_long_line_is_cut_visibly(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    luxc_logger lg;
    luxc_logger_init(&lg, fds[1], LUXC_LOG_DEBUG, NULL);
    char big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    luxc_log(&lg, LUXC_LOG_WARN, "big", "data=%s", big);
    char buf[8192];
    size_t n = capture(fds, buf, sizeof buf);
    assert_int_equal(n, LUXC_LOG_LINE_MAX);
    assert_memory_equal(buf + n - 4, "...\n", 4);
    close(fds[0]);
    close(fds[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_format_and_filter),
        cmocka_unit_test(test_sink),
        cmocka_unit_test(test_long_line_is_cut_visibly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
