/* sigmoid.c - the array form of the sigmoid.
 * Owns: luxc_ai_sigmoid_batch. The scalar kernel (luxc_ai_exp,
 * luxc_ai_sigmoid) is inline in luxc/ai_model.h so that callers' loops
 * inline it; this loop is written so gcc/clang vectorise it (no branches,
 * no calls, no aliasing between iterations). */
#include "luxc/ai_model.h"

void luxc_ai_sigmoid_batch(double *y, const double *x, size_t n)
{
    if (y == NULL || x == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        y[i] = luxc_ai_sigmoid(x[i]);
}

size_t luxc_ai_max_features(void) { return LUXC_AI_MAX_FEATURES; }
size_t luxc_ai_reasoningbytes(void) { return LUXC_AI_REASONINGBYTES; }
