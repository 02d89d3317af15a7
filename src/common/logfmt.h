/* logfmt.h - building the fields of a luxc_log_fn event (internal).
 * Owns: quoting one logfmt value, and formatting fields printf-style before
 * handing event + fields to a caller's luxc_log_fn, so net, store and the
 * node core build their events the same way.
 * Not here: writing lines (luxc_logger, src/chain/log.c). */
#ifndef LUXC_SRC_COMMON_LOGFMT_H
#define LUXC_SRC_COMMON_LOGFMT_H

#include <stdarg.h>
#include <stddef.h>

#include "luxc/common.h"

/* s as one logfmt value into out (cap > 0 bytes, always NUL-terminated):
 * bare when it has no space, '=', '"', '\\' or control character, else in
 * double quotes with '"' and '\\' escaped and control characters turned
 * into spaces (one event stays one line). Cut to fit. Returns out, so that
 * it can sit in a printf argument list. */
const char *luxc_logfmt_value(char *out, size_t cap, const char *s);

/* Format fields (printf-style, "key=value ...", NULL for none) and call
 * fn(ctx, level, event, fields). No-op when fn is NULL. Fields longer than
 * LUXC_LOGFMT_FIELDS_MAX - 1 bytes are cut. */
#define LUXC_LOGFMT_FIELDS_MAX 512u
void luxc_log_emitf(luxc_log_fn fn, void *ctx, luxc_log_level level, const char *event,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The same with a va_list (for callers' own printf-style wrappers). */
void luxc_log_emitv(luxc_log_fn fn, void *ctx, luxc_log_level level, const char *event,
                    const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

#endif
