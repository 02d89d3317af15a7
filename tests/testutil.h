/* testutil.h - helpers every test program links (tests/testutil.c).
 *
 * Seeds: random tests call luxc_test_seed() once; it reads LUXC_TEST_SEED
 * (else the clock), prints "seed=N" to stderr, and the test prints the seed
 * again in each failure message (use LUXC_TEST_FAIL_SEED).
 *
 * Allocation failure: test programs are linked with -Wl,--wrap=malloc,
 * --wrap=calloc,--wrap=realloc so every allocation made by luxc code goes
 * through a countdown. luxc_test_alloc_fail_after(n) makes the allocation
 * after n more succeed fail (n = 0: the next one fails); -1 turns failure off.
 * Allocations inside libc/libsodium/etc. are not counted (they call the
 * real malloc), so luxc code must use malloc/calloc/realloc, not strdup. */
#ifndef LUXC_TESTUTIL_H
#define LUXC_TESTUTIL_H

#include <stdint.h>
#include <stdio.h>

uint64_t luxc_test_seed(void);

/* splitmix64: small, seedable, good enough to generate test inputs. */
static inline uint64_t luxc_test_rand(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void luxc_test_alloc_fail_after(long n);
/* Allocations attempted through the wrapper since the program started. */
unsigned long luxc_test_alloc_calls(void);
/* Allocations made to fail so far. */
unsigned long luxc_test_alloc_failures(void);

/* Print the seed with a failure, then fail the cmocka test. */
#define LUXC_TEST_FAIL_SEED(seed, ...)                                          \
    do {                                                                        \
        fprintf(stderr, "FAIL (LUXC_TEST_SEED=%llu): ", (unsigned long long)(seed)); \
        fprintf(stderr, __VA_ARGS__);                                           \
        fprintf(stderr, "\n");                                                  \
        fail();                                                                 \
    } while (0)

#endif
