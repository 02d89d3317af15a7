/* errdetail.h - writing the one line of error detail (internal to libluxc
 * and its programs).
 * Owns: the convention of common.h made into one call: a function that
 * fails with more to say than its code writes a line into the caller's
 * `char *err, size_t errlen` (NULL and 0 allowed) and returns the code.
 * Not here: logging the same line (luxc_log_fn), JSON-file errors with an
 * origin and field (chain/json_util.h luxc_jerr, which builds on this). */
#ifndef LUXC_SRC_COMMON_ERRDETAIL_H
#define LUXC_SRC_COMMON_ERRDETAIL_H

#include <stdarg.h>
#include <stddef.h>

/* printf into err (when err and errlen), cut to fit, newlines and other
 * control characters made '?' so the detail stays one line; returns
 * rc. */
int luxc_errf(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int luxc_verrf(char *err, size_t errlen, int rc, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

#endif
