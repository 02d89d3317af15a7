/* photon.c - sampling K validators without replacement.
 * Owns: the uniform sampler (partial Fisher-Yates over a persistent
 * permutation: any starting permutation gives a uniform k-subset, so the
 * array is never reset and a draw costs O(k)), the weighted sampler (a
 * Fenwick tree of stake x luminance: draw r < remaining weight, descend,
 * remove the pick, restore after the sample: O(k log n)) and luminance
 * feedback. Not here: what the sample is asked (wave.c). */
#include "luxc/consensus.h"

#include "consensus/rng_internal.h"

#include <stdlib.h>
#include <string.h>

struct luxc_photon {
    size_t n;
    luxc_photon_mode mode;
    int luminance;
    uint32_t *perm;     /* uniform: a permutation of 0..n-1 */
    uint64_t *stake;    /* weighted: base weights */
    uint32_t *lum;      /* luminance in milli-units (luminance mode) */
    uint64_t *fen;      /* Fenwick tree, 1-based, n + 1 entries */
    uint64_t total;     /* sum of current weights */
    size_t nonzero;     /* validators with non-zero weight */
};

/* Sampling weight of i; with luminance stake * lum (overflow checked at
 * construction against the maximum luminance). */
static uint64_t weight(const luxc_photon *p, size_t i)
{
    return p->luminance ? p->stake[i] * p->lum[i] : p->stake[i];
}

static void fen_add(uint64_t *fen, size_t n, size_t i, uint64_t delta, int sub)
{
    for (size_t x = i + 1; x <= n; x += x & (0 - x))
        fen[x] = sub ? fen[x] - delta : fen[x] + delta;
}

static void fen_build(luxc_photon *p)
{
    memset(p->fen, 0, (p->n + 1) * sizeof *p->fen);
    p->total = 0;
    p->nonzero = 0;
    for (size_t i = 0; i < p->n; i++) {
        uint64_t w = weight(p, i);
        p->fen[i + 1] += w;
        size_t up = (i + 1) + ((i + 1) & (0 - (i + 1)));
        if (up <= p->n)
            p->fen[up] += p->fen[i + 1];
        p->total += w;
        p->nonzero += w != 0;
    }
}

/* Smallest index whose prefix sum exceeds r (r < total). */
static size_t fen_find(const uint64_t *fen, size_t n, uint64_t r)
{
    size_t pos = 0, step = 1;
    while (step * 2 <= n)
        step *= 2;
    for (; step; step >>= 1)
        if (pos + step <= n && fen[pos + step] <= r) {
            pos += step;
            r -= fen[pos];
        }
    return pos; /* 0-based index */
}

void luxc_photon_free(luxc_photon *p)
{
    if (!p)
        return;
    free(p->perm);
    free(p->stake);
    free(p->lum);
    free(p->fen);
    free(p);
}

int luxc_photon_new(luxc_photon **out, size_t n, luxc_photon_mode mode, const uint64_t *stakes,
                    int luminance)
{
    if (!out)
        return LUXC_EINVAL;
    *out = NULL;
    if (n == 0 || n > 0x7fffffffu || (mode != LUXC_PHOTON_UNIFORM && mode != LUXC_PHOTON_STAKE))
        return LUXC_EINVAL;
    if (luminance)
        mode = LUXC_PHOTON_STAKE;
    int rc = LUXC_ENOMEM;
    luxc_photon *p = calloc(1, sizeof *p);
    if (!p)
        return LUXC_ENOMEM;
    p->n = n;
    p->mode = mode;
    p->luminance = luminance != 0;
    if (mode == LUXC_PHOTON_UNIFORM) {
        if (!(p->perm = malloc(n * sizeof *p->perm)))
            goto fail;
        for (size_t i = 0; i < n; i++)
            p->perm[i] = (uint32_t)i;
        p->nonzero = n;
        *out = p;
        return LUXC_OK;
    }
    p->stake = malloc(n * sizeof *p->stake);
    p->fen = malloc((n + 1) * sizeof *p->fen);
    if (!p->stake || !p->fen)
        goto fail;
    if (p->luminance && !(p->lum = malloc(n * sizeof *p->lum)))
        goto fail;
    uint64_t maxw = p->luminance ? LUXC_PHOTON_LUM_MAX : 1, sum = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t s = stakes ? stakes[i] : 1;
        if (s > UINT64_MAX / maxw || s * maxw > UINT64_MAX - sum) {
            rc = LUXC_EOVERFLOW;
            goto fail;
        }
        sum += s * maxw;
        p->stake[i] = s;
        if (p->lum)
            p->lum[i] = LUXC_PHOTON_LUM_START;
    }
    fen_build(p);
    *out = p;
    return LUXC_OK;
