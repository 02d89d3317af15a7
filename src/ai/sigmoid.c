/* sigmoid.c - the array form of the sigmoid.
 * Owns: luxc_ai_sigmoid_batch. The scalar kernel (luxc_ai_exp,
 * luxc_ai_sigmoid) is inline in luxc/ai_model.h so that callers' loops
 * inline it; this loop is written so gcc/clang vectorise it (no branches,
 * no calls, no aliasing between iterations). */
#include "luxc/ai_model.h"

/* GCC's -O2 cost model ("very cheap") does not vectorise loops that need
 * an alias check or an epilogue; ask for the -O3 one here so -O2 builds
 * vectorise these loops too. Clang vectorises them at -O2 already. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("tree-loop-vectorize", "vect-cost-model=dynamic")
#endif

void luxc_ai_sigmoid_batch(double *y, const double *x, size_t n)
{
    if (y == NULL || x == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        y[i] = luxc_ai_sigmoid(x[i]);
}

size_t luxc_ai_max_features(void) { return LUXC_AI_MAX_FEATURES; }
size_t luxc_ai_reasoningbytes(void) { return LUXC_AI_REASONINGBYTES; }
