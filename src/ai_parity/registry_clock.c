/* registry_clock.c - the registry's clock: a ticker thread that stores
 * CLOCK_REALTIME every tick_ms, so updates stamp last_seen with one load
 * (the way Redis caches its unixtime) instead of a ~5 ns clock call.
 * Owns: the ticker's start and stop, luxc_ai_registry_now. The read side,
 * luxc_ai_reg_now, is inline in registry_clock.h. Not here: the entries
 * (registry.c), snapshots (snapshot.c); calls neither (registry.c calls
 * this file).
 * Layer ai_parity (the Go reference's ai package, kept for benchmark
 * parity; the node does not use it, see luxc/ai_parity.h). */
#include "registry_clock.h"

/* The ticker thread: stores CLOCK_REALTIME, sleeps one period on a
 * monotonic condition variable (so _free wakes it at once), repeats. */
static void *ticker_main(void *arg)
{
    luxc_ai_registry *r = arg;
    pthread_mutex_lock(&r->tick.mu);
    while (!r->tick.stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        atomic_store_explicit(&r->tick.now_ns, luxc_ai_reg_timespec_ns(&ts), memory_order_relaxed);
        clock_gettime(CLOCK_MONOTONIC, &ts);
        int64_t wake = luxc_ai_reg_timespec_ns(&ts) + (int64_t)r->tick.period_ms * 1000000;
        ts.tv_sec = wake / 1000000000;
        ts.tv_nsec = wake % 1000000000;
        while (!r->tick.stop && pthread_cond_timedwait(&r->tick.cv, &r->tick.mu, &ts) == 0) {
        }
    }
    pthread_mutex_unlock(&r->tick.mu);
    return NULL;
}

/* Starts the ticker; the first value is stored before the thread runs,
 * so updates never see 0. LUXC_ENOMEM if anything fails. */
int luxc_ai_reg_ticker_start(luxc_ai_registry *r, uint32_t period_ms)
{
    pthread_condattr_t ca;
    if (pthread_condattr_init(&ca) != 0)
        return LUXC_ENOMEM;
    int ok = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
             pthread_cond_init(&r->tick.cv, &ca) == 0;
    pthread_condattr_destroy(&ca);
    if (!ok)
        return LUXC_ENOMEM;
    if (pthread_mutex_init(&r->tick.mu, NULL) != 0) {
        pthread_cond_destroy(&r->tick.cv);
        return LUXC_ENOMEM;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    atomic_init(&r->tick.now_ns, luxc_ai_reg_timespec_ns(&ts));
    r->tick.period_ms = period_ms;
    r->tick.stop = 0;
    if (pthread_create(&r->tick.thread, NULL, ticker_main, r) != 0) {
        pthread_mutex_destroy(&r->tick.mu);
        pthread_cond_destroy(&r->tick.cv);
        return LUXC_ENOMEM;
    }
    r->tick.running = 1;
    return LUXC_OK;
}

void luxc_ai_reg_ticker_stop(luxc_ai_registry *r)
{
    if (!r->tick.running)
        return;
    pthread_mutex_lock(&r->tick.mu);
    r->tick.stop = 1;
    pthread_cond_signal(&r->tick.cv);
    pthread_mutex_unlock(&r->tick.mu);
    pthread_join(r->tick.thread, NULL);
    pthread_mutex_destroy(&r->tick.mu);
    pthread_cond_destroy(&r->tick.cv);
    r->tick.running = 0;
}


int64_t luxc_ai_registry_now(luxc_ai_registry *r) { return r ? luxc_ai_reg_now(r) : 0; }
