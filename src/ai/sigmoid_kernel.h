/* sigmoid_kernel.h - the exponential and sigmoid kernels: tables, the
 * scalar inline kernels and, with AVX-512, the eight-lane one. Not a
 * public header. Owns: the arithmetic behind luxc_ai_exp, luxc_ai_sigmoid
 * and luxc_ai_sigmoid_batch (range and error: luxc/ai_model.h). Not here:
 * the public functions (sigmoid.c).
 *
 * Why a header of inline functions: tight loops (the model's decide and
 * learn, the batch forms, the Sigmoid benchmarks) must inline the kernel;
 * an out-of-line call costs more than the ~0.3 ns sigmoid itself. Why not
 * in the public header: there, the caller's -march chose the code (FMA
 * or not, AVX-512 or not) and so the results. Included by the library's
 * own .c files and by bench/bench_ai.c and the tests, which are built
 * with the library's flags; the public header declares plain functions.
 * The exp tables are static const: each file that includes this one has
 * its own copy of 384 bytes, and no symbol leaves libluxc. */
#ifndef LUXC_SRC_AI_SIGMOID_KERNEL_H
#define LUXC_SRC_AI_SIGMOID_KERNEL_H

#include <math.h>
#include <stdint.h>
#include <string.h>

/* a * b + c, fused where the target has FMA (one rounding, and GCC's
 * ISO C mode does not contract a * b + c by itself). */
#ifdef __FMA__
#define LUXC_AI_FMA(a, b, c) fma((a), (b), (c))
#else
#define LUXC_AI_FMA(a, b, c) ((a) * (b) + (c))
#endif

/* Tables of the exponential, indexed by the low 8 bits j of
 * n = round(y * 256 / ln 2), split as j = 16 * j1 + j0, all correctly
 * rounded: luxc_ai_exp_hi_tab_[j1] holds the bits of 2^(j1/16) minus
 * j1 << 48 (the index bits that luxc_ai_exp_core_ shifts into the
 * mantissa along with the exponent); luxc_ai_exp_lo_tab_[j0] =
 * 2^(j0/256) - 1 (for exp) and luxc_ai_exp_inv_tab_[j0] = 2^(-j0/256)
 * (for the sigmoid). 16 entries each: an AVX-512 two-register permute
 * looks them up without touching memory. */
static const uint64_t luxc_ai_exp_hi_tab_[16] = {
    UINT64_C(0x3ff0000000000000), UINT64_C(0x3fefb5586cf9890f), UINT64_C(0x3fef72b83c7d517b),
    UINT64_C(0x3fef387a6e756238), UINT64_C(0x3fef06fe0a31b715), UINT64_C(0x3feedea64c123422),
    UINT64_C(0x3feebfdad5362a27), UINT64_C(0x3feeab07dd485429), UINT64_C(0x3feea09e667f3bcd),
    UINT64_C(0x3feea11473eb0187), UINT64_C(0x3feeace5422aa0db), UINT64_C(0x3feec49182a3f090),
    UINT64_C(0x3feee89f995ad3ad), UINT64_C(0x3fef199bdd85529c), UINT64_C(0x3fef5818dcfba487),
    UINT64_C(0x3fefa4afa2a490da)};
static const double luxc_ai_exp_lo_tab_[16] = {
    0x0.0p+0,             0x1.635f4b5797dacp-9, 0x1.63da9fb33356ep-8, 0x1.0b40a1d81406dp-7,
    0x1.64d1f3bc03077p-7, 0x1.bea1708dde605p-7, 0x1.0c57a1b9fe12fp-6, 0x1.397dcbd952c4ap-6,
    0x1.66c34c5615d0fp-6, 0x1.942838f07e22ap-6, 0x1.c1aca777db772p-6, 0x1.ef50adcaa0d8ap-6,
    0x1.0e8a30eb37901p-5, 0x1.257beccc0fbf5p-5, 0x1.3c7d958de7069p-5, 0x1.538f363e72325p-5};
