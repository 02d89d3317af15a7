/* harness.c - run benchmark cases the way Go's testing package does.
 * Owns: iteration prediction (grow n until one run lasts --time seconds),
 * CLOCK_MONOTONIC timing, allocation deltas, and the three output forms. */
#include "harness.h"

#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "chain/json_util.h"

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void luxc_bench_start_timer(luxc_bench_b *b)
{
    if (b->timing)
        return;
    b->a_start = luxc_bench_alloc_count();
    b->by_start = luxc_bench_alloc_bytes();
    b->t_start_ns = now_ns();
    b->timing = 1;
}

void luxc_bench_stop_timer(luxc_bench_b *b)
{
    if (!b->timing)
        return;
    b->t_total_ns += now_ns() - b->t_start_ns;
    b->a_total += luxc_bench_alloc_count() - b->a_start;
    b->by_total += luxc_bench_alloc_bytes() - b->by_start;
    b->timing = 0;
}

void luxc_bench_reset_timer(luxc_bench_b *b)
{
    if (b->timing) {
        b->t_start_ns = now_ns();
        b->a_start = luxc_bench_alloc_count();
        b->by_start = luxc_bench_alloc_bytes();
    }
    b->t_total_ns = 0;
    b->a_total = 0;
    b->by_total = 0;
}

void luxc_bench_set_ops(luxc_bench_b *b, uint64_t ops) { b->ops = ops; }

void luxc_bench_fail(luxc_bench_b *b, const char *msg)
{
    b->failed = 1;
    snprintf(b->fail_msg, sizeof b->fail_msg, "%s", msg);
}

unsigned luxc_bench_procs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1u;
}

/* Sinks write to volatile storage so the optimiser must compute the value. */
static volatile double sink_d;
static volatile uint64_t sink_u;
static const void *volatile sink_p;
void luxc_bench_sink_double(double v) { sink_d = v; }
void luxc_bench_sink_u64(uint64_t v) { sink_u = v; }
void luxc_bench_sink_ptr(const void *p) { sink_p = p; }

struct par_arg {
    void (*body)(void *ctx, unsigned tid, uint64_t iters);
    void *ctx;
    unsigned tid;
    uint64_t iters;
};

static void *par_main(void *p)
{
    struct par_arg *a = p;
    a->body(a->ctx, a->tid, a->iters);
    return NULL;
}

void luxc_bench_parallel(luxc_bench_b *b, unsigned threads,
                         void (*body)(void *ctx, unsigned tid, uint64_t iters),
                         void *ctx)
{
    if (threads == 0)
        threads = luxc_bench_procs();
    if (threads > 256)
        threads = 256;
    pthread_t tids[256];
    int joined[256];
    struct par_arg args[256];
    uint64_t per = b->n / threads, extra = b->n % threads;
    for (unsigned t = 0; t < threads; t++) {
        args[t] = (struct par_arg){body, ctx, t, per + (t < extra ? 1 : 0)};
        joined[t] = pthread_create(&tids[t], NULL, par_main, &args[t]) == 0;
        if (!joined[t])
            par_main(&args[t]); /* run inline rather than lose iterations */
    }
    for (unsigned t = 0; t < threads; t++)
        if (joined[t])
            pthread_join(tids[t], NULL);
}

typedef struct result {
    const luxc_bench_case *c;
    uint64_t n;
    double ns_per_op, bytes_per_op, allocs_per_op;
    int failed;
    char fail_msg[256];
} result;

static void run_once(const luxc_bench_case *c, luxc_bench_b *b, uint64_t n)
{
    memset(b, 0, sizeof *b);
    b->n = n;
    b->ops = n;
    luxc_bench_start_timer(b);
    c->fn(b);
    luxc_bench_stop_timer(b);
}

/* Go's rule: predict the n that reaches the goal from the last run, grow
 * by 20 % headroom, at least by one and at most 100x, and stop once a run
 * lasts the goal (or n hits 1e9). */
static void run_case(const luxc_bench_case *c, double goal_s, result *r)
{
    luxc_bench_b b;
    uint64_t n = 1;
    const uint64_t goal_ns = (uint64_t)(goal_s * 1e9);
    for (;;) {
        run_once(c, &b, n);
        if (b.failed || b.t_total_ns >= goal_ns || n >= 1000000000u)
            break;
        uint64_t prev = n;
        double t = b.t_total_ns > 0 ? (double)b.t_total_ns : 1.0;
        double want = 1.2 * (double)goal_ns * (double)prev / t;
        if (want > 100.0 * (double)prev)
            want = 100.0 * (double)prev;
        n = (uint64_t)want;
        if (n <= prev)
            n = prev + 1;
        if (n > 1000000000u)
            n = 1000000000u;
    }
    r->c = c;
    r->n = b.n;
    r->failed = b.failed;
    memcpy(r->fail_msg, b.fail_msg, sizeof r->fail_msg);
    double ops = b.ops ? (double)b.ops : 1.0;
    r->ns_per_op = (double)b.t_total_ns / ops;
    if (luxc_bench_allocs_counted()) {
        r->bytes_per_op = (double)b.by_total / ops;
        r->allocs_per_op = (double)b.a_total / ops;
    } else {
        r->bytes_per_op = r->allocs_per_op = -1;
    }
}

