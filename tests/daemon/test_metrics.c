/* test_metrics.c - the metrics registry, its Prometheus text, the HTTP
 * endpoint and the GET client, including their error paths. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "daemon/metrics.h"
#include "testutil.h"

static void test_register_errors(void **state)
{
    (void)state;
    luxc_metrics *m;
    luxc_metric *a, *b;
    assert_int_equal(luxc_metrics_new(&m, 0), LUXC_EINVAL);
    assert_null(m);
    assert_int_equal(luxc_metrics_new(&m, 2), LUXC_OK);
    assert_int_equal(luxc_metrics_add(m, LUXC_METRIC_COUNTER, "9bad", NULL, "h", &a), LUXC_EINVAL);
    assert_int_equal(luxc_metrics_add(m, LUXC_METRIC_COUNTER, "a-b", NULL, "h", &a), LUXC_EINVAL);
    assert_int_equal(luxc_metrics_add(m, LUXC_METRIC_COUNTER, "x", NULL, "h\nx", &a), LUXC_EINVAL);
    assert_int_equal(luxc_metrics_add(m, 7, "x", NULL, "h", &a), LUXC_EINVAL);
    assert_int_equal(luxc_metrics_add(m, LUXC_METRIC_COUNTER, "x", NULL, NULL, &a), LUXC_EINVAL);
    char longname[200];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(luxc_metrics_add(m, LUXC_METRIC_GAUGE, longname, NULL, "h", &a), LUXC_ETOOBIG);
    assert_int_equal(luxc_metrics_add(m, LUXC_METRIC_COUNTER, "x", "r=\"1\"", "h", &a), LUXC_OK);
    assert_int_equal(luxc_metrics_add(m, LUXC_METRIC_COUNTER, "x", "r=\"1\"", "h", &b),
                     LUXC_EEXIST);
    assert_int_equal(luxc_metrics_add(m, LUXC_METRIC_GAUGE, "x", "r=\"2\"", "h", &b), LUXC_EINVAL);
    assert_int_equal(luxc_metrics_add(m, LUXC_METRIC_COUNTER, "x", "r=\"2\"", "h", &b), LUXC_OK);
    assert_int_equal(luxc_metrics_add(m, LUXC_METRIC_COUNTER, "y", NULL, "h", &b), LUXC_ETOOBIG);
    assert_null(b);
    luxc_metrics_free(m);
    luxc_metrics_free(NULL);
}

static void test_render_exact_text(void **state)
{
    (void)state;
    luxc_metrics *m;
    luxc_metric *blocks, *replay, *height, *tamper;
    assert_int_equal(luxc_metrics_new(&m, 8), LUXC_OK);
    assert_int_equal(luxc_metrics_add(m, LUXC_METRIC_COUNTER, "luxc_blocks_total", NULL,
                                      "Blocks finalized.", &blocks), LUXC_OK);
    assert_int_equal(luxc_metrics_add(m, LUXC_METRIC_COUNTER, "luxc_dropped_total",
                                      "reason=\"replay\"", "Frames dropped.", &replay), LUXC_OK);
    assert_int_equal(luxc_metrics_add(m, LUXC_METRIC_GAUGE, "luxc_height", NULL, "Height.",
                                      &height), LUXC_OK);
    assert_int_equal(luxc_metrics_add(m, LUXC_METRIC_COUNTER, "luxc_dropped_total",
                                      "reason=\"tamper\"", "Frames dropped.", &tamper), LUXC_OK);
    luxc_metric_inc(blocks, 41);
    luxc_metric_inc(blocks, 1);
    luxc_metric_inc(tamper, 3);
    luxc_metric_set(height, 12.5);
    char buf[1024];
    size_t len;
    assert_int_equal(luxc_metrics_render(m, buf, sizeof buf, &len), LUXC_OK);
    const char *want = "# HELP luxc_blocks_total Blocks finalized.\n"
                       "# TYPE luxc_blocks_total counter\n"
                       "luxc_blocks_total 42\n"
                       "# HELP luxc_dropped_total Frames dropped.\n"
                       "# TYPE luxc_dropped_total counter\n"
                       "luxc_dropped_total{reason=\"replay\"} 0\n"
                       "luxc_dropped_total{reason=\"tamper\"} 3\n"
                       "# HELP luxc_height Height.\n"
                       "# TYPE luxc_height gauge\n"
                       "luxc_height 12.5\n";
    assert_string_equal(buf, want);
    assert_int_equal(len, strlen(want));
    size_t need;
    assert_int_equal(luxc_metrics_render(m, buf, 10, &need), LUXC_ETOOBIG);
    assert_int_equal(need, strlen(want));
    assert_true(luxc_metric_value(height) == 12.5);
    luxc_metrics_free(m);
}

static void *bump(void *arg)
{
    for (int i = 0; i < 100000; i++)
        luxc_metric_inc(arg, 1);
    return NULL;
}

static void test_concurrent_increments(void **state)
{
    (void)state;
    luxc_metrics *m;
    luxc_metric *c;
    assert_int_equal(luxc_metrics_new(&m, 1), LUXC_OK);
    assert_int_equal(luxc_metrics_add(m, LUXC_METRIC_COUNTER, "c", NULL, "c", &c), LUXC_OK);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, bump, c), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    assert_true(luxc_metric_value(c) == 400000.0);
    luxc_metrics_free(m);
}

static int handler(void *ctx, const char *path, char *body, size_t cap, size_t *len,
                   const char **type)
{
    if (!strcmp(path, "/metrics"))
        return luxc_metrics_render(ctx, body, cap, len);
    if (!strcmp(path, "/boom"))
        return LUXC_EIO;
    if (strcmp(path, "/status"))
        return LUXC_ENOTFOUND;
    *type = "application/json";
    *len = (size_t)snprintf(body, cap, "{\"height\": 7}");
    return LUXC_OK;
}

static void test_http_round_trip(void **state)
{
    (void)state;
    luxc_metrics *m;
    luxc_metric *c;
    assert_int_equal(luxc_metrics_new(&m, 1), LUXC_OK);
    assert_int_equal(luxc_metrics_add(m, LUXC_METRIC_COUNTER, "hits", NULL, "Hits.", &c), LUXC_OK);
    luxc_metric_inc(c, 5);
    luxc_http_server *s;
    assert_int_equal(luxc_http_server_new(&s, "127.0.0.1:0", handler, m), LUXC_OK);
    uint16_t port = luxc_http_server_port(s);
    assert_true(port > 0);
    char hp[64], buf[4096];
    size_t len;
    snprintf(hp, sizeof hp, "127.0.0.1:%u", port);
    assert_int_equal(luxc_http_get(hp, "/metrics", buf, sizeof buf, &len, 2000), LUXC_OK);
    assert_non_null(strstr(buf, "hits 5\n"));
    assert_int_equal(len, strlen(buf));
    assert_int_equal(luxc_http_get(hp, "/status", buf, sizeof buf, &len, 2000), LUXC_OK);
    assert_string_equal(buf, "{\"height\": 7}");
    assert_int_equal(luxc_http_get(hp, "/nope", buf, sizeof buf, &len, 2000), LUXC_ENOTFOUND);
    assert_int_equal(luxc_http_get(hp, "/boom", buf, sizeof buf, &len, 2000), LUXC_ECORRUPT);
    assert_int_equal(luxc_http_get(hp, "/metrics", buf, 16, &len, 2000), LUXC_ETOOBIG);
    assert_int_equal(luxc_http_get(hp, "metrics", buf, sizeof buf, &len, 2000), LUXC_EINVAL);
    luxc_http_server_free(s);
    /* nothing listens there any more */
    assert_int_equal(luxc_http_get(hp, "/metrics", buf, sizeof buf, &len, 2000), LUXC_EIO);
    luxc_metrics_free(m);
}

