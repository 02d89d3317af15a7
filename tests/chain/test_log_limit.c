/* test_log_limit.c - repeated log events held back (luxc_log_limit in
 * luxc/log.h): a flood of one event writes `burst` lines a window and one
 * summary with the exact count; other events and levels keep their own
 * windows; the level filter comes first; a full event table shares its
 * last slot; flush and free report what is held; bad arguments and a
 * failed allocation. A fake clock drives the windows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "luxc/log.h"
#include "testutil.h"

typedef struct fixture {
    FILE *f;
    luxc_logger lg;
    uint64_t now;
    luxc_log_limit *l;
} fixture;

static uint64_t fake_clock(void *ctx)
{
    return ((fixture *)ctx)->now;
}

static void setup(fixture *x, luxc_log_level level, unsigned burst)
{
    memset(x, 0, sizeof *x);
    x->f = tmpfile();
    assert_non_null(x->f);
    luxc_logger_init(&x->lg, fileno(x->f), level, "node=t");
    x->now = 1000;
    luxc_log_limit_cfg cfg = {&x->lg, burst, 1000, fake_clock, x};
    assert_int_equal(luxc_log_limit_new(&x->l, &cfg), LUXC_OK);
}

/* Everything written so far, NUL-terminated (caller frees). */
static char *contents(fixture *x)
{
    fflush(x->f);
    long n = lseek(fileno(x->f), 0, SEEK_END);
    char *buf = calloc(1, (size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(pread(fileno(x->f), buf, (size_t)n, 0), n);
    return buf;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static void teardown(fixture *x)
{
    luxc_log_limit_free(x->l);
    fclose(x->f);
}

static void test_flood_is_cut_and_counted(void **state)
{
    (void)state;
    fixture x;
    setup(&x, LUXC_LOG_DEBUG, 10);
    for (int i = 0; i < 10000; i++) {
        char fields[32];
        snprintf(fields, sizeof fields, "peer=%d", i);
        luxc_log_limit_sink(x.l, LUXC_LOG_WARN, "handshake refused", fields);
    }
    char *out = contents(&x);
    assert_int_equal(count(out, "msg=\"handshake refused\""), 10);
    assert_non_null(strstr(out, "peer=9\n")); /* the first ten, fields intact */
    assert_null(strstr(out, "peer=10\n"));
    assert_int_equal(count(out, "suppressed"), 0); /* said when the window ends */
    free(out);
    assert_int_equal(luxc_log_limit_suppressed(x.l), 9990);
    /* next window: the count first, then the event again */
    x.now += 1000;
    luxc_log_limit_sink(x.l, LUXC_LOG_WARN, "handshake refused", "peer=last");
    out = contents(&x);
    const char *sum = strstr(out, "msg=\"log lines suppressed\" event=\"handshake refused\" "
                                  "level_of=warn suppressed=9990 window_ms=1000");
    assert_non_null(sum);
    assert_true(sum < strstr(out, "peer=last"));
    assert_int_equal(count(out, "msg=\"handshake refused\""), 11);
    free(out);
    teardown(&x);
}

static void test_events_and_levels_apart(void **state)
{
    (void)state;
    fixture x;
    setup(&x, LUXC_LOG_INFO, 3);
    for (int i = 0; i < 50; i++) {
        luxc_log_limit_sink(x.l, LUXC_LOG_WARN, "a", NULL);
        luxc_log_limit_sink(x.l, LUXC_LOG_WARN, "b", NULL);
        luxc_log_limit_sink(x.l, LUXC_LOG_ERROR, "a", NULL);
        luxc_log_limit_sink(x.l, LUXC_LOG_DEBUG, "a", NULL); /* below the level: not counted */
    }
    char *out = contents(&x);
    assert_int_equal(count(out, "level=warn node=t msg=\"a\""), 3);
    assert_int_equal(count(out, "level=warn node=t msg=\"b\""), 3);
    assert_int_equal(count(out, "level=error node=t msg=\"a\""), 3);
    assert_int_equal(count(out, "level=debug"), 0);
    free(out);
    assert_int_equal(luxc_log_limit_suppressed(x.l), 3 * 47);
    /* flush before the window ends says nothing; after, one line each */
    luxc_log_limit_flush(x.l);
    out = contents(&x);
    assert_int_equal(count(out, "log lines suppressed"), 0);
    free(out);
    x.now += 1500;
    luxc_log_limit_flush(x.l);
    luxc_log_limit_flush(x.l); /* twice: nothing new */
    out = contents(&x);
    assert_int_equal(count(out, "log lines suppressed"), 3);
    /* the event as a logfmt value: bare when it needs no quotes */
    assert_non_null(strstr(out, "event=b level_of=warn suppressed=47"));
    assert_non_null(strstr(out, "event=a level_of=error suppressed=47"));
    free(out);
    teardown(&x);
}

static void test_full_table_shares_a_slot(void **state)
{
    (void)state;
    fixture x;
    setup(&x, LUXC_LOG_INFO, 2);
    char ev[32];
    for (int i = 0; i < 200; i++) {
        snprintf(ev, sizeof ev, "event %d", i);
        luxc_log_limit_sink(x.l, LUXC_LOG_INFO, ev, NULL);
    }
    /* 63 events of their own, the other 137 share one slot: 2 lines */
    char *out = contents(&x);
    assert_int_equal(count(out, "msg=\"event "), (int)LUXC_LOG_LIMIT_EVENTS - 1 + 2);
    free(out);
    assert_int_equal(luxc_log_limit_suppressed(x.l), 200 - (LUXC_LOG_LIMIT_EVENTS - 1) - 2);
    /* free says what it still holds */
    luxc_log_limit_free(x.l);
    x.l = NULL;
    out = contents(&x);
    assert_non_null(strstr(out, "event=\"(other events)\" level_of=info suppressed=135"));
    free(out);
    fclose(x.f);
}

/* Event text with quotes, backslashes and a long tail is still one
 * quoted value in the summary. */
static void test_summary_quotes_the_event(void **state)
{
    (void)state;
    fixture x;
    setup(&x, LUXC_LOG_INFO, 1);
    const char *ev = "odd \"event\" \\ with a tail longer than the slot keeps 0123456789";
    luxc_log_limit_sink(x.l, LUXC_LOG_INFO, ev, NULL);
    luxc_log_limit_sink(x.l, LUXC_LOG_INFO, ev, NULL);
    x.now += 1000;
    luxc_log_limit_flush(x.l);
    char *out = contents(&x);
    assert_non_null(strstr(out, "event=\"odd \\\"event\\\" \\\\ with a tail"));
    assert_non_null(strstr(out, "suppressed=1 "));
    free(out);
    teardown(&x);
}

static void test_arguments_and_alloc(void **state)
{
    (void)state;
    luxc_log_limit *l = (luxc_log_limit *)1;
    luxc_log_limit_cfg none = {0};
    assert_int_equal(luxc_log_limit_new(NULL, &none), LUXC_EINVAL);
    assert_int_equal(luxc_log_limit_new(&l, NULL), LUXC_EINVAL);
    assert_null(l);
    assert_int_equal(luxc_log_limit_new(&l, &none), LUXC_EINVAL);
    luxc_logger lg;
    luxc_logger_init(&lg, 2, LUXC_LOG_ERROR, NULL);
    luxc_log_limit_cfg cfg = {.logger = &lg}; /* defaults: 20 a second, real clock */
    luxc_test_alloc_fail_after(0);
    assert_int_equal(luxc_log_limit_new(&l, &cfg), LUXC_ENOMEM);
    luxc_test_alloc_fail_after(-1);
    assert_int_equal(luxc_log_limit_new(&l, &cfg), LUXC_OK);
    luxc_log_limit_sink(l, LUXC_LOG_DEBUG, "quiet", NULL); /* filtered */
    assert_int_equal(luxc_log_limit_suppressed(l), 0);
    luxc_log_limit_sink(NULL, LUXC_LOG_ERROR, "x", NULL);
    luxc_log_limit_flush(NULL);
    assert_int_equal(luxc_log_limit_suppressed(NULL), 0);
    luxc_log_limit_free(l);
    luxc_log_limit_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flood_is_cut_and_counted),
        cmocka_unit_test(test_events_and_levels_apart),
        cmocka_unit_test(test_full_table_shares_a_slot),
        cmocka_unit_test(test_summary_quotes_the_event),
        cmocka_unit_test(test_arguments_and_alloc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
