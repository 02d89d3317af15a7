/* luxc/log.h - structured log lines for the node and the CLI.
 *
 * One event is one line in logfmt:
 *   ts=2026-11-25T09:40:00.123Z level=info node=node0 msg="block final" height=42
 * written with a single write(2), so lines from threads (and from processes
 * sharing a file) never interleave. The layers (net, store, node) report
 * through a luxc_log_fn (luxc/common.h); luxc_logger_sink is the one
 * adapter that turns their events into these lines.
 *
 * Thread safety: a luxc_logger is immutable after luxc_logger_init; any
 * thread may log through it. */
#ifndef LUXC_LOG_H
#define LUXC_LOG_H

#include <stdarg.h>
#include <stdint.h>

#include "luxc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LUXC_LOG_LINE_MAX 2048u /* longer lines are cut, ending in "..." */

typedef struct luxc_logger {
    int fd;                  /* where lines go (2 = stderr) */
    luxc_log_level level;    /* events above this level are dropped */
    char component[64];      /* e.g. node=node0; "" for none */
} luxc_logger;

/* fd, level, and a "key=value" tag put on every line (NULL for none). */
LUXC_API
void luxc_logger_init(luxc_logger *lg, int fd, luxc_log_level level, const char *tag);

/* Log `msg` with extra fields given printf-style as "key=value ..." text
 * (fields may be NULL). Values with spaces must be quoted by the caller:
 * luxc_log(lg, LUXC_LOG_INFO, "peer refused", "peer=%s reason=\"%s\"", ...). */
LUXC_API
void luxc_log(const luxc_logger *lg, luxc_log_level level, const char *msg,
              const char *fields, ...) __attribute__((format(printf, 4, 5)));
LUXC_API
void luxc_logv(const luxc_logger *lg, luxc_log_level level, const char *msg,
               const char *fields, va_list ap) __attribute__((format(printf, 4, 0)));

/* A luxc_log_fn writing to the luxc_logger at ctx (only read; it must
 * outlive the object it is given to): event becomes msg, fields are
 * appended as they are (already logfmt). E.g.
 *   cfg.log = luxc_logger_sink; cfg.log_ctx = &lg; */
LUXC_API
void luxc_logger_sink(void *ctx, luxc_log_level level, const char *event, const char *fields);

/* ---- Repeats held back ---------------------------------------------------
 * A luxc_log_limit sits in front of a luxc_logger: of one event (same level
 * and event text; the fields may differ) it writes at most `burst` lines
 * per window, counts the rest, and says so once when that event next
 * comes after its window, or at luxc_log_limit_flush:
 *   msg="log lines suppressed" event="handshake refused" level_of=warn suppressed=9990
 * so a stranger who can make a node log cannot make it write without
 * bound. It tracks LUXC_LOG_LIMIT_EVENTS distinct events; more share one
 * slot. Thread-safe: a mutex guards the counts and the writes under it
 * (one write(2) a line, as always). */
#define LUXC_LOG_LIMIT_EVENTS 64u

typedef struct luxc_log_limit luxc_log_limit;

typedef struct luxc_log_limit_cfg {
    const luxc_logger *logger; /* where lines go; must outlive the limiter */
    unsigned burst;            /* lines per event per window; 0 = 20 */
    unsigned window_ms;        /* 0 = 1000 */
    /* milliseconds of a monotonic clock; NULL = CLOCK_MONOTONIC */
    uint64_t (*clock_ms)(void *ctx);
    void *clock_ctx;
} luxc_log_limit_cfg;

/* LUXC_EINVAL (NULL, no logger), LUXC_ENOMEM. */
LUXC_API
int luxc_log_limit_new(luxc_log_limit **out, const luxc_log_limit_cfg *cfg);
/* Reports what is still held back, then frees. NULL is a no-op. */
LUXC_API
void luxc_log_limit_free(luxc_log_limit *l);
/* The luxc_log_fn: ctx is the luxc_log_limit. */
LUXC_API
void luxc_log_limit_sink(void *ctx, luxc_log_level level, const char *event, const char *fields);
/* Say, for every event whose window has ended, how many lines it held back. */
LUXC_API
void luxc_log_limit_flush(luxc_log_limit *l);
/* Lines held back since _new (written or not yet in a summary). */
LUXC_API
uint64_t luxc_log_limit_suppressed(luxc_log_limit *l);

/* "error", "warn", "info", "debug". */
LUXC_API
const char *luxc_log_level_name(luxc_log_level level);

#ifdef __cplusplus
}
#endif
#endif
