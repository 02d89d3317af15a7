/* test_registry_clock.c - src/ai_parity/registry_clock.c directly: the
 * ticker's start (the first value is stored before the thread runs, one
 * thread more, nothing allocated), the stored clock advancing tick after
 * tick, stop (wakes a thread asleep for an hour at once, joins it, a no-op
 * when nothing runs or when called twice, start again after it, a
 * start/stop storm), luxc_ai_reg_now's order (ticker, else the caller's
 * clock, else CLOCK_REALTIME_COARSE) and luxc_ai_registry_now through the
 * public registry, including _free while the ticker runs. No timing
 * assertion has a tight bound: waits are bounded polling loops with
 * seconds of room, for a loaded 2-core machine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <time.h>

#include <cmocka.h>

#include "ai_parity/registry_clock.h"
#include "luxc/ai_registry.h"
#include "testutil.h"

#define SEC INT64_C(1000000000)
/* Room for a clock step or a starved thread: no bound below is tight. */
#define SLACK (2 * SEC)
#define WAIT_LIMIT (30 * SEC)

static int64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return luxc_ai_reg_timespec_ns(&ts);
}

static void nap_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Threads of this process (/proc/self/task). */
static int thread_count(void)
{
    DIR *d = opendir("/proc/self/task");
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

/* A joined thread may linger in /proc for a moment: poll, bounded. */
static int wait_threads(int want)
{
    int64_t until = clock_ns(CLOCK_MONOTONIC) + WAIT_LIMIT;
    int n;
    while ((n = thread_count()) != want && clock_ns(CLOCK_MONOTONIC) < until)
        nap_ms(1);
    return n;
}

/* Waits (bounded) until the clock of r reads more than after; returns
 * what it read last. */
static int64_t wait_past(luxc_ai_registry *r, int64_t after)
{
    int64_t until = clock_ns(CLOCK_MONOTONIC) + WAIT_LIMIT, v;
    while ((v = luxc_ai_registry_now(r)) <= after && clock_ns(CLOCK_MONOTONIC) < until)
        nap_ms(1);
    return v;
}

/* The ticker only needs the registry's tick fields (and reg_now clock and
 * clock_ctx): a zeroed struct of its own, aligned as declared. */
static luxc_ai_registry *blank(void)
{
    static luxc_ai_registry r;
    memset(&r, 0, sizeof r);
    return &r;
}

static int64_t fixed_clock(void *ctx) { return *(const int64_t *)ctx; }

static void test_timespec_ns(void **state)
{
    (void)state;
    struct timespec ts = {1, 5};
    assert_true(luxc_ai_reg_timespec_ns(&ts) == SEC + 5);
    ts = (struct timespec){1700000000, 999999999};
    assert_true(luxc_ai_reg_timespec_ns(&ts) == INT64_C(1700000000999999999));
}

/* Stop with nothing running changes nothing, however often. */
static void test_stop_without_start(void **state)
{
    (void)state;
    luxc_ai_registry *r = blank();
    int base = thread_count();
    luxc_ai_reg_ticker_stop(r);
    luxc_ai_reg_ticker_stop(r);
    assert_int_equal(r->tick.running, 0);
    assert_int_equal(thread_count(), base);
    assert_true(luxc_ai_registry_now(NULL) == 0);
}

/* Start stores the time before the thread runs (so the first reader never
 * sees 0), adds one thread and allocates nothing of luxc's; stop joins it
 * and is a no-op the second time. */
static void test_start_then_stop(void **state)
{
    (void)state;
    luxc_ai_registry *r = blank();
    int base = thread_count();
    unsigned long calls = luxc_test_alloc_calls();
    luxc_test_alloc_fail_after(0); /* any allocation through luxc would fail */
    int64_t before = clock_ns(CLOCK_REALTIME);
    assert_int_equal(luxc_ai_reg_ticker_start(r, LUXC_AI_TICK_MAX_MS), LUXC_OK);
    int64_t v = luxc_ai_reg_now(r);
    int64_t after = clock_ns(CLOCK_REALTIME);
    luxc_test_alloc_fail_after(-1);
    assert_int_equal(luxc_test_alloc_calls(), calls);
    assert_int_equal(r->tick.running, 1);
    assert_int_equal(r->tick.period_ms, LUXC_AI_TICK_MAX_MS);
    assert_true(v != 0);
    assert_true(v >= before - SLACK && v <= after + SLACK);
    assert_true(luxc_ai_registry_now(r) >= v);
    assert_int_equal(thread_count(), base + 1);

    luxc_ai_reg_ticker_stop(r);
    assert_int_equal(r->tick.running, 0);
    assert_int_equal(wait_threads(base), base);
    luxc_ai_reg_ticker_stop(r); /* twice: nothing left to stop */
    assert_int_equal(r->tick.running, 0);
    assert_int_equal(thread_count(), base);
}

/* The stored time moves, tick after tick (three changes: more than the
 * thread's own first store), and follows CLOCK_REALTIME. */
static void test_ticker_advances(void **state)
{
    (void)state;
    luxc_ai_registry *r = blank();
    assert_int_equal(luxc_ai_reg_ticker_start(r, 1), LUXC_OK);
    int64_t v = luxc_ai_reg_now(r);
    for (int i = 0; i < 3; i++) {
        int64_t next = wait_past(r, v);
        if (next <= v) {
            luxc_ai_reg_ticker_stop(r);
            fail_msg("the ticker did not advance within 30 s (change %d)", i);
        }
        int64_t wall = clock_ns(CLOCK_REALTIME);
        assert_true(next <= wall + SLACK && next >= wall - 10 * SEC);
        v = next;
    }
    assert_true(luxc_ai_registry_now(r) >= v);
    luxc_ai_reg_ticker_stop(r);
    /* Stopped: the value stands still (nothing writes it any more). */
    int64_t last = atomic_load(&r->tick.now_ns);
    nap_ms(5);
    assert_true(atomic_load(&r->tick.now_ns) == last);
}

/* A period of an hour: stop must wake the sleeping thread through the
 * condition variable, not wait for the period. The thread's own first
 * store is awaited first, so stop finds it asleep (it holds the mutex
 * from then until it sleeps). Stop runs in a helper thread, so a missed
 * wake-up fails after a minute instead of hanging for the hour. */
static _Atomic int stopped;

static void *stop_main(void *arg)
{
    luxc_ai_reg_ticker_stop(arg);
    atomic_store(&stopped, 1);
    return NULL;
}

static void test_stop_wakes_a_long_sleep(void **state)
{
    (void)state;
    static luxc_ai_registry own; /* not blank(): a failure leaves it in use */
    luxc_ai_registry *r = &own;
    int base = thread_count();
    assert_int_equal(luxc_ai_reg_ticker_start(r, 3600u * 1000u), LUXC_OK);
    (void)wait_past(r, luxc_ai_reg_now(r)); /* no assertion: the clock may not move */
    atomic_store(&stopped, 0);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, stop_main, r), 0);
    int64_t until = clock_ns(CLOCK_MONOTONIC) + 60 * SEC;
    while (!atomic_load(&stopped) && clock_ns(CLOCK_MONOTONIC) < until)
        nap_ms(1);
    if (!atomic_load(&stopped))
        fail_msg("stop did not wake a ticker sleeping for an hour within 60 s");
    pthread_join(th, NULL);
    assert_int_equal(r->tick.running, 0);
    assert_int_equal(wait_threads(base), base);
}

