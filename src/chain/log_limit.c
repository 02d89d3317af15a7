/* log_limit.c - repeated log events held back (luxc/log.h, luxc_log_limit).
 * Owns: the per-event windows and counts, the "log lines suppressed"
 * summary, and the table of events seen (full: one shared slot).
 * Not here: the line format (log.c). */
#include "luxc/log.h"

#include "common/logfmt.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EVENT_TEXT_MAX 48u

typedef struct slot {
    char event[EVENT_TEXT_MAX]; /* "" = free; cut to fit (two long events sharing a
                                 * prefix share a slot, which only limits more) */
    luxc_log_level level;
    uint64_t window_start;
    uint32_t written;    /* lines of this window */
    uint64_t held;       /* held back, not yet reported */
} slot;

struct luxc_log_limit {
    luxc_log_limit_cfg cfg;
    pthread_mutex_t mu;
    uint64_t suppressed_total;
    slot slots[LUXC_LOG_LIMIT_EVENTS]; /* the last one takes what does not fit */
};

static uint64_t mono_ms(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int luxc_log_limit_new(luxc_log_limit **out, const luxc_log_limit_cfg *cfg)
{
    if (!out)
        return LUXC_EINVAL;
    *out = NULL;
    if (!cfg || !cfg->logger)
        return LUXC_EINVAL;
    luxc_log_limit *l = calloc(1, sizeof *l);
    if (!l)
        return LUXC_ENOMEM;
    l->cfg = *cfg;
    if (!l->cfg.burst)
        l->cfg.burst = 20;
    if (!l->cfg.window_ms)
        l->cfg.window_ms = 1000;
    if (!l->cfg.clock_ms)
        l->cfg.clock_ms = mono_ms;
    if (pthread_mutex_init(&l->mu, NULL) != 0) {
        free(l);
        return LUXC_ENOMEM;
    }
    *out = l;
    return LUXC_OK;
}

static void report(luxc_log_limit *l, slot *s)
{
    if (!s->held)
        return;
    char ev[2 * EVENT_TEXT_MAX + 3];
    luxc_log(l->cfg.logger, LUXC_LOG_WARN, "log lines suppressed",
             "event=%s level_of=%s suppressed=%llu window_ms=%u",
             luxc_logfmt_value(ev, sizeof ev, s->event),
             luxc_log_level_name(s->level), (unsigned long long)s->held, l->cfg.window_ms);
    s->held = 0;
}

/* The event's slot: its own, a free one, or the shared last one. */
static slot *find(luxc_log_limit *l, luxc_log_level level, const char *event)
{
    char key[EVENT_TEXT_MAX];
    size_t n = strlen(event);
    if (n >= sizeof key)
        n = sizeof key - 1;
    memcpy(key, event, n);
    key[n] = '\0';
    for (unsigned i = 0; i + 1 < LUXC_LOG_LIMIT_EVENTS; i++) {
        slot *s = &l->slots[i];
        if (!s->event[0]) {
            memcpy(s->event, key, n + 1);
            s->level = level;
            return s;
        }
        if (s->level == level && !strcmp(s->event, key))
            return s;
    }
    slot *shared = &l->slots[LUXC_LOG_LIMIT_EVENTS - 1];
    if (!shared->event[0]) {
        memcpy(shared->event, "(other events)", sizeof "(other events)");
        shared->level = level;
    }
    return shared;
}

void luxc_log_limit_sink(void *ctx, luxc_log_level level, const char *event, const char *fields)
{
    luxc_log_limit *l = ctx;
    if (!l || level > l->cfg.logger->level)
        return;
    if (!event)
        event = "";
    pthread_mutex_lock(&l->mu);
    uint64_t now = l->cfg.clock_ms(l->cfg.clock_ctx);
    slot *s = find(l, level, event);
    if (now - s->window_start >= l->cfg.window_ms || s->window_start > now) {
        report(l, s);
        s->window_start = now;
        s->written = 0;
    }
    if (s->written < l->cfg.burst) {
        s->written++;
        luxc_logger_sink((void *)l->cfg.logger, level, event, fields);
    } else {
        s->held++;
        l->suppressed_total++;
    }
    pthread_mutex_unlock(&l->mu);
}

void luxc_log_limit_flush(luxc_log_limit *l)
{
    if (!l)
        return;
    pthread_mutex_lock(&l->mu);
    uint64_t now = l->cfg.clock_ms(l->cfg.clock_ctx);
    for (unsigned i = 0; i < LUXC_LOG_LIMIT_EVENTS; i++) {
        slot *s = &l->slots[i];
        if (s->held && now - s->window_start >= l->cfg.window_ms)
            report(l, s);
    }
    pthread_mutex_unlock(&l->mu);
}

uint64_t luxc_log_limit_suppressed(luxc_log_limit *l)
{
    if (!l)
        return 0;
    pthread_mutex_lock(&l->mu);
    uint64_t n = l->suppressed_total;
    pthread_mutex_unlock(&l->mu);
    return n;
}

void luxc_log_limit_free(luxc_log_limit *l)
{
    if (!l)
        return;
    for (unsigned i = 0; i < LUXC_LOG_LIMIT_EVENTS; i++)
        report(l, &l->slots[i]);
    pthread_mutex_destroy(&l->mu);
    free(l);
}
