/* metrics.c - counters and gauges, rendered as Prometheus text.
 * Owns: the registry and the exposition format (HELP/TYPE once a family).
 * Values are relaxed atomics: scrapes need no ordering between metrics. */
#include "daemon/metrics.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct luxc_metric {
    luxc_metric_type type;
    char name[LUXC_METRIC_NAME_MAX + 1];
    char labels[LUXC_METRIC_LABELS_MAX + 1];
    char help[LUXC_METRIC_HELP_MAX + 1];
    _Atomic uint64_t bits; /* the value's double bits, counters too */
};

struct luxc_metrics {
    size_t count, capacity;
    luxc_metric *items;
};

int luxc_metrics_new(luxc_metrics **out, size_t capacity)
{
    if (!out)
        return LUXC_EINVAL;
    *out = NULL;
    if (capacity == 0 || capacity > 65536)
        return LUXC_EINVAL;
    luxc_metrics *m = calloc(1, sizeof *m);
    if (!m)
        return LUXC_ENOMEM;
    m->items = calloc(capacity, sizeof *m->items);
    if (!m->items) {
        free(m);
        return LUXC_ENOMEM;
    }
    m->capacity = capacity;
    *out = m;
    return LUXC_OK;
}

void luxc_metrics_free(luxc_metrics *m)
{
    if (!m)
        return;
    free(m->items);
    free(m);
}

static int name_ok(const char *s)
{
    if (!*s || (*s >= '0' && *s <= '9'))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == ':'))
            return 0;
    return 1;
}

int luxc_metrics_add(luxc_metrics *m, luxc_metric_type type, const char *name, const char *labels,
                     const char *help, luxc_metric **out)
{
    if (out)
        *out = NULL;
    if (!m || !name || !help || !out || (type != LUXC_METRIC_COUNTER && type != LUXC_METRIC_GAUGE))
        return LUXC_EINVAL;
    if (!labels)
        labels = "";
    if (strlen(name) > LUXC_METRIC_NAME_MAX || strlen(labels) > LUXC_METRIC_LABELS_MAX ||
        strlen(help) > LUXC_METRIC_HELP_MAX)
        return LUXC_ETOOBIG;
    if (!name_ok(name) || strchr(labels, '}') || strchr(help, '\n'))
        return LUXC_EINVAL;
    for (size_t i = 0; i < m->count; i++) {
        const luxc_metric *x = &m->items[i];
        if (strcmp(x->name, name))
            continue;
        if (x->type != type)
            return LUXC_EINVAL;
        if (!strcmp(x->labels, labels))
            return LUXC_EEXIST;
    }
    if (m->count == m->capacity)
        return LUXC_ETOOBIG;
    luxc_metric *x = &m->items[m->count++];
    x->type = type;
    memcpy(x->name, name, strlen(name) + 1);
    memcpy(x->labels, labels, strlen(labels) + 1);
    memcpy(x->help, help, strlen(help) + 1);
    atomic_store_explicit(&x->bits, 0, memory_order_relaxed); /* the bits of 0.0 */
    *out = x;
    return LUXC_OK;
}

static uint64_t to_bits(double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return bits;
}

static double from_bits(uint64_t bits)
{
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

/* Every value is a double, as in Prometheus: a counter may be fractional
 * (CPU seconds) and one format renders both types. Increments stay exact
 * up to 2^53. */
void luxc_metric_inc(luxc_metric *c, uint64_t by)
{
    uint64_t old = atomic_load_explicit(&c->bits, memory_order_relaxed);
    while (!atomic_compare_exchange_weak_explicit(&c->bits, &old,
                                                  to_bits(from_bits(old) + (double)by),
                                                  memory_order_relaxed, memory_order_relaxed))
        ;
}

void luxc_metric_set(luxc_metric *x, double v)
{
    atomic_store_explicit(&x->bits, to_bits(v), memory_order_relaxed);
}

double luxc_metric_value(const luxc_metric *x)
{
    return from_bits(atomic_load_explicit((_Atomic uint64_t *)&x->bits, memory_order_relaxed));
}

/* Append to buf, tracking the length needed even past cap. */
static void emit(char *buf, size_t cap, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void emit(char *buf, size_t cap, size_t *off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(*off < cap ? buf + *off : NULL, *off < cap ? cap - *off : 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        *off += (size_t)n;
}

int luxc_metrics_render(const luxc_metrics *m, char *buf, size_t cap, size_t *len)
{
    if (!m || !len || (!buf && cap))
        return LUXC_EINVAL;
    size_t off = 0;
    for (size_t i = 0; i < m->count; i++) {
        const luxc_metric *x = &m->items[i];
        int first = 1;
        for (size_t j = 0; j < i && first; j++)
            first = strcmp(m->items[j].name, x->name) != 0;
        if (!first)
            continue;
        emit(buf, cap, &off, "# HELP %s %s\n# TYPE %s %s\n", x->name, x->help, x->name,
             x->type == LUXC_METRIC_COUNTER ? "counter" : "gauge");
        for (size_t j = i; j < m->count; j++) {
            const luxc_metric *y = &m->items[j];
            if (strcmp(y->name, x->name))
                continue;
            const char *open = y->labels[0] ? "{" : "", *close = y->labels[0] ? "}" : "";
            emit(buf, cap, &off, "%s%s%s%s %.17g\n", y->name, open, y->labels, close,
                 luxc_metric_value(y));
        }
    }
    *len = off;
    if (off >= cap)
        return LUXC_ETOOBIG;
    return LUXC_OK;
}
