/* log.c - logfmt lines, one write(2) each (see luxc/log.h).
 * Owns: timestamp format, quoting of msg, truncation of long lines, and
 * luxc_logger_sink (the luxc_log_fn that writes such lines). */
#include "luxc/log.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void luxc_logger_init(luxc_logger *lg, int fd, luxc_log_level level, const char *tag)
{
    lg->fd = fd;
    lg->level = level;
    snprintf(lg->component, sizeof lg->component, "%s", tag ? tag : "");
}

const char *luxc_log_level_name(luxc_log_level level)
{
    switch (level) {
    case LUXC_LOG_ERROR: return "error";
    case LUXC_LOG_WARN: return "warn";
    case LUXC_LOG_INFO: return "info";
    case LUXC_LOG_DEBUG: return "debug";
    }
    return "unknown";
}

/* msg is quoted; quotes and backslashes inside are escaped, control
 * characters become spaces so one event stays one line. */
static size_t put_quoted(char *out, size_t cap, const char *s)
{
    size_t n = 0;
    if (n < cap)
        out[n++] = '"';
    for (; *s && n + 2 < cap; s++) {
        char c = *s;
        if (c == '"' || c == '\\')
            out[n++] = '\\';
        out[n++] = (unsigned char)c < 0x20 ? ' ' : c;
    }
    if (n < cap)
        out[n++] = '"';
    return n;
}

void luxc_logv(const luxc_logger *lg, luxc_log_level level, const char *msg, const char *fields,
               va_list ap)
{
    if (!lg || level > lg->level)
        return;
    char line[LUXC_LOG_LINE_MAX];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t cap = sizeof line - 1; /* room for the newline */
    size_t n = strftime(line, cap, "ts=%Y-%m-%dT%H:%M:%S", &tm);
    int w = snprintf(line + n, cap - n, ".%03ldZ level=%s%s%s msg=", ts.tv_nsec / 1000000,
                     luxc_log_level_name(level), lg->component[0] ? " " : "", lg->component);
    n += w > 0 ? (size_t)w : 0;
    if (n > cap)
        n = cap;
    n += put_quoted(line + n, cap - n, msg ? msg : "");
    if (fields && *fields && n + 1 < cap) {
        line[n++] = ' ';
        w = vsnprintf(line + n, cap - n, fields, ap);
        if (w > 0)
            n += (size_t)w;
    }
    if (n >= cap) { /* cut: say so rather than emit a silently short line */
        n = cap;
        memcpy(line + n - 3, "...", 3);
    }
    for (size_t i = 0; i < n; i++)
        if (line[i] == '\n')
            line[i] = ' ';
    line[n++] = '\n';
    ssize_t rc = write(lg->fd, line, n);
    (void)rc; /* a log sink that fails has nowhere to report to */
}

void luxc_logger_sink(void *ctx, luxc_log_level level, const char *event, const char *fields)
{
    const luxc_logger *lg = ctx;
    if (fields && *fields)
        luxc_log(lg, level, event, "%s", fields); /* fields are data, not a format */
    else
        luxc_log(lg, level, event, NULL);
}

void luxc_log(const luxc_logger *lg, luxc_log_level level, const char *msg, const char *fields,
              ...)
{
    va_list ap;
    va_start(ap, fields);
    luxc_logv(lg, level, msg, fields, ap);
    va_end(ap);
}
