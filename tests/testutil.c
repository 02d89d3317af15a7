/* testutil.c - test seeds and the failing allocator (see testutil.h).
 * The countdown is process-global because --wrap cannot pass a context;
 * it lives only in test programs. Atomics keep threaded tests race-free. */
#include "testutil.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void *__real_aligned_alloc(size_t align, size_t size);
void *__wrap_aligned_alloc(size_t align, size_t size);

static _Atomic long countdown = -1;
static _Atomic unsigned long calls, failures;

void luxc_test_alloc_fail_after(long n) { atomic_store(&countdown, n); }
unsigned long luxc_test_alloc_calls(void) { return atomic_load(&calls); }
unsigned long luxc_test_alloc_failures(void) { return atomic_load(&failures); }

static int should_fail(void)
{
    atomic_fetch_add(&calls, 1);
    long c = atomic_load(&countdown);
    while (c >= 0) {
        if (atomic_compare_exchange_weak(&countdown, &c, c - 1)) {
            if (c == 0) {
                atomic_store(&countdown, -1);
                atomic_fetch_add(&failures, 1);
                return 1;
            }
            return 0;
        }
    }
    return 0;
}

void *__wrap_malloc(size_t size) { return should_fail() ? NULL : __real_malloc(size); }

void *__wrap_calloc(size_t n, size_t size)
{
    return should_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
    return should_fail() ? NULL : __real_realloc(p, size);
}

void *__wrap_aligned_alloc(size_t align, size_t size)
{
    return should_fail() ? NULL : __real_aligned_alloc(align, size);
}

uint64_t luxc_test_seed(void)
{
    const char *env = getenv("LUXC_TEST_SEED");
    uint64_t seed;
    if (env && *env)
        seed = strtoull(env, NULL, 0);
    else
        seed = (uint64_t)time(NULL) ^ ((uint64_t)clock() << 20);
    fprintf(stderr, "seed=%llu (set LUXC_TEST_SEED to repeat)\n", (unsigned long long)seed);
    return seed;
}