static const double luxc_ai_exp_inv_tab_[16] = {
    0x1.0000000000000p+0, 0x1.fe9d96b2a23d9p-1, 0x1.fd3c22b8f71f1p-1, 0x1.fbdba3692d514p-1,
    0x1.fa7c1819e90d8p-1, 0x1.f91d802243c89p-1, 0x1.f7bfdad9cbe14p-1, 0x1.f6632798844f8p-1,
    0x1.f50765b6e4540p-1, 0x1.f3ac948dd7274p-1, 0x1.f252b376bba97p-1, 0x1.f0f9c1cb6412ap-1,
    0x1.efa1bee615a27p-1, 0x1.ee4aaa2188510p-1, 0x1.ecf482d8e67f1p-1, 0x1.eb9f4867cca6ep-1};

#define LUXC_AI_EXP_K_ 0x1.71547652b82fep+8 /* 256 / ln 2 */
/* ln2 / 256 = C_HI + C_LO; C_HI has 35 significant bits, so n * C_HI is
 * exact for |n| < 2^18 (|y| <= 709 gives |n| <= 261,848) and the first
 * reduction step is exact with or without a fused multiply-add. C_ONE is
 * ln2 / 256 rounded to a double: one fused step with it leaves an error
 * of |n| * 9.1e-20 in r (relative error 3.4e-17 * |y| in e^y), which the
 * sigmoid accepts for one multiply-add less. */
#define LUXC_AI_EXP_C_HI_ 0x1.62e42fefc0000p-9
#define LUXC_AI_EXP_C_LO_ (-0x1.c610ca86c3899p-45)
#define LUXC_AI_EXP_C_ONE_ 0x1.62e42fefa39efp-9
#define LUXC_AI_EXP_SHIFT_ 0x1.8p52 /* adding it rounds to an integer */

/* e^y = scale * 2^(j0/256) * *e for y in [-708, 709] (the caller
 * clamps): returns scale = 2^k * 2^(j1/16), sets *e = e^r and *j0, where
 * y = n ln2/256 + r, n = 256 k + 16 j1 + j0 and |r| <= ln2/512. e^r is a
 * degree-4 Taylor polynomial (truncation error below 4e-17 there).
 * two_step (a constant at each call) selects the exact two-step
 * reduction; without it and with FMA, the one-step one (see C_ONE). The
 * sigmoid's operations are exactly those of the AVX-512 kernel below, so
 * the two agree bit for bit. NaN y gives NaN *e. */
static inline double luxc_ai_exp_core_(double y, int two_step, double *e, unsigned *j0)
{
    double t = LUXC_AI_FMA(y, LUXC_AI_EXP_K_, LUXC_AI_EXP_SHIFT_);
    double n = t - LUXC_AI_EXP_SHIFT_;
    double r;
#ifdef __FMA__
    if (!two_step)
        r = LUXC_AI_FMA(-n, LUXC_AI_EXP_C_ONE_, y);
    else
#endif
        r = LUXC_AI_FMA(-n, LUXC_AI_EXP_C_LO_, LUXC_AI_FMA(-n, LUXC_AI_EXP_C_HI_, y));
    (void)two_step;
    double p = 1.0 / 24.0;
    p = LUXC_AI_FMA(p, r, 1.0 / 6.0);
    p = LUXC_AI_FMA(p, r, 0.5);
    p = LUXC_AI_FMA(p, r, 1.0);
    *e = LUXC_AI_FMA(p, r, 1.0);
    /* t's low mantissa bits hold n (two's complement): j0 in bits 0-3,
     * j1 in 4-7, k above. (t >> 4) << 48 moves j1 and k to bits 48 and
     * 52 (the bits above wrap away); the table entry had j1 << 48 taken
     * off, so the sum is 2^(j1/16) with k added to its exponent. */
    uint64_t tb;
    memcpy(&tb, &t, sizeof tb);
    uint64_t hi = tb >> 4;
    uint64_t sb = luxc_ai_exp_hi_tab_[hi & 15u] + (hi << 48);
    double scale;
    memcpy(&scale, &sb, sizeof scale);
    *j0 = (unsigned)(tb & 15u);
    return scale;
}

