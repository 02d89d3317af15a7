/* rng.c - the luxc_rng interface and its two back-ends (see luxc/rng.h).
 * Owns: xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom
 * number generators", 2018) seeded by splitmix64, Lemire's unbiased
 * bounded draw ("Fast random integer generation in an interval", 2019),
 * and the getrandom(2) back-end. */
#include "luxc/rng.h"

#include "consensus/rng_internal.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void luxc_xoshiro_seed(luxc_xoshiro *x, uint64_t seed)
{
    uint64_t s = seed;
    for (int i = 0; i < 4; i++)
        x->s[i] = splitmix64(&s);
    /* splitmix64 is a bijection of its counter, so four consecutive
     * outputs cannot all be zero; keep the guard for clarity. */
    if (!(x->s[0] | x->s[1] | x->s[2] | x->s[3]))
        x->s[0] = 1;
}

uint64_t luxc_xoshiro_next(luxc_xoshiro *x)
{
    uint64_t *s = x->s;
    uint64_t r = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

/* 64x64 -> 128-bit product split in two halves, portable C. */
static inline void mul64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    *lo = (mid << 32) | (uint32_t)p00;
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

uint64_t luxc_xoshiro_below(luxc_xoshiro *x, uint64_t bound)
{
    if (bound == 0)
        return 0;
    uint64_t hi, lo;
    mul64(luxc_xoshiro_next(x), bound, &hi, &lo);
    if (lo < bound) {
        uint64_t thresh = (0 - bound) % bound;
        while (lo < thresh)
            mul64(luxc_xoshiro_next(x), bound, &hi, &lo);
    }
    return hi;
}

/* Bytes are emitted little-endian so a seed gives the same byte stream
 * on every platform. */
int luxc_rng_xoshiro_fill(void *ctx, uint8_t *buf, size_t len)
{
    luxc_xoshiro *x = ctx;
    while (len) {
        uint64_t v = luxc_xoshiro_next(x);
        for (int i = 0; i < 8 && len; i++, len--, v >>= 8)
            *buf++ = (uint8_t)v;
    }
    return LUXC_OK;
}

luxc_rng luxc_rng_xoshiro(luxc_xoshiro *x)
{
    luxc_rng r = {luxc_rng_xoshiro_fill, x};
    return r;
}

static int os_fill(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    while (len) {
        ssize_t got = getrandom(buf, len, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return LUXC_EIO;
        }
        buf += got;
        len -= (size_t)got;
    }
    return LUXC_OK;
}

luxc_rng luxc_rng_os(void)
{
    luxc_rng r = {os_fill, NULL};
    return r;
}

int luxc_rng_u64(const luxc_rng *r, uint64_t *out)
{
    if (!r || !r->fill || !out)
        return LUXC_EINVAL;
    uint8_t b[8];
    int rc = r->fill(r->ctx, b, sizeof b);
    if (rc != LUXC_OK)
        return rc;
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | b[i];
    *out = v;
    return LUXC_OK;
}

int luxc_rng_below(const luxc_rng *r, uint64_t bound, uint64_t *out)
{
    if (!r || !r->fill || !out)
        return LUXC_EINVAL;
    if (bound == 0) {
        *out = 0;
        return LUXC_OK;
    }
    uint64_t v, hi, lo, thresh = 0;
    int have_thresh = 0;
    for (;;) {
        int rc = luxc_rng_u64(r, &v);
        if (rc != LUXC_OK)
            return rc;
        mul64(v, bound, &hi, &lo);
        if (lo < bound && !have_thresh) { /* divide only when it can matter */
            thresh = (0 - bound) % bound;
            have_thresh = 1;
        }
        if (lo >= thresh)
            break;
    }
    *out = hi;
    return LUXC_OK;
}
