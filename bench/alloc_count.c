/* alloc_count.c - count every heap allocation by interposing malloc.
 * Owns: the process-wide allocation counters the bench harness reads.
 *
 * This file is linked only into luxc-bench of a non-sanitizer build
 * (sanitizers bring their own malloc; `luxc` itself never has it). The counters are the one piece of
 * global mutable state in luxc, and exist only here: a malloc interposer
 * cannot receive a context. Relaxed atomics suffice because the harness
 * reads them after joining every thread that allocated. */
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "harness.h"

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void *__libc_memalign(size_t align, size_t size);
extern void __libc_free(void *p);

/* The build hides symbols by default; the interposers must be exported so
 * that shared libraries' calls (libzmq, libsodium, LMDB) reach them too. */
#define LUXC_INTERPOSE __attribute__((visibility("default")))

static _Atomic uint64_t alloc_count;
static _Atomic uint64_t alloc_bytes;

static inline void count(size_t bytes)
{
    atomic_fetch_add_explicit(&alloc_count, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&alloc_bytes, bytes, memory_order_relaxed);
}

LUXC_INTERPOSE void *malloc(size_t size)
{
    count(size);
    return __libc_malloc(size);
}

LUXC_INTERPOSE void *calloc(size_t n, size_t size)
{
    count(n * size);
    return __libc_calloc(n, size);
}

LUXC_INTERPOSE void *realloc(void *p, size_t size)
{
    count(size);
    return __libc_realloc(p, size);
}

LUXC_INTERPOSE void free(void *p) { __libc_free(p); }

LUXC_INTERPOSE int posix_memalign(void **out, size_t align, size_t size)
{
    void *p = __libc_memalign(align, size);
    if (p == NULL)
        return 12; /* ENOMEM */
    count(size);
    *out = p;
    return 0;
}

LUXC_INTERPOSE void *aligned_alloc(size_t align, size_t size)
{
    count(size);
    return __libc_memalign(align, size);
}

LUXC_INTERPOSE void *memalign(size_t align, size_t size)
{
    count(size);
    return __libc_memalign(align, size);
}

int luxc_bench_allocs_counted(void) { return 1; }

uint64_t luxc_bench_alloc_count(void)
{
    return atomic_load_explicit(&alloc_count, memory_order_relaxed);
}

uint64_t luxc_bench_alloc_bytes(void)
{
    return atomic_load_explicit(&alloc_bytes, memory_order_relaxed);
}