/* e^x (luxc_ai_exp's body; luxc/ai_model.h gives range and error). */
static inline double luxc_ai_exp_kernel(double x)
{
    /* "a < b ? a : b" is the form that maps onto minpd/maxpd, which
     * return b when either is NaN: with the bound as a, NaN passes
     * through (and propagates to the result) at no extra cost. */
    x = 709.0 < x ? 709.0 : x;
    x = -708.0 > x ? -708.0 : x;
    double e;
    unsigned j0;
    double scale = luxc_ai_exp_core_(x, 1, &e, &j0);
    return scale * LUXC_AI_FMA(luxc_ai_exp_lo_tab_[j0], e, e);
}

/* 1 / (1 + e^-x), computed as g / (g + scale * e^r) with g = 2^(-j0/256)
 * (one multiply-add fewer than forming e^-x first) and, with FMA, the
 * one-step reduction: relative error below 5e-16 + 3.4e-17 * |x| (2.5e-14
 * at the clamp; only x < 0 feels it, where sigmoid(x) ~ e^x). Pure;
 * inline so tight loops pay no call. -x is clamped to [-708, 708], as
 * the AVX-512 kernel's min/max do. */
static inline double luxc_ai_sigmoid_kernel(double x)
{
    double y = -x;
    y = 708.0 < y ? 708.0 : y;
    y = -708.0 > y ? -708.0 : y;
    double e;
    unsigned j0;
    double scale = luxc_ai_exp_core_(y, 0, &e, &j0);
    double g = luxc_ai_exp_inv_tab_[j0];
    return g / LUXC_AI_FMA(scale, e, g);
}

#if defined(__AVX512F__) && defined(__AVX512DQ__) && defined(__FMA__)
#include <immintrin.h>
/* Eight sigmoids at once: the same operations as luxc_ai_sigmoid_kernel,
 * lane by lane (the results are identical), with the tables held in
 * registers (two-source permutes) instead of loaded. Defined only when
 * the compiler targets AVX-512F/DQ. */
#define LUXC_AI_HAVE_SIGMOID_PD8 1
static inline __m512d luxc_ai_sigmoid_pd8(__m512d x)
{
    const __m512i hi_a = _mm512_loadu_si512((const void *)luxc_ai_exp_hi_tab_);
    const __m512i hi_b = _mm512_loadu_si512((const void *)(luxc_ai_exp_hi_tab_ + 8));
    const __m512d inv_a = _mm512_loadu_pd(luxc_ai_exp_inv_tab_);
    const __m512d inv_b = _mm512_loadu_pd(luxc_ai_exp_inv_tab_ + 8);
    const __m512d shift = _mm512_set1_pd(LUXC_AI_EXP_SHIFT_);
    /* The scalar clamp of -x. vminpd/vmaxpd return their second operand
     * when either is NaN, so NaN passes (vrangepd, one op, would not). */
    x = _mm512_min_pd(_mm512_set1_pd(708.0), x);
    x = _mm512_max_pd(_mm512_set1_pd(-708.0), x);
    __m512d t = _mm512_fmadd_pd(x, _mm512_set1_pd(-LUXC_AI_EXP_K_), shift);
    __m512d n = _mm512_sub_pd(t, shift);
    __m512d r = _mm512_fnmsub_pd(n, _mm512_set1_pd(LUXC_AI_EXP_C_ONE_), x);
    __m512d p = _mm512_set1_pd(1.0 / 24.0);
    p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(1.0 / 6.0));
    p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(0.5));
    p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(1.0));
    p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(1.0));
    __m512i tb = _mm512_castpd_si512(t);
    __m512i hi = _mm512_srli_epi64(tb, 4);
    __m512i sb = _mm512_add_epi64(_mm512_permutex2var_epi64(hi_a, hi, hi_b),
                                  _mm512_slli_epi64(hi, 48));
    __m512d g = _mm512_permutex2var_pd(inv_a, tb, inv_b);
    return _mm512_div_pd(g, _mm512_fmadd_pd(_mm512_castsi512_pd(sb), p, g));
}
#endif

#endif
