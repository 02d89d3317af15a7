/* batch.c - array forms of the model: decide many feature rows at once,
 * and the stake-weighted average of several models' parameters.
 * Owns: luxc_ai_model_decide_batch, luxc_ai_merge_weighted. The inner
 * loops run over rows of a feature-major matrix with unit stride, no
 * branches and no calls, so the compiler vectorises them. */
#include "model_internal.h"

#include <math.h>
#include <string.h>

/* GCC's -O2 cost model ("very cheap") does not vectorise loops that need
 * an alias check or an epilogue; ask for the -O3 one here so -O2 builds
 * vectorise these loops too. Clang vectorises them at -O2 already. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("tree-loop-vectorize", "vect-cost-model=dynamic")
#endif

#define CHUNK 256u

int luxc_ai_model_decide_batch(const luxc_ai_model *m, const double *xt, size_t rows,
                               double *score, double *confidence, uint8_t *approve)
{
    if (m == NULL || xt == NULL || rows == 0)
        return LUXC_EINVAL;
    double s[CHUNK], c[CHUNK];
    /* A score is finite unless its exponent bits are all ones; OR-ing
     * that test over the scores flags any NaN/Inf without a branch (an
     * integer OR reduction vectorises, a floating-point sum does not). */
    uint64_t bad = 0;
    for (size_t r0 = 0; r0 < rows; r0 += CHUNK) {
        size_t k = rows - r0 < CHUNK ? rows - r0 : CHUNK;
        for (size_t r = 0; r < k; r++)
            s[r] = m->bias;
        for (size_t f = 0; f < m->n; f++) {
            const double w = m->w[f];
            const double *col = xt + f * rows + r0;
            for (size_t r = 0; r < k; r++)
                s[r] += w * col[r];
        }
        for (size_t r = 0; r < k; r++) {
            uint64_t b;
            memcpy(&b, &s[r], sizeof b);
            bad |= (uint64_t)((b & UINT64_C(0x7ff0000000000000)) == UINT64_C(0x7ff0000000000000));
        }
        luxc_ai_sigmoid_batch(c, s, k);
        if (score)
            memcpy(score + r0, s, k * sizeof *s);
        if (confidence)
            memcpy(confidence + r0, c, k * sizeof *c);
        if (approve)
            for (size_t r = 0; r < k; r++)
                approve[r0 + r] = (uint8_t)(s[r] >= 0.0);
    }
    return bad == 0 ? LUXC_OK : LUXC_ERANGE;
}

int luxc_ai_merge_weighted(double *out, const double *const *vec, const double *stake,
                           size_t k, size_t n)
{
    if (out == NULL || vec == NULL || stake == NULL || k == 0 || n == 0)
        return LUXC_EINVAL;
    double total = 0.0;
    for (size_t i = 0; i < k; i++) {
        if (vec[i] == NULL)
            return LUXC_EINVAL;
        if (!isfinite(stake[i]))
            return LUXC_ERANGE;
        if (stake[i] < 0.0)
            return LUXC_EINVAL;
        for (size_t j = 0; j < n; j++)
            if (!isfinite(vec[i][j]))
                return LUXC_ERANGE;
        total += stake[i];
    }
    if (!(total > 0.0))
        return LUXC_EINVAL;
    if (!isfinite(total))
        return LUXC_ERANGE;
    /* Accumulate column by column so out may alias vec[0]. */
    for (size_t j = 0; j < n; j++) {
        double acc = 0.0;
        for (size_t i = 0; i < k; i++)
            acc += stake[i] * vec[i][j];
        out[j] = acc / total;
    }
    return LUXC_OK;
}