/* Start and stop again and again on one registry: stop right away (the
 * thread may not have run yet) or after it ticked, stop twice; every
 * restart stores a fresh time, and no thread is left behind. */
static void test_start_stop_storm(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed(), st = seed;
    luxc_ai_registry *r = blank();
    int base = thread_count();
    const uint32_t periods[] = {1, 2, 7, LUXC_AI_TICK_MAX_MS, 3600u * 1000u};
    for (int i = 0; i < 300; i++) {
        uint64_t x = luxc_test_rand(&st);
        int64_t before = clock_ns(CLOCK_REALTIME);
        if (luxc_ai_reg_ticker_start(r, periods[x % 5]) != LUXC_OK)
            LUXC_TEST_FAIL_SEED(seed, "start %d failed", i);
        int64_t v = luxc_ai_reg_now(r);
        if (v < before - SLACK || r->tick.running != 1)
            LUXC_TEST_FAIL_SEED(seed, "start %d: %lld before %lld", i, (long long)v,
                                (long long)before);
        if ((x >> 8) % 4 == 0)
            (void)wait_past(r, v);
        else if ((x >> 8) % 4 == 1)
            sched_yield();
        luxc_ai_reg_ticker_stop(r);
        if ((x >> 16) % 2)
            luxc_ai_reg_ticker_stop(r);
        if (r->tick.running != 0)
            LUXC_TEST_FAIL_SEED(seed, "stop %d: still running", i);
    }
    assert_int_equal(wait_threads(base), base);
}

/* luxc_ai_reg_now reads the ticker while it runs, else the caller's
 * clock, else CLOCK_REALTIME_COARSE; luxc_ai_registry_now is the same. */