static void fmt_ns(char *buf, size_t len, double ns)
{
    if (ns >= 100)
        snprintf(buf, len, "%.0f", ns);
    else if (ns >= 10)
        snprintf(buf, len, "%.1f", ns);
    else
        snprintf(buf, len, "%.3f", ns);
}

static void print_go_line(const result *r)
{
    char ns[32];
    if (r->failed) {
        printf("--- FAIL: Benchmark%s-%u\n    %s\n", r->c->name, luxc_bench_procs(),
               r->fail_msg);
        return;
    }
    fmt_ns(ns, sizeof ns, r->ns_per_op);
    char name[96];
    snprintf(name, sizeof name, "Benchmark%s-%u", r->c->name, luxc_bench_procs());
    if (r->allocs_per_op < 0)
        printf("%-36s %10llu %12s ns/op\n", name, (unsigned long long)r->n, ns);
    else
        printf("%-36s %10llu %12s ns/op %8.0f B/op %8.0f allocs/op\n", name,
               (unsigned long long)r->n, ns, floor(r->bytes_per_op + 0.5),
               floor(r->allocs_per_op + 0.5));
    fflush(stdout);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of runs[0..n) (n >= 1) of one benchmark: the middle value, or
 * the mean of the two middle ones. */
static double median_ns(const result *runs, size_t n)
{
    double v[LUXC_BENCH_COUNT_MAX];
    for (size_t i = 0; i < n; i++)
        v[i] = runs[i].ns_per_op;
    qsort(v, n, sizeof v[0], cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* rs holds `runs` consecutive results per benchmark; the table shows the
 * median ns/op of each (allocation figures are the same in every run). */
static void print_table(const result *rs, size_t count, unsigned runs)
{
    int any = 0;
    for (size_t i = 0; i < count; i++)
        any |= rs[i].c->ref_ns_per_op > 0;
    if (!any)
        return;
    printf("\n%-22s %12s %12s %-7s %9s %10s %10s %9s %9s\n", "benchmark",
           runs > 1 ? "median ns/op" : "ns/op", "ref ns/op", "ref of", "speed-up", "B/op",
           "ref B/op", "allocs", "ref allocs");
    for (size_t i = 0; i + runs <= count; i += runs) {
        const result *r = &rs[i];
        int failed = 0;
        for (unsigned k = 0; k < runs; k++)
            failed |= rs[i + k].failed;
        if (r->c->ref_ns_per_op <= 0 || failed)
            continue;
        double med = median_ns(r, runs);
        char ns[32], ref[32];
        fmt_ns(ns, sizeof ns, med);
        fmt_ns(ref, sizeof ref, r->c->ref_ns_per_op);
        printf("%-22s %12s %12s %-7s %8.1fx %10.0f %10.0f %9.2f %9.0f\n", r->c->name, ns, ref,
               r->c->ref_source ? r->c->ref_source : LUXC_BENCH_REF_GO,
               r->c->ref_ns_per_op / (med > 0 ? med : 1e-9), r->bytes_per_op,
               r->c->ref_bytes_per_op, r->allocs_per_op, r->c->ref_allocs_per_op);
    }
    printf("(ref of: Go = the reference's Go benchmarks, Apple M1 Max, 2025-11-06, SPEC "
           "section 3; C port = the reference's C port; claim = the reference report's "
           "figure, not measured by it. Ours: this machine, %u CPUs%s)\n",
           luxc_bench_procs(), runs > 1 ? ", median of each benchmark's runs" : "");
}

/* One array, one case per line; each object is a cJSON tree (after the
 * runs: its allocations are not counted in any figure). allocs_per_op < 0
 * (not counted) gives null for both allocation figures. */
static int print_json(const result *rs, size_t count)
{
    int ok = 1;
    fputs("[", stdout);
    for (size_t i = 0; i < count && ok; i++) {
        const result *r = &rs[i];
        int counted = r->allocs_per_op >= 0;
        cJSON *o = cJSON_CreateObject();
        ok = o && cJSON_AddStringToObject(o, "name", r->c->name) &&
             luxc_jadd_u64(o, "iterations", r->n) &&
             luxc_jadd_fixed(o, "ns_per_op", r->ns_per_op, 4) &&
             (counted ? luxc_jadd_fixed(o, "bytes_per_op", r->bytes_per_op, 4) != NULL
                      : cJSON_AddNullToObject(o, "bytes_per_op") != NULL) &&
             (counted ? luxc_jadd_fixed(o, "allocs_per_op", r->allocs_per_op, 4) != NULL
                      : cJSON_AddNullToObject(o, "allocs_per_op") != NULL) &&
             (!r->failed || cJSON_AddTrueToObject(o, "failed"));
        char *text = ok ? cJSON_PrintUnformatted(o) : NULL;
        ok = text && printf("%s\n  %s", i ? "," : "", text) > 0;
        cJSON_free(text);
        cJSON_Delete(o);
    }
    if (!ok)
        fprintf(stderr, "luxc bench: cannot write the JSON results\n");
    return ok && printf("\n]\n") > 0;
}

static const luxc_bench_case *const tables[] = {
    luxc_bench_cases_ai,
    luxc_bench_cases_consensus,
    luxc_bench_cases_crypto,
    luxc_bench_cases_net,
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: luxc bench [--filter REGEX] [--time SECONDS] [--count N] [--json]\n"
            "                  [--list]\n"
            "\n"
            "Run luxc's benchmarks and print Go-style lines\n"
            "  BenchmarkName-<cpus>  <iterations>  <ns> ns/op  <B> B/op  <n> allocs/op\n"
            "followed by a table beside the reference figures (SPEC section 3).\n"
            "\n"
            "  -f, --filter REGEX  run only benchmarks whose name matches the POSIX\n"
            "                      extended REGEX (like go test -bench)\n"
            "  -t, --time SECONDS  minimum time per benchmark run (default 1;\n"
            "                      like -benchtime)\n"
            "  -c, --count N       run each benchmark N times (1-100, default 1; like\n"
            "                      -count): one line per run, and the table shows\n"
            "                      the median, which a noisy machine moves least\n"
            "  -j, --json          print one JSON array of {name, iterations,\n"
            "                      ns_per_op, bytes_per_op, allocs_per_op} instead\n"
            "  -l, --list          list benchmark names and exit\n"
            "  -h, --help          show this text\n"
            "\n"
            "Allocations are counted by interposing malloc; they read null/absent in\n"
            "sanitizer builds, where that is not possible.\n");
}

int luxc_bench_main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"filter", required_argument, NULL, 'f'}, {"time", required_argument, NULL, 't'},
        {"json", no_argument, NULL, 'j'},         {"list", no_argument, NULL, 'l'},
        {"count", required_argument, NULL, 'c'},  {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *filter = NULL;
    double goal = 1.0;
    int json = 0, list = 0, ch;
    unsigned runs = 1;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "f:t:c:jlh", opts, NULL)) != -1) {
        switch (ch) {
        case 'f': filter = optarg; break;
        case 't': {
            char *end;
            goal = strtod(optarg, &end);
            if (*end == 's' && end[1] == '\0')
                end++;
            if (*end != '\0' || !(goal > 0) || goal > 3600) {
                fprintf(stderr, "luxc bench: --time wants seconds in (0, 3600], got '%s'\n",
                        optarg);
                return 2;
            }
            break;
        }
        case 'c': {
            char *end;
            unsigned long v = strtoul(optarg, &end, 10);
            if (*end != '\0' || optarg[0] == '-' || v < 1 || v > LUXC_BENCH_COUNT_MAX) {
                fprintf(stderr, "luxc bench: --count wants a whole number in [1, %u], got '%s'\n",
                        LUXC_BENCH_COUNT_MAX, optarg);
                return 2;
            }
            runs = (unsigned)v;
            break;
        }
        case 'j': json = 1; break;
        case 'l': list = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "luxc bench: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    regex_t re;
    if (filter) {
        int rc = regcomp(&re, filter, REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char msg[128];
            regerror(rc, &re, msg, sizeof msg);
            fprintf(stderr, "luxc bench: bad --filter '%s': %s\n", filter, msg);
            return 2;
        }
    }
    size_t cap = 0;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (const luxc_bench_case *c = tables[t]; c->name; c++)
            cap++;
    cap *= runs;
    result *rs = calloc(cap ? cap : 1, sizeof *rs);
    if (!rs) {
        fprintf(stderr, "luxc bench: out of memory\n");
        return 1;
    }
    size_t count = 0;
    int failed = 0;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        for (const luxc_bench_case *c = tables[t]; c->name; c++) {
            if (filter && regexec(&re, c->name, 0, NULL, 0) != 0)
                continue;
            if (list) {
                printf("%s\n", c->name);
                continue;
            }
            for (unsigned k = 0; k < runs; k++) {
                run_case(c, goal, &rs[count]);
                failed |= rs[count].failed;
                if (!json)
                    print_go_line(&rs[count]);
                count++;
            }
        }
    }
    if (filter)
        regfree(&re);
    if (!list) {
        if (json)
            failed |= !print_json(rs, count);
        else {
            print_table(rs, count, runs);
            if (count == 0)
                fprintf(stderr, "luxc bench: no benchmark matches\n");
        }
    }
    free(rs);
    return failed ? 1 : 0;
}