fail:
    luxc_photon_free(p);
    return rc;
}

static int fill_u64(const luxc_rng *rng, uint64_t *buf, size_t k)
{
    if (rng->fill == luxc_rng_xoshiro_fill) { /* same words, no byte trip */
        for (size_t i = 0; i < k; i++)
            buf[i] = luxc_xoshiro_next(rng->ctx);
        return LUXC_OK;
    }
    uint8_t *b = (uint8_t *)buf;
    int rc = rng->fill(rng->ctx, b, k * 8);
    if (rc != LUXC_OK)
        return rc;
    for (size_t i = 0; i < k; i++) {
        uint64_t v = 0;
        for (int j = 7; j >= 0; j--)
            v = v << 8 | b[8 * i + (size_t)j];
        buf[i] = v;
    }
    return LUXC_OK;
}

/* Uniform in [0, bound) from the pre-drawn word v (Lemire), drawing more
 * words only on the rare rejection. */
static int below(const luxc_rng *rng, uint64_t v, uint64_t bound, uint64_t *out)
{
    /* The division is needed only when the low half is below bound
     * (Lemire): it is the cost of a draw, so it is skipped otherwise. */
    uint64_t thresh = 0;
    int have_thresh = 0;
    for (;;) {
        uint64_t a0 = (uint32_t)v, a1 = v >> 32, b0 = (uint32_t)bound, b1 = bound >> 32;
        uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
        uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
        uint64_t lo = (mid << 32) | (uint32_t)p00;
        if (lo < bound && !have_thresh) {
            thresh = (0 - bound) % bound;
            have_thresh = 1;
        }
        if (lo >= thresh) {
            *out = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
            return LUXC_OK;
        }
        int rc = fill_u64(rng, &v, 1);
        if (rc != LUXC_OK)
            return rc;
    }
}

int luxc_photon_sample(luxc_photon *p, const luxc_rng *rng, uint32_t *out, size_t k)
{
    if (!p || !rng || !rng->fill || (!out && k))
        return LUXC_EINVAL;
    if (k > p->nonzero)
        return LUXC_ERANGE;
    uint64_t words[64];
    size_t done = 0;
    int rc = LUXC_OK;
    while (done < k && rc == LUXC_OK) {
        size_t batch = k - done < 64 ? k - done : 64;
        if ((rc = fill_u64(rng, words, batch)) != LUXC_OK)
            break;
        for (size_t b = 0; b < batch && rc == LUXC_OK; b++, done++) {
            uint64_t j;
            if (p->mode == LUXC_PHOTON_UNIFORM) {
                if ((rc = below(rng, words[b], p->n - done, &j)) != LUXC_OK)
                    break;
                j += done;
                uint32_t t = p->perm[done];
                p->perm[done] = p->perm[j];
                p->perm[j] = t;
                out[done] = p->perm[done];
            } else {
                if ((rc = below(rng, words[b], p->total, &j)) != LUXC_OK)
                    break;
                size_t idx = fen_find(p->fen, p->n, j);
                uint64_t w = weight(p, idx);
                fen_add(p->fen, p->n, idx, w, 1);
                p->total -= w;
                out[done] = (uint32_t)idx;
            }
        }
    }
    if (p->mode == LUXC_PHOTON_STAKE) /* put the picks back */
        for (size_t i = 0; i < done; i++) {
            uint64_t w = weight(p, out[i]);
            fen_add(p->fen, p->n, out[i], w, 0);
            p->total += w;
        }
    return rc;
}

int luxc_photon_report(luxc_photon *p, uint32_t i, int good)
{
    if (!p || i >= p->n)
        return LUXC_EINVAL;
    if (!p->luminance)
        return LUXC_ESTATE;
    uint64_t old = weight(p, i), l = p->lum[i];
    l = good ? l * 11 / 10 : l * 9 / 10;
    if (l > LUXC_PHOTON_LUM_MAX)
        l = LUXC_PHOTON_LUM_MAX;
    if (l < LUXC_PHOTON_LUM_MIN)
        l = LUXC_PHOTON_LUM_MIN;
    p->lum[i] = (uint32_t)l;
    uint64_t nw = weight(p, i);
    if (nw >= old) {
        fen_add(p->fen, p->n, i, nw - old, 0);
        p->total += nw - old;
    } else {
        fen_add(p->fen, p->n, i, old - nw, 1);
        p->total -= old - nw;
    }
    return LUXC_OK;
}

uint32_t luxc_photon_luminance(const luxc_photon *p, uint32_t i)
{
    if (!p || !p->lum || i >= p->n)
        return 0;
    return p->lum[i];
}
