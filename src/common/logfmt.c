/* logfmt.c - logfmt values and printf-built fields for luxc_log_fn events
 * (logfmt.h). */
#include "common/logfmt.h"

#include <stdarg.h>
#include <stdio.h>

const char *luxc_logfmt_value(char *out, size_t cap, const char *s)
{
    if (!s)
        s = "";
    int bare = *s != '\0';
    for (const char *p = s; *p && bare; p++)
        bare = !((unsigned char)*p <= 0x20 || *p == '=' || *p == '"' || *p == '\\' ||
                 *p == 0x7f);
    size_t n = 0;
    if (bare) {
        for (; *s && n + 1 < cap; s++)
            out[n++] = *s;
        out[n] = '\0';
        return out;
    }
    /* quoted: reserve the closing quote and the NUL */
    if (cap < 3) {
        out[0] = '\0';
        return out;
    }
    out[n++] = '"';
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        int esc = c == '"' || c == '\\';
        if (n + (size_t)esc + 1 + 2 > cap)
            break;
        if (esc)
            out[n++] = '\\';
        out[n++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
    }
    out[n++] = '"';
    out[n] = '\0';
    return out;
}

void luxc_log_emitv(luxc_log_fn fn, void *ctx, luxc_log_level level, const char *event,
                    const char *fmt, va_list ap)
{
    if (!fn)
        return;
    char fields[LUXC_LOGFMT_FIELDS_MAX];
    fields[0] = '\0';
    if (fmt)
        vsnprintf(fields, sizeof fields, fmt, ap);
    fn(ctx, level, event, fmt ? fields : NULL);
}

void luxc_log_emitf(luxc_log_fn fn, void *ctx, luxc_log_level level, const char *event,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    luxc_log_emitv(fn, ctx, level, event, fmt, ap);
    va_end(ap);
}
