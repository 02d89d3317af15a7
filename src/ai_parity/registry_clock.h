/* registry_clock.h - the registry's clock: what stamps last_seen. Not a
 * public header. Owns: luxc_ai_reg_now (inline: every update reads it)
 * and the ticker's start and stop (registry_clock.c). Not here: the
 * registry's state (registry_state.h). Called by registry.c only. */
#ifndef LUXC_SRC_AI_REGISTRY_CLOCK_H
#define LUXC_SRC_AI_REGISTRY_CLOCK_H

#include <time.h>

#include "registry_state.h"

static inline int64_t luxc_ai_reg_timespec_ns(const struct timespec *ts)
{
    return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

/* The time that stamps last_seen: the ticker's value, else the caller's
 * clock, else CLOCK_REALTIME_COARSE. */
static inline int64_t luxc_ai_reg_now(luxc_ai_registry *r)
{
    if (r->tick.running)
        return atomic_load_explicit(&r->tick.now_ns, memory_order_relaxed);
    if (r->clock)
        return r->clock(r->clock_ctx);
    /* The coarse clock (one tick, typically 1-4 ms) costs ~5 ns instead of
     * ~25 ns; last_seen needs no finer resolution. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    return luxc_ai_reg_timespec_ns(&ts);
}

/* Starts the ticker (period_ms >= 1); LUXC_ENOMEM if anything fails. */
int luxc_ai_reg_ticker_start(luxc_ai_registry *r, uint32_t period_ms);
/* Stops and joins the ticker; a no-op when it does not run. */
void luxc_ai_reg_ticker_stop(luxc_ai_registry *r);

#endif
