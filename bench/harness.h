/* harness.h - the benchmark harness of luxc-bench (bench/main.c), the
 * program `luxc bench` executes (src/cli/cmd_bench.c: luxc itself carries
 * no benchmark code).
 * Owns: Go-style iteration doubling, timing, allocation accounting, output
 * (Go lines, reference table, JSON through cJSON), filtering.
 *
 * A benchmark is a function that runs its body b->n times between
 * luxc_bench_start/stop calls made by the harness (setup before the loop
 * can be excluded with luxc_bench_reset_timer). Like Go's testing.B:
 *
 *   static void bench_sigmoid(luxc_bench_b *b) {
 *       double sink = 0;
 *       for (uint64_t i = 0; i < b->n; i++) sink += luxc_ai_sigmoid(i % 100);
 *       luxc_bench_sink_double(sink);
 *   }
 *
 * Each layer's bench/bench_<layer>.c exports one NULL-terminated table of
 * cases (see the extern declarations below); harness.c lists the tables
 * it runs (tables[]), so a new layer's table is added there.
 *
 * Thread safety: a luxc_bench_b belongs to the thread running the case,
 * except in luxc_bench_parallel, which runs the body on worker threads. */
#ifndef LUXC_BENCH_HARNESS_H
#define LUXC_BENCH_HARNESS_H

#include <stddef.h>
#include <stdint.h>

typedef struct luxc_bench_b {
    uint64_t n;        /* iterations the body must run */
    /* harness-private below */
    uint64_t ops;      /* divisor for per-op figures (default n) */
    uint64_t t_start_ns, t_total_ns;
    uint64_t a_start, a_total;   /* allocation counts */
    uint64_t by_start, by_total; /* allocated bytes */
    int timing;
    int failed;
    char fail_msg[256];
} luxc_bench_b;

typedef void (*luxc_bench_fn)(luxc_bench_b *b);

typedef struct luxc_bench_case {
    const char *name;      /* e.g. "UpdateChain" (no "Benchmark" prefix) */
    luxc_bench_fn fn;
    /* Reference figure for the comparison table (0 = no reference). */
    double ref_ns_per_op;
    double ref_bytes_per_op;
    double ref_allocs_per_op;
    const char *unit_note; /* NULL, or e.g. "per element" */
    /* Where ref_ns_per_op comes from: NULL = the Go reference measured on
     * an Apple M1 Max (SPEC section 3), or LUXC_BENCH_REF_CPORT /
     * LUXC_BENCH_REF_CLAIM. */
    const char *ref_source;
} luxc_bench_case;

#define LUXC_BENCH_REF_GO "Go"       /* the reference's Go benchmarks, Apple M1 Max */
#define LUXC_BENCH_REF_CPORT "C port" /* the reference's C port */
#define LUXC_BENCH_REF_CLAIM "claim"  /* the report's figure, with no code behind it */

/* Timer control, as in Go's testing.B. */
void luxc_bench_reset_timer(luxc_bench_b *b);
void luxc_bench_start_timer(luxc_bench_b *b);
void luxc_bench_stop_timer(luxc_bench_b *b);

/* Report figures per `ops` operations instead of per iteration, e.g. a
 * batch benchmark whose iteration is one element. */
void luxc_bench_set_ops(luxc_bench_b *b, uint64_t ops);

/* Mark the case failed (printed instead of a figure; exit status 1). */
void luxc_bench_fail(luxc_bench_b *b, const char *msg);

/* Run body(ctx, tid, iters) on `threads` threads (0 = number of online
 * CPUs) splitting b->n iterations between them; the caller's timer keeps
 * running, so ns/op is wall time per iteration as in Go's RunParallel. */
void luxc_bench_parallel(luxc_bench_b *b, unsigned threads,
                         void (*body)(void *ctx, unsigned tid, uint64_t iters),
                         void *ctx);

/* Number of threads the suffix "-N" reports (online CPUs, like GOMAXPROCS). */
unsigned luxc_bench_procs(void);

/* Keep a result alive so the compiler cannot drop the work. */
void luxc_bench_sink_double(double v);
void luxc_bench_sink_u64(uint64_t v);
void luxc_bench_sink_ptr(const void *p);

/* Allocation counters. bench/alloc_count.c interposes malloc & co. in
 * luxc-bench, the only program that links it: counted() is 1. Sanitizer
 * builds link bench/alloc_none.c instead: counted() is 0, the counts stay
 * 0, and the harness reports the figures as not counted (null in JSON). */
int luxc_bench_allocs_counted(void);
uint64_t luxc_bench_alloc_count(void);
uint64_t luxc_bench_alloc_bytes(void);

/* main() of luxc-bench, which `luxc bench [--filter RE] [--time S]
 * [--count N] [--json] [--list]` runs. Returns a process exit status. */
int luxc_bench_main(int argc, char **argv);

/* Tables of each layer, NULL-terminated (name == NULL). */
extern const luxc_bench_case luxc_bench_cases_ai[];
extern const luxc_bench_case luxc_bench_cases_consensus[];
extern const luxc_bench_case luxc_bench_cases_crypto[];
extern const luxc_bench_case luxc_bench_cases_net[];

/* Most runs per benchmark `luxc bench --count` takes. */
#define LUXC_BENCH_COUNT_MAX 100u

#endif
