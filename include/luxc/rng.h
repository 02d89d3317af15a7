/* luxc/rng.h - the one randomness interface of the consensus layer.
 *
 * Model: every random choice (photon sampling, simulator decisions) draws
 * from a luxc_rng, a function pointer plus context. Two back-ends ship here:
 *
 *  - luxc_xoshiro: xoshiro256** (Blackman & Vigna, 2018), seeded from one
 *    u64 through splitmix64. Reproducible: one seed gives one stream on
 *    every platform. For tests and the simulator only: it is NOT a
 *    cryptographic generator.
 *  - luxc_rng_os(): the kernel CSPRNG through getrandom(2) (libc only, so
 *    the consensus layer does not link libsodium). A node may plug any
 *    other CSPRNG (e.g. libsodium's randombytes_buf) by filling a luxc_rng.
 *
 * Thread safety: a luxc_xoshiro (and a luxc_rng bound to it) belongs to
 * one thread at a time. luxc_rng_os() may be used from any thread. */
#ifndef LUXC_RNG_H
#define LUXC_RNG_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* fill writes len random bytes to buf and returns LUXC_OK or a negative
 * luxc_err (e.g. LUXC_EIO when the kernel refuses); on error buf is
 * unspecified. ctx is passed through untouched. */
typedef struct luxc_rng {
    int (*fill)(void *ctx, uint8_t *buf, size_t len);
    void *ctx;
} luxc_rng;

/* xoshiro256** state: a plain value, no allocation. */
typedef struct luxc_xoshiro {
    uint64_t s[4];
} luxc_xoshiro;

/* Seed the state from one u64 (splitmix64 expansion; never all-zero). */
LUXC_API
void luxc_xoshiro_seed(luxc_xoshiro *x, uint64_t seed) LUXC_NONNULL(1);

/* Next 64 random bits. */
LUXC_API
uint64_t luxc_xoshiro_next(luxc_xoshiro *x) LUXC_NONNULL(1);

/* Uniform integer in [0, bound) without modulo bias (Lemire's multiply
 * and reject). bound == 0 returns 0. */
LUXC_API
uint64_t luxc_xoshiro_below(luxc_xoshiro *x, uint64_t bound) LUXC_NONNULL(1);

/* A luxc_rng drawing from x (x must outlive the returned value). */
LUXC_API
luxc_rng luxc_rng_xoshiro(luxc_xoshiro *x) LUXC_NONNULL(1);

/* A luxc_rng backed by getrandom(2); fill retries on EINTR and returns
 * LUXC_EIO on any other failure. */
LUXC_API
luxc_rng luxc_rng_os(void);

/* Convenience draws through any luxc_rng. Errors: LUXC_EINVAL (NULL rng or
 * fill), or whatever fill returns. luxc_rng_below: uniform in [0, bound),
 * bound 0 gives 0. */
LUXC_API
LUXC_MUST_CHECK int luxc_rng_u64(const luxc_rng *r, uint64_t *out);
LUXC_API
LUXC_MUST_CHECK int luxc_rng_below(const luxc_rng *r, uint64_t bound, uint64_t *out);

#ifdef __cplusplus
}
#endif
#endif /* LUXC_RNG_H */
