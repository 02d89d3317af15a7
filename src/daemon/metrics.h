/* daemon/metrics.h - a node's metrics (program code, not part of libluxc):
 * counters and gauges rendered as Prometheus text, an HTTP endpoint that
 * serves them (libmicrohttpd), and the small HTTP GET client `luxc status`
 * and `luxc devnet` use to read it.
 *
 * Thread safety: register every metric (luxc_metrics_add) from one thread
 * before sharing the registry; after that luxc_metric_inc/set/value and
 * luxc_metrics_render are safe from any thread (relaxed atomics: each value
 * is independent, and a scrape needs no cross-metric ordering). The HTTP
 * server calls its handler on its own thread. */
#ifndef LUXC_DAEMON_METRICS_H
#define LUXC_DAEMON_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LUXC_METRIC_NAME_MAX 96u
#define LUXC_METRIC_LABELS_MAX 96u
#define LUXC_METRIC_HELP_MAX 160u

typedef enum luxc_metric_type { LUXC_METRIC_COUNTER = 0, LUXC_METRIC_GAUGE = 1 } luxc_metric_type;

typedef struct luxc_metrics luxc_metrics;
typedef struct luxc_metric luxc_metric; /* lives as long as its registry */

/* A registry with room for `capacity` metrics. LUXC_EINVAL, LUXC_ENOMEM. */
LUXC_MUST_CHECK int luxc_metrics_new(luxc_metrics **out, size_t capacity);
void luxc_metrics_free(luxc_metrics *m);

/* Register a metric. name: [a-zA-Z_:][a-zA-Z0-9_:]*; labels: NULL or the
 * text inside the braces, e.g. reason="replay"; metrics sharing a name are
 * one family (same type and help). LUXC_EINVAL (bad name, type clash),
 * LUXC_ETOOBIG (too long, or the registry is full), LUXC_EEXIST. */
LUXC_MUST_CHECK int luxc_metrics_add(luxc_metrics *m, luxc_metric_type type, const char *name,
                                     const char *labels, const char *help, luxc_metric **out);

/* Values are doubles (counters exact up to 2^53), rendered with %.17g. */
void luxc_metric_inc(luxc_metric *c, uint64_t by); /* counters */
/* Gauges; and counters mirrored from a total kept elsewhere (a status
 * snapshot, getrusage), which the caller keeps from going down. */
void luxc_metric_set(luxc_metric *x, double v);
double luxc_metric_value(const luxc_metric *x);

/* Prometheus text exposition format 0.0.4 into buf; *len gets the length
 * (or the size needed, with LUXC_ETOOBIG). */
LUXC_MUST_CHECK int luxc_metrics_render(const luxc_metrics *m, char *buf, size_t cap,
                                        size_t *len);

/* ---- HTTP ------------------------------------------------------------- */
/* Handler: fill body (cap bytes) for `path`, set *len and *content_type (a
 * static string). Return LUXC_OK, LUXC_ENOTFOUND (404) or another error
 * (500). Called on the server's thread. */
typedef int (*luxc_http_handler)(void *ctx, const char *path, char *body, size_t cap,
                                 size_t *len, const char **content_type);

typedef struct luxc_http_server luxc_http_server;

/* Serve on hostport ("127.0.0.1:9100"; port 0 = pick a free one). GET and
 * HEAD only (405 otherwise); the path reaches the handler as sent (no
 * %-decoding; the query string apart); 404 says "not found" and nothing
 * of the request; at most 8 connections per client address and 64 in all,
 * an idle one closed after 5 s.
 * LUXC_EINVAL (bad address), LUXC_EIO (cannot bind), LUXC_ENOMEM. */
LUXC_MUST_CHECK int luxc_http_server_new(luxc_http_server **out, const char *hostport,
                                         luxc_http_handler handler, void *ctx);
uint16_t luxc_http_server_port(const luxc_http_server *s);
/* Stops the server thread and waits for running handlers. */
void luxc_http_server_free(luxc_http_server *s);

/* GET http://hostport/path; the body (NUL-terminated) into buf.
 * LUXC_EIO (connect/read failed), LUXC_ETIMEOUT, LUXC_ETOOBIG (response,
 * headers included, longer than cap-1), LUXC_ENOTFOUND (404), LUXC_ECORRUPT (not HTTP/1.x 200). */
LUXC_MUST_CHECK int luxc_http_get(const char *hostport, const char *path, char *buf,
                                  size_t cap, size_t *len, int timeout_ms);

/* Split "host:port" (host may be a name); LUXC_EINVAL when malformed. */
LUXC_MUST_CHECK int luxc_hostport_parse(const char *hostport, char *host, size_t hostcap,
                                        uint16_t *port);

#ifdef __cplusplus
}
#endif
#endif
