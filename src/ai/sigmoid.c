/* sigmoid.c - the public exponential and sigmoid: luxc_ai_exp,
 * luxc_ai_sigmoid and the array form.
 * Owns: those three functions. Not here: the arithmetic (the inline
 * kernels of sigmoid_kernel.h, which the library's own loops inline
 * directly). The scalar and eight-lane kernels give identical results,
 * so the batch form equals the scalar one element by element. */
#include "luxc/ai_model.h"
#include "sigmoid_kernel.h"

double luxc_ai_exp(double x) { return luxc_ai_exp_kernel(x); }

double luxc_ai_sigmoid(double x) { return luxc_ai_sigmoid_kernel(x); }

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
    size_t i = 0;
#ifdef LUXC_AI_HAVE_SIGMOID_PD8
    /* Two independent vectors per step keep both FMA pipes busy while a
     * division is in flight. */
    for (; i + 16 <= n; i += 16) {
        __m512d a = luxc_ai_sigmoid_pd8(_mm512_loadu_pd(x + i));
        __m512d b = luxc_ai_sigmoid_pd8(_mm512_loadu_pd(x + i + 8));
        _mm512_storeu_pd(y + i, a);
        _mm512_storeu_pd(y + i + 8, b);
    }
    for (; i + 8 <= n; i += 8)
        _mm512_storeu_pd(y + i, luxc_ai_sigmoid_pd8(_mm512_loadu_pd(x + i)));
#endif
    for (; i < n; i++)
        y[i] = luxc_ai_sigmoid_kernel(x[i]);
}

size_t luxc_ai_max_features(void) { return LUXC_AI_MAX_FEATURES; }
size_t luxc_ai_reasoningbytes(void) { return LUXC_AI_REASONINGBYTES; }