static void test_now_order(void **state)
{
    (void)state;
    luxc_ai_registry *r = blank();
    int64_t fake = 42;
    r->clock = fixed_clock;
    r->clock_ctx = &fake;
    assert_true(luxc_ai_reg_now(r) == 42);
    fake = -7;
    assert_true(luxc_ai_registry_now(r) == -7);

    int64_t before = clock_ns(CLOCK_REALTIME);
    assert_int_equal(luxc_ai_reg_ticker_start(r, LUXC_AI_TICK_MAX_MS), LUXC_OK);
    int64_t v = luxc_ai_registry_now(r);
    assert_true(v >= before - SLACK && v <= clock_ns(CLOCK_REALTIME) + SLACK);
    luxc_ai_reg_ticker_stop(r);
    assert_true(luxc_ai_registry_now(r) == -7);

    r->clock = NULL;
    struct timespec res;
    assert_int_equal(clock_getres(CLOCK_REALTIME_COARSE, &res), 0);
    int64_t grain = luxc_ai_reg_timespec_ns(&res);
    before = clock_ns(CLOCK_REALTIME);
    v = luxc_ai_registry_now(r);
    int64_t after = clock_ns(CLOCK_REALTIME);
    assert_true(v >= before - grain - SLACK && v <= after + SLACK);
}

/* Through the public registry: the default config runs one ticker thread
 * whose clock advances, and _free while it runs stops and joins it;
 * a caller's clock or LUXC_AI_TICK_OFF start no thread. */
static void test_registry_clock_modes(void **state)
{
    (void)state;
    int base = thread_count();
    const uint32_t ticks[] = {0, 1, LUXC_AI_TICK_MAX_MS};
    for (size_t t = 0; t < sizeof ticks / sizeof ticks[0]; t++) {
        luxc_ai_registry_cfg cfg = {.tick_ms = ticks[t]};
        luxc_ai_registry *r;
        assert_int_equal(luxc_ai_registry_new(&r, t == 0 ? NULL : &cfg), LUXC_OK);
        assert_int_equal(thread_count(), base + 1);
        int64_t v = luxc_ai_registry_now(r);
        assert_true(v != 0);
        if (ticks[t] != LUXC_AI_TICK_MAX_MS)
            assert_true(wait_past(r, v) > v);
        assert_int_equal(luxc_ai_registry_update(r, "c", 1, "h", NULL, 0, NULL), LUXC_OK);
        luxc_ai_registry_free(r); /* the ticker still runs here */
        assert_int_equal(wait_threads(base), base);
    }

    int64_t fake = 123456789;
    luxc_ai_registry_cfg own = {.clock = fixed_clock, .clock_ctx = &fake};
    luxc_ai_registry *r;
    assert_int_equal(luxc_ai_registry_new(&r, &own), LUXC_OK);
    assert_int_equal(thread_count(), base);
    assert_true(luxc_ai_registry_now(r) == 123456789);
    fake = 5;
    assert_true(luxc_ai_registry_now(r) == 5);
    luxc_ai_registry_free(r);

    luxc_ai_registry_cfg off = {.tick_ms = LUXC_AI_TICK_OFF};
    assert_int_equal(luxc_ai_registry_new(&r, &off), LUXC_OK);
    assert_int_equal(thread_count(), base);
    int64_t before = clock_ns(CLOCK_REALTIME);
    int64_t v = luxc_ai_registry_now(r);
    assert_true(v >= before - SLACK && v <= clock_ns(CLOCK_REALTIME) + SLACK);
    luxc_ai_registry_free(r);
    assert_int_equal(thread_count(), base);
}

static void *nothing(void *arg)
{
    return arg;
}

/* Thread counts are taken against a baseline, and ThreadSanitizer starts
 * a background thread of its own at a process's first pthread_create: one
 * thread made and joined here, before any baseline, so that thread (when
 * there is one) is already counted. */
static int start_runtime_threads(void **state)
{
    (void)state;
    pthread_t t;
    if (pthread_create(&t, NULL, nothing, NULL) != 0)
        return -1;
    return pthread_join(t, NULL) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timespec_ns),
        cmocka_unit_test(test_stop_without_start),
        cmocka_unit_test(test_start_then_stop),
        cmocka_unit_test(test_ticker_advances),
        cmocka_unit_test(test_stop_wakes_a_long_sleep),
        cmocka_unit_test(test_start_stop_storm),
        cmocka_unit_test(test_now_order),
        cmocka_unit_test(test_registry_clock_modes),
    };
    return cmocka_run_group_tests(tests, start_runtime_threads, NULL);
}