static void test_bad_addresses(void **state)
{
    (void)state;
    luxc_http_server *s;
    char host[8];
    uint16_t port;
    assert_int_equal(luxc_http_server_new(&s, "127.0.0.1", handler, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_http_server_new(&s, "127.0.0.1:70000", handler, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_http_server_new(&s, "127.0.0.1:0", NULL, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_http_server_new(&s, "no.such.host.invalid:80", handler, NULL),
                     LUXC_EINVAL);
    assert_null(s);
    assert_int_equal(luxc_hostport_parse("averyverylonghost:1", host, sizeof host, &port),
                     LUXC_EINVAL);
    assert_int_equal(luxc_hostport_parse(":1", host, sizeof host, &port), LUXC_EINVAL);
    assert_int_equal(luxc_hostport_parse("h:", host, sizeof host, &port), LUXC_EINVAL);
    assert_int_equal(luxc_hostport_parse("h:8x", host, sizeof host, &port), LUXC_EINVAL);
    assert_int_equal(luxc_hostport_parse("h:65535", host, sizeof host, &port), LUXC_OK);
    assert_int_equal(port, 65535);
    /* a port already taken */
    luxc_http_server *a, *b;
    assert_int_equal(luxc_http_server_new(&a, "127.0.0.1:0", handler, NULL), LUXC_OK);
    char hp[64];
    snprintf(hp, sizeof hp, "127.0.0.1:%u", luxc_http_server_port(a));
    assert_int_equal(luxc_http_server_new(&b, hp, handler, NULL), LUXC_EIO);
    assert_null(b);
    luxc_http_server_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register_errors),
        cmocka_unit_test(test_render_exact_text),
        cmocka_unit_test(test_concurrent_increments),
        cmocka_unit_test(test_http_round_trip),
        cmocka_unit_test(test_bad_addresses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
